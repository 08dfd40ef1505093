package mysql_test

import (
	"context"

	"pointsmarket/internal/app"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/write"
)

// ledgerOps runs the ledger's hold, capture, release and reversal workflows (which the voucher
// and earning workflows compose inside their own transactions) each in a transaction of its own,
// through the one idempotent write, so that their guards are tested on their own.
type ledgerOps struct{ a *app.App }

func ops(a *app.App) ledgerOps { return ledgerOps{a} }

func (o ledgerOps) run(ctx context.Context, k write.Key, load func(ledger.Tx, int64) (any, error),
	work func(ledger.Tx) (any, int64, []audit.Event, error)) (any, error) {
	return write.Run(ctx, o.a.DB.LedgerTx(), k, load, func(tx ledger.Tx) (write.Done[any], error) {
		v, id, events, err := work(tx)
		return write.Done[any]{Value: v, ID: id, Events: events}, err
	})
}

func placeOf(ctx context.Context, tx ledger.Tx, villageID int64) audit.Place {
	p, _ := tx.VillagePlace(ctx, villageID)
	return p
}

func (o ledgerOps) Hold(ctx context.Context, req ledger.HoldRequest, key string) (ledger.Hold, error) {
	v, err := o.run(ctx, write.NewKey(key, "hold", req),
		func(tx ledger.Tx, id int64) (any, error) { return tx.HoldByID(ctx, id) },
		func(tx ledger.Tx) (any, int64, []audit.Event, error) {
			h, err := ledger.PlaceHold(ctx, tx, req)
			return h, h.ID, []audit.Event{ledger.HoldEvent(h, "ledger.hold", placeOf(ctx, tx, h.VillageID))}, err
		})
	h, _ := v.(ledger.Hold)
	return h, err
}

func (o ledgerOps) Capture(ctx context.Context, holdID int64, key string) (ledger.Transfer, error) {
	v, err := o.run(ctx, write.NewKey(key, "capture", holdID),
		func(tx ledger.Tx, id int64) (any, error) { return tx.TransferByID(ctx, id) },
		func(tx ledger.Tx) (any, int64, []audit.Event, error) {
			h, t, err := ledger.Capture(ctx, tx, holdID)
			place := placeOf(ctx, tx, h.VillageID)
			return t, t.ID, []audit.Event{ledger.HoldEvent(h, "ledger.capture", place), ledger.TransferEvent(t, place)}, err
		})
	t, _ := v.(ledger.Transfer)
	return t, err
}

func (o ledgerOps) Release(ctx context.Context, holdID int64, key string) (ledger.Hold, error) {
	v, err := o.run(ctx, write.NewKey(key, "release", holdID),
		func(tx ledger.Tx, id int64) (any, error) { return tx.HoldByID(ctx, id) },
		func(tx ledger.Tx) (any, int64, []audit.Event, error) {
			h, err := ledger.Release(ctx, tx, holdID)
			return h, h.ID, []audit.Event{ledger.HoldEvent(h, "ledger.release", placeOf(ctx, tx, h.VillageID))}, err
		})
	h, _ := v.(ledger.Hold)
	return h, err
}

func (o ledgerOps) Reverse(ctx context.Context, transferID int64, reason, key string) (ledger.Transfer, error) {
	v, err := o.run(ctx, write.NewKey(key, "reverse", []any{transferID, reason}),
		func(tx ledger.Tx, id int64) (any, error) { return tx.TransferByID(ctx, id) },
		func(tx ledger.Tx) (any, int64, []audit.Event, error) {
			orig, err := tx.TransferByID(ctx, transferID)
			if err != nil {
				return nil, 0, nil, err
			}
			m, err := ledger.Reversing(orig, reason, orig.RefType, orig.RefID)
			if err != nil {
				return nil, 0, nil, err
			}
			t, err := ledger.Move(ctx, tx, m)
			return t, t.ID, []audit.Event{ledger.TransferEvent(t, placeOf(ctx, tx, t.VillageID))}, err
		})
	t, _ := v.(ledger.Transfer)
	return t, err
}
