package migrate_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/migrate"
	"github.com/go-alchemy/alchemy/types"
)

func ExampleDiff() {
	ctx := context.Background()
	db, _ := sql.Open("alchemy", "sqlite://") // in memory
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)"); err != nil {
		fmt.Println(err)
		return
	}
	md := metadata.New()
	md.Table("users",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(50), metadata.NotNull()),
		metadata.Column("email", types.String(100)))
	plan, err := migrate.Diff(ctx, md, db)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range plan.Ops {
		fmt.Println(o.Describe())
	}
	up, _ := plan.Up()
	down, _ := plan.Down()
	fmt.Println(strings.Join(up, ";\n"))
	fmt.Println(strings.Join(down, ";\n"))
	// Output:
	// add column users.email
	// ALTER TABLE users ADD COLUMN email VARCHAR(100)
	// ALTER TABLE users DROP COLUMN email
}

func ExampleSQL() {
	md := metadata.New()
	users := md.Table("users",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(50), metadata.NotNull()),
		metadata.Column("email", types.String(100)),
		metadata.Index("ix_users_name", "name"))
	stmts, err := migrate.SQL(postgresql.Dialect,
		migrate.AddColumn{Table: users, Column: users.C("email")},
		migrate.CreateIndex{Index: users.Indexes()[0]})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Join(stmts, ";\n"))
	// Output:
	// ALTER TABLE users ADD COLUMN email VARCHAR(100);
	// CREATE INDEX ix_users_name ON users (name)
}

// A database whose tables CreateAll made comes under migration with
// Stamp("head"): nothing runs, the version table names the newest
// revision, and later revisions apply on top.
func ExampleMigrator_Stamp() {
	ctx := context.Background()
	tmp, _ := os.MkdirTemp("", "migrate-stamp")
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "migrations")
	clock := func() time.Time { return time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC) }
	schema := func() *metadata.MetaData {
		md := metadata.New()
		md.Table("users",
			metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
			metadata.Column("name", types.String(50), metadata.NotNull()))
		return md
	}

	// The revisions, written against a development database.
	dev, _ := sql.Open("alchemy", "sqlite:///"+filepath.Join(tmp, "dev.db"))
	defer dev.Close()
	if _, _, err := (&migrate.Migrator{MetaData: schema(), DB: dev, Dir: dir, Now: clock}).Revision(ctx, "create users", true); err != nil {
		fmt.Println(err)
		return
	}

	// A new database made by CreateAll, stamped at the head.
	db, _ := sql.Open("alchemy", "sqlite:///"+filepath.Join(tmp, "app.db"))
	defer db.Close()
	if err := schema().CreateAll(ctx, db); err != nil {
		fmt.Println(err)
		return
	}
	var log bytes.Buffer
	m := &migrate.Migrator{MetaData: schema(), DB: db, Dir: dir, Log: &log}
	if err := m.Stamp(ctx, "head"); err != nil {
		fmt.Println(err)
		return
	}
	cur, _ := m.Current(ctx)
	plan, _ := m.Diff(ctx)
	fmt.Print(log.String())
	fmt.Println("current:", cur, "in sync:", plan.Empty())
	// Output:
	// stamped base -> 20261125070000
	// current: 20261125070000 in sync: true
}

func ExampleRun() {
	var out bytes.Buffer
	// help needs no database.
	if err := migrate.Run(context.Background(), metadata.New(), []string{"help"}, &out); err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "  stamp") {
			fmt.Println(strings.Join(strings.Fields(line), " "))
		}
	}
	// Output:
	// stamp head|base|ID record a revision without running it
}
