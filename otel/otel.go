// Package alchemyotel traces alchemy's statements and measures its pools
// with OpenTelemetry, under the database semantic conventions (semconv
// v1.43): a client span per statement (db.system.name, db.query.text with
// literal values replaced by "?", db.operation.name, db.collection.name
// where the statement names one table, db.namespace, server.address,
// server.port, errors recorded), the db.client.operation.duration
// histogram, and the pool metrics db.client.connection.count (by
// db.client.connection.state idle/used), .idle.max, .max,
// .pending_requests, .timeouts, .create_time, .wait_time and .use_time,
// each with db.client.connection.pool.name.
//
// It is a module of its own, so that alchemy's go.mod does not depend on
// OpenTelemetry:
//
//	eng, err := alchemy.CreateEngine(url, alchemyotel.Option())
//
// With no options it uses the global tracer and meter providers.
package alchemyotel

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"

	"github.com/go-alchemy/alchemy"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// scope is the instrumentation scope name of the tracer and the meter.
const scope = "github.com/go-alchemy/alchemy/otel"

// Metric names, from the semantic conventions for database client metrics.
const (
	MetricOperationDuration = "db.client.operation.duration"
	MetricConnectionCount   = "db.client.connection.count"
	MetricIdleMax           = "db.client.connection.idle.max"
	MetricMax               = "db.client.connection.max"
	MetricPendingRequests   = "db.client.connection.pending_requests"
	MetricTimeouts          = "db.client.connection.timeouts"
	MetricCreateTime        = "db.client.connection.create_time"
	MetricWaitTime          = "db.client.connection.wait_time"
	MetricUseTime           = "db.client.connection.use_time"
	attrPoolName            = "db.client.connection.pool.name"
	attrConnectionState     = "db.client.connection.state"
	connectionStateIdle     = "idle"
	connectionStateUsed     = "used"
)

// durationBuckets are the explicit boundaries the conventions recommend
// for db.client.* durations.
var durationBuckets = []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10}

// Setting configures [Option].
type Setting func(*config)

type config struct {
	tp       trace.TracerProvider
	mp       metric.MeterProvider
	poolName string
}

// WithTracerProvider sets the tracer provider (default: otel.GetTracerProvider()).
func WithTracerProvider(tp trace.TracerProvider) Setting {
	return func(c *config) { c.tp = tp }
}

// WithMeterProvider sets the meter provider (default: otel.GetMeterProvider()).
func WithMeterProvider(mp metric.MeterProvider) Setting {
	return func(c *config) { c.mp = mp }
}

// WithPoolName sets db.client.connection.pool.name (default: the URL
// with the password masked and without its query).
func WithPoolName(name string) Setting {
	return func(c *config) { c.poolName = name }
}

// Option returns the alchemy option that instruments one engine or
// connector. Each connector built with it gets its own instruments'
// callbacks; the instruments themselves are shared through the meter.
func Option(settings ...Setting) alchemy.Option {
	cfg := config{}
	for _, s := range settings {
		s(&cfg)
	}
	if cfg.tp == nil {
		cfg.tp = otel.GetTracerProvider()
	}
	if cfg.mp == nil {
		cfg.mp = otel.GetMeterProvider()
	}
	in := &instrumented{cfg: cfg}
	in.tracer = cfg.tp.Tracer(scope)
	if err := in.makeInstruments(cfg.mp.Meter(scope)); err != nil {
		otel.Handle(fmt.Errorf("alchemyotel: instruments: %w", err))
	}
	return func() alchemy.Option {
		pc := &poolCtx{}
		return alchemy.Options(
			alchemy.WithTracer(in),
			alchemy.PoolEvents(func(ev alchemy.PoolEvent) { in.poolEvent(pc, ev) }),
			alchemy.Instrument(func(c *alchemy.Connector) { in.register(pc, c) }),
		)
	}()
}

// instrumented is the Tracer, and holds the instruments.
type instrumented struct {
	cfg    config
	tracer trace.Tracer

	opDuration metric.Float64Histogram
	createTime metric.Float64Histogram
	waitTime   metric.Float64Histogram
	useTime    metric.Float64Histogram
	meter      metric.Meter

	// attrs caches each connector's span attributes.
	attrs sync.Map // *alchemy.Connector -> *connAttrs
}

// poolCtx is one connector's pool, as the pool listener knows it.
type poolCtx struct {
	mu   sync.Mutex
	attr metric.MeasurementOption // db.client.connection.pool.name
}

type connAttrs struct {
	common []attribute.KeyValue // db.system.name, db.namespace, server.*
}

func (in *instrumented) makeInstruments(m metric.Meter) error {
	in.meter = m
	var errs []error
	hist := func(name, desc string) metric.Float64Histogram {
		h, err := m.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc),
			metric.WithExplicitBucketBoundaries(durationBuckets...))
		errs = append(errs, err)
		return h
	}
	in.opDuration = hist(MetricOperationDuration, "Duration of database client operations.")
	in.createTime = hist(MetricCreateTime, "The time it took to create a new connection.")
	in.waitTime = hist(MetricWaitTime, "The time it took to obtain an open connection from the pool.")
	in.useTime = hist(MetricUseTime, "The time between borrowing a connection and returning it to the pool.")
	return errors.Join(errs...)
}

func (in *instrumented) connAttrs(c *alchemy.Connector) *connAttrs {
	if v, ok := in.attrs.Load(c); ok {
		return v.(*connAttrs)
	}
	u := c.URL()
	ca := &connAttrs{common: []attribute.KeyValue{systemName(c.Dialect().Name)}}
	if u.Database != "" {
		ca.common = append(ca.common, semconv.DBNamespace(u.Database))
	}
	if u.Host != "" {
		ca.common = append(ca.common, semconv.ServerAddress(u.Host))
	}
	if u.Port != 0 {
		ca.common = append(ca.common, semconv.ServerPort(u.Port))
	}
	v, _ := in.attrs.LoadOrStore(c, ca)
	return v.(*connAttrs)
}

func systemName(dialect string) attribute.KeyValue {
	switch dialect {
	case "postgresql":
		return semconv.DBSystemNamePostgreSQL
	case "mysql":
		return semconv.DBSystemNameMySQL
	case "sqlite":
		return semconv.DBSystemNameSQLite
	}
	return semconv.DBSystemNameKey.String(dialect)
}

// BeforeExecute only notes nothing: the span is made in AfterExecute,
// with the statement's start time, so that an execution the driver
// declines (driver.ErrSkip, then run again prepared) leaves no span.
func (in *instrumented) BeforeExecute(ctx context.Context, ex *alchemy.Execution) context.Context {
	return ctx
}

// AfterExecute records the statement's span and duration.
func (in *instrumented) AfterExecute(ctx context.Context, ex *alchemy.Execution) {
	if errors.Is(ex.Err, driver.ErrSkip) {
		return
	}
	ca := in.connAttrs(ex.Connector)
	op, coll := Summarize(ex.Query)
	attrs := make([]attribute.KeyValue, 0, len(ca.common)+4)
	attrs = append(attrs, ca.common...)
	if op != "" {
		attrs = append(attrs, semconv.DBOperationName(op))
	}
	if coll != "" {
		attrs = append(attrs, semconv.DBCollectionName(coll))
	}
	metricAttrs := attrs
	if ex.Err != nil {
		metricAttrs = append(metricAttrs[:len(metricAttrs):len(metricAttrs)], semconv.ErrorType(ex.Err))
	}
	in.opDuration.Record(ctx, ex.Duration.Seconds(), metric.WithAttributes(metricAttrs...))

	name := op
	if coll != "" {
		name += " " + coll
	}
	if name == "" {
		name = ex.Connector.Dialect().Name
	}
	_, span := in.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithTimestamp(ex.Start),
		trace.WithAttributes(attrs...), trace.WithAttributes(semconv.DBQueryText(Sanitize(alchemy.RedactSQL(ex.Query)))))
	if ex.RowsAffected >= 0 {
		span.SetAttributes(attribute.Int64("db.response.affected_rows", ex.RowsAffected))
	}
	if ex.Err != nil {
		span.RecordError(ex.Err)
		span.SetStatus(codes.Error, ex.Err.Error())
		span.SetAttributes(semconv.ErrorType(ex.Err))
	}
	span.End(trace.WithTimestamp(ex.Start.Add(ex.Duration)))
}

// TxEvent records BEGIN, COMMIT and ROLLBACK as spans of their own.
func (in *instrumented) TxEvent(ctx context.Context, ev alchemy.TxEvent) {
	ca := in.connAttrs(ev.Connector)
	attrs := append(append([]attribute.KeyValue(nil), ca.common...), semconv.DBOperationName(ev.Kind.String()))
	_, span := in.tracer.Start(ctx, ev.Kind.String(), trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(ev.Start), trace.WithAttributes(attrs...))
	if ev.Err != nil {
		span.RecordError(ev.Err)
		span.SetStatus(codes.Error, ev.Err.Error())
	}
	span.End(trace.WithTimestamp(ev.Start.Add(ev.Duration)))
}

func (in *instrumented) poolEvent(pc *poolCtx, ev alchemy.PoolEvent) {
	pc.mu.Lock()
	attr := pc.attr
	pc.mu.Unlock()
	if attr == nil {
		return
	}
	ctx := context.Background()
	switch ev.Kind {
	case alchemy.EventConnect:
		in.createTime.Record(ctx, ev.Duration.Seconds(), attr)
	case alchemy.EventCheckout:
		in.waitTime.Record(ctx, ev.Duration.Seconds(), attr)
	case alchemy.EventCheckin:
		if ev.Duration > 0 {
			in.useTime.Record(ctx, ev.Duration.Seconds(), attr)
		}
	}
}

// register starts observing c's pool: the gauges are read from
// QueuePool.Stats at each collection.
func (in *instrumented) register(pc *poolCtx, c *alchemy.Connector) {
	name := in.cfg.poolName
	if name == "" {
		u := c.URL()
		u.Query = nil
		name = u.String()
	}
	poolAttr := attribute.String(attrPoolName, name)
	pc.mu.Lock()
	pc.attr = metric.WithAttributes(poolAttr)
	pc.mu.Unlock()

	m := in.meter
	count, err1 := m.Int64ObservableUpDownCounter(MetricConnectionCount, metric.WithUnit("{connection}"),
		metric.WithDescription("The number of connections that are currently in state described by the state attribute."))
	idleMax, err2 := m.Int64ObservableUpDownCounter(MetricIdleMax, metric.WithUnit("{connection}"),
		metric.WithDescription("The maximum number of idle open connections allowed."))
	maxC, err3 := m.Int64ObservableUpDownCounter(MetricMax, metric.WithUnit("{connection}"),
		metric.WithDescription("The maximum number of open connections allowed."))
	pending, err4 := m.Int64ObservableUpDownCounter(MetricPendingRequests, metric.WithUnit("{request}"),
		metric.WithDescription("The number of current pending requests for an open connection."))
	timeouts, err5 := m.Int64ObservableCounter(MetricTimeouts, metric.WithUnit("{timeout}"),
		metric.WithDescription("The number of connection timeouts that have occurred trying to obtain a connection from the pool."))
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		otel.Handle(fmt.Errorf("alchemyotel: pool instruments: %w", err))
		return
	}
	pool := c.Pool()
	idle := metric.WithAttributes(poolAttr, attribute.String(attrConnectionState, connectionStateIdle))
	used := metric.WithAttributes(poolAttr, attribute.String(attrConnectionState, connectionStateUsed))
	only := metric.WithAttributes(poolAttr)
	reg, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		s := pool.Stats()
		o.ObserveInt64(count, int64(s.Idle), idle)
		o.ObserveInt64(count, int64(s.CheckedOut), used)
		o.ObserveInt64(idleMax, int64(s.Size), only)
		if s.Size > 0 && s.MaxOverflow >= 0 {
			o.ObserveInt64(maxC, int64(s.Size+s.MaxOverflow), only)
		}
		o.ObserveInt64(pending, int64(s.Waiting), only)
		o.ObserveInt64(timeouts, s.Timeouts, only)
		return nil
	}, count, idleMax, maxC, pending, timeouts)
	if err != nil {
		otel.Handle(fmt.Errorf("alchemyotel: pool callback: %w", err))
		return
	}
	// Stop observing once the pool is closed, so a closed engine does not
	// keep reporting (or stay reachable through the meter).
	go func() {
		<-pool.Done()
		_ = reg.Unregister()
	}()
}
