package railway

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Defaults NewCheck applies to zero Options fields. The percentages follow
// the monitoring checklist: high resource usage is CPU above 90% or memory
// above 95%.
const (
	DefaultWindow         = 10 * time.Minute
	DefaultSampleRate     = time.Minute
	DefaultCPUWarnPercent = 80
	DefaultCPUCritPercent = 90
	DefaultMemWarnPercent = 85
	DefaultMemCritPercent = 95
	DefaultTimeout        = 10 * time.Second
	// recentDeployments is how many deployments a run looks at: enough to
	// find the one still running behind a failed newer build.
	recentDeployments = 5
)

// API is what the check needs from Railway; *Client implements it.
type API interface {
	Metrics(ctx context.Context, q MetricsQuery) ([]Series, error)
	Deployments(ctx context.Context, q DeploymentsQuery) ([]Deployment, error)
}

var _ API = (*Client)(nil)

// Options configures a Railway service check. Give Client, or URL, Token
// and TokenKind for a Client of the check's own.
type Options struct {
	// Client talks to Railway; when nil, NewCheck builds one from URL,
	// Token, TokenKind and HTTPClient (see ClientOptions).
	Client     API
	URL        string
	Token      string
	TokenKind  TokenKind
	HTTPClient *http.Client

	// ServiceID and EnvironmentID name the service instance; required.
	// ProjectID is optional (Railway does not need it) and narrows the
	// deployment list.
	ServiceID     string
	EnvironmentID string
	ProjectID     string

	// Window is how far back CPU and memory are averaged; default
	// DefaultWindow. SampleRate is the spacing of the samples asked for;
	// default DefaultSampleRate, at most Window.
	Window     time.Duration
	SampleRate time.Duration

	// Thresholds in percent of the limits: warn above *Warn*, crit above
	// *Crit*; defaults DefaultCPUWarnPercent and so on.
	CPUWarnPercent float64
	CPUCritPercent float64
	MemWarnPercent float64
	MemCritPercent float64

	// Timeout bounds one run besides the caller's context; default
	// DefaultTimeout.
	Timeout time.Duration

	// Now is the clock that places the window and dates Results; default
	// time.Now.
	Now func() time.Time
}

// withDefaults returns o with defaults filled in, or an error naming the
// first invalid field.
func (o Options) withDefaults() (Options, error) {
	if o.ServiceID == "" {
		return o, fieldError("ServiceID", "is empty")
	}
	if o.EnvironmentID == "" {
		return o, fieldError("EnvironmentID", "is empty")
	}
	if o.Client == nil {
		c, err := NewClient(ClientOptions{URL: o.URL, Token: o.Token, TokenKind: o.TokenKind, HTTPClient: o.HTTPClient})
		if err != nil {
			return o, err
		}
		o.Client = c
	}
	var err error
	if o.Window, err = positive("Window", o.Window, DefaultWindow); err != nil {
		return o, err
	}
	if o.SampleRate, err = positive("SampleRate", o.SampleRate, DefaultSampleRate); err != nil {
		return o, err
	}
	o.SampleRate = max(min(o.SampleRate, o.Window), time.Second)
	if o.Timeout, err = positive("Timeout", o.Timeout, DefaultTimeout); err != nil {
		return o, err
	}
	if o.CPUWarnPercent, o.CPUCritPercent, err = thresholds("CPU", o.CPUWarnPercent, o.CPUCritPercent, DefaultCPUWarnPercent, DefaultCPUCritPercent); err != nil {
		return o, err
	}
	if o.MemWarnPercent, o.MemCritPercent, err = thresholds("Mem", o.MemWarnPercent, o.MemCritPercent, DefaultMemWarnPercent, DefaultMemCritPercent); err != nil {
		return o, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

// positive returns d, or def when d is zero; negative is an error.
func positive(field string, d, def time.Duration) (time.Duration, error) {
	switch {
	case d < 0:
		return 0, fieldError(field, fmt.Sprintf("%v is negative", d))
	case d == 0:
		return def, nil
	}
	return d, nil
}

// thresholds fills in and checks a warn/crit pair of percentages.
func thresholds(prefix string, warn, crit, defWarn, defCrit float64) (float64, float64, error) {
	if warn == 0 {
		warn = defWarn
	}
	if crit == 0 {
		crit = defCrit
	}
	switch {
	case warn < 0 || warn > 100:
		return 0, 0, fieldError(prefix+"WarnPercent", fmt.Sprintf("%g is not a percentage (0-100)", warn))
	case crit < 0 || crit > 100:
		return 0, 0, fieldError(prefix+"CritPercent", fmt.Sprintf("%g is not a percentage (0-100)", crit))
	case warn > crit:
		return 0, 0, fieldError(prefix+"WarnPercent", fmt.Sprintf("%g is above %sCritPercent %g", warn, prefix, crit))
	}
	return warn, crit, nil
}

func fieldError(field, problem string) error {
	return fmt.Errorf("railway: %s %s", field, problem)
}
