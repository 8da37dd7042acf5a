package server

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"chaoslab/internal/api"
)

// metrics are the server's Prometheus series. Children are resolved once
// so the hot path does an atomic add and a histogram observe, no lookups.
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	eventsSent  prometheus.Counter
	eventsDrop  prometheus.Counter
	subscribers prometheus.Gauge
	evalErrors  prometheus.CounterFunc

	ok, fail [api.KindInfo + 1]prometheus.Counter
	lat      [api.KindInfo + 1]prometheus.Observer
}

func newMetrics(server, host string, evalErrors func() float64) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	// The info-metric convention: constant 1, the identity in labels, so
	// that a dashboard (or chaoslab load's report) can name the process
	// behind a scrape address.
	info := prometheus.NewGauge(prometheus.GaugeOpts{Name: "chaoslab_server_info", Help: "The catalog server this process serves (always 1).",
		ConstLabels: prometheus.Labels{"server": server, "host": host}})
	info.Set(1)
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "chaoslab_requests_total", Help: "API requests by kind and outcome.",
	}, []string{"kind", "outcome"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "chaoslab_request_duration_seconds",
		Help:    "Time from a request's decoding to its reply, by kind.",
		Buckets: []float64{1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, .01, .025, .05, .1, .25, .5, 1},
	}, []string{"kind"})
	m.eventsSent = prometheus.NewCounter(prometheus.CounterOpts{Name: "chaoslab_events_sent_total", Help: "Events delivered to subscribers."})
	m.eventsDrop = prometheus.NewCounter(prometheus.CounterOpts{Name: "chaoslab_events_dropped_total", Help: "Events dropped because a subscriber's queue was full."})
	m.subscribers = prometheus.NewGauge(prometheus.GaugeOpts{Name: "chaoslab_subscribers", Help: "Active event subscriptions."})
	m.evalErrors = prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "chaoslab_eval_errors_total", Help: "Formula evaluation errors in the model."}, evalErrors)
	m.reg.MustRegister(info, m.requests, m.latency, m.eventsSent, m.eventsDrop, m.subscribers, m.evalErrors,
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), collectors.NewGoCollector())
	for k := api.KindList; k <= api.KindInfo; k++ {
		m.ok[k] = m.requests.WithLabelValues(k.String(), "ok")
		m.fail[k] = m.requests.WithLabelValues(k.String(), "error")
		m.lat[k] = m.latency.WithLabelValues(k.String())
	}
	return m
}

// observe counts one request of kind k.
func (m *metrics) observe(k api.Kind, failed bool, seconds float64) {
	if k < api.KindList || k > api.KindInfo {
		return
	}
	if failed {
		m.fail[k].Inc()
	} else {
		m.ok[k].Inc()
	}
	m.lat[k].Observe(seconds)
}
