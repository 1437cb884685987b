package httpcheck

import (
	"context"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
)

func TestCertificateDaysLeft(t *testing.T) {
	ca := newCA(t)
	// Valid Jan 1 to Apr 1 2024; the clock says Mar 27 10:30, so 4 days
	// and 13.5 hours are left.
	ts := tlsServer(t, leaf(t, ca, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)), text(200, "HEALTHY"))
	client := trustingClient(t, ca.pool, t0)

	tests := []struct {
		name       string
		warn, crit int
		status     checks.Status
		msg        string
	}{
		{"no thresholds", 0, 0, checks.StatusOK, "HTTP 200 in 0 ms: HEALTHY"},
		{"far from warn", 4, 2, checks.StatusOK, "HTTP 200 in 0 ms: HEALTHY"},
		{"warn", 14, 0, checks.StatusWarn, "certificate expires in 4 days"},
		{"warn not crit", 14, 3, checks.StatusWarn, "certificate expires in 4 days"},
		{"crit", 14, 5, checks.StatusCrit, "certificate expires in 4 days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, Options{
				URL: ts.URL, Client: client, BodyRules: DefaultBodyRules(),
				TLSWarnDays: tt.warn, TLSCritDays: tt.crit, Now: newClock(0).Now,
			})
			want(t, r, tt.status, tt.msg)
			if r.Metrics["tls_days_left"] != 4 {
				t.Errorf("tls_days_left = %v, want 4", r.Metrics["tls_days_left"])
			}
		})
	}
}

func TestExpiryText(t *testing.T) {
	for days, msg := range map[int]string{
		30: "certificate expires in 30 days", 1: "certificate expires in 1 day", 0: "certificate expires today",
		-1: "certificate expired yesterday", -3: "certificate expired 3 days ago",
	} {
		if got := expiryText(days); got != msg {
			t.Errorf("expiryText(%d) = %q, want %q", days, got, msg)
		}
	}
}

func TestBadCertificates(t *testing.T) {
	ca := newCA(t)
	jan, apr := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	expired := tlsServer(t, leaf(t, ca, time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 2, 1, 0, 0, 0, 0, time.UTC)), text(200, "HEALTHY"))
	early := tlsServer(t, leaf(t, ca, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), text(200, "HEALTHY"))
	selfSigned := tlsServer(t, leaf(t, nil, jan, apr), text(200, "HEALTHY"))
	wrongHost := tlsServer(t, leaf(t, ca, jan, apr, "primary.example"), text(200, "HEALTHY"))
	plain := serve(t, text(200, "HEALTHY"))

	trusting := trustingClient(t, ca.pool, t0)
	tests := []struct {
		name, url string
		msg       string
	}{
		{"expired", expired.URL, "TLS certificate not valid: expired on 2021-02-01"},
		{"not yet valid", early.URL, "TLS certificate not valid: not valid before 2025-01-01"},
		{"self-signed", selfSigned.URL, "TLS certificate not valid: signed by an unknown authority"},
		{"wrong host", wrongHost.URL, "TLS certificate not valid: not for host 127.0.0.1"},
		{"plain HTTP on the TLS port", "https://" + plain.Listener.Addr().String(), "server gave HTTP response to HTTPS client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := quick(t, context.Background(), Options{URL: tt.url, Client: trusting, Timeout: time.Second, Now: newClock(0).Now})
			want(t, r, checks.StatusCrit, tt.msg)
		})
	}
}

func TestSystemRootsRejectTestCA(t *testing.T) {
	ca := newCA(t)
	ts := tlsServer(t, leaf(t, ca, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)), text(200, "HEALTHY"))
	// The default transport trusts the system roots only.
	r := quick(t, context.Background(), Options{URL: ts.URL, Timeout: time.Second})
	want(t, r, checks.StatusCrit, "TLS certificate not valid: signed by an unknown authority")
}
