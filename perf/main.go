// Command alchemy-perf measures queries end to end on a real server: the
// same point select, 100-row select and small insert transaction through
// (a) database/sql over the underlying driver (pgx/stdlib,
// go-sql-driver/mysql), (b) sql.Open("alchemy"), (c) alchemy's Engine
// with a sqlexpr statement and a typed scan and (d) pgxpool (PostgreSQL),
// next to the server's own ceiling measured by a C client in the same
// run (pgbench -M prepared; mariadb-slap for MariaDB).
//
// The paths run in interleaved rounds (a, b, c, d, a, b, …) so that a
// change in the machine's load hits them all alike; the table gives the
// median time per operation over the rounds and the median of the
// per-round ratios against (a). Run it from the repository root:
//
//	go -C perf run . -rounds 5 -duration 3s
//
// The servers come from ALCHEMY_TEST_POSTGRES_URL and
// ALCHEMY_TEST_MYSQL_URL (or -postgres / -mysql); a server without a URL
// is left out. The tool creates its own tables, named after its process
// id, and drops them when it ends.
//
// -loop runs one path and one workload N times on one connection and
// exits, for profilers: pprof (-cpuprofile) and
// valgrind --tool=callgrind, whose instruction counts stay the same on a
// loaded machine (see README.md, "End-to-end").
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

func main() {
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is the command line.
type config struct {
	duration   time.Duration
	warmup     time.Duration
	conns      int
	goroutines int
	rounds     int
	quick      bool
	servers    []string
	workloads  []string
	paths      []string
	ceiling    bool
	pgURL      string
	myURL      string

	loop       string // server/path/workload
	n          int
	cpuprofile string
	memprofile string
}

var allWorkloads = []string{"select1", "point", "rows100", "insert-tx"}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("alchemy-perf", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&cfg.duration, "duration", 2*time.Second, "measured time of each path in each round")
	fs.DurationVar(&cfg.warmup, "warmup", 500*time.Millisecond, "unmeasured time of each path before the first round (fills the pools and statement caches)")
	fs.IntVar(&cfg.conns, "conns", 10, "connections of every pool (and pgbench/mariadb-slap clients)")
	fs.IntVar(&cfg.goroutines, "goroutines", 32, "goroutines issuing statements")
	fs.IntVar(&cfg.rounds, "rounds", 5, "interleaved rounds")
	fs.BoolVar(&cfg.quick, "quick", false, "smoke test: 2 rounds of 100ms, 2 connections, 4 goroutines (overrides those flags)")
	servers := fs.String("servers", "postgresql,mysql", "servers to measure, of postgresql and mysql (those without a URL are left out)")
	workloads := fs.String("workloads", strings.Join(allWorkloads, ","), "workloads, of "+strings.Join(allWorkloads, ", "))
	paths := fs.String("paths", "a,b,c,d", "paths: a database/sql over the driver, b sql.Open(\"alchemy\"), c Engine + sqlexpr, d pgxpool")
	fs.BoolVar(&cfg.ceiling, "ceiling", true, "measure the server's own ceiling with pgbench / mariadb-slap when installed")
	fs.StringVar(&cfg.pgURL, "postgres", os.Getenv("ALCHEMY_TEST_POSTGRES_URL"), "PostgreSQL URL (default $ALCHEMY_TEST_POSTGRES_URL)")
	fs.StringVar(&cfg.myURL, "mysql", os.Getenv("ALCHEMY_TEST_MYSQL_URL"), "MySQL/MariaDB URL (default $ALCHEMY_TEST_MYSQL_URL)")
	fs.StringVar(&cfg.loop, "loop", "", "profile mode: run server/path/workload (e.g. postgresql/b/point) -n times on one connection from one goroutine, print nothing but a summary")
	fs.IntVar(&cfg.n, "n", 10000, "operations for -loop")
	fs.StringVar(&cfg.cpuprofile, "cpuprofile", "", "write a pprof CPU profile of the run to this file")
	fs.StringVar(&cfg.memprofile, "memprofile", "", "with -loop: write a pprof profile of every allocation of the measured operations to this file")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q", fs.Arg(0))
	}
	if cfg.quick {
		cfg.duration, cfg.warmup, cfg.conns, cfg.goroutines, cfg.rounds = 100*time.Millisecond, 50*time.Millisecond, 2, 4, 2
	}
	switch {
	case cfg.duration <= 0:
		return nil, usagef("-duration must be positive, not %v", cfg.duration)
	case cfg.warmup < 0:
		return nil, usagef("-warmup must not be negative, not %v", cfg.warmup)
	case cfg.conns < 1:
		return nil, usagef("-conns must be at least 1, not %d", cfg.conns)
	case cfg.goroutines < 1:
		return nil, usagef("-goroutines must be at least 1, not %d", cfg.goroutines)
	case cfg.rounds < 1:
		return nil, usagef("-rounds must be at least 1, not %d", cfg.rounds)
	case cfg.n < 1:
		return nil, usagef("-n must be at least 1, not %d", cfg.n)
	}
	var err error
	if cfg.servers, err = list("-servers", *servers, []string{"postgresql", "mysql"}); err != nil {
		return nil, err
	}
	if cfg.workloads, err = list("-workloads", *workloads, allWorkloads); err != nil {
		return nil, err
	}
	if cfg.paths, err = list("-paths", *paths, []string{"a", "b", "c", "d"}); err != nil {
		return nil, err
	}
	return cfg, nil
}

// list splits a comma-separated flag value, keeping the order of known
// and refusing anything else.
func list(flagName, v string, known []string) ([]string, error) {
	seen := map[string]bool{}
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		ok := false
		for _, k := range known {
			ok = ok || k == s
		}
		if !ok {
			return nil, usagef("%s: unknown value %q (known: %s)", flagName, s, strings.Join(known, ", "))
		}
		seen[s] = true
	}
	var out []string
	for _, k := range known {
		if seen[k] {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return nil, usagef("%s: nothing selected", flagName)
	}
	return out, nil
}

type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{msg: fmt.Sprintf(format, a...)} }

// run is the whole tool; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "alchemy-perf: %v\n", err)
		return exitUsage
	}
	if cfg.cpuprofile != "" {
		f, err := os.Create(cfg.cpuprofile)
		if err != nil {
			fmt.Fprintf(stderr, "alchemy-perf: -cpuprofile: %v\n", err)
			return exitUsage
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "alchemy-perf: -cpuprofile: %v\n", err)
			return exitFailed
		}
		defer pprof.StopCPUProfile()
	}
	if cfg.loop != "" {
		err = runLoop(ctx, cfg, stdout)
	} else {
		err = runTable(ctx, cfg, args, stdout, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "alchemy-perf: %v\n", err)
		var ue *usageError
		if errors.As(err, &ue) {
			return exitUsage
		}
		return exitFailed
	}
	return exitOK
}
