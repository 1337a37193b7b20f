package alchemy_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestFaultConnectionCap: 1000 goroutines share a pool of
// pool_size=5&max_overflow=10 doing short queries. The server-side
// session count, sampled from the admin connection throughout, never
// exceeds 15 (and reaches past 5, so the overflow was really used);
// afterwards it falls back to at most 5. Nothing fails or times out.
func TestFaultConnectionCap(t *testing.T) {
	const goroutines, perGoroutine = 1000, 3
	for _, ft := range faultTargets {
		t.Run(ft.name, func(t *testing.T) {
			e := newFaultEnv(t, ft)
			eng := e.engine(t, "pool_size=5&max_overflow=10&pool_timeout=60")
			db := eng.DB()
			query := fmt.Sprintf(ft.sleep, 0.001)

			var maxSeen, samples atomic.Int64
			var maxOpen atomic.Int64
			sampleStop := make(chan struct{})
			sampleDone := make(chan struct{})
			go func() {
				defer close(sampleDone)
				for {
					select {
					case <-sampleStop:
						return
					default:
					}
					ids, err := e.trySessions()
					if err == nil {
						samples.Add(1)
						if n := int64(len(ids)); n > maxSeen.Load() {
							maxSeen.Store(n)
						}
					}
					if o := int64(eng.Pool().Stats().Open); o > maxOpen.Load() {
						maxOpen.Store(o)
					}
					time.Sleep(2 * time.Millisecond)
				}
			}()

			var failed atomic.Int64
			log := &ackLog{}
			var wg sync.WaitGroup
			start := make(chan struct{})
			for g := 0; g < goroutines; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					for i := 0; i < perGoroutine; i++ {
						ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
						_, err := db.ExecContext(ctx, query)
						cancel()
						if err != nil {
							failed.Add(1)
							log.add(0, err)
						}
					}
				}()
			}
			began := time.Now()
			close(start)
			wg.Wait()
			elapsed := time.Since(began)
			close(sampleStop)
			<-sampleDone

			after := e.waitSessions(t, 5, 5*time.Second)
			st := eng.Pool().Stats()
			t.Logf("%s cap: %d queries from %d goroutines in %v; server sessions max %d over %d samples, %d after; pool open max %d; %d waits, %d timeouts",
				ft.name, goroutines*perGoroutine, goroutines, elapsed.Round(time.Millisecond), maxSeen.Load(), samples.Load(), after, maxOpen.Load(), st.Waits, st.Timeouts)
			if f := failed.Load(); f != 0 {
				t.Errorf("%d queries failed; errors:%s", f, log.topErrors(5))
			}
			if m := maxSeen.Load(); m > 15 {
				t.Errorf("the server saw %d sessions at once, cap is 5+10=15", m)
			}
			if m := maxSeen.Load(); m <= 5 {
				t.Errorf("the server never saw more than %d sessions: the overflow was not exercised (%d samples)", m, samples.Load())
			}
			if m := maxOpen.Load(); m > 15 {
				t.Errorf("the pool reported %d open connections, cap is 15", m)
			}
			if after > 5 {
				t.Errorf("%d sessions remain after the load, want ≤ pool_size 5", after)
			}
			if st.CheckedOut != 0 || st.Timeouts != 0 {
				t.Errorf("after the load: %d checked out, %d timeouts; want 0 and 0", st.CheckedOut, st.Timeouts)
			}
		})
	}
}
