package postgresql_test

import (
	"fmt"
	"net/url"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
)

// ConnString is what the pgx binding hands to pgx: the URL's host list
// and every query key that is not a pool setting, in libpq's URL form
// (a host without a port gets libpq's default).
func ExampleConnString() {
	fmt.Println(postgresql.ConnString(dialects.ConnParams{
		Dialect:     postgresql.Dialect,
		Hosts:       []dialects.HostPort{{Host: "primary.internal", Port: 5432}, {Host: "::1"}},
		User:        "app",
		Password:    "s3cret/?",
		HasPassword: true,
		Database:    "shop",
		Query:       url.Values{"sslmode": {"disable"}, "target_session_attrs": {"read-write"}},
	}))
	// Output:
	// postgres://app:s3cret%2F%3F@primary.internal:5432,[::1]/shop?sslmode=disable&target_session_attrs=read-write
}

// With pgbouncer=true the connector is a TransactionPooler: alchemy sees
// the method and stops relying on session state that a transaction
// pooler would share between clients. Opening the connector contacts no
// server.
func ExampleTransactionPooler() {
	for _, q := range []url.Values{{}, {"pgbouncer": {"true"}}} {
		c, err := postgresql.PgxDriver.OpenConnector(dialects.ConnParams{
			Dialect: postgresql.Dialect, Host: "127.0.0.1", Port: 6432, User: "app", Database: "shop", Query: q,
		})
		if err != nil {
			fmt.Println(err)
			continue
		}
		tp, ok := c.(interface{ TransactionPooler() bool })
		fmt.Println(q.Encode(), ok && tp.TransactionPooler())
	}
	// Output:
	//  false
	// pgbouncer=true true
}
