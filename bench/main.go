// Command alchemy-bench measures connection pools on your own database
// so that you can choose pool settings: alchemy's QueuePool through
// sql.Open("alchemy"), database/sql's own pool and, on PostgreSQL,
// pgxpool, each with the same connection budget, over a sweep of
// pool_size × max_overflow × concurrency × pool_timeout. See README.md.
//
// Run it from the repository root:
//
//	go -C bench run . -url postgresql://postgres@127.0.0.1:5432/test -workload point-select,slow -pool-size 2,5,10,20
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit statuses.
const (
	exitOK          = 0
	exitFailed      = 1   // the database could not be reached or used
	exitUsage       = 2   // a bad command line, as package flag
	exitInterrupted = 130 // Ctrl-C: what was measured is still reported
)

func main() {
	// A closed stdout (| head) must not kill the tool before it drops its
	// tables: with SIGPIPE ignored, the write fails and the run goes on.
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first Ctrl-C the tool reports and cleans up; a second one
	// kills it as usual.
	context.AfterFunc(ctx, stop)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole tool: it parses args, measures, reports on stdout
// (progress and problems on stderr) and returns the exit status. It
// returns early, with a message, on bad input or an unreachable
// database, and reports what was measured when ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "alchemy-bench: %v\nRun with -help for the flags.\n", err)
		return exitUsage
	}
	s, err := setUp(ctx, cfg, stderr)
	if err != nil {
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "alchemy-bench: %v\n", err)
			return exitUsage
		}
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "alchemy-bench: interrupted before the first measurement; nothing to report")
			return exitInterrupted
		}
		fmt.Fprintf(stderr, "alchemy-bench: %v\n", err)
		return exitFailed
	}
	code := s.runAndReport(ctx, stdout, stderr)
	if err := s.tearDown(); err != nil {
		fmt.Fprintf(stderr, "alchemy-bench: clean up: %v\n", err)
		if code == exitOK {
			code = exitFailed
		}
	} else if code == exitInterrupted {
		fmt.Fprintln(stderr, "alchemy-bench: interrupted: the table shows what was measured before Ctrl-C; the benchmark tables were dropped")
	}
	return code
}
