package telegramtest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file implements button presses and answerCallbackQuery.

// firstQueryID is where callback query ids start; Telegram's are long
// decimal strings.
const firstQueryID int64 = 4382910457381920001

// callbackQuery is a button press and its answer.
type callbackQuery struct {
	from      User
	chatID    int64
	messageID int
	data      string
	answered  bool
	text      string
	showAlert bool
}

// PressButton acts as from pressing the inline button with callbackData on
// msg, a message the bot sent. It looks at the message as it now stands, as
// a real client would, and fails the test (t.Fatal, so call it from the test
// goroutine) if the message is gone or has no such button. It queues a
// callback_query update and returns the query id.
func (s *Server) PressButton(from User, msg Message, callbackData string) (queryID string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, ok := s.state.chats[msg.Chat.ID]
	if !ok {
		s.t.Fatalf("telegramtest: PressButton: chat %d is unknown", msg.Chat.ID)
	}
	m, ok := cs.msgs[msg.ID]
	if !ok {
		s.t.Fatalf("telegramtest: PressButton: message %d in chat %d does not exist (deleted?)", msg.ID, msg.Chat.ID)
	}
	if m.from.ID != s.bot.ID {
		s.t.Fatalf("telegramtest: PressButton: message %d in chat %d was not sent by the bot", msg.ID, msg.Chat.ID)
	}
	if _, ok := m.public(cs.chat).Button(callbackData); !ok {
		s.t.Fatalf("telegramtest: PressButton: message %d in chat %d has no button with callback_data %q; it has %s",
			msg.ID, msg.Chat.ID, callbackData, describeKeyboard(m.keyboard))
	}
	queryID = strconv.FormatInt(s.state.nextQuery, 10)
	s.state.nextQuery++
	s.state.queries[queryID] = &callbackQuery{from: from, chatID: cs.chat.ID, messageID: m.id, data: callbackData}
	s.queueLocked("callback_query", map[string]any{
		"id":            queryID,
		"from":          userJSON(from),
		"message":       s.messageJSONLocked(cs, m, true),
		"chat_instance": strconv.FormatInt(cs.chat.ID*-7919+1000003, 10),
		"data":          callbackData,
	})
	s.notifyLocked()
	return queryID
}

func describeKeyboard(kb [][]InlineKeyboardButton) string {
	if len(kb) == 0 {
		return "no inline keyboard"
	}
	var parts []string
	for _, row := range kb {
		for _, b := range row {
			parts = append(parts, fmt.Sprintf("%q (callback_data %q)", b.Text, b.CallbackData))
		}
	}
	return strings.Join(parts, ", ")
}

func answerCallbackQuery(s *Server, _ context.Context, p params) (any, *apiError) {
	q, ok := s.state.queries[p.str("callback_query_id")]
	if !ok || q.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if utf8.RuneCountInString(p.str("text")) > maxAnswerTextLen {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	q.answered, q.text, q.showAlert = true, p.str("text"), p.bool("show_alert")
	return true, nil
}

// Answered reports how the bot answered a callback query: ok is false while
// it has not been answered.
func (s *Server) Answered(queryID string) (text string, showAlert bool, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, found := s.state.queries[queryID]
	if !found || !q.answered {
		return "", false, false
	}
	return q.text, q.showAlert, true
}
