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
	"pointsmarket/internal/text"
)

// RegisterInput is an entry to register.
type RegisterInput struct {
	RuleItemID  int64  `json:"rule_item_id"`
	HouseholdID int64  `json:"household_id"`
	PersonID    int64  `json:"person_id"` // for representative items
	Quantity    int64  `json:"quantity"`
	Reason      string `json:"reason"`
	Evidence    string `json:"evidence"`
	// ReversesEntryID corrects a posted entry: the new entry takes back its points once it has
	// gone through the same review, notice and objections.
	ReversesEntryID int64 `json:"reverses_entry_id"`
}

// Register records an entry: by the village's clerk or a group leader, or by a villager for their
// own household (a self-declaration, reviewed like any other). It returns ErrNotAdopted,
// ErrOtherVillage, ErrEvidenceRequired or ErrOverCap for entries that break the rules.
func (s *Service) Register(ctx context.Context, p auth.Principal, in RegisterInput) (Entry, error) {
	var orig Entry
	if in.ReversesEntryID != 0 {
		var err error
		if orig, err = s.Store.Entry(ctx, in.ReversesEntryID); err != nil {
			return Entry{}, err
		}
		if orig.Status != Posted {
			return Entry{}, ErrNotPosted
		}
		same, err := s.Store.Entries(ctx, EntryFilter{VillageID: orig.VillageID, ReversesEntryID: orig.ID})
		if err != nil {
			return Entry{}, err
		}
		for _, e := range same {
			if e.Status != Rejected && e.Status != Revoked {
				return Entry{}, ErrAlreadyCorrected
			}
		}
		in.RuleItemID, in.Quantity = orig.RuleItemID, 1
		if orig.HouseholdID != nil {
			in.HouseholdID = *orig.HouseholdID
		}
		if orig.PersonID != nil {
			in.PersonID = *orig.PersonID
		}
	}
	item, book, err := s.Store.Item(ctx, in.RuleItemID)
	if err != nil {
		return Entry{}, err
	}
	if book.Status != Adopted {
		return Entry{}, ErrNotAdopted
	}
	pl, err := s.place(ctx, book.VillageID)
	if err != nil {
		return Entry{}, err
	}
	if in.Quantity == 0 {
		in.Quantity = 1
	}
	if in.Quantity < 1 || in.Quantity > 100 {
		return Entry{}, fault.Invalidf("quantity must be from 1 to 100")
	}
	if in.Reason, err = text.CleanLines("reason", in.Reason, 1, 255); err != nil {
		return Entry{}, err
	}
	if in.Evidence, err = text.CleanLines("evidence", in.Evidence, 0, 2000); err != nil {
		return Entry{}, err
	}
	if item.EvidenceRequired && in.Evidence == "" && orig.ID == 0 {
		return Entry{}, ErrEvidenceRequired
	}
	period, err := s.openPeriod(ctx, book.VillageID)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{VillageID: book.VillageID, RuleItemID: item.ID, Points: item.Points * in.Quantity, Period: period,
		Reason: in.Reason, Evidence: in.Evidence, Status: Registered, RegisteredBy: p.PersonID}
	if orig.ID != 0 {
		e.Points, e.ReversesEntryID = orig.Points, &orig.ID
		item.CapMonth, item.CapYear = nil, nil // a correction gives back; caps do not apply
	}
	switch item.AppliesTo {
	case ToHousehold:
		h, err := s.People.Household(ctx, in.HouseholdID)
		if err != nil {
			return Entry{}, err
		}
		if h.VillageID != book.VillageID {
			return Entry{}, ErrOtherVillage
		}
		acct, err := s.Accounts.AccountOf(ctx, h.VillageID, ledger.Household, h.ID)
		if err != nil {
			return Entry{}, err
		}
		e.HouseholdID, e.AccountID = &h.ID, acct.ID
	case ToRepresentative:
		person, err := s.People.Person(ctx, in.PersonID)
		if err != nil {
			return Entry{}, err
		}
		if person.VillageID != book.VillageID {
			return Entry{}, ErrOtherVillage
		}
		acct, err := s.Accounts.AccountOf(ctx, person.VillageID, ledger.Representative, person.ID)
		if err != nil {
			return Entry{}, fault.Invalidf("person %d is not a representative", person.ID)
		}
		e.PersonID, e.AccountID = &person.ID, acct.ID
		e.HouseholdID = person.HouseholdID
		if item.VisitsRequired > 0 && orig.ID == 0 {
			if err := s.checkVisits(ctx, person.ID, period, item.VisitsRequired); err != nil {
				return Entry{}, err
			}
		}
	}
	switch {
	case p.CanManageVillage(pl):
		e.Source = SourceClerk
	case p.HoldsIn(auth.RoleGroupLeader, pl):
		e.Source = SourceGroupLeader
	case p.Home == pl && ((e.HouseholdID != nil && *e.HouseholdID == p.HouseholdID && item.AppliesTo == ToHousehold) || (e.PersonID != nil && *e.PersonID == p.PersonID)):
		if item.Category == Penalty {
			return Entry{}, fault.Invalidf("nobody declares a penalty for themselves")
		}
		e.Source = SourceSelf
	default:
		return Entry{}, fmt.Errorf("register points in village %d: %w", book.VillageID, fault.ErrForbidden)
	}
	saved, err := s.register(ctx, e, item)
	if err == nil && s.registered != nil {
		s.registered(ctx, saved, item, p)
	}
	return saved, err
}

// openPeriod is the month whose meeting an entry registered now goes to: this month, or the next
// when this month's results are already approved.
func (s *Service) openPeriod(ctx context.Context, villageID int64) (string, error) {
	period := calendar.Period(s.Now())
	for range 24 { // a month approved early moves entries on to the next, never into an approved one
		m, err := s.Store.Meeting(ctx, villageID, period)
		if errors.Is(err, ErrMeetingNotFound) {
			return period, nil
		}
		if err != nil {
			return "", err
		}
		if m.Status != MeetingApproved {
			return period, nil
		}
		period = NextPeriod(period)
	}
	return period, nil
}

// NextPeriod is the month after a YYYY-MM period.
func NextPeriod(period string) string {
	t, err := time.Parse("2006-01", period)
	if err != nil {
		return period
	}
	return t.AddDate(0, 1, 0).Format("2006-01")
}

// checkVisits refuses a representative's entry whose item requires visits or meetings recorded in
// the entry's month when fewer are.
func (s *Service) checkVisits(ctx context.Context, personID int64, period string, required int) error {
	start, err := calendar.ParsePeriod(period)
	if err != nil {
		return err
	}
	n, err := s.Visits.CountVisits(ctx, personID, start, start.In(calendar.Zone()).AddDate(0, 1, 0).UTC())
	if err != nil {
		return err
	}
	if n < required {
		return ErrVisitsRequired.WithDetails(map[string]any{"recorded": n, "required": required, "period": period})
	}
	return nil
}
