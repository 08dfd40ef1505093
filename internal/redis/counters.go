package redis

import (
	"context"
	"errors"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Counters implements alert.Counters: per-day counts kept by INCR, so that a rule asks "how many
// today" in one round trip instead of counting rows. They expire by themselves.
type Counters struct{ c *Client }

// NewCounters returns Counters on c.
func NewCounters(c *Client) *Counters { return &Counters{c: c} }

// Incr implements alert.Counters.
func (k *Counters) Incr(ctx context.Context, name string, ttl time.Duration) (int64, error) {
	key := k.c.key("count", name)
	pipe := k.c.rdb.Pipeline() // one round trip; a count that missed its expiry is refreshed by the next
	n := pipe.Incr(ctx, key)
	pipe.Expire(ctx, key, ttl)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, unavailable(err)
	}
	return n.Val(), nil
}

// Get implements alert.Counters; missing counts are 0.
func (k *Counters) Get(ctx context.Context, names []string) ([]int64, error) {
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = k.c.key("count", n)
	}
	// One pipeline of GETs rather than MGET: the counts live in different slots of a cluster,
	// and a cluster client splits a pipeline by node.
	pipe := k.c.rdb.Pipeline()
	gets := make([]*goredis.StringCmd, len(keys))
	for i, key := range keys {
		gets[i] = pipe.Get(ctx, key)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, goredis.Nil) {
		return nil, unavailable(err)
	}
	out := make([]int64, len(keys))
	for i, g := range gets {
		out[i], _ = strconv.ParseInt(g.Val(), 10, 64)
	}
	return out, nil
}
