// Package httpcheck checks an HTTP endpoint: the status code, the response
// time, a plain-text verdict line ("HEALTHY", "DEGRADED - ...") or
// conditions on a JSON body ("status == healthy",
// "metrics.error_rate_percent < 10"), and the days left on the server's
// TLS certificate.
//
// A Checker is built once by New and run many times, concurrently if need
// be. A Result's Value is the response time in ms; its Metrics hold
// "status_code", "response_ms", "tls_days_left" (https only) and the JSON
// numbers the conditions name. Every failure, including a hostile or
// broken target, becomes a failing Result with a short, single-line
// message ("HTTP 503 (want 200)", "body is not JSON", "timed out after 5s")
// that never quotes a header value, the URL's userinfo or its query string.
package httpcheck
