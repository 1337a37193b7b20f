package alchemy_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestPgBouncerNullPool: poolclass=null behind a transaction-mode
// bouncer. Each checkout opens a client connection to the bouncer and
// each checkin closes it (Opens = Closes = Checkouts), so after the load
// the bouncer's SHOW CLIENTS lists none of the application's and SHOW
// POOLS has no client active or waiting, while PostgreSQL sees no more
// sessions than the bouncer's server pool: the bouncer does the pooling.
// A QueuePool of 4 beside it leaves exactly its idle connections as
// clients of the bouncer.
func TestPgBouncerNullPool(t *testing.T) {
	raw := testdb.Postgres(t)
	b := newPgBouncer(t, raw, bouncerOptions{serverConns: 4})
	admin := b.admin(t)
	pgAdmin := testdb.PostgresAdmin(t)
	db := openDB(t, withQuery(b.url, "pgbouncer=true&poolclass=null"))
	pool := poolOf(t, db)
	if s := pool.Status(); s != "NullPool" {
		t.Errorf("Status() = %q, want NullPool", s)
	}

	// Sample the bouncer's clients and the server's sessions under load.
	var maxClients, maxSessions int
	var sampleErr error
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-stop:
				return
			default:
			}
			n, err := b.tryClients(admin)
			maxClients = max(maxClients, n)
			var s int
			if err == nil {
				err = pgAdmin.QueryRow("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", b.db).Scan(&s)
			}
			maxSessions = max(maxSessions, s)
			if err != nil {
				sampleErr = err
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	const clients, each = 16, 10
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if _, err := db.ExecContext(context.Background(), "SELECT pg_sleep(0.01)"); err != nil {
					failed.Add(1)
					t.Log(err)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled // the sampler's variables are the test's again
	if sampleErr != nil {
		t.Fatalf("sampling the bouncer's clients and the server's sessions: %v", sampleErr)
	}
	if n := failed.Load(); n > 0 {
		t.Errorf("%d of %d statements failed", n, clients*each)
	}
	st := pool.Stats()
	t.Logf("NullPool stats %+v; at most %d clients of the bouncer and %d server sessions seen", st, maxClients, maxSessions)
	if st.Checkouts < clients*each || st.Opens != st.Checkouts || st.Closes != st.Opens || st.Idle != 0 || st.Open != 0 {
		t.Errorf("NullPool: want a connection opened per checkout and closed at checkin, none idle: %+v", st)
	}
	if maxClients < 2 {
		t.Errorf("the bouncer never saw more than %d client at once: the load was not concurrent", maxClients)
	}
	if maxSessions > 4 {
		t.Errorf("PostgreSQL saw %d sessions, more than the bouncer's 4 server connections", maxSessions)
	}
	if !waitFor(2*time.Second, func() bool { return b.clients(t, admin) == 0 }) {
		t.Errorf("the bouncer still lists %d clients after NullPool's checkins", b.clients(t, admin))
	}
	for _, p := range b.show(t, admin, "POOLS") {
		if p["database"] != b.db {
			continue
		}
		if p["cl_active"] != "0" || p["cl_waiting"] != "0" {
			t.Errorf("SHOW POOLS after the load: %v clients active, %v waiting; want none", p["cl_active"], p["cl_waiting"])
		}
		sv := 0
		for _, k := range []string{"sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login"} {
			n, _ := strconv.Atoi(p[k])
			sv += n
		}
		if sv > 4 {
			t.Errorf("SHOW POOLS: %d server connections, more than default_pool_size 4: %v", sv, p)
		}
	}

	// A QueuePool keeps its idle connections as clients of the bouncer.
	qdb := openDB(t, withQuery(b.url, "pgbouncer=true&pool_size=4&max_overflow=4"))
	var qwg sync.WaitGroup
	for range 8 {
		qwg.Add(1)
		go func() {
			defer qwg.Done()
			if _, err := qdb.Exec("SELECT pg_sleep(0.05)"); err != nil {
				t.Error(err)
			}
		}()
	}
	qwg.Wait()
	idle := poolOf(t, qdb).Stats().Idle
	if !waitFor(2*time.Second, func() bool { return b.clients(t, admin) == idle }) || idle != 4 {
		t.Errorf("QueuePool of 4: %d idle in the pool, %d clients of the bouncer; want 4 and 4", idle, b.clients(t, admin))
	}
}
