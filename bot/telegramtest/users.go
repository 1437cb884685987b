package telegramtest

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// This file lets tests act as people writing to the bot.

// SendText acts as from writing text in chat: the chat becomes known and a
// "message" update is queued (a "channel_post" in a channel). Like
// Telegram, it adds a bot_command entity for every "/cmd" or "/cmd@bot"
// token at a word boundary. It returns the message as queued. Invalid input
// (empty or over-long text, a private chat whose id is not the user's id)
// fails the test given to New.
func (s *Server) SendText(chat Chat, from User, text string) Message {
	s.t.Helper()
	return s.sendAs(chat, from, 0, text)
}

// SendTextInTopic is SendText in forum topic threadID of a forum chat: the
// message carries message_thread_id and is_topic_message.
func (s *Server) SendTextInTopic(chat Chat, threadID int, from User, text string) Message {
	s.t.Helper()
	if !chat.IsForum || threadID <= 0 {
		s.t.Fatalf("telegramtest: SendTextInTopic: chat %d is not a forum or thread %d is invalid", chat.ID, threadID)
	}
	return s.sendAs(chat, from, threadID, text)
}

func (s *Server) sendAs(chat Chat, from User, threadID int, text string) Message {
	s.t.Helper()
	switch {
	case strings.TrimSpace(text) == "":
		s.t.Fatalf("telegramtest: SendText: Telegram clients cannot send an empty message")
	case utf8.RuneCountInString(text) > maxTextLen:
		s.t.Fatalf("telegramtest: SendText: Telegram clients cannot send more than %d characters", maxTextLen)
	case chat.Type != ChatPrivate && chat.Type != ChatGroup && chat.Type != ChatSupergroup && chat.Type != ChatChannel:
		s.t.Fatalf("telegramtest: SendText: chat %d has type %q; want private, group, supergroup or channel", chat.ID, chat.Type)
	case chat.Type == ChatPrivate && chat.ID != from.ID:
		s.t.Fatalf("telegramtest: SendText: a private chat's id (%d) is the user's id (%d)", chat.ID, from.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.addChatLocked(chat)
	m := &storedMessage{
		from:     from,
		kind:     kindText,
		text:     formatted{Raw: text, Plain: text},
		threadID: threadID,
		userEnts: botCommandEntities(text),
	}
	s.addMessageLocked(cs, m)
	j := s.messageJSONLocked(cs, m, true)
	kind := "message"
	if chat.Type == ChatChannel {
		kind = "channel_post"
		delete(j, "from")
		j["sender_chat"] = chatJSON(chat)
	}
	s.queueLocked(kind, j)
	s.notifyLocked()
	return m.public(cs.chat)
}

// botCommandEntities finds bot commands the way Telegram's clients and
// server do (tdlib's match_bot_commands): "/" at a word boundary, 1-64
// ASCII letters, digits or underscores, optionally "@" and a 3-32 character
// bot username, not followed by a word character.
func botCommandEntities(text string) []entity {
	runes := []rune(text)
	boundary := func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '/' || r == '<' || r == '>')
	}
	var out []entity
	for i := 0; i < len(runes); i++ {
		if runes[i] != '/' || (i > 0 && !boundary(runes[i-1])) {
			continue
		}
		j := i + 1
		for j < len(runes) && isCommandRune(runes[j]) {
			j++
		}
		if n := j - i - 1; n == 0 || n > 64 {
			continue
		}
		end := j
		if j < len(runes) && runes[j] == '@' {
			k := j + 1
			for k < len(runes) && k-j-1 < 32 && isCommandRune(runes[k]) {
				k++
			}
			if n := k - j - 1; n >= 3 {
				end = k
			}
		}
		if end < len(runes) && !boundary(runes[end]) {
			continue
		}
		out = append(out, entity{Type: "bot_command", Offset: utf16Len(runes[:i]), Length: utf16Len(runes[i:end])})
		i = end - 1
	}
	return out
}

func isCommandRune(r rune) bool {
	return r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

func utf16Len(rs []rune) int {
	n := 0
	for _, r := range rs {
		n += utf16.RuneLen(r)
	}
	return n
}
