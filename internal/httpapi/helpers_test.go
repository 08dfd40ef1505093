package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"pointsmarket/internal/app"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/demo"
)

// env is a running service on a fresh database loaded with the demo data.
type env struct {
	t   *testing.T
	app *app.App
	srv *httptest.Server
}

func newEnv(t *testing.T, opt app.Options) *env {
	t.Helper()
	a := dbtest.NewDemo(t, opt)
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, app: a, srv: srv}
}

// serve runs a wired app behind a test server of its own (another instance) and returns an env on it.
func serve(t *testing.T, a *app.App) *env {
	t.Helper()
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, app: a, srv: srv}
}

// reply is a decoded JSON answer.
type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (r reply) code() string {
	if e, ok := r.body["error"].(map[string]any); ok {
		s, _ := e["code"].(string)
		return s
	}
	return ""
}

// call sends a request with an optional bearer token and JSON body (a string is sent as is).
func (e *env) call(method, path, token string, body any, headers ...string) reply {
	e.t.Helper()
	var sent []byte
	switch b := body.(type) {
	case nil:
	case string:
		sent = []byte(b)
	default:
		sent, _ = json.Marshal(b)
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(sent)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body)
	checkContract(e.t, req, sent, resp.StatusCode, resp.Header, raw)
	if resp.StatusCode >= 400 && r.code() == "" {
		e.t.Errorf("%s %s: status %d without the contract's error shape: %s", method, path, resp.StatusCode, raw)
	}
	return r
}

// login logs a demo user in and returns the bearer token.
func (e *env) login(phone string) string {
	e.t.Helper()
	r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": phone, "password": demo.Password})
	if r.status != http.StatusOK {
		e.t.Fatalf("login %s: %d %s", phone, r.status, r.raw)
	}
	return r.body["token"].(string)
}

// id looks an id up with SQL: tests address demo rows by their natural keys.
func (e *env) id(q string, args ...any) int64 {
	e.t.Helper()
	var id int64
	if err := e.app.DB.QueryRowContext(e.t.Context(), q, args...).Scan(&id); err != nil {
		e.t.Fatalf("%s %v: %v", q, args, err)
	}
	return id
}

func (e *env) village(name string) int64 { return e.id(`SELECT id FROM villages WHERE name = ?`, name) }

func (e *env) householdOf(phone string) int64 {
	return e.id(`SELECT household_id FROM people WHERE phone = ?`, phone)
}

func (e *env) accountOf(phone string) int64 {
	return e.id(`SELECT a.id FROM accounts a JOIN people p ON p.household_id = a.owner_id WHERE a.kind = 'household' AND p.phone = ?`, phone)
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

// privateRedis is a redis-server of the test's own, on a free port.
type privateRedis struct {
	t    *testing.T
	addr string
	port int
	cmd  *exec.Cmd
}

// startRedis starts a private redis-server; it is killed when the test ends.
func startRedis(t *testing.T) *privateRedis {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	r := &privateRedis{t: t, port: port, addr: fmt.Sprintf("127.0.0.1:%d", port)}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *privateRedis) start() {
	r.t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		r.t.Fatal("redis-server is needed on PATH for this test (make test installs it)")
	}
	r.cmd = exec.Command(bin, "--port", fmt.Sprint(r.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	waitFor(r.t, func() bool {
		c, err := net.Dial("tcp", r.addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

func (r *privateRedis) stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
}

// post sends a JSON POST without a token and returns the status only; unlike call it is safe
// from several goroutines (it reports errors instead of stopping the test).
func (e *env) post(path string, body any) int { return e.postAs("", path, body) }

// postAs is post with a bearer token.
func (e *env) postAs(token, path string, body any) int { return e.postKeyed(token, path, body, "") }

// postKeyed is postAs with an Idempotency-Key ("" for none).
func (e *env) postKeyed(token, path string, body any, key string) int {
	buf, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", e.srv.URL+path, bytes.NewReader(buf))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Error(err)
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// approveMonth has two of 国茶村's three party members (13800000012 and 13800000010) vote the
// month's results through, and returns the deciding answer.
func (e *env) approveMonth(village int64, month string) reply {
	e.t.Helper()
	path := fmt.Sprintf("/api/v1/villages/%d/meetings/%s/approval", village, month)
	if first := e.call("POST", path, e.login("13800000012"), nil); first.status != http.StatusOK {
		return first
	}
	return e.call("POST", path, e.login("13800000010"), nil)
}

// handEdited runs edits as whoever holds the database password would, then a full check, and
// fails unless its breaches name each of wants.
func (e *env) handEdited(edits []string, wants ...string) {
	e.t.Helper()
	for _, q := range edits {
		if _, err := e.app.DB.ExecContext(e.t.Context(), q); err != nil {
			e.t.Fatal(err)
		}
	}
	rep, err := e.app.Verify(dbtest.SystemCtx(), audit.Full)
	if err != nil {
		e.t.Fatal(err)
	}
	got := strings.Join(rep.Breaches, "\n")
	for _, want := range wants {
		if !strings.Contains(got, want) {
			e.t.Errorf("breaches do not name %q:\n%s", want, got)
		}
	}
}
