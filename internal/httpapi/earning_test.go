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
	"pointsmarket/internal/earning"
)

func TestEarningFlowFromRuleBookToLedger(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc := e.village("国茶村")
	clerk, committee := e.login("13800000001"), e.login("13800000012")
	v10, v11, v13 := e.login("13800000010"), e.login("13800000011"), e.login("13800000013")
	month := time.Now().In(calendar.Zone()).Format("2006-01")
	must := func(r reply, status int) reply {
		t.Helper()
		if r.status != status {
			t.Fatalf("%d %s, want %d", r.status, r.raw, status)
		}
		return r
	}
	// A rule book, adopted by the assembly.
	book := num(must(e.call("POST", fmt.Sprintf("/api/v1/villages/%d/rule-books", gc), clerk, map[string]string{"title": "国茶村积分细则（2026修订）"}), 201).body["id"])
	item := func(body map[string]any) int64 {
		return num(must(e.call("POST", fmt.Sprintf("/api/v1/rule-books/%d/items", book), clerk, body), 201).body["id"])
	}
	volunteer := item(map[string]any{"code": "R01", "name": "参加义务劳动", "category": "reward", "points": 20, "applies_to": "household", "cap_month": 40})
	banquet := item(map[string]any{"code": "P01", "name": "大操大办酒席", "category": "penalty", "points": 30, "applies_to": "household"})
	courage := item(map[string]any{"code": "H01", "name": "见义勇为", "category": "honour", "points": 500, "applies_to": "household"})
	item(map[string]any{"code": "B01", "name": "基础分", "category": "base", "points": 10, "applies_to": "household"})
	reg := func(token string, body map[string]any) reply { return e.call("POST", "/api/v1/entries", token, body) }
	gc004 := e.householdOf("13800000013")
	if r := reg(clerk, map[string]any{"rule_item_id": volunteer, "household_id": gc004, "reason": "修路"}); r.status != http.StatusUnprocessableEntity || r.code() != "rule_book_not_adopted" {
		t.Fatalf("entry under a draft: %d %s", r.status, r.raw)
	}
	adopt := func(book int64, body map[string]any) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/rule-books/%d/adoption", book), clerk, body)
	}
	villagers := func(present, f, a, abstain int) map[string]any {
		return map[string]any{"date": "2026-03-01", "body": "villagers", "members": 160, "attendance": present, "votes_for": f, "votes_against": a, "votes_abstain": abstain}
	}
	reps := e.id(`SELECT COUNT(*) FROM role_grants WHERE role = 'representative' AND village_id = ?`, gc)
	for _, c := range []struct {
		name string
		body map[string]any
		code string
	}{
		{"a vote that failed", villagers(90, 40, 45, 3), "assembly_vote_failed"},
		{"3 for, 1 against, 90 abstaining", villagers(94, 3, 1, 90), "assembly_vote_failed"},
		{"too few villagers present", villagers(70, 70, 0, 0), "assembly_not_quorate"},
		{"representatives the village does not have", map[string]any{"date": "2026-03-01", "body": "representatives", "members": reps + 40, "attendance": reps + 40, "votes_for": reps + 40}, "assembly_members_mismatch"},
		{"an adoption more than a year ahead", map[string]any{"date": time.Now().AddDate(1, 1, 0).Format("2006-01-02"), "body": "villagers", "members": 160, "attendance": 90, "votes_for": 80}, "adoption_in_future"},
		{"no body named", map[string]any{"date": "2026-03-01", "attendance": 90, "votes_for": 80}, "invalid_input"},
	} {
		if r := adopt(book, c.body); r.code() != c.code {
			t.Errorf("%s: %d %s, want %s", c.name, r.status, r.raw, c.code)
		}
	}
	empty := num(must(e.call("POST", fmt.Sprintf("/api/v1/villages/%d/rule-books", gc), clerk, map[string]string{"title": "空白细则"}), 201).body["id"])
	if r := adopt(empty, villagers(90, 80, 5, 3)); r.code() != "rule_book_empty" {
		t.Errorf("an empty rule book adopted: %d %s", r.status, r.raw)
	}
	must(adopt(book, villagers(90, 80, 5, 3)), 200)
	if r := e.call("POST", fmt.Sprintf("/api/v1/rule-books/%d/items", book), clerk, map[string]any{"code": "R02", "name": "x", "category": "reward", "points": 1, "applies_to": "household"}); r.code() != "rule_book_not_draft" {
		t.Errorf("changing an adopted rule book: %d %s", r.status, r.raw)
	}

	// Entries, and the rules they must keep.
	reward := num(must(reg(clerk, map[string]any{"rule_item_id": volunteer, "household_id": gc004, "reason": "参加修路义务劳动"}), 201).body["id"])
	if r := reg(clerk, map[string]any{"rule_item_id": volunteer, "household_id": gc004, "quantity": 2, "reason": "再次"}); r.code() != "over_cap" {
		t.Errorf("over the month's cap: %d %s", r.status, r.raw)
	}
	if r := reg(clerk, map[string]any{"rule_item_id": banquet, "household_id": gc004, "reason": "办酒席"}); r.code() != "evidence_required" {
		t.Errorf("penalty without evidence: %d %s", r.status, r.raw)
	}
	if r := reg(clerk, map[string]any{"rule_item_id": volunteer, "household_id": e.householdOf("13800000110"), "reason": "外村"}); r.code() != "other_village" {
		t.Errorf("a household of another village: %d %s", r.status, r.raw)
	}
	penalty := num(must(reg(clerk, map[string]any{"rule_item_id": banquet, "household_id": gc004, "reason": "大操大办婚宴", "evidence": "照片3张、村民举报记录"}), 201).body["id"])
	self := num(must(reg(v10, map[string]any{"rule_item_id": volunteer, "household_id": e.householdOf("13800000010"), "reason": "自报：清扫村道"}), 201).body["id"])
	if r := reg(v10, map[string]any{"rule_item_id": volunteer, "household_id": gc004, "reason": "替别人报"}); r.status != http.StatusForbidden {
		t.Errorf("a villager registering for another household: %d", r.status)
	}
	honour := num(must(reg(clerk, map[string]any{"rule_item_id": courage, "household_id": gc004, "reason": "救起落水儿童"}), 201).body["id"])
	committeeOwn := num(must(reg(clerk, map[string]any{"rule_item_id": volunteer, "household_id": e.householdOf("13800000012"), "reason": "参加劳动"}), 201).body["id"])

	// The monthly meeting: committee decisions with the conflict-of-interest guard, party votes.
	decide := func(token string, id int64, approve bool) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/entries/%d/decision", id), token, map[string]any{"approve": approve})
	}
	if r := decide(committee, reward, true); r.status != http.StatusNotFound {
		t.Errorf("deciding before the meeting opened: %d %s", r.status, r.raw)
	}
	must(e.call("POST", fmt.Sprintf("/api/v1/villages/%d/meetings", gc), clerk, map[string]any{"month": month, "held_on": time.Now().Format("2006-01-02"), "attendance": "支委5人，党员12人"}), 201)
	if r := decide(committee, committeeOwn, true); r.status != http.StatusForbidden || r.code() != "own_household" {
		t.Errorf("deciding for one's own household: %d %s", r.status, r.raw)
	}
	if r := decide(clerk, reward, true); r.status != http.StatusForbidden {
		t.Errorf("a clerk who is not on the committee decides: %d", r.status)
	}
	admin := e.login("13800000000")
	clerkID := e.id(`SELECT id FROM people WHERE phone = '13800000001'`)
	must(e.call("POST", fmt.Sprintf("/api/v1/people/%d/roles", clerkID), admin, map[string]any{"role": "branch_committee", "decided_on": "2026-11-01", "reference": "葫组〔2026〕3号"}), 201)
	if r := decide(clerk, reward, true); r.status != http.StatusForbidden || r.code() != "reviewer_is_registrar" {
		t.Errorf("the registrar decides: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/meetings/%s/approval", gc, month), committee, nil); r.code() != "entries_undecided" {
		t.Errorf("approving the month before deciding: %d %s", r.status, r.raw)
	}
	for _, id := range []int64{reward, penalty, self} {
		must(decide(committee, id, true), 200)
	}
	must(decide(e.login("13800000014"), committeeOwn, false), 403) // a group leader is not on the committee
	leader := e.id(`SELECT id FROM people WHERE phone = '13800000014'`)
	must(e.call("POST", fmt.Sprintf("/api/v1/people/%d/roles", leader), clerk, map[string]any{"role": "branch_committee", "decided_on": "2026-11-01", "reference": "x"}), 403) // the clerk does not appoint his reviewers
	must(e.call("POST", fmt.Sprintf("/api/v1/people/%d/roles", leader), admin, map[string]any{"role": "branch_committee", "decided_on": "2026-11-01", "reference": "葫组〔2026〕4号"}), 201)
	must(e.call("POST", fmt.Sprintf("/api/v1/entries/%d/decision", committeeOwn), e.login("13800000014"), map[string]any{"approve": false, "note": "重复登记"}), 200)
	vote := func(token, v string) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/entries/%d/votes", honour), token, map[string]string{"vote": v})
	}
	if r := vote(v13, "for"); r.code() != "not_party_member" {
		t.Errorf("a vote from a non-party-member: %d %s", r.status, r.raw)
	}
	if r := decide(committee, honour, true); r.code() != "wrong_approval" {
		t.Errorf("the committee deciding an honour item: %d %s", r.status, r.raw)
	}
	must(vote(v10, "for"), 200)
	must(vote(v11, "for"), 200)
	must(vote(committee, "against"), 200)
	// The month's results are the party members' to approve: one vote of three is not enough.
	if first := must(e.call("POST", fmt.Sprintf("/api/v1/villages/%d/meetings/%s/approval", gc, month), committee, nil), 200); first.body["meeting"].(map[string]any)["status"] != "open" {
		t.Errorf("one party member approved the month alone: %s", first.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/meetings/%s/approval", gc, month), v13, nil); r.code() != "not_party_member" {
		t.Errorf("a villager votes on the month: %d %s", r.status, r.raw)
	}
	// The meeting's state: open, one of three party members' votes counted.
	state := must(e.call("GET", fmt.Sprintf("/api/v1/villages/%d/meetings/%s", gc, month), e.login("13800000001"), nil), 200)
	if votes := state.body["votes"].(map[string]any); state.body["meeting"].(map[string]any)["status"] != "open" || num(votes["for"]) != 1 || num(votes["roster"]) != 3 {
		t.Errorf("meeting state before the deciding vote: %s", state.raw)
	}
	// The honour entry's votes (two for, one against), for the meeting's record.
	if v, ok := state.body["entry_votes"].(map[string]any)[fmt.Sprint(honour)].(map[string]any); !ok || num(v["for"]) != 2 || num(v["against"]) != 1 {
		t.Errorf("the honour entry's votes in the meeting state: %s", state.raw)
	}
	for _, bad := range []string{"2026-13", "x", "2026-1"} {
		if r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/meetings/%s", gc, bad), e.login("13800000001"), nil); r.status != http.StatusUnprocessableEntity {
			t.Errorf("meeting of month %q: %d %s", bad, r.status, r.raw)
		}
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/meetings/%s", gc, month), e.login("13800000110"), nil); r.status != http.StatusForbidden {
		t.Errorf("another village's villager reads the meeting: %d %s", r.status, r.raw)
	}
	approval := must(e.call("POST", fmt.Sprintf("/api/v1/villages/%d/meetings/%s/approval", gc, month), v10, nil), 200)
	if approval.body["meeting"].(map[string]any)["status"] != "approved" || num(approval.body["votes"].(map[string]any)["for"]) != 2 {
		t.Errorf("two of three party members for: %s", approval.raw)
	}
	if n := len(approval.body["noticed"].([]any)); n != 4 {
		t.Fatalf("entries under notice after the approval: %d, want 4 (reward, penalty, self-declaration, honour)", n)
	}

	// The public notice: masked, for the village's people only.
	notice := must(e.call("GET", fmt.Sprintf("/api/v1/villages/%d/notice", gc), v13, nil), 200)
	if strings.Contains(notice.raw, "陈永红") || !strings.Contains(notice.raw, "陈*红") || strings.Contains(notice.raw, "照片3张") {
		t.Errorf("notice shows names or evidence: %s", notice.raw)
	}
	if r := e.call("GET", fmt.Sprintf("/api/v1/villages/%d/notice", gc), e.login("13800000110"), nil); r.status != http.StatusForbidden {
		t.Errorf("another village's villager reads the notice: %d", r.status)
	}
	// An objection blocks posting until it is answered.
	obj := num(must(e.call("POST", fmt.Sprintf("/api/v1/entries/%d/objections", honour), v11, map[string]string{"reason": "当时我也在场，情况不实"}), 201).body["id"])
	if r := e.call("POST", fmt.Sprintf("/api/v1/entries/%d/objections", reward), e.login("13800000110"), map[string]string{"reason": "x"}); r.status != http.StatusForbidden {
		t.Errorf("an objection from another village: %d", r.status)
	}
	if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE point_entries SET notice_until = ? WHERE status = 'noticed'`, time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/entries/%d/objections", reward), v11, map[string]string{"reason": "太晚了"}); r.code() != "notice_closed" {
		t.Errorf("an objection after the window: %d %s", r.status, r.raw)
	}
	before, _ := e.available(v13, "household")
	// Two instances post at once: each entry posts once.
	second := dbtest.NewWith(t, e.app.Config, app.Options{})
	var wg sync.WaitGroup
	for _, a := range []*app.App{e.app, second, e.app} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := a.Earning.PostDue(dbtest.SystemCtx()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var posted int
	if err := e.app.DB.GetContext(t.Context(), &posted, `SELECT COUNT(*) FROM transfers WHERE ref_type = 'entry'`); err != nil || posted != 3 {
		t.Fatalf("posted %d entries (%v), want 3: the honour entry waits on its objection", posted, err)
	}
	after, _ := e.available(v13, "household")
	if after != before+20-30 {
		t.Errorf("household 陈永红: %d → %d, want +20 -30", before, after)
	}
	// Each posted line of the household's history says the month the points were earned in.
	account := num(e.call("GET", "/api/v1/me", v13, nil).body["accounts"].([]any)[0].(map[string]any)["id"])
	fromEntries := 0
	for _, x := range must(e.call("GET", fmt.Sprintf("/api/v1/accounts/%d/history?limit=5", account), v13, nil), 200).body["lines"].([]any) {
		if l := x.(map[string]any); l["ref_type"] == "entry" {
			fromEntries++
			if l["period"] != month {
				t.Errorf("a posted line without the month it was earned in (%s): %v", month, l)
			}
		}
	}
	if fromEntries != 2 {
		t.Errorf("history lines posted from entries: %d, want the reward and the penalty", fromEntries)
	}
	// The supervisors' feed shows grants from its threshold (100 points by default) up.
	supervisor := e.login("13800000003")
	posts := func() int {
		n := 0
		for _, f := range e.call("GET", fmt.Sprintf("/api/v1/villages/%d/feed", gc), supervisor, nil).body["feed"].([]any) {
			if f.(map[string]any)["action"] == "entry.post" {
				n++
			}
		}
		return n
	}
	if n := posts(); n != 0 {
		t.Errorf("grants of 20 and 30 points in the feed at the default threshold: %d", n)
	}
	must(e.call("PUT", fmt.Sprintf("/api/v1/villages/%d/alert-thresholds", gc), supervisor, map[string]int64{"feed_grant_min": 10}), 200)
	if n := posts(); n != 3 {
		t.Errorf("grants in the feed at a threshold of 10: %d, want 3", n)
	}
	// The answer: upheld revokes the honour entry; it never posts.
	if r := e.call("POST", fmt.Sprintf("/api/v1/objections/%d/answer", obj), v11, map[string]any{"upheld": false, "answer": "x"}); r.status != http.StatusForbidden {
		t.Errorf("the objector answers: %d", r.status)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/objections/%d/answer", obj), clerk, map[string]any{"upheld": false, "answer": "属实"}); r.status != http.StatusForbidden {
		t.Errorf("the registrar answers the objection to his own entry: %d %s", r.status, r.raw)
	}
	must(e.call("POST", fmt.Sprintf("/api/v1/objections/%d/answer", obj), committee, map[string]any{"upheld": true, "answer": "经核实情况不实，撤销该积分"}), 200)
	must(e.call("POST", fmt.Sprintf("/api/v1/objections/%d/rating", obj), v11, map[string]any{"satisfied": true}), 200)
	if r := e.call("POST", fmt.Sprintf("/api/v1/objections/%d/rating", obj), v11, map[string]any{"satisfied": false}); r.status != http.StatusConflict || r.code() != "already_rated" {
		t.Errorf("a second rating: %d %s", r.status, r.raw)
	}
	if _, err := e.app.Earning.PostDue(dbtest.SystemCtx()); err != nil {
		t.Fatal(err)
	}
	// Each objection names the entry it is about: the household (its head masked for a villager),
	// the item, the points and the month.
	mine := must(e.call("GET", "/api/v1/me/objections", v11, nil), 200)
	if !strings.Contains(mine.raw, "撤销该积分") || strings.Contains(mine.raw, "陈永红") || !strings.Contains(mine.raw, "陈*红") {
		t.Errorf("my objections: %s", mine.raw)
	}
	if o := mine.body["objections"].([]any)[0].(map[string]any); o["item_name"] == "" || num(o["entry_points"]) == 0 || o["period"] != month || o["household"] == "" {
		t.Errorf("my objection does not name its entry: %v", o)
	}
	village := must(e.call("GET", fmt.Sprintf("/api/v1/villages/%d/objections", gc), e.login("13800000003"), nil), 200)
	if !strings.Contains(village.raw, "陈永红") {
		t.Errorf("the village's objections, for its supervisors, do not name the household's head: %s", village.raw)
	}
	rates := village.body["rates"].(map[string]any)
	if rates["response_rate"].(float64) != 1 || rates["satisfaction_rate"].(float64) != 1 {
		t.Errorf("rates: %v", rates)
	}
	if after2, _ := e.available(v13, "household"); after2 != after {
		t.Errorf("a revoked entry posted: %d → %d", after, after2)
	}
	// Base points: entries for every household, once per household, item and month, whoever asks
	// and however often; only for this month or the last; scored and noticed like any entry.
	hh := e.householdOf("13800000010")
	sizeBefore, _ := e.available(v10, "household")
	households := e.id(`SELECT COUNT(*) FROM households WHERE village_id = ?`, gc)
	thisMonth := time.Now().In(calendar.Zone())
	for _, period := range []string{"2090-01", thisMonth.AddDate(0, 1, 0).Format("2006-01"), thisMonth.AddDate(0, -2, 0).Format("2006-01")} {
		if r := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/base-points", gc), clerk, map[string]string{"period": period}); r.code() != "base_period_not_allowed" {
			t.Errorf("base points for %s: %d %s", period, r.status, r.raw)
		}
	}
	for i, token := range []string{clerk, clerk, admin} {
		r := must(e.call("POST", fmt.Sprintf("/api/v1/villages/%d/base-points", gc), token, map[string]string{"period": month}), 200)
		if want := map[bool]int64{true: households, false: 0}[i == 0]; num(r.body["registered"]) != want || num(r.body["already_registered"]) != households-want {
			t.Errorf("base run %d: %s, want %d registered of %d households", i, r.raw, want, households)
		}
	}
	if got, _ := e.available(v10, "household"); got != sizeBefore {
		t.Errorf("base points moved before the committee scored them: %d → %d", sizeBefore, got)
	}
	size := e.id(`SELECT size FROM households WHERE id = ?`, hh)

	// A posted entry is corrected only by a reversing entry through the same flow — next month's
	// meeting, since this month's results are approved.
	fix := must(reg(clerk, map[string]any{"reverses_entry_id": reward, "reason": "重复登记，更正"}), 201)
	if fix.body["period"] == month || num(fix.body["points"]) != 20 {
		t.Errorf("correction: %s (want next month's period, 20 points)", fix.raw)
	}
	if r := reg(clerk, map[string]any{"reverses_entry_id": reward, "reason": "again"}); r.code() != "entry_already_corrected" {
		t.Errorf("a second correction: %d %s", r.status, r.raw)
	}
	// Six corrections of one entry at the same moment: exactly one is registered.
	var fixes sync.WaitGroup
	created := make(chan int, 6)
	for i := range 6 {
		fixes.Go(func() {
			created <- e.postAs(clerk, "/api/v1/entries", map[string]any{"reverses_entry_id": penalty, "reason": fmt.Sprintf("更正%d", i)})
		})
	}
	fixes.Wait()
	close(created)
	won := 0
	for s := range created {
		if s == http.StatusCreated {
			won++
		} else if s != http.StatusConflict {
			t.Errorf("a concurrent correction: %d", s)
		}
	}
	if won != 1 {
		t.Errorf("six concurrent corrections registered %d, want 1", won)
	}
	if r := reg(clerk, map[string]any{"reverses_entry_id": honour, "reason": "x"}); r.code() != "entry_not_posted" {
		t.Errorf("correcting a revoked entry: %d %s", r.status, r.raw)
	}
	next := fix.body["period"].(string)
	must(e.call("POST", fmt.Sprintf("/api/v1/villages/%d/meetings", gc), clerk, map[string]any{"month": next, "held_on": time.Now().Format("2006-01-02")}), 201)
	must(decide(committee, num(fix.body["id"]), true), 200)
	must(decide(committee, e.id(`SELECT id FROM point_entries WHERE reverses_entry_id = ?`, penalty), false), 200)
	var baseEntries []int64
	if err := e.app.DB.SelectContext(t.Context(), &baseEntries, `SELECT id FROM point_entries WHERE source = 'base' AND status = 'registered'`); err != nil || int64(len(baseEntries)) != households {
		t.Fatalf("base entries at the meeting: %d, %v", len(baseEntries), err)
	}
	for _, id := range baseEntries {
		// The committee member does not score his own household's base points: the township does.
		token := committee
		if e.id(`SELECT household_id FROM point_entries WHERE id = ?`, id) == e.householdOf("13800000012") {
			token = e.login("13800000014")
		}
		must(decide(token, id, true), 200)
	}
	must(e.approveMonth(gc, next), 200)
	if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE point_entries SET notice_until = ? WHERE status = 'noticed'`, time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	beforeFix, _ := e.available(v13, "household")
	if _, err := e.app.Earning.PostDue(dbtest.SystemCtx()); err != nil {
		t.Fatal(err)
	}
	if afterFix, _ := e.available(v13, "household"); afterFix-beforeFix != 10*e.id(`SELECT size FROM households WHERE id = ?`, gc004)-20 {
		t.Errorf("after the correction and the base points posted: %d → %d, want -20 and the base points", beforeFix, afterFix)
	}
	if got, _ := e.available(v10, "household"); got != sizeBefore+10*size {
		t.Errorf("base points: %d → %d, want +%d once (size %d)", sizeBefore, got, 10*size, size)
	}
	// This month and the next are approved: a new entry goes on to the month after, never stuck.
	late := must(reg(clerk, map[string]any{"rule_item_id": volunteer, "household_id": e.householdOf("13800000014"), "reason": "补登"}), 201)
	if late.body["period"] != earning.NextPeriod(next) {
		t.Errorf("an entry after two approved months went to %v, want %s", late.body["period"], earning.NextPeriod(next))
	}
	dbtest.MustVerify(t, e.app)
}

func TestPointsExpiryKeepsLifetimePoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc := e.village("国茶村")
	clerk, villager := e.login("13800000001"), e.login("13800000010")
	shop := e.shopOf("国茶村")
	e.order(villager, shop, e.goodsNamed(shop, "肥皂"), 1) // 4 points held by a voucher
	today := time.Now().In(calendar.Zone()).Format("01-02")
	if r := e.call("PUT", fmt.Sprintf("/api/v1/villages/%d/expiry-date", gc), villager, map[string]string{"date": today}); r.status != http.StatusForbidden {
		t.Errorf("a villager sets the expiry date: %d", r.status)
	}
	if r := e.call("PUT", fmt.Sprintf("/api/v1/villages/%d/expiry-date", gc), clerk, map[string]string{"date": "13-45"}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("an impossible date: %d", r.status)
	}
	// A day sooner than 30 days ahead is refused: villagers get a month's notice to spend.
	for _, soon := range []time.Time{time.Now(), time.Now().AddDate(0, 0, 29)} {
		d := soon.In(calendar.Zone()).Format("01-02")
		if r := e.call("PUT", fmt.Sprintf("/api/v1/villages/%d/expiry-date", gc), clerk, map[string]string{"date": d}); r.code() != "expiry_notice_too_short" {
			t.Errorf("an expiry day on %s: %d %s", d, r.status, r.raw)
		}
	}
	later := time.Now().AddDate(0, 0, 40).In(calendar.Zone()).Format("01-02")
	if r := e.call("PUT", fmt.Sprintf("/api/v1/villages/%d/expiry-date", gc), clerk, map[string]string{"date": later}); r.status != http.StatusOK {
		t.Fatalf("set expiry date 40 days ahead: %d %s", r.status, r.raw)
	}
	// The day set 40 days ago has come: as if the clock had moved on.
	if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE villages SET expiry_date = ? WHERE id = ?`, today, gc); err != nil {
		t.Fatal(err)
	}
	me := e.call("GET", "/api/v1/me", villager, nil).body["accounts"].([]any)[0].(map[string]any)
	available, earned := num(me["available"]), num(me["earned"])
	if num(me["expiring"]) != available || me["expires_on"] == nil {
		t.Fatalf("the account view does not announce the expiry: %v", me)
	}
	for range 2 { // twice (two instances, or a restart): once a year
		if _, err := e.app.Earning.ExpireDue(dbtest.SystemCtx()); err != nil {
			t.Fatal(err)
		}
	}
	after := e.call("GET", "/api/v1/me", villager, nil).body["accounts"].([]any)[0].(map[string]any)
	if num(after["available"]) != 0 || num(after["held"]) != 4 || num(after["earned"]) != earned {
		t.Fatalf("after expiry: %v (want available 0, the voucher's 4 still held, lifetime %d kept)", after, earned)
	}
	hist := e.call("GET", fmt.Sprintf("/api/v1/accounts/%d/history?limit=1", num(after["id"])), villager, nil)
	line := hist.body["lines"].([]any)[0].(map[string]any)
	if line["kind"] != "expire" || num(line["amount"]) != -available || !strings.Contains(line["reason"].(string), "积分清零") {
		t.Errorf("the expiry is not a visible line of history: %v", line)
	}
	dbtest.MustVerify(t, e.app)
}
