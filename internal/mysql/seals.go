package mysql

import (
	"context"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/ledger"
)

// Rows that decide points or money are sealed by the audit entry written in their transaction:
// each check compares what a row says now with what its newest audit entry said, so that a hand
// edit in MySQL is named by `pointsmarket check` (a rewrite of the audit entry as well breaks its
// chain, and a rewrite of the chain no longer matches the sealed checkpoints).

// checkGoodsAudited: a goods item's points and agreed price are those of its newest audit entry.
func checkGoodsAudited(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	const q = `SELECT g.id, CASE WHEN a.id IS NULL THEN 'has no audit entry'
			ELSE 'differs from its audit entry (points or agreed price changed by hand)' END AS problem
		FROM goods g
		LEFT JOIN audit_log a ON a.id = (SELECT MAX(x.id) FROM audit_log x WHERE x.object_type = 'goods' AND x.object_id = g.id
			AND JSON_VALUE(x.after_data, '$.price_fen') IS NOT NULL)
		WHERE a.id IS NULL OR CAST(JSON_VALUE(a.after_data, '$.price_fen') AS SIGNED) <> g.price_fen
			OR CAST(JSON_VALUE(a.after_data, '$.points') AS SIGNED) <> g.points`
	return eachProblem(ctx, tx, q, func(id int64, problem string) { breach(r, "goods %d: %s", id, problem) })
}

// checkHouseholdsAudited: a household's size is that of its newest audit entry, and the newest
// size on the notice is the same.
func checkHouseholdsAudited(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	const q = `SELECT h.id, CASE WHEN a.id IS NULL THEN 'has no audit entry'
			WHEN CAST(JSON_VALUE(a.after_data, '$.size') AS SIGNED) <> h.size THEN 'size differs from its audit entry (changed by hand)'
			ELSE 'size differs from the size on the notice' END AS problem
		FROM households h
		LEFT JOIN audit_log a ON a.id = (SELECT MAX(x.id) FROM audit_log x WHERE x.object_type = 'household' AND x.object_id = h.id
			AND JSON_VALUE(x.after_data, '$.size') IS NOT NULL)
		LEFT JOIN household_sizes z ON z.id = (SELECT MAX(y.id) FROM household_sizes y WHERE y.household_id = h.id)
		WHERE a.id IS NULL OR CAST(JSON_VALUE(a.after_data, '$.size') AS SIGNED) <> h.size OR z.id IS NULL OR z.size <> h.size`
	return eachProblem(ctx, tx, q, func(id int64, problem string) { breach(r, "household %d: %s", id, problem) })
}

// checkGrantsAudited: every role held was granted by an audited act (a role inserted by hand
// — a clerk made supervisor in SQL — has none).
func checkGrantsAudited(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	const q = `SELECT g.person_id, CONCAT('role ', g.role, ' in village ', g.village_id, ' was never granted by an audited act') AS problem
		FROM role_grants g
		WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.object_type = 'person' AND a.object_id = g.person_id AND a.action = 'role.grant'
			AND JSON_VALUE(a.after_data, '$.role') = g.role
			AND CAST(JSON_VALUE(a.after_data, '$.township_id') AS SIGNED) = g.township_id
			AND COALESCE(CAST(JSON_VALUE(a.after_data, '$.village_id') AS SIGNED), 0) = g.village_id
			AND COALESCE(CAST(JSON_VALUE(a.after_data, '$.shop_id') AS SIGNED), 0) = g.shop_id)`
	return eachProblem(ctx, tx, q, func(id int64, problem string) { breach(r, "person %d: %s", id, problem) })
}

// checkSettlementsAudited: a statement's lines and total are those it was generated with, and
// what was paid is what its payment's audit entry says.
func checkSettlementsAudited(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	if err := checkSettlementLines(ctx, tx, r); err != nil {
		return err
	}
	const totals = `SELECT s.id, CASE WHEN g.id IS NULL THEN 'has no audit entry'
			WHEN CAST(JSON_VALUE(g.after_data, '$.total_fen') AS SIGNED) <> s.total_fen THEN 'total differs from its audit entry'
			ELSE 'amount paid differs from its payment''s audit entry' END AS problem
		FROM settlements s
		LEFT JOIN audit_log g ON g.object_type = 'settlement' AND g.object_id = s.id AND g.action = 'settlement.generate'
		LEFT JOIN audit_log p ON p.object_type = 'settlement' AND p.object_id = s.id AND p.action = 'settlement.paid'
		WHERE g.id IS NULL OR CAST(JSON_VALUE(g.after_data, '$.total_fen') AS SIGNED) <> s.total_fen
			OR (s.paid_fen IS NOT NULL AND (p.id IS NULL OR CAST(JSON_VALUE(p.after_data, '$.paid_fen') AS SIGNED) <> s.paid_fen))`
	return eachProblem(ctx, tx, totals, func(id int64, problem string) { breach(r, "settlement %d: %s", id, problem) })
}

// checkFundAudited: every movement of a village's fund is its deposit's audit entry.
func checkFundAudited(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	const q = `SELECT f.id, CASE WHEN a.id IS NULL THEN 'has no audit entry' ELSE 'amount differs from its audit entry' END AS problem
		FROM village_fund f
		LEFT JOIN audit_log a ON a.object_type = 'village_fund' AND a.object_id = f.id AND a.action = 'fund.deposit'
		WHERE a.id IS NULL OR CAST(JSON_VALUE(a.after_data, '$.amount_fen') AS SIGNED) <> f.amount_fen`
	return eachProblem(ctx, tx, q, func(id int64, problem string) { breach(r, "fund movement %d: %s", id, problem) })
}

// checkStandardsAudited: an exchange standard's rate, tolerance and status are those of its newest
// audit entry (a standard approved by hand, or a rate changed in SQL, is named).
func checkStandardsAudited(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	const q = `SELECT st.id, CASE WHEN a.id IS NULL THEN 'has no audit entry'
			ELSE 'differs from its audit entry (rate, tolerance or status changed by hand)' END AS problem
		FROM exchange_standards st
		LEFT JOIN audit_log a ON a.id = (SELECT MAX(x.id) FROM audit_log x WHERE x.object_type = 'standard' AND x.object_id = st.id)
		WHERE a.id IS NULL OR CAST(JSON_VALUE(a.after_data, '$.fen_per_point') AS SIGNED) <> st.fen_per_point
			OR CAST(JSON_VALUE(a.after_data, '$.tolerance_pct') AS SIGNED) <> st.tolerance_pct
			OR JSON_VALUE(a.after_data, '$.status') <> st.status`
	return eachProblem(ctx, tx, q, func(id int64, problem string) { breach(r, "exchange standard %d: %s", id, problem) })
}
