package telegramtest

import (
	"context"
	"slices"
)

// This file implements setMyCommands, getMyCommands and deleteMyCommands.

// scopeLocked turns the scope and language_code parameters into a key; the
// chat of a chat scope must be known.
func (s *Server) scopeLocked(p params) (CommandScope, *apiError) {
	sc := CommandScope{Type: "default", LanguageCode: p.str("language_code")}
	if sc.LanguageCode != "" && !isLanguageCode(sc.LanguageCode) {
		return sc, badRequest("LANG_CODE_INVALID")
	}
	obj := p.obj("scope")
	if obj == nil {
		return sc, nil
	}
	sc.Type, _ = obj["type"].(string)
	if id, ok := obj["chat_id"]; ok {
		cs, aerr := s.chatLocked(id)
		if aerr != nil {
			return sc, aerr
		}
		sc.ChatID = cs.chat.ID
	}
	sc.UserID, _ = obj["user_id"].(int64)
	return sc, nil
}

func isLanguageCode(s string) bool {
	return len(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z'
}

func setMyCommands(s *Server, _ context.Context, p params) (any, *apiError) {
	sc, aerr := s.scopeLocked(p)
	if aerr != nil {
		return nil, aerr
	}
	list, _ := p["commands"].([]any)
	if len(list) > maxCommands {
		return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	cmds := make([]BotCommand, 0, len(list))
	for _, c := range list {
		m := c.(map[string]any)
		cmds = append(cmds, BotCommand{Command: m["command"].(string), Description: m["description"].(string), Scope: sc})
	}
	if len(cmds) == 0 {
		delete(s.state.commands, sc)
	} else {
		s.state.commands[sc] = cmds
	}
	s.state.lastCommands = cmds
	return true, nil
}

func getMyCommands(s *Server, _ context.Context, p params) (any, *apiError) {
	sc, aerr := s.scopeLocked(p)
	if aerr != nil {
		return nil, aerr
	}
	out := []any{}
	for _, c := range s.state.commands[sc] {
		out = append(out, map[string]any{"command": c.Command, "description": c.Description})
	}
	return out, nil
}

func deleteMyCommands(s *Server, _ context.Context, p params) (any, *apiError) {
	sc, aerr := s.scopeLocked(p)
	if aerr != nil {
		return nil, aerr
	}
	delete(s.state.commands, sc)
	return true, nil
}

// Commands returns the commands of the last successful setMyCommands call,
// each carrying the scope and language it was set for.
func (s *Server) Commands() []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.state.lastCommands)
}

// CommandsFor returns the commands now set for one scope and language, as
// getMyCommands would answer them. The zero CommandScope means the default
// scope for all languages.
func (s *Server) CommandsFor(scope CommandScope) []BotCommand {
	if scope.Type == "" {
		scope.Type = "default"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.state.commands[scope])
}
