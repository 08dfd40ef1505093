// Package web serves the storefront: the Vue app built by Vite into dist/app and embedded in the
// binary. A clone that never ran npm still builds and serves a page that says how to build it.
package web

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed all:dist
var dist embed.FS

// file is one built file, kept with its gzip form: assets are immutable, so each is compressed
// once at start-up rather than on every request over a village's weak signal.
type file struct {
	body, gz    []byte
	contentType string
}

// Handler serves the app: hashed assets cached for a year, index.html for every other path (the
// app routes in the browser), or the not-built page.
type Handler struct {
	files map[string]file
	built time.Time
}

// New loads the embedded build.
func New() *Handler {
	h := &Handler{files: map[string]file{}, built: time.Now()}
	app, err := fs.Sub(dist, "dist/app")
	if err != nil {
		return h
	}
	_ = fs.WalkDir(app, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(app, p)
		if err != nil {
			return err
		}
		f := file{body: body, contentType: contentType(p)}
		if compressible(f.contentType) && len(body) > 512 {
			var b bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			f.gz = b.Bytes()
		}
		h.files["/"+p] = f
		return nil
	})
	return h
}

// Built reports whether the storefront was built into the binary.
func (h *Handler) Built() bool { _, ok := h.files["/index.html"]; return ok }

func contentType(p string) string {
	switch path.Ext(p) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".json", ".webmanifest":
		return "application/json"
	case ".png":
		return "image/png"
	case ".woff2":
		return "font/woff2"
	}
	return "application/octet-stream"
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") || strings.Contains(ct, "svg")
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.Built() {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(notBuilt))
		return
	}
	f, ok := h.files[r.URL.Path]
	if ok && strings.HasPrefix(r.URL.Path, "/assets/") {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable") // names carry a content hash
	} else {
		f = h.files["/index.html"]
		if ok {
			f = h.files[r.URL.Path]
		}
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Vary", "Accept-Encoding")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	body := f.body
	if f.gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		body = f.gz
	}
	http.ServeContent(w, r, "", h.built, bytes.NewReader(body))
}

const notBuilt = `<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>积分超市 · storefront not built</title>
<body style="font:18px/1.6 sans-serif;max-width:36em;margin:2em auto;padding:0 1em">
<h1>积分超市</h1>
<p>网页前端尚未构建：请运行 <code>make run</code>。</p>
<p>The storefront is not built into this binary — run <code>make run</code> (or <code>make build</code>),
which builds it with npm and embeds it. The API under <code>/api/v1</code> works without it.</p>
</body></html>`
