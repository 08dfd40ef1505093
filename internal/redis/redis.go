// Package redis implements sessions, login limits, locks, counters and caches on Redis 7.
// Keys carry a configurable prefix so that several deployments or test runs share one server
// without meeting. Connection failures become fault.ErrUnavailable.
package redis

import (
	"context"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"pointsmarket/internal/fault"
)

// Client is a Redis connection with the key prefix of this deployment: one server, a master
// watched by Sentinels, or a Redis Cluster, through go-redis's universal client. Every key a Lua
// script or a multi-key command touches shares a hash tag ({village3}, {shop2}, {voucher:41} ...),
// so that in a cluster they live in one slot; the key families say which.
type Client struct {
	rdb    goredis.UniversalClient
	prefix string
}

// Where says which Redis to use: Sentinels and Master for a master watched by Sentinels, Cluster
// for a Redis Cluster's seed nodes, else Addr for one server.
type Where struct {
	Addr      string
	Sentinels []string
	Master    string
	Cluster   []string
}

// Open returns a client; it does not connect until used.
func Open(where Where, prefix string) *Client {
	o := &goredis.UniversalOptions{
		Addrs:        []string{where.Addr},
		DialTimeout:  time.Second,
		ReadTimeout:  time.Second,
		WriteTimeout: time.Second,
		PoolSize:     64,
	}
	var rdb goredis.UniversalClient
	switch {
	case len(where.Sentinels) > 0:
		o.Addrs, o.MasterName = where.Sentinels, where.Master
		rdb = goredis.NewFailoverClient(o.Failover())
	case len(where.Cluster) > 0:
		o.Addrs = where.Cluster
		rdb = goredis.NewClusterClient(o.Cluster())
	default:
		rdb = goredis.NewClient(o.Simple())
	}
	return &Client{rdb: rdb, prefix: prefix}
}

// Close closes the connection pool.
func (c *Client) Close() error { return c.rdb.Close() }

// Ping reports whether Redis answers.
func (c *Client) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return unavailable(c.rdb.Ping(ctx).Err())
}

// Raw returns the underlying go-redis client, for tests and metrics.
func (c *Client) Raw() goredis.UniversalClient { return c.rdb }

func (c *Client) key(parts ...string) string {
	k := c.prefix
	for _, p := range parts {
		k += ":" + p
	}
	return k
}

// unavailable marks any Redis failure other than a missing key as a dependency outage.
func unavailable(err error) error {
	if err == nil || errors.Is(err, goredis.Nil) {
		return err
	}
	return errors.Join(fault.ErrUnavailable, fmt.Errorf("redis: %w", err))
}
