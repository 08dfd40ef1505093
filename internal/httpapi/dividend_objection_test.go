package httpapi_test

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/dbtest"
)

// While a dividend is on notice any household of the village may object; a supervisor who
// neither proposed nor adopted it and is not of the objecting household answers; no share is paid
// while an objection is open, and an upheld one withdraws the dividend.
func TestDividendObjections(t *testing.T) {
	t.Parallel()
	var back atomic.Int64
	back.Store(int64(time.Since(time.Now().AddDate(0, -1, 0))))
	e := newEnv(t, app.Options{Clock: func() time.Time { return time.Now().Add(-time.Duration(back.Load())) }})
	gc := e.village("国茶村")
	now := time.Now().In(calendar.Zone())
	month := now.AddDate(0, -1, 0).Format("2006-01")
	e.postBasePoints(gc, month, e.app.Now())
	back.Store(0)
	admin, clerk, committee := e.login("13800000000"), e.login("13800000001"), e.login("13800000012")
	villager, neighbour, supervisor := e.login("13800000010"), e.login("13800000013"), e.login("13800000003")
	assembly := map[string]any{"date": now.Format("2006-01-02"), "body": "villagers", "members": 160, "attendance": 120, "votes_for": 100, "votes_against": 5}
	adopted := func(title string) int64 {
		t.Helper()
		r := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/dividends", gc), clerk, map[string]any{"title": title, "amount_fen": 100_00, "from": month, "to": month})
		if r.status != http.StatusCreated {
			t.Fatalf("propose: %d %s", r.status, r.raw)
		}
		id := int64(num(r.body["id"]))
		if r := e.call("POST", fmt.Sprintf("/api/v1/dividends/%d/adoption", id), committee, assembly); r.status != http.StatusOK {
			t.Fatalf("adopt: %d %s", r.status, r.raw)
		}
		return id
	}
	object := func(token string, id int64, reason string) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/dividends/%d/objections", id), token, map[string]any{"reason": reason})
	}
	answer := func(token string, objection int64, upheld bool) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/dividend-objections/%d/answer", objection), token, map[string]any{"upheld": upheld, "answer": "已核对积分"})
	}
	closeNotice := func(id int64) {
		if _, err := e.app.DB.ExecContext(t.Context(), `UPDATE dividends SET notice_until = ? WHERE id = ?`, time.Now().Add(-time.Minute), id); err != nil {
			t.Fatal(err)
		}
	}
	pay := func(id, household int64) reply {
		return e.call("POST", fmt.Sprintf("/api/v1/dividends/%d/payments", id), clerk,
			map[string]any{"household_id": household, "paid_on": now.Format("2006-01-02"), "reference": "转账-1"})
	}

	first := adopted("第一次分红")
	if r := object(villager, first, "  "); r.code() != "invalid_input" {
		t.Errorf("an empty objection: %d %s", r.status, r.raw)
	}
	if r := object(e.login("13800000110"), first, "不公平"); r.status != http.StatusForbidden {
		t.Errorf("尖岩村's villager objected to 国茶村's dividend: %d %s", r.status, r.raw)
	}
	r := object(villager, first, "我家上月的积分少算了10分")
	if r.status != http.StatusCreated || len(r.body["objections"].([]any)) != 1 {
		t.Fatalf("object: %d %s", r.status, r.raw)
	}
	mine := int64(num(r.body["objections"].([]any)[0].(map[string]any)["id"]))
	if r := object(villager, first, "再说一遍"); r.code() != "dividend_objection_open" {
		t.Errorf("a second open objection of one household: %d %s", r.status, r.raw)
	}
	if r := object(neighbour, first, "邻居家的份额算错了"); r.status != http.StatusCreated {
		t.Fatalf("the neighbour objects: %d %s", r.status, r.raw)
	}
	// Each household sees its own objection, the supervision sees both.
	for token, want := range map[string]int{villager: 1, neighbour: 1, supervisor: 2} {
		if r := e.call("GET", fmt.Sprintf("/api/v1/dividends/%d", first), token, nil); len(r.body["objections"].([]any)) != want {
			t.Errorf("objections seen: %s, want %d", r.raw, want)
		}
	}
	closeNotice(first)
	if r := object(e.login("13800000014"), first, "晚了"); r.code() != "dividend_notice_closed" {
		t.Errorf("an objection after the notice: %d %s", r.status, r.raw)
	}
	household := e.householdOf("13800000010")
	if r := pay(first, household); r.code() != "dividend_objection_open" {
		t.Errorf("paid with objections open: %d %s", r.status, r.raw)
	}
	// Who may not answer: the clerk who proposed it, the committee member who recorded the vote
	// (neither is a supervisor), and a supervisor who lives in the objecting household.
	for who, token := range map[string]string{"the proposer": clerk, "the adopter": committee, "the objector": villager, "the township": admin} {
		if r := answer(token, mine, false); r.status != http.StatusForbidden {
			t.Errorf("%s answered the objection: %d %s", who, r.status, r.raw)
		}
	}
	otherID := e.id(`SELECT id FROM people WHERE phone = '13800000004'`)
	person := e.call("GET", fmt.Sprintf("/api/v1/people/%d", otherID), admin, nil)
	if r := e.call("PUT", fmt.Sprintf("/api/v1/people/%d", otherID), admin, map[string]any{"name": person.body["name"], "phone": "13800000004", "household_id": household}); r.status != http.StatusOK {
		t.Fatalf("the work team's supervisor moves into the objecting household: %d %s", r.status, r.raw)
	}
	other := e.login("13800000004")
	if r := answer(other, mine, false); r.code() != "own_household" {
		t.Errorf("a supervisor answered his own household's objection: %d %s", r.status, r.raw)
	}
	if r := answer(supervisor, mine, false); r.status != http.StatusOK || r.body["status"] != "adopted" {
		t.Fatalf("reject the objection: %d %s", r.status, r.raw)
	}
	if r := answer(supervisor, mine, true); r.code() != "dividend_objection_answered" {
		t.Errorf("answered twice: %d %s", r.status, r.raw)
	}
	neighbours := int64(num(e.call("GET", fmt.Sprintf("/api/v1/dividends/%d", first), neighbour, nil).body["objections"].([]any)[0].(map[string]any)["id"]))
	if r := answer(supervisor, neighbours, false); r.status != http.StatusOK {
		t.Fatalf("reject the neighbour's objection: %d %s", r.status, r.raw)
	}
	if r := pay(first, household); r.status != http.StatusOK {
		t.Errorf("paid once every objection is answered: %d %s", r.status, r.raw)
	}

	// An upheld objection withdraws the dividend: nothing is paid from it.
	second := adopted("第二次分红")
	r = object(neighbour, second, "没有算上我家的光荣分")
	upheld := int64(num(r.body["objections"].([]any)[0].(map[string]any)["id"]))
	if r := answer(supervisor, upheld, true); r.status != http.StatusOK || r.body["status"] != "withdrawn" {
		t.Fatalf("uphold: %d %s", r.status, r.raw)
	}
	closeNotice(second)
	if r := pay(second, household); r.code() != "dividend_wrong_step" {
		t.Errorf("paid from a withdrawn dividend: %d %s", r.status, r.raw)
	}
	if n := e.id(`SELECT COUNT(*) FROM audit_log WHERE object_type = 'dividend' AND object_id = ? AND action IN ('dividend.object', 'dividend.answer', 'dividend.withdraw')`, second); n != 3 {
		t.Errorf("%d audit entries of the objection, its answer and the withdrawal, want 3", n)
	}

	// Whoever holds the database password softens an objection, reverses an answer, and
	// withdraws the first dividend by hand: check names each.
	if _, _, err := e.app.Audit.Checkpoint(dbtest.SystemCtx(), e.app.Now()); err != nil {
		t.Fatal(err)
	}
	dbtest.MustVerify(t, e.app)
	e.handEdited([]string{
		fmt.Sprintf(`UPDATE dividend_objections SET reason = '没问题' WHERE id = %d`, neighbours),
		fmt.Sprintf(`UPDATE dividend_objections SET upheld = 0 WHERE id = %d`, upheld),
		fmt.Sprintf(`UPDATE dividends SET status = 'withdrawn' WHERE id = %d`, first),
	}, fmt.Sprintf("dividend %d: objection %d differs", first, neighbours), fmt.Sprintf("dividend %d: objection %d differs", second, upheld),
		fmt.Sprintf("dividend %d: is withdrawn without", first))
}
