package mysql

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"
)

// The "failover" network of a DSN names several servers of one MySQL-protocol cluster (the nodes
// of a MariaDB Galera cluster, which all take writes):
//
//	root@failover(10.0.0.1:3306,10.0.0.2:3306,10.0.0.3:3306)/pointsmarket?parseTime=true
//
// A new connection goes to the first address that answers, in the order given: each instance lists
// its own node first, and when that node dies its new connections go to the next one (the pool
// drops connections that fail, so the instance moves over by itself). No proxy is needed.
const failoverNet = "failover"

// perAddress bounds the wait for one address, so that a dead node costs seconds, not the whole
// connect timeout.
const perAddress = 2 * time.Second

func init() { mysqldrv.RegisterDialContext(failoverNet, dialFailover) }

func dialFailover(ctx context.Context, addrs string) (net.Conn, error) {
	var errs []error
	for _, addr := range strings.Split(addrs, ",") {
		d := net.Dialer{Timeout: perAddress, KeepAlive: 30 * time.Second}
		c, err := d.DialContext(ctx, "tcp", strings.TrimSpace(addr))
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}
