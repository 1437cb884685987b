package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzLoad feeds arbitrary bytes to Load as the config file. Load must
// never panic; it returns either a Config or an *Error (never both,
// never neither) whose every problem has a path and a message, and no
// message quotes the bot token it was given through the environment.
func FuzzLoad(f *testing.F) {
	if example, err := os.ReadFile("../opsbot.example.yaml"); err == nil {
		f.Add(example)
	}
	for _, seed := range []string{
		"",
		"---\n",
		"telegram:\n  poll_timeout: 30s\n",
		"telegram:\n  poll_timeout: soon\n",
		"auth:\n  admins: [1, 2, x]\n",
		"storage:\n  uri: ${MONGO_URI}\n",
		"storage:\n  uri: ${UNSET_VAR}\n",
		"a: 1\n---\nb: 2\n",
		"- just\n- a list\n",
		"telegram:\n\tpoll_timeout: 3s\n",
		"anchors: &a {x: *a}\n",
		"checks:\n  list:\n    - name: web\n      http:\n        url: https://example.com/health/json\n        json_crit: [\"status == healthy\"]\n",
		"checks:\n  list:\n    - name: \"\"\n      http: {url: ftp://x}\n",
		"escalation:\n  levels: [{after: -1m}]\n",
		"unknown_section: {}\n",
		"telegram: !!binary aGVsbG8=\n",
		"? [a, b]\n: c\n",
	} {
		f.Add([]byte(seed))
	}
	path := filepath.Join(f.TempDir(), "opsbot.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		env := baseEnv(map[string]string{
			"OPSBOT_CONFIG": path,
			"MONGO_URI":     "mongodb://user:pass@localhost:27017/opsbot",
		})
		cfg, err := Load(fakeEnv(env))
		if err == nil {
			if cfg == nil {
				t.Fatal("Load returned neither a Config nor an error")
			}
			_ = cfg.Redacted()
			return
		}
		if cfg != nil {
			t.Errorf("Load returned a Config and an error: %v", err)
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("error does not match ErrInvalid: %v", err)
		}
		var e *Error
		if !errors.As(err, &e) || len(e.Problems) == 0 {
			t.Fatalf("error is not an *Error with problems: %#v", err)
		}
		for _, p := range e.Problems {
			if strings.TrimSpace(p.Path) == "" || strings.TrimSpace(p.Message) == "" {
				t.Errorf("problem without a path or message: %#v", p)
			}
			if !utf8.ValidString(p.Path) {
				t.Errorf("problem path is not UTF-8: %q", p.Path)
			}
		}
		if strings.Contains(err.Error(), testToken) && !strings.Contains(string(data), "TELEGRAM_BOT_TOKEN") && !strings.Contains(string(data), testToken) {
			t.Errorf("an error quotes the bot token:\n%v", err)
		}
	})
}
