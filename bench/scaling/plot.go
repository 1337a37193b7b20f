package main

import (
	"image/color"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Okabe–Ito colours, as bench/ uses, readable by the colour-blind.
var (
	blue   = color.RGBA{0, 114, 178, 255}
	orange = color.RGBA{213, 94, 0, 255}
	green  = color.RGBA{0, 158, 115, 255}
)

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// line adds a line with points to p.
func line(p *plot.Plot, name string, c color.Color, xys plotter.XYs) error {
	l, s, err := plotter.NewLinePoints(xys)
	if err != nil {
		return err
	}
	l.Color, s.Color = c, c
	p.Add(l, s)
	p.Legend.Add(name, l, s)
	return nil
}

// logTicks labels a log axis with plain numbers.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	return plot.LogTicks{Prec: -1}.Ticks(lo, hi)
}

func plotHandoff(path string, hs []handoff) error {
	p := plot.New()
	p.Title.Text = "QueuePool hand-off: pool of 10, N waiting goroutines"
	p.X.Label.Text = "waiting goroutines"
	p.Y.Label.Text = "µs"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = logTicks{}, logTicks{}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.Left = false // the lines rise to the right
	p.Legend.Top = false
	var cpu, p50, p99, pred plotter.XYs
	// A log axis cannot show 0 (no queue with 10 goroutines on 10
	// connections predicts no wait): such points are left out.
	add := func(xys *plotter.XYs, x float64, d time.Duration) {
		if d > 0 {
			*xys = append(*xys, plotter.XY{X: x, Y: micros(d)})
		}
	}
	for _, h := range hs {
		x := float64(h.waiters)
		add(&cpu, x, h.cpuPerOp)
		add(&p50, x, h.p50)
		add(&p99, x, h.p99)
		add(&pred, x, h.predicted)
	}
	for _, l := range []struct {
		name string
		c    color.Color
		xys  plotter.XYs
	}{{"CPU per checkout + checkin", blue, cpu}, {"wait p50", plotutil.Color(3), p50}, {"wait p99", orange, p99}, {"FIFO prediction", green, pred}} {
		if len(l.xys) == 0 {
			continue
		}
		if err := line(p, l.name, l.c, l.xys); err != nil {
			return err
		}
	}
	return p.Save(7*vg.Inch, 4.5*vg.Inch, path)
}

func plotCompile(path string, cs []compile) error {
	p := plot.New()
	p.Title.Text = "sqlexpr.Compile against statement size"
	p.X.Label.Text = "IN values / joins"
	p.Y.Label.Text = "µs per compile"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = logTicks{}, logTicks{}
	p.Legend.Top, p.Legend.Left = true, true
	series := map[string]plotter.XYs{}
	for _, c := range cs {
		series[c.kind+", cache hit"] = append(series[c.kind+", cache hit"], plotter.XY{X: float64(c.size), Y: micros(c.hit)})
		series[c.kind+", cache miss"] = append(series[c.kind+", cache miss"], plotter.XY{X: float64(c.size), Y: micros(c.miss)})
	}
	for i, name := range []string{"IN values, cache hit", "IN values, cache miss", "joins, cache hit", "joins, cache miss"} {
		if len(series[name]) == 0 {
			continue
		}
		if err := line(p, name, plotutil.Color(i), series[name]); err != nil {
			return err
		}
	}
	return p.Save(7*vg.Inch, 4.5*vg.Inch, path)
}

func plotCreateAll(path string, ca []createAll) error {
	p := plot.New()
	p.Title.Text = "CreateAll on SQLite against the one-script floor"
	p.X.Label.Text = "tables"
	p.Y.Label.Text = "ms"
	p.Legend.Top, p.Legend.Left = true, true
	var c, f plotter.XYs
	for _, r := range ca {
		c = append(c, plotter.XY{X: float64(r.tables), Y: float64(r.create) / float64(time.Millisecond)})
		f = append(f, plotter.XY{X: float64(r.tables), Y: float64(r.floor) / float64(time.Millisecond)})
	}
	if err := line(p, "CreateAll", blue, c); err != nil {
		return err
	}
	if err := line(p, "floor (CreateAllSQL as one script)", orange, f); err != nil {
		return err
	}
	return p.Save(7*vg.Inch, 4.5*vg.Inch, path)
}
