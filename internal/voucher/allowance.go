package voucher

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
)

// Taken is how much of one goods a household has taken this month (or holds in issued vouchers):
// what counts against the goods' monthly limit.
type Taken struct {
	GoodsID  int64 `json:"goods_id"`
	Quantity int64 `json:"quantity"`
}

// Allowance is what the shop's page needs to know before a villager orders: what their household
// already took this month of each goods (its monthly limits count it), and how many days a voucher
// made now stays valid.
type Allowance struct {
	Month       string  `json:"month"`
	Taken       []Taken `json:"taken"`
	VoucherDays int     `json:"voucher_days"`
}

// Allowance returns p's household's allowance, so that the shop's page can stop a stepper at a
// goods' monthly limit and say why, and say until when the voucher will hold, before ordering.
func (s *Service) Allowance(ctx context.Context, p auth.Principal) (Allowance, error) {
	now := s.Now()
	out := Allowance{Month: calendar.Local(now).Format("2006-01"), Taken: []Taken{}}
	if p.HouseholdID == 0 {
		return out, fmt.Errorf("allowance: no household: %w", fault.ErrForbidden)
	}
	acct, _, err := s.spendingAccount(ctx, p, nil)
	if err != nil {
		return out, err
	}
	taken, err := s.Store.TakenThisMonth(ctx, acct.ID, calendar.MonthStart(now))
	if err != nil {
		return out, err
	}
	for id, n := range taken {
		out.Taken = append(out.Taken, Taken{GoodsID: id, Quantity: n})
	}
	slices.SortFunc(out.Taken, func(a, b Taken) int { return cmp.Compare(a.GoodsID, b.GoodsID) })
	out.VoucherDays, err = s.Store.VoucherDays(ctx, acct.VillageID)
	return out, err
}
