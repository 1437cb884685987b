package bot

import (
	"strings"

	"github.com/go-telegram/bot/models"
)

// parsedCommand is a command found at the start of a message.
type parsedCommand struct {
	Name    string // lower case, without slash or @mention
	Args    string // the rest of the message, trimmed
	Mention string // the @bot part, without @, if any
}

// parseCommand finds the command a message starts with. Telegram marks it
// with a bot_command entity at offset 0; a command anywhere else in the text
// is not a command to us. For messages without entities (some clients and
// test tools) a leading "/word" counts too.
func parseCommand(msg *models.Message) (parsedCommand, bool) {
	text := msg.Text
	if text == "" || text[0] != '/' {
		return parsedCommand{}, false
	}
	end := -1
	for _, e := range msg.Entities {
		if e.Type == models.MessageEntityTypeBotCommand && e.Offset == 0 {
			end = e.Length // the command token is ASCII, so UTF-16 units are bytes
			break
		}
	}
	if len(msg.Entities) > 0 && end < 0 {
		return parsedCommand{}, false
	}
	if end < 0 || end > len(text) || !isASCII(text[:end]) {
		// No entity, or one that does not cover an ASCII command token
		// (entity lengths count UTF-16 units; a real command is ASCII):
		// the command runs to the first space.
		end = strings.IndexAny(text, " \t\n")
		if end < 0 {
			end = len(text)
		}
	}
	token := text[1:end]
	name, mention, _ := strings.Cut(token, "@")
	if name == "" {
		return parsedCommand{}, false
	}
	return parsedCommand{
		Name:    strings.ToLower(name),
		Args:    strings.TrimSpace(text[end:]),
		Mention: mention,
	}, true
}

// forUs reports whether a command addressed with mention is meant for the
// bot called username: no mention, or a mention of us (case-insensitive).
func forUs(mention, username string) bool {
	return mention == "" || strings.EqualFold(mention, username)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
