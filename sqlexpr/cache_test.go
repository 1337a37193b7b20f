package sqlexpr_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/dialects"

	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

func byName(name string, limit int64) sqlexpr.Statement {
	return sqlexpr.Select(users.C("id")).Where(users.C("name").Eq(name)).Limit(limit)
}

func TestCacheSharesEntryAcrossValues(t *testing.T) {
	c := sqlexpr.NewCompiler(10)
	sql1, args1, err := c.Compile(byName("john", 5), postgresql.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	sql2, args2, err := c.Compile(byName("mary", 7), postgresql.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	if sql1 != sql2 {
		t.Fatalf("texts differ: %q vs %q", sql1, sql2)
	}
	if diff := cmp.Diff([]any{"john", int64(5)}, args1); diff != "" {
		t.Errorf("args of the first (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{"mary", int64(7)}, args2); diff != "" {
		t.Errorf("args of the second (-want +got):\n%s", diff)
	}
	if s := c.Stats(); s.Size != 1 || s.Hits != 1 || s.Misses != 1 {
		t.Fatalf("stats = %+v, want one entry, one hit, one miss", s)
	}
}

func TestCacheKeys(t *testing.T) {
	c := sqlexpr.NewCompiler(100)
	compile := func(s sqlexpr.Statement, d *dialectT) string {
		t.Helper()
		sql, _, err := c.Compile(s, d)
		if err != nil {
			t.Fatal(err)
		}
		return sql
	}
	in2 := compile(sqlexpr.Select(users.C("id")).Where(users.C("id").In(1, 2)), postgresql.Dialect)
	in3 := compile(sqlexpr.Select(users.C("id")).Where(users.C("id").In(1, 2, 3)), postgresql.Dialect)
	if in2 == in3 {
		t.Fatalf("IN lists of 2 and 3 share a text: %q", in2)
	}
	// The same statement on another dialect is another entry.
	compile(sqlexpr.Select(users.C("id")).Where(users.C("id").In(4, 5)), mysql.Dialect)
	// A table built anew with the same names shares the entry.
	again := sqlexpr.NewTable("users", "id")
	compile(sqlexpr.Select(again.C("id")).Where(again.C("id").In(6, 7)), postgresql.Dialect)
	if s := c.Stats(); s.Size != 3 || s.Hits != 1 {
		t.Fatalf("stats = %+v, want 3 entries and 1 hit", s)
	}
	// Two distinct tables of the same name are two FROM elements; one
	// table used twice is one. The key tells them apart.
	t1, t2 := sqlexpr.NewTable("t", "id"), sqlexpr.NewTable("t", "id")
	two := compile(sqlexpr.Select(t1.C("id"), t2.C("id")), sqlite.Dialect)
	one := compile(sqlexpr.Select(t1.C("id"), t1.C("id")), sqlite.Dialect)
	if two != "SELECT t.id, t.id FROM t, t" || one != "SELECT t.id, t.id FROM t" {
		t.Fatalf("got %q and %q", two, one)
	}
}

type dialectT = dialects.Dialect

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := sqlexpr.NewCompiler(2)
	a := func() sqlexpr.Statement { return sqlexpr.Select(users.C("id")) }
	b := func() sqlexpr.Statement { return sqlexpr.Select(users.C("name")) }
	d := func() sqlexpr.Statement { return sqlexpr.Select(users.C("email")) }
	for _, s := range []func() sqlexpr.Statement{a, b, a, d} { // b is least recent when d arrives
		if _, _, err := c.Compile(s(), postgresql.Dialect); err != nil {
			t.Fatal(err)
		}
	}
	if s := c.Stats(); s.Size != 2 || s.Evictions != 1 {
		t.Fatalf("stats = %+v, want 2 entries after 1 eviction", s)
	}
	before := c.Stats().Hits
	c.Compile(a(), postgresql.Dialect)
	if c.Stats().Hits != before+1 {
		t.Fatalf("a was evicted; b should have been")
	}
	// The evicted b left the lock-free front too: compiling it again is
	// a miss, and the cache stays at its capacity.
	misses := c.Stats().Misses
	c.Compile(b(), postgresql.Dialect)
	if s := c.Stats(); s.Misses != misses+1 || s.Size != 2 {
		t.Fatalf("b after its eviction: %+v, want a miss and 2 entries", s)
	}
}

func TestCacheOff(t *testing.T) {
	c := sqlexpr.NewCompiler(0)
	sql, args, err := c.Compile(byName("x", 1), sqlite.Dialect)
	if err != nil || sql != "SELECT users.id FROM users WHERE users.name = ? LIMIT ? OFFSET ?" || len(args) != 3 {
		t.Fatalf("got %q %v %v", sql, args, err)
	}
	if s := c.Stats(); s != (sqlexpr.CacheStats{}) {
		t.Fatalf("stats of a compiler without cache = %+v", s)
	}
	c.SetCacheSize(5)
	c.Compile(byName("x", 1), sqlite.Dialect)
	if s := c.Stats(); s.Capacity != 5 || s.Size != 1 {
		t.Fatalf("after SetCacheSize(5): %+v", s)
	}
}

// TestCacheConcurrent compiles many shapes from many goroutines through
// a cache small enough to evict all the time, and checks every result
// against the uncached compiler. Run it with -race.
func TestCacheConcurrent(t *testing.T) {
	c := sqlexpr.NewCompiler(8)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				n := (g + i) % 12
				vals := make([]any, n%5)
				for j := range vals {
					vals[j] = fmt.Sprint(g, i, j)
				}
				stmt := sqlexpr.Select(users.C("id")).Where(users.C("name").In(vals...), users.C("age").Gt(i)).Limit(int64(n))
				d := goldenDialects[n%3]
				got, gotArgs, err := c.Compile(stmt, d)
				want, wantArgs, werr := sqlexpr.Render(stmt, d)
				if err != nil || werr != nil || got != want || !cmp.Equal(gotArgs, wantArgs) {
					errs <- fmt.Errorf("%s: cached %q %v %v, direct %q %v %v", d.Name, got, gotArgs, err, want, wantArgs, werr)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if s := c.Stats(); s.Hits == 0 || s.Evictions == 0 {
		t.Fatalf("stats = %+v, want hits and evictions", s)
	}
}

// TestCacheArgsBelongToCaller compiles one statement repeatedly, from
// several goroutines, through cache hits: each caller's arguments are
// its own (the first hit may lend the statement's own buffer, the
// others must not share it).
func TestCacheArgsBelongToCaller(t *testing.T) {
	c := sqlexpr.NewCompiler(10)
	c.Compile(byName("warm", 1), postgresql.Dialect) // what follows are hits
	s := byName("john", 5)
	var wg sync.WaitGroup
	results := make([][]any, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, args, err := c.Compile(s, postgresql.Dialect)
			if err != nil {
				t.Error(err)
				return
			}
			results[i] = args
		}()
	}
	wg.Wait()
	for i, args := range results {
		args[0] = fmt.Sprint("caller ", i)
		_ = append(args, "more") // must not write into another caller's slice
	}
	for i, args := range results {
		if want := []any{fmt.Sprint("caller ", i), int64(5)}; !cmp.Equal(args, want) {
			t.Errorf("caller %d: args %v, want %v", i, args, want)
		}
	}
}

// TestCacheCompileWhileCloning compiles a shared statement while other
// goroutines clone and extend it, as a shared base query is used: with
// -race, the buffer a first cache hit returns its arguments in must not
// be read by Clone.
func TestCacheCompileWhileCloning(t *testing.T) {
	c := sqlexpr.NewCompiler(10)
	c.Compile(byName("warm", 1), postgresql.Dialect)
	base := sqlexpr.Select(users.C("id")).Where(users.C("name").Eq("warm")).Limit(1)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				if _, _, err := c.Compile(base, postgresql.Dialect); err != nil {
					t.Error(err)
				}
				return
			}
			sql, _, err := c.Compile(base.Clone().Where(users.C("id").Gt(i)), postgresql.Dialect)
			if err != nil || !strings.Contains(sql, "users.id > $2") {
				t.Errorf("clone: %q %v", sql, err)
			}
		}()
	}
	wg.Wait()
}
