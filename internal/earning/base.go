package earning

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/org"
	"pointsmarket/internal/text"
)

// PeriodInput names a period (YYYY-MM).
type PeriodInput struct {
	Period string `json:"period"`
}

// BaseRun is what a request for base points did: how many entries it registered for the month,
// how many were registered already, and the meeting that reviews them.
type BaseRun struct {
	Period            string `json:"period"`
	Registered        int    `json:"registered"`
	AlreadyRegistered int    `json:"already_registered"`
	// UnderNotice counts households whose size was still on the notice when the month began.
	UnderNotice int    `json:"under_notice"`
	Meeting     string `json:"meeting"`
}

// IssueBase registers the base points of a month for every household (the clerk), by household
// size; like every entry they are scored by the branch committee at the review meeting and shown
// on the notice before they are posted. Only the current or the previous month (China time) may be
// asked for, and a household's base points for an item and month are registered once, however
// often or by whom it is asked: a repeated run says what was there already.
func (s *Service) IssueBase(ctx context.Context, p auth.Principal, villageID int64, in PeriodInput) (BaseRun, error) {
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return BaseRun{}, err
	}
	if !p.CanManageVillage(pl) {
		return BaseRun{}, fmt.Errorf("base points of village %d: %w", villageID, fault.ErrForbidden)
	}
	month, err := text.Month("period", in.Period, calendar.Zone())
	if err != nil {
		return BaseRun{}, err
	}
	if err := CheckBasePeriod(month, s.Now()); err != nil {
		return BaseRun{}, err
	}
	period := month.Format("2006-01")
	baseFor := month.Year()*100 + int(month.Month())
	books, err := s.Store.RuleBooks(ctx, villageID)
	if err != nil {
		return BaseRun{}, err
	}
	var base []RuleItem
	for _, b := range books {
		if b.Status == Adopted {
			for _, it := range b.Items {
				if it.Category == Base && it.AppliesTo == ToHousehold {
					base = append(base, it)
				}
			}
		}
	}
	if len(base) == 0 {
		return BaseRun{}, ErrNotAdopted.WithMessage("the adopted rule book has no base item")
	}
	meeting, err := s.openPeriod(ctx, villageID)
	if err != nil {
		return BaseRun{}, err
	}
	run := BaseRun{Period: period, Meeting: meeting}
	sizes, err := s.People.BaseSizes(ctx, villageID, month)
	if err != nil {
		return run, err
	}
	err = s.eachHousehold(ctx, villageID, func(h org.Household) error {
		size, ok := sizes[h.ID]
		if !ok {
			run.UnderNotice++ // a new household counts from the month after its notice
			return nil
		}
		acct, err := s.Accounts.AccountOf(ctx, villageID, ledger.Household, h.ID)
		if err != nil {
			return err
		}
		for _, it := range base {
			e := Entry{VillageID: villageID, RuleItemID: it.ID, HouseholdID: &h.ID, AccountID: acct.ID, Points: it.Points * int64(size),
				Period: meeting, Reason: fmt.Sprintf("%s %s（%d口人）", period, it.Name, size), Source: SourceBase, BaseFor: &baseFor,
				Status: Registered, RegisteredBy: p.PersonID}
			_, err := s.register(ctx, e, it)
			switch {
			case errors.Is(err, ErrBaseRegistered):
				run.AlreadyRegistered++
			case err != nil:
				return err
			default:
				run.Registered++
			}
		}
		return nil
	})
	return run, err
}

// eachHousehold calls fn for every household of a village, a page at a time.
func (s *Service) eachHousehold(ctx context.Context, villageID int64, fn func(org.Household) error) error {
	for after := int64(0); ; {
		hs, err := s.People.Households(ctx, villageID, after, 500)
		if err != nil {
			return err
		}
		for _, h := range hs {
			if err := fn(h); err != nil {
				return err
			}
			after = h.ID
		}
		if len(hs) < 500 {
			return nil
		}
	}
}

// CheckBasePeriod refuses base points for a month other than the current or the previous one.
func CheckBasePeriod(month, now time.Time) error {
	local := now.In(calendar.Zone())
	current := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, calendar.Zone())
	if !month.Equal(current) && !month.Equal(current.AddDate(0, -1, 0)) {
		return ErrBasePeriod.WithDetails(map[string]any{"current": current.Format("2006-01")})
	}
	return nil
}
