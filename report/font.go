package report

import (
	"image"
	"image/color"
)

// glyphs is a 3×5 pixel font for the chart's tick labels: digits and the
// few signs the axes need. The module has no font package (and
// golang.org/x/image is not a dependency), and tick labels need no more.
// Each row is three bits, the most significant on the left.
var glyphs = map[rune][5]uint8{
	'0': {0b111, 0b101, 0b101, 0b101, 0b111},
	'1': {0b010, 0b110, 0b010, 0b010, 0b111},
	'2': {0b111, 0b001, 0b111, 0b100, 0b111},
	'3': {0b111, 0b001, 0b111, 0b001, 0b111},
	'4': {0b101, 0b101, 0b111, 0b001, 0b001},
	'5': {0b111, 0b100, 0b111, 0b001, 0b111},
	'6': {0b111, 0b100, 0b111, 0b101, 0b111},
	'7': {0b111, 0b001, 0b001, 0b001, 0b001},
	'8': {0b111, 0b101, 0b111, 0b101, 0b111},
	'9': {0b111, 0b101, 0b111, 0b001, 0b111},
	'.': {0b000, 0b000, 0b000, 0b000, 0b010},
	'%': {0b101, 0b001, 0b010, 0b100, 0b101},
	'm': {0b000, 0b110, 0b111, 0b101, 0b101},
	's': {0b011, 0b100, 0b010, 0b001, 0b110},
}

// glyph sizes at the chart's scale of 2 pixels per font pixel.
const (
	fontScale   = 2
	glyphWidth  = 3 * fontScale
	glyphHeight = 5 * fontScale
	glyphAdv    = glyphWidth + fontScale
)

// textWidth is the width of s in pixels.
func textWidth(s string) int {
	n := len([]rune(s))
	if n == 0 {
		return 0
	}
	return n*glyphAdv - fontScale
}

// drawText draws s with its top left corner at (x, y); runes without a
// glyph are left as spaces.
func drawText(img *image.RGBA, x, y int, s string, c color.RGBA) {
	for _, r := range s {
		g := glyphs[r]
		for row, bits := range g {
			for col := 0; col < 3; col++ {
				if bits&(0b100>>col) != 0 {
					fill(img, x+col*fontScale, y+row*fontScale, fontScale, fontScale, c)
				}
			}
		}
		x += glyphAdv
	}
}

// fill paints the w×h rectangle at (x, y), clipped to the image.
func fill(img *image.RGBA, x, y, w, h int, c color.RGBA) {
	r := image.Rect(x, y, x+w, y+h).Intersect(img.Bounds())
	for py := r.Min.Y; py < r.Max.Y; py++ {
		for px := r.Min.X; px < r.Max.X; px++ {
			img.SetRGBA(px, py, c)
		}
	}
}
