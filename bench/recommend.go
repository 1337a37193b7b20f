package main

import (
	"fmt"
	"math"
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
	// CapTo, when > 0, is the connection budget the pick is cut to: every
	// qualifying setting allowed more connections than there are
	// clients, which can never use them.
	CapTo int
	// Ties are the other qualifying settings whose throughput differs
	// from the pick's by no more than the rounds' noise: they measure the
	// same, and the smaller pool is preferred.
	Ties []result
	// Noise is the largest round-to-round spread of throughput among the
	// group's settings, (max-min)/mean; -1 when every setting ran one
	// round, so the noise is unknown.
	Noise float64
	// EdgeLow: the pick is the smallest budget swept (a smaller pool may
	// do as well). EdgeHigh: the best throughput, or with nothing
	// qualifying the lowest p99, is at the largest budget swept, below
	// the number of clients (a larger pool may do better).
	EdgeLow, EdgeHigh bool
}

// spread is a result's round-to-round throughput spread, (max-min)/mean;
// -1 with fewer than two rounds.
func spread(r result) float64 {
	if len(r.RoundOps) < 2 {
		return -1
	}
	lo, hi, sum := r.RoundOps[0], r.RoundOps[0], 0.0
	for _, v := range r.RoundOps {
		lo, hi, sum = min(lo, v), max(hi, v), sum+v
	}
	if sum == 0 {
		return 0
	}
	return (hi - lo) / (sum / float64(len(r.RoundOps)))
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
		var ok, fits []result
		for _, r := range g {
			if r.Throughput >= withinBest*rec.Best.Throughput && r.P99 < target && r.Timeouts == 0 && r.Errors == 0 {
				ok = append(ok, r)
				if r.budget() <= k.n {
					fits = append(fits, r)
				}
			}
		}
		rec.Noise = -1
		lo, hi := g[0].budget(), g[0].budget()
		for _, r := range g {
			rec.Noise = max(rec.Noise, spread(r))
			lo, hi = min(lo, r.budget()), max(hi, r.budget())
		}
		if len(ok) > 0 {
			// Never more connections than clients: those beyond can
			// never be checked out at once.
			cands := fits
			if len(cands) == 0 {
				cands = ok
			}
			pick := slices.MinFunc(cands, smallerPool)
			rec.Pick = &pick
			if pick.budget() > k.n {
				rec.CapTo = k.n
			}
			for _, r := range ok {
				if r.cell != pick.cell && rec.Noise >= 0 && math.Abs(r.Throughput-pick.Throughput) <= rec.Noise*max(r.Throughput, pick.Throughput) {
					rec.Ties = append(rec.Ties, r)
				}
			}
			rec.EdgeLow = pick.budget() == lo && lo > 1 && len(g) > 1
			rec.EdgeHigh = rec.Best.budget() == hi && hi < k.n && len(g) > 1
		} else {
			rec.EdgeHigh = rec.LowestP99.budget() == hi && hi < k.n
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

// capped returns r's setting cut to n connections: pool_size first.
func capped(r result, n int) result {
	size := min(r.PoolSize, n)
	r.PoolSize, r.MaxOverflow = size, min(r.MaxOverflow, n-size)
	return r
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
			p := *r.Pick
			if r.CapTo > 0 {
				c := capped(p, r.CapTo)
				fmt.Fprintf(&b, "use %s (%d connections, cut from the measured %s: %d clients never use more): %.0f ops/s with p99 %s",
					setting(c), c.budget(), setting(p), r.Concurrency, p.Throughput, ms(p.P99))
			} else {
				fmt.Fprintf(&b, "use %s (%d connections): %.0f ops/s with p99 %s", setting(p), p.budget(), p.Throughput, ms(p.P99))
			}
			if p.cell == r.Best.cell {
				b.WriteString(", which is also the best measured.")
			} else {
				fmt.Fprintf(&b, ", against the best %.0f ops/s at %s.", r.Best.Throughput, setting(r.Best))
			}
			if len(r.Ties) > 0 {
				names := make([]string, len(r.Ties))
				for i, t := range r.Ties {
					names[i] = fmt.Sprintf("%s (%.0f ops/s)", setting(t), t.Throughput)
				}
				fmt.Fprintf(&b, " It is a tie with %s: they differ by less than the %.0f%% the rounds varied, so the smaller pool is the choice.",
					strings.Join(names, ", "), 100*r.Noise)
			}
		} else {
			l := r.LowestP99
			fmt.Fprintf(&b, "no setting qualified: the lowest p99 was %s at %s (%.0f ops/s, %d timeouts, %d errors), so allow more connections, a longer wait, or fewer clients.",
				ms(l.P99), setting(l), l.Throughput, l.Timeouts, l.Errors)
		}
		if r.EdgeLow {
			b.WriteString(" The pick is the smallest setting swept: a smaller pool may do as well, widen the sweep downwards.")
		}
		if r.EdgeHigh {
			fmt.Fprintf(&b, " The best result is at the largest setting swept, below the %d clients: widen the sweep upwards.", r.Concurrency)
		}
		switch {
		case r.Noise < 0:
			b.WriteString(" Noise unknown (one round per setting): run with -repeat 3 or more to tell close settings apart.")
		case r.Noise > 1-withinBest:
			fmt.Fprintf(&b, " Throughput varied by up to %.0f%% between rounds, more than the 5%% margin: treat settings within that as equal, or measure longer.", 100*r.Noise)
		default:
			fmt.Fprintf(&b, " Throughput varied by up to %.0f%% between rounds.", 100*r.Noise)
		}
	}
	return b.String()
}

// ms formats a duration in milliseconds as the table does.
func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", msf(d)) }

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
