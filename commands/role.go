package commands

import "fmt"

// Role is what a user may do. Roles are ordered: an admin may do all an
// operator may, an operator all a viewer may.
type Role int

// The roles, least first.
const (
	RoleNone Role = iota
	RoleViewer
	RoleOperator
	RoleAdmin
)

// String returns the role's name as used in config and chat.
func (r Role) String() string {
	switch r {
	case RoleViewer:
		return "viewer"
	case RoleOperator:
		return "operator"
	case RoleAdmin:
		return "admin"
	case RoleNone:
		return "none"
	}
	return fmt.Sprintf("role(%d)", int(r))
}

// Allows reports whether r is at least min.
func (r Role) Allows(min Role) bool { return r >= min }
