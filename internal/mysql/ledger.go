package mysql

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/ledger"
)

// LedgerStore implements ledger.Store. Its unexported tx-taking functions (move, openAccount ...)
// are what other stores of this package use to move points inside their own transaction.
type LedgerStore struct {
	db *DB
}

// NewLedgerStore returns a LedgerStore.
func NewLedgerStore(db *DB) *LedgerStore { return &LedgerStore{db: db} }

// accountMeta is the part of an account that never changes, read without locking.
type accountMeta struct {
	ID        int64              `db:"id"`
	VillageID int64              `db:"village_id"`
	Kind      ledger.AccountKind `db:"kind"`
	Derived   bool               `db:"derived_totals"`
}

func accountMetas(ctx context.Context, tx *sqlx.Tx, debitID, creditID int64) (debit, credit accountMeta, err error) {
	var metas []accountMeta
	if err := tx.SelectContext(ctx, &metas, `SELECT id, village_id, kind, derived_totals FROM accounts WHERE id IN (?, ?)`,
		debitID, creditID); err != nil {
		return debit, credit, err
	}
	for _, m := range metas {
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
	if debit.VillageID != credit.VillageID {
		return debit, credit, ledger.ErrCrossVillage
	}
	return debit, credit, nil
}

// movement is a transfer about to be written.
type movement struct {
	debitID, creditID int64
	amount            int64
	kind              ledger.TransferKind
	earning           bool
	reason            string
	refType           string
	refID             int64
	holdID            *int64 // set when capturing: the points come out of held
	reversesID        *int64
	allowNegative     bool
}

// move writes a transfer inside tx: conditional updates of the stored totals of household and
// representative accounts (in id order, so two moves never lock in opposite orders), never of
// system accounts, then the transfer row. It returns ledger.ErrInsufficientPoints when the debit
// account cannot cover the amount. The caller audits the returned transfer.
func (s *LedgerStore) move(ctx context.Context, tx *sqlx.Tx, m movement) (ledger.Transfer, error) {
	debit, credit, err := accountMetas(ctx, tx, m.debitID, m.creditID)
	if err != nil {
		return ledger.Transfer{}, err
	}
	earned := int64(0)
	if m.earning {
		earned = m.amount
	}
	sides := []func() error{}
	if !debit.Derived {
		sides = append(sides, func() error { return s.debitSide(ctx, tx, m, earned) })
	}
	if !credit.Derived {
		sides = append(sides, func() error {
			_, err := tx.ExecContext(ctx, `UPDATE accounts SET credits = credits + ?, earned = earned + ? WHERE id = ?`,
				m.amount, earned, m.creditID)
			return err
		})
	}
	if len(sides) == 2 && m.creditID < m.debitID {
		sides[0], sides[1] = sides[1], sides[0]
	}
	for _, side := range sides {
		if err := side(); err != nil {
			return ledger.Transfer{}, err
		}
	}
	t := ledger.Transfer{
		VillageID: debit.VillageID, DebitAccountID: m.debitID, CreditAccountID: m.creditID, Amount: m.amount,
		Kind: m.kind, Earning: m.earning, Reason: strings.TrimSpace(m.reason), RefType: m.refType, RefID: m.refID,
		HoldID: m.holdID, ReversesID: m.reversesID, CreatedAt: s.db.now(),
	}
	t.CreatedBy = actorID(ctx)
	if t.DebitBalanceAfter, t.CreditBalanceAfter, err = balancesAfter(ctx, tx, debit, credit); err != nil {
		return ledger.Transfer{}, err
	}
	const q = `INSERT INTO transfers (village_id, debit_account_id, credit_account_id, amount, kind, earning, reason,
		ref_type, ref_id, hold_id, reverses_id, debit_balance_after, credit_balance_after, created_by, created_at)
		VALUES (:village_id, :debit_account_id, :credit_account_id, :amount, :kind, :earning, :reason, :ref_type,
		:ref_id, :hold_id, :reverses_id, :debit_balance_after, :credit_balance_after, :created_by, :created_at)`
	res, err := tx.NamedExecContext(ctx, q, t)
	if err != nil {
		if isDuplicate(err) && m.reversesID != nil {
			return ledger.Transfer{}, ledger.ErrAlreadyReversed
		}
		if isDuplicate(err) && m.holdID != nil {
			return ledger.Transfer{}, ledger.ErrHoldNotPending
		}
		return ledger.Transfer{}, fmt.Errorf("insert transfer: %w", err)
	}
	t.ID, err = res.LastInsertId()
	return t, err
}

// debitSide takes the amount from the debit account's stored totals. The WHERE clause is the
// guard that keeps available at or above zero under any concurrency: the row lock makes the check
// and the change one step.
func (s *LedgerStore) debitSide(ctx context.Context, tx *sqlx.Tx, m movement, earned int64) error {
	var res interface{ RowsAffected() (int64, error) }
	var err error
	switch {
	case m.holdID != nil:
		res, err = tx.ExecContext(ctx, `UPDATE accounts SET debits = debits + ?, held = held - ?, earned = earned - ?
			WHERE id = ? AND held >= ?`, m.amount, m.amount, earned, m.debitID, m.amount)
	case m.allowNegative:
		res, err = tx.ExecContext(ctx, `UPDATE accounts SET debits = debits + ?, earned = earned - ? WHERE id = ?`,
			m.amount, earned, m.debitID)
	default:
		res, err = tx.ExecContext(ctx, `UPDATE accounts SET debits = debits + ?, earned = earned - ?
			WHERE id = ? AND credits - debits - held >= ?`, m.amount, earned, m.debitID, m.amount)
	}
	if err != nil {
		return fmt.Errorf("debit account %d: %w", m.debitID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("debit account %d: %w", m.debitID, ledger.ErrInsufficientPoints)
	}
	return nil
}

func balancesAfter(ctx context.Context, tx *sqlx.Tx, debit, credit accountMeta) (d, c *int64, err error) {
	if debit.Derived && credit.Derived {
		return nil, nil, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, credits - debits FROM accounts WHERE id IN (?, ?) AND derived_totals = 0`,
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

func actorID(ctx context.Context) int64 {
	a, _ := audit.ActorFrom(ctx)
	return a.PersonID
}

func transferEvent(t ledger.Transfer, place auth.Place) audit.Event {
	return audit.Event{Place: place, Action: "ledger.transfer", ObjectType: "transfer", ObjectID: t.ID, After: t}
}

// villagePlace reads a village's place inside tx.
func villagePlace(ctx context.Context, q sqlx.QueryerContext, villageID int64) (auth.Place, error) {
	var p auth.Place
	err := getRow(ctx, q, &p, fault.ErrNotFound, `SELECT township_id, id AS village_id FROM villages WHERE id = ?`, villageID)
	return p, err
}

// Transfer implements ledger.Store.
func (s *LedgerStore) Transfer(ctx context.Context, req ledger.TransferRequest, idem ledger.Idempotency) (ledger.Transfer, error) {
	var out ledger.Transfer
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		prev, replay, err := claimKey(ctx, tx, s.db.now(), idem)
		if err != nil || replay {
			out, err = s.transferByID(ctx, tx, prev, err)
			return err
		}
		if out, err = s.move(ctx, tx, movement{
			debitID: req.DebitAccountID, creditID: req.CreditAccountID, amount: req.Amount, kind: req.Kind,
			earning: req.Kind.Earning(), reason: req.Reason, refType: req.RefType, refID: req.RefID,
			allowNegative: req.AllowNegative,
		}); err != nil {
			return err
		}
		if err := settleKey(ctx, tx, idem, out.ID); err != nil {
			return err
		}
		place, err := villagePlace(ctx, tx, out.VillageID)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, transferEvent(out, place))
	})
	if err != nil {
		return ledger.Transfer{}, fmt.Errorf("transfer %d→%d: %w", req.DebitAccountID, req.CreditAccountID, err)
	}
	return out, nil
}

func (s *LedgerStore) transferByID(ctx context.Context, q sqlx.QueryerContext, id int64, err error) (ledger.Transfer, error) {
	if err != nil {
		return ledger.Transfer{}, err
	}
	var t ledger.Transfer
	err = getRow(ctx, q, &t, ledger.ErrTransferNotFound, `SELECT `+transferColumns+` FROM transfers WHERE id = ?`, id)
	return t, err
}

// Reverse implements ledger.Store.
func (s *LedgerStore) Reverse(ctx context.Context, transferID int64, reason string, idem ledger.Idempotency) (ledger.Transfer, error) {
	var out ledger.Transfer
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		prev, replay, err := claimKey(ctx, tx, s.db.now(), idem)
		if err != nil || replay {
			out, err = s.transferByID(ctx, tx, prev, err)
			return err
		}
		orig, err := s.transferByID(ctx, tx, transferID, nil)
		if err != nil {
			return err
		}
		if orig.Kind == ledger.Reversal {
			return fault.Invalidf("a reversal is not reversed; record a new transfer instead")
		}
		if out, err = s.move(ctx, tx, movement{
			debitID: orig.CreditAccountID, creditID: orig.DebitAccountID, amount: orig.Amount, kind: ledger.Reversal,
			earning: orig.Earning, reason: reason, refType: orig.RefType, refID: orig.RefID, reversesID: &orig.ID,
		}); err != nil {
			return err
		}
		if err := settleKey(ctx, tx, idem, out.ID); err != nil {
			return err
		}
		place, err := villagePlace(ctx, tx, out.VillageID)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, transferEvent(out, place))
	})
	if err != nil {
		return ledger.Transfer{}, fmt.Errorf("reverse transfer %d: %w", transferID, err)
	}
	return out, nil
}
