package httpapi

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/notify"
)

// inbox is my notifications, newest first: ?before_id= pages back, ?unread=true keeps the unread.
func (s *server) inbox(c *gin.Context) (int, any, error) {
	before, err := queryInt(c, "before_id")
	if err != nil {
		return 0, nil, err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return 0, nil, err
	}
	unread, err := queryOneOf(c, "unread", "true", "false")
	if err != nil {
		return 0, nil, err
	}
	ns, err := s.deps.Notify.Inbox(c.Request.Context(), principal(c), before, int(limit), unread == "true")
	if err != nil {
		return 0, nil, err
	}
	n, err := s.deps.Notify.Unread(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"notifications": ns, "unread": n}, nil
}

func (s *server) unread(c *gin.Context) (int, any, error) {
	n, err := s.deps.Notify.Unread(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"unread": n}, nil
}

func (s *server) markRead(ctx context.Context, p auth.Principal, in notify.ReadInput) (gin.H, error) {
	n, err := s.deps.Notify.MarkRead(ctx, p, in)
	if err != nil {
		return nil, err
	}
	return gin.H{"unread": n}, nil
}
