package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// machine is what the table says about where it was measured.
type machine struct {
	date       time.Time
	cpus       int
	cpuModel   string
	goVersion  string
	gomaxprocs int
	loadBefore string
	loadAfter  string
}

func describeMachine() machine {
	return machine{
		date:       time.Now().UTC(),
		cpus:       runtime.NumCPU(),
		cpuModel:   cpuModel(),
		goVersion:  runtime.Version(),
		gomaxprocs: runtime.GOMAXPROCS(0),
		loadBefore: loadAvg(),
	}
}

// cpuModel is the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown (" + runtime.GOARCH + ")"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown (" + runtime.GOARCH + ")"
}

// loadAvg is the 1, 5 and 15 minute load averages of /proc/loadavg.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// median of xs (the mean of the middle two for an even count).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// spread formats the median and range of xs with f.
func spread(xs []float64, f func(float64) string) string {
	if len(xs) == 0 {
		return "–"
	}
	lo, hi := slices.Min(xs), slices.Max(xs)
	if len(xs) == 1 {
		return f(xs[0])
	}
	return fmt.Sprintf("%s (%s–%s)", f(median(xs)), f(lo), f(hi))
}

func micros(ns float64) string { return fmt.Sprintf("%.1f", ns/1e3) }
func ratio(r float64) string   { return fmt.Sprintf("%.3f", r) }

// report prints the Markdown table. Its layout depends only on the
// flags and servers, never on the figures, so runs can be diffed.
func report(w io.Writer, cfg *config, args []string, m machine, results []*result) {
	cmd := "go -C perf run ."
	if len(args) > 0 {
		cmd += " " + strings.Join(args, " ")
	}
	fmt.Fprintf(w, "End-to-end, %s: `%s`\n\n", m.date.Format("2006-01-02 15:04 UTC"), cmd)
	fmt.Fprintf(w, "- machine: %d CPUs, %s; %s %s/%s, GOMAXPROCS %d\n", m.cpus, m.cpuModel, m.goVersion, runtime.GOOS, runtime.GOARCH, m.gomaxprocs)
	fmt.Fprintf(w, "- load average (1, 5, 15 min): %s before, %s after\n", m.loadBefore, m.loadAfter)
	fmt.Fprintf(w, "- %d connections, %d goroutines, %d interleaved rounds of %v per path (warm-up %v)\n", cfg.conns, cfg.goroutines, cfg.rounds, cfg.duration, cfg.warmup)
	for _, r := range results {
		fmt.Fprintf(w, "- %s: %s; ceiling: %s\n", r.srv.name, oneLine(r.srv.version), r.ceilNote)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "µs/op is wall time over operations finished (the inverse of throughput at this concurrency); speed vs (a) is the median of the per-round ratios time(a) / time(path), so above 1 is faster than (a); client CPU is the harness process's user + system time per operation.")
	for _, r := range results {
		fmt.Fprintf(w, "\n#### %s\n\n", r.srv.name)
		fmt.Fprintln(w, "| workload | path | µs/op, median (min–max) | speed vs (a), median (min–max) | client CPU µs/op, median |")
		fmt.Fprintln(w, "|---|---|---|---|---|")
		for _, wl := range cfg.workloads {
			base := r.samples[wl]["a"]
			for _, key := range r.paths {
				ss := r.samples[wl][key]
				var wall, cpu, rel []float64
				for i, s := range ss {
					wo, co := s.perOp()
					wall, cpu = append(wall, wo), append(cpu, co)
					if i < len(base) {
						if bw, _ := base[i].perOp(); wo > 0 {
							rel = append(rel, bw/wo)
						}
					}
				}
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", wl, r.labels[key], spread(wall, micros), spread(rel, ratio), micros(median(cpu)))
			}
			if cs := r.ceilings[wl]; len(cs) > 0 {
				var t, rel []float64
				for i, c := range cs {
					t = append(t, c.perOp)
					if i < len(base) {
						if bw, _ := base[i].perOp(); c.perOp > 0 {
							rel = append(rel, bw/c.perOp)
						}
					}
				}
				fmt.Fprintf(w, "| %s | server ceiling (%s) | %s | %s | – |\n", wl, strings.SplitN(r.ceilNote, " (", 2)[0], spread(t, micros), spread(rel, ratio))
			}
		}
	}
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}
