package main

import (
	"context"
	"fmt"
	"time"

	"github.com/doug-martin/goqu/v9"
	_ "github.com/doug-martin/goqu/v9/dialect/postgres" // goqu's "postgres" dialect

	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// A statement family: build returns a function that builds and compiles
// the statement of size n once, through one side of the comparison.
type compileShape struct {
	name  string // "in" or "joins"
	label string // for the report
	sizes func(cfg *config) []int
	build map[string]func(n int) func() (string, error)
}

// The three sides compared. The statement is built inside the timed
// call each time, as an application does: sqlexpr's cache saves the
// rendering, not the building.
const (
	sideHit  = "alchemy cache hit"
	sideOff  = "alchemy uncached"
	sideGoqu = "goqu"
)

var compileSides = []string{sideHit, sideOff, sideGoqu}

var goquPG = goqu.Dialect("postgres")

// inValues returns n distinct arguments.
func inValues(n int) []any {
	v := make([]any, n)
	for i := range v {
		v[i] = int64(i + 1)
	}
	return v
}

// SELECT users.id, users.name FROM users WHERE users.id IN ($1, …, $n)
func sqlexprIn(c *sqlexpr.Compiler) func(n int) func() (string, error) {
	return func(n int) func() (string, error) {
		users := sqlexpr.NewTable("users", "id", "name")
		vals := inValues(n)
		return func() (string, error) {
			s, _, err := c.Compile(sqlexpr.Select(users.C("id"), users.C("name")).Where(users.C("id").In(vals...)), postgresql.Dialect)
			return s, err
		}
	}
}

func goquIn(n int) func() (string, error) {
	vals := inValues(n)
	return func() (string, error) {
		s, _, err := goquPG.From("users").Select(goqu.I("users.id"), goqu.I("users.name")).
			Where(goqu.I("users.id").In(vals...)).Prepared(true).ToSQL()
		return s, err
	}
}

// SELECT t0.id, tn.name FROM t0 JOIN t1 ON t0.id = t1.parent_id … JOIN tn …
// WHERE t0.name = $1: a chain of n joins.
func sqlexprJoins(c *sqlexpr.Compiler) func(n int) func() (string, error) {
	return func(n int) func() (string, error) {
		tables := make([]*sqlexpr.TableClause, n+1)
		for i := range tables {
			tables[i] = sqlexpr.NewTable(fmt.Sprintf("t%d", i), "id", "parent_id", "name")
		}
		return func() (string, error) {
			s := sqlexpr.Select(tables[0].C("id"), tables[n].C("name"))
			for i := 1; i <= n; i++ {
				s = s.Join(tables[i], tables[i-1].C("id").Eq(tables[i].C("parent_id")))
			}
			sql, _, err := c.Compile(s.Where(tables[0].C("name").Eq("x")), postgresql.Dialect)
			return sql, err
		}
	}
}

func goquJoins(n int) func() (string, error) {
	return func() (string, error) {
		ds := goquPG.From("t0").Select(goqu.I("t0.id"), goqu.I(fmt.Sprintf("t%d.name", n)))
		for i := 1; i <= n; i++ {
			ds = ds.Join(goqu.T(fmt.Sprintf("t%d", i)),
				goqu.On(goqu.I(fmt.Sprintf("t%d.id", i-1)).Eq(goqu.I(fmt.Sprintf("t%d.parent_id", i)))))
		}
		s, _, err := ds.Where(goqu.I("t0.name").Eq("x")).Prepared(true).ToSQL()
		return s, err
	}
}

// The reference statement, as compat/builders benchmarks it:
//
//	SELECT users.id, users.name, addresses.city FROM users
//	JOIN addresses ON users.id = addresses.user_id
//	WHERE users.name = $1 AND addresses.city IN ($2, $3)
//	ORDER BY users.id LIMIT 10
func sqlexprReference(c *sqlexpr.Compiler) func(int) func() (string, error) {
	return func(int) func() (string, error) {
		u := sqlexpr.NewTable("users", "id", "name", "email")
		a := sqlexpr.NewTable("addresses", "id", "user_id", "street", "city")
		return func() (string, error) {
			s, _, err := c.Compile(sqlexpr.Select(u.C("id"), u.C("name"), a.C("city")).
				Join(a, u.C("id").Eq(a.C("user_id"))).
				Where(u.C("name").Eq("john"), a.C("city").In("Berlin", "Paris")).
				OrderBy(u.C("id")).
				Limit(10), postgresql.Dialect)
			return s, err
		}
	}
}

func goquReference(int) func() (string, error) {
	return func() (string, error) {
		s, _, err := goquPG.From("users").
			Select(goqu.I("users.id"), goqu.I("users.name"), goqu.I("addresses.city")).
			Join(goqu.T("addresses"), goqu.On(goqu.I("users.id").Eq(goqu.I("addresses.user_id")))).
			Where(goqu.I("users.name").Eq("john"), goqu.I("addresses.city").In("Berlin", "Paris")).
			Order(goqu.I("users.id").Asc()).
			Limit(10).
			Prepared(true).
			ToSQL()
		return s, err
	}
}

const referenceShape = "reference statement"

func compileShapes() []compileShape {
	hit, off := sqlexpr.NewCompiler(sqlexpr.DefaultCacheSize), sqlexpr.NewCompiler(0)
	return []compileShape{
		{name: "reference", label: referenceShape, sizes: func(*config) []int { return []int{1} },
			build: map[string]func(int) func() (string, error){sideHit: sqlexprReference(hit), sideOff: sqlexprReference(off), sideGoqu: goquReference}},
		{name: "in", label: "IN values", sizes: func(c *config) []int { return c.inSizes },
			build: map[string]func(int) func() (string, error){sideHit: sqlexprIn(hit), sideOff: sqlexprIn(off), sideGoqu: goquIn}},
		{name: "joins", label: "joins", sizes: func(c *config) []int { return c.joinSizes },
			build: map[string]func(int) func() (string, error){sideHit: sqlexprJoins(hit), sideOff: sqlexprJoins(off), sideGoqu: goquJoins}},
	}
}

// compileCell is one side at one size, medians over the rounds.
type compileCell struct {
	Shape     string
	Size      int
	Side      string
	NsPerOp   float64
	NsPerUnit float64 // NsPerOp / Size: flat when the cost is linear
	GoquOver  float64 // median of per-round ratios goqu ns / this side's ns
}

// timeBurst runs f for about d and returns the time per call.
func timeBurst(f func() (string, error), iters int) (time.Duration, error) {
	start := time.Now()
	for range iters {
		if _, err := f(); err != nil {
			return 0, err
		}
	}
	return time.Since(start) / time.Duration(iters), nil
}

// measureCompile times each side at each size in bursts of cfg.burst,
// the sides in a rotating order, cfg.rounds times.
func measureCompile(ctx context.Context, cfg *config) ([]compileCell, error) {
	var cells []compileCell
	for _, shape := range compileShapes() {
		for _, n := range shape.sizes(cfg) {
			fns := make([]func() (string, error), len(compileSides))
			iters := make([]int, len(compileSides))
			for i, side := range compileSides {
				fns[i] = shape.build[side](n)
				// Calibrate, and warm the cache for the cache-hit side.
				if _, err := timeBurst(fns[i], 3); err != nil {
					return nil, fmt.Errorf("%s %s=%d: %w", side, shape.name, n, err)
				}
				per, _ := timeBurst(fns[i], 10)
				iters[i] = max(1, int(cfg.burst/max(per, 1)))
			}
			ns := make([][]float64, len(compileSides))
			for r := range cfg.rounds {
				for k := range compileSides {
					i := (k + r) % len(compileSides)
					d, err := timeBurst(fns[i], iters[i])
					if err != nil {
						return nil, err
					}
					ns[i] = append(ns[i], float64(d))
				}
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			goquIdx := len(compileSides) - 1
			for i, side := range compileSides {
				var ratios []float64
				for r := range ns[i] {
					ratios = append(ratios, ns[goquIdx][r]/ns[i][r])
				}
				m := median(ns[i])
				cells = append(cells, compileCell{Shape: shape.label, Size: n, Side: side,
					NsPerOp: m, NsPerUnit: m / float64(n), GoquOver: median(ratios)})
			}
		}
	}
	return cells, nil
}
