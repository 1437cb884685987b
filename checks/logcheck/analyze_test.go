package logcheck

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAnalyzeFixture(t *testing.T) {
	a := newAnalyzer(t, AnalyzerOptions{})
	rep := analyzeString(t, a, readFixture(t), fixtureNow, time.Hour)

	want := map[string]int{
		"errors": 4, "database": 2, "rate_limit": 2, "security": 2, "uploads": 1,
		"admin": 1, "requests": 5, "request_errors": 2, "file_processing": 2, "memory": 1,
	}
	if got := counts(rep); !maps.Equal(got, want) {
		t.Errorf("counts:\n got %v\nwant %v", got, want)
	}
	if rep.Lines != 26 || rep.InWindow != 20 {
		t.Errorf("lines %d in window %d, want 26 and 20", rep.Lines, rep.InWindow)
	}
	if rate, ok := rep.ErrorRate(); !ok || rate != 40 {
		t.Errorf("error rate %v %v, want 40", rate, ok)
	}
	wantP := Processing{Count: 4, AvgMS: (397 + 2723 + 2650 + 800) / 4.0, P95MS: 2723, MaxMS: 2723}
	if rep.Processing != wantP {
		t.Errorf("processing %+v, want %+v", rep.Processing, wantP)
	}
	if rep.Until != fixtureNow || rep.Window != time.Hour {
		t.Errorf("until %v window %v", rep.Until, rep.Window)
	}
}

func TestAnalyzeKeepsRecentLinesRedacted(t *testing.T) {
	a := newAnalyzer(t, AnalyzerOptions{Keep: 2})
	rep := analyzeString(t, a, readFixture(t), fixtureNow, time.Hour)

	errs, _ := rep.Class("errors")
	if len(errs.Last) != 2 {
		t.Fatalf("kept %d error lines, want 2: %q", len(errs.Last), errs.Last)
	}
	// Oldest first: the HuggingFace line, then the MongoDB one.
	if !strings.Contains(errs.Last[0], "HuggingFace request failed") || !strings.Contains(errs.Last[1], "MongoDB connection error") {
		t.Errorf("kept lines in the wrong order: %q", errs.Last)
	}
	if strings.Contains(errs.Last[0], "hf_aBcD") || !strings.Contains(errs.Last[0], "Bearer ***") {
		t.Errorf("bearer token not masked: %q", errs.Last[0])
	}
	db, _ := rep.Class("database")
	all := strings.Join(db.Last, "\n")
	for _, secret := range []string{"AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1", "S3cr3tP4ss", "botuser"} {
		if strings.Contains(all, secret) {
			t.Errorf("secret %q in kept lines:\n%s", secret, all)
		}
	}
	sec, _ := rep.Class("security")
	if got := sec.Last[1]; strings.Contains(got, "hunter2") || strings.Contains(got, "sk-test") {
		t.Errorf("password or key not masked: %q", got)
	}
}

func TestAnalyzeWindow(t *testing.T) {
	a := newAnalyzer(t, AnalyzerOptions{})
	now := time.Date(2024, 1, 20, 10, 0, 0, 0, time.UTC)
	log := strings.Join([]string{
		"startup error without a timestamp",               // no timestamp seen yet: counted
		"2024-01-20T08:59:59Z error too old",              // out
		"  traceback line with an error in it",            // follows an old line: out
		"2024-01-20T09:00:00Z error on the boundary",      // exactly now-window: out
		"2024-01-20T09:00:00.5Z error just inside",        // in
		"continuation error",                              // follows an inside line: in
		"[2024-01-20 09:30:00] error bracketed",           // in
		"2024-01-20T10:59:00+02:00 error in another zone", // 08:59 UTC: out
		"2024-01-20 09:59:59.999999 error fraction",       // in
		"2024-01-20T10:05:00Z error from a clock ahead",   // after now: in
	}, "\n")
	rep := analyzeString(t, a, log, now, time.Hour)
	if got := rep.Count("errors"); got != 6 {
		t.Errorf("errors in window = %d, want 6", got)
	}
	if rep.Lines != 10 || rep.InWindow != 6 {
		t.Errorf("lines %d in window %d, want 10 and 6", rep.Lines, rep.InWindow)
	}
	rep = analyzeString(t, a, log, now, 0)
	if got := rep.Count("errors"); got != 10 {
		t.Errorf("window 0: errors = %d, want all 10", got)
	}
}

func TestAnalyzeLocation(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	a := newAnalyzer(t, AnalyzerOptions{Location: berlin})
	now := time.Date(2024, 1, 20, 9, 45, 0, 0, time.UTC)
	// 10:30 in Berlin is 09:30 UTC, inside; 09:30 Berlin is 08:30 UTC, before 08:45.
	rep := analyzeString(t, a, "2024-01-20 10:30:00 error a\n2024-01-20 09:30:00 error b\n", now, time.Hour)
	if got := rep.Count("errors"); got != 1 {
		t.Errorf("errors = %d, want 1", got)
	}
}

func TestAnalyzeMatchesAfterTheTimestamp(t *testing.T) {
	a := newAnalyzer(t, AnalyzerOptions{})
	// Python's milliseconds ",429" must not count as a rate limit, nor a user id.
	rep := analyzeString(t, a, "2024-01-20 09:33:01,429 - INFO - Request: /help user=14290\n", fixtureNow, 0)
	if got := rep.Count("rate_limit"); got != 0 {
		t.Errorf("rate_limit = %d, want 0", got)
	}
	rep = analyzeString(t, a, "2024-01-20 09:33:01,000 - WARNING - HTTP 429 from api\n", fixtureNow, 0)
	if got := rep.Count("rate_limit"); got != 1 {
		t.Errorf("rate_limit = %d, want 1", got)
	}
}

func TestAnalyzeCaseSensitivity(t *testing.T) {
	a := newAnalyzer(t, AnalyzerOptions{})
	rep := analyzeString(t, a, strings.Join([]string{
		"DATABASE timeout", "Rate Limit exceeded", "request: lower case", "Request: /start",
		"connection error: reset", "Error: boom", "file processing lower", "File processing ok",
	}, "\n"), fixtureNow, 0)
	want := map[string]int{
		"errors": 2, "database": 2, "rate_limit": 1, "security": 0, "uploads": 0, "admin": 0,
		"requests": 1, "request_errors": 1, "file_processing": 1, "memory": 0,
	}
	if got := counts(rep); !maps.Equal(got, want) {
		t.Errorf("counts:\n got %v\nwant %v", got, want)
	}
}

func TestAnalyzeNoRequestsNoRate(t *testing.T) {
	a := newAnalyzer(t, AnalyzerOptions{})
	rep := analyzeString(t, a, "Error: something\nError: again\n", fixtureNow, 0)
	if rate, ok := rep.ErrorRate(); ok {
		t.Errorf("error rate %v with no requests, want none", rate)
	}
	if _, ok := rep.Metrics()[MetricErrorRate]; ok {
		t.Error("metrics hold an error rate with no requests")
	}
	rep = analyzeString(t, a, "", fixtureNow, 0)
	if rep.Lines != 0 || rep.Processing.Count != 0 {
		t.Errorf("empty input: %+v", rep)
	}
}

func TestAnalyzeProcessingTimes(t *testing.T) {
	tests := []struct {
		line string
		ms   float64
		ok   bool
	}{
		{"processing time: 1234", 1234, true},
		{"Processing time: 1234ms", 1234, true},
		{"processing time 2.5s", 2500, true},
		{"processing time: 1.5 seconds", 1500, true},
		{"processing time: 800us", 0.8, true},
		{"File processing done, processing time: 31 (user 5)", 5, true}, // the last number, as awk $NF
		{"processing time: n/a", 0, false},
		{"processing time: 12.", 12, true},
	}
	a := newAnalyzer(t, AnalyzerOptions{})
	for _, tt := range tests {
		rep := analyzeString(t, a, tt.line+"\n", fixtureNow, 0)
		p := rep.Processing
		if (p.Count == 1) != tt.ok || (tt.ok && p.AvgMS != tt.ms) {
			t.Errorf("%q: processing %+v, want %v ms (ok %v)", tt.line, p, tt.ms, tt.ok)
		}
	}
}

func TestAnalyzePercentile(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 200; i++ {
		fmt.Fprintf(&b, "processing time: %d\n", i)
	}
	rep := analyzeString(t, newAnalyzer(t, AnalyzerOptions{}), b.String(), fixtureNow, 0)
	p := rep.Processing
	if p.Count != 200 || p.P95MS != 190 || p.AvgMS != 100.5 || p.MaxMS != 200 {
		t.Errorf("processing %+v, want count 200, p95 190, avg 100.5, max 200", p)
	}
}

func TestSamplerBounded(t *testing.T) {
	var s sampler
	n := sampleCap * 3
	for i := range n {
		s.add(float64(i % 1000))
	}
	if len(s.keep) != sampleCap {
		t.Fatalf("kept %d samples, want %d", len(s.keep), sampleCap)
	}
	p := s.result()
	if p.Count != n || p.MaxMS != 999 {
		t.Errorf("%+v", p)
	}
	if p.P95MS < 930 || p.P95MS > 970 {
		t.Errorf("estimated p95 %v, want about 950", p.P95MS)
	}
}

func TestAnalyzeCustomClasses(t *testing.T) {
	a := newAnalyzer(t, AnalyzerOptions{Classes: []Class{
		{Name: "timeouts", Pattern: `timed? ?out`},
		{Name: "users", Pattern: `User:`, CaseSensitive: true},
	}})
	rep := analyzeString(t, a, "User: 1 timeout\nuser: 2 timed out\nUSER: 3\n", fixtureNow, 0)
	if got := counts(rep); got["timeouts"] != 2 || got["users"] != 1 || len(got) != 2 {
		t.Errorf("counts %v", got)
	}
	if _, ok := rep.ErrorRate(); ok {
		t.Error("error rate without request classes")
	}
}

func TestNewAnalyzerRejectsBadClasses(t *testing.T) {
	tests := []struct {
		classes []Class
		want    string
	}{
		{[]Class{{Name: "", Pattern: "x"}}, "classes[0].name"},
		{[]Class{{Name: "Errors", Pattern: "x"}}, "classes[0].name"},
		{[]Class{{Name: "a", Pattern: "x"}, {Name: "a", Pattern: "y"}}, `classes[1].name: "a" is used twice`},
		{[]Class{{Name: "a", Pattern: "("}}, "classes[0].pattern"},
		{[]Class{{Name: "a", Pattern: ""}}, "empty pattern"},
	}
	for _, tt := range tests {
		_, err := NewAnalyzer(AnalyzerOptions{Classes: tt.classes})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v, want %q", tt.classes, err, tt.want)
		}
	}
}

func TestDefaultClassesUseTheLiteralFastPath(t *testing.T) {
	ms, err := compileClasses(DefaultClasses())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.lits == nil || m.exact != (m.name != "rate_limit") {
			t.Errorf("class %s: literals %q exact %v", m.name, m.lits, m.exact)
		}
	}
	// The fast paths agree with the plain regexp.
	classes := append(DefaultClasses(),
		Class{Name: "timeouts", Pattern: `Time[sd]? ?OUT\b|\bETIMEDOUT`},
		Class{Name: "users", Pattern: `User: \d+`, CaseSensitive: true},
		Class{Name: "unicode", Pattern: `ошибка|Fehler`},
		Class{Name: "anything", Pattern: `(?s).`},
	)
	ms, err = compileClasses(classes)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(readFixture(t)+"\nTIMED OUT\ntimeout\nUser: 12\nОШИБКА\nfehler\n\nETIMEDOUT", "\n")
	for _, l := range slices.Clone(lines) {
		lines = append(lines, strings.ToUpper(l), strings.ToLower(l))
	}
	for i, m := range ms {
		expr := classes[i].Pattern
		if !classes[i].CaseSensitive {
			expr = "(?i)" + expr
		}
		ref := regexp.MustCompile(expr)
		for _, line := range lines {
			b := []byte(line)
			if got, want := m.match(b, lowerASCII(nil, b)), ref.Match(b); got != want {
				t.Errorf("class %s on %q: fast %v, regexp %v", m.name, line, got, want)
			}
		}
	}
}

func TestLiterals(t *testing.T) {
	tests := []struct {
		expr  string
		lits  []string
		exact bool
	}{
		{`(?i)error`, []string{"error"}, true},
		{`(?i)Rate Limit|\b429\b`, []string{"rate limit", "429"}, false},
		{`Request:`, []string{"Request:"}, true},
		{`(?i)time[sd]? ?out`, []string{"time"}, false},
		{`(?i)a|b+`, nil, false},
		{`(?i)fehler|ошибка`, nil, false},
		{`.*`, nil, false},
	}
	for _, tt := range tests {
		lits, exact := literals(tt.expr, strings.HasPrefix(tt.expr, "(?i)"))
		var got []string
		for _, l := range lits {
			got = append(got, string(l))
		}
		if !slices.Equal(got, tt.lits) || exact != tt.exact {
			t.Errorf("%s: %q %v, want %q %v", tt.expr, got, exact, tt.lits, tt.exact)
		}
	}
}

func TestReportMetrics(t *testing.T) {
	rep := analyzeString(t, newAnalyzer(t, AnalyzerOptions{}), readFixture(t), fixtureNow, time.Hour)
	m := rep.Metrics()
	for k, want := range map[string]float64{
		"count.rate_limit": 2, "count.errors": 4, MetricErrorRate: 40, MetricProcessingP95: 2723,
		MetricProcessingAvg: 1642.5, MetricProcessing: 4, MetricLines: 20,
	} {
		if m[k] != want {
			t.Errorf("metric %s = %v, want %v", k, m[k], want)
		}
	}
}
