package actions_test

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/incident"
)

// helperEnv makes the test binary act as the program a Command runs, as
// os/exec's own tests do.
const helperEnv = "OPSBOT_ACTIONS_HELPER=1"

func TestMain(m *testing.M) {
	if os.Getenv("OPSBOT_ACTIONS_HELPER") == "1" {
		os.Exit(helper(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// helper is the program: args[0] says what to do.
func helper(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "helper: no mode")
		return 2
	}
	switch mode, rest := args[0], args[1:]; mode {
	case "print": // each argument on a line of stdout
		for _, a := range rest {
			fmt.Println(a)
		}
	case "stderr": // each argument on a line of stderr
		for _, a := range rest {
			fmt.Fprintln(os.Stderr, a)
		}
	case "exit": // exit code, then lines to print
		for _, a := range rest[1:] {
			fmt.Println(a)
		}
		code, _ := strconv.Atoi(rest[0])
		return code
	case "env": // the incident's variables, on one line
		var parts []string
		for _, k := range []string{"OPSBOT_INCIDENT", "OPSBOT_CHECK", "OPSBOT_SEVERITY", "OPSBOT_SUMMARY", "EXTRA"} {
			parts = append(parts, k+"="+os.Getenv(k))
		}
		fmt.Println(strings.Join(parts, " "))
	case "getenv": // exit code (or "hang"), then the values of the variables named, a line each
		for _, name := range rest[1:] {
			fmt.Println(os.Getenv(name))
		}
		if rest[0] == "hang" {
			waitForKill()
		}
		code, _ := strconv.Atoi(rest[0])
		return code
	case "pwd":
		wd, _ := os.Getwd()
		fmt.Println(wd)
	case "flood": // 256 KiB of lines, then one more
		line := strings.Repeat("x", 1023) + "\n"
		for range 256 {
			fmt.Print(line)
		}
		fmt.Println("final line")
	case "hang": // start a child sharing stdout, then wait for a kill
		return hang()
	case "hang-child":
		fmt.Println("grandchild up")
		ready := os.NewFile(3, "ready")
		_, _ = ready.Write([]byte{1})
		_ = ready.Close()
		waitForKill()
	default:
		fmt.Fprintln(os.Stderr, "helper: unknown mode", mode)
		return 2
	}
	return 0
}

// hang starts a grandchild that holds the output pipe open, waits until
// it runs, says so and waits to be killed.
func hang() int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	child := exec.Command(exe, "hang-child")
	child.Stdout, child.Stderr, child.ExtraFiles = os.Stdout, os.Stderr, []*os.File{w}
	if err := child.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_ = w.Close()
	if _, err := r.Read(make([]byte, 1)); err != nil {
		fmt.Fprintln(os.Stderr, "grandchild did not start:", err)
		return 1
	}
	fmt.Println("waiting with grandchild")
	waitForKill()
	return 0
}

// waitForKill blocks until the process is killed (or interrupted).
func waitForKill() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	<-c
}

// testIncident is the incident the tests' actions run for.
func testIncident() incident.Incident {
	return incident.Incident{
		Seq:      42,
		ID:       "INC-42",
		Check:    "api-health",
		Target:   "https://api.example.com/health",
		Severity: checks.SeverityCritical,
		Summary:  "GET /health answered 503",
		Status:   incident.StatusOpen,
		Level:    incident.L1,
		OpenedAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
	}
}
