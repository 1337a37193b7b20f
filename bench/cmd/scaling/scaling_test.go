package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/sqlexpr"
)

// TestRunTiny runs every measurement with tiny sizes on SQLite only and
// checks what it writes: the Markdown tables, the JSON with one cell per
// pool × size, side × size and table count, and three PNGs.
func TestRunTiny(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-out", out, "-rounds", "2", "-waiters", "3,8", "-conns", "2",
		"-pool-ops", "200", "-in", "2,5", "-joins", "1,3", "-burst", "1ms", "-tables", "3,12", "-ddl-rounds", "2",
		"-postgres", "", "-mysql", ""}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, stderr.String())
	}
	md, err := os.ReadFile(filepath.Join(out, fileMarkdown))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| QueuePool | 8 |", "| puddle | 3 |", "| database/sql | 8 |",
		"| IN values | 5 | alchemy cache hit |", "| joins | 3 | goqu |", "| reference statement | 1 | alchemy uncached |",
		"| sqlite | 12 |", "go -C bench run ./cmd/scaling -out"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("scaling.md lacks %q:\n%s", want, md)
		}
	}
	raw, err := os.ReadFile(filepath.Join(out, fileJSON))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Pool      []poolCell
		Compile   []compileCell
		CreateAll []ddlCell
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Pool) != 3*2 || len(got.Compile) != 3*(1+2+2) || len(got.CreateAll) != 2 {
		t.Fatalf("cells: %d pool, %d compile, %d createall", len(got.Pool), len(got.Compile), len(got.CreateAll))
	}
	for _, c := range got.Pool {
		if c.NsPerOp <= 0 || c.P99WaitUs < c.P50WaitUs || c.MaxWaitUs < c.P99WaitUs || c.FIFOWaitUs <= 0 || c.P99Handoffs < c.P50Handoffs || c.FIFOHandoffs != c.Waiters-2 {
			t.Errorf("implausible pool cell %+v", c)
		}
	}
	for _, c := range got.CreateAll {
		// 3 tables: 3 CREATE TABLE and up to 3 CREATE INDEX.
		if c.Statements < c.Tables || c.CreateMs <= 0 || c.FloorMs <= 0 || c.CreateRatio <= 0 || c.OwnMs <= 0 || c.OwnMs > c.CreateMs {
			t.Errorf("implausible createall cell %+v", c)
		}
	}
	for _, f := range []string{filePool, fileCompile, fileDDL} {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("%s: not a PNG (%v)", f, err)
		}
		os.Remove(filepath.Join(out, f))
	}
	// -replot redraws the same report and the figures from scaling.json.
	stdout.Reset()
	if code := run(context.Background(), []string{"-out", out, "-replot"}, &stdout, &stderr); code != 0 {
		t.Fatalf("-replot: exit %d\nstderr: %s", code, stderr.String())
	}
	again, err := os.ReadFile(filepath.Join(out, fileMarkdown))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, md) {
		t.Errorf("-replot wrote another report:\n%s\nfirst:\n%s", again, md)
	}
	for _, f := range []string{filePool, fileCompile, fileDDL} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("-replot: %v", err)
		}
	}
}

// TestCompileShapesRender checks that the statements compiled are the
// ones described, the same through the cache and without it.
func TestCompileShapesRender(t *testing.T) {
	for _, shape := range compileShapes() {
		for _, n := range []int{1, 3} {
			hit, err := shape.build[sideHit](n)()
			if err != nil {
				t.Fatal(err)
			}
			off, err := shape.build[sideOff](n)()
			if err != nil {
				t.Fatal(err)
			}
			goquSQL, err := shape.build[sideGoqu](n)()
			if err != nil {
				t.Fatal(err)
			}
			if hit != off {
				t.Errorf("%s %d: cached %q, uncached %q", shape.name, n, hit, off)
			}
			t.Logf("%s %d:\n  alchemy %s\n  goqu    %s", shape.name, n, hit, goquSQL)
			switch shape.name {
			case "in":
				if want := "$" + string(rune('0'+n)) + ")"; !strings.Contains(hit, want) {
					t.Errorf("IN %d: %q lacks %q", n, hit, want)
				}
			case "joins":
				if got := strings.Count(hit, " JOIN "); got != n {
					t.Errorf("joins %d: %d JOINs in %q", n, got, hit)
				}
				if got := strings.Count(goquSQL, " JOIN "); got != n {
					t.Errorf("goqu joins %d: %d JOINs in %q", n, got, goquSQL)
				}
			}
		}
	}
	// The cache-hit side must really hit: a second compile of the shape
	// is served from the cache.
	c := sqlexpr.NewCompiler(sqlexpr.DefaultCacheSize)
	f := sqlexprIn(c)(4)
	f()
	f()
	if s := c.Stats(); s.Hits == 0 {
		t.Errorf("cache stats after two compiles of one shape: %+v", s)
	}
}

func TestFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-only", "pool,bogus"}, {"-waiters", "10,x"}, {"-in", "0"}, {"-rounds", "0"}, {"-burst", "0s"}, {"extra"},
		{"-ddl-loop", "both"}, {"-ddl-loop", "lib", "-ddl-loop-n", "0"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "scaling: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}

func TestCellRounds(t *testing.T) {
	cfg := &config{tables: []int{200, 1000, 2000}, ddlRounds: 5}
	for _, c := range []struct{ n, want int }{{2000, 5}, {1000, 10}, {200, 50}, {3000, 5}, {1500, 5}, {700, 15}} {
		if got := cellRounds(cfg, c.n); got != c.want {
			t.Errorf("cellRounds(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}

// TestDDLLoop runs each -ddl-loop mode on a tiny schema: the loop the
// callgrind script counts must run clean in every mode (a failed
// CreateAll, script or clean-up is exit status 1).
func TestDDLLoop(t *testing.T) {
	for _, mode := range []string{"lib", "floor", "open"} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"-ddl-loop", mode, "-ddl-loop-n", "2", "-tables", "5"}, &stdout, &stderr); code != 0 {
			t.Errorf("-ddl-loop %s: exit %d, stderr %q", mode, code, stderr.String())
		}
	}
}

// TestCreateAllServersTiny runs the createall measurement with a tiny
// schema on the servers whose variables are set, and checks that each
// cell was measured and cleaned up (a failed clean-up is the cell's
// error).
func TestCreateAllServersTiny(t *testing.T) {
	pg, my := os.Getenv("ALCHEMY_TEST_POSTGRES_URL"), os.Getenv("ALCHEMY_TEST_MYSQL_URL")
	if pg == "" && my == "" {
		t.Skip("set ALCHEMY_TEST_POSTGRES_URL and/or ALCHEMY_TEST_MYSQL_URL (for example postgresql://postgres@127.0.0.1:5432/test, mysql://root@127.0.0.1:3306/test) to run against the servers")
	}
	ctx := context.Background()
	cfg := &config{tables: []int{4}, ddlRounds: 1, postgresURL: pg, mysqlURL: my}
	cells, err := measureCreateAll(ctx, cfg, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	want := 1
	if pg != "" && my != "" {
		want = 2
	}
	if len(cells) != want+1 { // SQLite too
		t.Fatalf("%d cells: %+v", len(cells), cells)
	}
	for _, c := range cells {
		if c.Error != "" || c.Statements < 4 || c.CreateMs <= 0 || c.OwnMs <= 0 || c.OwnMs > c.CreateMs {
			t.Errorf("cell %+v", c)
		}
	}
}
