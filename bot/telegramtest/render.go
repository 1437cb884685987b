package telegramtest

// This file renders the fake's state as the Bot API's JSON objects.

func userJSON(u User) map[string]any {
	j := map[string]any{"id": u.ID, "is_bot": u.IsBot, "first_name": u.FirstName}
	if u.Username != "" {
		j["username"] = u.Username
	}
	return j
}

// botJSON is what getMe answers.
func (s *Server) botJSON() map[string]any {
	j := userJSON(s.bot)
	j["can_join_groups"] = true
	j["can_read_all_group_messages"] = true // the fake delivers every group message
	j["supports_inline_queries"] = false
	j["can_connect_to_business"] = false
	j["has_main_web_app"] = false
	return j
}

func chatJSON(c Chat) map[string]any {
	j := map[string]any{"id": c.ID, "type": c.Type}
	if c.Type == ChatPrivate {
		j["first_name"] = c.Title
	} else {
		j["title"] = c.Title
	}
	if c.Username != "" {
		j["username"] = c.Username
	}
	if c.IsForum {
		j["is_forum"] = true
	}
	return j
}

// messageJSONLocked renders a message as Telegram sends it to the bot: the
// text after entity parsing plus entities, the inline keyboard, the file.
func (s *Server) messageJSONLocked(cs *chatState, m *storedMessage, withReply bool) map[string]any {
	j := map[string]any{
		"message_id": m.id,
		"from":       userJSON(m.from),
		"chat":       chatJSON(cs.chat),
		"date":       m.date.Unix(),
	}
	textKey, entKey := "text", "entities"
	if m.kind != kindText {
		textKey, entKey = "caption", "caption_entities"
	}
	if m.text.Plain != "" {
		j[textKey] = m.text.Plain
	}
	switch {
	case m.text.Explicit != nil:
		j[entKey] = m.text.Explicit
	case len(m.text.Entities) > 0:
		j[entKey] = m.text.Entities
	case len(m.userEnts) > 0:
		j[entKey] = m.userEnts
	}
	for k, v := range m.media {
		j[k] = v
	}
	if m.threadID != 0 {
		j["message_thread_id"] = m.threadID
		j["is_topic_message"] = true
	}
	if m.markup != nil {
		j["reply_markup"] = m.markup
	}
	if m.editCount > 0 {
		j["edit_date"] = m.editDate.Unix()
	}
	if withReply && m.replyTo != 0 {
		if r, ok := cs.msgs[m.replyTo]; ok {
			j["reply_to_message"] = s.messageJSONLocked(cs, r, false)
		}
	}
	return j
}
