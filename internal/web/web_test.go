package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The storefront may or may not be built into this test binary (a fresh clone has not run npm);
// each case asserts what the service must then do.
func TestServesTheAppOrSaysHowToBuildIt(t *testing.T) {
	h := New()
	get := func(path string, gz bool) *http.Response {
		req := httptest.NewRequest("GET", path, nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Result()
	}
	if !h.Built() {
		resp := get("/shop", false)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "make run") {
			t.Fatalf("unbuilt: %d %s", resp.StatusCode, body)
		}
		return
	}
	index := get("/", false)
	body, _ := io.ReadAll(index.Body)
	if index.StatusCode != 200 || !strings.Contains(string(body), `<div id="app">`) || index.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("index: %d %v", index.StatusCode, index.Header)
	}
	deep := get("/vouchers/12", false) // a route of the app, answered by index.html
	deepBody, _ := io.ReadAll(deep.Body)
	if string(deepBody) != string(body) {
		t.Error("an app route is not answered with index.html")
	}
	var asset string
	for p, f := range h.files { // the largest script: files under 512 bytes are served plain
		if strings.HasPrefix(p, "/assets/") && strings.HasSuffix(p, ".js") && (asset == "" || len(f.body) > len(h.files[asset].body)) {
			asset = p
		}
	}
	a := get(asset, true)
	if a.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(a.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("asset %s: %v", asset, a.Header)
	}
	zr, err := gzip.NewReader(a.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != string(h.files[asset].body) {
		t.Error("the gzip form of an asset differs from the asset")
	}
}
