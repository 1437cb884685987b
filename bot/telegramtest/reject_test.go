package telegramtest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/opsbot/opsbot/bot/telegramtest"
)

// Each rejection rule, exercised with plain JSON requests.

func TestRejections(t *testing.T) {
	plainGroup := telegramtest.Chat{ID: -4001, Type: telegramtest.ChatGroup, Title: "No topics"}
	forum := telegramtest.Chat{ID: -1009001, Type: telegramtest.ChatSupergroup, Title: "Forum", IsForum: true}
	okButton := map[string]any{"text": "Ack", "callback_data": "ack:1"}
	markup := func(buttons ...map[string]any) map[string]any {
		row := make([]any, len(buttons))
		for i, b := range buttons {
			row[i] = b
		}
		return map[string]any{"inline_keyboard": []any{row}}
	}
	msg := func(extra map[string]any) map[string]any {
		m := map[string]any{"chat_id": opsGroup.ID, "text": "hello"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	html := func(text string) map[string]any { return msg(map[string]any{"text": text, "parse_mode": "HTML"}) }

	tests := []struct {
		name   string
		method string
		body   map[string]any
		code   int
		want   string
	}{
		{"unknown method", "sendMessages", msg(nil), 404, "Not Found"},
		{"unknown field", "sendMessage", msg(map[string]any{"reply_to_message_id": 1}), 400, `Bad Request: unknown parameter "reply_to_message_id"`},
		{"missing chat_id", "sendMessage", map[string]any{"text": "x"}, 400, "Bad Request: chat_id is empty"},
		{"missing text", "sendMessage", map[string]any{"chat_id": opsGroup.ID}, 400, "Bad Request: message text is empty"},
		{"missing required elsewhere", "deleteMessage", map[string]any{"chat_id": opsGroup.ID}, 400, `parameter "message_id" is required`},
		{"integer not an integer", "deleteMessage", map[string]any{"chat_id": opsGroup.ID, "message_id": "12x"}, 400, `"message_id" must be Integer`},
		{"integer is fractional", "deleteMessage", map[string]any{"chat_id": opsGroup.ID, "message_id": 1.5}, 400, `"message_id" must be Integer`},
		{"boolean not a boolean", "sendMessage", msg(map[string]any{"disable_notification": "yes"}), 400, `"disable_notification" must be Boolean`},
		{"object not JSON", "sendMessage", msg(map[string]any{"reply_markup": "{not json"}), 400, "can't parse reply_markup JSON object"},
		{"array where object wanted", "sendMessage", msg(map[string]any{"link_preview_options": []any{}}), 400, "must be LinkPreviewOptions, got an array"},
		{"nested wrong type", "sendMessage", msg(map[string]any{"reply_markup": markup(map[string]any{"text": 5, "callback_data": "x"})}), 400, "inline_keyboard[0][0].text: must be String, got number 5"},
		{"nested unknown field", "sendMessage", msg(map[string]any{"reply_markup": markup(map[string]any{"text": "a", "callback_data": "x", "colour": "red"})}), 400, `unknown field "colour" in InlineKeyboardButton`},
		{"nested missing field", "sendMessage", msg(map[string]any{"reply_parameters": map[string]any{"quote": "x"}}), 400, `field "message_id" of ReplyParameters is required`},
		{"markup matching no union member", "sendMessage", msg(map[string]any{"reply_markup": map[string]any{"buttons": []any{}}}), 400, "must be InlineKeyboardMarkup or ReplyKeyboardMarkup or ReplyKeyboardRemove or ForceReply"},
		{"unknown scope type", "setMyCommands", map[string]any{"commands": []any{}, "scope": map[string]any{"type": "everyone"}}, 400, `type: unsupported value string "everyone"`},
		{"chat_id of the wrong kind", "sendMessage", msg(map[string]any{"chat_id": true}), 400, "chat not found"},
		{"unknown chat", "sendMessage", msg(map[string]any{"chat_id": 777}), 400, "Bad Request: chat not found"},
		{"thread in a non-forum chat", "sendMessage", map[string]any{"chat_id": plainGroup.ID, "text": "x", "message_thread_id": 5}, 400, "Bad Request: message thread not found"},
		{"two-action button", "sendMessage", msg(map[string]any{"reply_markup": markup(map[string]any{"text": "a", "callback_data": "x", "url": "https://example.com"})}), 400, "exactly one of the optional fields must be used, got url, callback_data"},
		{"no-action button", "sendMessage", msg(map[string]any{"reply_markup": markup(map[string]any{"text": "a"})}), 400, "Text buttons are unallowed in the inline keyboard"},
		{"copy_text button", "sendMessage", msg(map[string]any{"reply_markup": markup(map[string]any{"text": "a", "callback_data": "x", "copy_text": map[string]any{"text": ""}})}), 400, "Bad Request: BUTTON_COPY_TEXT_INVALID"},
		{"long callback_data", "sendMessage", msg(map[string]any{"reply_markup": markup(okButton, map[string]any{"text": "b", "callback_data": strings.Repeat("x", 65)})}), 400, "Bad Request: BUTTON_DATA_INVALID"},
		{"empty callback_data", "sendMessage", msg(map[string]any{"reply_markup": markup(map[string]any{"text": "b", "callback_data": ""})}), 400, "Bad Request: BUTTON_DATA_INVALID"},
		{"bad button url", "sendMessage", msg(map[string]any{"reply_markup": markup(map[string]any{"text": "b", "url": "javascript:alert(1)"})}), 400, "BUTTON_URL_INVALID"},
		{"4097-char text", "sendMessage", msg(map[string]any{"text": strings.Repeat("é", 4097)}), 400, "Bad Request: message is too long"},
		{"4097 chars after HTML parsing", "sendMessage", html("<b>" + strings.Repeat("a", 4097) + "</b>"), 400, "Bad Request: message is too long"},
		{"whitespace-only text", "sendMessage", msg(map[string]any{"text": " \n "}), 400, "Bad Request: message text is empty"},
		{"caption too long", "sendDocument", map[string]any{"chat_id": opsGroup.ID, "document": "https://example.com/r.pdf", "caption": strings.Repeat("c", 1025)}, 400, "Bad Request: message caption is too long"},
		{"unsupported parse_mode", "sendMessage", msg(map[string]any{"parse_mode": "Textile"}), 400, "Bad Request: unsupported parse_mode"},
		{"html unknown tag", "sendMessage", html("abcd <foo>x</foo>"), 400, `Bad Request: can't parse entities: Unsupported start tag "foo" at byte offset 5`},
		{"html bare <", "sendMessage", html("cpu < 90%"), 400, `Unsupported start tag "" at byte offset 4`},
		{"html bare &", "sendMessage", html("a & b"), 400, `can't parse entities: Unescaped "&" at byte offset 2`},
		{"html unknown named entity", "sendMessage", html("a&nbsp;b"), 400, `Unescaped "&" at byte offset 1`},
		{"html unclosed tag", "sendMessage", html("<b>bold"), 400, `Can't find end tag corresponding to start tag "b"`},
		{"html mis-nested", "sendMessage", html("<b><i>x</b></i>"), 400, `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{"html stray end tag", "sendMessage", html("x</b>"), 400, "Unexpected end tag at byte offset 1"},
		{"html unclosed start tag", "sendMessage", html("x <b"), 400, "Unclosed start tag at byte offset 2"},
		{"html span without spoiler class", "sendMessage", html("<span>x</span>"), 400, `Tag "span" must have class "tg-spoiler"`},
		{"html attribute without value", "sendMessage", html(`<a href>x</a>`), 400, "Expected equal sign"},
		{"answer unknown query", "answerCallbackQuery", map[string]any{"callback_query_id": "123"}, 400, "Bad Request: query is too old and response timeout expired or query ID is invalid"},
		{"unsupported method", "getChat", map[string]any{"chat_id": opsGroup.ID}, 400, "Bad Request: method not supported by the fake"},
		{"boolean method, unknown chat", "sendChatAction", map[string]any{"chat_id": 5, "action": "typing"}, 400, "chat not found"},
		{"webhook without https", "setWebhook", map[string]any{"url": "http://example.com/hook"}, 400, "An HTTPS URL must be provided"},
	}
	s := telegramtest.New(t)
	s.AddChat(opsGroup)
	s.AddChat(plainGroup)
	s.AddChat(forum)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, call(t, s, tc.method, tc.body), tc.code, tc.want)
		})
	}
	if n := len(s.Messages(opsGroup.ID)); n != 0 {
		t.Errorf("rejected sends left %d messages", n)
	}

	// The accepted counterparts of some rules.
	for name, body := range map[string]map[string]any{
		"4096 chars":             msg(map[string]any{"text": strings.Repeat("é", 4096)}),
		"64-byte callback_data":  msg(map[string]any{"reply_markup": markup(map[string]any{"text": "b", "callback_data": strings.Repeat("x", 64)})}),
		"well-formed HTML":       html(`<b>b</b> <i>i</i> <u>u</u> <s>s</s> <tg-spoiler>sp</tg-spoiler> <span class="tg-spoiler">sp</span> <a href="https://example.com/?a=1&amp;b=2">link</a> <code>c</code> <pre><code class="language-go">x := 1</code></pre> <blockquote expandable>q</blockquote> &lt;&gt;&amp;&quot;&#39;&#x1F600; <tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`),
		"MarkdownV2 unchecked":   msg(map[string]any{"text": "*bold*", "parse_mode": "MarkdownV2"}),
		"thread in forum":        {"chat_id": forum.ID, "text": "x", "message_thread_id": 5},
		"chat_id as string":      msg(map[string]any{"chat_id": "-1001234567890"}),
		"reply keyboard":         msg(map[string]any{"reply_markup": map[string]any{"keyboard": []any{[]any{map[string]any{"text": "yes"}}}, "one_time_keyboard": true}}),
		"force reply":            msg(map[string]any{"reply_markup": map[string]any{"force_reply": true}}),
		"boolean method, known":  {"chat_id": opsGroup.ID, "action": "typing"},
		"url and callback split": msg(map[string]any{"reply_markup": markup(okButton, map[string]any{"text": "runbook", "url": "https://example.com/runbook"})}),
	} {
		t.Run("accepts "+name, func(t *testing.T) {
			method := "sendMessage"
			if name == "boolean method, known" {
				method = "sendChatAction"
			}
			wantOK(t, call(t, s, method, body))
		})
	}
}

func TestRejectWrongToken(t *testing.T) {
	s := telegramtest.New(t)
	a := callCtx(t, t.Context(), s, "/bot123:wrong/getMe", map[string]any{})
	wantError(t, a, http.StatusUnauthorized, "Unauthorized")
	a = callCtx(t, t.Context(), s, "/nothing", map[string]any{})
	wantError(t, a, http.StatusNotFound, "Not Found")
	if calls := s.Calls(); len(calls) != 2 || calls[0].Status != 401 || calls[1].Status != 404 {
		t.Errorf("calls = %+v", calls)
	}
}

func TestEditRules(t *testing.T) {
	s := telegramtest.New(t)
	s.AddChat(opsGroup)
	userMsg := s.SendText(opsGroup, alice, "hi bot")
	kb := map[string]any{"inline_keyboard": []any{[]any{map[string]any{"text": "Ack", "callback_data": "ack"}}}}
	id := sentID(t, call(t, s, "sendMessage", map[string]any{"chat_id": opsGroup.ID, "text": "<b>page</b>", "parse_mode": "HTML", "reply_markup": kb}))

	edit := func(extra map[string]any) answer {
		body := map[string]any{"chat_id": opsGroup.ID, "message_id": id}
		for k, v := range extra {
			body[k] = v
		}
		return call(t, s, "editMessageText", body)
	}
	wantError(t, edit(map[string]any{"text": "<b>page</b>", "parse_mode": "HTML", "reply_markup": kb}), 400, "Bad Request: message is not modified")
	wantError(t, edit(map[string]any{"text": "<b>page</b", "parse_mode": "HTML"}), 400, "Unclosed end tag")
	wantError(t, edit(map[string]any{"message_id": 999, "text": "x"}), 400, "Bad Request: message to edit not found")
	wantError(t, edit(map[string]any{"message_id": userMsg.ID, "text": "x"}), 400, "Bad Request: message can't be edited")
	wantError(t, edit(map[string]any{"reply_markup": kb}), 400, "Bad Request: message text is empty")
	wantOK(t, edit(map[string]any{"text": "<b>page</b>", "parse_mode": "HTML"})) // drops the keyboard
	wantError(t, call(t, s, "editMessageReplyMarkup", map[string]any{"chat_id": opsGroup.ID, "message_id": id}), 400, "message is not modified")
	wantOK(t, call(t, s, "editMessageReplyMarkup", map[string]any{"chat_id": opsGroup.ID, "message_id": id, "reply_markup": kb}))

	m, _ := s.Message(opsGroup.ID, id)
	if m.EditCount != 2 || len(m.ReplyMarkup) != 1 {
		t.Errorf("message = %+v", m)
	}
	wantOK(t, call(t, s, "deleteMessage", map[string]any{"chat_id": opsGroup.ID, "message_id": id}))
	wantError(t, call(t, s, "deleteMessage", map[string]any{"chat_id": opsGroup.ID, "message_id": id}), 400, "Bad Request: message to delete not found")
	wantError(t, edit(map[string]any{"text": "x"}), 400, "message to edit not found")

	wantError(t, call(t, s, "sendMessage", map[string]any{"chat_id": opsGroup.ID, "text": "re", "reply_parameters": map[string]any{"message_id": 999}}), 400, "message to be replied not found")
	wantOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": opsGroup.ID, "text": "re", "reply_parameters": map[string]any{"message_id": userMsg.ID}}))
}

func TestAnswerCallbackQueryRules(t *testing.T) {
	s := telegramtest.New(t)
	s.AddChat(opsGroup)
	kb := map[string]any{"inline_keyboard": []any{[]any{map[string]any{"text": "Ack", "callback_data": "ack"}}}}
	id := sentID(t, call(t, s, "sendMessage", map[string]any{"chat_id": opsGroup.ID, "text": "page", "reply_markup": kb}))
	m, _ := s.Message(opsGroup.ID, id)
	q := s.PressButton(alice, m, "ack")
	wantError(t, call(t, s, "answerCallbackQuery", map[string]any{"callback_query_id": q, "text": strings.Repeat("x", 201)}), 400, "MESSAGE_TOO_LONG")
	wantOK(t, call(t, s, "answerCallbackQuery", map[string]any{"callback_query_id": q, "text": "ok", "show_alert": true}))
	if text, alert, ok := s.Answered(q); text != "ok" || !alert || !ok {
		t.Errorf("Answered = %q %v %v", text, alert, ok)
	}
	wantError(t, call(t, s, "answerCallbackQuery", map[string]any{"callback_query_id": q}), 400, "query is too old")
}
