package mysql

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/ledger"
)

// childTable is a table whose rows belong to a row of parent (through column) and carry that
// row's village themselves (migrations 00077–00095): every table then reaches its county without
// a join, the key a sharded engine places rows by (README, "Past one database server").
type childTable struct{ table, parent, column string }

// childTables are the tables that carry their parent's village. idempotency_keys is not one of
// them: it is only ever read by its own key, which is what it would be sharded by.
var childTables = []childTable{
	{"goods", "shops", "shop_id"},
	{"redemption_items", "redemptions", "redemption_id"},
	{"voucher_items", "vouchers", "voucher_id"},
	{"settlement_lines", "settlements", "settlement_id"},
	{"stock_movements", "goods", "goods_id"},
	{"goods_photos", "goods", "goods_id"},
	{"rule_items", "rule_books", "rule_book_id"},
	{"entry_votes", "point_entries", "entry_id"},
	{"meeting_votes", "review_meetings", "meeting_id"},
	{"household_sizes", "households", "household_id"},
	{"dividend_shares", "dividends", "dividend_id"},
	{"dividend_objections", "dividends", "dividend_id"},
	{"request_handlings", "requests", "request_id"},
	{"courtyard_attendees", "courtyard_meetings", "meeting_id"},
	{"courtyard_problems", "courtyard_meetings", "meeting_id"},
	{"project_progress", "projects", "project_id"},
	{"notifications", "people", "person_id"},
	{"outbox", "notifications", "notification_id"},
}

// checkPlaceKeys: every child row carries its parent's village (a row written without it, or
// moved to another village by hand, would be placed in the wrong county's shard).
func checkPlaceKeys(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	for _, c := range childTables {
		var n int64
		q := fmt.Sprintf(`SELECT COUNT(*) FROM %s x JOIN %s y ON y.id = x.%s WHERE x.village_id <> y.village_id`, c.table, c.parent, c.column)
		if err := tx.GetContext(ctx, &n, q); err != nil {
			return fmt.Errorf("%s: %w", c.table, err)
		}
		if n > 0 {
			breach(r, "%d rows of %s do not carry the village of their %s", n, c.table, c.parent)
		}
	}
	return nil
}
