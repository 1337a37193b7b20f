package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"time"

	_ "github.com/go-alchemy/alchemy" // the "alchemy" database/sql driver
	"github.com/go-alchemy/alchemy/dialects"
	_ "github.com/go-alchemy/alchemy/dialects/all"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// scalingSchema declares n tables, each with a key, two plain columns and
// two to four foreign keys to tables declared before it in dependency
// order (so the graph has no cycle), most with an index on their first
// reference. The tables are added in a shuffled order, so that
// CreateAll's sort has work to do; the seed is fixed, so every run and
// every server gets the same schema.
func scalingSchema(n int) *metadata.MetaData {
	rng := mrand.New(mrand.NewPCG(15, uint64(n)))
	md := metadata.New()
	for _, i := range rng.Perm(n) {
		items := []metadata.TableItem{
			metadata.Column("id", types.BigInteger(), metadata.PrimaryKey()),
			metadata.Column("label", types.String(80), metadata.NotNull()),
			metadata.Column("added", types.DateTime(), metadata.ServerDefaultNow()),
		}
		for k := range min(i, 2+rng.IntN(3)) {
			opts := []metadata.ColumnOption{metadata.ForeignKey(fmt.Sprintf("s%04d.id", rng.IntN(i)))}
			if k == 0 && rng.IntN(8) != 0 {
				opts = append(opts, metadata.Indexed())
			}
			items = append(items, metadata.Column(fmt.Sprintf("parent_%d", k), nil, opts...))
		}
		md.Table(fmt.Sprintf("s%04d", i), items...)
	}
	return md
}

// pgBin is where Debian's postgresql-15 package puts the server programs
// -pg-private runs.
const pgBin = "/usr/lib/postgresql/15/bin"

// ddlServer is a database CreateAll is measured on: open returns an
// empty database and the function that removes it.
type ddlServer struct {
	name string
	open func(ctx context.Context) (*sql.DB, func() error, error)
}

func ddlServers(cfg *config) []ddlServer {
	out := []ddlServer{{"sqlite", openSQLiteFile}}
	if cfg.postgresURL != "" {
		out = append(out, ddlServer{"postgresql", func(ctx context.Context) (*sql.DB, func() error, error) {
			return openPostgresSchema(ctx, cfg.postgresURL)
		}})
	}
	if cfg.mysqlURL != "" {
		out = append(out, ddlServer{"mysql", func(ctx context.Context) (*sql.DB, func() error, error) {
			return openMySQLDatabase(ctx, cfg.mysqlURL)
		}})
	}
	return out
}

func uniqueName() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return "scaling_" + hex.EncodeToString(b)
}

// openSQLiteFile opens a new SQLite file in the temporary folder: a
// file, not memory, so that the DDL pays for its writes as it would in
// use.
func openSQLiteFile(context.Context) (*sql.DB, func() error, error) {
	dir, err := os.MkdirTemp("", "alchemy-scaling-")
	if err != nil {
		return nil, nil, err
	}
	db, err := sql.Open("alchemy", "sqlite:///"+filepath.Join(dir, "ddl.db"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return db, func() error { db.Close(); return os.RemoveAll(dir) }, nil
}

// withQuery returns raw with path (when not empty) and the query keys set.
func withQuery(raw, path string, q url.Values) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("bad URL: %w", err)
	}
	if path != "" {
		u.Path = "/" + path
	}
	uq := u.Query()
	for k, v := range q {
		uq[k] = v
	}
	u.RawQuery = uq.Encode()
	return u.String(), nil
}

// openPostgresSchema creates a schema of its own on the server and opens
// a database whose search_path is that schema.
func openPostgresSchema(ctx context.Context, base string) (*sql.DB, func() error, error) {
	admin, err := sql.Open("alchemy", base)
	if err != nil {
		return nil, nil, err
	}
	name := uniqueName()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		admin.Close()
		return nil, nil, err
	}
	var db *sql.DB
	cleanup := func() error {
		if db != nil {
			db.Close()
		}
		defer admin.Close()
		return dropPostgresSchema(context.Background(), admin, name)
	}
	u, err := withQuery(base, "", url.Values{"search_path": {name}})
	if err == nil {
		db, err = sql.Open("alchemy", u)
	}
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return db, cleanup, nil
}

// dropPostgresSchema drops the tables left in schema 100 at a time, each
// batch its own transaction, then the schema: one DROP SCHEMA … CASCADE
// of a thousand tables takes a lock per table and index in one
// transaction and runs out of the server's lock table
// (max_locks_per_transaction) as DropAll itself can.
func dropPostgresSchema(ctx context.Context, admin *sql.DB, schema string) error {
	for {
		var list sql.NullString
		err := admin.QueryRowContext(ctx, `SELECT string_agg(format('%I.%I', schemaname, tablename), ', ')
			FROM (SELECT schemaname, tablename FROM pg_tables WHERE schemaname = $1 LIMIT 100) t`, schema).Scan(&list)
		if err != nil {
			return fmt.Errorf("listing the tables left in %s: %w", schema, err)
		}
		if !list.Valid || list.String == "" {
			break
		}
		if _, err := admin.ExecContext(ctx, "DROP TABLE "+list.String+" CASCADE"); err != nil {
			return fmt.Errorf("dropping tables of %s: %w", schema, err)
		}
	}
	if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
		return fmt.Errorf("dropping schema %s: %w", schema, err)
	}
	return nil
}

// openMySQLDatabase creates a database of its own on the server; the
// floor script needs multiStatements.
func openMySQLDatabase(ctx context.Context, base string) (*sql.DB, func() error, error) {
	admin, err := sql.Open("alchemy", base)
	if err != nil {
		return nil, nil, err
	}
	name := uniqueName()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return nil, nil, err
	}
	var db *sql.DB
	cleanup := func() error {
		if db != nil {
			db.Close()
		}
		_, err := admin.ExecContext(context.Background(), "DROP DATABASE "+name)
		admin.Close()
		return err
	}
	u, err := withQuery(base, name, url.Values{"multiStatements": {"true"}})
	if err == nil {
		db, err = sql.Open("alchemy", u)
	}
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return db, cleanup, nil
}

// ddlCell is one server at one schema size, medians over the rounds.
type ddlCell struct {
	Server       string
	Tables       int
	Statements   int // what CreateAll sent
	CreateMs     float64
	FloorMs      float64
	CreateRatio  float64 // median of per-round CreateAll / floor
	DropMs       float64
	FloorDropMs  float64
	DropRatio    float64
	SchemaShapes string // foreign keys and indexes, for the table
	Rounds       int    // interleaved rounds behind the medians
	// OwnMs is CreateAll's own share: from the call to its first DDL
	// statement (BEGIN, the catalog query, sorting and generating the
	// DDL), the part the floor does not pay. Unlike the ratio, it does
	// not move with the server's disk.
	OwnMs float64
	Error string `json:",omitempty"` // why the cell could not be measured
}

// execScript sends script as one statement in one transaction (the
// floor: what a hand-written migration file costs), the commit timed.
func execScript(ctx context.Context, db *sql.DB, script string) (time.Duration, error) {
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, script); err != nil {
		tx.Rollback()
		return 0, fmt.Errorf("floor script: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// ddlRound is one round on one database that starts and ends empty:
// CreateAll then DropAll, and the floor's create and drop scripts, the
// pair that goes first alternating by round.
//
// own is the time from the call to CreateAll's first DDL statement: the
// second statement Echo sees, the first being the catalog query.
func ddlRound(ctx context.Context, db *sql.DB, md *metadata.MetaData, create, drop string, floorFirst bool) (c, fc, d, fd, own time.Duration, stmts int, err error) {
	lib := func() error {
		start := time.Now()
		echo := func(string) {
			if stmts++; stmts == 2 {
				own = time.Since(start)
			}
		}
		if err := md.CreateAll(ctx, db, metadata.Echo(echo)); err != nil {
			return fmt.Errorf("CreateAll: %w", err)
		}
		c = time.Since(start)
		start = time.Now()
		if err := md.DropAll(ctx, db); err != nil {
			return fmt.Errorf("DropAll: %w", err)
		}
		d = time.Since(start)
		return nil
	}
	floor := func() error {
		var err error
		if fc, err = execScript(ctx, db, create); err != nil {
			return err
		}
		fd, err = execScript(ctx, db, drop)
		return err
	}
	order := []func() error{lib, floor}
	if floorFirst {
		order = []func() error{floor, lib}
	}
	for _, f := range order {
		if err = f(); err != nil {
			return
		}
	}
	return
}

func measureCreateAll(ctx context.Context, cfg *config, progress func(string, ...any)) (_ []ddlCell, err error) {
	if cfg.pgPrivate {
		pg, err := startPrivatePostgres(ctx, cfg.pgLocks)
		if err != nil {
			return nil, err
		}
		progress("  postgresql: private server (pid %d) at %s, max_locks_per_transaction=%d", pg.pid(), pg.url, cfg.pgLocks)
		defer func() { err = errors.Join(err, pg.stop()) }()
		c := *cfg
		c.postgresURL = pg.url
		cfg = &c
	}
	if cfg.myPrivate {
		my, err := startPrivateMariaDB(ctx)
		if err != nil {
			return nil, err
		}
		progress("  mysql: private MariaDB (pid %d) at %s", my.pid(), my.url)
		defer func() { err = errors.Join(err, my.stop()) }()
		c := *cfg
		c.mysqlURL = my.url
		cfg = &c
	}
	var cells []ddlCell
	for _, srv := range ddlServers(cfg) {
		for _, n := range cfg.tables {
			cell, err := measureDDLCell(ctx, cfg, srv, n)
			if ctx.Err() != nil {
				return cells, ctx.Err() // what was measured is still reported
			}
			if err != nil {
				// A server limit (PostgreSQL's lock table, say) is a
				// result to report, not the end of the run; a larger
				// schema on the same server would hit it again.
				progress("  %-10s %5d tables  failed: %v", srv.name, n, err)
				cells = append(cells, ddlCell{Server: srv.name, Tables: n, Error: err.Error()})
				break
			}
			cells = append(cells, cell)
			progress("  %-10s %5d tables  CreateAll %8.1f ms  floor %8.1f ms  %.3f×  own %.2f ms  (DropAll %.3f×)",
				srv.name, n, cell.CreateMs, cell.FloorMs, cell.CreateRatio, cell.OwnMs, cell.DropRatio)
		}
	}
	return cells, nil
}

// cellRounds is the number of rounds for a schema of n tables:
// -ddl-rounds at the largest size, and proportionally more for smaller
// ones, so that every cell takes about as long. A 200-table floor on
// SQLite is a few milliseconds, and one commit's fsync can take as long
// again: a handful of rounds there measures the disk, not CreateAll.
func cellRounds(cfg *config, n int) int {
	largest := slices.Max(cfg.tables)
	return cfg.ddlRounds * max(1, (largest+n/2)/n)
}

func measureDDLCell(ctx context.Context, cfg *config, srv ddlServer, n int) (_ ddlCell, err error) {
	md := scalingSchema(n)
	db, cleanup, err := srv.open(ctx)
	if err != nil {
		return ddlCell{}, err
	}
	defer func() {
		if cerr := cleanup(); cerr != nil && err == nil {
			err = fmt.Errorf("clean up: %w", cerr)
		}
	}()
	d, err := dialects.Of(ctx, db)
	if err != nil {
		return ddlCell{}, err
	}
	create, err := md.CreateAllSQL(d)
	if err != nil {
		return ddlCell{}, err
	}
	drop, err := md.DropAllSQL(d)
	if err != nil {
		return ddlCell{}, err
	}
	fks, ixs := 0, 0
	for _, t := range md.Tables() {
		fks += len(t.ForeignKeys())
		ixs += len(t.Indexes())
	}
	rounds := cellRounds(cfg, n)
	cell := ddlCell{Server: srv.name, Tables: n, Rounds: rounds, SchemaShapes: fmt.Sprintf("%d FKs, %d indexes", fks, ixs)}
	var cs, fcs, ds, fds, cr, dr, owns []float64
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 }
	for r := range rounds {
		c, fc, dd, fd, own, stmts, err := ddlRound(ctx, db, md, create, drop, r%2 == 1)
		if err != nil {
			return ddlCell{}, err
		}
		owns = append(owns, float64(own.Microseconds())/1e3)
		cell.Statements = stmts
		cs, fcs, ds, fds = append(cs, ms(c)), append(fcs, ms(fc)), append(ds, ms(dd)), append(fds, ms(fd))
		cr, dr = append(cr, float64(c)/float64(fc)), append(dr, float64(dd)/float64(fd))
	}
	cell.CreateMs, cell.FloorMs, cell.DropMs, cell.FloorDropMs = median(cs), median(fcs), median(ds), median(fds)
	cell.CreateRatio, cell.DropRatio, cell.OwnMs = median(cr), median(dr), median(owns)
	return cell, nil
}

// ddlLoop runs n creations of the first -tables schema on SQLite, each
// in a new database file, for an instruction count under valgrind
// (scripts/createall-callgrind.sh), which does not depend on the disk or
// on what else the machine runs: mode lib creates with CreateAll, floor
// sends the CreateAllSQL script in one transaction, and open only opens
// and closes the database, which the script subtracts from both. Every
// creation declares the schema anew, on every side, so that CreateAll
// pays what the one call of a process does: the MetaData keeps quoted
// names between calls.
func ddlLoop(ctx context.Context, cfg *config, mode string, n int) error {
	md := scalingSchema(cfg.tables[0])
	d, err := dialects.Lookup("sqlite")
	if err != nil {
		return err
	}
	script, err := md.CreateAllSQL(d)
	if err != nil {
		return err
	}
	for range n {
		md := scalingSchema(cfg.tables[0])
		db, cleanup, err := openSQLiteFile(ctx)
		if err != nil {
			return err
		}
		if err := db.PingContext(ctx); err != nil {
			cleanup()
			return err
		}
		switch mode {
		case "lib":
			err = md.CreateAll(ctx, db)
		case "floor":
			_, err = execScript(ctx, db, script)
		}
		if cerr := cleanup(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
