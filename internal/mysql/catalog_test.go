package mysql_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/mysql"
	"pointsmarket/internal/org"
	"pointsmarket/internal/redis"
)

func newShopGoods(t *testing.T, a *app.App, stock int64) (org.Shop, catalog.Goods) {
	t.Helper()
	ctx := dbtest.SystemCtx()
	v := dbtest.NewVillage(t, a, "一村", 0)
	shop, err := mysql.NewCatalogStore(a.DB).CreateShop(ctx, org.Shop{VillageID: v.Village.ID, Name: "一村超市"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := cacheOf(a).CreateGoods(ctx, catalog.Goods{ShopID: shop.ID, Name: "肥皂", Category: "清洁", Unit: "块", Points: 4, PriceFen: 400, LowStock: 10})
	if err != nil {
		t.Fatal(err)
	}
	if stock > 0 {
		if g, err = cacheOf(a).MoveStock(ctx, catalog.Movement{GoodsID: g.ID, Delta: stock, Kind: catalog.StockIn, Reason: "进货"}); err != nil {
			t.Fatal(err)
		}
	}
	return shop, g
}

func TestConcurrentStockTakersNeverGoBelowZero(t *testing.T) {
	a := dbtest.New(t, app.Options{})
	_, g := newShopGoods(t, a, 100)
	ctx := dbtest.SystemCtx()
	var wg sync.WaitGroup
	var taken, refused atomic.Int64
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := mysql.NewCatalogStore(a.DB).MoveStock(ctx, catalog.Movement{GoodsID: g.ID, Delta: -3, Kind: catalog.Adjust, Reason: "盘点"})
			switch {
			case err == nil:
				taken.Add(3)
			case errors.Is(err, catalog.ErrOutOfStock):
				refused.Add(1)
			default:
				t.Errorf("take stock: %v", err)
			}
		}()
	}
	wg.Wait()
	got, err := mysql.NewCatalogStore(a.DB).Goods(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if taken.Load() != 99 || got.Stock != 1 || refused.Load() != 17 {
		t.Fatalf("took %d (refused %d), stock %d; want 99 taken, 17 refused, 1 left", taken.Load(), refused.Load(), got.Stock)
	}
	if _, breaches, err := mysql.NewCatalogStore(a.DB).VerifyStock(ctx); err != nil || len(breaches) != 0 {
		t.Fatalf("stock verification: %v %v", breaches, err)
	}
}

// TestCacheIsUsedAndInvalidatedAcrossInstances runs two service instances on one database and one
// Redis: a read on one is served from the cache (a row edited behind the service's back does not
// show), and a change through the other is seen at once.
func TestCacheIsUsedAndInvalidatedAcrossInstances(t *testing.T) {
	cfg := dbtest.Config(t)
	one := dbtest.NewWith(t, cfg, app.Options{})
	two := dbtest.NewWith(t, cfg, app.Options{})
	shop, g := newShopGoods(t, one, 50)
	ctx := dbtest.SystemCtx()
	read := func(a *app.App) catalog.Goods {
		t.Helper()
		gs, err := cacheOf(a).ShopGoods(ctx, shop.ID)
		if err != nil || len(gs) != 1 {
			t.Fatalf("read: %v %v", gs, err)
		}
		return gs[0]
	}
	if got := read(one); got.Stock != 50 {
		t.Fatalf("first read: stock %d", got.Stock)
	}
	if _, err := one.DB.ExecContext(ctx, `UPDATE goods SET name = '改过的肥皂' WHERE id = ?`, g.ID); err != nil {
		t.Fatal(err)
	}
	if got := read(two); got.Name != "肥皂" {
		t.Fatalf("instance two read %q: the read did not come from the shared cache", got.Name)
	}
	checks := []struct {
		name   string
		change func() error
		want   func(catalog.Goods) bool
	}{
		{"stock taken on instance two", func() error {
			_, err := cacheOf(two).MoveStock(ctx, catalog.Movement{GoodsID: g.ID, Delta: -7, Kind: catalog.Adjust, Reason: "损坏"})
			return err
		}, func(x catalog.Goods) bool { return x.Stock == 43 && x.Name == "改过的肥皂" }},
		{"price changed on instance two", func() error {
			_, err := cacheOf(two).UpdateGoods(ctx, g.ID, func(x *catalog.Goods) error { x.Points = 5; return nil })
			return err
		}, func(x catalog.Goods) bool { return x.Points == 5 }},
		{"low-stock mark changed on instance one", func() error {
			_, err := cacheOf(one).UpdateGoods(ctx, g.ID, func(x *catalog.Goods) error { x.LowStock = 3; return nil })
			return err
		}, func(x catalog.Goods) bool { return x.LowStock == 3 }},
	}
	for _, c := range checks {
		read(one) // fill the cache on instance one
		if err := c.change(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for name, a := range map[string]*app.App{"one": one, "two": two} {
			if got := read(a); !c.want(got) {
				t.Errorf("%s: instance %s reads stale goods %+v", c.name, name, got)
			}
		}
	}
	// A standard approval re-prices goods of every shop of the village and invalidates them all.
	read(one)
	st, err := cacheOf(two).ProposeStandard(ctx, catalog.Standard{VillageID: shop.VillageID, FenPerPoint: 100, TolerancePct: 0, Status: catalog.StandardProposed, ProposedBy: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := cacheOf(two).DecideStandard(ctx, st.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if got := read(one); got.StandardOK {
		t.Errorf("after a standard approval instance one reads %+v (5 points at 4 yuan breaks 1 point = 1 yuan)", got)
	}
}

func TestCacheFallsBackToMySQLWithoutRedis(t *testing.T) {
	cfg := dbtest.Config(t)
	a := dbtest.NewWith(t, cfg, app.Options{})
	shop, _ := newShopGoods(t, a, 5)
	cfg.RedisAddr = "127.0.0.1:1"
	down := dbtest.NewWithoutRedis(t, cfg)
	start := time.Now()
	gs, err := cacheOf(down).ShopGoods(dbtest.SystemCtx(), shop.ID)
	if err != nil || len(gs) != 1 || gs[0].Stock != 5 {
		t.Fatalf("read with Redis down: %v %v", gs, err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("read with Redis down took %v", time.Since(start))
	}
}

// caches are the catalog caches of the instances a test runs, one per instance (each keeps its
// own local copies), as the instance's services are wired with theirs.
var caches sync.Map

func cacheOf(a *app.App) *redis.CatalogCache {
	c, _ := caches.LoadOrStore(a, redis.NewCatalogCache(mysql.NewCatalogStore(a.DB), a.Redis, time.Minute, a.Log))
	return c.(*redis.CatalogCache)
}
