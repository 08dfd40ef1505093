package catalog

import (
	"context"
	"fmt"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
)

// StandardInput is what a clerk proposes: one point is worth fen_per_point fen (100 = 1 yuan),
// and agreed prices may stray tolerance_pct percent from it.
type StandardInput struct {
	FenPerPoint  int64  `json:"fen_per_point"`
	TolerancePct int64  `json:"tolerance_pct"`
	Note         string `json:"note"`
}

// Standards returns a village's exchange standards, newest first, to its people and those who read it.
func (s *Service) Standards(ctx context.Context, p auth.Principal, villageID int64) ([]Standard, error) {
	place, err := s.Places.VillagePlace(ctx, villageID)
	if err != nil {
		return nil, err
	}
	if p.Home != place && !p.CanReadVillage(place) {
		return nil, fmt.Errorf("standards of village %d: %w", villageID, fault.ErrForbidden)
	}
	return s.Store.Standards(ctx, villageID)
}

// ProposeStandard records a clerk's proposal; it applies only once a supervisor approves it.
func (s *Service) ProposeStandard(ctx context.Context, p auth.Principal, villageID int64, in StandardInput) (Standard, error) {
	place, err := s.Places.VillagePlace(ctx, villageID)
	if err != nil {
		return Standard{}, err
	}
	if !p.CanManageVillage(place) {
		return Standard{}, fmt.Errorf("propose standard for village %d: %w", villageID, fault.ErrForbidden)
	}
	if in.FenPerPoint < 1 || in.FenPerPoint > 100_000 {
		return Standard{}, fault.Invalidf("fen_per_point must be from 1 to 100000 (100 means 1 point = 1 yuan)")
	}
	if in.TolerancePct < 0 || in.TolerancePct > 100 {
		return Standard{}, fault.Invalidf("tolerance_pct must be from 0 to 100")
	}
	note, err := text.CleanLines("note", in.Note, 0, 255)
	if err != nil {
		return Standard{}, err
	}
	return s.Store.ProposeStandard(ctx, Standard{VillageID: villageID, FenPerPoint: in.FenPerPoint,
		TolerancePct: in.TolerancePct, Status: StandardProposed, Note: note, ProposedBy: p.PersonID})
}

// DecideStandard approves or rejects a proposal. Only a supervisor of the village may, and never
// the person who proposed it. It returns the decided standard and the shops whose goods were
// re-priced.
func (s *Service) DecideStandard(ctx context.Context, p auth.Principal, id int64, approve bool, note string) (Standard, []int64, error) {
	st, err := s.Store.Standard(ctx, id)
	if err != nil {
		return st, nil, err
	}
	place, err := s.Places.VillagePlace(ctx, st.VillageID)
	if err != nil {
		return st, nil, err
	}
	if !p.HoldsIn(auth.RoleSupervisor, place) {
		return st, nil, fmt.Errorf("decide standard %d: %w", id, fault.ErrForbidden)
	}
	if st.ProposedBy == p.PersonID {
		return st, nil, ErrSelfApproval
	}
	if note, err = text.CleanLines("note", note, 0, 255); err != nil {
		return st, nil, err
	}
	return s.Store.DecideStandard(ctx, id, approve, note)
}
