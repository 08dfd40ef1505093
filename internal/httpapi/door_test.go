package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"pointsmarket/internal/app"
	"pointsmarket/internal/demo"
)

// A cross-site form can post text/plain, form data or a typeless body without a preflight;
// only a body declared JSON is read, on the login and on every other JSON endpoint.
func TestOnlyJSONBodiesAreRead(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	creds := fmt.Sprintf(`{"phone":"13800000010","password":%q}`, demo.Password)
	for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		if r := e.call("POST", "/api/v1/auth/login", "", creds, "Content-Type", ct); r.status != http.StatusUnsupportedMediaType || r.code() != "unsupported_media_type" {
			t.Errorf("login as %q: %d %s", ct, r.status, r.raw)
		}
	}
	if r := e.call("POST", "/api/v1/auth/login", "", creds, "Content-Type", "application/json; charset=utf-8"); r.status != http.StatusOK {
		t.Fatalf("login as JSON with a charset: %d %s", r.status, r.raw)
	}
	tok := e.login("13800000010")
	order := fmt.Sprintf(`{"shop_id":%d,"items":[{"goods_id":%d,"quantity":1}]}`, e.id(`SELECT id FROM shops WHERE name = '国茶村便民超市'`),
		e.id(`SELECT g.id FROM goods g JOIN shops s ON s.id = g.shop_id WHERE s.name = '国茶村便民超市' ORDER BY g.points LIMIT 1`))
	if r := e.call("POST", "/api/v1/vouchers", tok, order, "Content-Type", "text/plain"); r.status != http.StatusUnsupportedMediaType {
		t.Errorf("voucher order as text/plain: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", "/api/v1/vouchers", tok, order); r.status != http.StatusCreated {
		t.Errorf("voucher order as JSON: %d %s", r.status, r.raw)
	}
}

// A person given an initial password by the office can do nothing but change it.
func TestInitialPasswordMustBeChangedFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	clerk := e.login("13800000001")
	household := e.householdOf("13800000010")
	r := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/people", e.village("国茶村")), clerk,
		map[string]any{"name": "刘小新", "phone": "+86 139-0000-0077", "household_id": household, "initial_password": "initial-2026"})
	if r.status != http.StatusCreated || r.body["phone"] != "13900000077" {
		t.Fatalf("create person: %d %s", r.status, r.raw)
	}
	login := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13900000077", "password": "initial-2026"})
	if login.status != http.StatusOK || login.body["user"].(map[string]any)["must_change_password"] != true {
		t.Fatalf("first login: %d %s", login.status, login.raw)
	}
	tok := login.body["token"].(string)
	if me := e.call("GET", "/api/v1/me", tok, nil); me.status != http.StatusOK {
		t.Fatalf("/me before the change: %d %s", me.status, me.raw)
	}
	for _, c := range []struct{ method, path string }{{"GET", "/api/v1/shops"}, {"POST", "/api/v1/vouchers"}, {"GET", "/api/v1/member-code"},
		{"GET", fmt.Sprintf("/api/v1/households/%d", household)}} {
		if r := e.call(c.method, c.path, tok, map[string]any{}); r.status != http.StatusForbidden || r.code() != "password_change_required" {
			t.Errorf("%s %s before the change: %d %s", c.method, c.path, r.status, r.raw)
		}
	}
	if r := e.call("POST", "/api/v1/auth/password", tok, map[string]string{"current_password": "initial-2026", "new_password": "my-own-pass-77"}); r.status != http.StatusOK {
		t.Fatalf("change: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/shops", tok, nil); r.status != http.StatusOK {
		t.Errorf("after the change: %d %s", r.status, r.raw)
	}
}

// A shop's owner phone is for those who manage its village and for its shopkeepers, not for
// every logged-in villager of the township.
func TestShopOwnerPhoneOnlyForItsManagers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	shop := e.shopOf("国茶村")
	path := fmt.Sprintf("/api/v1/shops/%d", shop)
	for phone, sees := range map[string]bool{
		"13800000001": true, "13800000000": true, "13800000002": true, // clerk, township admin, its shopkeeper
		"13800000010": false, "13800000110": false, "13800000101": false, "13800000003": false, // villagers, another clerk, a supervisor
	} {
		tok := e.login(phone)
		r := e.call("GET", path, tok, nil)
		if r.status != http.StatusOK {
			t.Fatalf("%s reads the shop: %d %s", phone, r.status, r.raw)
		}
		if got := r.body["phone"] == "13800000002"; got != sees {
			t.Errorf("%s sees the owner's phone: %v, want %v (%s)", phone, got, sees, r.raw)
		}
		list := e.call("GET", "/api/v1/shops", tok, nil)
		if strings.Contains(list.raw, "13800000002") != sees && strings.Contains(list.raw, fmt.Sprintf(`"id":%d`, shop)) {
			t.Errorf("%s lists the shop with the owner's phone: %s", phone, list.raw)
		}
	}
}
