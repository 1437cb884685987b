package telegramtest

import (
	"strings"
	"testing"
)

// TestSpecIsUsable checks the embedded spec against what the validator
// assumes, so a newer bot-api.json that breaks an assumption fails here.
func TestSpecIsUsable(t *testing.T) {
	spec, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(spec.Version, "Bot API ") || len(spec.Methods) < 100 {
		t.Fatalf("spec %q with %d methods", spec.Version, len(spec.Methods))
	}
	known := func(typ string) bool {
		for {
			inner, ok := strings.CutPrefix(typ, "Array of ")
			if !ok {
				break
			}
			typ = inner
		}
		switch typ {
		case "Integer", "Float", "Boolean", "String", "InputFile":
			return true
		}
		_, ok := spec.Types[typ]
		return ok
	}
	check := func(owner string, fs []fieldSpec) {
		for _, f := range fs {
			for _, typ := range f.Types {
				if !known(typ) {
					t.Errorf("%s.%s has unknown type %q", owner, f.Name, typ)
				}
			}
		}
	}
	for _, m := range spec.Methods {
		check(m.Name, m.Fields)
	}
	for _, ts := range spec.Types {
		check(ts.Name, ts.Fields)
	}
	// Unions that the validator tells apart by a discriminator field.
	for _, union := range []string{"BotCommandScope", "InputMedia", "ReactionType", "MenuButton", "InputPaidMedia"} {
		for _, sub := range spec.Types[union].Subtypes {
			if spec.Types[sub].discField == "" {
				t.Errorf("%s member %s has no discriminator", union, sub)
			}
		}
	}
	if ts := spec.Types["BotCommandScopeChat"]; ts.discField != "type" || ts.discValue != "chat" {
		t.Errorf("BotCommandScopeChat discriminator = %q=%q", ts.discField, ts.discValue)
	}
	for _, name := range []string{"getMe", "getUpdates", "sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery",
		"sendDocument", "sendPhoto", "setMyCommands", "getMyCommands", "deleteMyCommands", "deleteMessage", "setWebhook", "deleteWebhook", "getWebhookInfo"} {
		if _, ok := spec.method(name); !ok {
			t.Errorf("method %s missing from the spec", name)
		}
	}
}

// TestEveryMethodValidates runs every method of the spec through the
// validator with no parameters: it must either pass or name a missing
// required parameter, never trip over the spec itself.
func TestEveryMethodValidates(t *testing.T) {
	spec, _ := loadSpec()
	for _, m := range spec.Methods {
		_, aerr := spec.validateRequest(m, &request{fields: map[string]string{}, files: map[string]*UploadedFile{}})
		if aerr == nil {
			continue
		}
		if !strings.Contains(aerr.Description, "is required") && !strings.Contains(aerr.Description, "is empty") &&
			!strings.Contains(aerr.Description, "query ID is invalid") {
			t.Errorf("%s: %s", m.Name, aerr.Description)
		}
	}
}

func TestBotCommandEntities(t *testing.T) {
	tests := map[string][]entity{
		"/start":                  {{Type: "bot_command", Offset: 0, Length: 6}},
		"/health@opsbot_test_bot": {{Type: "bot_command", Offset: 0, Length: 23}},
		"a/b /c":                  {{Type: "bot_command", Offset: 4, Length: 2}},
		"/":                       nil,
		"/ab/cd":                  nil,
		"(/ack)":                  {{Type: "bot_command", Offset: 1, Length: 4}},
		"😀 /x":                    {{Type: "bot_command", Offset: 3, Length: 2}},
		"/ключ":                   nil,
	}
	for in, want := range tests {
		if got := botCommandEntities(in); !equalEntities(got, want) {
			t.Errorf("botCommandEntities(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func equalEntities(a, b []entity) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
