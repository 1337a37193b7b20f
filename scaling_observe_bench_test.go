package alchemy_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
)

// observeCases are the ways of opening the drop-in whose cost the
// "hooks/logging off ≤ 2%" target is about: with nothing attached (the
// baseline), with echo configured to a logger whose level drops every
// statement, with a tracer that does nothing, and with both.
func observeCases() []struct {
	name string
	opts []alchemy.Option
} {
	off := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return []struct {
		name string
		opts []alchemy.Option
	}{
		{"plain", nil},
		{"echo-level-off", []alchemy.Option{alchemy.Echo(off)}},
		{"noop-tracer", []alchemy.Option{alchemy.WithTracer(nopTracer{})}},
		{"echo-off+noop-tracer", []alchemy.Option{alchemy.Echo(off), alchemy.WithTracer(nopTracer{})}},
	}
}

// observeDrivers: the no-op driver (the statement costs nothing) and an
// in-memory SQLite database.
var observeDrivers = []struct{ name, url string }{
	{"noop", "sqlite+noop://"},
	{"sqlite-memory", "sqlite://"},
}

// BenchmarkScalingObserveOff: db.ExecContext through the drop-in with
// logging configured but off and a tracer that does nothing, against
// the drop-in with nothing attached, on the no-op driver (the harshest
// denominator: the statement itself costs nothing) and on an in-memory
// SQLite SELECT 1. TestScalingObserveRatios gives the interleaved ratios.
//
//	go test . -run '^$' -bench ScalingObserveOff -benchmem
func BenchmarkScalingObserveOff(b *testing.B) {
	for _, drv := range observeDrivers {
		for _, c := range observeCases() {
			b.Run("driver="+drv.name+"/"+c.name, func(b *testing.B) {
				db := openObserved(b, drv.url, c.opts)
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					if _, err := db.ExecContext(ctx, "SELECT 1"); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func openObserved(tb testing.TB, url string, opts []alchemy.Option) *sql.DB {
	tb.Helper()
	c, err := alchemy.NewConnector(url, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	db := sql.OpenDB(c)
	tb.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1) // one in-memory SQLite database
	return db
}

// TestScalingObserveRatios measures each case against "plain" in the same
// process, in bursts of about 20 ms taking turns in a rotating order over
// 40 rounds, and logs the median of the per-round ratios (target ≤ 1.02).
// It is a measurement, not a check: set ALCHEMY_BENCH_RATIOS=1 to run it.
func TestScalingObserveRatios(t *testing.T) {
	if os.Getenv("ALCHEMY_BENCH_RATIOS") == "" {
		t.Skip("set ALCHEMY_BENCH_RATIOS=1 to measure the hooks/logging-off ratios")
	}
	ctx := context.Background()
	for _, drv := range observeDrivers {
		cases := observeCases()
		dbs := make([]*sql.DB, len(cases))
		for i, c := range cases {
			dbs[i] = openObserved(t, drv.url, c.opts)
		}
		burst := func(db *sql.DB, iters int) float64 {
			start := time.Now()
			for range iters {
				if _, err := db.ExecContext(ctx, "SELECT 1"); err != nil {
					t.Fatal(err)
				}
			}
			return float64(time.Since(start).Nanoseconds()) / float64(iters)
		}
		burst(dbs[0], 100)
		iters := max(1, int(20e6/burst(dbs[0], 1000)))
		const rounds = 40
		ratios := make([][]float64, len(cases))
		var base []float64
		for r := range rounds {
			ns := make([]float64, len(cases))
			for k := range cases {
				i := (k + r) % len(cases)
				ns[i] = burst(dbs[i], iters)
			}
			base = append(base, ns[0])
			for i := range cases {
				ratios[i] = append(ratios[i], ns[i]/ns[0])
			}
		}
		slices.Sort(base)
		line := ""
		for i := 1; i < len(cases); i++ {
			slices.Sort(ratios[i])
			line += "  " + cases[i].name + fmt.Sprintf(" %.3f×", ratios[i][rounds/2])
		}
		t.Logf("%-13s plain %6.0f ns/op%s", drv.name, base[rounds/2], line)
	}
}
