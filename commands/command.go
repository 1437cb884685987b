// Package commands holds opsbot's chat commands. Each command is plain data
// plus a handler that takes a Request and returns what to say; the bot
// package turns Telegram updates into Requests and Replies into messages.
package commands

import (
	"context"
	"errors"
	"time"

	"github.com/opsbot/opsbot/bot/render"
)

// ErrUsage is returned by a handler whose arguments are wrong; the bot then
// answers with the command's usage line.
var ErrUsage = errors.New("wrong arguments")

// Refusal is the error a handler returns when the user's role does not
// allow what the arguments ask for: a subcommand that needs more than the
// command itself, such as /maint add. The bot answers with HTML and audits
// the request as denied, as it does a command the role may not run at all.
type Refusal struct {
	// Need is the least role allowed to do it.
	Need Role
	// HTML is the answer, built with render.HTML.
	HTML string
}

// Error returns "needs admin", the audit entry's detail.
func (r *Refusal) Error() string { return "needs " + r.Need.String() }

// Refuse returns a *Refusal for need that answers text.
func Refuse(need Role, text string) error {
	return &Refusal{Need: need, HTML: render.NewHTML().Text(text).String()}
}

// Handler runs one command.
type Handler func(ctx context.Context, req Request) (Reply, error)

// Command is one chat command.
type Command struct {
	// Name is the command without the slash, lower case: "health".
	Name string
	// Description is the one-line text shown in Telegram's command menu and /help.
	Description string
	// Usage is the usage line shown for wrong arguments: "/logs [since] [class or text]".
	Usage string
	// MinRole is the least role allowed to run it.
	MinRole Role
	// Handle runs the command.
	Handle Handler
	// Placeholder, if set, returns a message the bot posts before running
	// a slow handler ("Running 5 checks…"); the reply then replaces it.
	Placeholder func(req Request) string
}

// Request is one command invocation, already authorised.
type Request struct {
	Command  string
	Args     string
	ChatID   int64
	ThreadID int
	Private  bool
	UserID   int64
	Username string
	Role     Role
	At       time.Time
}

// Reply is what a command answers.
type Reply struct {
	// HTML is Telegram HTML built with render.HTML, so it is escaped.
	HTML string
	// Keyboard is an optional inline keyboard, one slice per row.
	Keyboard [][]render.Button
	// Document is an optional file sent after the text.
	Document *Document
	// Photo is an optional image (PNG or JPEG) sent after the text, e.g. a
	// digest's chart; its Caption is plain text.
	Photo *Document
}

// Document is a file to send with a reply.
type Document struct {
	Name    string
	Data    []byte
	Caption string
}

// Text returns a Reply holding the given HTML.
func Text(h *render.HTML) Reply { return Reply{HTML: h.String()} }
