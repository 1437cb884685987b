package config

import (
	"errors"
	"strings"
)

// ErrInvalid is matched by every *Error through errors.Is, so callers can
// tell a configuration problem from other failures without a type assertion.
var ErrInvalid = errors.New("invalid configuration")

// Problem is one thing wrong with the configuration.
//
// Path names where the problem is: a YAML key path such as
// "telegram.poll_timeout" or "auth.admins[1]", an environment variable such
// as "OPS_CHAT_ID", or the config file name with a line number such as
// "opsbot.yaml:12" when the problem is in the file's text. Message says what
// is wrong and what is allowed; it never contains a secret.
type Problem struct {
	Path, Message string
}

// String formats the problem as "path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// Error lists every problem found in a configuration, in a stable order:
// problems in the YAML file in file order, then environment and validation
// problems in the order of the Config struct.
type Error struct {
	Problems []Problem
}

// Error returns one line per problem, each "path: message".
func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return ErrInvalid.Error()
	}
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Is reports whether target is ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// addFunc records one problem. Every validate method takes one, so a section
// reports all of its problems instead of stopping at the first.
type addFunc func(path, msg string)

// collector gathers problems in the order they are found.
type collector struct {
	problems []Problem
}

func (c *collector) add(path, msg string) {
	c.problems = append(c.problems, Problem{Path: path, Message: msg})
}

// err returns an *Error holding the problems, or a nil error when there are
// none (never a typed nil).
func (c *collector) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &Error{Problems: c.problems}
}
