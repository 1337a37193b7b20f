package metadata_test

import (
	"fmt"
	"os"
	"testing"
)

// BenchmarkScalingCreateAll: CreateAll and DropAll of 200, 1,000 and
// 2,000 tables (2–4 foreign keys each, benchSchema) against the floor —
// the same DDL sent as one script in one transaction — on SQLite (a
// file) and on the servers whose variables are set. It reports what
// BenchmarkCreateAll does: median milliseconds and the median of the
// per-iteration ratios to the floor (target: create/floor ≤ 1.05).
// bench/cmd/scaling measures the same and plots it.
//
//	go test ./metadata -run '^$' -bench ScalingCreateAll -benchtime 3x
func BenchmarkScalingCreateAll(b *testing.B) {
	for _, n := range []int{200, 1000, 2000} {
		md := benchSchema(n)
		for _, s := range servers {
			b.Run(fmt.Sprintf("server=%s/tables=%d", s.name, n), func(b *testing.B) {
				if s.env != "" && os.Getenv(s.env) == "" {
					b.Skipf("set %s to run against a real %s server (for example %s)", s.env, s.name, exampleURL(s.env))
				}
				benchServer(b, s, md)
			})
		}
	}
}
