package voucher

import (
	"errors"
	"strings"
	"testing"
	"time"

	"pointsmarket/internal/fault"
)

func TestWhyNotRedeemable(t *testing.T) {
	now := time.Date(2026, 5, 1, 4, 0, 0, 0, time.UTC)
	at := now.Add(-time.Hour)
	shop, shopID := "便民超市", int64(3)
	tests := []struct {
		name  string
		st    State
		fence Fence
		want  error
	}{
		{"redeemed, where and when", State{Status: Redeemed, ExpiresAt: now.Add(time.Hour), RedeemedAt: &at, ShopID: &shopID, ShopName: &shop}, 0, ErrAlreadyRedeemed},
		{"cancelled", State{Status: Cancelled, ExpiresAt: now.Add(time.Hour)}, 0, ErrCancelled},
		{"expired by status", State{Status: Expired, ExpiresAt: now.Add(time.Hour)}, 0, ErrExpired},
		{"past its expiry while issued", State{Status: Issued, ExpiresAt: now}, 0, ErrExpired},
		{"written under a newer lock", State{Status: Issued, ExpiresAt: now.Add(time.Hour), Fence: 9}, 5, ErrBusy},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := Why(tc.st, tc.fence, now); !errors.Is(err, tc.want) {
				t.Fatalf("Why = %v, want %v", err, tc.want)
			}
		})
	}
	fe := fault.From(Why(tests[0].st, 0, now))
	if fe.Details["shop_name"] != shop || !strings.Contains(fe.Message, "11:00") {
		t.Fatalf("redeemed refusal does not say where and when (China time): %+v", fe)
	}
}

func TestReversibleOnlySameChinaDay(t *testing.T) {
	// 23:30 China time on 1 May is 15:30 UTC; 00:30 on 2 May is 16:30 UTC.
	made := time.Date(2026, 5, 1, 15, 30, 0, 0, time.UTC)
	if err := Reversible(Redemption{CreatedAt: made}, made.Add(20*time.Minute)); err != nil {
		t.Fatalf("same China day: %v", err)
	}
	if err := Reversible(Redemption{CreatedAt: made}, made.Add(time.Hour)); !errors.Is(err, ErrNotToday) {
		t.Fatalf("after China midnight: %v", err)
	}
	if err := Reversible(Redemption{CreatedAt: made, ReversedAt: &made}, made); !errors.Is(err, ErrAlreadyReversed) {
		t.Fatalf("reversed already: %v", err)
	}
}

func TestItemsText(t *testing.T) {
	if got := ItemsText([]Item{{Name: "毛巾", Quantity: 2}, {Name: "香皂", Quantity: 1}}); got != "毛巾×2、香皂×1" {
		t.Fatalf("ItemsText = %q", got)
	}
	long := make([]Item, 60)
	for i := range long {
		long[i] = Item{Name: "洗衣粉", Quantity: 10}
	}
	if got := []rune(ItemsText(long)); len(got) != 181 || got[180] != '…' {
		t.Fatalf("a long list is cut at 180 characters: %d", len(got))
	}
}
