// Package dbtest gives tests a real, freshly migrated MariaDB/MySQL database of their own and a
// private key space on a real Redis, both cleaned up when the test ends. It never mocks them and
// never skips: when a server is missing the test fails and says how to get one (`make test`
// starts private servers when none is running).
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/mysql"

	"golang.org/x/crypto/bcrypt"
)

// MySQLBase is the DSN of the test server without a database name (PM_TEST_MYSQL_DSN).
func MySQLBase() string {
	if v := os.Getenv("PM_TEST_MYSQL_DSN"); v != "" {
		return v
	}
	return "root@tcp(127.0.0.1:3306)/"
}

// RedisAddr is the test Redis (PM_TEST_REDIS_ADDR).
func RedisAddr() string {
	if v := os.Getenv("PM_TEST_REDIS_ADDR"); v != "" {
		return v
	}
	return "127.0.0.1:6379"
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// DSN returns a DSN for a new, uniquely named database (not yet created), dropped at cleanup.
func DSN(t testing.TB) string {
	t.Helper()
	name := randomName("pm_test_")
	dsn := MySQLBase() + name + "?parseTime=true"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := mysql.DropDatabase(ctx, dsn); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return dsn
}

// Config returns a service configuration on a fresh database and a private Redis prefix.
func Config(t testing.TB) app.Config {
	t.Helper()
	return app.Config{
		HTTPAddr: "127.0.0.1:0", MySQLDSN: DSN(t), RedisAddr: RedisAddr(), RedisPrefix: randomName("pmtest:"),
		Secret: "test-secret-0123456789abcdef0123456789abcdef", CheckpointEach: time.Hour,
		AuditKey:      "test-audit-key-fedcba9876543210fedcba9876543210",
		MySQLMaxConns: 12, // tests run several instances and packages side by side on one server
	}
}

// TestAuth is auth.DefaultConfig: only failures count, so tests that log in many times need no
// looser limits (which is how a limiter that refused successful logins once went unnoticed).
func TestAuth() *auth.Config {
	c := auth.DefaultConfig()
	return &c
}

// New returns a wired service on a fresh, migrated database. It fails the test, with what to
// do, when MySQL or Redis cannot be reached.
func New(t testing.TB, opt app.Options) *app.App {
	t.Helper()
	return NewWith(t, Config(t), opt)
}

// NewWith is New with a given configuration.
func NewWith(t testing.TB, cfg app.Config, opt app.Options) *app.App {
	t.Helper()
	if opt.Auth == nil {
		opt.Auth = TestAuth()
	}
	if opt.DemoPasswordCost == 0 {
		opt.DemoPasswordCost = bcrypt.MinCost // every test logs in, most of them often
	}
	if opt.PINCost == 0 {
		opt.PINCost = bcrypt.MinCost
	}
	a, err := app.New(cfg, Logger(), opt)
	if err != nil {
		t.Fatalf("wire app: %v", err)
	}
	t.Cleanup(a.Close)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := a.Migrate(ctx); err != nil {
		t.Fatalf("MariaDB/MySQL is needed at %s (set PM_TEST_MYSQL_DSN, or run `make test`, which starts one): %v", MySQLBase(), err)
	}
	if err := a.Redis.Ping(ctx); err != nil {
		t.Fatalf("Redis is needed at %s (set PM_TEST_REDIS_ADDR, or run `make test`, which starts one): %v", cfg.RedisAddr, err)
	}
	return a
}

// SystemCtx is a context whose writes are audited as the system's.
func SystemCtx() context.Context {
	return audit.WithActor(context.Background(), audit.SystemActor("test"))
}

// NewWithoutRedis wires a service on cfg's (already migrated) database whose Redis may be
// unreachable, for tests of outages.
func NewWithoutRedis(t testing.TB, cfg app.Config) *app.App {
	t.Helper()
	a, err := app.New(cfg, Logger(), app.Options{Auth: TestAuth()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// Logger discards the service's logs unless PM_TEST_LOG is set, when it writes them to stderr.
func Logger() *slog.Logger {
	if os.Getenv("PM_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
