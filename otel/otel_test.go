package alchemyotel_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialects/all"
	"github.com/go-alchemy/alchemy/internal/testdb"
	alchemyotel "github.com/go-alchemy/alchemy/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func attrs(kvs []attribute.KeyValue) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.Emit()
	}
	return m
}

// TestServerOtel: spans and metrics from real statements on both
// servers, read back through the SDK's in-memory exporter and a manual
// reader, under the semantic conventions' names.
func TestServerOtel(t *testing.T) {
	for _, tc := range []struct {
		name, system, port string
		newURL             func(testing.TB) string
		param              string
	}{
		{"postgresql", "postgresql", "5432", testdb.Postgres, "$1"},
		{"mariadb", "mysql", "3306", testdb.MySQL, "?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exp := tracetest.NewInMemoryExporter()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
			reader := sdkmetric.NewManualReader()
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
			ctx := context.Background()
			eng, err := alchemy.CreateEngine(tc.newURL(t)+"?pool_timeout=0.05&pool_size=1&max_overflow=0",
				alchemyotel.Option(alchemyotel.WithTracerProvider(tp), alchemyotel.WithMeterProvider(mp), alchemyotel.WithPoolName("app")))
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			mustExec := func(q string, args ...any) {
				t.Helper()
				if _, err := eng.ExecContext(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			mustExec("CREATE TABLE otel_t (id INT PRIMARY KEY, name VARCHAR(20))")
			mustExec("INSERT INTO otel_t VALUES ("+tc.param+", 'secret-literal')", 7)
			if _, err := eng.ExecContext(ctx, "SELECT * FROM otel_missing"); err == nil {
				t.Fatal("select from a missing table succeeded")
			}
			err = eng.Begin(ctx, func(c *alchemy.Conn) error {
				_, err := c.ExecContext(ctx, "UPDATE otel_t SET name = 'x' WHERE id = 7")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			// One connection, held: the next checkout times out.
			held, err := eng.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := held.ExecContext(ctx, "SELECT 1"); err != nil {
				t.Fatal(err)
			}
			if _, err := eng.ExecContext(ctx, "SELECT 2"); err == nil {
				t.Fatal("second checkout did not time out")
			}

			spans := exp.GetSpans()
			byName := map[string]tracetest.SpanStub{}
			for _, s := range spans {
				byName[s.Name] = s
			}
			ins, ok := byName["INSERT otel_t"]
			if !ok {
				t.Fatalf("no span named \"INSERT otel_t\" among %d spans", len(spans))
			}
			a := attrs(ins.Attributes)
			want := map[string]string{
				"db.system.name": tc.system, "db.operation.name": "INSERT", "db.collection.name": "otel_t",
				"server.address": "127.0.0.1", "server.port": tc.port,
				"db.query.text": "INSERT INTO otel_t VALUES (" + tc.param + ", ?)",
			}
			for k, v := range want {
				if a[k] != v {
					t.Errorf("INSERT span %s = %q, want %q", k, a[k], v)
				}
			}
			if a["db.namespace"] == "" || ins.SpanKind.String() != "client" {
				t.Errorf("INSERT span: namespace %q kind %v", a["db.namespace"], ins.SpanKind)
			}
			for _, s := range spans {
				if strings.Contains(attrs(s.Attributes)["db.query.text"], "secret-literal") {
					t.Errorf("span %s shows a literal value", s.Name)
				}
			}
			bad := byName["SELECT otel_missing"]
			if bad.Status.Code != codes.Error || len(bad.Events) == 0 || attrs(bad.Attributes)["error.type"] == "" {
				t.Errorf("failed SELECT span: status %v, events %d, attrs %v", bad.Status, len(bad.Events), attrs(bad.Attributes))
			}
			for _, n := range []string{"BEGIN", "COMMIT", "UPDATE otel_t"} {
				if _, ok := byName[n]; !ok {
					t.Errorf("no %s span", n)
				}
			}

			var rm metricdata.ResourceMetrics
			if err := reader.Collect(ctx, &rm); err != nil {
				t.Fatal(err)
			}
			got := map[string]metricdata.Metrics{}
			for _, sm := range rm.ScopeMetrics {
				for _, m := range sm.Metrics {
					got[m.Name] = m
				}
			}
			for _, n := range []string{alchemyotel.MetricOperationDuration, alchemyotel.MetricConnectionCount, alchemyotel.MetricIdleMax,
				alchemyotel.MetricMax, alchemyotel.MetricPendingRequests, alchemyotel.MetricTimeouts,
				alchemyotel.MetricCreateTime, alchemyotel.MetricWaitTime, alchemyotel.MetricUseTime} {
				if _, ok := got[n]; !ok {
					t.Errorf("metric %s missing", n)
				}
			}
			count := got[alchemyotel.MetricConnectionCount].Data.(metricdata.Sum[int64])
			states := map[string]int64{}
			for _, dp := range count.DataPoints {
				st, _ := dp.Attributes.Value("db.client.connection.state")
				pn, _ := dp.Attributes.Value("db.client.connection.pool.name")
				if pn.AsString() != "app" {
					t.Errorf("pool name %q", pn.AsString())
				}
				states[st.AsString()] = dp.Value
			}
			if states["used"] != 1 || states["idle"] != 0 {
				t.Errorf("connection.count by state %v, want used 1 idle 0", states)
			}
			if to := got[alchemyotel.MetricTimeouts].Data.(metricdata.Sum[int64]); len(to.DataPoints) != 1 || to.DataPoints[0].Value != 1 || !to.IsMonotonic {
				t.Errorf("timeouts %+v, want a monotonic 1", to)
			}
			if mx := got[alchemyotel.MetricMax].Data.(metricdata.Sum[int64]); mx.DataPoints[0].Value != 1 {
				t.Errorf("connection.max %v, want 1", mx.DataPoints[0].Value)
			}
			ct := got[alchemyotel.MetricCreateTime].Data.(metricdata.Histogram[float64])
			if ct.DataPoints[0].Count != 1 || got[alchemyotel.MetricCreateTime].Unit != "s" {
				t.Errorf("create_time: %d connections measured (unit %q), want 1 in s", ct.DataPoints[0].Count, got[alchemyotel.MetricCreateTime].Unit)
			}
			var ops uint64
			for _, dp := range got[alchemyotel.MetricOperationDuration].Data.(metricdata.Histogram[float64]).DataPoints {
				ops += dp.Count
			}
			if ops != 5 { // CREATE, INSERT, the failed SELECT, UPDATE, SELECT 1
				t.Errorf("operation.duration counted %d operations, want 5", ops)
			}
			held.Close()
		})
	}
}
