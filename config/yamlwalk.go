package config

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// nodeDecoder copies a parsed YAML tree into a Config, field by field, and
// reports every key it cannot use with its full path. yaml.v3's own strict
// decoding stops at line numbers ("line 7: field pol_timeout not found");
// walking the tree against the struct gives "telegram.pol_timeout" and the
// keys that are allowed there.
//
// A null value (an empty "key:" or "~") keeps what the field held, so
// defaults survive; an empty list or mapping decodes to nil, so "[]", "{}"
// and an omitted key mean the same for a field whose default is empty.
type nodeDecoder struct {
	file    string     // the config file, for problems about the whole document
	add     addFunc    // records a problem at a path
	secrets []envField // the secret fields of Config, to point secret-looking keys at them
	// failed, if set, is told the path of every value that could not be
	// decoded (and so still holds its default).
	failed func(path string)
}

// problem reports something wrong with the file's keys or structure.
func (d *nodeDecoder) problem(path, format string, args ...any) {
	if path == "" {
		path = d.file
	}
	d.add(path, fmt.Sprintf(format, args...))
}

// badValue reports a value that could not be decoded into its field.
func (d *nodeDecoder) badValue(path, format string, args ...any) {
	d.problem(path, format, args...)
	if d.failed != nil {
		d.failed(path)
	}
}

// decode copies n into v. path is v's YAML path; want describes a valid
// scalar for type errors (from the field's want tag, "" for the type's own).
func (d *nodeDecoder) decode(n *yaml.Node, v reflect.Value, path, want string) {
	n = resolve(n)
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) > 0 {
			d.decode(n.Content[0], v, path, want)
		}
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return
	}
	t := v.Type()
	if v.CanAddr() && v.Addr().Type().Implements(reflect.TypeFor[yaml.Unmarshaler]()) {
		if err := n.Decode(v.Addr().Interface()); err != nil {
			d.badValue(path, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
		}
		return
	}
	switch {
	case isScalarType(t):
		if n.Kind != yaml.ScalarNode {
			d.badValue(path, "expected %s, got %s", orType(want, t), describeNode(n))
			return
		}
		if msg := setScalar(v, n.Value, want); msg != "" {
			d.badValue(path, "%s", msg)
		}
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			d.badValue(path, "expected a mapping with the keys %s, got %s", strings.Join(yamlNames(t), ", "), describeNode(n))
			return
		}
		d.decodeStruct(n, v, path)
	case t.Kind() == reflect.Slice:
		d.decodeSlice(n, v, path, want)
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		d.decodeMap(n, v, path, want)
	case t.Kind() == reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		d.decode(n, v.Elem(), path, want)
	default:
		d.badValue(path, "cannot hold a %s (unsupported field type in package config)", t)
	}
}

func (d *nodeDecoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	fields := yamlFields(v.Type())
	for _, p := range d.pairs(n, path) {
		f, ok := fieldNamed(fields, p.key)
		if !ok {
			d.unknownKey(v.Type(), path, p.key)
			continue
		}
		d.decode(p.value, v.FieldByIndex(f.index), joinPath(path, p.key), f.want)
	}
}

func (d *nodeDecoder) decodeSlice(n *yaml.Node, v reflect.Value, path, want string) {
	switch n.Kind {
	case yaml.SequenceNode:
	case yaml.ScalarNode:
		d.badValue(path, "expected a list, got %s (write [%s] for a single item)", describeNode(n), n.Value)
		return
	default:
		d.badValue(path, "expected a list, got %s", describeNode(n))
		return
	}
	if len(n.Content) == 0 {
		v.SetZero()
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i), want)
	}
	v.Set(s)
}

func (d *nodeDecoder) decodeMap(n *yaml.Node, v reflect.Value, path, want string) {
	if n.Kind != yaml.MappingNode {
		d.badValue(path, "expected a mapping of names to values, got %s", describeNode(n))
		return
	}
	if len(n.Content) == 0 {
		v.SetZero()
		return
	}
	m := reflect.MakeMap(v.Type())
	for _, p := range d.pairs(n, path) {
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(p.value, elem, joinPath(path, p.key), want)
		m.SetMapIndex(reflect.ValueOf(p.key).Convert(v.Type().Key()), elem)
	}
	v.Set(m)
}

// pair is one key: value entry of a mapping.
type pair struct {
	key   string
	value *yaml.Node
}

// pairs returns the entries of mapping n in file order, with merge keys
// ("<<: *anchor") expanded in front so that the mapping's own keys override
// them. A key that appears twice is reported and its second value dropped.
func (d *nodeDecoder) pairs(n *yaml.Node, path string) []pair {
	var merged, own []pair
	seen := make(map[string]int) // key -> line of its first appearance
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.problem(path, "line %d: a key must be a plain name, not %s", k.Line, describeNode(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			merged = append(merged, d.mergePairs(val, path)...)
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.problem(joinPath(path, k.Value), "duplicate key on line %d (first on line %d); keep one", k.Line, first)
			continue
		}
		seen[k.Value] = k.Line
		own = append(own, pair{key: k.Value, value: val})
	}
	return append(merged, own...)
}

// mergePairs returns the entries that a merge key's value brings in: one
// mapping, or a list of mappings where earlier ones win.
func (d *nodeDecoder) mergePairs(val *yaml.Node, path string) []pair {
	val = resolve(val)
	switch val.Kind {
	case yaml.MappingNode:
		return d.pairs(val, path)
	case yaml.SequenceNode:
		var out []pair
		for i := len(val.Content) - 1; i >= 0; i-- {
			if m := resolve(val.Content[i]); m.Kind == yaml.MappingNode {
				out = append(out, d.pairs(m, path)...)
				continue
			}
			d.problem(joinPath(path, "<<"), "a merge takes mappings, got %s", describeNode(val.Content[i]))
		}
		return out
	}
	d.problem(joinPath(path, "<<"), "a merge takes a mapping or a list of mappings, got %s", describeNode(val))
	return nil
}

// resolve follows aliases (*anchor) to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// describeNode names what the user wrote, for "expected X, got Y".
func describeNode(n *yaml.Node) string {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return quote(n.Value)
}

// isScalarType reports whether t is decoded from one scalar.
func isScalarType(t reflect.Type) bool {
	if isDuration(t) {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

func orType(want string, t reflect.Type) string {
	if want != "" {
		return want
	}
	return describeType(t)
}

// structField is an exported field of a config struct.
type structField struct {
	name  string // YAML key; "" for yaml:"-"
	want  string // the want tag
	index []int
	field reflect.StructField
}

// yamlFields lists t's exported fields in order. The key is the yaml tag's
// name, or the lowercased field name as yaml.v3 does without a tag.
func yamlFields(t reflect.Type) []structField {
	var out []structField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch name {
		case "-":
			name = ""
		case "":
			name = strings.ToLower(f.Name)
		}
		out = append(out, structField{name: name, want: f.Tag.Get("want"), index: f.Index, field: f})
	}
	return out
}

// yamlNames lists the keys a mapping for t may have, in struct order.
func yamlNames(t reflect.Type) []string {
	var names []string
	for _, f := range yamlFields(t) {
		if f.name != "" {
			names = append(names, f.name)
		}
	}
	return names
}

func fieldNamed(fields []structField, key string) (structField, bool) {
	for _, f := range fields {
		if f.name != "" && f.name == key {
			return f, true
		}
	}
	return structField{}, false
}

// joinPath appends key to a YAML path.
func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
