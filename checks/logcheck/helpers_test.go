package logcheck

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// fixtureNow is the end of the window the fixture testdata/bot.log is
// written for: with a 1h window, its first six lines are too old.
var fixtureNow = time.Date(2024, 1, 20, 10, 30, 0, 0, time.UTC)

func newAnalyzer(t testing.TB, o AnalyzerOptions) *Analyzer {
	t.Helper()
	a, err := NewAnalyzer(o)
	if err != nil {
		t.Fatalf("NewAnalyzer: %v", err)
	}
	return a
}

func readFixture(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/bot.log")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func analyzeString(t testing.TB, a *Analyzer, s string, now time.Time, window time.Duration) Report {
	t.Helper()
	rep, err := a.Analyze(strings.NewReader(s), now, window)
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	return rep
}

func counts(r Report) map[string]int {
	m := make(map[string]int, len(r.Classes))
	for _, c := range r.Classes {
		m[c.Name] = c.Count
	}
	return m
}

// fakeSource is a Source that returns fixed text or an error.
type fakeSource struct {
	text string
	err  error
	got  time.Duration
}

func (f *fakeSource) Open(_ context.Context, window time.Duration) (io.ReadCloser, error) {
	f.got = window
	if f.err != nil {
		return nil, f.err
	}
	return io.NopCloser(strings.NewReader(f.text)), nil
}

func (f *fakeSource) String() string { return "fake" }
