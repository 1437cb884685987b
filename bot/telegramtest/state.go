package telegramtest

import (
	"slices"
	"strings"
	"time"
)

// state is everything the fake remembers; guarded by Server.mu.
type state struct {
	chats      map[int64]*chatState
	byUsername map[string]int64 // lower-case username -> chat id, for "@name" chat ids

	updates updateQueue
	webhook WebhookInfo

	queries   map[string]*callbackQuery
	nextQuery int64

	commands     map[CommandScope][]BotCommand
	lastCommands []BotCommand

	faults      map[string][]*faultEntry
	delayed     int // calls now held back by an injected delay
	limiter     rateLimiter
	rateLimited int

	files    map[string]*storedFile // by file_id
	nextFile int
}

func newState() state {
	return state{
		chats:      map[int64]*chatState{},
		byUsername: map[string]int64{},
		updates:    updateQueue{nextID: firstUpdateID},
		queries:    map[string]*callbackQuery{},
		nextQuery:  firstQueryID,
		commands:   map[CommandScope][]BotCommand{},
		faults:     map[string][]*faultEntry{},
		files:      map[string]*storedFile{},
	}
}

// chatState is a chat and its messages.
type chatState struct {
	chat   Chat
	nextID int
	msgs   map[int]*storedMessage
	order  []int // message ids in sending order, deleted ones included
}

// storedMessage is a message as the fake keeps it.
type storedMessage struct {
	id        int
	from      User
	date      time.Time
	kind      string    // "text", "document", "photo"
	text      formatted // the text, or the caption of a document or photo
	threadID  int
	replyTo   int
	markup    any // normalised InlineKeyboardMarkup, nil if none
	keyboard  [][]InlineKeyboardButton
	file      *UploadedFile
	fileID    string
	media     map[string]any // "document" or "photo" JSON
	editCount int
	editDate  time.Time
	userEnts  []entity // entities Telegram adds to users' messages (bot_command)
}

// AddChat makes a chat known, as if the bot had been added to it (or, for
// a private chat, as if the user had started the bot). Adding a known chat
// updates its details.
func (s *Server) AddChat(c Chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addChatLocked(c)
	s.notifyLocked()
}

func (s *Server) addChatLocked(c Chat) *chatState {
	cs, ok := s.state.chats[c.ID]
	if !ok {
		cs = &chatState{nextID: 1, msgs: map[int]*storedMessage{}}
		s.state.chats[c.ID] = cs
	}
	if cs.chat.Username != "" {
		delete(s.state.byUsername, strings.ToLower(cs.chat.Username))
	}
	cs.chat = c
	if c.Username != "" {
		s.state.byUsername[strings.ToLower(c.Username)] = c.ID
	}
	return cs
}

// chatLocked resolves a chat_id parameter (int64 id or "@username").
func (s *Server) chatLocked(chatID any) (*chatState, *apiError) {
	var id int64
	switch v := chatID.(type) {
	case int64:
		id = v
	case string:
		name, ok := strings.CutPrefix(v, "@")
		known, found := s.state.byUsername[strings.ToLower(name)]
		if !ok || !found {
			return nil, badRequest("chat not found")
		}
		id = known
	default:
		return nil, badRequest("chat_id is empty")
	}
	cs, ok := s.state.chats[id]
	if !ok {
		return nil, badRequest("chat not found")
	}
	return cs, nil
}

// addMessageLocked stores a new message in cs and gives it the next id.
func (s *Server) addMessageLocked(cs *chatState, m *storedMessage) {
	m.id = cs.nextID
	cs.nextID++
	m.date = s.now()
	cs.msgs[m.id] = m
	cs.order = append(cs.order, m.id)
}

// Messages returns the chat as it now stands, oldest first: users' and the
// bot's messages with edits applied and deleted messages left out.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, ok := s.state.chats[chatID]
	if !ok {
		return nil
	}
	var out []Message
	for _, id := range cs.order {
		if m, ok := cs.msgs[id]; ok {
			out = append(out, m.public(cs.chat))
		}
	}
	return out
}

// Message returns one message of a chat as it now stands.
func (s *Server) Message(chatID int64, messageID int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, ok := s.state.chats[chatID]
	if !ok {
		return Message{}, false
	}
	m, ok := cs.msgs[messageID]
	if !ok {
		return Message{}, false
	}
	return m.public(cs.chat), true
}

// public copies a stored message into the exported shape; nothing in the
// result is shared with the server.
func (m *storedMessage) public(c Chat) Message {
	out := Message{
		ID:        m.id,
		Chat:      c,
		From:      m.from,
		Date:      m.date,
		ParseMode: m.text.ParseMode,
		Plain:     m.text.Plain,
		ThreadID:  m.threadID,
		ReplyTo:   m.replyTo,
		Kind:      m.kind,
		FileID:    m.fileID,
		EditCount: m.editCount,
	}
	if m.kind == kindText {
		out.Text = m.text.Raw
	} else {
		out.Caption = m.text.Raw
	}
	if m.file != nil {
		f := *m.file
		out.File = &f
	}
	for _, row := range m.keyboard {
		out.ReplyMarkup = append(out.ReplyMarkup, slices.Clone(row))
	}
	return out
}

// Message kinds.
const (
	kindText     = "text"
	kindDocument = "document"
	kindPhoto    = "photo"
)

// decodeKeyboard turns a normalised InlineKeyboardMarkup into buttons.
func decodeKeyboard(markup any) [][]InlineKeyboardButton {
	m, ok := markup.(map[string]any)
	if !ok {
		return nil
	}
	rows, _ := m["inline_keyboard"].([]any)
	out := make([][]InlineKeyboardButton, 0, len(rows))
	for _, r := range rows {
		cells, _ := r.([]any)
		row := make([]InlineKeyboardButton, 0, len(cells))
		for _, c := range cells {
			b, _ := c.(map[string]any)
			text, _ := b["text"].(string)
			data, _ := b["callback_data"].(string)
			url, _ := b["url"].(string)
			style, _ := b["style"].(string)
			row = append(row, InlineKeyboardButton{Text: text, CallbackData: data, URL: url, Style: style})
		}
		out = append(out, row)
	}
	return out
}
