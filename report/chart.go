package report

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"time"
)

// Series is a data series Chart can draw.
type Series int

// The chart's series.
const (
	// SeriesLatency is the hourly mean response time of every check, a
	// blue line against the left axis (ms).
	SeriesLatency Series = iota + 1
	// SeriesAvailability is the hourly availability of every check, bars
	// against the right axis (%): green at 100%, orange from 90%, red
	// below. Where several hours share a pixel column the worst is drawn,
	// so a bad hour in a month is not averaged away.
	SeriesAvailability
)

// The chart's size and plot area.
const (
	ChartWidth, ChartHeight = 800, 400
	plotLeft, plotRight     = 64, ChartWidth - 48
	plotTop, plotBottom     = 28, ChartHeight - 36
)

var (
	colBackground = color.RGBA{255, 255, 255, 255}
	colAxis       = color.RGBA{60, 60, 60, 255}
	colGrid       = color.RGBA{205, 205, 205, 255}
	colLine       = color.RGBA{30, 90, 200, 255}
	colOK         = color.RGBA{170, 220, 170, 255}
	colDegraded   = color.RGBA{250, 190, 90, 255}
	colBad        = color.RGBA{230, 100, 90, 255}
)

// ChartCaption says what the chart shows, since it has no words of its own.
const ChartCaption = "Bars: hourly availability of all checks (right axis, %). Line: hourly average response time (left axis, ms)."

// Chart draws d.Hourly as an 800×400 PNG: the series asked for (both when
// none is), axes, and tick labels in a built-in pixel font. Hours without
// runs are gaps. It uses only the standard library.
func Chart(d Digest, series ...Series) ([]byte, error) {
	if len(d.Hourly) == 0 {
		return nil, errors.New("report: chart: the digest has no hours")
	}
	if len(series) == 0 {
		series = []Series{SeriesAvailability, SeriesLatency}
	}
	img := image.NewRGBA(image.Rect(0, 0, ChartWidth, ChartHeight))
	fill(img, 0, 0, ChartWidth, ChartHeight, colBackground)
	var lat, avail bool
	for _, s := range series {
		switch s {
		case SeriesLatency:
			lat = true
		case SeriesAvailability:
			avail = true
		default:
			return nil, fmt.Errorf("report: chart: unknown series %d", s)
		}
	}
	top := niceCeil(maxAvg(d.Hourly))
	if avail {
		bars(img, d.Hourly)
	}
	grid(img, top, lat, avail)
	if lat {
		line(img, d.Hourly, top)
	}
	axes(img, d, lat, avail)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("report: chart: %w", err)
	}
	return buf.Bytes(), nil
}

const plotW, plotH = plotRight - plotLeft, plotBottom - plotTop

// xOf is the left pixel column of hour i of n.
func xOf(i, n int) int { return plotLeft + i*plotW/n }

func grid(img *image.RGBA, top float64, lat, avail bool) {
	for k := 0; k <= 4; k++ {
		y := plotBottom - k*plotH/4
		fill(img, plotLeft, y, plotW, 1, colGrid)
		if lat {
			s := number(top * float64(k) / 4)
			drawText(img, plotLeft-8-textWidth(s), y-glyphHeight/2, s, colAxis)
		}
		if avail {
			drawText(img, plotRight+8, y-glyphHeight/2, strconv.Itoa(k*25), colAxis)
		}
	}
	if lat {
		drawText(img, plotLeft-8-textWidth("ms"), plotTop-glyphHeight-8, "ms", colLine)
	}
	if avail {
		drawText(img, plotRight+8, plotTop-glyphHeight-8, "%", colAxis)
	}
}

// bars draws one bar per pixel column: the worst availability of the
// hours that fall in it. Hours at least 4 pixels wide get a 1-pixel gap
// between them, so single hours stand out.
func bars(img *image.RGBA, hours []HourPoint) {
	n := len(hours)
	gaps := 4*n <= plotW
	for col := 0; col < plotW; col++ {
		i0 := col * n / plotW
		i1 := max(i0+1, (col+1)*n/plotW)
		if gaps && (col+1)*n/plotW != i0 {
			continue // the hour's last column
		}
		worst, any := 100.0, false
		for _, h := range hours[i0:min(i1, n)] {
			if h.Results > 0 {
				worst, any = min(worst, h.Availability), true
			}
		}
		if !any {
			continue
		}
		c := colOK
		switch {
		case worst < 90:
			c = colBad
		case worst < 100:
			c = colDegraded
		}
		hgt := int(math.Round(worst / 100 * plotH))
		fill(img, plotLeft+col, plotBottom-hgt, 1, hgt, c)
	}
}

// line draws the hourly means, broken where an hour has no runs.
func line(img *image.RGBA, hours []HourPoint, top float64) {
	n := len(hours)
	prevX, prevY, have := 0, 0, false
	for i, h := range hours {
		if h.Results == 0 {
			have = false
			continue
		}
		x := (xOf(i, n) + xOf(i+1, n)) / 2
		y := plotBottom - int(math.Round(h.AvgMS/top*plotH))
		if have {
			segment(img, prevX, prevY, x, y, colLine)
		} else {
			fill(img, x-1, y-1, 3, 3, colLine)
		}
		prevX, prevY, have = x, y, true
	}
}

// segment draws a 2-pixel-thick line from (x0, y0) to (x1, y1)
// (Bresenham).
func segment(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		fill(img, x0, y0, 2, 2, c)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

// axes draws the frame and the time ticks: every 3 hours for a day, each
// midnight for a week, and the 1st and every 5th day for a month, in the
// period's time zone.
func axes(img *image.RGBA, d Digest, lat, avail bool) {
	fill(img, plotLeft, plotBottom, plotW+1, 1, colAxis)
	if lat {
		fill(img, plotLeft, plotTop, 1, plotH, colAxis)
	}
	if avail {
		fill(img, plotRight, plotTop, 1, plotH, colAxis)
	}
	loc := d.Period.From.Location()
	n := len(d.Hourly)
	for i, h := range d.Hourly {
		t := h.Hour.In(loc)
		s, ok := tick(d.Period.Kind, t)
		if !ok {
			continue
		}
		x := xOf(i, n)
		fill(img, x, plotBottom, 1, 6, colAxis)
		drawText(img, x-textWidth(s)/2, plotBottom+10, s, colAxis)
	}
}

func tick(kind string, t time.Time) (string, bool) {
	if kind == Daily {
		return fmt.Sprintf("%02d", t.Hour()), t.Hour()%3 == 0
	}
	if t.Hour() != 0 {
		return "", false
	}
	day := t.Day()
	return strconv.Itoa(day), kind == Weekly || day == 1 || day%5 == 0 && day < 30
}

func maxAvg(hours []HourPoint) float64 {
	m := 0.0
	for _, h := range hours {
		m = max(m, h.AvgMS)
	}
	return m
}

// niceCeil rounds v up to 1, 2, 4, 6 or 8 times a power of ten (at
// least 1), so the axis' quarter ticks are round numbers.
func niceCeil(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 4, 6, 8, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func abs(v int) int { return max(v, -v) }

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}
