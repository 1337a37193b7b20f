package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// TestQuick runs the harness in -quick mode against the servers named by
// ALCHEMY_TEST_POSTGRES_URL and ALCHEMY_TEST_MYSQL_URL, as CI does, and
// checks that the table has a row for every path and workload.
func TestQuick(t *testing.T) {
	pg, my := os.Getenv("ALCHEMY_TEST_POSTGRES_URL"), os.Getenv("ALCHEMY_TEST_MYSQL_URL")
	if pg == "" && my == "" {
		t.Skip("set ALCHEMY_TEST_POSTGRES_URL and/or ALCHEMY_TEST_MYSQL_URL to run the harness against a server")
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-quick"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d\nstderr: %s", code, stderr.String())
	}
	out := stdout.String()
	type want struct {
		server string
		paths  []string
	}
	var wants []want
	if pg != "" {
		wants = append(wants, want{"postgresql", []string{"(a)", "(b)", "(c)", "(d)"}})
	}
	if my != "" {
		wants = append(wants, want{"mysql", []string{"(a)", "(b)", "(c)"}})
	}
	for _, w := range wants {
		_, section, ok := strings.Cut(out, "#### "+w.server+"\n")
		if !ok {
			t.Fatalf("no %s section in\n%s", w.server, out)
		}
		section, _, _ = strings.Cut(section, "#### ")
		for _, wl := range allWorkloads {
			for _, p := range w.paths {
				if !strings.Contains(section, "| "+wl+" | "+p+" ") {
					t.Errorf("%s: no row for %s %s in\n%s", w.server, wl, p, section)
				}
			}
		}
	}
	for _, line := range []string{"- machine: ", "- load average ", "go -C perf run . -quick"} {
		if !strings.Contains(out, line) {
			t.Errorf("the report lacks %q:\n%s", line, out)
		}
	}
}

// TestFlags: bad flags are usage errors naming the problem.
func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-conns", "0"}, "-conns must be at least 1"},
		{[]string{"-rounds", "0"}, "-rounds must be at least 1"},
		{[]string{"-duration", "0s"}, "-duration must be positive"},
		{[]string{"-workloads", "point,bogus"}, `-workloads: unknown value "bogus"`},
		{[]string{"-paths", "e"}, `-paths: unknown value "e"`},
		{[]string{"-loop", "postgresql/b"}, "want server/path/workload"},
		{[]string{"-loop", "mysql/d/point", "-mysql", "mysql://root@127.0.0.1/test"}, "path d does not exist for mysql"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr.String(), exitUsage, tc.want)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{nil, 0}, {[]float64{3}, 3}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
