package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"pointsmarket/internal/dbtest"
)

// instance is the real binary serving the demo data on a database and Redis prefix of its own.
type instance struct {
	cmd    *exec.Cmd
	addr   string
	getenv func(string) string // the instance's configuration, for run (check, seed)
	log    *bytes.Buffer
}

// startInstance builds the binary, seeds the demo and serves it with the extra environment given
// (NAME=value), waiting until /readyz answers 200.
func startInstance(t *testing.T, extra ...string) *instance {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "pointsmarket")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dsn := dbtest.DSN(t)
	prefix := fmt.Sprintf("pmbin%d", time.Now().UnixNano())
	in := &instance{getenv: env(dsn, prefix), log: &bytes.Buffer{}}
	if err := run(context.Background(), []string{"seed", "--demo"}, in.getenv, in.log, in.log); err != nil {
		t.Fatal(err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	in.addr = l.Addr().String()
	l.Close()
	in.cmd = exec.Command(bin, "serve")
	in.cmd.Env = append(append(os.Environ(), "PM_MYSQL_DSN="+dsn, "PM_REDIS_ADDR="+dbtest.RedisAddr(), "PM_REDIS_PREFIX="+prefix,
		"PM_HTTP_ADDR="+in.addr, "PM_SECRET=binary-test-secret-0123456789abcdef01", "PM_LOG_LEVEL=error"), extra...)
	in.cmd.Stderr = in.log
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = in.cmd.Process.Kill(); _, _ = in.cmd.Process.Wait() })
	for i := 0; ; i++ {
		if resp, err := http.Get(in.url("/readyz")); err == nil && resp.StatusCode == 200 {
			resp.Body.Close()
			return in
		}
		if i > 100 {
			t.Fatalf("the service did not become ready:\n%s", in.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (in *instance) url(path string) string { return "http://" + in.addr + path }
