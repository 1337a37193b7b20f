package migrate_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/migrate"
	"github.com/go-alchemy/alchemy/types"
)

func moodSchema(labels ...string) *metadata.MetaData {
	md := metadata.New()
	md.Table("people",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("mood", types.Enum("mood", labels...), metadata.NotNull(), metadata.ServerDefault("ok")),
	)
	return md
}

func TestReplaceEnumSQL(t *testing.T) {
	old, new := moodSchema("ok", "sad"), moodSchema("happy", "ok")
	op := migrate.ReplaceEnum{
		From:    old.Lookup("people").LookupColumn("mood").Type().(*types.EnumType),
		To:      new.Lookup("people").LookupColumn("mood").Type().(*types.EnumType),
		Columns: []*metadata.ColumnDef{old.Lookup("people").LookupColumn("mood")},
	}
	for i, want := range []string{
		`ALTER TYPE mood RENAME TO mood_old;
CREATE TYPE mood AS ENUM ('happy', 'ok');
ALTER TABLE people ALTER COLUMN mood DROP DEFAULT;
ALTER TABLE people ALTER COLUMN mood TYPE mood USING mood::text::mood;
ALTER TABLE people ALTER COLUMN mood SET DEFAULT 'ok';
DROP TYPE mood_old`,
		`ALTER TYPE mood RENAME TO mood_old;
CREATE TYPE mood AS ENUM ('ok', 'sad');
ALTER TABLE people ALTER COLUMN mood DROP DEFAULT;
ALTER TABLE people ALTER COLUMN mood TYPE mood USING mood::text::mood;
ALTER TABLE people ALTER COLUMN mood SET DEFAULT 'ok';
DROP TYPE mood_old`,
	} {
		o := migrate.Op(op)
		if i == 1 {
			o = op.Reverse()
		}
		stmts, err := migrate.SQL(postgresql.Dialect, o)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(stmts, ";\n"); got != want {
			t.Errorf("%s:\n%s\nwant\n%s", o.Describe(), got, want)
		}
	}
}

// Enum labels added and removed, on every dialect: a named type is
// rebuilt (PostgreSQL), an inline ENUM restated (MySQL), a check-style
// column rebuilt (SQLite); the values survive, and a removed label still
// in use makes the step fail without changing the version.
func TestEnumLabels(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			url := s.url(t)
			db := open(t, url)
			dir := filepath.Join(t.TempDir(), "migrations")
			v1, v2, v3 := moodSchema("ok", "sad"), moodSchema("happy", "ok", "sad"), moodSchema("happy", "ok")
			mustRun(t, v1, url, dir, "revision", "--autogenerate", "-m", "people")
			mustRun(t, v1, url, dir, "upgrade")
			if _, err := db.Exec("INSERT INTO people (id, mood) VALUES (1, 'ok'), (2, 'sad')"); err != nil {
				t.Fatal(err)
			}
			mustRun(t, v2, url, dir, "revision", "--autogenerate", "-m", "add happy")
			mustRun(t, v2, url, dir, "upgrade")
			if out, err := run(t, v2, url, dir, "check"); err != nil {
				t.Fatalf("check: %v\n%s", err, out)
			}
			if _, err := db.Exec("INSERT INTO people (id, mood) VALUES (3, 'happy')"); err != nil {
				t.Fatal(err)
			}
			expectRows(t, db, "SELECT id, mood FROM people ORDER BY id", [][]string{{"1", "ok"}, {"2", "sad"}, {"3", "happy"}})
			// Removing 'sad' while row 2 holds it fails and changes nothing.
			mustRun(t, v3, url, dir, "revision", "--autogenerate", "-m", "remove sad")
			m := &migrate.Migrator{MetaData: v3, DB: db, Dir: dir}
			before, _ := m.Current(ctx)
			if err := m.Upgrade(ctx, "head"); err == nil {
				t.Fatal("removing a label in use succeeded")
			}
			if after, _ := m.Current(ctx); after != before {
				t.Fatalf("version moved to %s", after)
			}
			if _, err := db.Exec("UPDATE people SET mood = 'ok' WHERE id = 2"); err != nil {
				t.Fatal(err)
			}
			mustRun(t, v3, url, dir, "upgrade")
			if out, err := run(t, v3, url, dir, "check"); err != nil {
				t.Fatalf("check: %v\n%s", err, out)
			}
			mustRun(t, v3, url, dir, "downgrade", "-1")
			if out, err := run(t, v2, url, dir, "check"); err != nil {
				t.Fatalf("check after downgrade: %v\n%s", err, out)
			}
			expectRows(t, db, "SELECT id, mood FROM people ORDER BY id", [][]string{{"1", "ok"}, {"2", "ok"}, {"3", "happy"}})
			// Down past "add happy" needs the rows holding it gone.
			if _, err := db.Exec("DELETE FROM people WHERE id = 3"); err != nil {
				t.Fatal(err)
			}
			mustRun(t, v2, url, dir, "downgrade", "base")
			if got := liveTables(t, db); len(got) != 1 {
				t.Fatalf("tables after downgrade base: %v", got)
			}
			if d, _ := dialects.Of(ctx, db); d.DDL.EnumStyle == types.EnumNamed {
				expectRows(t, db, "SELECT count(*) FROM pg_type WHERE typtype = 'e'", [][]string{{"0"}})
			}
		})
	}
}
