package notify

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 7: 32 * time.Minute, 8: time.Hour, 20: time.Hour} {
		if got := backoff(n); got != want {
			t.Errorf("backoff(%d) = %v, want %v", n, got, want)
		}
	}
}

// memStore is an outbox of claimed messages and what became of them.
type memStore struct {
	Store
	claim []Message
	sent  []int64
	next  map[int64]*time.Time
}

func (m *memStore) Claim(context.Context, time.Time, time.Time, int) ([]Message, error) {
	c := m.claim
	m.claim = nil
	return c, nil
}
func (m *memStore) Sent(_ context.Context, id int64, _ time.Time) error {
	m.sent = append(m.sent, id)
	return nil
}
func (m *memStore) Retry(_ context.Context, id int64, next *time.Time, _ string) error {
	m.next[id] = next
	return nil
}

type refusing struct{ refuse map[int64]bool }

func (r refusing) Send(_ context.Context, m Message) error {
	if r.refuse[m.ID] {
		return errors.New("502 Bad Gateway")
	}
	return nil
}

// A refused message is tried again after its backoff, until its last attempt: then it fails for
// good; an accepted one is sent once.
func TestDeliverRetriesThenGivesUp(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	st := &memStore{claim: []Message{{ID: 1, Attempts: 1}, {ID: 2, Attempts: 3}, {ID: 3, Attempts: maxAttempts}}, next: map[int64]*time.Time{}}
	s := NewService(Deps{Store: st, Sender: refusing{refuse: map[int64]bool{2: true, 3: true}}, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }})
	n, err := s.Deliver(context.Background())
	if err != nil || n != 1 || len(st.sent) != 1 || st.sent[0] != 1 {
		t.Fatalf("sent %d (%v): %v", n, err, st.sent)
	}
	if next := st.next[2]; next == nil || !next.Equal(now.Add(2*time.Minute)) {
		t.Errorf("message 2 (third attempt) retried at %v, want in 2 minutes", next)
	}
	if next, ok := st.next[3]; !ok || next != nil {
		t.Errorf("message 3 (last attempt) not given up: %v", next)
	}
}
