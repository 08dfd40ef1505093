package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/earning"
)

// listsQuery reads the path's village and the required ?quarter=YYYY-Qn.
func listsQuery(c *gin.Context) (int64, earning.Quarter, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, "", err
	}
	q, err := earning.ParseQuarter(c.Query("quarter"))
	if err != nil {
		return 0, "", errInvalidQuery.WithMessage("quarter is required: a quarter like 2026-Q3")
	}
	return id, q, nil
}

func (s *server) lists(c *gin.Context) (int, any, error) {
	id, q, err := listsQuery(c)
	if err != nil {
		return 0, nil, err
	}
	l, err := s.deps.Earning.Lists(c.Request.Context(), principal(c), id, q)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, l, nil
}

// publicLists are the red and black lists on the village's public board: no login, the black
// list's heads masked.
func (s *server) publicLists(c *gin.Context) (int, any, error) {
	id, q, err := listsQuery(c)
	if err != nil {
		return 0, nil, err
	}
	l, err := s.deps.Earning.PublicLists(c.Request.Context(), id, q)
	if err != nil {
		return 0, nil, err
	}
	c.Header("Cache-Control", "public, max-age=60")
	return http.StatusOK, l, nil
}
