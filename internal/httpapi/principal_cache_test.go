package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/dbtest"
)

// TestRevokedRoleStopsAtOnce: each instance keeps a person's roles for a second, so a revocation
// must still take effect at once where it was made, and on every other instance within that second.
// The shopkeeper counts today's redemptions on both instances (their roles are kept), the clerk
// revokes the role on the first, and the shopkeeper is refused there at once and on the second
// within the second.
func TestRevokedRoleStopsAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	other := serve(t, dbtest.NewWith(t, e.app.Config, app.Options{}))
	keeper, clerk := e.login("13800000002"), e.login("13800000001")
	for _, on := range []*env{e, other} {
		if r := on.call("GET", "/api/v1/counter/today", keeper, nil); r.status != http.StatusOK {
			t.Fatalf("the shopkeeper's counter: %d %s", r.status, r.raw)
		}
	}
	person := e.id(`SELECT id FROM people WHERE phone = '13800000002'`)
	shop := e.id(`SELECT id FROM shops WHERE name = '国茶村便民超市'`)
	if r := e.call("POST", fmt.Sprintf("/api/v1/people/%d/roles/revoke", person), clerk, map[string]any{"role": "shopkeeper", "shop_id": shop}); r.status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/counter/today", keeper, nil); r.status != http.StatusForbidden {
		t.Errorf("on the instance that revoked it, at once: %d, want 403", r.status)
	}
	time.Sleep(dbtest.TestAuth().PrincipalTTL + 100*time.Millisecond)
	if r := other.call("GET", "/api/v1/counter/today", keeper, nil); r.status != http.StatusForbidden {
		t.Errorf("on another instance, after %s: %d, want 403", dbtest.TestAuth().PrincipalTTL, r.status)
	}
}
