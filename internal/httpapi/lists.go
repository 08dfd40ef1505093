package httpapi

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
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

func (s *server) proposeStars(ctx context.Context, p auth.Principal, villageID int64, in earning.YearInput) (gin.H, error) {
	stars, err := s.deps.Earning.ProposeStars(ctx, p, villageID, in)
	if err != nil {
		return nil, err
	}
	return gin.H{"stars": stars}, nil
}

// stars are a village's star households of ?year= (this year by default): public, as on its
// board and at the plaque ceremony.
func (s *server) stars(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	year, err := queryInt(c, "year")
	if err != nil {
		return 0, nil, err
	}
	if year == 0 {
		year = int64(calendar.Local(s.deps.Vouchers.Now()).Year())
	}
	stars, err := s.deps.Earning.Stars(c.Request.Context(), id, int(year))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"year": year, "stars": stars}, nil
}
