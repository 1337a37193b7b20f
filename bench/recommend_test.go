package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// row is a shorthand for a result in the recommendation tests.
func row(pool string, size, overflow, conc int, opsPerS float64, p99ms int) result {
	return result{
		cell: cell{Workload: "point-select", PoolSize: size, MaxOverflow: overflow, Concurrency: conc, PoolTimeout: 30 * time.Second},
		Pool: pool, Ops: 1, Throughput: opsPerS, P99: time.Duration(p99ms) * time.Millisecond,
	}
}

func TestRecommend(t *testing.T) {
	target := 50 * time.Millisecond
	withTimeouts := row(poolAlchemy, 2, 0, 32, 10000, 5)
	withTimeouts.Timeouts = 3
	withErrors := row(poolAlchemy, 2, 0, 32, 10000, 5)
	withErrors.Errors = 1
	interrupted := row(poolAlchemy, 2, 0, 32, 10000, 5)
	interrupted.Interrupted = true
	tests := []struct {
		name     string
		rows     []result
		wantPick string // "size/overflow", or "" for none
	}{
		{"the smallest within 5% of the best", []result{
			row(poolAlchemy, 2, 0, 32, 8000, 10),
			row(poolAlchemy, 5, 0, 32, 9600, 10),
			row(poolAlchemy, 10, 0, 32, 10000, 10),
			row(poolAlchemy, 20, 0, 32, 9900, 10),
		}, "5/0"},
		{"exactly 95% qualifies", []result{
			row(poolAlchemy, 5, 0, 32, 9500, 10),
			row(poolAlchemy, 10, 0, 32, 10000, 10),
		}, "5/0"},
		{"p99 must be below the target", []result{
			row(poolAlchemy, 5, 0, 32, 10000, 50),
			row(poolAlchemy, 10, 0, 32, 9900, 49),
		}, "10/0"},
		{"the budget counts the overflow", []result{
			row(poolAlchemy, 2, 10, 32, 10000, 10),
			row(poolAlchemy, 5, 0, 32, 10000, 10),
		}, "5/0"},
		{"same budget: the smaller pool_size", []result{
			row(poolAlchemy, 5, 0, 32, 10000, 10),
			row(poolAlchemy, 2, 3, 32, 10000, 10),
		}, "2/3"},
		{"other pools are not candidates", []result{
			row(poolDatabase, 2, 0, 32, 10000, 10),
			row(poolAlchemy, 10, 0, 32, 9000, 10),
		}, "10/0"},
		{"timeouts disqualify", []result{withTimeouts, row(poolAlchemy, 4, 0, 32, 10000, 10)}, "4/0"},
		{"errors disqualify", []result{withErrors, row(poolAlchemy, 4, 0, 32, 10000, 10)}, "4/0"},
		{"interrupted rows are left out", []result{interrupted, row(poolAlchemy, 4, 0, 32, 9000, 10)}, "4/0"},
		{"nothing meets the target", []result{
			row(poolAlchemy, 2, 0, 32, 10000, 80),
			row(poolAlchemy, 4, 0, 32, 10000, 60),
		}, ""},
	}
	for _, tt := range tests {
		recs := recommend(tt.rows, poolAlchemy, target)
		if len(recs) != 1 {
			t.Errorf("%s: %d recommendations, want 1", tt.name, len(recs))
			continue
		}
		got := ""
		if p := recs[0].Pick; p != nil {
			got = fmt.Sprintf("%d/%d", p.PoolSize, p.MaxOverflow)
		}
		if got != tt.wantPick {
			t.Errorf("%s: picked %q, want %q", tt.name, got, tt.wantPick)
		}
	}
}

func TestRecommendGroupsByWorkloadAndConcurrency(t *testing.T) {
	a := row(poolAlchemy, 2, 0, 8, 100, 1)
	b := row(poolAlchemy, 2, 0, 64, 100, 1)
	c := row(poolAlchemy, 2, 0, 8, 100, 1)
	c.Workload = "slow"
	recs := recommend([]result{a, b, c}, poolAlchemy, time.Second)
	if len(recs) != 3 {
		t.Fatalf("%d recommendations, want one per workload and concurrency (3)", len(recs))
	}
}

func TestRecommendationText(t *testing.T) {
	target := 50 * time.Millisecond
	recs := recommend([]result{
		row(poolAlchemy, 5, 0, 32, 9600, 10),
		row(poolAlchemy, 10, 0, 32, 10000, 12),
	}, poolAlchemy, target)
	slow := row(poolAlchemy, 2, 0, 128, 100, 900)
	slow.Workload = "slow"
	recs = append(recs, recommend([]result{slow}, poolAlchemy, target)...)
	text := recommendationText(recs, target)
	for _, want := range []string{
		"Recommendation for alchemy",
		"For point-select at 32 clients, use pool_size=5 max_overflow=0 pool_timeout=30 (5 connections): 9600 ops/s with p99 10.000 ms, against the best 10000 ops/s at pool_size=10",
		"For slow at 128 clients, no setting qualified: the lowest p99 was 900.000 ms",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("recommendation text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\n") {
		t.Errorf("the recommendation is not one paragraph:\n%s", text)
	}
	if got := recommendationText(nil, target); !strings.Contains(got, "none") {
		t.Errorf("empty recommendation = %q", got)
	}
}

// rounds gives a row per-round throughputs.
func rounds(r result, ops ...float64) result {
	r.RoundOps, r.Rounds = ops, len(ops)
	return r
}

func TestRecommendNeverMoreConnectionsThanClients(t *testing.T) {
	target := 50 * time.Millisecond
	// 8 clients: 10 and 20 connections qualify, 4 does not; a setting
	// within the clients wins over a smaller-looking overflow-heavy one.
	recs := recommend([]result{
		row(poolAlchemy, 4, 0, 8, 5000, 10),
		row(poolAlchemy, 10, 0, 8, 10000, 10),
		row(poolAlchemy, 20, 0, 8, 10000, 10),
	}, poolAlchemy, target)
	r := recs[0]
	if r.Pick == nil || r.CapTo != 8 {
		t.Fatalf("pick %+v cap %d, want the 10-connection setting cut to 8", r.Pick, r.CapTo)
	}
	text := recommendationText(recs, target)
	if !strings.Contains(text, "use pool_size=8 max_overflow=0 pool_timeout=30 (8 connections, cut from the measured pool_size=10 max_overflow=0 pool_timeout=30: 8 clients never use more)") {
		t.Errorf("text does not cut the pick to the clients:\n%s", text)
	}
	// With a qualifying setting within the clients, it is the pick.
	recs = recommend([]result{
		row(poolAlchemy, 6, 0, 8, 9900, 10),
		row(poolAlchemy, 2, 10, 8, 10000, 10),
	}, poolAlchemy, target)
	if p := recs[0].Pick; p == nil || p.budget() != 6 || recs[0].CapTo != 0 {
		t.Errorf("pick %+v, want 6/0 uncut", p)
	}
	// Overflow is cut after pool_size.
	if c := capped(row(poolAlchemy, 5, 10, 8, 1, 1), 8); c.PoolSize != 5 || c.MaxOverflow != 3 {
		t.Errorf("capped 5/10 to 8 = %d/%d, want 5/3", c.PoolSize, c.MaxOverflow)
	}
}

func TestRecommendEdgeOfSweep(t *testing.T) {
	target := 50 * time.Millisecond
	tests := []struct {
		name              string
		rows              []result
		wantLow, wantHigh bool
	}{
		{"pick at the small edge", []result{row(poolAlchemy, 2, 0, 32, 10000, 5), row(poolAlchemy, 4, 0, 32, 10000, 5)}, true, false},
		{"best at the large edge", []result{row(poolAlchemy, 2, 0, 32, 5000, 5), row(poolAlchemy, 4, 0, 32, 10000, 5)}, false, true},
		{"inside the sweep", []result{row(poolAlchemy, 2, 0, 32, 5000, 5), row(poolAlchemy, 4, 0, 32, 10000, 5), row(poolAlchemy, 8, 0, 32, 9000, 5)}, false, false},
		{"the large edge at the clients is no edge", []result{row(poolAlchemy, 2, 0, 4, 5000, 5), row(poolAlchemy, 4, 0, 4, 10000, 5)}, false, false},
		{"nothing qualified, lowest p99 at the top", []result{row(poolAlchemy, 2, 0, 32, 5000, 90), row(poolAlchemy, 4, 0, 32, 6000, 70)}, false, true},
	}
	for _, tt := range tests {
		r := recommend(tt.rows, poolAlchemy, target)[0]
		if r.EdgeLow != tt.wantLow || r.EdgeHigh != tt.wantHigh {
			t.Errorf("%s: EdgeLow %v EdgeHigh %v, want %v %v", tt.name, r.EdgeLow, r.EdgeHigh, tt.wantLow, tt.wantHigh)
		}
		text := recommendationText([]recommendation{r}, target)
		if tt.wantLow != strings.Contains(text, "widen the sweep downwards") || tt.wantHigh != strings.Contains(text, "widen the sweep upwards") {
			t.Errorf("%s: text %q", tt.name, text)
		}
	}
}

func TestRecommendNoiseAndTies(t *testing.T) {
	target := 50 * time.Millisecond
	// Rounds vary by 10%: 4 and 6 connections measure the same, 8 does not.
	a := rounds(row(poolAlchemy, 4, 0, 32, 9700, 5), 9200, 10200)
	b := rounds(row(poolAlchemy, 6, 0, 32, 10000, 5), 9500, 10500)
	c := rounds(row(poolAlchemy, 8, 0, 32, 9600, 5), 9550, 9650)
	r := recommend([]result{a, b, c}, poolAlchemy, target)[0]
	if r.Pick == nil || r.Pick.budget() != 4 {
		t.Fatalf("pick %+v, want 4", r.Pick)
	}
	if r.Noise < 0.099 || r.Noise > 0.104 {
		t.Errorf("noise %v, want about 0.10", r.Noise)
	}
	if len(r.Ties) != 2 {
		t.Errorf("ties %d, want 6 and 8 (both within 10%% of 9700)", len(r.Ties))
	}
	text := recommendationText([]recommendation{r}, target)
	for _, want := range []string{"It is a tie with pool_size=6", "differ by less than the 10% the rounds varied", "Throughput varied by up to 10% between rounds, more than the 5% margin"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	// Quiet rounds: no ties, noise stated.
	a = rounds(row(poolAlchemy, 4, 0, 32, 9600, 5), 9590, 9610)
	b = rounds(row(poolAlchemy, 6, 0, 32, 10000, 5), 9990, 10010)
	r = recommend([]result{a, b}, poolAlchemy, target)[0]
	if len(r.Ties) != 0 || !strings.Contains(recommendationText([]recommendation{r}, target), "Throughput varied by up to 0% between rounds.") {
		t.Errorf("quiet rounds: ties %v, text %q", r.Ties, recommendationText([]recommendation{r}, target))
	}
	// One round: noise unknown, said so.
	r = recommend([]result{row(poolAlchemy, 4, 0, 32, 9600, 5)}, poolAlchemy, target)[0]
	if r.Noise != -1 || !strings.Contains(recommendationText([]recommendation{r}, target), "Noise unknown") {
		t.Errorf("one round: noise %v", r.Noise)
	}
}
