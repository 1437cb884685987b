package actions

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/opsbot/opsbot/incident"
)

// Command runs a program directly, without a shell, and ignores the
// action name. The program's environment is the bot's, then Env, then
// OPSBOT_INCIDENT (the incident's ID), OPSBOT_CHECK, OPSBOT_SEVERITY and
// OPSBOT_SUMMARY, which win over the same names earlier.
//
// The outcome is the last non-empty line of the program's output (stdout
// and stderr together) or "exit 0" when it printed nothing. When the
// context ends, the program and every process in its process group are
// killed. No error quotes an argument or the environment: arguments may
// hold secrets. Should the program print a secret, it is masked in the
// outcome and the error: Secrets, the values of the program's environment
// variables whose names say they are secret (TELEGRAM_BOT_TOKEN,
// RAILWAY_TOKEN, WEBHOOK_SECRET, DB_PASSWORD, API_KEY, ...), the password
// of any connection string in the environment or the arguments, and the
// value of a secret-named argument ("--token=x", "--password x").
type Command struct {
	// Argv is the program and its arguments; Argv[0] is looked up in PATH
	// unless it contains a slash.
	Argv []string
	// Dir is the working directory; empty means the bot's.
	Dir string
	// Env holds extra "NAME=value" entries.
	Env []string
	// Secrets are masked in the outcome and errors, whatever their
	// names (the configured secrets of the bot).
	Secrets []string
}

const (
	// maxOutput bounds the output kept: its last 64 KiB.
	maxOutput = 64 << 10
	// maxLine bounds the output line quoted in an outcome or error.
	maxLine = 200
	// waitDelay is how long Wait waits, after the program exited or was
	// killed, for output pipes that a process outside its group (one that
	// called setsid) keeps open.
	waitDelay = 3 * time.Second
)

// Run runs the program and waits for it.
func (c Command) Run(ctx context.Context, inc incident.Incident, _ string) (string, error) {
	if len(c.Argv) == 0 || c.Argv[0] == "" {
		return "", errors.New("command: no program configured")
	}
	name := oneLine(c.Argv[0], 100)
	if c.Dir != "" {
		if fi, err := os.Stat(c.Dir); err != nil || !fi.IsDir() {
			return "", fmt.Errorf("command: directory %s not found", oneLine(c.Dir, 100))
		}
	}
	cmd := exec.CommandContext(ctx, c.Argv[0], c.Argv[1:]...)
	cmd.Dir = c.Dir
	env := c.environ(inc)
	cmd.Env = env
	out := &tailBuffer{max: maxOutput}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = waitDelay
	killGroupOnCancel(cmd)
	if err := cmd.Start(); err != nil {
		if ctx.Err() != nil {
			return "", &causeError{msg: "command not started: " + ctxProblem(ctx), cause: ctx.Err()}
		}
		return "", startError(name, err)
	}
	err := cmd.Wait()
	last := lastLine(out.Bytes(), maxLine, c.redactor(env))
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil && err != nil:
		msg := "command " + ctxProblem(ctx) + ", killed"
		if last != "" {
			msg += "; last output: " + last
		}
		return "", &causeError{msg: msg, cause: ctx.Err()}
	case errors.As(err, &exitErr):
		msg := exitErr.String() // "exit status 3", "signal: killed"
		if last != "" {
			msg += ": " + last
		}
		return "", &causeError{msg: msg, cause: err}
	case err != nil && !errors.Is(err, exec.ErrWaitDelay):
		// ErrWaitDelay after a success means a daemon the program left
		// behind holds the output open: the program did its job.
		return "", &causeError{msg: "command " + name + " failed", cause: err}
	case last == "":
		return "exit 0", nil
	}
	return last, nil
}

// redactor returns what must not be quoted from the program's output,
// given its environment.
func (c Command) redactor(env []string) *redactor {
	r := &redactor{}
	r.add(c.Secrets...)
	r.addEnv(env)
	r.addArgs(c.Argv[1:])
	return r
}

// environ returns the program's environment.
func (c Command) environ(inc incident.Incident) []string {
	clean := func(s string) string { return strings.ReplaceAll(s, "\x00", "") }
	return slices.Concat(os.Environ(), c.Env, []string{
		"OPSBOT_INCIDENT=" + clean(inc.ID),
		"OPSBOT_CHECK=" + clean(inc.Check),
		"OPSBOT_SEVERITY=" + clean(string(inc.Severity)),
		"OPSBOT_SUMMARY=" + clean(inc.Summary),
	})
}

// startError explains why the program did not start, naming only it.
func startError(name string, err error) error {
	var pathErr *fs.PathError
	switch {
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return &causeError{msg: "command not found: " + name, cause: err}
	case errors.Is(err, fs.ErrPermission):
		return &causeError{msg: "command not executable: " + name, cause: err}
	case errors.Is(err, exec.ErrDot):
		return &causeError{msg: "command not run: " + name + " is relative to the current directory", cause: err}
	case errors.As(err, &pathErr):
		return &causeError{msg: "command " + name + " not started: " + oneLine(pathErr.Err.Error(), 100), cause: err}
	}
	return &causeError{msg: "command " + name + " not started", cause: err}
}

// ctxProblem says why ctx ended: "timed out" or "canceled".
func ctxProblem(ctx context.Context) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "timed out"
	}
	return "canceled"
}

// tailBuffer keeps the last max bytes written to it. os/exec writes to it
// from one goroutine at a time when it is both Stdout and Stderr.
type tailBuffer struct {
	max int
	buf []byte
}

// Write keeps the end of p and what it can of the bytes before.
func (b *tailBuffer) Write(p []byte) (int, error) {
	b.buf = append(b.buf, p[max(0, len(p)-b.max):]...)
	if len(b.buf) > 2*b.max {
		// Trimming once the buffer holds twice what it keeps copies each
		// byte at most once more.
		b.buf = append(b.buf[:0], b.buf[len(b.buf)-b.max:]...)
	}
	return len(p), nil
}

// Bytes returns the last max bytes written.
func (b *tailBuffer) Bytes() []byte { return b.buf[max(0, len(b.buf)-b.max):] }
