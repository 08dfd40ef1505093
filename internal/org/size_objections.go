package org

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
)

// A household's size decides its base points, so its notice takes objections like an entry's: a
// villager of the village objects while the size is on the notice; until the objection is answered
// the size does not count; the answer comes from a supervisor or the township — the clerk who
// registered the size does not judge it — and an upheld objection withdraws the size.

// ObjectionStatus is where an objection is: open until it is answered, then upheld or rejected.
// Objections to an entry and to a household size share it.
type ObjectionStatus string

// Objection statuses.
const (
	ObjectionOpen     ObjectionStatus = "open"
	ObjectionUpheld   ObjectionStatus = "upheld"
	ObjectionRejected ObjectionStatus = "rejected"
)

// SizeObjection is an objection to a household size on the notice.
type SizeObjection struct {
	ID         int64           `json:"id" db:"id"`
	SizeID     int64           `json:"size_id" db:"size_id"`
	VillageID  int64           `json:"village_id" db:"village_id"`
	ObjectorID int64           `json:"objector_id" db:"objector_id"`
	Reason     string          `json:"reason" db:"reason"`
	Status     ObjectionStatus `json:"status" db:"status"`
	Answer     string          `json:"answer" db:"answer"`
	AnsweredBy *int64          `json:"answered_by" db:"answered_by"`
	CreatedAt  time.Time       `json:"created_at" db:"created_at"`
	AnsweredAt *time.Time      `json:"answered_at" db:"answered_at"`
}

// Errors of size objections.
var (
	ErrSizeNotFound      = fault.New(fault.NotFound, "household_size_not_found", "no such household size on the notice")
	ErrSizeNoticeClosed  = fault.New(fault.Conflict, "size_notice_closed", "the notice of this size has ended")
	ErrSizeObjectionDone = fault.New(fault.Conflict, "size_objection_answered", "the objection was already answered")
)

// SizeObjectionInput is a villager's objection or an official's answer.
type SizeObjectionInput struct {
	Reason string `json:"reason"`
	Upheld *bool  `json:"upheld"`
	Answer string `json:"answer"`
}

// ObjectToSize records a villager's objection to a household size still on the notice of their
// own village.
func (s *Service) ObjectToSize(ctx context.Context, p auth.Principal, sizeID int64, in SizeObjectionInput) (SizeObjection, error) {
	sz, err := s.Store.SizeNotice(ctx, sizeID)
	if err != nil {
		return SizeObjection{}, err
	}
	if p.Home.VillageID != sz.VillageID {
		return SizeObjection{}, fmt.Errorf("object to household size %d: %w", sizeID, fault.ErrForbidden)
	}
	if !sz.NoticeUntil.After(s.Now()) {
		return SizeObjection{}, ErrSizeNoticeClosed
	}
	reason, err := text.CleanLines("reason", in.Reason, 1, 255)
	if err != nil {
		return SizeObjection{}, err
	}
	return s.Store.ObjectToSize(ctx, SizeObjection{SizeID: sizeID, VillageID: sz.VillageID, ObjectorID: p.PersonID, Reason: reason,
		Status: ObjectionOpen, CreatedAt: s.Now()})
}

// AnswerSizeObjection answers an objection: a supervisor of the village or the township admin, not
// the objector. Upheld withdraws the size (it never counts); rejected lets it count after its notice.
func (s *Service) AnswerSizeObjection(ctx context.Context, p auth.Principal, id int64, in SizeObjectionInput) (SizeObjection, error) {
	if in.Upheld == nil {
		return SizeObjection{}, fault.Invalidf("upheld is required")
	}
	o, err := s.Store.SizeObjection(ctx, id)
	if err != nil {
		return o, err
	}
	place, err := s.Store.VillagePlace(ctx, o.VillageID)
	if err != nil {
		return o, err
	}
	if p.PersonID == o.ObjectorID || !(p.HoldsIn(auth.RoleSupervisor, place) || p.HoldsIn(auth.RoleTownshipAdmin, place)) {
		return o, fmt.Errorf("answer size objection %d: %w", id, fault.ErrForbidden)
	}
	sz, err := s.Store.SizeNotice(ctx, o.SizeID)
	if err != nil {
		return o, err
	}
	if p.HouseholdID != 0 && sz.HouseholdID == p.HouseholdID {
		return o, fmt.Errorf("answer the objection to one's own household's size: %w", auth.ErrSelfAct)
	}
	answer, err := text.CleanLines("answer", in.Answer, 1, 255)
	if err != nil {
		return o, err
	}
	return s.Store.AnswerSizeObjection(ctx, id, *in.Upheld, answer, p.PersonID)
}
