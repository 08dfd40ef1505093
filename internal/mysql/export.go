package mysql

import (
	"context"
	"fmt"

	"pointsmarket/internal/export"
)

// exports are the queries behind each export: a SELECT of a village's rows in [from, to), in
// order, in the columns of the export package's headers; money in yuan.
var exports = map[string]string{
	"ledger": `
		SELECT t.id, t.created_at, t.kind, ` + accountName("d") + `, t.debit_account_id, ` + accountName("c") + `, t.credit_account_id, t.amount, t.reason
		FROM transfers t JOIN accounts d ON d.id = t.debit_account_id JOIN accounts c ON c.id = t.credit_account_id
		LEFT JOIN households dh ON d.kind = 'household' AND dh.id = d.owner_id LEFT JOIN people dp ON d.kind = 'representative' AND dp.id = d.owner_id
		LEFT JOIN households ch ON c.kind = 'household' AND ch.id = c.owner_id LEFT JOIN people cp ON c.kind = 'representative' AND cp.id = c.owner_id
		WHERE t.village_id = ? AND t.created_at >= ? AND t.created_at < ? ORDER BY t.id`,
	"entries": `
		SELECT e.id, e.period, e.status, COALESCE(h.number, ''), COALESCE(h.head_name, ''), i.name, e.points, e.reason, e.registered_at
		FROM point_entries e JOIN rule_items i ON i.id = e.rule_item_id LEFT JOIN households h ON h.id = e.household_id
		WHERE e.village_id = ? AND e.registered_at >= ? AND e.registered_at < ? ORDER BY e.id`,
	"redemptions": `
		SELECT r.id, r.created_at, s.name, r.kind, ` + accountName("a") + `, r.account_id, r.points, r.price_fen / 100, r.cash_fen / 100, COALESCE(r.reversed_at, ''), r.reversal_reason
		FROM redemptions r JOIN shops s ON s.id = r.shop_id JOIN accounts a ON a.id = r.account_id
		LEFT JOIN households ah ON a.kind = 'household' AND ah.id = a.owner_id LEFT JOIN people ap ON a.kind = 'representative' AND ap.id = a.owner_id
		WHERE r.village_id = ? AND r.created_at >= ? AND r.created_at < ? ORDER BY r.id`,
	"settlements": `
		SELECT st.id, st.period, s.name, st.status, st.total_points, st.total_fen / 100, COALESCE(st.paid_on, ''), st.payment_ref
		FROM settlements st JOIN shops s ON s.id = st.shop_id
		WHERE st.village_id = ? AND st.generated_at >= ? AND st.generated_at < ? ORDER BY st.period, st.id`,
	"audit": `
		SELECT a.id, a.occurred_at, a.actor_id, a.actor_role, a.action, a.object_type, a.object_id, a.ip, a.before_data, a.after_data,
			a.chain_id, a.seq, a.township_id, a.village_id, a.request_id, DATE_FORMAT(a.occurred_at, '%Y-%m-%dT%H:%i:%s.%fZ'),
			LOWER(HEX(a.prev_hash)), LOWER(HEX(a.hash)), COALESCE(p.name, '')
		FROM audit_log a LEFT JOIN people p ON p.id = a.actor_id
		WHERE a.village_id = ? AND a.occurred_at >= ? AND a.occurred_at < ? ORDER BY a.id`,
}

// accountName is an account as a person reads it: a household by its number and head, a
// representative by name, the ledger's own accounts by their kind (which the export labels).
func accountName(a string) string {
	return `CASE ` + a + `.kind WHEN 'household' THEN CONCAT(` + a + `h.number, ' ', ` + a + `h.head_name)
		WHEN 'representative' THEN ` + a + `p.name ELSE ` + a + `.kind END`
}

// ExportStore implements export.Store.
type ExportStore struct{ db *DB }

// NewExportStore returns an ExportStore.
func NewExportStore(db *DB) *ExportStore { return &ExportStore{db: db} }

// Export implements export.Store, streaming the rows from one query.
func (s *ExportStore) Export(ctx context.Context, kind string, f export.Filter, row func([]any) error) error {
	query, ok := exports[kind]
	if !ok {
		return export.ErrUnknownKind
	}
	rows, err := s.db.QueryContext(ctx, query, f.VillageID, f.From, f.To)
	if err != nil {
		return fmt.Errorf("export %s: %w", kind, classify(err))
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	values := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range values {
		ptrs[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out := make([]any, len(values))
		for i, v := range values {
			switch x := v.(type) {
			case []byte:
				out[i] = string(x)
			default:
				out[i] = x
			}
		}
		if err := row(out); err != nil {
			return err
		}
	}
	return rows.Err()
}
