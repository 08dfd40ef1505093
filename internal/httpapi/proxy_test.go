package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"pointsmarket/internal/app"
	"pointsmarket/internal/dbtest"
)

// 代办: 张建国's household names a neighbour with a login of his own as its proxy, with a monthly
// ceiling; the proxy takes a voucher on the household's points (marked as a proxy's in the
// household's history, and the household is told), is refused above the ceiling, cannot take a
// member code for it, and nothing once revoked. Nobody who was not named redeems for it, and the
// clerk never names himself.
func TestProxies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager, neighbour, clerk, stranger := e.login("13800000010"), e.login("13800000013"), e.login("13800000001"), e.login("13800000014")
	household := e.householdOf("13800000010")
	neighbourID := e.id(`SELECT id FROM people WHERE phone = '13800000013'`)
	base := fmt.Sprintf("/api/v1/households/%d/proxies", household)
	shop := e.shopOf("国茶村")
	towel := e.goodsNamed(shop, "毛巾")
	account := e.id(`SELECT id FROM accounts WHERE kind = 'household' AND owner_id = ?`, household)
	order := func(token string, qty int) reply {
		return e.call("POST", "/api/v1/vouchers", token, map[string]any{"shop_id": shop, "account_id": account, "items": []map[string]any{{"goods_id": towel, "quantity": qty}}},
			"Idempotency-Key", fmt.Sprintf("proxy-%s-%d", token[:8], qty))
	}
	if r := order(neighbour, 1); r.status != http.StatusForbidden {
		t.Fatalf("a neighbour not named took a voucher on the household: %d %s", r.status, r.raw)
	}
	for _, c := range []struct {
		name, token string
		body        map[string]any
		status      int
	}{
		{"by a stranger", stranger, map[string]any{"person_id": neighbourID}, 403},
		{"the clerk himself", clerk, map[string]any{"person_id": e.id(`SELECT id FROM people WHERE phone = '13800000001'`)}, 403},
		{"a member of the household", villager, map[string]any{"person_id": e.id(`SELECT id FROM people WHERE phone = '13800000010'`)}, 422},
		{"a ceiling of nothing", villager, map[string]any{"person_id": neighbourID, "monthly_ceiling": 0}, 422},
	} {
		if r := e.call("POST", base, c.token, c.body); r.status != c.status {
			t.Errorf("name a proxy %s: %d %s, want %d", c.name, r.status, r.raw, c.status)
		}
	}
	towelPoints := e.id(`SELECT points FROM goods WHERE id = ?`, towel)
	if r := e.call("POST", base, villager, map[string]any{"phone": "13800000999"}); r.code() != "person_not_found" {
		t.Errorf("a phone nobody logs in with: %d %s", r.status, r.raw)
	}
	named := e.call("POST", base, villager, map[string]any{"phone": "138 0000 0013", "monthly_ceiling": towelPoints * 2})
	if named.status != 201 || num(named.body["person_id"]) != neighbourID || !strings.Contains(named.body["name"].(string), "*") {
		t.Fatalf("name by phone (the name masked): %d %s", named.status, named.raw)
	}
	if r := e.call("POST", base, villager, map[string]any{"person_id": neighbourID}); r.code() != "proxy_exists" {
		t.Errorf("named twice: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/me/proxy-for", neighbour, nil); len(r.body["households"].([]any)) != 1 {
		t.Errorf("the proxy's households: %s", r.raw)
	}

	v := order(neighbour, 1)
	if v.status != 201 {
		t.Fatalf("the proxy's voucher: %d %s", v.status, v.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/vouchers/%d", num(v.body["id"])), neighbour, nil); r.body["proxy"] != true || r.body["code"] == nil {
		t.Errorf("the proxy's voucher is marked and his to show: %s", r.raw)
	}
	if r := order(neighbour, 2); r.code() != "proxy_ceiling_exceeded" {
		t.Errorf("above the monthly ceiling: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/member-code?account_id=%d", account), neighbour, nil); r.status != http.StatusForbidden {
		t.Errorf("a proxy took a member code on the household: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", "/api/v1/counter/redeem", e.login("13800000002"), map[string]string{"code": v.body["code"].(string)}); r.status != 200 {
		t.Fatalf("the counter redeems the proxy's voucher: %d %s", r.status, r.raw)
	}
	feed := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/feed", e.village("国茶村")), e.login("13800000003"), nil)
	if !strings.Contains(feed.raw, `\"proxy\":true`) && !strings.Contains(feed.raw, `"proxy":true`) {
		t.Errorf("the supervision feed does not mark the proxy's redemption: %.600s", feed.raw)
	}
	hist := e.call("GET", fmt.Sprintf("/api/v1/accounts/%d/history", account), villager, nil)
	if !strings.Contains(hist.raw, "代办") {
		t.Errorf("the household's history does not say a proxy took it: %.400s", hist.raw)
	}
	if r := e.call("GET", "/api/v1/me/notifications", villager, nil); !strings.Contains(r.raw, "代办") {
		t.Errorf("the household was not told: %.400s", r.raw)
	}
	if r := e.call("GET", base, villager, nil); r.status != 200 || num(r.body["proxies"].([]any)[0].(map[string]any)["spent_this_month"]) != towelPoints {
		t.Errorf("the household's proxies with what each took: %s", r.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/proxies/%d/revocation", num(named.body["id"])), stranger, nil); r.status != 403 {
		t.Errorf("a stranger revoked: %d", r.status)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/proxies/%d/revocation", num(named.body["id"])), villager, nil); r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", "/api/v1/vouchers", neighbour, map[string]any{"shop_id": shop, "account_id": account, "items": []map[string]any{{"goods_id": towel, "quantity": 1}}}); r.status != http.StatusForbidden {
		t.Errorf("a revoked proxy took a voucher: %d %s", r.status, r.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM audit_log WHERE action IN ('proxy.name', 'proxy.revoke')`); n != 2 {
		t.Errorf("%d proxy audit entries, want 2", n)
	}
	if n := e.id(`SELECT COUNT(*) FROM alerts WHERE rule = 'proxy_by_office'`); n != 0 {
		t.Errorf("%d alerts for a proxy the household named itself", n)
	}
	// The clerk, acting alone, lets a neighbour spend another household's points: allowed (a
	// household without a phone has only the office), and the supervisors are alerted at once.
	other := e.householdOf("13800000013")
	if r := e.call("POST", fmt.Sprintf("/api/v1/households/%d/proxies", other), clerk, map[string]any{"phone": "13800000014"}); r.status != 201 {
		t.Fatalf("the office names a proxy: %d %s", r.status, r.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM alerts WHERE rule = 'proxy_by_office' AND subject_id = ?`, other); n != 1 {
		t.Errorf("%d alerts for a proxy the office named, want 1", n)
	}
	dbtest.MustVerify(t, e.app)
}
