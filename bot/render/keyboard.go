package render

import "encoding/json"

// Button is one inline keyboard button. It marshals to exactly the fields
// set: Telegram requires exactly one action field per button, and
// go-telegram/bot's own models.InlineKeyboardButton always adds an empty
// copy_text, which Telegram rejects.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// InlineKeyboard is the reply_markup for an inline keyboard.
type InlineKeyboard struct {
	InlineKeyboard [][]Button `json:"inline_keyboard"`
}

// Keyboard returns the reply_markup for rows, or nil when there are no
// buttons, so that "no keyboard" leaves reply_markup out entirely.
func Keyboard(rows [][]Button) *InlineKeyboard {
	var kept [][]Button
	for _, r := range rows {
		if len(r) > 0 {
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return &InlineKeyboard{InlineKeyboard: kept}
}

// KeyboardJSON is Keyboard(rows) as JSON, the way the outbox stores a
// reply_markup; nil when there are no buttons.
func KeyboardJSON(rows [][]Button) []byte {
	k := Keyboard(rows)
	if k == nil {
		return nil
	}
	b, _ := json.Marshal(k) // a struct of strings always marshals
	return b
}
