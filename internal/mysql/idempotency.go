package mysql

import (
	"bytes"
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/write"
)

// idemScope keeps one person's keys apart from another's: a key is only meaningful to its sender.
func idemScope(ctx context.Context) string {
	return write.PersonScope(audit.PersonOf(ctx))
}

func keyScope(ctx context.Context, idem write.Key) string {
	if idem.Scope != "" {
		return idem.Scope
	}
	return idemScope(ctx)
}

// claimKey records an idempotency key at the start of a transaction. When the key was already
// used it returns the first result's id and replay=true, or fault.ErrIdempotency when the request
// differs. A concurrent first use of the same key makes this INSERT wait until that transaction
// ends, so exactly one of them does the work.
func claimKey(ctx context.Context, tx *sqlx.Tx, now any, idem write.Key) (resultID int64, replay bool, err error) {
	if idem.Key == "" {
		return 0, false, nil
	}
	scope := keyScope(ctx, idem)
	_, err = tx.ExecContext(ctx, `INSERT INTO idempotency_keys (scope, idem_key, request_hash, created_at) VALUES (?, ?, ?, ?)`,
		scope, idem.Key, idem.Hash, now)
	if err == nil {
		return 0, false, nil
	}
	if !isDuplicate(err) {
		return 0, false, fmt.Errorf("claim idempotency key: %w", err)
	}
	var prev struct {
		Hash     []byte `db:"request_hash"`
		ResultID int64  `db:"result_id"`
	}
	if err := tx.GetContext(ctx, &prev, `SELECT request_hash, result_id FROM idempotency_keys WHERE scope = ? AND idem_key = ?`,
		scope, idem.Key); err != nil {
		return 0, false, fmt.Errorf("read idempotency key: %w", err)
	}
	if !bytes.Equal(prev.Hash, idem.Hash) {
		return 0, false, fault.ErrIdempotency
	}
	return prev.ResultID, true, nil
}

// settleKey records the result of the operation a key guarded.
func settleKey(ctx context.Context, tx *sqlx.Tx, idem write.Key, resultID int64) error {
	if idem.Key == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET result_id = ? WHERE scope = ? AND idem_key = ?`,
		resultID, keyScope(ctx, idem), idem.Key)
	return err
}
