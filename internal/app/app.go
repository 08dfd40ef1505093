package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"pointsmarket/internal/alert"
	"pointsmarket/internal/assessment"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/board"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/card"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/dashboard"
	"pointsmarket/internal/demo"
	"pointsmarket/internal/dividend"
	"pointsmarket/internal/earning"
	"pointsmarket/internal/export"
	"pointsmarket/internal/grid"
	"pointsmarket/internal/httpapi"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/mysql"
	"pointsmarket/internal/notify"
	"pointsmarket/internal/org"
	"pointsmarket/internal/proxy"
	"pointsmarket/internal/redis"
	"pointsmarket/internal/request"
	"pointsmarket/internal/settlement"
	"pointsmarket/internal/voucher"
)

// App is the wired service.
type App struct {
	Config   Config
	Log      *slog.Logger
	DB       *mysql.DB
	Redis    *redis.Client
	Registry *prometheus.Registry

	// stores are wired into the services and used by nothing else: callers go through the services.
	stores stores

	Auth       *auth.Service
	Org        *org.Service
	Ledger     *ledger.Service
	Audit      *audit.Service
	Catalog    *catalog.Service
	Vouchers   *voucher.Service
	Earning    *earning.Service
	Settlement *settlement.Service
	Dividends  *dividend.Service
	Assessment *assessment.Service
	Dashboards *dashboard.Service
	Board      *board.Service
	Boards     board.Reader
	Exports    *export.Service
	Alerts     *alert.Service
	Requests   *request.Service
	Notify     *notify.Service
	Grid       *grid.Service
	Proxies    *proxy.Service
	Cards      *card.Service

	clock calendar.Clock
	// demoPasswordCost is Options.DemoPasswordCost.
	demoPasswordCost int
	boardCache       *redis.BoardCache
	migrated         atomic.Bool
	draining         atomic.Bool // set on SIGTERM: /readyz answers 503 while the instance finishes its work
	up               *prometheus.GaugeVec
}

type stores struct {
	ledger       *mysql.LedgerStore
	org          *mysql.OrgStore
	audit        *mysql.AuditStore
	catalog      *mysql.CatalogStore
	catalogCache *redis.CatalogCache
	voucher      *mysql.VoucherStore
	earning      *mysql.EarningStore
	auth         *mysql.AuthStore
}

// Options adjust the wiring; tests use them to loosen login limits.
type Options struct {
	Auth *auth.Config
	// ShortCodes tunes the throttle of typed voucher codes (zero: the default).
	ShortCodes voucher.ShortCodeLimits
	// SQLDriver is the database/sql driver name for MySQL ("": go-sql-driver's "mysql"); tests
	// name one that records the statements the service runs.
	SQLDriver string
	// Clock is the service's one clock (nil: the machine's), handed to every part that tells time.
	Clock calendar.Clock
	// DemoPasswordCost is the bcrypt work factor of the demo data's password (0: the production one).
	DemoPasswordCost int
	// PINCost is the bcrypt work factor of household cards' PINs (0: the production one).
	PINCost int
	// Sender delivers notifications beyond the app (nil: by the configuration, the log by default).
	Sender notify.Sender
}

// New wires the service. It connects lazily: New succeeds while MySQL or Redis are down.
func New(cfg Config, log *slog.Logger, opt Options) (*App, error) {
	clock := opt.Clock
	if clock == nil {
		clock = calendar.System
	}
	db, err := mysql.Open(cfg.MySQLDSN, mysql.Options{Logger: log, MaxOpenConns: cfg.MySQLMaxConns, Now: clock, Driver: opt.SQLDriver})
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, DB: db, Redis: redis.Open(cfg.RedisWhere(), cfg.RedisPrefix), Registry: prometheus.NewRegistry(),
		clock: clock, demoPasswordCost: opt.DemoPasswordCost}
	a.stores.ledger = mysql.NewLedgerStore(db)
	a.stores.org = mysql.NewOrgStore(db, a.stores.ledger)
	sealer := audit.NewSealer(cfg.AuditKey, cfg.AuditOldKeys...)
	a.stores.audit = mysql.NewAuditStore(db, sealer, cfg.CheckpointEach)
	authCfg := auth.DefaultConfig()
	if opt.Auth != nil {
		authCfg = *opt.Auth
	}
	a.stores.auth = mysql.NewAuthStore(db)
	a.Auth = auth.NewService(auth.Deps{Store: a.stores.auth, Sessions: redis.NewSessions(a.Redis), Lockout: redis.NewLockout(a.Redis),
		Config: authCfg, Now: a.Now})
	a.Org = org.NewService(org.Deps{Store: a.stores.org, Now: a.Now})
	a.Ledger = ledger.NewService(ledger.Deps{Store: a.stores.ledger, Places: a.stores.org, InTx: db.LedgerTx()})
	a.Audit = audit.NewService(audit.Deps{Store: a.stores.audit, Places: a.stores.org, Sealer: sealer})
	a.stores.catalog = mysql.NewCatalogStore(db)
	a.stores.catalogCache = redis.NewCatalogCache(a.stores.catalog, a.Redis, time.Minute, log)
	a.Catalog = catalog.NewService(catalog.Deps{Store: a.stores.catalogCache, Places: a.stores.org, Now: a.Now})
	a.stores.earning = mysql.NewEarningStore(db, a.stores.ledger)
	a.Earning = earning.NewService(earning.Deps{Store: a.stores.earning, People: a.stores.org, Places: a.stores.org, Accounts: a.stores.ledger,
		Ledger: a.Ledger, InTx: db.EarningTx(), Visits: mysql.NewGridStore(db), Now: a.Now})
	settlements := mysql.NewSettlementStore(db)
	a.Settlement = settlement.NewService(settlement.Deps{Store: settlements, InTx: db.SettlementTx(), Places: a.stores.org, Shops: a.stores.catalog, Now: a.Now})
	a.Dividends = dividend.NewService(dividend.Deps{Store: mysql.NewDividendStore(db), InTx: db.DividendTx(), Places: a.stores.org,
		Villages: a.stores.org, Assemblies: a.Earning, Now: a.Now})
	a.Assessment = assessment.NewService(assessment.Deps{Store: mysql.NewAssessmentStore(db), InTx: db.AssessmentTx(),
		Plans: mysql.NewProjectStore(db), ProjectTx: db.ProjectTx(), Now: a.Now})
	a.Dashboards = dashboard.NewService(dashboard.Deps{Store: mysql.NewDashboardStore(db), Scores: a.Assessment.Scores, Now: a.Now})
	a.Board = board.NewService(board.Deps{Store: mysql.NewBoardStore(db), Villages: a.stores.org, Notice: a.Earning.PublicNotice,
		Settlements: settlements.Statements, Checkpoint: a.stores.audit.LatestCheckpoint, Places: a.stores.org,
		Sizes: a.stores.org.SizeNotices})
	a.boardCache = redis.NewBoardCache(a.Board, a.Redis, 30*time.Second, log)
	db.OnCommit(a.boardCache.Invalidate)
	db.OnPeopleChanged(a.Auth.Forget)
	a.Boards = a.boardCache
	a.Exports = export.NewService(export.Deps{Store: mysql.NewExportStore(db), Places: a.stores.org, Names: a.stores.org})
	a.Alerts = alert.NewService(alert.Deps{Store: mysql.NewAlertStore(db), Counters: redis.NewCounters(a.Redis), Places: a.stores.org,
		Log: log, Now: a.Now})
	var sender notify.Sender = notify.LogSender{Log: log}
	switch {
	case opt.Sender != nil:
		sender = opt.Sender
	case a.Config.NotifyWebhook != "":
		sender = notify.WebhookSender{URL: a.Config.NotifyWebhook, Secret: a.Config.NotifySecret, Client: &http.Client{Timeout: 10 * time.Second}}
	}
	a.Notify = notify.NewService(notify.Deps{Store: mysql.NewNotifyStore(db), Sender: sender, Log: log, Now: a.Now})
	a.Proxies = proxy.NewService(proxy.Deps{Store: mysql.NewProxyStore(db), InTx: db.ProxyTx(), Org: a.stores.org, Alerts: a.Alerts, Now: a.Now})
	a.Grid = grid.NewService(grid.Deps{Store: mysql.NewGridStore(db), InTx: db.GridTx(), Org: a.stores.org, Now: a.Now})
	requests := mysql.NewRequestStore(db)
	a.Requests = request.NewService(request.Deps{Store: requests, Meets: requests, InTx: db.RequestTx(), Org: a.stores.org,
		Alerts: a.Alerts, Now: a.Now})
	codes := voucher.NewCodes(cfg.Secret)
	a.Cards = card.NewService(card.Deps{Store: mysql.NewCardStore(db), InTx: db.CardTx(), Org: a.stores.org, Alerts: a.Alerts,
		Hasher: card.Bcrypt{Cost: opt.PINCost}, Codes: codes, Now: a.Now})
	a.stores.voucher = mysql.NewVoucherStore(db)
	a.Vouchers = voucher.NewService(voucher.Deps{
		Store: a.stores.voucher, InTx: db.VoucherTx(), Ceilings: a.stores.voucher, Accounts: a.stores.ledger, Places: a.stores.org, Locks: redis.NewLocks(a.Redis),
		Proxies: mysql.NewProxyStore(db), Cards: a.Cards,
		Codes: codes, Invalidate: a.stores.catalogCache.Invalidate, Observer: newCounterMetrics(a.Registry),
		Throttle: redis.NewLimiter(a.Redis), Misses: redis.NewLockout(a.Redis), ShortCodes: opt.ShortCodes,
		MemberShortCodes: redis.NewMemberShortCodes(a.Redis),
		Log:              log, Now: a.Now,
	})

	a.watch()

	a.up = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "pointsmarket_dependency_up", Help: "1 when the dependency answered the last health check.",
	}, []string{"dependency"})
	a.Registry.MustRegister(a.up, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db.DB.DB, "pointsmarket"))
	return a, nil
}

// Now is the service's clock, in UTC.
func (a *App) Now() time.Time { return a.clock().UTC() }

// Close releases the connections.
func (a *App) Close() {
	a.boardCache.Close()
	_ = a.DB.Close()
	_ = a.Redis.Close()
}

// Migrate applies pending migrations and marks the service ready for the API.
func (a *App) Migrate(ctx context.Context) error {
	if err := mysql.Migrate(ctx, a.Config.MySQLDSN, a.Log); err != nil {
		return err
	}
	a.migrated.Store(true)
	return nil
}

// Handler returns the HTTP handler.
func (a *App) Handler() (http.Handler, error) {
	return httpapi.New(httpapi.Deps{
		Auth: a.Auth, Org: a.Org, Ledger: a.Ledger, Audit: a.Audit, Catalog: a.Catalog, Vouchers: a.Vouchers, Earning: a.Earning, Settlement: a.Settlement, Dividends: a.Dividends, Assessment: a.Assessment, Dashboards: a.Dashboards, Board: a.Board, Boards: a.Boards, Exports: a.Exports, Alerts: a.Alerts,
		Requests: a.Requests, Notify: a.Notify, Grid: a.Grid, Proxies: a.Proxies, Cards: a.Cards, Check: a.Check, Migrated: a.migrated.Load, Draining: a.draining.Load, Logger: a.Log, Registry: a.Registry,
		CookieSecure: a.Config.CookieSecure, TrustedProxies: a.Config.TrustedProxies,
	})
}

// Check pings the dependencies and records the result in the dependency_up metric.
func (a *App) Check(ctx context.Context) httpapi.Readiness {
	r := httpapi.Readiness{MySQL: a.DB.Ping(ctx), Redis: a.Redis.Ping(ctx), Migrated: a.migrated.Load(), Draining: a.draining.Load()}
	a.up.WithLabelValues("mysql").Set(boolGauge(r.MySQL == nil))
	a.up.WithLabelValues("redis").Set(boolGauge(r.Redis == nil))
	return r
}

func boolGauge(ok bool) float64 {
	if ok {
		return 1
	}
	return 0
}

// Serve serves HTTP on the configured address until ctx ends, then drains: /readyz answers 503
// at once so that the load balancer stops sending, every answer for DrainFor says Connection:
// close so that kept-alive clients move to another instance between requests rather than in
// the middle of one, and then the server shuts down, finishing what is in flight.
// When MySQL is not reachable at start it keeps serving /healthz and /readyz (and 503 on the API)
// while it retries the migration in the background.
func (a *App) Serve(ctx context.Context) error {
	if err := a.Migrate(ctx); err != nil {
		a.Log.Warn("migration failed; serving 503 and retrying in the background", "err", err)
		go a.retryMigrate(ctx)
	} else if cp, made, err := a.Audit.Checkpoint(ctx, a.Now()); err != nil {
		a.Log.Warn("start-up audit checkpoint failed", "err", err)
	} else if made {
		a.Log.Info("audit checkpoint published at start-up", "id", cp.ID)
	}
	h, err := a.Handler()
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr: a.Config.HTTPAddr, Handler: h,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
	}
	go a.background(ctx)
	if a.Config.PprofAddr != "" {
		go a.serveProfiles(ctx, a.Config.PprofAddr)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	a.Log.Info("serving", "addr", a.Config.HTTPAddr)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.draining.Store(true)
	a.Log.Info("draining: /readyz answers 503, connections close after each answer", "for", a.Config.DrainFor)
	select {
	case <-time.After(a.Config.DrainFor):
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	}
	a.Log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	a.Log.Info("stopped")
	return nil
}

func (a *App) retryMigrate(ctx context.Context) {
	wait := time.Second
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		if err := a.Migrate(ctx); err != nil {
			a.Log.Warn("migration retry failed", "err", err)
			wait = min(wait*2, 15*time.Second)
			continue
		}
		a.Log.Info("database reachable again; migrations applied")
		return
	}
}

// background runs the periodic jobs: dependency health for metrics, audit checkpoints.
func (a *App) background(ctx context.Context) {
	health := time.NewTicker(5 * time.Second)
	checkpoint := time.NewTicker(a.Config.CheckpointEach)
	sweep := time.NewTicker(30 * time.Second)
	deliver := time.NewTicker(5 * time.Second)
	defer deliver.Stop()
	defer health.Stop()
	defer checkpoint.Stop()
	defer sweep.Stop()
	sweeper := audit.WithActor(ctx, audit.SystemActor("sweeper: voucher expiry, points posting"))
	warnedOn := "" // the China day the households whose points expire soon were last told
	for {
		select {
		case <-ctx.Done():
			return
		case <-health.C:
			a.Check(ctx)
		case <-deliver.C:
			if !a.migrated.Load() {
				continue
			}
			if _, err := a.Notify.Deliver(ctx); err != nil {
				a.Log.Warn("delivering notifications failed", "err", err)
			}
		case <-sweep.C:
			if !a.migrated.Load() {
				continue
			}
			if n, err := a.Vouchers.ExpireDue(sweeper); err != nil {
				a.Log.Warn("voucher expiry sweep failed", "err", err)
			} else if n > 0 {
				a.Log.Info("vouchers expired, holds released", "count", n)
			}
			if n, err := a.Earning.ExpireDue(sweeper); err != nil {
				a.Log.Warn("points expiry failed", "err", err)
			} else if n > 0 {
				a.Log.Info("spendable points expired", "accounts", n)
			}
			if n, err := a.Earning.ActivateScheduled(sweeper); err != nil {
				a.Log.Warn("activating scheduled rule books failed", "err", err)
			} else if n > 0 {
				a.Log.Info("scheduled rule books adopted", "books", n)
			}
			if today := calendar.Local(a.Now()).Format(time.DateOnly); today != warnedOn {
				if n, err := a.Earning.WarnExpiring(sweeper); err != nil {
					a.Log.Warn("warning of expiring points failed", "err", err)
				} else {
					warnedOn = today
					if n > 0 {
						a.Log.Info("households told their points expire soon", "notices", n)
					}
				}
			}
			if n, err := a.Requests.EscalateDue(sweeper); err != nil {
				a.Log.Warn("escalating overdue requests failed", "err", err)
			} else if n > 0 {
				a.Log.Info("overdue requests escalated or flagged", "requests", n)
			}
			if n, err := a.Earning.PostDue(sweeper); err != nil {
				a.Log.Warn("posting points after public notice failed", "err", err)
			} else if n > 0 {
				a.Log.Info("points posted after public notice", "entries", n)
			}
		case <-checkpoint.C:
			if !a.migrated.Load() {
				continue
			}
			if cp, made, err := a.Audit.Checkpoint(ctx, a.Now()); err != nil {
				a.Log.Warn("audit checkpoint failed", "err", err)
			} else if made {
				a.Log.Info("audit checkpoint published", "id", cp.ID)
			}
		}
	}
}

func (a *App) demoStores() demo.Stores {
	return demo.Stores{Org: a.stores.org, Ledger: a.stores.ledger, Postings: a.Ledger, Catalog: a.stores.catalogCache,
		Earning: a.stores.earning, Assessment: a.DB.AssessmentTx(), Requests: a.Requests}
}

// SeedCounty loads the demo data and generates a county of the given size beside it
// (demo.SeedCounty) with clock, which must be the clock the App was made with. With
// relaxedCommits, MariaDB flushes its log once a second instead of at every commit while the
// county is written (a global setting, put back afterwards): several times faster, and only a
// crash of the database server during the load could lose its last second.
func (a *App) SeedCounty(ctx context.Context, clock *demo.SimClock, size demo.CountySize, relaxedCommits bool) error {
	if err := a.SeedDemo(ctx); err != nil {
		return err
	}
	if relaxedCommits {
		var was int
		if err := a.DB.QueryRowContext(ctx, `SELECT @@GLOBAL.innodb_flush_log_at_trx_commit`).Scan(&was); err != nil {
			return err
		}
		if _, err := a.DB.ExecContext(ctx, `SET GLOBAL innodb_flush_log_at_trx_commit = 2`); err != nil {
			a.Log.Warn("commits stay flushed one by one", "err", err)
		} else {
			defer func() {
				if _, err := a.DB.ExecContext(context.WithoutCancel(ctx), `SET GLOBAL innodb_flush_log_at_trx_commit = ?`, was); err != nil {
					a.Log.Error("could not put innodb_flush_log_at_trx_commit back", "value", was, "err", err)
				}
			}()
		}
	}
	err := demo.SeedCounty(ctx, a.demoStores(), demo.CountyDeps{Earning: a.Earning, Vouchers: a.Vouchers, Settlement: a.Settlement,
		Principals: a.stores.auth, Clock: clock}, a.Log, a.demoPasswordCost, size)
	if err != nil {
		return err
	}
	_, _, err = a.Audit.Checkpoint(audit.WithActor(ctx, audit.SystemActor("seed --county")), a.Now())
	return err
}

// SeedDemo migrates and loads the demo data (demo.Seed); running it again changes nothing.
func (a *App) SeedDemo(ctx context.Context) error {
	if err := a.Migrate(ctx); err != nil {
		return err
	}
	if err := demo.Seed(ctx, a.demoStores(), a.Log, a.demoPasswordCost); err != nil {
		return err
	}
	// The seeded log is anchored at once, so that a later check sees no stretch without a checkpoint.
	_, _, err := a.Audit.Checkpoint(audit.WithActor(ctx, audit.SystemActor("seed --demo")), a.Now())
	return err
}
