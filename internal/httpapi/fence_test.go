package httpapi_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/redis"
	"pointsmarket/internal/voucher"
	"pointsmarket/internal/write"
)

// TestExpiredLockCannotCaptureAgain pauses a lock holder until its lock expires (a GC pause, a
// stalled VM), lets a second holder redeem, and then lets the first one carry on: the database
// refuses it, by the voucher's status and by the lock's fencing token.
func TestExpiredLockCannotCaptureAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager := e.login("13800000010")
	shop := e.shopOf("国茶村")
	keeper := e.id(`SELECT id FROM people WHERE phone = '13800000002'`)
	locks := redis.NewLocks(e.app.Redis)
	ctx := dbtest.SystemCtx()
	issue := func() int64 {
		return num(e.order(villager, shop, e.goodsNamed(shop, "肥皂"), 1).body["id"])
	}
	redeem := func(id int64, fence int64) error {
		_, err := e.app.Vouchers.CaptureVoucher(ctx, voucher.RedeemRequest{VoucherID: id, ShopID: shop, By: keeper,
			Fence: voucher.Fence(fence), Now: time.Now()}, write.Key{})
		return err
	}

	id := issue()
	name := fmt.Sprintf("voucher:%d", id)
	paused, _, err := locks.Acquire(ctx, name, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := locks.Acquire(ctx, name, time.Second); !errors.Is(err, voucher.ErrBusy) {
		t.Fatalf("a held lock was taken again: %v", err)
	}
	time.Sleep(120 * time.Millisecond) // the holder is paused; its lock expires
	newer, release, err := locks.Acquire(ctx, name, time.Second)
	if err != nil || newer <= paused {
		t.Fatalf("second holder: token %d after %d, %v", newer, paused, err)
	}
	if err := redeem(id, newer); err != nil {
		t.Fatalf("second holder redeems: %v", err)
	}
	release()
	if err := redeem(id, paused); err == nil {
		t.Fatal("the paused holder captured the voucher a second time")
	}
	var captures int
	if err := e.app.DB.GetContext(ctx, &captures, `SELECT COUNT(*) FROM transfers t JOIN vouchers v ON v.hold_id = t.hold_id WHERE v.id = ?`, id); err != nil || captures != 1 {
		t.Fatalf("captures of the voucher: %d, %v", captures, err)
	}

	// The fence on its own: a row last written under a newer token refuses an older one, even while
	// the voucher is still issued.
	id2 := issue()
	if _, err := e.app.DB.ExecContext(ctx, `UPDATE vouchers SET fence = ? WHERE id = ?`, newer, id2); err != nil {
		t.Fatal(err)
	}
	if err := redeem(id2, paused); !errors.Is(err, voucher.ErrBusy) {
		t.Fatalf("an older token on a newer row: %v, want being_redeemed_elsewhere", err)
	}
	latest, release2, err := locks.Acquire(ctx, fmt.Sprintf("voucher:%d", id2), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer release2()
	if err := redeem(id2, latest); err != nil {
		t.Fatalf("a newer token: %v", err)
	}
	dbtest.MustVerify(t, e.app)
}
