package httpapi_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"

	"pointsmarket/internal/app"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/demo"
)

// A villager who forgot the password goes to the village office: the clerk gives a one-time
// password, the villager's devices are logged out, and the next login must choose a new one. The
// clerk cannot reset their own password, an official's (the township does), or another village's;
// every reset is in the audit log and alerts the supervisors, since the clerk could use it.
func TestOfficeResetsAForgottenPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	clerk, admin, sup := e.login("13800000001"), e.login("13800000000"), e.login("13800000003")
	villager := e.login("13800000013")
	person := e.id(`SELECT id FROM people WHERE phone = '13800000013'`)
	reset := func(token string, id int64) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/people/%d/password-reset", id), token, nil)
	}

	r := reset(clerk, person)
	if r.status != http.StatusOK || r.body["must_change_password"] != true {
		t.Fatalf("clerk resets a villager: %d %s", r.status, r.raw)
	}
	once := r.body["one_time_password"].(string)
	if !regexp.MustCompile(`^\d{8}$`).MatchString(once) {
		t.Fatalf("one-time password %q: want 8 digits", once)
	}
	if again := reset(clerk, person).body["one_time_password"]; again == once {
		t.Errorf("two resets gave the same one-time password %q", once)
	} else {
		once = again.(string) // the newest one counts
	}
	if me := e.call("GET", "/api/v1/me", villager, nil); me.status != http.StatusUnauthorized {
		t.Errorf("the villager's old session after a reset: %d", me.status)
	}
	login := func(password string) reply {
		return e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000013", "password": password})
	}
	if old := login(demo.Password); old.status != http.StatusUnauthorized {
		t.Errorf("the forgotten password still works: %d %s", old.status, old.raw)
	}
	in := login(once)
	if in.status != http.StatusOK || in.body["user"].(map[string]any)["must_change_password"] != true {
		t.Fatalf("login with the one-time password: %d %s", in.status, in.raw)
	}
	token := in.body["token"].(string)
	if ch := e.call("POST", "/api/v1/auth/password", token, map[string]string{"current_password": once, "new_password": "my-own-pass-9"}); ch.status != http.StatusOK {
		t.Fatalf("choosing a new password: %d %s", ch.status, ch.raw)
	}
	if again := login("my-own-pass-9"); again.status != http.StatusOK || again.body["user"].(map[string]any)["must_change_password"] != false {
		t.Errorf("login with the new password: %d %s", again.status, again.raw)
	}

	// Who may not.
	for _, c := range []struct {
		who    string
		token  string
		person int64
		status int
		code   string
	}{
		{"the clerk, their own", clerk, e.id(`SELECT id FROM people WHERE phone = '13800000001'`), http.StatusForbidden, "self_act_forbidden"},
		{"the clerk, the supervisor's", clerk, e.id(`SELECT id FROM people WHERE phone = '13800000003'`), http.StatusForbidden, "reset_official_forbidden"},
		{"another village's clerk", e.login("13800000201"), person, http.StatusForbidden, "forbidden"},
		{"a villager, a neighbour's", e.login("13800000010"), person, http.StatusForbidden, "forbidden"},
		{"the supervisor, a villager's", sup, person, http.StatusForbidden, "forbidden"},
		{"the clerk, nobody's", clerk, 999999, http.StatusNotFound, "not_found"},
	} {
		if r := reset(c.token, c.person); r.status != c.status || r.code() != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.who, r.status, r.raw, c.status, c.code)
		}
	}
	// The township resets an official's.
	supReset := reset(admin, e.id(`SELECT id FROM people WHERE phone = '13800000003'`))
	if supReset.status != http.StatusOK {
		t.Fatalf("the township resets the supervisor: %d %s", supReset.status, supReset.raw)
	}
	gc := e.village("国茶村")
	if rules := e.alertRules(admin, gc); !slices.Contains(rules, "password_reset") {
		t.Errorf("alerts after resets: %v", rules)
	}
	// The admin who reset the supervisor's password cannot handle that alert, nor can the supervisor
	// (whoever read the password out could be logged in as them): it waits for someone else.
	supervisor := e.id(`SELECT id FROM people WHERE phone = '13800000003'`)
	// The admin, who read the one-time password, logs in as the supervisor: the very case.
	asSup := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000003", "password": supReset.body["one_time_password"].(string)})
	sup = asSup.body["token"].(string)
	if ch := e.call("POST", "/api/v1/auth/password", sup, map[string]string{"current_password": supReset.body["one_time_password"].(string), "new_password": "taken-over-1"}); ch.status != http.StatusOK {
		t.Fatalf("password change as the supervisor: %d %s", ch.status, ch.raw)
	}
	alerts := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/alerts", gc), admin, nil).body["alerts"].([]any)
	handled := 0
	for _, x := range alerts {
		a := x.(map[string]any)
		if a["rule"] != "password_reset" {
			continue
		}
		ack := func(token string) reply {
			return e.call("POST", fmt.Sprintf("/api/v1/alerts/%d/acknowledgement", num(a["id"])), token, map[string]any{})
		}
		if num(a["subject_id"]) == supervisor {
			for who, token := range map[string]string{"the admin who reset it": admin, "the supervisor it is about": sup} {
				if r := ack(token); r.status != http.StatusForbidden || r.code() != "own_alert" {
					t.Errorf("%s acknowledges the alert: %d %s", who, r.status, r.raw)
				}
			}
			continue
		}
		if r := ack(sup); r.status != http.StatusOK { // a villager's reset, by the clerk
			t.Errorf("the supervisor acknowledges the alert of a villager's reset: %d %s", r.status, r.raw)
		}
		handled++
	}
	if handled != 2 {
		t.Errorf("alerts of the villager's two resets: %d, want 2", handled)
	}
	log := e.call("GET", fmt.Sprintf("/api/v1/audit?village_id=%d&action=auth.password_reset", gc), admin, nil)
	if n := len(log.body["entries"].([]any)); n != 3 {
		t.Errorf("password resets in the audit log: %d, want 3: %s", n, log.raw)
	}
	dbtest.MustVerify(t, e.app)
}
