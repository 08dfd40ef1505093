package catalog

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
)

// AgreementInput is what a clerk sends to record an agreement; dates are YYYY-MM-DD.
type AgreementInput struct {
	VillageID int64  `json:"village_id"`
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
	Note      string `json:"note"`
}

func parseDate(field, v string) (time.Time, error) { return text.Date(field, v) }

// CreateAgreement records that a village (which p manages) pays a shop of its township for what
// it hands out to the village's households between two dates.
func (s *Service) CreateAgreement(ctx context.Context, p auth.Principal, shopID int64, in AgreementInput) (Agreement, error) {
	sh, shopPlace, err := s.shop(ctx, shopID)
	if err != nil {
		return Agreement{}, err
	}
	payer, err := s.Places.VillagePlace(ctx, in.VillageID)
	if err != nil {
		return Agreement{}, err
	}
	if !p.CanManageVillage(payer) {
		return Agreement{}, fmt.Errorf("agreement for village %d: %w", in.VillageID, fault.ErrForbidden)
	}
	if payer.TownshipID != shopPlace.TownshipID {
		return Agreement{}, fault.Invalidf("a village may only sign with shops of its own township")
	}
	from, err := parseDate("valid_from", in.ValidFrom)
	if err != nil {
		return Agreement{}, err
	}
	to, err := parseDate("valid_to", in.ValidTo)
	if err != nil {
		return Agreement{}, err
	}
	if to.Before(from) || to.After(from.AddDate(10, 0, 0)) {
		return Agreement{}, fault.Invalidf("valid_to must be on or after valid_from, and within ten years")
	}
	note, err := text.CleanLines("note", in.Note, 0, 255)
	if err != nil {
		return Agreement{}, err
	}
	return s.Store.CreateAgreement(ctx, Agreement{ShopID: sh.ID, VillageID: in.VillageID, ValidFrom: from, ValidTo: to,
		Status: AgreementActive, Note: note, CreatedBy: p.PersonID})
}

// SetAgreementStatus suspends, resumes or ends an agreement of a village p manages.
func (s *Service) SetAgreementStatus(ctx context.Context, p auth.Principal, id int64, status AgreementStatus, note string) (Agreement, error) {
	switch status {
	case AgreementActive, AgreementSuspended, AgreementEnded:
	default:
		return Agreement{}, fault.Invalidf("status must be active, suspended or ended")
	}
	note, err := text.CleanLines("note", note, 0, 255)
	if err != nil {
		return Agreement{}, err
	}
	a, err := s.Store.Agreement(ctx, id)
	if err != nil {
		return a, err
	}
	payer, err := s.Places.VillagePlace(ctx, a.VillageID)
	if err != nil {
		return a, err
	}
	if !p.CanManageVillage(payer) {
		return a, fmt.Errorf("agreement %d: %w", id, fault.ErrForbidden)
	}
	return s.Store.SetAgreementStatus(ctx, id, status, note)
}

// Agreements lists a shop's agreements that p may see: all of them for those who run or read the
// shop, otherwise those of villages p may read.
func (s *Service) Agreements(ctx context.Context, p auth.Principal, shopID int64) ([]Agreement, error) {
	sh, place, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	all, err := s.Store.Agreements(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if canReadShop(p, sh, place) {
		return all, nil
	}
	out := []Agreement{}
	for _, a := range all {
		payer, err := s.Places.VillagePlace(ctx, a.VillageID)
		if err != nil {
			return nil, err
		}
		if p.CanReadVillage(payer) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("agreements of shop %d: %w", shopID, fault.ErrForbidden)
	}
	return out, nil
}
