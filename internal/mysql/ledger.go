package mysql

import (
	"context"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
)

// LedgerStore implements ledger.Store: accounts and histories. Points move in a Tx (tx.go).
type LedgerStore struct {
	db *DB
}

// NewLedgerStore returns a LedgerStore.
func NewLedgerStore(db *DB) *LedgerStore { return &LedgerStore{db: db} }

// villagePlace reads a village's place inside tx.
func villagePlace(ctx context.Context, q sqlx.QueryerContext, villageID int64) (auth.Place, error) {
	var p auth.Place
	err := getRow(ctx, q, &p, fault.ErrNotFound, `SELECT township_id, id AS village_id FROM villages WHERE id = ?`, villageID)
	return p, err
}
