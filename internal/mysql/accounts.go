package mysql

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/ledger"
)

// openAccount creates an account inside tx if it does not exist yet and returns its id.
func (s *LedgerStore) openAccount(ctx context.Context, tx *sqlx.Tx, villageID int64, kind ledger.AccountKind, ownerID int64) (int64, error) {
	_, err := tx.ExecContext(ctx, `INSERT IGNORE INTO accounts (village_id, kind, owner_id, derived_totals, created_at)
		VALUES (?, ?, ?, ?, ?)`, villageID, kind, ownerID, kind.IsSystem(), s.db.now())
	if err != nil {
		return 0, fmt.Errorf("open %s account: %w", kind, err)
	}
	var id int64
	err = tx.GetContext(ctx, &id, `SELECT id FROM accounts WHERE village_id = ? AND kind = ? AND owner_id = ?`,
		villageID, kind, ownerID)
	return id, err
}

// openSystemAccounts creates a village's system accounts inside tx.
func (s *LedgerStore) openSystemAccounts(ctx context.Context, tx *sqlx.Tx, villageID int64) error {
	for _, k := range ledger.SystemKinds {
		if _, err := s.openAccount(ctx, tx, villageID, k, 0); err != nil {
			return err
		}
	}
	return nil
}

const accountColumns = `id, village_id, kind, owner_id, credits, debits, held, earned, derived_totals, created_at`

// Account implements ledger.Store. A system account's totals are summed from its transfers.
func (s *LedgerStore) Account(ctx context.Context, id int64) (ledger.Account, error) {
	var a ledger.Account
	if err := s.db.get(ctx, &a, ledger.ErrAccountNotFound, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id); err != nil {
		return a, fmt.Errorf("account %d: %w", id, err)
	}
	return s.derive(ctx, a)
}

func (s *LedgerStore) derive(ctx context.Context, a ledger.Account) (ledger.Account, error) {
	if !a.DerivedTotals {
		return a, nil
	}
	err := s.db.QueryRowxContext(ctx, `SELECT
		(SELECT COALESCE(SUM(amount), 0) FROM transfers WHERE credit_account_id = ?),
		(SELECT COALESCE(SUM(amount), 0) FROM transfers WHERE debit_account_id = ?)`, a.ID, a.ID).Scan(&a.Credits, &a.Debits)
	if err != nil {
		return a, fmt.Errorf("derive totals of account %d: %w", a.ID, classify(err))
	}
	return a, nil
}

// AccountOf implements ledger.Store.
func (s *LedgerStore) AccountOf(ctx context.Context, villageID int64, kind ledger.AccountKind, ownerID int64) (ledger.Account, error) {
	var a ledger.Account
	if err := s.db.get(ctx, &a, ledger.ErrAccountNotFound, `SELECT `+accountColumns+` FROM accounts
		WHERE village_id = ? AND kind = ? AND owner_id = ?`, villageID, kind, ownerID); err != nil {
		return a, fmt.Errorf("%s account of %d: %w", kind, ownerID, err)
	}
	return s.derive(ctx, a)
}

// History implements ledger.Store. Each side is read through its own (account, id) index and the
// two newest-first runs are merged, which stays fast however long the account's history.
func (s *LedgerStore) History(ctx context.Context, accountID, beforeID int64, limit int) ([]ledger.HistoryLine, error) {
	if beforeID <= 0 {
		beforeID = 1<<63 - 1
	}
	const q = `SELECT h.id, h.created_at, h.amount, h.kind, h.reason, a.kind AS counterparty, h.balance_after,
			h.ref_type, h.ref_id, h.reverses_id, COALESCE(e.period, '') AS period
		FROM (
			(SELECT id, created_at, amount, kind, reason, debit_account_id AS other, credit_balance_after AS balance_after,
				ref_type, ref_id, reverses_id
			 FROM transfers WHERE credit_account_id = ? AND id < ? ORDER BY id DESC LIMIT ?)
			UNION ALL
			(SELECT id, created_at, -amount, kind, reason, credit_account_id, debit_balance_after,
				ref_type, ref_id, reverses_id
			 FROM transfers WHERE debit_account_id = ? AND id < ? ORDER BY id DESC LIMIT ?)
		) h JOIN accounts a ON a.id = h.other
		LEFT JOIN point_entries e ON h.ref_type = 'entry' AND e.id = h.ref_id
		ORDER BY h.id DESC LIMIT ?`
	out := []ledger.HistoryLine{}
	if err := s.db.list(ctx, &out, q, accountID, beforeID, limit, accountID, beforeID, limit, limit); err != nil {
		return nil, fmt.Errorf("history of account %d: %w", accountID, err)
	}
	return out, nil
}

// SpendingAccounts returns a village's household and representative accounts.
func (s *LedgerStore) SpendingAccounts(ctx context.Context, villageID int64) ([]ledger.Account, error) {
	out := []ledger.Account{}
	err := s.db.list(ctx, &out, `SELECT `+accountColumns+` FROM accounts WHERE village_id = ? AND derived_totals = 0 ORDER BY id`, villageID)
	return out, wrap(err, "accounts of village %d", villageID)
}
