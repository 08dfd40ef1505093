package httpapi_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"pointsmarket/internal/app"
	"pointsmarket/internal/dbtest"
)

// TestBatchedRedemptionsAnswerEachCounter redeems 24 vouchers at once at one instance, so that
// the counter's queue writes them in shared transactions, with a cancelled voucher, one redeemed
// already and one of another shop among them: each counter gets its own exact answer, the points
// move once per voucher, each audit entry names its own request, a key replays its first answer
// afterwards, and check passes.
func TestBatchedRedemptionsAnswerEachCounter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager, keeper, jyKeeper := e.login("13800000010"), e.login("13800000002"), e.login("13800000102")
	shop := e.shopOf("国茶村")
	towel := e.goodsNamed(shop, "毛巾")
	before, _ := e.available(villager, "household")
	type ticket struct {
		code, want string
		points     int64
		token      string
	}
	var tickets []ticket
	for i := range 24 {
		r := e.order(villager, shop, towel, 1)
		if r.status != http.StatusCreated {
			t.Fatalf("order %d: %d %s", i, r.status, r.raw)
		}
		tk := ticket{code: r.body["code"].(string), want: "", points: num(r.body["points"]), token: keeper}
		switch i {
		case 5: // cancelled by its holder before the counter sees it
			if c := e.call("POST", fmt.Sprintf("/api/v1/vouchers/%d/cancel", num(r.body["id"])), villager, nil); c.status != http.StatusOK {
				t.Fatalf("cancel: %d %s", c.status, c.raw)
			}
			tk.want = "voucher_cancelled"
		case 12: // redeemed already
			if c := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": tk.code}); c.status != http.StatusOK {
				t.Fatalf("first redeem: %d %s", c.status, c.raw)
			}
			tk.want = "voucher_already_redeemed"
		case 18: // shown at another village's shop
			tk.want, tk.token = "voucher_wrong_shop", jyKeeper
		}
		tickets = append(tickets, tk)
	}
	answers := make([]reply, len(tickets))
	var wg sync.WaitGroup
	for i, tk := range tickets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = e.call("POST", "/api/v1/counter/redeem", tk.token, map[string]string{"code": tk.code}, "Idempotency-Key", fmt.Sprintf("batch-%d", i))
		}()
	}
	wg.Wait()
	var spent int64
	ids := map[int64]bool{}
	for i, r := range answers {
		want := tickets[i].want
		switch {
		case want == "" && r.status == http.StatusOK:
			spent += tickets[i].points
			if ids[num(r.body["redemption_id"])] {
				t.Errorf("redemption %v answered twice", r.body["redemption_id"])
			}
			ids[num(r.body["redemption_id"])] = true
		case want != "" && r.status >= 400 && r.status < 500 && r.code() == want:
		default:
			t.Errorf("voucher %d: %d %s, want %q", i, r.status, r.raw, want)
		}
	}
	spent += tickets[12].points
	after, held := e.available(villager, "household")
	if after != before-spent-tickets[18].points || held != tickets[18].points {
		t.Fatalf("available %d → %d (held %d): want %d spent and the other shop's voucher held", before, after, held, spent)
	}
	// Shared transactions happened: redemptions written by one statement share their time.
	if shared := e.id(`SELECT COUNT(*) - COUNT(DISTINCT created_at) FROM redemptions WHERE redeemed_by = (SELECT id FROM people WHERE phone = '13800000002')`); shared == 0 {
		t.Errorf("no two redemptions were written together")
	}
	// Each redemption's audit entry names its own request, and the keeper who made it.
	if n := e.id(`SELECT COUNT(DISTINCT request_id) FROM audit_log WHERE action = 'counter.redeem' AND actor_id = (SELECT id FROM people WHERE phone = '13800000002')`); n != int64(len(ids))+1 {
		t.Errorf("%d distinct requests in the counter.redeem entries, want %d", n, len(ids)+1)
	}
	// A key of a batched redemption replays its first answer.
	again := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": tickets[0].code}, "Idempotency-Key", "batch-0")
	if again.status != http.StatusOK || num(again.body["redemption_id"]) != num(answers[0].body["redemption_id"]) {
		t.Errorf("replay: %d %s, first %s", again.status, again.raw, answers[0].raw)
	}
	dbtest.MustVerify(t, e.app)
}
