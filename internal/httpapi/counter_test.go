package httpapi_test

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"pointsmarket/internal/app"
	"pointsmarket/internal/dbtest"
)

// order issues a voucher for the villager at a shop and returns the answer.
func (e *env) order(token string, shop, goods, quantity int64, headers ...string) reply {
	e.t.Helper()
	return e.call("POST", "/api/v1/vouchers", token, map[string]any{"shop_id": shop, "items": []map[string]any{{"goods_id": goods, "quantity": quantity}}}, headers...)
}

func (e *env) available(token string, kind string) (available, held int64) {
	e.t.Helper()
	for _, a := range e.call("GET", "/api/v1/me", token, nil).body["accounts"].([]any) {
		acc := a.(map[string]any)
		if acc["kind"] == kind {
			return num(acc["available"]), num(acc["held"])
		}
	}
	e.t.Fatalf("no %s account", kind)
	return 0, 0
}

// TestOneVoucherRedeemedOnceAcrossInstances sends 200 concurrent redemptions of one voucher to
// three service instances, one of which has a Redis of its own (a split): exactly one succeeds.
func TestOneVoucherRedeemedOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	cfg := e.app.Config
	second := dbtest.NewWith(t, cfg, app.Options{})
	split := startRedis(t)
	cfg.RedisAddr = split.addr
	third := dbtest.NewWith(t, cfg, app.Options{})
	servers := []*httptest.Server{e.srv}
	for _, a := range []*app.App{second, third} {
		h, err := a.Handler()
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		servers = append(servers, srv)
	}
	villager := e.login("13800000010")
	shop := e.shopOf("国茶村")
	before, _ := e.available(villager, "household")
	v := e.order(villager, shop, e.goodsNamed(shop, "毛巾"), 3)
	if v.status != http.StatusCreated {
		t.Fatalf("order: %d %s", v.status, v.raw)
	}
	code := v.body["code"].(string)
	tokens := []string{e.login("13800000002"), e.login("13800000002")}
	onThird := &env{t: t, app: third, srv: servers[2]}
	tokens = append(tokens, onThird.login("13800000002")) // sessions live in each Redis
	var wg sync.WaitGroup
	statuses := make([]int, 200)
	codes := make([]string, 200)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inst := &env{t: t, srv: servers[i%3]}
			r := inst.call("POST", "/api/v1/counter/redeem", tokens[i%3], map[string]string{"code": code})
			statuses[i], codes[i] = r.status, r.code()
		}()
	}
	wg.Wait()
	ok := 0
	for i, s := range statuses {
		switch {
		case s == http.StatusOK:
			ok++
		case s < 400 || s >= 500:
			t.Errorf("request %d: status %d", i, s)
		case codes[i] != "voucher_already_redeemed" && codes[i] != "being_redeemed_elsewhere":
			t.Errorf("request %d: %d %s", i, s, codes[i])
		}
	}
	if ok != 1 {
		t.Fatalf("%d redemptions succeeded, want exactly 1", ok)
	}
	after, held := e.available(villager, "household")
	if after != before-27 || held != 0 {
		t.Fatalf("available %d → %d (held %d): want one move of 27 points", before, after, held)
	}
	dbtest.MustVerify(t, e.app)
}

func TestConcurrentOrdersNeverHoldMoreThanAvailable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager := e.login("13800000010")
	shop := e.shopOf("国茶村")
	paper := e.goodsNamed(shop, "卫生纸（10卷）") // 25 points
	before, _ := e.available(villager, "household")
	var wg sync.WaitGroup
	var mu sync.Mutex
	var heldByVouchers int64
	refused := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.order(villager, shop, paper, 40) // 1,000 points each
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.status == http.StatusCreated:
				heldByVouchers += num(r.body["points"])
			case r.status == http.StatusConflict && r.code() == "insufficient_points":
				refused++
			default:
				t.Errorf("order: %d %s", r.status, r.raw)
			}
		}()
	}
	wg.Wait()
	available, held := e.available(villager, "household")
	if held != heldByVouchers || held > before || available != before-held || available < 0 {
		t.Fatalf("before %d: held %d (vouchers %d), available %d", before, held, heldByVouchers, available)
	}
	if refused == 0 || heldByVouchers != before/1000*1000 {
		t.Fatalf("held %d with %d refusals from %d available: the race did not reach the limit", heldByVouchers, refused, before)
	}
	dbtest.MustVerify(t, e.app)
}

func TestCounterRefusalsSaySpecificallyWhy(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager, keeper, jyKeeper := e.login("13800000010"), e.login("13800000002"), e.login("13800000102")
	shop := e.shopOf("国茶村")
	towel := e.goodsNamed(shop, "毛巾")
	issue := func() (int64, string, string) {
		r := e.order(villager, shop, towel, 1)
		if r.status != http.StatusCreated {
			t.Fatalf("order: %d %s", r.status, r.raw)
		}
		return num(r.body["id"]), r.body["code"].(string), r.body["short_code"].(string)
	}
	redeem := func(token, code string, headers ...string) reply {
		return e.call("POST", "/api/v1/counter/redeem", token, map[string]string{"code": code}, headers...)
	}
	// Scan changes nothing, then redeem by the typed short code; again: already redeemed, when and where.
	_, code, short := issue()
	if r := e.call("POST", "/api/v1/counter/scan", keeper, map[string]string{"code": code}); r.status != http.StatusOK ||
		r.body["voucher"].(map[string]any)["holder"] != "张*国" || r.body["voucher"].(map[string]any)["status"] != "issued" {
		t.Fatalf("scan: %d %s", r.status, r.raw)
	}
	if r := redeem(keeper, short[:4]+" "+short[4:]); r.status != http.StatusOK {
		t.Fatalf("redeem by short code: %d %s", r.status, r.raw)
	}
	again := redeem(keeper, code)
	if again.status != http.StatusConflict || again.code() != "voucher_already_redeemed" || !strings.Contains(again.raw, "国茶村便民超市") {
		t.Fatalf("second redeem: %d %s", again.status, again.raw)
	}
	// Tampered, malformed, another shop's, cancelled, expired.
	_, code2, _ := issue()
	tampered := code2[:len(code2)-1] + map[bool]string{true: "B", false: "A"}[strings.HasSuffix(code2, "A")]
	cases := []struct {
		name, token, code string
		status            int
		errCode           string
	}{
		{"tampered", keeper, tampered, http.StatusBadRequest, "voucher_invalid"},
		{"malformed", keeper, "not-a-code", http.StatusBadRequest, "voucher_invalid"},
		{"unknown short code", keeper, "00000000", http.StatusBadRequest, "voucher_invalid"},
		{"another village's shop", jyKeeper, code2, http.StatusForbidden, "voucher_wrong_shop"},
		{"not a shopkeeper", villager, code2, http.StatusForbidden, "not_a_shopkeeper"},
	}
	for _, c := range cases {
		if r := redeem(c.token, c.code); r.status != c.status || r.code() != c.errCode {
			t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.code(), c.status, c.errCode)
		}
	}
	if r := e.call("POST", "/api/v1/counter/redeem", keeper, `{"code": 5}`); r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest {
		t.Errorf("a number for a code: %d", r.status)
	}
	id3, code3, _ := issue()
	if r := e.call("POST", fmt.Sprintf("/api/v1/vouchers/%d/cancel", id3), keeper, nil); r.status != http.StatusNotFound {
		t.Errorf("the shopkeeper cancels a villager's voucher: %d", r.status)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/vouchers/%d/cancel", id3), villager, nil); r.status != http.StatusOK || r.body["status"] != "cancelled" {
		t.Fatalf("cancel: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/vouchers/%d/cancel", id3), villager, nil); r.status != http.StatusConflict {
		t.Errorf("cancel twice: %d", r.status)
	}
	if r := redeem(keeper, code3); r.status != http.StatusConflict || r.code() != "voucher_cancelled" {
		t.Errorf("cancelled: %d %s", r.status, r.raw)
	}
	id4, code4, _ := issue()
	if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE vouchers SET expires_at = ? WHERE id = ?`, time.Now().Add(-time.Minute), id4); err != nil {
		t.Fatal(err)
	}
	if r := redeem(keeper, code4); r.status != http.StatusGone || r.code() != "voucher_expired" {
		t.Errorf("expired: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/vouchers/%d", id4), villager, nil); r.body["status"] != "expired" {
		t.Errorf("an expired voucher met at the counter is expired at once: %s", r.raw)
	}
	// The agreement gates the counter.
	gcClerk := e.login("13800000001")
	agreement := num(e.call("GET", fmt.Sprintf("/api/v1/shops/%d/agreements", shop), gcClerk, nil).body["agreements"].([]any)[0].(map[string]any)["id"])
	_, code5, _ := issue()
	e.call("POST", fmt.Sprintf("/api/v1/agreements/%d/status", agreement), gcClerk, map[string]any{"status": "suspended"})
	if r := redeem(keeper, code5); r.status != http.StatusForbidden || r.code() != "shop_agreement_inactive" {
		t.Errorf("redeem under a suspended agreement: %d %s", r.status, r.raw)
	}
	if r := e.order(villager, shop, towel, 1); r.status != http.StatusForbidden || r.code() != "shop_agreement_inactive" {
		t.Errorf("order under a suspended agreement: %d %s", r.status, r.raw)
	}
	// Bad orders.
	for _, body := range []any{
		map[string]any{"shop_id": shop, "items": []any{}},
		map[string]any{"shop_id": shop, "items": []map[string]any{{"goods_id": towel, "quantity": 0}}},
		map[string]any{"shop_id": shop, "items": []map[string]any{{"goods_id": towel, "quantity": 1.5}}},
		map[string]any{"shop_id": shop, "items": []map[string]any{{"goods_id": towel, "quantity": 1}, {"goods_id": towel, "quantity": 1}}},
		`{"shop_id": "one"}`,
	} {
		if r := e.call("POST", "/api/v1/vouchers", villager, body); r.status != http.StatusUnprocessableEntity {
			t.Errorf("order %v: %d %s", body, r.status, r.raw)
		}
	}
	dbtest.MustVerify(t, e.app)
}

func TestRedeemIdempotencyKeyReplays(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager, keeper := e.login("13800000010"), e.login("13800000002")
	shop := e.shopOf("国茶村")
	order := e.order(villager, shop, e.goodsNamed(shop, "肥皂"), 2, "Idempotency-Key", "order-1")
	replayed := e.order(villager, shop, e.goodsNamed(shop, "肥皂"), 2, "Idempotency-Key", "order-1")
	if replayed.status != http.StatusCreated || num(replayed.body["id"]) != num(order.body["id"]) {
		t.Fatalf("replayed order: %d %s", replayed.status, replayed.raw)
	}
	if _, held := e.available(villager, "household"); held != 8 {
		t.Fatalf("held %d after an order and its replay, want 8", held)
	}
	code := order.body["code"].(string)
	first := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": code}, "Idempotency-Key", "scan-77")
	second := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": code}, "Idempotency-Key", "scan-77")
	if first.status != http.StatusOK || second.status != http.StatusOK || first.body["redemption_id"] != second.body["redemption_id"] {
		t.Fatalf("replay: %d %s / %d %s", first.status, first.raw, second.status, second.raw)
	}
	other := e.order(villager, shop, e.goodsNamed(shop, "肥皂"), 1)
	if r := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": other.body["code"].(string)}, "Idempotency-Key", "scan-77"); r.status != http.StatusConflict || r.code() != "idempotency_key_reused" {
		t.Errorf("same key, another voucher: %d %s", r.status, r.raw)
	}
	// The villager's voucher says where it was redeemed, and that the goods came back once reversed.
	path := fmt.Sprintf("/api/v1/vouchers/%d", num(order.body["id"]))
	if v := e.call("GET", path, villager, nil); v.body["status"] != "redeemed" || v.body["shop_name"] != "国茶村便民超市" || v.body["reversed_at"] != nil {
		t.Errorf("redeemed voucher: %s", v.raw)
	}
	rv := e.call("POST", fmt.Sprintf("/api/v1/counter/redemptions/%d/reverse", num(first.body["redemption_id"])), keeper, map[string]string{"reason": "买错了"})
	if rv.status != http.StatusOK {
		t.Fatalf("reverse: %d %s", rv.status, rv.raw)
	}
	list := e.call("GET", "/api/v1/vouchers", villager, nil).body["vouchers"].([]any)
	for _, x := range list {
		if v := x.(map[string]any); num(v["id"]) == num(order.body["id"]) && (v["reversed_at"] == nil || v["shop_name"] != "国茶村便民超市") {
			t.Errorf("reversed voucher in the villager's list: %v", v)
		}
	}
	dbtest.MustVerify(t, e.app)
}

func TestVoucherQRDecodesToItsCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager := e.login("13800000010")
	shop := e.shopOf("国茶村")
	order := e.order(villager, shop, e.goodsNamed(shop, "食盐（500克）"), 1)
	resp := e.call("GET", fmt.Sprintf("/api/v1/vouchers/%d/qr.png", num(order.body["id"])), villager, nil)
	img, _, err := image.Decode(strings.NewReader(resp.raw))
	if err != nil || resp.header.Get("Content-Type") != "image/png" {
		t.Fatalf("qr.png: %v %v", resp.header, err)
	}
	if img.Bounds().Dx() < 400 {
		t.Errorf("QR is %dpx wide: too small for a cheap phone screen", img.Bounds().Dx())
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	// The PNG is a pure barcode (no camera, no perspective). Without saying so, gozxing's finder
	// misjudges the size of about 1 in 250 such perfect images; with the hint, 0 in 3,000.
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil || res.GetText() != order.body["code"] {
		t.Fatalf("decoded %q (%v), want %q", res, err, order.body["code"])
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/vouchers/%d/qr.png", num(order.body["id"])), e.login("13800000002"), nil); r.status != http.StatusNotFound {
		t.Errorf("someone else's voucher QR: %d", r.status)
	}
}

func TestMemberCodeCheckoutLimitsAndReversal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager, keeper, sup := e.login("13800000010"), e.login("13800000002"), e.login("13800000003")
	shop := e.shopOf("国茶村")
	oil := e.goodsNamed(shop, "菜籽油（5升）") // 85 points, at most 2 a month per household
	before, _ := e.available(villager, "household")
	stockBefore := num(e.call("GET", fmt.Sprintf("/api/v1/goods/%d", oil), keeper, nil).body["stock"])
	mc := e.call("GET", "/api/v1/member-code", villager, nil)
	code := mc.body["code"].(string)
	if scan := e.call("POST", "/api/v1/counter/member-code/scan", keeper, map[string]string{"code": code}); scan.status != http.StatusOK ||
		scan.body["member"].(map[string]any)["holder"] != "张*国" {
		t.Fatalf("scan member code: %d %s (want the holder masked: 张*国)", scan.status, scan.raw)
	}
	checkout := func(code string, qty int) reply {
		return e.call("POST", "/api/v1/counter/checkout", keeper, map[string]any{"code": code, "items": []map[string]any{{"goods_id": oil, "quantity": qty}}})
	}
	r := checkout(code, 2)
	if r.status != http.StatusOK || num(r.body["points"]) != 170 {
		t.Fatalf("checkout: %d %s", r.status, r.raw)
	}
	if again := checkout(code, 1); again.status != http.StatusConflict || again.code() != "member_code_used" {
		t.Errorf("member code used twice: %d %s", again.status, again.raw)
	}
	fresh := e.call("GET", "/api/v1/member-code", villager, nil).body["code"].(string)
	if over := checkout(fresh, 1); over.status != http.StatusConflict || over.code() != "monthly_limit_exceeded" {
		t.Errorf("third bottle this month: %d %s", over.status, over.raw)
	}
	if after, _ := e.available(villager, "household"); after != before-170 {
		t.Errorf("available %d → %d, want -170", before, after)
	}
	// The day's list, then a same-day reversal that returns points and stock, once.
	day := e.call("GET", "/api/v1/counter/today", keeper, nil)
	if num(day.body["count"]) != 1 || num(day.body["points"]) != 170 || num(day.body["price_fen"]) != 17000 {
		t.Fatalf("today: %s", day.raw)
	}
	if h := day.body["redemptions"].([]any)[0].(map[string]any)["holder"].(string); !strings.Contains(h, "*") {
		t.Errorf("today's list names the holder %q unmasked, or not at all", h)
	}
	id := num(r.body["redemption_id"])
	if rv := e.call("POST", fmt.Sprintf("/api/v1/counter/redemptions/%d/reverse", id), keeper, map[string]string{"reason": ""}); rv.status != http.StatusUnprocessableEntity {
		t.Errorf("reversal without a reason: %d", rv.status)
	}
	if rv := e.call("POST", fmt.Sprintf("/api/v1/counter/redemptions/%d/reverse", id), e.login("13800000102"), map[string]string{"reason": "x"}); rv.status != http.StatusForbidden {
		t.Errorf("another shop reverses: %d", rv.status)
	}
	if rv := e.call("POST", fmt.Sprintf("/api/v1/counter/redemptions/%d/reverse", id), keeper, map[string]string{"reason": "油桶漏了"}); rv.status != http.StatusOK {
		t.Fatalf("reverse: %d %s", rv.status, rv.raw)
	}
	if rv := e.call("POST", fmt.Sprintf("/api/v1/counter/redemptions/%d/reverse", id), keeper, map[string]string{"reason": "again"}); rv.status != http.StatusConflict {
		t.Errorf("reverse twice: %d", rv.status)
	}
	if after, _ := e.available(villager, "household"); after != before {
		t.Errorf("available after the reversal: %d, want %d", after, before)
	}
	if stock := num(e.call("GET", fmt.Sprintf("/api/v1/goods/%d", oil), keeper, nil).body["stock"]); stock != stockBefore {
		t.Errorf("stock after the reversal: %d, want %d", stock, stockBefore)
	}
	if day := e.call("GET", "/api/v1/counter/today", keeper, nil); num(day.body["count"]) != 0 || num(day.body["reversed"]) != 1 {
		t.Errorf("today after the reversal: %s", day.raw)
	}
	// Supervisors see it, with its reason.
	list := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/redemptions", e.village("国茶村")), sup, nil)
	if !strings.Contains(list.raw, "油桶漏了") {
		t.Errorf("supervisor's list: %s", list.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/redemptions", e.village("国茶村")), villager, nil); r.status != http.StatusForbidden {
		t.Errorf("villager reads the village's redemptions: %d", r.status)
	}
	dbtest.MustVerify(t, e.app)
}

func TestSweeperExpiresVouchersAndReleasesHolds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager := e.login("13800000010")
	shop := e.shopOf("国茶村")
	for range 3 {
		e.order(villager, shop, e.goodsNamed(shop, "肥皂"), 1)
	}
	if _, held := e.available(villager, "household"); held != 12 {
		t.Fatalf("held %d", held)
	}
	if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE vouchers SET expires_at = ?`, time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 3 { // several instances sweeping at once
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.app.Vouchers.ExpireDue(dbtest.SystemCtx()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if _, held := e.available(villager, "household"); held != 0 {
		t.Fatalf("held %d after the sweep", held)
	}
	for _, v := range e.call("GET", "/api/v1/vouchers", villager, nil).body["vouchers"].([]any) {
		if v.(map[string]any)["status"] != "expired" {
			t.Errorf("voucher after the sweep: %v", v)
		}
	}
	dbtest.MustVerify(t, e.app)
}

func TestRedisDownStillNeverDoubleSpends(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager, keeper := e.login("13800000010"), e.login("13800000002")
	shop := e.shopOf("国茶村")
	code := e.order(villager, shop, e.goodsNamed(shop, "肥皂"), 1).body["code"].(string)
	// Sessions live in Redis too, so the shopkeeper is authenticated on the healthy instance and
	// redeems through a service whose locks point at a dead Redis.
	cfg := e.app.Config
	cfg.RedisAddr = "127.0.0.1:1"
	lockless := dbtest.NewWithoutRedis(t, cfg)
	_, principal, err := e.app.Auth.Authenticate(t.Context(), keeper)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := lockless.Vouchers.Redeem(dbtest.SystemCtx(), principal, code, "")
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	ok := 0
	for err := range results {
		if err == nil {
			ok++
		}
	}
	if ok != 1 {
		t.Fatalf("%d redemptions without locks succeeded, want 1", ok)
	}
	h, _ := lockless.Handler()
	srv := httptest.NewServer(h)
	defer srv.Close()
	m, _ := http.Get(srv.URL + "/metrics")
	var body bytes.Buffer
	body.ReadFrom(m.Body)
	m.Body.Close()
	if !strings.Contains(body.String(), "pointsmarket_locks_off_total 20") {
		t.Errorf("metrics do not say the locks were off:\n%s", grep(body.String(), "locks_off"))
	}
	dbtest.MustVerify(t, e.app)
}

func grep(s, part string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, part) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// A monthly limit "per household" counts every account of the household: a representative who
// heads a household takes no more through their second account, one order after another or two
// at the same moment.
func TestMonthlyLimitsCountTheWholeHousehold(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	rep, keeper := e.login("13800000011"), e.login("13800000002")
	shop := e.shopOf("国茶村")
	oil := e.goodsNamed(shop, "菜籽油（5升）") // 85 points, at most 2 a month per household
	me := e.call("GET", "/api/v1/me", rep, nil)
	accounts := map[string]int64{}
	for _, a := range me.body["accounts"].([]any) {
		acc := a.(map[string]any)
		accounts[acc["kind"].(string)] = num(acc["id"])
		if num(acc["available"]) < 255 {
			t.Fatalf("account %v has too few points for this test", acc)
		}
	}
	order := func(kind string, qty int) reply {
		return e.call("POST", "/api/v1/vouchers", rep, map[string]any{"shop_id": shop, "account_id": accounts[kind],
			"items": []map[string]any{{"goods_id": oil, "quantity": qty}}}, "Idempotency-Key", fmt.Sprintf("%s-%d-%d", kind, qty, time.Now().UnixNano()))
	}
	var wg sync.WaitGroup
	results := map[string]int{}
	var mu sync.Mutex
	for _, kind := range []string{"household", "representative"} {
		wg.Go(func() {
			s := e.postAs(rep, "/api/v1/vouchers", map[string]any{"shop_id": shop, "account_id": accounts[kind], "items": []map[string]any{{"goods_id": oil, "quantity": 2}}})
			mu.Lock()
			results[kind] = s
			mu.Unlock()
		})
	}
	wg.Wait()
	won := 0
	for kind, s := range results {
		switch s {
		case http.StatusCreated:
			won++
		case http.StatusConflict:
		default:
			t.Errorf("%s order: %d", kind, s)
		}
	}
	if won != 1 {
		t.Fatalf("two accounts of one household ordered 2 bottles each at once: %v, want exactly one to succeed", results)
	}
	for _, kind := range []string{"household", "representative"} {
		if r := order(kind, 1); r.status != http.StatusConflict || r.code() != "monthly_limit_exceeded" {
			t.Errorf("third bottle through the %s account: %d %s", kind, r.status, r.raw)
		}
	}
	// The shop's page reads what the household took, to stop the stepper at the limit.
	taken := e.call("GET", "/api/v1/me/allowance", rep, nil)
	if taken.status != http.StatusOK {
		t.Fatalf("taken this month: %d %s", taken.status, taken.raw)
	}
	var oilTaken float64
	for _, x := range taken.body["taken"].([]any) {
		if num(x.(map[string]any)["goods_id"]) == oil {
			oilTaken = x.(map[string]any)["quantity"].(float64)
		}
	}
	if oilTaken != 2 {
		t.Errorf("taken this month says %v bottles of oil, want the 2 the household holds: %s", oilTaken, taken.raw)
	}
	if num(taken.body["voucher_days"]) < 1 {
		t.Errorf("allowance without the days a voucher holds: %s", taken.raw)
	}
	if r := e.call("GET", "/api/v1/me/allowance", keeper, nil); r.status != http.StatusForbidden {
		t.Errorf("a shopkeeper without a household asked what it took: %d %s", r.status, r.raw)
	}
	mc := e.call("GET", fmt.Sprintf("/api/v1/member-code?account_id=%d", accounts["representative"]), rep, nil).body["code"].(string)
	if r := e.call("POST", "/api/v1/counter/checkout", keeper, map[string]any{"code": mc, "items": []map[string]any{{"goods_id": oil, "quantity": 1}}}); r.code() != "monthly_limit_exceeded" {
		t.Errorf("third bottle by the representative's member code: %d %s", r.status, r.raw)
	}
}

// A member code's 8 digits, read out and typed at the counter, do what scanning it does: once, at
// a partner shop, under the typed-code throttle.
func TestMemberCodeDigitsTypedAtTheCounter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager, keeper := e.login("13800000010"), e.login("13800000002")
	shop := e.shopOf("国茶村")
	salt := e.goodsNamed(shop, "食盐（500克）")
	mc := e.call("GET", "/api/v1/member-code", villager, nil)
	digits, _ := mc.body["short_code"].(string)
	if len(digits) != 8 || strings.Trim(digits, "0123456789") != "" {
		t.Fatalf("member code without its digits: %s", mc.raw)
	}
	spaced := digits[:4] + " " + digits[4:] // as a shopkeeper types what is read out
	if scan := e.call("POST", "/api/v1/counter/member-code/scan", keeper, map[string]string{"code": spaced}); scan.status != http.StatusOK ||
		scan.body["member"].(map[string]any)["holder"] != "张*国" {
		t.Fatalf("typed member code digits: %d %s", scan.status, scan.raw)
	}
	checkout := func(token, code string) reply {
		return e.call("POST", "/api/v1/counter/checkout", token, map[string]any{"code": code, "items": []map[string]any{{"goods_id": salt, "quantity": 1}}})
	}
	if other := checkout(e.login("13800000102"), digits); other.status == http.StatusOK {
		t.Errorf("尖岩村's shop took 国茶村's member code by its digits: %s", other.raw)
	}
	if r := checkout(keeper, digits); r.status != http.StatusOK || num(r.body["points"]) != 3 {
		t.Fatalf("checkout by typed digits: %d %s", r.status, r.raw)
	}
	if again := checkout(keeper, digits); again.code() != "member_code_used" {
		t.Errorf("the same digits again: %d %s", again.status, again.raw)
	}
	// "My orders" lists it, with the shop.
	mine := e.call("GET", "/api/v1/me/redemptions", villager, nil)
	if rs := mine.body["redemptions"].([]any); len(rs) == 0 || rs[0].(map[string]any)["kind"] != "member_code" || rs[0].(map[string]any)["shop_name"] != "国茶村便民超市" {
		t.Errorf("my orders after a member-code checkout: %s", mine.raw)
	}
	wrong := fmt.Sprintf("%08d", (mustAtoi(t, digits)+1)%100_000_000)
	if r := checkout(keeper, wrong); r.status != http.StatusBadRequest || r.code() != "voucher_invalid" {
		t.Errorf("digits that stand for nothing: %d %s", r.status, r.raw)
	}
	// A script typing digits is stopped like one typing voucher codes.
	throttled := false
	for i := range 40 {
		if r := e.call("POST", "/api/v1/counter/member-code/scan", keeper, map[string]string{"code": fmt.Sprintf("%08d", 11_000_000+i)}); r.code() == "short_code_throttled" {
			throttled = true
			break
		}
	}
	if !throttled {
		t.Error("40 typed member codes in a row were never throttled")
	}
	dbtest.MustVerify(t, e.app)
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A shopkeeper who scans a voucher that cannot be redeemed sees why before pressing anything: the
// preview carries the refusal redeeming would answer, with when and where it was used.
func TestScanSaysWhyAVoucherCannotBeRedeemed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager, keeper := e.login("13800000010"), e.login("13800000002")
	shop := e.shopOf("国茶村")
	code := e.order(villager, shop, e.goodsNamed(shop, "肥皂"), 1).body["code"].(string)
	if r := e.call("POST", "/api/v1/counter/scan", keeper, map[string]string{"code": code}); r.status != http.StatusOK || r.body["voucher"].(map[string]any)["refusal"] != nil {
		t.Fatalf("scan before redeeming: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": code}); r.status != http.StatusOK {
		t.Fatalf("redeem: %d %s", r.status, r.raw)
	}
	r := e.call("POST", "/api/v1/counter/scan", keeper, map[string]string{"code": code})
	refusal, _ := r.body["voucher"].(map[string]any)["refusal"].(map[string]any)
	details, _ := refusal["details"].(map[string]any)
	if r.status != http.StatusOK || refusal["code"] != "voucher_already_redeemed" || details["shop_name"] != "国茶村便民超市" || details["redeemed_at"] == nil {
		t.Errorf("scan after redeeming: %d %s", r.status, r.raw)
	}
}
