package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// config is the parsed command line.
type config struct {
	URL            string          // empty: a temporary SQLite file (see defaultSQLiteURL)
	Workloads      []string        // names from workloadNames
	PoolSizes      []int           // pool_size values, each >= 1
	MaxOverflows   []int           // max_overflow values, each >= 0
	Concurrency    []int           // client goroutines, each >= 1
	PoolTimeouts   []time.Duration // pool_timeout values; noTimeout means none
	Duration       time.Duration   // measured time per cell and pool
	Warmup         time.Duration   // unmeasured time before it
	Think          time.Duration   // client think time between operations
	Hold           time.Duration   // how long the slow workload holds its connection on the server
	Rows           int             // rows preloaded for point selects
	Repeat         int             // rounds per cell, pools interleaved
	Out            string          // folder for the CSV, JSON and chart
	P99Target      time.Duration   // latency target for the recommendation
	Pools          []string        // empty: every pool the URL supports
	ConnectTimeout time.Duration   // bound on reaching the server at start
	CPUProfile     string          // write a CPU profile of the sweep here
}

// noTimeout is the -pool-timeout value "none": checkouts wait as long as
// it takes.
const noTimeout time.Duration = 0

// usageError is a bad command line: exit status 2, like package flag.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// parseFlags reads args into a config. Help goes to w; any error is a
// *usageError or flag.ErrHelp.
func parseFlags(args []string, w io.Writer) (*config, error) {
	fs := flag.NewFlagSet("alchemy-bench", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() { usage(fs, w) }
	c := &config{}
	var workloads, sizes, overflows, conc, timeouts, pools string
	fs.StringVar(&c.URL, "url", "", "alchemy URL of the database to measure (default: a temporary SQLite file, removed afterwards)")
	fs.StringVar(&workloads, "workload", "point-select", "workloads, comma-separated: "+strings.Join(workloadNames, ", "))
	fs.StringVar(&sizes, "pool-size", "5", "pool_size values, comma-separated, each >= 1")
	fs.StringVar(&overflows, "max-overflow", "10", "max_overflow values, comma-separated, each >= 0")
	fs.StringVar(&conc, "concurrency", "32", "client goroutines, comma-separated, each >= 1")
	fs.StringVar(&timeouts, "pool-timeout", "30s", `pool_timeout values, comma-separated: Go durations, plain seconds, or "none"`)
	fs.DurationVar(&c.Duration, "duration", 5*time.Second, "measured time per cell and pool (> 0)")
	fs.DurationVar(&c.Warmup, "warmup", time.Second, "unmeasured warm-up before each measurement (>= 0)")
	fs.DurationVar(&c.Think, "think", 0, "client think time between operations, connection released (>= 0)")
	fs.DurationVar(&c.Hold, "hold", 5*time.Millisecond, "server-side hold of the slow workload (> 0)")
	fs.IntVar(&c.Rows, "rows", 10000, "rows preloaded for point selects (>= 1)")
	fs.IntVar(&c.Repeat, "repeat", 1, "rounds per cell, pools interleaved in a rotating order (>= 1)")
	fs.StringVar(&c.Out, "out", ".", "folder for pool-sweep.csv, pool-sweep.json and pool-sweep.png (created if missing)")
	fs.DurationVar(&c.P99Target, "p99-target", 100*time.Millisecond, "p99 latency the recommended pool must stay below (> 0)")
	fs.StringVar(&pools, "pools", "", "pools to compare, comma-separated: "+strings.Join(poolNames, ", ")+" (default: every one the URL supports)")
	fs.DurationVar(&c.ConnectTimeout, "connect-timeout", 10*time.Second, "how long to try reaching the server at start (> 0)")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of the sweep to this file (for go tool pprof)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &usageError{msg: err.Error()}
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q (flags only; see -help)", fs.Arg(0))
	}
	var err error
	if c.Workloads, err = parseNames("-workload", workloads, workloadNames); err != nil {
		return nil, err
	}
	if c.PoolSizes, err = parseIntList("-pool-size", sizes, 1); err != nil {
		return nil, err
	}
	if c.MaxOverflows, err = parseIntList("-max-overflow", overflows, 0); err != nil {
		return nil, err
	}
	if c.Concurrency, err = parseIntList("-concurrency", conc, 1); err != nil {
		return nil, err
	}
	if c.PoolTimeouts, err = parseTimeoutList("-pool-timeout", timeouts); err != nil {
		return nil, err
	}
	if pools != "" {
		if c.Pools, err = parseNames("-pools", pools, poolNames); err != nil {
			return nil, err
		}
	}
	return c, c.check()
}

// check validates the scalar flags.
func (c *config) check() error {
	switch {
	case c.Duration <= 0:
		return usagef("-duration must be > 0, got %v", c.Duration)
	case c.Warmup < 0:
		return usagef("-warmup must be >= 0, got %v", c.Warmup)
	case c.Think < 0:
		return usagef("-think must be >= 0, got %v", c.Think)
	case c.Hold <= 0:
		return usagef("-hold must be > 0, got %v", c.Hold)
	case c.Rows < 1:
		return usagef("-rows must be >= 1, got %d", c.Rows)
	case c.Repeat < 1:
		return usagef("-repeat must be >= 1, got %d", c.Repeat)
	case c.P99Target <= 0:
		return usagef("-p99-target must be > 0, got %v", c.P99Target)
	case c.ConnectTimeout <= 0:
		return usagef("-connect-timeout must be > 0, got %v", c.ConnectTimeout)
	case strings.TrimSpace(c.Out) == "":
		return usagef("-out must name a folder")
	}
	return nil
}

func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprint(w, `alchemy-bench measures connection pools on your database, side by side:
alchemy's QueuePool (sql.Open("alchemy")), database/sql's own pool and, on
PostgreSQL, pgxpool, all with the same connection budget. It sweeps every
combination of the list flags and writes a table, pool-sweep.csv,
pool-sweep.json, pool-sweep.png and a recommendation.

Usage (from the repository root):

	go -C bench run . [flags]

Flags:
`)
	fs.PrintDefaults()
}

// splitList splits a comma-separated flag value, refusing an empty list
// or an empty item.
func splitList(flagName, s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, usagef("%s: empty list", flagName)
	}
	parts := strings.Split(s, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
		if parts[i] == "" {
			return nil, usagef("%s: empty item in %q", flagName, s)
		}
	}
	return parts, nil
}

// parseIntList parses "2,5,10": every item a whole number >= min, no
// duplicates, order kept.
func parseIntList(flagName, s string, min int) ([]int, error) {
	parts, err := splitList(flagName, s)
	if err != nil {
		return nil, err
	}
	out := make([]int, 0, len(parts))
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, usagef("%s: %q is not a whole number", flagName, p)
		}
		if n < min {
			return nil, usagef("%s: %d is below the minimum %d", flagName, n, min)
		}
		if slices.Contains(out, n) {
			return nil, usagef("%s: %d is listed twice", flagName, n)
		}
		out = append(out, n)
	}
	return out, nil
}

// parseTimeoutList parses pool_timeout values: Go durations ("500ms"),
// plain seconds as in SQLAlchemy ("30", "0.5") or "none". Each must be
// > 0; "none" becomes noTimeout.
func parseTimeoutList(flagName, s string) ([]time.Duration, error) {
	parts, err := splitList(flagName, s)
	if err != nil {
		return nil, err
	}
	out := make([]time.Duration, 0, len(parts))
	for _, p := range parts {
		d, err := parseTimeout(p)
		if err != nil {
			return nil, usagef("%s: %v", flagName, err)
		}
		if slices.Contains(out, d) {
			return nil, usagef("%s: %q is listed twice", flagName, p)
		}
		out = append(out, d)
	}
	return out, nil
}

func parseTimeout(p string) (time.Duration, error) {
	if strings.EqualFold(p, "none") {
		return noTimeout, nil
	}
	d, err := time.ParseDuration(p)
	if err != nil {
		f, ferr := strconv.ParseFloat(p, 64)
		if ferr != nil || math.IsNaN(f) || math.IsInf(f, 0) || f*float64(time.Second) > math.MaxInt64 {
			return 0, fmt.Errorf("%q is not a duration (like 30s or 500ms), a number of seconds, or none", p)
		}
		d = time.Duration(f * float64(time.Second))
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: a pool timeout must be > 0 (or none)", p)
	}
	return d, nil
}

// parseNames parses a list of names that must each be one of known.
func parseNames(flagName, s string, known []string) ([]string, error) {
	parts, err := splitList(flagName, s)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range parts {
		if !slices.Contains(known, p) {
			return nil, usagef("%s: unknown %q (known: %s)", flagName, p, strings.Join(known, ", "))
		}
		if slices.Contains(out, p) {
			return nil, usagef("%s: %q is listed twice", flagName, p)
		}
		out = append(out, p)
	}
	return out, nil
}

// formatTimeout writes a pool_timeout as the table and CSV show it.
func formatTimeout(d time.Duration) string {
	if d == noTimeout {
		return "none"
	}
	return d.String()
}
