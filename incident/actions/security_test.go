package actions_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks/checkstest"
	"github.com/opsbot/opsbot/checks/railway"
	"github.com/opsbot/opsbot/checks/railway/railwaytest"
	"github.com/opsbot/opsbot/incident/actions"
)

// The secrets of the security tests. cmdSpecial has characters that
// escaping changes, so that an escaped echo is tried too.
const (
	cmdToken    = "Tk-5g7k9m1q3r"
	cmdPassword = "Dbp-8s2t4u6v0w"
	cmdArg      = "Arg-1x3y5z7q9r"
	cmdExplicit = "Exp-2k4m6n8p0q"
	cmdSpecial  = "Sp&c<9f1e>3d\"x/y"
)

// outcome is what Run's result shows: the outcome, or the error's text.
func outcome(out string, err error) string {
	if err != nil {
		return err.Error()
	}
	return out
}

// TestCommandOutcomeHidesSecrets runs programs that print what they got
// (variables of the bot's environment, Env entries, arguments) and
// asserts that the outcome, which goes on the incident's timeline and card,
// reveals no secret, whether the program succeeds, fails or is killed.
func TestCommandOutcomeHidesSecrets(t *testing.T) {
	// Inherited from the bot's environment, as TELEGRAM_BOT_TOKEN and
	// MONGODB_URI are in production.
	t.Setenv("OPSBOT_TEST_BOT_TOKEN", cmdToken)
	t.Setenv("OPSBOT_TEST_MONGODB_URI", "mongodb://opsbot:"+cmdPassword+"@db.internal:27017/opsbot")
	tests := []struct {
		name string
		cmd  func(t *testing.T) actions.Command
		// timeout, when set, kills the program.
		timeout time.Duration
		want    string
	}{
		{name: "inherited token printed",
			cmd:  func(t *testing.T) actions.Command { return helperCommand(t, "getenv", "0", "OPSBOT_TEST_BOT_TOKEN") },
			want: "[redacted]"},
		{name: "inherited connection string printed",
			cmd:  func(t *testing.T) actions.Command { return helperCommand(t, "getenv", "0", "OPSBOT_TEST_MONGODB_URI") },
			want: "mongodb://opsbot:[redacted]@db.internal:27017/opsbot"},
		{name: "Env entry printed on failure",
			cmd: func(t *testing.T) actions.Command {
				c := helperCommand(t, "getenv", "3", "DEPLOY_API_KEY")
				c.Env = append(c.Env, "DEPLOY_API_KEY="+cmdToken)
				return c
			},
			want: "exit status 3: [redacted]"},
		{name: "Env connection string printed",
			cmd: func(t *testing.T) actions.Command {
				c := helperCommand(t, "getenv", "0", "DATABASE_URL")
				c.Env = append(c.Env, "DATABASE_URL=postgres://app:"+url.QueryEscape(cmdPassword)+"@db:5432/app")
				return c
			},
			want: "postgres://app:[redacted]@db:5432/app"},
		{name: "secret argument echoed",
			cmd: func(t *testing.T) actions.Command {
				return helperCommand(t, "print", "--api-token="+cmdArg, "--password", cmdPassword, "restart done with "+cmdArg+" and "+cmdPassword)
			},
			want: "restart done with [redacted] and [redacted]"},
		{name: "URL argument echoed",
			cmd: func(t *testing.T) actions.Command {
				return helperCommand(t, "print", "https://deploy:"+cmdPassword+"@hooks.example.com/restart?token="+cmdToken)
			},
			want: "https://deploy:[redacted]@hooks.example.com/restart?token=[redacted]"},
		{name: "explicit secret printed",
			cmd: func(t *testing.T) actions.Command {
				c := helperCommand(t, "getenv", "0", "PLAIN_SETTING")
				c.Env = append(c.Env, "PLAIN_SETTING="+cmdExplicit)
				c.Secrets = []string{cmdExplicit}
				return c
			},
			want: "[redacted]"},
		{name: "secret where the line is clipped",
			cmd: func(t *testing.T) actions.Command {
				return helperCommand(t, "print", "--token="+cmdToken, strings.Repeat("r", 190)+cmdToken)
			},
			want: strings.Repeat("r", 190) + "[redacted]"},
		{name: "secret in the last output of a killed program",
			cmd: func(t *testing.T) actions.Command {
				c := helperCommand(t, "getenv", "hang", "DEPLOY_TOKEN")
				c.Env = append(c.Env, "DEPLOY_TOKEN="+cmdToken)
				return c
			},
			timeout: 500 * time.Millisecond,
			want:    "command timed out, killed; last output: [redacted]"},
		{name: "secret printed escaped",
			cmd: func(t *testing.T) actions.Command {
				esc, _ := json.Marshal(cmdSpecial)
				c := helperCommand(t, "print", html.EscapeString(cmdSpecial)+" "+url.QueryEscape(cmdSpecial)+" "+string(esc))
				c.Secrets = []string{cmdSpecial}
				return c
			},
			want: "[redacted] [redacted] \"[redacted]\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			got := outcome(tt.cmd(t).Run(ctx, testIncident(), "restart"))
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("Run = %q, want %q...", got, tt.want)
			}
			if leaks := checkstest.Leaks(got, cmdToken, cmdPassword, cmdArg, cmdExplicit, cmdSpecial); len(leaks) > 0 {
				t.Errorf("Run = %q reveals %q", got, leaks)
			}
		})
	}
}

// TestHTTPOutcomeHidesEscapedSecrets: a server that echoes a secret
// escaped (an HTML page, a JSON body) or so that the quoted snippet's clip
// cuts it gets no part of it shown.
func TestHTTPOutcomeHidesEscapedSecrets(t *testing.T) {
	serve := func(status int, contentType string, body func(r *http.Request) string) string {
		return newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body(r))
		}).URL
	}
	password := func(r *http.Request) string { _, pw, _ := r.BasicAuth(); return pw }
	tests := []struct {
		name string
		url  string
		want string
	}{
		{"password in an HTML page",
			serve(401, "text/html", func(r *http.Request) string {
				return "<html><body><p>bad password <b>" + html.EscapeString(password(r)) + "</b></p></body></html>"
			}),
			"HTTP 401: bad password [redacted]"},
		{"password in a JSON body",
			serve(403, "application/json", func(r *http.Request) string {
				b, _ := json.Marshal(map[string]string{"error": "bad password " + password(r)})
				return string(b)
			}),
			`HTTP 403: {"error":"bad password [redacted]"}`},
		{"token where the snippet is clipped",
			serve(500, "text/plain", func(r *http.Request) string {
				return strings.Repeat("s", 95) + r.URL.Query().Get("token")
			}),
			"HTTP 500: " + strings.Repeat("s", 95)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := strings.Replace(tt.url, "http://", "http://deploy:"+url.QueryEscape(cmdSpecial)+"@", 1) + "/hook?token=" + cmdToken
			got := outcome(actions.HTTP{URL: u}.Run(t.Context(), testIncident(), "restart"))
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("Run = %q, want %q...", got, tt.want)
			}
			if leaks := checkstest.Leaks(got, cmdSpecial, cmdToken); len(leaks) > 0 {
				t.Errorf("Run = %q reveals %q", got, leaks)
			}
		})
	}
}

// TestRailwayOutcomeHidesTheToken: whatever Railway answers, echoing the
// token, the restart's error does not show it.
func TestRailwayOutcomeHidesTheToken(t *testing.T) {
	for _, fault := range []railwaytest.Fault{
		{Status: 401, Body: "bad token " + cmdToken},
		{Status: 500, Body: "bad token " + cmdToken},
		{GraphQLError: "Not Authorized: " + cmdToken},
		{GraphQLError: "Deployment of " + cmdToken + " failed"},
		{Body: "<html>" + cmdToken},
	} {
		srv := railwaytest.New(t, railwaytest.WithToken(cmdToken))
		srv.Fail(railwaytest.AnyOp, 1, fault)
		client, err := railway.NewClient(railway.ClientOptions{URL: srv.URL(), Token: cmdToken})
		if err != nil {
			t.Fatal(err)
		}
		got := outcome(actions.Railway{API: client, ServiceID: serviceID, EnvironmentID: envID}.Run(t.Context(), testIncident(), "restart"))
		if !strings.HasPrefix(got, "Railway: finding the deployment to restart: ") {
			t.Errorf("fault %+v: Run = %q", fault, got)
		}
		if leaks := checkstest.Leaks(got, cmdToken); len(leaks) > 0 {
			t.Errorf("fault %+v: Run = %q reveals %q", fault, got, leaks)
		}
	}
}
