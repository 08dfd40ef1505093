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
