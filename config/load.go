package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load builds the configuration: the defaults, then the YAML file named by
// OPSBOT_CONFIG (if set) after ${VAR} expansion, then the environment
// overrides, then Validate. getenv is os.LookupEnv in production and a map
// in tests.
//
// On any problem Load returns a nil *Config and an *Error listing every
// problem (errors.Is(err, ErrInvalid) holds). A file that cannot be read or
// parsed is reported alone, since every other finding would be a guess.
// Problems about values set through the environment name the variable.
func Load(getenv func(string) (string, bool)) (*Config, error) {
	l := &loader{
		getenv: getenv,
		fields: envFields(reflect.TypeFor[Config]()),
		failed: make(map[string]bool),
		envOf:  make(map[string]string),
	}
	for _, f := range l.fields {
		if f.path != "" {
			l.envOf[f.path] = f.name
		}
	}
	cfg := Default()
	if file, _ := getenv(envConfigPath); strings.TrimSpace(file) != "" {
		if !l.loadFile(strings.TrimSpace(file), cfg) {
			return nil, l.col.err()
		}
	}
	from := applyEnv(cfg, l.fields, getenv, func(f envField, msg string) {
		l.col.add(f.name, msg)
		l.markFailed(f.path)
		l.failed[f.name] = true
	})
	for path, env := range from {
		delete(l.failed, path)
		delete(l.failed, env)
	}
	if len(cfg.Checks.List) == 0 && cfg.Checks.PrimaryBaseURL != "" && httpURLProblem(cfg.Checks.PrimaryBaseURL) == "" {
		cfg.Checks.List = PrimaryChecks(cfg.Checks.PrimaryBaseURL, getenv)
	}
	cfg.Checks.resolveSecrets(getenv)
	cfg.Escalation.resolve(getenv)
	cfg.validate(func(path, msg string) {
		if l.failed[path] {
			return // already reported as undecodable; its value is not the user's
		}
		if env, ok := from[path]; ok {
			path = env
		}
		l.col.add(path, msg)
	})
	if err := l.col.err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// loader holds the state of one Load call.
type loader struct {
	getenv func(string) (string, bool)
	fields []envField // Config's env-tagged fields
	col    collector
	// failed holds the paths (and their environment variables) whose value
	// could not be decoded, so validation does not also complain about the
	// default left in their place.
	failed map[string]bool
	envOf  map[string]string // YAML path -> environment variable that overrides it
}

func (l *loader) markFailed(path string) {
	if path == "" {
		return
	}
	l.failed[path] = true
	if env, ok := l.envOf[path]; ok {
		l.failed[env] = true
	}
}

// loadFile reads, expands, parses and decodes the YAML file into cfg. It
// returns false when the file cannot be read or parsed.
func (l *loader) loadFile(file string, cfg *Config) bool {
	data, err := os.ReadFile(file)
	if err != nil {
		l.col.add(envConfigPath, readProblem(file, err))
		return false
	}
	text := expand(string(data), l.getenv, func(line int, msg string) {
		l.col.add(file+":"+strconv.Itoa(line), msg)
	})
	root, ok := l.parse(file, text)
	if !ok {
		return false
	}
	d := &nodeDecoder{file: file, add: l.col.add, failed: l.markFailed}
	for _, f := range l.fields {
		if f.secret {
			d.secrets = append(d.secrets, f)
		}
	}
	if root != nil {
		d.decode(root, reflect.ValueOf(cfg).Elem(), "", "")
	}
	return true
}

// parse parses text as one YAML document. An empty document gives a nil
// node; a syntax error is one problem at "file:line".
func (l *loader) parse(file, text string) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, true
		}
		l.syntaxProblem(file, text, err)
		return nil, false
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		l.syntaxProblem(file, text, err)
		return nil, false
	default:
		l.col.add(fmt.Sprintf("%s:%d", file, next.Line), `a second YAML document ("---"); opsbot reads one document per file`)
		return nil, false
	}
	if len(doc.Content) == 0 {
		return nil, true
	}
	root := resolve(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil, true // "---" and nothing else
	}
	if root.Kind != yaml.MappingNode {
		l.col.add(file, "the file must be a mapping of sections (telegram:, storage:, ...), got "+describeNode(root))
		return nil, false
	}
	return &doc, true
}

// syntaxProblem turns a yaml.v3 error ("yaml: line 3: mapping values are
// not allowed in this context") into a problem at "file:3".
func (l *loader) syntaxProblem(file, text string, err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	path := file
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		num, after, _ := strings.Cut(rest, ": ")
		if n, convErr := strconv.Atoi(num); convErr == nil {
			if isParserError(after) {
				n++
			}
			path, msg = fmt.Sprintf("%s:%d", file, n), after
			if line := lineOf(text, n); strings.HasPrefix(strings.TrimLeft(line, " "), "\t") {
				msg += " (indent with spaces: YAML does not allow tabs there)"
			}
		}
	}
	l.col.add(path, "YAML syntax error: "+msg)
}

// isParserError reports whether msg comes from yaml.v3's parser rather
// than its scanner. yaml.v3 reports parser errors with a 0-based line
// number and scanner errors with a 1-based one; the tests pin both.
func isParserError(msg string) bool {
	switch msg {
	case "did not find expected key",
		"did not find expected ',' or ']'",
		"did not find expected ',' or '}'",
		"did not find expected node content",
		"did not find expected <document start>",
		"did not find expected '-' indicator":
		return true
	}
	return false
}

// lineOf returns line n (1-based) of text, or "".
func lineOf(text string, n int) string {
	lines := strings.Split(text, "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

// readProblem explains why the config file could not be read.
func readProblem(file string, err error) string {
	if info, statErr := os.Stat(file); statErr == nil && info.IsDir() {
		return fmt.Sprintf("%s is a directory; OPSBOT_CONFIG must name a YAML file", quote(file))
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("%s does not exist (OPSBOT_CONFIG names the YAML config file; unset it to configure opsbot from the environment alone)", quote(file))
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Sprintf("cannot read %s: %v", quote(file), err)
}
