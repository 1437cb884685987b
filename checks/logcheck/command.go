package logcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Command is a Source that runs a program, without a shell, and reads its
// standard output, e.g. Args ["railway", "logs", "--since", "{since}"].
//
// The program gets a small environment, not opsbot's: PATH, HOME, USER,
// LANG, LC_ALL, TZ, TMPDIR and XDG_CONFIG_HOME when set, plus Env. A
// non-zero exit is an error naming the exit code and the first line of
// standard error; standard output beyond MaxBytes is ErrOutputLimit and
// stops the program.
type Command struct {
	// Args is the program and its arguments; SinceArg in any argument is
	// replaced by the window.
	Args []string
	// Env lists variables for the program: "NAME" passes opsbot's value
	// through (e.g. RAILWAY_TOKEN), "NAME=value" sets one.
	Env []string
	// Dir is the working directory (default opsbot's).
	Dir string
	// MaxBytes bounds standard output (default DefaultMaxBytes).
	MaxBytes int64
	// LookupEnv reads opsbot's environment (default os.LookupEnv).
	LookupEnv func(string) (string, bool)
	// Redactor masks secrets in error messages (default NewRedactor()).
	Redactor *Redactor
}

var _ Source = (*Command)(nil)

// String returns the program's base name and its first argument when that
// is a plain word: "railway logs".
func (c *Command) String() string {
	if len(c.Args) == 0 {
		return "command"
	}
	name := filepath.Base(c.Args[0])
	if len(c.Args) > 1 && plainWord(c.Args[1]) {
		name += " " + c.Args[1]
	}
	return name
}

func plainWord(s string) bool {
	if s == "" || len(s) > 30 || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !isLetter(byte(r)) && !isDigit(byte(r)) && r != '-' && r != '_' || r > 0x7f {
			return false
		}
	}
	return true
}

// Open starts the program. The returned reader streams its output; at the
// end it waits for the program and reports how it exited. Close stops the
// program if it is still running.
func (c *Command) Open(ctx context.Context, window time.Duration) (io.ReadCloser, error) {
	if len(c.Args) == 0 || c.Args[0] == "" {
		return nil, errors.New("no log command configured")
	}
	since := FormatSince(window)
	args := make([]string, len(c.Args)-1)
	for i, a := range c.Args[1:] {
		args[i] = strings.ReplaceAll(a, SinceArg, since)
	}
	cmd := exec.CommandContext(ctx, c.Args[0], args...)
	cmd.Env = c.environ()
	cmd.Dir = c.Dir
	// A grandchild holding the pipes open must not block Read or Wait
	// for ever once the program has exited or the context is done.
	cmd.WaitDelay = time.Second
	stderr := &headBuffer{max: 4 << 10}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("%s: cannot start", c)
	}
	if err := cmd.Start(); err != nil {
		return nil, c.startError(err)
	}
	red := c.Redactor
	if red == nil {
		red = NewRedactor()
	}
	limit := c.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	return &commandReader{
		name:   c.String(),
		ctx:    ctx,
		cmd:    cmd,
		out:    &limitReader{r: stdout, n: limit, what: c.String()},
		stderr: stderr,
		red:    red,
	}, nil
}

func (c *Command) environ() []string {
	lookup := c.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	// Enough for a CLI to find its binaries and its login (~/.railway).
	base := []string{"PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR", "XDG_CONFIG_HOME"}
	env := make([]string, 0, len(base)+len(c.Env))
	for _, name := range base {
		if v, ok := lookup(name); ok {
			env = append(env, name+"="+v)
		}
	}
	for _, e := range c.Env {
		if strings.Contains(e, "=") {
			env = append(env, e)
		} else if v, ok := lookup(e); ok {
			env = append(env, e+"="+v)
		}
	}
	return env
}

func (c *Command) startError(err error) error {
	switch {
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("command not found: %s", shorten(c.Args[0], 100))
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("cannot run %s: permission denied", shorten(c.Args[0], 100))
	default:
		return fmt.Errorf("cannot run %s", shorten(c.Args[0], 100))
	}
}

// commandReader streams a running program's output.
type commandReader struct {
	name   string
	ctx    context.Context
	cmd    *exec.Cmd
	out    io.Reader
	stderr *headBuffer
	red    *Redactor
	done   bool
	err    error
}

func (r *commandReader) Read(p []byte) (int, error) {
	if r.done {
		return 0, r.err
	}
	n, err := r.out.Read(p)
	switch {
	case err == io.EOF:
		r.finish(r.exitError(r.cmd.Wait()))
		return n, r.err
	case err != nil:
		r.stop()
		if r.ctx.Err() == nil {
			r.err = err
		} else {
			r.err = r.exitError(r.ctx.Err())
		}
		r.done = true
		return n, r.err
	}
	return n, nil
}

// Close stops the program if the output was not read to its end.
func (r *commandReader) Close() error {
	if !r.done {
		r.stop()
		r.finish(io.EOF)
	}
	return nil
}

func (r *commandReader) stop() {
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
}

func (r *commandReader) finish(err error) {
	r.done = true
	r.err = err
}

// exitError turns Wait's result into io.EOF or a chat-safe error.
func (r *commandReader) exitError(err error) error {
	if ctxErr := r.ctx.Err(); ctxErr != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return fmt.Errorf("%s timed out", r.name)
		}
		return fmt.Errorf("%s: %w", r.name, ctxErr)
	}
	var exit *exec.ExitError
	switch {
	case err == nil, errors.Is(err, exec.ErrWaitDelay):
		return io.EOF
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		msg := fmt.Sprintf("%s exited %d", r.name, exit.ExitCode())
		if line := safeLine(r.red, r.stderr.String()); line != "" {
			msg += ": " + line
		}
		return errors.New(msg)
	case errors.As(err, &exit):
		return fmt.Errorf("%s was killed (%s)", r.name, exit.ProcessState.String())
	default:
		return fmt.Errorf("%s failed", r.name)
	}
}

// headBuffer keeps the first max bytes written to it and drops the rest.
type headBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (h *headBuffer) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if room := h.max - len(h.buf); room > 0 {
		h.buf = append(h.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (h *headBuffer) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return string(h.buf)
}
