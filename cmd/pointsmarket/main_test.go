package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/mysql"
)

func env(dsn, prefix string) func(string) string {
	return func(k string) string {
		switch k {
		case "PM_MYSQL_DSN":
			return dsn
		case "PM_REDIS_ADDR":
			return dbtest.RedisAddr()
		case "PM_REDIS_PREFIX":
			return prefix
		case "PM_LOG_LEVEL":
			return "warn"
		}
		return ""
	}
}

func counts(t *testing.T, db *sql.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"townships", "villages", "households", "people", "role_grants", "accounts", "transfers", "audit_log", "shops", "goods", "stock_movements", "shop_agreements", "exchange_standards", "rule_books", "rule_items"} {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func TestSeedTwiceChangesNothingAndCheckFindsTampering(t *testing.T) {
	dsn := dbtest.DSN(t)
	getenv := env(dsn, "pmtest-cmd")
	ctx := context.Background()
	var out, errs bytes.Buffer
	if err := run(ctx, []string{"seed", "--demo"}, getenv, &out, &errs); err != nil {
		t.Fatalf("seed: %v\n%s", err, errs.String())
	}
	db, err := mysql.Open(dsn, mysql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	first := counts(t, db.DB.DB)
	if err := run(ctx, []string{"seed", "--demo"}, getenv, &out, &errs); err != nil {
		t.Fatalf("second seed: %v", err)
	}
	if second := counts(t, db.DB.DB); !equal(first, second) {
		t.Fatalf("second seed changed the data: %v → %v", first, second)
	}

	// The contract's demo data.
	var villages int
	if err := db.QueryRow(`SELECT COUNT(*) FROM villages v JOIN townships t ON t.id = v.township_id
		WHERE t.name = '葫芦镇' AND v.name IN ('国茶村', '尖岩村', '米塔村')`).Scan(&villages); err != nil || villages != 3 {
		t.Fatalf("villages of 葫芦镇 = %d, %v; want 3", villages, err)
	}
	var villagerAvail, repAvail int64
	if err := db.QueryRow(`SELECT a.credits - a.debits - a.held FROM accounts a JOIN people p ON p.household_id = a.owner_id
		WHERE a.kind = 'household' AND p.phone = '13800000010'`).Scan(&villagerAvail); err != nil || villagerAvail < 5000 {
		t.Fatalf("villager 13800000010 available = %d, %v; want >= 5000", villagerAvail, err)
	}
	if err := db.QueryRow(`SELECT a.credits - a.debits - a.held FROM accounts a JOIN people p ON p.id = a.owner_id
		WHERE a.kind = 'representative' AND p.phone = '13800000011'`).Scan(&repAvail); err != nil || repAvail < 500 {
		t.Fatalf("representative 13800000011 available = %d, %v; want >= 500", repAvail, err)
	}
	for phone, role := range map[string]string{"13800000000": "township_admin", "13800000001": "clerk", "13800000002": "shopkeeper",
		"13800000003": "supervisor", "13800000101": "clerk", "13800000102": "shopkeeper", "13800000103": "supervisor",
		"13800000201": "clerk", "13800000202": "shopkeeper", "13800000203": "supervisor"} {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM role_grants g JOIN people p ON p.id = g.person_id WHERE p.phone = ? AND g.role = ?`,
			phone, role).Scan(&n); err != nil || n != 1 {
			t.Errorf("%s should be a %s: %d grants, %v", phone, role, n, err)
		}
	}

	out.Reset()
	if err := run(ctx, []string{"check"}, getenv, &out, &errs); err != nil {
		t.Fatalf("check on fresh demo data: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "OK: no breach found") {
		t.Fatalf("check output: %s", out.String())
	}
	if _, err := db.Exec(`UPDATE transfers SET amount = amount + 1 ORDER BY id DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run(ctx, []string{"check"}, getenv, &out, &errs)
	if !errors.Is(err, errBreach) {
		t.Fatalf("check after editing a transfer: err = %v, want a breach\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "BREACH: account") {
		t.Fatalf("check did not say what broke:\n%s", out.String())
	}
}

func equal(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func TestUnknownCommandAndBadConfig(t *testing.T) {
	var out, errs bytes.Buffer
	if err := run(context.Background(), []string{"frobnicate"}, env("root@tcp(127.0.0.1:3306)/x", "p"), &out, &errs); err == nil {
		t.Error("unknown command accepted")
	}
	prod := func(k string) string {
		if k == "PM_ENV" {
			return "production"
		}
		return ""
	}
	if err := run(context.Background(), []string{"migrate"}, prod, &out, &errs); err == nil || !strings.Contains(err.Error(), "PM_SECRET") {
		t.Errorf("production without PM_SECRET: err = %v", err)
	}
}

// No command prints a DSN's password: not check when MySQL refuses, not the configuration log.
func TestDSNPasswordIsNeverPrinted(t *testing.T) {
	const secret = "s3cret-Passw0rd"
	dsn := "pm:" + secret + "@tcp(127.0.0.1:1)/pointsmarket?parseTime=true" // nothing listens on port 1
	var out, errs bytes.Buffer
	err := run(context.Background(), []string{"check"}, env(dsn, "pmtest-dsn"), &out, &errs)
	if err == nil {
		t.Fatal("check against an unreachable MySQL succeeded")
	}
	all := out.String() + errs.String() + err.Error()
	if strings.Contains(all, secret) {
		t.Errorf("the password was printed:\n%s", all)
	}
	if !strings.Contains(err.Error(), "pm:****@tcp(127.0.0.1:1)") {
		t.Errorf("the error does not say which MySQL: %v", err)
	}
}

// A root printed on the notice board is proved against today's database: by its checkpoint, or,
// with the time printed beside it, rebuilt from the log when the checkpoint row was deleted.
func TestCheckExpectsAPrintedRoot(t *testing.T) {
	dsn := dbtest.DSN(t)
	getenv := env(dsn, "pmtest-root")
	ctx := context.Background()
	var out, errs bytes.Buffer
	if err := run(ctx, []string{"seed", "--demo"}, getenv, &out, &errs); err != nil {
		t.Fatalf("seed: %v\n%s", err, errs.String())
	}
	db, err := mysql.Open(dsn, mysql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var root string
	var at time.Time
	if err := db.QueryRowContext(ctx, `SELECT HEX(root_hash), created_at FROM audit_checkpoints ORDER BY id DESC LIMIT 1`).Scan(&root, &at); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"check", "--expect-root", root}, getenv, &out, &errs); err != nil || !strings.Contains(out.String(), "whose heads today's log still holds") {
		t.Fatalf("check --expect-root: %v\n%s", err, out.String())
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM audit_checkpoints`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"check", "--expect-root", root, "--at", at.Format(time.RFC3339Nano)}, getenv, &out, &errs); err != nil || !strings.Contains(out.String(), "rebuilt from the log") {
		t.Fatalf("check --expect-root --at without the checkpoint: %v\n%s", err, out.String())
	}
	out.Reset()
	wrong := strings.Repeat("ab", 32)
	if err := run(ctx, []string{"check", "--expect-root", wrong, "--at", at.Format(time.RFC3339Nano)}, getenv, &out, &errs); !errors.Is(err, errBreach) {
		t.Fatalf("a root the log does not reproduce: %v\n%s", err, out.String())
	}
}
