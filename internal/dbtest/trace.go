package dbtest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"
)

// Statement is a query the service ran, with its arguments.
type Statement struct {
	SQL  string
	Args []any
	Took time.Duration // until the server's answer began
}

// Trace records the SELECT statements the service runs while it is on: the queries behind a read
// path, to run raw beside it and to EXPLAIN.
type Trace struct {
	driver string
	// statements counts every round trip the service makes (queries, writes, BEGIN, COMMIT and
	// ROLLBACK), recording or not.
	statements atomic.Int64
	on         atomic.Bool
	all        atomic.Bool // record writes, BEGIN and COMMIT too
	mu         sync.Mutex
	seen       []Statement
}

var traces atomic.Int64

// NewTrace registers a database/sql driver (go-sql-driver/mysql underneath) that records into the
// trace; pass Driver() as app.Options.SQLDriver.
func NewTrace() *Trace {
	t := &Trace{driver: fmt.Sprintf("mysql-trace-%d", traces.Add(1))}
	sql.Register(t.driver, tracingDriver{t})
	return t
}

// Driver is the driver name to open the database with.
func (t *Trace) Driver() string { return t.driver }

// Statements is how many statements (BEGIN, COMMIT and ROLLBACK included) the service has run.
func (t *Trace) Statements() int64 { return t.statements.Load() }

// RecordAll runs fn with recording on and returns every statement it ran, in order.
func (t *Trace) RecordAll(fn func()) []Statement {
	t.all.Store(true)
	defer t.all.Store(false)
	return t.Record(fn)
}

// Record runs fn with recording on and returns the SELECTs it ran.
func (t *Trace) Record(fn func()) []Statement {
	t.mu.Lock()
	t.seen = nil
	t.mu.Unlock()
	t.on.Store(true)
	fn()
	t.on.Store(false)
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.seen
}

func (t *Trace) record(query string, args []driver.NamedValue, took time.Duration) {
	t.statements.Add(1)
	if !t.on.Load() || (!t.all.Load() && !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(query)), "SELECT")) {
		return
	}
	values := make([]any, len(args))
	for i, a := range args {
		values[i] = a.Value
	}
	t.mu.Lock()
	t.seen = append(t.seen, Statement{SQL: query, Args: values, Took: took})
	t.mu.Unlock()
}

type tracingDriver struct{ t *Trace }

func (d tracingDriver) Open(dsn string) (driver.Conn, error) {
	c, err := mysqldrv.MySQLDriver{}.Open(dsn)
	if err != nil {
		return nil, err
	}
	return &tracingConn{Conn: c, t: d.t}, nil
}

// tracingConn passes everything to go-sql-driver's connection, recording its queries: it has the
// interfaces that connection has, so that database/sql uses it the same way (interpolated
// parameters, no prepared statements).
type tracingConn struct {
	driver.Conn
	t *Trace
}

func (c *tracingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	start := time.Now()
	rows, err := c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	c.t.record(query, args, time.Since(start))
	return rows, err
}

func (c *tracingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	start := time.Now()
	res, err := c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
	c.t.record(query, args, time.Since(start))
	return res, err
}

func (c *tracingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *tracingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	start := time.Now()
	tx, err := c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
	c.t.record("BEGIN", nil, time.Since(start))
	if err != nil {
		return nil, err
	}
	return tracingTx{tx, c.t}, nil
}

type tracingTx struct {
	driver.Tx
	t *Trace
}

func (tx tracingTx) Commit() error {
	start := time.Now()
	err := tx.Tx.Commit()
	tx.t.record("COMMIT", nil, time.Since(start))
	return err
}

func (tx tracingTx) Rollback() error {
	start := time.Now()
	err := tx.Tx.Rollback()
	tx.t.record("ROLLBACK", nil, time.Since(start))
	return err
}

func (c *tracingConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *tracingConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *tracingConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

func (c *tracingConn) CheckNamedValue(v *driver.NamedValue) error {
	return c.Conn.(driver.NamedValueChecker).CheckNamedValue(v)
}
