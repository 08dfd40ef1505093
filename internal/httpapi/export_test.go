package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"pointsmarket/internal/app"
)

func (e *env) download(path, token string) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
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
	if err != nil || len(rows) != 4 || rows[0][2] != "超市" || rows[1][2] != "国茶村便民超市" || rows[1][5] != "4" {
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
	redeemed := 0
	for _, r := range records[1:] {
		if r[2] == "redeem" {
			redeemed++
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
