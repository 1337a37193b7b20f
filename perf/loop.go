package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"time"
)

// loopWarmup operations run before the measured ones, so that pools,
// statement caches and the compile cache are filled.
const loopWarmup = 200

// runLoop runs one workload on one path -n times, one operation after
// another on one connection, for profilers. Under callgrind the
// instructions per operation are the difference of two runs with
// different -n divided by the difference in -n: the set-up cancels.
func runLoop(ctx context.Context, cfg *config, stdout io.Writer) error {
	parts := strings.Split(cfg.loop, "/")
	if len(parts) != 3 {
		return usagef("-loop %q: want server/path/workload, e.g. postgresql/b/point", cfg.loop)
	}
	name, key, wl := parts[0], parts[1], parts[2]
	if _, err := list("-loop server", name, []string{"postgresql", "mysql"}); err != nil {
		return err
	}
	if _, err := list("-loop path", key, []string{"a", "b", "c", "d"}); err != nil {
		return err
	}
	if _, err := list("-loop workload", wl, allWorkloads); err != nil {
		return err
	}
	if !pathApplies(key, name) {
		return usagef("-loop: path %s does not exist for %s", key, name)
	}
	url := cfg.pgURL
	if name == "mysql" {
		url = cfg.myURL
	}
	if url == "" {
		return usagef("-loop: no URL for %s (set %s or -%s)", name, envOf(name), flagOf(name))
	}
	srv, err := openServer(ctx, name, url)
	if err != nil {
		return err
	}
	defer srv.close(ctx)
	c, err := srv.newClient(ctx, key, 1)
	if err != nil {
		return err
	}
	defer c.close()
	op := c.ops[wl]
	for i := range loopWarmup {
		if err := op(ctx, i); err != nil {
			return err
		}
	}
	if cfg.memprofile != "" {
		runtime.MemProfileRate = 1
		runtime.GC()
	}
	var m0, m1 runtime.MemStats
	created := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(created)
	g0 := created[0].Value
	runtime.ReadMemStats(&m0)
	cpu0, start := cpuTime(), time.Now()
	for i := range cfg.n {
		if err := op(ctx, loopWarmup+i); err != nil {
			return err
		}
	}
	wall, cpu := time.Since(start), cpuTime()-cpu0
	runtime.ReadMemStats(&m1)
	metrics.Read(created)
	var goroutines float64
	if g0.Kind() == metrics.KindUint64 && created[0].Value.Kind() == metrics.KindUint64 {
		goroutines = float64(created[0].Value.Uint64()-g0.Uint64()) / float64(cfg.n)
	}
	if cfg.memprofile != "" {
		runtime.GC()
		f, err := os.Create(cfg.memprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return err
		}
	}
	n := float64(cfg.n)
	fmt.Fprintf(stdout, "%s %s %s: %d operations, %.1f µs/op wall, %.1f µs/op client CPU, %.1f allocs/op, %.0f B/op, %.2f goroutines started/op\n", name, c.label, wl, cfg.n,
		float64(wall.Nanoseconds())/n/1e3, float64(cpu.Nanoseconds())/n/1e3,
		float64(m1.Mallocs-m0.Mallocs)/n, float64(m1.TotalAlloc-m0.TotalAlloc)/n, goroutines)
	return nil
}
