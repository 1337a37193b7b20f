// Command scaling measures how alchemy's costs grow with the work: the
// QueuePool hand-off as the number of waiting goroutines grows (against
// database/sql's own pool and puddle), sqlexpr compile time as a
// statement grows (IN values, joins; cached and uncached, beside goqu),
// and metadata.CreateAll as the schema grows (against the same DDL sent
// as one script). It prints Markdown tables and writes them, with one
// PNG per measurement, into -out.
//
// From the repository root:
//
//	go -C bench run ./cmd/scaling                     # SQLite, plus the servers whose variables are set
//	go -C bench run ./cmd/scaling -only pool,compile -rounds 5
//	go -C bench run ./cmd/scaling -help
//
// Every measurement interleaves what it compares, round by round in a
// rotating order, and reports medians of per-round figures and ratios,
// so that a shared, noisy machine slows all sides alike.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is the parsed command line.
type config struct {
	only        map[string]bool
	out         string
	rounds      int
	waiters     []int
	conns       int
	poolOps     int
	inSizes     []int
	joinSizes   []int
	burst       time.Duration
	tables      []int
	ddlRounds   int
	ddlLoop     string // -ddl-loop: lib, floor or open; empty measures
	ddlLoopN    int
	postgresURL string
	pgPrivate   bool // -pg-private: measure PostgreSQL on a server the tool starts
	pgLocks     int  // -pg-locks: that server's max_locks_per_transaction
	myPrivate   bool // -mysql-private: measure MariaDB on a server the tool starts
	mysqlURL    string
	machine     string // -machine: a label for the report
	replot      bool   // -replot: redraw from scaling.json, measure nothing
	command     string // how the run was started, for the report
}

var sections = []string{"pool", "compile", "createall"}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("scaling", flag.ContinueOnError)
	fs.SetOutput(stderr)
	only := fs.String("only", strings.Join(sections, ","), "comma list of measurements: pool, compile, createall")
	out := fs.String("out", filepath.Join("results", "scaling"), "folder for scaling.md and the PNGs (created if missing)")
	rounds := fs.Int("rounds", 5, "interleaved rounds for the pool and compile measurements")
	waiters := fs.String("waiters", "10,100,1000,10000", "pool: goroutines contending for the connections, comma list")
	conns := fs.Int("conns", 4, "pool: connections in each pool")
	poolOps := fs.Int("pool-ops", 100000, "pool: checkouts per cell and round (each goroutine does at least 5)")
	in := fs.String("in", "10,100,1000", "compile: IN list lengths, comma list")
	joins := fs.String("joins", "2,5,10,20", "compile: join counts, comma list")
	burst := fs.Duration("burst", 20*time.Millisecond, "compile: time per side per round")
	tables := fs.String("tables", "200,1000,2000", "createall: table counts, comma list")
	ddlRounds := fs.Int("ddl-rounds", 3, "createall: rounds per server at the largest size; a size k times smaller gets k times as many")
	ddlLoop := fs.String("ddl-loop", "", "measure nothing: create the first -tables schema -ddl-loop-n times on SQLite, each in a new file, with CreateAll (lib), the one-script floor (floor) or neither (open), for scripts/createall-callgrind.sh")
	ddlLoopN := fs.Int("ddl-loop-n", 10, "-ddl-loop: creations")
	pg := fs.String("postgres", os.Getenv("ALCHEMY_TEST_POSTGRES_URL"), "createall: PostgreSQL URL (default $ALCHEMY_TEST_POSTGRES_URL; empty skips)")
	pgPrivate := fs.Bool("pg-private", false, "createall: measure PostgreSQL on a private PostgreSQL 15 the tool starts (initdb in a temporary folder, Debian's "+pgBin+"), stopped at the end, instead of -postgres: the shared server's lock table is too small for 1,000 tables in one transaction")
	pgLocks := fs.Int("pg-locks", 256, "createall: max_locks_per_transaction of the -pg-private server (2,000 tables take about 12 locks each)")
	myPrivate := fs.Bool("mysql-private", false, "createall: measure MariaDB on a private server the tool starts (mariadb-install-db in a temporary folder), stopped at the end, instead of -mysql: away from the load on a shared server")
	my := fs.String("mysql", os.Getenv("ALCHEMY_TEST_MYSQL_URL"), "createall: MySQL/MariaDB URL (default $ALCHEMY_TEST_MYSQL_URL; empty skips)")
	replot := fs.Bool("replot", false, "measure nothing: redraw scaling.md and the PNGs from the scaling.json in -out")
	machine := fs.String("machine", "", "a description of the machine for the report (CPUs, load and Go version are added)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if *ddlLoop != "" && !contains([]string{"lib", "floor", "open"}, *ddlLoop) {
		return nil, fmt.Errorf("-ddl-loop: unknown mode %q (want lib, floor or open)", *ddlLoop)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg := &config{out: *out, rounds: *rounds, conns: *conns, poolOps: *poolOps, burst: *burst,
		ddlRounds: *ddlRounds, ddlLoop: *ddlLoop, ddlLoopN: *ddlLoopN, machine: *machine, replot: *replot, postgresURL: *pg, pgPrivate: *pgPrivate, pgLocks: *pgLocks, myPrivate: *myPrivate, mysqlURL: *my, only: map[string]bool{}}
	for _, s := range strings.Split(*only, ",") {
		s = strings.TrimSpace(s)
		if !contains(sections, s) {
			return nil, fmt.Errorf("-only: unknown measurement %q (want pool, compile or createall)", s)
		}
		cfg.only[s] = true
	}
	var err error
	if cfg.waiters, err = intList("-waiters", *waiters); err != nil {
		return nil, err
	}
	if cfg.inSizes, err = intList("-in", *in); err != nil {
		return nil, err
	}
	if cfg.joinSizes, err = intList("-joins", *joins); err != nil {
		return nil, err
	}
	if cfg.tables, err = intList("-tables", *tables); err != nil {
		return nil, err
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"-rounds", cfg.rounds}, {"-conns", cfg.conns}, {"-pool-ops", cfg.poolOps}, {"-ddl-rounds", cfg.ddlRounds}, {"-ddl-loop-n", cfg.ddlLoopN}, {"-pg-locks", cfg.pgLocks}} {
		if c.v < 1 {
			return nil, fmt.Errorf("%s must be at least 1, not %d", c.name, c.v)
		}
	}
	if cfg.burst <= 0 {
		return nil, fmt.Errorf("-burst must be positive, not %v", cfg.burst)
	}
	cfg.command = "go -C bench run ./cmd/scaling"
	for _, a := range args {
		if strings.ContainsAny(a, " \t'\"$") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		cfg.command += " " + a
	}
	return cfg, nil
}

func intList(name, s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a whole number ≥ 1", name, f)
		}
		out = append(out, n)
	}
	return out, nil
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// run parses args, measures, writes the report and returns the exit
// status: 0, 1 when a measurement failed, 2 on a bad command line.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "scaling: %v\n", err)
		return 2
	}
	if cfg.ddlLoop != "" {
		if err := ddlLoop(ctx, cfg, cfg.ddlLoop, cfg.ddlLoopN); err != nil {
			fmt.Fprintf(stderr, "scaling: -ddl-loop %s: %v\n", cfg.ddlLoop, err)
			return 1
		}
		return 0
	}
	if cfg.replot {
		rep, err := loadReport(cfg)
		if err == nil {
			err = rep.write(stdout)
		}
		if err != nil {
			fmt.Fprintf(stderr, "scaling: -replot: %v\n", err)
			return 1
		}
		return 0
	}
	rep := &report{cfg: cfg, started: time.Now().UTC()}
	progress := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	if cfg.only["pool"] {
		progress("pool hand-off: %v waiting goroutines on %d connections, %d rounds", cfg.waiters, cfg.conns, cfg.rounds)
		if rep.pool, err = measurePool(ctx, cfg, progress); err != nil {
			fmt.Fprintf(stderr, "scaling: pool: %v\n", err)
			return 1
		}
	}
	if cfg.only["compile"] {
		progress("compile: IN %v, joins %v, %d rounds", cfg.inSizes, cfg.joinSizes, cfg.rounds)
		if rep.compile, err = measureCompile(ctx, cfg); err != nil {
			fmt.Fprintf(stderr, "scaling: compile: %v\n", err)
			return 1
		}
	}
	if cfg.only["createall"] {
		progress("createall: %v tables, %d rounds at %d tables (more for fewer tables)", cfg.tables, cfg.ddlRounds, slices.Max(cfg.tables))
		if rep.ddl, err = measureCreateAll(ctx, cfg, progress); err != nil {
			if ctx.Err() == nil {
				fmt.Fprintf(stderr, "scaling: createall: %v\n", err)
				return 1
			}
			rep.interrupted = true
			fmt.Fprintln(stderr, "scaling: interrupted during createall; the report has the sizes measured before")
		}
	}
	if err := rep.write(stdout); err != nil {
		fmt.Fprintf(stderr, "scaling: %v\n", err)
		return 1
	}
	return 0
}
