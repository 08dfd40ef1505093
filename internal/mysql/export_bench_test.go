package mysql_test

import (
	"context"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/export"
	"pointsmarket/internal/mysql"
)

// BenchmarkExport100k exports a village's ledger of 100,000 transfers as xlsx and as csv and
// reports the peak heap in use while it runs (sampled every 5 ms): rows stream from MySQL into
// excelize's stream writer, so memory stays bounded whatever the row count.
func BenchmarkExport100k(b *testing.B) {
	a := dbtest.New(b, app.Options{})
	v := dbtest.NewVillage(b, a, "导出村", 1)
	ctx := context.Background()
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("PM_BENCH_ROWS")); err == nil && v > 0 {
		n = v
	}
	// The recursion limit is cte_max_recursion_depth on MySQL 8 and max_recursive_iterations on
	// MariaDB; each refuses the other's name, and the pool may run the INSERT on another connection,
	// so the limit is set on one pinned connection.
	conn, err := a.DB.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	_, _ = conn.ExecContext(ctx, `SET SESSION cte_max_recursion_depth = 10000000`)
	_, _ = conn.ExecContext(ctx, `SET SESSION max_recursive_iterations = 10000000`)
	// Rows written straight into the table: this benchmark measures the export, not the ledger.
	if _, err := conn.ExecContext(ctx, `INSERT INTO transfers (village_id, debit_account_id, credit_account_id, amount, kind, earning,
		reason, created_at) WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)
		SELECT ?, ?, ?, 1 + n % 50, 'earn', 1, CONCAT('导出压测 第', n, '笔'), NOW(6) FROM seq`, n, v.Village.ID, v.Issuance, v.Accounts[0]); err != nil {
		b.Fatal(err)
	}
	svc := export.NewService(export.Deps{Store: mysql.NewExportStore(a.DB), Places: mysql.NewOrgStore(a.DB, mysql.NewLedgerStore(a.DB)), Names: mysql.NewOrgStore(a.DB, mysql.NewLedgerStore(a.DB))})
	f := export.Filter{VillageID: v.Village.ID, From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)}
	for _, format := range []string{"xlsx", "csv"} {
		b.Run(format, func(b *testing.B) {
			var peak atomic.Uint64
			stop := make(chan struct{})
			done := make(chan struct{})
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			go func() {
				defer close(done)
				var m runtime.MemStats
				for {
					select {
					case <-stop:
						return
					case <-time.After(5 * time.Millisecond):
						runtime.ReadMemStats(&m)
						if m.HeapInuse > peak.Load() {
							peak.Store(m.HeapInuse)
						}
					}
				}
			}()
			start := time.Now()
			for range b.N {
				if err := svc.Write(ctx, auth.Principal{Home: auth.Place{VillageID: f.VillageID}}, "ledger", format, f, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			close(stop)
			<-done
			b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "rows/s")
			b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapInuse))/(1<<20), "peak_heap_growth_MB")
		})
	}
}
