package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// withinBest is how close to the best throughput a recommended pool must
// come: within 5%.
const withinBest = 0.95

// recommendation is the advice for one workload at one concurrency.
type recommendation struct {
	Workload    string
	Concurrency int
	Pool        string
	Best        result  // the highest throughput measured
	Pick        *result // the smallest pool that qualifies; nil if none does
	LowestP99   result  // when none qualifies: the setting with the lowest p99
}

// recommend picks, for each workload and concurrency, the smallest
// setting of poolName (fewest connections, size+overflow, then smallest
// pool_size, then the highest throughput) whose throughput is within 5%
// of the best measured there, whose p99 is below target, and which had
// no timeouts and no errors (their operations are not in the p99).
// Interrupted rows are left out.
func recommend(results []result, poolName string, target time.Duration) []recommendation {
	type key struct {
		w string
		n int
	}
	groups := map[key][]result{}
	var order []key
	for _, r := range results {
		if r.Pool != poolName || r.Interrupted || r.Ops == 0 {
			continue
		}
		k := key{r.Workload, r.Concurrency}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	var out []recommendation
	for _, k := range order {
		g := groups[k]
		rec := recommendation{Workload: k.w, Concurrency: k.n, Pool: poolName, Best: g[0], LowestP99: g[0]}
		for _, r := range g {
			if r.Throughput > rec.Best.Throughput {
				rec.Best = r
			}
			if r.P99 < rec.LowestP99.P99 {
				rec.LowestP99 = r
			}
		}
		var ok []result
		for _, r := range g {
			if r.Throughput >= withinBest*rec.Best.Throughput && r.P99 < target && r.Timeouts == 0 && r.Errors == 0 {
				ok = append(ok, r)
			}
		}
		if len(ok) > 0 {
			pick := slices.MinFunc(ok, smallerPool)
			rec.Pick = &pick
		}
		out = append(out, rec)
	}
	return out
}

// smallerPool orders results by connection budget, then pool_size, then
// throughput (higher first).
func smallerPool(a, b result) int {
	switch {
	case a.budget() != b.budget():
		return a.budget() - b.budget()
	case a.PoolSize != b.PoolSize:
		return a.PoolSize - b.PoolSize
	case a.Throughput > b.Throughput:
		return -1
	case a.Throughput < b.Throughput:
		return 1
	}
	return 0
}

func setting(r result) string {
	s := fmt.Sprintf("pool_size=%d max_overflow=%d", r.PoolSize, r.MaxOverflow)
	if r.PoolTimeout != noTimeout {
		s += fmt.Sprintf(" pool_timeout=%g", r.PoolTimeout.Seconds())
	}
	return s
}

// recommendationText writes the recommendations as one paragraph.
func recommendationText(recs []recommendation, target time.Duration) string {
	if len(recs) == 0 {
		return "Recommendation: none — no complete measurement to base it on."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Recommendation for %s (the smallest pool within 5%% of the best throughput, with p99 below %v and no timeouts or errors):", recs[0].Pool, target)
	for _, r := range recs {
		fmt.Fprintf(&b, " For %s at %d clients, ", r.Workload, r.Concurrency)
		if r.Pick != nil {
			p := r.Pick
			fmt.Fprintf(&b, "use %s (%d connections): %.0f ops/s with p99 %s", setting(*p), p.budget(), p.Throughput, ms(p.P99))
			if p.cell == r.Best.cell {
				b.WriteString(", which is also the best measured.")
			} else {
				fmt.Fprintf(&b, ", against the best %.0f ops/s at %s.", r.Best.Throughput, setting(r.Best))
			}
			continue
		}
		l := r.LowestP99
		fmt.Fprintf(&b, "no setting qualified: the lowest p99 was %s at %s (%.0f ops/s, %d timeouts, %d errors), so allow more connections, a longer wait, or fewer clients.",
			ms(l.P99), setting(l), l.Throughput, l.Timeouts, l.Errors)
	}
	return b.String()
}

// ms formats a duration in milliseconds as the table does.
func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", msf(d)) }

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
