// Package telegramtest is a strict fake of the Telegram Bot API for tests.
//
// New starts an httptest server that a real client (github.com/go-telegram/bot
// with bot.WithServerURL(srv.URL())) talks to. Requests are POST or GET
// /bot<token>/<method>, with parameters in the query string,
// application/x-www-form-urlencoded, multipart/form-data or application/json,
// like Telegram accepts them. Method names are case-insensitive.
//
// # Strictness
//
// Every request is validated against the embedded Bot API spec
// (botapi/bot-api.json, Bot API 10.1) and rejected with Telegram's error shape
// {"ok":false,"error_code":400,"description":"Bad Request: ..."} when it has
// an unknown parameter (Telegram ignores those; the fake does not, since they
// are always bugs), misses a required one, or has a value of the wrong type
// (objects and arrays are checked recursively, unions such as "Integer or
// String" and reply_markup's four object types included). On top of the
// types, the fake enforces what the spec states in prose and what Telegram
// enforces in practice:
//
//   - an InlineKeyboardButton has exactly one action field besides text,
//     icon_custom_emoji_id and style; presence counts, so the
//     "copy_text":{"text":""} that go-telegram/bot v1.19.0 puts on every
//     button is rejected (BUTTON_COPY_TEXT_INVALID): send keyboards as your
//     own structs or maps carrying only the fields you mean;
//   - callback_data is 1-64 bytes; message text 1-4096 characters and
//     captions at most 1024, counted in runes after entity parsing;
//   - parse_mode is HTML, MarkdownV2 or Markdown; HTML is parsed like
//     Telegram does (tags b, strong, i, em, u, ins, s, strike, del, span
//     class="tg-spoiler", tg-spoiler, a href, tg-emoji emoji-id, code, pre,
//     blockquote [expandable]; entities &lt; &gt; &amp; &quot; &#N; &#xN;),
//     with Telegram's error wording. One difference: a bare "&" is an error
//     here, while Telegram keeps it. Markdown modes are not checked;
//   - chats must be known (see SendText and AddChat), message_thread_id only
//     in forum chats, edits that change nothing answer "message is not
//     modified", callback queries can be answered once.
//
// Methods with state: getMe, getUpdates (long polling; a newer getUpdates
// terminates a waiting one with 409, as Telegram does, and getUpdates answers
// 409 while a webhook is set), setWebhook, deleteWebhook, getWebhookInfo,
// sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage,
// sendDocument, sendPhoto, answerCallbackQuery, setMyCommands,
// getMyCommands, deleteMyCommands. Any other method of the spec is validated
// too; if it returns Boolean it is answered true (after checking that its
// chat_id, if any, is a known chat), otherwise it is answered 400 "Bad
// Request: method not supported by the fake: <name>". Unknown methods answer
// 404 "Not Found", a wrong token 401 "Unauthorized". The fake does not
// deliver updates to a webhook.
//
// # Observing and steering
//
// Calls, CallsTo, WaitCall, Messages, WaitMessage, WaitFor, Commands,
// Webhook, Answered and RateLimited show what the bot did; Call.Params are
// typed by the spec (see Call). SendText, SendTextInTopic and PressButton
// act as people. Fail injects 429s, 5xx answers and delays for the next
// calls, FailDuring for a window of the server's clock; Deliver posts the
// pending updates to a webhook as Telegram would; WithRateLimits
// turns on Telegram's flood limits, measured with the clock of WithClock.
// Waiting is driven by change notifications, never by polling.
//
// A typical end-to-end test:
//
//	srv := telegramtest.New(t)
//	group := telegramtest.Chat{ID: -1001, Type: telegramtest.ChatSupergroup, Title: "Ops"}
//	alice := telegramtest.User{ID: 42, FirstName: "Alice", Username: "alice"}
//	b, _ := bot.New(srv.Token(), bot.WithServerURL(srv.URL()), ...)
//	// start the bot's polling loop; stop it and wait for it before the test returns
//	srv.SendText(group, alice, "/health@"+srv.BotUser().Username)
//	page := srv.WaitMessage(t, group.ID, func(m telegramtest.Message) bool { return m.From.IsBot })
//	q := srv.PressButton(alice, page, "ack:1")
//	srv.WaitCall(t, "answerCallbackQuery", func(c telegramtest.Call) bool { return c.Params["callback_query_id"] == q })
//
// Stop clients before the test returns: the server shuts down in t.Cleanup,
// and a client still polling then only logs connection errors.
package telegramtest
