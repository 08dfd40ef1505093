package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"pointsmarket/internal/app"
)

func (e *env) shopOf(village string) int64 {
	return e.id(`SELECT s.id FROM shops s JOIN villages v ON v.id = s.village_id WHERE v.name = ?`, village)
}

func (e *env) goodsNamed(shop int64, name string) int64 {
	return e.id(`SELECT id FROM goods WHERE shop_id = ? AND name = ?`, shop, name)
}

func shopIDs(r reply) []int64 {
	var out []int64
	for _, s := range r.body["shops"].([]any) {
		out = append(out, num(s.(map[string]any)["id"]))
	}
	return out
}

func has(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestContractShopsAndGoods(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gcShop := e.shopOf("国茶村")
	for _, phone := range []string{"13800000010", "13800000011", "13800000002", "13800000001", "13800000003"} {
		r := e.call("GET", "/api/v1/shops", e.login(phone), nil)
		if r.status != http.StatusOK || !has(shopIDs(r), gcShop) {
			t.Errorf("%s: GET /shops = %d %s, want 国茶村's shop", phone, r.status, r.raw)
		}
		for _, s := range r.body["shops"].([]any) {
			shop := s.(map[string]any)
			if shop["name"] == "" || shop["village_id"] == nil {
				t.Errorf("shop without name or village_id: %v", shop)
			}
		}
	}
	if r := e.call("GET", "/api/v1/shops", e.login("13800000110"), nil); has(shopIDs(r), gcShop) {
		t.Errorf("尖岩村's villager sees 国茶村's shop without an agreement: %s", r.raw)
	}
	r := e.call("GET", fmt.Sprintf("/api/v1/shops/%d/goods", gcShop), e.login("13800000010"), nil)
	if r.status != http.StatusOK {
		t.Fatalf("goods: %d %s", r.status, r.raw)
	}
	cheap := false
	for _, x := range r.body["goods"].([]any) {
		g := x.(map[string]any)
		if g["id"] == nil || g["name"] == "" || g["points"] == nil || g["stock"] == nil {
			t.Errorf("goods without the contract's fields: %v", g)
		}
		if g["on_shelf"] != true {
			t.Errorf("a villager sees goods off the shelf: %v", g)
		}
		cheap = cheap || (num(g["points"]) <= 10 && num(g["stock"]) >= 100_000)
	}
	if !cheap {
		t.Error("no goods at 10 points or less with 100,000 in stock")
	}
}

func TestBrowseByCategoryAndSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	shop := e.shopOf("国茶村")
	token := e.login("13800000010")
	names := func(query string) []string {
		r := e.call("GET", fmt.Sprintf("/api/v1/shops/%d/goods?%s", shop, query), token, nil)
		var out []string
		for _, g := range r.body["goods"].([]any) {
			out = append(out, g.(map[string]any)["name"].(string))
		}
		return out
	}
	if got := names("q=%E6%B2%B9"); len(got) != 2 { // 油
		t.Errorf("search 油 = %v, want 酱油 and 菜籽油", got)
	}
	for _, n := range names("category=%E7%B2%AE%E6%B2%B9") { // 粮油
		if n == "肥皂" {
			t.Errorf("category 粮油 returned %s", n)
		}
	}
	cats := e.call("GET", fmt.Sprintf("/api/v1/shops/%d/categories", shop), token, nil)
	if len(cats.body["categories"].([]any)) != 4 {
		t.Errorf("categories = %s", cats.raw)
	}
	// Goods off the shelf (暖水瓶 breaks the standard) are shown only to those who run or read the shop.
	all := e.call("GET", fmt.Sprintf("/api/v1/shops/%d/goods?all=1", shop), e.login("13800000003"), nil)
	if len(all.body["goods"].([]any)) != 11 {
		t.Errorf("supervisor with all=1 sees %d goods, want 11", len(all.body["goods"].([]any)))
	}
	if got := names("all=1"); len(got) != 10 {
		t.Errorf("villager with all=1 sees %d goods, want the 10 on the shelf", len(got))
	}
}

func TestAgreementsGateTheShop(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gcShop := e.shopOf("国茶村")
	gcClerk, jyClerk := e.login("13800000001"), e.login("13800000101")
	villager := e.login("13800000010")
	agreements := e.call("GET", fmt.Sprintf("/api/v1/shops/%d/agreements", gcShop), gcClerk, nil)
	agreement := num(agreements.body["agreements"].([]any)[0].(map[string]any)["id"])
	status := func(token, s string) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/agreements/%d/status", agreement), token, map[string]any{"status": s, "note": "测试"})
	}
	if r := status(jyClerk, "suspended"); r.status != http.StatusForbidden {
		t.Errorf("another village's clerk suspends the agreement: %d", r.status)
	}
	if r := status(gcClerk, "suspended"); r.status != http.StatusOK {
		t.Fatalf("suspend: %d %s", r.status, r.raw)
	}
	if has(shopIDs(e.call("GET", "/api/v1/shops", villager, nil)), gcShop) {
		t.Error("a suspended agreement's shop is still offered to villagers")
	}
	if r := e.call("POST", "/api/v1/vouchers", villager, map[string]any{"shop_id": gcShop,
		"items": []map[string]any{{"goods_id": e.goodsNamed(gcShop, "肥皂"), "quantity": 1}}}); r.code() != "shop_agreement_inactive" {
		t.Errorf("a voucher issued at a shop whose agreement is suspended: %d %s", r.status, r.raw)
	}
	if r := status(gcClerk, "active"); r.status != http.StatusOK || !has(shopIDs(e.call("GET", "/api/v1/shops", villager, nil)), gcShop) {
		t.Errorf("resume: %d %s", r.status, r.raw)
	}
	overlap := e.call("POST", fmt.Sprintf("/api/v1/shops/%d/agreements", gcShop), gcClerk,
		map[string]any{"village_id": e.village("国茶村"), "valid_from": "2027-06-01", "valid_to": "2028-05-31"})
	if overlap.status != http.StatusConflict || overlap.code() != "agreement_overlaps" {
		t.Errorf("overlapping agreement: %d %s", overlap.status, overlap.raw)
	}
	for _, bad := range []map[string]any{
		{"village_id": e.village("国茶村"), "valid_from": "2028-06-01", "valid_to": "2028-01-01"},
		{"village_id": e.village("国茶村"), "valid_from": "next week", "valid_to": "2028-01-01"},
	} {
		if r := e.call("POST", fmt.Sprintf("/api/v1/shops/%d/agreements", gcShop), gcClerk, bad); r.status != http.StatusUnprocessableEntity {
			t.Errorf("bad dates %v: %d", bad, r.status)
		}
	}
	// 尖岩村 signs with 国茶村's shop: its villagers may use it; 国茶村's clerk may not sign for 尖岩村.
	jy := map[string]any{"village_id": e.village("尖岩村"), "valid_from": "2026-01-01", "valid_to": "2027-12-31"}
	if r := e.call("POST", fmt.Sprintf("/api/v1/shops/%d/agreements", gcShop), gcClerk, jy); r.status != http.StatusForbidden {
		t.Errorf("signing for another village: %d", r.status)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/shops/%d/agreements", gcShop), jyClerk, jy); r.status != http.StatusCreated {
		t.Fatalf("尖岩村 signs with 国茶村's shop: %d %s", r.status, r.raw)
	}
	if !has(shopIDs(e.call("GET", "/api/v1/shops", e.login("13800000110"), nil)), gcShop) {
		t.Error("尖岩村's villager does not see the shop their village signed with")
	}
	if r := status(gcClerk, "ended"); r.status != http.StatusOK {
		t.Fatalf("end: %d", r.status)
	}
	if r := status(gcClerk, "active"); r.status != http.StatusConflict || r.code() != "agreement_ended" {
		t.Errorf("resume an ended agreement: %d %s", r.status, r.raw)
	}
	if has(shopIDs(e.call("GET", "/api/v1/shops", villager, nil)), gcShop) {
		t.Error("国茶村's villager still sees the shop after its agreement ended")
	}
}

func TestExchangeStandardApproval(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc, shop := e.village("国茶村"), e.shopOf("国茶村")
	clerk, sup, otherSup := e.login("13800000001"), e.login("13800000003"), e.login("13800000103")
	thermos := e.goodsNamed(shop, "暖水瓶")
	salt := e.goodsNamed(shop, "食盐（500克）")
	// 暖水瓶 breaks the approved standard: it cannot go on the shelf.
	if r := e.call("POST", fmt.Sprintf("/api/v1/goods/%d/shelf", thermos), e.login("13800000002"), map[string]any{"on_shelf": true}); r.status != http.StatusConflict || r.code() != "price_breaks_standard" {
		t.Fatalf("shelving goods that break the standard: %d %s", r.status, r.raw)
	}
	// A new standard: 1 point = 0.8 yuan. The clerk proposes; clerks and other villages' supervisors cannot approve.
	p := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/standards", gc), clerk, map[string]any{"fen_per_point": 80, "tolerance_pct": 10, "note": "调整"})
	if p.status != http.StatusCreated {
		t.Fatalf("propose: %d %s", p.status, p.raw)
	}
	id := num(p.body["id"])
	decide := func(token string, approve bool) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/standards/%d/decision", id), token, map[string]any{"approve": approve, "note": "审核"})
	}
	if r := decide(clerk, true); r.status != http.StatusForbidden {
		t.Errorf("clerk approves: %d", r.status)
	}
	if r := decide(otherSup, true); r.status != http.StatusForbidden {
		t.Errorf("another village's supervisor approves: %d", r.status)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/standards", gc), sup, map[string]any{"fen_per_point": 80, "tolerance_pct": 10}); r.status != http.StatusForbidden {
		t.Errorf("supervisor proposes: %d", r.status)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/standards", gc), clerk, map[string]any{"fen_per_point": 0.8, "tolerance_pct": 10}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a float rate: %d", r.status)
	}
	if r := decide(sup, true); r.status != http.StatusOK || r.body["status"] != "approved" {
		t.Fatalf("approve: %d %s", r.status, r.raw)
	}
	if r := decide(sup, false); r.status != http.StatusConflict {
		t.Errorf("deciding twice: %d", r.status)
	}
	history := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/standards", gc), e.login("13800000010"), nil)
	list := history.body["standards"].([]any)
	if len(list) != 2 || list[1].(map[string]any)["status"] != "superseded" {
		t.Errorf("standards history: %s", history.raw)
	}
	// Goods priced at 1 yuan a point now break it: flagged and off the shelf, at once, for everyone.
	g := e.call("GET", fmt.Sprintf("/api/v1/goods/%d", salt), clerk, nil)
	if g.body["standard_ok"] != false || g.body["on_shelf"] != false {
		t.Fatalf("salt after the new standard: %s", g.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/shops/%d/goods", shop), e.login("13800000010"), nil); len(r.body["goods"].([]any)) != 0 {
		t.Errorf("villagers still see goods that break the new standard: %s", r.raw)
	}
	// A supervisor's exception lets it back on the shelf; a price change voids the exception.
	if r := e.call("POST", fmt.Sprintf("/api/v1/goods/%d/exception", salt), clerk, nil); r.status != http.StatusForbidden {
		t.Errorf("clerk approves an exception: %d", r.status)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/goods/%d/exception", salt), sup, nil); r.status != http.StatusOK {
		t.Fatalf("exception: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/goods/%d/shelf", salt), clerk, map[string]any{"on_shelf": true}); r.status != http.StatusOK || r.body["on_shelf"] != true {
		t.Fatalf("shelve with exception: %d %s", r.status, r.raw)
	}
	up := e.call("PUT", fmt.Sprintf("/api/v1/goods/%d", salt), clerk, map[string]any{"name": "食盐（500克）", "category": "调味", "unit": "袋", "points": 3, "price_fen": 350})
	if up.body["exception_by"] != nil || up.body["on_shelf"] != false {
		t.Errorf("a price change keeps the exception: %s", up.raw)
	}
	fixed := e.call("PUT", fmt.Sprintf("/api/v1/goods/%d", salt), clerk, map[string]any{"name": "食盐（500克）", "category": "调味", "unit": "袋", "points": 4, "price_fen": 320})
	if fixed.body["standard_ok"] != true {
		t.Errorf("a price that keeps to the standard is not ok: %s", fixed.raw)
	}
}

func TestGoodsInputAndShopkeeperBounds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gcShop, jyShop := e.shopOf("国茶村"), e.shopOf("尖岩村")
	keeper := e.login("13800000002")
	path := fmt.Sprintf("/api/v1/shops/%d/goods", gcShop)
	ok := map[string]any{"name": "红糖", "category": "调味", "unit": "袋", "points": 6, "price_fen": 600, "monthly_limit": 2}
	created := e.call("POST", path, keeper, ok)
	if created.status != http.StatusCreated || created.body["on_shelf"] != false || created.body["standard_ok"] != true {
		t.Fatalf("create goods: %d %s", created.status, created.raw)
	}
	bad := []map[string]any{
		{"name": "红糖2", "category": "调味", "unit": "袋", "points": -6, "price_fen": 600},
		{"name": "红糖2", "category": "调味", "unit": "袋", "points": 6, "price_fen": 6.5},
		{"name": "红糖2", "category": "调味", "unit": "袋", "points": 6, "price_fen": -1},
		{"name": "红糖2", "category": "调味", "unit": "袋", "points": 1e12, "price_fen": 600},
		{"name": "", "category": "调味", "unit": "袋", "points": 6, "price_fen": 600},
		{"name": "红糖2", "category": "调味", "unit": "袋", "points": 6, "price_fen": 600, "monthly_limit": 0},
	}
	for _, b := range bad {
		if r := e.call("POST", path, keeper, b); r.status != http.StatusUnprocessableEntity {
			t.Errorf("bad goods %v: %d %s", b, r.status, r.raw)
		}
	}
	if r := e.call("POST", path, keeper, ok); r.status != http.StatusConflict {
		t.Errorf("duplicate name: %d", r.status)
	}
	// The shopkeeper of 国茶村 touches nothing of 尖岩村's shop.
	jyGoods := e.goodsNamed(jyShop, "肥皂")
	for _, rq := range []struct {
		method, path string
		body         any
	}{
		{"POST", fmt.Sprintf("/api/v1/shops/%d/goods", jyShop), ok},
		{"PUT", fmt.Sprintf("/api/v1/goods/%d", jyGoods), ok},
		{"POST", fmt.Sprintf("/api/v1/goods/%d/shelf", jyGoods), map[string]any{"on_shelf": false}},
		{"POST", fmt.Sprintf("/api/v1/goods/%d/stock-in", jyGoods), map[string]any{"quantity": 5}},
		{"POST", fmt.Sprintf("/api/v1/goods/%d/adjustments", jyGoods), map[string]any{"quantity": -5, "reason": "损坏"}},
		{"GET", fmt.Sprintf("/api/v1/goods/%d/movements", jyGoods), nil},
		{"GET", fmt.Sprintf("/api/v1/shops/%d/low-stock", jyShop), nil},
		{"PUT", fmt.Sprintf("/api/v1/shops/%d", jyShop), map[string]any{"name": "改名"}},
	} {
		if r := e.call(rq.method, rq.path, keeper, rq.body); r.status != http.StatusForbidden {
			t.Errorf("国茶村's shopkeeper: %s %s = %d, want 403", rq.method, rq.path, r.status)
		}
	}
	// Low stock: 牙膏 has 8 against a mark of 10.
	low := e.call("GET", fmt.Sprintf("/api/v1/shops/%d/low-stock", gcShop), keeper, nil)
	found := false
	for _, g := range low.body["goods"].([]any) {
		found = found || g.(map[string]any)["name"] == "牙膏"
	}
	if !found {
		t.Errorf("low stock list: %s", low.raw)
	}
	// Stock in, adjust, and the movement trail.
	soap := e.goodsNamed(gcShop, "肥皂")
	if r := e.call("POST", fmt.Sprintf("/api/v1/goods/%d/stock-in", soap), keeper, map[string]any{"quantity": 50, "date": "2026-11-01"}); r.status != http.StatusOK || num(r.body["stock"]) != 450 {
		t.Errorf("stock in: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/goods/%d/stock-in", soap), keeper, map[string]any{"quantity": 5, "date": "2099-01-01"}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("stock in dated in the future: %d", r.status)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/goods/%d/adjustments", soap), keeper, map[string]any{"quantity": -3}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("adjustment without a reason: %d", r.status)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/goods/%d/adjustments", soap), keeper, map[string]any{"quantity": -1000, "reason": "盘点"}); r.status != http.StatusConflict || r.code() != "out_of_stock" {
		t.Errorf("adjusting below zero: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/goods/%d/adjustments", soap), keeper, map[string]any{"quantity": -3, "reason": "受潮损坏"}); num(r.body["stock"]) != 447 {
		t.Errorf("adjust: %s", r.raw)
	}
	moves := e.call("GET", fmt.Sprintf("/api/v1/goods/%d/movements", soap), keeper, nil)
	list := moves.body["movements"].([]any)
	if len(list) != 3 || list[0].(map[string]any)["reason"] != "受潮损坏" || num(list[0].(map[string]any)["delta"]) != -3 {
		t.Errorf("movements: %s", moves.raw)
	}
}
