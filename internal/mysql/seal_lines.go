package mysql

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/ledger"
)

// sealedLine is a statement's line, as settlement_lines holds it and as the statement's
// settlement.generate audit entry recorded it.
type sealedLine struct {
	SettlementID int64  `json:"-" db:"settlement_id"`
	RedemptionID int64  `json:"redemption_id" db:"redemption_id"`
	Kind         string `json:"kind" db:"kind"`
	GoodsID      int64  `json:"goods_id" db:"goods_id"`
	Quantity     int64  `json:"quantity" db:"quantity"`
	PriceFen     int64  `json:"price_fen" db:"price_fen"`
	AmountFen    int64  `json:"amount_fen" db:"amount_fen"`
}

type lineKey struct {
	redemption, goods int64
	kind              string
}

// statementsPerBatch bounds the statements whose lines are compared at once: the memory of the
// check, whatever the county's size.
const statementsPerBatch = 200

// checkSettlementLines: every line of a statement — quantity, price and amount — is one its
// settlement.generate audit entry recorded, and none was added. The comparison is made here, a
// batch of statements at a time, rather than by expanding each line's entry in SQL: that costs
// every line the whole statement's entry, which at a county's size ran for minutes.
func checkSettlementLines(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, `SELECT id FROM settlements ORDER BY id`); err != nil {
		return err
	}
	for len(ids) > 0 {
		batch := ids[:min(len(ids), statementsPerBatch)]
		ids = ids[len(batch):]
		if err := compareLines(ctx, tx, batch, r); err != nil {
			return err
		}
	}
	return nil
}

func compareLines(ctx context.Context, tx *sqlx.Tx, settlements []int64, r *ledger.Report) error {
	q, args, err := sqlx.In(`SELECT object_id, after_data FROM audit_log
		WHERE object_type = 'settlement' AND action = 'settlement.generate' AND object_id IN (?)`, settlements)
	if err != nil {
		return err
	}
	var entries []struct {
		SettlementID int64  `db:"object_id"`
		After        string `db:"after_data"`
	}
	if err := tx.SelectContext(ctx, &entries, q, args...); err != nil {
		return err
	}
	audited := map[int64]bool{}                    // the statement has a generate entry
	sealed := map[int64]map[lineKey][]sealedLine{} // by statement: the lines its entries recorded
	for _, e := range entries {
		audited[e.SettlementID] = true
		var after struct {
			Lines *[]sealedLine `json:"lines"`
		}
		if err := json.Unmarshal([]byte(e.After), &after); err != nil {
			return fmt.Errorf("settlement %d: audit entry: %w", e.SettlementID, err)
		}
		if after.Lines == nil {
			continue // generated before lines were sealed
		}
		if sealed[e.SettlementID] == nil {
			sealed[e.SettlementID] = map[lineKey][]sealedLine{}
		}
		for _, l := range *after.Lines {
			k := lineKey{l.RedemptionID, l.GoodsID, l.Kind}
			sealed[e.SettlementID][k] = append(sealed[e.SettlementID][k], l)
		}
	}
	q, args, err = sqlx.In(`SELECT settlement_id, redemption_id, kind, goods_id, quantity, price_fen, amount_fen
		FROM settlement_lines WHERE settlement_id IN (?)`, settlements)
	if err != nil {
		return err
	}
	rows, err := tx.QueryxContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var l sealedLine
		if err := rows.StructScan(&l); err != nil {
			return err
		}
		switch recorded, ok := sealed[l.SettlementID]; {
		case !audited[l.SettlementID]:
			breach(r, "settlement %d: line of redemption %d: the statement has no audit entry", l.SettlementID, l.RedemptionID)
		case !ok:
			// an entry from before lines were sealed: nothing to compare with
		case len(recorded[lineKey{l.RedemptionID, l.GoodsID, l.Kind}]) == 0:
			breach(r, "settlement %d: line of redemption %d is not in its audit entry", l.SettlementID, l.RedemptionID)
		case !matchesOne(l, recorded[lineKey{l.RedemptionID, l.GoodsID, l.Kind}]):
			breach(r, "settlement %d: line of redemption %d differs from its audit entry (quantity, price or amount changed)", l.SettlementID, l.RedemptionID)
		}
	}
	return rows.Err()
}

func matchesOne(l sealedLine, recorded []sealedLine) bool {
	for _, s := range recorded {
		if s.Quantity == l.Quantity && s.PriceFen == l.PriceFen && s.AmountFen == l.AmountFen {
			return true
		}
	}
	return false
}
