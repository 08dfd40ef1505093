package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"pointsmarket/internal/app"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/mysql"
	"pointsmarket/internal/org"
	"pointsmarket/internal/voucher"
	"pointsmarket/internal/write"
)

// BenchmarkCounterLoad is the load generator: it issues b.N vouchers (not timed), then redeems
// them over HTTP from 32 concurrent counters spread over three service instances, and reports
// redemptions/s with p50 and p99 latency. The vouchers belong to 64 households and are for five
// goods items of one shop (PM_BENCH_HOT=1: one household, one item; PM_BENCH_COUNTERS=n: n counters). Beside it, in the same run, the same number of
// redemptions go straight to the store (the transaction's statements: no HTTP, no Redis, no
// service code). Run: go test -run '^$' -bench CounterLoad -benchtime 3000x ./internal/httpapi/
func BenchmarkCounterLoad(b *testing.B) {
	a := dbtest.New(b, app.Options{})
	if err := a.SeedDemo(b.Context()); err != nil {
		b.Fatal(err)
	}
	var servers []*httptest.Server
	for i := range 3 {
		inst := a
		if i > 0 {
			inst = dbtest.NewWith(b, a.Config, app.Options{})
		}
		h, err := inst.Handler()
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(h)
		b.Cleanup(srv.Close)
		servers = append(servers, srv)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	call := func(srv *httptest.Server, path, token string, body any) (int, map[string]any) {
		buf, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(buf))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	login := func(phone string) string {
		_, body := call(servers[0], "/api/v1/auth/login", "", map[string]string{"phone": phone, "password": "demo-pass-2026"})
		return body["token"].(string)
	}
	villager, keeper := login("13800000010"), login("13800000002")
	var shop, holder, keeperID int64
	db := a.DB
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(db.QueryRow(`SELECT s.id FROM shops s WHERE s.name = '国茶村便民超市'`).Scan(&shop))
	must(db.QueryRow(`SELECT id FROM people WHERE phone = '13800000010'`).Scan(&holder))
	must(db.QueryRow(`SELECT id FROM people WHERE phone = '13800000002'`).Scan(&keeperID))
	var goods []int64
	must(db.Select(&goods, `SELECT id FROM goods WHERE shop_id = ? AND on_shelf AND monthly_limit IS NULL AND stock > 10000 OR
		(shop_id = ? AND name IN ('酱油（500毫升）', '挂面（1公斤）', '肥皂', '毛巾')) ORDER BY id`, shop, shop))
	// A market day: many households, several goods. Or, with PM_BENCH_HOT=1, one household and
	// one goods item: every redemption then queues on the same two rows.
	households := 64
	if os.Getenv("PM_BENCH_HOT") != "" {
		households, goods = 1, goods[:1]
	}
	for _, g := range goods { // enough on the shelf for two runs of b.N
		_, err := mysql.NewCatalogStore(a.DB).MoveStock(dbtest.SystemCtx(), catalog.Movement{GoodsID: g, Delta: int64(2 * b.N), Kind: catalog.StockIn, Reason: "压测进货"})
		must(err)
	}
	var village int64
	must(db.QueryRow(`SELECT village_id FROM shops WHERE id = ?`, shop).Scan(&village))
	v := dbtest.Village{}
	must(db.QueryRow(`SELECT id FROM accounts WHERE kind = 'issuance' AND village_id = ?`, village).Scan(&v.Issuance))
	var accounts []int64
	for i := range households {
		h, err := mysql.NewOrgStore(a.DB, mysql.NewLedgerStore(a.DB)).CreateHousehold(dbtest.SystemCtx(), org.Household{VillageID: village, Number: fmt.Sprintf("LOAD-%03d", i), HeadName: "压测户", Size: 3})
		must(err)
		acct, err := mysql.NewLedgerStore(a.DB).AccountOf(dbtest.SystemCtx(), village, ledger.Household, h.ID)
		must(err)
		v.Grant(b, a, acct.ID, 100_000)
		accounts = append(accounts, acct.ID)
	}
	issue := func(n int) ([]string, []int64) {
		codes, ids := make([]string, n), make([]int64, n)
		var wg sync.WaitGroup
		var next atomic.Int64
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
					vc, err := a.Vouchers.IssueVoucher(dbtest.SystemCtx(), voucher.IssueRequest{AccountID: accounts[i%int64(len(accounts))],
						HolderID: holder, ShopID: shop, Lines: []voucher.Line{{GoodsID: goods[i%int64(len(goods))], Quantity: 1}},
						Nonce: voucher.NewNonce(), Now: time.Now()}, write.Key{})
					if err != nil {
						b.Error(err)
						return
					}
					codes[i], ids[i] = a.Vouchers.Codes.Voucher(vc.ID, vc.Nonce), vc.ID
				}
			}()
		}
		wg.Wait()
		return codes, ids
	}
	codes, _ := issue(b.N)
	_, rawIDs := issue(b.N)
	_ = villager

	counters := 32
	if n, err := strconv.Atoi(os.Getenv("PM_BENCH_COUNTERS")); err == nil && n > 0 {
		counters = n
	}
	run := func(work func(i int) error) (time.Duration, []time.Duration) {
		lat := make([]time.Duration, b.N)
		var next atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for range counters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := next.Add(1) - 1; i < int64(b.N); i = next.Add(1) - 1 {
					t0 := time.Now()
					if err := work(int(i)); err != nil {
						b.Error(err)
						return
					}
					lat[i] = time.Since(t0)
				}
			}()
		}
		wg.Wait()
		return time.Since(start), lat
	}
	b.ResetTimer()
	httpTook, lat := run(func(i int) error {
		if status, body := call(servers[i%3], "/api/v1/counter/redeem", keeper, map[string]string{"code": codes[i]}); status != http.StatusOK {
			return fmt.Errorf("redeem: %d %v", status, body)
		}
		return nil
	})
	b.StopTimer()
	storeTook, _ := run(func(i int) error {
		_, err := a.Vouchers.CaptureVoucher(dbtest.SystemCtx(), voucher.RedeemRequest{VoucherID: rawIDs[i], ShopID: shop, By: keeperID, Now: time.Now()}, write.Key{})
		return err
	})
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/httpTook.Seconds(), "http_redemptions/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(b.N)/storeTook.Seconds(), "store_redemptions/s")
	b.ReportMetric(storeTook.Seconds()/httpTook.Seconds(), "http/store")
}

// BenchmarkQRRender renders voucher QR codes as the qr.png endpoint does.
func BenchmarkQRRender(b *testing.B) {
	code := voucher.NewCodes("bench-secret-0123456789abcdef0123456789").Voucher(123456, voucher.NewNonce())
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := qrcode.Encode(code, qrcode.Medium, 512); err != nil {
				b.Error(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "renders/s")
}
