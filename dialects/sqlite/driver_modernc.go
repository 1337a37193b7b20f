package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	msqlite "modernc.org/sqlite"

	// The "alchemy" database/sql driver, so that importing this package
	// alone makes sql.Open("alchemy", url) work. The root package never
	// imports a dialect package, so this adds no cycle.
	_ "github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects"
)

// ModerncDriver binds "sqlite+modernc" to modernc.org/sqlite.
//
// Database forms follow SQLAlchemy: "sqlite:///relative.db",
// "sqlite:////abs/path.db", and "sqlite://" or "sqlite:///:memory:" for a
// memory database. A memory database is one database per engine, shared
// by all of its pooled connections (each SQLite connection to ":memory:"
// would otherwise be a database of its own), and lives until the engine is
// closed.
//
// Query keys are passed to modernc.org/sqlite (_pragma, _time_format,
// _txlock, mode, cache, vfs, …); the common pragmas may also be given by
// name (foreign_keys=on, journal_mode=wal, busy_timeout=5000,
// synchronous=normal, …). Unlike SQLite's own defaults, alchemy turns
// foreign_keys on and sets busy_timeout to 5000 ms unless the URL says
// otherwise: a pool of connections to one file needs to wait for locks,
// and declared foreign keys should be enforced.
var ModerncDriver = dialects.Driver{
	Name:          "modernc",
	OpenConnector: openModernc,
	// modernc steps each statement on its own: a statement may run while
	// another's rows are open.
	ConcurrentStatements: true,
}

// pragmaKeys are the pragmas accepted as plain query keys.
var pragmaKeys = map[string]bool{
	"foreign_keys": true, "journal_mode": true, "busy_timeout": true, "synchronous": true,
	"cache_size": true, "temp_store": true, "mmap_size": true, "locking_mode": true,
	"auto_vacuum": true, "recursive_triggers": true, "secure_delete": true, "case_sensitive_like": true,
}

// shorthandKeys are modernc.org/sqlite's validated DSN keys and the
// pragma each sets.
var shorthandKeys = map[string]string{
	"_busy_timeout": "busy_timeout", "_timeout": "busy_timeout",
	"_foreign_keys": "foreign_keys", "_fk": "foreign_keys",
	"_journal_mode": "journal_mode", "_journal": "journal_mode",
	"_synchronous": "synchronous", "_sync": "synchronous",
	"_auto_vacuum": "auto_vacuum", "_vacuum": "auto_vacuum",
	"_query_only": "query_only",
}

var memCounter atomic.Uint64

// IsMemory reports whether database names an in-memory SQLite database.
func IsMemory(database string, q url.Values) bool {
	return database == "" || database == ":memory:" || q.Get("mode") == "memory"
}

// DSN renders p as a modernc.org/sqlite data source name. A memory
// database gets a unique name in the memdb VFS, so that every connection
// of one engine opens the same database.
func DSN(p dialects.ConnParams) (string, error) {
	q := url.Values{}
	pragmas := map[string]bool{}
	for k, vs := range p.Query {
		// modernc's own shorthand keys (mattn/go-sqlite3's spelling)
		// set the pragma too: alchemy's default must not override them.
		if pragma, ok := shorthandKeys[strings.ToLower(k)]; ok {
			pragmas[pragma] = true
		}
		if pragmaKeys[strings.ToLower(k)] {
			for _, v := range vs {
				q.Add("_pragma", strings.ToLower(k)+"("+v+")")
				pragmas[strings.ToLower(k)] = true
			}
			continue
		}
		for _, v := range vs {
			q.Add(k, v)
			if k == "_pragma" {
				name, _, _ := strings.Cut(v, "(")
				pragmas[strings.ToLower(strings.TrimSpace(name))] = true
			}
		}
	}
	if !pragmas["foreign_keys"] {
		q.Add("_pragma", "foreign_keys(1)")
	}
	if !pragmas["busy_timeout"] {
		q.Add("_pragma", "busy_timeout(5000)")
	}
	if IsMemory(p.Database, p.Query) {
		q.Del("mode")
		q.Set("vfs", "memdb")
		return fmt.Sprintf("file:/alchemy-memory-%d?%s", memCounter.Add(1), q.Encode()), nil
	}
	if strings.ContainsRune(p.Database, '?') {
		return "", fmt.Errorf("sqlite: database path %q contains '?'", p.Database)
	}
	return "file:" + uriPath(p.Database) + "?" + q.Encode(), nil
}

// uriPath writes a database path for a "file:" URI, which SQLite reads by
// its URI filename rules: %HH escapes are decoded and a '#' ends the path,
// so both are escaped ("a#b.db" would open "a", "c%41.db" would open
// "cA.db"); a path starting with "//" gets an empty authority in front,
// as it would otherwise be read as a host name.
func uriPath(path string) string {
	path = strings.NewReplacer("%", "%25", "#", "%23").Replace(path)
	if strings.HasPrefix(path, "//") {
		path = "//" + path
	}
	return path
}

func openModernc(p dialects.ConnParams) (driver.Connector, error) {
	if p.Host != "" || p.Port != 0 || p.User != "" || p.HasPassword {
		// "sqlite://app.db" reads app.db as a host; SQLAlchemy rejects it
		// ("Invalid SQLite URL") rather than open a memory database.
		name := p.Host
		if name == "" {
			name = "app.db"
		}
		return nil, fmt.Errorf("sqlite: a SQLite URL has no host, user or port: write sqlite:///%s for a file relative to the working directory, or sqlite:////abs/path/%s for an absolute path", name, name)
	}
	dsn, err := DSN(p)
	if err != nil {
		return nil, err
	}
	c := &connector{dsn: dsn, drv: registeredDriver()}
	c.memory = IsMemory(p.Database, p.Query)
	return c, nil
}

// registeredDriver returns the driver modernc.org/sqlite registers as
// "sqlite": its package-level RegisterScalarFunction, RegisterFunction,
// RegisterCollationUtf8 and connection hooks reach that instance only,
// so alchemy's connections must come from it to see them.
var registeredDriver = sync.OnceValue(func() *msqlite.Driver {
	db, err := sql.Open("sqlite", "")
	if err == nil {
		defer db.Close()
		if d, ok := db.Driver().(*msqlite.Driver); ok {
			return d
		}
	}
	return &msqlite.Driver{}
})

// connector opens modernc connections. For a memory database it keeps one
// extra connection open from the first Connect until Close, because the
// memdb VFS frees a database when its last connection closes, and a pool
// may close all of its connections (pool_size 0, dispose) while the
// engine is still in use.
type connector struct {
	dsn    string
	drv    *msqlite.Driver
	memory bool

	mu     sync.Mutex
	keeper driver.Conn // guarded by mu
	closed bool        // guarded by mu
}

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	if c.memory {
		if err := c.keepAlive(); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.drv.Open(c.dsn)
}

func (c *connector) keepAlive() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errors.New("sqlite: connector is closed")
	}
	if c.keeper != nil {
		return nil
	}
	k, err := c.drv.Open(c.dsn)
	if err != nil {
		return err
	}
	c.keeper = k
	return nil
}

func (c *connector) Driver() driver.Driver { return c.drv }

// Close releases the memory database.
func (c *connector) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.keeper != nil {
		err := c.keeper.Close()
		c.keeper = nil
		return err
	}
	return nil
}
