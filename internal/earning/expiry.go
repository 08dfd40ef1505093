package earning

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/org"
)

// NextExpiry returns the next day (from now, in China) a village with expiry date mmdd clears
// spendable points, as midnight China time; false when the village never does or mmdd is invalid.
func NextExpiry(mmdd *string, now time.Time) (time.Time, bool) {
	if mmdd == nil {
		return time.Time{}, false
	}
	d, err := time.Parse("01-02", *mmdd)
	if err != nil {
		return time.Time{}, false
	}
	local := now.In(calendar.Zone())
	day := time.Date(local.Year(), d.Month(), d.Day(), 0, 0, 0, 0, calendar.Zone())
	if day.Before(time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, calendar.Zone())) {
		day = day.AddDate(1, 0, 0)
	}
	return day, true
}

// ExpiryInput is the day ("MM-DD", or "" for never) a village clears spendable points each year.
// The day must be sent: a body without it would otherwise stop expiry unnoticed.
type ExpiryInput struct {
	Date *string `json:"date"`
}

// SetExpiryDate sets the day a village clears spendable points each year (clerk or township admin).
func (s *Service) SetExpiryDate(ctx context.Context, p auth.Principal, villageID int64, in ExpiryInput) (org.Village, error) {
	if in.Date == nil {
		return org.Village{}, fault.Invalidf("date is required: a day like 12-31, or \"\" for never")
	}
	mmdd := *in.Date
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return org.Village{}, err
	}
	if !p.CanManageVillage(pl) {
		return org.Village{}, fmt.Errorf("expiry date of village %d: %w", villageID, fault.ErrForbidden)
	}
	if mmdd == "" {
		return s.People.SetExpiryDate(ctx, villageID, nil)
	}
	next, ok := NextExpiry(&mmdd, s.Now())
	if !ok || len(mmdd) != 5 {
		return org.Village{}, fault.Invalidf("date must look like 12-31 (month-day), or be empty for never")
	}
	if err := CheckExpiryNotice(next, s.Now()); err != nil {
		return org.Village{}, err
	}
	return s.People.SetExpiryDate(ctx, villageID, &mmdd)
}

// ExpiryNoticeDays is the least notice villagers get of a new day their points are cleared.
const ExpiryNoticeDays = 30

// ErrExpiryNotice refuses an expiry day that comes sooner than ExpiryNoticeDays from now.
var ErrExpiryNotice = fault.New(fault.Unprocessable, "expiry_notice_too_short", "a day points are cleared must be announced at least 30 days ahead")

// CheckExpiryNotice refuses a next expiry day less than ExpiryNoticeDays (China days) after now.
func CheckExpiryNotice(next, now time.Time) error {
	local := now.In(calendar.Zone())
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, calendar.Zone())
	if next.Before(today.AddDate(0, 0, ExpiryNoticeDays)) {
		return ErrExpiryNotice.WithDetails(map[string]any{"next_expiry": next.Format("2006-01-02"), "earliest": today.AddDate(0, 0, ExpiryNoticeDays).Format("2006-01-02")})
	}
	return nil
}

// ExpireVillage clears the spendable points (available: held points stay with their vouchers) of
// every household and representative account of a village whose expiry day is day, by a visible
// expiry transfer; lifetime points are kept. It runs once per account and year, whoever runs it.
func (s *Service) ExpireVillage(ctx context.Context, villageID int64, day time.Time) (int, error) {
	v, err := s.People.Village(ctx, villageID)
	if err != nil {
		return 0, err
	}
	next, ok := NextExpiry(v.ExpiryDate, day)
	if !ok || !calendar.SameDay(next, day) {
		return 0, nil
	}
	expiry, err := s.Accounts.AccountOf(ctx, villageID, ledger.Expiry, 0)
	if err != nil {
		return 0, err
	}
	accounts, err := s.Accounts.SpendingAccounts(ctx, villageID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range accounts {
		if a.Available() <= 0 {
			continue
		}
		req := ledger.TransferRequest{DebitAccountID: a.ID, CreditAccountID: expiry.ID, Amount: a.Available(), Kind: ledger.Expire,
			Reason: fmt.Sprintf("%d年度积分清零（%s）", next.Year(), *v.ExpiryDate)}
		if _, err := s.Ledger.TransferOnce(ctx, req, fmt.Sprintf("expiry:%d", villageID), fmt.Sprintf("%d:%d", next.Year(), a.ID)); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Expiring tells a villager how many points of an account expire and when, if the village
// clears points; the villager's account view shows it ahead of the day.
func (s *Service) Expiring(ctx context.Context, villageID int64, available int64) (points int64, on time.Time, ok bool) {
	v, err := s.People.Village(ctx, villageID)
	if err != nil {
		return 0, time.Time{}, false
	}
	on, ok = NextExpiry(v.ExpiryDate, s.Now())
	return available, on, ok
}

// ExpireDue clears points in every village whose expiry day is today (China). Several instances
// may run it: each account expires once a year.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	now := s.Now()
	ids, err := s.People.VillagesExpiringOn(ctx, now.In(calendar.Zone()).Format("01-02"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		k, err := s.ExpireVillage(ctx, id, now)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
