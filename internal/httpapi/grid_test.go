package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/dbtest"
)

// 联户: the village office makes a representative or party member of the village the grid head of
// households, one at a time with the history kept; the household sees who serves it; the grid
// head lists the households they serve and records visits to them (no others) and meetings.
func TestHouseholdsServed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc := e.village("国茶村")
	clerk, rep, villager, neighbour := e.login("13800000001"), e.login("13800000011"), e.login("13800000010"), e.login("13800000013")
	repID, partyID := e.id(`SELECT id FROM people WHERE phone = '13800000011'`), e.id(`SELECT id FROM people WHERE phone = '13800000012'`)
	mine, theirs := e.householdOf("13800000010"), e.householdOf("13800000013")
	assign := func(token string, household, person int64) reply {
		return e.call("PUT", fmt.Sprintf("/api/v1/households/%d/grid-head", household), token, map[string]any{"person_id": person})
	}
	for _, c := range []struct {
		name, token string
		household   int64
		person      int64
		status      int
	}{
		{"by a villager", villager, theirs, repID, http.StatusForbidden},
		{"to a group leader, neither representative nor party member", clerk, theirs, e.id(`SELECT id FROM people WHERE phone = '13800000014'`), 422},
		{"to 尖岩村's representative", clerk, theirs, e.id(`SELECT id FROM people WHERE phone = '13800000111'`), 422},
		{"to nobody", clerk, theirs, 999999, http.StatusNotFound},
	} {
		if r := assign(c.token, c.household, c.person); r.status != c.status {
			t.Errorf("assign %s: %d %s, want %d", c.name, r.status, r.raw, c.status)
		}
	}
	for _, h := range []int64{mine, theirs} {
		if r := assign(clerk, h, repID); r.status != 200 || num(r.body["person_id"]) != repID {
			t.Fatalf("assign household %d: %d %s", h, r.status, r.raw)
		}
	}
	if r := e.call("GET", "/api/v1/me/grid-head", neighbour, nil); r.status != 200 || num(r.body["grid_head"].(map[string]any)["person_id"]) != repID {
		t.Errorf("the household's grid head: %s", r.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/households/%d/grid-head", theirs), clerk, nil); r.status != 200 || len(r.body["history"].([]any)) != 1 {
		t.Errorf("the office reads a household's grid head: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/households/%d/grid-head", theirs), villager, nil); r.status != 403 {
		t.Errorf("a villager read another household's grid head: %d", r.status)
	}
	e.call("POST", fmt.Sprintf("/api/v1/villages/%d/requests", gc), rep, map[string]any{"category": "help", "text": "房屋漏雨", "household_id": theirs})
	served := e.call("GET", "/api/v1/me/households-served", rep, nil)
	if hs := served.body["households"].([]any); len(hs) != 2 {
		t.Fatalf("served: %s", served.raw)
	}
	for _, h := range served.body["households"].([]any) {
		if h := h.(map[string]any); num(h["household_id"]) == theirs && num(h["open_requests"]) != 1 {
			t.Errorf("the served household's open requests: %v", h)
		}
	}

	today := calendar.Today(time.Now()).Format(time.DateOnly)
	visit := func(token string, body map[string]any) reply { return e.call("POST", "/api/v1/visits", token, body) }
	if r := visit(rep, map[string]any{"kind": "visit", "household_id": theirs, "on": today, "what": "帮五保户办理合作医疗"}); r.status != 201 {
		t.Fatalf("visit: %d %s", r.status, r.raw)
	}
	if r := visit(rep, map[string]any{"kind": "visit", "household_id": e.householdOf("13800000014"), "on": today, "what": "走访"}); r.code() != "not_served" {
		t.Errorf("a visit to a household he does not serve: %d %s", r.status, r.raw)
	}
	if r := visit(rep, map[string]any{"kind": "visit", "household_id": theirs, "on": "2099-01-01", "what": "走访"}); r.status != 422 {
		t.Errorf("a visit in the future: %d %s", r.status, r.raw)
	}
	if r := visit(rep, map[string]any{"kind": "meeting", "on": today, "what": "每月民情分析会", "attendance": 12}); r.status != 201 {
		t.Errorf("a meeting: %d %s", r.status, r.raw)
	}
	if r := visit(villager, map[string]any{"kind": "meeting", "on": today, "what": "开会", "attendance": 3}); r.status != 201 {
		t.Errorf("a party member's meeting: %d %s", r.status, r.raw) // 13800000010 is a party member
	}
	if r := visit(neighbour, map[string]any{"kind": "meeting", "on": today, "what": "开会", "attendance": 3}); r.status != 403 {
		t.Errorf("a villager who is neither recorded a meeting: %d %s", r.status, r.raw)
	}

	// Another grid head for 张建国's household: the history keeps the first; the representative no
	// longer serves it, nor records visits there.
	if r := assign(clerk, mine, partyID); r.status != 200 {
		t.Fatalf("reassign: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/me/grid-head", villager, nil); len(r.body["history"].([]any)) != 2 || num(r.body["grid_head"].(map[string]any)["person_id"]) != partyID {
		t.Errorf("after reassigning: %s", r.raw)
	}
	if r := e.call("GET", "/api/v1/me/households-served", rep, nil); len(r.body["households"].([]any)) != 1 {
		t.Errorf("served after reassigning: %s", r.raw)
	}
	if r := visit(rep, map[string]any{"kind": "visit", "household_id": mine, "on": today, "what": "走访"}); r.code() != "not_served" {
		t.Errorf("a visit to a household reassigned: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/visits", gc), clerk, nil); len(r.body["visits"].([]any)) != 3 {
		t.Errorf("the village's visits: %s", r.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/visits?person_id=%d", gc, repID), rep, nil); r.status != 200 || len(r.body["visits"].([]any)) != 2 {
		t.Errorf("the representative's own visits: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/visits", gc), neighbour, nil); r.status != 403 {
		t.Errorf("a villager read the village's visits: %d", r.status)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/grid", gc), clerk, nil); r.status != 200 || len(r.body["assignments"].([]any)) != 2 || len(r.body["grid_heads"].([]any)) < 2 {
		t.Errorf("the village's grid: %d %s", r.status, r.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM audit_log WHERE action = 'grid.assign'`); n != 3 {
		t.Errorf("%d grid.assign entries, want 3", n)
	}
	dbtest.MustVerify(t, e.app)
}

// A representative's item may require visits or meetings of the month recorded (联户): the points
// are registered only once they are.
func TestRepresentativeItemNeedsVisits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc := e.village("国茶村")
	clerk, rep := e.login("13800000001"), e.login("13800000011")
	repID := e.id(`SELECT id FROM people WHERE phone = '13800000011'`)
	book := num(e.call("POST", fmt.Sprintf("/api/v1/villages/%d/rule-books", gc), clerk, map[string]string{"title": "联户细则"}).body["id"])
	items := fmt.Sprintf("/api/v1/rule-books/%d/items", book)
	if r := e.call("POST", items, clerk, map[string]any{"code": "R10", "name": "清理河道", "category": "reward", "points": 15, "applies_to": "household", "visits_required": 1}); r.status != 422 {
		t.Errorf("a household item requiring visits: %d %s", r.status, r.raw)
	}
	item := e.call("POST", items, clerk, map[string]any{"code": "D09", "name": "联户走访", "category": "reward", "points": 20, "applies_to": "representative", "visits_required": 2})
	if item.status != 201 || num(item.body["visits_required"]) != 2 {
		t.Fatalf("add the item: %d %s", item.status, item.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/rule-books/%d/adoption", book), clerk, map[string]any{"date": calendar.Today(time.Now()).Format(time.DateOnly),
		"body": "villagers", "members": 160, "attendance": 100, "votes_for": 90, "votes_against": 4}); r.status != 200 {
		t.Fatalf("adopt: %d %s", r.status, r.raw)
	}
	register := func() reply {
		return e.call("POST", "/api/v1/entries", clerk, map[string]any{"rule_item_id": num(item.body["id"]), "person_id": repID, "reason": "本月联户走访"})
	}
	if r := register(); r.code() != "visits_required" {
		t.Fatalf("registered without visits: %d %s", r.status, r.raw)
	}
	household := e.householdOf("13800000013")
	e.call("PUT", fmt.Sprintf("/api/v1/households/%d/grid-head", household), clerk, map[string]any{"person_id": repID})
	today := calendar.Today(time.Now()).Format(time.DateOnly)
	e.call("POST", "/api/v1/visits", rep, map[string]any{"kind": "visit", "household_id": household, "on": today, "what": "走访"})
	if r := register(); r.code() != "visits_required" || num(r.body["error"].(map[string]any)["details"].(map[string]any)["recorded"]) != 1 {
		t.Errorf("registered with one visit of two: %d %s", r.status, r.raw)
	}
	e.call("POST", "/api/v1/visits", rep, map[string]any{"kind": "meeting", "on": today, "what": "联系户会议", "attendance": 8})
	if r := register(); r.status != 201 {
		t.Errorf("registered with the visits recorded: %d %s", r.status, r.raw)
	}
}
