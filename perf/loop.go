package main

import (
	"context"
	"fmt"
	"io"
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
	cpu0, start := cpuTime(), time.Now()
	for i := range cfg.n {
		if err := op(ctx, loopWarmup+i); err != nil {
			return err
		}
	}
	wall, cpu := time.Since(start), cpuTime()-cpu0
	fmt.Fprintf(stdout, "%s %s %s: %d operations, %.1f µs/op wall, %.1f µs/op client CPU\n", name, c.label, wl, cfg.n,
		float64(wall.Nanoseconds())/float64(cfg.n)/1e3, float64(cpu.Nanoseconds())/float64(cfg.n)/1e3)
	return nil
}
