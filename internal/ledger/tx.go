package ledger

import (
	"context"
	"errors"
	"strings"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/write"
)

// AccountMeta is the part of an account that never changes: read without locking.
type AccountMeta struct {
	ID        int64       `db:"id"`
	VillageID int64       `db:"village_id"`
	Kind      AccountKind `db:"kind"`
	// Derived is true for system accounts, whose totals are sums of their transfers, not stored.
	Derived bool `db:"derived_totals"`
}

// Movement is a transfer about to be written.
type Movement struct {
	DebitAccountID, CreditAccountID int64
	Amount                          int64
	Kind                            TransferKind
	// Earning says the movement counts towards lifetime earned points (earning and penalties,
	// and their reversals).
	Earning         bool
	Reason          string
	RefType         string
	RefID           int64
	HoldID          *int64 // set when capturing: the points come out of held
	ReversesID      *int64
	AllowNegative   bool
	debit, credit   AccountMeta
	debitBalance    *int64
	creditBalance   *int64
	appliedToTotals bool
}

// Tx is the part of one transaction that moves points; the store implements it bound to the
// transaction, and the workflows below (and those of voucher and earning) run in it.
type Tx interface {
	write.Tx
	// AccountPair reads the two accounts of a movement. ErrAccountNotFound.
	AccountPair(ctx context.Context, debitID, creditID int64) (debit, credit AccountMeta, err error)
	// ApplyTotals applies a movement to the stored totals of the accounts that keep them, by
	// guarded updates in account id order (so that two movements never lock in opposite orders),
	// and returns their balances after. ErrInsufficientPoints when the guard refuses: the debit
	// account's available points (its held points, for a capture) do not cover the amount.
	ApplyTotals(ctx context.Context, m Movement, debit, credit AccountMeta) (debitAfter, creditAfter *int64, err error)
	// AppendTransfer writes the transfer row and returns it with its id and time.
	// ErrAlreadyReversed when the reversed transfer was reversed already, ErrHoldNotPending when
	// the captured hold was captured already.
	AppendTransfer(ctx context.Context, t Transfer) (Transfer, error)
	// ReserveHeld adds amount to an account's held points when its available points cover it.
	// ErrInsufficientPoints.
	ReserveHeld(ctx context.Context, accountID, amount int64) error
	// UnreserveHeld takes amount off an account's held points; false when it holds less.
	UnreserveHeld(ctx context.Context, accountID, amount int64) (bool, error)
	// AppendHold writes a hold row and returns it with its id and time.
	AppendHold(ctx context.Context, h Hold) (Hold, error)
	// EndHold moves a pending hold to status by compare-and-set. ErrHoldNotPending.
	EndHold(ctx context.Context, h Hold, status HoldStatus) (Hold, error)
	// HoldStatusLocked reads a hold's status under a row lock.
	HoldStatusLocked(ctx context.Context, id int64) (HoldStatus, error)
	// TransferByID returns a transfer. ErrTransferNotFound.
	TransferByID(ctx context.Context, id int64) (Transfer, error)
	// HoldByID returns a hold. ErrHoldNotFound.
	HoldByID(ctx context.Context, id int64) (Hold, error)
	// VillagePlace returns a village's place, for audit entries.
	VillagePlace(ctx context.Context, villageID int64) (auth.Place, error)
}

// Prepare applies a movement to the accounts' totals, inside tx, and returns it ready for
// Append: a caller that must name the transfer's reference after taking the points (a checkout
// names its redemption) writes the row once, complete. ErrAccountNotFound, ErrCrossVillage,
// ErrInsufficientPoints.
func Prepare(ctx context.Context, tx Tx, m Movement) (Movement, error) {
	debit, credit, err := tx.AccountPair(ctx, m.DebitAccountID, m.CreditAccountID)
	if err != nil {
		return m, err
	}
	if debit.VillageID != credit.VillageID {
		return m, ErrCrossVillage
	}
	m.debit, m.credit = debit, credit
	if m.debitBalance, m.creditBalance, err = tx.ApplyTotals(ctx, m, debit, credit); err != nil {
		return m, err
	}
	m.appliedToTotals = true
	return m, nil
}

// Append writes the transfer of a prepared movement.
func Append(ctx context.Context, tx Tx, m Movement) (Transfer, error) {
	if !m.appliedToTotals {
		return Transfer{}, errors.New("ledger: append of a movement whose totals were not applied")
	}
	return tx.AppendTransfer(ctx, Transfer{
		VillageID: m.debit.VillageID, DebitAccountID: m.DebitAccountID, CreditAccountID: m.CreditAccountID, Amount: m.Amount,
		Kind: m.Kind, Earning: m.Earning, Reason: strings.TrimSpace(m.Reason), RefType: m.RefType, RefID: m.RefID,
		HoldID: m.HoldID, ReversesID: m.ReversesID, DebitBalanceAfter: m.debitBalance, CreditBalanceAfter: m.creditBalance,
		CreatedBy: audit.PersonOf(ctx),
	})
}

// Move writes a movement inside tx: totals, then the transfer row. The caller audits it.
func Move(ctx context.Context, tx Tx, m Movement) (Transfer, error) {
	m, err := Prepare(ctx, tx, m)
	if err != nil {
		return Transfer{}, err
	}
	return Append(ctx, tx, m)
}

// Reversing returns the movement that undoes t: the same amount back, earning as t was, with its
// own reason and reference. A reversal is not itself reversed (ErrReversalOfReversal): a new
// transfer says what happened instead.
func Reversing(t Transfer, reason, refType string, refID int64) (Movement, error) {
	if t.Kind == Reversal {
		return Movement{}, ErrReversalOfReversal
	}
	return Movement{DebitAccountID: t.CreditAccountID, CreditAccountID: t.DebitAccountID, Amount: t.Amount, Kind: Reversal,
		Earning: t.Earning, Reason: reason, RefType: refType, RefID: refID, ReversesID: &t.ID}, nil
}

// Reserve holds points on the debit account inside tx and returns the hold ready for AppendHold,
// so that its reference can be named once the thing it holds for is written. Points are held only
// on household and representative accounts (ErrHoldOnSystemAccount). ErrInsufficientPoints.
func Reserve(ctx context.Context, tx Tx, req HoldRequest) (Hold, error) {
	if err := checkMovement(req.DebitAccountID, req.CreditAccountID, req.Amount, req.Kind, req.Reason); err != nil {
		return Hold{}, err
	}
	debit, credit, err := tx.AccountPair(ctx, req.DebitAccountID, req.CreditAccountID)
	if err != nil {
		return Hold{}, err
	}
	if debit.VillageID != credit.VillageID {
		return Hold{}, ErrCrossVillage
	}
	if debit.Derived {
		return Hold{}, ErrHoldOnSystemAccount
	}
	if err := tx.ReserveHeld(ctx, req.DebitAccountID, req.Amount); err != nil {
		return Hold{}, err
	}
	return Hold{VillageID: debit.VillageID, DebitAccountID: req.DebitAccountID, CreditAccountID: req.CreditAccountID,
		Amount: req.Amount, Kind: req.Kind, Reason: strings.TrimSpace(req.Reason), RefType: req.RefType, RefID: req.RefID,
		Status: HoldPending, CreatedBy: audit.PersonOf(ctx)}, nil
}

// PlaceHold reserves points and writes the hold inside tx. The caller audits it.
func PlaceHold(ctx context.Context, tx Tx, req HoldRequest) (Hold, error) {
	h, err := Reserve(ctx, tx, req)
	if err != nil {
		return h, err
	}
	return tx.AppendHold(ctx, h)
}

// pendingHold reads a hold and fails fast with ErrHoldNotPending when it has ended. The read
// takes no lock: EndHold's compare-and-set is the guard.
func pendingHold(ctx context.Context, tx Tx, holdID int64) (Hold, error) {
	h, err := tx.HoldByID(ctx, holdID)
	if err == nil && h.Status != HoldPending {
		err = ErrHoldNotPending.WithDetails(map[string]any{"status": h.Status})
	}
	return h, err
}

// holdEndedOr returns ErrHoldNotPending when another transaction ended the hold meanwhile (which
// is why its points were no longer held), and err otherwise.
func holdEndedOr(ctx context.Context, tx Tx, holdID int64, err error) error {
	if status, e := tx.HoldStatusLocked(ctx, holdID); e == nil && status != HoldPending {
		return ErrHoldNotPending
	}
	return err
}

// Capture turns a pending hold into a transfer inside tx; the caller audits both. The account is
// locked (by its update) before the hold row, because changing the hold makes InnoDB S-lock the
// account through the foreign key, and taking its X lock after that would deadlock two captures
// on one account. ErrHoldNotPending, ErrHoldNotFound.
func Capture(ctx context.Context, tx Tx, holdID int64) (Hold, Transfer, error) {
	h, err := pendingHold(ctx, tx, holdID)
	if err != nil {
		return h, Transfer{}, err
	}
	t, err := Move(ctx, tx, Movement{DebitAccountID: h.DebitAccountID, CreditAccountID: h.CreditAccountID, Amount: h.Amount,
		Kind: h.Kind, Earning: h.Kind.Earning(), Reason: h.Reason, RefType: h.RefType, RefID: h.RefID, HoldID: &h.ID})
	if err != nil {
		if errors.Is(err, ErrInsufficientPoints) {
			return h, t, holdEndedOr(ctx, tx, h.ID, err)
		}
		return h, t, err
	}
	h, err = tx.EndHold(ctx, h, HoldCaptured)
	return h, t, err
}

// Release lets a pending hold go inside tx; the caller audits it. ErrHoldNotPending.
func Release(ctx context.Context, tx Tx, holdID int64) (Hold, error) {
	h, err := pendingHold(ctx, tx, holdID)
	if err != nil {
		return h, err
	}
	ok, err := tx.UnreserveHeld(ctx, h.DebitAccountID, h.Amount)
	if err != nil {
		return h, err
	}
	if !ok {
		return h, holdEndedOr(ctx, tx, h.ID, ErrHeldShort)
	}
	return tx.EndHold(ctx, h, HoldReleased)
}

// TransferEvent is the audit event of a transfer.
func TransferEvent(t Transfer, place auth.Place) audit.Event {
	return audit.Event{Place: place, Action: "ledger.transfer", ObjectType: "transfer", ObjectID: t.ID, After: t}
}

// HoldEvent is the audit event of a hold changing: action is ledger.hold, ledger.capture or ledger.release.
func HoldEvent(h Hold, action string, place auth.Place) audit.Event {
	return audit.Event{Place: place, Action: action, ObjectType: "hold", ObjectID: h.ID, After: h}
}
