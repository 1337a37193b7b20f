package alchemy_test

// Shared pieces of the fault suite (fault_*_test.go): destructive tests
// of issue 10 that restart, kill and cancel against private servers from
// internal/testserver, never the shared ones. Every claim about what the
// server holds is checked through the plain driver, not alchemy.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // the plain "mysql" driver, for checks

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/internal/testserver"
)

// TestMain stops the private servers of the fault suite when the tests
// end (and makes testserver refuse to start one otherwise).
func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }

// faultTarget is one server product under fault injection. Queries are
// written with '?' placeholders; bind converts them.
type faultTarget struct {
	name    string
	acquire func(testing.TB) *testserver.Server
	dollar  bool
	// createTable creates table %s with a BIGINT primary key id and an
	// INT column n.
	createTable string
	// sessionIDs lists the client sessions other than the caller's own.
	sessionIDs string
	// kill ends session %d.
	kill string
	// sleep holds a connection on the server for %g seconds.
	sleep string
	// holdCommits makes every later COMMIT wait, after it has applied,
	// for a replica that never answers; heldCommits counts the sessions
	// waiting so; unholdAfterRestart keeps the hold from surviving a
	// restart (run while it still holds); unhold releases a hold still
	// in force (a test that failed before its kill), so that the next
	// test's commits do not wait.
	holdCommits        []string
	heldCommits        string
	unholdAfterRestart []string
	unhold             []string
}

var faultTargets = []faultTarget{
	{
		name:        "postgresql",
		acquire:     testserver.Postgres,
		dollar:      true,
		createTable: "CREATE TABLE %s (id BIGINT PRIMARY KEY, n INT NOT NULL)",
		sessionIDs:  "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
		kill:        "SELECT pg_terminate_backend(%d)",
		sleep:       "SELECT pg_sleep(%g)",
		// A synchronous standby that does not exist: COMMIT is durable
		// locally, then waits. ALTER SYSTEM RESET rewrites
		// postgresql.auto.conf without a reload, so the running server
		// keeps waiting and the restarted one does not.
		holdCommits:        []string{"ALTER SYSTEM SET synchronous_standby_names = 'fault_phantom_standby'", "SELECT pg_reload_conf()"},
		heldCommits:        "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'",
		unholdAfterRestart: []string{"ALTER SYSTEM RESET synchronous_standby_names"},
		unhold:             []string{"ALTER SYSTEM RESET synchronous_standby_names", "SELECT pg_reload_conf()"},
	},
	{
		name:        "mariadb",
		acquire:     testserver.MariaDB,
		createTable: "CREATE TABLE %s (id BIGINT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB",
		sessionIDs: "SELECT id FROM information_schema.processlist WHERE id <> CONNECTION_ID() " +
			"AND command <> 'Daemon' AND user <> 'system user' AND user <> 'event_scheduler'",
		kill:  "KILL CONNECTION %d",
		sleep: "SELECT SLEEP(%g)",
		// Semi-synchronous replication waiting after the engine commit,
		// with no replica: the row is committed and visible, the client
		// waits. SET GLOBAL does not survive a restart.
		holdCommits: []string{
			"SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_COMMIT",
			"SET GLOBAL rpl_semi_sync_master_timeout = 600000",
			"SET GLOBAL rpl_semi_sync_master_enabled = ON",
		},
		heldCommits: "SELECT COUNT(*) FROM information_schema.processlist WHERE state = 'Waiting for semi-sync ACK from slave'",
		unhold:      []string{"SET GLOBAL rpl_semi_sync_master_enabled = OFF"},
	},
}

// bind turns '?' placeholders into $1, $2, … for PostgreSQL.
func (ft faultTarget) bind(q string) string {
	if !ft.dollar {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// faultEnv is one test's private server, its admin connection and the
// table the test writes to.
type faultEnv struct {
	ft    faultTarget
	srv   *testserver.Server
	admin *sql.DB // plain driver, one session, outside the app's database
	table string
}

func newFaultEnv(t *testing.T, ft faultTarget) *faultEnv {
	t.Helper()
	srv := ft.acquire(t)
	admin := srv.Admin(t)
	// One session, so that "every session but mine" is every session of
	// the application.
	admin.SetMaxOpenConns(1)
	e := &faultEnv{ft: ft, srv: srv, admin: admin, table: testdb.UniqueName("fault")}
	plain := e.plain(t)
	if _, err := plain.Exec(fmt.Sprintf(ft.createTable, e.table)); err != nil {
		t.Fatalf("create %s: %v", e.table, err)
	}
	plain.Close()
	t.Cleanup(func() {
		// The server may have been left stopped by a failed test; the
		// next test gets a fresh one and the table goes with the temp dir.
		if srv.Pid() == 0 {
			return
		}
		db, err := sql.Open(srv.DriverName(), srv.DSN())
		if err == nil {
			_, _ = db.Exec("DROP TABLE IF EXISTS " + e.table)
			db.Close()
		}
	})
	return e
}

// plain opens a fresh plain-driver pool on the application's database:
// no connection of it predates a restart.
func (e *faultEnv) plain(t *testing.T) *sql.DB {
	t.Helper()
	db := e.srv.Plain(t)
	db.SetMaxOpenConns(2)
	return db
}

// engine creates an alchemy Engine on the private server with the given
// URL query, disposed when the test ends.
func (e *faultEnv) engine(t *testing.T, query string) *alchemy.Engine {
	t.Helper()
	eng, err := alchemy.CreateEngine(e.srv.URL(query))
	if err != nil {
		t.Fatalf("CreateEngine: %v", err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// sessions lists the server's client sessions other than the admin's,
// retrying once over a connection a restart broke.
func (e *faultEnv) sessions(t *testing.T) []int64 {
	t.Helper()
	var ids []int64
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		ids, err = e.trySessions()
		if err == nil {
			return ids
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("listing sessions: %v", err)
	return nil
}

func (e *faultEnv) trySessions() ([]int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rows, err := e.admin.QueryContext(ctx, e.ft.sessionIDs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// killSessions ends every client session but the admin's and returns how
// many it ended.
func (e *faultEnv) killSessions(t *testing.T) int {
	t.Helper()
	n := 0
	for _, id := range e.sessions(t) {
		_, err := e.admin.Exec(fmt.Sprintf(e.ft.kill, id))
		if err != nil && strings.Contains(err.Error(), "Unknown thread id") {
			continue // it ended by itself meanwhile
		}
		if err != nil {
			t.Fatalf("kill session %d: %v", id, err)
		}
		n++
	}
	return n
}

// waitSessions waits up to d until at most max client sessions remain,
// and returns the last count.
func (e *faultEnv) waitSessions(t *testing.T, max int, d time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		n := len(e.sessions(t))
		if n <= max || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// storedIDs returns every row (id → n) of the test's table, read
// through a fresh plain-driver connection.
func (e *faultEnv) storedIDs(t *testing.T) map[int64]int {
	t.Helper()
	return e.storedRows(t, e.table)
}

// storedRows returns every row (id → n) of table, read through a fresh
// plain-driver connection.
func (e *faultEnv) storedRows(t *testing.T, table string) map[int64]int {
	t.Helper()
	db := e.plain(t)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rows, err := db.QueryContext(ctx, "SELECT id, n FROM "+table)
	if err != nil {
		t.Fatalf("reading %s back: %v", table, err)
	}
	defer rows.Close()
	got := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		got[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// ackLog records, per write, whether the application was told it
// committed.
type ackLog struct {
	mu     sync.Mutex
	acked  []int64
	failed []int64
	errs   map[string]int // error text (shortened) → count
}

func (a *ackLog) add(id int64, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err == nil {
		a.acked = append(a.acked, id)
		return
	}
	a.failed = append(a.failed, id)
	if a.errs == nil {
		a.errs = map[string]int{}
	}
	msg := err.Error()
	if len(msg) > 120 {
		msg = msg[:120]
	}
	a.errs[msg]++
}

func (a *ackLog) counts() (acked, failed int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.acked), len(a.failed)
}

// topErrors lists the most frequent error texts, for the log.
func (a *ackLog) topErrors(n int) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	type kv struct {
		msg string
		n   int
	}
	var all []kv
	for m, c := range a.errs {
		all = append(all, kv{m, c})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n })
	var b strings.Builder
	for i, e := range all {
		if i == n {
			break
		}
		fmt.Fprintf(&b, "\n\t%d× %s", e.n, e.msg)
	}
	return b.String()
}

// lost returns the acknowledged ids missing from stored.
func (a *ackLog) lost(stored map[int64]int) []int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []int64
	for _, id := range a.acked {
		if _, ok := stored[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

// waitFor polls cond every 10ms up to d and reports whether it held.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// isCancel reports whether err is the caller's own context ending.
func isCancel(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// firstN returns up to n elements of ids, for messages.
func firstN(ids []int64, n int) []int64 {
	if len(ids) > n {
		return ids[:n]
	}
	return ids
}
