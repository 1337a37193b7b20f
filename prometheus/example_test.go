package alchemyprom_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialects/sqlite"
	alchemyprom "github.com/go-alchemy/alchemy/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func ExampleCollector_Option() {
	col := alchemyprom.NewCollector()
	reg := prometheus.NewRegistry()
	reg.MustRegister(col)

	eng, err := alchemy.CreateEngine("sqlite://?pool_size=3&max_overflow=2", col.Option("app"))
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	_, _ = eng.ExecContext(context.Background(), "SELECT 1")

	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	resp, _ := http.Get(srv.URL)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "db_client_connection_count") || strings.HasPrefix(line, "db_client_connection_max") ||
			strings.HasPrefix(line, "db_client_operation_duration_seconds_count") {
			fmt.Println(line)
		}
	}
	// Output:
	// db_client_connection_count{pool_name="app",state="idle"} 1
	// db_client_connection_count{pool_name="app",state="used"} 0
	// db_client_connection_max{pool_name="app"} 5
	// db_client_operation_duration_seconds_count{error="false",pool_name="app"} 1
	// db_client_operation_duration_seconds_count{error="true",pool_name="app"} 0
}

func ExampleCollector_AddPool() {
	col := alchemyprom.NewCollector()
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	col.AddPool("legacy", eng.Pool())
	n, _ := countMetrics(col)
	fmt.Println(n > 0)
	// Output:
	// true
}

func countMetrics(c prometheus.Collector) (int, error) {
	reg := prometheus.NewRegistry()
	if err := reg.Register(c); err != nil {
		return 0, err
	}
	fams, err := reg.Gather()
	return len(fams), err
}
