package railway

import (
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	tests := map[string]time.Duration{
		"":                              0,
		"30":                            30 * time.Second,
		"-5":                            0,
		"soon":                          0,
		"9999999999":                    24 * time.Hour,
		"Mon, 02 Jan 2006 15:04:05 GMT": 0, // in the past
	}
	for in, want := range tests {
		if got := retryAfter(in); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestFormatting(t *testing.T) {
	amounts := map[float64]string{2: "2", 1.22: "1.2", 1.25: "1.3", 0.68: "0.68", 0.004: "0", 31.96: "32"}
	for in, want := range amounts {
		if got := amount(in); got != want {
			t.Errorf("amount(%v) = %q, want %q", in, got, want)
		}
	}
	percents := map[float64]string{34.4: "34%", 99.6: "100%", 0.44: "0.4%", 0: "0%"}
	for in, want := range percents {
		if got := percent(in); got != want {
			t.Errorf("percent(%v) = %q, want %q", in, got, want)
		}
	}
	spans := map[time.Duration]string{10 * time.Minute: "10m", time.Hour: "1h", 90 * time.Second: "1m30s"}
	for in, want := range spans {
		if got := span(in); got != want {
			t.Errorf("span(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestSanitize(t *testing.T) {
	long := make([]byte, 300)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct{ in, token, want string }{
		{"bad  token s3cr3t\n\tgiven", "s3cr3t", "bad token [token] given"},
		{"", "", "no message"},
		{string(long), "", string(long[:maxMessage-1]) + "…"},
	}
	for _, tt := range tests {
		if got := sanitize(tt.in, tt.token); got != tt.want {
			t.Errorf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
