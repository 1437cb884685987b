package config

import (
	"reflect"
	"strings"
)

// Environment variables that are not fields of Config.
const envConfigPath = "OPSBOT_CONFIG"

// envField is a Config field tagged env:"NAME".
type envField struct {
	name   string // the environment variable
	secret bool   // env:"NAME,secret": environment only, never echoed
	path   string // the field's YAML path, "" when it has none (yaml:"-")
	parent string // the YAML path of the struct that holds the field
	want   string // the field's want tag
	index  []int  // for reflect.Value.FieldByIndex from Config
}

// envFields lists the env-tagged fields of struct type t and of the structs
// nested in it (not inside lists or maps), in field order.
func envFields(t reflect.Type) []envField {
	var out []envField
	var walk func(t reflect.Type, path string, index []int)
	walk = func(t reflect.Type, path string, index []int) {
		for _, f := range yamlFields(t) {
			idx := append(append([]int(nil), index...), f.index...)
			if tag, ok := f.field.Tag.Lookup("env"); ok {
				name, opt, _ := strings.Cut(tag, ",")
				ef := envField{name: name, secret: opt == "secret", parent: path, want: f.want, index: idx}
				if f.name != "" {
					ef.path = joinPath(path, f.name)
				}
				out = append(out, ef)
			}
			if f.name != "" && f.field.Type.Kind() == reflect.Struct && !isDuration(f.field.Type) {
				walk(f.field.Type, joinPath(path, f.name), idx)
			}
		}
	}
	walk(t, "", nil)
	return out
}

// applyEnv sets fields (Config's env-tagged fields) of c from getenv. A variable counts
// when it is set and not empty after trimming spaces (a trailing newline
// from a secrets file is common). A value that does not parse is reported
// through bad and leaves the field as it was. applyEnv returns, for each
// YAML path it set, the variable that set it, so later problems about that
// field can name the variable the user actually wrote.
func applyEnv(c *Config, fields []envField, getenv func(string) (string, bool), bad func(f envField, msg string)) map[string]string {
	from := make(map[string]string)
	root := reflect.ValueOf(c).Elem()
	for _, f := range fields {
		raw, _ := getenv(f.name)
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		if msg := setScalar(root.FieldByIndex(f.index), raw, f.want); msg != "" {
			if f.secret {
				msg = "is not valid (the value is not shown because it is a secret)"
			}
			bad(f, msg)
			continue
		}
		if f.path != "" {
			from[f.path] = f.name
		}
	}
	return from
}
