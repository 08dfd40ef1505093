package httpapi_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/voucher"
)

// A typed short code of another shop answers exactly like a code of nobody: it must not confirm
// that the code exists. Misses lock a shop's typed codes and alert its supervisors; the signed QR
// code keeps working and keeps its precise answers.
func TestShortCodesCannotBeEnumerated(t *testing.T) {
	t.Parallel()
	limits := voucher.DefaultShortCodeLimits()
	limits.Misses.Failures = 3
	e := newEnv(t, app.Options{ShortCodes: limits})
	villager, keeper, jyKeeper, supervisor := e.login("13800000010"), e.login("13800000002"), e.login("13800000102"), e.login("13800000003")
	shop := e.shopOf("国茶村")
	towel := e.goodsNamed(shop, "毛巾")
	o := e.order(villager, shop, towel, 1)
	code, short := o.body["code"].(string), o.body["short_code"].(string)

	foreign := e.call("POST", "/api/v1/counter/scan", jyKeeper, map[string]string{"code": short})
	unknown := e.call("POST", "/api/v1/counter/scan", jyKeeper, map[string]string{"code": "00000001"})
	if foreign.status != http.StatusBadRequest || foreign.code() != "voucher_invalid" || foreign.raw != unknown.raw {
		t.Fatalf("another shop's short code: %d %s; unknown code: %s", foreign.status, foreign.raw, unknown.raw)
	}
	if r := e.call("POST", "/api/v1/counter/scan", jyKeeper, map[string]string{"code": code}); r.status != http.StatusForbidden || r.code() != "voucher_wrong_shop" {
		t.Errorf("another shop's signed code: %d %s", r.status, r.raw)
	}

	for _, guess := range []string{"00000002", "00000003", "00000004"} {
		if r := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": guess}); r.code() != "voucher_invalid" {
			t.Fatalf("guess %s: %d %s", guess, r.status, r.raw)
		}
	}
	r := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": short})
	if r.status != http.StatusTooManyRequests || r.code() != "short_code_throttled" || r.header.Get("Retry-After") == "" {
		t.Fatalf("typed code after the misses: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": code}); r.status != http.StatusOK {
		t.Fatalf("the QR code while typed codes are locked: %d %s", r.status, r.raw)
	}
	if rules := e.alertRules(supervisor, e.village("国茶村")); !slices.Contains(rules, "short_code_misses") {
		t.Errorf("alerts after a burst of misses: %v", rules)
	}
}

func TestShortCodesAreThrottledPerShopkeeper(t *testing.T) {
	t.Parallel()
	limits := voucher.DefaultShortCodeLimits()
	limits.PerPerson = 3
	e := newEnv(t, app.Options{ShortCodes: limits, Auth: ptr(auth.DefaultConfig())})
	villager, keeper := e.login("13800000010"), e.login("13800000002")
	shop := e.shopOf("国茶村")
	short := e.order(villager, shop, e.goodsNamed(shop, "毛巾"), 1).body["short_code"].(string)
	for i := range 3 {
		if r := e.call("POST", "/api/v1/counter/scan", keeper, map[string]string{"code": short}); r.status != http.StatusOK {
			t.Fatalf("typed code %d: %d %s", i+1, r.status, r.raw)
		}
	}
	r := e.call("POST", "/api/v1/counter/scan", keeper, map[string]string{"code": short})
	if wait := num(r.body["error"].(map[string]any)["details"].(map[string]any)["retry_after_seconds"]); r.code() != "short_code_throttled" || wait < 1 || wait > int64(time.Minute/time.Second) {
		t.Fatalf("fourth typed code within a minute: %d %s", r.status, r.raw)
	}
}
