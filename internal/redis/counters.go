package redis

import (
	"context"
	"errors"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"pointsmarket/internal/alert"
)

// Counters implements alert.Counters: per-day counts kept by INCR, so that a rule asks "how many
// today" in one round trip instead of counting rows. They expire by themselves.
type Counters struct{ c *Client }

// NewCounters returns Counters on c.
func NewCounters(c *Client) *Counters { return &Counters{c: c} }

// Incr implements alert.Counters.
func (k *Counters) Incr(ctx context.Context, name string, ttl time.Duration) (int64, error) {
	n, err := k.IncrEach(ctx, []alert.Count{{Name: name, TTL: ttl}})
	if err != nil {
		return 0, err
	}
	return n[0], nil
}

// IncrEach implements alert.Counters: every count in one round trip (a pipeline, not MULTI: a
// count that missed its expiry is refreshed by the next).
func (k *Counters) IncrEach(ctx context.Context, counts []alert.Count) ([]int64, error) {
	pipe := k.c.rdb.Pipeline()
	incrs := make([]*goredis.IntCmd, len(counts))
	for i, c := range counts {
		key := k.c.key("count", c.Name)
		incrs[i] = pipe.Incr(ctx, key)
		pipe.Expire(ctx, key, c.TTL)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, unavailable(err)
	}
	out := make([]int64, len(incrs))
	for i, n := range incrs {
		out[i] = n.Val()
	}
	return out, nil
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
