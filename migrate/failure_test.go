package migrate_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/migrate"
	"github.com/go-alchemy/alchemy/types"
)

func dupSchema(unique bool) *metadata.MetaData {
	md := metadata.New()
	items := []metadata.TableItem{
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("email", types.String(50)),
	}
	if unique {
		items = append(items,
			metadata.Column("note", types.String(20)),
			metadata.UniqueConstraint([]string{"email"}, metadata.Named("uq_users_email")))
	}
	md.Table("users", items...)
	return md
}

// A step that fails (a unique constraint over duplicate rows) leaves the
// version where it was; where DDL is transactional (PostgreSQL, SQLite)
// the schema is unchanged too, including the column the step added
// before the failing statement.
func TestFailingStepKeepsVersion(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			url := s.url(t)
			db := open(t, url)
			dir := filepath.Join(t.TempDir(), "migrations")
			v1, v2 := dupSchema(false), dupSchema(true)
			mustRun(t, v1, url, dir, "revision", "--autogenerate", "-m", "users")
			mustRun(t, v1, url, dir, "upgrade")
			if _, err := db.Exec("INSERT INTO users (id, email) VALUES (1, 'a@x'), (2, 'a@x')"); err != nil {
				t.Fatal(err)
			}
			m := &migrate.Migrator{MetaData: v2, DB: db, Dir: dir}
			before, err := m.Current(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := m.Revision(ctx, "unique email", true); err != nil {
				t.Fatal(err)
			}
			err = m.Upgrade(ctx, "head")
			var se *migrate.StepError
			if !errors.As(err, &se) {
				t.Fatalf("upgrade over duplicates: %v, want a *StepError", err)
			}
			after, err := m.Current(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if after != before {
				t.Fatalf("version moved from %s to %s after a failed step", before, after)
			}
			d, err := dialects.Of(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if se.Partial != !d.Features.TransactionalDDL {
				t.Errorf("Partial = %v on a dialect with TransactionalDDL %v", se.Partial, d.Features.TransactionalDDL)
			}
			if d.Features.TransactionalDDL {
				plan, err := migrate.Diff(ctx, v1, db)
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range plan.Ops {
					t.Errorf("schema changed by the failed step: %s", o.Describe())
				}
			}
			expectRows(t, db, "SELECT id, email FROM users ORDER BY id", [][]string{{"1", "a@x"}, {"2", "a@x"}})
			// Fixed data: the same revision now applies.
			if _, err := db.Exec("UPDATE users SET email = 'b@x' WHERE id = 2"); err != nil {
				t.Fatal(err)
			}
			if !d.Features.TransactionalDDL {
				// The column added before the failing statement stayed:
				// the step cannot be re-run as is (it says so); undo it.
				if _, err := db.Exec("ALTER TABLE users DROP COLUMN note"); err != nil {
					t.Fatal(err)
				}
			}
			if err := m.Upgrade(ctx, "head"); err != nil {
				t.Fatal(err)
			}
			if out, err := run(t, v2, url, dir, "check"); err != nil {
				t.Fatalf("check: %v\n%s", err, out)
			}
		})
	}
}

// Two revisions with the same parent are refused.
func TestTwoHeads(t *testing.T) {
	dir := t.TempDir()
	for _, r := range []*migrate.Revision{
		{ID: "1", Message: "first"},
		{ID: "2", Parent: "1", Message: "second"},
		{ID: "3", Parent: "1", Message: "third"},
	} {
		if err := migrate.WriteRevision(dir, r); err != nil {
			t.Fatal(err)
		}
	}
	_, err := migrate.LoadHistory(dir)
	if !errors.Is(err, migrate.ErrMultipleHeads) {
		t.Fatalf("LoadHistory: %v, want ErrMultipleHeads", err)
	}
	t.Log(err)
	if _, err := run(t, metadata.New(), "", dir, "history"); !errors.Is(err, migrate.ErrMultipleHeads) {
		t.Fatalf("history: %v", err)
	}
}
