package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"pointsmarket/internal/voucher"
)

// counterMetrics implements voucher.Observer with Prometheus counters.
type counterMetrics struct {
	redemptions *prometheus.CounterVec
	locksOff    prometheus.Counter
}

func newCounterMetrics(reg prometheus.Registerer) *counterMetrics {
	m := &counterMetrics{
		redemptions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pointsmarket_redemptions_total", Help: "Redemption attempts at counters by kind and result (ok or error code).",
		}, []string{"kind", "result"}),
		locksOff: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pointsmarket_locks_off_total",
			Help: "Counter operations that ran without a Redis lock because Redis was unreachable (the database still guarded them).",
		}),
	}
	reg.MustRegister(m.redemptions, m.locksOff)
	return m
}

func (m *counterMetrics) Redemption(kind voucher.Kind, result string) {
	m.redemptions.WithLabelValues(string(kind), result).Inc()
}

func (m *counterMetrics) LocksOff() { m.locksOff.Inc() }
