package migrate_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/migrate"
	"github.com/go-alchemy/alchemy/types"
)

func paintSchema() *metadata.MetaData {
	md := metadata.New()
	md.Table("paint",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("color", types.Enum("color", "red", "green", "violet"), metadata.NativeEnum(false), metadata.NotNull()),
		metadata.Column("flag", types.Boolean(), metadata.TypeConstraintName("ck_paint_flag")),
		metadata.Column("mood", types.Enum("mood", "ok", "bad")),
	)
	return md
}

// TestDiffTypeChecks: a database CreateAll made from a schema with a
// NativeEnum(false) column and a named Boolean check matches it (the
// named CHECKs the types bring are not strangers to drop), and adding
// such a column renders and applies.
func TestDiffTypeChecks(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			url := s.url(t)
			db := open(t, url)
			if err := paintSchema().CreateAll(ctx, db); err != nil {
				t.Fatal(err)
			}
			plan, err := migrate.Diff(ctx, paintSchema(), db)
			if err != nil {
				t.Fatal(err)
			}
			if !plan.Empty() {
				for _, o := range plan.Ops {
					t.Errorf("unexpected op: %s", o.Describe())
				}
			}
			wider := metadata.New()
			wider.Table("paint",
				metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
				metadata.Column("color", types.Enum("color", "red", "green", "violet"), metadata.NativeEnum(false), metadata.NotNull()),
				metadata.Column("flag", types.Boolean(), metadata.TypeConstraintName("ck_paint_flag")),
				metadata.Column("mood", types.Enum("mood", "ok", "bad")),
				metadata.Column("size", types.Enum("size", "s", "m", "l"), metadata.NativeEnum(false)),
			)
			plan, err = migrate.Diff(ctx, wider, db)
			if err != nil {
				t.Fatal(err)
			}
			stmts, err := migrate.SQL(plan.Dialect, plan.Ops...)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range stmts {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if plan, err := migrate.Diff(ctx, wider, db); err != nil || !plan.Empty() {
				t.Errorf("after adding size: %v, %v", plan, err)
			}
			// From a plain connection: the added column's CHECK holds.
			if _, err := testdb.Plain(t, url).ExecContext(ctx, "INSERT INTO paint (id, color, size) VALUES (1, 'red', 'xl')"); err == nil {
				t.Error("the added column accepted a label outside its enum")
			}
		})
	}
}

// TestAddColumnTypeCheckSQL: adding a NativeEnum(false) column names its
// CHECK after the enum, inline where the dialect allows it and as a
// clause of its own on MySQL.
func TestAddColumnTypeCheckSQL(t *testing.T) {
	md := metadata.New()
	paint := md.Table("paint",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("size", types.Enum("size", "s", "m", "l"), metadata.NativeEnum(false)),
		metadata.Column("dry", types.Boolean(), metadata.TypeConstraintName("ck_paint_dry")))
	for _, tc := range []struct {
		d    *dialects.Dialect
		want []string
	}{
		{postgresql.Dialect, []string{
			"ALTER TABLE paint ADD COLUMN size VARCHAR(1) CONSTRAINT size CHECK (size IN ('s', 'm', 'l'))",
			"ALTER TABLE paint ADD COLUMN dry BOOLEAN",
		}},
		{mysql.Dialect, []string{
			"ALTER TABLE paint ADD COLUMN size VARCHAR(1), ADD CONSTRAINT size CHECK (size IN ('s', 'm', 'l'))",
			"ALTER TABLE paint ADD COLUMN dry BOOL, ADD CONSTRAINT ck_paint_dry CHECK (dry IN (0, 1))",
		}},
		{sqlite.Dialect, []string{
			"ALTER TABLE paint ADD COLUMN size VARCHAR(1) CONSTRAINT size CHECK (size IN ('s', 'm', 'l'))",
			"ALTER TABLE paint ADD COLUMN dry BOOLEAN CONSTRAINT ck_paint_dry CHECK (dry IN (0, 1))",
		}},
	} {
		got, err := migrate.SQL(tc.d,
			migrate.AddColumn{Table: paint, Column: paint.C("size")},
			migrate.AddColumn{Table: paint, Column: paint.C("dry")})
		if err != nil {
			t.Errorf("%s: %v", tc.d.Name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.d.Name, diff)
		}
	}
}
