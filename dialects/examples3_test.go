package dialects_test

import (
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy/dialects"
)

// WithDefaultPort is how a variant whose server listens elsewhere than
// its base dialect's (CockroachDB on 26257) keeps a URL without a port
// from dialling the base server's port. Here the binding only records
// the port it was asked for.
func ExampleWithDefaultPort() {
	var dialled int
	base := dialects.Driver{
		Name: "recording",
		OpenConnector: func(p dialects.ConnParams) (driver.Connector, error) {
			dialled = p.Port
			return nil, errors.New("not dialling in an example")
		},
	}
	crdb := dialects.WithDefaultPort(base, 26257)
	crdb.OpenConnector(dialects.ConnParams{Host: "db.internal"})
	fmt.Println("no port in the URL:", dialled)
	crdb.OpenConnector(dialects.ConnParams{Host: "db.internal", Port: 26000})
	fmt.Println("port 26000 in the URL:", dialled)
	// Output:
	// no port in the URL: 26257
	// port 26000 in the URL: 26000
}
