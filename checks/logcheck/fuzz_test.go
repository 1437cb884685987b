package logcheck

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzAnalyze checks that no input panics Analyze or breaks its report's
// invariants, and that kept lines are safe to show.
func FuzzAnalyze(f *testing.F) {
	f.Add([]byte(readFixture(f)))
	f.Add([]byte("2024-01-20T10:00:00Z error\n\n\r\nRequest: x\nError: y\nprocessing time: 12.5s\n"))
	f.Add([]byte("[2024-13-45 99:99:99] error\n2024-01-20T10:00:00+99:99 x\n2024-01-20 10:00:00.\n"))
	f.Add([]byte("processing time: 1e308 9999999999999999999999999999\nprocessing time: .5\n"))
	f.Add([]byte("\x1b[31merror\x1b[0m password=\"x\\\" token=1234567:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\xff\xfe"))
	f.Add(bytes.Repeat([]byte("error rate limit "), 40))
	a := newAnalyzer(f, AnalyzerOptions{MaxLineBytes: 128, Keep: 3, DisplayLineBytes: 60})
	now := time.Date(2024, 1, 20, 10, 30, 0, 0, time.UTC)
	red := NewRedactor()
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := a.Analyze(bytes.NewReader(data), now, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if rep.InWindow > rep.Lines || rep.LongLines > rep.Lines || rep.Lines > bytes.Count(data, []byte("\n"))+1 {
			t.Fatalf("lines %d in window %d long %d", rep.Lines, rep.InWindow, rep.LongLines)
		}
		for _, c := range rep.Classes {
			if c.Count > rep.InWindow || len(c.Last) > min(3, c.Count) {
				t.Fatalf("class %s: count %d, kept %d, in window %d", c.Name, c.Count, len(c.Last), rep.InWindow)
			}
			for _, l := range c.Last {
				if !utf8.ValidString(l) || strings.ContainsAny(l, "\x00\x1b\n\r") || len(l) > 60+len("…") {
					t.Fatalf("unsafe kept line %q", l)
				}
				if again := red.String(l); again != l && !strings.HasSuffix(l, "…") {
					t.Fatalf("redaction not stable: %q -> %q", l, again)
				}
			}
		}
		if rate, ok := rep.ErrorRate(); ok && (rate < 0 || rate != rate) {
			t.Fatalf("error rate %v", rate)
		}
		if p := rep.Processing; p.Count > 0 && (p.P95MS > p.MaxMS || p.AvgMS > p.MaxMS) {
			t.Fatalf("processing %+v", p)
		}
	})
}
