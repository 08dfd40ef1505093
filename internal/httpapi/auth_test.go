package httpapi_test

import (
	"net/http"
	"slices"
	"testing"

	"pointsmarket/internal/app"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/demo"
)

func TestLoginAndMe(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	cases := []struct {
		phone    string
		role     string
		kind     string
		atLeast  int64
		accounts int
	}{
		{"13800000010", "villager", "household", 5000, 1},
		{"13800000011", "representative", "representative", 500, 2},
		{"13800000001", "clerk", "", 0, 0},
		{"13800000002", "shopkeeper", "", 0, 0},
		{"13800000003", "supervisor", "", 0, 0},
		{"13800000000", "township_admin", "", 0, 0},
		{"13800000110", "villager", "household", 1000, 1},
	}
	for _, tc := range cases {
		r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": tc.phone, "password": demo.Password})
		if r.status != http.StatusOK {
			t.Fatalf("login %s: %d %s", tc.phone, r.status, r.raw)
		}
		user := r.body["user"].(map[string]any)
		roles := []string{}
		for _, x := range user["roles"].([]any) {
			roles = append(roles, x.(string))
		}
		if user["id"] == nil || user["name"] == "" || !slices.Contains(roles, tc.role) {
			t.Errorf("%s: user = %v, want role %s", tc.phone, user, tc.role)
		}
		me := e.call("GET", "/api/v1/me", r.body["token"].(string), nil)
		if me.status != http.StatusOK {
			t.Fatalf("me %s: %d %s", tc.phone, me.status, me.raw)
		}
		accounts := me.body["accounts"].([]any)
		if len(accounts) != tc.accounts {
			t.Errorf("%s has %d accounts, want %d", tc.phone, len(accounts), tc.accounts)
		}
		for _, x := range accounts {
			acc := x.(map[string]any)
			if acc["kind"] == tc.kind && num(acc["available"]) < tc.atLeast {
				t.Errorf("%s %s account available %v, want >= %d", tc.phone, tc.kind, acc["available"], tc.atLeast)
			}
			if num(acc["balance"])-num(acc["held"]) != num(acc["available"]) {
				t.Errorf("%s: available is not balance - held: %v", tc.phone, acc)
			}
		}
	}
}

func TestLoginRefusals(t *testing.T) {
	t.Parallel()
	strict := auth.DefaultConfig()
	strict.Phone.Failures, strict.Address.Failures, strict.Address.InFlight = 3, 6, 0
	e := newEnv(t, app.Options{Auth: &strict})
	wrong := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000010", "password": "guess-1234"})
	if wrong.status != http.StatusUnauthorized || wrong.code() != "invalid_credentials" {
		t.Fatalf("wrong password: %d %s", wrong.status, wrong.raw)
	}
	if left := wrong.body["error"].(map[string]any)["details"].(map[string]any)["attempts_left"]; num(left) != 2 {
		t.Errorf("attempts_left after one failure = %v, want 2", left)
	}
	unknown := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13999999999", "password": "guess-1234"})
	if unknown.status != http.StatusUnauthorized || unknown.code() != "invalid_credentials" {
		t.Fatalf("unknown phone: %d %s", unknown.status, unknown.raw)
	}
	if r := e.call("POST", "/api/v1/auth/login", "", `{"phone":`); r.status != http.StatusBadRequest {
		t.Errorf("broken JSON: %d", r.status)
	}
	if r := e.call("POST", "/api/v1/auth/login", "", `{"phone":13800000010,"password":"x"}`); r.status != http.StatusUnprocessableEntity {
		t.Errorf("number for phone: %d %s", r.status, r.raw)
	}
	// Per phone: the third failure still answers 401, the fourth attempt is refused even with the right password.
	for _, guess := range []string{"guess-5678", "guess-9012"} {
		e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000010", "password": guess})
	}
	limited := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000010", "password": demo.Password})
	if limited.status != http.StatusTooManyRequests || limited.code() != "rate_limited" || limited.header.Get("Retry-After") != "60" {
		t.Fatalf("fourth attempt on one phone: %d %s %v", limited.status, limited.raw, limited.header)
	}
	if msg := limited.body["error"].(map[string]any)["message"].(string); msg != "尝试次数过多，请1分钟后再试" {
		t.Errorf("the refusal does not say how long to wait, in Chinese by default: %q", msg)
	}
	english := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000010", "password": demo.Password},
		"Accept-Language", "en-GB,en;q=0.9,zh;q=0.5")
	if msg := english.body["error"].(map[string]any)["message"].(string); msg != "too many attempts, please try again in 1 minute" ||
		english.header.Get("Content-Language") != "en" {
		t.Errorf("asked in English, the refusal says %q (%s)", msg, english.header.Get("Content-Language"))
	}
	// Other phones from the same address are still served: the address counts failures only.
	for range 5 {
		if r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000011", "password": demo.Password}); r.status != http.StatusOK {
			t.Fatalf("another phone from the same address: %d %s", r.status, r.raw)
		}
	}
	// The address's sixth failure (across phones) locks it for every phone.
	for _, phone := range []string{"13800000001", "13800000002"} {
		e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": phone, "password": "guess-0000"})
	}
	if last := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000003", "password": demo.Password}); last.status != http.StatusTooManyRequests {
		t.Fatalf("beyond the per-address limit: %d %s", last.status, last.raw)
	}
	// Failed logins are audited.
	var n int
	if err := e.app.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login_failed'`).Scan(&n); err != nil || n < 3 {
		t.Errorf("failed logins audited: %d, %v", n, err)
	}
}

func TestCookieSessionNeedsCSRFOnWrites(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000010", "password": demo.Password})
	var session, csrf *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		switch c.Name {
		case "pm_session":
			session = c
		case "pm_csrf":
			csrf = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || csrf == nil || csrf.HttpOnly {
		t.Fatalf("cookies = %v / %v: want an HttpOnly SameSite session cookie and a readable CSRF cookie", session, csrf)
	}
	cookie := "pm_session=" + session.Value
	if me := e.call("GET", "/api/v1/me", "", nil, "Cookie", cookie); me.status != http.StatusOK {
		t.Fatalf("GET with the cookie: %d", me.status)
	}
	body := map[string]string{"current_password": "wrong-password", "new_password": "another-pass-1"}
	if w := e.call("POST", "/api/v1/auth/password", "", body, "Cookie", cookie); w.status != http.StatusForbidden || w.code() != "csrf_failed" {
		t.Fatalf("cookie POST without CSRF token: %d %s", w.status, w.raw)
	}
	if w := e.call("POST", "/api/v1/auth/password", "", body, "Cookie", cookie, "X-CSRF-Token", "forged"); w.code() != "csrf_failed" {
		t.Fatalf("cookie POST with a wrong CSRF token: %d %s", w.status, w.raw)
	}
	if w := e.call("POST", "/api/v1/auth/password", "", body, "Cookie", cookie, "X-CSRF-Token", csrf.Value); w.code() != "wrong_password" {
		t.Fatalf("cookie POST with the CSRF token reached the handler: %d %s", w.status, w.raw)
	}
}

func TestPasswordChangeAndLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	other := e.login("13800000011")
	token := e.login("13800000011")
	weak := e.call("POST", "/api/v1/auth/password", token, map[string]string{"current_password": demo.Password, "new_password": "short"})
	if weak.status != http.StatusUnprocessableEntity || weak.code() != "weak_password" {
		t.Fatalf("weak password: %d %s", weak.status, weak.raw)
	}
	ok := e.call("POST", "/api/v1/auth/password", token, map[string]string{"current_password": demo.Password, "new_password": "我的新密码-2026"})
	if ok.status != http.StatusOK {
		t.Fatalf("change password: %d %s", ok.status, ok.raw)
	}
	if r := e.call("GET", "/api/v1/me", other, nil); r.status != http.StatusUnauthorized {
		t.Errorf("other session after a password change: %d, want 401", r.status)
	}
	if r := e.call("GET", "/api/v1/me", token, nil); r.status != http.StatusOK {
		t.Errorf("this session after a password change: %d, want 200", r.status)
	}
	if r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000011", "password": demo.Password}); r.status != http.StatusUnauthorized {
		t.Errorf("old password: %d", r.status)
	}
	if r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000011", "password": "我的新密码-2026"}); r.status != http.StatusOK {
		t.Errorf("new password: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", "/api/v1/auth/logout", token, nil); r.status != http.StatusOK {
		t.Fatalf("logout: %d", r.status)
	}
	if r := e.call("GET", "/api/v1/me", token, nil); r.status != http.StatusUnauthorized || r.code() != "unauthenticated" {
		t.Errorf("after logout: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/me", "not-a-token", nil); r.status != http.StatusUnauthorized {
		t.Errorf("made-up token: %d", r.status)
	}
	var audited int
	if err := e.app.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action IN ('auth.password_change', 'auth.logout')`).Scan(&audited); err != nil || audited != 2 {
		t.Errorf("password change and logout audited: %d, %v", audited, err)
	}
}
