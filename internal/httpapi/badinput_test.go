package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/httpapi"
)

// Bad input never gets a 5xx: every JSON route is sent, for each of its string and number
// fields, text padded with ideographic spaces, text far too long, control characters, dates in
// year 0 and 9999, and numbers of the wrong size or type; every query parameter likewise. The
// table must name every POST and PUT route the router serves.
func TestBadInputNeverAnswers5xx(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	tok := map[string]string{
		"clerk": e.login("13800000001"), "keeper": e.login("13800000002"), "sup": e.login("13800000003"),
		"villager": e.login("13800000010"), "committee": e.login("13800000012"), "admin": e.login("13800000000"),
		"county": e.login("13800000500"), "assessor": e.login("13800000501"),
	}
	gc, shop := e.village("国茶村"), e.shopOf("国茶村")
	towel := e.goodsNamed(shop, "毛巾")
	month := time.Now().In(calendar.Zone()).Format("2006-01")
	draft := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/rule-books", gc), tok["clerk"], map[string]any{"title": "修订稿"})
	item := e.id(`SELECT i.id FROM rule_items i JOIN rule_books b ON b.id = i.rule_book_id WHERE b.village_id = ? AND b.status = 'adopted' AND i.code = 'R01'`, gc)
	entry := e.call("POST", "/api/v1/entries", tok["clerk"], map[string]any{"rule_item_id": item, "household_id": e.householdOf("13800000013"), "reason": "清扫村道"})
	v := e.order(tok["villager"], shop, towel, 1)
	red := e.call("POST", "/api/v1/counter/redeem", tok["keeper"], map[string]string{"code": v.body["code"].(string)})
	ceiling := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/checkout-ceilings", gc), tok["clerk"], map[string]any{"per_checkout_points": 300, "per_day_points": 600})
	from, to := time.Now().In(calendar.Zone()).AddDate(0, -6, 0).Format("2006-01"), time.Now().In(calendar.Zone()).AddDate(0, -1, 0).Format("2006-01")
	div := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/dividends", gc), tok["clerk"], map[string]any{"title": "分红", "amount_fen": 100000, "from": from, "to": to})
	ids := map[string]int64{
		"village": gc, "shop": shop, "goods": towel, "household": e.householdOf("13800000010"),
		"person": e.id(`SELECT id FROM people WHERE phone = '13800000013'`), "book": num(draft.body["id"]), "entry": num(entry.body["id"]),
		"voucher": num(v.body["id"]), "redemption": num(red.body["redemption_id"]), "ceiling": num(ceiling.body["id"]), "dividend": num(div.body["id"]),
		"agreement": e.id(`SELECT id FROM shop_agreements WHERE shop_id = ?`, shop), "standard": e.id(`SELECT id FROM exchange_standards WHERE village_id = ? LIMIT 1`, gc),
		"county": e.id(`SELECT id FROM counties WHERE name = '示范县'`), "event": e.id(`SELECT MAX(id) FROM assessment_events`),
		"task": num(e.call("POST", fmt.Sprintf("/api/v1/villages/%d/assessment-tasks", gc), tok["assessor"],
			map[string]any{"title": "排查危房", "due_on": calendar.Today(time.Now()).AddDate(0, 0, 7).Format(time.DateOnly)}).body["id"]),
		"star": 1, "project": 1, "objection": 1, "dividendobjection": 1, "request": 1, "department": 1, "problem": 1, "proxy": 1, "card": 1, "settlement": 1, "alert": 1, "suggestion": 1, "size": 1, "sizeobjection": 1,
	}
	type route struct {
		method, path, who string
		body              map[string]any
	}
	routes := []route{
		{"POST", "/auth/login", "", map[string]any{"phone": "13800000099", "password": "guess-guess"}},
		{"POST", "/auth/password", "villager", map[string]any{"current_password": "wrong-wrong", "new_password": "another-pass"}},
		{"POST", "/people/{person}/login-unlock", "clerk", map[string]any{}},
		{"POST", "/people/{person}/password-reset", "clerk", map[string]any{}},
		{"POST", "/villages/{village}/groups", "clerk", map[string]any{"name": "第九组"}},
		{"POST", "/villages/{village}/households", "clerk", map[string]any{"number": "GC-999", "head_name": "王五", "size": 3, "address": "村口"}},
		{"PUT", "/households/{household}", "clerk", map[string]any{"number": "GC-001", "head_name": "张建国", "size": 4, "address": "村口"}},
		{"POST", "/villages/{village}/people", "clerk", map[string]any{"name": "王小五", "phone": "13900000123", "household_id": ids["household"]}},
		{"PUT", "/people/{person}", "clerk", map[string]any{"name": "陈小红", "phone": "13800000013", "household_id": e.householdOf("13800000013")}},
		{"POST", "/people/{person}/roles", "clerk", map[string]any{"role": "group_leader", "body": "", "shop_id": 0}},
		{"POST", "/people/{person}/roles/revoke", "clerk", map[string]any{"role": "group_leader"}},
		{"POST", "/villages/{village}/shops", "clerk", map[string]any{"name": "新超市", "address": "村口", "owner_name": "李四", "phone": "13900000124"}},
		{"PUT", "/shops/{shop}", "clerk", map[string]any{"name": "国茶村便民超市", "address": "村部旁", "owner_name": "刘美华", "phone": "13800000002"}},
		{"POST", "/shops/{shop}/goods", "keeper", map[string]any{"name": "红糖", "category": "调味", "unit": "袋", "points": 6, "price_fen": 600, "monthly_limit": 2, "low_stock": 5}},
		{"POST", "/shops/{shop}/agreements", "clerk", map[string]any{"village_id": gc, "valid_from": "2028-01-01", "valid_to": "2028-12-31", "note": "续签"}},
		{"POST", "/agreements/{agreement}/status", "clerk", map[string]any{"status": "active", "note": "恢复"}},
		{"POST", "/villages/{village}/standards", "clerk", map[string]any{"fen_per_point": 100, "tolerance_pct": 10, "note": "调整"}},
		{"POST", "/standards/{standard}/decision", "sup", map[string]any{"approve": true, "note": "同意"}},
		{"PUT", "/goods/{goods}", "keeper", map[string]any{"name": "毛巾", "category": "日用", "unit": "条", "points": 9, "price_fen": 900}},
		{"POST", "/goods/{goods}/shelf", "keeper", map[string]any{"on_shelf": true}},
		{"POST", "/goods/{goods}/exception", "sup", map[string]any{}},
		{"POST", "/goods/{goods}/stock-in", "keeper", map[string]any{"quantity": 5, "date": time.Now().Format("2006-01-02"), "reason": "进货"}},
		{"POST", "/goods/{goods}/adjustments", "keeper", map[string]any{"quantity": -1, "date": time.Now().Format("2006-01-02"), "reason": "破损"}},
		{"POST", "/vouchers", "villager", map[string]any{"shop_id": shop, "items": []any{map[string]any{"goods_id": towel, "quantity": 1}}}},
		{"POST", "/vouchers/{voucher}/cancel", "villager", map[string]any{}},
		{"POST", "/counter/scan", "keeper", map[string]any{"code": "12345678"}},
		{"POST", "/counter/redeem", "keeper", map[string]any{"code": "12345678", "offline_at": "2026-12-01T08:00:00Z"}},
		{"POST", "/counter/member-code/scan", "keeper", map[string]any{"code": "x"}},
		{"POST", "/counter/checkout", "keeper", map[string]any{"code": "x", "shop_id": shop, "items": []any{map[string]any{"goods_id": towel, "quantity": 1}}, "top_up": true}},
		{"POST", "/counter/card/scan", "keeper", map[string]any{"card": "1000 0000 0008", "shop_id": shop}},
		{"POST", "/counter/card/checkout", "keeper", map[string]any{"card": "1000 0000 0008", "pin": "358214", "shop_id": shop,
			"items": []any{map[string]any{"goods_id": towel, "quantity": 1}}, "top_up": true}},
		{"POST", "/counter/redemptions/{redemption}/reverse", "keeper", map[string]any{"reason": "退货"}},
		{"POST", "/villages/{village}/checkout-ceilings", "clerk", map[string]any{"per_checkout_points": 300, "per_day_points": 600, "note": "年货季"}},
		{"POST", "/checkout-ceilings/{ceiling}/decision", "sup", map[string]any{"approve": false}},
		{"POST", "/villages/{village}/rule-books", "clerk", map[string]any{"title": "细则"}},
		{"POST", "/rule-books/{book}/items", "clerk", map[string]any{"code": "X1", "name": "新项目", "category": "reward", "points": 5, "applies_to": "household", "cap_month": 10}},
		{"POST", "/household-sizes/{size}/objections", "villager", map[string]any{"reason": "人数不实"}},
		{"POST", "/household-size-objections/{sizeobjection}/answer", "sup", map[string]any{"upheld": false, "answer": "属实"}},
		{"POST", "/rule-books/{book}/suggestions", "clerk", map[string]any{"text": "建议", "source": "村民"}},
		{"POST", "/suggestions/{suggestion}/answer", "clerk", map[string]any{"answer": "已采纳"}},
		{"POST", "/rule-books/{book}/adoption", "clerk", map[string]any{"date": "2026-11-01", "votes_for": 60, "votes_against": 2, "votes_abstain": 1, "attendance": 70}},
		{"POST", "/entries", "clerk", map[string]any{"rule_item_id": item, "household_id": ids["household"], "quantity": 1, "reason": "清扫", "evidence": "照片"}},
		{"POST", "/entries/{entry}/decision", "committee", map[string]any{"approve": true, "note": "同意"}},
		{"POST", "/entries/{entry}/votes", "committee", map[string]any{"approve": true}},
		{"POST", "/entries/{entry}/objections", "villager", map[string]any{"reason": "不实"}},
		{"POST", "/villages/{village}/meetings", "clerk", map[string]any{"month": month, "held_on": time.Now().Format("2006-01-02"), "attendance": "全体支委"}},
		{"POST", "/villages/{village}/meetings/" + month + "/approval", "committee", map[string]any{}},
		{"POST", "/objections/{objection}/answer", "clerk", map[string]any{"upheld": false, "answer": "已核实"}},
		{"POST", "/objections/{objection}/rating", "villager", map[string]any{"satisfied": true}},
		{"POST", "/villages/{village}/base-points", "clerk", map[string]any{"period": month}},
		{"PUT", "/villages/{village}/expiry-date", "clerk", map[string]any{"date": "12-31"}},
		{"PUT", "/villages/{village}/vote-rules", "admin", map[string]any{"assembly_quorum_pct": 80, "majority_pct": 60}},
		{"PUT", "/villages/{village}/supervision-phone", "admin", map[string]any{"phone": "0739-1234567"}},
		{"POST", "/villages/{village}/settlements", "clerk", map[string]any{"shop_id": shop, "period": "2026-10"}},
		{"POST", "/settlements/{settlement}/approval", "clerk", map[string]any{}},
		{"POST", "/settlements/{settlement}/countersignature", "sup", map[string]any{}},
		{"POST", "/settlements/{settlement}/payment", "clerk", map[string]any{"amount_fen": 100, "paid_on": "2026-11-05", "reference": "BANK-1"}},
		{"POST", "/villages/{village}/fund", "clerk", map[string]any{"amount_fen": 100, "note": "拨款"}},
		{"POST", "/alerts/{alert}/acknowledgement", "sup", map[string]any{"note": "已查看"}},
		{"POST", "/alerts/{alert}/resolution", "sup", map[string]any{"note": "已处理"}},
		{"PUT", "/villages/{village}/alert-thresholds", "sup", map[string]any{"household_frequency": 6}},
		{"POST", "/villages/{village}/dividends", "clerk", map[string]any{"title": "分红", "amount_fen": 100000, "from": from, "to": to}},
		{"POST", "/dividends/{dividend}/adoption", "committee", map[string]any{"date": "2026-11-01", "body": "villagers", "members": 160, "attendance": 120, "votes_for": 100}},
		{"POST", "/dividends/{dividend}/payments", "clerk", map[string]any{"household_id": e.householdOf("13800000013"), "paid_on": "2026-11-05", "reference": "BANK-2"}},
		{"POST", "/dividends/{dividend}/objections", "villager", map[string]any{"reason": "少算了"}},
		{"POST", "/villages/{village}/requests", "villager", map[string]any{"category": "help", "text": "路灯坏了"}},
		{"POST", "/me/notifications/read", "villager", map[string]any{"ids": []int64{1}}},
		{"PUT", "/households/{household}/grid-head", "clerk", map[string]any{"person_id": e.id(`SELECT id FROM people WHERE phone = '13800000011'`)}},
		{"POST", "/villages/{village}/courtyard-meetings", "clerk", map[string]any{"place": "晒谷坪", "held_on": "2026-11-02", "households": []int64{e.householdOf("13800000010")}}},
		{"POST", "/courtyard-problems/{problem}/follow-up", "clerk", map[string]any{"visited_on": "2026-11-03", "note": "已回访"}},
		{"POST", "/households/{household}/proxies", "villager", map[string]any{"person_id": e.id(`SELECT id FROM people WHERE phone = '13800000013'`), "monthly_ceiling": 100}},
		{"POST", "/proxies/{proxy}/revocation", "villager", map[string]any{}},
		{"POST", "/households/{household}/cards", "clerk", map[string]any{}},
		{"PUT", "/cards/{card}/pin", "villager", map[string]any{"pin": "358214"}},
		{"POST", "/cards/{card}/block", "villager", map[string]any{"reason": "卡丢了"}},
		{"PUT", "/villages/{village}/cash-top-up", "admin", map[string]any{"allowed": true}},
		{"POST", "/visits", "villager", map[string]any{"kind": "meeting", "on": "2026-11-02", "what": "民情分析会", "attendance": 5}},
		{"POST", "/requests/{request}/referral", "clerk", map[string]any{"to": "township", "note": "转乡镇"}},
		{"POST", "/requests/{request}/answer", "clerk", map[string]any{"answer": "已修好", "resolved": true}},
		{"POST", "/requests/{request}/rating", "villager", map[string]any{"rating": "satisfied"}},
		{"POST", "/counties/{county}/departments", "county", map[string]any{"name": "县信访局"}},
		{"POST", "/departments/{department}/staff", "county", map[string]any{"person_id": 1}},
		{"PUT", "/counties/{county}/request-deadlines", "county", map[string]any{"category": "help", "difficulty": "simple", "working_days": 4}},
		{"POST", "/dividend-objections/{dividendobjection}/answer", "sup", map[string]any{"upheld": false, "answer": "无误"}},
		{"POST", "/counties/{county}/schemes", "county", map[string]any{"period": "2027-H1", "title": "方案", "budget_fen": 100,
			"warn_bottom": 1, "tie_rule": "fewer_events", "objection_days": 7, "award_bands": []map[string]any{{"to_rank": 1, "amount_fen": 100}},
			"items": []map[string]any{{"code": "zero_case", "name": "零发案", "kind": "zero", "points": 10, "deduction": 5}}}},
		{"POST", "/counties/{county}/ranking", "county", map[string]any{"period": "2026-H1"}},
		{"POST", "/villages/{village}/assessment-events", "assessor", map[string]any{"item": "zero_case", "occurred_on": "2026-11-02",
			"description": "盗窃案", "evidence": "派出所通报"}},
		{"POST", "/assessment-events/{event}/objection", "clerk", map[string]any{"text": "不属实"}},
		{"POST", "/assessment-events/{event}/answer", "admin", map[string]any{"upheld": false, "answer": "维持"}},
		{"POST", "/villages/{village}/assessment-tasks", "assessor", map[string]any{"title": "排查", "due_on": "2026-12-20"}},
		{"POST", "/assessment-tasks/{task}/completion", "clerk", map[string]any{"note": "已完成"}},
		{"POST", "/assessment-tasks/{task}/confirmation", "assessor", map[string]any{}},
		{"POST", "/villages/{village}/stars", "clerk", map[string]any{"year": 2026}},
		{"POST", "/stars/{star}/objections", "villager", map[string]any{"reason": "不属实"}},
		{"POST", "/stars/{star}/answer", "sup", map[string]any{"upheld": false, "answer": "属实"}},
		{"POST", "/villages/{village}/projects", "clerk", map[string]any{"title": "修路", "budget_fen": 100,
			"needs": []map[string]any{{"text": "修路", "urgency": 3, "households": 4}}}},
		{"POST", "/projects/{project}/award", "county", map[string]any{"period": "2026-H1"}},
		{"POST", "/projects/{project}/progress", "clerk", map[string]any{"on_date": "2026-11-20", "spent_fen": 1, "progress_pct": 10, "labour_days": 1, "money_fen": 0, "note": "进展"}},
		{"POST", "/auth/logout", "admin", map[string]any{}},
	}
	strs := []string{strings.Repeat("\u3000", 300) + "值" + strings.Repeat("\u3000", 300), strings.Repeat("长", 5000), "\x00\x01",
		"0000-01-01", "9999-12-31", "0000-01", "2026-13-45", "=HYPERLINK(\"x\")", "", "\u202e\ufeff", "１３８００００００１０"}
	nums := []any{-1, 0, 9.5, 1e18, "7", -9223372036854775808, 1e300}
	path := func(p string) string {
		for k, v := range ids {
			p = strings.ReplaceAll(p, "{"+k+"}", fmt.Sprint(v))
		}
		return "/api/v1" + p
	}
	send := func(r route, body any) {
		var raw string
		if s, ok := body.(string); ok {
			raw = s
		} else {
			b, _ := json.Marshal(body)
			raw = string(b)
		}
		res := e.call(r.method, path(r.path), tok[r.who], raw)
		if res.status >= 500 {
			t.Errorf("%s %s with %.120s: %d %s", r.method, r.path, raw, res.status, res.raw)
		}
	}
	covered := map[string]bool{}
	for _, r := range routes {
		covered[r.method+" "+r.path] = true
		for _, whole := range []string{`[]`, `"x"`, `null`, `{}`, `{"items": "x"}`} {
			send(r, whole)
		}
		for field, orig := range r.body {
			var variants []any
			switch orig.(type) {
			case string:
				for _, s := range strs {
					variants = append(variants, s)
				}
			default:
				variants = append(variants, nums...)
				variants = append(variants, strs[0], nil, []any{1})
			}
			for _, v := range variants {
				body := map[string]any{}
				for k, x := range r.body {
					body[k] = x
				}
				body[field] = v
				send(r, body)
			}
		}
	}
	for _, rt := range httpapi.Routes(e.srv.Config.Handler) {
		if rt.Method != "POST" && rt.Method != "PUT" || rt.Path == "/goods/:id/photo" || !strings.HasPrefix(rt.Path, "/api/v1/") {
			continue
		}
		p := strings.TrimPrefix(rt.Path, "/api/v1")
		found := false
		for k := range covered {
			if m, tmpl, _ := strings.Cut(k, " "); m == rt.Method && samePath(tmpl, p) {
				found = true
			}
		}
		if !found && rt.Path != "/api/v1/goods/:id/photo" {
			t.Errorf("%s %s is not in the bad-input table", rt.Method, rt.Path)
		}
	}
	// Query parameters of the reading routes.
	for _, q := range []struct{ path, who string }{
		{"/villages/{village}/redemptions", "sup"}, {"/villages/{village}/exports/ledger", "sup"}, {"/audit", "sup"},
		{"/villages/{village}/entries", "clerk"}, {"/villages/{village}/feed", "sup"}, {"/villages/{village}/stats", "sup"},
		{"/accounts/{village}/history", "villager"}, {"/goods/{goods}/movements", "keeper"}, {"/shops/{shop}/goods", "villager"},
		{"/villages/{village}/households", "clerk"}, {"/me/checkouts", "villager"}, {"/villages/{village}/alerts", "sup"},
	} {
		for _, name := range []string{"from", "to", "period", "month", "limit", "before_id", "after_id", "status", "q", "format", "action"} {
			for _, v := range append(strs, "-1", "99999999999999999999") {
				u := path(q.path) + "?" + name + "=" + url.QueryEscape(v)
				if res := e.call("GET", u, tok[q.who], nil); res.status >= 500 {
					t.Errorf("GET %s: %d %s", u, res.status, res.raw)
				}
			}
		}
	}
}

// samePath reports whether a table path (/shops/{shop}) names a Gin route (/shops/:id).
func samePath(tmpl, route string) bool {
	a, b := strings.Split(tmpl, "/"), strings.Split(route, "/")
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.HasPrefix(b[i], ":") {
			continue
		}
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
