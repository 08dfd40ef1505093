package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"pointsmarket/internal/mysql"
)

func post(t *testing.T, url, token string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil // the process was killed mid-request
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestKillMidRedemption runs the real binary, sends redemptions from eight counters and kills the
// process with SIGKILL while they are in flight: every voucher ends either redeemed (points
// captured, stock moved, redemption recorded) or still issued with its hold, and check passes.
func TestKillMidRedemption(t *testing.T) {
	in := startInstance(t)
	getenv, sink := in.getenv, in.log
	base := in.url("/api/v1")
	dsn := getenv("PM_MYSQL_DSN")
	login := func(phone string) string {
		_, body := post(t, base+"/auth/login", "", map[string]string{"phone": phone, "password": "demo-pass-2026"})
		return body["token"].(string)
	}
	villager, keeper := login("13800000010"), login("13800000002")
	db, err := mysql.Open(dsn, mysql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var shop, soap int64
	if err := db.QueryRow(`SELECT s.id, g.id FROM shops s JOIN goods g ON g.shop_id = s.id JOIN villages v ON v.id = s.village_id
		WHERE v.name = '国茶村' AND g.name = '肥皂'`).Scan(&shop, &soap); err != nil {
		t.Fatal(err)
	}
	var codes []string
	for range 200 {
		status, body := post(t, base+"/vouchers", villager, map[string]any{"shop_id": shop, "items": []map[string]any{{"goods_id": soap, "quantity": 1}}})
		if status != http.StatusCreated {
			t.Fatalf("order: %d %v", status, body)
		}
		codes = append(codes, body["code"].(string))
	}
	var next, ok atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(codes)) {
					return
				}
				if status, _ := post(t, base+"/counter/redeem", keeper, map[string]string{"code": codes[i]}); status == http.StatusOK {
					ok.Add(1)
				} else if status == 0 {
					return
				}
			}
		}()
	}
	for ok.Load() < 30 {
		time.Sleep(2 * time.Millisecond)
	}
	if err := in.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	_, _ = in.cmd.Process.Wait()

	var redeemed, issued, other int
	rows, err := db.Query(`SELECT v.status, h.status, (SELECT COUNT(*) FROM redemptions r WHERE r.voucher_id = v.id)
		FROM vouchers v JOIN holds h ON h.id = v.hold_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var vs, hs string
		var n int
		if err := rows.Scan(&vs, &hs, &n); err != nil {
			t.Fatal(err)
		}
		switch {
		case vs == "redeemed" && hs == "captured" && n == 1:
			redeemed++
		case vs == "issued" && hs == "pending" && n == 0:
			issued++
		default:
			other++
			t.Errorf("voucher %s with hold %s and %d redemptions", vs, hs, n)
		}
	}
	rows.Close()
	if redeemed < int(ok.Load()) || redeemed+issued != len(codes) || other != 0 {
		t.Fatalf("after SIGKILL: %d redeemed (%d answered ok), %d issued, %d inconsistent", redeemed, ok.Load(), issued, other)
	}
	if issued == 0 {
		t.Fatal("the kill came after every redemption: nothing was in flight")
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"check"}, getenv, &out, sink); err != nil {
		t.Fatalf("check after SIGKILL: %v\n%s", err, out.String())
	}
	t.Logf("killed with %d redeemed (%d answered), %d still issued", redeemed, ok.Load(), issued)
}
