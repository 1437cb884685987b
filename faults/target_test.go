//go:build faults

package faults

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// failingTarget starts an HTTP target that always answers 500, closed when t
// ends, and returns its URL.
func failingTarget(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
