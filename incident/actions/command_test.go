package actions_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opsbot/opsbot/incident/actions"
)

// helperCommand returns a Command running the test binary in mode.
func helperCommand(t *testing.T, mode string, args ...string) actions.Command {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("os.Executable: %v", err)
	}
	// GORACE: a race-enabled binary otherwise sleeps a second when it
	// exits with status 0.
	return actions.Command{
		Argv: append([]string{exe, mode}, args...),
		Env:  []string{helperEnv, "GORACE=atexit_sleep_ms=0"},
	}
}

func TestCommandOutcomeIsLastLine(t *testing.T) {
	tests := []struct {
		name string
		cmd  actions.Command
		want string
	}{
		{"last non-empty line", helperCommand(t, "print", "stopping api", "starting api", "api is up", "", "   "), "api is up"},
		{"stderr counts", helperCommand(t, "stderr", "restarted via stderr"), "restarted via stderr"},
		{"no output", helperCommand(t, "print"), "exit 0"},
		{"long line clipped", helperCommand(t, "print", strings.Repeat("é", 500)), strings.Repeat("é", 199) + "…"},
		{"control characters removed", helperCommand(t, "print", "\x1b[32mok\x1b[0m\tdone\r"), "ok done"},
		{"end of a large output", helperCommand(t, "flood"), "final line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cmd.Run(t.Context(), testIncident(), "restart")
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got != tt.want {
				t.Errorf("outcome = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCommandEnvironment(t *testing.T) {
	cmd := helperCommand(t, "env")
	// Env cannot pass off another incident: OPSBOT_* come last and win.
	cmd.Env = append(cmd.Env, "EXTRA=from-config", "OPSBOT_INCIDENT=INC-1")
	got, err := cmd.Run(t.Context(), testIncident(), "restart")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := "OPSBOT_INCIDENT=INC-42 OPSBOT_CHECK=api-health OPSBOT_SEVERITY=critical " +
		"OPSBOT_SUMMARY=GET /health answered 503 EXTRA=from-config"
	if got != want {
		t.Errorf("environment seen = %q, want %q", got, want)
	}
}

func TestCommandDir(t *testing.T) {
	dir := t.TempDir()
	cmd := helperCommand(t, "pwd")
	cmd.Dir = dir
	got, err := cmd.Run(t.Context(), testIncident(), "restart")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if want, _ := filepath.EvalSymlinks(dir); got != dir && got != want {
		t.Errorf("working directory = %q, want %q", got, dir)
	}

	cmd.Dir = filepath.Join(dir, "missing")
	if _, err := cmd.Run(t.Context(), testIncident(), "restart"); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("Run in a missing directory: %v, want an error naming the directory", err)
	}
}

func TestCommandNonZeroExit(t *testing.T) {
	cmd := helperCommand(t, "exit", "3", "restarting api", "api did not come up")
	out, err := cmd.Run(t.Context(), testIncident(), "restart")
	if err == nil {
		t.Fatalf("Run = %q, want an error", out)
	}
	if want := "exit status 3: api did not come up"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}

	_, err = helperCommand(t, "exit", "4").Run(t.Context(), testIncident(), "restart")
	if err == nil || err.Error() != "exit status 4" {
		t.Errorf("silent exit 4: %v, want exit status 4", err)
	}
}

func TestCommandNotFound(t *testing.T) {
	for _, argv0 := range []string{"opsbot-no-such-program", filepath.Join(t.TempDir(), "no-such-program")} {
		cmd := actions.Command{Argv: []string{argv0, "--password=arg-secret-123"}}
		_, err := cmd.Run(t.Context(), testIncident(), "restart")
		if want := "command not found: " + argv0; err == nil || err.Error() != want {
			t.Errorf("Run(%s): %v, want %q", argv0, err, want)
		}
	}
	if _, err := (actions.Command{}).Run(t.Context(), testIncident(), "restart"); err == nil {
		t.Error("Run without Argv succeeded")
	}
}

func TestCommandNotExecutable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "script")
	if err := os.WriteFile(path, []byte("#!/bin/sh\necho hi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := actions.Command{Argv: []string{path}}.Run(t.Context(), testIncident(), "restart")
	if err == nil || !strings.Contains(err.Error(), "not executable") || !strings.Contains(err.Error(), path) {
		t.Errorf("Run of a file without x bit: %v, want command not executable: %s", err, path)
	}
}

func TestCommandCanceledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := helperCommand(t, "print", "never").Run(ctx, testIncident(), "restart")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run with a canceled context: %v, want context.Canceled", err)
	}
}
