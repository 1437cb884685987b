package httpcheck

import (
	"fmt"
	"math"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// day is the unit of the certificate thresholds.
const day = 24 * time.Hour

// judgeTLS records the days left on the server's leaf certificate and
// reports it when it expires within TLSWarnDays or TLSCritDays.
func (c *Checker) judgeTLS(x exchange, now time.Time, metrics map[string]float64) (finding, bool) {
	if x.resp.TLS == nil || len(x.resp.TLS.PeerCertificates) == 0 {
		return finding{}, false
	}
	left := x.resp.TLS.PeerCertificates[0].NotAfter.Sub(now)
	days := math.Floor(left.Hours() / 24)
	metrics["tls_days_left"] = days

	status := checks.StatusOK
	switch {
	case c.tlsCrit > 0 && left < time.Duration(c.tlsCrit)*day:
		status = checks.StatusCrit
	case c.tlsWarn > 0 && left < time.Duration(c.tlsWarn)*day:
		status = checks.StatusWarn
	default:
		return finding{}, false
	}
	return finding{status: status, text: expiryText(int(days))}, true
}

// expiryText says when a certificate expires, in whole days.
func expiryText(days int) string {
	switch {
	case days < -1:
		return fmt.Sprintf("certificate expired %d days ago", -days)
	case days == -1:
		return "certificate expired yesterday"
	case days == 0:
		return "certificate expires today"
	case days == 1:
		return "certificate expires in 1 day"
	default:
		return fmt.Sprintf("certificate expires in %d days", days)
	}
}
