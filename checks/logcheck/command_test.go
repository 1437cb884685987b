package logcheck

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// script writes an executable shell script named name into a temporary
// directory and returns its path.
func script(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func readAll(t *testing.T, src Source, window time.Duration) (string, error) {
	t.Helper()
	rc, err := src.Open(context.Background(), window)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return string(b), err
}

func TestCommandStreamsOutput(t *testing.T) {
	railway := script(t, "railway", `echo "args: $*"; echo "token set: ${RAILWAY_TOKEN:+yes}"; echo "fixed: $FIXED"; echo "leaked: ${TELEGRAM_BOT_TOKEN:-no}"; cat "$LOG"`)
	c := &Command{
		Args: []string{railway, "logs", "--since", "{since}", "--since={since}"},
		Env:  []string{"RAILWAY_TOKEN", "FIXED=1", "LOG=testdata/bot.log", "UNSET_VAR"},
		LookupEnv: func(name string) (string, bool) {
			v, ok := map[string]string{"RAILWAY_TOKEN": "rw-secret", "PATH": os.Getenv("PATH"), "TELEGRAM_BOT_TOKEN": "x"}[name]
			return v, ok
		},
	}
	c.Dir, _ = os.Getwd()
	out, err := readAll(t, c, 24*time.Hour)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	lines := strings.SplitN(out, "\n", 5)
	want := []string{"args: logs --since 24h --since=24h", "token set: yes", "fixed: 1", "leaked: no"}
	if !slices.Equal(lines[:4], want) {
		t.Errorf("got %q, want %q", lines[:4], want)
	}
	if !strings.HasSuffix(out, readFixture(t)) {
		t.Error("the log text did not come through whole")
	}
	if c.String() != "railway logs" {
		t.Errorf("String() = %q", c.String())
	}
}

func TestCommandFailures(t *testing.T) {
	failing := script(t, "railway", `echo "partial line"
echo "" >&2
echo "Error: Unauthorized. Please login with railway login (token=abc123secret)" >&2
echo "second line" >&2
exit 1`)
	silent := script(t, "railway", "exit 3")
	tests := []struct {
		name string
		cmd  *Command
		ctx  time.Duration
		want string
	}{
		{"exit with stderr", &Command{Args: []string{failing, "logs"}}, 0,
			"railway logs exited 1: Error: Unauthorized. Please login with railway login (token=***)"},
		{"exit without stderr", &Command{Args: []string{silent, "logs", "--since", "1h"}}, 0,
			"railway logs exited 3"},
		{"missing binary path", &Command{Args: []string{"/nonexistent/railway", "logs"}}, 0,
			"command not found: /nonexistent/railway"},
		{"not executable", &Command{Args: []string{"testdata/bot.log"}}, 0,
			"cannot run testdata/bot.log: permission denied"},
		{"timeout", &Command{Args: []string{script(t, "railway", "exec sleep 5"), "logs"}}, 100 * time.Millisecond,
			"railway logs timed out"},
		{"no args", &Command{}, 0, "no log command configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.ctx > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctx)
				defer cancel()
			}
			err := openAndDrain(ctx, tt.cmd)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func openAndDrain(ctx context.Context, src Source) error {
	rc, err := src.Open(ctx, time.Hour)
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

func TestCommandNotOnPath(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := openAndDrain(context.Background(), &Command{Args: []string{"railway", "logs"}})
	if err == nil || err.Error() != "command not found: railway" {
		t.Errorf("error %v", err)
	}
}

func TestCommandOutputLimit(t *testing.T) {
	c := &Command{Args: []string{"yes", "Request: /start"}, MaxBytes: 1000}
	start := time.Now()
	out, err := readAll(t, c, time.Hour)
	if !errors.Is(err, ErrOutputLimit) {
		t.Fatalf("error %v, want ErrOutputLimit", err)
	}
	if len(out) != 1000 {
		t.Errorf("read %d bytes, want 1000", len(out))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the endless command was not stopped promptly: %v", d)
	}
	// Output of exactly the limit is not over it.
	c = &Command{Args: []string{"printf", "%s", strings.Repeat("x", 100)}, MaxBytes: 100}
	if out, err := readAll(t, c, time.Hour); err != nil || len(out) != 100 {
		t.Errorf("exactly at the limit: %d bytes, %v", len(out), err)
	}
}

func TestCommandCloseStopsTheProgram(t *testing.T) {
	c := &Command{Args: []string{script(t, "railway", "echo started; exec sleep 30"), "logs"}}
	rc, err := c.Open(context.Background(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	if _, err := io.ReadFull(rc, buf); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rc.Close()
	rc.Close()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %v", d)
	}
}

func TestFormatSince(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour: "1h", 24 * time.Hour: "24h", 7 * 24 * time.Hour: "7d", 30 * 24 * time.Hour: "30d",
		90 * time.Minute: "90m", 45 * time.Second: "45s", 1500 * time.Millisecond: "1s", 0: "0s",
	} {
		if got := FormatSince(d); got != want {
			t.Errorf("FormatSince(%v) = %q, want %q", d, got, want)
		}
	}
}
