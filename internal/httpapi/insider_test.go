package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/dbtest"
)

// The insider attacks on roles and people, replayed through the API: each is refused with a
// precise code, and the supervisors find every attempt in the audit log.
func TestNoOfficialActsAloneOnRolesAndPeople(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	clerk, admin, sup := e.login("13800000001"), e.login("13800000000"), e.login("13800000003")
	gc := e.village("国茶村")
	person := func(phone string) int64 { return e.id(`SELECT id FROM people WHERE phone = ?`, phone) }
	clerkID, adminID, supID, puppet := person("13800000001"), person("13800000000"), person("13800000003"), person("13800000013")
	decision := func(m map[string]any) map[string]any {
		m["decided_on"], m["reference"] = "2026-11-20", "葫政〔2026〕20号"
		return m
	}
	attacks := []struct {
		name, token, method, path string
		body                      map[string]any
		status                    int
		code                      string
	}{
		{"the clerk makes himself a party member", clerk, "POST", fmt.Sprintf("/api/v1/people/%d/roles", clerkID), decision(map[string]any{"role": "party_member"}), 403, "self_act_forbidden"},
		{"the clerk makes himself the shopkeeper", clerk, "POST", fmt.Sprintf("/api/v1/people/%d/roles", clerkID), map[string]any{"role": "shopkeeper", "shop_id": e.shopOf("国茶村")}, 403, "self_act_forbidden"},
		{"the clerk appoints a puppet to the branch committee", clerk, "POST", fmt.Sprintf("/api/v1/people/%d/roles", puppet), decision(map[string]any{"role": "branch_committee"}), 403, "forbidden"},
		{"the clerk enrols a puppet as party member", clerk, "POST", fmt.Sprintf("/api/v1/people/%d/roles", puppet), decision(map[string]any{"role": "party_member"}), 403, "forbidden"},
		{"the clerk moves himself into a household", clerk, "PUT", fmt.Sprintf("/api/v1/people/%d", clerkID), map[string]any{"name": "村文书", "phone": "13800000001", "household_id": e.householdOf("13800000010")}, 403, "self_act_forbidden"},
		{"the clerk re-phones the supervisor", clerk, "PUT", fmt.Sprintf("/api/v1/people/%d", supID), map[string]any{"name": "谭监督", "phone": "13999990003"}, 403, "officials_managed_by_township"},
		{"the clerk disables the supervisor", clerk, "PUT", fmt.Sprintf("/api/v1/people/%d", supID), map[string]any{"name": "谭监督", "phone": "13800000003", "disabled": true}, 403, "officials_managed_by_township"},
		{"the clerk disables the township admin", clerk, "PUT", fmt.Sprintf("/api/v1/people/%d", adminID), map[string]any{"name": "乡镇管理员", "phone": "13800000000", "disabled": true}, 403, ""},
		{"the township admin makes the clerk his own village's supervisor", admin, "POST", fmt.Sprintf("/api/v1/people/%d/roles", clerkID), decision(map[string]any{"role": "supervisor", "body": "village_committee"}), 409, "incompatible_roles"},
		{"the township admin makes a supervisor the shopkeeper", admin, "POST", fmt.Sprintf("/api/v1/people/%d/roles", supID), map[string]any{"role": "shopkeeper", "shop_id": e.shopOf("国茶村")}, 409, "incompatible_roles"},
		{"the township admin grants himself a village role", admin, "POST", fmt.Sprintf("/api/v1/people/%d/roles", adminID), map[string]any{"role": "clerk"}, 403, "self_act_forbidden"},
		{"the township admin appoints a party member without a decision", admin, "POST", fmt.Sprintf("/api/v1/people/%d/roles", puppet), map[string]any{"role": "party_member"}, 422, "decision_required"},
	}
	grantsBefore := e.id(`SELECT COUNT(*) FROM role_grants`)
	for _, a := range attacks {
		if r := e.call(a.method, a.path, a.token, a.body); r.status != a.status || a.code != "" && r.code() != a.code {
			t.Errorf("%s: %d %s, want %d %s", a.name, r.status, r.raw, a.status, a.code)
		}
	}
	// Nothing changed: the supervisor still logs in with her phone, nobody holds a new role.
	e.login("13800000003")
	if after := e.id(`SELECT COUNT(*) FROM role_grants`); after != grantsBefore {
		t.Errorf("grants written by the attacks: %d", after-grantsBefore)
	}
	// Every refused attempt is in the audit log the supervisor reads, with who tried it.
	log := e.call("GET", fmt.Sprintf("/api/v1/audit?village_id=%d&action=access.refused&limit=100", gc), sup, nil)
	if log.status != http.StatusOK {
		t.Fatalf("audit log: %d %s", log.status, log.raw)
	}
	refused := 0
	for _, x := range log.body["entries"].([]any) {
		if x.(map[string]any)["action"] == "access.refused" {
			refused++
		}
		if x := x.(map[string]any); num(x["actor_id"]) != 0 && x["actor_name"] == "" {
			t.Errorf("an audit entry whose actor the supervisor cannot name: %v", x)
		}
	}
	if want := 8; refused < want { // the clerk's seven 403s land in 国茶村's log, and the admin's self-grant
		t.Errorf("refusals in 国茶村's audit log: %d, want at least %d: %s", refused, want, log.raw)
	}
	// The township does appoint, with its decision; the appointment alerts the supervisors.
	if r := e.call("POST", fmt.Sprintf("/api/v1/people/%d/roles", puppet), admin, decision(map[string]any{"role": "party_member"})); r.status != http.StatusCreated {
		t.Fatalf("the township appoints a party member: %d %s", r.status, r.raw)
	}
	if rules := e.alertRules(sup, gc); !slices.Contains(rules, "role_change") {
		t.Errorf("alerts after an appointment: %v", rules)
	}
	dbtest.MustVerify(t, e.app) // the attacks left the ledger and the audit log whole
}

// A new household, or a change of size, is shown on the notice and counts for base points only
// from the month after: the clerk's 50-person household earns nothing this month, and a size
// raised today still pays by the old size.
func TestHouseholdSizesGoThroughTheNotice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	clerk := e.login("13800000001")
	gc := e.village("国茶村")
	big := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/households", gc), clerk, map[string]any{"number": "GC-050", "head_name": "王大户", "size": 50})
	if big.status != http.StatusCreated {
		t.Fatalf("create: %d %s", big.status, big.raw)
	}
	grown := e.householdOf("13800000013")
	old := e.id(`SELECT size FROM households WHERE id = ?`, grown)
	h := e.call("GET", fmt.Sprintf("/api/v1/households/%d", grown), clerk, nil).body
	if r := e.call("PUT", fmt.Sprintf("/api/v1/households/%d", grown), clerk, map[string]any{"number": h["number"], "head_name": h["head_name"], "size": old + 6}); r.status != http.StatusOK {
		t.Fatalf("resize: %d %s", r.status, r.raw)
	}
	board := e.call("GET", fmt.Sprintf("/api/v1/public/villages/%d/board", gc), "", nil)
	if !strings.Contains(board.raw, `"household":"GC-050"`) || !strings.Contains(board.raw, "王*户") || strings.Contains(board.raw, "王大户") {
		t.Errorf("the board does not show the new household (masked) under notice: %s", board.raw)
	}
	month := time.Now().In(calendar.Zone()).Format("2006-01")
	run := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/base-points", gc), clerk, map[string]string{"period": month})
	if run.status != http.StatusOK || num(run.body["under_notice"]) != 1 {
		t.Fatalf("base run: %d %s, want the new household under notice", run.status, run.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM point_entries WHERE source = 'base' AND household_id = ?`, num(big.body["id"])); n != 0 {
		t.Errorf("base entries for a household still under notice: %d", n)
	}
	if p := e.id(`SELECT points FROM point_entries WHERE source = 'base' AND household_id = ?`, grown); p != 10*old {
		t.Errorf("base points of the resized household: %d, want %d by its noticed size %d", p, 10*old, old)
	}

	// A villager objects to the 50-person household; the clerk who registered it does not judge the
	// objection, a supervisor does, and upheld withdraws the size for good.
	size := e.id(`SELECT id FROM household_sizes WHERE household_id = ?`, num(big.body["id"]))
	obj := e.call("POST", fmt.Sprintf("/api/v1/household-sizes/%d/objections", size), e.login("13800000010"), map[string]any{"reason": "这户只有三口人"})
	if obj.status != http.StatusCreated {
		t.Fatalf("objection to a household size: %d %s", obj.status, obj.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/household-sizes/%d/objections", size), e.login("13800000110"), map[string]any{"reason": "x"}); r.status != http.StatusForbidden {
		t.Errorf("another village's villager objects: %d", r.status)
	}
	answer := fmt.Sprintf("/api/v1/household-size-objections/%d/answer", num(obj.body["id"]))
	if r := e.call("POST", answer, clerk, map[string]any{"upheld": false, "answer": "属实"}); r.status != http.StatusForbidden {
		t.Errorf("the clerk answers the objection to his own registration: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", answer, e.login("13800000003"), map[string]any{"upheld": true, "answer": "经入户核实为三口人，撤销"}); r.status != http.StatusOK || r.body["status"] != "upheld" {
		t.Fatalf("the supervisor upholds it: %d %s", r.status, r.raw)
	}
	if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE household_sizes SET notice_until = ? WHERE id = ?`, time.Now().AddDate(0, -2, 0), size); err != nil {
		t.Fatal(err)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/base-points", gc), clerk, map[string]string{"period": month}); num(r.body["under_notice"]) != 1 {
		t.Errorf("a withdrawn size counted for base points: %s", r.raw)
	}
	dbtest.MustVerify(t, e.app)
}

// A rule book voted for a day ahead is scheduled: the book in force stays until that day, then the
// new one supersedes it, once, whoever runs the sweeper.
func TestFutureAdoptionIsScheduled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	clerk := e.login("13800000001")
	gc := e.village("国茶村")
	old := e.id(`SELECT id FROM rule_books WHERE village_id = ? AND status = 'adopted'`, gc)
	book := num(e.call("POST", fmt.Sprintf("/api/v1/villages/%d/rule-books", gc), clerk, map[string]string{"title": "2027年细则"}).body["id"])
	e.call("POST", fmt.Sprintf("/api/v1/rule-books/%d/items", book), clerk, map[string]any{"code": "R09", "name": "清理河道", "category": "reward", "points": 15, "applies_to": "household"})
	day := time.Now().AddDate(0, 0, 3).Format("2006-01-02")
	r := e.call("POST", fmt.Sprintf("/api/v1/rule-books/%d/adoption", book), clerk,
		map[string]any{"date": day, "body": "villagers", "members": 160, "attendance": 100, "votes_for": 90, "votes_against": 4})
	if r.status != http.StatusOK || r.body["status"] != "scheduled" {
		t.Fatalf("a vote for a day ahead: %d %s", r.status, r.raw)
	}
	if n, err := e.app.Earning.ActivateScheduled(dbtest.SystemCtx()); err != nil || n != 0 {
		t.Fatalf("activated before its day: %d, %v", n, err)
	}
	if e.id(`SELECT id FROM rule_books WHERE village_id = ? AND status = 'adopted'`, gc) != old {
		t.Fatal("the book in force changed before the scheduled day")
	}
	if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE rule_books SET assembly_date = ? WHERE id = ?`, time.Now().AddDate(0, 0, -1).Format("2006-01-02"), book); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		n, err := e.app.Earning.ActivateScheduled(dbtest.SystemCtx())
		if err != nil || n != map[bool]int{true: 1, false: 0}[i == 0] {
			t.Fatalf("activation %d: %d, %v", i, n, err)
		}
	}
	if got := e.id(`SELECT id FROM rule_books WHERE village_id = ? AND status = 'adopted'`, gc); got != book {
		t.Errorf("book in force after its day: %d, want %d", got, book)
	}
}

// 策由民商: a draft answers the villagers' suggestions its drafters gathered; it is not put to the
// vote while one has no answer.
func TestDraftAnswersTheVillagersSuggestions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	clerk, rep, villager := e.login("13800000001"), e.login("13800000011"), e.login("13800000013")
	gc := e.village("国茶村")
	book := num(e.call("POST", fmt.Sprintf("/api/v1/villages/%d/rule-books", gc), clerk, map[string]string{"title": "2027年细则（征求意见稿）"}).body["id"])
	e.call("POST", fmt.Sprintf("/api/v1/rule-books/%d/items", book), clerk, map[string]any{"code": "R09", "name": "清理河道", "category": "reward", "points": 15, "applies_to": "household"})
	path := fmt.Sprintf("/api/v1/rule-books/%d/suggestions", book)
	if r := e.call("POST", path, villager, map[string]any{"text": "清理河道也应加分", "source": "本人"}); r.status != http.StatusForbidden {
		t.Errorf("a villager records a suggestion himself: %d %s", r.status, r.raw)
	}
	sg := e.call("POST", path, rep, map[string]any{"text": "建议把清理河道列为加分项目", "source": "三组屋场会 村民陈某"})
	if sg.status != http.StatusCreated || num(sg.body["gathered_by"]) != e.id(`SELECT id FROM people WHERE phone = '13800000011'`) {
		t.Fatalf("the representative gathers a suggestion: %d %s", sg.status, sg.raw)
	}
	adopt := map[string]any{"date": "2026-11-20", "body": "villagers", "members": 160, "attendance": 100, "votes_for": 90}
	if r := e.call("POST", fmt.Sprintf("/api/v1/rule-books/%d/adoption", book), clerk, adopt); r.code() != "suggestions_unanswered" {
		t.Errorf("a draft with an unanswered suggestion put to the vote: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/suggestions/%d/answer", num(sg.body["id"])), rep, map[string]any{"answer": "已列入"}); r.status != http.StatusForbidden {
		t.Errorf("the gatherer answers for the drafters: %d", r.status)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/suggestions/%d/answer", num(sg.body["id"])), clerk, map[string]any{"answer": "已列为第R09项，每次15分"}); r.status != http.StatusOK {
		t.Fatalf("answer: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/rule-books/%d/adoption", book), clerk, adopt); r.status != http.StatusOK || r.body["status"] != "adopted" {
		t.Fatalf("adoption after the answers: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", path, villager, nil); r.status != http.StatusOK || !strings.Contains(r.raw, "已列为第R09项") {
		t.Errorf("villagers read the suggestions and their answers: %d %s", r.status, r.raw)
	}
}

// The township may tighten a village's vote rules, never loosen them below the law; the clerk
// sets neither.
func TestVoteRulesAreTheTownships(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	clerk, admin := e.login("13800000001"), e.login("13800000000")
	gc := e.village("国茶村")
	path := fmt.Sprintf("/api/v1/villages/%d/vote-rules", gc)
	if r := e.call("PUT", path, clerk, map[string]any{"majority_pct": 51}); r.status != http.StatusForbidden {
		t.Errorf("the clerk sets the vote rules: %d", r.status)
	}
	if r := e.call("PUT", path, admin, map[string]any{"assembly_quorum_pct": 60}); r.code() != "vote_rules_below_law" {
		t.Errorf("a quorum below two thirds: %d %s", r.status, r.raw)
	}
	if r := e.call("PUT", path, admin, map[string]any{"assembly_quorum_pct": 80, "majority_pct": 67}); r.status != http.StatusOK {
		t.Fatalf("stricter rules: %d %s", r.status, r.raw)
	}
	book := num(e.call("POST", fmt.Sprintf("/api/v1/villages/%d/rule-books", gc), clerk, map[string]string{"title": "细则"}).body["id"])
	e.call("POST", fmt.Sprintf("/api/v1/rule-books/%d/items", book), clerk, map[string]any{"code": "R09", "name": "清理河道", "category": "reward", "points": 15, "applies_to": "household"})
	vote := map[string]any{"date": "2026-11-20", "body": "villagers", "members": 160, "attendance": 100, "votes_for": 60, "votes_against": 40}
	if r := e.call("POST", fmt.Sprintf("/api/v1/rule-books/%d/adoption", book), clerk, vote); r.code() != "assembly_vote_failed" {
		t.Errorf("60%% for under a 67%% majority: %d %s", r.status, r.raw)
	}
	vote["votes_for"], vote["votes_against"] = 70, 30
	if r := e.call("POST", fmt.Sprintf("/api/v1/rule-books/%d/adoption", book), clerk, vote); r.status != http.StatusOK {
		t.Errorf("70%% for: %d %s", r.status, r.raw)
	}
}

// An official acts on his own household no more than on himself: a clerk who lives in a household
// cannot make its other members shopkeepers or re-phone them.
func TestNoOfficialActsOnHisOwnHousehold(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	admin := e.login("13800000000")
	v10 := e.id(`SELECT id FROM people WHERE phone = '13800000010'`)
	hh := e.householdOf("13800000010")
	if r := e.call("POST", fmt.Sprintf("/api/v1/people/%d/roles", v10), admin, map[string]any{"role": "clerk"}); r.status != http.StatusCreated {
		t.Fatalf("the township makes a villager clerk: %d %s", r.status, r.raw)
	}
	clerk := e.login("13800000010")
	kin := e.id(`SELECT id FROM people WHERE household_id = ? AND id <> ? ORDER BY id LIMIT 1`, hh, v10)
	if r := e.call("POST", fmt.Sprintf("/api/v1/people/%d/roles", kin), clerk, map[string]any{"role": "shopkeeper", "shop_id": e.shopOf("国茶村")}); r.code() != "self_act_forbidden" {
		t.Errorf("the clerk makes his kin the shopkeeper: %d %s", r.status, r.raw)
	}
	if r := e.call("PUT", fmt.Sprintf("/api/v1/people/%d", kin), clerk, map[string]any{"name": "亲属", "phone": "13911112222", "household_id": hh}); r.code() != "self_act_forbidden" {
		t.Errorf("the clerk re-phones his kin: %d %s", r.status, r.raw)
	}
	other := e.id(`SELECT id FROM people WHERE phone = '13800000013'`)
	if r := e.call("PUT", fmt.Sprintf("/api/v1/people/%d", other), clerk, map[string]any{"name": "陈永红", "phone": "13800000013", "household_id": hh}); r.code() != "self_act_forbidden" {
		t.Errorf("the clerk moves a villager into his household: %d %s", r.status, r.raw)
	}
}
