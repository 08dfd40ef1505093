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
func (s *server) shopSettlements(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	sts, err := s.deps.Settlement.ShopStatements(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"settlements": sts}, nil
}

func (s *server) board(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	b, err := s.deps.Boards.Board(c.Request.Context(), id, s.deps.Vouchers.Now())
	if err != nil {
		return 0, nil, err
	}
	c.Header("Cache-Control", "public, max-age=60")
	return http.StatusOK, b, nil
}

// stats are the village's points earned and spent by month (?months=6), for the supervisors'
// charts: those who may read the village.
func (s *server) stats(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	months, err := queryInt(c, "months")
	if err != nil {
		return 0, nil, err
	}
	if months == 0 {
		months = 6
	}
	h, err := s.deps.Board.History(c.Request.Context(), principal(c), id, int(months), s.deps.Vouchers.Now())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"months": h}, nil
}
