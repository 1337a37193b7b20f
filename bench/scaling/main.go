// Command scaling measures how alchemy's costs grow with the work: the
// QueuePool's hand-off with 10 to 10,000 waiting goroutines, compiling a
// statement against its size (IN lists of 10 to 1,000 values, 2 to 20
// joins; compile-cache hit and miss) and CreateAll of 200 to 2,000 tables
// against the floor (the same DDL sent as one script). It prints a
// Markdown table and writes one PNG chart per measurement:
//
//	go -C bench run ./scaling -out results/scaling
//
// Everything runs in process (no-op connections for the pool, SQLite
// files for CreateAll), so no server is needed.
package main

import (
	"context"
	"database/sql/driver"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type config struct {
	out     string
	waiters []int
	ins     []int
	joins   []int
	tables  []int
	ops     int
	hold    time.Duration
	quick   bool
}

func parse(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("scaling", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := &config{}
	fs.StringVar(&cfg.out, "out", "", "folder for the PNG charts (none without)")
	waiters := fs.String("waiters", "10,100,1000,10000", "waiting goroutines for the hand-off")
	ins := fs.String("in", "10,30,100,300,1000", "IN-list lengths for the compile measurement")
	joins := fs.String("joins", "2,5,10,20", "join counts for the compile measurement")
	tables := fs.String("tables", "200,1000,2000", "table counts for CreateAll")
	fs.IntVar(&cfg.ops, "ops", 100000, "checkouts per hand-off measurement")
	fs.DurationVar(&cfg.hold, "hold", 100*time.Microsecond, "how long each hand-off checkout is held (a sleep), so that the other goroutines queue")
	fs.BoolVar(&cfg.quick, "quick", false, "smoke test: small sizes, few operations")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var err error
	for _, l := range []struct {
		name string
		v    string
		dst  *[]int
	}{{"-waiters", *waiters, &cfg.waiters}, {"-in", *ins, &cfg.ins}, {"-joins", *joins, &cfg.joins}, {"-tables", *tables, &cfg.tables}} {
		if *l.dst, err = ints(l.name, l.v); err != nil {
			return nil, err
		}
	}
	if cfg.ops < 1 {
		return nil, fmt.Errorf("-ops must be at least 1, not %d", cfg.ops)
	}
	if cfg.quick {
		cfg.waiters, cfg.ins, cfg.joins, cfg.tables, cfg.ops = []int{20, 100}, []int{10, 100}, []int{2, 5}, []int{20}, 2000
	}
	return cfg, nil
}

func ints(name, v string) ([]int, error) {
	var out []int
	for _, s := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive number", name, s)
		}
		out = append(out, n)
	}
	return out, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	cfg, err := parse(args, stderr)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "scaling: %v\n", err)
		return 2
	}
	if cfg.out != "" {
		if err := os.MkdirAll(cfg.out, 0o755); err != nil {
			fmt.Fprintf(stderr, "scaling: -out: %v\n", err)
			return 2
		}
	}
	ctx := context.Background()
	fmt.Fprintf(stdout, "Scaling, %s: `go -C bench run ./scaling %s`; %d CPUs, %s, GOMAXPROCS %d\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), strings.Join(args, " "), runtime.NumCPU(), runtime.Version(), runtime.GOMAXPROCS(0))

	hs, err := handoffs(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "scaling: hand-off: %v\n", err)
		return 1
	}
	reportHandoff(stdout, hs)
	cs, err := compiles(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "scaling: compile: %v\n", err)
		return 1
	}
	reportCompile(stdout, cs)
	ca, err := createAlls(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "scaling: CreateAll: %v\n", err)
		return 1
	}
	reportCreateAll(stdout, ca)
	if cfg.out != "" {
		for name, f := range map[string]func(string) error{
			"handoff.png":   func(p string) error { return plotHandoff(p, hs) },
			"compile.png":   func(p string) error { return plotCompile(p, cs) },
			"createall.png": func(p string) error { return plotCreateAll(p, ca) },
		} {
			if err := f(cfg.out + "/" + name); err != nil {
				fmt.Fprintf(stderr, "scaling: %s: %v\n", name, err)
				return 1
			}
		}
	}
	return 0
}

// nopConn is a connection that does nothing: the hand-off measures the
// pool alone.
type nopConn struct{}

func (nopConn) Prepare(string) (driver.Stmt, error) { return nil, driver.ErrSkip }
func (nopConn) Close() error                        { return nil }
func (nopConn) Begin() (driver.Tx, error)           { return nil, driver.ErrSkip }
