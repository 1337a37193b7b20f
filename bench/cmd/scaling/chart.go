package main

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// One line on a panel. A dashed series is a prediction or a floor, drawn
// without glyphs.
type series struct {
	label  string
	color  color.Color
	dashed bool
	pts    plotter.XYs
}

// panelSpec is one plot of a figure.
type panelSpec struct {
	title, xLabel, yLabel string
	logX, logY            bool
	series                []series
}

// Okabe–Ito colours, readable by the colour-blind, as bench/'s chart.
var (
	blue   = color.RGBA{0, 114, 178, 255}
	orange = color.RGBA{213, 94, 0, 255}
	green  = color.RGBA{0, 158, 115, 255}
	purple = color.RGBA{204, 121, 167, 255}
	grey   = color.RGBA{90, 90, 90, 255}
)

// writeFigure draws the panels side by side under a title, as a PNG.
func writeFigure(path, title string, panels []panelSpec) error {
	const titleH = 30
	w, h := vg.Inch*5.5*vg.Length(len(panels)), vg.Inch*4.6
	img := vgimg.NewWith(vgimg.UseWH(w, h+vg.Points(titleH)), vgimg.UseDPI(96))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	ts := plot.New().Title.TextStyle
	ts.Font.Size = vg.Points(13)
	ts.XAlign, ts.YAlign = draw.XLeft, draw.YTop
	dc.FillText(ts, vg.Point{X: dc.Min.X + vg.Points(8), Y: dc.Max.Y - vg.Points(8)}, title)
	plots := [][]*plot.Plot{make([]*plot.Plot, len(panels))}
	for i, ps := range panels {
		p, err := buildPanel(ps)
		if err != nil {
			return err
		}
		plots[0][i] = p
	}
	body := draw.Crop(dc, 0, 0, 0, -vg.Points(titleH))
	tiles := draw.Tiles{Rows: 1, Cols: len(panels), PadX: vg.Points(24), PadTop: vg.Points(4),
		PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(12)}
	canvases := plot.Align(plots, tiles, body)
	for i := range panels {
		plots[0][i].Draw(canvases[0][i])
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

func buildPanel(ps panelSpec) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = ps.title
	p.X.Label.Text, p.Y.Label.Text = ps.xLabel, ps.yLabel
	if ps.logX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	if ps.logY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, logTicks{}
	} else {
		p.Y.Min = 0
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Legend.ThumbnailWidth = vg.Points(24)
	for _, s := range ps.series {
		pts := s.pts
		if ps.logY || ps.logX {
			// A log axis cannot show zero or less.
			pts = nil
			for _, pt := range s.pts {
				if (!ps.logX || pt.X > 0) && (!ps.logY || pt.Y > 0) {
					pts = append(pts, pt)
				}
			}
		}
		if len(pts) == 0 {
			continue
		}
		lp, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.label, err)
		}
		lp.Color, lp.Width = s.color, vg.Points(1.5)
		if s.dashed {
			lp.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			p.Add(lp)
			p.Legend.Add(s.label, lp)
			if len(pts) == 1 { // a line of one point is invisible: mark it
				sc, err := plotter.NewScatter(pts)
				if err != nil {
					return nil, err
				}
				sc.Color, sc.Shape, sc.Radius = s.color, draw.CrossGlyph{}, vg.Points(3)
				p.Add(sc)
			}
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		sc.Color, sc.Shape, sc.Radius = s.color, draw.CircleGlyph{}, vg.Points(2.5)
		p.Add(lp, sc)
		p.Legend.Add(s.label, lp, sc)
	}
	return p, nil
}

// logTicks labels a log axis at 1, 2 and 5 × 10^k, so that a range
// narrower than a decade still has labels (plot.LogTicks labels only
// powers of ten).
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	if lo <= 0 || hi <= lo {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v < lo*0.999 || v > hi*1.001 {
				continue
			}
			ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
		}
	}
	if len(ts) < 2 {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	return ts
}
