package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// validator checks one request against the spec and builds its normalised
// parameters: Integer -> int64, Float -> float64, Boolean -> bool,
// String -> string, objects -> map[string]any, arrays -> []any, uploaded
// files -> UploadedFile.
type validator struct {
	spec  *apiSpec
	files map[string]*UploadedFile
	used  map[string]bool // file parts consumed by a field or an attach:// reference
}

// valueError is a problem with one value inside a JSON-encoded parameter.
type valueError struct {
	path  string
	msg   string
	shape bool // wrong kind, unknown or missing field: the value is not of this type at all
}

func (e *valueError) Error() string {
	if e.path == "" {
		return e.msg
	}
	return e.path + ": " + e.msg
}

// validateRequest checks every parameter of req against method m. Unknown
// parameters are reported before missing ones, because a misspelt name
// explains the missing one.
func (s *apiSpec) validateRequest(m *methodSpec, req *request) (map[string]any, *apiError) {
	v := &validator{spec: s, files: req.files, used: map[string]bool{}}
	for _, name := range slices.Sorted(maps.Keys(req.fields)) {
		if _, ok := m.byName[name]; !ok {
			return nil, badRequest("unknown parameter %q for method %s", name, m.Name)
		}
	}
	params := make(map[string]any, len(req.fields)+len(req.files))
	for i := range m.Fields {
		f := &m.Fields[i]
		text, hasText := req.fields[f.Name]
		file, hasFile := req.files[f.Name]
		switch {
		case !hasText && !hasFile:
			if f.Required {
				return nil, missingParameter(m.Name, f.Name)
			}
		case hasFile:
			if hasText {
				return nil, badRequest("parameter %q is given twice, as a value and as a file", f.Name)
			}
			if !slices.Contains(f.Types, "InputFile") {
				return nil, badRequest("parameter %q must be %s, got an uploaded file", f.Name, strings.Join(f.Types, " or "))
			}
			v.used[f.Name] = true
			params[f.Name] = *file
		default:
			val, err := v.topValue(f, text)
			if err != nil {
				return nil, err
			}
			params[f.Name] = val
		}
	}
	for _, name := range slices.Sorted(maps.Keys(req.files)) {
		if !v.used[name] {
			return nil, badRequest("unknown parameter %q for method %s (an uploaded file nothing refers to)", name, m.Name)
		}
	}
	return params, nil
}

// missingParameter words the error the way Telegram does for the parameters
// whose wording is known.
func missingParameter(method, name string) *apiError {
	switch {
	case name == "chat_id":
		return badRequest("chat_id is empty")
	case name == "text" || name == "message_text":
		return badRequest("message text is empty")
	case name == "callback_query_id":
		return badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	return badRequest("parameter %q is required for method %s", name, method)
}

// topValue converts a top-level parameter, which arrives as text in every
// encoding (Telegram's server flattens JSON bodies to text the same way).
func (v *validator) topValue(f *fieldSpec, text string) (any, *apiError) {
	var jsonTypes []string
	for _, t := range f.Types {
		switch t {
		case "Integer":
			if n, err := strconv.ParseInt(text, 10, 64); err == nil {
				return n, nil
			}
		case "Float":
			if x, err := strconv.ParseFloat(text, 64); err == nil {
				return x, nil
			}
		case "Boolean":
			if text == "true" || text == "false" {
				return text == "true", nil
			}
		case "InputFile":
			if name, ok := strings.CutPrefix(text, "attach://"); ok {
				file, ok := v.files[name]
				if !ok {
					return nil, badRequest("parameter %q refers to %q, but no file part has that name", f.Name, text)
				}
				v.used[name] = true
				return *file, nil
			}
		case "String":
			if !slices.Contains(f.Types, "InputFile") || !strings.HasPrefix(text, "attach://") {
				return text, nil
			}
		default:
			jsonTypes = append(jsonTypes, t)
		}
	}
	if len(jsonTypes) == 0 {
		return nil, badRequest("parameter %q must be %s, got %q", f.Name, strings.Join(f.Types, " or "), clip(text))
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil || dec.More() {
		return nil, badRequest("can't parse %s JSON object: not valid JSON: %q", f.Name, clip(text))
	}
	val, err := v.union(jsonTypes, raw, "")
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			return nil, ae
		}
		return nil, badRequest("can't parse %s JSON object: %v", f.Name, err)
	}
	return val, nil
}

// union validates val against alternatives, expanding union object types
// into their members. When none fits, the most telling error wins: one from
// inside a candidate whose shape matched, not "unknown field" from all others.
func (v *validator) union(types []string, val any, path string) (any, error) {
	cands := v.expand(types)
	if len(cands) == 1 {
		return v.value(cands[0], val, path)
	}
	if obj, ok := val.(map[string]any); ok {
		var err error
		if cands, err = v.discriminate(cands, obj, path); err != nil {
			return nil, err
		}
	}
	var best error
	for _, c := range cands {
		out, err := v.value(c, val, path)
		if err == nil {
			return out, nil
		}
		var ve *valueError
		if best == nil && !(errors.As(err, &ve) && ve.shape && ve.path == path) {
			best = err
		}
	}
	if best != nil {
		return nil, best
	}
	return nil, &valueError{path: path, msg: fmt.Sprintf("must be %s, got %s", strings.Join(cands, " or "), describe(val)), shape: true}
}

// expand replaces union object types by their members, recursively.
func (v *validator) expand(types []string) []string {
	var out []string
	for _, t := range types {
		if ts, ok := v.spec.Types[t]; ok && len(ts.Subtypes) > 0 {
			out = append(out, v.expand(ts.Subtypes)...)
			continue
		}
		out = append(out, t)
	}
	return out
}

// discriminate keeps the candidates whose discriminator (e.g. "type":"chat")
// matches obj. Candidates without a discriminator are always kept.
func (v *validator) discriminate(cands []string, obj map[string]any, path string) ([]string, error) {
	var keep []string
	field, known := "", []string(nil)
	for _, c := range cands {
		ts, ok := v.spec.Types[c]
		if !ok || ts.discField == "" {
			keep = append(keep, c)
			continue
		}
		field = ts.discField
		known = append(known, ts.discValue)
		if obj[ts.discField] == ts.discValue {
			keep = append(keep, c)
		}
	}
	if len(keep) == 0 {
		got, present := obj[field]
		if !present {
			return nil, &valueError{path: path, msg: fmt.Sprintf("field %q is required", field), shape: true}
		}
		return nil, &valueError{path: join(path, field), msg: fmt.Sprintf("unsupported value %s, want one of %s", describe(got), strings.Join(known, ", "))}
	}
	return keep, nil
}

// value validates one JSON value against one type.
func (v *validator) value(typ string, val any, path string) (any, error) {
	if inner, ok := strings.CutPrefix(typ, "Array of "); ok {
		arr, ok := val.([]any)
		if !ok {
			return nil, kindError(path, typ, val)
		}
		out := make([]any, len(arr))
		for i, el := range arr {
			x, err := v.union([]string{inner}, el, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	switch typ {
	case "Integer":
		if n, ok := val.(json.Number); ok {
			if i, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
				return i, nil
			}
		}
		return nil, kindError(path, typ, val)
	case "Float":
		if n, ok := val.(json.Number); ok {
			if x, err := n.Float64(); err == nil {
				return x, nil
			}
		}
		return nil, kindError(path, typ, val)
	case "Boolean":
		if b, ok := val.(bool); ok {
			return b, nil
		}
		return nil, kindError(path, typ, val)
	case "String":
		if s, ok := val.(string); ok {
			return s, nil
		}
		return nil, kindError(path, typ, val)
	case "InputFile":
		s, ok := val.(string)
		name, isAttach := strings.CutPrefix(s, "attach://")
		if !ok || !isAttach {
			return nil, kindError(path, typ, val)
		}
		if _, ok := v.files[name]; !ok {
			return nil, &valueError{path: path, msg: fmt.Sprintf("refers to %q, but no file part has that name", s)}
		}
		v.used[name] = true
		return s, nil
	}
	ts, ok := v.spec.Types[typ]
	if !ok {
		return nil, &valueError{path: path, msg: fmt.Sprintf("type %s is not in the spec", typ)}
	}
	if len(ts.Subtypes) > 0 {
		return v.union(ts.Subtypes, val, path)
	}
	return v.object(ts, val, path)
}

// object validates a JSON object field by field, then runs the type's rule
// (see rules.go) if it has one.
func (v *validator) object(ts *typeSpec, val any, path string) (any, error) {
	obj, ok := val.(map[string]any)
	if !ok {
		return nil, kindError(path, ts.Name, val)
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if _, ok := ts.byName[k]; !ok {
			return nil, &valueError{path: path, msg: fmt.Sprintf("unknown field %q in %s", k, ts.Name), shape: true}
		}
	}
	out := make(map[string]any, len(obj))
	for i := range ts.Fields {
		f := &ts.Fields[i]
		raw, present := obj[f.Name]
		if !present || raw == nil {
			if f.Required {
				return nil, &valueError{path: path, msg: fmt.Sprintf("field %q of %s is required", f.Name, ts.Name), shape: true}
			}
			continue
		}
		x, err := v.union(f.Types, raw, join(path, f.Name))
		if err != nil {
			return nil, err
		}
		out[f.Name] = x
	}
	if rule := objectRule(ts.Name); rule != nil {
		if err := rule(ts, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func kindError(path, typ string, val any) *valueError {
	return &valueError{path: path, msg: fmt.Sprintf("must be %s, got %s", typ, describe(val)), shape: true}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// describe names a decoded JSON value for error messages.
func describe(val any) string {
	switch x := val.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "number " + x.String()
	case string:
		return fmt.Sprintf("string %q", clip(x))
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", val)
}

// clip shortens long values quoted in error messages.
func clip(s string) string { return clipN(s, 64) }

// clipN shortens s to about n bytes, on a rune boundary.
func clipN(s string, n int) string {
	if len(s) <= n {
		return s
	}
	var b bytes.Buffer
	for _, r := range s {
		if b.Len() >= n-4 {
			break
		}
		b.WriteRune(r)
	}
	return b.String() + "..."
}
