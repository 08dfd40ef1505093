package httpapi_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/demo"
)

// A county's read paths, as its users meet them: each is one GET, by whom, and whether it reads
// one village (whose cost must not grow with the county).

type readPath struct {
	name, reader, path string
}

// countyPlaces are the places and readers of a generated county the read paths are asked of: the
// first generated village, its township, the county.
type countyPlaces struct {
	village, township, county, shop, account, issuance, page50 int64
}

const (
	genVillager = "13810000010" // the head of the first generated village's first household
	genClerk    = "13810000001"
	genKeeper   = "13810000002"
	genWatcher  = "13810000003" // a supervisor of that village
	countyAdmin = "13800000500"
)

func countyReadPaths(p countyPlaces, now time.Time) []readPath {
	year := now.AddDate(-1, 0, 0).Format(time.DateOnly) // a village's last twelve months
	out := []readPath{
		{"history_first_page", genVillager, fmt.Sprintf("/api/v1/accounts/%d/history?limit=20", p.account)},
		{"history_page_50", genClerk, fmt.Sprintf("/api/v1/accounts/%d/history?limit=20&before_id=%d", p.issuance, p.page50)},
		{"me", genVillager, "/api/v1/me"},
		{"shop_goods", genVillager, fmt.Sprintf("/api/v1/shops/%d/goods", p.shop)},
		{"public_board", "", fmt.Sprintf("/api/v1/public/villages/%d/board", p.village)},
		{"notice", genClerk, fmt.Sprintf("/api/v1/villages/%d/notice", p.village)},
		{"supervision_feed", genWatcher, fmt.Sprintf("/api/v1/villages/%d/feed", p.village)},
		{"audit_filtered", genWatcher, fmt.Sprintf("/api/v1/audit?village_id=%d&object_type=redemption&limit=50", p.village)},
		{"village_redemptions", genClerk, fmt.Sprintf("/api/v1/villages/%d/redemptions", p.village)},
		{"counter_today", genKeeper, "/api/v1/counter/today"},
		{"township_dashboard", countyAdmin, fmt.Sprintf("/api/v1/townships/%d/dashboard", p.township)},
		{"county_ranking", countyAdmin, fmt.Sprintf("/api/v1/counties/%d/ranking?period=2026-H2", p.county)},
	}
	for _, kind := range []string{"ledger", "entries", "redemptions", "settlements", "audit"} {
		reader := genClerk
		if kind == "audit" {
			reader = genWatcher // the audit log is the supervisors'
		}
		out = append(out, readPath{"export_" + kind, reader, fmt.Sprintf("/api/v1/villages/%d/exports/%s?format=csv&from=%s", p.village, kind, year)})
	}
	return out
}

// countyEnv is a service on a generated county: the database of PM_BENCH_COUNTY_DSN (made by
// `pointsmarket seed --county`, kept), or else a small county generated for the run.
type countyEnv struct {
	a      *app.App
	srv    *httptest.Server
	trace  *dbtest.Trace
	places countyPlaces
	tokens map[string]string
}

func newCountyEnv(t testing.TB, small demo.CountySize) *countyEnv {
	trace := dbtest.NewTrace()
	opt := app.Options{SQLDriver: trace.Driver()}
	var a *app.App
	if dsn := os.Getenv("PM_BENCH_COUNTY_DSN"); dsn != "" {
		cfg := dbtest.Config(t)
		cfg.MySQLDSN = dsn
		cfg.AuditKey = cmp.Or(os.Getenv("PM_AUDIT_KEY"), app.DevelopmentAuditKey) // the key it was generated with
		a = dbtest.NewWith(t, cfg, opt)
	} else {
		clock := &demo.SimClock{}
		opt.Clock = clock.Now
		a = dbtest.New(t, opt)
		if err := a.SeedCounty(dbtest.SystemCtx(), clock, small, false); err != nil {
			t.Fatal(err)
		}
	}
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	e := &countyEnv{a: a, srv: httptest.NewServer(h), trace: trace, tokens: map[string]string{}}
	t.Cleanup(e.srv.Close)
	id := func(q string, args ...any) int64 {
		var id int64
		if err := a.DB.QueryRow(q, args...).Scan(&id); err != nil {
			t.Fatalf("%s %v: %v", q, args, err)
		}
		return id
	}
	p := &e.places
	p.village = id(`SELECT village_id FROM households WHERE number = 'V000-001'`)
	p.township = id(`SELECT township_id FROM villages WHERE id = ?`, p.village)
	p.county = id(`SELECT county_id FROM townships WHERE id = ?`, p.township)
	p.shop = id(`SELECT id FROM shops WHERE village_id = ? ORDER BY id LIMIT 1`, p.village)
	p.account = id(`SELECT ac.id FROM accounts ac JOIN people pe ON pe.household_id = ac.owner_id AND ac.kind = 'household' WHERE pe.phone = ?`, genVillager)
	p.issuance = id(`SELECT id FROM accounts WHERE village_id = ? AND kind = 'issuance'`, p.village)
	for i, who := range []string{genVillager, genClerk, genKeeper, genWatcher, countyAdmin} {
		l, err := a.Auth.Login(t.Context(), who, demo.Password, fmt.Sprintf("10.9.0.%d", i+1))
		if err != nil {
			t.Fatalf("login %s: %v", who, err)
		}
		e.tokens[who] = l.Token
	}
	// The 50th page of the village's issuance account, twenty lines a page: where the 49th ends.
	before := int64(0)
	for range 49 {
		var page struct {
			Next *int64 `json:"next_before_id"`
		}
		e.getJSON(t, readPath{"history", genClerk, fmt.Sprintf("/api/v1/accounts/%d/history?limit=20&before_id=%d", p.issuance, before)}, &page)
		if page.Next == nil {
			break
		}
		before = *page.Next
	}
	p.page50 = before
	return e
}

// get asks for a read path and reads the whole answer, which must be a 200.
func (e *countyEnv) get(t testing.TB, rp readPath) { e.getJSON(t, rp, nil) }

// getJSON is get, decoding the answer into out unless it is nil.
func (e *countyEnv) getJSON(t testing.TB, rp readPath, out any) {
	req, _ := http.NewRequest("GET", e.srv.URL+rp.path, nil)
	if tok := e.tokens[rp.reader]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", rp.name, resp.StatusCode, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatal(err)
		}
	}
}

// runRaw runs the statements a read path ran, straight on the database, reading every row.
func (e *countyEnv) runRaw(t testing.TB, stmts []dbtest.Statement) {
	for _, s := range stmts {
		rows, err := e.a.DB.Query(s.SQL, s.Args...)
		if err != nil {
			t.Fatalf("%s: %v", s.SQL, err)
		}
		for rows.Next() {
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// smallTables are tables that do not grow with a county's households, villages' history or
// time — a scan of one costs the same in any county.
var smallTables = []string{"counties", "townships", "goose_db_version", "assessment_schemes", "departments",
	"county_grants", "request_categories"}

// TestCountyReadsUseIndexes runs EXPLAIN on every SELECT behind the county's read paths, on a
// generated county, and fails on a full scan of a table that grows with the county: a read of one
// village, or of one county, must reach its rows through an index.
func TestCountyReadsUseIndexes(t *testing.T) {
	t.Parallel()
	e := newCountyEnv(t, demo.CountySize{Villages: 4, Households: 12, Months: 2, Workers: 4})
	if os.Getenv("PM_BENCH_COUNTY_DSN") == "" {
		dbtest.MustVerify(t, e.a) // the generated county is as the service writes: check passes on it
		var noticed, posted, statements int
		if err := e.a.DB.QueryRow(`SELECT SUM(status = 'noticed'), SUM(status = 'posted'),
			(SELECT COUNT(*) FROM settlements WHERE status = 'countersigned') FROM point_entries`).Scan(&noticed, &posted, &statements); err != nil {
			t.Fatal(err)
		}
		if noticed != 4*12 || posted < 4*12 || statements < 4 {
			t.Errorf("generated: %d entries on the notice, %d posted, %d statements countersigned", noticed, posted, statements)
		}
	}
	checked := 0
	for _, rp := range countyReadPaths(e.places, e.a.Now()) {
		stmts := e.trace.Record(func() { e.get(t, rp) })
		if len(stmts) == 0 && !strings.HasPrefix(rp.name, "public_board") {
			t.Errorf("%s ran no query: the trace missed it", rp.name)
		}
		for _, s := range stmts {
			checked++
			for _, scan := range fullScans(t, e, s) {
				t.Errorf("%s: full scan of %s in\n  %s", rp.name, scan, oneLine(s.SQL))
			}
		}
	}
	t.Logf("%d statements explained", checked)
}

// fullScans are the growing tables an EXPLAIN of s reads whole.
func fullScans(t testing.TB, e *countyEnv, s dbtest.Statement) []string {
	rows, err := e.a.DB.Queryx("EXPLAIN "+s.SQL, s.Args...)
	if err != nil {
		t.Fatalf("EXPLAIN %s: %v", s.SQL, err)
	}
	defer rows.Close()
	aliases := map[string]string{}
	for _, m := range tableRef.FindAllStringSubmatch(s.SQL, -1) {
		if m[2] != "" && !slices.Contains(sqlWords, strings.ToUpper(m[2])) {
			aliases[m[2]] = m[1]
		}
	}
	var out []string
	for rows.Next() {
		row := map[string]any{}
		if err := rows.MapScan(row); err != nil {
			t.Fatal(err)
		}
		table, access := text(row["table"]), text(row["type"])
		if t, ok := aliases[table]; ok {
			table = t
		}
		if (access == "ALL" || access == "index") && !strings.HasPrefix(table, "<") && !slices.Contains(smallTables, table) && !excused(row, s.SQL) {
			out = append(out, fmt.Sprintf("%s (%s, %s rows, possible keys %s, %s)", table, access, text(row["rows"]), text(row["possible_keys"]), text(row["Extra"])))
		}
	}
	return out
}

// excused says whether a whole-table plan of EXPLAIN is not a scan that grows with the county:
// the newest rows read backwards along an index until a LIMIT is met (no condition to filter by),
// or the optimizer's choice for a table still too small to tell (fewer than scanFloor rows: a generated county of a few villages, as in CI, has thousands of audit entries) when
// an index could serve — on a county's data (make bench-county) the same query takes the index.
// A table no index could serve is never excused.
func excused(row map[string]any, query string) bool {
	extra, keys := text(row["Extra"]), text(row["possible_keys"])
	if text(row["type"]) == "index" && !strings.Contains(extra, "Using where") && strings.Contains(strings.ToUpper(query), "LIMIT") {
		return true
	}
	var rows int64
	fmt.Sscan(text(row["rows"]), &rows)
	return keys != "<nil>" && keys != "" && rows < scanFloor
}

const scanFloor = 10_000

// tableRef is a table named after FROM or JOIN, with its alias if it has one.
var tableRef = regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+([a-z_0-9]+)(?:\s+(?:AS\s+)?([a-z_0-9]+))?`)

var sqlWords = []string{"WHERE", "ON", "JOIN", "LEFT", "RIGHT", "INNER", "STRAIGHT_JOIN", "GROUP", "ORDER", "LIMIT", "USING", "FORCE", "USE", "IGNORE", "UNION", "FOR", "AND", "OR", "WINDOW"}

func text(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}

func oneLine(q string) string { return strings.Join(strings.Fields(q), " ") }

// BenchmarkCountyReads measures every read path of countyReadPaths over HTTP on a generated county
// (PM_BENCH_COUNTY_DSN, made by `make bench-county`; else a small one made for the run), each with
// its p50 and p99, beside the same SQL statements run raw (the statements the path ran, recorded
// and replayed on one connection, rows read and dropped):
//
//	PM_BENCH_COUNTY_DSN='root@tcp(127.0.0.1:3306)/pm_county30?parseTime=true' \
//	  go test -run '^$' -bench CountyReads -benchtime 200x ./internal/httpapi/
func BenchmarkCountyReads(b *testing.B) {
	e := newCountyEnv(b, demo.CountySize{Villages: 6, Households: 30, Months: 3, Workers: 4})
	for _, rp := range countyReadPaths(e.places, e.a.Now()) {
		b.Run(rp.name, func(b *testing.B) {
			stmts := e.trace.Record(func() { e.get(b, rp) })
			var ours, raw []time.Duration
			for b.Loop() {
				t0 := time.Now()
				e.get(b, rp)
				t1 := time.Now()
				e.runRaw(b, stmts)
				ours, raw = append(ours, t1.Sub(t0)), append(raw, time.Since(t1))
			}
			reportPercentiles(b, "", ours)
			reportPercentiles(b, "raw_", raw)
			b.ReportMetric(float64(len(stmts)), "queries")
		})
	}
	// pointsmarket check: the ledger's invariants, stock, and the audit log, whole or since the
	// last checkpoint.
	for name, mode := range map[string]audit.VerifyMode{"check_full": audit.Full, "check_incremental": audit.Incremental} {
		b.Run(name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				t0 := time.Now()
				v, err := e.a.Verify(dbtest.SystemCtx(), mode)
				if err != nil || len(v.Breaches) > 0 {
					b.Fatalf("%v %v", err, v.Breaches)
				}
				took = append(took, time.Since(t0))
			}
			reportPercentiles(b, "", took)
		})
	}
}

// reportPercentiles reports the p50 and p99 of lat in milliseconds.
func reportPercentiles(b *testing.B, prefix string, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, prefix+"p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, prefix+"p99_ms")
}
