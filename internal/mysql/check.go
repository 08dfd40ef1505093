package mysql

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/ledger"
)

// Verify implements ledger.Store. All checks read one consistent snapshot (a REPEATABLE READ
// transaction), so transfers committed while it runs cannot look like a mismatch.
func (s *LedgerStore) Verify(ctx context.Context) (ledger.Report, error) {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return ledger.Report{}, classify(err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	var r ledger.Report
	checks := []struct {
		name string
		fn   func(context.Context, *sqlx.Tx, *ledger.Report) error
	}{
		{"stored totals", checkTotals},
		{"sum of balances", checkZeroSum},
		{"transfers", checkTransfers},
		{"holds", checkHolds},
		{"idempotency keys", checkIdempotency},
		{"vouchers and redemptions", checkLinks},
		{"transfers against audit", checkTransfersAudited},
		{"entries against audit", checkEntriesAudited},
		{"redemption items against audit", checkRedemptionItemsAudited},
		{"goods prices against audit", checkGoodsAudited},
		{"household sizes against audit", checkHouseholdsAudited},
		{"role grants against audit", checkGrantsAudited},
		{"settlements against audit", checkSettlementsAudited},
		{"fund movements against audit", checkFundAudited},
		{"exchange standards against audit", checkStandardsAudited},
		{"dividends and their shares", checkDividends},
		{"assessment events and published rankings", checkAssessment},
		{"requests' handlings (the three rates)", checkRequestHandlings},
		{"child rows' villages", checkPlaceKeys},
	}
	for _, c := range checks {
		if err := c.fn(ctx, tx, &r); err != nil {
			return r, fmt.Errorf("check %s: %w", c.name, classify(err))
		}
	}
	return r, nil
}

func breach(r *ledger.Report, format string, args ...any) {
	r.Breaches = append(r.Breaches, fmt.Sprintf(format, args...))
}

// checkTotals: every stored total equals the sum of the account's transfers and pending holds;
// lifetime earned equals its earning transfers; available is not below zero unless a penalty
// took it there; system accounts store nothing.
func checkTotals(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	const q = `SELECT a.id, a.kind, a.derived_totals, a.credits, a.debits, a.held, a.earned,
		COALESCE(c.s, 0) AS sum_credits, COALESCE(d.s, 0) AS sum_debits, COALESCE(h.s, 0) AS sum_held,
		COALESCE(c.e, 0) - COALESCE(d.e, 0) AS sum_earned, COALESCE(d.penalties, 0) AS penalties
	FROM accounts a
	LEFT JOIN (SELECT credit_account_id AS id, SUM(amount) AS s, SUM(CASE WHEN earning THEN amount ELSE 0 END) AS e
		FROM transfers GROUP BY credit_account_id) c ON c.id = a.id
	LEFT JOIN (SELECT debit_account_id AS id, SUM(amount) AS s, SUM(CASE WHEN earning THEN amount ELSE 0 END) AS e,
		SUM(kind = 'penalty') AS penalties FROM transfers GROUP BY debit_account_id) d ON d.id = a.id
	LEFT JOIN (SELECT debit_account_id AS id, SUM(amount) AS s FROM holds WHERE status = 'pending'
		GROUP BY debit_account_id) h ON h.id = a.id
	ORDER BY a.id`
	rows, err := tx.QueryxContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a struct {
			ID                            int64  `db:"id"`
			Kind                          string `db:"kind"`
			Derived                       bool   `db:"derived_totals"`
			Credits, Debits, Held, Earned int64
			SumCredits                    int64 `db:"sum_credits"`
			SumDebits                     int64 `db:"sum_debits"`
			SumHeld                       int64 `db:"sum_held"`
			SumEarned                     int64 `db:"sum_earned"`
			Penalties                     int64 `db:"penalties"`
		}
		if err := rows.StructScan(&a); err != nil {
			return err
		}
		r.Accounts++
		if a.Derived {
			if a.Credits != 0 || a.Debits != 0 || a.Held != 0 || a.Earned != 0 {
				breach(r, "account %d (%s): a system account has stored totals; they must stay derived", a.ID, a.Kind)
			}
			if a.SumHeld != 0 {
				breach(r, "account %d (%s): points are held on a system account", a.ID, a.Kind)
			}
			continue
		}
		if a.Credits != a.SumCredits {
			breach(r, "account %d (%s): stored credits %d, its transfers credit %d", a.ID, a.Kind, a.Credits, a.SumCredits)
		}
		if a.Debits != a.SumDebits {
			breach(r, "account %d (%s): stored debits %d, its transfers debit %d", a.ID, a.Kind, a.Debits, a.SumDebits)
		}
		if a.Held != a.SumHeld {
			breach(r, "account %d (%s): stored held %d, its pending holds sum to %d", a.ID, a.Kind, a.Held, a.SumHeld)
		}
		if a.Earned != a.SumEarned {
			breach(r, "account %d (%s): stored lifetime earned %d, its earning transfers sum to %d", a.ID, a.Kind, a.Earned, a.SumEarned)
		}
		if avail := a.Credits - a.Debits - a.Held; avail < 0 && (a.Held > 0 || a.Penalties == 0) {
			breach(r, "account %d (%s): available is %d, below zero without a penalty", a.ID, a.Kind, avail)
		}
	}
	return rows.Err()
}

// checkZeroSum: the balances of all accounts, stored or derived, add up to zero.
func checkZeroSum(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	var stored, derived int64
	if err := tx.QueryRowxContext(ctx, `SELECT COALESCE(SUM(credits - debits), 0) FROM accounts WHERE derived_totals = 0`).Scan(&stored); err != nil {
		return err
	}
	const q = `SELECT COALESCE(SUM(CASE WHEN t.credit_account_id = a.id THEN t.amount ELSE -t.amount END), 0)
		FROM accounts a JOIN transfers t ON t.credit_account_id = a.id OR t.debit_account_id = a.id
		WHERE a.derived_totals = 1`
	if err := tx.QueryRowxContext(ctx, q).Scan(&derived); err != nil {
		return err
	}
	if stored+derived != 0 {
		breach(r, "the balances of all accounts add up to %d, not 0 (stored %d, system accounts %d)", stored+derived, stored, derived)
	}
	return nil
}

// checkTransfers: each transfer stays in its village, its earning flag follows its kind, and a
// reversal mirrors the transfer it reverses.
func checkTransfers(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	if err := tx.QueryRowxContext(ctx, `SELECT COUNT(*) FROM transfers`).Scan(&r.Transfers); err != nil {
		return err
	}
	const q = `SELECT t.id, CASE
			WHEN t.amount <= 0 THEN 'amount is not positive'
			WHEN d.village_id <> t.village_id OR c.village_id <> t.village_id THEN 'moves points between villages'
			WHEN t.kind IN ('earn', 'penalty') AND t.earning = 0 THEN 'an earning kind not counted as earned'
			WHEN t.kind IN ('redeem', 'expire') AND t.earning = 1 THEN 'spending counted as earned'
			WHEN t.kind = 'reversal' AND o.id IS NULL THEN 'a reversal of nothing'
			WHEN t.kind = 'reversal' AND (o.amount <> t.amount OR o.debit_account_id <> t.credit_account_id
				OR o.credit_account_id <> t.debit_account_id OR o.earning <> t.earning) THEN 'a reversal that does not mirror its original'
			ELSE NULL END AS problem
		FROM transfers t
		JOIN accounts d ON d.id = t.debit_account_id
		JOIN accounts c ON c.id = t.credit_account_id
		LEFT JOIN transfers o ON o.id = t.reverses_id
		HAVING problem IS NOT NULL`
	return eachProblem(ctx, tx, q, func(id int64, problem string) {
		breach(r, "transfer %d: %s", id, problem)
	})
}

// checkHolds: a captured hold has exactly one transfer of the same amount and accounts; a pending
// or released one has none.
func checkHolds(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	if err := tx.QueryRowxContext(ctx, `SELECT COUNT(*) FROM holds`).Scan(&r.Holds); err != nil {
		return err
	}
	const q = `SELECT h.id, CASE
			WHEN h.status = 'captured' AND t.id IS NULL THEN 'captured without a transfer'
			WHEN h.status <> 'captured' AND t.id IS NOT NULL THEN 'has a transfer but is not captured'
			WHEN t.id IS NOT NULL AND (t.amount <> h.amount OR t.debit_account_id <> h.debit_account_id
				OR t.credit_account_id <> h.credit_account_id) THEN 'its transfer differs from the hold'
			WHEN h.status NOT IN ('pending', 'captured', 'released') THEN 'unknown status'
			ELSE NULL END AS problem
		FROM holds h LEFT JOIN transfers t ON t.hold_id = h.id
		HAVING problem IS NOT NULL`
	return eachProblem(ctx, tx, q, func(id int64, problem string) {
		breach(r, "hold %d: %s", id, problem)
	})
}

// checkLinks: every voucher names its hold and every redemption its transfer, and each is the one
// that names it back. Both are filled in after the row in its own transaction (so that the hold
// and the transfer are written once, complete): a committed row without them is a breach.
func checkLinks(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	const vq = `SELECT v.id, CASE WHEN v.hold_id IS NULL THEN 'has no hold'
			WHEN h.ref_type <> 'voucher' OR h.ref_id <> v.id OR h.amount <> v.points THEN 'its hold is for something else'
			ELSE NULL END AS problem
		FROM vouchers v LEFT JOIN holds h ON h.id = v.hold_id HAVING problem IS NOT NULL`
	if err := eachProblem(ctx, tx, vq, func(id int64, problem string) { breach(r, "voucher %d: %s", id, problem) }); err != nil {
		return err
	}
	const rq = `SELECT x.id, CASE WHEN x.transfer_id IS NULL THEN 'has no transfer'
			WHEN t.amount <> x.points OR t.debit_account_id <> x.account_id THEN 'its transfer differs from it'
			WHEN x.kind IN ('member_code', 'card') AND (t.ref_type NOT IN ('redemption', 'member_code') OR t.ref_id <> x.id) THEN 'its transfer is for something else'
			ELSE NULL END AS problem
		FROM redemptions x LEFT JOIN transfers t ON t.id = x.transfer_id HAVING problem IS NOT NULL`
	return eachProblem(ctx, tx, rq, func(id int64, problem string) { breach(r, "redemption %d: %s", id, problem) })
}

// checkIdempotency: every claimed key recorded the result it guarded.
func checkIdempotency(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	var n int64
	if err := tx.QueryRowxContext(ctx, `SELECT COUNT(*) FROM idempotency_keys WHERE result_id = 0`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		breach(r, "%d idempotency keys were committed without the result they guard", n)
	}
	return nil
}

// checkTransfersAudited: every transfer has its audit entry, and the entry records the same
// amount and accounts — a row edited by hand no longer matches what was audited when it was written.
func checkTransfersAudited(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	const q = `SELECT t.id, CASE
			WHEN a.id IS NULL THEN 'has no audit entry'
			ELSE 'differs from its audit entry (amount or accounts changed after it was written)' END AS problem
		FROM transfers t
		LEFT JOIN audit_log a ON a.object_type = 'transfer' AND a.object_id = t.id AND a.action = 'ledger.transfer'
		WHERE a.id IS NULL
			OR CAST(JSON_VALUE(a.after_data, '$.amount') AS SIGNED) <> t.amount
			OR CAST(JSON_VALUE(a.after_data, '$.debit_account_id') AS SIGNED) <> t.debit_account_id
			OR CAST(JSON_VALUE(a.after_data, '$.credit_account_id') AS SIGNED) <> t.credit_account_id`
	return eachProblem(ctx, tx, q, func(id int64, problem string) {
		breach(r, "transfer %d: %s", id, problem)
	})
}

// checkEntriesAudited: an entry's points, item, account and household are what its registration's
// audit entry says — what decides the points it posts cannot be edited by hand unnoticed.
func checkEntriesAudited(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	const q = `SELECT e.id, CASE
			WHEN a.id IS NULL THEN 'has no audit entry'
			ELSE 'differs from its audit entry (points, item, account or household changed after it was registered)' END AS problem
		FROM point_entries e
		LEFT JOIN audit_log a ON a.object_type = 'entry' AND a.object_id = e.id AND a.action = 'entry.register'
		WHERE a.id IS NULL
			OR CAST(JSON_VALUE(a.after_data, '$.points') AS SIGNED) <> e.points
			OR CAST(JSON_VALUE(a.after_data, '$.rule_item_id') AS SIGNED) <> e.rule_item_id
			OR CAST(JSON_VALUE(a.after_data, '$.account_id') AS SIGNED) <> e.account_id
			OR COALESCE(CAST(JSON_VALUE(a.after_data, '$.household_id') AS SIGNED), 0) <> COALESCE(e.household_id, 0)`
	return eachProblem(ctx, tx, q, func(id int64, problem string) {
		breach(r, "entry %d: %s", id, problem)
	})
}

// checkRedemptionItemsAudited: every item of a redemption — quantity, points and the agreed price
// the shop is paid by — is what the redemption's audit entry says, and none was added.
func checkRedemptionItemsAudited(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	const q = `SELECT ri.redemption_id, CONCAT('item of goods ', ri.goods_id, CASE
			WHEN a.id IS NULL THEN ' has no audit entry'
			WHEN j.goods_id IS NULL THEN ' is not in its audit entry'
			ELSE ' differs from its audit entry (quantity, points or agreed price changed)' END) AS problem
		FROM redemption_items ri
		LEFT JOIN audit_log a ON a.object_type = 'redemption' AND a.object_id = ri.redemption_id
			AND a.action IN ('counter.redeem', 'counter.checkout', 'counter.card_checkout')
		LEFT JOIN JSON_TABLE(a.after_data, '$.items[*]' COLUMNS (
			goods_id BIGINT PATH '$.goods_id', quantity BIGINT PATH '$.quantity',
			points_each BIGINT PATH '$.points_each', price_fen BIGINT PATH '$.price_fen')) j ON j.goods_id = ri.goods_id
		WHERE a.id IS NULL OR j.goods_id IS NULL OR j.quantity <> ri.quantity OR j.points_each <> ri.points_each OR j.price_fen <> ri.price_fen`
	return eachProblem(ctx, tx, q, func(id int64, problem string) {
		breach(r, "redemption %d: %s", id, problem)
	})
}

// checkDividends: a dividend's shares add up to its amount and points, each share is what the
// proposal's audit entry computed (household, points, fen), and each share marked paid was paid
// through the service (its dividend.pay entry): a hand-edited share, amount or payment shows.
func checkDividends(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	const sums = `SELECT d.id, CASE
			WHEN s.n IS NULL THEN 'has no shares'
			WHEN a.id IS NULL THEN 'has no audit entry'
			WHEN CAST(JSON_VALUE(a.after_data, '$.amount_fen') AS SIGNED) <> d.amount_fen THEN 'amount differs from its audit entry'
			WHEN s.fen <> d.amount_fen THEN CONCAT('shares add up to ', s.fen, ' fen, not ', d.amount_fen)
			ELSE CONCAT('shares hold ', s.pts, ' points, not ', d.total_points) END AS problem
		FROM dividends d
		LEFT JOIN (SELECT dividend_id, COUNT(*) AS n, SUM(amount_fen) AS fen, SUM(points) AS pts FROM dividend_shares GROUP BY dividend_id) s
			ON s.dividend_id = d.id
		LEFT JOIN audit_log a ON a.object_type = 'dividend' AND a.object_id = d.id AND a.action = 'dividend.propose'
		WHERE s.n IS NULL OR a.id IS NULL OR s.fen <> d.amount_fen OR s.pts <> d.total_points
			OR CAST(JSON_VALUE(a.after_data, '$.amount_fen') AS SIGNED) <> d.amount_fen`
	if err := eachProblem(ctx, tx, sums, func(id int64, problem string) { breach(r, "dividend %d: %s", id, problem) }); err != nil {
		return err
	}
	const shares = `SELECT sh.dividend_id, CONCAT('share of household ', sh.household_id, CASE
			WHEN a.id IS NULL THEN ' has no audit entry'
			WHEN j.household_id IS NULL THEN ' is not in its audit entry'
			WHEN j.points <> sh.points OR j.amount_fen <> sh.amount_fen THEN ' differs from its audit entry (points or amount changed)'
			ELSE ' is marked paid without a payment in the audit log' END) AS problem
		FROM dividend_shares sh
		LEFT JOIN audit_log a ON a.object_type = 'dividend' AND a.object_id = sh.dividend_id AND a.action = 'dividend.propose'
		LEFT JOIN JSON_TABLE(a.after_data, '$.shares[*]' COLUMNS (
			household_id BIGINT PATH '$.household_id', points BIGINT PATH '$.points', amount_fen BIGINT PATH '$.amount_fen')) j
			ON j.household_id = sh.household_id
		WHERE a.id IS NULL OR j.household_id IS NULL OR j.points <> sh.points OR j.amount_fen <> sh.amount_fen
			OR (sh.paid_on IS NOT NULL AND NOT EXISTS (SELECT 1 FROM audit_log p WHERE p.object_type = 'dividend'
				AND p.object_id = sh.dividend_id AND p.action = 'dividend.pay'
				AND CAST(JSON_VALUE(p.after_data, '$.household_id') AS SIGNED) = sh.household_id))`
	if err := eachProblem(ctx, tx, shares, func(id int64, problem string) { breach(r, "dividend %d: %s", id, problem) }); err != nil {
		return err
	}
	// An objection is as its dividend.object entry wrote it and, once answered, as its
	// dividend.answer entry decided; a withdrawn dividend was withdrawn by an upheld answer.
	objections := `SELECT o.dividend_id, CONCAT('objection ', o.id, CASE
			WHEN a.id IS NULL THEN ' has no audit entry'
			WHEN o.answered_at IS NOT NULL AND b.id IS NULL THEN ' is answered without an answer in the audit log'
			ELSE ' differs from its audit entry (household, reason or answer changed)' END) AS problem
		FROM dividend_objections o
		LEFT JOIN audit_log a ON a.object_type = 'dividend' AND a.object_id = o.dividend_id AND a.action = 'dividend.object'
			AND CAST(JSON_VALUE(a.after_data, '$.id') AS SIGNED) = o.id
		LEFT JOIN audit_log b ON b.object_type = 'dividend' AND b.object_id = o.dividend_id AND b.action = 'dividend.answer'
			AND CAST(JSON_VALUE(b.after_data, '$.id') AS SIGNED) = o.id
		WHERE a.id IS NULL OR CAST(JSON_VALUE(a.after_data, '$.household_id') AS SIGNED) <> o.household_id
			OR JSON_VALUE(a.after_data, '$.reason') <> o.reason
			OR (o.answered_at IS NOT NULL AND (b.id IS NULL OR JSON_VALUE(b.after_data, '$.answer') <> o.answer
				OR NOT (` + jsonBool("b.after_data", "$.upheld") + ` <=> o.upheld)))
			OR (o.answered_at IS NULL AND b.id IS NOT NULL)
		UNION ALL
		SELECT d.id, 'is withdrawn without an upheld objection in the audit log' FROM dividends d
		WHERE d.status = 'withdrawn' AND NOT EXISTS (SELECT 1 FROM audit_log w WHERE w.object_type = 'dividend'
			AND w.object_id = d.id AND w.action = 'dividend.withdraw')`
	return eachProblem(ctx, tx, objections, func(id int64, problem string) { breach(r, "dividend %d: %s", id, problem) })
}

// jsonBool reads a JSON boolean (or null) at path of col as 1, 0 or NULL: MariaDB's JSON_VALUE
// answers a boolean as 1 or 0, MySQL's as true or false.
func jsonBool(col, path string) string {
	v := "JSON_VALUE(" + col + ", '" + path + "')"
	return "(CASE WHEN " + v + " IN ('true', '1') THEN 1 WHEN " + v + " IN ('false', '0') THEN 0 END)"
}

// checkRequestHandlings: each ended handling of a request — what the three rates are counted
// from — is as its last audit entry left it (outcome, in time, resolved, rating): a late answer
// marked in time or a rating raised by hand shows.
func checkRequestHandlings(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	q := `SELECT x.request_id, CONCAT('handling ', x.id, CASE WHEN a.id IS NULL THEN ' ended without an audit entry'
			ELSE ' differs from its last audit entry (outcome, in time, resolved or rating changed)' END) AS problem
		FROM request_handlings x
		LEFT JOIN audit_log a ON a.id = (SELECT MAX(b.id) FROM audit_log b WHERE b.object_type = 'request' AND b.object_id = x.request_id
			AND CAST(JSON_VALUE(b.after_data, '$.handling.id') AS SIGNED) = x.id)
		WHERE x.closed_at IS NOT NULL AND (a.id IS NULL
			OR NOT (JSON_VALUE(a.after_data, '$.handling.outcome') <=> x.outcome)
			OR NOT (` + jsonBool("a.after_data", "$.handling.in_time") + ` <=> x.in_time)
			OR NOT (` + jsonBool("a.after_data", "$.handling.resolved") + ` <=> x.resolved)
			OR NOT (NULLIF(JSON_VALUE(a.after_data, '$.handling.rating'), 'null') <=> x.rating))`
	return eachProblem(ctx, tx, q, func(id int64, problem string) { breach(r, "request %d: %s", id, problem) })
}

// checkAssessment: each assessment event is as its last audit entry left it (status, item,
// village, date), and each published ranking row is what the publication's audit entry ranked
// (score, rank, band, award, flag), and the villages' months of activity are their posted
// households: a hand-withdrawn event, a hand-raised rank or a padded activity count shows.
func checkAssessment(ctx context.Context, tx *sqlx.Tx, r *ledger.Report) error {
	const events = `SELECT e.id, CASE WHEN a.id IS NULL THEN 'has no audit entry'
			ELSE 'differs from its last audit entry (status, item, village or date changed)' END AS problem
		FROM assessment_events e
		LEFT JOIN audit_log a ON a.id = (SELECT MAX(l.id) FROM audit_log l WHERE l.object_type = 'assessment_event' AND l.object_id = e.id)
		WHERE a.id IS NULL OR JSON_VALUE(a.after_data, '$.status') <> e.status OR JSON_VALUE(a.after_data, '$.item') <> e.item
			OR CAST(JSON_VALUE(a.after_data, '$.village_id') AS SIGNED) <> e.village_id
			OR LEFT(JSON_VALUE(a.after_data, '$.occurred_on'), 10) <> DATE_FORMAT(e.occurred_on, '%Y-%m-%d')`
	if err := eachProblem(ctx, tx, events, func(id int64, problem string) { breach(r, "assessment event %d: %s", id, problem) }); err != nil {
		return err
	}
	const rows = `SELECT k.village_id, CONCAT('ranking of ', k.period, CASE WHEN a.id IS NULL THEN ' has no audit entry'
			WHEN j.village_id IS NULL THEN ' holds it without its audit entry'
			ELSE ' differs from its audit entry (score, rank, band, award or flag changed)' END) AS problem
		FROM village_rankings k
		LEFT JOIN audit_log a ON a.id = (SELECT MIN(l.id) FROM audit_log l WHERE l.object_type = 'county' AND l.object_id = k.county_id
			AND l.action = 'assessment.ranking_publish' AND JSON_VALUE(l.after_data, '$.period') = k.period)
		LEFT JOIN JSON_TABLE(a.after_data, '$.villages[*]' COLUMNS (village_id BIGINT PATH '$.village_id',
			score DECIMAL(20,2) PATH '$.score', ` + "`rank`" + ` INT PATH '$.rank', band VARCHAR(8) PATH '$.band',
			award_fen BIGINT PATH '$.award_fen', flagged VARCHAR(5) PATH '$.flagged')) j ON j.village_id = k.village_id
		WHERE a.id IS NULL OR j.village_id IS NULL OR ROUND(j.score * 100) <> k.score_centi OR j.` + "`rank`" + ` <> k.` + "`rank`" + `
			OR j.band <> k.band OR j.award_fen <> k.award_fen OR (j.flagged = 'true') <> k.flagged`
	if err := eachProblem(ctx, tx, rows, func(id int64, problem string) { breach(r, "village %d: %s", id, problem) }); err != nil {
		return err
	}
	// The activity the ranking reads: each village's month counts its marked households, and each
	// mark is a household with points posted that month.
	const months = `SELECT m.village_id, CONCAT('month ', m.period, ' counts ', m.active_households,
			' active households, not ', COALESCE(h.n, 0)) AS problem
		FROM village_months m LEFT JOIN (SELECT village_id, period, COUNT(*) AS n FROM household_months GROUP BY village_id, period) h
			ON h.village_id = m.village_id AND h.period = m.period
		WHERE m.active_households <> COALESCE(h.n, 0)
		UNION ALL SELECT hm.village_id, CONCAT('household ', hm.household_id, ' is marked active in ', hm.period,
			' without points posted then') FROM household_months hm
		WHERE NOT EXISTS (SELECT 1 FROM point_entries e WHERE e.village_id = hm.village_id AND e.status = 'posted'
			AND e.period = hm.period AND e.household_id = hm.household_id)`
	if err := eachProblem(ctx, tx, months, func(id int64, problem string) { breach(r, "village %d: %s", id, problem) }); err != nil {
		return err
	}
	// A project's totals are its progress records', and its award is the published ranking's.
	const projects = `SELECT p.id, CASE WHEN p.award_period IS NOT NULL AND (k.award_fen IS NULL OR k.award_fen <> p.award_fen)
			THEN 'award differs from the published ranking' ELSE 'totals differ from its progress records' END
		FROM projects p JOIN villages v ON v.id = p.village_id JOIN townships t ON t.id = v.township_id
		LEFT JOIN village_rankings k ON k.county_id = t.county_id AND k.period = p.award_period AND k.village_id = p.village_id
		LEFT JOIN (SELECT project_id, SUM(spent_fen) AS spent, SUM(labour_days) AS labour, SUM(money_fen) AS money
			FROM project_progress GROUP BY project_id) g ON g.project_id = p.id
		WHERE (p.award_period IS NOT NULL AND (k.award_fen IS NULL OR k.award_fen <> p.award_fen))
			OR p.spent_fen <> COALESCE(g.spent, 0) OR p.labour_days <> COALESCE(g.labour, 0) OR p.money_fen <> COALESCE(g.money, 0)`
	return eachProblem(ctx, tx, projects, func(id int64, problem string) { breach(r, "project %d: %s", id, problem) })
}

func eachProblem(ctx context.Context, tx *sqlx.Tx, q string, fn func(id int64, problem string)) error {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var problem string
		if err := rows.Scan(&id, &problem); err != nil {
			return err
		}
		fn(id, problem)
	}
	return rows.Err()
}
