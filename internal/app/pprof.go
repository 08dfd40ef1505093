package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"time"
)

// profiler serves Go's profiles (CPU, heap, goroutines, mutex and block contention) on an address
// of its own, off by default (PM_PPROF_ADDR): a load test profiles `serve` where its time goes
// without exposing the profiles on the API's port.
func profiler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// serveProfiles listens on addr until ctx ends; mutex and block profiles are sampled only then.
func (a *App) serveProfiles(ctx context.Context, addr string) {
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "127.0.0.1" && host != "localhost" && host != "::1" {
		a.Log.Warn("profiles are served on a non-loopback address: keep it off the public network", "addr", addr)
	}
	runtime.SetMutexProfileFraction(10)
	runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	srv := &http.Server{Addr: addr, Handler: profiler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	a.Log.Info("serving profiles", "addr", addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		a.Log.Warn("profiles not served", "addr", addr, "err", err)
	}
}
