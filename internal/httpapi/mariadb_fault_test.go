package httpapi_test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/dbtest"
)

// privateMariaDB is a MariaDB server of the test's own, on a private port and data folder, that the
// test kills, stops and starts again.
type privateMariaDB struct {
	t    *testing.T
	dir  string
	port int
	cmd  *exec.Cmd
}

func startMariaDB(t *testing.T) *privateMariaDB {
	t.Helper()
	install, err := exec.LookPath("mariadb-install-db")
	if err != nil {
		t.Fatal("mariadb-install-db is needed on PATH for this test (make test installs MariaDB)")
	}
	m := &privateMariaDB{t: t, dir: filepath.Join(t.TempDir(), "data"), port: freePort(t)}
	if out, err := exec.Command(install, "--no-defaults", "--datadir="+m.dir, "--auth-root-authentication-method=normal", "--skip-test-db",
		"--user=root").CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v %s", err, out)
	}
	m.start()
	t.Cleanup(func() { m.signal(syscall.SIGCONT); m.kill() })
	return m
}

func (m *privateMariaDB) start() {
	m.t.Helper()
	// A tmpdir of its own: with the default (/tmp, shared with the machine's MariaDB) a starting
	// server's cleanup of temporary tables removed another server's, failing its query (Errcode 2).
	tmp := m.dir + ".tmp"
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		m.t.Fatal(err)
	}
	m.cmd = exec.Command("/usr/sbin/mariadbd", "--no-defaults", "--datadir="+m.dir, fmt.Sprintf("--port=%d", m.port), "--bind-address=127.0.0.1",
		"--socket="+m.dir+".sock", "--tmpdir="+tmp, "--user=root", "--skip-log-bin", "--innodb-buffer-pool-size=64M", "--skip-name-resolve")
	if err := m.cmd.Start(); err != nil {
		m.t.Fatal(err)
	}
	waitUpTo(m.t, 60*time.Second, func() bool {
		return exec.Command("mariadb-admin", "--no-defaults", "-h127.0.0.1", fmt.Sprintf("-P%d", m.port), "-uroot", "ping").Run() == nil
	})
}

func (m *privateMariaDB) kill() {
	if m.cmd != nil && m.cmd.Process != nil {
		_ = m.cmd.Process.Kill()
		_ = m.cmd.Wait()
		m.cmd = nil
	}
}

func (m *privateMariaDB) signal(s syscall.Signal) {
	if m.cmd != nil && m.cmd.Process != nil {
		_ = m.cmd.Process.Signal(s)
	}
}

// A single MariaDB SIGKILLed in the middle of a storm of redemptions, then started again on its data
// folder; later unreachable (stopped) for 30 s. Counters retry with their Idempotency-Keys until
// they hear back: the instance recovers by itself, every voucher ends redeemed exactly once (an
// answer lost with the crash is replayed, never applied twice), answers meanwhile are 503s (never
// 500s), and check passes.
func TestMariaDBRestartAndOutage(t *testing.T) {
	t.Parallel()
	db := startMariaDB(t)
	cfg := dbtest.Config(t)
	cfg.MySQLDSN = fmt.Sprintf("root@tcp(127.0.0.1:%d)/pm_fault?parseTime=true&timeout=2s&readTimeout=5s&writeTimeout=5s", db.port)
	a := dbtest.NewWith(t, cfg, app.Options{})
	if err := a.SeedDemo(t.Context()); err != nil {
		t.Fatal(err)
	}
	e := serve(t, a)
	srv := e.srv
	villager, keeper := e.login("13800000010"), e.login("13800000002")
	shop := e.shopOf("国茶村")
	salt := e.goodsNamed(shop, "食盐（500克）")
	points := e.id(`SELECT points FROM goods WHERE id = ?`, salt)
	before, _ := e.available(villager, "household")
	codes := make([]string, 24)
	for i := range codes {
		v := e.order(villager, shop, salt, 1)
		if v.status != http.StatusCreated {
			t.Fatalf("order: %d %s", v.status, v.raw)
		}
		codes[i] = v.body["code"].(string)
	}

	// storm redeems every code with its own key, retrying what did not answer, until deadline.
	storm := func(round string, deadline time.Duration) map[int]int {
		var mu sync.Mutex
		seen := map[int]int{}
		var wg sync.WaitGroup
		for i, code := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Duration(i*30) * time.Millisecond)
				for end := time.Now().Add(deadline); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
					status := (&env{t: t, srv: srv}).postKeyed(keeper, "/api/v1/counter/redeem", map[string]string{"code": code}, fmt.Sprintf("%s-%d", round, i))
					mu.Lock()
					seen[status]++
					mu.Unlock()
					if status == http.StatusOK || status == http.StatusConflict {
						return
					}
				}
				t.Errorf("%s: voucher %d never answered", round, i)
			}()
		}
		time.Sleep(300 * time.Millisecond)
		return func() map[int]int { wg.Wait(); return seen }()
	}

	go func() { // the crash, mid-storm
		time.Sleep(200 * time.Millisecond)
		db.kill()
		time.Sleep(2 * time.Second)
		db.start()
	}()
	seen := storm("crash", 90*time.Second)
	for s, n := range seen {
		if s != http.StatusOK && s != http.StatusServiceUnavailable && s != http.StatusConflict {
			t.Errorf("%d answers %d around the crash", n, s)
		}
	}
	if n := e.id(`SELECT COUNT(*) FROM redemptions`); n != int64(len(codes)) {
		t.Fatalf("%d redemptions of %d vouchers after the crash", n, len(codes))
	}
	after, held := e.available(villager, "household")
	if held != 0 || after != before-int64(len(codes))*points {
		t.Errorf("available %d → %d, held %d", before, after, held)
	}
	t.Logf("answers around the crash: %v", seen)

	// Unreachable for 30 s: the server is stopped, not gone; requests meanwhile answer 503.
	db.signal(syscall.SIGSTOP)
	start := time.Now()
	for time.Since(start) < 30*time.Second {
		if r := e.postKeyed(keeper, "/api/v1/counter/redeem", map[string]string{"code": codes[0]}, "outage"); r != http.StatusServiceUnavailable {
			t.Errorf("while MariaDB is unreachable: %d", r)
		}
		time.Sleep(3 * time.Second)
	}
	db.signal(syscall.SIGCONT)
	waitUpTo(t, 30*time.Second, func() bool { return e.call("GET", "/readyz", "", nil).status == http.StatusOK })
	if r := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": codes[0]}); r.code() != "voucher_already_redeemed" {
		t.Errorf("after the outage: %d %s", r.status, r.raw)
	}
	dbtest.MustVerify(t, a)
}
