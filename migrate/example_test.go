package migrate_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/migrate"
	"github.com/go-alchemy/alchemy/types"
)

// The workflow: autogenerate a revision from the MetaData, read it,
// upgrade, check. A program does the same with migrate.Main(md) and the
// commands revision --autogenerate -m "…", upgrade, check.
func Example() {
	ctx := context.Background()
	tmp, _ := os.MkdirTemp("", "migrate-example")
	defer os.RemoveAll(tmp)
	db, _ := sql.Open("alchemy", "sqlite:///"+filepath.Join(tmp, "app.db"))
	defer db.Close()

	md := metadata.New()
	md.Table("users",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(50), metadata.NotNull()),
	)
	m := &migrate.Migrator{
		MetaData: md, DB: db, Dir: filepath.Join(tmp, "migrations"),
		Now: func() time.Time { return time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC) },
	}
	r, _, err := m.Revision(ctx, "create users", true)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(filepath.Base(r.Path))
	fmt.Print(r.Text())
	if err := m.Upgrade(ctx, "head"); err != nil {
		fmt.Println(err)
		return
	}
	plan, _ := m.Diff(ctx)
	fmt.Println("in sync:", plan.Empty())
	// Output:
	// 20261125070000_create_users.sql
	// -- alchemy revision
	// -- id: 20261125070000
	// -- parent: base
	// -- message: create users
	// -- generated for dialect sqlite
	//
	// -- +goose Up
	// CREATE TABLE users (
	// 	id INTEGER NOT NULL,
	// 	name VARCHAR(50) NOT NULL,
	// 	PRIMARY KEY (id)
	// );
	//
	// -- +goose Down
	// DROP TABLE users;
	// in sync: true
}

// project is a temporary directory with a SQLite database file and a
// revisions directory; its Migrator's clock moves a minute per revision,
// so that the ids in the output are fixed.
type project struct {
	tmp string
	db  *sql.DB
}

func newProject() *project {
	tmp, err := os.MkdirTemp("", "migrate-example")
	if err != nil {
		panic(err)
	}
	db, err := sql.Open("alchemy", "sqlite:///"+filepath.Join(tmp, "app.db"))
	if err != nil {
		panic(err)
	}
	return &project{tmp: tmp, db: db}
}

func (p *project) Close() { p.db.Close(); os.RemoveAll(p.tmp) }

func (p *project) migrator(md *metadata.MetaData) *migrate.Migrator {
	t := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
	return &migrate.Migrator{MetaData: md, DB: p.db, Dir: filepath.Join(p.tmp, "migrations"),
		Now: func() time.Time { t = t.Add(time.Minute); return t }}
}

// usersV1 and usersV2 are two versions of a schema: V2 adds a column.
func usersV1() *metadata.MetaData {
	md := metadata.New()
	md.Table("users",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(50), metadata.NotNull()))
	return md
}

func usersV2() *metadata.MetaData {
	md2 := metadata.New()
	md2.Table("users",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(50), metadata.NotNull()),
		metadata.Column("email", types.String(100)))
	return md2
}

// twoRevisions writes a revision per schema version (upgrading in
// between, as autogenerate needs the database at the head) and returns
// the Migrator of the second, with the database at the first.
func twoRevisions(p *project) *migrate.Migrator {
	ctx := context.Background()
	m := p.migrator(usersV1())
	if _, _, err := m.Revision(ctx, "create users", true); err != nil {
		panic(err)
	}
	if err := m.Upgrade(ctx, "head"); err != nil {
		panic(err)
	}
	m.MetaData = usersV2()
	if _, _, err := m.Revision(ctx, "add email", true); err != nil {
		panic(err)
	}
	return m
}

// A Migrator is the commands of Run as methods: here the whole cycle,
// up to the head and one step back.
func ExampleMigrator() {
	ctx := context.Background()
	p := newProject()
	defer p.Close()
	m := twoRevisions(p)
	var log bytes.Buffer
	m.Log = &log

	cur, _ := m.Current(ctx)
	fmt.Println("at:", cur)
	fmt.Println(m.Upgrade(ctx, "head"))
	fmt.Println(m.Downgrade(ctx, "-1"))
	cur, _ = m.Current(ctx)
	fmt.Println("at:", cur)
	fmt.Print(log.String())
	// Output:
	// at: 20261125070100
	// <nil>
	// <nil>
	// at: 20261125070100
	// upgrade 20261125070100 -> 20261125070200, add email
	// downgrade 20261125070200 -> 20261125070100, add email
}

// Upgrade takes "head", "+N" or a revision id; it stops at the target.
func ExampleMigrator_Upgrade() {
	ctx := context.Background()
	p := newProject()
	defer p.Close()
	m := twoRevisions(p)
	if err := m.Downgrade(ctx, "base"); err != nil {
		fmt.Println(err)
		return
	}
	for _, target := range []string{"+1", "head", "head"} { // the last one has nothing to do
		err := m.Upgrade(ctx, target)
		cur, _ := m.Current(ctx)
		fmt.Println(target, "->", cur, err)
	}
	// Output:
	// +1 -> 20261125070100 <nil>
	// head -> 20261125070200 <nil>
	// head -> 20261125070200 <nil>
}

// Downgrade runs the down sections: to "base" undoes every revision.
func ExampleMigrator_Downgrade() {
	ctx := context.Background()
	p := newProject()
	defer p.Close()
	m := twoRevisions(p)
	m.Upgrade(ctx, "head")
	fmt.Println(m.Downgrade(ctx, "base"))
	cur, _ := m.Current(ctx)
	in, _ := metadata.Inspect(ctx, p.db)
	names, _ := in.TableNames(ctx, "")
	fmt.Printf("at %q, tables %v\n", cur, names) // only the version table is left
	// Output:
	// <nil>
	// at "", tables [alchemy_version]
}

// Current is "" (base) on a database no revision has touched, and
// changes nothing.
func ExampleMigrator_Current() {
	ctx := context.Background()
	p := newProject()
	defer p.Close()
	m := p.migrator(usersV1())
	cur, err := m.Current(ctx)
	fmt.Printf("%q %v\n", cur, err)
	// Output:
	// "" <nil>
}

// History is the revisions directory as one chain from base to head.
func ExampleMigrator_History() {
	p := newProject()
	defer p.Close()
	m := twoRevisions(p)
	h, err := m.History()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range h.Chain {
		parent := r.Parent
		if parent == "" {
			parent = "base"
		}
		fmt.Println(parent, "->", r.ID, r.Message)
	}
	fmt.Println("head:", h.Head())
	// Output:
	// base -> 20261125070100 create users
	// 20261125070100 -> 20261125070200 add email
	// head: 20261125070200
}

// Without autogenerate, Revision writes an empty revision for a person
// to fill in (data migrations, say).
func ExampleMigrator_Revision() {
	ctx := context.Background()
	p := newProject()
	defer p.Close()
	m := p.migrator(usersV1())
	r, _, err := m.Revision(ctx, "backfill names", false)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(filepath.Base(r.Path))
	fmt.Print(r.Text())
	// Output:
	// 20261125070100_backfill_names.sql
	// -- alchemy revision
	// -- id: 20261125070100
	// -- parent: base
	// -- message: backfill names
	//
	// -- +goose Up
	// -- +goose Down
}

// Autogenerate cannot tell a rename from a drop and an add; the plan's
// warning goes into the revision as a note for review.
func ExampleMigrator_Revision_autogenerate() {
	ctx := context.Background()
	p := newProject()
	defer p.Close()
	m := p.migrator(usersV1())
	m.Revision(ctx, "create users", true)
	m.Upgrade(ctx, "head")
	renamed := metadata.New()
	renamed.Table("users",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("full_name", types.String(50), metadata.NotNull()))
	m.MetaData = renamed
	r, plan, err := m.Revision(ctx, "rename name", true)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range plan.Ops {
		fmt.Println(o.Describe())
	}
	for _, n := range r.Notes {
		fmt.Println("note:", n)
	}
	// Output:
	// recreate table users (add column users.full_name; drop column users.name)
	// note: WARNING: table users: column name is dropped; it is NOT NULL without a server default, so the down step cannot add it back while the table has rows (edit the down step to add it nullable, fill it, then set NOT NULL)
	// note: WARNING: table users: columns full_name are added and name dropped: if a column was renamed, edit the revision (a rename looks like a drop plus an add, and the values would be lost)
	// note: This revision rebuilds tables (batch mode): run it with foreign key enforcement off (PRAGMA foreign_keys = OFF before BEGIN), then PRAGMA foreign_key_check.
	// note: generated for dialect sqlite
}

// UpgradeSQL is the script Upgrade would run, for a DBA to review or to
// run by hand ("offline mode").
func ExampleMigrator_UpgradeSQL() {
	ctx := context.Background()
	p := newProject()
	defer p.Close()
	m := twoRevisions(p)
	script, err := m.UpgradeSQL(ctx, "head")
	fmt.Print(script)
	fmt.Println(err)
	// Output:
	// -- upgrade 20261125070100 -> 20261125070200, add email
	// PRAGMA foreign_keys = OFF;
	//
	// BEGIN;
	//
	// ALTER TABLE users ADD COLUMN email VARCHAR(100);
	//
	// UPDATE alchemy_version SET version_num = '20261125070200' WHERE version_num = '20261125070100';
	//
	// PRAGMA foreign_key_check;
	//
	// COMMIT;
	//
	// PRAGMA foreign_keys = ON;
	//
	// <nil>
}

// Diff tells what a new revision would contain; an empty plan means the
// database matches the MetaData.
func ExampleMigrator_Diff() {
	ctx := context.Background()
	p := newProject()
	defer p.Close()
	m := twoRevisions(p) // the database is at the first revision
	plan, _ := m.Diff(ctx)
	fmt.Println(plan.Empty(), plan.Ops[0].Describe())
	m.Upgrade(ctx, "head")
	plan, _ = m.Diff(ctx)
	fmt.Println(plan.Empty())
	// Output:
	// false add column users.email
	// true
}

// check exits with ErrDiffers when the database is behind the MetaData,
// which is what a CI step wants.
func ExampleRun_check() {
	ctx := context.Background()
	p := newProject()
	defer p.Close()
	var out bytes.Buffer
	// Run reads the database URL from the command line.
	url := "sqlite:///" + filepath.Join(p.tmp, "app.db")
	err := migrate.Run(ctx, usersV1(), []string{"-url", url, "-dir", filepath.Join(p.tmp, "migrations"), "check"}, &out)
	fmt.Println(errors.Is(err, migrate.ErrDiffers))
	fmt.Print(out.String())
	// Output:
	// true
	// create table users
}

// Main is the whole command line in one call; it exits the process, so
// this example is compiled but not run.
func ExampleMain() {
	md := metadata.New()
	md.Table("users", metadata.Column("id", types.Integer(), metadata.PrimaryKey()))
	// go run ./cmd/migrate -url sqlite:///app.db upgrade head
	migrate.Main(md)
}

// The commands a migrate.Main program offers, run through Run: write a
// revision from the MetaData, apply it, ask where the database is. (Run
// uses the clock for the revision id, so only its shape is shown.)
func ExampleRun_upgrade() {
	ctx := context.Background()
	p := newProject()
	defer p.Close()
	flags := []string{"-url", "sqlite:///" + filepath.Join(p.tmp, "app.db"), "-dir", filepath.Join(p.tmp, "migrations")}
	run := func(args ...string) string {
		var out bytes.Buffer
		if err := migrate.Run(ctx, usersV1(), append(flags, args...), &out); err != nil {
			return "error: " + err.Error()
		}
		return out.String()
	}
	run("revision", "--autogenerate", "-m", "create users")
	run("upgrade", "head")
	files, _ := filepath.Glob(filepath.Join(p.tmp, "migrations", "*_create_users.sql"))
	current := strings.TrimSpace(run("current"))
	id, head, _ := strings.Cut(current, " ")
	fmt.Println(len(files), strings.HasPrefix(filepath.Base(files[0]), id+"_"), head)
	fmt.Print(run("check"))
	// Output:
	// 1 true (head)
	// no differences: the database matches the MetaData
}
