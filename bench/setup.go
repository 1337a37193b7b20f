package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialects/all" // postgresql, mysql, sqlite and their drivers
	"github.com/go-alchemy/alchemy/dialects/sqlite"
)

// cleanupTimeout bounds dropping the tables at the end, Ctrl-C or not.
const cleanupTimeout = 15 * time.Second

// defaultSQLiteURL returns the URL used without -url: a new SQLite file
// in the temporary folder, in WAL mode with synchronous=normal (the usual
// settings for a server application), so that the pool's connections
// share one database the way a server's would; a memory database would
// be less realistic. The file is removed at the end.
func defaultSQLiteURL() (url string, files []string) {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("alchemy-bench-%d-%d.db", os.Getpid(), time.Now().UnixNano()))
	path = filepath.ToSlash(path)
	if !strings.HasPrefix(path, "/") {
		path = "/" + path // a Windows drive path: sqlite:////C:/…
	}
	return "sqlite:///" + path + "?journal_mode=wal&synchronous=normal",
		[]string{path, path + "-wal", path + "-shm", path + "-journal"}
}

// setUp checks the URL and the pools, reaches the database (within
// -connect-timeout), checks -out, creates and loads the tables and
// calibrates the slow query. On error it undoes what it did; a bad URL or
// pool choice is a *usageError.
func setUp(ctx context.Context, cfg *config, stderr io.Writer) (*bench, error) {
	b := &bench{cfg: cfg, started: time.Now()}
	raw := cfg.URL
	if raw == "" {
		raw, b.tempFiles = defaultSQLiteURL()
	}
	if err := b.parseURL(raw); err != nil {
		return nil, err
	}
	if err := checkOut(cfg.Out); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if ok {
			return
		}
		if err := b.tearDown(); err != nil {
			fmt.Fprintf(stderr, "alchemy-bench: clean up: %v\n", err)
		}
	}()
	if err := b.openAdmin(ctx); err != nil {
		return nil, err
	}
	s, err := newSchema(b.family, cfg.Rows)
	if err != nil {
		return nil, &usageError{msg: err.Error()}
	}
	b.schema = s
	if err := s.create(ctx, b.admin); err != nil {
		return nil, err
	}
	if slices.Contains(cfg.Workloads, wlSlow) {
		if err := s.calibrateSlow(ctx, b.admin, cfg.Hold); err != nil {
			return nil, err
		}
	}
	if b.family == famMySQL {
		if b.mysqlBase, err = mysqlConnections(ctx, b.admin); err != nil {
			return nil, fmt.Errorf("count connections in information_schema.processlist: %w", err)
		}
	}
	b.prog = newProgress(stderr, isTerminal(stderr), len(cells(cfg))*cfg.Repeat*len(b.pools), cfg.Warmup+cfg.Duration)
	ok = true
	return b, nil
}

// parseURL reads the URL, its dialect and the pools it supports.
func (b *bench) parseURL(raw string) error {
	u, err := alchemy.ParseURL(raw)
	if err != nil {
		return &usageError{msg: "-url: " + err.Error()}
	}
	for k := range u.Query {
		if strings.HasPrefix(k, "pool_") || k == "max_overflow" {
			return usagef("-url: remove %s from the URL: the tool sets the pool settings from its flags", k)
		}
	}
	c, err := alchemy.NewConnector(raw)
	if err != nil {
		return &usageError{msg: "-url: " + err.Error()}
	}
	b.family, b.dialect = c.Dialect().Family, c.Dialect().Name
	c.Close()
	if !slices.Contains([]string{famPostgres, famMySQL, famSQLite}, b.family) {
		return usagef("-url: the %s dialect is not supported by the tool (postgresql, mysql and sqlite are)", b.dialect)
	}
	if b.family == famSQLite && sqlite.IsMemory(u.Database, u.DriverQuery()) {
		return usagef("-url: %s is a memory database, which is one per engine: the pools under test could not share it; name a file (sqlite:///bench.db), or leave -url out for a temporary one", u.String())
	}
	b.url = u
	available := []string{poolAlchemy, poolDatabase}
	if b.family == famPostgres && (u.Driver == "" || u.Driver == "pgx") {
		available = append(available, poolPgx)
	}
	b.pools = available
	if len(b.cfg.Pools) > 0 {
		for _, p := range b.cfg.Pools {
			if !slices.Contains(available, p) {
				return usagef("-pools: %s is not available for a %s URL (available: %s; pgxpool needs postgresql with the pgx driver)", p, b.dialect, strings.Join(available, ", "))
			}
		}
		b.pools = b.cfg.Pools
	}
	return nil
}

// openAdmin opens the tool's own connection, through the underlying
// driver (no pool under test), and reaches the server with it.
func (b *bench) openAdmin(ctx context.Context) error {
	u := *b.url
	u.Query = b.url.DriverQuery()
	if b.family == famPostgres {
		u.Query.Set("application_name", fmt.Sprintf("alchemy_bench_admin_%d", os.Getpid()))
	}
	c, err := alchemy.NewConnector(u.RenderAsString(false))
	if err != nil {
		return &usageError{msg: "-url: " + err.Error()}
	}
	b.adminConn = c
	b.admin = sql.OpenDB(noClose{c.Underlying()})
	// One connection: MySQL's count leaves out exactly this one.
	b.admin.SetMaxOpenConns(1)
	pctx, cancel := context.WithTimeout(ctx, b.cfg.ConnectTimeout)
	defer cancel()
	if err := b.admin.PingContext(pctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("cannot connect to %s (-connect-timeout %v): %w", b.url.String(), b.cfg.ConnectTimeout, err)
	}
	return nil
}

// noClose keeps sql.DB from closing the underlying connector: the
// alchemy Connector that owns it does.
type noClose struct{ driver.Connector }

// checkOut makes sure the -out folder exists and can be written to.
func checkOut(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	f, err := os.CreateTemp(dir, ".alchemy-bench-*")
	if err != nil {
		return fmt.Errorf("-out: cannot write to %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// tearDown drops the tables, closes the admin connection and removes a
// temporary SQLite file. It runs after Ctrl-C too, so it has a context
// of its own.
func (b *bench) tearDown() error {
	var errs []error
	if b.schema != nil && b.admin != nil {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		errs = append(errs, b.schema.drop(ctx, b.admin))
		cancel()
	}
	if b.admin != nil {
		errs = append(errs, b.admin.Close())
	}
	if b.adminConn != nil {
		errs = append(errs, b.adminConn.Close())
	}
	for _, f := range b.tempFiles {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// runAndReport runs the sweep, prints the table and the recommendation,
// writes the files and returns the exit status.
func (b *bench) runAndReport(ctx context.Context, stdout, stderr io.Writer) int {
	cs := cells(b.cfg)
	steps := len(cs) * b.cfg.Repeat * len(b.pools)
	est := time.Duration(steps) * (b.cfg.Warmup + b.cfg.Duration)
	fmt.Fprintf(stdout, "alchemy-bench: %s (%s); pools %s; %d cells × %d round(s) × %d pools, about %v\n",
		b.url.String(), b.dialect, strings.Join(b.pools, ", "), len(cs), b.cfg.Repeat, len(b.pools), est.Round(time.Second))
	if b.cfg.CPUProfile != "" {
		f, err := os.Create(b.cfg.CPUProfile)
		if err != nil {
			fmt.Fprintf(stderr, "alchemy-bench: -cpuprofile: %v\n", err)
			return exitFailed
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "alchemy-bench: -cpuprofile: %v\n", err)
			return exitFailed
		}
	}
	results, err := b.sweep(ctx, cs)
	if b.cfg.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	b.prog.close()
	interrupted := errors.Is(err, errInterrupted)
	code := exitOK
	switch {
	case interrupted:
		code = exitInterrupted
	case err != nil:
		fmt.Fprintf(stderr, "alchemy-bench: %v\n", err)
		code = exitFailed
	}
	fmt.Fprintln(stdout)
	writeTable(stdout, results)
	recPool := b.pools[0]
	if slices.Contains(b.pools, poolAlchemy) {
		recPool = poolAlchemy
	}
	recs := recommend(results, recPool, b.cfg.P99Target)
	rep := newReport(b.cfg, b.started, b.url.String(), b.dialect, b.pools, results, recs, interrupted)
	fmt.Fprintf(stdout, "\n%s\n\n", rep.Recommendation)
	paths, werr := writeFiles(b.cfg.Out, rep, results)
	if werr != nil {
		fmt.Fprintf(stderr, "alchemy-bench: %v\n", werr)
		return exitFailed
	}
	fmt.Fprintf(stdout, "Wrote %s.\n", strings.Join(paths, ", "))
	return code
}
