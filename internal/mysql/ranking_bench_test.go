package mysql_test

import (
	"context"
	"fmt"
	"testing"

	"pointsmarket/internal/app"
	"pointsmarket/internal/assessment"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/mysql"
)

// BenchmarkCountyRanking ranks a county of 300 villages (10 townships, 100 households each) over a
// half-year with five events and three inspection tasks per village and ~80% of households with
// posted points each month (~144,000 entries): the live ranking as the county staff read it,
// beside its four grouped queries alone (Standings). Run with
//
//	go test -run '^$' -bench CountyRanking -benchtime 50x ./internal/mysql/
func BenchmarkCountyRanking(b *testing.B) {
	a := dbtest.New(b, app.Options{})
	ctx := dbtest.SystemCtx()
	if err := a.SeedDemo(ctx); err != nil {
		b.Fatal(err)
	}
	county := countyOfVillages(b, a, 300, 100)
	period := assessment.PeriodOf(a.Now())
	// The live ranking needs the period's scheme: the demo's second half-year's, copied.
	mustExec(b, a, `INSERT INTO assessment_schemes (county_id, period, version, title, items, award_bands, warn_bottom, tie_rule,
		budget_fen, objection_days, adopted_by, adopted_at) SELECT county_id, ?, version + 100, title, items, award_bands, 20, tie_rule,
		budget_fen, objection_days, adopted_by, adopted_at FROM assessment_schemes WHERE period = '2026-H2'`, string(period))
	admin := auth.Principal{PersonID: 1, Grants: []auth.Grant{{Role: auth.RoleCountyAdmin, CountyID: county}}}
	store := mysql.NewAssessmentStore(a.DB)
	months := period.Months(a.Now())
	b.Run("service", func(b *testing.B) {
		for b.Loop() {
			r, err := a.Assessment.Ranking(ctx, admin, county, period)
			if err != nil || len(r.Villages) < 300 {
				b.Fatalf("%d villages, %v", len(r.Villages), err)
			}
		}
	})
	b.Run("standings", func(b *testing.B) {
		for b.Loop() {
			if _, err := store.Standings(ctx, county, 0, period, months); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// countyOfVillages adds villages (in townships of ten) with households, posted points, events
// and tasks to the demo county, in bulk statements, and returns the county's id.
func countyOfVillages(b testing.TB, a *app.App, villages, households int) int64 {
	b.Helper()
	var county, item, account int64
	row := a.DB.QueryRowContext(context.Background(), `SELECT t.county_id, i.id, ac.id FROM townships t
		JOIN villages v ON v.township_id = t.id JOIN rule_items i JOIN rule_books rb ON rb.id = i.rule_book_id AND rb.village_id = v.id
		JOIN accounts ac ON ac.village_id = v.id AND ac.kind = 'household' LIMIT 1`)
	if err := row.Scan(&county, &item, &account); err != nil {
		b.Fatal(err)
	}
	period := assessment.PeriodOf(a.Now())
	months := period.Months(a.Now())
	for t := range villages / 10 {
		mustExec(b, a, `INSERT INTO townships (county_id, county, name, created_at) VALUES (?, '示范县', ?, NOW())`, county, fmt.Sprintf("压测镇%02d", t))
	}
	mustExec(b, a, `INSERT INTO villages (township_id, name, created_at)
		WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
		SELECT t.id, CONCAT('压测村', n.i), NOW() FROM n JOIN townships t ON t.name = CONCAT('压测镇', LPAD(n.i DIV 10, 2, '0'))`, villages)
	mustExec(b, a, `INSERT INTO households (village_id, number, head_name, size, created_at, updated_at)
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		SELECT v.id, CONCAT('H-', n.i), '户主', 1 + n.i % 5, NOW(), NOW() FROM villages v JOIN n WHERE v.name LIKE '压测村%'`, households)
	for _, m := range months {
		mustExec(b, a, `INSERT INTO point_entries (village_id, rule_item_id, household_id, account_id, points, period, reason, evidence,
			source, status, registered_by, registered_at)
			SELECT h.village_id, ?, h.id, ?, 10, ?, '基础分', '', 'manual', 'posted', 1, NOW() FROM households h
			JOIN villages v ON v.id = h.village_id WHERE v.name LIKE '压测村%' AND (h.id * 7 + ?) % 10 < 8`, item, account, m, len(m))
	}
	// What posting each entry would have marked.
	mustExec(b, a, `INSERT IGNORE INTO household_months (village_id, period, household_id)
		SELECT village_id, period, household_id FROM point_entries WHERE status = 'posted' AND household_id IS NOT NULL`)
	mustExec(b, a, `REPLACE INTO village_months (village_id, period, active_households)
		SELECT village_id, period, COUNT(*) FROM household_months GROUP BY village_id, period`)
	day := period.Start().AddDate(0, 0, 20).Format("2006-01-02")
	mustExec(b, a, `INSERT INTO assessment_events (county_id, village_id, period, item, occurred_on, description, evidence, status,
		recorded_by, recorded_at)
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)
		SELECT ?, v.id, ?, ELT(1 + (v.id + n.i) % 6, 'zero_accident', 'zero_petition', 'zero_case', 'zero_building', 'zero_pollution',
			'zero_epidemic'), ?, '事件', '材料', IF((v.id + n.i) % 7 = 0, 'withdrawn', 'recorded'), 1, NOW()
		FROM villages v JOIN n WHERE v.name LIKE '压测村%' AND (v.id + n.i) % 3 > 0`, county, string(period), day)
	mustExec(b, a, `INSERT INTO assessment_tasks (county_id, village_id, period, title, due_on, given_by, given_at, done_on, confirmed_by)
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3)
		SELECT ?, v.id, ?, '排查', ?, 1, NOW(), IF((v.id + n.i) % 4 = 0, NULL, ?), IF((v.id + n.i) % 4 = 0, NULL, 1)
		FROM villages v JOIN n WHERE v.name LIKE '压测村%'`,
		county, string(period), day, day)
	mustExec(b, a, `ANALYZE TABLE village_months, households, assessment_events, assessment_tasks, villages`)
	return county
}
