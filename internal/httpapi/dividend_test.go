package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/dbtest"
)

// A village shares ¥12,345.67 of collective income by the points its households earned: the
// shares follow the posted points, add up to the fen, go through a quorate assembly recorded by
// someone other than the proposer and the public notice, and are paid one by one — never by an
// official to their own household.
func TestDividendByPoints(t *testing.T) {
	t.Parallel()
	// The service's clock starts a month ago, when last month's points are registered and posted.
	var back atomic.Int64
	back.Store(int64(time.Since(time.Now().AddDate(0, -1, 0))))
	e := newEnv(t, app.Options{Clock: func() time.Time { return time.Now().Add(-time.Duration(back.Load())) }})
	gc := e.village("国茶村")
	admin, clerk, committee, villager := e.login("13800000000"), e.login("13800000001"), e.login("13800000012"), e.login("13800000010")
	now := time.Now().In(calendar.Zone())
	from, to := now.AddDate(0, -6, 0).Format("2006-01"), now.AddDate(0, -1, 0).Format("2006-01")
	e.postBasePoints(gc, to, e.app.Now()) // last month's base points, through the meeting and the notice
	back.Store(0)
	// Posting marked each household active that month, once: the county's activity item reads it.
	if marked, posted := e.id(`SELECT active_households FROM village_months WHERE village_id = ? AND period = ?`, gc, to),
		e.id(`SELECT COUNT(DISTINCT household_id) FROM point_entries WHERE village_id = ? AND status = 'posted' AND period = ?`, gc, to); marked != posted || marked == 0 {
		t.Errorf("%d households marked active in %s, %d with points posted", marked, to, posted)
	}
	base := fmt.Sprintf("/api/v1/villages/%d/dividends", gc)
	propose := func(token string, body map[string]any) reply { return e.call("POST", base, token, body) }

	for _, c := range []struct {
		name string
		body map[string]any
		code string
	}{
		{"no amount", map[string]any{"title": "分红", "amount_fen": 0, "from": from, "to": to}, "invalid_input"},
		{"a negative amount", map[string]any{"title": "分红", "amount_fen": -100, "from": from, "to": to}, "invalid_input"},
		{"a month that is not one", map[string]any{"title": "分红", "amount_fen": 100, "from": "2026-13", "to": to}, "invalid_input"},
		{"to before from", map[string]any{"title": "分红", "amount_fen": 100, "from": to, "to": from}, "invalid_input"},
		{"this month, not ended", map[string]any{"title": "分红", "amount_fen": 100, "from": from, "to": now.Format("2006-01")}, "period_not_closed"},
		{"months without points", map[string]any{"title": "分红", "amount_fen": 100, "from": "2001-01", "to": "2001-03"}, "no_points_in_period"},
	} {
		if r := propose(clerk, c.body); r.code() != c.code || r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %s, want 422 %s", c.name, r.status, r.raw, c.code)
		}
	}
	if r := propose(villager, map[string]any{"title": "分红", "amount_fen": 100, "from": from, "to": to}); r.status != http.StatusForbidden {
		t.Errorf("a villager proposed a dividend: %d", r.status)
	}

	const amount = 12_345_67
	r := propose(clerk, map[string]any{"title": "2026年上半年集体经济分红", "amount_fen": amount, "from": from, "to": to})
	if r.status != http.StatusCreated || r.body["status"] != "proposed" {
		t.Fatalf("propose: %d %s", r.status, r.raw)
	}
	id := int64(num(r.body["id"]))
	var sum, points int64
	shares := r.body["shares"].([]any)
	for _, x := range shares {
		sh := x.(map[string]any)
		sum += int64(num(sh["amount_fen"]))
		p := int64(num(sh["points"]))
		points += p
		want := e.id(`SELECT COALESCE(SUM(points), 0) FROM point_entries WHERE household_id = ? AND status = 'posted' AND person_id IS NULL
			AND period BETWEEN ? AND ?`, int64(num(sh["household_id"])), from, to)
		if p != want || p <= 0 {
			t.Errorf("household %v: %d points in its share, %d posted", sh["household_id"], p, want)
		}
	}
	if sum != amount || len(shares) < 2 || points != int64(num(r.body["total_points"])) {
		t.Fatalf("%d shares add up to %d fen of %d (points %d of %v)", len(shares), sum, amount, points, r.body["total_points"])
	}

	// The village's people see it on the notice, heads masked; another village's do not.
	seen := e.call("GET", fmt.Sprintf("/api/v1/dividends/%d", id), villager, nil)
	if seen.status != http.StatusOK || !strings.Contains(seen.raw, "*") || strings.Contains(seen.raw, "陈永红") {
		t.Errorf("a villager's view of the dividend: %d %.300s", seen.status, seen.raw)
	}
	if l := e.call("GET", base, villager, nil); l.status != http.StatusOK || len(l.body["dividends"].([]any)) != 1 {
		t.Errorf("the village's dividends: %d %s", l.status, l.raw)
	}
	outsider := e.login("13800000110")
	if r := e.call("GET", fmt.Sprintf("/api/v1/dividends/%d", id), outsider, nil); r.status != http.StatusForbidden {
		t.Errorf("尖岩村's villager read 国茶村's dividend: %d", r.status)
	}

	adoption := fmt.Sprintf("/api/v1/dividends/%d/adoption", id)
	assembly := map[string]any{"date": now.Format("2006-01-02"), "body": "villagers", "members": 160, "attendance": 120, "votes_for": 100, "votes_against": 5}
	if r := e.call("POST", adoption, clerk, assembly); r.status != http.StatusForbidden {
		t.Errorf("the clerk recorded the assembly of his own proposal: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", adoption, committee, map[string]any{"date": now.Format("2006-01-02"), "body": "villagers", "members": 160, "attendance": 120, "votes_for": 50, "votes_against": 60}); r.code() != "assembly_vote_failed" {
		t.Errorf("a failed vote: %d %s", r.status, r.raw)
	}
	r = e.call("POST", adoption, committee, assembly)
	if r.status != http.StatusOK || r.body["status"] != "adopted" || r.body["notice_until"] == nil {
		t.Fatalf("adopt: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", adoption, committee, assembly); r.code() != "dividend_wrong_step" {
		t.Errorf("adopted twice: %d %s", r.status, r.raw)
	}

	pay := func(token string, household int64) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/dividends/%d/payments", id), token,
			map[string]any{"household_id": household, "paid_on": now.Format("2006-01-02"), "reference": fmt.Sprintf("转账-%d", household)})
	}
	first := int64(num(shares[0].(map[string]any)["household_id"]))
	if r := pay(clerk, first); r.code() != "dividend_notice_open" {
		t.Errorf("paid during the notice: %d %s", r.status, r.raw)
	}
	// The notice's days have passed.
	if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE dividends SET notice_until = ? WHERE id = ?`, time.Now().Add(-time.Minute), id); err != nil {
		t.Fatal(err)
	}
	// The clerk lives in the first household with a share (the township, which manages officials,
	// records it).
	clerkHousehold := first
	clerkID := e.id(`SELECT id FROM people WHERE phone = '13800000001'`)
	me := e.call("GET", fmt.Sprintf("/api/v1/people/%d", clerkID), admin, nil)
	if r := e.call("PUT", fmt.Sprintf("/api/v1/people/%d", clerkID), admin, map[string]any{"name": me.body["name"], "phone": "13800000001", "household_id": first}); r.status != http.StatusOK {
		t.Fatalf("the clerk moves into household %d: %d %s", first, r.status, r.raw)
	}
	clerk = e.login("13800000001")
	for _, x := range shares {
		h := int64(num(x.(map[string]any)["household_id"]))
		if h == clerkHousehold {
			if r := pay(clerk, h); r.code() != "self_act_forbidden" {
				t.Errorf("the clerk recorded his own household's share as paid: %d %s", r.status, r.raw)
			}
			if r := pay(admin, h); r.status != http.StatusOK {
				t.Errorf("the township pays the clerk's household: %d %s", r.status, r.raw)
			}
			continue
		}
		if r := pay(clerk, h); r.status != http.StatusOK {
			t.Fatalf("pay household %d: %d %s", h, r.status, r.raw)
		}
		if r := pay(clerk, h); r.code() != "share_already_paid" && r.code() != "dividend_wrong_step" { // the last one closes it
			t.Errorf("household %d paid twice: %d %s", h, r.status, r.raw)
		}
	}
	if r := pay(clerk, int64(num(shares[1].(map[string]any)["household_id"]))); r.code() != "dividend_wrong_step" {
		t.Errorf("paid twice: %d %s", r.status, r.raw)
	}
	if r := pay(clerk, e.householdOf("13800000110")); r.status < 400 {
		t.Errorf("paid a household of another village: %d", r.status)
	}
	done := e.call("GET", fmt.Sprintf("/api/v1/dividends/%d", id), clerk, nil)
	if done.body["status"] != "paid" || done.body["amount_fen"] != float64(amount) {
		t.Errorf("after every payment: %s", done.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM audit_log WHERE object_type = 'dividend' AND object_id = ?`, id); n != int64(2+len(shares)) {
		t.Errorf("%d audit entries of the dividend, want %d (propose, adopt, each payment)", n, 2+len(shares))
	}

	// Whoever holds the database password moves a fen from one share to another, raises a share,
	// and marks another household's share paid by hand: check names each.
	// (The clock jumped a month forward: the service anchors its log now, as it does every interval.)
	if _, _, err := e.app.Audit.Checkpoint(dbtest.SystemCtx(), e.app.Now()); err != nil {
		t.Fatal(err)
	}
	dbtest.MustVerify(t, e.app)
	second, third := int64(num(shares[1].(map[string]any)["household_id"])), int64(num(shares[2].(map[string]any)["household_id"]))
	other := e.call("POST", base, e.login("13800000001"), map[string]any{"title": "第二次分红", "amount_fen": 500, "from": to, "to": to})
	e.handEdited([]string{
		fmt.Sprintf(`UPDATE dividend_shares SET amount_fen = amount_fen + 1 WHERE dividend_id = %d AND household_id = %d`, id, first),
		fmt.Sprintf(`UPDATE dividend_shares SET amount_fen = amount_fen - 1 WHERE dividend_id = %d AND household_id = %d`, id, second),
		fmt.Sprintf(`UPDATE dividend_shares SET points = points + 50 WHERE dividend_id = %d AND household_id = %d`, id, third),
		fmt.Sprintf(`UPDATE dividend_shares SET paid_on = NOW(), payment_ref = 'x' WHERE dividend_id = %d AND household_id = %d`, int64(num(other.body["id"])), first),
		fmt.Sprintf(`UPDATE village_months SET active_households = active_households + 5 WHERE village_id = %d`, gc),
	}, fmt.Sprintf("dividend %d: share of household %d differs", id, first), fmt.Sprintf("dividend %d: share of household %d differs", id, second),
		fmt.Sprintf("dividend %d: shares hold", id), fmt.Sprintf("dividend %d: share of household %d is marked paid without a payment", num(other.body["id"]), first),
		fmt.Sprintf("village %d: month %s counts", gc, to))
}

// postBasePoints takes a month's base points of a village through the whole flow: the meeting,
// each entry approved (the committee member's own household by the township), the month
// approved, the notice closed (as if its days had passed) and the entries posted. more registers
// further entries of the month before the meeting decides.
func (e *env) postBasePoints(village int64, month string, now time.Time, more ...func(clerk string)) {
	e.t.Helper()
	clerk, committee, township := e.login("13800000001"), e.login("13800000012"), e.login("13800000000")
	must := func(step string, r reply, status int) {
		e.t.Helper()
		if r.status != status {
			e.t.Fatalf("%s: %d %s, want %d", step, r.status, r.raw, status)
		}
	}
	must("open the meeting", e.call("POST", fmt.Sprintf("/api/v1/villages/%d/meetings", village), clerk, map[string]any{"month": month, "held_on": now.Format("2006-01-02")}), 201)
	must("register base points", e.call("POST", fmt.Sprintf("/api/v1/villages/%d/base-points", village), clerk, map[string]any{"period": month}), 200)
	for _, fn := range more {
		fn(clerk)
	}
	var ids []int64
	if err := e.app.DB.SelectContext(e.t.Context(), &ids, `SELECT id FROM point_entries WHERE village_id = ? AND period = ? AND status = 'registered'`, village, month); err != nil || len(ids) == 0 {
		e.t.Fatalf("base entries of %s: %d %v", month, len(ids), err)
	}
	own := e.householdOf("13800000012")
	for _, id := range ids {
		token := committee
		if e.id(`SELECT COALESCE(household_id, 0) FROM point_entries WHERE id = ?`, id) == own {
			token = township // the village's one committee member is conflicted: the township decides
		}
		must("approve an entry", e.call("POST", fmt.Sprintf("/api/v1/entries/%d/decision", id), token, map[string]any{"approve": true}), 200)
	}
	must("approve the month", e.approveMonth(village, month), 200)
	if _, err := e.app.DB.ExecContext(e.t.Context(), `UPDATE point_entries SET notice_until = ? WHERE status = 'noticed'`, now.Add(-time.Minute)); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.app.Earning.PostDue(dbtest.SystemCtx()); err != nil {
		e.t.Fatal(err)
	}
}
