package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/dbtest"
)

// A villager's requests (民情诉求) from filing to rating: the village answers one, passes one up
// through the township to a county department (answered, reopened once when not satisfied,
// answered again), lets one pass its deadline (the township takes it, then it is flagged
// there), and the three rates of each unit count exactly that. Everyone who may not act is
// refused precisely, and every act is audited.
func TestRequestsFromFilingToRating(t *testing.T) {
	t.Parallel()
	start, base := time.Now(), time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC) // a Tuesday morning in China
	var ahead atomic.Int64
	e := newEnv(t, app.Options{Clock: func() time.Time { return base.Add(time.Since(start) + time.Duration(ahead.Load())) }})
	gc := e.village("国茶村")
	villager, rep, neighbour, clerk := e.login("13800000010"), e.login("13800000011"), e.login("13800000014"), e.login("13800000001")
	township, civil, land := e.login("13800000000"), e.login("13800000502"), e.login("13800000503")
	file := func(token string, body map[string]any, headers ...string) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/villages/%d/requests", gc), token, body, headers...)
	}
	act := func(token, verb string, id int64, body map[string]any) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/requests/%d/%s", id, verb), token, body)
	}
	must := func(what string, r reply, status int) reply {
		t.Helper()
		if r.status != status {
			t.Fatalf("%s: %d %s, want %d", what, r.status, r.raw, status)
		}
		return r
	}

	for _, c := range []struct {
		name, token string
		body        map[string]any
		status      int
		code        string
	}{
		{"no category", villager, map[string]any{"text": "路灯坏了"}, 422, "invalid_input"},
		{"an empty text", villager, map[string]any{"category": "help", "text": "   "}, 422, "invalid_input"},
		{"a difficulty that is not one", villager, map[string]any{"category": "help", "text": "路灯坏了", "difficulty": "hardest"}, 422, "invalid_input"},
		{"for another household, as a villager", e.login("13800000013"), map[string]any{"category": "help", "text": "路灯坏了", "household_id": e.householdOf("13800000010")}, 403, "forbidden"},
		{"for another village's household", rep, map[string]any{"category": "help", "text": "路灯坏了", "household_id": e.householdOf("13800000110")}, 422, "invalid_input"},
		{"in another village", e.login("13800000110"), map[string]any{"category": "help", "text": "路灯坏了"}, 403, "forbidden"},
	} {
		if r := file(c.token, c.body); r.status != c.status || r.code() != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.raw, c.status, c.code)
		}
	}

	// 1. A consultation, public: the village answers it within its 3 working days.
	first := must("file", file(villager, map[string]any{"category": "consultation", "text": "低保怎么申请？", "public": true}, "Idempotency-Key", "req-1"), 201)
	again := must("file again on a dropped link", file(villager, map[string]any{"category": "consultation", "text": "低保怎么申请？", "public": true}, "Idempotency-Key", "req-1"), 201)
	one := num(first.body["id"])
	if num(again.body["id"]) != one || first.body["level"] != "village" || first.body["on_behalf"] != false {
		t.Fatalf("filed: %s, again %s", first.raw, again.raw)
	}
	if due, _ := time.Parse(time.RFC3339Nano, first.body["due_at"].(string)); due.Format(time.DateOnly) != "2026-12-04" {
		t.Errorf("a consultation filed on Tuesday 1 December is due %v, want Friday the 4th (3 working days)", due)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/requests/%d", one), e.login("13800000110"), nil); r.status != http.StatusNotFound {
		t.Errorf("尖岩村's villager read 国茶村's request: %d", r.status)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/requests/%d", one), neighbour, nil); r.status != http.StatusOK || num(r.body["filed_by"]) != 0 {
		t.Errorf("a neighbour reads a public request, without who filed it: %d %s", r.status, r.raw)
	}
	for who, token := range map[string]string{"the township (not yet its turn)": township, "a department": civil, "the requester": villager} {
		if r := act(token, "answer", one, map[string]any{"answer": "带户口本到村委会", "resolved": true}); r.code() != "not_assigned" {
			t.Errorf("%s answered the village's request: %d %s", who, r.status, r.raw)
		}
	}
	must("the clerk answers", act(clerk, "answer", one, map[string]any{"answer": "带户口本和收入证明到村委会填表", "resolved": true}), 200)
	if r := act(neighbour, "rating", one, map[string]any{"rating": "satisfied"}); r.code() != "not_requester" {
		t.Errorf("a neighbour rated: %d %s", r.status, r.raw)
	}
	if r := act(villager, "rating", one, map[string]any{"rating": "satisfied", "reopen": true}); r.status != 422 {
		t.Errorf("reopen a satisfied answer: %d %s", r.status, r.raw)
	}
	must("rate", act(villager, "rating", one, map[string]any{"rating": "satisfied"}), 200)
	if r := act(villager, "rating", one, map[string]any{"rating": "not"}); r.code() != "request_already_rated" {
		t.Errorf("rated twice: %d %s", r.status, r.raw)
	}

	// 2. Help, filed by the representative for the household he serves: up to the township, on to
	// the county's civil affairs bureau, answered, reopened once, answered again.
	second := must("file on behalf", file(rep, map[string]any{"category": "help", "text": "五保户房屋漏雨，请求维修", "household_id": e.householdOf("13800000013")}), 201)
	two := num(second.body["id"])
	if second.body["on_behalf"] != true {
		t.Errorf("filed on behalf: %s", second.raw)
	}
	if r := e.call("GET", "/api/v1/me/requests", e.login("13800000013"), nil); r.status != 200 || len(r.body["requests"].([]any)) != 1 {
		t.Errorf("the household sees the request filed for it: %s", r.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/requests/%d", two), neighbour, nil); r.status != http.StatusNotFound {
		t.Errorf("a neighbour read a request that is not public: %d", r.status)
	}
	if r := act(clerk, "referral", two, map[string]any{"to": "department", "department_id": 1, "note": "需民政部门"}); r.status != 422 {
		t.Errorf("the village passed a request past its township: %d %s", r.status, r.raw)
	}
	must("the village refers", act(clerk, "referral", two, map[string]any{"to": "township", "note": "村里无维修资金"}), 200)
	departments := must("departments", e.call("GET", fmt.Sprintf("/api/v1/counties/%d/departments", e.id(`SELECT id FROM counties WHERE name = '示范县'`)), township, nil), 200)
	var civilID int64
	for _, d := range departments.body["departments"].([]any) {
		if d := d.(map[string]any); d["name"] == "县民政局" {
			civilID = num(d["id"])
		}
	}
	must("the township refers", act(township, "referral", two, map[string]any{"to": "department", "department_id": civilID, "difficulty": "complex", "note": "危房改造归民政"}), 200)
	if r := must("my departments", e.call("GET", "/api/v1/me/departments", civil, nil), 200); !strings.Contains(r.raw, "县民政局") {
		t.Errorf("the staff's departments: %s", r.raw)
	}
	if r := act(land, "answer", two, map[string]any{"answer": "已列入计划", "resolved": true}); r.code() != "not_assigned" {
		t.Errorf("another department answered: %d %s", r.status, r.raw)
	}
	must("the department answers", act(civil, "answer", two, map[string]any{"answer": "已登记，下月安排", "resolved": false}), 200)
	reopened := must("not satisfied: reopen", act(e.login("13800000013"), "rating", two, map[string]any{"rating": "not", "reopen": true}), 200)
	if reopened.body["status"] != "open" || reopened.body["level"] != "department" {
		t.Fatalf("reopened: %s", reopened.raw)
	}
	must("answered again", act(civil, "answer", two, map[string]any{"answer": "已派人修缮完毕", "resolved": true}), 200)
	if r := act(e.login("13800000013"), "rating", two, map[string]any{"rating": "not", "reopen": true}); r.code() != "request_reopened_once" {
		t.Errorf("reopened twice: %d %s", r.status, r.raw)
	}
	must("rated", act(e.login("13800000013"), "rating", two, map[string]any{"rating": "basic"}), 200)

	// 3. A complaint the village leaves unanswered: past its 10 working days the township has it,
	// and past the township's it is flagged; an alert each time, once.
	third := must("file a complaint", file(neighbour, map[string]any{"category": "complaint", "text": "邻居占用公共通道"}), 201)
	three := num(third.body["id"])
	fourth := must("file a suggestion", file(villager, map[string]any{"category": "suggestion", "text": "建议在村口装路灯"}), 201)
	must("the village answers the suggestion", act(e.login("13800000012"), "answer", num(fourth.body["id"]), map[string]any{"answer": "已报乡镇", "resolved": false}), 200)
	escalate := func() int {
		n, err := e.app.Requests.EscalateDue(dbtest.SystemCtx())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := escalate(); n != 0 {
		t.Errorf("%d escalated before any deadline", n)
	}
	ahead.Store(int64(15 * 24 * time.Hour)) // 11 working days on
	if n := escalate(); n != 1 {
		t.Fatalf("%d escalated past the village's deadline, want 1 (the complaint)", n)
	}
	if n := escalate(); n != 0 {
		t.Errorf("escalated again: %d", n)
	}
	r := must("read the escalated", e.call("GET", fmt.Sprintf("/api/v1/requests/%d", three), township, nil), 200)
	hs := r.body["handlings"].([]any)
	if r.body["level"] != "township" || len(hs) != 2 || hs[0].(map[string]any)["outcome"] != "escalated" || hs[0].(map[string]any)["in_time"] != false {
		t.Fatalf("escalated: %s", r.raw)
	}
	if r := act(clerk, "answer", three, map[string]any{"answer": "晚了", "resolved": true}); r.code() != "not_assigned" {
		t.Errorf("the village answered after the township took it: %d %s", r.status, r.raw)
	}
	ahead.Store(int64(30 * 24 * time.Hour))
	if n := escalate(); n != 1 {
		t.Errorf("%d flagged past the township's deadline, want 1", n)
	}
	if n := escalate(); n != 0 {
		t.Errorf("flagged again: %d", n)
	}
	if r := must("read the overdue", e.call("GET", fmt.Sprintf("/api/v1/requests/%d", three), township, nil), 200); r.body["overdue"] != true || r.body["level"] != "township" {
		t.Errorf("flagged: %s", r.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM alerts WHERE village_id = ? AND rule = 'request_overdue' AND subject_id = ?`, gc, three); n != 2 {
		t.Errorf("%d overdue alerts, want 2 (the village's and the township's)", n)
	}

	// The three rates of each unit count its handlings (README: the three rates).
	rates := func(level string, unit int64) map[string]any {
		t.Helper()
		return must("rates", e.call("GET", fmt.Sprintf("/api/v1/public/request-rates?level=%s&unit_id=%d&from=2026-12&to=2027-01", level, unit), "", nil), 200).body
	}
	for _, c := range []struct {
		level                         string
		unit                          int64
		handlings                     int64
		response, resolution, satisfy float64
	}{
		{"village", gc, 4, 0.75, 0.25, 1}, // answered in time ×2, referred in time, escalated; one resolved; one rated satisfied
		{"township", e.id(`SELECT township_id FROM villages WHERE id = ?`, gc), 2, 0.5, 0, 0}, // referred in time; overdue
		{"department", civilID, 2, 1, 0.5, 0},                                                 // answered in time twice, resolved once; rated not, then basic
	} {
		got := rates(c.level, c.unit)
		if num(got["handlings"]) != c.handlings || got["response_rate"] != c.response || got["resolution_rate"] != c.resolution || got["satisfaction_rate"] != c.satisfy {
			t.Errorf("%s rates: %v, want %d handlings, %v / %v / %v", c.level, got, c.handlings, c.response, c.resolution, c.satisfy)
		}
	}
	// The township's dashboard sets the village's request figures beside its objections'.
	dash := must("dashboard", e.call("GET", fmt.Sprintf("/api/v1/townships/%d/dashboard?from=2026-12&to=2027-01", e.id(`SELECT township_id FROM villages WHERE id = ?`, gc)), township, nil), 200)
	for _, v := range dash.body["villages"].([]any) {
		if v := v.(map[string]any); num(v["village_id"]) == gc && (num(v["requests"]) != 4 || v["request_response_rate"] != 0.75 || v["request_satisfaction_rate"] != 1.0) {
			t.Errorf("the dashboard's row of 国茶村: %v", v)
		}
	}
	if r := e.call("GET", "/api/v1/public/request-rates?level=county&unit_id=1", "", nil); r.status != 400 {
		t.Errorf("rates of a level that is none: %d %s", r.status, r.raw)
	}

	// The desks: the village's, the township's, the department's; and the board's public ones.
	if r := must("village desk", e.call("GET", fmt.Sprintf("/api/v1/villages/%d/requests?status=all", gc), clerk, nil), 200); len(r.body["requests"].([]any)) != 4 {
		t.Errorf("the village desk: %s", r.raw)
	}
	if r := must("township desk", e.call("GET", fmt.Sprintf("/api/v1/townships/%d/requests?status=open", e.id(`SELECT township_id FROM villages WHERE id = ?`, gc)), township, nil), 200); len(r.body["requests"].([]any)) != 1 {
		t.Errorf("the township desk's open requests (the overdue complaint): %s", r.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/requests", gc), villager, nil); r.status != 403 {
		t.Errorf("a villager read the village desk: %d", r.status)
	}
	if r := must("department desk", e.call("GET", fmt.Sprintf("/api/v1/departments/%d/requests?status=closed", civilID), civil, nil), 200); len(r.body["requests"].([]any)) != 1 {
		t.Errorf("the department desk: %s", r.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/departments/%d/requests", civilID), land, nil); r.status != 403 {
		t.Errorf("another department's staff read the desk: %d", r.status)
	}
	if r := must("public", e.call("GET", fmt.Sprintf("/api/v1/public/villages/%d/requests", gc), "", nil), 200); len(r.body["requests"].([]any)) != 1 {
		t.Errorf("the board's public requests: %s", r.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM audit_log WHERE object_type = 'request' AND object_id = ?`, two); n != 8 {
		t.Errorf("%d audit entries of the second request, want 8 (file, 2 referrals, 2 answers, 2 ratings, … )", n)
	}
	// (The clock jumped a month forward: the service anchors its log now, as it does every interval.)
	if _, _, err := e.app.Audit.Checkpoint(dbtest.SystemCtx(), e.app.Now()); err != nil {
		t.Fatal(err)
	}
	dbtest.MustVerify(t, e.app)

	// Whoever holds the database password marks the escalated handling in time and raises the
	// department's first rating: check names both (the rates would lie).
	escalated, rated := num(hs[0].(map[string]any)["id"]), e.id(`SELECT MIN(id) FROM request_handlings WHERE request_id = ? AND level = 'department'`, two)
	e.handEdited([]string{
		fmt.Sprintf(`UPDATE request_handlings SET in_time = TRUE WHERE id = %d`, escalated),
		fmt.Sprintf(`UPDATE request_handlings SET rating = 'satisfied' WHERE id = %d`, rated),
	}, fmt.Sprintf("request %d: handling %d differs", three, escalated), fmt.Sprintf("request %d: handling %d differs", two, rated))
}

// Departments are the county admin's to create and staff — never with himself — and the
// deadlines his to set, a consultation never given more than 3 working days.
func TestDepartmentsAndDeadlines(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	countyID := e.id(`SELECT id FROM counties WHERE name = '示范县'`)
	county, township := e.login("13800000500"), e.login("13800000000")
	base := fmt.Sprintf("/api/v1/counties/%d/", countyID)
	if r := e.call("POST", base+"departments", township, map[string]any{"name": "县信访局"}); r.status != 403 {
		t.Errorf("a township admin created a department: %d", r.status)
	}
	d := e.call("POST", base+"departments", county, map[string]any{"name": "县信访局"})
	if d.status != 201 {
		t.Fatalf("create: %d %s", d.status, d.raw)
	}
	if r := e.call("POST", base+"departments", county, map[string]any{"name": "县信访局"}); r.code() != "department_exists" {
		t.Errorf("a second department of that name: %d %s", r.status, r.raw)
	}
	staff := fmt.Sprintf("/api/v1/departments/%d/staff", num(d.body["id"]))
	if r := e.call("POST", staff, county, map[string]any{"person_id": e.id(`SELECT id FROM people WHERE phone = '13800000500'`)}); r.code() != "self_act_forbidden" {
		t.Errorf("the county admin staffed a department with himself: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", staff, county, map[string]any{"person_id": 999999}); r.status != 404 {
		t.Errorf("staff who does not exist: %d %s", r.status, r.raw)
	}
	someone := e.id(`SELECT id FROM people WHERE phone = '13800000301'`)
	if r := e.call("POST", staff, county, map[string]any{"person_id": someone}); r.status != 200 {
		t.Errorf("staff: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", staff, county, map[string]any{"person_id": someone}); r.code() != "already_staff" {
		t.Errorf("staffed twice: %d %s", r.status, r.raw)
	}
	deadlines := base + "request-deadlines"
	if r := e.call("PUT", deadlines, county, map[string]any{"category": "consultation", "difficulty": "normal", "working_days": 5}); r.status != 422 {
		t.Errorf("a consultation given 5 working days: %d %s", r.status, r.raw)
	}
	if r := e.call("PUT", deadlines, township, map[string]any{"category": "help", "difficulty": "simple", "working_days": 4}); r.status != 403 {
		t.Errorf("a township admin set the county's deadlines: %d", r.status)
	}
	if r := e.call("GET", deadlines, township, nil); r.status != 200 || !strings.Contains(r.raw, `"consultation":{"complex":3,"normal":3,"simple":3}`) {
		t.Errorf("the default deadlines: %d %s", r.status, r.raw)
	}
	r := e.call("PUT", deadlines, county, map[string]any{"category": "help", "difficulty": "simple", "working_days": 4})
	if r.status != 200 || !strings.Contains(r.raw, `"help":{"complex":20,"normal":10,"simple":4}`) {
		t.Errorf("set a deadline: %d %s", r.status, r.raw)
	}
	// A help request of simple difficulty filed now is due in 4 working days, by the county's rule.
	// (Counted by the calendar, not as 4 days and some: from a Sunday evening it is exactly 4 days.)
	villager := e.login("13800000010")
	before := e.app.Now()
	filed := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/requests", e.village("国茶村")), villager, map[string]any{"category": "help", "difficulty": "simple", "text": "求助"})
	after := e.app.Now()
	due, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(filed.body["due_at"]))
	if due.Before(calendar.WorkingDaysAfter(before, 4)) || due.After(calendar.WorkingDaysAfter(after, 4)) || due.Sub(before) < 4*24*time.Hour {
		t.Errorf("due %v for 4 working days from %v", due, before)
	}
}
