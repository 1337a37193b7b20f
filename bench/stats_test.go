package main

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// upTo returns 1..n milliseconds, sorted.
func upTo(n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(i+1) * time.Millisecond
	}
	return out
}

func TestPercentile(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one sample p50", []time.Duration{7 * ms}, 0.5, 7 * ms},
		{"one sample p99", []time.Duration{7 * ms}, 0.99, 7 * ms},
		{"two samples p50 is the lower", []time.Duration{1 * ms, 9 * ms}, 0.5, 1 * ms},
		{"two samples p51 is the upper", []time.Duration{1 * ms, 9 * ms}, 0.51, 9 * ms},
		{"1..100 p50", upTo(100), 0.50, 50 * ms},
		{"1..100 p95", upTo(100), 0.95, 95 * ms},
		{"1..100 p99", upTo(100), 0.99, 99 * ms},
		{"1..100 p07 (float error)", upTo(100), 0.07, 7 * ms},
		{"1..100 max", upTo(100), 1, 100 * ms},
		{"1..1000 p99", upTo(1000), 0.99, 990 * ms},
		{"1..10 p99 is the max", upTo(10), 0.99, 10 * ms},
		{"tiny p gives the min", upTo(10), 0.0001, 1 * ms},
	}
	for _, tt := range tests {
		if got := percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("%s: percentile(p=%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
}

func TestRecorderWindow(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	from, to := at(100), at(200)
	live := context.Background()
	done, cancel := context.WithCancel(context.Background())
	cancel()
	timeout := fmt.Errorf("%w after 1s", errCheckoutTimeout)
	tests := []struct {
		name                      string
		ctx                       context.Context
		start, got, end           int
		err                       error
		wantOps, wantTO, wantErrs int
	}{
		{"inside", live, 120, 125, 130, nil, 1, 0, 0},
		{"started in warm-up, ended inside", live, 90, 95, 101, nil, 1, 0, 0},
		{"ended in warm-up", live, 10, 20, 99, nil, 0, 0, 0},
		{"ended after the window", live, 190, 195, 201, nil, 0, 0, 0},
		{"ended exactly at the end", live, 190, 195, 200, nil, 1, 0, 0},
		{"timeout", live, 120, 150, 150, timeout, 0, 1, 0},
		{"error", live, 120, 121, 122, errors.New("boom"), 0, 0, 1},
		{"error after our own cancel", done, 120, 121, 122, context.Canceled, 0, 0, 0},
	}
	for _, tt := range tests {
		var r recorder
		r.record(tt.ctx, from, to, at(tt.start), at(tt.got), at(tt.end), tt.err)
		if len(r.lat) != tt.wantOps || int(r.timeouts) != tt.wantTO || int(r.errors) != tt.wantErrs {
			t.Errorf("%s: ops %d timeouts %d errors %d, want %d %d %d",
				tt.name, len(r.lat), r.timeouts, r.errors, tt.wantOps, tt.wantTO, tt.wantErrs)
		}
		if tt.wantOps == 1 {
			if r.lat[0] != at(tt.end).Sub(at(tt.start)) || r.wait[0] != at(tt.got).Sub(at(tt.start)) {
				t.Errorf("%s: latency %v wait %v", tt.name, r.lat[0], r.wait[0])
			}
		}
	}
}

func TestSummarize(t *testing.T) {
	ms := time.Millisecond
	c := cell{Workload: "point-select", PoolSize: 2, MaxOverflow: 1, Concurrency: 4, PoolTimeout: time.Second}
	rounds := []round{
		{Measured: time.Second, Lat: []time.Duration{3 * ms, 1 * ms}, Wait: []time.Duration{0, 1 * ms},
			Timeouts: 1, Opened: 2, Closed: 1, MaxConns: 3, ErrorSamples: []string{"a"}},
		{Measured: time.Second, Lat: []time.Duration{2 * ms, 4 * ms}, Wait: []time.Duration{2 * ms, 0},
			Errors: 2, Opened: 1, MaxConns: 2, ErrorSamples: []string{"a", "b"}},
	}
	got := summarize(c, poolAlchemy, countedByServer, rounds)
	want := result{
		cell: c, Pool: poolAlchemy, Rounds: 2, Measured: 2 * time.Second, Ops: 4, Throughput: 2,
		P50: 2 * ms, P95: 4 * ms, P99: 4 * ms, Max: 4 * ms, WaitP50: 0, WaitP99: 2 * ms,
		Timeouts: 1, Errors: 2, Opened: 3, Closed: 1, MaxConns: 3, CountedBy: countedByServer,
		RoundOps: []float64{2, 2}, RoundP99: []time.Duration{3 * ms, 4 * ms}, RoundWait99: []time.Duration{1 * ms, 2 * ms},
		RoundFIFO99: []time.Duration{0, 0}, ErrorSample: []string{"a", "b"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
		t.Errorf("summarize (-want +got):\n%s", diff)
	}
	rounds[1].ConnsErr = "permission denied"
	if got := summarize(c, poolAlchemy, countedByServer, rounds); got.MaxConns != -1 || got.ConnsErr != "permission denied" {
		t.Errorf("a failed count gives MaxConns %d, ConnsErr %q; want -1 and the error", got.MaxConns, got.ConnsErr)
	}
}

func TestFIFOReplay(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name         string
		starts, ends []time.Duration
		want         []time.Duration // sorted by start
		wantP99      time.Duration
	}{
		{"no operations", nil, nil, []time.Duration{}, 0},
		// One connection, three callers arriving at 0, 1 and 2 ms, each
		// holding it 10 ms: served in order at 10 and 20 ms (the first
		// found no release yet in the window: it waits for the first).
		{"queue of one connection", []time.Duration{0, 1 * ms, 2 * ms}, []time.Duration{10 * ms, 20 * ms, 30 * ms},
			[]time.Duration{10 * ms, 19 * ms, 28 * ms}, 28 * ms},
		// A release before anyone asks leaves the connection idle: the
		// next caller gets it at once.
		{"idle connection", []time.Duration{5 * ms, 6 * ms}, []time.Duration{1 * ms, 7 * ms},
			[]time.Duration{0, 1 * ms}, 1 * ms},
		// Order of service is by start, whatever order the input is in.
		{"unsorted input", []time.Duration{2 * ms, 0}, []time.Duration{4 * ms, 3 * ms},
			[]time.Duration{3 * ms, 2 * ms}, 3 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fifoReplay(tt.starts, tt.ends)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fifoReplay (-want +got):\n%s", diff)
			}
			rd := round{Measured: time.Second, Lat: tt.ends, Wait: tt.ends, Starts: tt.starts, Ends: tt.ends}
			if r := summarize(cell{}, poolAlchemy, countedByServer, []round{rd}); r.FIFOWaitP99 != tt.wantP99 {
				t.Errorf("FIFOWaitP99 = %v, want %v", r.FIFOWaitP99, tt.wantP99)
			}
		})
	}
}

func TestMergeRecordersKeepsThreeDistinctErrors(t *testing.T) {
	var rs []*recorder
	for _, e := range []string{"x", "x", "y", "z", "w"} {
		rs = append(rs, &recorder{errors: 1, firstErr: e})
	}
	rd := mergeRecorders(rs)
	if rd.Errors != 5 {
		t.Errorf("errors = %d, want 5", rd.Errors)
	}
	if diff := cmp.Diff([]string{"x", "y", "z"}, rd.ErrorSamples); diff != "" {
		t.Errorf("samples (-want +got):\n%s", diff)
	}
}
