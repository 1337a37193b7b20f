package metadata_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// everyEntryPoint returns the error of each call that must report the
// declarations' first error.
func everyEntryPoint(md *metadata.MetaData) map[string]error {
	db := dialectDB{nil, postgresql.Dialect}
	_, sortErr := md.SortedTables()
	_, sqlErr := md.CreateAllSQL(postgresql.Dialect)
	_, dropErr := md.DropAllSQL(postgresql.Dialect)
	return map[string]error{
		"Err":          md.Err(),
		"SortedTables": sortErr,
		"CreateAllSQL": sqlErr,
		"DropAllSQL":   dropErr,
		"CreateAll":    md.CreateAll(context.Background(), db),
		"DropAll":      md.DropAll(context.Background(), db),
	}
}

func TestDeclarationErrors(t *testing.T) {
	id := func() *metadata.ColumnDef { return metadata.Column("id", types.Integer(), metadata.PrimaryKey()) }
	tests := []struct {
		name    string
		declare func(md *metadata.MetaData)
		is      error
		check   func(t *testing.T, err error)
		message string
	}{{
		name: "same table twice",
		declare: func(md *metadata.MetaData) {
			md.Table("users", id())
			if dup := md.Table("users", id()); dup == nil {
				t.Error("Table returned nil")
			}
		},
		is: metadata.ErrDuplicateTable,
		check: func(t *testing.T, err error) {
			var e *metadata.DuplicateTableError
			if !errors.As(err, &e) || e.Key != "users" {
				t.Errorf("want a DuplicateTableError for users, got %#v", err)
			}
		},
		message: `metadata: table "users" is already defined in this MetaData`,
	}, {
		name: "same table twice in a schema",
		declare: func(md *metadata.MetaData) {
			md.Table("users", id(), metadata.Schema("s1"))
			md.Table("users", id()) // another key: fine
			md.Table("users", id(), metadata.Schema("s1"))
		},
		is:      metadata.ErrDuplicateTable,
		message: `metadata: table "s1.users" is already defined in this MetaData`,
	}, {
		name: "same column twice",
		declare: func(md *metadata.MetaData) {
			md.Table("users", id(), metadata.Column("name", types.Text()), metadata.Column("name", types.Text()))
		},
		is: metadata.ErrDuplicateColumn,
		check: func(t *testing.T, err error) {
			var e *metadata.DuplicateColumnError
			if !errors.As(err, &e) || e.Table != "users" || e.Column != "name" {
				t.Errorf("want a DuplicateColumnError for users.name, got %#v", err)
			}
		},
		message: `metadata: column "name" is declared twice in table "users"`,
	}, {
		name: "foreign key to a missing table",
		declare: func(md *metadata.MetaData) {
			md.Table("orphan", id(), metadata.Column("x", types.Integer(), metadata.ForeignKey("nonexist.id")))
		},
		is: metadata.ErrNoReferencedTable,
		check: func(t *testing.T, err error) {
			var e *metadata.NoReferencedTableError
			if !errors.As(err, &e) || e.Table != "orphan" || e.RefKey != "nonexist" || !cmp.Equal(e.Columns, []string{"x"}) {
				t.Errorf("want both ends in the error, got %#v", err)
			}
		},
		message: `metadata: foreign key on orphan(x) references "nonexist.id", but table "nonexist" is not in the MetaData`,
	}, {
		name: "foreign key to a missing column",
		declare: func(md *metadata.MetaData) {
			md.Table("o2", id(), metadata.Column("uid", nil, metadata.ForeignKey("users.nocol")))
			md.Table("users", id())
		},
		is:      metadata.ErrNoReferencedColumn,
		message: `metadata: foreign key on o2(uid) references "users.nocol", but table "users" has no column "nocol"`,
	}, {
		name: "schema-qualified target",
		declare: func(md *metadata.MetaData) {
			md.Table("users", id(), metadata.Schema("auth"))
			md.Table("posts", id(), metadata.Column("uid", nil, metadata.ForeignKey("users.id")))
		},
		is:      metadata.ErrNoReferencedTable,
		message: `metadata: foreign key on posts(uid) references "users.id", but table "users" is not in the MetaData`,
	}, {
		name: "column without a type or a foreign key",
		declare: func(md *metadata.MetaData) {
			md.Table("t", id(), metadata.Column("x", nil))
		},
		is:      metadata.ErrInvalidDeclaration,
		message: `metadata: column "x" of table "t": a column without a type needs a foreign key to take its type from`,
	}, {
		name: "nullable primary key",
		declare: func(md *metadata.MetaData) {
			md.Table("t", metadata.Column("id", types.Integer(), metadata.PrimaryKey(), metadata.Nullable()))
		},
		is:      metadata.ErrInvalidDeclaration,
		message: `metadata: column "id" of table "t": a primary key column cannot be Nullable`,
	}, {
		name: "constraint on an unknown column",
		declare: func(md *metadata.MetaData) {
			md.Table("t", id(), metadata.UniqueConstraint([]string{"nope"}))
		},
		is:      metadata.ErrInvalidDeclaration,
		message: `metadata: table "t": UniqueConstraint names column "nope", which the table does not have`,
	}, {
		name: "invalid referential action",
		declare: func(md *metadata.MetaData) {
			md.Table("t", id(), metadata.Column("p", nil, metadata.ForeignKey("t.id", metadata.OnDelete("EXPLODE"))))
		},
		is:      metadata.ErrInvalidDeclaration,
		message: `metadata: column "p" of table "t": ForeignKey: ON DELETE "EXPLODE" is not one of RESTRICT, CASCADE, SET NULL, NO ACTION, SET DEFAULT`,
	}, {
		name: "foreign-key option on a unique constraint",
		declare: func(md *metadata.MetaData) {
			md.Table("t", id(), metadata.UniqueConstraint([]string{"id"}, metadata.OnDelete("CASCADE")))
		},
		is:      metadata.ErrInvalidDeclaration,
		message: `metadata: table "t": UniqueConstraint: ON DELETE applies to foreign keys only, not to a unique constraint`,
	}, {
		name: "malformed target",
		declare: func(md *metadata.MetaData) {
			md.Table("t", id(), metadata.Column("p", types.Integer(), metadata.ForeignKey("justatable")))
		},
		is:      metadata.ErrInvalidDeclaration,
		message: `metadata: column "p" of table "t": ForeignKey: foreign key target "justatable" is not "table.column" or "schema.table.column"`,
	}, {
		name: "nil items and options do not panic",
		declare: func(md *metadata.MetaData) {
			md.Table("t", nil, metadata.Column("id", types.Integer(), nil))
		},
		is:      metadata.ErrInvalidDeclaration,
		message: `metadata: table "t": item 0 is nil`,
	}, {
		name: "a column given to two tables",
		declare: func(md *metadata.MetaData) {
			c := metadata.Column("id", types.Integer(), metadata.PrimaryKey())
			md.Table("a", c)
			md.Table("b", c)
		},
		is:      metadata.ErrInvalidDeclaration,
		message: `metadata: column "id" of table "b": the column already belongs to table a; declare a new one`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			md := metadata.New()
			tc.declare(md)
			for entry, err := range everyEntryPoint(md) {
				if !errors.Is(err, tc.is) {
					t.Errorf("%s: err = %v, want %v", entry, err, tc.is)
					continue
				}
				if err.Error() != tc.message {
					t.Errorf("%s: message\n got %s\nwant %s", entry, err, tc.message)
				}
			}
			if tc.check != nil {
				tc.check(t, md.Err())
			}
		})
	}
}

func TestDDLErrors(t *testing.T) {
	strict := sqlite.Dialect.Clone() // a dialect with neither ALTER nor late foreign-key targets
	strict.Name = "strict"
	strict.DDL.LateForeignKeyTargets = false
	long := strings.Repeat("x", 64)
	tests := []struct {
		name    string
		schema  func() *metadata.MetaData
		d       *dialects.Dialect
		is      error
		message string
	}{{
		name: "String without a length on MySQL",
		schema: func() *metadata.MetaData {
			md := metadata.New()
			md.Table("types_t", metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
				metadata.Column("c_ustr_nolen", types.String(0)))
			return md
		},
		d: mysql.Dialect, is: types.ErrUnsupported,
		message: `metadata: table "types_t", column "c_ustr_nolen" (dialect mysql): types: VARCHAR requires a length on dialect mysql`,
	}, {
		name: "Interval on SQLite", schema: intervalSchema, d: sqlite.Dialect, is: types.ErrUnsupported,
		message: `metadata: table "spans", column "length" (dialect sqlite): types: Interval cannot be rendered on dialect sqlite`,
	}, {
		name: "cycle on a dialect that can neither ALTER nor reference ahead", schema: cycle2Schema, d: strict,
		is:      metadata.ErrCircularDependency,
		message: `metadata: tables a, b reference each other in a cycle, and dialect strict can neither ALTER TABLE … ADD CONSTRAINT nor reference a table before it exists`,
	}, {
		name: "constraint_name token on an unnamed constraint",
		schema: func() *metadata.MetaData {
			md := metadata.New(metadata.NamingConvention(map[string]string{"ck": "ck_%(table_name)s_%(constraint_name)s"}))
			md.Table("c1", metadata.Column("age", types.Integer(), metadata.CheckConstraint("age > 0")))
			return md
		},
		d: postgresql.Dialect,
		message: `metadata: table "c1", column "age" (dialect postgresql): naming convention "ck_%(table_name)s_%(constraint_name)s": ` +
			`%(constraint_name)s needs an explicit name; give the constraint one with Named`,
	}, {
		name: "explicit name too long",
		schema: func() *metadata.MetaData {
			md := metadata.New()
			md.Table("t", metadata.Column("id", types.Integer(), metadata.PrimaryKey()), metadata.Index(long, "id"))
			return md
		},
		d:       postgresql.Dialect,
		message: `metadata: table "t" (dialect postgresql): index: identifier "` + long + `" exceeds the maximum length of 63 characters`,
	}, {
		name: "autoincrement in a composite key on SQLite",
		schema: func() *metadata.MetaData {
			md := metadata.New()
			md.Table("t", metadata.Column("a", types.Integer(), metadata.PrimaryKey(), metadata.Autoincrement(true)),
				metadata.Column("b", types.Integer(), metadata.PrimaryKey()))
			return md
		},
		d: sqlite.Dialect,
		message: `metadata: table "t", column "a" (dialect sqlite): dialect sqlite autoincrements only a single-column primary key ` +
			`(INTEGER PRIMARY KEY), not a column of a composite key`,
	}, {
		name: "PostgreSQL enum without a name",
		schema: func() *metadata.MetaData {
			md := metadata.New()
			md.Table("t", metadata.Column("id", types.Integer(), metadata.PrimaryKey()), metadata.Column("e", types.Enum("", "a")))
			return md
		},
		d: postgresql.Dialect, is: types.ErrUnsupported,
		message: `metadata: table "t", column "e" (dialect postgresql): types: Enum requires a name on dialect postgresql`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.schema().CreateAllSQL(tc.d)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want %v", err, tc.is)
			}
			if err.Error() != tc.message {
				t.Errorf("message\n got %s\nwant %s", err, tc.message)
			}
		})
	}
}

// TestSQLiteCyclesNeedNoAlter: SQLAlchemy keeps every key inline on
// SQLite (no ALTER) and warns on drop_all; here the script is the same
// inline one, and DropAll defers the foreign-key checks instead.
func TestSQLiteCyclesNeedNoAlter(t *testing.T) {
	script, err := cycle2Schema().CreateAllSQL(sqlite.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(script, "ALTER") {
		t.Errorf("SQLite script uses ALTER:\n%s", script)
	}
}

func TestLongGeneratedNamesAreShortened(t *testing.T) {
	md := metadata.New()
	col := strings.Repeat("abcdefghijklmnopqrstuvwxyz", 2)
	md.Table("averyveryverylongtablename", metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column(col, types.Integer(), metadata.Indexed()))
	full := "ix_averyveryverylongtablename_" + col
	sum := md5.Sum([]byte(full))
	h := hex.EncodeToString(sum[:])
	for _, d := range []*dialects.Dialect{postgresql.Dialect, mysql.Dialect} {
		want := full[:d.MaxIdentifierLength-8] + "_" + h[len(h)-4:]
		got, err := md.Lookup("averyveryverylongtablename").Indexes()[0].NameOn(d)
		if err != nil || got != want {
			t.Errorf("%s: name = %q, %v; want %q", d.Name, got, err, want)
		}
	}
	if got, _ := md.Lookup("averyveryverylongtablename").Indexes()[0].NameOn(sqlite.Dialect); got != full {
		t.Errorf("sqlite (no limit): name = %q, want %q", got, full)
	}
}

func TestTypeInference(t *testing.T) {
	md := metadata.New()
	// A chain of typeless keys, declared before their targets.
	md.Table("c", metadata.Column("id", types.Integer(), metadata.PrimaryKey()), metadata.Column("b_id", nil, metadata.ForeignKey("b.id")))
	md.Table("b", metadata.Column("id", nil, metadata.ForeignKey("a.id"), metadata.PrimaryKey()))
	md.Table("a", metadata.Column("id", types.BigInteger(), metadata.PrimaryKey()))
	if err := md.Err(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*metadata.ColumnDef{md.Lookup("c").C("b_id"), md.Lookup("b").C("id")} {
		if c.Type() == nil || c.Type().Kind() != types.KindBigInteger {
			t.Errorf("%s.%s: type %v, want BigInteger", c.Parent().Key(), c.Name(), c.Type())
		}
	}
	if md.Lookup("b").C("id").Autoincrements() {
		t.Error("a primary key that is also a foreign key must not autoincrement")
	}
}

func TestUnknownColumnIsAnErrorNotAPanic(t *testing.T) {
	users := seedSchema().Lookup("users")
	c := users.C("nope")
	if c == nil || users.LookupColumn("nope") != nil {
		t.Fatal("C must return a detached column, LookupColumn nil")
	}
	_ = c.Eq("x") // builds an expression that fails to compile; must not panic
}
