package request

import (
	"context"
	"fmt"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/notify"
	"pointsmarket/internal/write"
)

// EscalateDue acts on every handling whose deadline passed unanswered: a village's goes up to
// its township with a fresh deadline; a township's or department's is flagged overdue where it
// is. Either way an alert is raised for the village's supervisors, once per handling. It runs
// in the service's sweeper (and is safe to run on every instance at once: each handling is
// taken under its request's row lock and acted on once).
func (s *Service) EscalateDue(ctx context.Context) (int, error) {
	n := 0
	for {
		due, err := s.Store.Due(ctx, s.Now(), 100)
		if err != nil || len(due) == 0 {
			return n, err
		}
		for _, h := range due {
			r, escalated, acted, err := s.escalate(ctx, h)
			if err != nil {
				return n, err
			}
			if acted {
				n++
				s.Alerts.OnRequestOverdue(ctx, r.VillageID, r.ID, h.ID, string(h.Level), escalated)
			}
		}
		if len(due) < 100 {
			return n, nil
		}
	}
}

func (s *Service) escalate(ctx context.Context, due Handling) (Request, bool, bool, error) {
	var escalated, acted bool
	r, err := write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Request], error) {
		r, err := tx.RequestLocked(ctx, due.RequestID)
		if err != nil {
			return write.Done[Request]{}, err
		}
		h, i := current(r)
		if i < 0 || h.ID != due.ID || h.ClosedAt != nil || h.Alerted || r.Status != Open || !s.Now().After(h.DueAt) {
			return write.Done[Request]{Value: r}, nil // another instance, or the unit, got there first
		}
		acted = true
		before := r
		before.Handlings = nil
		if h.Level == AtVillage {
			escalated = true
			if err := s.closeTurn(ctx, tx, &r, &h, OutEscalated, nil, "deadline passed unanswered"); err != nil {
				return write.Done[Request]{}, err
			}
			if err := s.nextTurn(ctx, tx, &r, AtTownship, r.TownshipID); err != nil {
				return write.Done[Request]{}, err
			}
			next, _ := current(r)
			return write.Done[Request]{Value: r, ID: r.ID, Events: []audit.Event{event(r, "request.escalate", before,
				map[string]any{"level": AtTownship, "unit_id": r.TownshipID, "handling": h})}, Notices: []notify.Notice{assigned(r, next, 0)}}, nil
		}
		if err := tx.FlagHandling(ctx, h.ID); err != nil {
			return write.Done[Request]{}, err
		}
		r.Overdue = true
		if err := tx.SaveRequest(ctx, r); err != nil {
			return write.Done[Request]{}, err
		}
		overdue := notify.Notice{To: append(holders(r, h), notify.To{Role: auth.RoleTownshipAdmin, Place: auth.Place{TownshipID: r.TownshipID}}),
			Kind: notify.RequestOverdue, Title: "村民诉求已超期", Body: fmt.Sprintf("%s：%s", categoryName[r.Category], clip(r.Text, 60)),
			Link: fmt.Sprintf("/requests/%d", r.ID), Key: fmt.Sprintf("request:%d:overdue:%d", r.ID, h.ID)}
		return write.Done[Request]{Value: r, ID: r.ID, Events: []audit.Event{event(r, "request.overdue", before,
			map[string]any{"level": h.Level, "unit_id": h.UnitID, "due_at": h.DueAt, "handling": h})}, Notices: []notify.Notice{overdue}}, nil
	})
	return r, escalated, acted, err
}
