package alchemyotel_test

import (
	"context"
	"fmt"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialects/sqlite"
	alchemyotel "github.com/go-alchemy/alchemy/otel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func ExampleOption() {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))

	eng, err := alchemy.CreateEngine("sqlite://", alchemyotel.Option(
		alchemyotel.WithTracerProvider(tp), alchemyotel.WithMeterProvider(mp), alchemyotel.WithPoolName("app")))
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	ctx := context.Background()
	_, _ = eng.ExecContext(ctx, "CREATE TABLE users (name TEXT)")
	_, _ = eng.ExecContext(ctx, "INSERT INTO users VALUES ('ada')")

	for _, s := range spans.GetSpans() {
		for _, a := range s.Attributes {
			if a.Key == "db.query.text" {
				fmt.Printf("span %q: %s\n", s.Name, a.Value.AsString())
			}
		}
	}
	var rm metricdata.ResourceMetrics
	_ = reader.Collect(ctx, &rm)
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if m.Name == alchemyotel.MetricConnectionCount {
			for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
				state, _ := dp.Attributes.Value("db.client.connection.state")
				fmt.Println(m.Name, state.AsString(), dp.Value)
			}
		}
	}
	// Unordered output:
	// span "CREATE": CREATE TABLE users (name TEXT)
	// span "INSERT users": INSERT INTO users VALUES (?)
	// db.client.connection.count idle 1
	// db.client.connection.count used 0
}

func ExampleSanitize() {
	fmt.Println(alchemyotel.Sanitize("SELECT * FROM users WHERE email = 'ada@example.com' AND age > 30 AND id = $1"))
	// Output:
	// SELECT * FROM users WHERE email = ? AND age > ? AND id = $1
}

func ExampleSummarize() {
	fmt.Println(alchemyotel.Summarize("UPDATE accounts SET balance = 0 WHERE id = 7"))
	// Output:
	// UPDATE accounts
}
