package testserver

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// TestPGClusterLifecycle: a row committed on the primary reaches the
// standby, which is in recovery and refuses writes; after the primary is
// stopped and the standby promoted, the promoted server takes writes and
// still holds the row. The cluster's processes are gone after Close.
func TestPGClusterLifecycle(t *testing.T) {
	start := time.Now()
	c := PostgresCluster(t, PGClusterOptions{Slot: "ts_standby"})
	t.Logf("cluster started in %v (primary port %d, standby port %d)", time.Since(start).Round(time.Millisecond), c.Primary.Port(), c.Standby.Port())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	primary, standby := c.Primary.Plain(t), c.Standby.Plain(t)
	if _, err := primary.ExecContext(ctx, "CREATE TABLE ts_probe (id int)"); err != nil {
		t.Fatal(err)
	}
	if _, err := primary.ExecContext(ctx, "INSERT INTO ts_probe VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	c.CatchUp(t)
	recovering := func(db *sql.DB) bool {
		t.Helper()
		var r bool
		if err := db.QueryRowContext(ctx, "SELECT pg_is_in_recovery()").Scan(&r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if recovering(primary) || !recovering(standby) {
		t.Fatal("the primary is in recovery or the standby is not")
	}
	var n int
	if err := standby.QueryRowContext(ctx, "SELECT count(*) FROM ts_probe").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the standby holds %d rows (%v), want 1", n, err)
	}
	if _, err := standby.ExecContext(ctx, "INSERT INTO ts_probe VALUES (2)"); err == nil {
		t.Fatal("the standby accepted a write")
	}
	var slot string
	if err := primary.QueryRowContext(ctx, "SELECT slot_name FROM pg_replication_slots WHERE active").Scan(&slot); err != nil || slot != "ts_standby" {
		t.Errorf("active slot %q (%v), want ts_standby", slot, err)
	}

	pid := c.Primary.Pid()
	c.Primary.Stop(t, Immediate)
	if m := groupMembers(pid); len(m) != 0 {
		t.Fatalf("the primary's processes %v outlived Stop", m)
	}
	took := c.Promote(t)
	t.Logf("promotion took %v", took.Round(time.Millisecond))
	promoted := c.Standby.Plain(t)
	if recovering(promoted) {
		t.Fatal("the promoted standby is still in recovery")
	}
	if _, err := promoted.ExecContext(ctx, "INSERT INTO ts_probe VALUES (2)"); err != nil {
		t.Fatalf("a write on the promoted standby: %v", err)
	}
	if err := promoted.QueryRowContext(ctx, "SELECT count(*) FROM ts_probe").Scan(&n); err != nil || n != 2 {
		t.Fatalf("the promoted server holds %d rows (%v), want 2", n, err)
	}
}
