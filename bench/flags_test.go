package main

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseIntList(t *testing.T) {
	tests := []struct {
		in      string
		min     int
		want    []int
		wantErr string
	}{
		{in: "2,5,10,20", min: 1, want: []int{2, 5, 10, 20}},
		{in: " 3 , 1 ", min: 1, want: []int{3, 1}},
		{in: "0", min: 0, want: []int{0}},
		{in: "", min: 1, wantErr: "empty list"},
		{in: "  ", min: 1, wantErr: "empty list"},
		{in: "2,,5", min: 1, wantErr: "empty item"},
		{in: "2,", min: 1, wantErr: "empty item"},
		{in: "-1", min: 0, wantErr: "-1 is below the minimum 0"},
		{in: "0", min: 1, wantErr: "0 is below the minimum 1"},
		{in: "two", min: 1, wantErr: `"two" is not a whole number`},
		{in: "1.5", min: 1, wantErr: `"1.5" is not a whole number`},
		{in: "5,5", min: 1, wantErr: "5 is listed twice"},
	}
	for _, tt := range tests {
		got, err := parseIntList("-x", tt.in, tt.min)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseIntList(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseIntList(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parseIntList(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseTimeoutList(t *testing.T) {
	tests := []struct {
		in      string
		want    []time.Duration
		wantErr string
	}{
		{in: "30s", want: []time.Duration{30 * time.Second}},
		{in: "500ms,2", want: []time.Duration{500 * time.Millisecond, 2 * time.Second}},
		{in: "0.25", want: []time.Duration{250 * time.Millisecond}},
		{in: "none,1s", want: []time.Duration{noTimeout, time.Second}},
		{in: "NONE", want: []time.Duration{noTimeout}},
		{in: "0", wantErr: "must be > 0"},
		{in: "0s", wantErr: "must be > 0"},
		{in: "-1s", wantErr: "must be > 0"},
		{in: "-3", wantErr: "must be > 0"},
		{in: "soon", wantErr: "is not a duration"},
		{in: "NaN", wantErr: "is not a duration"},
		{in: "", wantErr: "empty list"},
		{in: "1s,1000ms", wantErr: "listed twice"},
	}
	for _, tt := range tests {
		got, err := parseTimeoutList("-pool-timeout", tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseTimeoutList(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseTimeoutList(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parseTimeoutList(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseNames(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{in: "point-select", want: []string{"point-select"}},
		{in: "slow, insert,mixed", want: []string{"slow", "insert", "mixed"}},
		{in: "point_select", wantErr: `unknown "point_select" (known: point-select, insert, mixed, slow)`},
		{in: "slow,slow", wantErr: "listed twice"},
		{in: ",", wantErr: "empty item"},
	}
	for _, tt := range tests {
		got, err := parseNames("-workload", tt.in, workloadNames)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseNames(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseNames(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parseNames(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseFlagsDefaults(t *testing.T) {
	c, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := &config{
		Workloads: []string{"point-select"}, PoolSizes: []int{5}, MaxOverflows: []int{10},
		Concurrency: []int{32}, PoolTimeouts: []time.Duration{30 * time.Second},
		Duration: 5 * time.Second, Warmup: time.Second, Hold: 5 * time.Millisecond, Rows: 10000,
		Repeat: 1, Out: ".", P99Target: 100 * time.Millisecond, ConnectTimeout: 10 * time.Second,
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestParseFlagsErrors(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"-duration", "0"}, "-duration must be > 0"},
		{[]string{"-duration", "-1s"}, "-duration must be > 0"},
		{[]string{"-warmup", "-1s"}, "-warmup must be >= 0"},
		{[]string{"-think", "-1ms"}, "-think must be >= 0"},
		{[]string{"-hold", "0s"}, "-hold must be > 0"},
		{[]string{"-rows", "0"}, "-rows must be >= 1"},
		{[]string{"-repeat", "0"}, "-repeat must be >= 1"},
		{[]string{"-p99-target", "0s"}, "-p99-target must be > 0"},
		{[]string{"-connect-timeout", "0s"}, "-connect-timeout must be > 0"},
		{[]string{"-out", " "}, "-out must name a folder"},
		{[]string{"-workload", "fast"}, `-workload: unknown "fast"`},
		{[]string{"-pool-size", ""}, "-pool-size: empty list"},
		{[]string{"-max-overflow", "-1"}, "-max-overflow: -1 is below the minimum 0"},
		{[]string{"-concurrency", "8,-2"}, "-concurrency: -2 is below the minimum 1"},
		{[]string{"-pools", "hikari"}, `-pools: unknown "hikari"`},
		{[]string{"-nope"}, "flag provided but not defined: -nope"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		_, err := parseFlags(tt.args, io.Discard)
		var ue *usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("parseFlags(%q) error = %v, want a usage error containing %q", tt.args, err, tt.wantErr)
		}
	}
	if _, err := parseFlags([]string{"-help"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("parseFlags(-help) error = %v, want flag.ErrHelp", err)
	}
}

func TestCells(t *testing.T) {
	c := &config{
		Workloads: []string{"point-select", "slow"}, PoolSizes: []int{2, 5}, MaxOverflows: []int{0},
		Concurrency: []int{8, 32}, PoolTimeouts: []time.Duration{time.Second},
	}
	got := cells(c)
	if len(got) != 8 {
		t.Fatalf("got %d cells, want 2×2×1×2×1 = 8", len(got))
	}
	first := cell{Workload: "point-select", PoolSize: 2, MaxOverflow: 0, Concurrency: 8, PoolTimeout: time.Second}
	last := cell{Workload: "slow", PoolSize: 5, MaxOverflow: 0, Concurrency: 32, PoolTimeout: time.Second}
	if got[0] != first || got[7] != last {
		t.Errorf("cells = %+v, want %+v first and %+v last", got, first, last)
	}
}
