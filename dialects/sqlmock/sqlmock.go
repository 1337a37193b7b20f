// Package sqlmock binds the "+sqlmock" driver part of a URL to
// DATA-DOG/go-sqlmock, for unit tests that assert the exact SQL a piece
// of code sends. Any registered dialect can be combined with it: SQL is
// compiled for the dialect in the URL and handed to the mock.
//
//	import _ "github.com/go-alchemy/alchemy/dialects/sqlmock"
//
//	_, mock, _ := sqlmock.NewWithDSN("users_test", sqlmock.QueryMatcherOption(sqlmock.QueryMatcherEqual))
//	eng, _ := alchemy.CreateEngine("postgresql+sqlmock://users_test")
//
// The URL's host (or, without a host, its database part) names the DSN
// given to sqlmock.NewWithDSN. Every pooled connection is that one mock
// connection; the pool still counts checkouts as usual.
//
// go-sqlmock proves which SQL is sent, not how a server answers it: the
// behaviour of alchemy itself is tested against real servers.
package sqlmock

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	gosqlmock "github.com/DATA-DOG/go-sqlmock"

	"github.com/go-alchemy/alchemy/dialects"
)

// Driver is the "sqlmock" driver binding, registered for every dialect.
var Driver = dialects.Driver{
	Name:          "sqlmock",
	OpenConnector: open,
}

func init() {
	dialects.RegisterDriver("", Driver)
	_ = gosqlmock.QueryMatcherEqual // the package's init registers the "sqlmock" database/sql driver
}

func open(p dialects.ConnParams) (driver.Connector, error) {
	dsn := p.Host
	if dsn == "" {
		dsn = p.Database
	}
	if dsn == "" {
		return nil, errors.New(`sqlmock: the URL must name the DSN given to sqlmock.NewWithDSN, e.g. "postgresql+sqlmock://users_test"`)
	}
	return &connector{dsn: dsn}, nil
}

type connector struct{ dsn string }

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.Driver().Open(c.dsn)
}

// Driver returns go-sqlmock's registered driver.
func (c *connector) Driver() driver.Driver {
	db, err := sql.Open("sqlmock", c.dsn)
	if err != nil {
		return nil
	}
	defer db.Close()
	return db.Driver()
}
