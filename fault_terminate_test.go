package alchemy_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// holdSessions checks out n connections at once and returns their
// server session ids.
func holdSessions(t *testing.T, db *sql.DB, ft faultTarget, n int) map[int64]bool {
	t.Helper()
	q := map[bool]string{true: "SELECT pg_backend_pid()", false: "SELECT CONNECTION_ID()"}[ft.dollar]
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ids := map[int64]bool{}
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatalf("checkout %d: %v", i, err)
		}
		conns = append(conns, c)
		var id int64
		if err := c.QueryRowContext(ctx, q).Scan(&id); err != nil {
			t.Fatalf("session id of connection %d: %v", i, err)
		}
		ids[id] = true
	}
	return ids
}

// TestFaultTerminateIdle: every session of a warm pool of five is
// terminated from the admin connection while idle. With pool_pre_ping no
// query fails; without it at most one does (the one that finds the first
// dead connection, which invalidates the rest), and after that every
// query succeeds on a new session. Invalidations are counted.
func TestFaultTerminateIdle(t *testing.T) {
	for _, ft := range faultTargets {
		for _, prePing := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/pre_ping=%v", ft.name, prePing), func(t *testing.T) {
				e := newFaultEnv(t, ft)
				eng := e.engine(t, fmt.Sprintf("pool_size=5&max_overflow=0&pool_timeout=5&pool_pre_ping=%v", prePing))
				db := eng.DB()
				old := holdSessions(t, db, ft, 5)
				if n := e.killSessions(t); n != 5 {
					t.Fatalf("terminated %d sessions, want the pool's 5", n)
				}
				if n := e.waitSessions(t, 0, 5*time.Second); n != 0 {
					t.Fatalf("%d sessions still on the server after terminating them", n)
				}
				failures := 0
				for i := 0; i < 20; i++ {
					var one int
					err := db.QueryRowContext(context.Background(), "SELECT 1").Scan(&one)
					if err != nil {
						failures++
						if !eng.Dialect().Disconnected(err) {
							t.Errorf("query %d failed with %v, which is not classified as a disconnect", i, err)
						}
					}
				}
				st := eng.Pool().Stats()
				t.Logf("%s terminate idle, pre_ping=%v: %d of 20 queries failed; %d invalidations, %d recycles, %d ping failures, %d opens",
					ft.name, prePing, failures, st.Invalidations, st.Recycles, st.PingFailures, st.Opens)
				maxFailures := 1
				if prePing {
					maxFailures = 0
				}
				if failures > maxFailures {
					t.Errorf("%d queries failed after the terminations, want at most %d", failures, maxFailures)
				}
				if st.Invalidations < 1 {
					t.Errorf("Stats().Invalidations = %d, want ≥ 1", st.Invalidations)
				}
				for id := range holdSessions(t, db, ft, 5) {
					if old[id] {
						t.Errorf("terminated session %d is in use again", id)
					}
				}
			})
		}
	}
}

// TestFaultTerminateUnderLoad: sixteen goroutines run short queries on a
// pool of 5+5 while every session is terminated three times over. No
// more operations fail than sessions were terminated (each dead session
// fails at most the statement it was running or the one that finds it),
// every failure is a disconnect, and afterwards the pool serves twenty
// queries in a row with nothing checked out.
func TestFaultTerminateUnderLoad(t *testing.T) {
	for _, ft := range faultTargets {
		for _, prePing := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/pre_ping=%v", ft.name, prePing), func(t *testing.T) {
				e := newFaultEnv(t, ft)
				eng := e.engine(t, fmt.Sprintf("pool_size=5&max_overflow=5&pool_timeout=10&pool_pre_ping=%v", prePing))
				db := eng.DB()
				query := fmt.Sprintf(ft.sleep, 0.002)
				var ok, failed atomic.Int64
				log := &ackLog{}
				stop := make(chan struct{})
				var wg sync.WaitGroup
				for w := 0; w < 16; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := 0; i < 5000; i++ {
							select {
							case <-stop:
								return
							default:
							}
							ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
							_, err := db.ExecContext(ctx, query)
							cancel()
							if err != nil {
								failed.Add(1)
								log.add(int64(i), err)
								if !eng.Dialect().Disconnected(err) {
									log.add(-1, fmt.Errorf("NOT A DISCONNECT: %w", err))
								}
								continue
							}
							ok.Add(1)
						}
					}()
				}
				halt := sync.OnceFunc(func() { close(stop); wg.Wait() })
				defer halt()
				terminated := 0
				for round := 0; round < 3; round++ {
					start := ok.Load()
					if !waitFor(10*time.Second, func() bool { return ok.Load() >= start+100 }) {
						t.Fatalf("round %d: the load made no progress (%d ok, %d failed); errors:%s", round, ok.Load(), failed.Load(), log.topErrors(5))
					}
					terminated += e.killSessions(t)
				}
				start := ok.Load()
				if !waitFor(10*time.Second, func() bool { return ok.Load() >= start+100 }) {
					t.Fatalf("the load did not recover after the last terminations; errors:%s", log.topErrors(5))
				}
				halt()
				for i := 0; i < 20; i++ {
					if _, err := db.ExecContext(context.Background(), query); err != nil {
						t.Fatalf("query %d after the load: %v", i, err)
					}
				}
				st := eng.Pool().Stats()
				t.Logf("%s terminate under load, pre_ping=%v: %d sessions terminated, %d ok, %d failed; %d invalidations, %d recycles, %d opens; errors:%s",
					ft.name, prePing, terminated, ok.Load(), failed.Load(), st.Invalidations, st.Recycles, st.Opens, log.topErrors(4))
				if f := failed.Load(); f > int64(terminated) {
					t.Errorf("%d operations failed for %d terminated sessions", f, terminated)
				}
				if log.errs != nil {
					for msg, n := range log.errs {
						if len(msg) > 18 && msg[:18] == "NOT A DISCONNECT: " {
							t.Errorf("%d× an error not classified as a disconnect: %s", n, msg[18:])
						}
					}
				}
				if st.Invalidations < 1 {
					t.Errorf("Stats().Invalidations = %d, want ≥ 1", st.Invalidations)
				}
				if st.CheckedOut != 0 {
					t.Errorf("%d connections checked out after the load", st.CheckedOut)
				}
			})
		}
	}
}
