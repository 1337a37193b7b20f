package metadata_test

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// benchSchema generates n tables with 2–4 foreign keys each (to earlier
// tables, so the graph is acyclic), an index on most tables, and a few
// plain columns; the tables are declared in a shuffled order so that the
// sort has work to do. For n = 200 it has 573 foreign keys and 172
// indexes, close to the reference schema (584 and 171).
func benchSchema(n int) *metadata.MetaData {
	rng := rand.New(rand.NewPCG(42, 200))
	md := metadata.New()
	for _, i := range rng.Perm(n) {
		items := []metadata.TableItem{
			metadata.Column("id", types.BigInteger(), metadata.PrimaryKey()),
			metadata.Column("name", types.String(100), metadata.NotNull()),
			metadata.Column("created_at", types.DateTime(), metadata.ServerDefaultNow()),
		}
		for k := range min(i, 2+rng.IntN(3)) {
			opts := []metadata.ColumnOption{metadata.ForeignKey(fmt.Sprintf("bench_%03d.id", rng.IntN(i)))}
			if k == 0 && rng.IntN(100) < 87 {
				opts = append(opts, metadata.Indexed())
			}
			items = append(items, metadata.Column(fmt.Sprintf("ref_%d", k), nil, opts...))
		}
		md.Table(fmt.Sprintf("bench_%03d", i), items...)
	}
	return md
}

// BenchmarkCreateAll creates and drops the 200-table schema on the real
// servers, each iteration timing, in turn: CreateAll (checkfirst on),
// DropAll (checkfirst on), then the floor — the same DDL, as
// CreateAllSQL / DropAllSQL print it, sent as one script in one
// transaction — create and drop. It reports the median milliseconds of
// each, the median of the per-iteration ratios to the floor (target:
// CreateAll ≤ 1.1×), and the statements CreateAll and DropAll send.
//
//	ALCHEMY_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \
//	ALCHEMY_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test \
//	go test ./metadata -run '^$' -bench CreateAll -benchtime 5x
func BenchmarkCreateAll(b *testing.B) {
	md := benchSchema(200)
	for _, s := range servers {
		if s.env == "" {
			continue // the reference figures are for the server databases
		}
		b.Run("server="+s.name+"/tables=200", func(b *testing.B) {
			if os.Getenv(s.env) == "" {
				b.Skipf("set %s to run against a real %s server", s.env, s.name)
			}
			benchServer(b, s, md)
		})
	}
}

// phases are the timed parts of one iteration.
type phases struct {
	create, drop, floorCreate, floorDrop time.Duration
	createStmts, dropStmts               int
}

func benchServer(b *testing.B, s server, md *metadata.MetaData) {
	ctx := context.Background()
	var query url.Values
	if s.name == "mysql" {
		query = url.Values{"multiStatements": {"true"}} // for the floor script
	}
	db := s.fresh(b, query)
	createScript, err := md.CreateAllSQL(s.d)
	if err != nil {
		b.Fatal(err)
	}
	dropScript, err := md.DropAllSQL(s.d)
	if err != nil {
		b.Fatal(err)
	}
	var runs []phases
	b.ResetTimer()
	for b.Loop() {
		p, err := benchIteration(ctx, db, md, createScript, dropScript)
		if err != nil {
			b.Fatal(err)
		}
		runs = append(runs, p)
	}
	// Medians: the machine is shared, and one slow iteration (a
	// checkpoint, another process) should not decide the figures.
	med := func(f func(p phases) float64) float64 {
		v := make([]float64, len(runs))
		for i, p := range runs {
			v[i] = f(p)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(med(func(p phases) float64 { return ms(p.create) }), "create-ms")
	b.ReportMetric(med(func(p phases) float64 { return ms(p.floorCreate) }), "floor-create-ms")
	b.ReportMetric(med(func(p phases) float64 { return float64(p.create) / float64(p.floorCreate) }), "create/floor")
	b.ReportMetric(med(func(p phases) float64 { return ms(p.drop) }), "drop-ms")
	b.ReportMetric(med(func(p phases) float64 { return ms(p.floorDrop) }), "floor-drop-ms")
	b.ReportMetric(med(func(p phases) float64 { return float64(p.drop) / float64(p.floorDrop) }), "drop/floor")
	b.ReportMetric(float64(runs[0].createStmts), "create-stmts")
	b.ReportMetric(float64(runs[0].dropStmts), "drop-stmts")
}

func benchIteration(ctx context.Context, db *sql.DB, md *metadata.MetaData, createScript, dropScript string) (phases, error) {
	var p phases
	count := func(n *int) metadata.Option { return metadata.Echo(func(string) { *n++ }) }
	start := time.Now()
	if err := md.CreateAll(ctx, db, count(&p.createStmts)); err != nil {
		return p, err
	}
	p.create = time.Since(start)
	start = time.Now()
	if err := md.DropAll(ctx, db, count(&p.dropStmts)); err != nil {
		return p, err
	}
	p.drop = time.Since(start)
	var err error
	if p.floorCreate, err = runScript(ctx, db, createScript); err != nil {
		return p, err
	}
	p.floorDrop, err = runScript(ctx, db, dropScript)
	return p, err
}

// runScript sends script as one statement inside one transaction.
func runScript(ctx context.Context, db *sql.DB, script string) (time.Duration, error) {
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, script); err != nil {
		tx.Rollback()
		return 0, fmt.Errorf("floor script: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil // the commit included: PostgreSQL removes dropped files then
}

func TestBenchSchemaShape(t *testing.T) {
	md := benchSchema(200)
	fks, ixs := 0, 0
	for _, tb := range md.Tables() {
		fks += len(tb.ForeignKeys())
		ixs += len(tb.Indexes())
	}
	script, err := md.CreateAllSQL(servers[1].d)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("200 tables, %d foreign keys, %d indexes, %d statements", fks, ixs, strings.Count(script, ";\n"))
	if len(md.Keys()) != 200 || fks < 500 || ixs < 150 {
		t.Errorf("unexpected shape: %d tables, %d foreign keys, %d indexes", len(md.Keys()), fks, ixs)
	}
}

// BenchmarkCreateAllSQL: generating the DDL of a 200-table schema, the
// part of CreateAll the one-script floor does not pay. first renders a
// newly declared schema each time (what the one CreateAll of a process
// pays); again renders the same MetaData over and over (a test suite
// that creates the schema in a fresh database per test), where every
// table's and column's quoted name is already known.
//
//	go test ./metadata -run '^$' -bench CreateAllSQL -benchmem
func BenchmarkCreateAllSQL(b *testing.B) {
	b.Run("first", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			md := benchSchema(200)
			b.StartTimer()
			if _, err := md.CreateAllSQL(sqlite.Dialect); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("again", func(b *testing.B) {
		md := benchSchema(200)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := md.CreateAllSQL(sqlite.Dialect); err != nil {
				b.Fatal(err)
			}
		}
	})
}
