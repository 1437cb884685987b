package tcpcheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// Checker connects to one address. It is safe for concurrent use.
type Checker struct {
	o      Options
	host   string
	dialer net.Dialer
}

var _ checks.Checker = (*Checker)(nil)

// New validates o and builds its Checker, a *tcpcheck.Checker. An invalid
// field gives an *OptionError naming it.
func New(o Options) (checks.Checker, error) {
	o, host, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Checker{o: o, host: strings.ToLower(host)}, nil
}

// Host returns the lower-case host of the address, without the port: the
// key for a per-host rate limit.
func (c *Checker) Host() string { return c.host }

// Check connects once and closes the connection straight away.
func (c *Checker) Check(ctx context.Context) checks.Result {
	budget := c.o.Timeout
	if dl, ok := ctx.Deadline(); ok {
		budget = min(budget, time.Until(dl))
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()

	start := c.o.Now()
	conn, err := c.dialer.DialContext(ctx, "tcp", c.o.Address)
	end := c.o.Now()
	if conn != nil {
		_ = conn.Close()
	}
	elapsed := max(end.Sub(start), 0)
	ms := float64(elapsed.Microseconds()) / 1000
	res := checks.Result{
		Value:      ms,
		Unit:       "ms",
		Metrics:    map[string]float64{"connect_ms": ms},
		Duration:   elapsed,
		ObservedAt: end,
	}
	switch {
	case err != nil:
		res.Status, res.Message = checks.StatusCrit, describe(ctx, err, budget)
	case c.o.WarnAfter > 0 && elapsed > c.o.WarnAfter:
		res.Status = checks.StatusWarn
		res.Message = fmt.Sprintf("connected in %d ms (slower than %s)", elapsed.Milliseconds(), c.o.WarnAfter)
	default:
		res.Message = fmt.Sprintf("connected in %d ms", elapsed.Milliseconds())
	}
	return res
}

// describe condenses a dial error to one short line.
func describe(ctx context.Context, err error, budget time.Duration) string {
	var dnsErr *net.DNSError
	var netErr net.Error
	// Read ctx.Err once: a socket deadline can fire just before the
	// context's own timer, and the context must not change between cases.
	ctxErr := ctx.Err()
	switch {
	case errors.Is(ctxErr, context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return "timed out after " + roundBudget(budget).String()
	case ctxErr != nil:
		return "check canceled"
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "host not found"
	case errors.As(err, &dnsErr) && dnsErr.IsTimeout:
		return "DNS lookup timed out"
	case errors.As(err, &dnsErr):
		return "DNS lookup failed"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host unreachable"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timed out after " + roundBudget(budget).String()
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		err = opErr.Err // drop "dial tcp 10.0.0.1:443: "
	}
	return oneLine(err.Error())
}

// roundBudget rounds a time budget for a message: 4.9997s reads "5s",
// 296ms reads "300ms".
func roundBudget(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= 100*time.Millisecond:
		return d.Round(10 * time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(time.Millisecond)
	default:
		return d
	}
}

// oneLine flattens s to one clipped line for a message.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 100 {
		s = string(r[:99]) + "…"
	}
	if s == "" {
		return "connect failed"
	}
	return s
}
