package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"

	mysqldrv "github.com/go-sql-driver/mysql"

	"pointsmarket/internal/fault"
)

// MySQL error numbers we act on.
const (
	errDupEntry        = 1062
	errLockWaitTimeout = 1205
	errDeadlock        = 1213
	errTooManyConns    = 1040
	errUserConns       = 1203
	// errNotReady is what a Galera node answers while it is not part of the primary component
	// (joining, or cut off): "WSREP has not yet prepared node for application use".
	errNotReady = 1047
)

func mysqlErrNo(err error) uint16 {
	var me *mysqldrv.MySQLError
	if errors.As(err, &me) {
		return me.Number
	}
	return 0
}

func isDuplicate(err error) bool { return mysqlErrNo(err) == errDupEntry }

func retryable(err error) bool {
	n := mysqlErrNo(err)
	return n == errDeadlock || n == errLockWaitTimeout
}

// classify turns connection failures into fault.ErrUnavailable (503: try again) and leaves every
// other error as it is, wrapped with context by the caller. A deadlock or lock-wait timeout that
// outlasted InTx's retries is a 503 too: a Galera cluster losing a node aborts the transactions in
// flight for a few seconds, and the counter's retry with its Idempotency-Key is the right answer.
func classify(err error) error {
	if err == nil || fault.From(err) != nil {
		return err
	}
	var netErr net.Error
	switch n := mysqlErrNo(err); {
	case n == errTooManyConns || n == errUserConns || n == errNotReady || n == errDeadlock || n == errLockWaitTimeout:
		return errors.Join(fault.ErrUnavailable, err)
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, mysqldrv.ErrInvalidConn),
		errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded):
		return errors.Join(fault.ErrUnavailable, err)
	}
	return err
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
