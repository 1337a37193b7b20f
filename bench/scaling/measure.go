package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/sqlexpr"
	"github.com/go-alchemy/alchemy/types"
)

// poolSize is the hand-off's pool: every waiter beyond it queues.
const poolSize = 10

type handoff struct {
	waiters   int
	perOp     time.Duration // wall time per checkout + checkin, all goroutines together
	cpuPerOp  time.Duration // the process's CPU time per checkout + checkin (the holders' sleeps included)
	p50, p99  time.Duration // wait of one Get
	predicted time.Duration // FIFO: the queue ahead served at the measured rate
}

// handoffs runs, for each waiter count W, W goroutines that check a
// connection out, hold it for cfg.hold (a sleep: the other goroutines
// queue meanwhile) and check it back in, until cfg.ops checkouts are
// done. Each checkin hands the connection to the oldest waiter, so a Get
// waits for the W − poolSize goroutines ahead of it: FIFO predicts a
// wait of (W − poolSize) × the time per operation.
func handoffs(ctx context.Context, cfg *config, stderr io.Writer) ([]handoff, error) {
	var out []handoff
	for _, w := range cfg.waiters {
		fmt.Fprintf(stderr, "hand-off with %d goroutines…\n", w)
		p, err := alchemy.NewQueuePool(alchemy.PoolConfig{
			Size: poolSize, Timeout: 100 * 365 * 24 * time.Hour, // no deadline: pool_timeout=none
			Dial: func(context.Context) (driver.Conn, error) { return nopConn{}, nil },
		})
		if err != nil {
			return nil, err
		}
		per := max(cfg.ops/w, 1)
		waits := make([][]time.Duration, w)
		var wg sync.WaitGroup
		var first error
		var once sync.Once
		cpu0 := cpuTime()
		start := time.Now()
		for g := range w {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ws := make([]time.Duration, 0, per)
				for range per {
					t := time.Now()
					pc, err := p.Get(ctx)
					if err != nil {
						once.Do(func() { first = err })
						return
					}
					ws = append(ws, time.Since(t))
					time.Sleep(cfg.hold)
					pc.Release()
				}
				waits[g] = ws
			}()
		}
		wg.Wait()
		elapsed, cpu := time.Since(start), cpuTime()-cpu0
		p.Close()
		if first != nil {
			return nil, first
		}
		all := slices.Concat(waits...)
		slices.Sort(all)
		h := handoff{waiters: w, perOp: elapsed / time.Duration(len(all)), cpuPerOp: cpu / time.Duration(len(all)), p50: all[len(all)/2], p99: all[len(all)*99/100]}
		h.predicted = time.Duration(max(w-poolSize, 0)) * h.perOp
		out = append(out, h)
	}
	return out, nil
}

type compile struct {
	kind          string // "IN values" or "joins"
	size          int
	build         time.Duration // building the statement alone
	hit, miss     time.Duration // build + compile
	hitAllocs     int64
	missAllocs    int64
	sqlLen, nArgs int
}

// compiles times sqlexpr.Compile of a statement built afresh each time,
// as an application builds it: with the cache (a hit after the first)
// and without (NewCompiler(0)).
func compiles(cfg *config) ([]compile, error) {
	var out []compile
	// The tables are declared once, as a program declares them; the
	// statement is built at every call.
	users := sqlexpr.NewTable("users", "id", "name")
	joined := []*sqlexpr.TableClause{sqlexpr.NewTable("t0", "id", "ref", "name")}
	for i := 1; i <= slices.Max(cfg.joins); i++ {
		joined = append(joined, sqlexpr.NewTable(fmt.Sprintf("t%d", i), "id", "ref", "name"))
	}
	vals := make([]any, slices.Max(cfg.ins))
	for i := range vals {
		vals[i] = i
	}
	build := map[string]func(n int) sqlexpr.Statement{
		"IN values": func(n int) sqlexpr.Statement {
			return sqlexpr.Select(users.C("id"), users.C("name")).Where(users.C("id").In(vals[:n]...)).OrderBy(users.C("id"))
		},
		"joins": func(n int) sqlexpr.Statement {
			s := sqlexpr.Select(joined[0].C("id"), joined[0].C("name"))
			for i := 1; i <= n; i++ {
				s = s.Join(joined[i], joined[i].C("id").Eq(joined[i-1].C("ref")))
			}
			return s.Where(joined[0].C("name").Eq("x")).Limit(10)
		},
	}
	uncached := sqlexpr.NewCompiler(0)
	for _, kind := range []string{"IN values", "joins"} {
		sizes := cfg.ins
		if kind == "joins" {
			sizes = cfg.joins
		}
		for _, n := range sizes {
			var failed error
			c := compile{kind: kind, size: n}
			sqlText, args, err := sqlexpr.Compile(build[kind](n), sqlite.Dialect)
			if err != nil {
				return nil, err
			}
			c.sqlLen, c.nArgs = len(sqlText), len(args)
			bench := func(comp *sqlexpr.Compiler) testing.BenchmarkResult {
				return testing.Benchmark(func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if _, _, err := comp.Compile(build[kind](n), sqlite.Dialect); err != nil {
							failed = err
							return
						}
					}
				})
			}
			buildOnly := testing.Benchmark(func(b *testing.B) {
				for b.Loop() {
					sink = build[kind](n)
				}
			})
			hit, miss := bench(sqlexpr.DefaultCompiler()), bench(uncached)
			if failed != nil {
				return nil, failed
			}
			c.build = time.Duration(buildOnly.NsPerOp())
			c.hit, c.miss = time.Duration(hit.NsPerOp()), time.Duration(miss.NsPerOp())
			c.hitAllocs, c.missAllocs = hit.AllocsPerOp(), miss.AllocsPerOp()
			out = append(out, c)
		}
	}
	return out, nil
}

// sink keeps the compiler from dropping a statement built for nothing.
var sink sqlexpr.Statement

type createAll struct {
	tables      int
	create      time.Duration // md.CreateAll, median
	floor       time.Duration // the same DDL as one script in one transaction, median
	ratio       float64       // median of the per-run ratios
	statements  int
	repetitions int
}

// schema declares n tables with up to three foreign keys each, to
// earlier tables (declared in a shuffled order, so the sort has work),
// and an index on most.
func schema(n int) *metadata.MetaData {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	md := metadata.New()
	for _, i := range rng.Perm(n) {
		items := []metadata.TableItem{
			metadata.Column("id", types.BigInteger(), metadata.PrimaryKey()),
			metadata.Column("label", types.String(80), metadata.NotNull()),
		}
		for k := range min(i, 1+rng.IntN(3)) {
			opts := []metadata.ColumnOption{metadata.ForeignKey(fmt.Sprintf("s_%04d.id", rng.IntN(i)))}
			if k == 0 && rng.IntN(10) < 8 {
				opts = append(opts, metadata.Indexed())
			}
			items = append(items, metadata.Column(fmt.Sprintf("ref_%d", k), nil, opts...))
		}
		md.Table(fmt.Sprintf("s_%04d", i), items...)
	}
	return md
}

const createAllRuns = 5

// createAlls times CreateAll on a fresh SQLite file against the floor:
// CreateAllSQL's script run in one transaction on another fresh file.
// Runs alternate, and the ratio is the median of the per-run ratios.
func createAlls(ctx context.Context, cfg *config, stderr io.Writer) ([]createAll, error) {
	dir, err := os.MkdirTemp("", "alchemy-scaling-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	runs := createAllRuns
	if cfg.quick {
		runs = 1
	}
	var out []createAll
	for _, n := range cfg.tables {
		fmt.Fprintf(stderr, "CreateAll of %d tables…\n", n)
		md := schema(n)
		script, err := md.CreateAllSQL(sqlite.Dialect)
		if err != nil {
			return nil, err
		}
		r := createAll{tables: n, repetitions: runs}
		var creates, floors, ratios []float64
		for i := range runs {
			path := filepath.Join(dir, fmt.Sprintf("c%d_%d.db", n, i))
			eng, err := alchemy.CreateEngine("sqlite:///" + path)
			if err != nil {
				return nil, err
			}
			stmts := 0
			start := time.Now()
			err = md.CreateAll(ctx, eng, metadata.Echo(func(string) { stmts++ }))
			c := time.Since(start)
			eng.Close()
			if err != nil {
				return nil, err
			}
			r.statements = stmts
			f, err := floorScript(ctx, filepath.Join(dir, fmt.Sprintf("f%d_%d.db", n, i)), script)
			if err != nil {
				return nil, err
			}
			creates, floors, ratios = append(creates, float64(c)), append(floors, float64(f)), append(ratios, float64(c)/float64(f))
		}
		r.create, r.floor, r.ratio = time.Duration(median(creates)), time.Duration(median(floors)), median(ratios)
		out = append(out, r)
	}
	return out, nil
}

// floorScript runs script in one transaction on a new SQLite file,
// through the underlying driver (no alchemy), and returns the time.
func floorScript(ctx context.Context, path, script string) (time.Duration, error) {
	c, err := alchemy.NewConnector("sqlite:///" + path)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	db := sql.OpenDB(noClose{c.Underlying()})
	defer db.Close()
	if err := db.PingContext(ctx); err != nil {
		return 0, err
	}
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, script); err != nil {
		tx.Rollback()
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// noClose keeps sql.DB from closing the underlying connector, which the
// alchemy Connector owns.
type noClose struct{ driver.Connector }

// cpuTime is the process's user + system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func reportHandoff(w io.Writer, hs []handoff) {
	fmt.Fprintf(w, "QueuePool hand-off, pool of %d, each checkout held for a sleep:\n\n", poolSize)
	fmt.Fprintln(w, "| waiting goroutines | wall per checkout | CPU per checkout | wait p50 | wait p99 | FIFO prediction (W − size) × wall per checkout |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, h := range hs {
		fmt.Fprintf(w, "| %d | %v | %v | %v | %v | %v |\n", h.waiters, round(h.perOp), round(h.cpuPerOp), round(h.p50), round(h.p99), round(h.predicted))
	}
	fmt.Fprintln(w)
}

func reportCompile(w io.Writer, cs []compile) {
	fmt.Fprintln(w, "sqlexpr.Compile of a statement built afresh (SQLite dialect):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| statement | SQL bytes, arguments | build alone | build + compile, cache hit | allocs | build + compile, cache miss (NewCompiler(0)) | allocs | miss / hit |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, c := range cs {
		fmt.Fprintf(w, "| %d %s | %d, %d | %v | %v | %d | %v | %d | %.1f× |\n", c.size, c.kind, c.sqlLen, c.nArgs, round(c.build), round(c.hit), c.hitAllocs, round(c.miss), c.missAllocs,
			float64(c.miss)/float64(c.hit))
	}
	fmt.Fprintln(w)
}

func reportCreateAll(w io.Writer, ca []createAll) {
	fmt.Fprintln(w, "CreateAll on a new SQLite file against the floor (CreateAllSQL's script in one transaction), medians:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| tables | statements | CreateAll | floor | CreateAll / floor | runs |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, c := range ca {
		fmt.Fprintf(w, "| %d | %d | %v | %v | %.2f× | %d |\n", c.tables, c.statements, round(c.create), round(c.floor), c.ratio, c.repetitions)
	}
	fmt.Fprintln(w)
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	case d >= time.Microsecond:
		return d.Round(10 * time.Nanosecond)
	}
	return d
}
