package httpapi_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/org"
)

func TestPublicBoardShowsTheMonthAndNothingPersonal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc, shop := e.village("国茶村"), e.shopOf("国茶村")
	clerk, committee, villager, keeper := e.login("13800000001"), e.login("13800000012"), e.login("13800000010"), e.login("13800000002")
	item := e.id(`SELECT i.id FROM rule_items i JOIN rule_books b ON b.id = i.rule_book_id WHERE b.village_id = ? AND b.status = 'adopted' AND i.code = 'R01'`, gc)
	// The clerk's reason names another villager and her phone: the board masks both.
	var helped string
	if err := e.app.DB.GetContext(t.Context(), &helped, `SELECT name FROM people WHERE phone = '13800000011'`); err != nil {
		t.Fatal(err)
	}
	reason := "清扫村道，帮助五保户" + helped + "（电话 138-0000-0299）修缮房屋"
	entry := e.call("POST", "/api/v1/entries", clerk, map[string]any{"rule_item_id": item, "household_id": e.householdOf("13800000013"), "reason": reason})
	month := time.Now().In(calendar.Zone()).Format("2006-01")
	e.call("POST", fmt.Sprintf("/api/v1/villages/%d/meetings", gc), clerk, map[string]any{"month": month, "held_on": time.Now().Format("2006-01-02")})
	e.call("POST", fmt.Sprintf("/api/v1/entries/%d/decision", num(entry.body["id"])), committee, map[string]any{"approve": true})
	if r := e.approveMonth(gc, month); r.status != http.StatusOK {
		t.Fatalf("approve month: %d %s", r.status, r.raw)
	}
	code := e.order(villager, shop, e.goodsNamed(shop, "食盐（500克）"), 2).body["code"].(string)
	if r := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": code}); r.status != http.StatusOK {
		t.Fatalf("redeem: %d %s", r.status, r.raw)
	}
	if _, _, err := e.app.Audit.Checkpoint(dbtest.SystemCtx(), time.Now()); err != nil {
		t.Fatal(err)
	}

	b := e.call("GET", fmt.Sprintf("/api/v1/public/villages/%d/board", gc), "", nil)
	if b.status != http.StatusOK {
		t.Fatalf("board without login: %d %s", b.status, b.raw)
	}
	masked := "清扫村道，帮助五保户" + org.MaskName(helped) + "（电话 138****0299）修缮房屋"
	if len(b.body["notice"].([]any)) != 1 || !strings.Contains(b.raw, "陈*红") || !strings.Contains(b.raw, masked) {
		t.Errorf("notice on the board: %s", b.raw)
	}
	shops := b.body["shops"].([]any)
	if len(shops) != 1 || num(shops[0].(map[string]any)["points"]) != 6 || num(shops[0].(map[string]any)["price_fen"]) != 600 {
		t.Errorf("redemptions by shop: %v", shops)
	}
	if totals := b.body["totals"].(map[string]any); num(totals["spent"]) != 6 {
		t.Errorf("month totals: %v", totals)
	}
	if cp := b.body["audit_checkpoint"].(map[string]any); len(cp["root_hash"].(string)) != 64 {
		t.Errorf("checkpoint: %v", cp)
	}
	// The checkpoint's root is 64 hex digits, which hold eleven decimal ones in a row one time in
	// fifty: hashes are taken out before looking for a phone number.
	withoutHashes := regexp.MustCompile(`[0-9a-f]{64}`).ReplaceAllString(b.raw, "")
	if phone := regexp.MustCompile(`1[3-9][0-9]{9}`).FindString(withoutHashes); phone != "" {
		t.Errorf("the public board shows a phone number: %s", phone)
	}
	var names []string
	if err := e.app.DB.SelectContext(t.Context(), &names, `SELECT name FROM people WHERE CHAR_LENGTH(name) > 1`); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if strings.Contains(b.raw, n) {
			t.Errorf("the public board shows the full name %s", n)
		}
	}
	// The board's 监督电话 is the township's to set, not the village's own officials'.
	phone := func(token, number string) reply {
		return e.call("PUT", fmt.Sprintf("/api/v1/villages/%d/supervision-phone", gc), token, map[string]string{"phone": number})
	}
	for who, token := range map[string]string{"the clerk": e.login("13800000001"), "the supervisor": e.login("13800000003"), "a villager": e.login("13800000010")} {
		if r := phone(token, "0739-1234567"); r.status != http.StatusForbidden {
			t.Errorf("%s sets the supervision phone: %d %s", who, r.status, r.raw)
		}
	}
	admin := e.login("13800000000")
	for _, bad := range []string{"abc", "12", "0739-12", strings.Repeat("1", 30)} {
		if r := phone(admin, bad); r.status != http.StatusUnprocessableEntity {
			t.Errorf("supervision phone %q: %d %s", bad, r.status, r.raw)
		}
	}
	if r := phone(admin, "0739-1234567"); r.status != http.StatusOK || r.body["supervision_phone"] != "0739-1234567" {
		t.Fatalf("the township sets the supervision phone: %d %s", r.status, r.raw)
	}
	// The write is audited in the village, so the cached board is built again within a moment.
	var shown any
	for range 40 {
		if shown = e.call("GET", fmt.Sprintf("/api/v1/public/villages/%d/board", gc), "", nil).body["supervision_phone"]; shown == "0739-1234567" {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if shown != "0739-1234567" {
		t.Errorf("the board's supervision phone: %v", shown)
	}
	// A newcomer finds the village's board from the directory, without logging in.
	dir := e.call("GET", "/api/v1/public/villages", "", nil)
	found := false
	for _, x := range dir.body["villages"].([]any) {
		if v := x.(map[string]any); num(v["id"]) == gc && v["name"] == "国茶村" && v["township"] != "" {
			found = true
		}
	}
	if dir.status != http.StatusOK || !found {
		t.Errorf("the village directory: %d %s", dir.status, dir.raw)
	}
	if r := e.call("GET", "/api/v1/public/villages/999999/board", "", nil); r.status != http.StatusNotFound {
		t.Errorf("unknown village: %d", r.status)
	}
}
