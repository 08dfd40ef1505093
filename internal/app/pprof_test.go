package app

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestProfilerServesProfiles(t *testing.T) {
	srv := httptest.NewServer(profiler())
	defer srv.Close()
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/goroutine?debug=1", "/debug/pprof/mutex?debug=1"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	cfg, err := LoadConfig(func(k string) string { return map[string]string{"PM_PPROF_ADDR": "127.0.0.1:6060"}[k] })
	if err != nil || cfg.PprofAddr != "127.0.0.1:6060" {
		t.Errorf("PM_PPROF_ADDR: %q %v", cfg.PprofAddr, err)
	}
	if cfg, _ := LoadConfig(func(string) string { return "" }); cfg.PprofAddr != "" {
		t.Errorf("profiles are on by default: %q", cfg.PprofAddr)
	}
}
