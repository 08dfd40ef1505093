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
)

// The red and black lists of a quarter follow the rule book: the red list names the households
// with the most points net of penalties (as many as the book says), the black list those with a
// penalty of an item the book puts on it — masked on the public board. A dividend counts a
// penalty against the household too.
func TestRedAndBlackLists(t *testing.T) {
	t.Parallel()
	e, gc, month, item := postedMonth(t, "P01", "R03")
	chen, yang := e.householdOf("13800000013"), e.householdOf("13800000014")
	m, _ := time.Parse("2006-01", month)
	quarter := fmt.Sprintf("%d-Q%d", m.Year(), (int(m.Month())+2)/3)

	lists := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/lists?quarter=%s", gc, quarter), e.login("13800000013"), nil)
	if lists.status != http.StatusOK || num(lists.body["red_list_size"]) != 5 {
		t.Fatalf("lists: %d %s", lists.status, lists.raw)
	}
	red, black := lists.body["red"].([]any), lists.body["black"].([]any)
	if len(red) != 5 || len(black) != 1 {
		t.Fatalf("red %d (the book's 5), black %d: %s", len(red), len(black), lists.raw)
	}
	b := black[0].(map[string]any)
	if num(b["household_id"]) != chen || b["head"] != "陈永红" || !strings.Contains(b["items"].(string), "乱搭乱建") || num(b["points"]) != 20 {
		t.Errorf("black list: %v", b)
	}
	first := red[0].(map[string]any)
	if num(first["household_id"]) != yang {
		t.Errorf("the most-awarded household heads the red list: %v", first)
	}
	for i := 1; i < len(red); i++ {
		if num(red[i].(map[string]any)["points"]) > num(red[i-1].(map[string]any)["points"]) {
			t.Errorf("red list out of order: %s", lists.raw)
		}
	}
	// 陈永红's net points are the base less the penalty, wherever points are counted.
	base := e.id(`SELECT points FROM point_entries WHERE household_id = ? AND period = ? AND rule_item_id = ?`, chen, month, item("B01"))
	for _, v := range red {
		if row := v.(map[string]any); num(row["household_id"]) == chen && num(row["points"]) != base-20 {
			t.Errorf("陈永红 on the red list with %v points, not %d", row["points"], base-20)
		}
	}
	pub := e.call("GET", fmt.Sprintf("/api/v1/public/villages/%d/lists?quarter=%s", gc, quarter), "", nil)
	if pub.status != http.StatusOK || !strings.Contains(pub.raw, "陈*红") || strings.Contains(pub.raw, "陈永红") {
		t.Errorf("public lists mask the black list: %d %s", pub.status, pub.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/lists?quarter=%s", gc, quarter), e.login("13800000210"), nil); r.status != http.StatusForbidden {
		t.Errorf("another village's villager read the lists: %d %s", r.status, r.raw)
	}
	for _, bad := range []string{"2026-Q5", "2026", ""} {
		if r := e.call("GET", fmt.Sprintf("/api/v1/public/villages/%d/lists?quarter=%s", gc, bad), "", nil); r.status != http.StatusBadRequest {
			t.Errorf("quarter %q: %d %s", bad, r.status, r.raw)
		}
	}

	// A dividend over the month shares by the same net points: the penalty lowers 陈永红's share.
	div := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/dividends", gc), e.login("13800000001"),
		map[string]any{"title": "分红", "amount_fen": 100000, "from": month, "to": month})
	if div.status != http.StatusCreated {
		t.Fatalf("dividend: %d %s", div.status, div.raw)
	}
	for _, sh := range div.body["shares"].([]any) {
		if row := sh.(map[string]any); num(row["household_id"]) == chen && num(row["points"]) != base-20 {
			t.Errorf("陈永红's dividend share counts %v points, not %d (base less the penalty)", row["points"], base-20)
		}
	}
}

// Star households of a year: the clerk proposes those who meet the rule book's criteria (100
// points, no black-list penalty: 杨光明 with his reward, not 陈永红 with his penalty), they go on
// the notice, a villager of another household objects, the supervision answers, and after the
// notice they stand confirmed; nobody objects to their own household's star.
func TestStarHouseholds(t *testing.T) {
	t.Parallel()
	e, gc, _, _ := postedMonth(t, "P01", "R03", "R03")
	yang := e.householdOf("13800000014")
	now := e.app.Now().In(calendar.Zone())
	year := now.Year()
	clerk := e.login("13800000001")
	path := fmt.Sprintf("/api/v1/villages/%d/stars", gc)
	if r := e.call("POST", path, e.login("13800000010"), map[string]any{"year": year}); r.status != http.StatusForbidden {
		t.Errorf("a villager proposed stars: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", path, clerk, map[string]any{"year": 1999}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("year 1999: %d %s", r.status, r.raw)
	}
	proposed := e.call("POST", path, clerk, map[string]any{"year": year})
	stars, _ := proposed.body["stars"].([]any)
	if proposed.status != http.StatusCreated || len(stars) != 1 || num(stars[0].(map[string]any)["household_id"]) != yang {
		t.Fatalf("stars proposed: %d %s (only 杨光明: 陈永红 has a black-list penalty)", proposed.status, proposed.raw)
	}
	if r := e.call("POST", path, clerk, map[string]any{"year": year}); r.status != http.StatusConflict || r.code() != "stars_already_evaluated" {
		t.Errorf("a second evaluation: %d %s", r.status, r.raw)
	}
	star := num(stars[0].(map[string]any)["id"])
	object := func(phone string) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/stars/%d/objections", star), e.login(phone), map[string]any{"reason": "门前乱堆放"})
	}
	if r := object("13800000014"); r.status != http.StatusForbidden {
		t.Errorf("his own household objected: %d %s", r.status, r.raw)
	}
	if r := object("13800000210"); r.status != http.StatusForbidden {
		t.Errorf("another village's villager objected: %d %s", r.status, r.raw)
	}
	if r := object("13800000013"); r.status != http.StatusOK || r.body["status"] != "objected" {
		t.Fatalf("object: %d %s", r.status, r.raw)
	}
	answer := func(tok string) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/stars/%d/answer", star), tok, map[string]any{"upheld": false, "answer": "已核实，属实整改"})
	}
	if r := answer(clerk); r.status != http.StatusForbidden {
		t.Errorf("the clerk answered: %d %s", r.status, r.raw)
	}
	if r := answer(e.login("13800000003")); r.status != http.StatusOK || r.body["status"] != "noticed" {
		t.Fatalf("the supervisor answers: %d %s", r.status, r.raw)
	}
	public := func() map[string]any {
		r := e.call("GET", fmt.Sprintf("/api/v1/public/villages/%d/stars?year=%d", gc, year), "", nil)
		list, _ := r.body["stars"].([]any)
		if r.status != http.StatusOK || len(list) != 1 {
			t.Fatalf("public stars: %d %s", r.status, r.raw)
		}
		return list[0].(map[string]any)
	}
	if s := public(); s["status"] != "noticed" || s["head"] != "杨光明" {
		t.Errorf("on notice: %v", s)
	}
	if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE star_households SET notice_until = ? WHERE id = ?`, time.Now().Add(-time.Minute), star); err != nil {
		t.Fatal(err)
	}
	if s := public(); s["status"] != "confirmed" {
		t.Errorf("after the notice: %v", s)
	}
	if r := object("13800000013"); r.status != http.StatusConflict {
		t.Errorf("an objection after the notice: %d %s", r.status, r.raw)
	}
}

// postedMonth posts last month's base points in 国茶村 with the items given registered in turn
// for 陈永红 (13) and 杨光明 (14) — P01, R03 gives 陈永红 a black-list penalty and 杨光明 a reward —
// and returns the service (its clock back at now), the village, the month and the items by code.
func postedMonth(t *testing.T, codes ...string) (*env, int64, string, func(string) int64) {
	t.Helper()
	var back atomic.Int64
	back.Store(int64(time.Since(time.Now().AddDate(0, -1, 0))))
	e := newEnv(t, app.Options{Clock: func() time.Time { return time.Now().Add(-time.Duration(back.Load())) }})
	gc := e.village("国茶村")
	month := e.app.Now().In(calendar.Zone()).Format("2006-01")
	item := func(code string) int64 {
		return e.id(`SELECT i.id FROM rule_items i JOIN rule_books b ON b.id = i.rule_book_id WHERE b.village_id = ? AND b.status = 'adopted' AND i.code = ?`, gc, code)
	}
	who := []int64{e.householdOf("13800000013"), e.householdOf("13800000014")}
	e.postBasePoints(gc, month, e.app.Now(), func(clerk string) {
		for i, code := range codes {
			r := e.call("POST", "/api/v1/entries", clerk, map[string]any{"rule_item_id": item(code), "household_id": who[i%2],
				"reason": "第三组", "evidence": "现场照片"})
			if r.status != http.StatusCreated {
				t.Fatalf("register %s: %d %s", code, r.status, r.raw)
			}
		}
	})
	back.Store(0)
	return e, gc, month, item
}
