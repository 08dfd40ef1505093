package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrNotTogether says that movements cannot be applied as one batch (a side keeps stored totals
// the batch does not update, or two villages meet): the caller applies them one by one instead.
var ErrNotTogether = errors.New("ledger: these movements cannot be applied together")

// BatchTx is what capturing many holds at once needs of a transaction, beside Tx.
type BatchTx interface {
	Tx
	// ApplyCaptures moves each movement's amount from its debit account's held points to its
	// debits, by one guarded update of all the accounts (in id order), and returns each debit
	// account's balance after its movement, in the movements' order. ErrInsufficientPoints when an
	// account holds less than its movements take.
	ApplyCaptures(ctx context.Context, ms []Movement) ([]int64, error)
	// AppendTransfers writes transfer rows, each capturing a hold, and returns them with their
	// ids and time. ErrHoldNotPending when one of the holds was captured already.
	AppendTransfers(ctx context.Context, ts []Transfer) ([]Transfer, error)
	// EndHolds moves pending holds to status by one compare-and-set. ErrHoldNotPending.
	EndHolds(ctx context.Context, hs []Hold, status HoldStatus) ([]Hold, error)
}

// CaptureAll turns pending holds into transfers inside tx, as Capture does for one, in a constant
// number of statements: the accounts' totals, the transfers, the holds. by[i] is who captures
// holds[i]. The caller audits them. ErrHoldNotPending, ErrNotTogether (the credit side of a hold
// keeps stored totals), ErrInsufficientPoints.
func CaptureAll(ctx context.Context, tx BatchTx, holds []Hold, by []int64) ([]Hold, []Transfer, error) {
	ms := make([]Movement, len(holds))
	for i, h := range holds {
		if h.Status != HoldPending {
			return nil, nil, ErrHoldNotPending.WithDetails(map[string]any{"hold_id": h.ID, "status": h.Status})
		}
		debit, credit, err := tx.AccountPair(ctx, h.DebitAccountID, h.CreditAccountID)
		if err != nil {
			return nil, nil, err
		}
		if debit.VillageID != credit.VillageID || debit.Derived || !credit.Derived {
			return nil, nil, fmt.Errorf("capture hold %d: %w", h.ID, ErrNotTogether)
		}
		ms[i] = Movement{DebitAccountID: h.DebitAccountID, CreditAccountID: h.CreditAccountID, Amount: h.Amount,
			Kind: h.Kind, Earning: h.Kind.Earning(), Reason: h.Reason, RefType: h.RefType, RefID: h.RefID, HoldID: &holds[i].ID,
			debit: debit, credit: credit}
		if ms[i].Earning {
			return nil, nil, fmt.Errorf("capture hold %d: %w", h.ID, ErrNotTogether)
		}
	}
	after, err := tx.ApplyCaptures(ctx, ms)
	if err != nil {
		return nil, nil, err
	}
	ts := make([]Transfer, len(ms))
	for i, m := range ms {
		ts[i] = Transfer{VillageID: m.debit.VillageID, DebitAccountID: m.DebitAccountID, CreditAccountID: m.CreditAccountID,
			Amount: m.Amount, Kind: m.Kind, Earning: m.Earning, Reason: strings.TrimSpace(m.Reason), RefType: m.RefType,
			RefID: m.RefID, HoldID: m.HoldID, DebitBalanceAfter: &after[i], CreatedBy: by[i]}
	}
	if ts, err = tx.AppendTransfers(ctx, ts); err != nil {
		return nil, nil, err
	}
	hs, err := tx.EndHolds(ctx, holds, HoldCaptured)
	return hs, ts, err
}
