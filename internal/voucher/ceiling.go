package voucher

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
)

// A member code takes points at once, with nobody but the shopkeeper looking: a village caps
// what one checkout and one household's day of checkouts may take. The clerk proposes the
// ceilings; a supervisor who did not propose them approves, as with the exchange standard.

// Ceilings are a village's limits on member-code checkouts, in points.
type Ceilings struct {
	ID          int64         `json:"id" db:"id"`
	VillageID   int64         `json:"village_id" db:"village_id"`
	PerCheckout int64         `json:"per_checkout_points" db:"per_checkout"`
	PerDay      int64         `json:"per_day_points" db:"per_day"`
	Status      CeilingStatus `json:"status" db:"status"`
	Note        string        `json:"note" db:"note"`
	ProposedBy  int64         `json:"proposed_by" db:"proposed_by"`
	ProposedAt  time.Time     `json:"proposed_at" db:"proposed_at"`
	DecidedBy   *int64        `json:"decided_by" db:"decided_by"`
	DecidedAt   *time.Time    `json:"decided_at" db:"decided_at"`
}

// CeilingStatus is where a proposal of ceilings stands.
type CeilingStatus string

// The statuses of ceilings; Default marks the built-in ceilings of a village that approved none.
const (
	CeilingProposed CeilingStatus = "proposed"
	CeilingApproved CeilingStatus = "approved"
	CeilingRejected CeilingStatus = "rejected"
	CeilingDefault  CeilingStatus = "default"
)

// DefaultCeilings hold until a village approves its own: a week's shopping in one checkout, two
// in a day.
func DefaultCeilings(villageID int64) Ceilings {
	return Ceilings{VillageID: villageID, PerCheckout: 200, PerDay: 400, Status: CeilingDefault}
}

// MaxCeiling bounds what a village may set.
const MaxCeiling = 100_000

// Errors of the ceilings.
var (
	ErrOverCheckoutCeiling = fault.New(fault.Conflict, "checkout_over_ceiling", "above the village's ceiling for one member-code checkout")
	ErrOverDailyCeiling    = fault.New(fault.Conflict, "daily_ceiling_exceeded", "above the village's daily member-code ceiling for a household")
	ErrCeilingNotFound     = fault.New(fault.NotFound, "ceiling_not_found", "no such ceiling proposal")
	ErrCeilingDecided      = fault.New(fault.Conflict, "ceiling_already_decided", "the proposal was already decided")
	ErrCeilingSelfApproval = fault.New(fault.Forbidden, "self_approval", "you may not approve your own proposal")
)

// CheckCeilings refuses a checkout of points when it is above the per-checkout ceiling, or when
// with what the household already took by member code today it is above the daily one.
func CheckCeilings(c Ceilings, points, today int64) error {
	if points > c.PerCheckout {
		return ErrOverCheckoutCeiling.WithMessage("a checkout may take at most %d points, this one %d",
			c.PerCheckout, points).WithDetails(map[string]any{"ceiling": c.PerCheckout, "points": points})
	}
	if today+points > c.PerDay {
		return ErrOverDailyCeiling.WithMessage("at most %d points a day by member code, %d taken today",
			c.PerDay, today).WithDetails(map[string]any{"ceiling": c.PerDay, "today": today, "points": points})
	}
	return nil
}

// CeilingInput is a clerk's proposal.
type CeilingInput struct {
	PerCheckout int64  `json:"per_checkout_points"`
	PerDay      int64  `json:"per_day_points"`
	Note        string `json:"note"`
}

// CeilingStore keeps the ceilings' proposals; each write is audited.
type CeilingStore interface {
	// Ceilings returns the village's ceilings in force (DefaultCeilings when none was approved).
	Ceilings(ctx context.Context, villageID int64) (Ceilings, error)
	// PendingCeilings returns the latest undecided proposal, or ErrCeilingNotFound.
	PendingCeilings(ctx context.Context, villageID int64) (Ceilings, error)
	Ceiling(ctx context.Context, id int64) (Ceilings, error)
	ProposeCeilings(ctx context.Context, c Ceilings) (Ceilings, error)
	// DecideCeilings approves or rejects a proposal still proposed, or returns ErrCeilingDecided.
	DecideCeilings(ctx context.Context, id int64, approve bool, by int64, at time.Time) (Ceilings, error)
}

// VillageCeilings are a village's ceilings in force and its pending proposal (if any).
type VillageCeilings struct {
	Active  Ceilings  `json:"active"`
	Pending *Ceilings `json:"pending"`
}

// CheckoutCeilings returns a village's ceilings to its officials and shopkeepers.
func (s *Service) CheckoutCeilings(ctx context.Context, p auth.Principal, villageID int64) (VillageCeilings, error) {
	place, err := s.Places.VillagePlace(ctx, villageID)
	if err != nil {
		return VillageCeilings{}, err
	}
	if !p.CanReadVillage(place) && !p.HoldsIn(auth.RoleShopkeeper, place) {
		return VillageCeilings{}, fmt.Errorf("ceilings of village %d: %w", villageID, fault.ErrForbidden)
	}
	var out VillageCeilings
	if out.Active, err = s.Ceilings.Ceilings(ctx, villageID); err != nil {
		return out, err
	}
	if pending, err := s.Ceilings.PendingCeilings(ctx, villageID); err == nil {
		out.Pending = &pending
	}
	return out, nil
}

// ProposeCeilings records the clerk's proposal of a village's ceilings.
func (s *Service) ProposeCeilings(ctx context.Context, p auth.Principal, villageID int64, in CeilingInput) (Ceilings, error) {
	place, err := s.Places.VillagePlace(ctx, villageID)
	if err != nil {
		return Ceilings{}, err
	}
	if !p.CanManageVillage(place) {
		return Ceilings{}, fmt.Errorf("propose ceilings of village %d: %w", villageID, fault.ErrForbidden)
	}
	if in.PerCheckout < 1 || in.PerCheckout > MaxCeiling || in.PerDay < in.PerCheckout || in.PerDay > MaxCeiling {
		return Ceilings{}, fault.Invalidf("per_checkout_points must be from 1 to %d and per_day_points from per_checkout_points to %d", MaxCeiling, MaxCeiling)
	}
	note, err := text.CleanLines("note", in.Note, 0, 255)
	if err != nil {
		return Ceilings{}, err
	}
	return s.Ceilings.ProposeCeilings(ctx, Ceilings{VillageID: villageID, PerCheckout: in.PerCheckout, PerDay: in.PerDay,
		Status: CeilingProposed, Note: note, ProposedBy: p.PersonID, ProposedAt: s.Now()})
}

// CeilingDecision approves or rejects a proposal.
type CeilingDecision struct {
	Approve *bool `json:"approve"` // required: a body without it must not reject the proposal
}

// DecideCeilings approves or rejects a proposal: only a supervisor of the village, never the
// person who proposed it.
func (s *Service) DecideCeilings(ctx context.Context, p auth.Principal, id int64, in CeilingDecision) (Ceilings, error) {
	if in.Approve == nil {
		return Ceilings{}, fault.Invalidf("approve is required: true or false")
	}
	c, err := s.Ceilings.Ceiling(ctx, id)
	if err != nil {
		return c, err
	}
	place, err := s.Places.VillagePlace(ctx, c.VillageID)
	if err != nil {
		return c, err
	}
	if !p.HoldsIn(auth.RoleSupervisor, place) {
		return c, fmt.Errorf("decide ceilings %d: %w", id, fault.ErrForbidden)
	}
	if c.ProposedBy == p.PersonID {
		return c, ErrCeilingSelfApproval
	}
	return s.Ceilings.DecideCeilings(ctx, id, *in.Approve, p.PersonID, s.Now())
}
