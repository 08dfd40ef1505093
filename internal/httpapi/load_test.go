package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	qrcode "github.com/skip2/go-qrcode"

	"pointsmarket/internal/app"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/demo"
	"pointsmarket/internal/mysql"
	"pointsmarket/internal/voucher"
	"pointsmarket/internal/write"
)

// market is a generated county's market day: three service instances on one database, the
// county's 30 shops with their keepers logged in, goods on their shelves and households with
// points, and the service's clock at 10:00 China time (opening hours) today.
type market struct {
	a       *app.App
	trace   *dbtest.Trace
	servers []*httptest.Server
	client  *http.Client
	shops   []*marketShop
}

type marketShop struct {
	id, village, keeper, issuance int64
	token                         string
	goods, accounts, heads        []int64
	phones                        []string // of the heads, in the order of accounts
}

func newMarket(b *testing.B, households, stock int) *market {
	clock, trace := &demo.SimClock{}, dbtest.NewTrace()
	a := dbtest.New(b, app.Options{Clock: clock.Now, SQLDriver: trace.Driver()})
	ctx := dbtest.SystemCtx()
	if err := a.SeedCounty(ctx, clock, demo.CountySize{Villages: 30, Households: households, Months: 1, Workers: 8}, false); err != nil {
		b.Fatal(err)
	}
	today := calendar.DayStart(time.Now())
	clock.Set(today.Add(10 * time.Hour))
	m := &market{a: a, trace: trace, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128}}}
	for i := range 3 {
		inst := a
		if i > 0 {
			inst = dbtest.NewWith(b, a.Config, app.Options{Clock: clock.Now, SQLDriver: trace.Driver()})
		}
		h, err := inst.Handler()
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(h)
		b.Cleanup(srv.Close)
		m.servers = append(m.servers, srv)
	}
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	rows, err := a.DB.Query(`SELECT s.id, s.village_id, g.person_id, ac.id FROM shops s JOIN role_grants g ON g.shop_id = s.id AND g.role = 'shopkeeper'
		JOIN accounts ac ON ac.village_id = s.village_id AND ac.kind = 'issuance'
		JOIN villages v ON v.id = s.village_id JOIN townships t ON t.id = v.township_id WHERE t.name NOT IN ('葫芦镇', '石门镇') ORDER BY s.id`)
	must(err)
	for rows.Next() {
		sh := &marketShop{}
		must(rows.Scan(&sh.id, &sh.village, &sh.keeper, &sh.issuance))
		m.shops = append(m.shops, sh)
	}
	must(rows.Err())
	if len(m.shops) != 30 {
		b.Fatalf("%d generated shops, want 30", len(m.shops))
	}
	for i, sh := range m.shops {
		must(a.DB.Select(&sh.goods, `SELECT id FROM goods WHERE shop_id = ? AND on_shelf AND monthly_limit IS NULL AND points <= 10 ORDER BY id`, sh.id))
		var heads []struct {
			Account int64  `db:"account"`
			Person  int64  `db:"person"`
			Phone   string `db:"phone"`
		}
		must(a.DB.Select(&heads, `SELECT ac.id AS account, p.id AS person, p.phone FROM accounts ac
			JOIN people p ON p.household_id = ac.owner_id AND p.phone IS NOT NULL
			WHERE ac.village_id = ? AND ac.kind = 'household' ORDER BY ac.id`, sh.village))
		for _, h := range heads {
			sh.accounts, sh.heads, sh.phones = append(sh.accounts, h.Account), append(sh.heads, h.Person), append(sh.phones, h.Phone)
		}
		var phone string
		must(a.DB.QueryRow(`SELECT phone FROM people WHERE id = ?`, sh.keeper).Scan(&phone))
		l, err := a.Auth.Login(context.Background(), phone, demo.Password, fmt.Sprintf("10.0.%d.%d", i/200, i%200+1))
		must(err)
		sh.token = l.Token
		v := dbtest.Village{Issuance: sh.issuance}
		for _, acct := range sh.accounts {
			v.Grant(b, a, acct, 100_000)
		}
		for _, g := range sh.goods {
			_, err := mysql.NewCatalogStore(a.DB).MoveStock(ctx, catalog.Movement{GoodsID: g, Delta: int64(stock), Kind: catalog.StockIn, Reason: "压测进货"})
			must(err)
		}
	}
	return m
}

// post sends a JSON POST to one of the instances.
func (m *market) post(b *testing.B, i int, path, token string, body any) (int, map[string]any) {
	buf, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", m.servers[i%len(m.servers)].URL+path, bytes.NewReader(buf))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := m.client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// concurrently runs work(0..n-1) from workers goroutines and returns the time it took and each
// call's latency; the first error fails the benchmark.
func concurrently(b *testing.B, n, workers int, work func(i int) error) (time.Duration, []time.Duration) {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
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

// BenchmarkCounterLoad is the load generator: a market day at the counters of a generated
// county (demo.SeedCounty: 30 villages, each with its shop, and 12 households each, 360 in all),
// in opening hours. It issues b.N vouchers (not timed) spread over the households, each at its
// village's shop, then redeems them over HTTP from 32 concurrent counters (PM_BENCH_COUNTERS)
// spread over three service instances, each counter logged in as the shopkeeper of the voucher's
// shop. Beside it, in the same run: sysbench oltp_write_only with 32 threads on the same MariaDB
// (the raw rate, run before and after ours; "ratio" is ours over their mean), and the same number of redemptions straight through
// the store (the transaction's statements, with no HTTP, Redis or service code). It counts the SQL
// statements (BEGIN and COMMIT included) and Redis commands per redemption, and the process's
// peak memory (all three instances and the counters) and the CPU the process used, and logs where
// one redemption's time goes. PM_BENCH_CPUPROFILE=FILE profiles the redemptions over HTTP.
//
//	go test -run '^$' -bench CounterLoad -benchtime 3000x ./internal/httpapi/   (b.N of 100 or more)
func BenchmarkCounterLoad(b *testing.B) {
	if b.N < 100 { // the framework's first call, to size the run: a market day is at least 100
		return
	}
	m := newMarket(b, 12, 3*b.N+200)
	a, trace, shops, ctx := m.a, m.trace, m.shops, dbtest.SystemCtx()
	// Voucher i is at shop i % 30, for household (i / 30) % n of its village: consecutive
	// redemptions go to different shops and households, as on a market day.
	type ticket struct {
		shop *marketShop
		code string
		id   int64
	}
	issue := func(n int) []ticket {
		out := make([]ticket, n)
		concurrently(b, n, 16, func(i int) error {
			sh := shops[i%len(shops)]
			h := (i / len(shops)) % len(sh.accounts)
			vc, err := a.Vouchers.IssueVoucher(ctx, voucher.IssueRequest{AccountID: sh.accounts[h], HolderID: sh.heads[h], ShopID: sh.id,
				Lines: []voucher.Line{{GoodsID: sh.goods[i%len(sh.goods)], Quantity: 1}}, Nonce: voucher.NewNonce(), Now: a.Now()}, write.Key{})
			if err != nil {
				return err
			}
			out[i] = ticket{shop: sh, code: a.Vouchers.Codes.Voucher(vc.ID, vc.Nonce), id: vc.ID}
			return nil
		})
		return out
	}
	tickets, raw, alone := issue(b.N), issue(b.N), issue(200)
	call := func(i int, path, token string, body any) (int, map[string]any) {
		return m.post(b, i, path, token, body)
	}

	counters := 32
	if n, err := strconv.Atoi(os.Getenv("PM_BENCH_COUNTERS")); err == nil && n > 0 {
		counters = n
	}
	run := func(work func(i int) error) (time.Duration, []time.Duration) {
		return concurrently(b, b.N, counters, work)
	}
	rawRate, haveRaw := sysbenchWrites(b, a.Config.MySQLDSN, 32, 10)
	rdb := goredis.NewClient(&goredis.Options{Addr: dbtest.RedisAddr()})
	defer rdb.Close()
	statements, commands, cpu := trace.Statements(), redisCommands(b, rdb), processCPU()
	dbCPU, redisCPU := serverCPU(b, a, rdb)
	if path := os.Getenv("PM_BENCH_CPUPROFILE"); path != "" { // the redemptions alone, not the set-up
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	httpTook, lat := run(func(i int) error {
		t := tickets[i]
		if status, body := call(i, "/api/v1/counter/redeem", t.shop.token, map[string]string{"code": t.code}); status != http.StatusOK {
			return fmt.Errorf("redeem: %d %v", status, body)
		}
		return nil
	})
	b.StopTimer()
	pprof.StopCPUProfile()
	statements, commands, cpu = trace.Statements()-statements, redisCommands(b, rdb)-commands, processCPU()-cpu
	dbAfter, redisAfter := serverCPU(b, a, rdb)
	dbCPU, redisCPU = dbAfter-dbCPU, redisAfter-redisCPU
	storeTook, _ := run(func(i int) error {
		t := raw[i]
		_, err := a.Vouchers.CaptureVoucher(ctx, voucher.RedeemRequest{VoucherID: t.id, ShopID: t.shop.id, By: t.shop.keeper, Now: a.Now()}, write.Key{})
		return err
	})
	// sysbench again after the load: its rate moves by a fifth from one run to the next on this
	// machine, so the ratio is taken against the mean of the runs before and after ours.
	if after, ok := sysbenchWrites(b, a.Config.MySQLDSN, 32, 10); ok && haveRaw {
		b.Logf("sysbench before %.0f tx/s, after %.0f tx/s", rawRate, after)
		rawRate = (rawRate + after) / 2
	}
	ours := float64(b.N) / httpTook.Seconds()
	b.ReportMetric(ours, "http_redemptions/s")
	reportPercentiles(b, "", lat)
	b.ReportMetric(float64(statements)/float64(b.N), "sql/redemption")
	b.ReportMetric(float64(commands)/float64(b.N), "redis/redemption")
	b.ReportMetric(float64(b.N)/storeTook.Seconds(), "store_redemptions/s")
	b.ReportMetric(peakRSS(), "peak_rss_MB")
	b.ReportMetric(cpu.Seconds()/httpTook.Seconds(), "go_cpu_cores") // the three instances and the counters
	perRedemption := func(d time.Duration) float64 { return ms(d) / float64(b.N) }
	b.ReportMetric(perRedemption(cpu), "go_cpu_ms/redemption")
	b.ReportMetric(perRedemption(dbCPU), "db_cpu_ms/redemption")
	b.ReportMetric(perRedemption(redisCPU), "redis_cpu_ms/redemption")
	if haveRaw {
		b.ReportMetric(rawRate, "sysbench_tx/s")
		b.ReportMetric(ours/rawRate, "ratio")
	}
	// Where one redemption's time goes, on one counter with nothing else running: each SQL
	// statement's time until the server answered, beside the whole request's.
	var whole time.Duration
	stmts := trace.RecordAll(func() {
		for i, t := range alone {
			t0 := time.Now()
			if status, body := call(i, "/api/v1/counter/redeem", t.shop.token, map[string]string{"code": t.code}); status != http.StatusOK {
				b.Fatalf("redeem: %d %v", status, body)
			}
			whole += time.Since(t0)
		}
	})
	b.Log(statementProfile(stmts, len(alone), whole))
}

// statementProfile sums the statements of n requests by their first words: how many a request
// runs and what they cost, against the requests' whole time.
func statementProfile(stmts []dbtest.Statement, n int, whole time.Duration) string {
	type shape struct {
		text  string
		count int
		took  time.Duration
	}
	var order []*shape
	byText := map[string]*shape{}
	var sql time.Duration
	for _, s := range stmts {
		words := strings.Fields(s.SQL)
		text := strings.Join(words[:min(len(words), 4)], " ")
		if strings.HasPrefix(text, "SELECT") {
			if i := slices.Index(words, "FROM"); i >= 0 && i+1 < len(words) {
				text = "SELECT … FROM " + words[i+1]
			}
		}
		sh := byText[text]
		if sh == nil {
			sh = &shape{text: text}
			byText[text] = sh
			order = append(order, sh)
		}
		sh.count++
		sh.took += s.Took
		sql += s.Took
	}
	var b strings.Builder
	fmt.Fprintf(&b, "one counter, %d redemptions: %.2f ms each, of which SQL %.2f ms in %.1f statements\n",
		n, ms(whole)/float64(n), ms(sql)/float64(n), float64(len(stmts))/float64(n))
	for _, sh := range order {
		fmt.Fprintf(&b, "  %5.2f × %-60s %.3f ms\n", float64(sh.count)/float64(n), sh.text, ms(sh.took)/float64(sh.count))
	}
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// redisCommands is the Redis server's count of commands processed.
func redisCommands(b *testing.B, rdb *goredis.Client) int64 {
	b.Helper()
	info, err := rdb.Info(context.Background(), "stats").Result()
	if err != nil {
		b.Fatal(err)
	}
	m := regexp.MustCompile(`total_commands_processed:(\d+)`).FindStringSubmatch(info)
	if m == nil {
		b.Fatalf("no total_commands_processed in INFO stats")
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// processCPU is the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// peakRSS is the process's peak resident memory in MB (VmHWM), 0 where /proc does not say.
func peakRSS() float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(status)
	if m == nil {
		return 0
	}
	kb, _ := strconv.ParseFloat(string(m[1]), 64)
	return kb / 1024
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
