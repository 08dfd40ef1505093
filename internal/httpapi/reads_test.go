package httpapi_test

import (
	"fmt"
	"image"
	_ "image/png"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"pointsmarket/internal/app"
)

// The reads no other test needs, each as its reader meets it (and so checked against the document).
func TestOfficeReads(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	clerk, villager := e.login("13800000001"), e.login("13800000010")
	gc := e.village("国茶村")

	r := e.call("GET", "/api/v1/villages", clerk, nil)
	var names []string
	for _, v := range r.body["villages"].([]any) {
		names = append(names, v.(map[string]any)["name"].(string))
	}
	if r.status != http.StatusOK || !slices.Contains(names, "国茶村") || slices.Contains(names, "尖岩村") {
		t.Errorf("a clerk's villages: %d %v", r.status, names)
	}

	if r := e.call("POST", fmt.Sprintf("/api/v1/villages/%d/groups", gc), clerk, map[string]string{"name": "第九村民小组"}); r.status != http.StatusCreated {
		t.Fatalf("add group: %d %s", r.status, r.raw)
	}
	r = e.call("GET", fmt.Sprintf("/api/v1/villages/%d/groups", gc), villager, nil)
	if r.status != http.StatusOK || !strings.Contains(r.raw, "第九村民小组") {
		t.Errorf("groups: %d %s", r.status, r.raw)
	}

	r = e.call("GET", fmt.Sprintf("/api/v1/villages/%d/rule-books", gc), villager, nil)
	books, _ := r.body["rule_books"].([]any)
	if r.status != http.StatusOK || len(books) == 0 || books[0].(map[string]any)["status"] != "adopted" || len(books[0].(map[string]any)["items"].([]any)) == 0 {
		t.Errorf("rule books: %d %.300s", r.status, r.raw)
	}

	for _, who := range []string{"13800000001", "13800000000", "13800000101"} { // a clerk, the township, another village's clerk
		r := e.call("GET", "/api/v1/counties", e.login(who), nil)
		if cs, _ := r.body["counties"].([]any); r.status != http.StatusOK || len(cs) != 1 || cs[0].(map[string]any)["name"] != "示范县" {
			t.Errorf("%s's counties: %d %s", who, r.status, r.raw)
		}
	}
	if r := e.call("GET", "/api/v1/counties", e.login("13800000013"), nil); r.status != http.StatusForbidden {
		t.Errorf("a villager without a role read the counties: %d %s", r.status, r.raw)
	}

	clerkID := e.id(`SELECT id FROM people WHERE phone = ?`, "13800000001")
	r = e.call("GET", fmt.Sprintf("/api/v1/people/%d/roles", clerkID), clerk, nil)
	if r.status != http.StatusOK || !strings.Contains(r.raw, `"role":"clerk"`) {
		t.Errorf("my roles: %d %s", r.status, r.raw)
	}
}

func TestMemberCodeQRDecodesToTheCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	villager := e.login("13800000010")
	mc := e.call("GET", "/api/v1/member-code", villager, nil)
	code, _ := mc.body["code"].(string)
	r := e.call("GET", mc.body["qr_url"].(string), villager, nil)
	img, _, err := image.Decode(strings.NewReader(r.raw))
	if r.status != http.StatusOK || err != nil {
		t.Fatalf("member-code qr: %d %v", r.status, err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil || code == "" || res.GetText() != code {
		t.Errorf("the QR reads %v (%v), want the member code %q", res, err, code)
	}
	other := e.login("13800000013")
	if r := e.call("GET", mc.body["qr_url"].(string), other, nil); r.status < 400 {
		t.Errorf("another household drew my member code's QR: %d", r.status)
	}
}
