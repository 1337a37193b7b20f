package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// hangLimit fails a test whose run of the tool does not return: bad
// input must never hang.
const hangLimit = 3 * time.Minute

// runTool runs the tool in-process and returns its exit status, stdout
// and stderr.
func runTool(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, &stdout, &stderr) }()
	select {
	case code := <-done:
		return code, stdout.String(), stderr.String()
	case <-time.After(hangLimit):
		t.Fatalf("alchemy-bench %q did not return within %v", args, hangLimit)
		return 0, "", ""
	}
}

// tableRows returns the rows of the terminal table, header first, split
// on blanks.
func tableRows(t *testing.T, stdout string) [][]string {
	t.Helper()
	var rows [][]string
	in := false
	for _, line := range strings.Split(stdout, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) > 0 && f[0] == tableTitles[0]:
			in = true
		case len(f) == 0:
			if in {
				return rows
			}
			continue
		}
		if in {
			rows = append(rows, f)
		}
	}
	t.Fatalf("no table in the output:\n%s", stdout)
	return nil
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// checkOutputs checks that the table, the CSV, the JSON and the chart
// agree and returns the CSV's records as maps by column.
func checkOutputs(t *testing.T, stdout, dir string) []map[string]string {
	t.Helper()
	table := tableRows(t, stdout)
	recs := readCSV(t, filepath.Join(dir, csvName))
	if diff := cmp.Diff(columns, recs[0]); diff != "" {
		t.Errorf("CSV header (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(tableTitles, table[0]); diff != "" {
		t.Errorf("table header (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(recs[1:], table[1:]); diff != "" {
		t.Errorf("the table and the CSV differ (-csv +table):\n%s", diff)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range columns {
			m[c] = r[i]
		}
		rows = append(rows, m)
	}

	b, err := os.ReadFile(filepath.Join(dir, jsonName))
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("%s: %v", jsonName, err)
	}
	if len(rep.Results) != len(rows) {
		t.Fatalf("JSON has %d results, CSV %d", len(rep.Results), len(rows))
	}
	for i, j := range rep.Results {
		r := rows[i]
		got := []string{j.Workload, j.Pool, strconv.FormatFloat(j.OpsPerS, 'f', 0, 64), strconv.FormatFloat(j.P99MS, 'f', 3, 64), strconv.Itoa(j.MaxConns)}
		want := []string{r["workload"], r["pool"], r["ops_per_s"], r["p99_ms"], r["max_conns"]}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("JSON result %d differs from the CSV (-csv +json):\n%s", i, diff)
		}
	}
	if !strings.Contains(stdout, rep.Recommendation) || !strings.HasPrefix(rep.Recommendation, "Recommendation for ") {
		t.Errorf("the recommendation %q is not the one printed", rep.Recommendation)
	}

	f, err := os.Open(filepath.Join(dir, chartName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("%s is not a PNG: %v", chartName, err)
	}
	if img.Width < 800 || img.Height < 300 {
		t.Errorf("chart is %d×%d, too small to read", img.Width, img.Height)
	}
	return rows
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return n
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return f
}

// leftoverTempDBs lists the default SQLite files of this process.
func leftoverTempDBs(t *testing.T) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(os.TempDir(), fmt.Sprintf("alchemy-bench-%d-*", os.Getpid())))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRunSQLiteDefault runs the tool for about 1.5 s on its default
// database (a temporary SQLite file) and checks that the table, the CSV,
// the JSON and the chart are produced and agree.
func TestRunSQLiteDefault(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runTool(t, context.Background(),
		"-workload", "point-select", "-pool-size", "1,2", "-max-overflow", "1", "-concurrency", "4",
		"-duration", "250ms", "-warmup", "100ms", "-out", out)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	rows := checkOutputs(t, stdout, out)
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 2 pool sizes × 2 pools", len(rows))
	}
	for _, r := range rows {
		budget := atoi(t, r["pool_size"]) + atoi(t, r["max_overflow"])
		if atof(t, r["ops_per_s"]) <= 0 || r["errors"] != "0" || r["timeouts"] != "0" {
			t.Errorf("row %v: want operations and no errors or timeouts", r)
		}
		if n := atoi(t, r["max_conns"]); n < 1 || n > budget || r["conns_counted_by"] != countedByPool {
			t.Errorf("row %v: max_conns %d counted by %s, want 1..%d counted by the pool", r, n, r["conns_counted_by"], budget)
		}
	}
	if !strings.Contains(stdout, "sqlite:///") || !strings.Contains(stdout, "journal_mode=wal") {
		t.Errorf("the header does not name the default database:\n%s", stdout)
	}
	if left := leftoverTempDBs(t); len(left) > 0 {
		t.Errorf("the temporary database was not removed: %v", left)
	}
	if strings.Contains(stderr, "\r") {
		t.Errorf("stderr is not a terminal, yet got a progress bar: %q", stderr)
	}
}

// benchTables lists the tool's tables left in a SQLite database.
func benchTables(t *testing.T, url string) []string {
	t.Helper()
	db, err := sql.Open("alchemy", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'alchemy_bench%'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// TestRunSQLiteAllWorkloads runs every workload briefly, with think time,
// on a SQLite file of the test's own, and checks the tables are dropped.
func TestRunSQLiteAllWorkloads(t *testing.T) {
	out := t.TempDir()
	// No fsync at commit (synchronous=off): a busy disk must not stall
	// the short windows of the writing workloads.
	url := "sqlite:///" + filepath.ToSlash(filepath.Join(t.TempDir(), "w.db")) + "?journal_mode=wal&synchronous=off"
	code, stdout, stderr := runTool(t, context.Background(), "-url", url,
		"-workload", "point-select,insert,mixed,slow", "-pool-size", "2", "-max-overflow", "0", "-concurrency", "3",
		"-duration", "250ms", "-warmup", "50ms", "-hold", "2ms", "-think", "100us", "-pool-timeout", "none", "-out", out)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	rows := checkOutputs(t, stdout, out)
	var workloads []string
	for _, r := range rows {
		if atof(t, r["ops_per_s"]) <= 0 || r["errors"] != "0" {
			t.Errorf("row %v: want operations and no errors", r)
		}
		if r["pool_timeout"] != "none" {
			t.Errorf("row %v: pool_timeout %q, want none", r, r["pool_timeout"])
		}
		if !slices.Contains(workloads, r["workload"]) {
			workloads = append(workloads, r["workload"])
		}
	}
	if diff := cmp.Diff(workloadNames, workloads); diff != "" {
		t.Errorf("workloads (-want +got):\n%s", diff)
	}
	if left := benchTables(t, url); len(left) > 0 {
		t.Errorf("tables left behind: %v", left)
	}
}

// watchWriter collects what the tool writes and closes seen once the
// text contains want.
type watchWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if w.seen != nil && strings.Contains(w.buf.String(), w.want) {
		close(w.seen)
		w.seen = nil
	}
	return n, err
}

func (w *watchWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestRunInterrupted cancels a sweep in the measured window of its third
// step, as Ctrl-C does: the tool reports what it measured (the cut cell
// marked), writes the files, drops its tables and exits 130.
func TestRunInterrupted(t *testing.T) {
	out := t.TempDir()
	url := "sqlite:///" + filepath.ToSlash(filepath.Join(t.TempDir(), "i.db"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := make(chan struct{})
	stderr := &watchWriter{want: "[2/6]", seen: seen}
	var stdout bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-url", url, "-pool-size", "1,2,3", "-max-overflow", "0",
			"-concurrency", "2", "-duration", "600ms", "-warmup", "100ms", "-out", out}, &stdout, stderr)
	}()
	var code int
	select {
	case <-seen: // two steps done: interrupt the third 400 ms in, inside its window
		time.Sleep(400 * time.Millisecond)
		cancel()
		start := time.Now()
		code = <-done
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("took %v to stop after the interrupt", took)
		}
	case code = <-done:
		t.Fatalf("the sweep ended (exit %d) before its second step was reported:\n%s", code, stderr)
	case <-time.After(hangLimit):
		t.Fatal("the sweep did not reach its second step")
	}
	if code != exitInterrupted {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitInterrupted, stdout.String(), stderr)
	}
	if !strings.Contains(stderr.String(), "interrupted") || !strings.Contains(stderr.String(), "dropped") {
		t.Errorf("stderr does not say it was interrupted and cleaned up:\n%s", stderr)
	}
	rows := checkOutputs(t, stdout.String(), out)
	if len(rows) != 3 {
		t.Fatalf("%d rows, want the 2 pools of the first cell and the pool cut short in the second", len(rows))
	}
	if rows[0]["interrupted"] != "false" || rows[1]["interrupted"] != "false" || rows[2]["interrupted"] != "true" {
		t.Errorf("interrupted column: %q %q %q, want false false true", rows[0]["interrupted"], rows[1]["interrupted"], rows[2]["interrupted"])
	}
	if left := benchTables(t, url); len(left) > 0 {
		t.Errorf("tables left behind: %v", left)
	}
}

// unresponsiveServer accepts TCP connections and never answers, like a
// server behind a black hole: only the connect timeout ends the wait.
func unresponsiveServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

func TestRunBadInput(t *testing.T) {
	hung := unresponsiveServer(t)
	missingDir := "sqlite:///" + filepath.ToSlash(filepath.Join(t.TempDir(), "no", "such", "dir", "x.db"))
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantMsg  string
		within   time.Duration
	}{
		{"unknown workload", []string{"-workload", "point-select,bulk"}, exitUsage, `-workload: unknown "bulk"`, 0},
		{"empty pool sizes", []string{"-pool-size", ""}, exitUsage, "-pool-size: empty list", 0},
		{"empty item", []string{"-concurrency", "8,,32"}, exitUsage, "-concurrency: empty item", 0},
		{"negative overflow", []string{"-max-overflow", "0,-5"}, exitUsage, "-max-overflow: -5 is below the minimum 0", 0},
		{"negative pool size", []string{"-pool-size", "-2"}, exitUsage, "-pool-size: -2 is below the minimum 1", 0},
		{"zero concurrency", []string{"-concurrency", "0"}, exitUsage, "-concurrency: 0 is below the minimum 1", 0},
		{"zero pool timeout", []string{"-pool-timeout", "0"}, exitUsage, "must be > 0", 0},
		{"zero duration", []string{"-duration", "0"}, exitUsage, "-duration must be > 0", 0},
		{"malformed URL", []string{"-url", "localhost:5432"}, exitUsage, "-url: alchemy: invalid URL", 0},
		{"unknown dialect", []string{"-url", "oracle://scott@localhost/orcl"}, exitUsage, "-url:", 0},
		{"SQLite memory database", []string{"-url", "sqlite://"}, exitUsage, "is a memory database", 0},
		{"pool settings in the URL", []string{"-url", "sqlite:///x.db?pool_size=3"}, exitUsage, "remove pool_size from the URL", 0},
		{"pgxpool without PostgreSQL", []string{"-pools", "pgxpool"}, exitUsage, "-pools: pgxpool is not available", 0},
		{"PostgreSQL port closed", []string{"-url", "postgresql://postgres:secret@127.0.0.1:1/test"}, exitFailed,
			"cannot connect to postgresql://postgres:***@127.0.0.1:1/test", 10 * time.Second},
		{"MySQL port closed", []string{"-url", "mysql://root@127.0.0.1:1/test"}, exitFailed,
			"cannot connect to mysql://root@127.0.0.1:1/test", 10 * time.Second},
		{"server never answers", []string{"-url", "postgresql://postgres@" + hung + "/test", "-connect-timeout", "500ms"}, exitFailed,
			"(-connect-timeout 500ms)", 5 * time.Second},
		{"SQLite folder missing", []string{"-url", missingDir}, exitFailed, "cannot connect to sqlite:///", 10 * time.Second},
		{"-out is a file", []string{"-out", notADir}, exitFailed, "-out:", 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			code, stdout, stderr := runTool(t, context.Background(), tt.args...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantMsg) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and a message containing %q", code, stderr, tt.wantCode, tt.wantMsg)
			}
			if strings.Contains(stderr, "secret") || strings.Contains(stdout, "secret") {
				t.Errorf("the password was printed:\n%s%s", stdout, stderr)
			}
			if tt.within > 0 && time.Since(start) > tt.within {
				t.Errorf("took %v, want a failure within %v", time.Since(start), tt.within)
			}
		})
	}
}

func TestRunHelp(t *testing.T) {
	code, _, stderr := runTool(t, context.Background(), "-help")
	if code != exitOK || !strings.Contains(stderr, "go -C bench run . [flags]") || !strings.Contains(stderr, "-p99-target") {
		t.Errorf("exit %d, help:\n%s", code, stderr)
	}
}
