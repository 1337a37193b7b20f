package migrate_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
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
