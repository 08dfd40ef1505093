package notify

import (
	"context"
	"log/slog"
	"time"

	"pointsmarket/internal/auth"
)

// Deps are what the Service needs.
type Deps struct {
	Store  Store
	Sender Sender
	Log    *slog.Logger
	Now    func() time.Time
}

// Service serves the inboxes and delivers the outbox.
type Service struct{ Deps }

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// Inbox lists p's notifications, newest first.
func (s *Service) Inbox(ctx context.Context, p auth.Principal, beforeID int64, limit int, unreadOnly bool) ([]Notification, error) {
	if limit <= 0 || limit > 100 {
		limit = 30
	}
	return s.Store.Inbox(ctx, p.PersonID, beforeID, limit, unreadOnly)
}

// Unread counts p's unread notifications (the badge on the home page).
func (s *Service) Unread(ctx context.Context, p auth.Principal) (int, error) {
	return s.Store.Unread(ctx, p.PersonID)
}

// ReadInput marks notifications read: those listed, or all.
type ReadInput struct {
	IDs []int64 `json:"ids"`
	All bool    `json:"all"`
}

// MarkRead marks p's notifications read and returns how many stay unread.
func (s *Service) MarkRead(ctx context.Context, p auth.Principal, in ReadInput) (int, error) {
	if len(in.IDs) == 0 && !in.All || len(in.IDs) > 500 {
		return 0, ErrBadRead
	}
	ids := in.IDs
	if in.All {
		ids = nil
	}
	if err := s.Store.MarkRead(ctx, p.PersonID, ids, s.Now()); err != nil {
		return 0, err
	}
	return s.Store.Unread(ctx, p.PersonID)
}

// maxAttempts is how often a message is tried before it is marked failed (about a day of tries).
const maxAttempts = 10

// backoff is the wait before the next attempt after n failed ones: 30 s, 1 min, 2 min … up to an
// hour.
func backoff(n int) time.Duration {
	d := 30 * time.Second << max(n-1, 0)
	return min(d, time.Hour)
}

// Deliver sends the messages that are due, each until its Sender accepts it; it returns how many
// were sent. Every instance runs it: a claimed message is held by one for a minute.
func (s *Service) Deliver(ctx context.Context) (int, error) {
	now := s.Now()
	ms, err := s.Store.Claim(ctx, now, now.Add(time.Minute), 50)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range ms {
		sendCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := s.Sender.Send(sendCtx, m)
		cancel()
		if err == nil {
			if err := s.Store.Sent(ctx, m.ID, s.Now()); err != nil {
				return sent, err
			}
			sent++
			continue
		}
		var next *time.Time
		if m.Attempts < maxAttempts {
			t := s.Now().Add(backoff(m.Attempts))
			next = &t
		}
		s.Log.WarnContext(ctx, "notification not delivered", "message", m.ID, "attempt", m.Attempts, "err", err, "gave_up", next == nil)
		if err := s.Store.Retry(ctx, m.ID, next, err.Error()); err != nil {
			return sent, err
		}
	}
	return sent, nil
}
