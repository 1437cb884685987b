package telegramtest

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Telegram's limits, counted in characters after entity parsing.
const (
	maxTextLen         = 4096
	maxCaptionLen      = 1024
	maxAnswerTextLen   = 200
	maxCallbackDataLen = 64 // bytes
	maxCopyTextLen     = 256
	maxCommands        = 100
)

// objectRule returns what the spec states in prose for some object types;
// the rule sees the object after its fields passed type validation.
func objectRule(typeName string) func(*typeSpec, map[string]any) error {
	switch typeName {
	case "InlineKeyboardButton":
		return inlineButtonRule
	case "CopyTextButton":
		return copyTextRule
	case "BotCommand":
		return botCommandRule
	}
	return nil
}

// inlineButtonRule: "Exactly one of the fields other than text,
// icon_custom_emoji_id, and style must be used to specify the type of the
// button." Presence counts, not value: "copy_text":{"text":""} is a field set.
func inlineButtonRule(ts *typeSpec, b map[string]any) error {
	if strings.TrimSpace(b["text"].(string)) == "" {
		return badRequest("BUTTON_TEXT_INVALID")
	}
	var actions []string
	for _, f := range ts.Fields {
		switch f.Name {
		case "text", "icon_custom_emoji_id", "style":
			continue
		}
		if _, ok := b[f.Name]; ok {
			actions = append(actions, f.Name)
		}
	}
	switch {
	case len(actions) == 0:
		return badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	case len(actions) > 1:
		return badRequest("can't parse inline keyboard button: exactly one of the optional fields must be used, got %s", strings.Join(actions, ", "))
	}
	if data, ok := b["callback_data"].(string); ok && (len(data) == 0 || len(data) > maxCallbackDataLen) {
		return badRequest("BUTTON_DATA_INVALID")
	}
	if u, ok := b["url"].(string); ok && !validButtonURL(u) {
		return badRequest("BUTTON_URL_INVALID")
	}
	return nil
}

func validButtonURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "http", "https":
		return u.Host != ""
	case "tg":
		return true
	}
	return false
}

// copyTextRule rejects what go-telegram/bot v1.19.0 sends on every button:
// "copy_text":{"text":""}. Telegram answers BUTTON_COPY_TEXT_INVALID.
func copyTextRule(_ *typeSpec, c map[string]any) error {
	n := utf8.RuneCountInString(c["text"].(string))
	if n == 0 || n > maxCopyTextLen {
		return badRequest("BUTTON_COPY_TEXT_INVALID")
	}
	return nil
}

var commandRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

func botCommandRule(_ *typeSpec, c map[string]any) error {
	if !commandRE.MatchString(c["command"].(string)) {
		return badRequest("BOT_COMMAND_INVALID")
	}
	n := utf8.RuneCountInString(strings.TrimSpace(c["description"].(string)))
	if n == 0 || n > 256 {
		return badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
	}
	return nil
}

// formatted is a text or caption as Telegram stores it: the plain text after
// entity parsing, and the entities.
type formatted struct {
	Raw       string
	ParseMode string
	Plain     string
	Entities  []entity
	Explicit  any // the "entities" parameter, when the client sent entities itself
}

// parseFormatted applies parse_mode the way Telegram does. HTML is checked
// strictly (see html.go); Markdown and MarkdownV2 are accepted as they are.
func parseFormatted(raw, parseMode string, explicit any) (formatted, *apiError) {
	f := formatted{Raw: raw, ParseMode: parseMode, Plain: raw, Explicit: explicit}
	switch strings.ToLower(parseMode) {
	case "":
	case "html":
		plain, ents, err := parseHTML(raw)
		if err != nil {
			return f, badRequest("can't parse entities: %v", err)
		}
		f.Plain, f.Entities = plain, ents
	case "markdown", "markdownv2":
	default:
		return f, badRequest("unsupported parse_mode")
	}
	return f, nil
}

// checkText enforces the 1-4096 character rule for message text.
func checkText(f formatted) *apiError {
	n := utf8.RuneCountInString(strings.TrimSpace(f.Plain))
	switch {
	case n == 0:
		return badRequest("message text is empty")
	case n > maxTextLen:
		return badRequest("message is too long")
	}
	return nil
}

// checkCaption enforces the 0-1024 character rule for captions.
func checkCaption(f formatted) *apiError {
	if utf8.RuneCountInString(strings.TrimSpace(f.Plain)) > maxCaptionLen {
		return badRequest("message caption is too long")
	}
	return nil
}
