package postgresql

import (
	"context"
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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
	Closed:        pgxClosed,
}

// pgxClosed reports a connection pgx has closed: after a statement was
// interrupted by its context pgx closes the connection rather than wait
// for the server, and stdlib.Conn has no driver.Validator to say so.
func pgxClosed(c driver.Conn) bool {
	sc, ok := dialects.UnwrapConn(c).(*stdlib.Conn)
	return ok && sc.Conn().IsClosed()
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
	if len(p.Hosts) > 1 {
		// pgx takes libpq's host list and tries the servers in order,
		// honouring target_session_attrs (read-write, read-only, primary,
		// standby, prefer-standby, any).
		list := make([]string, len(p.Hosts))
		for i, h := range p.Hosts {
			list[i] = h.String()
		}
		host = strings.Join(list, ",")
	}
	u.Host = host
	q := url.Values{}
	for k, v := range p.Query {
		if k != keyLoadBalance && k != keyPgBouncer {
			q[k] = v
		}
	}
	if on, _ := strconv.ParseBool(p.Query.Get(keyPgBouncer)); on && !q.Has("default_query_exec_mode") {
		// No named server-side statements: pgx's exec mode sends the
		// unnamed statement, Bind and Execute in one round trip, which a
		// transaction pooler keeps on one server connection.
		q.Set("default_query_exec_mode", "exec")
	}
	// pgx reads the query as libpq does, where '+' is a plus sign, not the
	// space of url.Values.Encode ("options=-c x=1" would reach the server
	// as "-c+x=1"); Encode writes a real '+' as %2B, so every '+' left is
	// a space.
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	return u.String()
}

// keyPgBouncer turns on the transaction-pooler mode (pgbouncer=true, the
// name Prisma uses): see [TransactionPooler].
const keyPgBouncer = "pgbouncer"

// TransactionPooler is the connector of a URL with pgbouncer=true: a
// transaction pooler (PgBouncer in pool_mode=transaction, RDS Proxy,
// Supavisor) sits between alchemy and PostgreSQL, so consecutive
// transactions of one client connection may run on different server
// connections. alchemy then keeps prepared statements as SQL text (no
// named statement outlives a transaction), pgx runs in
// default_query_exec_mode=exec unless the URL says otherwise, and
// statements that would leave session state on a shared server
// connection (SET, LISTEN, session advisory locks, temporary tables) are
// refused.
type TransactionPooler struct {
	driver.Connector
}

// TransactionPooler reports true; alchemy looks for this method.
func (TransactionPooler) TransactionPooler() bool { return true }

// keyLoadBalance is libpq's load_balance_hosts (PostgreSQL 16): "random"
// tries the servers of a host list in random order for each new
// connection, "disable" (the default) in the order written. pgx does not
// read it, so alchemy does.
const keyLoadBalance = "load_balance_hosts"

func openPgx(p dialects.ConnParams) (driver.Connector, error) {
	pooler := false
	if v := p.Query.Get(keyPgBouncer); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("postgresql: %s=%q: want true or false", keyPgBouncer, v)
		}
		pooler = on
	}
	random := false
	switch v := p.Query.Get(keyLoadBalance); v {
	case "", "disable":
	case "random":
		random = len(p.Hosts) > 1
	default:
		return nil, fmt.Errorf("postgresql: %s=%q: want disable or random", keyLoadBalance, v)
	}
	cfg, err := pgx.ParseConfig(ConnString(p))
	if err != nil {
		// pgx's ParseConfigError masks the password of the string it was given.
		return nil, fmt.Errorf("postgresql: pgx rejected the connection settings: %w", err)
	}
	var c driver.Connector = stdlib.GetConnector(*cfg)
	if random {
		c = &shuffled{cfg: cfg}
	}
	if pooler {
		c = TransactionPooler{c}
	}
	return c, nil
}

// shuffled connects with the servers of a host list in a new random
// order each time (load_balance_hosts=random), so that connections
// spread over them; pgx still skips a server that is down or fails
// target_session_attrs.
type shuffled struct {
	cfg *pgx.ConnConfig
}

func (s *shuffled) Connect(ctx context.Context) (driver.Conn, error) {
	cfg := s.cfg.Copy()
	shuffleHosts(cfg)
	return stdlib.GetConnector(*cfg).Connect(ctx)
}

// shuffleHosts puts cfg's servers in a random order. pgx lists each
// server once per TLS attempt (sslmode=prefer: TLS, then plain); servers
// are shuffled with each one's attempts kept together and in order.
func shuffleHosts(cfg *pgx.ConnConfig) {
	all := append([]*pgconn.FallbackConfig{{Host: cfg.Host, Port: cfg.Port, TLSConfig: cfg.TLSConfig}}, cfg.Fallbacks...)
	var groups [][]*pgconn.FallbackConfig
	for i, fc := range all {
		if i > 0 && fc.Host == all[i-1].Host && fc.Port == all[i-1].Port {
			groups[len(groups)-1] = append(groups[len(groups)-1], fc)
			continue
		}
		groups = append(groups, []*pgconn.FallbackConfig{fc})
	}
	rand.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	all = all[:0]
	for _, g := range groups {
		all = append(all, g...)
	}
	cfg.Host, cfg.Port, cfg.TLSConfig, cfg.Fallbacks = all[0].Host, all[0].Port, all[0].TLSConfig, all[1:]
}

func (s *shuffled) Driver() driver.Driver { return stdlib.GetDefaultDriver() }

// pgxInTransaction reads the transaction status pgx keeps from the
// server's ReadyForQuery messages: anything but idle means a transaction
// (perhaps started with a plain "BEGIN") is still open.
func pgxInTransaction(c driver.Conn) bool {
	sc, ok := dialects.UnwrapConn(c).(*stdlib.Conn)
	if !ok {
		return false
	}
	return sc.Conn().PgConn().TxStatus() != 'I'
}
