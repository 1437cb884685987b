package logcheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFileReadsTheTail(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bot.log")
	if err := os.WriteFile(p, []byte("first line\nsecond line\nthird line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		max  int64
		want string
	}{
		{0, "first line\nsecond line\nthird line\n"},
		{100, "first line\nsecond line\nthird line\n"},
		{16, "third line\n"},              // starts mid "second line": skipped to the next
		{23, "second line\nthird line\n"}, // starts right after a newline: kept whole
		{5, ""},
	}
	for _, tt := range tests {
		got, err := readAll(t, &File{Path: p, MaxBytes: tt.max}, time.Hour)
		if err != nil || got != tt.want {
			t.Errorf("MaxBytes %d: %q, %v; want %q", tt.max, got, err, tt.want)
		}
	}
}

func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		path, want string
	}{
		{filepath.Join(dir, "missing.log"), "log file not found: " + filepath.Join(dir, "missing.log")},
		{dir, "log file " + dir + " is not a regular file"},
		{"", "no log file configured"},
	}
	for _, tt := range tests {
		_, err := readAll(t, &File{Path: tt.path}, time.Hour)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q: error %v, want %q", tt.path, err, tt.want)
		}
	}
	if got := (&File{Path: "/var/log/bot/app.log"}).String(); got != "file app.log" {
		t.Errorf("String() = %q", got)
	}
}

func TestFileWithFixture(t *testing.T) {
	c, err := New(Options{Source: &File{Path: "testdata/bot.log"}, Clock: func() time.Time { return fixtureNow }})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count("requests") != 5 || !strings.Contains(strings.Join(rep.Classes[0].Last, ""), "MongoDB") {
		t.Errorf("report %+v", rep)
	}
}
