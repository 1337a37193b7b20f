package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"gonum.org/v1/plot/plotter"
)

// report is everything one run measured.
type report struct {
	cfg     *config
	started time.Time
	pool    []poolCell
	compile []compileCell
	ddl     []ddlCell
	// interrupted: Ctrl-C or SIGTERM ended createall early.
	interrupted bool
	// machineText, when set, is the machine of a run read back (-replot).
	machineText string
}

// savedReport is scaling.json.
type savedReport struct {
	Started     time.Time
	Machine     string
	Command     string
	Conns       int
	Interrupted bool
	Pool        []poolCell
	Compile     []compileCell
	CreateAll   []ddlCell
}

// loadReport reads back the scaling.json of an earlier run in cfg.out,
// so that -replot redraws its tables and figures without measuring.
func loadReport(cfg *config) (*report, error) {
	raw, err := os.ReadFile(filepath.Join(cfg.out, fileJSON))
	if err != nil {
		return nil, err
	}
	var s savedReport
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", fileJSON, err)
	}
	if s.Conns > 0 {
		cfg.conns = s.Conns
	}
	cfg.command = s.Command
	return &report{cfg: cfg, started: s.Started, machineText: s.Machine, interrupted: s.Interrupted,
		pool: s.Pool, compile: s.Compile, ddl: s.CreateAll}, nil
}

// Files the report writes into cfg.out.
const (
	fileMarkdown = "scaling.md"
	fileJSON     = "scaling.json"
	filePool     = "pool-handoff.png"
	fileCompile  = "compile-size.png"
	fileDDL      = "createall.png"
)

// machine describes where the run happened: CPUs, the load average at
// the end (Linux), the Go version and the -machine label.
func (r *report) machine() string {
	if r.machineText != "" {
		return r.machineText
	}
	s := fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			s += ", load average " + strings.Join(f[:3], " ")
		}
	}
	if r.cfg.machine != "" {
		s = r.cfg.machine + " (" + s + ")"
	}
	return s
}

// write renders the Markdown, prints it on stdout, and writes it, the
// JSON and the figures into cfg.out.
func (r *report) write(stdout io.Writer) error {
	if err := os.MkdirAll(r.cfg.out, 0o755); err != nil {
		return err
	}
	// Read the machine (and its load average) once, so that the Markdown
	// and the JSON -replot reads back say the same.
	r.machineText = r.machine()
	var md bytes.Buffer
	fmt.Fprintf(&md, "# alchemy: cost as the work grows\n\n")
	fmt.Fprintf(&md, "Measured %s on %s.\n\n    %s\n\n", r.started.Format("2006-01-02 15:04 MST"), r.machine(), r.cfg.command)
	fmt.Fprintf(&md, "Figures are medians over interleaved rounds (the sides compared take turns, the order rotating each round); ratios are medians of per-round ratios.\n")
	if len(r.pool) > 0 {
		if err := r.writePool(&md); err != nil {
			return err
		}
	}
	if len(r.compile) > 0 {
		if err := r.writeCompile(&md); err != nil {
			return err
		}
	}
	if len(r.ddl) > 0 {
		if err := r.writeDDL(&md); err != nil {
			return err
		}
		if r.interrupted {
			fmt.Fprintf(&md, "\nThe run was interrupted: the larger schemas were not measured.\n")
		}
	}
	if err := os.WriteFile(filepath.Join(r.cfg.out, fileMarkdown), md.Bytes(), 0o644); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(savedReport{
		Started: r.started, Machine: r.machine(), Command: r.cfg.command, Conns: r.cfg.conns,
		Interrupted: r.interrupted, Pool: r.pool, Compile: r.compile, CreateAll: r.ddl,
	}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(r.cfg.out, fileJSON), append(raw, '\n'), 0o644); err != nil {
		return err
	}
	if _, err := stdout.Write(md.Bytes()); err != nil {
		return err
	}
	abs, _ := filepath.Abs(r.cfg.out)
	fmt.Fprintf(stdout, "\nwrote %s\n", abs)
	return nil
}

func (r *report) writePool(md *bytes.Buffer) error {
	fmt.Fprintf(md, "\n## QueuePool hand-off against waiting goroutines\n\n")
	fmt.Fprintf(md, "%d no-op connections; every goroutine checks one out, yields while holding it (so the others queue in the pool, not in the scheduler) and gives it back, in a loop. ns/op is wall time per checkout over all goroutines. FIFO predicts each wait ≈ (goroutines − connections) hand-offs, that is (goroutines − connections) × ns/op. *Hand-offs waited* counts the checkouts granted to others during a wait: it does not depend on the machine's load, so it shows the queue's order even where the times carry the stalls of a shared machine.\n\n", r.cfg.conns)
	fmt.Fprintf(md, "| pool | goroutines | ns/op | × database/sql | p50 wait | p99 wait | FIFO wait | max wait | hand-offs waited p50 | p99 | FIFO |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, c := range r.pool {
		fmt.Fprintf(md, "| %s | %d | %.0f | %.2f | %s | %s | %s | %s | %.0f | %.0f | %d |\n", c.Pool, c.Waiters, c.NsPerOp, c.VsDBSQL,
			us(c.P50WaitUs), us(c.P99WaitUs), us(c.FIFOWaitUs), us(c.MaxWaitUs), c.P50Handoffs, c.P99Handoffs, c.FIFOHandoffs)
	}
	fmt.Fprintf(md, "\n![QueuePool hand-off](%s)\n", filePool)
	var cost, wait, order []series
	for i, kind := range poolKinds {
		clr := []color.Color{blue, green, orange}[i%3]
		var ns, p99, fifo, ho plotter.XYs
		for _, c := range r.pool {
			if c.Pool != kind.name {
				continue
			}
			x := float64(c.Waiters)
			ns = append(ns, plotter.XY{X: x, Y: c.NsPerOp})
			p99 = append(p99, plotter.XY{X: x, Y: c.P99WaitUs})
			fifo = append(fifo, plotter.XY{X: x, Y: c.FIFOWaitUs})
			ho = append(ho, plotter.XY{X: x, Y: c.P99Handoffs})
		}
		cost = append(cost, series{label: kind.name, color: clr, pts: ns})
		wait = append(wait, series{label: kind.name + " p99", color: clr, pts: p99},
			series{label: kind.name + " FIFO prediction", color: clr, dashed: true, pts: fifo})
		order = append(order, series{label: kind.name + " p99", color: clr, pts: ho})
	}
	var fifoHO plotter.XYs
	for _, c := range r.pool {
		if c.Pool == poolKinds[0].name {
			fifoHO = append(fifoHO, plotter.XY{X: float64(c.Waiters), Y: float64(c.FIFOHandoffs)})
		}
	}
	order = append(order, series{label: "FIFO: goroutines − connections", color: grey, dashed: true, pts: fifoHO})
	return writeFigure(filepath.Join(r.cfg.out, filePool),
		fmt.Sprintf("Pool hand-off, %d no-op connections, against the number of goroutines waiting", r.cfg.conns),
		[]panelSpec{
			{title: "cost per checkout", xLabel: "goroutines", yLabel: "ns/op", logX: true, series: cost},
			{title: "p99 wait (dashed: FIFO prediction)", xLabel: "goroutines", yLabel: "µs", logX: true, logY: true, series: wait},
			{title: "p99 hand-offs waited (dashed: FIFO)", xLabel: "goroutines", yLabel: "checkouts granted to others", logX: true, logY: true, series: order},
		})
}

func us(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2f s", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1f ms", v/1e3)
	}
	return fmt.Sprintf("%.1f µs", v)
}

func (r *report) writeCompile(md *bytes.Buffer) error {
	fmt.Fprintf(md, "\n## sqlexpr compile time against statement size\n\n")
	fmt.Fprintf(md, "Build and compile to PostgreSQL text, on one goroutine; “cache hit” compiles a statement of a shape already in the compiler's cache, “uncached” a compiler with no cache. × goqu is goqu's time ÷ this side's (targets on the reference statement: cache hit ≥ 20×, uncached ≥ 5×).\n\n")
	fmt.Fprintf(md, "| statement | size | side | ns/op | ns per value or join | × goqu |\n|---|---:|---|---:|---:|---:|\n")
	for _, c := range r.compile {
		per := fmt.Sprintf("%.0f", c.NsPerUnit)
		if c.Shape == referenceShape {
			per = "–"
		}
		ratio := fmt.Sprintf("%.1f×", c.GoquOver)
		if c.Side == sideGoqu {
			ratio = "1×"
		}
		fmt.Fprintf(md, "| %s | %d | %s | %.0f | %s | %s |\n", c.Shape, c.Size, c.Side, c.NsPerOp, per, ratio)
	}
	fmt.Fprintf(md, "\n![compile time against statement size](%s)\n", fileCompile)
	var panels []panelSpec
	for _, shape := range []string{"IN values", "joins"} {
		var ss []series
		for i, side := range compileSides {
			var pts plotter.XYs
			for _, c := range r.compile {
				if c.Shape == shape && c.Side == side {
					pts = append(pts, plotter.XY{X: float64(c.Size), Y: c.NsPerOp / 1e3})
				}
			}
			ss = append(ss, series{label: side, color: []color.Color{blue, purple, orange}[i%3], pts: pts})
		}
		panels = append(panels, panelSpec{title: "compile time against " + shape, xLabel: shape, yLabel: "µs per statement",
			logX: true, logY: true, series: ss})
	}
	return writeFigure(filepath.Join(r.cfg.out, fileCompile),
		"sqlexpr build + compile (PostgreSQL) against statement size, beside goqu", panels)
}

func (r *report) writeDDL(md *bytes.Buffer) error {
	fmt.Fprintf(md, "\n## CreateAll against schema size\n\n")
	fmt.Fprintf(md, "CreateAll (checkfirst on, one transaction where the database has transactional DDL) of a schema of n tables with 2–4 foreign keys each, against the floor: the same DDL (CreateAllSQL) sent as one script in one transaction. Target: CreateAll ≤ 1.05× the floor. Each round starts from an empty database and alternates which goes first; smaller schemas get more rounds (the rounds column), so that each cell takes about as long. CreateAll's own time is the part of it the floor does not pay, from the call to its first DDL statement (BEGIN, the catalog query, sorting and generating the DDL); it does not depend on the server's disk, which moves the ratio of one cell by ±10–25%% from run to run.\n\n")
	fmt.Fprintf(md, "| database | tables | schema | statements | rounds | CreateAll | floor | CreateAll ÷ floor | CreateAll's own time | DropAll ÷ floor |\n|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, c := range r.ddl {
		if c.Error != "" {
			fmt.Fprintf(md, "| %s | %d | not measured: %s | | | | | | | |\n", c.Server, c.Tables, strings.ReplaceAll(c.Error, "|", "\\|"))
			continue
		}
		rounds, own := "–", "–" // a report from before they were recorded
		if c.Rounds > 0 {
			rounds = fmt.Sprint(c.Rounds)
		}
		if c.OwnMs > 0 {
			own = fmt.Sprintf("%.2f ms", c.OwnMs)
		}
		fmt.Fprintf(md, "| %s | %d | %s | %d | %s | %.0f ms | %.0f ms | %.3f | %s | %.3f |\n", c.Server, c.Tables, c.SchemaShapes, c.Statements,
			rounds, c.CreateMs, c.FloorMs, c.CreateRatio, own, c.DropRatio)
	}
	fmt.Fprintf(md, "\n![CreateAll against schema size](%s)\n", fileDDL)
	var abs, ratio []series
	var servers []string
	for _, c := range r.ddl {
		if !contains(servers, c.Server) {
			servers = append(servers, c.Server)
		}
	}
	for i, srv := range servers {
		col := []color.Color{blue, orange, green}[i%3]
		var cr, fl, rt plotter.XYs
		for _, c := range r.ddl {
			if c.Server == srv && c.Error == "" {
				cr = append(cr, plotter.XY{X: float64(c.Tables), Y: c.CreateMs})
				fl = append(fl, plotter.XY{X: float64(c.Tables), Y: c.FloorMs})
				rt = append(rt, plotter.XY{X: float64(c.Tables), Y: c.CreateRatio})
			}
		}
		abs = append(abs, series{label: srv + " CreateAll", color: col, pts: cr},
			series{label: srv + " one-script floor", color: col, dashed: true, pts: fl})
		ratio = append(ratio, series{label: srv, color: col, pts: rt})
	}
	if len(r.ddl) > 0 {
		lo, hi := float64(r.ddl[0].Tables), float64(r.ddl[0].Tables)
		for _, c := range r.ddl {
			lo, hi = min(lo, float64(c.Tables)), max(hi, float64(c.Tables))
		}
		ratio = append(ratio, series{label: "target 1.05×", color: grey, dashed: true, pts: plotter.XYs{{X: lo, Y: 1.05}, {X: hi, Y: 1.05}}})
	}
	return writeFigure(filepath.Join(r.cfg.out, fileDDL), "metadata.CreateAll against schema size, beside the one-script floor",
		[]panelSpec{
			{title: "time to create", xLabel: "tables", yLabel: "ms", logX: true, logY: true, series: abs},
			{title: "CreateAll ÷ floor", xLabel: "tables", yLabel: "ratio", logX: true, series: ratio},
		})
}
