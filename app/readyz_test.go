package app

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestReadyzSaysWhyItIsNotReadyWithoutSecrets(t *testing.T) {
	const uri = "mongodb://ops:hunter2@db.internal:27017/opsbot"
	h := newHTTPHandler(prometheus.NewRegistry(), NewRedactor(uri), nil,
		readinessCheck{name: "storage", check: func(context.Context) error { return errors.New("ping " + uri + ": connection refused") }},
		readinessCheck{name: "telegram", check: func(context.Context) error { return nil }},
		readinessCheck{name: "role", note: func() string { return "standby" }},
	)
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got := string(body); got != "not ready: storage: ping ***: connection refused\nrole: standby\n" || strings.Contains(got, "hunter2") || strings.Contains(got, "telegram") {
		t.Fatalf("body %q", got)
	}
	resp2, err := http.Post(srv.URL+"/readyz", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST /readyz = %d", resp2.StatusCode)
	}
}
