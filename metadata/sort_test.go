package metadata_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// specSortSchema is the example SQLAlchemy's layered sort is documented
// with: defined zeta,
// child(→parent), parent, alpha(→zeta), beta.
func specSortSchema() *metadata.MetaData {
	md := metadata.New()
	id := func() *metadata.ColumnDef { return metadata.Column("id", types.Integer(), metadata.PrimaryKey()) }
	md.Table("zeta", id())
	md.Table("child", id(), metadata.Column("pid", nil, metadata.ForeignKey("parent.id")))
	md.Table("parent", id())
	md.Table("alpha", id(), metadata.Column("zid", nil, metadata.ForeignKey("zeta.id")))
	md.Table("beta", id())
	return md
}

func keys(ts []*metadata.Table) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Key()
	}
	return out
}

// TestSortMatchesSQLAlchemy checks the layered, stable tie rule on the
// spec's example: sorted_tables breaks ties by key, create_all by
// declaration order, drop_all is the exact reverse.
func TestSortMatchesSQLAlchemy(t *testing.T) {
	md := specSortSchema()
	sorted, err := md.SortedTables()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"beta", "parent", "zeta", "alpha", "child"}, keys(sorted)); diff != "" {
		t.Errorf("SortedTables (-want +got):\n%s", diff)
	}
	ctx := context.Background()
	db, rec := newRecorder(t, postgresql.Dialect)
	if err := md.CreateAll(ctx, dialectDB{db, postgresql.Dialect}, metadata.CheckFirst(false)); err != nil {
		t.Fatal(err)
	}
	rec.rows = [][]string{{"t", "", "zeta"}, {"t", "", "child"}, {"t", "", "parent"}, {"t", "", "alpha"}, {"t", "", "beta"}}
	if err := md.DropAll(ctx, dialectDB{db, postgresql.Dialect}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range rec.log() {
		if f := strings.Fields(s); len(f) > 2 && f[1] == "TABLE" {
			got = append(got, f[0]+" "+f[2])
		}
	}
	want := []string{"CREATE zeta", "CREATE parent", "CREATE beta", "CREATE child", "CREATE alpha",
		"DROP alpha", "DROP child", "DROP beta", "DROP parent", "DROP zeta"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("create/drop order (-want +got):\n%s", diff)
	}
}

// randomSchema declares n tables in a random order with 0–4 foreign keys
// each. Acyclic: table i references only tables j < i (in a hidden
// numbering). Cyclic: anything, self-references included.
func randomSchema(rng *rand.Rand, n int, cyclic bool) *metadata.MetaData {
	md := metadata.New()
	perm := rng.Perm(n)
	for _, i := range perm {
		items := []metadata.TableItem{metadata.Column("id", types.Integer(), metadata.PrimaryKey())}
		for k := range rng.IntN(5) {
			var j int
			switch {
			case cyclic:
				j = rng.IntN(n)
			case i == 0:
				continue
			default:
				j = rng.IntN(i)
			}
			items = append(items, metadata.Column(fmt.Sprintf("r%d_t%d", k, j), nil, metadata.ForeignKey(fmt.Sprintf("t%d.id", j))))
		}
		md.Table(fmt.Sprintf("t%d", i), items...)
	}
	return md
}

// TestSortPropertyAcyclic: on random acyclic graphs of up to 300 tables
// every table comes after every table it references.
func TestSortPropertyAcyclic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 200 {
		n := 1 + rng.IntN(300)
		md := randomSchema(rng, n, false)
		sorted, err := md.SortedTables()
		if err != nil {
			t.Fatal(err)
		}
		if len(sorted) != n {
			t.Fatalf("iteration %d: %d tables sorted, want %d", iter, len(sorted), n)
		}
		pos := map[*metadata.Table]int{}
		for i, tb := range sorted {
			pos[tb] = i
		}
		for _, tb := range sorted {
			for _, fk := range tb.ForeignKeys() {
				if pos[fk.RefTable()] >= pos[tb] {
					t.Fatalf("iteration %d: %s sorted before %s, which it references", iter, tb.Key(), fk.RefTable().Key())
				}
			}
		}
		if iter%20 == 0 { // deterministic: the same declarations sort the same way
			again, _ := md.SortedTables()
			if diff := cmp.Diff(keys(sorted), keys(again)); diff != "" {
				t.Fatalf("two sorts differ:\n%s", diff)
			}
		}
	}
}

// TestCyclesDeferOnlyWhatBreaksThem: on random cyclic graphs the script
// creates every table after the tables its inline keys reference, and
// every deferred key is on a cycle.
func TestCyclesDeferOnlyWhatBreaksThem(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alters := 0
	defer func() {
		if alters == 0 {
			t.Error("no foreign key was deferred in 100 random cyclic schemas")
		}
	}()
	for range 100 {
		md := randomSchema(rng, 2+rng.IntN(60), true)
		script, err := md.CreateAllSQL(postgresql.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		created := map[string]bool{}
		for _, stmt := range strings.Split(script, ";\n\n") {
			stmt = strings.TrimSuffix(stmt, ";\n")
			if rest, ok := strings.CutPrefix(stmt, "ALTER TABLE "); ok {
				alters++
				child, _, _ := strings.Cut(rest, " ")
				if parent := referenced(stmt)[0]; !reaches(md, parent, child) {
					t.Fatalf("deferred %s → %s is on no cycle", child, parent)
				}
				continue
			}
			head, _, _ := strings.Cut(stmt, " (")
			if name, ok := strings.CutPrefix(head, "CREATE TABLE "); ok {
				for _, ref := range referenced(stmt) {
					if ref != name && !created[ref] {
						t.Fatalf("%s references %s before it exists:\n%s", name, ref, stmt)
					}
				}
				created[name] = true
			}
		}
	}
}

// reaches reports whether table from references table to, directly or
// through other tables.
func reaches(md *metadata.MetaData, from, to string) bool {
	seen := map[string]bool{}
	queue := []string{from}
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		if k == to {
			return true
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		for _, fk := range md.Lookup(k).ForeignKeys() {
			queue = append(queue, fk.RefTable().Key())
		}
	}
	return false
}

// referenced lists the tables a CREATE TABLE statement references.
func referenced(stmt string) []string {
	var out []string
	for _, part := range strings.Split(stmt, " REFERENCES ")[1:] {
		name, _, _ := strings.Cut(part, " ")
		out = append(out, name)
	}
	return out
}

// TestRandomCyclesCreateAndDrop creates and drops random cyclic schemas
// on every server: the deferred keys are added with ALTER TABLE and
// dropped first (SQLite keeps them inline and defers the checks).
func TestRandomCyclesCreateAndDrop(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		rng := rand.New(rand.NewPCG(5, 6))
		db := s.fresh(t, nil)
		ctx := context.Background()
		for iter := range 5 {
			md := randomSchema(rng, 5+rng.IntN(25), true)
			if err := md.CreateAll(ctx, db); err != nil {
				t.Fatalf("iteration %d: %v", iter, err)
			}
			if err := md.DropAll(ctx, db); err != nil {
				t.Fatalf("iteration %d: %v", iter, err)
			}
			assertEmpty(t, s, db)
		}
	})
}
