package alchemy_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
)

// insertLoad runs workers goroutines that each insert rows, one
// transaction per row through eng.Begin, with ids from next, until stop
// is closed or each has done maxOps. Every outcome goes to log.
func insertLoad(eng *alchemy.Engine, ft faultTarget, table string, workers, maxOps int, next *atomic.Int64, log *ackLog, stop <-chan struct{}) *sync.WaitGroup {
	insert := ft.bind(fmt.Sprintf("INSERT INTO %s (id, n) VALUES (?, ?)", table))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < maxOps; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := next.Add(1)
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				err := eng.Begin(ctx, func(c *alchemy.Conn) error {
					_, err := c.ExecContext(ctx, insert, id, 1)
					return err
				})
				cancel()
				log.add(id, err)
				if err != nil {
					time.Sleep(5 * time.Millisecond) // the server is away; don't spin
				}
			}
		}()
	}
	return &wg
}

// TestFaultRestartMidLoad: the server restarts while eight goroutines
// insert rows, each in its own transaction. Every write the application
// was told had committed is on the server afterwards (read through the
// plain driver), and the pool recovers by itself: writes succeed again
// under the same load, then twenty in a row without an error.
func TestFaultRestartMidLoad(t *testing.T) {
	for _, ft := range faultTargets {
		t.Run(ft.name, func(t *testing.T) {
			e := newFaultEnv(t, ft)
			eng := e.engine(t, "pool_size=4&max_overflow=4&pool_timeout=5")
			var next atomic.Int64
			log := &ackLog{}
			stop := make(chan struct{})
			wg := insertLoad(eng, ft, e.table, 8, 5000, &next, log, stop)
			halt := sync.OnceFunc(func() { close(stop); wg.Wait() })
			defer halt()

			if !waitFor(15*time.Second, func() bool { a, _ := log.counts(); return a >= 200 }) {
				a, f := log.counts()
				t.Fatalf("the load did not get going: %d acknowledged, %d failed; errors:%s", a, f, log.topErrors(5))
			}
			before, _ := log.counts()
			e.srv.Restart(t)
			if !waitFor(20*time.Second, func() bool { a, _ := log.counts(); return a >= before+200 }) {
				a, f := log.counts()
				t.Fatalf("the pool did not recover after the restart: %d acknowledged since, %d failed; errors:%s", a-before, f, log.topErrors(5))
			}
			halt()

			// Twenty sequential writes on the recovered pool: none may fail.
			insert := ft.bind(fmt.Sprintf("INSERT INTO %s (id, n) VALUES (?, ?)", e.table))
			for i := 0; i < 20; i++ {
				id := next.Add(1)
				err := eng.Begin(context.Background(), func(c *alchemy.Conn) error {
					_, err := c.ExecContext(context.Background(), insert, id, 2)
					return err
				})
				if err != nil {
					t.Fatalf("write %d after recovery: %v", i, err)
				}
				log.add(id, nil)
			}

			stored := e.storedIDs(t)
			acked, failed := log.counts()
			lost := log.lost(stored)
			st := eng.Pool().Stats()
			t.Logf("%s restart mid-load: %d acknowledged, %d failed around the restart, %d lost; pool: %d opens, %d invalidations, %d recycles; errors:%s",
				ft.name, acked, failed, len(lost), st.Opens, st.Invalidations, st.Recycles, log.topErrors(3))
			if len(lost) != 0 {
				t.Errorf("%d acknowledged writes are not on the server, e.g. ids %v", len(lost), firstN(lost, 10))
			}
			if st.CheckedOut != 0 {
				t.Errorf("%d connections still checked out after the load", st.CheckedOut)
			}
		})
	}
}
