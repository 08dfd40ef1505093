package redis

import (
	"context"
	"strconv"
	"time"
)

// Counters implements alert.Counters: per-day counts kept by INCR, so that a rule asks "how many
// today" in one round trip instead of counting rows. They expire by themselves.
type Counters struct{ c *Client }

// NewCounters returns Counters on c.
func NewCounters(c *Client) *Counters { return &Counters{c: c} }

// Incr implements alert.Counters.
func (k *Counters) Incr(ctx context.Context, name string, ttl time.Duration) (int64, error) {
	key := k.c.key("count", name)
	pipe := k.c.rdb.TxPipeline()
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
	vals, err := k.c.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, unavailable(err)
	}
	out := make([]int64, len(vals))
	for i, v := range vals {
		if s, ok := v.(string); ok {
			out[i], _ = strconv.ParseInt(s, 10, 64)
		}
	}
	return out, nil
}
