package mysql

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/ledger"
)

func holdEvent(h ledger.Hold, action string, before any, place audit.Place) audit.Event {
	return audit.Event{Place: place, Action: action, ObjectType: "hold", ObjectID: h.ID, Before: before, After: h}
}

// hold reserves points inside tx; the caller audits.
func (s *LedgerStore) hold(ctx context.Context, tx *sqlx.Tx, req ledger.HoldRequest) (ledger.Hold, error) {
	debit, _, err := accountMetas(ctx, tx, req.DebitAccountID, req.CreditAccountID)
	if err != nil {
		return ledger.Hold{}, err
	}
	if debit.Derived {
		return ledger.Hold{}, fault.Invalidf("points are held only on household and representative accounts")
	}
	res, err := tx.ExecContext(ctx, `UPDATE accounts SET held = held + ? WHERE id = ? AND credits - debits - held >= ?`,
		req.Amount, req.DebitAccountID, req.Amount)
	if err != nil {
		return ledger.Hold{}, fmt.Errorf("hold on account %d: %w", req.DebitAccountID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ledger.Hold{}, fmt.Errorf("hold on account %d: %w", req.DebitAccountID, ledger.ErrInsufficientPoints)
	}
	h := ledger.Hold{
		VillageID: debit.VillageID, DebitAccountID: req.DebitAccountID, CreditAccountID: req.CreditAccountID,
		Amount: req.Amount, Kind: req.Kind, Reason: strings.TrimSpace(req.Reason), RefType: req.RefType, RefID: req.RefID,
		Status: ledger.HoldPending, CreatedBy: actorID(ctx), CreatedAt: s.db.now(),
	}
	const q = `INSERT INTO holds (village_id, debit_account_id, credit_account_id, amount, kind, reason, ref_type, ref_id,
		status, created_by, created_at) VALUES (:village_id, :debit_account_id, :credit_account_id, :amount, :kind,
		:reason, :ref_type, :ref_id, :status, :created_by, :created_at)`
	r, err := tx.NamedExecContext(ctx, q, h)
	if err != nil {
		return ledger.Hold{}, fmt.Errorf("insert hold: %w", err)
	}
	h.ID, err = r.LastInsertId()
	return h, err
}

// pendingHold reads a hold and fails fast with ErrHoldNotPending when it has ended. The read
// takes no lock: the compare-and-set in resolveHold is the guard.
func pendingHold(ctx context.Context, tx *sqlx.Tx, holdID int64) (ledger.Hold, error) {
	h, err := holdByID(ctx, tx, holdID)
	if err == nil && h.Status != ledger.HoldPending {
		err = ledger.ErrHoldNotPending.WithDetails(map[string]any{"status": h.Status})
	}
	return h, err
}

// resolveHold moves a pending hold to status by compare-and-set: exactly one caller can win.
// Callers lock the hold's account first (by updating it): changing the hold row makes InnoDB
// S-lock the account through the foreign key, and taking the account's X lock after that would
// deadlock two resolvers of holds on one account.
func (s *LedgerStore) resolveHold(ctx context.Context, tx *sqlx.Tx, h ledger.Hold, status ledger.HoldStatus) (ledger.Hold, error) {
	now := s.db.now()
	res, err := tx.ExecContext(ctx, `UPDATE holds SET status = ?, resolved_at = ? WHERE id = ? AND status = 'pending'`,
		status, now, h.ID)
	if err != nil {
		return h, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return h, ledger.ErrHoldNotPending
	}
	h.Status, h.ResolvedAt = status, &now
	return h, nil
}

// holdEndedOr returns ErrHoldNotPending when another transaction resolved the hold meanwhile
// (which is why its points were no longer held), and err otherwise.
func holdEndedOr(ctx context.Context, tx *sqlx.Tx, holdID int64, err error) error {
	var status ledger.HoldStatus
	if e := tx.GetContext(ctx, &status, `SELECT status FROM holds WHERE id = ? FOR UPDATE`, holdID); e == nil && status != ledger.HoldPending {
		return ledger.ErrHoldNotPending
	}
	return err
}

func holdByID(ctx context.Context, q sqlx.QueryerContext, id int64) (ledger.Hold, error) {
	var h ledger.Hold
	err := getRow(ctx, q, &h, ledger.ErrHoldNotFound, `SELECT `+holdColumns+` FROM holds WHERE id = ?`, id)
	return h, err
}

// capture turns a pending hold into a transfer inside tx; the caller audits both.
func (s *LedgerStore) capture(ctx context.Context, tx *sqlx.Tx, holdID int64) (ledger.Hold, ledger.Transfer, error) {
	h, err := pendingHold(ctx, tx, holdID)
	if err != nil {
		return h, ledger.Transfer{}, err
	}
	t, err := s.move(ctx, tx, movement{
		debitID: h.DebitAccountID, creditID: h.CreditAccountID, amount: h.Amount, kind: h.Kind,
		earning: h.Kind.Earning(), reason: h.Reason, refType: h.RefType, refID: h.RefID, holdID: &h.ID,
	})
	if errors.Is(err, ledger.ErrInsufficientPoints) {
		return h, t, holdEndedOr(ctx, tx, h.ID, err)
	}
	if err != nil {
		return h, t, err
	}
	h, err = s.resolveHold(ctx, tx, h, ledger.HoldCaptured)
	return h, t, err
}

// release lets a pending hold go inside tx; the caller audits.
func (s *LedgerStore) release(ctx context.Context, tx *sqlx.Tx, holdID int64) (ledger.Hold, error) {
	h, err := pendingHold(ctx, tx, holdID)
	if err != nil {
		return h, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE accounts SET held = held - ? WHERE id = ? AND held >= ?`,
		h.Amount, h.DebitAccountID, h.Amount)
	if err != nil {
		return h, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return h, holdEndedOr(ctx, tx, h.ID, fmt.Errorf("release hold %d: account %d holds less than %d", h.ID, h.DebitAccountID, h.Amount))
	}
	return s.resolveHold(ctx, tx, h, ledger.HoldReleased)
}

// Hold implements ledger.Store.
func (s *LedgerStore) Hold(ctx context.Context, req ledger.HoldRequest, idem ledger.Idempotency) (ledger.Hold, error) {
	var out ledger.Hold
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		prev, replay, err := claimKey(ctx, tx, s.db.now(), idem)
		if err != nil {
			return err
		}
		if replay {
			out, err = holdByID(ctx, tx, prev)
			return err
		}
		if out, err = s.hold(ctx, tx, req); err != nil {
			return err
		}
		if err := settleKey(ctx, tx, idem, out.ID); err != nil {
			return err
		}
		return s.auditHold(ctx, tx, out, "ledger.hold", nil)
	})
	if err != nil {
		return ledger.Hold{}, fmt.Errorf("hold %d points on account %d: %w", req.Amount, req.DebitAccountID, err)
	}
	return out, nil
}

func (s *LedgerStore) auditHold(ctx context.Context, tx *sqlx.Tx, h ledger.Hold, action string, t *ledger.Transfer) error {
	place, err := villagePlace(ctx, tx, h.VillageID)
	if err != nil {
		return err
	}
	ev := holdEvent(h, action, nil, place)
	if t == nil {
		return s.db.audit(ctx, tx, ev)
	}
	return s.db.audit(ctx, tx, ev, transferEvent(*t, place))
}

// Capture implements ledger.Store.
func (s *LedgerStore) Capture(ctx context.Context, holdID int64, idem ledger.Idempotency) (ledger.Transfer, error) {
	var out ledger.Transfer
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		prev, replay, err := claimKey(ctx, tx, s.db.now(), idem)
		if err != nil || replay {
			out, err = s.transferByID(ctx, tx, prev, err)
			return err
		}
		h, t, err := s.capture(ctx, tx, holdID)
		if err != nil {
			return err
		}
		out = t
		if err := settleKey(ctx, tx, idem, t.ID); err != nil {
			return err
		}
		return s.auditHold(ctx, tx, h, "ledger.capture", &t)
	})
	if err != nil {
		return ledger.Transfer{}, fmt.Errorf("capture hold %d: %w", holdID, err)
	}
	return out, nil
}

// Release implements ledger.Store.
func (s *LedgerStore) Release(ctx context.Context, holdID int64, idem ledger.Idempotency) (ledger.Hold, error) {
	var out ledger.Hold
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		prev, replay, err := claimKey(ctx, tx, s.db.now(), idem)
		if err != nil {
			return err
		}
		if replay {
			out, err = holdByID(ctx, tx, prev)
			return err
		}
		if out, err = s.release(ctx, tx, holdID); err != nil {
			return err
		}
		if err := settleKey(ctx, tx, idem, out.ID); err != nil {
			return err
		}
		return s.auditHold(ctx, tx, out, "ledger.release", nil)
	})
	if err != nil {
		return ledger.Hold{}, fmt.Errorf("release hold %d: %w", holdID, err)
	}
	return out, nil
}
