package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *server) settlements(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	sts, err := s.deps.Settlement.Statements(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"settlements": sts}, nil
}

// board is the village's public board: no login, nothing personal.
func (s *server) board(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	b, err := s.deps.Board.Board(c.Request.Context(), id, s.deps.Vouchers.Now())
	if err != nil {
		return 0, nil, err
	}
	c.Header("Cache-Control", "public, max-age=60")
	return http.StatusOK, b, nil
}
