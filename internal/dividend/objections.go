package dividend

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
	"pointsmarket/internal/write"
)

// Objection is a villager's objection to a dividend on notice (a share wrong, a household left
// out), answered by a supervisor of the village.
type Objection struct {
	ID          int64      `json:"id" db:"id"`
	DividendID  int64      `json:"dividend_id" db:"dividend_id"`
	HouseholdID int64      `json:"household_id" db:"household_id"`
	Household   string     `json:"household" db:"household"` // its number
	ObjectedBy  int64      `json:"objected_by" db:"objected_by"`
	Reason      string     `json:"reason" db:"reason"`
	ObjectedAt  time.Time  `json:"objected_at" db:"objected_at"`
	Upheld      *bool      `json:"upheld" db:"upheld"`
	Answer      string     `json:"answer" db:"answer"`
	AnsweredBy  *int64     `json:"answered_by" db:"answered_by"`
	AnsweredAt  *time.Time `json:"answered_at" db:"answered_at"`
}

// Errors of the objections to a dividend.
var (
	ErrObjectionNotFound = fault.New(fault.NotFound, "dividend_objection_not_found", "no such objection to a dividend")
	ErrNoticeClosed      = fault.New(fault.Conflict, "dividend_notice_closed", "the dividend's public notice has closed: objections were taken while it was on notice")
	ErrObjectionOpen     = fault.New(fault.Conflict, "dividend_objection_open", "an objection to the dividend is still open: it is answered before anything else is done")
	ErrObjectionAnswered = fault.New(fault.Conflict, "dividend_objection_answered", "that objection was already answered")
	ErrOwnObjection      = fault.New(fault.Forbidden, "own_household", "nobody answers an objection of their own household")
)

// ObjectionInput is what a villager says against a dividend.
type ObjectionInput struct {
	Reason string `json:"reason"`
}

// Object records an objection to a dividend while it is on notice: anyone of a household of the
// village, with a share or left out; one open objection per household.
func (s *Service) Object(ctx context.Context, p auth.Principal, id int64, in ObjectionInput) (Dividend, error) {
	why, err := text.CleanLines("reason", in.Reason, 1, 500)
	if err != nil {
		return Dividend{}, err
	}
	_, pl, err := s.placed(ctx, id)
	if err != nil {
		return Dividend{}, err
	}
	if p.Home != pl || p.HouseholdID == 0 {
		return Dividend{}, fmt.Errorf("object to dividend %d: %w", id, fault.ErrForbidden)
	}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Dividend], error) {
		d, err := atStep(ctx, tx, id, Adopted)
		if err != nil {
			return write.Done[Dividend]{}, err
		}
		if d.NoticeUntil == nil || !s.Now().Before(*d.NoticeUntil) {
			return write.Done[Dividend]{}, ErrNoticeClosed
		}
		if open(d.Objections, p.HouseholdID) > 0 {
			return write.Done[Dividend]{}, ErrObjectionOpen.WithMessage("your household's objection to this dividend is still open")
		}
		o := Objection{DividendID: id, HouseholdID: p.HouseholdID, ObjectedBy: p.PersonID, Reason: why, ObjectedAt: s.Now()}
		if err := tx.InsertObjection(ctx, &o); err != nil {
			return write.Done[Dividend]{}, err
		}
		d.Objections = append(d.Objections, o)
		return write.Done[Dividend]{Value: d, ID: id, Events: []audit.Event{{Place: pl, Action: "dividend.object",
			ObjectType: "dividend", ObjectID: id, After: o}}}, nil
	})
}

// AnswerInput is a supervisor's answer to an objection.
type AnswerInput struct {
	Upheld *bool  `json:"upheld"`
	Answer string `json:"answer"`
}

// Answer answers an objection to a dividend: a supervisor of the village who neither proposed
// nor adopted it and is not of the objecting household. Upheld withdraws the dividend (the clerk
// proposes a corrected one); otherwise the dividend stands.
func (s *Service) Answer(ctx context.Context, p auth.Principal, objectionID int64, in AnswerInput) (Dividend, error) {
	if in.Upheld == nil {
		return Dividend{}, fault.Invalidf("upheld is required: true or false")
	}
	answer, err := text.CleanLines("answer", in.Answer, 1, 500)
	if err != nil {
		return Dividend{}, err
	}
	o, err := s.Store.Objection(ctx, objectionID)
	if err != nil {
		return Dividend{}, err
	}
	d, pl, err := s.placed(ctx, o.DividendID)
	if err != nil {
		return d, err
	}
	switch {
	case !p.HoldsIn(auth.RoleSupervisor, pl):
		return Dividend{}, fmt.Errorf("answer objection %d: %w", objectionID, fault.ErrForbidden)
	case p.HouseholdID != 0 && p.HouseholdID == o.HouseholdID:
		return Dividend{}, ErrOwnObjection
	case p.PersonID == d.ProposedBy || d.AdoptedBy != nil && p.PersonID == *d.AdoptedBy:
		return Dividend{}, ErrSelfAdopt.WithMessage("the dividend's proposer and the one who recorded its adoption do not answer objections to it")
	}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Dividend], error) {
		d, err := tx.DividendLocked(ctx, o.DividendID)
		if err != nil {
			return write.Done[Dividend]{}, err
		}
		i := objectionAt(d, objectionID)
		if i < 0 {
			return write.Done[Dividend]{}, ErrObjectionNotFound
		}
		before := d.Objections[i]
		if before.AnsweredAt != nil {
			return write.Done[Dividend]{}, ErrObjectionAnswered
		}
		now := s.Now()
		after := before
		after.Upheld, after.Answer, after.AnsweredBy, after.AnsweredAt = in.Upheld, answer, &p.PersonID, &now
		d.Objections[i] = after
		if err := tx.SaveAnswer(ctx, after); err != nil {
			return write.Done[Dividend]{}, err
		}
		events := []audit.Event{{Place: pl, Action: "dividend.answer", ObjectType: "dividend", ObjectID: d.ID, Before: before, After: after}}
		if *in.Upheld && d.Status == Adopted {
			d.Status = Withdrawn
			if err := tx.SaveStatus(ctx, d.ID, d.Status); err != nil {
				return write.Done[Dividend]{}, err
			}
			events = append(events, audit.Event{Place: pl, Action: "dividend.withdraw", ObjectType: "dividend", ObjectID: d.ID,
				Before: map[string]Status{"status": Adopted}, After: map[string]any{"status": d.Status, "objection_id": objectionID}})
		}
		return write.Done[Dividend]{Value: d, ID: d.ID, Events: events}, nil
	})
}

// open counts the open objections of a household (of every household when householdID is 0).
func open(os []Objection, householdID int64) int {
	n := 0
	for _, o := range os {
		if o.AnsweredAt == nil && (householdID == 0 || o.HouseholdID == householdID) {
			n++
		}
	}
	return n
}

func objectionAt(d Dividend, id int64) int {
	for i, o := range d.Objections {
		if o.ID == id {
			return i
		}
	}
	return -1
}
