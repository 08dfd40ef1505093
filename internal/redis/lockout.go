package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"pointsmarket/internal/auth"
)

// Lockout implements auth.Lockout. Each key has four Redis keys sharing one hash tag (so that a
// Redis Cluster keeps them on one node for the scripts): failures in the window, the lock, the
// number of past locks (strikes) and the attempts in flight.
type Lockout struct{ c *Client }

// NewLockout returns a Lockout on c.
func NewLockout(c *Client) *Lockout { return &Lockout{c: c} }

func (l *Lockout) keys(key string) []string {
	base := l.c.key("lock", "{"+key+"}")
	return []string{base + ":fail", base + ":lock", base + ":strikes", base + ":inflight"}
}

// inFlightTTL bounds how long a reservation of a crashed instance blocks anything.
const inFlightTTL = 30 * time.Second

var lockBegin = goredis.NewScript(`
local ttl = redis.call('PTTL', KEYS[2])
if ttl > 0 then return ttl end
local f = tonumber(redis.call('GET', KEYS[1]) or '0')
local i = tonumber(redis.call('GET', KEYS[4]) or '0')
if f + i >= tonumber(ARGV[1]) then return 1000 end
redis.call('INCR', KEYS[4])
redis.call('PEXPIRE', KEYS[4], ARGV[2])
return 0`)

// Begin implements auth.Lockout. When as many attempts are in flight as could still fail before
// the lock (plus the policy's allowance), it asks the caller to retry in a second.
func (l *Lockout) Begin(ctx context.Context, key string, p auth.LockPolicy) (time.Duration, error) {
	ms, err := lockBegin.Run(ctx, l.c.rdb, l.keys(key), p.Failures+p.InFlight, inFlightTTL.Milliseconds()).Int64()
	if err != nil {
		return 0, unavailable(err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

var lockFail = goredis.NewScript(`
if redis.call('DECR', KEYS[4]) <= 0 then redis.call('DEL', KEYS[4]) end
local f = redis.call('INCR', KEYS[1])
if f == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local limit = tonumber(ARGV[1])
if f < limit then return {0, limit - f} end
redis.call('DEL', KEYS[1])
local s = redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
local n = #ARGV - 3
local p = tonumber(ARGV[3 + math.min(s, n)])
redis.call('SET', KEYS[2], '1', 'PX', p)
return {p, 0}`)

// Fail implements auth.Lockout.
func (l *Lockout) Fail(ctx context.Context, key string, p auth.LockPolicy) (time.Duration, int, error) {
	args := []any{p.Failures, p.Window.Milliseconds(), p.Memory.Milliseconds()}
	for _, d := range p.Penalties {
		args = append(args, d.Milliseconds())
	}
	res, err := lockFail.Run(ctx, l.c.rdb, l.keys(key), args...).Int64Slice()
	if err != nil {
		return 0, 0, unavailable(err)
	}
	return time.Duration(res[0]) * time.Millisecond, int(res[1]), nil
}

var lockRelease = goredis.NewScript(`
if redis.call('DECR', KEYS[4]) <= 0 then redis.call('DEL', KEYS[4]) end
if ARGV[1] == '1' then redis.call('DEL', KEYS[1], KEYS[3]) end
return 0`)

// Succeed implements auth.Lockout.
func (l *Lockout) Succeed(ctx context.Context, key string) error {
	return unavailable(lockRelease.Run(ctx, l.c.rdb, l.keys(key), "1").Err())
}

// Release implements auth.Lockout.
func (l *Lockout) Release(ctx context.Context, key string) error {
	return unavailable(lockRelease.Run(ctx, l.c.rdb, l.keys(key), "0").Err())
}

// Unlock implements auth.Lockout.
func (l *Lockout) Unlock(ctx context.Context, key string) (bool, error) {
	k := l.keys(key)
	n, err := l.c.rdb.Del(ctx, k[1]).Result()
	if err != nil {
		return false, unavailable(err)
	}
	if err := l.c.rdb.Del(ctx, k[0], k[2]).Err(); err != nil {
		return false, unavailable(err)
	}
	return n == 1, nil
}
