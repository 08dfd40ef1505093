package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"pointsmarket/internal/app"
)

// TestEveryRoleIsRefusedAnotherVillage tries each role of 国茶村 (and a villager of 尖岩村) against
// 尖岩村's data, and expects a refusal every time; the same requests by 尖岩村's own clerk succeed.
func TestEveryRoleIsRefusedAnotherVillage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	jy := e.village("尖岩村")
	jyHousehold := e.householdOf("13800000110")
	jyAccount := e.accountOf("13800000110")
	jyPerson := e.id(`SELECT id FROM people WHERE phone = '13800000110'`)
	requests := []struct {
		method, path string
		body         any
	}{
		{"GET", fmt.Sprintf("/api/v1/villages/%d/households", jy), nil},
		{"POST", fmt.Sprintf("/api/v1/villages/%d/households", jy), map[string]any{"number": "JY-900", "head_name": "外人", "size": 2}},
		{"GET", fmt.Sprintf("/api/v1/villages/%d/people", jy), nil},
		{"POST", fmt.Sprintf("/api/v1/villages/%d/people", jy), map[string]any{"name": "外人", "phone": "13912345678"}},
		{"POST", fmt.Sprintf("/api/v1/villages/%d/groups", jy), map[string]any{"name": "外组"}},
		{"GET", fmt.Sprintf("/api/v1/households/%d", jyHousehold), nil},
		{"PUT", fmt.Sprintf("/api/v1/households/%d", jyHousehold), map[string]any{"number": "JY-001", "head_name": "改名", "size": 9}},
		{"GET", fmt.Sprintf("/api/v1/households/%d/people", jyHousehold), nil},
		{"GET", fmt.Sprintf("/api/v1/people/%d", jyPerson), nil},
		{"PUT", fmt.Sprintf("/api/v1/people/%d", jyPerson), map[string]any{"name": "改名", "phone": "13800000110"}},
		{"POST", fmt.Sprintf("/api/v1/people/%d/roles", jyPerson), map[string]any{"role": "group_leader"}},
		{"GET", fmt.Sprintf("/api/v1/accounts/%d", jyAccount), nil},
		{"GET", fmt.Sprintf("/api/v1/accounts/%d/history", jyAccount), nil},
		{"GET", fmt.Sprintf("/api/v1/audit?village_id=%d", jy), nil},
	}
	outsiders := map[string]string{
		"clerk of 国茶村": "13800000001", "shopkeeper of 国茶村": "13800000002", "supervisor of 国茶村": "13800000003",
		"villager of 国茶村": "13800000010", "representative of 国茶村": "13800000011", "clerk of 米塔村": "13800000201",
	}
	for who, phone := range outsiders {
		token := e.login(phone)
		for _, rq := range requests {
			r := e.call(rq.method, rq.path, token, rq.body)
			if r.status != http.StatusForbidden {
				t.Errorf("%s: %s %s = %d %s, want 403", who, rq.method, rq.path, r.status, r.raw)
			}
		}
	}
	// A villager of 尖岩村 sees their own household and account, but not the village's lists.
	villager := e.login("13800000110")
	for _, rq := range requests {
		r := e.call(rq.method, rq.path, villager, rq.body)
		own := rq.method == "GET" && (strings.Contains(rq.path, fmt.Sprintf("/households/%d", jyHousehold)) ||
			strings.Contains(rq.path, fmt.Sprintf("/accounts/%d", jyAccount)) || strings.Contains(rq.path, fmt.Sprintf("/people/%d", jyPerson)))
		if own && r.status != http.StatusOK {
			t.Errorf("villager's own %s = %d %s", rq.path, r.status, r.raw)
		}
		if !own && r.status != http.StatusForbidden {
			t.Errorf("villager: %s %s = %d, want 403", rq.method, rq.path, r.status)
		}
	}
	// 尖岩村's clerk may do all of it (except reading the audit log, which is for supervisors).
	clerk := e.login("13800000101")
	for _, rq := range requests {
		r := e.call(rq.method, rq.path, clerk, rq.body)
		if strings.HasPrefix(rq.path, "/api/v1/audit") {
			if r.status != http.StatusForbidden {
				t.Errorf("clerk reading the audit log: %d", r.status)
			}
			continue
		}
		if r.status >= 300 {
			t.Errorf("尖岩村's clerk: %s %s = %d %s", rq.method, rq.path, r.status, r.raw)
		}
	}
	// The township admin and 尖岩村's supervisor read it; the supervisor cannot change it.
	for _, phone := range []string{"13800000000", "13800000103"} {
		token := e.login(phone)
		for _, path := range []string{fmt.Sprintf("/api/v1/villages/%d/households", jy), fmt.Sprintf("/api/v1/accounts/%d/history", jyAccount), fmt.Sprintf("/api/v1/audit?village_id=%d", jy)} {
			if r := e.call("GET", path, token, nil); r.status != http.StatusOK {
				t.Errorf("%s GET %s = %d %s", phone, path, r.status, r.raw)
			}
		}
	}
	sup := e.login("13800000103")
	if r := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/households", jy), sup, map[string]any{"number": "JY-901", "head_name": "某", "size": 1}); r.status != http.StatusForbidden {
		t.Errorf("supervisor creating a household: %d", r.status)
	}
}

func TestClerkManagesHouseholdsAndPeople(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc := e.village("国茶村")
	clerk := e.login("13800000001")
	base := fmt.Sprintf("/api/v1/villages/%d", gc)
	h := e.call("POST", base+"/households", clerk, map[string]any{"number": "GC-100", "head_name": "新户主", "size": 4, "address": "三组"})
	if h.status != http.StatusCreated {
		t.Fatalf("create household: %d %s", h.status, h.raw)
	}
	hid := num(h.body["id"])
	bad := []struct {
		body any
		want int
	}{
		{map[string]any{"number": "GC-100", "head_name": "重复", "size": 2}, http.StatusConflict},
		{map[string]any{"number": "GC-101", "head_name": "某", "size": 0}, http.StatusUnprocessableEntity},
		{map[string]any{"number": "GC-101", "head_name": "某", "size": 3.5}, http.StatusUnprocessableEntity},
		{map[string]any{"number": "GC-101", "head_name": "某", "size": "three"}, http.StatusUnprocessableEntity},
		{map[string]any{"number": "", "head_name": "某", "size": 2}, http.StatusUnprocessableEntity},
		{map[string]any{"number": "GC-101", "head_name": "某", "size": 2, "group_id": 999999}, http.StatusUnprocessableEntity},
		{`[1,2,3]`, http.StatusUnprocessableEntity},
		{`{"number": "GC-101",`, http.StatusBadRequest},
	}
	for _, b := range bad {
		if r := e.call("POST", base+"/households", clerk, b.body); r.status != b.want {
			t.Errorf("create household %v: %d %s, want %d", b.body, r.status, r.raw, b.want)
		}
	}
	p := e.call("POST", base+"/people", clerk, map[string]any{"name": "新村民", "phone": "13912340000", "household_id": hid, "initial_password": "first-pass-1"})
	if p.status != http.StatusCreated {
		t.Fatalf("create person: %d %s", p.status, p.raw)
	}
	if r := e.call("POST", base+"/people", clerk, map[string]any{"name": "重号", "phone": "13912340000"}); r.status != http.StatusConflict || r.code() != "phone_taken" {
		t.Errorf("taken phone: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", base+"/people", clerk, map[string]any{"name": "坏号", "phone": "12345"}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad phone: %d", r.status)
	}
	jyHousehold := e.householdOf("13800000110")
	if r := e.call("POST", base+"/people", clerk, map[string]any{"name": "串户", "household_id": jyHousehold}); r.status != http.StatusUnprocessableEntity || r.code() != "other_village" {
		t.Errorf("person in another village's household: %d %s", r.status, r.raw)
	}
	// The new villager logs in with the initial password, must change it, and sees the new household's account.
	login := e.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13912340000", "password": "first-pass-1"})
	if login.status != http.StatusOK || login.body["user"].(map[string]any)["must_change_password"] != true {
		t.Fatalf("new villager login: %d %s", login.status, login.raw)
	}
	me := e.call("GET", "/api/v1/me", login.body["token"].(string), nil)
	accounts := me.body["accounts"].([]any)
	if len(accounts) != 1 || num(accounts[0].(map[string]any)["owner_id"]) != hid || num(accounts[0].(map[string]any)["balance"]) != 0 {
		t.Fatalf("new household's account: %s", me.raw)
	}
	up := e.call("PUT", fmt.Sprintf("/api/v1/households/%d", hid), clerk, map[string]any{"number": "GC-100", "head_name": "新户主", "size": 5})
	if up.status != http.StatusOK || num(up.body["size"]) != 5 {
		t.Fatalf("update household: %d %s", up.status, up.raw)
	}
	// Phones: full for the clerk, masked for the supervisor.
	people := func(token string) string {
		return e.call("GET", fmt.Sprintf("/api/v1/households/%d/people", hid), token, nil).raw
	}
	if s := people(clerk); !strings.Contains(s, "13912340000") {
		t.Errorf("clerk sees %s", s)
	}
	if s := people(e.login("13800000003")); strings.Contains(s, "13912340000") || !strings.Contains(s, "139****0000") {
		t.Errorf("supervisor sees %s", s)
	}
	// Every change is in the audit log, with the clerk as actor.
	sup := e.login("13800000003")
	r := e.call("GET", fmt.Sprintf("/api/v1/audit?village_id=%d&object_type=household&object_id=%d", gc, hid), sup, nil)
	entries := r.body["entries"].([]any)
	if len(entries) != 2 {
		t.Fatalf("audit of the household: %s", r.raw)
	}
	newest := entries[0].(map[string]any)
	if newest["action"] != "household.update" || !strings.Contains(newest["actor_role"].(string), "clerk") || !strings.Contains(newest["before"].(string), `"size":4`) {
		t.Errorf("audit entry = %v", newest)
	}
}

func TestBadRequestsGetClearErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	token := e.login("13800000001")
	cases := []struct {
		method, path string
		body         any
		status       int
		code         string
	}{
		{"GET", "/api/v1/nowhere", nil, http.StatusNotFound, "not_found"},
		{"DELETE", "/api/v1/me", nil, http.StatusMethodNotAllowed, "method_not_allowed"},
		{"GET", "/api/v1/households/abc", nil, http.StatusBadRequest, "invalid_id"},
		{"GET", "/api/v1/households/-4", nil, http.StatusBadRequest, "invalid_id"},
		{"GET", "/api/v1/households/99999999", nil, http.StatusNotFound, "not_found"},
		{"GET", "/api/v1/accounts/99999999", nil, http.StatusNotFound, "account_not_found"},
		{"GET", "/api/v1/accounts/1/history?limit=ten", nil, http.StatusBadRequest, "invalid_query"},
		{"GET", "/api/v1/villages/99999999/households", nil, http.StatusNotFound, "not_found"},
		{"POST", "/api/v1/villages/1/groups", `{"name": "` + strings.Repeat("长", 70000) + `"}`, http.StatusRequestEntityTooLarge, "body_too_large"},
		{"POST", "/api/v1/villages/1/groups", ``, http.StatusBadRequest, "invalid_json"},
		{"POST", "/api/v1/villages/1/groups", `{"name": "a"} {"name": "b"}`, http.StatusBadRequest, "invalid_json"},
		{"POST", "/api/v1/people/1/roles", map[string]any{"role": "emperor"}, http.StatusUnprocessableEntity, "invalid_input"},
		{"GET", "/api/v1/audit?from=yesterday", nil, http.StatusBadRequest, "invalid_query"},
	}
	for _, tc := range cases {
		r := e.call(tc.method, tc.path, token, tc.body)
		if r.status != tc.status || r.code() != tc.code {
			t.Errorf("%s %s: %d %s, want %d %s", tc.method, tc.path, r.status, r.code(), tc.status, tc.code)
		}
	}
	if r := e.call("GET", "/api/v1/me", "", nil); r.status != http.StatusUnauthorized {
		t.Errorf("no token: %d", r.status)
	}
}

func TestRolesAreGrantedByTheRightPeople(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	person := e.id(`SELECT id FROM people WHERE phone = '13800000013'`)
	path := fmt.Sprintf("/api/v1/people/%d/roles", person)
	clerk, admin := e.login("13800000001"), e.login("13800000000")
	if r := e.call("POST", path, clerk, map[string]any{"role": "representative"}); r.status != http.StatusCreated {
		t.Fatalf("clerk appoints a representative: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", path, clerk, map[string]any{"role": "supervisor", "body": "representatives"}); r.status != http.StatusForbidden {
		t.Errorf("clerk appoints a supervisor (the watched choosing the watcher): %d", r.status)
	}
	if r := e.call("POST", path, admin, map[string]any{"role": "supervisor"}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("supervisor without a body: %d", r.status)
	}
	if r := e.call("POST", path, admin, map[string]any{"role": "supervisor", "body": "representatives"}); r.status != http.StatusUnprocessableEntity || r.code() != "decision_required" {
		t.Errorf("admin appoints a supervisor without the township's decision: %d %s", r.status, r.raw)
	}
	decision := map[string]any{"role": "supervisor", "body": "representatives", "decided_on": "2026-11-20", "reference": "葫政〔2026〕12号"}
	if r := e.call("POST", path, admin, decision); r.status != http.StatusConflict || r.code() != "supervisor_body_taken" {
		t.Errorf("a second supervisor from the representatives: %d %s", r.status, r.raw)
	}
	decision["township_wide"] = true
	if r := e.call("POST", path, admin, decision); r.status != http.StatusCreated || r.body["reference"] != "葫政〔2026〕12号" {
		t.Errorf("admin appoints a township supervisor: %d %s", r.status, r.raw)
	}
	me := e.call("GET", "/api/v1/me", e.login("13800000013"), nil)
	kinds := []string{}
	for _, a := range me.body["accounts"].([]any) {
		kinds = append(kinds, a.(map[string]any)["kind"].(string))
	}
	if strings.Join(kinds, ",") != "household,representative" {
		t.Errorf("a new representative's accounts: %v", kinds)
	}
	if r := e.call("POST", path+"/revoke", admin, map[string]any{"role": "supervisor", "body": "representatives", "township_wide": true}); r.status != http.StatusOK {
		t.Errorf("revoke: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", path+"/revoke", admin, map[string]any{"role": "supervisor", "body": "representatives", "township_wide": true}); r.status != http.StatusNotFound {
		t.Errorf("revoke twice: %d", r.status)
	}
}
