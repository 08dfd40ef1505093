package httpapi_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/demo"
)

// A shop tablet, the shopkeeper's phone and a family sharing a login log in all day: successful
// logins never count against the limit, one after another or at the same moment.
func TestSuccessfulLoginsAreNeverLimited(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{Auth: ptr(auth.DefaultConfig())})
	for i := range 30 {
		if r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000002", "password": demo.Password}); r.status != http.StatusOK {
			t.Fatalf("login %d of one phone: %d %s", i+1, r.status, r.raw)
		}
	}
	// A wrong password between successes is forgiven by the next success.
	for i := range 12 {
		pw := demo.Password
		if i%2 == 0 {
			pw = "typo-" + demo.Password
		}
		r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000002", "password": pw})
		if pw == demo.Password && r.status != http.StatusOK {
			t.Fatalf("success %d after a typo: %d %s", i, r.status, r.raw)
		}
	}
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = e.post("/api/v1/auth/login", map[string]string{"phone": "13800000002", "password": demo.Password})
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("concurrent login %d: %d", i, s)
		}
	}
}

// Every way of writing one phone is one person and one limiter key.
func TestPhoneSpellingsAreOnePhone(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{Auth: ptr(auth.DefaultConfig())})
	want := e.id(`SELECT id FROM people WHERE phone = '13800000210'`)
	spellings := []string{"13800000210 ", "13800000210\u3000", "１３８０００００２１０", "+8613800000210", "8613800000210", "138-0000-0210"}
	for _, s := range spellings {
		r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": s, "password": demo.Password})
		if r.status != http.StatusOK || int64(num(r.body["user"].(map[string]any)["id"])) != want {
			t.Fatalf("login as %q: %d %s", s, r.status, r.raw)
		}
	}
	for _, s := range spellings[:5] {
		if r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": s, "password": "guess-" + s}); r.status != http.StatusUnauthorized {
			t.Fatalf("wrong password as %q: %d %s", s, r.status, r.raw)
		}
	}
	if r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": spellings[5], "password": demo.Password}); r.status != http.StatusTooManyRequests {
		t.Fatalf("five failures under five spellings did not lock the one phone: %d %s", r.status, r.raw)
	}
	var masked []string
	if err := e.app.DB.SelectContext(t.Context(), &masked, `SELECT JSON_UNQUOTE(JSON_EXTRACT(after_data, '$.phone')) FROM audit_log
		WHERE action IN ('auth.login', 'auth.login_failed')`); err != nil {
		t.Fatal(err)
	}
	for _, m := range masked {
		if m != "138****0210" {
			t.Errorf("audit entry with phone %q, want the one canonical masked form", m)
		}
	}
	for _, bad := range []string{"1380000021", "138000002100", "12800000210", "phone"} {
		if r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": bad, "password": demo.Password}); r.status != http.StatusUnprocessableEntity || r.code() != "invalid_phone" {
			t.Errorf("login as %q: %d %s", bad, r.status, r.raw)
		}
	}
}

// Locks grow: five wrong guesses cost a minute, the next five five minutes. Fired together, a
// hundred guesses are not all checked before the lock.
func TestLoginLocksGrowAndBoundParallelGuesses(t *testing.T) {
	t.Parallel()
	cfg := auth.DefaultConfig()
	cfg.Phone.Failures, cfg.Phone.Penalties = 2, []time.Duration{time.Second, 3 * time.Second}
	e := newEnv(t, app.Options{Auth: &cfg})
	guess := func(phone string) reply {
		return e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": phone, "password": "guess-guess"})
	}
	guess("13800000010")
	if r := guess("13800000010"); num(r.body["error"].(map[string]any)["details"].(map[string]any)["retry_after_seconds"]) != 1 {
		t.Fatalf("first lock: %s", r.raw)
	}
	if r := guess("13800000010"); r.status != http.StatusTooManyRequests {
		t.Fatalf("during the first lock: %d", r.status)
	}
	time.Sleep(1100 * time.Millisecond)
	guess("13800000010")
	if r := guess("13800000010"); num(r.body["error"].(map[string]any)["details"].(map[string]any)["retry_after_seconds"]) != 3 {
		t.Fatalf("second lock should last longer: %s", r.raw)
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	checked := 0
	for i := range 40 {
		wg.Go(func() {
			s := e.post("/api/v1/auth/login", map[string]string{"phone": "13800000011", "password": fmt.Sprintf("guess-%d", i)})
			mu.Lock()
			defer mu.Unlock()
			if s == http.StatusUnauthorized {
				checked++
			} else if s != http.StatusTooManyRequests {
				t.Errorf("parallel guess: %d", s)
			}
		})
	}
	wg.Wait()
	if max := cfg.Phone.Failures + cfg.Phone.InFlight; checked > max {
		t.Errorf("%d of 40 parallel guesses were checked, want at most %d", checked, max)
	}
}

// The village office lifts a lock that a stranger's guesses put on a villager; nobody lifts
// their own, and nobody from another village.
func TestOfficeUnlocksALogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{Auth: ptr(auth.DefaultConfig())})
	clerk, otherClerk, villager := e.login("13800000001"), e.login("13800000101"), e.login("13800000011")
	person := e.id(`SELECT id FROM people WHERE phone = '13800000010'`)
	for range 5 {
		e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000010", "password": "guess-guess"})
	}
	if r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000010", "password": demo.Password}); r.status != http.StatusTooManyRequests {
		t.Fatalf("not locked: %d", r.status)
	}
	path := fmt.Sprintf("/api/v1/people/%d/login-unlock", person)
	for name, tok := range map[string]string{"another village's clerk": otherClerk, "a villager": villager} {
		if r := e.call("POST", path, tok, nil); r.status != http.StatusForbidden {
			t.Errorf("%s unlocked: %d %s", name, r.status, r.raw)
		}
	}
	clerkID := e.id(`SELECT id FROM people WHERE phone = '13800000001'`)
	if r := e.call("POST", fmt.Sprintf("/api/v1/people/%d/login-unlock", clerkID), clerk, nil); r.status != http.StatusForbidden || r.code() != "self_act_forbidden" {
		t.Errorf("clerk unlocked themselves: %d %s", r.status, r.raw)
	}
	r := e.call("POST", path, clerk, nil)
	if r.status != http.StatusOK || r.body["was_locked"] != true {
		t.Fatalf("unlock: %d %s", r.status, r.raw)
	}
	e.login("13800000010")
	var actor int64
	if err := e.app.DB.GetContext(t.Context(), &actor, `SELECT actor_id FROM audit_log WHERE action = 'auth.unlock' AND object_id = ?`, person); err != nil || actor != clerkID {
		t.Errorf("unlock audited with actor %d, %v; want the clerk %d", actor, err, clerkID)
	}
}

func ptr[T any](v T) *T { return &v }
