package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialects/mysql"
	_ "github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/sqlexpr"
	"github.com/go-alchemy/alchemy/types"
)

// itemRows is the number of rows of the items table: ids 1..itemRows.
const itemRows = 1000

// server is one database under test and the tables the tool made on it.
type server struct {
	name    string // "postgresql" or "mysql"
	url     string
	version string
	admin   *sql.DB // the tool's own connection, through the underlying driver
	adminC  *alchemy.Connector
	items   string // table names
	log     string
	// sql is the hand-written SQL of each workload, in the server's
	// placeholder style.
	sql map[string][]string
}

// Item is a row of the items table, scanned by every path.
type Item struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
	Qty  int64  `db:"qty"`
}

func openServer(ctx context.Context, name, url string) (*server, error) {
	c, err := alchemy.NewConnector(url)
	if err != nil {
		return nil, usagef("%s URL: %v", name, err)
	}
	s := &server{name: name, url: url, adminC: c}
	s.admin = sql.OpenDB(noClose{c.Underlying()})
	s.admin.SetMaxOpenConns(1)
	if err := s.admin.PingContext(ctx); err != nil {
		s.close(ctx)
		return nil, fmt.Errorf("%s: cannot connect to %s: %w", name, c.URL().String(), err)
	}
	if err := s.admin.QueryRowContext(ctx, "SELECT version()").Scan(&s.version); err != nil {
		s.close(ctx)
		return nil, fmt.Errorf("%s: SELECT version(): %w", name, err)
	}
	pid := os.Getpid()
	s.items, s.log = fmt.Sprintf("perf_items_%d", pid), fmt.Sprintf("perf_log_%d", pid)
	serial := "id serial PRIMARY KEY"
	if name == "mysql" {
		serial = "id int AUTO_INCREMENT PRIMARY KEY"
	}
	stmts := []string{
		"CREATE TABLE " + s.items + " (id int PRIMARY KEY, name varchar(40) NOT NULL, qty int NOT NULL)",
		"CREATE TABLE " + s.log + " (" + serial + ", item int NOT NULL, qty int NOT NULL)",
	}
	var ins strings.Builder
	ins.WriteString("INSERT INTO " + s.items + " (id, name, qty) VALUES ")
	for i := 1; i <= itemRows; i++ {
		if i > 1 {
			ins.WriteString(", ")
		}
		fmt.Fprintf(&ins, "(%d, 'item number %d', %d)", i, i, i%97)
	}
	stmts = append(stmts, ins.String())
	for _, q := range stmts {
		if _, err := s.admin.ExecContext(ctx, q); err != nil {
			s.close(ctx)
			return nil, fmt.Errorf("%s: set up: %w", name, err)
		}
	}
	if name == "mysql" {
		s.sql = map[string][]string{
			"select1":   {"SELECT CAST(? AS SIGNED)"},
			"point":     {"SELECT id, name, qty FROM " + s.items + " WHERE id = ?"},
			"rows100":   {"SELECT id, name, qty FROM " + s.items + " WHERE id > ? ORDER BY id LIMIT 100"},
			"insert-tx": {"INSERT INTO " + s.log + " (item, qty) VALUES (?, ?)"},
		}
	} else {
		s.sql = map[string][]string{
			"select1":   {"SELECT $1::int"},
			"point":     {"SELECT id, name, qty FROM " + s.items + " WHERE id = $1"},
			"rows100":   {"SELECT id, name, qty FROM " + s.items + " WHERE id > $1 ORDER BY id LIMIT 100"},
			"insert-tx": {"INSERT INTO " + s.log + " (item, qty) VALUES ($1, $2)"},
		}
	}
	return s, nil
}

// close drops the tables (with a context of its own: it runs after
// Ctrl-C too) and closes the admin connection.
func (s *server) close(context.Context) error {
	var errs []error
	if s.items != "" {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		for _, t := range []string{s.items, s.log} {
			if _, err := s.admin.ExecContext(ctx, "DROP TABLE IF EXISTS "+t); err != nil {
				errs = append(errs, err)
			}
		}
		cancel()
	}
	errs = append(errs, s.admin.Close(), s.adminC.Close())
	return errors.Join(errs...)
}

// noClose keeps sql.DB from closing the underlying connector: the
// alchemy Connector that owns it does.
type noClose struct{ driver.Connector }

// client is one path to the server: an operation per workload, each
// safe for concurrent use.
type client struct {
	key   string // a, b, c, d
	label string
	ops   map[string]func(ctx context.Context, i int) error
	close func() error
}

var pathLabels = map[string]string{
	"a": "(a) database/sql over the driver",
	"b": `(b) sql.Open("alchemy")`,
	"c": "(c) Engine + sqlexpr, typed scan",
	"d": "(d) pgxpool",
}

// pathApplies says whether path key exists for the server.
func pathApplies(key, server string) bool { return key != "d" || server == "postgresql" }

// arg returns the workload argument of operation i: spread over the
// table, the same sequence on every path.
func arg(workload string, i int) int {
	if workload == "rows100" {
		return (i * 7919) % (itemRows - 100)
	}
	return (i*7919)%itemRows + 1
}

func (s *server) newClient(ctx context.Context, key string, conns int) (*client, error) {
	switch key {
	case "a":
		c, err := alchemy.NewConnector(s.url)
		if err != nil {
			return nil, err
		}
		db := sql.OpenDB(noClose{c.Underlying()})
		db.SetMaxOpenConns(conns)
		db.SetMaxIdleConns(conns)
		return s.sqlClient(key, db, func() error { return errors.Join(db.Close(), c.Close()) }), nil
	case "b":
		db, err := sql.Open("alchemy", withPool(s.url, conns))
		if err != nil {
			return nil, err
		}
		// (a)'s code with the driver name changed, less SetMaxOpenConns
		// (the README's advice: pool_size bounds the connections).
		db.SetMaxIdleConns(conns)
		return s.sqlClient(key, db, db.Close), nil
	case "c":
		eng, err := alchemy.CreateEngine(s.url, alchemy.PoolSize(conns), alchemy.MaxOverflow(0))
		if err != nil {
			return nil, err
		}
		return s.engineClient(eng), nil
	case "d":
		cfg, err := pgxpool.ParseConfig(s.url)
		if err != nil {
			return nil, err
		}
		cfg.MaxConns, cfg.MinConns = int32(conns), 0
		p, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, err
		}
		return s.pgxClient(p), nil
	}
	return nil, fmt.Errorf("unknown path %q", key)
}

// withPool adds the pool settings to url.
func withPool(url string, conns int) string {
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return fmt.Sprintf("%s%spool_size=%d&max_overflow=0", url, sep, conns)
}

// sqlClient runs the hand-written SQL through a *sql.DB: paths (a) and (b).
func (s *server) sqlClient(key string, db *sql.DB, closeFn func() error) *client {
	q := s.sql
	return &client{key: key, label: pathLabels[key], close: closeFn, ops: map[string]func(context.Context, int) error{
		"select1": func(ctx context.Context, i int) error {
			var v int64
			if err := db.QueryRowContext(ctx, q["select1"][0], i).Scan(&v); err != nil {
				return err
			}
			return check(v == int64(i), "select1 returned %d, not %d", v, i)
		},
		"point": func(ctx context.Context, i int) error {
			id := arg("point", i)
			var it Item
			if err := db.QueryRowContext(ctx, q["point"][0], id).Scan(&it.ID, &it.Name, &it.Qty); err != nil {
				return err
			}
			return check(it.ID == int64(id), "point returned id %d, not %d", it.ID, id)
		},
		"rows100": func(ctx context.Context, i int) error {
			rows, err := db.QueryContext(ctx, q["rows100"][0], arg("rows100", i))
			if err != nil {
				return err
			}
			out := make([]Item, 0, 100)
			for rows.Next() {
				var it Item
				if err := rows.Scan(&it.ID, &it.Name, &it.Qty); err != nil {
					rows.Close()
					return err
				}
				out = append(out, it)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return err
			}
			return check(len(out) == 100, "rows100 returned %d rows", len(out))
		},
		"insert-tx": func(ctx context.Context, i int) error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			for qty := range 2 {
				if _, err := tx.ExecContext(ctx, q["insert-tx"][0], arg("insert-tx", i), qty); err != nil {
					tx.Rollback()
					return err
				}
			}
			return tx.Commit()
		},
	}}
}

// engineClient builds every statement with sqlexpr, as an application
// would, and scans typed results: path (c). The statements differ only in
// their values, so after the first call each compile is a cache hit.
func (s *server) engineClient(eng *alchemy.Engine) *client {
	items := sqlexpr.NewTable(s.items, "id", "name", "qty")
	logT := sqlexpr.NewTable(s.log, "id", "item", "qty")
	return &client{key: "c", label: pathLabels["c"], close: eng.Close, ops: map[string]func(context.Context, int) error{
		"select1": func(ctx context.Context, i int) error {
			v, err := sqlexpr.One[int64](ctx, eng, sqlexpr.Select(sqlexpr.Cast(i, types.Integer())))
			if err != nil {
				return err
			}
			return check(v == int64(i), "select1 returned %d, not %d", v, i)
		},
		"point": func(ctx context.Context, i int) error {
			id := arg("point", i)
			it, err := sqlexpr.One[Item](ctx, eng, sqlexpr.Select(items).Where(items.C("id").Eq(id)))
			if err != nil {
				return err
			}
			return check(it.ID == int64(id), "point returned id %d, not %d", it.ID, id)
		},
		"rows100": func(ctx context.Context, i int) error {
			out, err := sqlexpr.All[Item](ctx, eng, sqlexpr.Select(items).
				Where(items.C("id").Gt(arg("rows100", i))).OrderBy(items.C("id")).Limit(100))
			if err != nil {
				return err
			}
			return check(len(out) == 100, "rows100 returned %d rows", len(out))
		},
		"insert-tx": func(ctx context.Context, i int) error {
			return eng.Begin(ctx, func(c *alchemy.Conn) error {
				for qty := range 2 {
					if _, err := sqlexpr.Execute(ctx, c, sqlexpr.Insert(logT).Values(sqlexpr.Values{"item": arg("insert-tx", i), "qty": qty})); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}}
}

// pgxClient is pgx's native pool: path (d).
func (s *server) pgxClient(p *pgxpool.Pool) *client {
	q := s.sql
	return &client{key: "d", label: pathLabels["d"], close: func() error { p.Close(); return nil }, ops: map[string]func(context.Context, int) error{
		"select1": func(ctx context.Context, i int) error {
			var v int64
			if err := p.QueryRow(ctx, q["select1"][0], i).Scan(&v); err != nil {
				return err
			}
			return check(v == int64(i), "select1 returned %d, not %d", v, i)
		},
		"point": func(ctx context.Context, i int) error {
			id := arg("point", i)
			var it Item
			if err := p.QueryRow(ctx, q["point"][0], id).Scan(&it.ID, &it.Name, &it.Qty); err != nil {
				return err
			}
			return check(it.ID == int64(id), "point returned id %d, not %d", it.ID, id)
		},
		"rows100": func(ctx context.Context, i int) error {
			rows, err := p.Query(ctx, q["rows100"][0], arg("rows100", i))
			if err != nil {
				return err
			}
			out := make([]Item, 0, 100)
			for rows.Next() {
				var it Item
				if err := rows.Scan(&it.ID, &it.Name, &it.Qty); err != nil {
					rows.Close()
					return err
				}
				out = append(out, it)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			return check(len(out) == 100, "rows100 returned %d rows", len(out))
		},
		"insert-tx": func(ctx context.Context, i int) error {
			tx, err := p.Begin(ctx)
			if err != nil {
				return err
			}
			for qty := range 2 {
				if _, err := tx.Exec(ctx, q["insert-tx"][0], arg("insert-tx", i), qty); err != nil {
					tx.Rollback(ctx)
					return err
				}
			}
			return tx.Commit(ctx)
		},
	}}
}

// check turns a wrong answer into an error: a path that returns the
// wrong rows must not look fast.
func check(ok bool, format string, a ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, a...)
}
