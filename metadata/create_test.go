package metadata_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/metadata"
)

// catalogQuery stands for the one existence query in expected logs.
const catalogQuery = "<catalog>"

// normalize replaces the catalog query by catalogQuery.
func normalize(log []string) []string {
	out := make([]string, len(log))
	for i, s := range log {
		if strings.HasPrefix(s, "SELECT") {
			s = catalogQuery
		}
		out[i] = s
	}
	return out
}

func TestCreateAllStatementOrder(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		d      *dialects.Dialect
		schema func() *metadata.MetaData
		rows   [][]string // what the catalog query answers
		opts   []metadata.Option
		want   []string
	}{{
		name: "seed on postgresql: one transaction, users first", d: postgresql.Dialect, schema: seedSchema,
		want: []string{"BEGIN", catalogQuery, "CREATE TABLE users (", "CREATE TABLE addresses (", "COMMIT"},
	}, {
		name: "seed on mysql: no transaction (DDL commits itself), one connection", d: mysql.Dialect, schema: seedSchema,
		want: []string{catalogQuery, "CREATE TABLE users (", "CREATE TABLE addresses ("},
	}, {
		name: "existing tables are skipped", d: postgresql.Dialect, schema: seedSchema,
		rows: [][]string{{"t", "", "users"}},
		want: []string{"BEGIN", catalogQuery, "CREATE TABLE addresses (", "COMMIT"},
	}, {
		name: "everything exists: only the catalog query", d: postgresql.Dialect, schema: seedSchema,
		rows: [][]string{{"t", "", "users"}, {"t", "", "addresses"}},
		want: []string{"BEGIN", catalogQuery, "COMMIT"},
	}, {
		name: "checkfirst off: no catalog query", d: postgresql.Dialect, schema: seedSchema,
		opts: []metadata.Option{metadata.CheckFirst(false)},
		want: []string{"BEGIN", "CREATE TABLE users (", "CREATE TABLE addresses (", "COMMIT"},
	}, {
		name: "two-table cycle: only the closing key is deferred", d: postgresql.Dialect, schema: cycle2Schema,
		want: []string{"BEGIN", catalogQuery, "CREATE TABLE b (", "CREATE TABLE a (", "CREATE TABLE c (",
			"ALTER TABLE b ADD CONSTRAINT fk_b_a_id_a FOREIGN KEY(a_id) REFERENCES a (id)", "COMMIT"},
	}, {
		name: "cycle with one side existing: the key stays inline, under the same name", d: postgresql.Dialect,
		schema: cycle2Schema, rows: [][]string{{"t", "", "a"}},
		want: []string{"BEGIN", catalogQuery, "CREATE TABLE b (", "CREATE TABLE c (", "COMMIT"},
	}, {
		name: "three-table cycle on mysql", d: mysql.Dialect, schema: cycle3Schema,
		want: []string{catalogQuery, "CREATE TABLE z (", "CREATE TABLE y (", "CREATE TABLE x (",
			"ALTER TABLE z ADD CONSTRAINT fk_z_x FOREIGN KEY(x_id) REFERENCES x (id) ON DELETE CASCADE"},
	}, {
		name: "three-table cycle on sqlite: all inline", d: sqlite.Dialect, schema: cycle3Schema,
		want: []string{"BEGIN", catalogQuery, "CREATE TABLE z (", "CREATE TABLE y (", "CREATE TABLE x (", "COMMIT"},
	}, {
		name: "enum type created once, before its first table", d: postgresql.Dialect, schema: allTypesSchema,
		want: []string{"BEGIN", catalogQuery, "CREATE TYPE mood AS ENUM ('happy', 'sad', 'it''s ok')",
			"CREATE TABLE all_types (", "CREATE TABLE more_moods (", "COMMIT"},
	}, {
		name: "existing enum type is not created again", d: postgresql.Dialect, schema: allTypesSchema,
		rows: [][]string{{"e", "", "mood"}},
		want: []string{"BEGIN", catalogQuery, "CREATE TABLE all_types (", "CREATE TABLE more_moods (", "COMMIT"},
	}, {
		name: "indexes after their table, by name; comments last", d: postgresql.Dialect, schema: constraintsSchema,
		want: []string{"BEGIN", catalogQuery, "CREATE TABLE products (",
			"CREATE INDEX ix_products_added ON products (added)",
			"CREATE UNIQUE INDEX ix_products_code_vendor ON products (code, vendor)",
			"COMMENT ON TABLE products IS 'what we sell'", "COMMENT ON COLUMN products.id IS 'the id'", "COMMIT"},
	}, {
		name: "Only", d: postgresql.Dialect, schema: blogSchema, opts: []metadata.Option{metadata.Only("tags", "authors")},
		want: []string{"BEGIN", catalogQuery, "CREATE TABLE tags (", "CREATE TABLE authors (", "COMMIT"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, rec := newRecorder(t, tc.d)
			rec.rows = tc.rows
			if err := tc.schema().CreateAll(ctx, dialectDB{db, tc.d}, tc.opts...); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, normalize(rec.log())); diff != "" {
				t.Errorf("statements (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDropAllStatementOrder(t *testing.T) {
	ctx := context.Background()
	all := func(names ...string) [][]string {
		var rows [][]string
		for _, n := range names {
			rows = append(rows, []string{"t", "", n})
		}
		return rows
	}
	tests := []struct {
		name   string
		d      *dialects.Dialect
		schema func() *metadata.MetaData
		rows   [][]string
		opts   []metadata.Option
		want   []string
	}{{
		name: "reverse order", d: postgresql.Dialect, schema: seedSchema, rows: all("users", "addresses"),
		want: []string{"BEGIN", catalogQuery, "DROP TABLE addresses", "DROP TABLE users", "COMMIT"},
	}, {
		name: "missing tables are skipped", d: postgresql.Dialect, schema: seedSchema, rows: all("users"),
		want: []string{"BEGIN", catalogQuery, "DROP TABLE users", "COMMIT"},
	}, {
		name: "cycle keys dropped first", d: postgresql.Dialect, schema: cycle2Schema, rows: all("a", "b", "c"),
		want: []string{"BEGIN", catalogQuery, "ALTER TABLE b DROP CONSTRAINT fk_b_a_id_a",
			"DROP TABLE c", "DROP TABLE a", "DROP TABLE b", "COMMIT"},
	}, {
		name: "mysql drops foreign keys with DROP FOREIGN KEY", d: mysql.Dialect, schema: cycle3Schema, rows: [][]string{{"", "x"}, {"", "y"}, {"", "z"}},
		want: []string{catalogQuery, "ALTER TABLE z DROP FOREIGN KEY fk_z_x", "DROP TABLE x", "DROP TABLE y", "DROP TABLE z"},
	}, {
		name: "sqlite defers foreign-key checks for a cycle", d: sqlite.Dialect, schema: cycle2Schema,
		rows: [][]string{{"", "a"}, {"", "b"}, {"", "c"}},
		want: []string{"BEGIN", catalogQuery, "PRAGMA defer_foreign_keys = ON", "DROP TABLE c", "DROP TABLE a", "DROP TABLE b", "COMMIT"},
	}, {
		name: "enum type dropped after its tables", d: postgresql.Dialect, schema: allTypesSchema,
		rows: append(all("all_types", "more_moods"), []string{"e", "", "mood"}),
		want: []string{"BEGIN", catalogQuery, "DROP TABLE more_moods", "DROP TABLE all_types", "DROP TYPE mood", "COMMIT"},
	}, {
		name: "enum type dropped with the last table that uses it", d: postgresql.Dialect, schema: allTypesSchema,
		rows: append(all("more_moods"), []string{"e", "", "mood"}),
		want: []string{"BEGIN", catalogQuery, "DROP TABLE more_moods", "DROP TYPE mood", "COMMIT"},
	}, {
		name: "enum type kept while a remaining table uses it", d: postgresql.Dialect, schema: allTypesSchema,
		rows: append(all("more_moods", "all_types"), []string{"e", "", "mood"}),
		opts: []metadata.Option{metadata.Only("more_moods")},
		want: []string{"BEGIN", catalogQuery, "DROP TABLE more_moods", "COMMIT"},
	}, {
		name: "checkfirst off drops everything unchecked", d: postgresql.Dialect, schema: cycle2Schema,
		opts: []metadata.Option{metadata.CheckFirst(false)},
		want: []string{"BEGIN", "ALTER TABLE b DROP CONSTRAINT fk_b_a_id_a", "DROP TABLE c", "DROP TABLE a", "DROP TABLE b", "COMMIT"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, rec := newRecorder(t, tc.d)
			rec.rows = tc.rows
			if err := tc.schema().DropAll(ctx, dialectDB{db, tc.d}, tc.opts...); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, normalize(rec.log())); diff != "" {
				t.Errorf("statements (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCreateAllFailureRollsBack(t *testing.T) {
	db, rec := newRecorder(t, postgresql.Dialect)
	rec.failOn = "CREATE TABLE addresses"
	err := seedSchema().CreateAll(context.Background(), dialectDB{db, postgresql.Dialect})
	var ee *metadata.ExecError
	if !errors.As(err, &ee) || !strings.HasPrefix(ee.SQL, "CREATE TABLE addresses") {
		t.Fatalf("err = %v, want an ExecError for CREATE TABLE addresses", err)
	}
	// The batch fails and is rolled back; a replay, rolled back too, finds
	// the statement to report.
	want := []string{"BEGIN", catalogQuery, "CREATE TABLE users (", "CREATE TABLE addresses (", "ROLLBACK",
		"BEGIN", "CREATE TABLE users (", "CREATE TABLE addresses (", "ROLLBACK"}
	if diff := cmp.Diff(want, normalize(rec.log())); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
}

// TestBatchedDDL: on PostgreSQL and SQLite the DDL of a call travels as
// one script in the transaction: BEGIN, the catalog query, the script,
// COMMIT. MySQL (no transactional DDL) gets one statement per call.
func TestBatchedDDL(t *testing.T) {
	for _, tc := range []struct {
		d     *dialects.Dialect
		calls int
	}{{postgresql.Dialect, 4}, {sqlite.Dialect, 4}, {mysql.Dialect, 1 + 8}} {
		db, rec := newRecorder(t, tc.d)
		if err := blogSchema().CreateAll(context.Background(), dialectDB{db, tc.d}); err != nil {
			t.Fatal(err)
		}
		if got := rec.calls(); got != tc.calls {
			t.Errorf("%s: %d calls reached the driver, want %d: %q", tc.d.Name, got, tc.calls, rec.log())
		}
	}
}

func TestCreateAllInCallersTransaction(t *testing.T) {
	ctx := context.Background()
	db, rec := newRecorder(t, postgresql.Dialect)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A *sql.Tx: the dialect comes from the probe, and CreateAll neither
	// begins nor commits.
	if err := seedSchema().CreateAll(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	want := []string{"BEGIN", catalogQuery, "CREATE TABLE users (", "CREATE TABLE addresses (", "COMMIT"}
	if diff := cmp.Diff(want, normalize(rec.log())); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
}

func TestEchoSeesEveryStatement(t *testing.T) {
	db, rec := newRecorder(t, mysql.Dialect)
	var echoed []string
	err := blogSchema().CreateAll(context.Background(), dialectDB{db, mysql.Dialect},
		metadata.Echo(func(s string) { echoed = append(echoed, s) }))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec.stmts, echoed); diff != "" {
		t.Errorf("echo differs from what was sent (-sent +echoed):\n%s", diff)
	}
}

func TestTableCreateAndDrop(t *testing.T) {
	ctx := context.Background()
	md := allTypesSchema()
	db, rec := newRecorder(t, postgresql.Dialect)
	target := dialectDB{db, postgresql.Dialect}
	if err := md.Lookup("more_moods").Create(ctx, target); err != nil {
		t.Fatal(err)
	}
	rec.rows = [][]string{{"t", "", "more_moods"}}
	if err := md.Lookup("more_moods").Create(ctx, target); err != nil { // exists: nothing to do
		t.Fatal(err)
	}
	if err := md.Lookup("more_moods").Drop(ctx, target); err != nil {
		t.Fatal(err)
	}
	rec.rows = nil
	if err := md.Lookup("more_moods").Drop(ctx, target); err != nil { // gone: nothing to do
		t.Fatal(err)
	}
	if err := md.Lookup("more_moods").Drop(ctx, target, metadata.CheckFirst(false)); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"BEGIN", catalogQuery, "CREATE TYPE mood AS ENUM ('happy', 'sad', 'it''s ok')", "CREATE TABLE more_moods (", "COMMIT",
		"BEGIN", catalogQuery, "COMMIT",
		"BEGIN", catalogQuery, "DROP TABLE more_moods", "COMMIT",
		"BEGIN", catalogQuery, "COMMIT",
		"BEGIN", "DROP TABLE more_moods", "COMMIT",
	}
	if diff := cmp.Diff(want, normalize(rec.log())); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
}

func TestCreateAllNeedsAnAlchemyTarget(t *testing.T) {
	// modernc.org/sqlite registers itself as "sqlite": a database opened
	// with it directly, not through "alchemy".
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "plain.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkNotAlchemy(t, seedSchema().CreateAll(context.Background(), db), "*sqlite.Driver")
	if err := seedSchema().CreateAll(context.Background(), nil); err == nil {
		t.Error("CreateAll(nil target) succeeded")
	}
}

// checkNotAlchemy checks the error for a database opened with another
// driver: it matches ErrNotAlchemy, names the driver, and says how to
// open the database through alchemy.
func checkNotAlchemy(t *testing.T, err error, driverType string) {
	t.Helper()
	if !errors.Is(err, dialects.ErrNotAlchemy) {
		t.Fatalf("err = %v, want ErrNotAlchemy", err)
	}
	msg := err.Error()
	for _, want := range []string{`not opened through the "alchemy" driver`, "with the driver " + driverType, `sql.Open("alchemy", url)`, "alchemy.CreateEngine(url)"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if i := strings.Index(msg, "mismatched"); i >= 0 && i < strings.Index(msg, `sql.Open("alchemy"`) {
		t.Errorf("error %q leads with the driver's own answer", msg)
	}
}
