package metadata_test

import (
	"context"
	"database/sql"
	"errors"
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

// shopDB opens an in-memory SQLite database with a small shop schema for
// the Inspector examples.
func shopDB() *sql.DB {
	db, err := sql.Open("alchemy", "sqlite://")
	if err != nil {
		panic(err)
	}
	md := metadata.New()
	md.Table("customers",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("email", types.String(100), metadata.NotNull(), metadata.Unique()),
		metadata.Column("vip", types.Boolean(), metadata.ServerDefaultBool(false)))
	md.Table("orders",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("customer_id", nil, metadata.NotNull(), metadata.ForeignKey("customers.id", metadata.OnDelete("CASCADE"))),
		metadata.Column("total", types.Numeric(10, 2), metadata.CheckConstraint("total >= 0", metadata.Named("ck_total"))),
		metadata.Column("placed", types.DateTime(), metadata.Indexed()),
		metadata.UniqueConstraint([]string{"customer_id", "placed"}))
	if err := md.CreateAll(context.Background(), db); err != nil {
		panic(err)
	}
	return db
}

// TableNames lists base tables, sorted; HasTable asks about one.
func ExampleInspector_TableNames() {
	ctx := context.Background()
	db := shopDB()
	defer db.Close()
	in, _ := metadata.Inspect(ctx, db)
	names, err := in.TableNames(ctx, "")
	fmt.Println(names, err)
	ok, _ := in.HasTable(ctx, "orders")
	missing, _ := in.HasTable(ctx, "invoices")
	fmt.Println(ok, missing, in.Dialect())
	// Output:
	// [customers orders] <nil>
	// true false sqlite
}

// Columns come back with portable types (the Boolean's CHECK folded back
// into the type) and their server defaults.
func ExampleInspector_Columns() {
	ctx := context.Background()
	db := shopDB()
	defer db.Close()
	in, _ := metadata.Inspect(ctx, db)
	cols, _ := in.Columns(ctx, "customers")
	for _, c := range cols {
		fmt.Printf("%s %v nullable=%v default=%v autoincrement=%v\n", c.Name, c.Type, c.Nullable, c.Default, c.Autoincrement)
	}
	// Output:
	// id Integer nullable=false default=<nil> autoincrement=true
	// email String(100) nullable=false default=<nil> autoincrement=false
	// vip Boolean nullable=true default=false autoincrement=false
}

func ExampleInspector_PrimaryKey() {
	ctx := context.Background()
	db := shopDB()
	defer db.Close()
	in, _ := metadata.Inspect(ctx, db)
	pk, err := in.PrimaryKey(ctx, "orders")
	fmt.Printf("%q %v %v\n", pk.Name, pk.Columns, err) // SQLite keeps no primary key name
	// Output:
	// "" [id] <nil>
}

func ExampleInspector_ForeignKeys() {
	ctx := context.Background()
	db := shopDB()
	defer db.Close()
	in, _ := metadata.Inspect(ctx, db)
	fks, _ := in.ForeignKeys(ctx, "orders")
	for _, fk := range fks {
		fmt.Println(fk.Columns, "->", fk.RefTable, fk.RefColumns, "on delete", fk.OnDelete)
	}
	// Output:
	// [customer_id] -> customers [id] on delete CASCADE
}

// Indexes leaves out the ones that implement primary keys and unique
// constraints; those are UniqueConstraints.
func ExampleInspector_Indexes() {
	ctx := context.Background()
	db := shopDB()
	defer db.Close()
	in, _ := metadata.Inspect(ctx, db)
	ixs, _ := in.Indexes(ctx, "orders")
	for _, ix := range ixs {
		fmt.Println(ix.Name, ix.Columns, ix.Unique)
	}
	// Output:
	// ix_orders_placed [placed] false
}

func ExampleInspector_UniqueConstraints() {
	ctx := context.Background()
	db := shopDB()
	defer db.Close()
	in, _ := metadata.Inspect(ctx, db)
	for _, table := range []string{"customers", "orders"} {
		uqs, _ := in.UniqueConstraints(ctx, table)
		for _, u := range uqs {
			fmt.Println(table, u.Columns)
		}
	}
	// Output:
	// customers [email]
	// orders [customer_id placed]
}

// CheckConstraints lists the checks written in the schema, not the ones
// a column's type implies (vip's Boolean CHECK is part of its type).
func ExampleInspector_CheckConstraints() {
	ctx := context.Background()
	db := shopDB()
	defer db.Close()
	in, _ := metadata.Inspect(ctx, db)
	for _, table := range []string{"customers", "orders"} {
		cks, _ := in.CheckConstraints(ctx, table)
		for _, c := range cks {
			fmt.Printf("%s %q %q %q\n", table, c.Name, c.Column, c.SQL)
		}
	}
	// Output:
	// orders "ck_total" "total" "total >= 0"
}

// Table answers everything about one table at once; a missing table is
// an error matching ErrNoSuchTable.
func ExampleInspector_Table() {
	ctx := context.Background()
	db := shopDB()
	defer db.Close()
	in, _ := metadata.Inspect(ctx, db)
	ti, _ := in.Table(ctx, "orders")
	fmt.Println(ti.Name, len(ti.Columns), ti.PrimaryKey.Columns, len(ti.ForeignKeys), len(ti.Uniques), len(ti.Indexes), len(ti.Checks))
	_, err := in.Table(ctx, "invoices")
	fmt.Println(errors.Is(err, metadata.ErrNoSuchTable))
	// Output:
	// orders 4 [id] 1 1 1 1
	// true
}

// The Inspector caches what it has read; after DDL, ClearCache makes it
// read the catalog again.
func ExampleInspector_ClearCache() {
	ctx := context.Background()
	db := shopDB()
	defer db.Close()
	in, _ := metadata.Inspect(ctx, db)
	cols, _ := in.Columns(ctx, "customers")
	db.ExecContext(ctx, "ALTER TABLE customers ADD COLUMN phone TEXT")
	cached, _ := in.Columns(ctx, "customers")
	in.ClearCache()
	fresh, _ := in.Columns(ctx, "customers")
	fmt.Println(len(cols), len(cached), len(fresh))
	// Output:
	// 3 3 4
}

// An Inspector is the way to ask a live database about its schema
// without building a MetaData; one is cheap, and safe to share.
func ExampleInspector() {
	ctx := context.Background()
	db := shopDB()
	defer db.Close()
	in, err := metadata.Inspect(ctx, db)
	if err != nil {
		fmt.Println(err)
		return
	}
	names, _ := in.TableNames(ctx, "")
	for _, name := range names {
		ti, _ := in.Table(ctx, name)
		var cols []string
		for _, c := range ti.Columns {
			cols = append(cols, c.Name+" "+fmt.Sprint(c.Type))
		}
		fmt.Println(name, cols)
	}
	// Output:
	// customers [id Integer email String(100) vip Boolean]
	// orders [id Integer customer_id Integer total Numeric(10, 2) placed DateTime]
}

// The Info types are the Inspector's answers: plain values, with the
// names the catalog keeps (an Enum's CHECK name becomes EnumInfo.Name on
// SQLite).
func ExampleForeignKeyInfo() {
	ctx := context.Background()
	db := shopDB()
	defer db.Close()
	in, _ := metadata.Inspect(ctx, db)
	var fk metadata.ForeignKeyInfo
	fks, _ := in.ForeignKeys(ctx, "orders")
	fk = fks[0]
	fmt.Printf("%+v\n", fk)
	var pk metadata.ConstraintInfo
	pk, _ = in.PrimaryKey(ctx, "customers")
	var ix metadata.IndexInfo
	ixs, _ := in.Indexes(ctx, "orders")
	ix = ixs[0]
	var ck metadata.CheckInfo
	cks, _ := in.CheckConstraints(ctx, "orders")
	ck = cks[0]
	var col metadata.ColumnInfo
	cols, _ := in.Columns(ctx, "orders")
	col = cols[2]
	fmt.Printf("%+v\n%+v\n%+v\n%s %v\n", pk, ix, ck, col.Name, col.Type)
	// Output:
	// {Name: Columns:[customer_id] RefSchema: RefTable:customers RefColumns:[id] OnDelete:CASCADE OnUpdate: Deferrable:false Initially:}
	// {Name: Columns:[id]}
	// {Name:ix_orders_placed Columns:[placed] Unique:false}
	// {Name:ck_total Column:total SQL:total >= 0}
	// total Numeric(10, 2)
}

func ExampleEnumInfo() {
	ctx := context.Background()
	db, _ := sql.Open("alchemy", "sqlite://")
	defer db.Close()
	md := metadata.New()
	md.Table("shirts", metadata.Column("size", types.Enum("shirt_size", "s", "m", "l")))
	md.CreateAll(ctx, db)
	in, _ := metadata.Inspect(ctx, db)
	enums, _ := in.Enums(ctx, "")
	var e metadata.EnumInfo = enums[0]
	fmt.Printf("%+v\n", e)
	// Output:
	// {Schema: Name:shirt_size Labels:[s m l] Table:shirts Column:size}
}
