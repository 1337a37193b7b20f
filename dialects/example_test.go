package dialects_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	_ "github.com/go-alchemy/alchemy/dialects/sqlite" // also registers the "alchemy" driver
)

func ExampleLookup() {
	for _, name := range []string{"postgres", "mariadb", "oracle"} {
		d, err := dialects.Lookup(name)
		if err != nil {
			fmt.Println(errors.Is(err, dialects.ErrUnknownDialect))
			continue
		}
		fmt.Println(name, "->", d.Name, d.DefaultDriver, d.DefaultPort)
	}
	// Output:
	// postgres -> postgresql pgx 5432
	// mariadb -> mariadb mysql 3306
	// true
}

// The dialect of a plain *sql.DB opened through "alchemy" is found
// without a round trip to the server.
func ExampleOf() {
	db, err := sql.Open("alchemy", "sqlite://")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	d, err := dialects.Of(context.Background(), db)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Name, d.Features.InsertReturning, d.Features.Alter)
	// Output:
	// sqlite true false
}

// A variant dialect is a Clone with a few fields changed, registered
// under its own name with the drivers it speaks through.
func ExampleDialect_Clone() {
	crdb := postgresql.Dialect.Clone()
	crdb.Name = "cockroachdb"
	crdb.DefaultPort = 26257
	crdb.Features.TransactionalDDL = false
	if _, err := dialects.Lookup("cockroachdb"); err != nil { // once per process
		if err := dialects.Register(crdb); err != nil {
			fmt.Println(err)
			return
		}
		dialects.RegisterDriver("cockroachdb", postgresql.PgxDriver)
	}
	d, _ := dialects.Lookup("cockroachdb")
	drv, _ := dialects.LookupDriver(d, "")
	fmt.Println(d.Name, d.Family, d.DefaultPort, drv.Name, postgresql.Dialect.Features.TransactionalDDL)
	// Output:
	// cockroachdb postgresql 26257 pgx true
}

func ExampleDialect_QuoteIdent() {
	for _, ident := range []string{"users", "order", "Group", "two words"} {
		pg, _ := postgresql.Dialect.QuoteIdent(ident)
		my, _ := mysql.Dialect.QuoteIdent(ident)
		fmt.Println(pg, my)
	}
	// Output:
	// users users
	// "order" `order`
	// "Group" `Group`
	// "two words" `two words`
}

// Kind classifies a driver error portably; Retryable says whether the
// whole transaction may be run again.
func ExampleDialect_Kind() {
	db, _ := sql.Open("alchemy", "sqlite://")
	defer db.Close()
	ctx := context.Background()
	db.ExecContext(ctx, "CREATE TABLE t (id INTEGER PRIMARY KEY)")
	db.ExecContext(ctx, "INSERT INTO t VALUES (1)")
	_, err := db.ExecContext(ctx, "INSERT INTO t VALUES (1)")
	d, _ := dialects.Of(ctx, db)
	k := d.Kind(err)
	fmt.Println(k == dialects.KindUniqueViolation, k.Retryable())
	// Output:
	// true false
}
