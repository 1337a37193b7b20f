package alchemy_test

// Tests on a real 3-node MariaDB Galera cluster (internal/testserver's
// Galera: Debian's galera-4, nodes as the mysql user, rsync state
// transfer). They share one cluster, started once per test binary; the
// quorum test, which leaves it broken, comes last in this file, and the
// harness repairs the cluster for any test that asks for it afterwards.
// Every claim about what the cluster holds is checked through the plain
// driver, with wsrep_sync_wait=1 so that the checking node has applied
// everything committed anywhere before the check.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/internal/testserver"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// galeraPlain opens a plain-driver pool on node i whose reads wait for
// the node to catch up with the cluster (wsrep_sync_wait=1), closed when
// the test ends.
func galeraPlain(t *testing.T, g *testserver.GaleraCluster, i int) *sql.DB {
	t.Helper()
	dsn := g.Node(i).DSN()
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	db, err := sql.Open("mysql", dsn+sep+"wsrep_sync_wait=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// galeraEngine opens an engine on url, closed when the test ends.
func galeraEngine(t *testing.T, url string) *alchemy.Engine {
	t.Helper()
	eng, err := alchemy.CreateEngine(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// galeraSetup runs setup statements through a plain connection to node
// 1 and then reads table on every node with wsrep_sync_wait=1, which
// waits until that node has applied them: DDL is replicated in total
// order but each node runs it on its own time, and a test that went on
// at once could meet a node without its table. It returns the node-1
// connection.
func galeraSetup(t *testing.T, g *testserver.GaleraCluster, table string, stmts ...string) *sql.DB {
	t.Helper()
	db := galeraPlain(t, g, 0)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	for i := range testserver.GaleraNodes {
		var n int
		if err := galeraPlain(t, g, i).QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Fatalf("node %d: %s after setup: %v", i+1, table, err)
		}
	}
	return db
}

// mysqlErrNumber returns the server error number inside err, or 0.
func mysqlErrNumber(err error) uint16 {
	var me *gomysql.MySQLError
	if errors.As(err, &me) {
		return me.Number
	}
	return 0
}

// TestGaleraConflictingTransactions: three engines, each on a different
// node, run read-modify-write transactions on the same few counter rows.
// A SELECT … FOR UPDATE locks only on its own node, so two nodes can
// update the same row at once; Galera's certification lets the first
// writeset win and aborts the other with 1213, which BeginRetry retries.
// Afterwards every counter equals the number of successful increments,
// and each logical transaction's id is in the log exactly once: none was
// lost and none applied twice.
func TestGaleraConflictingTransactions(t *testing.T) {
	g := testserver.Galera(t)
	check := galeraSetup(t, g, "gx_counter",
		"DROP TABLE IF EXISTS gx_log, gx_counter",
		"CREATE TABLE gx_counter (id INT PRIMARY KEY, n INT NOT NULL)",
		// No unique key on tx_id: a transaction applied twice must show
		// as two rows, not as an error that hides it.
		"CREATE TABLE gx_log (seq BIGINT AUTO_INCREMENT PRIMARY KEY, tx_id VARCHAR(40) NOT NULL, counter INT NOT NULL)",
		"INSERT INTO gx_counter VALUES (1, 0), (2, 0)")
	t.Cleanup(func() { _, _ = check.Exec("DROP TABLE IF EXISTS gx_log, gx_counter") })

	var engines []*alchemy.Engine
	for i := range testserver.GaleraNodes {
		engines = append(engines, galeraEngine(t, g.Node(i).URL("pool_size=2&max_overflow=0")))
	}
	const perEngine, each = 2, 15 // 6 goroutines, 90 transactions on 2 rows
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var (
		mu        sync.Mutex
		done      = map[string]int{} // tx id -> counter, for the ones BeginRetry reported committed
		failed    []error
		retries   = map[uint16]int{} // error number of each retried attempt
		succeeded = map[int]int{}    // counter -> successful increments
	)
	var wg sync.WaitGroup
	for e, eng := range engines {
		for w := range perEngine {
			wg.Add(1)
			go func() {
				defer wg.Done()
				policy := alchemy.RetryPolicy{OnRetry: func(ev alchemy.RetryEvent) {
					mu.Lock()
					retries[mysqlErrNumber(ev.Err)]++
					mu.Unlock()
				}}
				for j := range each {
					id := fmt.Sprintf("n%d-w%d-%d", e+1, w, j)
					counter := 1 + rand.IntN(2)
					err := eng.BeginRetry(ctx, policy, func(c *alchemy.Conn) error {
						var n int
						if err := c.QueryRowContext(ctx, "SELECT n FROM gx_counter WHERE id = ? FOR UPDATE", counter).Scan(&n); err != nil {
							return err
						}
						if _, err := c.ExecContext(ctx, "UPDATE gx_counter SET n = ? WHERE id = ?", n+1, counter); err != nil {
							return err
						}
						_, err := c.ExecContext(ctx, "INSERT INTO gx_log (tx_id, counter) VALUES (?, ?)", id, counter)
						return err
					})
					mu.Lock()
					if err != nil {
						failed = append(failed, fmt.Errorf("%s: %w", id, err))
					} else {
						done[id] = counter
						succeeded[counter]++
					}
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	for _, err := range failed {
		t.Errorf("a transaction failed despite BeginRetry: %v", err)
	}

	// The log, read on node 3: each committed id once, no other id.
	rows, err := galeraPlain(t, g, 2).Query("SELECT tx_id, counter, COUNT(*) FROM gx_log GROUP BY tx_id, counter")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for rows.Next() {
		var id string
		var counter, n int
		if err := rows.Scan(&id, &counter, &n); err != nil {
			t.Fatal(err)
		}
		seen[id] = true
		want, ok := done[id]
		switch {
		case !ok:
			t.Errorf("tx %s is in the log but BeginRetry did not report it committed", id)
		case n != 1:
			t.Errorf("tx %s committed %d times", id, n)
		case counter != want:
			t.Errorf("tx %s logged counter %d, want %d", id, counter, want)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	for id := range done {
		if !seen[id] {
			t.Errorf("tx %s was reported committed but is not in the log", id)
		}
	}
	// The counters, read on node 2.
	for counter := 1; counter <= 2; counter++ {
		var n int
		if err := galeraPlain(t, g, 1).QueryRow("SELECT n FROM gx_counter WHERE id = ?", counter).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != succeeded[counter] {
			t.Errorf("counter %d = %d, want %d (the successful increments)", counter, n, succeeded[counter])
		}
	}
	t.Logf("%d transactions committed across 3 nodes; retried attempts by error number: %v", len(done), retries)
	// Certification conflicts are the point of the test: without one it
	// proved nothing about them. Two hot rows written from three nodes by
	// six goroutines produce dozens in every run seen.
	if retries[1213] == 0 {
		t.Errorf("no attempt failed with 1213; the workload did not make Galera conflicts")
	}
	for num := range retries {
		if num != 1213 {
			t.Errorf("attempts retried after error %d; only certification conflicts (1213) were expected", num)
		}
	}
}

// TestGaleraCreateAllVisibleOnOtherNodes: CreateAll of tables joined by
// foreign keys, one of them closing a cycle and one declared UseAlter,
// through node 1. Galera replicates DDL in total order (TOI); inspected
// on nodes 2 and 3 (wsrep_sync_wait=1 in the URL, so that the catalog
// queries wait for the DDL to be applied there) every table and key is
// there. DropAll through node 3 removes them everywhere.
func TestGaleraCreateAllVisibleOnOtherNodes(t *testing.T) {
	g := testserver.Galera(t)
	md := metadata.New()
	md.Table("gc_x",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("y_id", nil, metadata.ForeignKey("gc_y.id")))
	md.Table("gc_y",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("z_id", nil, metadata.ForeignKey("gc_z.id")))
	md.Table("gc_z",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("x_id", nil, metadata.ForeignKey("gc_x.id", metadata.Named("fk_gc_z_x"), metadata.OnDelete("CASCADE"))))
	md.Table("gc_w",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("x_id", nil, metadata.ForeignKey("gc_x.id", metadata.Named("fk_gc_w_x"), metadata.UseAlter())))
	if err := md.Err(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	writer := galeraEngine(t, g.Node(0).URL(""))
	var ddl []string
	if err := md.CreateAll(ctx, writer, metadata.Echo(func(s string) { ddl = append(ddl, s) })); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = md.DropAll(context.Background(), galeraEngine(t, g.Node(0).URL(""))) })
	alters := 0
	for _, s := range ddl {
		if strings.HasPrefix(s, "ALTER TABLE") {
			alters++
		}
	}
	if alters < 2 {
		t.Errorf("CreateAll ran %d ALTER TABLE statements, want the cycle's and the UseAlter key's:\n%s", alters, strings.Join(ddl, "\n"))
	}
	want := map[string]string{"gc_x": "gc_y", "gc_y": "gc_z", "gc_z": "gc_x", "gc_w": "gc_x"}
	for _, node := range []int{1, 2} {
		reader := galeraEngine(t, g.Node(node).URL("wsrep_sync_wait=1"))
		// A read of a table waits (wsrep_sync_wait=1) until this node has
		// applied everything committed before it, the DDL included; the
		// catalog queries that follow then see the node's final state.
		var n int
		if err := reader.QueryRowContext(ctx, "SELECT COUNT(*) FROM gc_w").Scan(&n); err != nil {
			t.Fatalf("node %d: %v", node+1, err)
		}
		in, err := metadata.Inspect(ctx, reader)
		if err != nil {
			t.Fatal(err)
		}
		names, err := in.TableNames(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for table, ref := range want {
			if !slices.Contains(names, table) {
				t.Errorf("node %d: table %s missing (has %v)", node+1, table, names)
				continue
			}
			fks, err := in.ForeignKeys(ctx, table)
			if err != nil {
				t.Fatal(err)
			}
			if len(fks) != 1 || fks[0].RefTable != ref {
				t.Errorf("node %d: %s has foreign keys %+v, want one to %s", node+1, table, fks, ref)
			}
		}
		// Reflect reads them back as MetaData too, keys resolved.
		rmd := metadata.New()
		if err := rmd.Reflect(ctx, reader, metadata.Only("gc_w", "gc_x", "gc_y", "gc_z")); err != nil {
			t.Fatalf("node %d: Reflect: %v", node+1, err)
		}
		if got := rmd.Keys(); len(got) != 4 {
			t.Errorf("node %d: reflected %v, want the 4 tables", node+1, got)
		}
	}
	if err := md.DropAll(ctx, galeraEngine(t, g.Node(2).URL(""))); err != nil {
		t.Fatalf("DropAll through node 3: %v", err)
	}
	var left int
	if err := galeraPlain(t, g, 0).QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'test' AND table_name LIKE 'gc\\_%'").Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("node 1 still has %d gc_ tables after DropAll through node 3", left)
	}
}

// TestGaleraKillNodeFailover: an engine on the host-list URL writes
// through node 1; node 1 is killed (SIGKILL). The connections to it fail,
// the pool invalidates them and marks node 1 down, and the next
// connection goes to node 2. The time from the kill to the first
// successful commit is measured and logged — it is mostly the time the
// survivors take to evict the dead node (evs.suspect_timeout, 5 s by
// default), during which their commits wait. Every write acknowledged
// before or after the kill is in the cluster afterwards. When node 1 has
// rejoined and host_retry_after has passed, new connections go back to it.
func TestGaleraKillNodeFailover(t *testing.T) {
	g := testserver.Galera(t)
	check := galeraSetup(t, g, "gk_writes",
		"DROP TABLE IF EXISTS gk_writes",
		"CREATE TABLE gk_writes (id INT PRIMARY KEY, node VARCHAR(16) NOT NULL)")
	t.Cleanup(func() { _, _ = check.Exec("DROP TABLE IF EXISTS gk_writes") })

	// host_retry_after=15: longer than the failover takes, shorter than
	// the default 30 s, so that the fail back is seen within the test.
	const retryAfter = 15 * time.Second
	eng := galeraEngine(t, g.URL(fmt.Sprintf("pool_size=4&max_overflow=0&host_retry_after=%d", int(retryAfter.Seconds()))))
	ctx := context.Background()
	nodeOf := func() (string, error) {
		var name string
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		err := eng.QueryRowContext(c, "SELECT @@wsrep_node_name").Scan(&name)
		return name, err
	}
	if n, err := nodeOf(); err != nil || n != "node1" {
		t.Fatalf("the host list's first node serves the engine: got %q, %v; want node1", n, err)
	}
	var acked []int
	write := func(id int) error {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		_, err := eng.ExecContext(c, "INSERT INTO gk_writes VALUES (?, @@wsrep_node_name)", id)
		if err == nil {
			acked = append(acked, id)
		}
		return err
	}
	// Fill the pool with connections to node 1: all of them must be
	// dropped, not just the one that notices first.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = eng.Begin(ctx, func(c *alchemy.Conn) error { time.Sleep(50 * time.Millisecond); return nil })
		}()
	}
	wg.Wait()
	id := 1
	for ; id <= 20; id++ {
		if err := write(id); err != nil {
			t.Fatalf("write %d before the kill: %v", id, err)
		}
	}
	before := eng.Pool().Stats()

	killed := time.Now()
	g.Kill(t, 0)
	var errs []error
	var resumed time.Duration
	for time.Since(killed) < 60*time.Second {
		err := write(id)
		id++
		if err == nil {
			resumed = time.Since(killed)
			break
		}
		errs = append(errs, err)
		time.Sleep(10 * time.Millisecond)
	}
	if resumed == 0 {
		t.Fatalf("no write succeeded within 60 s of killing node 1; %d errors, last: %v", len(errs), errs[len(errs)-1])
	}
	for range 20 { // and it goes on working
		if err := write(id); err != nil {
			t.Fatalf("write %d after failing over: %v", id, err)
		}
		id++
	}
	n, err := nodeOf()
	if err != nil || n != "node2" {
		t.Errorf("after the kill the engine is on %q (%v), want node2, the next in the host list", n, err)
	}
	after := eng.Pool().Stats()
	c, err := alchemy.ConnectorOf(ctx, eng.DB())
	if err != nil {
		t.Fatal(err)
	}
	st := c.Underlying().(interface{ Servers() []mysql.ServerState }).Servers()
	if !st[0].Down || st[1].Down {
		t.Errorf("servers = %+v, want node 1 marked down and node 2 up", st)
	}
	first := "none"
	if len(errs) > 0 {
		first = errs[0].Error()
	}
	t.Logf("failover: first commit %v after SIGKILL of node 1; %d failed writes before it (first: %s); pool opens %d→%d, invalidations %d→%d",
		resumed.Round(time.Millisecond), len(errs), first, before.Opens, after.Opens, before.Invalidations, after.Invalidations)

	// Acknowledged writes are all there, on each surviving node.
	for _, node := range []int{1, 2} {
		var got []int
		rows, err := galeraPlain(t, g, node).Query("SELECT id FROM gk_writes ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		rows.Close()
		for _, a := range acked {
			if _, found := slices.BinarySearch(got, a); !found {
				t.Errorf("node %d: acknowledged write %d is missing", node+1, a)
			}
		}
	}

	// Fail back: node 1 rejoins; once host_retry_after has passed since it
	// was marked down, new connections go to it first again. Those
	// already on node 2 stay until they are recycled, so the pool is
	// disposed to make the next query dial.
	g.Rejoin(t, 0)
	for deadline := killed.Add(retryAfter + 10*time.Second); c.Underlying().(interface{ Servers() []mysql.ServerState }).Servers()[0].Down; {
		if time.Now().After(deadline) {
			t.Fatalf("node 1 still marked down %v after the kill, with host_retry_after=%v", time.Since(killed), retryAfter)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if since := time.Since(killed); since < retryAfter {
		t.Errorf("node 1 usable again %v after it was marked down, before host_retry_after=%v", since, retryAfter)
	}
	eng.Dispose()
	if n, err := nodeOf(); err != nil || n != "node1" {
		t.Errorf("after host_retry_after the engine is on %q (%v), want node1 again (fail back)", n, err)
	}
}

// galeraSyncWaitRun is one wsrep_sync_wait measurement: n commits on
// node 1, each followed at once by an operation on node 2 through an
// engine whose URL sets wsrep_sync_wait; the runs of the settings
// compared are interleaved, one iteration each in turn.
type galeraSyncWaitRun struct {
	name   string
	wait   int
	eng    *alchemy.Engine
	misses int
	why    map[string]int // what each miss was
	cost   []time.Duration
}

// TestGaleraSyncWait measures what wsrep_sync_wait buys and costs. A
// read on node 2 right after a commit on node 1 may miss the row without
// it (the writeset is certified everywhere but applied on node 2 a little
// later); with wsrep_sync_wait=1 the read waits until node 2 has caught
// up. A child row inserted on node 2 right after its parent's commit on
// node 1 may fail its foreign key check without it; that needs the
// INSERT bit (4) too: wsrep_sync_wait=7. The check that the waiting
// settings never miss runs always (50 iterations); the measurement of
// the misses and the per-operation cost runs with ALCHEMY_MEASURE=1
// (400 iterations) and asserts no timing.
func TestGaleraSyncWait(t *testing.T) {
	g := testserver.Galera(t)
	iterations := 50
	if os.Getenv("ALCHEMY_MEASURE") == "1" {
		iterations = 400
	}
	check := galeraSetup(t, g, "gs_child",
		"DROP TABLE IF EXISTS gs_child, gs_parent, gs_read",
		"CREATE TABLE gs_read (id INT PRIMARY KEY, v INT NOT NULL)",
		"CREATE TABLE gs_parent (id INT PRIMARY KEY)",
		"CREATE TABLE gs_child (id INT PRIMARY KEY, parent_id INT NOT NULL, FOREIGN KEY (parent_id) REFERENCES gs_parent (id))")
	t.Cleanup(func() { _, _ = check.Exec("DROP TABLE IF EXISTS gs_child, gs_parent, gs_read") })
	writer := galeraEngine(t, g.Node(0).URL("pool_size=1&max_overflow=0"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := func(runs []*galeraSyncWaitRun, op func(r *galeraSyncWaitRun, id int) (miss string, err error)) {
		t.Helper()
		id := 0
		for range iterations {
			for _, r := range runs {
				id++
				miss, err := op(r, id)
				if err != nil {
					t.Fatalf("%s: %v", r.name, err)
				}
				if miss != "" {
					r.misses++
					r.why[miss]++
				}
			}
		}
	}
	newRuns := func(op string, waits ...int) []*galeraSyncWaitRun {
		var runs []*galeraSyncWaitRun
		for _, w := range waits {
			eng := galeraEngine(t, g.Node(1).URL(fmt.Sprintf("pool_size=1&max_overflow=0&wsrep_sync_wait=%d", w)))
			var got int
			if err := eng.QueryRowContext(ctx, "SELECT @@session.wsrep_sync_wait").Scan(&got); err != nil || got != w {
				t.Fatalf("the URL's wsrep_sync_wait=%d did not reach the session: %d, %v", w, got, err)
			}
			runs = append(runs, &galeraSyncWaitRun{name: fmt.Sprintf("%s, wsrep_sync_wait=%d", op, w), wait: w, eng: eng, why: map[string]int{}})
		}
		return runs
	}

	reads := newRuns("read after commit", 0, 1)
	run(reads, func(r *galeraSyncWaitRun, id int) (string, error) {
		if _, err := writer.ExecContext(ctx, "INSERT INTO gs_read VALUES (?, 1)", id); err != nil {
			return "", err
		}
		start := time.Now()
		var n int
		err := r.eng.QueryRowContext(ctx, "SELECT COUNT(*) FROM gs_read WHERE id = ?", id).Scan(&n)
		r.cost = append(r.cost, time.Since(start))
		if err == nil && n == 0 {
			return "row not there yet", nil
		}
		return "", err
	})
	// The same read with no write just before it: what the causality
	// check costs by itself (a round trip through the group).
	quiet := newRuns("read, no write before it", 0, 1)
	run(quiet, func(r *galeraSyncWaitRun, id int) (string, error) {
		start := time.Now()
		var n int
		err := r.eng.QueryRowContext(ctx, "SELECT COUNT(*) FROM gs_read WHERE id = ?", 1).Scan(&n)
		r.cost = append(r.cost, time.Since(start))
		if err == nil && n != 1 {
			return "row written before the loop not there", nil
		}
		return "", err
	})
	children := newRuns("child INSERT after parent commit", 0, 7)
	run(children, func(r *galeraSyncWaitRun, id int) (string, error) {
		if _, err := writer.ExecContext(ctx, "INSERT INTO gs_parent VALUES (?)", id); err != nil {
			return "", err
		}
		start := time.Now()
		_, err := r.eng.ExecContext(ctx, "INSERT INTO gs_child VALUES (?, ?)", id, id)
		r.cost = append(r.cost, time.Since(start))
		switch {
		case errors.Is(err, alchemy.ErrForeignKeyViolation):
			return "1452 no parent yet", nil // the parent was not applied on node 2 yet
		case mysqlErrNumber(err) == 1213:
			// The parent's writeset arrived while the child's INSERT held
			// its locks: the applier aborted the INSERT.
			return "1213 aborted by the parent's applier", nil
		}
		return "", err
	})
	for _, r := range slices.Concat(reads, quiet, children) {
		sort.Slice(r.cost, func(i, j int) bool { return r.cost[i] < r.cost[j] })
		var sum time.Duration
		for _, c := range r.cost {
			sum += c
		}
		t.Logf("%-48s misses %3d/%d %v; cost per operation: mean %4dµs, median %4dµs, p90 %4dµs",
			r.name, r.misses, iterations, r.why, (sum / time.Duration(len(r.cost))).Microseconds(),
			r.cost[len(r.cost)/2].Microseconds(), r.cost[len(r.cost)*9/10].Microseconds())
		if r.wait != 0 && r.misses != 0 {
			t.Errorf("%s: %d misses; Galera's causality wait should leave none", r.name, r.misses)
		}
	}
}

// TestGaleraNodeUnusable: a node outside the primary component answers
// every query with 1047 ("WSREP has not yet prepared node for
// application use") and a COMMIT it cannot replicate with 1047 or 1180.
// alchemy classifies them as disconnects: the connection is invalidated
// and not reused, BeginRetry may retry, and with a host list the node is
// marked down and the next connection goes to a node that is still in
// the primary component. First one node is cut off while the other two
// keep the quorum (gmcast.isolate); then two nodes are killed, a real
// quorum loss. The cluster is left broken; testserver.Galera repairs it
// for any later test (pc.bootstrap on the survivor, restart the others).
func TestGaleraNodeUnusable(t *testing.T) {
	g := testserver.Galera(t)
	galeraSetup(t, g, "gq_rows",
		"DROP TABLE IF EXISTS gq_rows",
		"CREATE TABLE gq_rows (id INT PRIMARY KEY)",
		"INSERT INTO gq_rows VALUES (1)")
	ctx := context.Background()
	d := mysql.Dialect
	nonPrimary := func(st testserver.GaleraStatus) bool { return st.ClusterStatus != "Primary" }

	t.Run("isolated node, host list moves on", func(t *testing.T) {
		// Node 3 first in the list, then node 1 and node 2.
		eng := galeraEngine(t, g.URLOf("pool_size=2&max_overflow=0", g.Addr(2), g.Addr(0), g.Addr(1)))
		var name string
		if err := eng.QueryRowContext(ctx, "SELECT @@wsrep_node_name").Scan(&name); err != nil || name != "node3" {
			t.Fatalf("engine on %q (%v), want node3", name, err)
		}
		// A second engine on the same list, also on node 3, for BeginRetry.
		retrying := galeraEngine(t, g.URLOf("pool_size=1&max_overflow=0", g.Addr(2), g.Addr(0), g.Addr(1)))
		if err := retrying.QueryRowContext(ctx, "SELECT @@wsrep_node_name").Scan(&name); err != nil || name != "node3" {
			t.Fatalf("second engine on %q (%v), want node3", name, err)
		}
		admin := g.Node(2).Admin(t)
		if _, err := admin.Exec("SET GLOBAL wsrep_provider_options = 'gmcast.isolate=1'"); err != nil {
			t.Fatalf("gmcast.isolate: %v", err)
		}
		t.Cleanup(func() { _, _ = admin.Exec("SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'") })
		if st, err := g.WaitStatus(2, 30*time.Second, nonPrimary); err != nil {
			t.Fatalf("node 3 still primary after gmcast.isolate=1: %+v, %v", st, err)
		}
		cut := time.Now()
		var errs []error
		for len(errs) < 10 {
			var n int
			err := eng.QueryRowContext(ctx, "SELECT COUNT(*) FROM gq_rows").Scan(&n)
			if err == nil {
				break
			}
			errs = append(errs, err)
		}
		if len(errs) == 0 {
			t.Fatal("the isolated node answered a query")
		}
		for _, err := range errs {
			if num := mysqlErrNumber(err); num != 1047 || d.Kind(err) != dialects.KindDisconnect || !d.ServerGone(err) {
				t.Errorf("isolated node's error: number %d, kind %v, server gone %v; want 1047, a disconnect: %v", num, d.Kind(err), d.ServerGone(err), err)
			}
		}
		if err := eng.QueryRowContext(ctx, "SELECT @@wsrep_node_name").Scan(&name); err != nil || name != "node1" {
			t.Fatalf("after node 3 was cut off the engine is on %q (%v), want node1, the next in the list", name, err)
		}
		c, err := alchemy.ConnectorOf(ctx, eng.DB())
		if err != nil {
			t.Fatal(err)
		}
		if st := c.Underlying().(interface{ Servers() []mysql.ServerState }).Servers(); !st[0].Down {
			t.Errorf("servers = %+v, want node 3 marked down", st)
		}
		t.Logf("isolated node: %d failed queries, then node1 after %v", len(errs), time.Since(cut).Round(time.Millisecond))

		// The session on the cut-off node is alive, so checkout does not
		// find it out; the transaction's first statement does. BeginRetry
		// takes its 1047 as a lost connection and runs the transaction
		// again, on the next node.
		var retried []error
		var ranOn string
		err = retrying.BeginRetry(ctx, alchemy.RetryPolicy{OnRetry: func(ev alchemy.RetryEvent) { retried = append(retried, ev.Err) }},
			func(c *alchemy.Conn) error {
				if err := c.QueryRowContext(ctx, "SELECT @@wsrep_node_name").Scan(&ranOn); err != nil {
					return err
				}
				_, err := c.ExecContext(ctx, "INSERT INTO gq_rows VALUES (10)")
				return err
			})
		if err != nil {
			t.Fatalf("BeginRetry on a host list whose first node is cut off: %v", err)
		}
		if len(retried) != 1 || mysqlErrNumber(retried[0]) != 1047 || ranOn != "node1" {
			t.Errorf("BeginRetry retried after %v and committed on %s; want one retry after 1047, then node1", retried, ranOn)
		}
		var n int
		if err := galeraPlain(t, g, 1).QueryRow("SELECT COUNT(*) FROM gq_rows WHERE id = 10").Scan(&n); err != nil || n != 1 {
			t.Errorf("node 2 has %d rows with id 10 (%v), want the one BeginRetry committed", n, err)
		}
		if _, err := admin.Exec("SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'"); err != nil {
			t.Fatal(err)
		}
		if st, err := g.WaitStatus(2, 60*time.Second, func(st testserver.GaleraStatus) bool {
			return st.ClusterStatus == "Primary" && st.ClusterSize == 3 && st.LocalState == "Synced"
		}); err != nil {
			t.Fatalf("node 3 did not rejoin after gmcast.isolate=0: %+v, %v", st, err)
		}
	})

	t.Run("quorum lost", func(t *testing.T) {
		// One connection only, so that reusing it would be seen.
		eng := galeraEngine(t, g.Node(2).URL("pool_size=1&max_overflow=0"))
		var before int64
		if err := eng.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&before); err != nil {
			t.Fatal(err)
		}
		// A transaction with a write, open while the quorum goes.
		open := galeraEngine(t, g.Node(2).URL("pool_size=1&max_overflow=0"))
		tx, err := open.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Close()
		if err := tx.BeginTx(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO gq_rows VALUES (2)"); err != nil {
			t.Fatal(err)
		}
		g.Kill(t, 0)
		g.Kill(t, 1)
		lost := time.Now()
		if st, err := g.WaitStatus(2, 60*time.Second, nonPrimary); err != nil {
			t.Fatalf("node 3 still primary after two nodes died: %+v, %v", st, err)
		}
		t.Logf("node 3 left the primary component %v after the kills", time.Since(lost).Round(time.Millisecond))

		commitErr := tx.Commit(ctx)
		var n int
		queryErr := eng.QueryRowContext(ctx, "SELECT COUNT(*) FROM gq_rows").Scan(&n)
		for _, c := range []struct {
			what string
			err  error
			nums []uint16
		}{
			{"COMMIT", commitErr, []uint16{1047, 1180}},
			{"SELECT", queryErr, []uint16{1047}},
		} {
			if c.err == nil {
				t.Errorf("%s on a node without quorum succeeded", c.what)
				continue
			}
			num := mysqlErrNumber(c.err)
			t.Logf("%s without quorum: %v", c.what, c.err)
			if !slices.Contains(c.nums, num) {
				t.Errorf("%s: error number %d, want one of %v: %v", c.what, num, c.nums, c.err)
			}
			if !d.Disconnected(c.err) || !d.ServerGone(c.err) || d.Kind(c.err) != dialects.KindDisconnect {
				t.Errorf("%s: %v is not classified as node-unusable (disconnected %v, server gone %v, kind %v)",
					c.what, c.err, d.Disconnected(c.err), d.ServerGone(c.err), d.Kind(c.err))
			}
		}
		if errors.Is(commitErr, alchemy.ErrCommitUnknown) {
			t.Logf("the COMMIT's outcome is reported unknown, as for a lost connection")
		}
		// The connection that got 1047 was invalidated: the next checkout
		// opens a new session (SHOW is still answered without quorum).
		var name string
		var after int64
		if err := eng.QueryRowContext(ctx, "SHOW SESSION VARIABLES LIKE 'pseudo_thread_id'").Scan(&name, &after); err != nil {
			t.Fatal(err)
		}
		if after == before {
			t.Errorf("the connection that got 1047 (session %d) was reused", before)
		}
		if st := eng.Pool().Stats(); st.Invalidations == 0 || st.Opens < 2 {
			t.Errorf("pool stats %+v: want the connection invalidated and a new one opened", st)
		}
	})
}
