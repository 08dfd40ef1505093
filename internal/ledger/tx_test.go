package ledger

import (
	"context"
	"errors"
	"testing"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/notify"
	"pointsmarket/internal/write"
)

// memTx is an in-memory ledger.Tx: the guards the store keeps in its WHERE clauses, kept here in
// Go, so that the workflows' rules are tested without MySQL.
type memTx struct {
	accounts  map[int64]*Account
	transfers []Transfer
	holds     map[int64]*Hold
	events    []audit.Event
}

func newMem() *memTx {
	return &memTx{accounts: map[int64]*Account{
		1: {ID: 1, VillageID: 7, Kind: Household, Credits: 100},
		2: {ID: 2, VillageID: 7, Kind: Redemptions, DerivedTotals: true},
		3: {ID: 3, VillageID: 8, Kind: Redemptions, DerivedTotals: true},
		4: {ID: 4, VillageID: 7, Kind: Issuance, DerivedTotals: true},
	}, holds: map[int64]*Hold{}}
}

func (m *memTx) ClaimKey(context.Context, write.Key) (int64, bool, error) { return 0, false, nil }
func (m *memTx) SettleKey(context.Context, write.Key, int64) error        { return nil }
func (m *memTx) Audit(_ context.Context, ev ...audit.Event) error {
	m.events = append(m.events, ev...)
	return nil
}
func (m *memTx) Notify(context.Context, ...notify.Notice) error { return nil }
func (m *memTx) VillagePlace(_ context.Context, v int64) (auth.Place, error) {
	return auth.Place{VillageID: v}, nil
}

func (m *memTx) AccountPair(_ context.Context, d, c int64) (AccountMeta, AccountMeta, error) {
	da, ca := m.accounts[d], m.accounts[c]
	if da == nil || ca == nil {
		return AccountMeta{}, AccountMeta{}, ErrAccountNotFound
	}
	meta := func(a *Account) AccountMeta {
		return AccountMeta{ID: a.ID, VillageID: a.VillageID, Kind: a.Kind, Derived: a.DerivedTotals}
	}
	return meta(da), meta(ca), nil
}

func (m *memTx) ApplyTotals(_ context.Context, mv Movement, d, c AccountMeta) (*int64, *int64, error) {
	if !d.Derived {
		a := m.accounts[d.ID]
		switch {
		case mv.HoldID != nil:
			if a.Held < mv.Amount {
				return nil, nil, ErrInsufficientPoints
			}
			a.Held -= mv.Amount
		case !mv.AllowNegative && a.Available() < mv.Amount:
			return nil, nil, ErrInsufficientPoints
		}
		a.Debits += mv.Amount
	}
	if !c.Derived {
		m.accounts[c.ID].Credits += mv.Amount
	}
	return nil, nil, nil
}

func (m *memTx) AppendTransfer(_ context.Context, t Transfer) (Transfer, error) {
	for _, o := range m.transfers {
		if t.ReversesID != nil && o.ReversesID != nil && *o.ReversesID == *t.ReversesID {
			return Transfer{}, ErrAlreadyReversed
		}
	}
	t.ID = int64(len(m.transfers) + 1)
	m.transfers = append(m.transfers, t)
	return t, nil
}

func (m *memTx) ReserveHeld(_ context.Context, id, amount int64) error {
	if a := m.accounts[id]; a.Available() >= amount {
		a.Held += amount
		return nil
	}
	return ErrInsufficientPoints
}

func (m *memTx) UnreserveHeld(_ context.Context, id, amount int64) (bool, error) {
	a := m.accounts[id]
	if a.Held < amount {
		return false, nil
	}
	a.Held -= amount
	return true, nil
}

func (m *memTx) AppendHold(_ context.Context, h Hold) (Hold, error) {
	h.ID = int64(len(m.holds) + 1)
	m.holds[h.ID] = &h
	return h, nil
}

func (m *memTx) EndHold(_ context.Context, h Hold, s HoldStatus) (Hold, error) {
	if m.holds[h.ID].Status != HoldPending {
		return h, ErrHoldNotPending
	}
	m.holds[h.ID].Status = s
	return *m.holds[h.ID], nil
}

func (m *memTx) HoldStatusLocked(_ context.Context, id int64) (HoldStatus, error) {
	return m.holds[id].Status, nil
}

func (m *memTx) TransferByID(_ context.Context, id int64) (Transfer, error) {
	if id < 1 || int(id) > len(m.transfers) {
		return Transfer{}, ErrTransferNotFound
	}
	return m.transfers[id-1], nil
}

func (m *memTx) HoldByID(_ context.Context, id int64) (Hold, error) {
	if h := m.holds[id]; h != nil {
		return *h, nil
	}
	return Hold{}, ErrHoldNotFound
}

func TestMoveRules(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		m    Movement
		want error
	}{
		{"within the village", Movement{DebitAccountID: 1, CreditAccountID: 2, Amount: 30, Kind: Redeem, Reason: "兑换"}, nil},
		{"to another village", Movement{DebitAccountID: 1, CreditAccountID: 3, Amount: 30, Kind: Redeem, Reason: "兑换"}, ErrCrossVillage},
		{"more than available", Movement{DebitAccountID: 1, CreditAccountID: 2, Amount: 101, Kind: Redeem, Reason: "兑换"}, ErrInsufficientPoints},
		{"a penalty the village lets go below zero", Movement{DebitAccountID: 1, CreditAccountID: 2, Amount: 101, Kind: Penalty, Reason: "扣分", AllowNegative: true}, nil},
		{"no such account", Movement{DebitAccountID: 9, CreditAccountID: 2, Amount: 1, Kind: Redeem, Reason: "兑换"}, ErrAccountNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx := newMem()
			tr, err := Move(ctx, tx, tc.m)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Move: %v, want %v", err, tc.want)
			}
			if err == nil && (tr.ID == 0 || tr.VillageID != 7 || tr.Amount != tc.m.Amount) {
				t.Fatalf("transfer = %+v", tr)
			}
			if err != nil && len(tx.transfers) != 0 {
				t.Fatal("a refused movement wrote a transfer")
			}
		})
	}
}

func TestAppendNeedsPrepare(t *testing.T) {
	if _, err := Append(context.Background(), newMem(), Movement{DebitAccountID: 1, CreditAccountID: 2, Amount: 1}); err == nil {
		t.Fatal("a movement whose totals were never applied was written")
	}
}

func TestReversing(t *testing.T) {
	orig := Transfer{ID: 5, DebitAccountID: 4, CreditAccountID: 1, Amount: 30, Kind: Earn, Earning: true}
	m, err := Reversing(orig, "登记错误", "entry", 9)
	if err != nil {
		t.Fatal(err)
	}
	if m.DebitAccountID != 1 || m.CreditAccountID != 4 || m.Amount != 30 || m.Kind != Reversal || !m.Earning ||
		m.ReversesID == nil || *m.ReversesID != 5 || m.RefType != "entry" || m.RefID != 9 {
		t.Fatalf("reversing movement = %+v", m)
	}
	if _, err := Reversing(Transfer{ID: 6, Kind: Reversal}, "再冲正", "entry", 9); !errors.Is(err, ErrReversalOfReversal) {
		t.Fatalf("reversing a reversal: %v", err)
	}
	tx := newMem()
	tx.transfers = []Transfer{orig}
	tx.accounts[1].Credits = 30
	if _, err := Move(context.Background(), tx, m); err != nil {
		t.Fatal(err)
	}
	if _, err := Move(context.Background(), tx, m); !errors.Is(err, ErrAlreadyReversed) && !errors.Is(err, ErrInsufficientPoints) {
		t.Fatalf("second reversal: %v", err)
	}
}

func TestHoldLifecycle(t *testing.T) {
	ctx := context.Background()
	tx := newMem()
	req := HoldRequest{DebitAccountID: 1, CreditAccountID: 2, Amount: 60, Kind: Redeem, Reason: "兑换券"}
	h, err := PlaceHold(ctx, tx, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := PlaceHold(ctx, tx, HoldRequest{DebitAccountID: 1, CreditAccountID: 2, Amount: 41, Kind: Redeem, Reason: "兑换券"}); !errors.Is(err, ErrInsufficientPoints) {
		t.Fatalf("hold beyond available: %v", err)
	}
	if _, err := PlaceHold(ctx, tx, HoldRequest{DebitAccountID: 4, CreditAccountID: 2, Amount: 1, Kind: Redeem, Reason: "兑换券"}); !errors.Is(err, ErrHoldOnSystemAccount) {
		t.Fatalf("hold on a system account: %v", err)
	}
	if _, err := PlaceHold(ctx, tx, HoldRequest{DebitAccountID: 1, CreditAccountID: 2, Amount: 0, Kind: Redeem, Reason: "兑换券"}); err == nil {
		t.Fatal("a hold of zero points was placed")
	}
	_, tr, err := Capture(ctx, tx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if tr.HoldID == nil || *tr.HoldID != h.ID || tr.Amount != 60 {
		t.Fatalf("capture = %+v", tr)
	}
	if _, _, err := Capture(ctx, tx, h.ID); !errors.Is(err, ErrHoldNotPending) {
		t.Fatalf("second capture: %v", err)
	}
	if _, err := Release(ctx, tx, h.ID); !errors.Is(err, ErrHoldNotPending) {
		t.Fatalf("release after capture: %v", err)
	}
	if a := tx.accounts[1]; a.Held != 0 || a.Balance() != 40 {
		t.Fatalf("account after capture: held %d balance %d", a.Held, a.Balance())
	}
	h2, _ := PlaceHold(ctx, tx, HoldRequest{DebitAccountID: 1, CreditAccountID: 2, Amount: 40, Kind: Redeem, Reason: "兑换券"})
	if _, err := Release(ctx, tx, h2.ID); err != nil {
		t.Fatal(err)
	}
	if a := tx.accounts[1]; a.Held != 0 || a.Available() != 40 {
		t.Fatalf("account after release: held %d available %d", a.Held, a.Available())
	}
}
