package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"pointsmarket/internal/app"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/earning"
)

// BenchmarkPublicBoard reads 国茶村's public board over HTTP from 8 clients, with a notice of 500
// entries: built each time from MySQL (uncached, the board service itself), through the cache, and
// over HTTP as the API serves it (through the cache, JSON included).
//
//	go test -run '^$' -bench PublicBoard -benchtime 2000x ./internal/httpapi/
func BenchmarkPublicBoard(b *testing.B) {
	a := dbtest.New(b, app.Options{})
	if err := a.SeedDemo(b.Context()); err != nil {
		b.Fatal(err)
	}
	var village, item, household, account int64
	if err := a.DB.QueryRowContext(b.Context(), `SELECT v.id, i.id, h.id, ac.id FROM villages v
		JOIN rule_books rb ON rb.village_id = v.id AND rb.status = 'adopted' JOIN rule_items i ON i.rule_book_id = rb.id AND i.category = 'reward'
		JOIN households h ON h.village_id = v.id JOIN accounts ac ON ac.kind = 'household' AND ac.owner_id = h.id
		WHERE v.name = '国茶村' LIMIT 1`).Scan(&village, &item, &household, &account); err != nil {
		b.Fatal(err)
	}
	for i := range 500 {
		if _, err := a.DB.ExecContext(b.Context(), `INSERT INTO point_entries (village_id, rule_item_id, household_id, account_id, points,
			period, reason, evidence, source, status, registered_by, registered_at, notice_from, notice_until)
			VALUES (?, ?, ?, ?, 5, '2026-11', ?, '', 'clerk', ?, 1, NOW(), NOW(), NOW() + INTERVAL 7 DAY)`,
			village, item, household, account, fmt.Sprintf("公示压测 %d", i), earning.Noticed); err != nil {
			b.Fatal(err)
		}
	}
	h, err := a.Handler()
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	url := fmt.Sprintf("%s/api/v1/public/villages/%d/board", srv.URL, village)
	b.Run("uncached", func(b *testing.B) {
		b.SetParallelism(4) // 8 clients on this machine's 2 cores
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := a.Board.Board(b.Context(), village, a.Now()); err != nil {
					b.Error(err)
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "boards/s")
	})
	b.Run("cached", func(b *testing.B) {
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := a.Boards.Board(b.Context(), village, a.Now()); err != nil {
					b.Error(err)
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "boards/s")
	})
	b.Run("api", func(b *testing.B) {
		var failed atomic.Int64
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				resp, err := client.Get(url)
				if err != nil || resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				if resp != nil {
					resp.Body.Close()
				}
			}
		})
		if failed.Load() > 0 {
			b.Fatalf("%d requests failed", failed.Load())
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "boards/s")
	})
}
