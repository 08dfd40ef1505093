package redis

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"pointsmarket/internal/catalog"
)

// CatalogCache is a catalog.Store whose ShopGoods — the most frequent request on a market day —
// is served from cache. Every write that changes a shop's goods bumps the shop's version in Redis
// after it commits. A reader asks Redis for the current version (one small GET) and answers from
// this instance's own copy when it holds that version, so a hit costs no decoding; otherwise it
// reads the list cached in Redis under that version, or MySQL. A reader that raced a write can
// only have filled a version nobody reads any more. Lists expire after ttl, which also bounds
// staleness should a version bump itself fail. With Redis away, reads go to MySQL.
type CatalogCache struct {
	catalog.Store
	c     *Client
	ttl   time.Duration
	log   *slog.Logger
	local *localCopies[int64, []catalog.Goods]
}

// maxLocalShops bounds this instance's copies; past it they are dropped and refilled from Redis.
const maxLocalShops = 20_000

// NewCatalogCache wraps store.
func NewCatalogCache(store catalog.Store, c *Client, ttl time.Duration, log *slog.Logger) *CatalogCache {
	return &CatalogCache{Store: store, c: c, ttl: ttl, log: log, local: newLocalCopies[int64, []catalog.Goods](maxLocalShops, ttl)}
}

// fromLocal and keepLocal copy the lists: callers may change what they are given.
func (cc *CatalogCache) fromLocal(shopID int64, version string) ([]catalog.Goods, bool) {
	goods, ok := cc.local.get(shopID, version)
	return slices.Clone(goods), ok
}

func (cc *CatalogCache) keepLocal(shopID int64, version string, goods []catalog.Goods) {
	cc.local.put(shopID, version, slices.Clone(goods))
}

// Keys of one shop share a hash tag, so that they live in one slot of a Redis Cluster and the
// read script may touch both.
func (cc *CatalogCache) versionKey(shopID int64) string {
	return cc.c.key("catalog", "{shop"+strconv.FormatInt(shopID, 10)+"}", "v")
}

func (cc *CatalogCache) dataKey(shopID int64) string {
	return cc.c.key("catalog", "{shop"+strconv.FormatInt(shopID, 10)+"}", "goods")
}

var readVersioned = goredis.NewScript(`
local v = redis.call('GET', KEYS[1]) or '0'
return {v, redis.call('GET', KEYS[2] .. ':' .. v)}`)

// ShopGoods implements catalog.Store.
func (cc *CatalogCache) ShopGoods(ctx context.Context, shopID int64) ([]catalog.Goods, error) {
	version, err := cc.c.rdb.Get(ctx, cc.versionKey(shopID)).Result()
	if errors.Is(err, goredis.Nil) {
		version, err = "0", nil
	}
	if err != nil {
		cc.log.WarnContext(ctx, "catalog cache unavailable; reading MySQL", "shop_id", shopID, "err", err)
		return cc.Store.ShopGoods(ctx, shopID)
	}
	if goods, ok := cc.fromLocal(shopID, version); ok {
		return goods, nil
	}
	res, err := readVersioned.Run(ctx, cc.c.rdb, []string{cc.versionKey(shopID), cc.dataKey(shopID)}).Slice()
	if err != nil {
		return cc.Store.ShopGoods(ctx, shopID)
	}
	version, _ = res[0].(string)
	if cached, ok := res[1].(string); ok {
		var goods []catalog.Goods
		if err := json.Unmarshal([]byte(cached), &goods); err == nil {
			cc.keepLocal(shopID, version, goods)
			return goods, nil
		}
	}
	goods, err := cc.Store.ShopGoods(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if body, err := json.Marshal(goods); err == nil {
		_ = cc.c.rdb.Set(ctx, cc.dataKey(shopID)+":"+version, body, cc.ttl).Err() // a failed fill only costs the next reader a query
	}
	cc.keepLocal(shopID, version, goods)
	return goods, nil
}

// Invalidate makes the next read of each shop's goods come from MySQL. Call it after the
// transaction that changed them has committed.
func (cc *CatalogCache) Invalidate(ctx context.Context, shopIDs ...int64) {
	if len(shopIDs) == 0 {
		return
	}
	pipe := cc.c.rdb.Pipeline() // every shop in one round trip (a cluster client splits it by node)
	for _, id := range shopIDs {
		pipe.Incr(ctx, cc.versionKey(id))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		cc.log.WarnContext(ctx, "catalog cache not invalidated; it expires by itself", "shop_ids", shopIDs, "ttl", cc.ttl, "err", err)
	}
}

// CreateGoods implements catalog.Store.
func (cc *CatalogCache) CreateGoods(ctx context.Context, g catalog.Goods) (catalog.Goods, error) {
	out, err := cc.Store.CreateGoods(ctx, g)
	if err == nil {
		cc.Invalidate(ctx, out.ShopID)
	}
	return out, err
}

// UpdateGoods implements catalog.Store.
func (cc *CatalogCache) UpdateGoods(ctx context.Context, id int64, fn func(*catalog.Goods) error) (catalog.Goods, error) {
	out, err := cc.Store.UpdateGoods(ctx, id, fn)
	if err == nil {
		cc.Invalidate(ctx, out.ShopID)
	}
	return out, err
}

// SavePhoto implements catalog.Store.
func (cc *CatalogCache) SavePhoto(ctx context.Context, p catalog.Photo) (catalog.Goods, error) {
	out, err := cc.Store.SavePhoto(ctx, p)
	if err == nil {
		cc.Invalidate(ctx, out.ShopID)
	}
	return out, err
}

// MoveStock implements catalog.Store.
func (cc *CatalogCache) MoveStock(ctx context.Context, m catalog.Movement) (catalog.Goods, error) {
	out, err := cc.Store.MoveStock(ctx, m)
	if err == nil {
		cc.Invalidate(ctx, out.ShopID)
	}
	return out, err
}

// DecideStandard implements catalog.Store.
func (cc *CatalogCache) DecideStandard(ctx context.Context, id int64, approve bool, note string) (catalog.Standard, []int64, error) {
	st, shops, err := cc.Store.DecideStandard(ctx, id, approve, note)
	if err == nil {
		cc.Invalidate(ctx, shops...)
	}
	return st, shops, err
}
