package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/mysql"

	"golang.org/x/crypto/bcrypt"
)

// demoTemplate is the database one test process seeds with the demo data once; NewDemo copies it
// for each test. Seeding runs thousands of audited writes (seconds, more under the race
// detector); copying its tables is a fraction of that.
var demoTemplate struct {
	once sync.Once
	dsn  string
	err  error
}

// NewDemo returns a wired service on a fresh database holding the demo data. With the service's
// own clock (opt.Clock) it seeds afresh, so that the demo's rows carry that clock's times;
// otherwise it copies the process's seeded template. Call DropDemoTemplate when the tests end.
func NewDemo(t testing.TB, opt app.Options) *app.App {
	t.Helper()
	if opt.Clock != nil {
		a := New(t, opt)
		if err := a.SeedDemo(t.Context()); err != nil {
			t.Fatal(err)
		}
		return a
	}
	demoTemplate.once.Do(func() { demoTemplate.dsn, demoTemplate.err = seedTemplate(opt) })
	if demoTemplate.err != nil {
		t.Fatalf("seed the demo template: %v", demoTemplate.err)
	}
	cfg := Config(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := copyDatabase(ctx, demoTemplate.dsn, cfg.MySQLDSN); err != nil {
		t.Fatalf("copy the demo template: %v", err)
	}
	return NewWith(t, cfg, opt) // its migration finds the copy up to date
}

// seedTemplate migrates and seeds a database of its own and returns its DSN.
func seedTemplate(opt app.Options) (string, error) {
	cfg := app.Config{MySQLDSN: MySQLBase() + randomName("pm_template_") + "?parseTime=true", RedisAddr: RedisAddr(),
		RedisPrefix: randomName("pmtemplate:"), Secret: "test-secret-0123456789abcdef0123456789abcdef",
		AuditKey: "test-audit-key-fedcba9876543210fedcba9876543210", CheckpointEach: time.Hour, MySQLMaxConns: 4}
	if opt.Auth == nil {
		opt.Auth = TestAuth()
	}
	if opt.DemoPasswordCost == 0 {
		opt.DemoPasswordCost = bcrypt.MinCost
	}
	if opt.PINCost == 0 {
		opt.PINCost = bcrypt.MinCost
	}
	a, err := app.New(cfg, Logger(), opt)
	if err != nil {
		return "", err
	}
	defer a.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	return cfg.MySQLDSN, a.SeedDemo(ctx)
}

// DropDemoTemplate drops the process's demo template, if one was made.
func DropDemoTemplate() {
	if demoTemplate.dsn == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = mysql.DropDatabase(ctx, demoTemplate.dsn)
}

// copyDatabase creates the database of dsn as a copy of from's: each table as SHOW CREATE TABLE
// gives it (keys, constraints and generated columns included), then its rows (generated columns
// left to the server), with foreign-key checks off while the tables fill.
func copyDatabase(ctx context.Context, from, dsn string) error {
	src, err := mysql.PrepareDSN(from)
	if err != nil {
		return err
	}
	dst, err := mysql.PrepareDSN(dsn)
	if err != nil {
		return err
	}
	target := dst.DBName
	dst.DBName = src.DBName
	db, err := sql.Open("mysql", dst.FormatDSN())
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx) // one session: USE and FOREIGN_KEY_CHECKS hold for every statement
	if err != nil {
		return err
	}
	defer conn.Close()
	tables, err := columnsByTable(ctx, conn, src.DBName)
	if err != nil {
		return err
	}
	stmts := []string{"CREATE DATABASE `" + target + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", "USE `" + target + "`", "SET FOREIGN_KEY_CHECKS = 0"}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	for table, cols := range tables {
		var name, create string
		if err := conn.QueryRowContext(ctx, "SHOW CREATE TABLE `"+src.DBName+"`.`"+table+"`").Scan(&name, &create); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, create); err != nil {
			return fmt.Errorf("create %s: %w", table, err)
		}
		list := "`" + strings.Join(cols, "`, `") + "`"
		if _, err := conn.ExecContext(ctx, "INSERT INTO `"+table+"` ("+list+") SELECT "+list+" FROM `"+src.DBName+"`.`"+table+"`"); err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
	}
	_, err = conn.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 1")
	return err
}

// columnsByTable lists each base table's stored (not generated) columns in order.
func columnsByTable(ctx context.Context, conn *sql.Conn, schema string) (map[string][]string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT c.table_name, c.column_name FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = ? AND t.table_type = 'BASE TABLE' AND c.extra NOT LIKE '%GENERATED%'
		ORDER BY c.table_name, c.ordinal_position`, schema)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			return nil, err
		}
		out[table] = append(out[table], col)
	}
	return out, rows.Err()
}
