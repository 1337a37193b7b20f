package metadata_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// tableDesc is what a round trip must preserve, in the terms the dialect
// can keep: types as the dialect renders them, names only where the
// declaration gives one and the catalog keeps that kind of name.
type tableDesc struct {
	Key, Comment string
	Columns      []string
	PrimaryKey   string
	ForeignKeys  []string
	Uniques      []string
	Indexes      []string
	Checks       []string
}

// keptNames says which constraint names each dialect's catalog keeps.
var keptNames = map[string]map[string]bool{
	"postgresql": {"pk": true, "fk": true, "uq": true, "ck": true, "ix": true},
	"mysql":      {"fk": true, "uq": true, "ck": true, "ix": true}, // the primary key is always PRIMARY
	"sqlite":     {"ck": true, "ix": true},                         // PRAGMAs report no constraint names
}

// describe describes t as seen on d. declared tells whether t is the
// declaration (names come from NameOn) or a reflection (names as read).
func describe(t *metadata.Table, d *dialects.Dialect, declared bool) (tableDesc, error) {
	desc := tableDesc{Key: t.Key()}
	if d.Features.Comments {
		desc.Comment = t.Comment()
	}
	for _, c := range t.Columns() {
		s, err := describeColumn(c, d)
		if err != nil {
			return desc, err
		}
		desc.Columns = append(desc.Columns, s)
	}
	namer := func(kind string, nameOn func(*dialects.Dialect) (string, error), reflected string) string {
		if !keptNames[d.Name][kind] {
			return ""
		}
		if declared {
			n, _ := nameOn(d)
			return n
		}
		return reflected
	}
	pk := t.PrimaryKey()
	desc.PrimaryKey = cols(pk.Columns()) + " |" + namer("pk", pk.NameOn, pk.Name())
	for _, fk := range t.ForeignKeys() {
		ref := fk.RefTable()
		desc.ForeignKeys = append(desc.ForeignKeys, fmt.Sprintf("%s -> %s%s delete=%s update=%s |%s",
			cols(fk.Columns()), ref.Key(), cols(fk.RefColumns()), action(d, fk.OnDelete()), action(d, fk.OnUpdate()),
			namer("fk", fk.NameOn, fk.Name())))
	}
	for _, u := range t.UniqueConstraints() {
		desc.Uniques = append(desc.Uniques, cols(u.Columns())+" |"+namer("uq", u.NameOn, u.Name()))
	}
	for _, ix := range t.Indexes() {
		name := namer("ix", ix.NameOn, ix.Name())
		if ix.Unique() && d.Name == "mysql" {
			desc.Uniques = append(desc.Uniques, cols(ix.Columns())+" |"+name) // MySQL cannot tell them apart
			continue
		}
		desc.Indexes = append(desc.Indexes, fmt.Sprintf("%s unique=%v |%s", cols(ix.Columns()), ix.Unique(), name))
	}
	for _, ck := range t.CheckConstraints() {
		desc.Checks = append(desc.Checks, normalizeSQL(ck.SQL())+" |"+namer("ck", ck.NameOn, ck.Name()))
	}
	for _, s := range [][]string{desc.ForeignKeys, desc.Uniques, desc.Indexes, desc.Checks} {
		sort.Strings(s)
	}
	return desc, nil
}

// maskNames blanks the reflected names of constraints declared without
// one: the server named them.
func maskNames(want, got *tableDesc) {
	mask := func(w, g []string) {
		unnamed := map[string]bool{}
		for _, s := range w {
			if body, name, _ := strings.Cut(s, " |"); name == "" {
				unnamed[body] = true
			}
		}
		for i, s := range g {
			if body, _, _ := strings.Cut(s, " |"); unnamed[body] {
				g[i] = body + " |"
			}
		}
		sort.Strings(g)
	}
	pk := []string{got.PrimaryKey}
	mask([]string{want.PrimaryKey}, pk)
	got.PrimaryKey = pk[0]
	mask(want.ForeignKeys, got.ForeignKeys)
	mask(want.Uniques, got.Uniques)
	mask(want.Indexes, got.Indexes)
	mask(want.Checks, got.Checks)
}

func describeColumn(c *metadata.ColumnDef, d *dialects.Dialect) (string, error) {
	typ, err := c.Type().DDL(d)
	if err != nil {
		return "", err
	}
	if c.Autoincrements() && d.DDL.AutoincrementStyle == "rowid" {
		typ = "INTEGER" // what CreateAll renders
	}
	def := ""
	if sd := c.ServerDefault(); sd != nil {
		def = normalizeSQL(sd.SQL(d))
	}
	comment := ""
	if d.Features.Comments {
		comment = c.Comment()
	}
	return fmt.Sprintf("%s %s null=%v default=%s auto=%v comment=%q",
		c.Name(), typ, c.Nullable(), def, c.Autoincrements(), comment), nil
}

func cols(cs []*metadata.ColumnDef) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name()
	}
	return "(" + strings.Join(names, ",") + ")"
}

// action maps the default action's spellings to "".
func action(d *dialects.Dialect, a string) string {
	if a == "NO ACTION" || (d.Name == "mysql" && a == "RESTRICT") {
		return ""
	}
	return a
}

var (
	casts  = regexp.MustCompile(`::[a-z ]+`)
	noise  = regexp.MustCompile("[\\s()\"`]+")
	lcase  = regexp.MustCompile(`\blcase\b`)
	quoted = regexp.MustCompile(`'[^']*'`)
)

// normalizeSQL erases how catalogs reprint SQL: casts PostgreSQL adds,
// parentheses, spaces, quotes, case, MariaDB's lcase for lower.
func normalizeSQL(s string) string {
	lits := quoted.FindAllString(s, -1)
	s = strings.ToLower(quoted.ReplaceAllString(s, "\x00"))
	s = lcase.ReplaceAllString(casts.ReplaceAllString(s, ""), "lower")
	s = noise.ReplaceAllString(s, "")
	for _, l := range lits {
		s = strings.Replace(s, "\x00", l, 1)
	}
	return s
}

// roundTripSchemas are created, reflected and compared on every server.
var roundTripSchemas = []struct {
	name   string
	schema func() *metadata.MetaData
}{
	{"seed", seedSchema}, {"blog", blogSchema}, {"selfref", selfRefSchema}, {"cycle2", cycle2Schema},
	{"cycle3", cycle3Schema}, {"composite", compositeSchema}, {"alltypes", allTypesSchema},
	{"interval", intervalSchema}, {"reserved", reservedSchema}, {"constraints", constraintsSchema},
	{"convention", conventionSchema},
}

// TestRoundTrip creates each schema in a fresh database, reflects it into
// a new MetaData and compares; creates it again (one catalog query, no
// DDL); drops it (nothing left, enum types included).
func TestRoundTrip(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		for _, sc := range roundTripSchemas {
			t.Run(sc.name, func(t *testing.T) {
				md := sc.schema()
				if _, err := md.CreateAllSQL(s.d); err != nil {
					var ue *types.UnsupportedError
					if !errorsAs(err, &ue) {
						t.Fatal(err)
					}
					t.Skipf("not renderable on %s (tested in the golden test): %v", s.name, err)
				}
				roundTrip(t, s, md)
			})
		}
	})
}

func roundTrip(t *testing.T, s server, md *metadata.MetaData) {
	ctx := context.Background()
	db := s.fresh(t, nil)
	var stmts []string
	echo := metadata.Echo(func(q string) { stmts = append(stmts, q) })
	if err := md.CreateAll(ctx, db, echo); err != nil {
		t.Fatal(err)
	}
	if n := countSelects(stmts); n != 1 {
		t.Errorf("CreateAll sent %d catalog queries, want 1", n)
	}
	reflected := metadata.New()
	if err := reflected.Reflect(ctx, db); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(md.Keys(), reflected.Keys()); diff != "" {
		t.Fatalf("reflected tables (-declared +reflected):\n%s", diff)
	}
	for _, key := range md.Keys() {
		want, err := describe(md.Lookup(key), s.d, true)
		if err != nil {
			t.Fatal(err)
		}
		got, err := describe(reflected.Lookup(key), s.d, false)
		if err != nil {
			t.Fatal(err)
		}
		maskNames(&want, &got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("table %s after a round trip (-declared +reflected):\n%s", key, diff)
		}
	}
	stmts = nil
	if err := md.CreateAll(ctx, db, echo); err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 1 || !strings.HasPrefix(stmts[0], "SELECT") {
		t.Errorf("second CreateAll sent %d statements, want the one catalog query: %q", len(stmts), stmts)
	}
	stmts = nil
	if err := md.DropAll(ctx, db, echo); err != nil {
		t.Fatal(err)
	}
	if countSelects(stmts) != 1 || !strings.HasPrefix(stmts[0], "SELECT") {
		t.Errorf("DropAll should send one catalog query first, sent %q", stmts)
	}
	assertEmpty(t, s, db)
}

func countSelects(stmts []string) int {
	n := 0
	for _, q := range stmts {
		if strings.HasPrefix(q, "SELECT") {
			n++
		}
	}
	return n
}

// assertEmpty checks that no table (and no enum type) is left.
func assertEmpty(t *testing.T, s server, db dbQuerier) {
	t.Helper()
	left := metadata.New()
	if err := left.Reflect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if keys := left.Keys(); len(keys) > 0 {
		t.Errorf("tables left behind: %v", keys)
	}
	if s.d.Name == "postgresql" {
		var n int
		if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' AND n.nspname = current_schema()").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d enum types left behind", n)
		}
	}
}
