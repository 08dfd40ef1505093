package redis

import (
	"context"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"pointsmarket/internal/voucher"
)

// Locks implements voucher.Locker with a few lines of Lua rather than bsm/redislock or
// go-redsync: neither hands out a fencing token, and the token is what lets the database refuse a
// holder whose lock expired while it was paused.
//
// The token is the larger of "previous token + 1" and Redis's clock in microseconds, so tokens keep
// growing across a Redis restart (this deployment keeps nothing on disk) and are comparable between
// two Redis servers that a split left serving different instances.
type Locks struct{ c *Client }

// NewLocks returns Locks on c.
func NewLocks(c *Client) *Locks { return &Locks{c: c} }

var acquireLock = goredis.NewScript(`
local t = redis.call('INCR', KEYS[2])
local now = redis.call('TIME')
local us = tonumber(now[1]) * 1000000 + tonumber(now[2])
if t < us then t = us; redis.call('SET', KEYS[2], t) end
redis.call('PEXPIRE', KEYS[2], 86400000)
if redis.call('SET', KEYS[1], t, 'NX', 'PX', ARGV[1]) then return t end
return 0`)

var releaseLock = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// Acquire implements voucher.Locker.
func (l *Locks) Acquire(ctx context.Context, name string, ttl time.Duration) (int64, func(), error) {
	// One hash tag per name: the lock and its token counter share a Redis Cluster slot.
	token, err := acquireLock.Run(ctx, l.c.rdb, []string{l.lockKey(name), l.c.key("fence", "{"+name+"}")}, ttl.Milliseconds()).Int64()
	if err != nil {
		return 0, nil, unavailable(err)
	}
	if token == 0 {
		return 0, nil, voucher.ErrBusy
	}
	release := func() { _ = l.ReleaseAll(ctx, []voucher.Held{{Name: name, Token: token}}) }
	return token, release, nil
}

// lockKey is the named lock's key; its hash tag is the name, shared with its token counter.
func (l *Locks) lockKey(name string) string { return l.c.key("lock", "{"+name+"}") }

// ReleaseAll implements voucher.Locker: one pipeline of the release script, one call per lock (in
// Cluster mode the locks' slots differ, so one script over all of them could not run). A detached
// context: the locks must go even when the request was cancelled.
func (l *Locks) ReleaseAll(ctx context.Context, held []voucher.Held) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	run := func(eval func(pipe goredis.Pipeliner, key, token string)) error {
		pipe := l.c.rdb.Pipeline()
		for _, h := range held {
			eval(pipe, l.lockKey(h.Name), strconv.FormatInt(h.Token, 10))
		}
		_, err := pipe.Exec(ctx)
		return err
	}
	err := run(func(pipe goredis.Pipeliner, key, token string) { releaseLock.EvalSha(ctx, pipe, []string{key}, token) })
	if err != nil && goredis.HasErrorPrefix(err, "NOSCRIPT") { // Redis restarted and forgot the script
		err = run(func(pipe goredis.Pipeliner, key, token string) { releaseLock.Eval(ctx, pipe, []string{key}, token) })
	}
	return unavailable(err)
}
