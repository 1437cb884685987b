package railwaytest

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// operation is a request that passed validation.
type operation struct {
	kind string // "query" or "mutation"
	root *field
	// args are the root field's arguments with variables substituted, as
	// JSON values decoded with UseNumber; arguments not given are absent.
	args map[string]any
}

// validate checks d and the request's variables against the schema, the
// way a GraphQL server does before executing anything, and returns the
// operation to execute. Error texts follow graphql-js's wording.
func validate(d *document, vars map[string]any) (*operation, error) {
	roots := rootFields[d.kind]
	if len(d.sel) != 1 {
		return nil, fmt.Errorf("the fake answers exactly one root field per request, got %d", len(d.sel))
	}
	f := d.sel[0]
	rootType, ok := roots[f.name]
	if !ok {
		return nil, fmt.Errorf("Cannot query field %q on type %q.", f.name, opType(d.kind))
	}
	defs, err := checkVarDefs(d.vars, vars)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	if err := checkArgs(f, defs, used); err != nil {
		return nil, err
	}
	for _, def := range d.vars {
		if !used[def.name] {
			return nil, fmt.Errorf("Variable \"$%s\" is never used in operation %q.", def.name, d.name)
		}
	}
	if err := checkSelection(f.sel, parseType(rootType), opType(d.kind)+"."+f.name); err != nil {
		return nil, err
	}
	op := &operation{kind: d.kind, root: f, args: map[string]any{}}
	for _, a := range f.args {
		if a.value.kind == kindVar {
			v, given := vars[a.value.varRef]
			if !given {
				continue // an unset nullable variable: the argument is not given
			}
			op.args[a.name] = v
			continue
		}
		op.args[a.name] = toJSON(a.value, vars)
	}
	return op, nil
}

func opType(kind string) string {
	if kind == "mutation" {
		return "Mutation"
	}
	return "Query"
}

// checkVarDefs checks the variable definitions and the values given for
// them, and returns the definitions' types by name.
func checkVarDefs(defs []varDef, vars map[string]any) (map[string]typeRef, error) {
	types := map[string]typeRef{}
	for _, def := range defs {
		if _, dup := types[def.name]; dup {
			return nil, fmt.Errorf("There can be only one variable named \"$%s\".", def.name)
		}
		t := parseType(def.typ)
		if !t.knownInput() {
			return nil, fmt.Errorf("Unknown type %q (variable \"$%s\").", def.typ, def.name)
		}
		types[def.name] = t
		v, given := vars[def.name]
		switch {
		case given:
			if err := checkJSON(t, v, "Variable \"$"+def.name+"\""); err != nil {
				return nil, fmt.Errorf("%v (declared %s).", err, def.typ)
			}
		case t.nonNull && !def.hasDefault:
			return nil, fmt.Errorf("Variable \"$%s\" of required type %q was not provided.", def.name, def.typ)
		}
	}
	for name := range vars {
		if _, ok := types[name]; !ok {
			// graphql-js ignores such values; the fake does not, since a
			// client sending them has a bug.
			return nil, fmt.Errorf("Variable \"$%s\" is given a value but not defined by the operation.", name)
		}
	}
	return types, nil
}

// checkArgs checks a root field's arguments and marks the variables used.
func checkArgs(f *field, defs map[string]typeRef, used map[string]bool) error {
	schemaArgs := fieldArgs[f.name]
	seen := map[string]bool{}
	for _, a := range f.args {
		at, ok := schemaArgs[a.name]
		if !ok {
			return fmt.Errorf("Unknown argument %q on field %q.", a.name, f.name)
		}
		if seen[a.name] {
			return fmt.Errorf("There can be only one argument named %q.", a.name)
		}
		seen[a.name] = true
		if err := checkLiteral(parseType(at), a.value, defs, used, "argument "+a.name); err != nil {
			return err
		}
	}
	for name, at := range schemaArgs {
		if !seen[name] && parseType(at).nonNull {
			return fmt.Errorf("Field %q argument %q of type %q is required, but it was not provided.", f.name, name, at)
		}
	}
	return nil
}

// checkLiteral checks an argument value (a variable or a literal) against
// t; path names it in errors.
func checkLiteral(t typeRef, v value, defs map[string]typeRef, used map[string]bool, path string) error {
	if v.kind == kindVar {
		vt, ok := defs[v.varRef]
		if !ok {
			return fmt.Errorf("Variable \"$%s\" is not defined.", v.varRef)
		}
		used[v.varRef] = true
		if !compatible(vt, t) {
			return fmt.Errorf("Variable \"$%s\" of type %q used in position expecting type %q (%s).", v.varRef, vt.String(), t.String(), path)
		}
		return nil
	}
	bad := func() error { return fmt.Errorf("%s: expected type %q, found %s.", path, t.String(), v.describe()) }
	if v.kind == kindNull {
		if t.nonNull {
			return bad()
		}
		return nil
	}
	if t.list != nil {
		if v.kind != kindList {
			return checkLiteral(*t.list, v, defs, used, path) // a single value counts as a list of one
		}
		for i, item := range v.list {
			if err := checkLiteral(*t.list, item, defs, used, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	}
	if fields, ok := inputTypes[t.name]; ok {
		if v.kind != kindObject {
			return bad()
		}
		for k, fv := range v.object {
			ft, ok := fields[k]
			if !ok {
				return fmt.Errorf("%s: field %q is not defined by type %q.", path, k, t.name)
			}
			if err := checkLiteral(parseType(ft), fv, defs, used, path+"."+k); err != nil {
				return err
			}
		}
		for k, ft := range fields {
			if _, given := v.object[k]; !given && parseType(ft).nonNull {
				return fmt.Errorf("%s: field %q of type %q is required.", path, k, ft)
			}
		}
		return nil
	}
	if values, ok := enumTypes[t.name]; ok {
		if v.kind != kindEnum || !slices.Contains(values, v.enum) {
			return bad()
		}
		return nil
	}
	switch t.name {
	case "String", "DateTime":
		if v.kind != kindString {
			return bad()
		}
		if t.name == "DateTime" {
			if _, err := time.Parse(time.RFC3339Nano, v.lit.(string)); err != nil {
				return bad()
			}
		}
	case "ID":
		if v.kind != kindString && v.kind != kindInt {
			return bad()
		}
	case "Int":
		if n, ok := v.lit.(int64); v.kind != kindInt || !ok || n < math.MinInt32 || n > math.MaxInt32 {
			return bad()
		}
	case "Float":
		if v.kind != kindInt && v.kind != kindFloat {
			return bad()
		}
	case "Boolean":
		if v.kind != kindBool {
			return bad()
		}
	}
	return nil
}

// checkSelection checks a selection set against the output type t.
func checkSelection(sel []*field, t typeRef, path string) error {
	for t.list != nil {
		t = *t.list
	}
	fields, isObject := objectTypes[t.name]
	switch {
	case !isObject && sel != nil:
		return fmt.Errorf("Field %q must not have a selection since type %q has no subfields.", path, t.name)
	case isObject && sel == nil:
		return fmt.Errorf("Field %q of type %q must have a selection of subfields.", path, t.name)
	}
	keys := map[string]string{}
	for _, f := range sel {
		ft, ok := fields[f.name]
		if !ok {
			return fmt.Errorf("Cannot query field %q on type %q.", f.name, t.name)
		}
		if len(f.args) > 0 {
			return fmt.Errorf("Unknown argument %q on field \"%s.%s\".", f.args[0].name, t.name, f.name)
		}
		if prev, dup := keys[f.alias]; dup && prev != f.name {
			return fmt.Errorf("Fields %q conflict because %s and %s are different fields.", f.alias, prev, f.name)
		}
		keys[f.alias] = f.name
		if err := checkSelection(f.sel, parseType(ft), t.name+"."+f.name); err != nil {
			return err
		}
	}
	return nil
}

// String renders t as GraphQL writes it.
func (t typeRef) String() string {
	s := t.name
	if t.list != nil {
		s = "[" + t.list.String() + "]"
	}
	if t.nonNull {
		s += "!"
	}
	return s
}

// describe renders a literal for an error message.
func (v value) describe() string {
	switch v.kind {
	case kindString:
		return strconv.Quote(v.lit.(string))
	case kindEnum:
		return v.enum
	case kindList:
		return "a list"
	case kindObject:
		return "an object"
	case kindNull:
		return "null"
	default:
		return fmt.Sprint(v.lit)
	}
}

// toJSON turns a literal into the JSON value a variable would carry.
func toJSON(v value, vars map[string]any) any {
	switch v.kind {
	case kindVar:
		return vars[v.varRef]
	case kindInt:
		return json.Number(strconv.FormatInt(v.lit.(int64), 10))
	case kindFloat:
		return json.Number(strconv.FormatFloat(v.lit.(float64), 'g', -1, 64))
	case kindEnum:
		return v.enum
	case kindList:
		out := make([]any, len(v.list))
		for i, item := range v.list {
			out[i] = toJSON(item, vars)
		}
		return out
	case kindObject:
		out := map[string]any{}
		for k, item := range v.object {
			out[k] = toJSON(item, vars)
		}
		return out
	default:
		return v.lit
	}
}
