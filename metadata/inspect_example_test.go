package metadata_test

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/go-alchemy/alchemy/dialects/sqlite" // the dialect and the "alchemy" driver
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

func ExampleInspect() {
	ctx := context.Background()
	db, err := sql.Open("alchemy", "sqlite://") // in memory
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	md := metadata.New()
	md.Table("users",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(50), metadata.NotNull(), metadata.Indexed()))
	md.Table("posts",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("user_id", nil, metadata.ForeignKey("users.id")))
	if err := md.CreateAll(ctx, db); err != nil {
		fmt.Println(err)
		return
	}

	in, err := metadata.Inspect(ctx, db)
	if err != nil {
		fmt.Println(err)
		return
	}
	names, _ := in.TableNames(ctx, "")
	fmt.Println("tables:", names)
	cols, _ := in.Columns(ctx, "users")
	for _, c := range cols {
		fmt.Printf("users.%s %s nullable=%v\n", c.Name, c.Type, c.Nullable)
	}
	ixs, _ := in.Indexes(ctx, "users")
	fmt.Printf("index %s on %v\n", ixs[0].Name, ixs[0].Columns)
	fks, _ := in.ForeignKeys(ctx, "posts")
	fmt.Printf("posts%v references %s%v\n", fks[0].Columns, fks[0].RefTable, fks[0].RefColumns)
	// Output:
	// tables: [posts users]
	// users.id Integer nullable=false
	// users.name String(50) nullable=false
	// index ix_users_name on [name]
	// posts[user_id] references users[id]
}
