package resultbench_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"
)

// TestScalingResultProcessingRatio isolates what result processing costs:
// the typed reader (a metadata.Table, its columns' result processors
// applied) against the untyped one (a NewTable, values as the driver
// gives them), the same query through sqlexpr, at 1, 100 and 10,000
// rows. The target is ≤ 1.02×. The two take turns in bursts of
// about 20 ms, the order alternating, over 40 rounds, and the median of
// the per-round ratios is logged. TestQueryScanRatios gives both against
// database/sql. A measurement, not a check: set ALCHEMY_BENCH_RATIOS=1.
//
//	ALCHEMY_BENCH_RATIOS=1 go test ./sqlexpr/resultbench -run TestScalingResultProcessingRatio -v
func TestScalingResultProcessingRatio(t *testing.T) {
	if os.Getenv("ALCHEMY_BENCH_RATIOS") == "" {
		t.Skip("set ALCHEMY_BENCH_RATIOS=1 to measure the result-processing ratio")
	}
	ctx := context.Background()
	for _, srv := range resultServers() {
		f := openResultFixture(t, srv.url)
		for _, n := range resultSizes {
			cases := f.resultCases(t, n)
			untyped, typed := cases[1], cases[2]
			if untyped.name != "untyped" || typed.name != "typed" {
				t.Fatalf("resultCases changed order: %s, %s", untyped.name, typed.name)
			}
			dst := make([]benchRow, 0, n)
			burst := func(read func(context.Context, []benchRow) ([]benchRow, error), iters int) float64 {
				start := time.Now()
				for range iters {
					var err error
					if dst, err = read(ctx, dst[:0]); err != nil || len(dst) != n {
						t.Fatal(len(dst), err)
					}
				}
				return float64(time.Since(start).Nanoseconds()) / float64(iters)
			}
			burst(untyped.read, 3)
			iters := max(1, int(20e6/burst(untyped.read, 5)))
			const rounds = 40
			var ratios, base []float64
			for r := range rounds {
				var u, ty float64
				if r%2 == 0 {
					u, ty = burst(untyped.read, iters), burst(typed.read, iters)
				} else {
					ty, u = burst(typed.read, iters), burst(untyped.read, iters)
				}
				ratios, base = append(ratios, ty/u), append(base, u)
			}
			slices.Sort(ratios)
			slices.Sort(base)
			t.Logf("%-10s rows=%-5d untyped %9.0f ns/op  typed/untyped %.3f× (quartiles %.3f–%.3f)",
				srv.name, n, base[rounds/2], ratios[rounds/2], ratios[rounds/4], ratios[3*rounds/4])
		}
	}
}
