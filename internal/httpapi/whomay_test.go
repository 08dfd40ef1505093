package httpapi_test

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/calendar"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's \"Who may do what\" table from TestWhoMayDoWhat")

// The roles of 国茶村's demo people, and the order of the README's columns.
var demoRoles = []struct{ role, phone string }{
	{"villager", "13800000010"}, {"representative", "13800000011"}, {"group leader", "13800000014"},
	{"branch committee", "13800000012"}, {"clerk", "13800000001"}, {"shopkeeper", "13800000002"},
	{"supervisor", "13800000003"}, {"township admin", "13800000000"},
}

// act is one row of the table: what is done, on what, and the roles that may (all others get 403).
type act struct {
	what, place string
	may         []string
	method      string
	path        func(ids map[string]int64) string
	body        func(ids map[string]int64) any
}

// TestWhoMayDoWhat tries every act as every role of one village and expects a 403 exactly from
// those the table does not name; the README's table is this one (-update-readme rewrites it).
func TestWhoMayDoWhat(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc, shop := e.village("国茶村"), e.shopOf("国茶村")
	clerk := e.login("13800000001")
	month := time.Now().In(calendar.Zone()).Format("2006-01")
	e.call("POST", fmt.Sprintf("/api/v1/villages/%d/meetings", gc), clerk, map[string]any{"month": month, "held_on": time.Now().Format("2006-01-02")})
	item := e.id(`SELECT i.id FROM rule_items i JOIN rule_books b ON b.id = i.rule_book_id WHERE b.village_id = ? AND b.status = 'adopted' AND i.code = 'R01'`, gc)
	ids := map[string]int64{"village": gc, "shop": shop, "item": item, "goods": e.goodsNamed(shop, "毛巾"),
		"villager": e.id(`SELECT id FROM people WHERE phone = '13800000013'`), "household": e.householdOf("13800000013"),
		"standard": e.id(`SELECT id FROM exchange_standards WHERE village_id = ? LIMIT 1`, gc)}
	pending := num(e.call("POST", "/api/v1/entries", clerk, map[string]any{"rule_item_id": item, "household_id": e.householdOf("13800000010"), "reason": "清扫村道"}).body["id"])
	var plain struct {
		ID          int64  `db:"id"`
		Name        string `db:"name"`
		HouseholdID int64  `db:"household_id"`
	}
	if err := e.app.DB.GetContext(t.Context(), &plain, `SELECT p.id, p.name, p.household_id FROM people p WHERE p.village_id = ? AND p.household_id IS NOT NULL
		AND p.phone IS NULL AND NOT EXISTS (SELECT 1 FROM role_grants g WHERE g.person_id = p.id) ORDER BY p.id LIMIT 1`, gc); err != nil {
		t.Fatalf("a villager who holds no role: %v", err)
	}
	fixed := func(p string) func(map[string]int64) string { return func(map[string]int64) string { return p } }
	acts := []act{
		{"register points for a household", "its village", []string{"group leader", "clerk", "township admin"}, "POST", fixed("/api/v1/entries"),
			func(ids map[string]int64) any {
				return map[string]any{"rule_item_id": ids["item"], "household_id": ids["household"], "reason": "清扫"}
			}},
		{"decide an entry at the review meeting", "its village; not the registrar's or the entry's household", []string{"branch committee"}, "POST",
			func(map[string]int64) string { return fmt.Sprintf("/api/v1/entries/%d/decision", pending) }, func(map[string]int64) any { return map[string]any{"approve": true} }},
		{"appoint a group leader or representative", "the village; never oneself", []string{"clerk", "township admin"}, "POST",
			func(ids map[string]int64) string { return fmt.Sprintf("/api/v1/people/%d/roles", ids["villager"]) }, func(map[string]int64) any { return map[string]any{"role": "group_leader"} }},
		{"appoint a branch committee or party member", "the township's villages, on a recorded decision", []string{"township admin"}, "POST",
			func(ids map[string]int64) string { return fmt.Sprintf("/api/v1/people/%d/roles", ids["villager"]) },
			func(map[string]int64) any {
				return map[string]any{"role": "party_member", "decided_on": "2026-11-20", "reference": "葫组〔2026〕8号"}
			}},
		{"change a villager's record", "the village; officials only by the township; never oneself", []string{"clerk", "township admin"}, "PUT",
			func(map[string]int64) string { return fmt.Sprintf("/api/v1/people/%d", plain.ID) },
			func(map[string]int64) any {
				return map[string]any{"name": plain.Name, "household_id": plain.HouseholdID}
			}},
		{"unlock a person's login", "the village; never oneself", []string{"clerk", "township admin"}, "POST",
			func(ids map[string]int64) string {
				return fmt.Sprintf("/api/v1/people/%d/login-unlock", ids["villager"])
			}, nil},
		{"propose an exchange standard or checkout ceilings", "the village", []string{"clerk", "township admin"}, "POST",
			func(ids map[string]int64) string {
				return fmt.Sprintf("/api/v1/villages/%d/checkout-ceilings", ids["village"])
			},
			func(map[string]int64) any { return map[string]any{"per_checkout_points": 300, "per_day_points": 600} }},
		{"approve an exchange standard", "the village; never the proposer", []string{"supervisor"}, "POST",
			func(ids map[string]int64) string {
				return fmt.Sprintf("/api/v1/standards/%d/decision", ids["standard"])
			}, func(map[string]int64) any { return map[string]any{"approve": true} }},
		{"redeem a voucher at the counter", "one's own shop", []string{"shopkeeper"}, "POST", fixed("/api/v1/counter/scan"),
			func(map[string]int64) any { return map[string]any{"code": "00000000"} }},
		{"record a fund deposit", "the village", []string{"clerk", "township admin"}, "POST",
			func(ids map[string]int64) string { return fmt.Sprintf("/api/v1/villages/%d/fund", ids["village"]) },
			func(map[string]int64) any { return map[string]any{"amount_fen": 100, "note": "拨付"} }},
		{"tune the alert thresholds", "the village", []string{"supervisor", "township admin"}, "PUT",
			func(ids map[string]int64) string {
				return fmt.Sprintf("/api/v1/villages/%d/alert-thresholds", ids["village"])
			},
			func(map[string]int64) any { return map[string]any{"household_frequency": 6} }},
		{"read the audit log", "the village (township staff: the township)", []string{"supervisor", "township admin"}, "GET",
			func(ids map[string]int64) string { return fmt.Sprintf("/api/v1/audit?village_id=%d", ids["village"]) }, nil},
		{"export the ledger", "the village", []string{"clerk", "supervisor", "township admin"}, "GET",
			func(ids map[string]int64) string {
				return fmt.Sprintf("/api/v1/villages/%d/exports/ledger?format=csv", ids["village"])
			}, nil},
	}
	tokens := map[string]string{}
	for _, r := range demoRoles {
		tokens[r.role] = e.login(r.phone)
	}
	for _, a := range acts {
		for _, r := range demoRoles {
			var body any
			if a.body != nil {
				body = a.body(ids)
			}
			res := e.call(a.method, a.path(ids), tokens[r.role], body)
			allowed := slices.Contains(a.may, r.role)
			if allowed && (res.status == http.StatusForbidden || res.status == http.StatusUnauthorized) {
				t.Errorf("%s as %s: %d %s, want it allowed", a.what, r.role, res.status, res.raw)
			}
			if !allowed && res.status != http.StatusForbidden {
				t.Errorf("%s as %s: %d %s, want 403", a.what, r.role, res.status, res.raw)
			}
		}
	}
	checkReadme(t, renderTable(acts))
}

func renderTable(acts []act) string {
	var b strings.Builder
	b.WriteString("| act | where | ")
	for _, r := range demoRoles {
		b.WriteString(r.role + " | ")
	}
	b.WriteString("\n| --- | --- |" + strings.Repeat(" :-: |", len(demoRoles)) + "\n")
	for _, a := range acts {
		fmt.Fprintf(&b, "| %s | %s | ", a.what, a.place)
		for _, r := range demoRoles {
			if slices.Contains(a.may, r.role) {
				b.WriteString("✓ | ")
			} else {
				b.WriteString("· | ")
			}
		}
		b.WriteString("\n")
	}
	return strings.TrimRight(strings.ReplaceAll(b.String(), " \n", "\n"), "\n") + "\n"
}

const (
	tableBegin = "<!-- who-may-do-what: generated by TestWhoMayDoWhat (go test ./internal/httpapi -run WhoMayDoWhat -update-readme) -->\n"
	tableEnd   = "<!-- end of who-may-do-what -->"
)

func checkReadme(t *testing.T, table string) {
	t.Helper()
	const path = "../../README.md"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	i, j := strings.Index(readme, tableBegin), strings.Index(readme, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no who-may-do-what section (markers %q … %q)", tableBegin, tableEnd)
	}
	current := readme[i+len(tableBegin) : j]
	if current == table {
		return
	}
	if *updateReadme {
		if err := os.WriteFile(path, []byte(readme[:i+len(tableBegin)]+table+readme[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's \"Who may do what\" table differs from the tested one; run go test ./internal/httpapi -run WhoMayDoWhat -update-readme\n%s", table)
}
