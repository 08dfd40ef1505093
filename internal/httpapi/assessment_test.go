package httpapi_test

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/dbtest"
)

// rankingOf returns a ranking's villages by name: rank, band, score, flagged.
func rankingOf(t *testing.T, r reply) map[string]map[string]any {
	t.Helper()
	if r.status != http.StatusOK && r.status != http.StatusCreated {
		t.Fatalf("ranking: %d %s", r.status, r.raw)
	}
	out := map[string]map[string]any{}
	for _, v := range r.body["villages"].([]any) {
		row := v.(map[string]any)
		out[row["name"].(string)] = row
	}
	return out
}

func wantRow(t *testing.T, rows map[string]map[string]any, name string, rank int, band string, score float64, flagged bool) {
	t.Helper()
	row := rows[name]
	if row == nil || num(row["rank"]) != int64(rank) || row["band"] != band || row["score"] != score || row["flagged"] != flagged {
		t.Errorf("%s: %v, want rank %d %s %.2f flagged %v", name, row, rank, band, score, flagged)
	}
}

// The half-year of points for projects, end to end: the demo's first half-year is published with
// 青山村 warned; in the second, assessors record events (never in their own village), the village
// objects and the county answers (not the township admin who lives there, not the recorder),
// tasks are completed on time or late, and once the half-year has ended the county admin
// publishes: 青山村, warned twice in a row, is flagged, and the published ranking never changes.
func TestPointsForProjectsHalfYear(t *testing.T) {
	t.Parallel()
	// The demo's second half-year is 2026-H2: the clock starts on 2026-12-01 and moves on.
	start, base := time.Now(), time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	var ahead atomic.Int64
	e := newEnv(t, app.Options{Clock: func() time.Time { return base.Add(time.Since(start) + time.Duration(ahead.Load())) }})
	county := e.id(`SELECT id FROM counties WHERE name = '示范县'`)
	gc, jy, mt, bs, qs := e.village("国茶村"), e.village("尖岩村"), e.village("米塔村"), e.village("白沙村"), e.village("青山村")
	countyAdmin, countyAssessor, huluAssessor := e.login("13800000500"), e.login("13800000501"), e.login("13800000106")
	huluAdmin, shimenAdmin, clerk := e.login("13800000000"), e.login("13800000300"), e.login("13800000001")
	rankingPath := func(period string) string {
		return fmt.Sprintf("/api/v1/counties/%d/ranking?period=%s", county, period)
	}

	// The published first half-year: ties at 70 broken by fewer events (米塔村 one, 青山村 two).
	h1 := e.call("GET", rankingPath("2026-H1"), huluAdmin, nil)
	rows := rankingOf(t, h1)
	if h1.body["published"] != true || len(rows) != 5 {
		t.Fatalf("first half-year: %s", h1.raw)
	}
	wantRow(t, rows, "国茶村", 1, "award", 80, false)
	wantRow(t, rows, "尖岩村", 2, "award", 80, false)
	wantRow(t, rows, "白沙村", 3, "none", 80, false)
	wantRow(t, rows, "米塔村", 4, "none", 70, false)
	wantRow(t, rows, "青山村", 5, "warned", 70, false)
	if num(rows["国茶村"]["award_fen"]) != 5_000_000_00 || num(rows["尖岩村"]["award_fen"]) != 3_000_000_00 {
		t.Errorf("awards: %v %v", rows["国茶村"], rows["尖岩村"])
	}
	// The public board of the county shows it without a login, without who published it.
	pub := e.call("GET", fmt.Sprintf("/api/v1/public/counties/%d/ranking?period=2026-H1", county), "", nil)
	if pub.status != http.StatusOK || pub.body["published_by"] != nil || len(pub.body["villages"].([]any)) != 5 {
		t.Errorf("public ranking: %d %s", pub.status, pub.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/public/counties/%d/ranking?period=2026-H2", county), "", nil); r.status != http.StatusNotFound || r.code() != "ranking_not_published" {
		t.Errorf("an unpublished half-year on the public board: %d %s", r.status, r.raw)
	}

	// Who reads the ranking: county and township staff; not village officials, nor villagers.
	for who, tok := range map[string]string{"county admin": countyAdmin, "石门镇 admin": shimenAdmin, "葫芦镇 assessor": huluAssessor} {
		if r := e.call("GET", rankingPath("2026-H2"), tok, nil); r.status != http.StatusOK {
			t.Errorf("%s reads the ranking: %d %s", who, r.status, r.raw)
		}
	}
	for who, phone := range map[string]string{"clerk": "13800000001", "villager": "13800000013", "shopkeeper": "13800000002"} {
		if r := e.call("GET", rankingPath("2026-H2"), e.login(phone), nil); r.status != http.StatusForbidden {
			t.Errorf("%s read the county's ranking: %d %s", who, r.status, r.raw)
		}
	}
	for _, bad := range []string{"2026-H3", "2026", ""} {
		if r := e.call("GET", fmt.Sprintf("/api/v1/counties/%d/ranking?period=%s", county, bad), countyAdmin, nil); r.status != http.StatusBadRequest {
			t.Errorf("period %q: %d %s", bad, r.status, r.raw)
		}
	}
	if r := e.call("GET", "/api/v1/counties/99999/ranking?period=2026-H1", countyAdmin, nil); r.status != http.StatusNotFound {
		t.Errorf("unknown county: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", rankingPath("2025-H2"), countyAdmin, nil); r.status != http.StatusNotFound || r.code() != "scheme_not_found" {
		t.Errorf("a half-year without a scheme: %d %s", r.status, r.raw)
	}

	// So far in the second half-year 青山村 has one petition: 75, last, and flagged if it stays.
	rows = rankingOf(t, e.call("GET", rankingPath("2026-H2"), countyAdmin, nil))
	wantRow(t, rows, "青山村", 5, "warned", 75, true)

	event := func(tok string, village int64, item, day string) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/villages/%d/assessment-events", village), tok,
			map[string]any{"item": item, "occurred_on": day, "description": "盗窃案一起", "evidence": "派出所通报"})
	}
	// 葫芦镇's assessor lives in 尖岩村: he scores 国茶村, never his own village, nor 石门镇's.
	ev := event(huluAssessor, gc, "zero_case", "2026-11-20")
	if ev.status != http.StatusCreated || ev.body["status"] != "recorded" || ev.body["period"] != "2026-H2" {
		t.Fatalf("record an event: %d %s", ev.status, ev.raw)
	}
	if r := event(huluAssessor, jy, "zero_case", "2026-11-20"); r.status != http.StatusForbidden || r.code() != "conflict_of_interest" {
		t.Errorf("an assessor scored his own village: %d %s", r.status, r.raw)
	}
	if r := event(huluAssessor, bs, "zero_case", "2026-11-20"); r.status != http.StatusForbidden || r.code() != "forbidden" {
		t.Errorf("a township's assessor scored another township's village: %d %s", r.status, r.raw)
	}
	if r := event(clerk, gc, "zero_case", "2026-11-20"); r.status != http.StatusForbidden {
		t.Errorf("a clerk recorded an event: %d %s", r.status, r.raw)
	}
	// The item must be the scheme's and the village's; evidence is required; the date must fit.
	for name, c := range map[string]struct {
		village      int64
		item, day    string
		status       int
		code, remove string
	}{
		"unknown item":               {mt, "zero_noise", "2026-11-20", 422, "unknown_item", ""},
		"葫芦镇's sub-item in 石门镇":      {bs, "zero_building_farmland", "2026-11-20", 422, "unknown_item", ""},
		"an activity item":           {mt, "activity", "2026-11-20", 422, "unknown_item", ""},
		"no evidence":                {mt, "zero_case", "2026-11-20", 422, "evidence_required", "evidence"},
		"in the future":              {mt, "zero_case", "2026-12-31", 422, "invalid_input", ""},
		"a half-year without scheme": {mt, "zero_case", "2025-10-01", 409, "no_scheme_in_force", ""},
		"a published half-year":      {mt, "zero_case", "2026-05-01", 409, "ranking_published", ""},
	} {
		body := map[string]any{"item": c.item, "occurred_on": c.day, "description": "事件", "evidence": "材料"}
		delete(body, c.remove)
		r := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/assessment-events", c.village), countyAssessor, body)
		if r.status != c.status || r.code() != c.code {
			t.Errorf("%s: %d %s, want %d %s", name, r.status, r.raw, c.status, c.code)
		}
	}
	if r := event(countyAssessor, mt, "zero_building_farmland", "2026-10-03"); r.status != http.StatusCreated {
		t.Errorf("the county assessor records 葫芦镇's sub-item in 米塔村: %d %s", r.status, r.raw)
	}

	// The village sees its score with its events; villagers do not read the assessment.
	score := func() reply {
		return e.call("GET", fmt.Sprintf("/api/v1/villages/%d/assessment?period=2026-H2", gc), clerk, nil)
	}
	if s := score(); s.status != http.StatusOK || s.body["score"] != 75.0 || len(s.body["events"].([]any)) != 1 {
		t.Errorf("国茶村's score with its event: %d %s", s.status, s.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/assessment?period=2026-H2", gc), e.login("13800000013"), nil); r.status != http.StatusForbidden {
		t.Errorf("a villager read the assessment: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/assessment?period=2026-H2", gc), e.login("13800000201"), nil); r.status != http.StatusForbidden {
		t.Errorf("米塔村's clerk read 国茶村's assessment: %d %s", r.status, r.raw)
	}

	// The village objects; 葫芦镇's admin lives in 国茶村, the assessor recorded it: neither answers.
	evID := num(ev.body["id"])
	object := e.call("POST", fmt.Sprintf("/api/v1/assessment-events/%d/objection", evID), clerk, map[string]any{"text": "案发地不在本村"})
	if object.status != http.StatusOK || object.body["status"] != "objected" {
		t.Fatalf("object: %d %s", object.status, object.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/assessment-events/%d/objection", evID), clerk, map[string]any{"text": "再次"}); r.status != http.StatusConflict {
		t.Errorf("a second objection: %d %s", r.status, r.raw)
	}
	answer := func(tok string, upheld bool) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/assessment-events/%d/answer", evID), tok, map[string]any{"upheld": upheld, "answer": "经核实"})
	}
	if r := answer(huluAdmin, true); r.status != http.StatusForbidden || r.code() != "conflict_of_interest" {
		t.Errorf("the township admin answered for his own village: %d %s", r.status, r.raw)
	}
	if r := answer(huluAssessor, true); r.status != http.StatusForbidden {
		t.Errorf("the assessor answered the objection to his own event: %d %s", r.status, r.raw)
	}
	if r := answer(countyAdmin, true); r.status != http.StatusOK || r.body["status"] != "withdrawn" {
		t.Fatalf("the county upholds the objection: %d %s", r.status, r.raw)
	}
	if s := score(); s.body["score"] != 80.0 {
		t.Errorf("a withdrawn event still counts: %s", s.raw)
	}

	// 石门镇's admin, made an assessor by the county, records in 青山村 and cannot answer for it.
	shimenAdminID := e.id(`SELECT id FROM people WHERE phone = '13800000300'`)
	grant := e.call("POST", fmt.Sprintf("/api/v1/people/%d/roles", shimenAdminID), countyAdmin, map[string]any{"role": "assessor", "township_wide": true})
	if grant.status != http.StatusCreated {
		t.Fatalf("the county admin appoints a township assessor: %d %s", grant.status, grant.raw)
	}
	shimenAdmin = e.login("13800000300")
	own := event(shimenAdmin, qs, "zero_pollution", "2026-11-25")
	if own.status != http.StatusCreated {
		t.Fatalf("石门镇's admin records in 青山村: %d %s", own.status, own.raw)
	}
	qsClerk := e.login("13800000401")
	e.call("POST", fmt.Sprintf("/api/v1/assessment-events/%d/objection", num(own.body["id"])), qsClerk, map[string]any{"text": "已整改"})
	if r := e.call("POST", fmt.Sprintf("/api/v1/assessment-events/%d/answer", num(own.body["id"])), shimenAdmin, map[string]any{"upheld": true, "answer": "撤销"}); r.status != http.StatusForbidden || r.code() != "self_approval" {
		t.Errorf("the recorder answered the objection to his own event: %d %s", r.status, r.raw)
	}
	for who, c := range map[string]struct {
		tok  string
		body map[string]any
	}{
		"the township admin, county-wide":  {huluAdmin, map[string]any{"role": "assessor", "county_wide": true}},
		"the clerk, an assessor":           {clerk, map[string]any{"role": "assessor", "township_wide": true}},
		"the county admin, to one village": {countyAdmin, map[string]any{"role": "assessor"}},
	} {
		r := e.call("POST", fmt.Sprintf("/api/v1/people/%d/roles", e.id(`SELECT id FROM people WHERE phone = '13800000013'`)), c.tok, c.body)
		if r.status != http.StatusForbidden && r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s granted: %d %s", who, r.status, r.raw)
		}
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/people/%d/roles", e.id(`SELECT id FROM people WHERE phone = '13800000500'`)), countyAdmin,
		map[string]any{"role": "assessor", "county_wide": true}); r.status != http.StatusForbidden || r.code() != "self_act_forbidden" {
		t.Errorf("the county admin made himself an assessor: %d %s", r.status, r.raw)
	}

	// Tasks: one completed on time, one late: the tasks item is worth half.
	today := calendar.Today(base.Add(time.Since(start)))
	task := func(days int) int64 {
		r := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/assessment-tasks", gc), huluAssessor,
			map[string]any{"title": "排查危房", "due_on": today.AddDate(0, 0, days).Format(time.DateOnly)})
		if r.status != http.StatusCreated {
			t.Fatalf("give a task: %d %s", r.status, r.raw)
		}
		return num(r.body["id"])
	}
	onTime, late := task(5), task(1)
	complete := func(id int64) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/assessment-tasks/%d/completion", id), e.login("13800000001"), map[string]any{"note": "已完成"})
	}
	if r := complete(onTime); r.status != http.StatusOK {
		t.Fatalf("complete a task: %d %s", r.status, r.raw)
	}
	if r := complete(onTime); r.status != http.StatusConflict || r.code() != "task_already_done" {
		t.Errorf("a task completed twice: %d %s", r.status, r.raw)
	}
	ahead.Store(int64(3 * 24 * time.Hour))
	if r := complete(late); r.status != http.StatusOK {
		t.Fatalf("complete a task late: %d %s", r.status, r.raw)
	}
	clerk = e.login("13800000001")
	// The clerk's reports count only once an assessor, not of the village, confirms them.
	if s := score(); s.body["score"] != 60.0 {
		t.Errorf("unconfirmed reports counted: %s", s.raw)
	}
	confirm := func(tok string, id int64) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/assessment-tasks/%d/confirmation", id), tok, nil)
	}
	if r := confirm(clerk, onTime); r.status != http.StatusForbidden {
		t.Errorf("the clerk confirmed the village's own task: %d %s", r.status, r.raw)
	}
	huluAssessor = e.login("13800000106")
	for _, id := range []int64{onTime, late} {
		if r := confirm(huluAssessor, id); r.status != http.StatusOK || r.body["confirmed_by"] == nil {
			t.Fatalf("confirm task %d: %d %s", id, r.status, r.raw)
		}
	}
	if r := confirm(huluAssessor, late); r.status != http.StatusConflict {
		t.Errorf("confirmed twice: %d %s", r.status, r.raw)
	}
	if s := score(); s.body["score"] != 70.0 {
		t.Errorf("one task of two on time should leave 70: %s", s.raw)
	}

	// Publishing: not before the half-year ends, not with an objection unanswered.
	publish := func() reply {
		return e.call("POST", fmt.Sprintf("/api/v1/counties/%d/ranking", county), e.login("13800000500"), map[string]any{"period": "2026-H2"})
	}
	if r := publish(); r.status != http.StatusConflict || r.code() != "period_not_closed" {
		t.Errorf("published before the half-year ended: %d %s", r.status, r.raw)
	}
	ahead.Store(int64(time.Date(2027, 1, 10, 2, 0, 0, 0, time.UTC).Sub(base.Add(time.Since(start)))))
	if r := publish(); r.status != http.StatusConflict || r.code() != "objections_open" {
		t.Errorf("published with an objection unanswered: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/assessment-events/%d/answer", num(own.body["id"])), e.login("13800000500"), map[string]any{"upheld": false, "answer": "维持"}); r.status != http.StatusOK {
		t.Fatalf("the county confirms: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/counties/%d/ranking", county), e.login("13800000000"), map[string]any{"period": "2026-H2"}); r.status != http.StatusForbidden {
		t.Errorf("a township admin published the county's ranking: %d %s", r.status, r.raw)
	}
	done := publish()
	if done.status != http.StatusCreated || done.body["published"] != true {
		t.Fatalf("publish: %d %s", done.status, done.raw)
	}
	rows = rankingOf(t, done)
	wantRow(t, rows, "青山村", 5, "warned", 70, true) // petition and pollution: warned again, flagged
	wantRow(t, rows, "尖岩村", 1, "award", 80, false)
	wantRow(t, rows, "白沙村", 2, "award", 80, false)
	wantRow(t, rows, "国茶村", 3, "none", 70, false) // one task late; at 70 with no event, before 米塔村's one
	wantRow(t, rows, "米塔村", 4, "none", 70, false)
	if r := publish(); r.status != http.StatusConflict || r.code() != "ranking_published" {
		t.Errorf("published twice: %d %s", r.status, r.raw)
	}
	if r := event(e.login("13800000501"), mt, "zero_case", "2026-12-20"); r.status != http.StatusConflict || r.code() != "ranking_published" {
		t.Errorf("an event added to a published half-year: %d %s", r.status, r.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM audit_log WHERE action = 'assessment.ranking_publish'`); n != 4 {
		t.Errorf("each publication is audited in both townships: %d entries", n)
	}
	ahead.Store(0)
	if _, _, err := e.app.Audit.Checkpoint(dbtest.SystemCtx(), e.app.Now()); err != nil {
		t.Fatal(err)
	}
	dbtest.MustVerify(t, e.app)

	// Whoever holds the database password withdraws 青山村's confirmed event and lifts it in the
	// published ranking: check names both.
	e.handEdited([]string{
		fmt.Sprintf(`UPDATE assessment_events SET status = 'withdrawn' WHERE id = %d`, num(own.body["id"])),
		fmt.Sprintf("UPDATE village_rankings SET `rank` = 1, band = 'award', flagged = FALSE WHERE village_id = %d AND period = '2026-H2'", qs),
	}, fmt.Sprintf("assessment event %d: differs", num(own.body["id"])), fmt.Sprintf("village %d: ranking of 2026-H2 differs", qs))
}

// The county admin adopts a scheme and versions of it; a scheme that breaks its own rules is
// refused; nobody else adopts one; anyone holding a role in the county reads them.
func TestCountySchemeVersions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	county := e.id(`SELECT id FROM counties WHERE name = '示范县'`)
	hulu := e.id(`SELECT id FROM townships WHERE name = '葫芦镇'`)
	admin := e.login("13800000500")
	path := fmt.Sprintf("/api/v1/counties/%d/schemes", county)
	scheme := func(title string, items []map[string]any, bands []map[string]any, budget int64) map[string]any {
		return map[string]any{"period": "2027-H1", "title": title, "items": items, "award_bands": bands, "budget_fen": budget, "warn_bottom": 1}
	}
	zero := map[string]any{"code": "zero_case", "name": "零发案", "kind": "zero", "points": 10, "deduction": 5, "evidence_required": true}
	sub := map[string]any{"code": "zero_case_theft", "name": "盗窃", "parent": "zero_case", "township_id": hulu, "deduction": 8}
	bands := []map[string]any{{"to_rank": 1, "amount_fen": 1000}, {"to_rank": 3, "amount_fen": 500}}
	first := e.call("POST", path, admin, scheme("第一版", []map[string]any{zero}, bands, 2000))
	if first.status != http.StatusCreated || num(first.body["version"]) != 1 || first.body["tie_rule"] != "fewer_events" || num(first.body["objection_days"]) != 7 {
		t.Fatalf("adopt: %d %s", first.status, first.raw)
	}
	second := e.call("POST", path, admin, scheme("第二版", []map[string]any{zero, sub}, bands, 2000))
	if second.status != http.StatusCreated || num(second.body["version"]) != 2 {
		t.Fatalf("a second version: %d %s", second.status, second.raw)
	}
	for name, body := range map[string]map[string]any{
		"bands over budget":            scheme("超预算", []map[string]any{zero}, bands, 1999),
		"a sub-item of a missing item": scheme("错", []map[string]any{sub}, nil, 0),
		"a sub-item of another county": scheme("错", []map[string]any{zero, {"code": "x", "name": "x", "parent": "zero_case", "township_id": 99999}}, nil, 0),
		"a deduction above the points": scheme("错", []map[string]any{{"code": "z", "name": "z", "kind": "zero", "points": 5, "deduction": 6}}, nil, 0),
		"an unknown kind":              scheme("错", []map[string]any{{"code": "z", "name": "z", "kind": "bonus", "points": 5}}, nil, 0),
		"a code twice":                 scheme("错", []map[string]any{zero, zero}, nil, 0),
		"no items":                     scheme("错", []map[string]any{}, nil, 0),
		"bands out of order":           scheme("错", []map[string]any{zero}, []map[string]any{{"to_rank": 3, "amount_fen": 1}, {"to_rank": 2, "amount_fen": 1}}, 100),
		"a bad period":                 {"period": "2027-H3", "title": "错", "items": []map[string]any{zero}},
	} {
		if r := e.call("POST", path, admin, body); r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}
	for who, phone := range map[string]string{"township admin": "13800000000", "county assessor": "13800000501", "clerk": "13800000001"} {
		if r := e.call("POST", path, e.login(phone), scheme("越权", []map[string]any{zero}, nil, 0)); r.status != http.StatusForbidden {
			t.Errorf("the %s adopted a scheme: %d %s", who, r.status, r.raw)
		}
	}
	list := e.call("GET", path+"?period=2027-H1", e.login("13800000001"), nil)
	schemes, _ := list.body["schemes"].([]any)
	if list.status != http.StatusOK || len(schemes) != 2 || num(schemes[0].(map[string]any)["version"]) != 2 {
		t.Errorf("a village clerk reads the versions, newest first: %d %s", list.status, list.raw)
	}
	if r := e.call("GET", path+"?period=2027-H1", e.login("13800000013"), nil); r.status != http.StatusForbidden {
		t.Errorf("a villager without a role read the schemes: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", path, admin, map[string]any{"period": "2026-H1", "title": "改已公布的", "items": []map[string]any{zero}}); r.status != http.StatusConflict || r.code() != "ranking_published" {
		t.Errorf("a new version of a published half-year: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/counties", admin, nil); r.status != http.StatusOK || len(r.body["counties"].([]any)) != 1 {
		t.Errorf("the county admin's counties: %d %s", r.status, r.raw)
	}
}

// A village's project plan gathers the villagers' needs by urgency; the county ties the village's
// award of a published half-year to it, once; the clerk records spending (never beyond the award
// and the villagers' money), progress (never backwards) and the labour and money contributed,
// until it is completed.
func TestProjectPlansAndAwards(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc, mt := e.village("国茶村"), e.village("米塔村")
	clerk, countyAdmin := e.login("13800000001"), e.login("13800000500")
	plan := func(tok string, village int64) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/villages/%d/projects", village), tok, map[string]any{"title": "村道硬化及路灯",
			"budget_fen": 600_000_00, "needs": []map[string]any{{"text": "修通第三组村道", "urgency": 3, "households": 40},
				{"text": "村口路灯", "urgency": 5, "households": 12}}})
	}
	p := plan(clerk, gc)
	if p.status != http.StatusCreated || p.body["status"] != "planned" || p.body["needs"].([]any)[0].(map[string]any)["text"] != "村口路灯" {
		t.Fatalf("plan (the most urgent need first): %d %s", p.status, p.raw)
	}
	id := num(p.body["id"])
	if r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/projects", gc), e.login("13800000013"), nil); r.status != http.StatusOK || len(r.body["projects"].([]any)) != 1 {
		t.Errorf("a villager reads the village's projects: %d %s", r.status, r.raw)
	}
	award := func(tok string, project int64, period string) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/projects/%d/award", project), tok, map[string]any{"period": period})
	}
	if r := award(e.login("13800000000"), id, "2026-H1"); r.status != http.StatusForbidden {
		t.Errorf("the township admin tied an award: %d %s", r.status, r.raw)
	}
	if r := award(countyAdmin, id, "2026-H2"); r.status != http.StatusConflict || r.code() != "no_award" {
		t.Errorf("an unpublished half-year's award: %d %s", r.status, r.raw)
	}
	a := award(countyAdmin, id, "2026-H1")
	if a.status != http.StatusOK || a.body["status"] != "awarded" || num(a.body["award_fen"]) != 5_000_000_00 {
		t.Fatalf("award: %d %s", a.status, a.raw)
	}
	if r := award(countyAdmin, num(plan(clerk, gc).body["id"]), "2026-H1"); r.status != http.StatusConflict || r.code() != "award_already_tied" {
		t.Errorf("one award tied twice: %d %s", r.status, r.raw)
	}
	if r := award(countyAdmin, num(plan(e.login("13800000201"), mt).body["id"]), "2026-H1"); r.status != http.StatusConflict || r.code() != "no_award" {
		t.Errorf("米塔村 was not awarded in 2026-H1: %d %s", r.status, r.raw)
	}
	progress := func(tok string, spent int64, pct int, money int64) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/projects/%d/progress", id), tok, map[string]any{"on_date": "2026-11-20",
			"spent_fen": spent, "progress_pct": pct, "labour_days": 120, "money_fen": money, "note": "路基完成"})
	}
	if r := progress(countyAdmin, 1, 10, 0); r.status != http.StatusForbidden {
		t.Errorf("the county recorded the village's progress: %d %s", r.status, r.raw)
	}
	first := progress(clerk, 1_000_000_00, 30, 20_000_00)
	if first.status != http.StatusOK || num(first.body["spent_fen"]) != 1_000_000_00 || num(first.body["labour_days"]) != 120 || num(first.body["money_fen"]) != 20_000_00 {
		t.Fatalf("progress: %d %s", first.status, first.raw)
	}
	if r := progress(clerk, 0, 20, 0); r.status != http.StatusUnprocessableEntity || r.code() != "progress_goes_back" {
		t.Errorf("progress went back: %d %s", r.status, r.raw)
	}
	if r := progress(clerk, 4_020_000_01, 40, 0); r.status != http.StatusConflict || r.code() != "over_project_funds" {
		t.Errorf("spent beyond the award and the villagers' money: %d %s", r.status, r.raw)
	}
	if r := progress(clerk, 4_020_000_00, 100, 0); r.status != http.StatusOK || r.body["status"] != "completed" {
		t.Fatalf("complete: %d %s", r.status, r.raw)
	}
	if r := progress(clerk, 0, 100, 0); r.status != http.StatusConflict || r.code() != "project_wrong_step" {
		t.Errorf("progress after completion: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/projects/%d", id), e.login("13800000500"), nil); r.status != http.StatusOK || len(r.body["progress"].([]any)) != 2 {
		t.Errorf("the project with its progress: %d %s", r.status, r.raw)
	}
	dbtest.MustVerify(t, e.app)
	e.handEdited([]string{fmt.Sprintf(`UPDATE projects SET award_fen = award_fen * 2, spent_fen = spent_fen - 100 WHERE id = %d`, id)},
		fmt.Sprintf("project %d: award differs", id))
}
