package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Limiter implements voucher.Limiter with fixed windows: INCR, and set the expiry on the first hit.
// A fixed window lets a burst of 2×limit straddle a boundary; for login attempts that is harmless
// and it costs one round trip.
type Limiter struct{ c *Client }

// NewLimiter returns a Limiter on c.
func NewLimiter(c *Client) *Limiter { return &Limiter{c: c} }

var incrWithExpiry = goredis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`)

// Allow implements voucher.Limiter.
func (l *Limiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	res, err := incrWithExpiry.Run(ctx, l.c.rdb, []string{l.c.key("rl", key)}, window.Milliseconds()).Int64Slice()
	if err != nil {
		return false, 0, unavailable(err)
	}
	return res[0] <= int64(limit), time.Duration(res[1]) * time.Millisecond, nil
}
