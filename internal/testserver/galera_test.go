package testserver

import (
	"context"
	"testing"
	"time"
)

// TestGaleraHarness: the cluster starts with three Synced nodes running
// as mysql, a row written on node 1 is read on node 3, and after two
// nodes are killed (the quorum lost) repair brings all three back.
func TestGaleraHarness(t *testing.T) {
	t0 := time.Now()
	g := Galera(t)
	t.Logf("cluster up in %v", time.Since(t0))
	for i := range GaleraNodes {
		if uid := processUser(t, g.Node(i).Pid()); uid == "0" {
			t.Errorf("Galera node %d runs as root", i+1)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w := g.Node(0).Plain(t)
	if _, err := w.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS ts_galera (id INT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	defer w.Exec("DROP TABLE IF EXISTS ts_galera")
	if _, err := w.ExecContext(ctx, "INSERT INTO ts_galera VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	r := g.Node(2).Plain(t)
	r.SetMaxOpenConns(1)
	// wsrep_sync_wait=1: the read waits until node 3 has applied what the
	// cluster committed before it.
	if _, err := r.ExecContext(ctx, "SET SESSION wsrep_sync_wait = 1"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := r.QueryRowContext(ctx, "SELECT count(*) FROM ts_galera").Scan(&n); err != nil || n != 1 {
		t.Fatalf("node 3 sees %d rows (%v), want the 1 written on node 1", n, err)
	}
	g.Kill(t, 1)
	if g.Node(1).Pid() != 0 {
		t.Fatal("killed node still has a pid")
	}
	// A quorum loss, repaired as the next test's Galera call would:
	// the survivor founds a new primary component, the others rejoin.
	g.Kill(t, 0)
	g.Kill(t, 1)
	if st, err := g.WaitStatus(2, time.Minute, func(st GaleraStatus) bool { return st.ClusterStatus != "Primary" }); err != nil {
		t.Fatalf("node 3 kept a primary component alone: %+v, %v", st, err)
	}
	t1 := time.Now()
	if err := g.repair(); err != nil {
		t.Fatal(err)
	}
	t.Logf("repaired in %v", time.Since(t1))
	for i := range GaleraNodes {
		st, err := g.Status(ctx, i)
		if err != nil || st.ClusterSize != 3 || st.LocalState != "Synced" || st.ClusterStatus != "Primary" {
			t.Fatalf("node %d after repair: %+v, %v", i+1, st, err)
		}
	}
	// The row written before the quorum loss is on the rejoined nodes.
	if err := g.Node(0).Plain(t).QueryRowContext(ctx, "SELECT count(*) FROM ts_galera").Scan(&n); err != nil || n != 1 {
		t.Fatalf("node 1 after repair sees %d rows (%v), want 1", n, err)
	}
}
