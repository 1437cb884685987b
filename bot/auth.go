package bot

import (
	"github.com/opsbot/opsbot/commands"
)

// Access is who may use opsbot where.
type Access struct {
	// Chats are the chats where commands are accepted (the ops chat and any
	// others configured).
	Chats []int64
	// Roles maps Telegram user ids to roles. When it is empty, every member
	// of an allowed chat is an admin there: the chat is the boundary.
	Roles map[int64]commands.Role
}

// decision is the outcome of an authorisation.
type decision struct {
	role   commands.Role
	reason string // why the update is refused; empty when allowed
}

type authorizer struct {
	chats map[int64]bool
	roles map[int64]commands.Role
}

func newAuthorizer(a Access) *authorizer {
	z := &authorizer{chats: make(map[int64]bool, len(a.Chats)), roles: a.Roles}
	for _, c := range a.Chats {
		z.chats[c] = true
	}
	return z
}

// decide authorises user in chat. In an allowed chat, a user with a role has
// it; without roles configured everybody there is an admin; with roles
// configured an unlisted user is a viewer. In a private chat only users with
// a role are served. Everything else is refused silently.
func (z *authorizer) decide(chatID int64, private bool, userID int64) decision {
	role, listed := z.roles[userID]
	switch {
	case z.chats[chatID]:
		if listed {
			return decision{role: role}
		}
		if len(z.roles) == 0 {
			return decision{role: commands.RoleAdmin}
		}
		return decision{role: commands.RoleViewer}
	case private && listed && role > commands.RoleNone:
		return decision{role: role}
	case private:
		return decision{reason: "private chat from a user without a role"}
	default:
		return decision{reason: "chat not allowed"}
	}
}
