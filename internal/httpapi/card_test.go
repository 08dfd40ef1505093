package httpapi_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/voucher"
)

// cardCheckout rings goods up against a household card and a PIN at a counter.
func (e *env) cardCheckout(keeper, card, pin string, goods, quantity int64, headers ...string) reply {
	e.t.Helper()
	return e.call("POST", "/api/v1/counter/card/checkout", keeper, map[string]any{"card": card, "pin": pin,
		"items": []map[string]any{{"goods_id": goods, "quantity": quantity}}}, headers...)
}

// 户卡: the clerk issues a card to 张建国's household and the villager keys a PIN in at the office;
// the shopkeeper types the card's number (or scans its QR) and the villager keys the PIN: the
// points go at once, once per Idempotency-Key. Wrong PINs lock the card from the third in a row
// and alert the supervisors; a card of another village, a card reported lost and a card without
// a PIN are refused precisely, and every attempt is in the audit log.
func TestHouseholdCardAndPIN(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager, clerk, keeper, supervisor := e.login("13800000010"), e.login("13800000001"), e.login("13800000002"), e.login("13800000003")
	household := e.householdOf("13800000010")
	shop := e.shopOf("国茶村")
	towel := e.goodsNamed(shop, "毛巾")
	towelPoints := e.id(`SELECT points FROM goods WHERE id = ?`, towel)
	base := fmt.Sprintf("/api/v1/households/%d/cards", household)

	for _, c := range []struct {
		name, token string
	}{{"the villager", villager}, {"the shopkeeper", keeper}, {"尖岩村's clerk", e.login("13800000101")}, {"the supervisor", supervisor}} {
		if r := e.call("POST", base, c.token, nil); r.status != http.StatusForbidden {
			t.Errorf("%s issued a card: %d %s", c.name, r.status, r.raw)
		}
	}
	issued := e.call("POST", base, clerk, nil)
	if issued.status != http.StatusCreated || issued.body["status"] != "active" || issued.body["pin_set"] != false ||
		!regexp.MustCompile(`^\d{12}$`).MatchString(issued.body["number"].(string)) || !strings.Contains(issued.body["head"].(string), "*") {
		t.Fatalf("issue a card: %d %s", issued.status, issued.raw)
	}
	cardID, number := num(issued.body["id"]), issued.body["number"].(string)
	typed := number[:4] + " " + number[4:8] + " " + number[8:] // as a shopkeeper types it from the card
	if r := e.call("GET", fmt.Sprintf("/api/v1/cards/%d", cardID), villager, nil); r.status != 200 || r.body["number"] != number {
		t.Errorf("the household reads its card: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/cards/%d", cardID), e.login("13800000101"), nil); r.status != http.StatusForbidden {
		t.Errorf("another village's clerk read the card: %d", r.status)
	}
	qr := e.call("GET", fmt.Sprintf("/api/v1/cards/%d/qr.png", cardID), clerk, nil)
	if qr.status != 200 || qr.header.Get("Content-Type") != "image/png" {
		t.Errorf("the card's QR: %d %s", qr.status, qr.header.Get("Content-Type"))
	}
	var nonce []byte
	if err := e.app.DB.QueryRowContext(t.Context(), `SELECT nonce FROM household_cards WHERE id = ?`, cardID).Scan(&nonce); err != nil {
		t.Fatal(err)
	}
	code := voucher.NewCodes(e.app.Config.Secret).Card(cardID, nonce)

	if r := e.call("POST", "/api/v1/counter/card/scan", keeper, map[string]any{"card": typed}); r.status != 200 ||
		r.body["card"].(map[string]any)["pin_set"] != false || !strings.Contains(r.body["card"].(map[string]any)["holder"].(string), "*") {
		t.Errorf("scan a typed card number: %d %s", r.status, r.raw)
	}
	if r := e.cardCheckout(keeper, typed, "358214", towel, 1); r.code() != "card_pin_not_set" {
		t.Errorf("a card without a PIN: %d %s", r.status, r.raw)
	}
	pin := fmt.Sprintf("/api/v1/cards/%d/pin", cardID)
	for _, weak := range []string{"123456", "000000", "654321", "12345", "12345a"} {
		if r := e.call("PUT", pin, clerk, map[string]string{"pin": weak}); r.code() != "weak_pin" {
			t.Errorf("PIN %q: %d %s", weak, r.status, r.raw)
		}
	}
	if r := e.call("PUT", pin, keeper, map[string]string{"pin": "358214"}); r.status != http.StatusForbidden {
		t.Errorf("the shopkeeper set a PIN: %d", r.status)
	}
	if r := e.call("PUT", pin, clerk, map[string]string{"pin": "358214"}); r.status != 200 || r.body["pin_set"] != true || strings.Contains(r.raw, "358214") {
		t.Fatalf("set the PIN at the office: %d %s", r.status, r.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM alerts WHERE rule = 'card_pin_by_office' AND subject_id = ?`, household); n != 1 {
		t.Errorf("%d alerts of a PIN the office set, want 1", n)
	}
	if r := e.call("GET", "/api/v1/me/notifications", villager, nil); !strings.Contains(r.raw, "户卡") {
		t.Errorf("the household was not told of its card: %.300s", r.raw)
	}

	before, _ := e.available(villager, "household")
	paid := e.cardCheckout(keeper, typed, "358214", towel, 1, "Idempotency-Key", "card-1")
	if paid.status != 200 || paid.body["kind"] != "card" || num(paid.body["points"]) != towelPoints || num(paid.body["card_id"]) != cardID {
		t.Fatalf("checkout by card: %d %s", paid.status, paid.raw)
	}
	again := e.cardCheckout(keeper, typed, "358214", towel, 1, "Idempotency-Key", "card-1")
	if again.status != 200 || num(again.body["redemption_id"]) != num(paid.body["redemption_id"]) {
		t.Errorf("a repeat of the same key: %d %s", again.status, again.raw)
	}
	if after, _ := e.available(villager, "household"); after != before-towelPoints {
		t.Errorf("available %d → %d, want one move of %d", before, after, towelPoints)
	}
	if r := e.cardCheckout(keeper, code, "358214", towel, 1); r.status != 200 {
		t.Errorf("checkout by the card's QR: %d %s", r.status, r.raw)
	}
	// Its receipt: the shop and the supervisor read it masked, the household in full; others not.
	receipt := fmt.Sprintf("/api/v1/redemptions/%d", num(paid.body["redemption_id"]))
	for _, c := range []struct {
		who, token string
		status     int
		masked     bool
	}{{"the shop", keeper, 200, true}, {"the supervisor", supervisor, 200, true}, {"the household", villager, 200, false},
		{"another village's shop", e.login("13800000102"), 403, false}, {"a neighbour", e.login("13800000014"), 403, false}} {
		r := e.call("GET", receipt, c.token, nil)
		if r.status != c.status || (c.status == 200 && (r.body["kind"] != "card" || r.body["shop_name"] == "" || strings.Contains(r.body["holder"].(string), "*") != c.masked)) {
			t.Errorf("the receipt for %s: %d %s", c.who, r.status, r.raw)
		}
	}

	// Wrong PINs: two are free, the third locks the card and alerts; a locked card's PIN is not
	// even compared, the right one included.
	for i := 1; i <= 3; i++ {
		r := e.cardCheckout(keeper, typed, "111222", towel, 1)
		if r.code() != "card_pin_wrong" {
			t.Fatalf("wrong PIN %d: %d %s", i, r.status, r.raw)
		}
		if locked := r.body["error"].(map[string]any)["details"].(map[string]any)["locked_until"] != nil; locked != (i == 3) {
			t.Errorf("wrong PIN %d: locked %v: %s", i, locked, r.raw)
		}
	}
	if r := e.cardCheckout(keeper, typed, "358214", towel, 1); r.status != http.StatusTooManyRequests || r.code() != "card_locked" || r.header.Get("Retry-After") == "" {
		t.Errorf("the right PIN on a locked card: %d %s", r.status, r.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM alerts WHERE rule = 'card_pin_failures' AND subject_id = ?`, household); n != 1 {
		t.Errorf("%d alerts of wrong PINs, want 1", n)
	}
	if n := e.id(`SELECT COUNT(*) FROM audit_log WHERE action = 'card.pin_wrong' AND object_id = ?`, household); n != 3 {
		t.Errorf("%d wrong PINs in the audit log, want 3", n)
	}
	if r := e.call("PUT", pin, villager, map[string]string{"pin": "802465"}); r.status != 200 || num(r.body["failures"]) != 0 {
		t.Fatalf("the household resets its PIN: %d %s", r.status, r.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM alerts WHERE rule = 'card_pin_by_office' AND subject_id = ?`, household); n != 1 {
		t.Errorf("the household's own PIN alerted the supervisors")
	}
	if r := e.cardCheckout(keeper, typed, "802465", towel, 1); r.status != 200 {
		t.Errorf("after the reset: %d %s", r.status, r.raw)
	}

	// Another village's shop: the QR says so, a typed number says nothing.
	jyKeeper := e.login("13800000102")
	if r := e.call("POST", "/api/v1/counter/card/scan", jyKeeper, map[string]any{"card": code}); r.code() != "card_other_village" {
		t.Errorf("the QR at another village's shop: %d %s", r.status, r.raw)
	}
	if r := e.cardCheckout(jyKeeper, typed, "802465", towel, 1); r.code() != "card_invalid" {
		t.Errorf("the number at another village's shop: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", "/api/v1/counter/card/scan", keeper, map[string]any{"card": number[:11] + string('0'+(number[11]-'0'+1)%10)}); r.code() != "card_invalid" {
		t.Errorf("a mistyped check digit: %d %s", r.status, r.raw)
	}

	// Lost: blocked at once by the household, for good; a new card replaces it.
	block := fmt.Sprintf("/api/v1/cards/%d/block", cardID)
	if r := e.call("POST", block, keeper, map[string]string{"reason": "丢了"}); r.status != http.StatusForbidden {
		t.Errorf("the shopkeeper blocked a card: %d", r.status)
	}
	if r := e.call("POST", block, villager, map[string]string{"reason": "卡丢了"}); r.status != 200 || r.body["status"] != "blocked" {
		t.Fatalf("report the card lost: %d %s", r.status, r.raw)
	}
	if r := e.cardCheckout(keeper, typed, "802465", towel, 1); r.code() != "card_blocked" {
		t.Errorf("a blocked card: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", block, villager, map[string]string{"reason": "again"}); r.code() != "card_not_active" {
		t.Errorf("blocked twice: %d %s", r.status, r.raw)
	}
	second := e.call("POST", base, clerk, nil)
	third := e.call("POST", base, clerk, nil)
	if second.status != 201 || third.status != 201 || second.body["number"] == number {
		t.Fatalf("new cards: %s %s", second.raw, third.raw)
	}
	list := e.call("GET", base, villager, nil)
	statuses := []string{}
	for _, c := range list.body["cards"].([]any) {
		statuses = append(statuses, c.(map[string]any)["status"].(string))
	}
	if strings.Join(statuses, ",") != "active,blocked,blocked" {
		t.Errorf("one card in use, the replaced one blocked: %v", statuses)
	}
	if n := e.id(`SELECT COUNT(*) FROM audit_log WHERE action = 'access.refused' AND actor_id = ?`, e.id(`SELECT id FROM people WHERE phone = '13800000002'`)); n == 0 {
		t.Errorf("the refused card attempts left no trace")
	}
	dbtest.MustVerify(t, e.app)
}

// Two counters take one card at once for more than half of what the household has left: one
// wins, the other is refused, and the household never goes below zero.
func TestCardAtTwoCountersAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager, clerk, keeper := e.login("13800000010"), e.login("13800000001"), e.login("13800000002")
	household := e.householdOf("13800000010")
	shop := e.shopOf("国茶村")
	paper := e.goodsNamed(shop, "卫生纸（10卷）") // 25 points
	card := e.call("POST", fmt.Sprintf("/api/v1/households/%d/cards", household), clerk, nil)
	if r := e.call("PUT", fmt.Sprintf("/api/v1/cards/%d/pin", num(card.body["id"])), villager, map[string]string{"pin": "470913"}); r.status != 200 {
		t.Fatalf("set the PIN: %d %s", r.status, r.raw)
	}
	// Vouchers hold all but 125 to 149 points: room for one checkout of 100, not two.
	for available, _ := e.available(villager, "household"); available >= 150; available, _ = e.available(villager, "household") {
		q := min(40, (available-125)/25)
		if r := e.order(villager, shop, paper, q); r.status != http.StatusCreated {
			t.Fatalf("hold %d: %d %s", q*25, r.status, r.raw)
		}
	}
	before, held := e.available(villager, "household")
	var wg sync.WaitGroup
	answers := make([]reply, 2)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = e.cardCheckout(keeper, card.body["number"].(string), "470913", paper, 4, "Idempotency-Key", fmt.Sprintf("counter-%d", i))
		}()
	}
	wg.Wait()
	ok := 0
	for _, r := range answers {
		switch {
		case r.status == 200:
			ok++
		case r.code() != "insufficient_points" && r.code() != "being_redeemed_elsewhere":
			t.Errorf("the second counter: %d %s", r.status, r.raw)
		}
	}
	after, heldAfter := e.available(villager, "household")
	if ok != 1 || after != before-100 || heldAfter != held || after < 0 {
		t.Fatalf("%d checkouts won; available %d → %d: want exactly one of 100", ok, before, after)
	}
	dbtest.MustVerify(t, e.app)
}

// 积分+现金: where the township allows it, a household short of points pays the rest in cash at
// the agreed price; the cash stays with the shop, so the month's statement reimburses the agreed
// price less the cash, and a reversal hands the cash back out of the statement too.
func TestPointsPlusCashThroughSettlement(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager, clerk, keeper, township := e.login("13800000010"), e.login("13800000001"), e.login("13800000002"), e.login("13800000000")
	gc, shop, household := e.village("国茶村"), e.shopOf("国茶村"), e.householdOf("13800000010")
	paper := e.goodsNamed(shop, "卫生纸（10卷）") // 25 points
	card := e.call("POST", fmt.Sprintf("/api/v1/households/%d/cards", household), clerk, nil)
	if r := e.call("PUT", fmt.Sprintf("/api/v1/cards/%d/pin", num(card.body["id"])), villager, map[string]string{"pin": "470913"}); r.status != 200 {
		t.Fatalf("set the PIN: %d %s", r.status, r.raw)
	}
	number := card.body["number"].(string)
	for available, _ := e.available(villager, "household"); available >= 150; available, _ = e.available(villager, "household") {
		if r := e.order(villager, shop, paper, min(40, (available-125)/25)); r.status != http.StatusCreated {
			t.Fatalf("hold: %d %s", r.status, r.raw)
		}
	}
	pay := func(key string) reply {
		return e.call("POST", "/api/v1/counter/card/checkout", keeper, map[string]any{"card": number, "pin": "470913", "top_up": true,
			"items": []map[string]any{{"goods_id": paper, "quantity": 8}}}, "Idempotency-Key", key)
	}
	if r := pay("cash-0"); r.code() != "cash_not_allowed" {
		t.Fatalf("cash where the village does not allow it: %d %s", r.status, r.raw)
	}
	cashRule := fmt.Sprintf("/api/v1/villages/%d/cash-top-up", gc)
	if r := e.call("PUT", cashRule, clerk, map[string]any{"allowed": true}); r.status != http.StatusForbidden {
		t.Errorf("the clerk allowed cash himself: %d", r.status)
	}
	if r := e.call("PUT", cashRule, township, map[string]any{}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("no decision: %d %s", r.status, r.raw)
	}
	if r := e.call("PUT", cashRule, township, map[string]any{"allowed": true}); r.status != 200 || r.body["cash_top_up"] != true {
		t.Fatalf("the township allows cash: %d %s", r.status, r.raw)
	}

	before, _ := e.available(villager, "household")
	a := pay("cash-a")
	price := num(a.body["price_fen"])
	if a.status != 200 || num(a.body["points"]) != before || num(a.body["cash_fen"]) != (int64(200-before)*price+199)/200 {
		t.Fatalf("%d points of 200 and the rest in cash at %d fen: %d %s", before, price, a.status, a.raw)
	}
	if after, _ := e.available(villager, "household"); after != 0 {
		t.Errorf("available after points plus cash: %d", after)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/counter/redemptions/%d/reverse", num(a.body["redemption_id"])), keeper, map[string]string{"reason": "拿错了"}); r.status != 200 {
		t.Fatalf("reverse: %d %s", r.status, r.raw)
	}
	b := pay("cash-b")
	if b.status != 200 || num(b.body["points"]) != before {
		t.Fatalf("again: %d %s", b.status, b.raw)
	}
	today := e.call("GET", "/api/v1/counter/today", keeper, nil)
	if num(today.body["cash_fen"]) != num(b.body["cash_fen"]) {
		t.Errorf("today's cash: %s", today.raw)
	}

	cst := calendar.Zone()
	now := time.Now().In(cst)
	m1 := time.Date(now.Year(), now.Month()-1, 10, 10, 0, 0, 0, cst)
	for q, args := range map[string][]any{
		`UPDATE redemptions SET created_at = ? WHERE id IN (?, ?)`: {m1.UTC(), num(a.body["redemption_id"]), num(b.body["redemption_id"])},
		`UPDATE redemptions SET reversed_at = ? WHERE id = ?`:      {m1.Add(time.Hour).UTC(), num(a.body["redemption_id"])},
	} {
		if _, err := e.app.DB.ExecContext(t.Context(), q, args...); err != nil {
			t.Fatal(err)
		}
	}
	base := fmt.Sprintf("/api/v1/villages/%d", gc)
	if r := e.call("POST", base+"/fund", clerk, map[string]any{"amount_fen": 1_000_000, "note": "村集体经济拨付"}); r.status != 201 && r.status != 200 {
		t.Fatalf("deposit: %d %s", r.status, r.raw)
	}
	st := e.call("POST", base+"/settlements", clerk, map[string]any{"shop_id": shop, "period": m1.Format("2006-01")})
	if st.status != http.StatusCreated || num(st.body["total_fen"]) != price-num(b.body["cash_fen"]) || num(st.body["total_points"]) != before {
		t.Fatalf("the statement pays the agreed price %d less the cash %d for %d points: %d %s", price, num(b.body["cash_fen"]), before, st.status, st.raw)
	}
	if !strings.Contains(st.raw, `"kind":"cash"`) || !strings.Contains(st.raw, `"kind":"cash_back"`) {
		t.Errorf("the statement's lines do not show the cash: %.800s", st.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM alerts WHERE rule = 'settlement_mismatch'`); n != 0 {
		t.Errorf("the statement was taken for a mismatch")
	}
	dbtest.MustVerify(t, e.app)
}
