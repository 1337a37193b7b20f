package alchemyprom_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialects/all"
	"github.com/go-alchemy/alchemy/internal/testdb"
	alchemyprom "github.com/go-alchemy/alchemy/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape fetches url and parses the Prometheus text format.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("scrape: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, typ dto.MetricType, labels map[string]string) *dto.Metric {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("no metric family %s", name)
	}
	if f.GetType() != typ {
		t.Errorf("%s has type %v, want %v", name, f.GetType(), typ)
	}
next:
	for _, m := range f.Metric {
		got := map[string]string{}
		for _, l := range m.Label {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if got[k] != v {
				continue next
			}
		}
		return m
	}
	t.Fatalf("%s has no series with labels %v", name, labels)
	return nil
}

// TestServerPrometheus: a real pool on each server, scraped through
// promhttp: names, types and values.
func TestServerPrometheus(t *testing.T) {
	for _, tc := range []struct {
		name   string
		newURL func(testing.TB) string
	}{{"postgresql", testdb.Postgres}, {"mariadb", testdb.MySQL}} {
		t.Run(tc.name, func(t *testing.T) {
			col := alchemyprom.NewCollector()
			reg := prometheus.NewRegistry()
			reg.MustRegister(col)
			hs := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.PanicOnError}))
			defer hs.Close()

			eng, err := alchemy.CreateEngine(tc.newURL(t)+"?pool_size=2&max_overflow=1&pool_timeout=0.05", col.Option("app"))
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			ctx := context.Background()
			for range 3 {
				if _, err := eng.ExecContext(ctx, "SELECT 1"); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := eng.ExecContext(ctx, "SELECT * FROM prom_missing"); err == nil {
				t.Fatal("missing table found")
			}
			var held []*alchemy.Conn
			for range 3 {
				c, err := eng.Connect(ctx)
				if err != nil {
					t.Fatal(err)
				}
				held = append(held, c)
			}
			if _, err := eng.Connect(ctx); err == nil {
				t.Fatal("a fourth checkout did not time out")
			}

			f := scrape(t, hs.URL)
			app := map[string]string{"pool_name": "app"}
			with := func(k, v string) map[string]string { return map[string]string{"pool_name": "app", k: v} }
			if v := value(t, f, "db_client_connection_count", dto.MetricType_GAUGE, with("state", "used")).GetGauge().GetValue(); v != 3 {
				t.Errorf("used %v, want 3", v)
			}
			if v := value(t, f, "db_client_connection_count", dto.MetricType_GAUGE, with("state", "idle")).GetGauge().GetValue(); v != 0 {
				t.Errorf("idle %v, want 0", v)
			}
			if v := value(t, f, "db_client_connection_idle_max", dto.MetricType_GAUGE, app).GetGauge().GetValue(); v != 2 {
				t.Errorf("idle_max %v, want 2", v)
			}
			if v := value(t, f, "db_client_connection_max", dto.MetricType_GAUGE, app).GetGauge().GetValue(); v != 3 {
				t.Errorf("max %v, want 3", v)
			}
			if v := value(t, f, "db_client_connection_pending_requests", dto.MetricType_GAUGE, app).GetGauge().GetValue(); v != 0 {
				t.Errorf("pending %v, want 0", v)
			}
			if v := value(t, f, "db_client_connection_timeouts_total", dto.MetricType_COUNTER, app).GetCounter().GetValue(); v != 1 {
				t.Errorf("timeouts %v, want 1", v)
			}
			if v := value(t, f, "alchemy_pool_events_total", dto.MetricType_COUNTER, with("event", "opened")).GetCounter().GetValue(); v != 3 {
				t.Errorf("opened %v, want 3", v)
			}
			if n := value(t, f, "db_client_connection_create_time_seconds", dto.MetricType_HISTOGRAM, app).GetHistogram().GetSampleCount(); n != 3 {
				t.Errorf("create_time count %d, want 3", n)
			}
			// 4 statements + 3 held checkouts; the timed-out one is not a checkout.
			if n := value(t, f, "db_client_connection_wait_time_seconds", dto.MetricType_HISTOGRAM, app).GetHistogram().GetSampleCount(); n != 7 {
				t.Errorf("wait_time count %d, want 7", n)
			}
			if n := value(t, f, "db_client_connection_use_time_seconds", dto.MetricType_HISTOGRAM, app).GetHistogram().GetSampleCount(); n != 4 {
				t.Errorf("use_time count %d, want 4 (the statements' checkouts, returned)", n)
			}
			if n := value(t, f, "db_client_operation_duration_seconds", dto.MetricType_HISTOGRAM, with("error", "false")).GetHistogram().GetSampleCount(); n != 3 {
				t.Errorf("successful operations %d, want 3", n)
			}
			if n := value(t, f, "db_client_operation_duration_seconds", dto.MetricType_HISTOGRAM, with("error", "true")).GetHistogram().GetSampleCount(); n != 1 {
				t.Errorf("failed operations %d, want 1", n)
			}
			for _, c := range held {
				c.Close()
			}
			f = scrape(t, hs.URL)
			if v := value(t, f, "db_client_connection_count", dto.MetricType_GAUGE, with("state", "idle")).GetGauge().GetValue(); v != 2 {
				t.Errorf("idle after returning %v, want 2 (the overflow one is closed)", v)
			}
			eng.Close()
			if _, ok := scrape(t, hs.URL)["db_client_connection_count"]; ok {
				t.Error("a closed pool is still reported")
			}
		})
	}
}
