package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"github.com/go-alchemy/alchemy"
)

// ceiling runs the server's own C client on the same statements with the
// same number of connections: what a client with no per-query overhead
// of its own gets from this server on this machine.
type ceiling struct {
	cfg  *config
	srv  *server
	tool string // the binary's path; "" when there is none
	note string // what the table says about the ceiling
	dir  string // pgbench scripts
	// lastRate is mariadb-slap's operations per second in the previous
	// round of each workload, to size the next run to about -duration.
	lastRate map[string]float64
}

type ceilingSample struct {
	perOp float64 // ns per operation, from the tool's own throughput
}

func newCeiling(cfg *config, srv *server) *ceiling {
	c := &ceiling{cfg: cfg, srv: srv}
	if !cfg.ceiling {
		c.note = "not measured (-ceiling=false)"
		return c
	}
	name := "pgbench"
	if srv.name == "mysql" {
		name = "mariadb-slap"
	}
	p, err := exec.LookPath(name)
	if err != nil && name == "mariadb-slap" {
		name = "mysqlslap"
		p, err = exec.LookPath(name)
	}
	if err != nil {
		c.note = fmt.Sprintf("not measured: %s is not installed", name)
		return c
	}
	c.tool = p
	if srv.name == "mysql" {
		c.note = name + " (text protocol, no prepared statements; each operation's value fixed)"
	} else {
		c.note = "pgbench -M prepared"
	}
	return c
}

func (c *ceiling) available() bool { return c.tool != "" }

// pgbenchScripts are the workloads in pgbench's script language.
func (c *ceiling) pgbenchScript(w string) string {
	s := c.srv
	switch w {
	case "select1":
		return "\\set id random(1, 1000000)\nSELECT :id::int;\n"
	case "point":
		return fmt.Sprintf("\\set id random(1, %d)\nSELECT id, name, qty FROM %s WHERE id = :id;\n", itemRows, s.items)
	case "rows100":
		return fmt.Sprintf("\\set id random(0, %d)\nSELECT id, name, qty FROM %s WHERE id > :id ORDER BY id LIMIT 100;\n", itemRows-101, s.items)
	case "insert-tx":
		return fmt.Sprintf("\\set id random(1, %d)\nBEGIN;\nINSERT INTO %[2]s (item, qty) VALUES (:id, 0);\nINSERT INTO %[2]s (item, qty) VALUES (:id, 1);\nCOMMIT;\n", itemRows, s.log)
	}
	return ""
}

// slapQuery is a workload for mariadb-slap and the statements it counts
// per operation.
func (c *ceiling) slapQuery(w string) (string, int) {
	s := c.srv
	switch w {
	case "select1":
		return "SELECT CAST(17 AS SIGNED)", 1
	case "point":
		return fmt.Sprintf("SELECT id, name, qty FROM %s WHERE id = 17", s.items), 1
	case "rows100":
		return fmt.Sprintf("SELECT id, name, qty FROM %s WHERE id > 17 ORDER BY id LIMIT 100", s.items), 1
	case "insert-tx":
		return fmt.Sprintf("BEGIN;INSERT INTO %[1]s (item, qty) VALUES (17, 0);INSERT INTO %[1]s (item, qty) VALUES (17, 1);COMMIT", s.log), 4
	}
	return "", 1
}

var (
	tpsRe  = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	slapRe = regexp.MustCompile(`Average number of seconds to run all queries: ([0-9.]+) seconds`)
)

// run measures workload w once, for about the configured duration.
func (c *ceiling) run(ctx context.Context, w string) (ceilingSample, error) {
	u, err := alchemy.ParseURL(c.srv.url)
	if err != nil {
		return ceilingSample{}, err
	}
	var cmd *exec.Cmd
	var env []string
	if c.srv.name == "postgresql" {
		if c.dir == "" {
			if c.dir, err = os.MkdirTemp("", "alchemy-perf-"); err != nil {
				return ceilingSample{}, err
			}
		}
		script := filepath.Join(c.dir, w+".sql")
		if err := os.WriteFile(script, []byte(c.pgbenchScript(w)), 0o600); err != nil {
			return ceilingSample{}, err
		}
		args := []string{"-n", "-M", "prepared", "-c", strconv.Itoa(c.cfg.conns), "-j", strconv.Itoa(min(c.cfg.conns, runtime.NumCPU())), "-f", script}
		if secs := c.cfg.duration.Seconds(); secs >= 1 {
			args = append(args, "-T", strconv.Itoa(int(math.Round(secs))))
		} else {
			args = append(args, "-t", "200")
		}
		args = append(args, "-h", orDefault(u.Host, "127.0.0.1"), "-p", strconv.Itoa(orPort(u.Port, 5432)), "-U", orDefault(u.Username, "postgres"), orDefault(u.Database, "postgres"))
		cmd = exec.CommandContext(ctx, c.tool, args...)
		if u.Password != "" {
			env = append(env, "PGPASSWORD="+u.Password) // never on the command line
		}
	} else {
		q, per := c.slapQuery(w)
		// About duration's worth of operations at the rate of the
		// previous run, starting from a small guess.
		n := c.cfg.conns * 200 * per
		if r := c.lastRate[w]; r > 0 {
			n = max(int(r*c.cfg.duration.Seconds())*per, c.cfg.conns*per)
		}
		args := []string{"--no-drop", "-h", orDefault(u.Host, "127.0.0.1"), "-P", strconv.Itoa(orPort(u.Port, 3306)), "-u", orDefault(u.Username, "root"),
			"--create-schema=" + orDefault(u.Database, "test"), "--concurrency=" + strconv.Itoa(c.cfg.conns), "--iterations=1",
			"--number-of-queries=" + strconv.Itoa(n), "--delimiter=;", "--query=" + q}
		cmd = exec.CommandContext(ctx, c.tool, args...)
		if u.Password != "" {
			env = append(env, "MYSQL_PWD="+u.Password)
		}
	}
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return ceilingSample{}, fmt.Errorf("%v: %s", err, strings.TrimSpace(out.String()))
	}
	if c.srv.name == "postgresql" {
		m := tpsRe.FindStringSubmatch(out.String())
		if m == nil {
			return ceilingSample{}, fmt.Errorf("no tps in pgbench's output: %s", out.String())
		}
		tps, _ := strconv.ParseFloat(m[1], 64)
		return ceilingSample{perOp: 1e9 / tps}, nil
	}
	m := slapRe.FindStringSubmatch(out.String())
	if m == nil {
		return ceilingSample{}, fmt.Errorf("no time in mariadb-slap's output: %s", out.String())
	}
	secs, _ := strconv.ParseFloat(m[1], 64)
	_, per := c.slapQuery(w)
	ops := float64(c.pendingOps(per, cmd.Args))
	if secs <= 0 || ops <= 0 {
		return ceilingSample{}, fmt.Errorf("mariadb-slap ran too briefly to measure: %s", out.String())
	}
	if c.lastRate == nil {
		c.lastRate = map[string]float64{}
	}
	c.lastRate[w] = ops / secs
	return ceilingSample{perOp: secs * 1e9 / ops}, nil
}

// pendingOps reads back the operations the slap command was given.
func (c *ceiling) pendingOps(per int, args []string) int {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--number-of-queries="); ok {
			n, _ := strconv.Atoi(v)
			return n / per
		}
	}
	return 0
}

func (c *ceiling) close() {
	if c.dir != "" {
		os.RemoveAll(c.dir)
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func orPort(p, d int) int {
	if p == 0 {
		return d
	}
	return p
}
