package redis

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"pointsmarket/internal/board"
	"pointsmarket/internal/calendar"
)

// BoardCache serves a village's public board — read by anyone, without logging in, as often as a
// notice on a wall is looked at — from Redis. Each village has a version, raised after every
// transaction that changed one of its rows (mysql.DB.OnCommit calls Invalidate); a board is cached
// under the version it was built at, for one China day, for at most ttl. A reader that raced a
// write can only have filled a version nobody reads any more. With Redis away, boards are built
// from MySQL.
//
// The versions are raised in batches, every flushEvery: a round trip to Redis after every commit
// cost the counter 8% of its redemptions, and a notice board a fraction of a second behind is
// still the notice board. Close flushes what is pending.
type BoardCache struct {
	next board.Reader
	c    *Client
	ttl  time.Duration
	log  *slog.Logger

	dirty   chan int64
	stop    chan struct{}
	stopped chan struct{}

	// local keeps this instance's copies of the boards it read last, by data key (village, day
	// and version).
	local *localCopies[string, board.Board]
}

// maxLocalBoards bounds this instance's copies; past it they are dropped and refilled from Redis.
const maxLocalBoards = 2_000

// flushEvery is how long a committed write may wait before the boards it changed are invalidated.
const flushEvery = 50 * time.Millisecond

// NewBoardCache wraps next and starts its flusher; Close stops it.
func NewBoardCache(next board.Reader, c *Client, ttl time.Duration, log *slog.Logger) *BoardCache {
	bc := &BoardCache{next: next, c: c, ttl: ttl, log: log, local: newLocalCopies[string, board.Board](maxLocalBoards, ttl),
		dirty: make(chan int64, 4096), stop: make(chan struct{}), stopped: make(chan struct{})}
	go bc.flusher()
	return bc
}

// Close flushes the pending invalidations and stops the flusher.
func (bc *BoardCache) Close() {
	close(bc.stop)
	<-bc.stopped
}

func (bc *BoardCache) flusher() {
	defer close(bc.stopped)
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	pending := map[int64]bool{}
	flush := func() {
		if len(pending) == 0 {
			return
		}
		ids := make([]int64, 0, len(pending))
		for id := range pending {
			ids = append(ids, id)
		}
		clear(pending)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		bc.bump(ctx, ids)
	}
	for {
		select {
		case id := <-bc.dirty:
			pending[id] = true
		case <-tick.C:
			flush()
		case <-bc.stop:
			for {
				select {
				case id := <-bc.dirty:
					pending[id] = true
				default:
					flush()
					return
				}
			}
		}
	}
}

// The keys of one village share a hash tag, so that they live in one slot of a Redis Cluster.
func (bc *BoardCache) versionKey(villageID int64) string {
	return bc.c.key("board", "{village"+strconv.FormatInt(villageID, 10)+"}", "v")
}

func (bc *BoardCache) dataKey(villageID int64, day, version string) string {
	return bc.c.key("board", "{village"+strconv.FormatInt(villageID, 10)+"}", day, version)
}

// Board implements board.Reader.
func (bc *BoardCache) Board(ctx context.Context, villageID int64, at time.Time) (board.Board, error) {
	version, err := bc.c.rdb.Get(ctx, bc.versionKey(villageID)).Result()
	if errors.Is(err, goredis.Nil) {
		version, err = "0", nil
	}
	if err != nil {
		bc.log.WarnContext(ctx, "board cache unavailable; reading MySQL", "village_id", villageID, "err", err)
		return bc.next.Board(ctx, villageID, at)
	}
	key := bc.dataKey(villageID, calendar.Local(at).Format("20060102"), version)
	if b, ok := bc.local.get(key, version); ok {
		return b, nil
	}
	if cached, err := bc.c.rdb.Get(ctx, key).Bytes(); err == nil {
		var b board.Board
		if err := json.Unmarshal(cached, &b); err == nil {
			bc.local.put(key, version, b)
			return b, nil
		}
	}
	b, err := bc.next.Board(ctx, villageID, at)
	if err != nil {
		return b, err
	}
	if body, err := json.Marshal(b); err == nil {
		_ = bc.c.rdb.Set(ctx, key, body, bc.ttl).Err() // a failed fill only costs the next reader the queries
	}
	bc.local.put(key, version, b)
	return b, nil
}

// Invalidate makes the reads of each village's board, from flushEvery on, come from MySQL. Call
// it after the transaction that changed the village has committed; it never waits on Redis
// (when the queue is full, it bumps the versions itself).
func (bc *BoardCache) Invalidate(ctx context.Context, villageIDs []int64) {
	for i, id := range villageIDs {
		select {
		case bc.dirty <- id:
		default:
			bc.bump(ctx, villageIDs[i:])
			return
		}
	}
}

func (bc *BoardCache) bump(ctx context.Context, villageIDs []int64) {
	pipe := bc.c.rdb.Pipeline()
	for _, id := range villageIDs {
		pipe.Incr(ctx, bc.versionKey(id))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		bc.log.WarnContext(ctx, "board cache not invalidated; it expires by itself", "villages", villageIDs, "ttl", bc.ttl, "err", err)
	}
}
