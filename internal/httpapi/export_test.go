package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"pointsmarket/internal/app"
)

func (e *env) download(path, token string) (int, []byte) {
	e.t.Helper()
	r := e.call("GET", path, token, nil)
	return r.status, []byte(r.raw)
}

func TestExportsAsExcelAndCSV(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	gc, shop := e.village("国茶村"), e.shopOf("国茶村")
	villager, keeper, clerk, sup := e.login("13800000010"), e.login("13800000002"), e.login("13800000001"), e.login("13800000003")
	for range 3 {
		code := e.order(villager, shop, e.goodsNamed(shop, "肥皂"), 1).body["code"].(string)
		e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": code})
	}
	base := fmt.Sprintf("/api/v1/villages/%d/exports/", gc)
	status, body := e.download(base+"redemptions?format=xlsx", sup)
	if status != http.StatusOK {
		t.Fatalf("xlsx: %d %s", status, body)
	}
	book, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows(book.GetSheetName(0))
	if err != nil || len(rows) != 4 || rows[0][2] != "超市" || rows[1][2] != "国茶村便民超市" || rows[1][3] != "兑换券" || rows[1][4] != "GC-001 张建国" || rows[1][6] != "4" {
		t.Fatalf("xlsx rows: %v %v", rows, err)
	}
	status, body = e.download(base+"ledger?format=csv", clerk)
	if status != http.StatusOK || !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Fatalf("csv: %d", status)
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil || records[0][0] != "编号" || len(records) < 4 {
		t.Fatalf("csv records: %d %v", len(records), err)
	}
	// Kinds and accounts in words, the accounts' ids in columns of their own.
	redeemed := 0
	for _, r := range records[1:] {
		if r[2] == "兑换" {
			redeemed++
			if r[3] != "GC-001 张建国" || r[5] != "兑换结算" || r[4] == "" || r[6] == "" {
				t.Errorf("a redemption's accounts in the ledger export: %v", r)
			}
		}
		if strings.Contains(strings.Join(r, ","), "#") {
			t.Errorf("a ledger line names an account by its code: %v", r)
		}
	}
	if redeemed != 3 {
		t.Errorf("ledger export lists %d redemptions, want 3", redeemed)
	}
	cases := []struct {
		path, token string
		status      int
	}{
		{base + "redemptions", villager, http.StatusForbidden},
		{base + "audit", clerk, http.StatusForbidden},
		{base + "audit?format=csv", sup, http.StatusOK},
		{base + "salaries", sup, http.StatusNotFound},
		{base + "ledger?format=pdf", sup, http.StatusUnprocessableEntity},
		{base + "ledger?from=yesterday", sup, http.StatusBadRequest},
		{fmt.Sprintf("/api/v1/villages/%d/exports/ledger", e.village("尖岩村")), sup, http.StatusForbidden},
	}
	for _, c := range cases {
		if status, body := e.download(c.path, c.token); status != c.status {
			t.Errorf("%s: %d %s, want %d", c.path, status, body[:min(len(body), 200)], c.status)
		}
	}
	if _, body := e.download(base+"audit?format=csv", sup); !strings.Contains(string(body), "counter.redeem") {
		t.Error("the audit export lacks the redemptions")
	}
}

// TestAuditExportReverifies exports 国茶村's audit log as its supervisor does and re-verifies it
// with the README's procedure (scripts/verify-audit-export.py, Python's standard library only);
// an entry edited in the file, or one taken out of it, no longer verifies.
func TestAuditExportReverifies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	shop := e.shopOf("国茶村")
	villager, keeper, sup := e.login("13800000010"), e.login("13800000002"), e.login("13800000003")
	for range 2 {
		code := e.order(villager, shop, e.goodsNamed(shop, "肥皂"), 1).body["code"].(string)
		e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": code})
	}
	status, body := e.download(fmt.Sprintf("/api/v1/villages/%d/exports/audit?format=csv&from=2000-01-01", e.village("国茶村")), sup)
	if status != http.StatusOK {
		t.Fatalf("audit export: %d %s", status, body)
	}
	verify := func(csv []byte) (string, error) {
		path := filepath.Join(t.TempDir(), "audit.csv")
		if err := os.WriteFile(path, csv, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("python3", filepath.Join("..", "..", "scripts", "verify-audit-export.py"), path).CombinedOutput()
		return string(out), err
	}
	if out, err := verify(body); err != nil || !strings.Contains(out, "OK:") {
		t.Fatalf("the export does not re-verify: %v\n%s", err, out)
	}
	edited := bytes.Replace(body, []byte(`""points"":4,`), []byte(`""points"":400,`), 1) // quotes are doubled in CSV
	if bytes.Equal(edited, body) {
		t.Fatal("the export holds no redemption of 4 points to edit")
	}
	if out, err := verify(edited); err == nil || !strings.Contains(out, "content does not match its hash") {
		t.Fatalf("an edited entry still verifies: %v\n%s", err, out)
	}
	second := fmt.Appendf(nil, ",v%d-0,2,", e.village("国茶村")) // lane 0's second entry: its third no longer follows
	var cut [][]byte
	for _, l := range bytes.Split(body, []byte("\n")) {
		if !bytes.Contains(l, second) {
			cut = append(cut, l)
		}
	}
	if out, err := verify(bytes.Join(cut, []byte("\n"))); err == nil || !strings.Contains(out, "entries missing") {
		t.Fatalf("an export with an entry taken out still verifies: %v\n%s", err, out)
	}
}
