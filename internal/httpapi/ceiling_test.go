package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"pointsmarket/internal/app"
)

// A member code takes points at once: one checkout and one household's day are capped, at the
// defaults until the clerk proposes ceilings and a supervisor approves them; the villager's phone
// lists each checkout as it happens.
func TestMemberCodeCeilings(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager, keeper, clerk, sup := e.login("13800000010"), e.login("13800000002"), e.login("13800000001"), e.login("13800000003")
	village, shop := e.village("国茶村"), e.shopOf("国茶村")
	rice := e.goodsNamed(shop, "大米（10公斤）") // 55 points
	checkout := func(bags int) reply {
		code := e.call("GET", "/api/v1/member-code", villager, nil).body["code"].(string)
		return e.call("POST", "/api/v1/counter/checkout", keeper, map[string]any{"code": code, "items": []map[string]any{{"goods_id": rice, "quantity": bags}}})
	}
	before, _ := e.available(villager, "household")
	if r := checkout(4); r.status != http.StatusConflict || r.code() != "checkout_over_ceiling" {
		t.Fatalf("220 points in one checkout under the default 200: %d %s", r.status, r.raw)
	}
	first := checkout(3)
	if first.status != http.StatusOK {
		t.Fatalf("165 points: %d %s", first.status, first.raw)
	}
	if r := checkout(3); r.status != http.StatusOK {
		t.Fatalf("330 points today: %d %s", r.status, r.raw)
	}
	if r := checkout(2); r.status != http.StatusConflict || r.code() != "daily_ceiling_exceeded" {
		t.Fatalf("440 points today under the default 400: %d %s", r.status, r.raw)
	}
	if after, _ := e.available(villager, "household"); after != before-330 {
		t.Errorf("available %d → %d, want -330: a refused checkout moved points", before, after)
	}
	mine := e.call("GET", "/api/v1/me/checkouts", villager, nil)
	if list := mine.body["checkouts"].([]any); len(list) != 2 {
		t.Fatalf("my checkouts: %s", mine.raw)
	}
	if later := e.call("GET", fmt.Sprintf("/api/v1/me/checkouts?after_id=%d", num(first.body["redemption_id"])), villager, nil); len(later.body["checkouts"].([]any)) != 1 {
		t.Errorf("checkouts after the first: %s", later.raw)
	}

	path := fmt.Sprintf("/api/v1/villages/%d/checkout-ceilings", village)
	if r := e.call("POST", path, keeper, map[string]any{"per_checkout_points": 5000, "per_day_points": 9000}); r.status != http.StatusForbidden {
		t.Errorf("a shopkeeper proposes ceilings: %d", r.status)
	}
	if r := e.call("POST", path, clerk, map[string]any{"per_checkout_points": 500, "per_day_points": 100}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a day below one checkout: %d", r.status)
	}
	p := e.call("POST", path, clerk, map[string]any{"per_checkout_points": 300, "per_day_points": 1000, "note": "年货季"})
	if p.status != http.StatusCreated || p.body["status"] != "proposed" {
		t.Fatalf("propose: %d %s", p.status, p.raw)
	}
	decide := fmt.Sprintf("/api/v1/checkout-ceilings/%d/decision", num(p.body["id"]))
	if r := checkout(4); r.code() != "checkout_over_ceiling" {
		t.Errorf("a proposal is not in force before approval: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", decide, clerk, map[string]any{"approve": true}); r.status != http.StatusForbidden {
		t.Errorf("the clerk approves his own ceilings: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", decide, sup, map[string]any{"approve": true}); r.status != http.StatusOK || r.body["status"] != "approved" {
		t.Fatalf("the supervisor approves: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", decide, sup, map[string]any{"approve": false}); r.status != http.StatusConflict {
		t.Errorf("decided twice: %d", r.status)
	}
	if got := e.call("GET", path, keeper, nil); num(got.body["active"].(map[string]any)["per_checkout_points"]) != 300 {
		t.Errorf("ceilings in force: %s", got.raw)
	}
	if r := checkout(4); r.status != http.StatusOK {
		t.Errorf("220 points under the approved 300: %d %s", r.status, r.raw)
	}
}
