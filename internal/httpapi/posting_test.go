package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/dbtest"
)

// The posting sweeper isolates failures: a penalty that the household cannot pay is marked with
// why, alerted and tried again, while the other entries post; a reason too long for a transfer is
// shortened with a pointer to the entry, never an error.
func TestPostingIsolatesFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc := e.village("国茶村")
	clerk, committee, sup := e.login("13800000001"), e.login("13800000012"), e.login("13800000003")
	item := func(code string) int64 {
		return e.id(`SELECT i.id FROM rule_items i JOIN rule_books b ON b.id = i.rule_book_id WHERE b.village_id = ? AND b.status = 'adopted' AND i.code = ?`, gc, code)
	}
	poor, rich := e.householdOf("13800000013"), e.householdOf("13800000010")
	long := string([]rune(strings.Repeat("清扫村道、疏通水渠、修补围墙", 20))[:250])
	register := func(body map[string]any) int64 {
		r := e.call("POST", "/api/v1/entries", clerk, body)
		if r.status != http.StatusCreated {
			t.Fatalf("register: %d %s", r.status, r.raw)
		}
		return num(r.body["id"])
	}
	penalty := register(map[string]any{"rule_item_id": item("P01"), "household_id": poor, "reason": "乱搭乱建", "evidence": "照片"})
	reward := register(map[string]any{"rule_item_id": item("R01"), "household_id": rich, "reason": long})
	month := time.Now().In(calendar.Zone()).Format("2006-01")
	e.call("POST", fmt.Sprintf("/api/v1/villages/%d/meetings", gc), clerk, map[string]any{"month": month, "held_on": time.Now().Format("2006-01-02")})
	for _, id := range []int64{penalty, reward} {
		if r := e.call("POST", fmt.Sprintf("/api/v1/entries/%d/decision", id), committee, map[string]any{"approve": true}); r.status != http.StatusOK {
			t.Fatalf("decide: %d %s", r.status, r.raw)
		}
	}
	if r := e.approveMonth(gc, month); r.status != http.StatusOK {
		t.Fatalf("approve: %d %s", r.status, r.raw)
	}
	// The household holds nearly all its points in a voucher: the 20-point penalty cannot be paid
	// (its village allows no negative balance).
	poorTok := e.login("13800000013")
	shop := e.shopOf("国茶村")
	salt := e.goodsNamed(shop, "食盐（500克）") // 3 points
	if avail, _ := e.available(poorTok, "household"); avail >= 20 {
		if r := e.order(poorTok, shop, salt, (avail-1)/3); r.status != http.StatusCreated {
			t.Fatalf("hold the household's points: %d %s", r.status, r.raw)
		}
	}
	if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE point_entries SET notice_until = ? WHERE id = ?`, time.Now().Add(-time.Minute), penalty); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE point_entries SET notice_until = ? WHERE id = ?`, time.Now().Add(-time.Minute), reward); err != nil {
		t.Fatal(err)
	}
	for range 2 { // tried again on the next sweep, and still no error
		if _, err := e.app.Earning.PostDue(dbtest.SystemCtx()); err != nil {
			t.Fatalf("the sweep stopped on one entry: %v", err)
		}
	}
	var status, failure string
	if err := e.app.DB.QueryRowContext(t.Context(), `SELECT status, post_failure FROM point_entries WHERE id = ?`, penalty).Scan(&status, &failure); err != nil {
		t.Fatal(err)
	}
	if status != "noticed" || failure == "" {
		t.Errorf("the failed penalty: status %s, failure %q", status, failure)
	}
	var reason string
	if err := e.app.DB.QueryRowContext(t.Context(), `SELECT t.reason FROM transfers t JOIN point_entries p ON p.posted_transfer_id = t.id WHERE p.id = ?`, reward).Scan(&reason); err != nil {
		t.Fatalf("the other entry did not post: %v", err)
	}
	if !strings.Contains(reason, fmt.Sprintf("详见登记#%d", reward)) {
		t.Errorf("the long reason's transfer: %q", reason)
	}
	if rules := e.alertRules(sup, gc); !slices.Contains(rules, "posting_failed") {
		t.Errorf("alerts: %v", rules)
	}
	dbtest.MustVerify(t, e.app)
}

// What decides points and money is sealed by its audit entry: an entry's points or a redemption's
// agreed price edited by hand is named by the check.
func TestMoneyDecidingRowsAreSealed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc, shop := e.village("国茶村"), e.shopOf("国茶村")
	clerk, villager, keeper := e.login("13800000001"), e.login("13800000010"), e.login("13800000002")
	item := e.id(`SELECT i.id FROM rule_items i JOIN rule_books b ON b.id = i.rule_book_id WHERE b.village_id = ? AND b.status = 'adopted' AND i.code = 'R01'`, gc)
	entry := num(e.call("POST", "/api/v1/entries", clerk, map[string]any{"rule_item_id": item, "household_id": e.householdOf("13800000013"), "reason": "清扫"}).body["id"])
	code := e.order(villager, shop, e.goodsNamed(shop, "牙膏"), 1).body["code"].(string)
	redemption := num(e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": code}).body["redemption_id"])
	// A statement of last month, and a deposit into the fund.
	code2 := e.order(villager, shop, e.goodsNamed(shop, "肥皂"), 1).body["code"].(string)
	settled := num(e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": code2}).body["redemption_id"])
	cst := calendar.Zone()
	last := time.Date(time.Now().In(cst).Year(), time.Now().In(cst).Month()-1, 10, 10, 0, 0, 0, cst)
	if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE redemptions SET created_at = ? WHERE id = ?`, last.UTC(), settled); err != nil {
		t.Fatal(err)
	}
	st := num(e.call("POST", fmt.Sprintf("/api/v1/villages/%d/settlements", gc), clerk, map[string]any{"shop_id": shop, "period": last.Format("2006-01")}).body["id"])
	e.call("POST", fmt.Sprintf("/api/v1/villages/%d/fund", gc), clerk, map[string]any{"amount_fen": 5000, "note": "拨付"})
	fund := e.id(`SELECT MAX(id) FROM village_fund`)
	goods, household := e.goodsNamed(shop, "毛巾"), e.householdOf("13800000013")
	clerkID := e.id(`SELECT id FROM people WHERE phone = '13800000001'`)
	standard := e.id(`SELECT id FROM exchange_standards WHERE village_id = ? AND status = 'approved'`, gc)
	dbtest.MustVerify(t, e.app)
	for _, q := range []string{
		fmt.Sprintf(`UPDATE point_entries SET points = 100000 WHERE id = %d`, entry),
		fmt.Sprintf(`UPDATE redemption_items SET price_fen = 550000 WHERE redemption_id = %d`, redemption),
		fmt.Sprintf(`UPDATE goods SET price_fen = 90000 WHERE id = %d`, goods),
		fmt.Sprintf(`UPDATE households SET size = 50 WHERE id = %d`, household),
		fmt.Sprintf(`INSERT INTO role_grants (person_id, role, township_id, village_id, shop_id, body, created_at) SELECT %d, 'supervisor', township_id, id, 0, 'work_team', NOW() FROM villages WHERE id = %d`, clerkID, gc),
		fmt.Sprintf(`UPDATE settlement_lines SET amount_fen = 99999 WHERE settlement_id = %d`, st),
		fmt.Sprintf(`UPDATE village_fund SET amount_fen = 9999999 WHERE id = %d`, fund),
		fmt.Sprintf(`UPDATE exchange_standards SET fen_per_point = 500 WHERE id = %d`, standard),
		fmt.Sprintf(`UPDATE stock_movements SET village_id = village_id + 1 WHERE goods_id = %d`, goods), // placed in another county's shard
	} {
		if _, err := e.app.DB.ExecContext(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	r, err := e.app.Verify(dbtest.SystemCtx(), audit.Full)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(r.Breaches, "\n")
	for _, want := range []string{fmt.Sprintf("entry %d: differs", entry), fmt.Sprintf("redemption %d: item of goods", redemption),
		fmt.Sprintf("goods %d: differs", goods), fmt.Sprintf("household %d: size differs", household),
		fmt.Sprintf("person %d: role supervisor in village %d was never granted", clerkID, gc),
		fmt.Sprintf("settlement %d: line of redemption %d", st, settled), fmt.Sprintf("fund movement %d: amount differs", fund),
		fmt.Sprintf("exchange standard %d: differs", standard), "rows of stock_movements do not carry the village of their goods"} {
		if !strings.Contains(got, want) {
			t.Errorf("breaches do not name %q:\n%s", want, got)
		}
	}
}
