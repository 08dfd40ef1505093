package httpapi

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/assessment"
	"pointsmarket/internal/auth"
)

// queryPeriod reads the required ?period=YYYY-H1|H2 of the county's reads.
func queryPeriod(c *gin.Context) (assessment.Period, error) {
	p, err := assessment.ParsePeriod("period", c.Query("period"))
	if err != nil {
		return "", errInvalidQuery.WithMessage("period is required: a half-year like 2026-H1 or 2026-H2")
	}
	return p, nil
}

// withPeriod answers fn's result for the path's id and the query's half-year.
func withPeriod[Out any](fn func(context.Context, auth.Principal, int64, assessment.Period) (Out, error), wrap func(Out) any) handlerFunc {
	return func(c *gin.Context) (int, any, error) {
		id, err := pathID(c, "id")
		if err != nil {
			return 0, nil, err
		}
		period, err := queryPeriod(c)
		if err != nil {
			return 0, nil, err
		}
		out, err := fn(c.Request.Context(), principal(c), id, period)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, wrap(out), nil
	}
}

func (s *server) schemes() handlerFunc {
	return withPeriod(s.deps.Assessment.Schemes, func(ss []assessment.Scheme) any { return gin.H{"schemes": ss} })
}

// publicRanking is a county's published ranking on its public board: no login.
func (s *server) publicRanking(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	period, err := queryPeriod(c)
	if err != nil {
		return 0, nil, err
	}
	r, err := s.deps.Assessment.PublicRanking(c.Request.Context(), id, period)
	if err != nil {
		return 0, nil, err
	}
	c.Header("Cache-Control", "public, max-age=60")
	return http.StatusOK, r, nil
}

func same[T any](v T) any { return v }

func (s *server) projects(ctx context.Context, p auth.Principal, villageID int64) (gin.H, error) {
	ps, err := s.deps.Assessment.Projects(ctx, p, villageID)
	if err != nil {
		return nil, err
	}
	return gin.H{"projects": ps}, nil
}
