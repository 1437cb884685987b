package logcheck

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

// endless is a reader of n bytes: head, then filler, then tail, without
// holding them in memory.
type endless struct {
	head, tail []byte
	filler     byte
	n, off     int
}

func (e *endless) Read(p []byte) (int, error) {
	if e.off >= e.n {
		return 0, io.EOF
	}
	p = p[:min(len(p), e.n-e.off)]
	tailAt := e.n - len(e.tail)
	switch {
	case e.off < len(e.head):
		p = p[:copy(p, e.head[e.off:])]
	case e.off >= tailAt:
		p = p[:copy(p, e.tail[e.off-tailAt:])]
	default:
		p = p[:min(len(p), tailAt-e.off)]
		p[0] = e.filler
		for i := 1; i < len(p); i *= 2 {
			copy(p[i:], p[:i])
		}
	}
	e.off += len(p)
	return len(p), nil
}

func TestAnalyzeHugeLine(t *testing.T) {
	a := newAnalyzer(t, AnalyzerOptions{MaxLineBytes: 4096})
	// A 100 MB line: "error" at its start, "rate limit" only at its end
	// (beyond the line limit), then a normal line.
	src := &endless{
		head:   []byte("2024-01-20 10:00:00 error: huge payload "),
		tail:   []byte(" rate limit\nRequest: /start after the huge line\n"),
		filler: 'x',
		n:      100 << 20,
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rep, err := a.Analyze(src, fixtureNow, 0)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Lines != 2 || rep.LongLines != 1 {
		t.Errorf("lines %d long %d, want 2 and 1", rep.Lines, rep.LongLines)
	}
	if got := counts(rep); got["errors"] != 1 || got["rate_limit"] != 0 || got["requests"] != 1 {
		t.Errorf("counts %v", got)
	}
	errs, _ := rep.Class("errors")
	if len(errs.Last) != 1 || len(errs.Last[0]) > DefaultDisplayLineBytes+len("…") {
		t.Errorf("kept line of %d bytes", len(errs.Last[0]))
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("allocated %d bytes for a 100 MB line, want bounded", alloc)
	}
}

func TestAnalyzeReadError(t *testing.T) {
	a := newAnalyzer(t, AnalyzerOptions{})
	r := io.MultiReader(strings.NewReader("error one\nerror two\n"), &failing{})
	rep, err := a.Analyze(r, fixtureNow, 0)
	if err == nil || err.Error() != "broken pipe" || rep.Count("errors") != 2 {
		t.Errorf("report %v, err %v", counts(rep), err)
	}
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, fmt.Errorf("broken pipe") }

// benchLog returns about size bytes of a realistic bot log.
func benchLog(size int) []byte {
	lines := []string{
		"2024-01-20 10:%02d:%02d,114 - bot.handlers - INFO - Request: /start user=%d",
		"2024-01-20 10:%02d:%02d,511 - bot.handlers - INFO - User: 123 Command: /ask processing time: %d",
		"2024-01-20 10:%02d:%02d,730 - bot.ai - INFO - HuggingFace answered in time for user=%d",
		"2024-01-20 10:%02d:%02d,000 - bot.handlers - ERROR - Error: Telegram API returned 429 (user=%d)",
		"2024-01-20 10:%02d:%02d,250 - bot.files - INFO - File processing started: report.pdf user=%d",
		"2024-01-20 10:%02d:%02d,900 - bot.db - WARNING - MongoDB connection pool at %d%%",
		"2024-01-20 10:%02d:%02d,000 - bot.maintenance - INFO - Memory cleanup freed %d MB",
		"2024-01-20 10:%02d:%02d,000 - bot.security - WARNING - Security violation: blocked upload from user=%d",
	}
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, lines[i%len(lines)], (i/60)%60, i%60, i%5000)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// BenchmarkAnalyze scans a 10 MB log with the default classes; the MB/s
// figure is the scan speed.
func BenchmarkAnalyze(b *testing.B) {
	log := benchLog(10 << 20)
	a := newAnalyzer(b, AnalyzerOptions{})
	now := time.Date(2024, 1, 20, 11, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(log)))
	b.ReportAllocs()
	for b.Loop() {
		rep, err := a.Analyze(bytes.NewReader(log), now, 2*time.Hour)
		if err != nil || rep.Count("requests") == 0 {
			b.Fatalf("%v %v", counts(rep), err)
		}
	}
}

// BenchmarkRedact masks one line holding several secrets.
func BenchmarkRedact(b *testing.B) {
	r := NewRedactor()
	line := "2024-01-20 09:40:00,000 - DEBUG - TELEGRAM_BOT_TOKEN=1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1 " +
		"MONGODB_URI=mongodb+srv://botuser:S3cr3tP4ss@cluster0.abcde.mongodb.net/bot headers={'Authorization': 'Bearer abcdefghijkl'}"
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		_ = r.String(line)
	}
}
