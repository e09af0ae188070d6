package node

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the node's Prometheus instruments. The HTTP layer adds its
// own request metrics to the same registry.
type Metrics struct {
	Appended       prometheus.Counter
	Refused        *prometheus.CounterVec
	TreeSize       prometheus.Gauge
	CheckpointTime prometheus.Gauge
	BatchSize      prometheus.Histogram
	BatchSeconds   prometheus.Histogram
}

// NewMetrics creates the instruments and registers them with reg (if not nil).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Appended: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meent_events_appended_total", Help: "Events appended to the log by this process.",
		}),
		Refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "meent_events_refused_total", Help: "Events refused, by error code.",
		}, []string{"code"}),
		TreeSize: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "meent_tree_size", Help: "Number of events in the log (latest checkpoint seen by this process).",
		}),
		CheckpointTime: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "meent_checkpoint_timestamp_seconds", Help: "Unix time of the latest checkpoint this process signed; age = time() - this.",
		}),
		BatchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "meent_append_batch_events", Help: "Events per sequencer transaction.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 7),
		}),
		BatchSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "meent_append_batch_seconds", Help: "Time to validate, hash, sign and commit one batch.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
	}
	if reg != nil {
		reg.MustRegister(m.Appended, m.Refused, m.TreeSize, m.CheckpointTime, m.BatchSize, m.BatchSeconds)
	}
	return m
}
