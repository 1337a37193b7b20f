package mysql

import (
	"database/sql/driver"
	"fmt"
	"net"
	"strconv"

	gomysql "github.com/go-sql-driver/mysql"

	// The "alchemy" database/sql driver, so that importing this package
	// alone makes sql.Open("alchemy", url) work. The root package never
	// imports a dialect package, so this adds no cycle.
	_ "github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects"
)

// Driver binds "mysql+mysql" and "mariadb+mysql" to go-sql-driver/mysql.
// Every query key of the URL that is not a pool setting is a DSN
// parameter of that driver (charset, parseTime, loc, tls, timeout, …).
var Driver = dialects.Driver{
	Name:          "mysql",
	OpenConnector: openMySQL,
}

// Config renders p as a go-sql-driver/mysql configuration.
func Config(p dialects.ConnParams) (*gomysql.Config, error) {
	cfg := gomysql.NewConfig()
	cfg.User = p.User
	cfg.Passwd = p.Password
	cfg.Net = "tcp"
	host := p.Host
	if host == "" {
		host = "127.0.0.1"
	}
	port := p.Port
	if port == 0 {
		port = 3306
	}
	cfg.Addr = net.JoinHostPort(host, strconv.Itoa(port))
	cfg.DBName = p.Database
	if len(p.Query) > 0 {
		// Let the driver parse its own parameters, so every key it
		// documents works and an unknown or malformed one is its error.
		parsed, err := gomysql.ParseDSN("/?" + p.Query.Encode())
		if err != nil {
			return nil, fmt.Errorf("mysql: bad driver parameter in the URL: %w", err)
		}
		parsed.User, parsed.Passwd, parsed.Net, parsed.Addr, parsed.DBName = cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName
		cfg = parsed
	}
	return cfg, nil
}

func openMySQL(p dialects.ConnParams) (driver.Connector, error) {
	cfg, err := Config(p)
	if err != nil {
		return nil, err
	}
	return gomysql.NewConnector(cfg)
}
