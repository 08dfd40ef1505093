package mysql_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"pointsmarket/internal/app"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/mysql"
)

func account(t *testing.T, a *app.App, id int64) ledger.Account {
	t.Helper()
	acc, err := mysql.NewLedgerStore(a.DB).Account(dbtest.SystemCtx(), id)
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

func TestTransferMovesPointsAndKeepsInvariants(t *testing.T) {
	a := dbtest.New(t, app.Options{})
	v := dbtest.NewVillage(t, a, "一村", 2)
	ctx := dbtest.SystemCtx()
	v.Grant(t, a, v.Accounts[0], 100)
	tr, err := a.Ledger.Transfer(ctx, ledger.TransferRequest{DebitAccountID: v.Accounts[0], CreditAccountID: v.Redemption,
		Amount: 30, Kind: ledger.Redeem, Reason: "兑换洗衣粉"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if tr.DebitBalanceAfter == nil || *tr.DebitBalanceAfter != 70 || tr.CreditBalanceAfter != nil {
		t.Errorf("balances after = %v, %v; want 70 and nil (system account)", tr.DebitBalanceAfter, tr.CreditBalanceAfter)
	}
	acc := account(t, a, v.Accounts[0])
	if acc.Balance() != 70 || acc.Available() != 70 || acc.Earned != 100 {
		t.Errorf("account = balance %d available %d earned %d; want 70 70 100 (spending keeps lifetime earned)", acc.Balance(), acc.Available(), acc.Earned)
	}
	if iss := account(t, a, v.Issuance); iss.Balance() != -100 {
		t.Errorf("issuance balance = %d, want -100", iss.Balance())
	}
	if red := account(t, a, v.Redemption); red.Balance() != 30 {
		t.Errorf("redemptions balance = %d, want 30", red.Balance())
	}
	dbtest.MustVerify(t, a)
}

func TestTransferRefusesBadRequests(t *testing.T) {
	a := dbtest.New(t, app.Options{})
	v := dbtest.NewVillage(t, a, "一村", 1)
	w := dbtest.NewVillage(t, a, "二村", 1)
	v.Grant(t, a, v.Accounts[0], 10)
	cases := []struct {
		name string
		req  ledger.TransferRequest
		want error
	}{
		{"more than available", ledger.TransferRequest{DebitAccountID: v.Accounts[0], CreditAccountID: v.Redemption, Amount: 11, Kind: ledger.Redeem, Reason: "x"}, ledger.ErrInsufficientPoints},
		{"zero", ledger.TransferRequest{DebitAccountID: v.Accounts[0], CreditAccountID: v.Redemption, Amount: 0, Kind: ledger.Redeem, Reason: "x"}, nil},
		{"negative", ledger.TransferRequest{DebitAccountID: v.Accounts[0], CreditAccountID: v.Redemption, Amount: -5, Kind: ledger.Redeem, Reason: "x"}, nil},
		{"absurd", ledger.TransferRequest{DebitAccountID: v.Issuance, CreditAccountID: v.Accounts[0], Amount: ledger.MaxAmount + 1, Kind: ledger.Earn, Reason: "x"}, nil},
		{"same account", ledger.TransferRequest{DebitAccountID: v.Accounts[0], CreditAccountID: v.Accounts[0], Amount: 1, Kind: ledger.Redeem, Reason: "x"}, nil},
		{"no reason", ledger.TransferRequest{DebitAccountID: v.Issuance, CreditAccountID: v.Accounts[0], Amount: 1, Kind: ledger.Earn, Reason: "  "}, nil},
		{"unknown kind", ledger.TransferRequest{DebitAccountID: v.Issuance, CreditAccountID: v.Accounts[0], Amount: 1, Kind: "gift", Reason: "x"}, nil},
		{"unknown account", ledger.TransferRequest{DebitAccountID: v.Issuance, CreditAccountID: 999999, Amount: 1, Kind: ledger.Earn, Reason: "x"}, ledger.ErrAccountNotFound},
		{"other village", ledger.TransferRequest{DebitAccountID: v.Issuance, CreditAccountID: w.Accounts[0], Amount: 1, Kind: ledger.Earn, Reason: "x"}, ledger.ErrCrossVillage},
		{"negative without penalty", ledger.TransferRequest{DebitAccountID: v.Accounts[0], CreditAccountID: v.Redemption, Amount: 50, Kind: ledger.Redeem, Reason: "x", AllowNegative: true}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.Ledger.Transfer(dbtest.SystemCtx(), tc.req, "")
			if err == nil {
				t.Fatal("transfer succeeded")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if k := fault.KindOf(err); k == fault.Internal {
				t.Fatalf("err %v is internal; bad input must be a 4xx kind", err)
			}
		})
	}
	if acc := account(t, a, v.Accounts[0]); acc.Balance() != 10 {
		t.Errorf("balance = %d after refused transfers, want 10", acc.Balance())
	}
	dbtest.MustVerify(t, a)
}

// TestConcurrentHoldsAndTransfersNeverOverspend races many goroutines holding, capturing,
// releasing and spending on one account: available never goes below zero and the stored totals
// always equal the transfers.
func TestConcurrentHoldsAndTransfersNeverOverspend(t *testing.T) {
	a := dbtest.New(t, app.Options{})
	v := dbtest.NewVillage(t, a, "一村", 1)
	acct := v.Accounts[0]
	v.Grant(t, a, acct, 1000)
	ctx := dbtest.SystemCtx()
	var wg sync.WaitGroup
	var spent, refused atomic.Int64
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 3 {
			case 0: // spend directly
				_, err := a.Ledger.Transfer(ctx, ledger.TransferRequest{DebitAccountID: acct, CreditAccountID: v.Redemption, Amount: 40, Kind: ledger.Redeem, Reason: "兑换"}, "")
				count(t, err, &spent, &refused, 40)
			case 1: // hold then capture
				h, err := ops(a).Hold(ctx, ledger.HoldRequest{DebitAccountID: acct, CreditAccountID: v.Redemption, Amount: 40, Kind: ledger.Redeem, Reason: "兑换券"}, "")
				if count(t, err, nil, &refused, 0) {
					_, err = ops(a).Capture(ctx, h.ID, "")
					count(t, err, &spent, &refused, 40)
				}
			case 2: // hold then release
				h, err := ops(a).Hold(ctx, ledger.HoldRequest{DebitAccountID: acct, CreditAccountID: v.Redemption, Amount: 40, Kind: ledger.Redeem, Reason: "兑换券"}, "")
				if count(t, err, nil, &refused, 0) {
					_, err = ops(a).Release(ctx, h.ID, "")
					if err != nil {
						t.Errorf("release: %v", err)
					}
				}
			}
		}()
	}
	wg.Wait()
	acc := account(t, a, acct)
	if acc.Held != 0 {
		t.Errorf("held = %d after every hold ended, want 0", acc.Held)
	}
	if acc.Balance() != 1000-spent.Load() || acc.Available() < 0 {
		t.Errorf("balance = %d, available %d; want %d and >= 0", acc.Balance(), acc.Available(), 1000-spent.Load())
	}
	if spent.Load() > 1000 || refused.Load() == 0 {
		t.Errorf("spent %d with %d refusals: the race did not exercise the limit", spent.Load(), refused.Load())
	}
	dbtest.MustVerify(t, a)
}

// count records a successful movement of amount or an insufficient-points refusal; any other
// error fails the test. It reports success.
func count(t *testing.T, err error, ok, refused *atomic.Int64, amount int64) bool {
	switch {
	case err == nil:
		if ok != nil {
			ok.Add(amount)
		}
		return true
	case errors.Is(err, ledger.ErrInsufficientPoints):
		refused.Add(1)
	default:
		t.Errorf("unexpected error: %v", err)
	}
	return false
}

func TestIdempotencyKeyMovesPointsOnce(t *testing.T) {
	a := dbtest.New(t, app.Options{})
	v := dbtest.NewVillage(t, a, "一村", 1)
	ctx := dbtest.SystemCtx()
	req := ledger.TransferRequest{DebitAccountID: v.Issuance, CreditAccountID: v.Accounts[0], Amount: 25, Kind: ledger.Earn, Reason: "奖励分"}
	var wg sync.WaitGroup
	ids := make([]int64, 20)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr, err := a.Ledger.Transfer(ctx, req, "award-42")
			if err != nil {
				t.Errorf("repeat %d: %v", i, err)
				return
			}
			ids[i] = tr.ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("repeats returned different transfers: %v", ids)
		}
	}
	if acc := account(t, a, v.Accounts[0]); acc.Balance() != 25 {
		t.Errorf("balance = %d after 20 repeats of one key, want 25", acc.Balance())
	}
	other := req
	other.Amount = 26
	if _, err := a.Ledger.Transfer(ctx, other, "award-42"); !errors.Is(err, fault.ErrIdempotency) {
		t.Errorf("same key, other body: err = %v, want %v", err, fault.ErrIdempotency)
	}
	if fault.KindOf(fault.ErrIdempotency) != fault.Conflict {
		t.Error("idempotency conflicts must be 409s")
	}
	dbtest.MustVerify(t, a)
}

func TestHoldCaptureRelease(t *testing.T) {
	a := dbtest.New(t, app.Options{})
	v := dbtest.NewVillage(t, a, "一村", 1)
	ctx := dbtest.SystemCtx()
	acct := v.Accounts[0]
	v.Grant(t, a, acct, 100)
	h, err := ops(a).Hold(ctx, ledger.HoldRequest{DebitAccountID: acct, CreditAccountID: v.Redemption, Amount: 60, Kind: ledger.Redeem, Reason: "兑换券"}, "hold-1")
	if err != nil {
		t.Fatal(err)
	}
	if acc := account(t, a, acct); acc.Available() != 40 || acc.Held != 60 || acc.Balance() != 100 {
		t.Fatalf("after hold: available %d held %d balance %d; want 40 60 100", acc.Available(), acc.Held, acc.Balance())
	}
	if _, err := ops(a).Hold(ctx, ledger.HoldRequest{DebitAccountID: acct, CreditAccountID: v.Redemption, Amount: 41, Kind: ledger.Redeem, Reason: "兑换券"}, ""); !errors.Is(err, ledger.ErrInsufficientPoints) {
		t.Fatalf("second hold beyond available: %v", err)
	}
	tr, err := ops(a).Capture(ctx, h.ID, "cap-1")
	if err != nil {
		t.Fatal(err)
	}
	if tr.HoldID == nil || *tr.HoldID != h.ID || tr.Amount != 60 {
		t.Fatalf("capture transfer = %+v", tr)
	}
	if again, err := ops(a).Capture(ctx, h.ID, "cap-1"); err != nil || again.ID != tr.ID {
		t.Fatalf("replayed capture = %v, %v; want transfer %d", again.ID, err, tr.ID)
	}
	if _, err := ops(a).Capture(ctx, h.ID, "cap-2"); !errors.Is(err, ledger.ErrHoldNotPending) {
		t.Fatalf("second capture under a new key: %v, want hold_not_pending", err)
	}
	if _, err := ops(a).Release(ctx, h.ID, ""); !errors.Is(err, ledger.ErrHoldNotPending) {
		t.Fatalf("release after capture: %v", err)
	}
	if acc := account(t, a, acct); acc.Available() != 40 || acc.Held != 0 || acc.Balance() != 40 {
		t.Fatalf("after capture: available %d held %d balance %d; want 40 0 40", acc.Available(), acc.Held, acc.Balance())
	}
	dbtest.MustVerify(t, a)
}

func TestReversal(t *testing.T) {
	a := dbtest.New(t, app.Options{})
	v := dbtest.NewVillage(t, a, "一村", 1)
	ctx := dbtest.SystemCtx()
	acct := v.Accounts[0]
	award := v.Grant(t, a, acct, 50)
	spend, err := a.Ledger.Transfer(ctx, ledger.TransferRequest{DebitAccountID: acct, CreditAccountID: v.Redemption, Amount: 30, Kind: ledger.Redeem, Reason: "兑换"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ops(a).Reverse(ctx, award.ID, "登记错误", ""); !errors.Is(err, ledger.ErrInsufficientPoints) {
		t.Fatalf("reversing an award already spent: %v, want insufficient_points", err)
	}
	back, err := ops(a).Reverse(ctx, spend.ID, "退货", "")
	if err != nil {
		t.Fatal(err)
	}
	if back.Kind != ledger.Reversal || back.ReversesID == nil || *back.ReversesID != spend.ID || back.Earning {
		t.Fatalf("reversal = %+v", back)
	}
	if _, err := ops(a).Reverse(ctx, spend.ID, "再退", ""); !errors.Is(err, ledger.ErrAlreadyReversed) {
		t.Fatalf("second reversal: %v, want already_reversed", err)
	}
	if _, err := ops(a).Reverse(ctx, award.ID, "登记错误", ""); err != nil {
		t.Fatal(err)
	}
	acc := account(t, a, acct)
	if acc.Balance() != 0 || acc.Earned != 0 {
		t.Fatalf("after reversing both: balance %d earned %d; want 0 0", acc.Balance(), acc.Earned)
	}
	dbtest.MustVerify(t, a)
}

func TestPenaltyMayGoNegativeOnlyWhenAllowed(t *testing.T) {
	a := dbtest.New(t, app.Options{})
	v := dbtest.NewVillage(t, a, "一村", 1)
	ctx := dbtest.SystemCtx()
	acct := v.Accounts[0]
	v.Grant(t, a, acct, 10)
	pen := ledger.TransferRequest{DebitAccountID: acct, CreditAccountID: v.Penalties, Amount: 30, Kind: ledger.Penalty, Reason: "扣分：乱搭乱建"}
	if _, err := a.Ledger.Transfer(ctx, pen, ""); !errors.Is(err, ledger.ErrInsufficientPoints) {
		t.Fatalf("penalty beyond balance without policy: %v", err)
	}
	pen.AllowNegative = true
	if _, err := a.Ledger.Transfer(ctx, pen, ""); err != nil {
		t.Fatal(err)
	}
	acc := account(t, a, acct)
	if acc.Balance() != -20 || acc.Earned != -20 {
		t.Fatalf("balance %d earned %d; want -20 -20 (a penalty reduces lifetime points)", acc.Balance(), acc.Earned)
	}
	if _, err := ops(a).Hold(ctx, ledger.HoldRequest{DebitAccountID: acct, CreditAccountID: v.Redemption, Amount: 1, Kind: ledger.Redeem, Reason: "兑换"}, ""); !errors.Is(err, ledger.ErrInsufficientPoints) {
		t.Fatalf("hold on a negative balance: %v", err)
	}
	dbtest.MustVerify(t, a)
}

func TestHistoryNewestFirstWithPaging(t *testing.T) {
	a := dbtest.New(t, app.Options{})
	v := dbtest.NewVillage(t, a, "一村", 1)
	ctx := dbtest.SystemCtx()
	acct := v.Accounts[0]
	for i := 1; i <= 5; i++ {
		v.Grant(t, a, acct, int64(i))
	}
	if _, err := a.Ledger.Transfer(ctx, ledger.TransferRequest{DebitAccountID: acct, CreditAccountID: v.Redemption, Amount: 4, Kind: ledger.Redeem, Reason: "兑换香皂"}, ""); err != nil {
		t.Fatal(err)
	}
	page, err := mysql.NewLedgerStore(a.DB).History(ctx, acct, 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 4 || page[0].Amount != -4 || page[0].Reason != "兑换香皂" || page[0].Counterparty != ledger.Redemptions || *page[0].BalanceAfter != 11 {
		t.Fatalf("first line = %+v", page[0])
	}
	if page[1].Amount != 5 || *page[1].BalanceAfter != 15 {
		t.Fatalf("second line = %+v", page[1])
	}
	rest, err := mysql.NewLedgerStore(a.DB).History(ctx, acct, page[3].TransferID, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != 2 || rest[0].Amount != 2 || rest[1].Amount != 1 {
		t.Fatalf("second page = %+v", rest)
	}
}
