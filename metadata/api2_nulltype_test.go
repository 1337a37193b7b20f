package metadata_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// TestReflectUntypedSQLiteColumns reflects SQLite columns declared without
// a type and creates the reflected tables in a second SQLite database.
// Such a column reflects as types.NullType (SQLAlchemy's NullType), which
// SQLite writes as no type at all, so the copy has the same declared
// types (checked through the plain driver, not alchemy); on dialects
// that need a type, rendering names the table and the column.
func TestReflectUntypedSQLiteColumns(t *testing.T) {
	cases := []struct {
		name   string
		ddl    string
		table  string
		want   map[string]string // column -> declared type in the copy
		untype []string          // the columns that reflect as NullType
	}{
		{"all untyped", `CREATE TABLE kv (k, v)`, "kv",
			map[string]string{"k": "", "v": ""}, []string{"k", "v"}},
		{"untyped with constraints", `CREATE TABLE kc (k PRIMARY KEY, v NOT NULL DEFAULT 'x')`, "kc",
			map[string]string{"k": "", "v": ""}, []string{"k", "v"}},
		{"mixed", `CREATE TABLE mx (id INTEGER PRIMARY KEY, payload, note TEXT)`, "mx",
			map[string]string{"id": "INTEGER", "payload": "", "note": "TEXT"}, []string{"payload"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			srcURL := "sqlite:///" + filepath.Join(dir, "src.db")
			dstURL := "sqlite:///" + filepath.Join(dir, "dst.db")
			if _, err := testdb.Plain(t, srcURL).ExecContext(ctx, tc.ddl); err != nil {
				t.Fatal(err)
			}
			src := openAlchemy(t, srcURL)
			md := metadata.New()
			if err := md.Reflect(ctx, src); err != nil {
				t.Fatal(err)
			}
			tbl := md.Lookup(tc.table)
			if tbl == nil {
				t.Fatalf("table %s not reflected (have %v)", tc.table, md.Keys())
			}
			for _, name := range tc.untype {
				if typ := tbl.C(name).Type(); typ == nil || typ.Kind() != types.KindNull {
					t.Errorf("column %s reflected as %v, want NullType", name, typ)
				}
			}

			dst := openAlchemy(t, dstURL)
			if err := md.CreateAll(ctx, dst); err != nil {
				t.Fatalf("CreateAll of the reflected table: %v", err)
			}
			got := declaredTypes(t, testdb.Plain(t, dstURL), tc.table)
			for col, want := range tc.want {
				if g, ok := got[col]; !ok || g != want {
					t.Errorf("copy: column %s declared %q (present %v), want %q", col, g, ok, want)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("copy has columns %v, want %v", got, tc.want)
			}

			// A dialect that needs a type says which column lacks one.
			for _, dl := range []*dialects.Dialect{postgresql.Dialect, mysql.Dialect} {
				d := dl.Name
				_, err := md.CreateAllSQL(dl)
				if err == nil {
					t.Fatalf("%s: CreateAllSQL of an untyped column succeeded", d)
				}
				msg := err.Error()
				if !errors.Is(err, types.ErrUnsupported) || !strings.Contains(msg, tc.table) ||
					!strings.Contains(msg, tc.untype[0]) || !strings.Contains(msg, "NullType") {
					t.Errorf("%s: error %q should be types.ErrUnsupported naming %s.%s and NullType", d, msg, tc.table, tc.untype[0])
				}
			}
		})
	}
}

// TestNullTypeRendering covers NullType on each dialect directly: no
// type where the dialect allows untyped columns, an error elsewhere, and
// never a CAST target.
func TestNullTypeRendering(t *testing.T) {
	cases := []struct {
		d       *dialects.Dialect
		ddl     string
		ddlFail bool
	}{
		{sqlite.Dialect, "", false},
		{postgresql.Dialect, "", true},
		{mysql.Dialect, "", true},
		{mysql.MariaDB, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.d.Name, func(t *testing.T) {
			ddl, err := types.NullType().DDL(tc.d)
			if tc.ddlFail {
				if !errors.Is(err, types.ErrUnsupported) || !strings.Contains(err.Error(), "declare the column with a type") {
					t.Fatalf("DDL = %q, %v; want an ErrUnsupported asking for a type", ddl, err)
				}
			} else if err != nil || ddl != tc.ddl {
				t.Fatalf("DDL = %q, %v; want %q", ddl, err, tc.ddl)
			}
			if _, err := types.NullType().CastTarget(tc.d); !errors.Is(err, types.ErrUnsupported) {
				t.Fatalf("CastTarget error = %v, want ErrUnsupported", err)
			}
		})
	}
}

// openAlchemy opens url through alchemy, closed when the test ends.
func openAlchemy(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("alchemy", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// declaredTypes reads each column's declared type from SQLite's catalog.
func declaredTypes(t *testing.T, db *sql.DB, table string) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT name, type FROM pragma_table_info(?)`, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			t.Fatal(err)
		}
		got[name] = typ
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}
