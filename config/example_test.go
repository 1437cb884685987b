package config

import (
	"github.com/opsbot/opsbot/checklist"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const (
	exampleYAML = "../opsbot.example.yaml"
	exampleEnv  = "../.env.example"
)

// TestExampleYAMLLoads keeps opsbot.example.yaml loadable and showing the
// defaults: loaded with just the required environment, it must equal
// Default.
func TestExampleYAMLLoads(t *testing.T) {
	cfg, err := Load(fakeEnv(baseEnv(map[string]string{
		"OPSBOT_CONFIG":         exampleYAML,
		"PRIMARY_BOT_TOKEN":     "123:secret-token-value",
		"PRIMARY_MONGODB_URI":   "mongodb://u:p@db/x",
		"PRIMARY_POSTGRES_URL":  "postgres://u:p@db/x",
		"RAILWAY_TOKEN":         "railway-secret",
		"PRIMARY_EVENTS_SECRET": "events-secret",
	})))
	if err != nil {
		t.Fatalf("%s does not load:\n%v", exampleYAML, err)
	}
	// The example shows one check of every type and a rule; the rest of
	// the file must show exactly the defaults.
	var types []string
	for _, c := range cfg.Checks.List {
		types = append(types, c.Type())
	}
	if got := strings.Join(types, ","); got != "http,http,tcp,telegram,mongodb,postgres,railway,logs,events" {
		t.Errorf("example check types: %s", got)
	}
	if len(cfg.Checks.Rules) != 1 || cfg.Checks.List[3].Telegram.Token != "123:secret-token-value" {
		t.Errorf("example rules %+v, telegram %+v", cfg.Checks.Rules, cfg.Checks.List[3].Telegram)
	}
	cfg.Checks.List, cfg.Checks.Rules = nil, nil
	// It also shows the built-in daily checklist (TestExampleDailyChecklist).
	if len(cfg.Checklists.Lists) != 1 || cfg.Checklists.Lists[0].Kind != "daily" {
		t.Errorf("example checklists %+v, want the daily list", cfg.Checklists.Lists)
	}
	cfg.Checklists.Lists = nil
	want := validConfig()
	// Load resolves the action type ""; without RAILWAY_SERVICE_ID and
	// RAILWAY_ENVIRONMENT_ID it is none.
	want.Escalation.Action.Type = ActionTypeNone
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("%s does not show the defaults:\n got %+v\nwant %+v", exampleYAML, cfg, want)
	}
}

// TestExampleYAMLHasEveryKey fails when a Config field has no key in
// opsbot.example.yaml (Load already fails on keys the struct lacks).
func TestExampleYAMLHasEveryKey(t *testing.T) {
	data, err := os.ReadFile(exampleYAML)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	have := make(map[string]bool)
	nodeKeys(&doc, "", have)
	for _, key := range structKeys(reflect.TypeFor[Config](), "") {
		if !have[key] {
			t.Errorf("%s has no key %s", exampleYAML, key)
		}
	}
}

// structKeys lists the YAML paths of t's fields; elements of lists are
// written "[]" so that a list of sections is checked too.
func structKeys(t reflect.Type, path string) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		if t.Kind() == reflect.Slice && path != "" {
			path += "[]"
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || isDuration(t) {
		return nil
	}
	var keys []string
	for _, f := range yamlFields(t) {
		if f.name == "" {
			continue
		}
		p := joinPath(path, f.name)
		keys = append(keys, p)
		keys = append(keys, structKeys(f.field.Type, p)...)
	}
	return keys
}

// nodeKeys records the key paths present in a YAML tree, in the notation
// of structKeys.
func nodeKeys(n *yaml.Node, path string, into map[string]bool) {
	n = resolve(n)
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			nodeKeys(c, path, into)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			nodeKeys(c, path+"[]", into)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := joinPath(path, n.Content[i].Value)
			into[p] = true
			nodeKeys(n.Content[i+1], p, into)
		}
	}
}

// TestEnvExampleHasEveryVariable fails when a variable Config reads is not
// documented in .env.example, or the file sets a secret.
func TestEnvExampleHasEveryVariable(t *testing.T) {
	data, err := os.ReadFile(exampleEnv)
	if err != nil {
		t.Fatal(err)
	}
	assigned := make(map[string]string)
	for _, m := range regexp.MustCompile(`(?m)^#? ?([A-Z][A-Z0-9_]*)=(.*)$`).FindAllStringSubmatch(string(data), -1) {
		assigned[m[1]] = m[2]
	}
	names := append([]string{envConfigPath}, primaryEnv...)
	for _, f := range envFields(reflect.TypeFor[Config]()) {
		names = append(names, f.name)
		if f.secret && assigned[f.name] != "" {
			t.Errorf("%s sets the secret %s; leave it empty", exampleEnv, f.name)
		}
	}
	for _, name := range names {
		if _, ok := assigned[name]; !ok {
			t.Errorf("%s does not document %s", exampleEnv, name)
		}
	}
	for name := range assigned {
		if !slices.Contains(names, name) {
			t.Errorf("%s documents %s, which config does not read", exampleEnv, name)
		}
	}
}

// The example's daily checklist is the built-in one, so that loading the
// example changes nothing and editing it starts from the real list.
func TestExampleDailyChecklist(t *testing.T) {
	cfg, err := Load(fakeEnv(baseEnv(map[string]string{
		"OPSBOT_CONFIG":         exampleYAML,
		"PRIMARY_BOT_TOKEN":     "123:secret-token-value",
		"PRIMARY_MONGODB_URI":   "mongodb://u:p@db/x",
		"PRIMARY_POSTGRES_URL":  "postgres://u:p@db/x",
		"RAILWAY_TOKEN":         "railway-secret",
		"PRIMARY_EVENTS_SECRET": "events-secret",
	})))
	if err != nil {
		t.Fatal(err)
	}
	var builtin checklist.List
	for _, l := range checklist.Defaults() {
		if l.Kind == checklist.KindDaily {
			builtin = l
		}
	}
	got := cfg.Checklists.Lists[0]
	if got.Title != builtin.Title || len(got.Items) != len(builtin.Items) {
		t.Fatalf("example daily list %q with %d items, built-in %q with %d", got.Title, len(got.Items), builtin.Title, len(builtin.Items))
	}
	for i, it := range builtin.Items {
		g := got.Items[i]
		if g.ID != it.ID || g.Text != it.Text || g.Section != it.Section || g.Verify != it.Verify {
			t.Errorf("item %d: example %+v, built-in %+v", i, g, it)
		}
	}
}
