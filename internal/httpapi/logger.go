package httpapi

import (
	"context"
	"log/slog"

	"github.com/gin-gonic/gin"
)

type loggerKey struct{}

func withLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

// logger returns the request's logger (carrying its request id).
func logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Request.Context().Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.New(slog.DiscardHandler) // only before requestContext ran, which is first in the chain
}
