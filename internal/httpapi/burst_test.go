package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"pointsmarket/internal/demo"
)

// BenchmarkBurst is the first morning after the notice closes: 5,000 households of a generated
// county (30 villages of 167) each order a voucher at their village's shop from their phones over
// HTTP at once (64 at a time, over three instances), then the 30 shops' counters (32 at once)
// redeem them all. Every answer must be a success; it reports how long the orders took (the
// target is under a minute), and the p50 and p99 of both. Run it once:
//
//	go test -run '^$' -bench Burst -benchtime 1x -timeout 30m ./internal/httpapi/
func BenchmarkBurst(b *testing.B) {
	const households, phones, counters = 167, 64, 32
	m := newMarket(b, households, 2*households)
	type order struct {
		shop        *marketShop
		token, code string
	}
	var orders []*order
	for _, sh := range m.shops {
		for _, phone := range sh.phones {
			l, err := m.a.Auth.Login(context.Background(), phone, demo.Password, fmt.Sprintf("10.%d.%d.%d", 1+len(orders)/65000, len(orders)/250%250, len(orders)%250+1))
			if err != nil {
				b.Fatal(err)
			}
			orders = append(orders, &order{shop: sh, token: l.Token})
		}
	}
	n := min(len(orders), 5000)
	orders = orders[:n]
	b.ResetTimer()
	issueTook, issueLat := concurrently(b, n, phones, func(i int) error {
		o := orders[i]
		status, body := m.post(b, i, "/api/v1/vouchers", o.token, map[string]any{"shop_id": o.shop.id,
			"items": []map[string]int64{{"goods_id": o.shop.goods[i%len(o.shop.goods)], "quantity": 1}}})
		if status != http.StatusCreated {
			return fmt.Errorf("order %d: %d %v", i, status, body)
		}
		o.code, _ = body["code"].(string)
		return nil
	})
	redeemTook, redeemLat := concurrently(b, n, counters, func(i int) error {
		o := orders[i]
		if status, body := m.post(b, i, "/api/v1/counter/redeem", o.shop.token, map[string]string{"code": o.code}); status != http.StatusOK {
			return fmt.Errorf("redeem %d: %d %v", i, status, body)
		}
		return nil
	})
	b.StopTimer()
	var redeemed int
	if err := m.a.DB.QueryRow(`SELECT COUNT(*) FROM redemptions r JOIN vouchers v ON v.id = r.voucher_id
		WHERE v.created_at >= ?`, m.a.Now().Add(-time.Hour)).Scan(&redeemed); err != nil {
		b.Fatal(err)
	}
	if redeemed != n {
		b.Fatalf("%d redemptions recorded for %d orders", redeemed, n)
	}
	b.ReportMetric(float64(n), "orders")
	b.ReportMetric(issueTook.Seconds(), "order_s")
	reportPercentiles(b, "order_", issueLat)
	b.ReportMetric(float64(n)/redeemTook.Seconds(), "redemptions/s")
	reportPercentiles(b, "redeem_", redeemLat)
}
