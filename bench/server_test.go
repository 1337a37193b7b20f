package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestRunPostgres sweeps 2 pool sizes × 2 concurrencies on a database of
// its own on the server named by ALCHEMY_TEST_POSTGRES_URL: every pool
// has its rows, alchemy never holds more server connections than
// size+overflow (asked of pg_stat_activity), and nothing is left behind.
func TestRunPostgres(t *testing.T) {
	url := testdb.Postgres(t) // skips, saying how to enable it, when the variable is unset
	admin := testdb.PostgresAdmin(t)
	dbName := url[strings.LastIndex(url, "/")+1:]
	if i := strings.IndexByte(dbName, '?'); i >= 0 {
		dbName = dbName[:i]
	}
	out := t.TempDir()
	code, stdout, stderr := runTool(t, context.Background(), "-url", url,
		"-workload", "point-select", "-pool-size", "2,4", "-max-overflow", "1", "-concurrency", "4,16",
		"-duration", "800ms", "-warmup", "400ms", "-out", out) // long enough that a loaded machine still completes operations in every cell
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	rows := checkOutputs(t, stdout, out)
	seen := map[string]int{}
	for _, r := range rows {
		seen[r["pool"]]++
		budget := atoi(t, r["pool_size"]) + atoi(t, r["max_overflow"])
		n := atoi(t, r["max_conns"])
		if r["conns_counted_by"] != countedByServer || n < 1 {
			t.Errorf("row %v: max_conns %d counted by %s, want >= 1 counted by the server", r, n, r["conns_counted_by"])
		}
		if r["pool"] == poolAlchemy && n > budget {
			t.Errorf("row %v: alchemy held %d server connections, over its budget of %d", r, n, budget)
		}
		if atof(t, r["ops_per_s"]) <= 0 || r["errors"] != "0" {
			t.Errorf("row %v: want operations and no errors", r)
		}
	}
	// The alchemy rows carry the pool's own timings from its events.
	b, err := os.ReadFile(filepath.Join(out, jsonName))
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if (r.Pool == poolAlchemy) != (r.UseMeanMS > 0) {
			t.Errorf("%s %d/%d at %d: use_mean_ms %v, want > 0 exactly for alchemy", r.Pool, r.PoolSize, r.MaxOverflow, r.Concurrency, r.UseMeanMS)
		}
		if r.Pool != poolAlchemy && r.CreateMeanMS != 0 {
			t.Errorf("%s: create_mean_ms %v, want none", r.Pool, r.CreateMeanMS)
		}
	}
	for _, p := range []string{poolAlchemy, poolDatabase, poolPgx} {
		if seen[p] != 4 {
			t.Errorf("%d rows for %s, want one per cell (4)", seen[p], p)
		}
	}
	var tables int
	if err := queryIn(t, url, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'alchemy_bench%'", &tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("%d benchmark tables left behind", tables)
	}
	waitNoBackends(t, admin, dbName)
}

// waitNoBackends checks that every pool was closed: no connection to the
// database is left (backends take a moment to exit).
func waitNoBackends(t *testing.T, admin *sql.DB, dbName string) {
	t.Helper()
	var n int
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if err := admin.QueryRow("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'alchemy_bench%'", dbName).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Errorf("%d connections of the tool still open after it returned", n)
}

// queryIn runs a one-value query on the database at url through alchemy.
func queryIn(t *testing.T, url, query string, dest any) error {
	t.Helper()
	db, err := sql.Open("alchemy", url)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return db.QueryRowContext(ctx, query).Scan(dest)
}

// TestRunMySQL runs one cell on the server named by
// ALCHEMY_TEST_MYSQL_URL: alchemy and database/sql rows, connections
// counted from the process list.
func TestRunMySQL(t *testing.T) {
	url := testdb.MySQL(t)
	out := t.TempDir()
	code, stdout, stderr := runTool(t, context.Background(), "-url", url,
		"-workload", "point-select,slow", "-pool-size", "2", "-max-overflow", "1", "-concurrency", "6",
		"-duration", "300ms", "-warmup", "100ms", "-hold", "2ms", "-out", out)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	rows := checkOutputs(t, stdout, out)
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 2 workloads × 2 pools", len(rows))
	}
	for _, r := range rows {
		n := atoi(t, r["max_conns"])
		if r["conns_counted_by"] != countedByServer || n < 1 || n > 3 {
			t.Errorf("row %v: max_conns %d counted by %s, want 1..3 counted by the server", r, n, r["conns_counted_by"])
		}
		if atof(t, r["ops_per_s"]) <= 0 || r["errors"] != "0" {
			t.Errorf("row %v: want operations and no errors", r)
		}
	}
	var tables int
	q := "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'alchemy_bench%'"
	if err := queryIn(t, url, q, &tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("%d benchmark tables left behind", tables)
	}
}
