package httpapi_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"pointsmarket/internal/app"
)

// The dashboards set villages side by side for the level above them: the county's staff read the
// county's and each township's, a township's staff only their own; each row's figures are the
// village's (its redemptions, points spent, objections with their rates, the score so far), the
// totals add them up, and the table downloads as Excel.
func TestDashboards(t *testing.T) {
	t.Parallel()
	start, base := time.Now(), time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC) // in the demo's 2026-H2
	e := newEnv(t, app.Options{Clock: func() time.Time { return base.Add(time.Since(start)) }})
	county := e.id(`SELECT id FROM counties WHERE name = '示范县'`)
	hulu, shimen := e.id(`SELECT id FROM townships WHERE name = '葫芦镇'`), e.id(`SELECT id FROM townships WHERE name = '石门镇'`)
	shop := e.shopOf("国茶村")
	villager, keeper := e.login("13800000010"), e.login("13800000002")
	code := e.order(villager, shop, e.goodsNamed(shop, "肥皂"), 2).body["code"].(string)
	redeemed := e.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": code})
	if redeemed.status != http.StatusOK {
		t.Fatalf("redeem: %d %s", redeemed.status, redeemed.raw)
	}
	countyAdmin, huluAdmin := e.login("13800000500"), e.login("13800000000")
	path := fmt.Sprintf("/api/v1/counties/%d/dashboard?from=2026-07&to=2026-12", county)
	d := e.call("GET", path, countyAdmin, nil)
	if d.status != http.StatusOK {
		t.Fatalf("county dashboard: %d %s", d.status, d.raw)
	}
	rows := map[string]map[string]any{}
	var households int64
	for _, v := range d.body["villages"].([]any) {
		row := v.(map[string]any)
		rows[row["name"].(string)] = row
		households += num(row["households"])
	}
	gc := rows["国茶村"]
	if len(rows) != 5 || gc == nil || num(gc["households"]) != 10 || num(gc["redemptions"]) != 1 || num(gc["spent"]) != num(redeemed.body["points"]) {
		t.Fatalf("国茶村's row: %v (of %d villages)", gc, len(rows))
	}
	if gc["score"] != 80.0 || num(gc["rank"]) != 1 || rows["青山村"]["score"] != 75.0 || gc["township"] != "葫芦镇" {
		t.Errorf("scores so far: 国茶村 %v, 青山村 %v", gc, rows["青山村"])
	}
	months := d.body["months"].([]any)
	if len(months) != 6 || months[0].(map[string]any)["month"] != "2026-07" || num(months[5].(map[string]any)["spent"]) != num(redeemed.body["points"]) {
		t.Errorf("months: %v", months)
	}
	totals := d.body["totals"].(map[string]any)
	if num(totals["households"]) != households || num(totals["redemptions"]) != 1 || totals["name"] != "示范县" {
		t.Errorf("totals: %v (households %d)", totals, households)
	}

	township := func(id int64, tok string) reply {
		return e.call("GET", fmt.Sprintf("/api/v1/townships/%d/dashboard", id), tok, nil)
	}
	if r := township(hulu, huluAdmin); r.status != http.StatusOK || len(r.body["villages"].([]any)) != 3 {
		t.Errorf("葫芦镇's admin reads his township: %d %s", r.status, r.raw)
	}
	if r := township(shimen, countyAdmin); r.status != http.StatusOK || len(r.body["villages"].([]any)) != 2 {
		t.Errorf("the county reads 石门镇: %d %s", r.status, r.raw)
	}
	for who, c := range map[string]struct {
		path string
		tok  string
	}{
		"葫芦镇's admin, 石门镇":        {fmt.Sprintf("/api/v1/townships/%d/dashboard", shimen), huluAdmin},
		"葫芦镇's admin, the county": {path, huluAdmin},
		"a clerk, his township":   {fmt.Sprintf("/api/v1/townships/%d/dashboard", hulu), e.login("13800000001")},
		"a village supervisor":    {fmt.Sprintf("/api/v1/townships/%d/dashboard", hulu), e.login("13800000003")},
		"a villager, the county":  {path, villager},
	} {
		if r := e.call("GET", c.path, c.tok, nil); r.status != http.StatusForbidden {
			t.Errorf("%s: %d %s", who, r.status, r.raw)
		}
	}
	for _, q := range []string{"from=2026-12&to=2026-07", "from=2026-13", "to=x", "from=2020-01&to=2026-12"} {
		if r := e.call("GET", fmt.Sprintf("/api/v1/counties/%d/dashboard?%s", county, q), countyAdmin, nil); r.status != http.StatusUnprocessableEntity {
			t.Errorf("months %s: %d %s", q, r.status, r.raw)
		}
	}
	if r := e.call("GET", "/api/v1/counties/999999/dashboard", countyAdmin, nil); r.status != http.StatusNotFound {
		t.Errorf("an unknown county: %d %s", r.status, r.raw)
	}

	status, body := e.download(fmt.Sprintf("/api/v1/counties/%d/dashboard/export?from=2026-07&to=2026-12", county), countyAdmin)
	if status != http.StatusOK {
		t.Fatalf("export: %d %s", status, body)
	}
	book, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sheet, _ := book.GetRows(book.GetSheetName(0))
	if len(sheet) != 7 || sheet[0][1] != "村" || sheet[6][0] != "合计" {
		t.Errorf("the dashboard's sheet: %v", sheet)
	}
	if status, _ := e.download(fmt.Sprintf("/api/v1/townships/%d/dashboard/export", hulu), huluAdmin); status != http.StatusOK {
		t.Errorf("the township's export: %d", status)
	}
	if status, _ := e.download(fmt.Sprintf("/api/v1/counties/%d/dashboard/export", county), huluAdmin); status != http.StatusForbidden {
		t.Errorf("葫芦镇's admin exported the county: %d", status)
	}
}
