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
