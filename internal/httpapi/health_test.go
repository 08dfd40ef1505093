package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/demo"
)

func TestHealthReadinessAndMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	if r := e.call("GET", "/healthz", "", nil); r.status != http.StatusOK {
		t.Errorf("healthz: %d", r.status)
	}
	r := e.call("GET", "/readyz", "", nil)
	if r.status != http.StatusOK || r.body["mysql"] != "ok" || r.body["redis"] != "ok" {
		t.Errorf("readyz: %d %s", r.status, r.raw)
	}
	e.login("13800000010")
	resp, err := http.Get(e.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 1<<20)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	for _, want := range []string{`pointsmarket_http_requests_total{method="POST",route="/api/v1/auth/login",status="200"}`,
		"pointsmarket_http_request_duration_seconds", `pointsmarket_dependency_up{dependency="mysql"} 1`, `go_sql_max_open_connections{db_name="pointsmarket"}`} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if r := e.call("GET", "/api/v1/openapi.yaml", "", nil); r.status != http.StatusOK || !strings.Contains(r.raw, "openapi: 3") {
		t.Errorf("openapi: %d", r.status)
	}
}

func TestAuditLogForSupervisors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc := e.village("国茶村")
	sup := e.login("13800000003")
	e.login("13800000010")
	r := e.call("GET", fmt.Sprintf("/api/v1/audit?village_id=%d&action=auth.login&limit=5", gc), sup, nil)
	if r.status != http.StatusOK {
		t.Fatalf("audit: %d %s", r.status, r.raw)
	}
	entries := r.body["entries"].([]any)
	if len(entries) != 2 {
		t.Fatalf("logins in 国茶村 = %d, want 2 (supervisor and villager): %s", len(entries), r.raw)
	}
	first := entries[0].(map[string]any)
	if first["ip"] == "" || first["request_id"] == "" || len(first["hash"].(string)) != 64 || strings.Contains(first["after"].(string), "13800000010") {
		t.Errorf("login entry = %v (want ip, request id, hash, and the phone masked)", first)
	}
	page := e.call("GET", fmt.Sprintf("/api/v1/audit?village_id=%d&limit=3", gc), sup, nil)
	next := num(page.body["next_before_id"])
	older := e.call("GET", fmt.Sprintf("/api/v1/audit?village_id=%d&limit=3&before_id=%d", gc, next), sup, nil)
	if ids := older.body["entries"].([]any); len(ids) != 3 || num(ids[0].(map[string]any)["id"]) >= next {
		t.Errorf("second page: %s", older.raw)
	}
	v := e.call("GET", "/api/v1/audit/verify", sup, nil)
	if v.status != http.StatusOK || v.body["ok"] != true || num(v.body["entries"]) < 100 || v.body["latest_checkpoint"].(map[string]any)["sealed"] != true {
		t.Errorf("verify: %s", v.raw)
	}
	if r := e.call("GET", "/api/v1/audit/verify", e.login("13800000010"), nil); r.status != http.StatusForbidden {
		t.Errorf("villager verifying the audit log: %d", r.status)
	}
	seeded := e.call("GET", "/api/v1/audit/checkpoint", "", nil) // the seed anchors its log at once
	if seeded.status != http.StatusOK || len(seeded.body["root_hash"].(string)) != 64 {
		t.Fatalf("checkpoint after the seed: %d %s", seeded.status, seeded.raw)
	}
	e.login("13800000012") // a write (the login is audited) moves the heads
	if _, _, err := e.app.Audit.Checkpoint(dbtest.SystemCtx(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if r := e.call("GET", "/api/v1/audit/checkpoint", "", nil); r.status != http.StatusOK || num(r.body["prev_id"]) != num(seeded.body["id"]) {
		t.Errorf("the next checkpoint does not follow the seed's: %d %s", r.status, r.raw)
	}
}

func TestMySQLDownAnswers503(t *testing.T) {
	t.Parallel()
	cfg := dbtest.Config(t)
	cfg.MySQLDSN = "root@tcp(127.0.0.1:1)/pm_nowhere?parseTime=true&timeout=500ms"
	a, err := app.New(cfg, slog.New(slog.DiscardHandler), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	e := &env{t: t, app: a, srv: srv}
	if r := e.call("GET", "/healthz", "", nil); r.status != http.StatusOK {
		t.Errorf("healthz while MySQL is down: %d", r.status)
	}
	if r := e.call("GET", "/readyz", "", nil); r.status != http.StatusServiceUnavailable || r.body["mysql"] != "down" {
		t.Errorf("readyz while MySQL is down: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000010", "password": "x"}); r.status != http.StatusServiceUnavailable {
		t.Errorf("login while MySQL is down: %d %s", r.status, r.raw)
	}
}

// TestRedisOutageAndRecovery runs a private redis-server, stops it, and starts it again on the
// same port: logins answer 503 while it is gone and work again without restarting the service.
func TestRedisOutageAndRecovery(t *testing.T) {
	t.Parallel()
	rs := startRedis(t)
	cfg := dbtest.Config(t)
	cfg.RedisAddr = rs.addr
	a := dbtest.NewWith(t, cfg, app.Options{})
	if err := a.SeedDemo(t.Context()); err != nil {
		t.Fatal(err)
	}
	h, _ := a.Handler()
	srv := httptest.NewServer(h)
	defer srv.Close()
	e := &env{t: t, app: a, srv: srv}
	token := e.login("13800000010")

	rs.stop()
	if r := e.call("GET", "/api/v1/me", token, nil); r.status != http.StatusServiceUnavailable || r.code() != "service_unavailable" {
		t.Errorf("me while Redis is down: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000010", "password": demo.Password}); r.status != http.StatusServiceUnavailable {
		t.Errorf("login while Redis is down: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/readyz", "", nil); r.status != http.StatusOK || r.body["redis"] != "down" {
		t.Errorf("readyz while Redis is down: %d %s (MySQL is up, so ready, and it says Redis is down)", r.status, r.raw)
	}
	rs.start()
	waitFor(t, func() bool { return a.Redis.Ping(context.Background()) == nil })
	if r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000010", "password": demo.Password}); r.status != http.StatusOK {
		t.Errorf("login after Redis came back: %d %s", r.status, r.raw)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for range 100 {
		if ok() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("condition not reached in 5s")
}
