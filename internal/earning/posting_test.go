package earning

import (
	"errors"
	"testing"

	"pointsmarket/internal/fault"
	"pointsmarket/internal/ledger"
)

func TestPosting(t *testing.T) {
	v := VillageAccounts{Issuance: 1, Penalties: 2, AllowNegative: true}
	e := Entry{ID: 9, AccountID: 5, Points: 30}
	reward, err := Posting(e, Reward, "清扫", v, nil)
	if err != nil || reward.DebitAccountID != 1 || reward.CreditAccountID != 5 || reward.Kind != ledger.Earn || !reward.Earning || reward.AllowNegative {
		t.Fatalf("reward posting = %+v, %v", reward, err)
	}
	penalty, err := Posting(e, Penalty, "乱搭乱建", v, nil)
	if err != nil || penalty.DebitAccountID != 5 || penalty.CreditAccountID != 2 || penalty.Kind != ledger.Penalty || !penalty.AllowNegative {
		t.Fatalf("penalty posting = %+v, %v", penalty, err)
	}
	posted := ledger.Transfer{ID: 40, DebitAccountID: 1, CreditAccountID: 5, Amount: 30, Kind: ledger.Earn, Earning: true}
	correction, err := Posting(Entry{ID: 10, AccountID: 5, Points: 30}, Reward, "清扫", v, &posted)
	if err != nil || correction.DebitAccountID != 5 || correction.CreditAccountID != 1 || correction.Kind != ledger.Reversal ||
		correction.ReversesID == nil || *correction.ReversesID != 40 || correction.RefID != 10 || !correction.AllowNegative {
		t.Fatalf("correction of a reward = %+v, %v", correction, err)
	}
	v.AllowNegative = false
	if c, _ := Posting(Entry{ID: 10}, Reward, "清扫", v, &posted); c.AllowNegative {
		t.Fatal("a correction went below zero where the village does not allow it")
	}
	if c, _ := Posting(Entry{ID: 10}, Penalty, "扣分", VillageAccounts{AllowNegative: true}, &posted); c.AllowNegative {
		t.Fatal("giving back a penalty may never need a negative balance")
	}
	reversal := ledger.Transfer{ID: 41, Kind: ledger.Reversal}
	if _, err := Posting(Entry{ID: 11}, Reward, "清扫", v, &reversal); !errors.Is(err, ledger.ErrReversalOfReversal) {
		t.Fatalf("correcting a correction's reversal: %v", err)
	}
}

func TestCheckCaps(t *testing.T) {
	month, year := int64(30), int64(100)
	it := RuleItem{CapMonth: &month, CapYear: &year}
	tests := []struct {
		points, haveMonth, haveYear int64
		per                         string
	}{
		{10, 20, 50, ""},
		{11, 20, 50, "month"},
		{10, 20, 91, "year"},
		{31, 0, 0, "month"},
	}
	for _, tc := range tests {
		err := CheckCaps(it, tc.points, tc.haveMonth, tc.haveYear)
		if tc.per == "" {
			if err != nil {
				t.Errorf("%+v: %v", tc, err)
			}
			continue
		}
		if fe := fault.From(err); !errors.Is(err, ErrOverCap) || fe.Details["per"] != tc.per {
			t.Errorf("%+v: %v, want over the %s cap", tc, err, tc.per)
		}
	}
	if err := CheckCaps(RuleItem{}, 1_000_000, 0, 0); err != nil {
		t.Errorf("an item without caps: %v", err)
	}
}
