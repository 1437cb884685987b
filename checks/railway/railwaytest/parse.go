package railwaytest

import (
	"fmt"
	"strconv"
)

// This file parses the subset of GraphQL the fake understands: one query
// or mutation operation with variable definitions, fields with aliases and
// arguments (variables or literals) and nested selection sets. Fragments,
// directives, subscriptions and block strings are rejected.

// document is a parsed operation.
type document struct {
	kind string // "query" or "mutation"
	name string
	vars []varDef
	sel  []*field
}

// varDef is "$name: Type".
type varDef struct {
	name       string
	typ        string // as written, without spaces: "[MetricMeasurement!]!"
	hasDefault bool
}

// field is one selected field.
type field struct {
	alias string // the response key; the name when no alias is given
	name  string
	args  []arg
	sel   []*field // nil for a leaf
}

// arg is one argument: a variable reference or a literal.
type arg struct {
	name  string
	value value
}

// value is an argument value: exactly one of the fields is meaningful,
// chosen by kind.
type value struct {
	kind   valueKind
	varRef string  // kindVar
	lit    any     // kindInt (int64), kindFloat, kindString, kindBool, kindNull
	enum   string  // kindEnum
	list   []value // kindList
	object map[string]value
}

type valueKind int

const (
	kindVar valueKind = iota
	kindInt
	kindFloat
	kindString
	kindBool
	kindNull
	kindEnum
	kindList
	kindObject
)

// parser is a recursive-descent parser over tokens.
type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

func (p *parser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == tokPunct && t.text == s
}

func (p *parser) expect(s string) error {
	if t := p.next(); t.kind != tokPunct || t.text != s {
		return fmt.Errorf("expected %q, found %q", s, t.text)
	}
	return nil
}

func (p *parser) name() (string, error) {
	t := p.next()
	if t.kind != tokName {
		return "", fmt.Errorf("expected a name, found %q", t.text)
	}
	return t.text, nil
}

// parse parses src as a single operation.
func parse(src string) (*document, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	d := &document{kind: "query"}
	if p.peek().kind == tokName {
		switch kw := p.next().text; kw {
		case "query", "mutation":
			d.kind = kw
		case "subscription", "fragment":
			return nil, fmt.Errorf("%s operations are not supported", kw)
		default:
			return nil, fmt.Errorf("unexpected %q at the start of the document", kw)
		}
		if p.peek().kind == tokName {
			d.name = p.next().text
		}
		if p.isPunct("(") {
			if d.vars, err = p.varDefs(); err != nil {
				return nil, err
			}
		}
	}
	if p.isPunct("@") {
		return nil, fmt.Errorf("directives are not supported")
	}
	if d.sel, err = p.selectionSet(); err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, fmt.Errorf("one operation per request: unexpected %q after the operation", t.text)
	}
	return d, nil
}

func (p *parser) varDefs() ([]varDef, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var defs []varDef
	for !p.isPunct(")") {
		if err := p.expect("$"); err != nil {
			return nil, err
		}
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		typ, err := p.typeRef()
		if err != nil {
			return nil, err
		}
		def := varDef{name: n, typ: typ}
		if p.isPunct("=") {
			p.next()
			if _, err := p.value(); err != nil {
				return nil, err
			}
			def.hasDefault = true
		}
		defs = append(defs, def)
	}
	p.next()
	if len(defs) == 0 {
		return nil, fmt.Errorf("empty variable definitions")
	}
	return defs, nil
}

// typeRef parses a type reference and returns it without spaces.
func (p *parser) typeRef() (string, error) {
	var s string
	if p.isPunct("[") {
		p.next()
		inner, err := p.typeRef()
		if err != nil {
			return "", err
		}
		if err := p.expect("]"); err != nil {
			return "", err
		}
		s = "[" + inner + "]"
	} else {
		n, err := p.name()
		if err != nil {
			return "", err
		}
		s = n
	}
	if p.isPunct("!") {
		p.next()
		s += "!"
	}
	return s, nil
}

func (p *parser) selectionSet() ([]*field, error) {
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	var fields []*field
	for !p.isPunct("}") {
		f, err := p.field()
		if err != nil {
			return nil, err
		}
		fields = append(fields, f)
	}
	p.next()
	if len(fields) == 0 {
		return nil, fmt.Errorf("empty selection set")
	}
	return fields, nil
}

func (p *parser) field() (*field, error) {
	n, err := p.name()
	if err != nil {
		return nil, err
	}
	f := &field{alias: n, name: n}
	if p.isPunct(":") {
		p.next()
		if f.name, err = p.name(); err != nil {
			return nil, err
		}
	}
	if p.isPunct("(") {
		p.next()
		for !p.isPunct(")") {
			an, err := p.name()
			if err != nil {
				return nil, err
			}
			if err := p.expect(":"); err != nil {
				return nil, err
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			f.args = append(f.args, arg{name: an, value: v})
		}
		p.next()
	}
	if p.isPunct("@") {
		return nil, fmt.Errorf("directives are not supported")
	}
	if p.isPunct("{") {
		if f.sel, err = p.selectionSet(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (p *parser) value() (value, error) {
	t := p.next()
	switch {
	case t.kind == tokPunct && t.text == "$":
		n, err := p.name()
		return value{kind: kindVar, varRef: n}, err
	case t.kind == tokInt:
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return value{}, fmt.Errorf("invalid Int %s", t.text)
		}
		return value{kind: kindInt, lit: n}, nil
	case t.kind == tokFloat:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return value{}, fmt.Errorf("invalid Float %s", t.text)
		}
		return value{kind: kindFloat, lit: f}, nil
	case t.kind == tokString:
		return value{kind: kindString, lit: t.text}, nil
	case t.kind == tokName && (t.text == "true" || t.text == "false"):
		return value{kind: kindBool, lit: t.text == "true"}, nil
	case t.kind == tokName && t.text == "null":
		return value{kind: kindNull}, nil
	case t.kind == tokName:
		return value{kind: kindEnum, enum: t.text}, nil
	case t.kind == tokPunct && t.text == "[":
		v := value{kind: kindList}
		for !p.isPunct("]") {
			if p.peek().kind == tokEOF {
				return value{}, fmt.Errorf("unterminated list")
			}
			item, err := p.value()
			if err != nil {
				return value{}, err
			}
			v.list = append(v.list, item)
		}
		p.next()
		return v, nil
	case t.kind == tokPunct && t.text == "{":
		v := value{kind: kindObject, object: map[string]value{}}
		for !p.isPunct("}") {
			k, err := p.name()
			if err != nil {
				return value{}, err
			}
			if err := p.expect(":"); err != nil {
				return value{}, err
			}
			if v.object[k], err = p.value(); err != nil {
				return value{}, err
			}
		}
		p.next()
		return v, nil
	}
	return value{}, fmt.Errorf("unexpected %q where a value belongs", t.text)
}
