package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/dbtest"
)

// 屋场会: the clerk records who came to a courtyard meeting and the problems raised; each becomes
// a request of the household that raised it — one solved on the spot, one left with the village —
// with its follow-up visit, recorded once; the board shows the meeting with the heads masked.
func TestCourtyardMeetings(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc := e.village("国茶村")
	clerk, villager := e.login("13800000001"), e.login("13800000013")
	a, b := e.householdOf("13800000010"), e.householdOf("13800000013")
	today := calendar.Today(time.Now())
	on, later := today.Format(time.DateOnly), today.AddDate(0, 0, 14).Format(time.DateOnly)
	base := fmt.Sprintf("/api/v1/villages/%d/courtyard-meetings", gc)
	meeting := func(token string, households []int64, problems []map[string]any) reply {
		return e.call("POST", base, token, map[string]any{"place": "三组晒谷坪", "held_on": on, "households": households, "problems": problems})
	}
	solved := map[string]any{"household_id": a, "category": "help", "text": "路灯不亮", "solved": true, "answer": "电工当场换了灯泡", "follow_up_on": later}
	open := map[string]any{"household_id": b, "category": "dispute", "text": "和邻居的宅基地界线不清", "follow_up_on": later}
	for _, c := range []struct {
		name, token string
		households  []int64
		problems    []map[string]any
		status      int
	}{
		{"by a villager", villager, []int64{a, b}, []map[string]any{open}, 403},
		{"nobody came", clerk, []int64{}, []map[string]any{open}, 422},
		{"a problem of a household that did not come", clerk, []int64{a}, []map[string]any{open}, 422},
		{"solved without saying how", clerk, []int64{a}, []map[string]any{{"household_id": a, "category": "help", "text": "路灯不亮", "solved": true, "follow_up_on": later}}, 422},
		{"a follow-up before the meeting", clerk, []int64{a}, []map[string]any{{"household_id": a, "category": "help", "text": "路灯不亮", "follow_up_on": "2001-01-01"}}, 422},
		{"another village's household", clerk, []int64{e.householdOf("13800000110")}, nil, 422},
		{"a committee member settling his own household's problem", e.login("13800000012"), []int64{e.householdOf("13800000012")},
			[]map[string]any{{"household_id": e.householdOf("13800000012"), "category": "help", "text": "我家门口路灯坏了", "solved": true, "answer": "我自己修了", "follow_up_on": later}}, 403},
	} {
		if r := meeting(c.token, c.households, c.problems); r.status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, r.status, r.raw, c.status)
		}
	}
	r := meeting(clerk, []int64{a, b, a}, []map[string]any{solved, open})
	if r.status != 201 {
		t.Fatalf("record: %d %s", r.status, r.raw)
	}
	problems := r.body["problems"].([]any)
	if len(r.body["attendees"].([]any)) != 2 || len(problems) != 2 || problems[0].(map[string]any)["status"] != "answered" || problems[1].(map[string]any)["status"] != "open" {
		t.Fatalf("recorded: %s", r.raw)
	}
	// The open problem is a request of the household that raised it, on the village's desk.
	request := num(problems[1].(map[string]any)["request_id"])
	if got := e.call("GET", fmt.Sprintf("/api/v1/requests/%d", request), villager, nil); got.status != 200 || got.body["on_behalf"] != true || got.body["level"] != "village" {
		t.Errorf("the problem's request: %d %s", got.status, got.raw)
	}
	if got := e.call("GET", "/api/v1/me/notifications", villager, nil); !strings.Contains(got.raw, "屋场会") {
		t.Errorf("the household was not told its problem is in the ledger: %s", got.raw)
	}
	follow := fmt.Sprintf("/api/v1/courtyard-problems/%d/follow-up", num(problems[1].(map[string]any)["id"]))
	if got := e.call("POST", follow, villager, map[string]any{"visited_on": on, "note": "双方已认可界线"}); got.status != 403 {
		t.Errorf("a villager recorded the follow-up: %d", got.status)
	}
	if got := e.call("POST", follow, clerk, map[string]any{"visited_on": "2099-01-01", "note": "双方已认可界线"}); got.status != 422 {
		t.Errorf("a follow-up in the future: %d %s", got.status, got.raw)
	}
	if got := e.call("POST", follow, clerk, map[string]any{"visited_on": on, "note": "双方已认可界线"}); got.status != 200 || got.body["followed_up_on"] == nil {
		t.Errorf("follow-up: %d %s", got.status, got.raw)
	}
	if got := e.call("POST", follow, clerk, map[string]any{"visited_on": on, "note": "再访"}); got.code() != "already_followed_up" {
		t.Errorf("a second follow-up: %d %s", got.status, got.raw)
	}
	if got := e.call("GET", base, clerk, nil); len(got.body["meetings"].([]any)) != 1 || strings.Contains(got.raw, "*") {
		t.Errorf("the office's ledger: %s", got.raw)
	}
	pub := e.call("GET", fmt.Sprintf("/api/v1/public/villages/%d/courtyard-meetings", gc), "", nil)
	if pub.status != 200 || !strings.Contains(pub.raw, "*") || strings.Contains(pub.raw, `"recorded_by":`+fmt.Sprint(e.id(`SELECT id FROM people WHERE phone = '13800000001'`))) {
		t.Errorf("the board's meetings (heads masked): %s", pub.raw)
	}
	dbtest.MustVerify(t, e.app)
}
