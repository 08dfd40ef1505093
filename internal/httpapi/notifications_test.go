package httpapi_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/notify"
)

// gateway is a county's SMS gateway as the webhook sender meets it: it refuses the first post
// (a 502 from its proxy) and accepts the rest, keeping what it was sent.
type gateway struct {
	mu       sync.Mutex
	refused  bool
	received []notify.Message
	ids      []string
	badSig   int
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	defer g.mu.Unlock()
	mac := hmac.New(sha256.New, []byte("gateway-secret"))
	mac.Write(body)
	if r.Header.Get("X-Pointsmarket-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
		g.badSig++
	}
	if !g.refused {
		g.refused = true
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	var m notify.Message
	_ = json.Unmarshal(body, &m)
	g.received, g.ids = append(g.received, m), append(g.ids, r.Header.Get("X-Message-Id"))
}

// Notices arrive in the inbox of those an act concerns — never the actor's, once however often
// the act is retried — and go out through the webhook: retried after a refusal, each message
// accepted once, signed, with no phone number or voucher code in it.
func TestNotifications(t *testing.T) {
	t.Parallel()
	gw := &gateway{}
	hook := httptest.NewServer(gw)
	t.Cleanup(hook.Close)
	var back atomic.Int64 // the service's clock starts a month ago, when last month's points are posted
	back.Store(int64(time.Since(time.Now().AddDate(0, -1, 0))))
	e := newEnv(t, app.Options{Clock: func() time.Time { return time.Now().Add(-time.Duration(back.Load())) },
		Sender: notify.WebhookSender{URL: hook.URL, Secret: "gateway-secret"}})
	gc := e.village("国茶村")
	month := time.Now().In(calendar.Zone()).AddDate(0, -1, 0).Format("2006-01")
	e.postBasePoints(gc, month, e.app.Now())
	back.Store(0)
	villager, clerk, keeper := e.login("13800000010"), e.login("13800000001"), e.login("13800000002")
	inbox := func(token string) reply {
		t.Helper()
		r := e.call("GET", "/api/v1/me/notifications", token, nil)
		if r.status != 200 {
			t.Fatalf("inbox: %d %s", r.status, r.raw)
		}
		return r
	}
	kinds := func(r reply) map[string]int {
		out := map[string]int{}
		for _, n := range r.body["notifications"].([]any) {
			out[n.(map[string]any)["kind"].(string)]++
		}
		return out
	}
	if k := kinds(inbox(villager)); k["points_posted"] == 0 {
		t.Errorf("no notice of the posted base points: %v", k)
	}

	filed := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/requests", gc), villager, map[string]any{"category": "help", "text": "路灯坏了"}, "Idempotency-Key", "n-1")
	e.call("POST", fmt.Sprintf("/api/v1/villages/%d/requests", gc), villager, map[string]any{"category": "help", "text": "路灯坏了"}, "Idempotency-Key", "n-1")
	if k := kinds(inbox(clerk)); k["request_assigned"] != 1 {
		t.Errorf("the clerk's notices of the request filed twice on one key: %v", k)
	}
	if k := kinds(inbox(villager)); k["request_assigned"] != 0 {
		t.Errorf("the villager was told of the request he filed himself: %v", k)
	}
	e.call("POST", fmt.Sprintf("/api/v1/requests/%d/answer", num(filed.body["id"])), clerk, map[string]any{"answer": "明天修", "resolved": true})
	v := e.order(villager, e.shopOf("国茶村"), e.goodsNamed(e.shopOf("国茶村"), "毛巾"), 1)
	e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": v.body["code"].(string)})
	r := inbox(villager)
	if k := kinds(r); k["request_answered"] != 1 || k["voucher_redeemed"] != 1 {
		t.Fatalf("the villager's notices: %v", k)
	}
	if k := kinds(inbox(clerk)); k["request_answered"] != 0 {
		t.Errorf("the clerk was told of his own answer: %v", k)
	}
	phone := regexp.MustCompile(`1[3-9]\d{9}`)
	for _, n := range r.body["notifications"].([]any) {
		n := n.(map[string]any)
		if text := fmt.Sprint(n["title"], n["body"]); phone.MatchString(text) || strings.Contains(text, v.body["code"].(string)) || strings.Contains(text, fmt.Sprint(v.body["short_code"])) {
			t.Errorf("a notice carries a phone number or the voucher's code: %s", text)
		}
	}
	unread := num(r.body["unread"])
	if unread < 3 {
		t.Fatalf("unread %d", unread)
	}

	// Delivery: the gateway refuses the first post; the next sweep after the backoff sends it.
	deliver := func() int {
		n, err := e.app.Notify.Deliver(dbtest.SystemCtx())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	first := deliver()
	var pending int64
	if err := e.app.DB.GetContext(t.Context(), &pending, `SELECT COUNT(*) FROM outbox WHERE status = 'pending'`); err != nil {
		t.Fatal(err)
	}
	back.Store(-int64(2 * time.Minute)) // past the first message's backoff and every claim's lease
	for deliver() > 0 {
	}
	gw.mu.Lock()
	got, ids, bad := len(gw.received), append([]string(nil), gw.ids...), gw.badSig
	gw.mu.Unlock()
	var total int64
	if err := e.app.DB.GetContext(t.Context(), &total, `SELECT COUNT(*) FROM outbox`); err != nil {
		t.Fatal(err)
	}
	if int64(got) != total || pending == 0 || first != int(total)-1 {
		t.Errorf("the gateway accepted %d of %d messages (first sweep sent %d, %d left pending)", got, total, first, pending)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("message %s delivered twice", id)
		}
		seen[id] = true
	}
	if bad != 0 {
		t.Errorf("%d posts without a valid signature", bad)
	}
	if n := deliver(); n != 0 {
		t.Errorf("%d sent again", n)
	}
	for _, n := range inbox(villager).body["notifications"].([]any) {
		if d := n.(map[string]any)["delivery"]; d != "sent" {
			t.Errorf("delivery shown as %v", d)
		}
	}

	// Reading: some, then all; a read request naming nothing is refused.
	one := num(r.body["notifications"].([]any)[0].(map[string]any)["id"])
	if r := e.call("POST", "/api/v1/me/notifications/read", villager, map[string]any{"ids": []int64{one}}); r.status != 200 || num(r.body["unread"]) != unread-1 {
		t.Errorf("read one: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", "/api/v1/me/notifications/read", clerk, map[string]any{"ids": []int64{one}}); r.status != 200 {
		t.Errorf("the clerk marked the villager's notice: %d %s", r.status, r.raw)
	} else if n := num(inbox(villager).body["unread"]); n != unread-1 {
		t.Errorf("someone else's read changed the villager's unread: %d", n)
	}
	if r := e.call("POST", "/api/v1/me/notifications/read", villager, map[string]any{}); r.status != 422 {
		t.Errorf("a read of nothing: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", "/api/v1/me/notifications/read", villager, map[string]any{"all": true}); num(r.body["unread"]) != 0 {
		t.Errorf("read all: %s", r.raw)
	}
	if r := e.call("GET", "/api/v1/me/notifications/unread", villager, nil); r.status != 200 || num(r.body["unread"]) != 0 {
		t.Errorf("unread: %s", r.raw)
	}
}

// A month before a village clears spendable points, and again a week before, each household with
// points is told how many will go and when — once, however often the sweeper runs.
func TestExpiringPointsWarned(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc := e.village("国茶村")
	day := calendar.Local(e.app.Now()).AddDate(0, 0, 30)
	if r := e.call("PUT", fmt.Sprintf("/api/v1/villages/%d/expiry-date", gc), e.login("13800000001"), map[string]any{"date": day.Format("01-02")}); r.status != 200 {
		t.Fatalf("set the expiry day: %d %s", r.status, r.raw)
	}
	for range 2 {
		if n, err := e.app.Earning.WarnExpiring(dbtest.SystemCtx()); err != nil || n == 0 {
			t.Fatalf("warned %d accounts: %v", n, err)
		}
	}
	villager := e.login("13800000010")
	me := e.call("GET", "/api/v1/me", villager, nil)
	var available int64
	for _, a := range me.body["accounts"].([]any) {
		if a := a.(map[string]any); a["kind"] == "household" {
			available = num(a["available"])
		}
	}
	var warned []string
	for _, n := range e.call("GET", "/api/v1/me/notifications", villager, nil).body["notifications"].([]any) {
		if n := n.(map[string]any); n["kind"] == "points_expiring" {
			warned = append(warned, n["body"].(string))
		}
	}
	if want := fmt.Sprintf("%d 分将于 %d月%d日 清零", available, day.Month(), day.Day()); len(warned) != 1 || !strings.HasPrefix(warned[0], want) {
		t.Errorf("warnings %q, want one saying %q", warned, want)
	}
}
