// Command pointsmarket runs the village points supermarket: serve, migrate, seed --demo, check.
// Configuration comes from the environment (see internal/app.Config and API-CONTRACT.md).
package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/demo"
	"pointsmarket/internal/mysql"
)

const usage = `usage: pointsmarket <command>

commands:
  serve          migrate the schema if needed, then serve HTTP (API, /healthz, /readyz, /metrics)
  migrate        apply pending migrations and exit
  seed --demo    load the demo township, villages, people and points (running it twice changes nothing)
  seed --county  the demo, and a generated county beside it for measurements, written through the
                 services month by month (--villages 30 --households 330 --months 24 --workers 16;
                 --relaxed-commits: MariaDB flushes its log once a second while it loads)
  check          verify the ledger invariants and the audit chain; exit 0 clean, 3 on a breach
                 (--checkpoint also publishes an audit checkpoint when clean;
                 --expect-root HASH [--at TIME] proves a root printed earlier)

environment: PM_HTTP_ADDR, PM_MYSQL_DSN, PM_REDIS_ADDR, PM_REDIS_PREFIX, PM_SECRET, PM_ENV,
             PM_COOKIE_SECURE, PM_TRUSTED_PROXIES, PM_CHECKPOINT_INTERVAL, PM_LOG_LEVEL
`

// errBreach means check found a broken invariant; main exits with code 3 for it.
var errBreach = errors.New("integrity check failed")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, errBreach):
		os.Exit(3)
	case err != nil:
		fmt.Fprintln(os.Stderr, "pointsmarket:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cfg, err := app.LoadConfig(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, rest)
	case "migrate":
		return withApp(cfg, log, func(a *app.App) error { return a.Migrate(ctx) })
	case "seed":
		return seed(ctx, cfg, log, rest)
	case "check":
		return check(ctx, cfg, log, rest, stdout)
	case "drop-database":
		// Cleans up after end-to-end runs: only disposable databases (pm_e2e…, pm_test_…), and only with --yes.
		dsn, err := mysql.PrepareDSN(cfg.MySQLDSN)
		if err != nil {
			return err
		}
		if len(rest) != 1 || rest[0] != "--yes" || !(strings.HasPrefix(dsn.DBName, "pm_e2e") || strings.HasPrefix(dsn.DBName, "pm_test_")) {
			return errors.New("drop-database only drops disposable test databases (pm_e2e…, pm_test_…), and only with --yes")
		}
		return mysql.DropDatabase(ctx, cfg.MySQLDSN)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func withApp(cfg app.Config, log *slog.Logger, fn func(*app.App) error) error {
	a, err := app.New(cfg, log, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

func serve(ctx context.Context, cfg app.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", cfg.HTTPAddr, "listen address (PM_HTTP_ADDR)")
	demoMode := fs.Bool("demo", false, "load the demo data before serving")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.HTTPAddr = *addr
	log.Info("starting pointsmarket", "config", cfg)
	if cfg.SecretGenerated {
		log.Warn("PM_SECRET is not set: using a random secret for this process only; codes it signs will not verify on other instances or after a restart. Set PM_SECRET in production.")
	}
	if cfg.AuditKeyDev {
		log.Warn("PM_AUDIT_KEY is not set: audit checkpoints are sealed with a development key that protects nothing. Set PM_AUDIT_KEY (kept outside the database) in production.")
	}
	return withApp(cfg, log, func(a *app.App) error {
		if *demoMode {
			if err := a.SeedDemo(ctx); err != nil {
				return err
			}
		}
		return a.Serve(ctx)
	})
}

func seed(ctx context.Context, cfg app.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	demoData := fs.Bool("demo", false, "load the demo data")
	county := fs.Bool("county", false, "load the demo data and generate a county beside it")
	size := demo.DefaultCountySize
	fs.IntVar(&size.Villages, "villages", size.Villages, "generated villages (in townships of ten)")
	fs.IntVar(&size.Households, "households", size.Households, "households per generated village")
	fs.IntVar(&size.Months, "months", size.Months, "months of history")
	fs.IntVar(&size.Workers, "workers", size.Workers, "villages written at once")
	relaxed := fs.Bool("relaxed-commits", false, "MariaDB flushes its log once a second while the county loads")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *county:
		clock := &demo.SimClock{}
		a, err := app.New(cfg, log, app.Options{Clock: clock.Now})
		if err != nil {
			return err
		}
		defer a.Close()
		return a.SeedCounty(ctx, clock, size, *relaxed)
	case *demoData:
		return withApp(cfg, log, func(a *app.App) error { return a.SeedDemo(ctx) })
	}
	return errors.New("run `pointsmarket seed --demo`, or `seed --county` for a generated county")
}

func check(ctx context.Context, cfg app.Config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	publish := fs.Bool("checkpoint", false, "publish an audit checkpoint when the check is clean")
	expect := fs.String("expect-root", "", "a root hash printed earlier (on the public board): prove today's log still reproduces it")
	at := fs.String("at", "", "the time printed with that root (RFC 3339): rebuilds the root from the log when its checkpoint row is gone")
	full := fs.Bool("full", false, "read every audit entry (by default only those after the checkpoint the last clean check verified)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var expectRoot []byte
	var expectAt time.Time
	if *expect != "" {
		var err error
		if expectRoot, err = hex.DecodeString(strings.TrimSpace(*expect)); err != nil || len(expectRoot) != 32 {
			return fmt.Errorf("--expect-root: want the 64 hex digits of a root hash")
		}
	}
	if *at != "" {
		var err error
		if expectAt, err = time.Parse(time.RFC3339Nano, *at); err != nil {
			return fmt.Errorf("--at: want an RFC 3339 time such as 2026-12-01T09:30:00Z")
		}
	}
	return withApp(cfg, log, func(a *app.App) error {
		if err := a.DB.Ping(ctx); err != nil {
			return fmt.Errorf("MySQL at %s: %w", mysql.RedactDSN(cfg.MySQLDSN), err)
		}
		mode := audit.Incremental
		if *full {
			mode = audit.Full
		}
		v, err := a.Verify(ctx, mode)
		if err != nil {
			return err
		}
		lr, ar := v.Ledger, v.Audit
		fmt.Fprintf(out, "ledger: %d accounts, %d transfers, %d holds checked\n", lr.Accounts, lr.Transfers, lr.Holds)
		fmt.Fprintln(out, "  stored totals = sum of transfers; held = pending holds; lifetime earned = earning transfers")
		fmt.Fprintln(out, "  available >= 0 unless by penalty; all balances sum to 0; holds captured once; reversals mirror; transfers match their audit entries")
		fmt.Fprintf(out, "stock: %d goods checked: stock = sum of stock movements\n", v.Goods)
		since := ""
		if ar.From != 0 {
			since = fmt.Sprintf(" after checkpoint %d", ar.From)
		}
		fmt.Fprintf(out, "audit (%s): %d entries%s in %d chains, %d checkpoints checked in %s (%.0f entries/s)\n",
			ar.Mode, ar.Entries, since, ar.Chains, ar.Checkpoints, ar.Elapsed.Round(time.Millisecond), ar.RowsPerSecond())
		breaches := v.Breaches
		if expectRoot != nil {
			how, err := a.Reproduces(ctx, expectRoot, expectAt)
			if err != nil {
				return err
			}
			if how == "" {
				breaches = append(breaches, fmt.Sprintf("the printed root %x is not reproduced by today's audit log (its checkpoint is gone and the log as of --at differs, or the log was rewritten)", expectRoot))
			} else {
				fmt.Fprintf(out, "root %x: %s\n", expectRoot, how)
			}
		}
		for _, b := range breaches {
			fmt.Fprintln(out, "BREACH:", b)
		}
		if len(breaches) > 0 {
			fmt.Fprintf(out, "FAILED: %d breaches\n", len(breaches))
			return errBreach
		}
		if *publish {
			ctx := audit.WithActor(ctx, audit.SystemActor("check --checkpoint"))
			cp, _, err := a.Audit.Checkpoint(ctx, a.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "checkpoint %d: root %x\n", cp.ID, cp.Root)
		}
		fmt.Fprintln(out, "OK: no breach found")
		return nil
	})
}
