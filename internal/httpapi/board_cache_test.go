package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/dbtest"
)

// TestPublicBoardIsCachedAndEveryWriteInvalidatesIt reads a village's board, changes a row by
// hand (no write of the service, so nothing invalidates): the board keeps answering from its
// cache. Then a redemption at the village's shop — any write audited in the village — makes the
// reads build the board again (within the invalidation batch's 50 ms), with both changes.
func TestPublicBoardIsCachedAndEveryWriteInvalidatesIt(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	village := e.village("国茶村")
	read := func() map[string]any {
		t.Helper()
		r := e.call("GET", fmt.Sprintf("/api/v1/public/villages/%d/board", village), "", nil)
		if r.status != http.StatusOK {
			t.Fatalf("board: %d %s", r.status, r.raw)
		}
		return r.body
	}
	redemptions := func(b map[string]any) (n float64) {
		for _, s := range b["shops"].([]any) {
			n += s.(map[string]any)["redemptions"].(float64)
		}
		return n
	}
	before := read()
	if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE villages SET name = '国茶村（改）' WHERE id = ?`, village); err != nil {
		t.Fatal(err)
	}
	if again := read(); again["village"] != "国茶村" {
		t.Fatalf("the board was built again without a write: %v", again["village"])
	}

	villager, keeper := e.login("13800000010"), e.login("13800000002")
	shop := e.shopOf("国茶村（改）")
	v := e.order(villager, shop, e.goodsNamed(shop, "肥皂"), 1)
	if r := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": v.body["code"].(string)}); r.status != http.StatusOK {
		t.Fatalf("redeem: %d %s", r.status, r.raw)
	}
	// The cache is invalidated within a fraction of a second of the commit (in batches).
	var after map[string]any
	for range 40 {
		if after = read(); after["village"] == "国茶村（改）" {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if after["village"] != "国茶村（改）" || redemptions(after) != redemptions(before)+1 {
		t.Fatalf("after a redemption the board still shows %v with %v redemptions (was %v)", after["village"], redemptions(after), redemptions(before))
	}
}

// TestPublicBoardWithoutRedis still answers when Redis is down, from MySQL.
func TestPublicBoardWithoutRedis(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	cfg := e.app.Config
	cfg.RedisAddr = "127.0.0.1:1"
	down := dbtest.NewWithoutRedis(t, cfg)
	b, err := down.Boards.Board(t.Context(), e.village("国茶村"), down.Now())
	if err != nil || b.Village != "国茶村" {
		t.Fatalf("board without Redis: %+v, %v", b.Village, err)
	}
}
