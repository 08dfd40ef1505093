package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"testing"
	"time"

	"pointsmarket/internal/alert"
	"pointsmarket/internal/app"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/dbtest"
)

func (e *env) alertRules(token string, village int64) []string {
	e.t.Helper()
	r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/alerts", village), token, nil)
	if r.status != http.StatusOK {
		e.t.Fatalf("alerts: %d %s", r.status, r.raw)
	}
	var rules []string
	for _, a := range r.body["alerts"].([]any) {
		rules = append(rules, a.(map[string]any)["rule"].(string))
	}
	sort.Strings(rules)
	return rules
}

func TestRiskAlertsFireOnCraftedCasesAndStayQuietOtherwise(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc, shop := e.village("国茶村"), e.shopOf("国茶村")
	clerk, sup, villager, keeper := e.login("13800000001"), e.login("13800000003"), e.login("13800000010"), e.login("13800000002")
	thresholds := func(th map[string]int64) {
		t.Helper()
		if r := e.call("PUT", fmt.Sprintf("/api/v1/villages/%d/alert-thresholds", gc), sup, th); r.status != http.StatusOK {
			t.Fatalf("thresholds: %d %s", r.status, r.raw)
		}
	}
	if r := e.call("PUT", fmt.Sprintf("/api/v1/villages/%d/alert-thresholds", gc), clerk, map[string]int64{"open_hour": 0}); r.status != http.StatusForbidden {
		t.Errorf("a clerk tunes the alerts that watch clerks: %d", r.status)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/alerts", gc), clerk, nil); r.status != http.StatusForbidden {
		t.Errorf("a clerk reads alerts: %d", r.status)
	}
	thresholds(map[string]int64{"open_hour": 0, "close_hour": 24})
	item := func(code string) int64 {
		return e.id(`SELECT i.id FROM rule_items i JOIN rule_books b ON b.id = i.rule_book_id WHERE b.village_id = ? AND b.status = 'adopted' AND i.code = ?`, gc, code)
	}
	register := func(token string, household int64, code string) reply {
		t.Helper()
		r := e.call("POST", "/api/v1/entries", token, map[string]any{"rule_item_id": item(code), "household_id": household, "reason": "测试"})
		if r.status != http.StatusCreated {
			t.Fatalf("register: %d %s", r.status, r.raw)
		}
		return r
	}
	redeem := func() int64 {
		t.Helper()
		code := e.order(villager, shop, e.goodsNamed(shop, "肥皂"), 1).body["code"].(string)
		r := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": code})
		if r.status != http.StatusOK {
			t.Fatalf("redeem: %d %s", r.status, r.raw)
		}
		return num(r.body["redemption_id"])
	}

	// Normal activity: one entry for another household, one redemption.
	register(clerk, e.householdOf("13800000013"), "R01")
	redeem()
	if rules := e.alertRules(sup, gc); len(rules) != 0 {
		t.Fatalf("alerts on normal activity: %v", rules)
	}

	// A clerk registering points for their own household (13800000012 made clerk for it).
	committee := e.id(`SELECT id FROM people WHERE phone = '13800000012'`)
	e.call("POST", fmt.Sprintf("/api/v1/people/%d/roles", committee), e.login("13800000000"), map[string]any{"role": "clerk"})
	register(e.login("13800000012"), e.householdOf("13800000012"), "R01")
	// An item brought to its cap (R01: 20 points, 60 a month).
	other := e.householdOf("13800000014")
	for range 3 {
		register(clerk, other, "R01")
	}
	// Counter rules, with low thresholds: volume, hours, one household often, reversals.
	thresholds(map[string]int64{"shop_volume_min": 2, "shop_volume_factor": 1, "open_hour": 0, "close_hour": 0, "household_frequency": 2, "reversal_min": 1, "reversal_share_pct": 20})
	r2 := redeem()
	if r := e.call("POST", fmt.Sprintf("/api/v1/counter/redemptions/%d/reverse", r2), keeper, map[string]string{"reason": "退货"}); r.status != http.StatusOK {
		t.Fatalf("reverse: %d %s", r.status, r.raw)
	}
	// Many entries by one person within an hour.
	thresholds(map[string]int64{"burst_registrations": 3})
	register(clerk, e.householdOf("13800000010"), "R02")
	// Large points just before a month closes, and a statement that does not match its
	// redemptions: both depend on dates and tampering the API cannot produce, so the rules are fed
	// the facts directly.
	ctx := dbtest.SystemCtx()
	lastDay := time.Date(2026, 11, 30, 10, 0, 0, 0, calendar.Zone())
	e.app.Alerts.OnEntry(ctx, alert.EntryFacts{ID: 999, VillageID: gc, Points: 500, Registrar: auth.Principal{PersonID: 1}, ByOfficial: true, At: lastDay})
	e.app.Alerts.OnEntry(ctx, alert.EntryFacts{ID: 998, VillageID: gc, Points: 500, Registrar: auth.Principal{PersonID: 1}, ByOfficial: true, At: lastDay.AddDate(0, 0, -10)})
	if _, err := e.app.DB.ExecContext(t.Context(), `INSERT INTO settlements (village_id, shop_id, period, status, total_points, total_fen,
		fund_before_fen, over_fund, generated_by, generated_at) VALUES (?, ?, '2026-01', 'generated', 1, 12345, 0, 0, 0, NOW(6))`, gc, shop); err != nil {
		t.Fatal(err)
	}
	forged := e.id(`SELECT id FROM settlements WHERE period = '2026-01'`)
	e.app.Alerts.OnSettlement(ctx, forged, gc)

	want := []string{alert.AtCap, alert.BurstRegistrations, alert.HouseholdFrequency, alert.MonthEndGrant, alert.OffHours,
		alert.ReversalShare, alert.RoleChange, alert.SelfAward, alert.SettlementMismatch, alert.ShopVolume} // role_change: 13800000012 made clerk
	got := e.alertRules(sup, gc)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("alerts = %v\nwant     %v", got, want)
	}

	// Handling: acknowledged, then resolved with a note — audited.
	id := num(e.call("GET", fmt.Sprintf("/api/v1/villages/%d/alerts?status=open", gc), sup, nil).body["alerts"].([]any)[0].(map[string]any)["id"])
	if r := e.call("POST", fmt.Sprintf("/api/v1/alerts/%d/resolution", id), sup, map[string]string{"note": "已核实"}); r.code() != "alert_wrong_step" {
		t.Errorf("resolving before acknowledging: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/alerts/%d/acknowledgement", id), sup, map[string]string{}); r.body["status"] != "acknowledged" {
		t.Fatalf("acknowledge: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/alerts/%d/resolution", id), sup, map[string]string{"note": "已核实，属正常"}); r.body["status"] != "resolved" {
		t.Fatalf("resolve: %d %s", r.status, r.raw)
	}
	var audited int
	if err := e.app.DB.GetContext(t.Context(), &audited, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'alert' AND object_id = ?`, id); err != nil || audited != 3 {
		t.Errorf("audit entries of the alert: %d (%v), want raise, acknowledge, resolve", audited, err)
	}
	// The feed shows the redemptions and the reversal, and who was made clerk.
	feed := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/feed", gc), sup, nil)
	actions := map[string]int{}
	for _, x := range feed.body["feed"].([]any) {
		actions[x.(map[string]any)["action"].(string)]++
	}
	if n := actions["counter.redeem"] + actions["counter.checkout"] + actions["counter.reverse"]; n != 3 || actions["role.grant"] == 0 {
		t.Errorf("feed: %v, want 2 redemptions, 1 reversal and the clerk's appointment", actions)
	}
}

// A group leader who registers points for his own household is watched like a clerk: the entry is
// reviewed by others anyway, and the supervisors are told.
func TestGroupLeaderRegisteringForHisHouseholdIsAlerted(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc := e.village("国茶村")
	item := e.id(`SELECT i.id FROM rule_items i JOIN rule_books b ON b.id = i.rule_book_id WHERE b.village_id = ? AND b.status = 'adopted' AND i.code = 'R01'`, gc)
	leader := e.login("13800000014")
	r := e.call("POST", "/api/v1/entries", leader, map[string]any{"rule_item_id": item, "household_id": e.householdOf("13800000014"), "reason": "给本户加分"})
	if r.status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.status, r.raw)
	}
	if rules := e.alertRules(e.login("13800000003"), gc); !slices.Contains(rules, alert.SelfAward) {
		t.Fatalf("alerts after a group leader scored his own household: %v", rules)
	}
}
