package dialects_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"

	modernc "modernc.org/sqlite"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite" // also registers the "alchemy" driver
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

// On the drop-in path (sql.Open("alchemy", …)) errors are the driver's
// own values, so legacy type assertions keep working; KindOf classifies
// them without a dialect or an Engine in hand.
func ExampleKindOf() {
	db, _ := sql.Open("alchemy", "sqlite://")
	defer db.Close()
	ctx := context.Background()
	db.ExecContext(ctx, "CREATE TABLE users (email TEXT UNIQUE NOT NULL)")
	db.ExecContext(ctx, "INSERT INTO users VALUES ('ann@example.com')")

	_, err := db.ExecContext(ctx, "INSERT INTO users VALUES ('ann@example.com')")
	fmt.Println(dialects.KindOf(err))
	_, err = db.ExecContext(ctx, "INSERT INTO users VALUES (NULL)")
	fmt.Println(dialects.KindOf(err))
	_, err = db.ExecContext(ctx, "SELECT * FROM nowhere")
	fmt.Println(dialects.KindOf(err))
	fmt.Println(dialects.KindOf(errors.New("not from a database")))
	// Output:
	// unique violation
	// not null violation
	// undefined table
	// unknown
}

// Wrap turns a driver error into an *Error: errors.Is matches the
// portable sentinel, and errors.As still reaches the driver's own value
// with its detail (here modernc.org/sqlite's extended result code).
func ExampleDialect_Wrap() {
	db, _ := sql.Open("alchemy", "sqlite://")
	defer db.Close()
	ctx := context.Background()
	db.ExecContext(ctx, "CREATE TABLE t (id INTEGER PRIMARY KEY)")
	db.ExecContext(ctx, "INSERT INTO t VALUES (1)")
	_, err := db.ExecContext(ctx, "INSERT INTO t VALUES (1)")

	err = sqlite.Dialect.Wrap(err)
	fmt.Println(errors.Is(err, dialects.ErrUniqueViolation), errors.Is(err, dialects.ErrCheckViolation))
	var drvErr *modernc.Error
	fmt.Println(errors.As(err, &drvErr), drvErr.Code())
	var e *dialects.Error
	fmt.Println(errors.As(err, &e), e.Kind)
	fmt.Println(sqlite.Dialect.Wrap(err) == err) // wrapping twice changes nothing
	// Output:
	// true false
	// true 1555
	// true unique violation
	// true
}

// Err gives the sentinel of a kind, for errors.Is without naming the
// variable; Retryable says whether rerunning the whole transaction may
// succeed.
func ExampleErrorKind_Retryable() {
	for _, k := range []dialects.ErrorKind{dialects.KindSerializationFailure, dialects.KindDeadlock, dialects.KindLockTimeout, dialects.KindUniqueViolation} {
		fmt.Println(k, k.Retryable(), k.Err() == dialects.ErrDeadlock)
	}
	// Output:
	// serialization failure true false
	// deadlock true true
	// lock timeout false false
	// unique violation false false
}

// An *Error can be built for a classified failure of one's own; its text
// is the underlying error's.
func ExampleError() {
	err := fmt.Errorf("saving user: %w", &dialects.Error{Kind: dialects.KindNotNullViolation, Err: errors.New("email is null")})
	fmt.Println(err)
	fmt.Println(errors.Is(err, dialects.ErrNotNullViolation), errors.Is(err, dialects.ErrUniqueViolation))
	// Output:
	// saving user: email is null
	// true false
}

// Disconnected, ServerGone and ServerAnswered are what a pool and a retry
// loop ask of an error: throw the connection away, throw every connection
// away, or trust that a failed COMMIT was not applied.
func ExampleDialect_ServerAnswered() {
	db, _ := sql.Open("alchemy", "sqlite://")
	defer db.Close()
	_, syntaxErr := db.Exec("SELEC 1")
	for _, err := range []error{syntaxErr, driver.ErrBadConn, context.Canceled} {
		fmt.Println(sqlite.Dialect.Disconnected(err), sqlite.Dialect.ServerGone(err), sqlite.Dialect.ServerAnswered(err))
	}
	// Output:
	// false false true
	// true false false
	// false false false
}

// Quoting follows SQLAlchemy: only names that need it are quoted, and an
// upper-case letter needs it, because quoting is what keeps the case.
func ExampleDialect_NeedsQuote() {
	for _, name := range []string{"users", "select", "Users", "1st", "naïve"} {
		fmt.Println(name, postgresql.Dialect.IsReserved(name), postgresql.Dialect.NeedsQuote(name))
	}
	// Output:
	// users false false
	// select true true
	// Users false true
	// 1st false true
	// naïve false true
}

// QuoteString is for DDL text (defaults, comments, enum labels); MySQL
// also doubles backslashes, which it reads as escapes. Statement values
// are always bound, never quoted.
func ExampleDialect_QuoteString() {
	s := `it's C:\temp`
	fmt.Println(postgresql.Dialect.QuoteString(s))
	fmt.Println(mysql.Dialect.QuoteString(s))
	// Output:
	// 'it''s C:\temp'
	// 'it''s C:\\temp'
}

// An identifier that no quoting makes safe is an *IdentifierError.
func ExampleIdentifierError() {
	_, err := sqlite.Dialect.QuoteIdent("bad\x00name")
	var ie *dialects.IdentifierError
	fmt.Println(errors.As(err, &ie), ie.Dialect, errors.Is(err, dialects.ErrInvalidIdentifier))
	fmt.Println(sqlite.Dialect) // a Dialect prints as its name
	// Output:
	// true sqlite true
	// sqlite
}

// Features, SQLOptions and DDLOptions are plain data: the compiler and the
// schema layer read them and never test a dialect's name.
func ExampleFeatures() {
	for _, d := range []*dialects.Dialect{postgresql.Dialect, mysql.Dialect, mysql.MariaDB, sqlite.Dialect} {
		f := d.Features
		fmt.Printf("%-10s returning=%-5v transactional-ddl=%-5v enum=%-5v alter=%v\n", d.Name, f.InsertReturning, f.TransactionalDDL, f.NativeEnum, f.Alter)
	}
	// Output:
	// postgresql returning=true  transactional-ddl=true  enum=true  alter=true
	// mysql      returning=false transactional-ddl=false enum=true  alter=true
	// mariadb    returning=true  transactional-ddl=false enum=true  alter=true
	// sqlite     returning=true  transactional-ddl=true  enum=false alter=false
}

func ExampleSQLOptions() {
	for _, d := range []*dialects.Dialect{postgresql.Dialect, mysql.Dialect, sqlite.Dialect} {
		fmt.Printf("%-10s placeholder=%d limit=%d concat=%d true=%s now=%s\n", d.Name, d.Placeholder, d.SQL.Limit, d.SQL.Concat, d.SQL.TrueLiteral, d.SQL.NowFunc)
	}
	fmt.Println(postgresql.Dialect.Placeholder == dialects.Dollar, mysql.Dialect.SQL.Limit == dialects.LimitCommaOffset, mysql.Dialect.SQL.Concat == dialects.ConcatFunc)
	// Output:
	// postgresql placeholder=1 limit=0 concat=0 true=true now=now()
	// mysql      placeholder=0 limit=1 concat=1 true=true now=now()
	// sqlite     placeholder=0 limit=2 concat=0 true=1 now=CURRENT_TIMESTAMP
	// true true true
}

func ExampleDDLOptions() {
	for _, d := range []*dialects.Dialect{postgresql.Dialect, mysql.Dialect, sqlite.Dialect} {
		fmt.Printf("%-10s enum=%-6s autoincrement=%-8s varchar-needs-length=%v\n", d.Name, d.DDL.EnumStyle, d.DDL.AutoincrementStyle, d.DDL.StringNeedsLength)
	}
	// Output:
	// postgresql enum=named  autoincrement=identity varchar-needs-length=false
	// mysql      enum=inline autoincrement=auto_increment varchar-needs-length=true
	// sqlite     enum=check  autoincrement=rowid    varchar-needs-length=false
}

// Names lists what the imports (and Register calls) have made available,
// sorted; the output here does not depend on which other examples ran.
func ExampleNames() {
	names := dialects.Names()
	for _, builtin := range []string{"mariadb", "mysql", "postgresql", "sqlite"} {
		fmt.Print(slices.Contains(names, builtin), " ")
	}
	fmt.Println(slices.IsSorted(names))
	// Output:
	// true true true true true
}

// Registering a name twice is an error, so two packages cannot silently
// replace each other's dialect; MustRegister is the same for init.
func ExampleRegister() {
	acme := mysql.Dialect.Clone()
	acme.Name = "acmedb"
	acme.DefaultPort = 4000
	acme.Features.Savepoints = false
	if _, err := dialects.Lookup("acmedb"); err != nil {
		dialects.MustRegister(acme) // first registration in this process
	}
	err := dialects.Register(acme)
	fmt.Println(err != nil)
	d, _ := dialects.Lookup("acmedb")
	fmt.Println(d.Name, d.Family, d.DefaultPort, d.Features.Savepoints)
	// Output:
	// true
	// acmedb mysql 4000 false
}

// A Driver binds "dialect+name" in a URL to a connector. This one wraps
// SQLite's own to count the connections a pool opens.
func ExampleRegisterDriver() {
	var opened atomic.Int32
	counting := sqlite.ModerncDriver
	counting.Name = "counting"
	counting.OpenConnector = func(p dialects.ConnParams) (driver.Connector, error) {
		opened.Add(1)
		return sqlite.ModerncDriver.OpenConnector(p)
	}
	dialects.RegisterDriver("sqlite", counting)

	db, _ := sql.Open("alchemy", "sqlite+counting://")
	defer db.Close()
	err := db.Ping()
	fmt.Println(err, opened.Load())
	// Output:
	// <nil> 1
}

// An unknown "+driver" in a URL is an error that matches ErrUnknownDriver.
func ExampleLookupDriver() {
	d, _ := dialects.Lookup("postgresql")
	drv, _ := dialects.LookupDriver(d, "") // the default
	fmt.Println(drv.Name)
	_, err := dialects.LookupDriver(d, "psycopg2")
	fmt.Println(errors.Is(err, dialects.ErrUnknownDriver))
	// Output:
	// pgx
	// true
}

// A host list's servers print as host:port, IPv6 hosts in brackets.
func ExampleHostPort() {
	for _, h := range []dialects.HostPort{{Host: "db1.internal", Port: 5432}, {Host: "::1", Port: 3306}} {
		fmt.Println(h)
	}
	// Output:
	// db1.internal:5432
	// [::1]:3306
}

func ExampleWords() {
	reserved := dialects.Words("select from where")
	_, ok := reserved["from"]
	fmt.Println(len(reserved), ok)
	// Output:
	// 3 true
}

// tracedConn is a connection wrapper of the kind tracing or fault
// injection connectors return; Unwrap is the convention UnwrapConn follows.
type tracedConn struct{ driver.Conn }

func (c tracedConn) Unwrap() driver.Conn { return c.Conn }

type innerConn struct{ driver.Conn }

func ExampleUnwrapConn() {
	inner := innerConn{}
	wrapped := tracedConn{tracedConn{inner}} // wrapped twice
	fmt.Printf("%T\n", dialects.UnwrapConn(wrapped))
	// Output:
	// dialects_test.innerConn
}

// A plain *sql.DB (an Execer) answers the dialect Probe when it was
// opened through "alchemy"; one opened with another driver cannot, and
// Of says so.
func ExampleProbe() {
	db, _ := sql.Open("alchemy", "sqlite://")
	defer db.Close()
	var exec dialects.Execer = db
	probe := &dialects.Probe{}
	_, err := exec.ExecContext(context.Background(), dialects.ProbeQuery, probe)
	fmt.Println(err, probe.Dialect)

	plain, _ := sql.Open("sqlite", ":memory:") // modernc.org/sqlite directly
	defer plain.Close()
	_, err = dialects.Of(context.Background(), plain)
	fmt.Println(errors.Is(err, dialects.ErrNotAlchemy))
	// Output:
	// <nil> sqlite
	// true
}

// MustRegister is Register for an init function, where a duplicate name
// is a programming error.
func ExampleMustRegister() {
	if _, err := dialects.Lookup("yugabytedb"); err != nil {
		yb := postgresql.Dialect.Clone()
		yb.Name = "yugabytedb"
		yb.DefaultPort = 5433
		dialects.MustRegister(yb)
	}
	d, _ := dialects.Lookup("yugabytedb")
	fmt.Println(d, d.DefaultPort)
	// Output:
	// yugabytedb 5433
}

// The Engine and alchemy's Conn are Dialecters: code that takes one asks
// it for the dialect instead of probing.
func ExampleDialecter() {
	var target any = staticDialect{sqlite.Dialect}
	if dl, ok := target.(dialects.Dialecter); ok {
		fmt.Println(dl.Dialect())
	}
	d, err := dialects.Of(context.Background(), target) // Of uses the method too
	fmt.Println(d, err)
	// Output:
	// sqlite
	// sqlite <nil>
}

type staticDialect struct{ d *dialects.Dialect }

func (s staticDialect) Dialect() *dialects.Dialect { return s.d }

// The style enums say how SQL is written; the compiler switches on them,
// not on dialect names.
func ExamplePlaceholderStyle() {
	for _, d := range []*dialects.Dialect{postgresql.Dialect, mysql.Dialect, sqlite.Dialect} {
		ph := "?"
		if d.Placeholder == dialects.Dollar {
			ph = "$1"
		}
		fmt.Println(d.Name, ph)
	}
	// Output:
	// postgresql $1
	// mysql ?
	// sqlite ?
}

func ExampleLimitStyle() {
	offsetOnly := map[dialects.LimitStyle]string{
		dialects.LimitOffset:         "LIMIT ALL OFFSET 10",
		dialects.LimitCommaOffset:    "LIMIT 10, 18446744073709551615",
		dialects.LimitOffsetMinusOne: "LIMIT -1 OFFSET 10",
	}
	for _, d := range []*dialects.Dialect{postgresql.Dialect, mysql.Dialect, sqlite.Dialect} {
		fmt.Println(d.Name, offsetOnly[d.SQL.Limit])
	}
	// Output:
	// postgresql LIMIT ALL OFFSET 10
	// mysql LIMIT 10, 18446744073709551615
	// sqlite LIMIT -1 OFFSET 10
}

func ExampleConcatStyle() {
	for _, d := range []*dialects.Dialect{postgresql.Dialect, mysql.Dialect} {
		if d.SQL.Concat == dialects.ConcatFunc {
			fmt.Println(d.Name, "concat(a, b)")
		} else {
			fmt.Println(d.Name, "a || b")
		}
	}
	// Output:
	// postgresql a || b
	// mysql concat(a, b)
}

// A Driver binds a URL's "+name" to a connector; its optional hooks
// (nil: the generic path) let the pool read a driver connection's state.
// Here a Driver opens SQLite directly, as alchemy does for sqlite://.
func ExampleDriver() {
	d, _ := dialects.Lookup("sqlite")
	drv, _ := dialects.LookupDriver(d, "")
	c, err := drv.OpenConnector(dialects.ConnParams{Dialect: d})
	if err != nil {
		fmt.Println(err)
		return
	}
	db := sql.OpenDB(c)
	defer db.Close()
	var one int
	err = db.QueryRow("SELECT 1").Scan(&one)
	fmt.Println(drv.Name, one, err, drv.InTransaction != nil, drv.Closed != nil)
	// Output:
	// modernc 1 <nil> false false
}

// ConnParams are what a URL's parts become before a Driver sees them;
// a binding or a test can build them directly.
func ExampleConnParams() {
	p := dialects.ConnParams{Dialect: postgresql.Dialect, Host: "db.internal", Port: 5432, User: "app", Database: "shop"}
	fmt.Println(postgresql.ConnString(p))
	// Output:
	// postgres://app@db.internal:5432/shop
}

// Execer is all that the dialect probe needs: *sql.DB, *sql.Conn and
// *sql.Tx have the method.
func ExampleExecer() {
	db, _ := sql.Open("alchemy", "sqlite://")
	defer db.Close()
	tx, _ := db.Begin()
	defer tx.Rollback()
	for _, e := range []dialects.Execer{db, tx} {
		d, err := dialects.Of(context.Background(), e)
		fmt.Println(d, err)
	}
	// Output:
	// sqlite <nil>
	// sqlite <nil>
}

// IsReserved is the dialect's reserved-word list, in any case.
func ExampleDialect_IsReserved() {
	fmt.Println(mysql.Dialect.IsReserved("RANK"), postgresql.Dialect.IsReserved("rank"), sqlite.Dialect.IsReserved("select"))
	// Output:
	// true false true
}

// ErrorKind prints as words; Err is its sentinel for errors.Is.
func ExampleErrorKind() {
	err := fmt.Errorf("insert: %w", &dialects.Error{Kind: dialects.KindDeadlock, Err: errors.New("1213")})
	for _, k := range []dialects.ErrorKind{dialects.KindDeadlock, dialects.KindSyntax} {
		fmt.Println(k, errors.Is(err, k.Err()))
	}
	fmt.Println(dialects.KindUnknown.Err() == nil)
	// Output:
	// deadlock true
	// syntax error false
	// true
}

// A Dialect is plain data: compare two by their fields to see what code
// reading them (the compiler, the schema layer) will do differently.
func ExampleDialect() {
	for _, d := range []*dialects.Dialect{postgresql.Dialect, mysql.Dialect, sqlite.Dialect} {
		fmt.Printf("%-10s family=%-10s driver=%-7s port=%-4d quote=%c max-ident=%d\n",
			d, d.Family, d.DefaultDriver, d.DefaultPort, d.IdentQuote, d.MaxIdentifierLength)
	}
	// Output:
	// postgresql family=postgresql driver=pgx     port=5432 quote=" max-ident=63
	// mysql      family=mysql      driver=mysql   port=3306 quote=` max-ident=64
	// sqlite     family=sqlite     driver=modernc port=0    quote=" max-ident=0
}

// A connector that spreads connections over several servers implements
// HostReporter, so that alchemy can tell it which server went away. The
// MySQL binding's connector for a host list is one; opening it contacts
// no server.
func ExampleHostReporter() {
	c, err := mysql.Driver.OpenConnector(dialects.ConnParams{Dialect: mysql.Dialect,
		Hosts: []dialects.HostPort{{Host: "db1", Port: 3306}, {Host: "db2", Port: 3306}}, User: "app"})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, ok := c.(dialects.HostReporter)
	fmt.Println(ok)
	// Output:
	// true
}
