// Package mysql implements the domain stores on MySQL 8 or MariaDB 10.11 with sqlx.
//
// Every write runs in one transaction (InTx) that also appends its audit entry, and is retried on
// deadlocks and lock-wait timeouts. Driver errors become domain errors here (errors.go), never by
// string matching.
package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/ledger"
)

// DB is the connection pool shared by the stores.
type DB struct {
	*sqlx.DB
	log *slog.Logger
	// now is the service's clock (Options.Now).
	now func() time.Time
	// committed are told, after a transaction commits, of the villages it changed; touched holds
	// those of each open transaction (by *sqlx.Tx), gathered from its audit entries.
	committed []func(ctx context.Context, villageIDs []int64)
	// peopleChanged are told, after a transaction commits, of the people its audit entries are about.
	peopleChanged []func(ctx context.Context, personIDs []int64)
	touched       sync.Map
	// accountMetas keeps what never changes of an account (Tx.AccountPair), by id; metaCount
	// bounds it (it is emptied past maxAccountMetas, and read again).
	accountMetas sync.Map
	metaCount    atomic.Int64
}

// maxAccountMetas is about a province's worth of the accounts that move in a day.
const maxAccountMetas = 500_000

func (db *DB) keepAccountMeta(m ledger.AccountMeta) {
	if db.metaCount.Add(1) > maxAccountMetas {
		db.accountMetas.Clear()
		db.metaCount.Store(0)
	}
	db.accountMetas.Store(m.ID, m)
}

// changes are what an open transaction's audit entries are about.
type changes struct {
	villages, people []int64
}

// OnCommit adds fn to those told, after each transaction commits, of the villages whose rows it
// changed: the places of its audit entries, which every write appends. The caches of a village's
// views (the public board) listen, so that no write can forget to invalidate them. Call it while
// wiring, before serving.
func (db *DB) OnCommit(fn func(ctx context.Context, villageIDs []int64)) {
	db.committed = append(db.committed, fn)
}

// OnPeopleChanged adds fn to those told, after each transaction commits, of the people it changed
// (its audit entries about a person: roles, household, password, disabling). Call it while wiring.
func (db *DB) OnPeopleChanged(fn func(ctx context.Context, personIDs []int64)) {
	db.peopleChanged = append(db.peopleChanged, fn)
}

// Options tune Open.
type Options struct {
	MaxOpenConns int
	Logger       *slog.Logger
	// Now is the clock rows are stamped with (nil: the machine's, in UTC).
	Now func() time.Time
	// Driver is the database/sql driver registered for go-sql-driver/mysql ("": "mysql"); tests
	// name one that records the statements it runs.
	Driver string
}

// PrepareDSN returns the DSN with the settings the stores rely on: parseTime, UTC, utf8mb4,
// interpolated parameters, and clientFoundRows left false — our compare-and-set UPDATEs always change the row they match, so
// "changed rows" is the number of rows that matched the condition.
func PrepareDSN(dsn string) (*mysqldrv.Config, error) {
	cfg, err := mysqldrv.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse MySQL DSN: %w", err)
	}
	if cfg.DBName == "" {
		return nil, errors.New("the MySQL DSN names no database")
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.ClientFoundRows = false
	// Without interpolation the driver prepares every statement that has arguments: a second round
	// trip and a server-side parse each time. Interpolating is safe with utf8mb4 (the driver refuses
	// it for the few multi-byte charsets where escaping is ambiguous).
	cfg.InterpolateParams = true
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["time_zone"] = "'+00:00'"
	cfg.Collation = "utf8mb4_unicode_ci"
	return cfg, nil
}

// RedactDSN returns dsn with its password masked, for logs and messages: every place that shows a
// DSN shows this. A DSN that does not parse is not shown at all (it may hold a password anywhere).
func RedactDSN(dsn string) string {
	cfg, err := mysqldrv.ParseDSN(dsn)
	if err != nil {
		return "(unparseable DSN)"
	}
	if cfg.Passwd != "" {
		cfg.Passwd = "****"
	}
	return cfg.FormatDSN()
}

// EnsureDatabase creates the DSN's database if it is missing.
func EnsureDatabase(ctx context.Context, dsn string) error {
	cfg, err := PrepareDSN(dsn)
	if err != nil {
		return err
	}
	name := cfg.DBName
	cfg.DBName = ""
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return fmt.Errorf("open MySQL: %w", err)
	}
	defer db.Close()
	q := "CREATE DATABASE IF NOT EXISTS `" + escapeIdent(name) + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("create database %s: %w", name, classify(err))
	}
	return nil
}

// DropDatabase removes a database; tests use it in their cleanup.
func DropDatabase(ctx context.Context, dsn string) error {
	cfg, err := PrepareDSN(dsn)
	if err != nil {
		return err
	}
	name := cfg.DBName
	cfg.DBName = ""
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+escapeIdent(name)+"`")
	return err
}

func escapeIdent(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			out = append(out, '`')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// Open connects to the database of dsn (which must exist; see EnsureDatabase).
func Open(dsn string, opt Options) (*DB, error) {
	cfg, err := PrepareDSN(dsn)
	if err != nil {
		return nil, err
	}
	if opt.Driver == "" {
		opt.Driver = "mysql"
	}
	db, err := sqlx.Open(opt.Driver, cfg.FormatDSN())
	if err != nil {
		return nil, fmt.Errorf("open MySQL: %w", err)
	}
	if opt.MaxOpenConns <= 0 {
		opt.MaxOpenConns = 32
	}
	db.SetMaxOpenConns(opt.MaxOpenConns)
	db.SetMaxIdleConns(opt.MaxOpenConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	now := opt.Now
	return &DB{DB: db, log: opt.Logger, now: func() time.Time { return now().UTC() }}, nil
}

// maxAttempts bounds the retries of a transaction that hit a deadlock or a lock-wait timeout.
const maxAttempts = 5

// InTx runs fn in a transaction and commits it; it rolls back when fn returns an error or panics.
// Deadlocks (1213) and lock-wait timeouts (1205) roll back the whole transaction in InnoDB, so fn
// is run again from the start, a bounded number of times.
//
// By default a transaction is REPEATABLE READ. Pass ReadCommitted when fn reads totals after
// taking a row lock (a household's monthly limits): under REPEATABLE READ a plain SELECT sees the
// snapshot of the transaction's first read, taken before the lock was granted, and so misses what
// the transaction it waited for had just committed.
func (db *DB) InTx(ctx context.Context, fn func(tx *sqlx.Tx) error, opts ...TxOption) error {
	var txo *sql.TxOptions
	for _, o := range opts {
		txo = o.apply(txo)
	}
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = db.inTxOnce(ctx, txo, fn)
		if err == nil || !retryable(err) {
			break
		}
		db.log.WarnContext(ctx, "transaction retried", "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return classify(ctx.Err())
		case <-time.After(time.Duration(attempt*attempt) * 3 * time.Millisecond):
		}
	}
	return classify(err)
}

// TxOption adjusts a transaction of InTx.
type TxOption struct{ isolation sql.IsolationLevel }

func (o TxOption) apply(txo *sql.TxOptions) *sql.TxOptions {
	if txo == nil {
		txo = &sql.TxOptions{}
	}
	txo.Isolation = o.isolation
	return txo
}

// ReadCommitted runs the transaction at READ COMMITTED: each statement reads the latest
// committed rows.
var ReadCommitted = TxOption{isolation: sql.LevelReadCommitted}

func (db *DB) inTxOnce(ctx context.Context, txo *sql.TxOptions, fn func(tx *sqlx.Tx) error) (err error) {
	tx, err := db.BeginTxx(ctx, txo)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	changed := &changes{}
	db.touched.Store(tx, changed)
	defer db.touched.Delete(tx)
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	tell := func(ids []int64, to []func(context.Context, []int64)) {
		if len(ids) > 0 {
			slices.Sort(ids)
			ids = slices.Compact(ids)
			for _, fn := range to {
				fn(ctx, ids)
			}
		}
	}
	tell(changed.villages, db.committed)
	tell(changed.people, db.peopleChanged)
	return nil
}

// Ping reports whether the database answers within a second.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return classify(db.PingContext(ctx))
}

// get runs a single-row query outside a transaction, turning sql.ErrNoRows into notFound.
func (db *DB) get(ctx context.Context, dest any, notFound error, q string, args ...any) error {
	return getRow(ctx, db, dest, notFound, q, args...)
}

func getRow(ctx context.Context, q sqlx.QueryerContext, dest any, notFound error, query string, args ...any) error {
	err := sqlx.GetContext(ctx, q, dest, query, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound
	}
	return classify(err)
}

// list runs a query returning rows outside a transaction.
func (db *DB) list(ctx context.Context, dest any, q string, args ...any) error {
	return classify(sqlx.SelectContext(ctx, db, dest, q, args...))
}
