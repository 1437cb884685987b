package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// testToken has the shape of a bot token and is obviously not one.
const testToken = "123456789:AAtest_test-test_test-test_test-test"

// fakeEnv is a getenv backed by a map.
func fakeEnv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// baseEnv is the least environment that loads: a token and a chat id,
// plus extra (which may override them; "" values are kept as set-but-empty).
func baseEnv(extra map[string]string) map[string]string {
	m := map[string]string{
		"TELEGRAM_BOT_TOKEN": testToken,
		"OPS_CHAT_ID":        "-1001234567890",
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// writeConfig writes text to opsbot.yaml in a temporary directory and
// returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "opsbot.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadYAML loads text as the config file with baseEnv(extra).
func loadYAML(t *testing.T, text string, extra map[string]string) (*Config, error, string) {
	t.Helper()
	path := writeConfig(t, text)
	env := baseEnv(extra)
	env["OPSBOT_CONFIG"] = path
	cfg, err := Load(fakeEnv(env))
	return cfg, err, path
}

// problemsOf returns err's problems, failing the test when err is not an
// *Error.
func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	if err == nil {
		t.Fatal("got no error, want problems")
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error is %T, want *Error: %v", err, err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("errors.Is(err, ErrInvalid) = false")
	}
	return e.Problems
}

// wantProblems checks that err holds exactly the problems want, in order.
// Each want entry is "path: message fragment"; the message must contain the
// fragment.
func wantProblems(t *testing.T, err error, want ...string) {
	t.Helper()
	got := problemsOf(t, err)
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(got), len(want), err)
	}
	for i, w := range want {
		path, frag, _ := strings.Cut(w, ": ")
		if got[i].Path != path || !strings.Contains(got[i].Message, frag) {
			t.Errorf("problem %d = %q\nwant path %q and message containing %q", i, got[i].String(), path, frag)
		}
	}
}

// parseForTest parses text and returns the root mapping.
func parseForTest(t *testing.T, text string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

// mappingValue returns the value of key in mapping m.
func mappingValue(t *testing.T, m *yaml.Node, key string) *yaml.Node {
	t.Helper()
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	t.Fatalf("no key %q", key)
	return nil
}
