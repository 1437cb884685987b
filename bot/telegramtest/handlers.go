package telegramtest

import (
	"context"
)

// handlerFor picks the implementation of a method. Methods with state are
// implemented; any other method of the spec that returns Boolean is
// validated and answered true (after checking chat_id, if it has one);
// every other method is answered 400 "method not supported by the fake".
func handlerFor(m *methodSpec) handler {
	switch m.Name {
	case "getMe":
		return getMe
	case "getUpdates":
		return getUpdates
	case "setWebhook":
		return setWebhook
	case "deleteWebhook":
		return deleteWebhook
	case "getWebhookInfo":
		return getWebhookInfo
	case "sendMessage":
		return sendMessage
	case "editMessageText":
		return editMessageText
	case "editMessageReplyMarkup":
		return editMessageReplyMarkup
	case "deleteMessage":
		return deleteMessage
	case "sendDocument":
		return sendDocument
	case "sendPhoto":
		return sendPhoto
	case "answerCallbackQuery":
		return answerCallbackQuery
	case "setMyCommands":
		return setMyCommands
	case "getMyCommands":
		return getMyCommands
	case "deleteMyCommands":
		return deleteMyCommands
	}
	if m.returnsBoolean() {
		return acceptBoolean
	}
	name := m.Name
	return func(*Server, context.Context, params) (any, *apiError) {
		return nil, badRequest("method not supported by the fake: %s", name)
	}
}

func getMe(s *Server, _ context.Context, _ params) (any, *apiError) {
	return s.botJSON(), nil
}

// acceptBoolean answers a validated call of a method without state.
func acceptBoolean(s *Server, _ context.Context, p params) (any, *apiError) {
	if id, ok := p["chat_id"]; ok {
		if _, aerr := s.chatLocked(id); aerr != nil {
			return nil, aerr
		}
	}
	return true, nil
}

// params are a call's validated parameters; see Call.Params for the types.
type params map[string]any

func (p params) has(k string) bool { _, ok := p[k]; return ok }

func (p params) str(k string) string { s, _ := p[k].(string); return s }

func (p params) int(k string) int64 { n, _ := p[k].(int64); return n }

func (p params) bool(k string) bool { b, _ := p[k].(bool); return b }

func (p params) obj(k string) map[string]any { m, _ := p[k].(map[string]any); return m }
