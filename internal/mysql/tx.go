package mysql

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/voucher"
	"pointsmarket/internal/write"
)

// Tx is the store bound to one transaction. It implements the transaction interfaces the domain
// packages declare (write.Tx, ledger.Tx, voucher.Tx), so that their workflows run in domain code
// and still commit as one MySQL transaction. It holds queries only: every decision is the caller's.
type Tx struct {
	tx *sqlx.Tx
	db *DB
}

// Run runs fn in one READ COMMITTED transaction (each statement reads the latest committed rows,
// so a total read after a row lock sees what the transaction it waited for wrote), retried from the
// start on a deadlock, as InTx.
func (db *DB) Run(ctx context.Context, fn func(tx *Tx) error) error {
	return db.InTx(ctx, func(tx *sqlx.Tx) error { return fn(&Tx{tx: tx, db: db}) }, ReadCommitted)
}

// runAs is the runner of the workflows of a domain whose transaction interface T *Tx implements.
func runAs[T any](db *DB, as func(*Tx) T) write.InTx[T] {
	return func(ctx context.Context, fn func(T) error) error {
		return db.Run(ctx, func(tx *Tx) error { return fn(as(tx)) })
	}
}

// LedgerTx returns the transaction runner of the ledger's workflows.
func (db *DB) LedgerTx() write.InTx[ledger.Tx] { return runAs(db, func(t *Tx) ledger.Tx { return t }) }

// VoucherTx returns the transaction runner of the counter's workflows.
func (db *DB) VoucherTx() write.InTx[voucher.Tx] {
	return runAs(db, func(t *Tx) voucher.Tx { return t })
}

// ClaimKey implements write.Tx.
func (t *Tx) ClaimKey(ctx context.Context, k write.Key) (int64, bool, error) {
	return claimKey(ctx, t.tx, t.db.now(), k)
}

// SettleKey implements write.Tx.
func (t *Tx) SettleKey(ctx context.Context, k write.Key, resultID int64) error {
	return settleKey(ctx, t.tx, k, resultID)
}

// Audit implements write.Tx.
func (t *Tx) Audit(ctx context.Context, events ...audit.Event) error {
	return t.db.audit(ctx, t.tx, events...)
}

// VillagePlace implements ledger.Tx.
func (t *Tx) VillagePlace(ctx context.Context, villageID int64) (auth.Place, error) {
	return villagePlace(ctx, t.tx, villageID)
}

// AccountPair implements ledger.Tx. What it reads of an account (village, kind, whether its totals
// are derived) never changes after the account is made, so each instance keeps it.
func (t *Tx) AccountPair(ctx context.Context, debitID, creditID int64) (debit, credit ledger.AccountMeta, err error) {
	if d, ok := t.db.accountMetas.Load(debitID); ok {
		if c, ok := t.db.accountMetas.Load(creditID); ok {
			return d.(ledger.AccountMeta), c.(ledger.AccountMeta), nil
		}
	}
	var metas []ledger.AccountMeta
	if err := t.tx.SelectContext(ctx, &metas, `SELECT id, village_id, kind, derived_totals FROM accounts WHERE id IN (?, ?)`,
		debitID, creditID); err != nil {
		return debit, credit, err
	}
	for _, m := range metas {
		t.db.keepAccountMeta(m)
		if m.ID == debitID {
			debit = m
		}
		if m.ID == creditID {
			credit = m
		}
	}
	if debit.ID == 0 || credit.ID == 0 {
		return debit, credit, ledger.ErrAccountNotFound
	}
	return debit, credit, nil
}

// ApplyTotals implements ledger.Tx: system accounts keep no stored totals and are never locked.
func (t *Tx) ApplyTotals(ctx context.Context, m ledger.Movement, debit, credit ledger.AccountMeta) (*int64, *int64, error) {
	earned := int64(0)
	if m.Earning {
		earned = m.Amount
	}
	sides := []func() error{}
	if !debit.Derived {
		sides = append(sides, func() error { return t.debitSide(ctx, m, earned) })
	}
	if !credit.Derived {
		sides = append(sides, func() error {
			_, err := t.tx.ExecContext(ctx, `UPDATE accounts SET credits = credits + ?, earned = earned + ? WHERE id = ?`,
				m.Amount, earned, m.CreditAccountID)
			return err
		})
	}
	if len(sides) == 2 && m.CreditAccountID < m.DebitAccountID {
		sides[0], sides[1] = sides[1], sides[0]
	}
	for _, side := range sides {
		if err := side(); err != nil {
			return nil, nil, err
		}
	}
	return t.balancesAfter(ctx, debit, credit)
}

// debitSide takes the amount from the debit account's stored totals. The WHERE clause is the
// guard that keeps available at or above zero under any concurrency: the row lock makes the check
// and the change one step.
func (t *Tx) debitSide(ctx context.Context, m ledger.Movement, earned int64) error {
	var res interface{ RowsAffected() (int64, error) }
	var err error
	switch {
	case m.HoldID != nil:
		res, err = t.tx.ExecContext(ctx, `UPDATE accounts SET debits = debits + ?, held = held - ?, earned = earned - ?
			WHERE id = ? AND held >= ?`, m.Amount, m.Amount, earned, m.DebitAccountID, m.Amount)
	case m.AllowNegative:
		res, err = t.tx.ExecContext(ctx, `UPDATE accounts SET debits = debits + ?, earned = earned - ? WHERE id = ?`,
			m.Amount, earned, m.DebitAccountID)
	default:
		res, err = t.tx.ExecContext(ctx, `UPDATE accounts SET debits = debits + ?, earned = earned - ?
			WHERE id = ? AND credits - debits - held >= ?`, m.Amount, earned, m.DebitAccountID, m.Amount)
	}
	if err != nil {
		return fmt.Errorf("debit account %d: %w", m.DebitAccountID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("debit account %d: %w", m.DebitAccountID, ledger.ErrInsufficientPoints)
	}
	return nil
}

func (t *Tx) balancesAfter(ctx context.Context, debit, credit ledger.AccountMeta) (d, c *int64, err error) {
	if debit.Derived && credit.Derived {
		return nil, nil, nil
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT id, credits - debits FROM accounts WHERE id IN (?, ?) AND derived_totals = 0`,
		debit.ID, credit.ID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, bal int64
		if err := rows.Scan(&id, &bal); err != nil {
			return nil, nil, err
		}
		if id == debit.ID {
			d = &bal
		} else {
			c = &bal
		}
	}
	return d, c, rows.Err()
}

// AppendTransfer implements ledger.Tx.
func (t *Tx) AppendTransfer(ctx context.Context, tr ledger.Transfer) (ledger.Transfer, error) {
	tr.CreatedAt = t.db.now()
	const q = `INSERT INTO transfers (village_id, debit_account_id, credit_account_id, amount, kind, earning, reason,
		ref_type, ref_id, hold_id, reverses_id, debit_balance_after, credit_balance_after, created_by, created_at)
		VALUES (:village_id, :debit_account_id, :credit_account_id, :amount, :kind, :earning, :reason, :ref_type,
		:ref_id, :hold_id, :reverses_id, :debit_balance_after, :credit_balance_after, :created_by, :created_at)`
	res, err := t.tx.NamedExecContext(ctx, q, tr)
	if err != nil {
		if isDuplicate(err) && tr.ReversesID != nil {
			return ledger.Transfer{}, ledger.ErrAlreadyReversed
		}
		if isDuplicate(err) && tr.HoldID != nil {
			return ledger.Transfer{}, ledger.ErrHoldNotPending
		}
		return ledger.Transfer{}, fmt.Errorf("insert transfer: %w", err)
	}
	tr.ID, err = res.LastInsertId()
	return tr, err
}

// ReserveHeld implements ledger.Tx.
func (t *Tx) ReserveHeld(ctx context.Context, accountID, amount int64) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE accounts SET held = held + ? WHERE id = ? AND credits - debits - held >= ?`,
		amount, accountID, amount)
	if err != nil {
		return fmt.Errorf("hold on account %d: %w", accountID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("hold on account %d: %w", accountID, ledger.ErrInsufficientPoints)
	}
	return nil
}

// UnreserveHeld implements ledger.Tx.
func (t *Tx) UnreserveHeld(ctx context.Context, accountID, amount int64) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE accounts SET held = held - ? WHERE id = ? AND held >= ?`, amount, accountID, amount)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// AppendHold implements ledger.Tx.
func (t *Tx) AppendHold(ctx context.Context, h ledger.Hold) (ledger.Hold, error) {
	h.CreatedAt = t.db.now()
	const q = `INSERT INTO holds (village_id, debit_account_id, credit_account_id, amount, kind, reason, ref_type, ref_id,
		status, created_by, created_at) VALUES (:village_id, :debit_account_id, :credit_account_id, :amount, :kind,
		:reason, :ref_type, :ref_id, :status, :created_by, :created_at)`
	r, err := t.tx.NamedExecContext(ctx, q, h)
	if err != nil {
		return ledger.Hold{}, fmt.Errorf("insert hold: %w", err)
	}
	h.ID, err = r.LastInsertId()
	return h, err
}

// EndHold implements ledger.Tx.
func (t *Tx) EndHold(ctx context.Context, h ledger.Hold, status ledger.HoldStatus) (ledger.Hold, error) {
	now := t.db.now()
	res, err := t.tx.ExecContext(ctx, `UPDATE holds SET status = ?, resolved_at = ? WHERE id = ? AND status = 'pending'`,
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

// HoldStatusLocked implements ledger.Tx.
func (t *Tx) HoldStatusLocked(ctx context.Context, id int64) (ledger.HoldStatus, error) {
	var status ledger.HoldStatus
	err := getRow(ctx, t.tx, &status, ledger.ErrHoldNotFound, `SELECT status FROM holds WHERE id = ? FOR UPDATE`, id)
	return status, err
}

// TransferByID implements ledger.Tx.
func (t *Tx) TransferByID(ctx context.Context, id int64) (ledger.Transfer, error) {
	return transferByID(ctx, t.tx, id)
}

func transferByID(ctx context.Context, q sqlx.QueryerContext, id int64) (ledger.Transfer, error) {
	var tr ledger.Transfer
	err := getRow(ctx, q, &tr, ledger.ErrTransferNotFound, `SELECT `+transferColumns+` FROM transfers WHERE id = ?`, id)
	return tr, err
}

// HoldByID implements ledger.Tx.
func (t *Tx) HoldByID(ctx context.Context, id int64) (ledger.Hold, error) {
	var h ledger.Hold
	err := getRow(ctx, t.tx, &h, ledger.ErrHoldNotFound, `SELECT `+holdColumns+` FROM holds WHERE id = ?`, id)
	return h, err
}

var _ ledger.Tx = (*Tx)(nil)
