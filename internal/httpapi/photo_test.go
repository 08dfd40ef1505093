package httpapi_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"pointsmarket/internal/app"
)

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (e *env) upload(path, token, contentType string, body []byte) reply {
	e.t.Helper()
	return e.call("PUT", path, token, string(body), "Content-Type", contentType)
}

func TestGoodsPhotos(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	shop := e.shopOf("国茶村")
	soap := e.goodsNamed(shop, "肥皂")
	keeper := e.login("13800000002")
	path := fmt.Sprintf("/api/v1/goods/%d/photo", soap)

	r := e.upload(path, keeper, "image/png", pngOf(t, 1600, 900))
	if r.status != http.StatusOK || r.body["photo_url"] == nil {
		t.Fatalf("upload: %d %s", r.status, r.raw)
	}
	url := r.body["photo_url"].(string)
	got := e.call("GET", url, "", nil) // public: <img> tags and caches need no login
	if got.status != http.StatusOK || got.header.Get("Content-Type") != "image/jpeg" || !strings.Contains(got.header.Get("Cache-Control"), "immutable") {
		t.Fatalf("photo: %d %v", got.status, got.header)
	}
	img, err := jpeg.Decode(strings.NewReader(got.raw))
	if err != nil || img.Bounds().Dx() != 800 || img.Bounds().Dy() != 450 {
		t.Fatalf("served photo: %v %v, want an 800×450 JPEG", img.Bounds(), err)
	}
	if again := e.call("GET", url, "", nil, "If-None-Match", got.header.Get("ETag")); again.status != http.StatusNotModified {
		t.Errorf("conditional GET: %d", again.status)
	}

	// A browser's multipart form works too.
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("photo", "soap.png")
	fw.Write(pngOf(t, 300, 300))
	mw.Close()
	if r := e.upload(path, keeper, mw.FormDataContentType(), form.Bytes()); r.status != http.StatusOK || r.body["photo_url"] == url {
		t.Errorf("multipart upload: %d %s", r.status, r.raw)
	}

	bad := []struct {
		name        string
		contentType string
		body        []byte
		status      int
	}{
		{"text pretending to be an image", "image/png", []byte("hello, I am not a picture at all"), http.StatusUnprocessableEntity},
		{"too small", "image/png", pngOf(t, 10, 10), http.StatusUnprocessableEntity},
		{"a PNG header then garbage", "image/png", append(pngOf(t, 100, 100)[:40], bytes.Repeat([]byte{1}, 500)...), http.StatusUnprocessableEntity},
		{"50 MB", "image/jpeg", bytes.Repeat([]byte{0xff}, 50<<20), http.StatusRequestEntityTooLarge},
	}
	for _, b := range bad {
		if r := e.upload(path, keeper, b.contentType, b.body); r.status != b.status {
			t.Errorf("%s: %d %s, want %d", b.name, r.status, r.raw, b.status)
		}
	}
	if r := e.upload(fmt.Sprintf("/api/v1/goods/%d/photo", e.goodsNamed(e.shopOf("尖岩村"), "肥皂")), keeper, "image/png", pngOf(t, 100, 100)); r.status != http.StatusForbidden {
		t.Errorf("photo for another shop's goods: %d", r.status)
	}
	if r := e.call("GET", "/api/v1/photos/999999", "", nil); r.status != http.StatusNotFound {
		t.Errorf("unknown photo: %d", r.status)
	}
}
