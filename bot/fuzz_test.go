package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/opsbot/opsbot/commands"
)

// FuzzParseCommand feeds arbitrary message text and command-entity lengths
// to the router's parser: it must never panic, and what it returns must be
// a plausible command taken from the start of the text.
//
//	go test -run '^$' -fuzz FuzzParseCommand -fuzztime 30s ./bot/
func FuzzParseCommand(f *testing.F) {
	for _, seed := range []struct {
		text string
		n    int
	}{
		{"/help", 5}, {"/help@opsbot_test_bot", 21}, {"/logs 1h errors", 5}, {"/", 1}, {"/@", 2},
		{"/x@", 3}, {"/héllo", 7}, {"/help", 99}, {"/help", -1}, {"plain text", 0}, {"/escalate\ndb down", 9},
	} {
		f.Add(seed.text, seed.n)
	}
	f.Fuzz(func(t *testing.T, text string, n int) {
		msg := &models.Message{Text: text}
		if n != 0 {
			msg.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: n}}
		}
		cmd, ok := parseCommand(msg)
		if !ok {
			return
		}
		if !strings.HasPrefix(text, "/") || cmd.Name == "" {
			t.Fatalf("parseCommand(%q, %d) = %+v from text that is no command", text, n, cmd)
		}
		if cmd.Name != strings.ToLower(cmd.Name) || strings.ContainsAny(cmd.Name, "@") {
			t.Fatalf("name %q is not normalised", cmd.Name)
		}
		if utf8.ValidString(text) && (!utf8.ValidString(cmd.Args) || cmd.Args != strings.TrimSpace(cmd.Args)) {
			t.Fatalf("args %q are not trimmed valid text", cmd.Args)
		}
	})
}

// FuzzCallbackData checks that any callback data splits without panicking
// and that building it back gives the same data.
func FuzzCallbackData(f *testing.F) {
	for _, seed := range []string{"health:primary", "logs:", "ack:INC-42", "", ":", "a:b:c", "x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		action, arg := commands.ParseCallbackData(data)
		if strings.Contains(data, ":") && commands.CallbackData(action, arg) != data {
			t.Fatalf("round trip of %q gave %q", data, commands.CallbackData(action, arg))
		}
		if strings.Contains(action, ":") {
			t.Fatalf("action %q holds a colon", action)
		}
	})
}
