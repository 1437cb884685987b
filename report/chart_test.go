package report_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/opsbot/opsbot/report"
)

// The chart's colours, as chart.go draws them.
var (
	lineBlue = color.RGBA{30, 90, 200, 255}
	barGreen = color.RGBA{170, 220, 170, 255}
	barRed   = color.RGBA{230, 100, 90, 255}
)

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds(); got.Dx() != 800 || got.Dy() != 400 {
		t.Fatalf("chart is %v, want 800×400", got)
	}
	return img
}

func count(img image.Image, c color.RGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)) == c {
				n++
			}
		}
	}
	return n
}

// chartDigest is a day with an all-ok hour at 03:00 (20 runs, 100 ms on
// average) and an hour at 12:00 with 5 of 10 runs ok (50%, drawn red).
func chartDigest(t *testing.T, kind string) report.Digest {
	t.Helper()
	h := history{
		{"web", hm(mar2, 3, 0), 20, 20, 2000, []int64{0, 20}},
		{"web", hm(mar2, 4, 0), 20, 20, 4000, []int64{0, 0, 20}},
		{"web", hm(mar2, 12, 0), 10, 5, 5000, []int64{0, 0, 0, 10}},
	}
	d, err := report.Build(t.Context(), kind, now, []string{"web"}, report.Sources{History: h, Incidents: incidentList{}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestChartDrawsBothSeries(t *testing.T) {
	t.Parallel()
	b, err := report.Chart(chartDigest(t, report.Daily))
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b)
	// Two green hours and one red one, each about 28 px wide; the green
	// ones full height, the red one half.
	if g, r := count(img, barGreen), count(img, barRed); g < 2*20*300 || r < 20*150 || r > 30*170 {
		t.Errorf("%d green and %d red bar pixels", g, r)
	}
	if n := count(img, lineBlue); n < 20 {
		t.Errorf("%d line pixels", n)
	}
}

func TestChartSeriesAndPeriods(t *testing.T) {
	t.Parallel()
	b, err := report.Chart(chartDigest(t, report.Daily), report.SeriesLatency)
	if err != nil {
		t.Fatal(err)
	}
	if img := decode(t, b); count(img, barGreen)+count(img, barRed) != 0 || count(img, lineBlue) == 0 {
		t.Error("a latency-only chart has bars, or no line")
	}
	// A month is 744 hours in 688 columns: several hours share a column.
	month := chartDigest(t, report.Monthly)
	if len(month.Hourly) != 28*24 {
		t.Fatalf("February has %d hours", len(month.Hourly))
	}
	if b, err = report.Chart(month); err != nil {
		t.Fatal(err)
	}
	decode(t, b)
	if _, err := report.Chart(report.Digest{}); err == nil {
		t.Error("a digest without hours was drawn")
	}
	if _, err := report.Chart(month, report.Series(9)); err == nil {
		t.Error("an unknown series was drawn")
	}
}
