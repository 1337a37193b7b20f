package postgresql

import (
	"database/sql/driver"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	// The "alchemy" database/sql driver, so that importing this package
	// alone makes sql.Open("alchemy", url) work. The root package never
	// imports a dialect package, so this adds no cycle.
	_ "github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects"
)

// PgxDriver binds "postgresql+pgx" to jackc/pgx/v5 through its
// database/sql adapter (pgx/v5/stdlib). Every query key of the URL that is
// not a pool setting becomes a connection-string parameter, so sslmode,
// application_name, connect_timeout and pgx's own keys work as they do
// with pgx.
var PgxDriver = dialects.Driver{
	Name:          "pgx",
	OpenConnector: openPgx,
	InTransaction: pgxInTransaction,
}

// ConnString renders p as a libpq-style URL that pgx.ParseConfig accepts.
func ConnString(p dialects.ConnParams) string {
	u := url.URL{Scheme: "postgres", Path: "/" + p.Database}
	if p.User != "" || p.HasPassword {
		if p.HasPassword {
			u.User = url.UserPassword(p.User, p.Password)
		} else {
			u.User = url.User(p.User)
		}
	}
	host := p.Host
	if p.Port != 0 {
		host = net.JoinHostPort(p.Host, strconv.Itoa(p.Port))
	} else if host != "" && strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	u.Host = host
	u.RawQuery = p.Query.Encode()
	return u.String()
}

func openPgx(p dialects.ConnParams) (driver.Connector, error) {
	cfg, err := pgx.ParseConfig(ConnString(p))
	if err != nil {
		// pgx's ParseConfigError masks the password of the string it was given.
		return nil, fmt.Errorf("postgresql: pgx rejected the connection settings: %w", err)
	}
	return stdlib.GetConnector(*cfg), nil
}

// pgxInTransaction reads the transaction status pgx keeps from the
// server's ReadyForQuery messages: anything but idle means a transaction
// (perhaps started with a plain "BEGIN") is still open.
func pgxInTransaction(c driver.Conn) bool {
	sc, ok := c.(*stdlib.Conn)
	if !ok {
		return false
	}
	return sc.Conn().PgConn().TxStatus() != 'I'
}
