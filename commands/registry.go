package commands

import (
	"fmt"
	"regexp"
	"sort"
)

var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// Registry is the set of commands the bot answers, in menu order.
type Registry struct {
	list    []Command
	byName  map[string]Command
	actions map[string]Action
}

// NewRegistry checks and indexes cmds. It rejects names Telegram would not
// accept and duplicates, so a wiring mistake fails at start.
func NewRegistry(cmds ...Command) (*Registry, error) {
	r := &Registry{byName: make(map[string]Command, len(cmds))}
	for _, c := range cmds {
		if err := r.add(c); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Add registers one more command.
func (r *Registry) Add(c Command) error { return r.add(c) }

func (r *Registry) add(c Command) error {
	if !commandName.MatchString(c.Name) {
		return fmt.Errorf("command %q: name must be 1-32 of a-z, 0-9, _", c.Name)
	}
	if _, dup := r.byName[c.Name]; dup {
		return fmt.Errorf("command %q registered twice", c.Name)
	}
	if c.Handle == nil {
		return fmt.Errorf("command %q has no handler", c.Name)
	}
	if len(c.Description) < 3 || len(c.Description) > 256 {
		return fmt.Errorf("command %q: description must be 3-256 characters", c.Name)
	}
	if c.MinRole < RoleViewer {
		return fmt.Errorf("command %q: MinRole must be viewer, operator or admin", c.Name)
	}
	r.list = append(r.list, c)
	r.byName[c.Name] = c
	return nil
}

// Lookup returns the command called name.
func (r *Registry) Lookup(name string) (Command, bool) {
	c, ok := r.byName[name]
	return c, ok
}

// All returns the commands in registration order.
func (r *Registry) All() []Command {
	out := make([]Command, len(r.list))
	copy(out, r.list)
	return out
}

// For returns the commands role may run, in registration order.
func (r *Registry) For(role Role) []Command {
	var out []Command
	for _, c := range r.list {
		if role.Allows(c.MinRole) {
			out = append(out, c)
		}
	}
	return out
}

// Names returns every command name, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.list))
	for _, c := range r.list {
		out = append(out, c.Name)
	}
	sort.Strings(out)
	return out
}
