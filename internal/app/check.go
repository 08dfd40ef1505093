package app

import (
	"context"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/ledger"
)

// Verification is what `pointsmarket check` found: the ledger's invariants and the row seals, the
// stock, and the audit log with its checkpoints.
type Verification struct {
	Ledger   ledger.Report
	Goods    int64
	Audit    audit.Report
	Breaches []string
}

// Verify checks the ledger, the stock and the audit log (fully, or from the checkpoint the last
// clean check verified).
func (a *App) Verify(ctx context.Context, mode audit.VerifyMode) (Verification, error) {
	var v Verification
	var err error
	if v.Ledger, err = a.stores.ledger.Verify(ctx); err != nil {
		return v, err
	}
	var stock []string
	if v.Goods, stock, err = a.stores.catalog.VerifyStock(ctx); err != nil {
		return v, err
	}
	if v.Audit, err = a.stores.audit.Verify(ctx, mode); err != nil {
		return v, err
	}
	v.Breaches = append(append(append(v.Breaches, v.Ledger.Breaches...), stock...), v.Audit.Breaches...)
	return v, nil
}

// Reproduces says how today's audit log reproduces a root printed earlier (at its time, when
// given), or "" when it does not.
func (a *App) Reproduces(ctx context.Context, root []byte, at time.Time) (string, error) {
	return a.stores.audit.Reproduces(ctx, root, at)
}
