package pool_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkScalingHandoff: a pool of 4 connections and 10 to 10,000
// goroutines that each check one out, yield (so that the others run
// and queue for it) and give it back, in a loop, so that nearly all of
// them wait in the pool at any moment. ns/op is the wall
// time per checkout over all goroutines (b.N checkouts in all); it
// should stay flat as the queue grows. The waits are reported at p50
// and p99 beside what a FIFO queue predicts: every goroutine waits for
// the (goroutines − connections) ahead of it, so each wait ≈ that many
// × ns/op, and p99 ≈ p50 ≈ the prediction. A pool that hands off out of
// order has a p50 below the prediction and a p99 far above it. On a
// loaded machine the times carry the process's stalls; the hand-offs
// waited (checkouts granted to others during a wait) do not, and FIFO
// makes their p99 ÷ (goroutines − connections) about 1.
//
//	go -C compat test ./pool -run '^$' -bench ScalingHandoff -benchtime 100000x
func BenchmarkScalingHandoff(b *testing.B) {
	const conns = 4
	for _, waiters := range []int{10, 100, 1000, 10000} {
		for _, impl := range benchPools {
			b.Run(fmt.Sprintf("waiters=%d/pool=%s", waiters, impl.name), func(b *testing.B) {
				bp := impl.new(b, conns, conns)
				defer bp.close()
				per := max(2, b.N/waiters) // each goroutine's first checkout is the start-up stampede, not counted
				waits := make([][]time.Duration, waiters)
				handoffs := make([][]int64, waiters)
				var granted atomic.Int64 // checkouts so far, to count a wait in hand-offs
				start := make(chan struct{})
				var wg sync.WaitGroup
				for g := range waiters {
					wg.Go(func() {
						ctx := context.Background()
						mine := make([]time.Duration, 0, per-1)
						passed := make([]int64, 0, per-1)
						<-start
						for i := range per {
							before := granted.Load()
							t0 := time.Now()
							release, err := bp.get(ctx)
							if err != nil {
								b.Error(err)
								return
							}
							d := time.Since(t0)
							after := granted.Add(1)
							if i > 0 {
								mine = append(mine, d)
								passed = append(passed, after-before-1)
							}
							// Hold the connection across a yield: the
							// other goroutines run and queue for it, in
							// the pool rather than in the scheduler.
							runtime.Gosched()
							release()
						}
						waits[g], handoffs[g] = mine, passed
					})
				}
				b.ResetTimer()
				t0 := time.Now()
				close(start)
				wg.Wait()
				elapsed := time.Since(t0)
				b.StopTimer()
				all := slices.Concat(waits...)
				if len(all) == 0 {
					return
				}
				slices.Sort(all)
				us := func(q float64) float64 {
					return float64(all[min(len(all)-1, int(q*float64(len(all))))]) / 1e3
				}
				perOp := float64(elapsed) / float64(per*waiters)
				fifo := float64(waiters-conns) * perOp / 1e3
				b.ReportMetric(perOp, "wall-ns/checkout")
				b.ReportMetric(us(0.50), "p50-wait-µs")
				b.ReportMetric(us(0.99), "p99-wait-µs")
				b.ReportMetric(fifo, "fifo-wait-µs")
				b.ReportMetric(us(0.99)/fifo, "p99/fifo")
				ho := slices.Concat(handoffs...)
				slices.Sort(ho)
				b.ReportMetric(float64(ho[len(ho)*99/100])/float64(waiters-conns), "p99-handoffs/fifo")
			})
		}
	}
}
