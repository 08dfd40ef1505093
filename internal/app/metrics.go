package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"pointsmarket/internal/voucher"
)

// counterMetrics implements voucher.Observer with Prometheus counters.
type counterMetrics struct {
	redemptions *prometheus.CounterVec
	locksOff    prometheus.Counter
	batched     prometheus.Histogram
	alone       prometheus.Counter
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
		batched: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "pointsmarket_counter_batch_size",
			Help:    "Redemptions written in one shared transaction by the counter's queue.",
			Buckets: []float64{1, 2, 4, 8, 16, 32},
		}),
		alone: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pointsmarket_counter_alone_total",
			Help: "Redemptions the counter's queue wrote one by one (no other waited, or a check sent them alone).",
		}),
	}
	reg.MustRegister(m.redemptions, m.locksOff, m.batched, m.alone)
	return m
}

func (m *counterMetrics) Redemption(kind voucher.Kind, result string) {
	m.redemptions.WithLabelValues(string(kind), result).Inc()
}

func (m *counterMetrics) LocksOff() { m.locksOff.Inc() }

func (m *counterMetrics) Batch(together, alone int) {
	if together > 0 {
		m.batched.Observe(float64(together))
	}
	m.alone.Add(float64(alone))
}
