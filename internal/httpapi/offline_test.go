package httpapi_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/dbtest"
)

// A counter with no link: the shop's device holds its shop's offline key (not the service's
// secret) and checks with it the tag on its vouchers' QR codes; the redemptions it made are synced
// with their own Idempotency-Keys, once however often the sync repeats; a voucher cancelled
// meanwhile, or a forged code, is refused at sync and left for the supervisors in the audit log.
func TestOfflineCounterSync(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager, keeper, supervisor := e.login("13800000010"), e.login("13800000002"), e.login("13800000003")
	shop := e.shopOf("国茶村")
	towel := e.goodsNamed(shop, "毛巾")

	k := e.call("GET", "/api/v1/counter/offline-key", keeper, nil)
	key, err := base64.StdEncoding.DecodeString(fmt.Sprint(k.body["key"]))
	if k.status != 200 || err != nil || len(key) != 32 || num(k.body["shop_id"]) != shop {
		t.Fatalf("the shop's offline key: %d %s", k.status, k.raw)
	}
	if r := e.call("GET", "/api/v1/counter/offline-key", e.login("13800000102"), nil); r.status != 200 || r.body["key"] == k.body["key"] {
		t.Errorf("another shop's key: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/counter/offline-key", villager, nil); r.status != http.StatusForbidden {
		t.Errorf("a villager got a shop key: %d", r.status)
	}

	order := func() (int64, string) {
		r := e.order(villager, shop, towel, 1)
		if r.status != http.StatusCreated {
			t.Fatalf("order: %d %s", r.status, r.raw)
		}
		return num(r.body["id"]), r.body["code"].(string)
	}
	_, code := order()
	// What the device checks with nothing but the key: the tag over the online code and the payload.
	online, tail, _ := strings.Cut(code, "/")
	body, tag, _ := strings.Cut(tail, ".")
	b32 := base32.StdEncoding.WithPadding(base32.NoPadding)
	payload, _ := b32.DecodeString(body)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(online))
	m.Write(payload)
	if b32.EncodeToString(m.Sum(nil)[:10]) != tag {
		t.Fatalf("the QR's offline tag does not verify with the shop's key: %s", code)
	}

	sync := func(code, key string) reply {
		return e.call("POST", "/api/v1/counter/redeem", keeper, map[string]any{"code": code, "offline_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)},
			"Idempotency-Key", key)
	}
	first := sync(code, "offline-1")
	again := sync(code, "offline-1") // the answer was lost: the device syncs it again
	if first.status != 200 || again.status != 200 || num(again.body["redemption_id"]) != num(first.body["redemption_id"]) {
		t.Fatalf("sync twice: %d %s / %d %s", first.status, first.raw, again.status, again.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM redemptions WHERE voucher_id IS NOT NULL`); n != 1 {
		t.Errorf("%d redemptions after a repeated sync, want 1", n)
	}

	cancelled, code2 := order()
	if r := e.call("POST", fmt.Sprintf("/api/v1/vouchers/%d/cancel", cancelled), villager, nil); r.status != 200 {
		t.Fatalf("cancel: %d", r.status)
	}
	if r := sync(code2, "offline-2"); r.code() != "voucher_cancelled" {
		t.Errorf("a voucher cancelled before the sync: %d %s", r.status, r.raw)
	}
	_, code3 := order()
	forged := code3[:len(code3)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(code3, "AA")]
	if r := sync(forged, "offline-3"); r.code() != "voucher_invalid" {
		t.Errorf("a forged offline code: %d %s", r.status, r.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM audit_log WHERE action = 'access.refused' AND after_data LIKE '%offline sync%'`); n != 2 {
		t.Errorf("%d offline sync refusals audited, want 2", n)
	}
	feed := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/feed", e.village("国茶村")), supervisor, nil)
	if !strings.Contains(feed.raw, "offline sync") || !strings.Contains(feed.raw, "voucher_cancelled") {
		t.Errorf("the supervisors' feed does not show the refused sync: %.600s", feed.raw)
	}
	dbtest.MustVerify(t, e.app)
}
