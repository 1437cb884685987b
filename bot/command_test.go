package bot

import (
	"testing"

	"github.com/go-telegram/bot/models"
)

func cmdEntity(n int) []models.MessageEntity {
	return []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: n}}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name     string
		msg      models.Message
		ok       bool
		want     parsedCommand
		forOpsbo bool
	}{
		{"plain", models.Message{Text: "/help", Entities: cmdEntity(5)}, true, parsedCommand{Name: "help"}, true},
		{"args", models.Message{Text: "/logs 1h  errors ", Entities: cmdEntity(5)}, true, parsedCommand{Name: "logs", Args: "1h  errors"}, true},
		{"mention us", models.Message{Text: "/help@OpsBot", Entities: cmdEntity(12)}, true, parsedCommand{Name: "help", Mention: "OpsBot"}, true},
		{"mention us with args", models.Message{Text: "/Health@opsbot api", Entities: cmdEntity(14)}, true, parsedCommand{Name: "health", Args: "api", Mention: "opsbot"}, true},
		{"other bot", models.Message{Text: "/help@PrimaryBot", Entities: cmdEntity(16)}, true, parsedCommand{Name: "help", Mention: "PrimaryBot"}, false},
		{"not at start", models.Message{Text: "see /help", Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 4, Length: 5}}}, false, parsedCommand{}, false},
		{"plain text", models.Message{Text: "hello"}, false, parsedCommand{}, false},
		{"no entities", models.Message{Text: "/status now"}, true, parsedCommand{Name: "status", Args: "now"}, true},
		{"entities but none a command", models.Message{Text: "/x is bold", Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBold, Offset: 0, Length: 2}}}, false, parsedCommand{}, false},
		{"bare slash", models.Message{Text: "/ hi"}, false, parsedCommand{}, false},
		{"newline args", models.Message{Text: "/escalate\ndb is down", Entities: cmdEntity(9)}, true, parsedCommand{Name: "escalate", Args: "db is down"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseCommand(&tt.msg)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("parseCommand(%q) = %+v, %v; want %+v, %v", tt.msg.Text, got, ok, tt.want, tt.ok)
			}
			if ok && forUs(got.Mention, "opsbot") != tt.forOpsbo {
				t.Fatalf("forUs(%q) = %v", got.Mention, !tt.forOpsbo)
			}
		})
	}
}
