package incident_test

import (
	"errors"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident"
)

func TestIDs(t *testing.T) {
	if got := incident.FormatID(42); got != "INC-42" {
		t.Fatalf("FormatID = %q", got)
	}
	tests := []struct {
		in   string
		want int64
	}{
		{"INC-42", 42}, {"inc-42", 42}, {" INC-7 ", 7}, {"#42", 42}, {"42", 42},
		{"INC-", 0}, {"INC-0", 0}, {"INC--1", 0}, {"INC-+1", 0}, {"42a", 0}, {"", 0},
	}
	for _, tt := range tests {
		got, err := incident.ParseID(tt.in)
		if got != tt.want || (tt.want == 0) != errors.Is(err, incident.ErrInvalid) {
			t.Errorf("ParseID(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestFingerprint(t *testing.T) {
	if got := incident.Fingerprint("health", "api", "down"); got != "health|api|down" {
		t.Fatalf("Fingerprint = %q", got)
	}
	if incident.Fingerprint("a|b", "c", "d") == incident.Fingerprint("a", "b|c", "d") {
		t.Fatal("different triples share a fingerprint")
	}
	inc, _ := open(t, 0)
	if inc.Fingerprint != incident.Fingerprint("health", "https://api.example.com/health", "health-check-failure") {
		t.Fatalf("incident fingerprint %q", inc.Fingerprint)
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0s"}, {45 * time.Second, "45s"}, {12*time.Minute + 59*time.Second, "12m"},
		{2 * time.Hour, "2h"}, {2*time.Hour + 5*time.Minute, "2h5m"}, {76 * time.Hour, "3d4h"}, {48 * time.Hour, "2d"},
	}
	for _, tt := range tests {
		if got := incident.FormatDuration(tt.d); got != tt.want {
			t.Errorf("FormatDuration(%s) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestAge(t *testing.T) {
	inc, _ := open(t, 0)
	if _, ok := incident.Duration(inc); ok {
		t.Fatal("an open incident has a Duration")
	}
	if got := incident.Age(inc, at(10*time.Minute)); got != 12*time.Minute {
		t.Fatalf("Age = %s, want 12m (from the start of the failure)", got)
	}
}
