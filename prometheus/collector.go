// Package alchemyprom exports alchemy's pools to Prometheus: a
// prometheus.Collector with the figures of the OpenTelemetry database
// conventions under the names an OpenTelemetry-to-Prometheus export gives
// them, so one dashboard serves both:
//
//	db_client_connection_count{pool_name,state="idle"|"used"}   gauge
//	db_client_connection_idle_max{pool_name}                    gauge
//	db_client_connection_max{pool_name}                         gauge (absent when unlimited)
//	db_client_connection_pending_requests{pool_name}            gauge
//	db_client_connection_timeouts_total{pool_name}              counter
//	db_client_connection_create_time_seconds{pool_name}         histogram
//	db_client_connection_wait_time_seconds{pool_name}           histogram
//	db_client_connection_use_time_seconds{pool_name}            histogram
//	db_client_operation_duration_seconds{pool_name,error}       histogram
//	alchemy_pool_events_total{pool_name,event}                  counter (opened, closed, recycled, invalidated, checkouts)
//
// It is a module of its own, so that alchemy's go.mod does not depend on
// the Prometheus client:
//
//	col := alchemyprom.NewCollector()
//	prometheus.MustRegister(col)
//	eng, err := alchemy.CreateEngine(url, col.Option("app"))
package alchemyprom

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync"

	"github.com/go-alchemy/alchemy"
	"github.com/prometheus/client_golang/prometheus"
)

// Buckets are the histogram boundaries, in seconds (those the
// OpenTelemetry conventions recommend for db.client durations).
var Buckets = []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10}

// Collector collects the figures of every pool added to it. It is safe
// for concurrent use.
type Collector struct {
	createTime, waitTime, useTime, opDuration *prometheus.HistogramVec

	count, idleMax, maxConns, pending, timeouts, events *prometheus.Desc

	mu    sync.Mutex
	pools map[string]*alchemy.QueuePool // by pool_name; guarded by mu
}

// NewCollector returns a Collector with no pools.
func NewCollector() *Collector {
	hist := func(name, help string, labels ...string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: Buckets},
			append([]string{"pool_name"}, labels...))
	}
	desc := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, append([]string{"pool_name"}, labels...), nil)
	}
	return &Collector{
		createTime: hist("db_client_connection_create_time_seconds", "The time it took to create a new connection."),
		waitTime:   hist("db_client_connection_wait_time_seconds", "The time it took to obtain an open connection from the pool."),
		useTime:    hist("db_client_connection_use_time_seconds", "The time between borrowing a connection and returning it to the pool."),
		opDuration: hist("db_client_operation_duration_seconds", "Duration of database client operations.", "error"),
		count:      desc("db_client_connection_count", "The number of connections that are currently in the state given by the state label.", "state"),
		idleMax:    desc("db_client_connection_idle_max", "The maximum number of idle open connections allowed (pool_size)."),
		maxConns:   desc("db_client_connection_max", "The maximum number of open connections allowed (pool_size + max_overflow)."),
		pending:    desc("db_client_connection_pending_requests", "The number of current pending requests for an open connection."),
		timeouts:   desc("db_client_connection_timeouts_total", "The number of connection timeouts that have occurred trying to obtain a connection from the pool."),
		events:     desc("alchemy_pool_events_total", "Pool events since the pool was made, by kind.", "event"),
		pools:      map[string]*alchemy.QueuePool{},
	}
}

// Option returns the alchemy option that adds the engine's or
// connector's pool under name (the pool_name label) and feeds the
// histograms from its events and statements. Each pool needs its own
// name; a second pool under a name already taken replaces the first in
// the gauges.
func (c *Collector) Option(name string) alchemy.Option {
	create, wait, use := c.createTime.WithLabelValues(name), c.waitTime.WithLabelValues(name), c.useTime.WithLabelValues(name)
	return alchemy.Options(
		alchemy.PoolEvents(func(ev alchemy.PoolEvent) {
			switch ev.Kind {
			case alchemy.EventConnect:
				create.Observe(ev.Duration.Seconds())
			case alchemy.EventCheckout:
				wait.Observe(ev.Duration.Seconds())
			case alchemy.EventCheckin:
				if ev.Duration > 0 {
					use.Observe(ev.Duration.Seconds())
				}
			}
		}),
		alchemy.WithTracer(opTracer{ok: c.opDuration.WithLabelValues(name, "false"), failed: c.opDuration.WithLabelValues(name, "true")}),
		alchemy.Instrument(func(conn *alchemy.Connector) { c.AddPool(name, conn.Pool()) }),
	)
}

// AddPool adds a pool made without [Collector.Option] (its gauges and
// counters only: the histograms need the option's listeners). A closed
// pool is dropped at the next collection.
func (c *Collector) AddPool(name string, p *alchemy.QueuePool) {
	c.mu.Lock()
	c.pools[name] = p
	c.mu.Unlock()
}

// opTracer times statements into db_client_operation_duration_seconds.
type opTracer struct{ ok, failed prometheus.Observer }

func (opTracer) BeforeExecute(ctx context.Context, _ *alchemy.Execution) context.Context { return ctx }

func (t opTracer) AfterExecute(_ context.Context, ex *alchemy.Execution) {
	switch {
	case errors.Is(ex.Err, driver.ErrSkip): // run again prepared, measured then
	case ex.Err != nil:
		t.failed.Observe(ex.Duration.Seconds())
	default:
		t.ok.Observe(ex.Duration.Seconds())
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.count, c.idleMax, c.maxConns, c.pending, c.timeouts, c.events} {
		ch <- d
	}
	for _, h := range []*prometheus.HistogramVec{c.createTime, c.waitTime, c.useTime, c.opDuration} {
		h.Describe(ch)
	}
}

// Collect implements prometheus.Collector: the gauges and counters are
// read from each pool's Stats at scrape time.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	pools := make(map[string]*alchemy.QueuePool, len(c.pools))
	for name, p := range c.pools {
		select {
		case <-p.Done():
			delete(c.pools, name)
		default:
			pools[name] = p
		}
	}
	c.mu.Unlock()
	for name, p := range pools {
		s := p.Stats()
		gauge := func(d *prometheus.Desc, v int, labels ...string) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v), append([]string{name}, labels...)...)
		}
		counter := func(d *prometheus.Desc, v int64, labels ...string) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), append([]string{name}, labels...)...)
		}
		gauge(c.count, s.Idle, "idle")
		gauge(c.count, s.CheckedOut, "used")
		gauge(c.idleMax, s.Size)
		if s.Size > 0 && s.MaxOverflow >= 0 {
			gauge(c.maxConns, s.Size+s.MaxOverflow)
		}
		gauge(c.pending, s.Waiting)
		counter(c.timeouts, s.Timeouts)
		counter(c.events, s.Opens, "opened")
		counter(c.events, s.Closes, "closed")
		counter(c.events, s.Recycles, "recycled")
		counter(c.events, s.Invalidations, "invalidated")
		counter(c.events, s.Checkouts, "checkouts")
	}
	for _, h := range []*prometheus.HistogramVec{c.createTime, c.waitTime, c.useTime, c.opDuration} {
		h.Collect(ch)
	}
}

var _ prometheus.Collector = (*Collector)(nil)
