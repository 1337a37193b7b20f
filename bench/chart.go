package main

import (
	"fmt"
	"image/color"
	"os"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Colours by pool (Okabe–Ito, readable by the colour-blind), dashes by
// max_overflow, glyphs by pool_timeout.
var (
	poolColors = map[string]color.Color{
		poolAlchemy:  color.RGBA{0, 114, 178, 255},
		poolDatabase: color.RGBA{213, 94, 0, 255},
		poolPgx:      color.RGBA{0, 158, 115, 255},
	}
	lineDashes = [][]vg.Length{nil, {vg.Points(6), vg.Points(3)}, {vg.Points(2), vg.Points(2)}, {vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)}}
	glyphs     = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.BoxGlyph{}, draw.CrossGlyph{}}
)

// panelKey is one row of the chart: a workload at a concurrency.
type panelKey struct {
	workload    string
	concurrency int
}

// lineKey is one line in a panel: a pool with an overflow and a timeout.
type lineKey struct {
	pool     string
	overflow int
	timeout  string
}

// chartLayout is what the chart shows, in the order first measured.
type chartLayout struct {
	panels    []panelKey
	lines     []lineKey
	sizes     []int
	overflows []int
	timeouts  []string
}

func layoutOf(results []result) chartLayout {
	var l chartLayout
	for _, r := range results {
		pk := panelKey{r.Workload, r.Concurrency}
		lk := lineKey{r.Pool, r.MaxOverflow, formatTimeout(r.PoolTimeout)}
		if !slices.Contains(l.panels, pk) {
			l.panels = append(l.panels, pk)
		}
		if !slices.Contains(l.lines, lk) {
			l.lines = append(l.lines, lk)
		}
		if !slices.Contains(l.sizes, r.PoolSize) {
			l.sizes = append(l.sizes, r.PoolSize)
		}
		if !slices.Contains(l.overflows, r.MaxOverflow) {
			l.overflows = append(l.overflows, r.MaxOverflow)
		}
		if !slices.Contains(l.timeouts, lk.timeout) {
			l.timeouts = append(l.timeouts, lk.timeout)
		}
	}
	slices.Sort(l.sizes)
	// Legend rows by overflow and timeout, one column per pool.
	slices.SortStableFunc(l.lines, func(a, b lineKey) int {
		if d := slices.Index(l.overflows, a.overflow) - slices.Index(l.overflows, b.overflow); d != 0 {
			return d
		}
		if d := slices.Index(l.timeouts, a.timeout) - slices.Index(l.timeouts, b.timeout); d != 0 {
			return d
		}
		return slices.Index(poolNames, a.pool) - slices.Index(poolNames, b.pool)
	})
	return l
}

// pools returns how many distinct pools the lines show.
func (l chartLayout) pools() int {
	var seen []string
	for _, k := range l.lines {
		if !slices.Contains(seen, k.pool) {
			seen = append(seen, k.pool)
		}
	}
	return max(1, len(seen))
}

func (l chartLayout) label(k lineKey) string {
	s := k.pool
	if len(l.overflows) > 1 || k.overflow != 0 {
		s += fmt.Sprintf(", overflow %d", k.overflow)
	}
	if len(l.timeouts) > 1 {
		s += ", timeout " + k.timeout
	}
	return s
}

// style applies the line's colour, dash and glyph.
func (l chartLayout) style(lp *plotter.Line, sc *plotter.Scatter, k lineKey) {
	c, ok := poolColors[k.pool]
	if !ok {
		c = color.Black
	}
	lp.Color = c
	lp.Width = vg.Points(1.5)
	lp.Dashes = lineDashes[slices.Index(l.overflows, k.overflow)%len(lineDashes)]
	sc.Color = c
	sc.Shape = glyphs[slices.Index(l.timeouts, k.timeout)%len(glyphs)]
	sc.Radius = vg.Points(3)
}

// writeChart draws throughput and p99 latency against pool_size, one
// line per pool (and overflow and timeout), one row of two panels per
// workload and concurrency, with a shared legend on top, as a PNG.
func writeChart(path string, results []result) error {
	l := layoutOf(results)
	rows := max(1, len(l.panels))
	perLegendRow := l.pools()
	legendRows := max(1, (len(l.lines)+perLegendRow-1)/perLegendRow)
	legendH := vg.Points(16)*vg.Length(legendRows) + vg.Points(40)
	width, rowH := vg.Inch*11, vg.Inch*3.3
	img := vgimg.NewWith(vgimg.UseWH(width, rowH*vg.Length(rows)+legendH), vgimg.UseDPI(96))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())

	top := draw.Crop(dc, 0, 0, rowH*vg.Length(rows), 0)
	if err := drawLegend(top, l, perLegendRow); err != nil {
		return err
	}
	plots := make([][]*plot.Plot, rows)
	for i := range plots {
		plots[i] = make([]*plot.Plot, 2)
		var pk panelKey
		if i < len(l.panels) {
			pk = l.panels[i]
		}
		for j, metric := range []string{"throughput", "p99"} {
			p, err := panel(l, pk, metric, results)
			if err != nil {
				return err
			}
			plots[i][j] = p
		}
	}
	grid := draw.Crop(dc, 0, 0, 0, -legendH)
	tiles := draw.Tiles{Rows: rows, Cols: 2, PadX: vg.Points(20), PadY: vg.Points(16),
		PadTop: vg.Points(4), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(10)}
	canvases := plot.Align(plots, tiles, grid)
	for i := range plots {
		for j := range plots[i] {
			plots[i][j].Draw(canvases[i][j])
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// drawLegend writes the title and one legend entry per line, laid out
// in rows of perRow.
func drawLegend(c draw.Canvas, l chartLayout, perRow int) error {
	title := plot.New().Title.TextStyle
	title.Font.Size = vg.Points(13)
	title.XAlign, title.YAlign = draw.XLeft, draw.YTop
	c.FillText(title, vg.Point{X: c.Min.X + vg.Points(8), Y: c.Max.Y - vg.Points(8)},
		"alchemy-bench: throughput and p99 latency against pool_size, the same connection budget for every pool")
	body := draw.Crop(c, vg.Points(8), 0, 0, -vg.Points(32))
	if len(l.lines) == 0 {
		return nil
	}
	rows := (len(l.lines) + perRow - 1) / perRow
	tiles := draw.Tiles{Rows: rows, Cols: perRow}
	for i, k := range l.lines {
		lp, sc, err := emptyLine()
		if err != nil {
			return err
		}
		l.style(lp, sc, k)
		leg := plot.NewLegend()
		leg.Top, leg.Left = true, true
		leg.TextStyle.Font.Size = vg.Points(11)
		leg.ThumbnailWidth = vg.Points(30)
		leg.Add(l.label(k), lp, sc)
		leg.Draw(tiles.At(body, i%perRow, i/perRow))
	}
	return nil
}

func emptyLine() (*plotter.Line, *plotter.Scatter, error) {
	pts := plotter.XYs{{X: 0, Y: 0}}
	lp, err := plotter.NewLine(pts)
	if err != nil {
		return nil, nil, err
	}
	sc, err := plotter.NewScatter(pts)
	return lp, sc, err
}

// panel draws one metric for one workload and concurrency.
func panel(l chartLayout, pk panelKey, metric string, results []result) (*plot.Plot, error) {
	p := plot.New()
	p.X.Label.Text = "pool_size"
	if pk.workload == "" {
		p.Title.Text = "no results"
		return p, nil
	}
	ticks := make(plot.ConstantTicks, len(l.sizes))
	for i, s := range l.sizes {
		ticks[i] = plot.Tick{Value: float64(s), Label: strconv.Itoa(s)}
	}
	p.X.Tick.Marker = ticks
	p.X.Min, p.X.Max = float64(l.sizes[0]), float64(l.sizes[len(l.sizes)-1])
	if p.X.Min == p.X.Max {
		p.X.Min, p.X.Max = p.X.Min-1, p.X.Max+1
	}
	if metric == "throughput" {
		p.Title.Text = fmt.Sprintf("%s, %d clients: throughput", pk.workload, pk.concurrency)
		p.Y.Label.Text = "operations/s"
		p.Y.Min = 0
		p.Y.Tick.Marker = wholeTicks{}
	} else {
		p.Title.Text = fmt.Sprintf("%s, %d clients: p99 latency", pk.workload, pk.concurrency)
		p.Y.Label.Text = "p99 (ms)"
		p.Y.Min = 0
	}
	p.Add(plotter.NewGrid())
	for _, k := range l.lines {
		pts := points(results, pk, k, metric)
		if len(pts) == 0 {
			continue
		}
		lp, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		l.style(lp, sc, k)
		p.Add(lp, sc)
	}
	return p, nil
}

// points returns the metric of one line against pool_size.
func points(results []result, pk panelKey, k lineKey, metric string) plotter.XYs {
	var pts plotter.XYs
	for _, r := range results {
		if r.Workload != pk.workload || r.Concurrency != pk.concurrency || r.Pool != k.pool ||
			r.MaxOverflow != k.overflow || formatTimeout(r.PoolTimeout) != k.timeout || r.Ops == 0 {
			continue
		}
		y := r.Throughput
		if metric == "p99" {
			y = msf(r.P99)
		}
		pts = append(pts, plotter.XY{X: float64(r.PoolSize), Y: y})
	}
	slices.SortFunc(pts, func(a, b plotter.XY) int {
		switch {
		case a.X < b.X:
			return -1
		case a.X > b.X:
			return 1
		}
		return 0
	})
	return pts
}

// wholeTicks are plot.DefaultTicks labelled without decimals, for
// operations per second.
type wholeTicks struct{}

func (wholeTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'f', 0, 64)
		}
	}
	return ts
}
