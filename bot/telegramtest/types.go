package telegramtest

import (
	"encoding/json"
	"time"
)

// Chat types, as Telegram names them.
const (
	ChatPrivate    = "private"
	ChatGroup      = "group"
	ChatSupergroup = "supergroup"
	ChatChannel    = "channel"
)

// Chat is a chat the fake knows. Chats become known when a user writes in
// them (SendText) or through AddChat; the bot can only write to known chats.
type Chat struct {
	// ID is the chat id; negative for groups, -100... for supergroups.
	ID int64
	// Type is one of ChatPrivate, ChatGroup, ChatSupergroup, ChatChannel.
	Type string
	// Title is the group title; for a private chat, the user's first name.
	Title string
	// Username lets the bot address a supergroup or channel as "@username".
	Username string
	// IsForum marks a supergroup with topics; only forum chats accept
	// message_thread_id.
	IsForum bool
}

// User is a Telegram user (or bot).
type User struct {
	// ID is the user id.
	ID int64
	// IsBot is true for bots.
	IsBot bool
	// FirstName is the user's first name.
	FirstName string
	// Username is the user's @username, without the "@".
	Username string
}

// InlineKeyboardButton is one decoded button of a message's inline keyboard.
type InlineKeyboardButton struct {
	// Text is the button label.
	Text string
	// CallbackData is what a press sends back; empty for other buttons.
	CallbackData string
	// URL is set for link buttons.
	URL string
	// Style is "danger", "success", "primary" or empty.
	Style string
}

// Message is a message as its chat now stands: edits applied. Messages
// deleted by the bot are gone from Messages.
type Message struct {
	// ID is the message id, unique and increasing within the chat.
	ID int
	// Chat is the chat the message is in.
	Chat Chat
	// From is the author: the bot or a user.
	From User
	// Date is when the message was sent, by the server's clock.
	Date time.Time
	// Text is the text as sent, e.g. raw HTML when ParseMode is "HTML".
	// Empty for documents and photos; see Caption.
	Text string
	// Caption is the caption of a document or photo, as sent.
	Caption string
	// ParseMode is the parse_mode of the last send or edit.
	ParseMode string
	// Plain is Text (or Caption) after entity parsing: what a person sees.
	Plain string
	// ThreadID is the forum topic, 0 outside topics.
	ThreadID int
	// ReplyTo is the id of the message this one replies to, 0 if none.
	ReplyTo int
	// ReplyMarkup is the inline keyboard, nil if the message has none.
	ReplyMarkup [][]InlineKeyboardButton
	// Kind is "text", "document" or "photo".
	Kind string
	// File is the uploaded document or photo; nil for text messages and for
	// files sent by file_id or URL.
	File *UploadedFile
	// FileID is the file_id of a document or photo.
	FileID string
	// EditCount counts successful edits of text or keyboard.
	EditCount int
}

// Button returns the button with the given callback data.
func (m Message) Button(callbackData string) (InlineKeyboardButton, bool) {
	for _, row := range m.ReplyMarkup {
		for _, b := range row {
			if b.CallbackData == callbackData {
				return b, true
			}
		}
	}
	return InlineKeyboardButton{}, false
}

// Call is one request the fake answered.
type Call struct {
	// Method is the method name as the spec spells it ("sendMessage"),
	// whatever case the client used; the raw path segment for unknown methods.
	Method string
	// Encoding is how parameters arrived: EncodingJSON, EncodingMultipart,
	// EncodingForm or EncodingQuery.
	Encoding string
	// Params holds the decoded parameters. For calls that passed validation
	// they are typed by the spec: Integer -> int64, Float -> float64,
	// Boolean -> bool, String -> string, objects -> map[string]any and
	// arrays -> []any (recursively typed the same way), uploaded files ->
	// UploadedFile; "Integer or String" (chat_id) -> int64 when the value is
	// an integer, else string. For calls rejected before or during
	// validation, every value is its raw text (objects as JSON text).
	Params map[string]any
	// Files holds the uploaded files by form field name.
	Files map[string]UploadedFile
	// Status is the HTTP status answered; 499 when the client went away
	// before an injected delay ended.
	Status int
	// Response is the JSON body answered.
	Response json.RawMessage
	// Time is when the call was answered, by the server's clock.
	Time time.Time
}

// OK reports whether the call succeeded.
func (c Call) OK() bool { return c.Status == 200 }

// BotCommand is one command of a setMyCommands call.
type BotCommand struct {
	// Command is the command without "/".
	Command string
	// Description is the command's description.
	Description string
	// Scope is the scope and language the command was set for; Type is
	// "default" when setMyCommands had no scope.
	Scope CommandScope
}

// CommandScope identifies the scope and language of a command list.
type CommandScope struct {
	// Type is the BotCommandScope type: "default", "chat", "all_group_chats", ...
	Type string
	// ChatID is set for the chat, chat_administrators and chat_member scopes.
	ChatID int64
	// UserID is set for the chat_member scope.
	UserID int64
	// LanguageCode is the two-letter language, "" for all languages.
	LanguageCode string
}

// WebhookInfo is the webhook as set by setWebhook.
type WebhookInfo struct {
	// URL is the webhook URL, "" when no webhook is set.
	URL string
	// SecretToken is the secret_token given to setWebhook.
	SecretToken string
	// MaxConnections is max_connections, 40 by default.
	MaxConnections int
	// AllowedUpdates is allowed_updates, nil when not given.
	AllowedUpdates []string
	// IPAddress is ip_address, when given.
	IPAddress string
	// PendingUpdateCount is the number of updates not yet delivered.
	PendingUpdateCount int
}
