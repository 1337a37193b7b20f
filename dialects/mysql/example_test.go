package mysql_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
)

// Config is what the binding hands to go-sql-driver/mysql: every query
// key that is not a pool setting is one of that driver's DSN parameters.
func ExampleConfig() {
	cfg, err := mysql.Config(dialects.ConnParams{
		Dialect: mysql.Dialect, Host: "127.0.0.1", User: "root", Database: "shop",
		Query: url.Values{"parseTime": {"true"}, "charset": {"utf8mb4"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Addr, cfg.User, cfg.DBName, cfg.ParseTime)
	fmt.Println(cfg.FormatDSN())
	// Output:
	// 127.0.0.1:3306 root shop true
	// root@tcp(127.0.0.1:3306)/shop?charset=utf8mb4&parseTime=true
}

// A URL with several hosts gets a failover connector. When no server
// accepts a connection the error is a *HostsError with each server's
// error, and every server is marked down for host_retry_after seconds.
// (Nothing listens on ports 1 and 2 of the loopback, so both connections
// are refused at once.)
func ExampleHostsError() {
	c, err := mysql.Driver.OpenConnector(dialects.ConnParams{
		Dialect: mysql.Dialect,
		Hosts:   []dialects.HostPort{{Host: "127.0.0.1", Port: 1}, {Host: "127.0.0.1", Port: 2}},
		User:    "root",
		Query:   url.Values{"host_retry_after": {"60"}, "timeout": {"2s"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = c.Connect(context.Background())
	var he *mysql.HostsError
	fmt.Println(errors.As(err, &he), len(he.Errs))

	servers := c.(interface{ Servers() []mysql.ServerState }).Servers()
	for _, s := range servers {
		fmt.Println(s.Addr, "down:", s.Down)
	}
	// Output:
	// true 2
	// 127.0.0.1:1 down: true
	// 127.0.0.1:2 down: true
}

// MariaDB is MySQL's dialect with what MariaDB adds (RETURNING,
// sequences) and lacks (FOR UPDATE OF).
func ExampleMariaDB() {
	for _, d := range []*dialects.Dialect{mysql.Dialect, mysql.MariaDB} {
		fmt.Println(d.Name, d.Family, d.Features.InsertReturning, d.Features.Sequences, d.Features.ForUpdateOf)
	}
	// Output:
	// mysql mysql false false true
	// mariadb mysql true true false
}

// Servers reports the failover connector's view of its host list, in the
// URL's order, for diagnostics; a fresh connector has every server up.
func ExampleServerState() {
	c, _ := mysql.Driver.OpenConnector(dialects.ConnParams{Dialect: mysql.Dialect,
		Hosts: []dialects.HostPort{{Host: "db1", Port: 3306}, {Host: "db2", Port: 3307}}, User: "app"})
	for _, s := range c.(interface{ Servers() []mysql.ServerState }).Servers() {
		fmt.Println(s.Addr, "down:", s.Down)
	}
	// Output:
	// db1:3306 down: false
	// db2:3307 down: false
}
