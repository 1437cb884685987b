package config

import "slices"

// Roles a user can hold, as returned by Config.Role.
const (
	RoleAdmin    = "admin"
	RoleOperator = "operator"
	RoleViewer   = "viewer"
)

// Role returns the role userID is listed under in auth (RoleAdmin,
// RoleOperator or RoleViewer), or "" when the user is in no list.
// configured reports whether any role is configured at all. When it is
// false the ops group is the boundary: every member of an allowed chat may
// use every command there. When it is true, a user in no list is a viewer
// in allowed chats and gets no answer in a private chat; that policy
// belongs to the bot package.
func (c *Config) Role(userID int64) (role string, configured bool) {
	a := &c.Auth
	configured = len(a.Admins)+len(a.Operators)+len(a.Viewers) > 0
	switch {
	case slices.Contains(a.Admins, userID):
		return RoleAdmin, configured
	case slices.Contains(a.Operators, userID):
		return RoleOperator, configured
	case slices.Contains(a.Viewers, userID):
		return RoleViewer, configured
	}
	return "", configured
}
