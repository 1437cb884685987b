package config

import (
	"fmt"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	env := fakeEnv(map[string]string{
		"HOST":  "db.internal",
		"PORT":  "27017",
		"EMPTY": "",
		"MULTI": "a\nb",
	})
	tests := []struct {
		name, in, want string
		problems       []string // "line: message fragment"
	}{
		{name: "plain text", in: "a: b\n", want: "a: b\n"},
		{name: "braced", in: "addr: ${HOST}:${PORT}\n", want: "addr: db.internal:27017\n"},
		{name: "default when unset", in: "a: ${NOPE:-x y}\n", want: "a: x y\n"},
		{name: "default when empty", in: "a: ${EMPTY:-fallback}\n", want: "a: fallback\n"},
		{name: "default ignored when set", in: "a: ${HOST:-x}\n", want: "a: db.internal\n"},
		{name: "empty default", in: "a: ${NOPE:-}\n", want: "a: \n"},
		{name: "set but empty", in: "a: ${EMPTY}\n", want: "a: \n"},
		{name: "dollar dollar", in: "a: $$HOST costs $$5\n", want: "a: $HOST costs $5\n"},
		{name: "dollar dollar brace", in: "a: $${HOST}\n", want: "a: ${HOST}\n"},
		{name: "bare $word kept", in: "a: $HOST and $ and a$\n", want: "a: $HOST and $ and a$\n"},
		{name: "full-line comment not expanded", in: "# a: ${NOPE}\n  # ${NOPE}\na: 1\n", want: "# a: ${NOPE}\n  # ${NOPE}\na: 1\n"},
		{name: "trailing comment not expanded", in: "a: ${HOST} # or ${NOPE}\n", want: "a: db.internal # or ${NOPE}\n"},
		{name: "hash inside a word is not a comment", in: "a: x#${HOST}\n", want: "a: x#db.internal\n"},
		{name: "hash inside quotes is not a comment", in: "a: \"x #${HOST}\" # ${NOPE}\nb: 'it''s #${PORT}'\n",
			want: "a: \"x #db.internal\" # ${NOPE}\nb: 'it''s #27017'\n"},
		{name: "escaped quote", in: `a: "say \" #${HOST}"` + "\n", want: `a: "say \" #db.internal"` + "\n"},
		{name: "no trailing newline", in: "a: ${PORT}", want: "a: 27017"},
		{name: "unset", in: "a: 1\nb: ${NOPE}\n", want: "a: 1\nb: \n",
			problems: []string{"2: ${NOPE} is used but NOPE is not set (set it, or give a default: ${NOPE:-value})"}},
		{name: "unterminated", in: "a: ${HOST\n", want: "a: ${HOST\n",
			problems: []string{`1: "${" has no closing "}" on this line`}},
		{name: "invalid name", in: "a: ${1X} ${A B} ${}\n", want: "a:   \n",
			problems: []string{"1: ${1X} is not a valid reference", "1: ${A B} is not a valid reference", "1: ${} is not a valid reference"}},
		{name: "line break in value", in: "a: ${MULTI}\n", want: "a: \n",
			problems: []string{"1: ${MULTI}: the value has a line break"}},
		{name: "several problems keep their lines", in: "a: ${X1}\nb: ok\nc: ${X2} ${X3}\n", want: "a: \nb: ok\nc:  \n",
			problems: []string{"1: ${X1} is used", "3: ${X2} is used", "3: ${X3} is used"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			out := expand(tt.in, env, func(line int, msg string) { got = append(got, fmt.Sprintf("%d: %s", line, msg)) })
			if out != tt.want {
				t.Errorf("expand(%q) = %q, want %q", tt.in, out, tt.want)
			}
			if len(got) != len(tt.problems) {
				t.Fatalf("problems = %q, want %q", got, tt.problems)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.problems[i]) {
					t.Errorf("problem %d = %q, want prefix %q", i, got[i], tt.problems[i])
				}
			}
		})
	}
}

func TestLoadExpandsYAML(t *testing.T) {
	yaml := `
telegram:
  # The chat comes from the environment; comments may mention ${ANYTHING}.
  ops_chat_id: ${CHAT}
  api_url: http://${BOTAPI_HOST:-localhost}:8081
  poll_timeout: ${POLL:-45s}
storage:
  database: opsbot_${STAGE}
`
	cfg, err, _ := loadYAML(t, yaml, map[string]string{"OPS_CHAT_ID": "", "CHAT": "-100555", "STAGE": "prod"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Telegram.OpsChatID != -100555 || cfg.Telegram.APIURL != "http://localhost:8081" ||
		cfg.Telegram.PollTimeout.String() != "45s" || cfg.Storage.Database != "opsbot_prod" {
		t.Errorf("expansion not applied: %+v", cfg)
	}
}

func TestLoadExpansionProblemNamesFileAndLine(t *testing.T) {
	_, err, file := loadYAML(t, "log:\n  level: info\nstorage:\n  database: opsbot_${STAGE}\n", nil)
	wantProblems(t, err, file+":4: ${STAGE} is used but STAGE is not set")
}
