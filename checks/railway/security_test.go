package railway_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/checkstest"
	"github.com/opsbot/opsbot/checks/railway"
	"github.com/opsbot/opsbot/checks/railway/railwaytest"
)

// railwayToken is the token of the security tests, shaped like Railway's.
const railwayToken = "rwTok-5g2k9m1q-7r3s-4t6u-8v0w"

// TestNoTokenInErrorsOrResults makes Railway fail in every way, the
// answers echoing the token, and asserts that neither the Client's errors
// (which reach the log and level 1's outcome) nor the check's message
// (which reaches the chat) reveal any part of it, for both token kinds.
func TestNoTokenInErrorsOrResults(t *testing.T) {
	echo := "token " + railwayToken + " (Bearer " + railwayToken + ")"
	tests := []struct {
		name  string
		fault railwaytest.Fault
		// closed points the client at a closed port instead of the fake.
		closed bool
		// want is the start of the Client's error.
		want string
	}{
		{name: "401 echoing the token", fault: railwaytest.Fault{Status: 401, Body: `{"message":"` + echo + `"}`},
			want: "Railway rejected the token"},
		{name: "403 echoing the token", fault: railwaytest.Fault{Status: 403, Body: echo},
			want: "Railway rejected the token"},
		{name: "500 echoing the token", fault: railwaytest.Fault{Status: 500, Body: "internal error for " + echo},
			want: "Railway API answered HTTP 500"},
		{name: "400 GraphQL error echoing the token", fault: railwaytest.Fault{Status: 400, GraphQLError: "invalid " + echo},
			want: "Railway API error: invalid token [token]"},
		{name: "Not Authorized naming the token", fault: railwaytest.Fault{GraphQLError: "Not Authorized: " + echo},
			want: "Railway rejected the token (Not Authorized: token [token]"},
		{name: "token where the message is clipped",
			fault: railwaytest.Fault{GraphQLError: strings.Repeat("q", 100) + railwayToken},
			want:  "Railway API error: " + strings.Repeat("q", 100) + "[token]"},
		{name: "token in a multi-line message",
			fault: railwaytest.Fault{GraphQLError: "bad\nAuthorization:\tBearer " + railwayToken + "\n"},
			want:  "Railway API error: bad Authorization: Bearer [token]"},
		{name: "answer that is not JSON", fault: railwaytest.Fault{Body: "<html>" + echo},
			want: "Railway API answer is not JSON"},
		{name: "answer of an unexpected shape", fault: railwaytest.Fault{Body: `{"data":{"metrics":"` + railwayToken + `"}}`},
			want: "Railway API answer has an unexpected shape"},
		{name: "no answer in time", fault: railwaytest.Fault{Delay: time.Hour},
			want: "Railway API not reachable: timed out"},
		{name: "connection refused", closed: true,
			want: "Railway API not reachable: connection refused"},
	}
	for _, kind := range []struct {
		kind   railway.TokenKind
		option railwaytest.Option
	}{
		{railway.TokenAccount, railwaytest.WithToken(railwayToken)},
		{railway.TokenProject, railwaytest.WithProjectToken(railwayToken)},
	} {
		for _, tt := range tests {
			t.Run(string(kind.kind)+"/"+tt.name, func(t *testing.T) {
				srv := railwaytest.New(t, kind.option)
				srv.Fail(railwaytest.AnyOp, 10, tt.fault)
				url := srv.URL()
				if tt.closed {
					url = "http://" + checkstest.ClosedAddr(t) + "/graphql/v2"
				}
				client, err := railway.NewClient(railway.ClientOptions{URL: url, Token: railwayToken, TokenKind: kind.kind})
				if err != nil {
					t.Fatal(err)
				}

				ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
				defer cancel()
				_, metricsErr := client.Metrics(ctx, railway.MetricsQuery{
					ServiceID: serviceID, EnvironmentID: envID, Start: now.Add(-10 * time.Minute), End: now,
					Measurements: []railway.Measurement{railway.CPUUsage},
				})
				if metricsErr == nil || !strings.HasPrefix(metricsErr.Error(), tt.want) {
					t.Errorf("Metrics: %v, want an error %q...", metricsErr, tt.want)
				}
				_, deploymentErr := client.LatestDeployment(ctx, serviceID, envID)

				check, err := railway.NewCheck(railway.Options{Client: client, Token: railwayToken,
					ServiceID: serviceID, EnvironmentID: envID, Timeout: 300 * time.Millisecond, Now: clock})
				if err != nil {
					t.Fatal(err)
				}
				r := check.Check(t.Context())
				if r.Status == checks.StatusOK {
					t.Errorf("the check passed: %q", r.Message)
				}
				for _, shown := range []struct{ what, text string }{
					{"Metrics error", errText(metricsErr)}, {"LatestDeployment error", errText(deploymentErr)}, {"message", r.Message},
				} {
					if leaks := checkstest.Leaks(shown.text, railwayToken); len(leaks) > 0 {
						t.Errorf("the %s %q reveals %q", shown.what, shown.text, leaks)
					}
				}
			})
		}
	}
}

// TestClientOptionErrorsQuoteNoToken: a bad client configuration is
// reported without the token.
func TestClientOptionErrorsQuoteNoToken(t *testing.T) {
	for _, o := range []railway.ClientOptions{
		{URL: "ftp://backboard.railway.com/graphql/v2", Token: railwayToken},
		{URL: "https://ops:" + railwayToken + "%zz@backboard.railway.com/graphql/v2", Token: railwayToken},
	} {
		_, err := railway.NewClient(o)
		if err == nil {
			t.Errorf("NewClient(%+v) succeeded", o.URL)
			continue
		}
		if leaks := checkstest.Leaks(err.Error(), railwayToken); len(leaks) > 0 {
			t.Errorf("error %q reveals %q", err, leaks)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
