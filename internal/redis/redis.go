// Package redis implements sessions, login rate limits (and later locks and caches) on Redis 7.
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

// Client is a Redis connection with the key prefix of this deployment.
type Client struct {
	rdb    *goredis.Client
	prefix string
}

// Open returns a client for addr; it does not connect until used.
func Open(addr, prefix string) *Client {
	rdb := goredis.NewClient(&goredis.Options{
		Addr:         addr,
		DialTimeout:  time.Second,
		ReadTimeout:  time.Second,
		WriteTimeout: time.Second,
		PoolSize:     64,
	})
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
func (c *Client) Raw() *goredis.Client { return c.rdb }

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
