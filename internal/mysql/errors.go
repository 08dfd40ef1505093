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
// other error as it is, wrapped with context by the caller.
func classify(err error) error {
	if err == nil || fault.From(err) != nil {
		return err
	}
	var netErr net.Error
	switch n := mysqlErrNo(err); {
	case n == errTooManyConns || n == errUserConns:
		return errors.Join(fault.ErrUnavailable, err)
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, mysqldrv.ErrInvalidConn),
		errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded):
		return errors.Join(fault.ErrUnavailable, err)
	}
	return err
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
