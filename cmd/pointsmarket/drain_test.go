package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestDrainOnSIGTERM stops an instance while clients with kept-alive connections keep asking:
// /readyz turns 503 at once, the instance goes on answering for PM_DRAIN_SECONDS with
// Connection: close, and no request is cut. The clients stand for a load balancer's: they keep
// sending for most of the drain (the balancer has not noticed yet), then go elsewhere; the
// instance then stops by itself and exits 0. (A client still dialling this very instance at the
// instant it closes its port can be reset by the kernel: that is what the drain is for.)
func TestDrainOnSIGTERM(t *testing.T) {
	in := startInstance(t, "PM_DRAIN_SECONDS=2")
	_, body := post(t, in.url("/api/v1/auth/login"), "", map[string]string{"phone": "13800000010", "password": "demo-pass-2026"})
	token, _ := body["token"].(string)
	if token == "" {
		t.Fatalf("login: %v", body)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8, IdleConnTimeout: time.Minute}}
	var served, closing, cut atomic.Int64
	var firstCut atomic.Value
	var signalledAt atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if at := signalledAt.Load(); at != 0 && time.Since(time.Unix(0, at)) > 1500*time.Millisecond {
					return // the balancer has taken the instance out: its clients go elsewhere
				}
				req, _ := http.NewRequest("GET", in.url("/api/v1/me"), nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					cut.Add(1)
					firstCut.CompareAndSwap(nil, fmt.Sprintf("%v at %v after the signal", err, time.Since(time.Unix(0, signalledAt.Load()))))
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch {
				case err != nil:
					cut.Add(1)
					firstCut.CompareAndSwap(nil, fmt.Sprintf("%v at %v after the signal", err, time.Since(time.Unix(0, signalledAt.Load()))))
				case resp.StatusCode != http.StatusOK:
					t.Errorf("GET /me answered %d while draining", resp.StatusCode)
				default:
					served.Add(1)
					if resp.Close {
						closing.Add(1)
					}
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond) // the clients' connections are open and kept alive
	before := served.Load()
	if before == 0 {
		t.Fatal("no request was served before the signal")
	}
	if closing.Load() != 0 {
		t.Errorf("%d answers closed their connection before the signal: keep-alive is off", closing.Load())
	}
	signalled := time.Now()
	signalledAt.Store(signalled.UnixNano())
	if err := in.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for {
		resp, err := http.Get(in.url("/readyz"))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusServiceUnavailable {
				break
			}
		}
		if time.Since(signalled) > time.Second {
			t.Fatal("/readyz still answers 200 a second after SIGTERM")
		}
		time.Sleep(10 * time.Millisecond)
	}
	exited := make(chan error, 1)
	go func() { exited <- in.cmd.Wait() }()
	var err error
	select {
	case err = <-exited:
	case <-time.After(30 * time.Second):
		t.Fatal("the instance did not stop within 30 s of SIGTERM")
	}
	took := time.Since(signalled)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Errorf("the instance exited with %v, want 0:\n%s", err, in.log)
	}
	if took < 2*time.Second {
		t.Errorf("the instance stopped %v after SIGTERM: it did not serve for PM_DRAIN_SECONDS=2", took)
	}
	if closing.Load() == 0 || served.Load() <= before {
		t.Errorf("%d answers while draining, %d with Connection: close", served.Load()-before, closing.Load())
	}
	if cut.Load() != 0 {
		t.Errorf("%d requests were cut (first: %v)", cut.Load(), firstCut.Load())
	}
	var op *net.OpError
	if _, err := http.Get(in.url("/readyz")); !errors.As(err, &op) || op.Op != "dial" {
		t.Errorf("after it stopped the instance's port answers: %v", err)
	}
	t.Logf("%d answers before SIGTERM, %d while draining (%d closing their connection); stopped in %v",
		before, served.Load()-before, closing.Load(), took.Round(time.Millisecond))
}
