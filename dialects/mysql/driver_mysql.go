package mysql

import (
	"database/sql/driver"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"

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
	q := url.Values{}
	for k, v := range p.Query {
		if k != keyLoadBalance && k != keyRetryAfter {
			q[k] = v
		}
	}
	if len(q) > 0 {
		// Let the driver parse its own parameters, so every key it
		// documents works and an unknown or malformed one is its error.
		parsed, err := gomysql.ParseDSN("/?" + rawQuery(q))
		if err != nil {
			return nil, fmt.Errorf("mysql: bad driver parameter in the URL: %w", err)
		}
		parsed.User, parsed.Passwd, parsed.Net, parsed.Addr, parsed.DBName = cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName
		cfg = parsed
	}
	return cfg, nil
}

// rawQuery writes the driver's parameters as go-sql-driver/mysql reads
// them: it unescapes only some values (loc, time zones), so a value such
// as charset=none,utf8mb4 must reach it as written, not form-encoded.
// A value holding '&' (which would end it), '/' (which the driver's DSN
// parser takes for the database's), '%' or '+' (which the driver's
// unescaping of session variables turns into a space: time_zone='+00:00')
// is query-escaped instead: the driver unescapes the values where those
// occur (loc, time zones, session variables).
func rawQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			if strings.ContainsAny(v, "&%/+") {
				v = url.QueryEscape(v)
			}
			b.WriteString(v)
		}
	}
	return b.String()
}

func openMySQL(p dialects.ConnParams) (driver.Connector, error) {
	if len(p.Hosts) > 1 {
		q := url.Values{}
		for k, v := range p.Query {
			q[k] = v
		}
		p.Query = q
		f, err := newFailover(p)
		if err != nil {
			return nil, err
		}
		return f, nil
	}
	for _, k := range []string{keyLoadBalance, keyRetryAfter} {
		if p.Query.Has(k) {
			return nil, fmt.Errorf("mysql: %s applies to a URL with several hosts (h1:p1,h2:p2)", k)
		}
	}
	cfg, err := Config(p)
	if err != nil {
		return nil, err
	}
	return gomysql.NewConnector(cfg)
}
