package telegramtest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// specJSON is the Bot API reference in machine-readable form; see botapi/README.md.
//
//go:embed botapi/bot-api.json
var specJSON []byte

// loadSpec parses the embedded spec once per process. The result is never
// modified after loading, so sharing it between servers is safe; parsing it
// per server would cost ~150 ms each under -race.
var loadSpec = sync.OnceValues(func() (*apiSpec, error) { return parseSpec(specJSON) })

// apiSpec is the parsed Bot API reference: methods and object types.
type apiSpec struct {
	Version string                 `json:"version"`
	Methods map[string]*methodSpec `json:"methods"`
	Types   map[string]*typeSpec   `json:"types"`

	byLower map[string]*methodSpec // method names are case-insensitive on Telegram
}

// methodSpec describes one method: its parameters and what it returns.
type methodSpec struct {
	Name    string      `json:"name"`
	Fields  []fieldSpec `json:"fields"`
	Returns []string    `json:"returns"`

	byName map[string]*fieldSpec
}

// fieldSpec is one parameter of a method or one field of an object type.
// Types lists alternatives ("Integer", "String" for chat_id).
type fieldSpec struct {
	Name        string   `json:"name"`
	Types       []string `json:"types"`
	Required    bool     `json:"required"`
	Description string   `json:"description"`
}

// typeSpec is an object type. A type with Subtypes is a union whose members
// are told apart by a discriminator field (type, source or status).
type typeSpec struct {
	Name      string      `json:"name"`
	Fields    []fieldSpec `json:"fields"`
	Subtypes  []string    `json:"subtypes"`
	SubtypeOf []string    `json:"subtype_of"`

	byName    map[string]*fieldSpec
	discField string // e.g. "type" for BotCommandScopeChat
	discValue string // e.g. "chat"
}

// discriminatorRE finds the constant in descriptions such as
// `Scope type, must be chat` or `Type of the reaction, always "emoji"`.
var discriminatorRE = regexp.MustCompile(`(?:must be|always) "?([a-z0-9_]+)"?\s*$`)

func parseSpec(data []byte) (*apiSpec, error) {
	var s apiSpec
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("telegramtest: parse bot-api.json: %w", err)
	}
	s.byLower = make(map[string]*methodSpec, len(s.Methods))
	for _, m := range s.Methods {
		m.byName = indexFields(m.Fields)
		s.byLower[strings.ToLower(m.Name)] = m
	}
	for _, t := range s.Types {
		t.byName = indexFields(t.Fields)
		if len(t.SubtypeOf) == 0 {
			continue
		}
		for _, f := range t.Fields {
			if f.Name != "type" && f.Name != "source" && f.Name != "status" {
				continue
			}
			if m := discriminatorRE.FindStringSubmatch(f.Description); m != nil {
				t.discField, t.discValue = f.Name, m[1]
				break
			}
		}
	}
	return &s, nil
}

func indexFields(fs []fieldSpec) map[string]*fieldSpec {
	m := make(map[string]*fieldSpec, len(fs))
	for i := range fs {
		m[fs[i].Name] = &fs[i]
	}
	return m
}

// method looks a method up the way Telegram does: case-insensitively.
func (s *apiSpec) method(name string) (*methodSpec, bool) {
	m, ok := s.byLower[strings.ToLower(name)]
	return m, ok
}

// returnsBoolean reports whether a method answers plain True on success.
func (m *methodSpec) returnsBoolean() bool {
	return len(m.Returns) == 1 && m.Returns[0] == "Boolean"
}
