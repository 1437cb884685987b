package telegramtest

import (
	"context"
	"encoding/json"
)

// This file implements the methods that send, edit and delete messages.

func sendMessage(s *Server, _ context.Context, p params) (any, *apiError) {
	cs, threadID, aerr := s.targetLocked(p)
	if aerr != nil {
		return nil, aerr
	}
	text, aerr := parseFormatted(p.str("text"), p.str("parse_mode"), p["entities"])
	if aerr != nil {
		return nil, aerr
	}
	if aerr := checkText(text); aerr != nil {
		return nil, aerr
	}
	replyTo, aerr := replyLocked(cs, p)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.admitLocked(cs.chat); aerr != nil {
		return nil, aerr
	}
	m := &storedMessage{from: s.bot, kind: kindText, text: text, threadID: threadID, replyTo: replyTo}
	m.markup, m.keyboard = inlineMarkup(p["reply_markup"])
	s.addMessageLocked(cs, m)
	return s.messageJSONLocked(cs, m, true), nil
}

// targetLocked resolves chat_id and message_thread_id of a send.
func (s *Server) targetLocked(p params) (*chatState, int, *apiError) {
	cs, aerr := s.chatLocked(p["chat_id"])
	if aerr != nil {
		return nil, 0, aerr
	}
	if !p.has("message_thread_id") {
		return cs, 0, nil
	}
	thread := p.int("message_thread_id")
	if !cs.chat.IsForum || thread <= 0 {
		return nil, 0, badRequest("message thread not found")
	}
	return cs, int(thread), nil
}

// replyLocked checks reply_parameters against the chat.
func replyLocked(cs *chatState, p params) (int, *apiError) {
	rp := p.obj("reply_parameters")
	if rp == nil {
		return 0, nil
	}
	id := int(rp["message_id"].(int64))
	if other, ok := rp["chat_id"]; ok && other != cs.chat.ID {
		return 0, badRequest("replies to messages in other chats are not supported by the fake")
	}
	if _, ok := cs.msgs[id]; ok {
		return id, nil
	}
	if allow, _ := rp["allow_sending_without_reply"].(bool); allow {
		return 0, nil
	}
	return 0, badRequest("message to be replied not found")
}

// inlineMarkup keeps reply_markup when it is an inline keyboard; Telegram
// does not echo reply keyboards, so neither does the fake.
func inlineMarkup(markup any) (any, [][]InlineKeyboardButton) {
	m, ok := markup.(map[string]any)
	if !ok {
		return nil, nil
	}
	if _, ok := m["inline_keyboard"]; !ok {
		return nil, nil
	}
	return m, decodeKeyboard(m)
}

func editMessageText(s *Server, _ context.Context, p params) (any, *apiError) {
	cs, m, aerr := s.editTargetLocked(p, "edit")
	if aerr != nil {
		return nil, aerr
	}
	if p.has("rich_message") {
		return nil, badRequest("rich_message is not supported by the fake")
	}
	if !p.has("text") {
		return nil, badRequest("message text is empty")
	}
	if m.kind != kindText {
		return nil, badRequest("there is no text in the message to edit")
	}
	text, aerr := parseFormatted(p.str("text"), p.str("parse_mode"), p["entities"])
	if aerr != nil {
		return nil, aerr
	}
	if aerr := checkText(text); aerr != nil {
		return nil, aerr
	}
	markup, keyboard := inlineMarkup(p["reply_markup"])
	if sameJSON(m.text.Plain, text.Plain) && sameJSON(m.text.entitiesValue(), text.entitiesValue()) && sameJSON(m.markup, markup) {
		return nil, notModified()
	}
	m.text, m.markup, m.keyboard = text, markup, keyboard
	s.editedLocked(m)
	return s.messageJSONLocked(cs, m, true), nil
}

func editMessageReplyMarkup(s *Server, _ context.Context, p params) (any, *apiError) {
	cs, m, aerr := s.editTargetLocked(p, "edit")
	if aerr != nil {
		return nil, aerr
	}
	markup, keyboard := inlineMarkup(p["reply_markup"])
	if sameJSON(m.markup, markup) {
		return nil, notModified()
	}
	m.markup, m.keyboard = markup, keyboard
	s.editedLocked(m)
	return s.messageJSONLocked(cs, m, true), nil
}

func notModified() *apiError {
	return badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
}

func (s *Server) editedLocked(m *storedMessage) {
	m.editCount++
	m.editDate = s.now()
}

// editTargetLocked finds the message an edit or delete refers to.
func (s *Server) editTargetLocked(p params, verb string) (*chatState, *storedMessage, *apiError) {
	if p.has("inline_message_id") {
		return nil, nil, badRequest("MESSAGE_ID_INVALID (inline messages are not supported by the fake)")
	}
	if !p.has("chat_id") {
		return nil, nil, badRequest("chat_id is empty")
	}
	cs, aerr := s.chatLocked(p["chat_id"])
	if aerr != nil {
		return nil, nil, aerr
	}
	if !p.has("message_id") {
		return nil, nil, badRequest("message identifier is not specified")
	}
	m, ok := cs.msgs[int(p.int("message_id"))]
	if !ok {
		return nil, nil, badRequest("message to %s not found", verb)
	}
	if verb == "edit" && m.from.ID != s.bot.ID {
		return nil, nil, badRequest("message can't be edited")
	}
	return cs, m, nil
}

func deleteMessage(s *Server, _ context.Context, p params) (any, *apiError) {
	cs, m, aerr := s.editTargetLocked(p, "delete")
	if aerr != nil {
		return nil, aerr
	}
	delete(cs.msgs, m.id)
	return true, nil
}

// entitiesValue is what Telegram compares and reports as the entities.
func (f formatted) entitiesValue() any {
	if f.Explicit != nil {
		return f.Explicit
	}
	if len(f.Entities) == 0 {
		return nil
	}
	return f.Entities
}

// sameJSON compares two values as Telegram would see them on the wire.
func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}
