package logcheck

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHTTPSource(t *testing.T) {
	fixture := readFixture(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/down":
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		case r.URL.Path == "/big":
			w.Write([]byte(strings.Repeat("error\n", 1000)))
		case r.Header.Get("Authorization") != "Bearer t0k":
			http.Error(w, "no", http.StatusUnauthorized)
		case r.URL.Query().Get("since") != "1h":
			http.Error(w, "since="+r.URL.Query().Get("since"), http.StatusBadRequest)
		default:
			w.Write([]byte(fixture))
		}
	}))
	defer srv.Close()
	auth := http.Header{"Authorization": {"Bearer t0k"}}

	got, err := readAll(t, &HTTP{URL: srv.URL + "/logs?since={since}", Header: auth}, time.Hour)
	if err != nil || got != fixture {
		t.Errorf("body %d bytes, %v", len(got), err)
	}
	_, err = readAll(t, &HTTP{URL: srv.URL + "/logs?since={since}&key=s3cret"}, time.Hour)
	if want := "GET " + srv.URL + "/logs returned HTTP 401"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q (no query, no key)", err, want)
	}
	_, err = readAll(t, &HTTP{URL: srv.URL + "/down"}, time.Hour)
	if want := "GET " + srv.URL + "/down returned HTTP 503"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	got, err = readAll(t, &HTTP{URL: srv.URL + "/big", MaxBytes: 600}, time.Hour)
	if !errors.Is(err, ErrOutputLimit) || len(got) != 600 {
		t.Errorf("big body: %d bytes, %v", len(got), err)
	}
	if got, err := readAll(t, &HTTP{URL: srv.URL + "/big", MaxBytes: 6000}, time.Hour); err != nil || len(got) != 6000 {
		t.Errorf("body exactly at the limit: %d bytes, %v", len(got), err)
	}
}

func TestHTTPSourceErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := (&HTTP{URL: srv.URL + "/slow"}).Open(ctx, time.Hour)
	if want := "GET " + srv.URL + "/slow: timed out"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	_, err = readAll(t, &HTTP{URL: closedURL + "/x"}, time.Hour)
	if want := "GET " + closedURL + "/x: connection refused"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	_, err = readAll(t, &HTTP{URL: "ftp://example.com/logs"}, time.Hour)
	if err == nil || err.Error() != "log URL is not an http(s) URL" {
		t.Errorf("error %v", err)
	}
	if got := (&HTTP{URL: "https://user:pw@logs.example.com/v1/export?token=x"}).String(); got != "GET https://logs.example.com/v1/export" {
		t.Errorf("String() = %q", got)
	}
}
