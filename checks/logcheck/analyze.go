package logcheck

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"time"
)

// Defaults for AnalyzerOptions.
const (
	DefaultKeep             = 5
	DefaultMaxLineBytes     = 64 << 10
	DefaultDisplayLineBytes = 400
)

// AnalyzerOptions configures an Analyzer. The zero value uses the defaults.
type AnalyzerOptions struct {
	// Classes to count; nil means DefaultClasses().
	Classes []Class
	// Keep is how many matching lines to keep per class (default 5; a
	// negative value keeps none).
	Keep int
	// MaxLineBytes bounds the bytes of one line that are matched (default
	// 64 KiB); the rest of a longer line is skipped, never held in memory.
	MaxLineBytes int
	// DisplayLineBytes shortens kept lines for display (default 400).
	DisplayLineBytes int
	// Location is the zone of timestamps written without one (default UTC).
	Location *time.Location
	// Redactor masks secrets in kept lines (default NewRedactor()).
	Redactor *Redactor
}

// Analyzer counts pattern classes in log text. It is immutable and safe for
// concurrent use.
type Analyzer struct {
	matchers   []matcher
	keep       int
	maxLine    int
	displayMax int
	loc        *time.Location
	redactor   *Redactor
}

// NewAnalyzer compiles the classes; an invalid name or pattern is an error.
func NewAnalyzer(o AnalyzerOptions) (*Analyzer, error) {
	classes := o.Classes
	if classes == nil {
		classes = DefaultClasses()
	}
	ms, err := compileClasses(classes)
	if err != nil {
		return nil, err
	}
	a := &Analyzer{
		matchers:   ms,
		keep:       o.Keep,
		maxLine:    o.MaxLineBytes,
		displayMax: o.DisplayLineBytes,
		loc:        o.Location,
		redactor:   o.Redactor,
	}
	switch {
	case a.keep == 0:
		a.keep = DefaultKeep
	case a.keep < 0:
		a.keep = 0
	}
	if a.maxLine <= 0 {
		a.maxLine = DefaultMaxLineBytes
	}
	a.maxLine = max(a.maxLine, 64)
	if a.displayMax <= 0 {
		a.displayMax = DefaultDisplayLineBytes
	}
	if a.loc == nil {
		a.loc = time.UTC
	}
	if a.redactor == nil {
		a.redactor = NewRedactor()
	}
	return a, nil
}

// Analyze reads r to its end, one line at a time, and reports the lines in
// the window (now-window, now]; window 0 counts every line. Lines with a
// leading timestamp before the window are skipped, as are the untimed lines
// that follow them (a traceback belongs to its log line).
//
// Memory stays bounded whatever r holds: one line buffer, Keep lines per
// class and at most 100,000 processing times. A read error ends the scan and
// is returned with the report of what was read before it.
func (a *Analyzer) Analyze(r io.Reader, now time.Time, window time.Duration) (Report, error) {
	st := a.newScan(now, window)
	br := bufio.NewReaderSize(r, a.maxLine)
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: match its head, skip the rest.
			st.longLines++
			st.line(line)
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
		} else if len(line) > 0 {
			st.line(line)
		}
		if err == io.EOF {
			return st.report(), nil
		}
		if err != nil {
			return st.report(), err
		}
	}
}

// scan is the state of one Analyze call.
type scan struct {
	a         *Analyzer
	now       time.Time
	window    time.Duration
	from      time.Time
	inWindow  bool
	lines     int
	inLines   int
	longLines int
	counts    []int
	last      []ring
	lower     []byte
	times     sampler
}

func (a *Analyzer) newScan(now time.Time, window time.Duration) *scan {
	st := &scan{
		a:        a,
		now:      now,
		window:   window,
		from:     now.Add(-window),
		inWindow: true,
		counts:   make([]int, len(a.matchers)),
		last:     make([]ring, len(a.matchers)),
	}
	for i := range st.last {
		st.last[i].size = a.keep
	}
	return st
}

// processingTime marks the lines whose last number is a processing time.
const processingTime = "processing time"

func (st *scan) line(raw []byte) {
	raw = bytes.TrimRight(raw, "\r\n")
	st.lines++
	msg := raw
	if t, rest, ok := leadingTime(raw, st.a.loc); ok {
		msg = rest
		st.inWindow = st.window <= 0 || t.After(st.from)
	}
	if !st.inWindow {
		return
	}
	st.inLines++
	st.lower = lowerASCII(st.lower, msg)
	for i := range st.a.matchers {
		if st.a.matchers[i].match(msg, st.lower) {
			st.counts[i]++
			st.last[i].push(raw)
		}
	}
	if bytes.Contains(st.lower, []byte(processingTime)) {
		if ms, ok := lastMillis(msg); ok {
			st.times.add(ms)
		}
	}
}

func (st *scan) report() Report {
	r := Report{
		Until:      st.now,
		Window:     st.window,
		Lines:      st.lines,
		InWindow:   st.inLines,
		LongLines:  st.longLines,
		Classes:    make([]ClassReport, len(st.a.matchers)),
		Processing: st.times.result(),
	}
	for i, m := range st.a.matchers {
		c := ClassReport{Name: m.name, Count: st.counts[i]}
		for _, l := range st.last[i].lines() {
			c.Last = append(c.Last, st.a.redactor.DisplayLine(string(l), st.a.displayMax))
		}
		r.Classes[i] = c
	}
	return r
}

// ring keeps the last size lines, reusing their buffers.
type ring struct {
	size int
	buf  [][]byte
	next int
}

func (r *ring) push(line []byte) {
	if r.size == 0 {
		return
	}
	if len(r.buf) < r.size {
		r.buf = append(r.buf, append([]byte(nil), line...))
		return
	}
	r.buf[r.next] = append(r.buf[r.next][:0], line...)
	r.next = (r.next + 1) % r.size
}

// lines returns the kept lines, oldest first.
func (r *ring) lines() [][]byte {
	if len(r.buf) < r.size {
		return r.buf
	}
	return append(append([][]byte(nil), r.buf[r.next:]...), r.buf[:r.next]...)
}
