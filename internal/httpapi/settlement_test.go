package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/dbtest"
)

// TestSettlementFromRedemptions redeems goods, moves them back into closed months, and settles:
// the statement equals the redemptions to the fen, a reversal in the same month nets out, a
// reversal after the month was settled lands on the next statement, and the approval,
// countersignature and payment keep their rules.
func TestSettlementFromRedemptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc, shop := e.village("国茶村"), e.shopOf("国茶村")
	villager, keeper, clerk, sup := e.login("13800000010"), e.login("13800000002"), e.login("13800000001"), e.login("13800000003")
	redeem := func(goods string, qty int64) int64 {
		code := e.order(villager, shop, e.goodsNamed(shop, goods), qty).body["code"].(string)
		r := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": code})
		if r.status != http.StatusOK {
			t.Fatalf("redeem: %d %s", r.status, r.raw)
		}
		return num(r.body["redemption_id"])
	}
	r1 := redeem("食盐（500克）", 2) // 600 fen
	r2 := redeem("肥皂", 1)       // 400 fen, reversed the same month
	r3 := redeem("毛巾", 1)       // 900 fen, reversed after its month was settled
	for _, id := range []int64{r2, r3} {
		if r := e.call("POST", fmt.Sprintf("/api/v1/counter/redemptions/%d/reverse", id), keeper, map[string]string{"reason": "退货"}); r.status != http.StatusOK {
			t.Fatalf("reverse: %d %s", r.status, r.raw)
		}
	}
	cst := calendar.Zone()
	now := time.Now().In(cst)
	m1 := time.Date(now.Year(), now.Month()-2, 10, 10, 0, 0, 0, cst)
	m2 := time.Date(now.Year(), now.Month()-1, 5, 10, 0, 0, 0, cst)
	shift := func(q string, args ...any) {
		if _, err := e.app.DB.ExecContext(t.Context(), q, args...); err != nil {
			t.Fatal(err)
		}
	}
	shift(`UPDATE redemptions SET created_at = ? WHERE id IN (?, ?, ?)`, m1.UTC(), r1, r2, r3)
	shift(`UPDATE redemptions SET reversed_at = ? WHERE id = ?`, m1.Add(time.Hour).UTC(), r2)
	shift(`UPDATE redemptions SET reversed_at = ? WHERE id = ?`, m2.UTC(), r3)

	base := fmt.Sprintf("/api/v1/villages/%d", gc)
	if r := e.call("POST", base+"/fund", clerk, map[string]any{"amount_fen": 1_000_000, "note": "村集体经济拨付"}); num(r.body["balance_fen"]) != 1_000_000 {
		t.Fatalf("deposit: %d %s", r.status, r.raw)
	}
	generate := func(period string) reply {
		return e.call("POST", base+"/settlements", clerk, map[string]any{"shop_id": shop, "period": period})
	}
	if r := generate(now.Format("2006-01")); r.code() != "period_not_closed" {
		t.Errorf("settling the current month: %d %s", r.status, r.raw)
	}
	first := generate(m1.Format("2006-01"))
	if first.status != http.StatusCreated {
		t.Fatalf("generate: %d %s", first.status, first.raw)
	}
	// The village's list and its public board name the shop, not its number.
	if list := e.call("GET", base+"/settlements", clerk, nil); !strings.Contains(list.raw, `"shop_name":"国茶村便民超市"`) {
		t.Errorf("settlements without the shop's name: %s", list.raw)
	}
	if b := e.call("GET", strings.Replace(base, "/api/v1/villages", "/api/v1/public/villages", 1)+"/board", "", nil); !strings.Contains(b.raw, `"shop":"国茶村便民超市","status":"generated"`) {
		t.Errorf("public board's settlements without the shop's name: %s", b.raw)
	}
	var want int64
	if err := e.app.DB.GetContext(t.Context(), &want, `SELECT SUM(i.quantity * i.price_fen) FROM redemption_items i WHERE i.redemption_id IN (?, ?)`, r1, r3); err != nil {
		t.Fatal(err)
	}
	if got := num(first.body["total_fen"]); got != want || want != 600+900 {
		t.Errorf("first statement: %d fen, want %d (salt 600 + towel 900; soap reversed in the month nets out)", got, want)
	}
	if lines := first.body["lines"].([]any); len(lines) != 4 { // salt, soap, soap reversal, towel
		t.Errorf("first statement lines: %d", len(lines))
	}
	if r := generate(m1.Format("2006-01")); r.code() != "settlement_exists" {
		t.Errorf("generating twice: %d %s", r.status, r.raw)
	}
	second := generate(m2.Format("2006-01"))
	if num(second.body["total_fen"]) != -900 || len(second.body["lines"].([]any)) != 1 {
		t.Errorf("the late reversal is not carried into the next statement: %s", second.raw)
	}

	id := num(first.body["id"])
	step := func(token, action string, body any) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/settlements/%d/%s", id, action), token, body)
	}
	if r := step(clerk, "countersignature", nil); r.code() != "not_supervisor" {
		t.Errorf("a clerk countersigns: %d %s", r.status, r.raw)
	}
	if r := step(sup, "approval", nil); r.status != http.StatusForbidden {
		t.Errorf("a supervisor approves: %d", r.status)
	}
	if r := step(clerk, "approval", nil); r.body["status"] != "approved" {
		t.Fatalf("approve: %d %s", r.status, r.raw)
	}
	clerkID := e.id(`SELECT id FROM people WHERE phone = '13800000001'`)
	// The clerk who approved cannot become the village's supervisor to countersign his own statement.
	if r := e.call("POST", fmt.Sprintf("/api/v1/people/%d/roles", clerkID), e.login("13800000000"), map[string]any{"role": "supervisor", "body": "village_committee",
		"township_wide": true, "decided_on": "2026-11-01", "reference": "葫政〔2026〕9号"}); r.status != http.StatusConflict || r.code() != "incompatible_roles" {
		t.Fatalf("the clerk made a supervisor: %d %s", r.status, r.raw)
	}
	if r := step(e.login("13800000001"), "countersignature", nil); r.status != http.StatusForbidden {
		t.Errorf("the approver countersigns: %d %s", r.status, r.raw)
	}
	if r := step(sup, "countersignature", nil); r.body["status"] != "countersigned" {
		t.Fatalf("countersign: %d %s", r.status, r.raw)
	}
	if r := step(clerk, "payment", map[string]any{"amount_fen": want + 1, "paid_on": now.Format("2006-01-02"), "reference": "付-2026-031"}); r.code() != "paid_amount_mismatch" {
		t.Errorf("paying another amount: %d %s", r.status, r.raw)
	}
	if r := step(clerk, "payment", map[string]any{"amount_fen": want, "paid_on": now.Format("2006-01-02"), "reference": "付-2026-031"}); r.body["status"] != "paid" {
		t.Fatalf("pay: %d %s", r.status, r.raw)
	}
	if r := step(clerk, "approval", nil); r.code() != "settlement_wrong_step" {
		t.Errorf("a paid statement changes: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", base+"/fund", sup, nil); num(r.body["balance_fen"]) != 1_000_000-want {
		t.Errorf("fund after payment: %s", r.raw)
	}
	if r := e.call("GET", base+"/settlements", villager, nil); r.status != http.StatusForbidden {
		t.Errorf("a villager reads settlements: %d", r.status)
	}
	dbtest.MustVerify(t, e.app)
}

// A village pays a shop only from what its fund holds, two payments at once included; it settles
// only with a shop that had an agreement in the period; the shopkeeper reads his own statements.
func TestSettlementNeedsFundsAndAnAgreement(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc, shop := e.village("国茶村"), e.shopOf("国茶村")
	villager, keeper, clerk, sup, other := e.login("13800000010"), e.login("13800000002"), e.login("13800000001"), e.login("13800000003"), e.login("13800000102")
	cst := calendar.Zone()
	now := time.Now().In(cst)
	var ids []int64
	for i, months := range []int{2, 3} {
		code := e.order(villager, shop, e.goodsNamed(shop, "毛巾"), 1).body["code"].(string) // 900 fen
		r := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": code})
		when := time.Date(now.Year(), now.Month()-time.Month(months), 10, 10, 0, 0, 0, cst)
		if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE redemptions SET created_at = ? WHERE id = ?`, when.UTC(), num(r.body["redemption_id"])); err != nil {
			t.Fatal(err)
		}
		st := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/settlements", gc), clerk, map[string]any{"shop_id": shop, "period": when.Format("2006-01")})
		if st.status != http.StatusCreated {
			t.Fatalf("statement %d: %d %s", i, st.status, st.raw)
		}
		id := num(st.body["id"])
		for _, step := range []struct{ token, action string }{{clerk, "approval"}, {sup, "countersignature"}} {
			if r := e.call("POST", fmt.Sprintf("/api/v1/settlements/%d/%s", id, step.action), step.token, nil); r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", step.action, r.status, r.raw)
			}
		}
		ids = append(ids, id)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/settlements", gc), clerk, map[string]any{"shop_id": shop, "period": "2025-06"}); r.status != http.StatusUnprocessableEntity || r.code() != "no_agreement_in_period" {
		t.Errorf("a statement for a month without an agreement: %d %s", r.status, r.raw)
	}
	e.call("POST", fmt.Sprintf("/api/v1/villages/%d/fund", gc), clerk, map[string]any{"amount_fen": 1000, "note": "拨付"})
	pay := func(id int64) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/settlements/%d/payment", id), clerk, map[string]any{"amount_fen": 900, "paid_on": now.Format("2006-01-02"), "reference": fmt.Sprintf("BANK-%d", id)})
	}
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			statuses[i] = e.postAs(clerk, fmt.Sprintf("/api/v1/settlements/%d/payment", id), map[string]any{"amount_fen": 900, "paid_on": now.Format("2006-01-02"), "reference": fmt.Sprintf("BANK-%d", id)})
		})
	}
	wg.Wait()
	if statuses[0]+statuses[1] != http.StatusOK+http.StatusConflict {
		t.Fatalf("two payments of 900 fen from a fund of 1,000 at once: %v, want one paid and one refused", statuses)
	}
	if f := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/fund", gc), clerk, nil); num(f.body["balance_fen"]) != 100 {
		t.Errorf("fund after one payment: %s", f.raw)
	}
	unpaid := ids[0]
	if statuses[0] == http.StatusOK {
		unpaid = ids[1]
	}
	if r := pay(unpaid); r.code() != "fund_insufficient" {
		t.Errorf("paying more than the fund holds: %d %s", r.status, r.raw)
	}
	mine := e.call("GET", fmt.Sprintf("/api/v1/shops/%d/settlements", shop), keeper, nil)
	if mine.status != http.StatusOK || len(mine.body["settlements"].([]any)) != 2 || !strings.Contains(mine.raw, `"status":"paid"`) {
		t.Errorf("the shopkeeper's statements: %d %s", mine.status, mine.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/settlements/%d", unpaid), keeper, nil); r.status != http.StatusOK {
		t.Errorf("the shopkeeper reads a statement: %d", r.status)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/shops/%d/settlements", shop), other, nil); r.status != http.StatusForbidden {
		t.Errorf("another village's shopkeeper reads them: %d", r.status)
	}
}
