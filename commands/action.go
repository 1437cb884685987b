package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Action is what an inline button runs. A button's callback_data is
// "<action name>:<argument>", at most 64 bytes; the argument is a short key
// the action looks up (never the state itself).
type Action struct {
	// Name is the callback data before the first colon.
	Name string
	// MinRole is the least role allowed to press it.
	MinRole Role
	// Handle runs the press.
	Handle func(ctx context.Context, p Press) (Outcome, error)
}

// Press is one button press, already authorised.
type Press struct {
	Action    string
	Arg       string
	ChatID    int64
	ThreadID  int
	MessageID int
	UserID    int64
	Username  string
	Role      Role
	Private   bool
}

// Outcome is what a press does: a short notice to the presser, and
// optionally an edit of the pressed message or a new message.
type Outcome struct {
	// Toast is shown to the presser (at most 200 characters); Alert shows
	// it as a dialog instead.
	Toast string
	Alert bool
	// Edit replaces the pressed message's text and keyboard.
	Edit *Reply
	// Send posts a new message in the same chat and topic.
	Send *Reply
}

// CallbackData builds a button's callback data for action and arg.
func CallbackData(action, arg string) string { return action + ":" + arg }

// ParseCallbackData splits callback data into action and argument.
func ParseCallbackData(data string) (action, arg string) {
	action, arg, _ = strings.Cut(data, ":")
	return action, arg
}

// AddAction registers a button action.
func (r *Registry) AddAction(a Action) error {
	if !commandName.MatchString(a.Name) {
		return fmt.Errorf("action %q: name must be 1-32 of a-z, 0-9, _", a.Name)
	}
	if a.Handle == nil || a.MinRole < RoleViewer {
		return fmt.Errorf("action %q needs a handler and a MinRole", a.Name)
	}
	if r.actions == nil {
		r.actions = make(map[string]Action)
	}
	if _, dup := r.actions[a.Name]; dup {
		return fmt.Errorf("action %q registered twice", a.Name)
	}
	r.actions[a.Name] = a
	return nil
}

// Actions returns the button actions, sorted by name.
func (r *Registry) Actions() []Action {
	out := make([]Action, 0, len(r.actions))
	for _, a := range r.actions {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Action returns the action called name.
func (r *Registry) Action(name string) (Action, bool) {
	a, ok := r.actions[name]
	return a, ok
}
