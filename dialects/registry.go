package dialects

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// ModulePath is the import path of the alchemy module.
const ModulePath = "github.com/go-alchemy/alchemy"

// ConnParams are the connection settings of a parsed URL, handed to a
// [Driver] to build the underlying connector. Pool settings have already
// been removed from Query.
type ConnParams struct {
	Dialect *Dialect
	Driver  string
	Host    string // without brackets for IPv6
	Port    int    // 0: the driver's default
	// Hosts lists every server, in the URL's order, when the URL names
	// more than one (each with its port, the dialect's default filled
	// in); nil otherwise. Host and Port are its first entry.
	Hosts       []HostPort
	User        string
	Password    string
	HasPassword bool
	Database    string
	// Query holds the remaining query keys, passed to the driver's DSN.
	Query url.Values
}

// HostReporter is implemented by an underlying connector that spreads
// connections over several servers (the MySQL binding's host-list
// failover). alchemy calls HostDown with the driver connection (as the
// connector returned it) when that connection finds its server gone, so
// that new connections go elsewhere.
type HostReporter interface {
	HostDown(conn driver.Conn, err error)
}

// HostPort is one server of a URL's host list.
type HostPort struct {
	Host string // without brackets
	Port int    // 0: the dialect's default
}

// String returns "host:port", bracketing an IPv6 host.
func (h HostPort) String() string {
	s := h.Host
	if strings.Contains(s, ":") {
		s = "[" + s + "]"
	}
	if h.Port != 0 {
		s += ":" + strconv.Itoa(h.Port)
	}
	return s
}

// Driver binds a URL's "+driver" part to an underlying database/sql
// driver.
type Driver struct {
	// Name is the URL's driver part ("pgx", "mysql", "modernc", "sqlmock").
	Name string
	// OpenConnector builds the underlying connector. It must not do I/O:
	// engines connect lazily. A returned connector that implements
	// io.Closer is closed when the alchemy connector is closed.
	OpenConnector func(p ConnParams) (driver.Connector, error)
	// InTransaction, when set, reports whether a raw connection is inside
	// a transaction that the caller did not end (for example a BEGIN sent
	// as plain SQL); the pool then resets it before reuse.
	InTransaction func(conn driver.Conn) bool
	// Closed, when set, reports whether a raw connection has been closed
	// on the client side (pgx closes a connection whose statement was
	// interrupted by its context). A connection that implements
	// driver.Validator is asked IsValid instead. A closed connection is
	// discarded at checkin, never pooled.
	Closed func(conn driver.Conn) bool
	// ConcurrentStatements is true when one connection can run a
	// statement while the rows of another are still open (SQLite). When
	// false, alchemy refuses such a statement with a clear error instead
	// of letting the driver break the connection (go-sql-driver/mysql) or
	// answer driver.ErrBadConn (pgx's "conn busy"), which ends the
	// transaction.
	ConcurrentStatements bool
}

// ErrUnknownDialect is matched by errors for a URL whose dialect is not
// registered.
var ErrUnknownDialect = errors.New("dialects: unknown dialect")

// ErrUnknownDriver is matched by errors for a URL whose driver is not
// registered for its dialect.
var ErrUnknownDriver = errors.New("dialects: unknown driver")

var (
	mu sync.RWMutex
	// guarded by mu
	registry  = map[string]*Dialect{}
	drivers   = map[string]map[string]Driver{} // dialect name ("" = any) → driver name → Driver
	aliases   = map[string]string{"postgres": "postgresql"}
	knownPkgs = map[string]string{
		"postgresql":  ModulePath + "/dialects/postgresql",
		"mysql":       ModulePath + "/dialects/mysql",
		"mariadb":     ModulePath + "/dialects/mysql",
		"sqlite":      ModulePath + "/dialects/sqlite",
		"cockroachdb": ModulePath + "/dialects/postgresql",
		"yugabytedb":  ModulePath + "/dialects/postgresql",
		"tidb":        ModulePath + "/dialects/mysql",
		"vitess":      ModulePath + "/dialects/mysql",
	}
	knownDriverPkgs = map[string]string{
		"sqlmock": ModulePath + "/dialects/sqlmock",
	}
)

// Register adds d under d.Name. Registering a name twice is an error.
func Register(d *Dialect) error {
	if d == nil || d.Name == "" {
		return errors.New("dialects: Register of a nil dialect or one without a name")
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[d.Name]; dup {
		return fmt.Errorf("dialects: dialect %q is already registered", d.Name)
	}
	if d.Family == "" {
		d.Family = d.Name
	}
	registry[d.Name] = d
	return nil
}

// MustRegister is Register for package init functions; it panics on error.
func MustRegister(d *Dialect) {
	if err := Register(d); err != nil {
		panic(err)
	}
}

// RegisterDriver makes drv available as "dialect+drv.Name". An empty
// dialect makes it available for every dialect (go-sqlmock, for example).
// A later registration of the same pair replaces the earlier one.
func RegisterDriver(dialect string, drv Driver) {
	mu.Lock()
	defer mu.Unlock()
	if drivers[dialect] == nil {
		drivers[dialect] = map[string]Driver{}
	}
	drivers[dialect][drv.Name] = drv
}

// Lookup returns the dialect registered under name (or an alias of it,
// such as "postgres"). The error for an unregistered dialect names the
// package to import.
func Lookup(name string) (*Dialect, error) {
	mu.RLock()
	defer mu.RUnlock()
	if canon, ok := aliases[name]; ok {
		name = canon
	}
	if d, ok := registry[name]; ok {
		return d, nil
	}
	if pkg, ok := knownPkgs[name]; ok {
		return nil, fmt.Errorf("%w %q: it is not registered; add the import _ %q", ErrUnknownDialect, name, pkg)
	}
	return nil, fmt.Errorf("%w %q (registered: %s)", ErrUnknownDialect, name, strings.Join(namesLocked(), ", "))
}

// LookupDriver returns the driver registered for d under name; an empty
// name selects d.DefaultDriver.
func LookupDriver(d *Dialect, name string) (Driver, error) {
	if name == "" {
		name = d.DefaultDriver
	}
	mu.RLock()
	defer mu.RUnlock()
	if drv, ok := drivers[d.Name][name]; ok {
		return drv, nil
	}
	if d.Family != d.Name {
		if drv, ok := drivers[d.Family][name]; ok {
			return drv, nil
		}
	}
	if drv, ok := drivers[""][name]; ok {
		return drv, nil
	}
	if pkg, ok := knownDriverPkgs[name]; ok {
		return Driver{}, fmt.Errorf("%w %q for dialect %s: add the import _ %q", ErrUnknownDriver, name, d.Name, pkg)
	}
	var have []string
	for n := range drivers[d.Name] {
		have = append(have, n)
	}
	for n := range drivers[""] {
		have = append(have, n)
	}
	sort.Strings(have)
	return Driver{}, fmt.Errorf("%w %q for dialect %s (registered: %s)", ErrUnknownDriver, name, d.Name, strings.Join(have, ", "))
}

// Names returns the registered dialect names, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return []string{"none"}
	}
	return names
}

// ProbeQuery is the statement text of a dialect probe. A connection opened
// through the "alchemy" driver answers it without contacting the server.
const ProbeQuery = "/* alchemy: dialect probe */"

// Probe is passed as the only argument of ExecContext(ctx, ProbeQuery,
// probe); a connection opened through "alchemy" fills in Dialect. This is
// how the schema and expression layers find the dialect of a plain
// *sql.DB, *sql.Conn or *sql.Tx, which expose no driver connection.
type Probe struct {
	Dialect *Dialect
}

// Execer is what *sql.DB, *sql.Conn and *sql.Tx have in common for
// statements that return no rows.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Dialecter is implemented by values that know their dialect (the
// Engine, alchemy's Conn).
type Dialecter interface {
	Dialect() *Dialect
}

// ErrNotAlchemy is matched by the error of [Of] for a target that was not
// opened through the "alchemy" driver.
var ErrNotAlchemy = errors.New(`dialects: not opened through the "alchemy" driver`)

// Of returns the dialect of target: its own Dialect method when it has
// one, else the answer to a [Probe] sent through its ExecContext.
//
// A target that was opened with another driver (sql.Open("pgx", dsn),
// say) cannot answer the probe; the error then matches [ErrNotAlchemy],
// names the driver where the target exposes it, and says how to open the
// database through "alchemy" instead.
func Of(ctx context.Context, target any) (*Dialect, error) {
	if d, ok := target.(Dialecter); ok {
		if dl := d.Dialect(); dl != nil {
			return dl, nil
		}
	}
	ex, ok := target.(Execer)
	if !ok {
		return nil, fmt.Errorf("%w: %T has neither a Dialect nor an ExecContext method", ErrNotAlchemy, target)
	}
	p := &Probe{}
	_, err := ex.ExecContext(ctx, ProbeQuery, p)
	if err == nil && p.Dialect != nil {
		return p.Dialect, nil
	}
	if err != nil && ctx.Err() != nil {
		// The probe never reached a driver: the caller gave up first.
		return nil, fmt.Errorf("dialects: finding the dialect of %T: %w", target, err)
	}
	return nil, notAlchemyError(target, err)
}

// driverOf is what *sql.DB has to tell which driver opened it.
type driverOf interface{ Driver() driver.Driver }

// notAlchemyError explains a failed probe. The underlying driver's own answer
// (pgx: "mismatched param and argument count") is kept at the end, for
// the rare case where the cause is something else, but it is not the
// headline: it only says that the driver did not understand the probe.
func notAlchemyError(target any, probeErr error) error {
	what := fmt.Sprintf("%T", target)
	if d, ok := target.(driverOf); ok && d.Driver() != nil {
		what = fmt.Sprintf("%T with the driver %T", target, d.Driver())
	}
	msg := what + "; open the database with sql.Open(\"alchemy\", url) or alchemy.CreateEngine(url), " +
		"url being a SQLAlchemy URL such as postgresql://user@host/db (a driver.Connector of your " +
		"own goes in with alchemy.WithConnector)"
	if probeErr != nil {
		return fmt.Errorf("%w: %s; the driver's answer to the dialect probe: %w", ErrNotAlchemy, msg, probeErr)
	}
	return fmt.Errorf("%w: %s", ErrNotAlchemy, msg)
}

// UnwrapConn returns the innermost driver connection of c, following
// Unwrap() driver.Conn methods — the convention modernc.org/sqlite
// documents for connection wrappers — so that a binding's hooks
// (InTransaction, Closed) still see the driver's own connection when a
// tracing or fault-injecting connector wraps it.
func UnwrapConn(c driver.Conn) driver.Conn {
	for range 16 { // a cycle of wrappers is a bug; don't loop forever on it
		u, ok := c.(interface{ Unwrap() driver.Conn })
		if !ok {
			return c
		}
		c = u.Unwrap()
	}
	return c
}
