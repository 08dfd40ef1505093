package httpapi

import (
	"context"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/auth"
)

func (s *server) dividends(ctx context.Context, p auth.Principal, villageID int64) (gin.H, error) {
	ds, err := s.deps.Dividends.Dividends(ctx, p, villageID)
	if err != nil {
		return nil, err
	}
	return gin.H{"dividends": ds}, nil
}
