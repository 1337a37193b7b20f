package sqlexpr_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// A cache hit of a statement compiled once allocates nothing beyond
// building it: its arguments are collected in the statement's buffer.
func TestCacheHitAllocatesNothing(t *testing.T) {
	u := sqlexpr.NewTable("users", "id", "name", "email")
	a := sqlexpr.NewTable("addresses", "id", "user_id", "street", "city")
	c := sqlexpr.NewCompiler(10)
	if _, _, err := c.Compile(referenceStatement(u, a), postgresql.Dialect); err != nil {
		t.Fatal(err)
	}
	build := testing.AllocsPerRun(200, func() { referenceStatement(u, a) })
	hit := testing.AllocsPerRun(200, func() {
		if _, args, err := c.Compile(referenceStatement(u, a), postgresql.Dialect); err != nil || len(args) != 4 {
			t.Fatal(args, err)
		}
	})
	if hit != build {
		t.Errorf("a hit allocates %v, building alone %v", hit, build)
	}
}

// A statement whose first compilation is a miss (its buffer is taken
// while shaping, then given back) and later ones hits, from several
// goroutines, with few values and with more than the buffer holds:
// each caller gets the right values in a slice of its own.
func TestCacheArgsAfterMiss(t *testing.T) {
	u := sqlexpr.NewTable("users", "id", "name")
	for _, n := range []int{1, 3, 4, 9} {
		vals := make([]any, n)
		for i := range vals {
			vals[i] = int64(100*n + i)
		}
		c := sqlexpr.NewCompiler(10)
		s := sqlexpr.Select(u.C("id")).Where(u.C("id").In(vals...)).Limit(7)
		want := append(append([]any(nil), vals...), int64(7))
		if _, args, err := c.Compile(s, postgresql.Dialect); err != nil || !cmp.Equal(args, want) {
			t.Fatalf("n=%d miss: %v %v, want %v", n, args, err, want)
		}
		if st := c.Stats(); st.Misses != 1 || st.Hits != 0 {
			t.Fatalf("n=%d: %+v, want one miss", n, st)
		}
		results := make([][]any, 8)
		var wg sync.WaitGroup
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, args, err := c.Compile(s, postgresql.Dialect)
				if err != nil {
					t.Error(err)
				}
				results[i] = args
			}()
		}
		wg.Wait()
		for i, args := range results {
			if !cmp.Equal(args, want) {
				t.Fatalf("n=%d caller %d: %v, want %v", n, i, args, want)
			}
			args[0] = fmt.Sprint("caller ", i)
			_ = append(args, "more") // must not write into another caller's slice
		}
		for i, args := range results {
			if args[0] != fmt.Sprint("caller ", i) || !cmp.Equal(args[1:], want[1:]) {
				t.Errorf("n=%d caller %d: %v shares its slice", n, i, args)
			}
		}
		if st := c.Stats(); st.Hits != 8 {
			t.Errorf("n=%d: %+v, want 8 hits", n, st)
		}
	}
}
