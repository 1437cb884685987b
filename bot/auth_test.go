package bot

import (
	"testing"

	"github.com/opsbot/opsbot/commands"
)

func TestAuthorizer(t *testing.T) {
	const ops, other, alice, bob, carol = -100, -200, 1, 2, 3
	open := newAuthorizer(Access{Chats: []int64{ops}})
	roled := newAuthorizer(Access{Chats: []int64{ops}, Roles: map[int64]commands.Role{alice: commands.RoleAdmin, bob: commands.RoleOperator}})
	tests := []struct {
		name    string
		z       *authorizer
		chat    int64
		private bool
		user    int64
		role    commands.Role
		refused bool
	}{
		{"no roles: a member of the ops chat is admin", open, ops, false, carol, commands.RoleAdmin, false},
		{"no roles: other chats are silent", open, other, false, carol, commands.RoleNone, true},
		{"no roles: private chats are silent", open, carol, true, carol, commands.RoleNone, true},
		{"roles: admin", roled, ops, false, alice, commands.RoleAdmin, false},
		{"roles: operator", roled, ops, false, bob, commands.RoleOperator, false},
		{"roles: unlisted is a viewer", roled, ops, false, carol, commands.RoleViewer, false},
		{"roles: admin in private", roled, alice, true, alice, commands.RoleAdmin, false},
		{"roles: unlisted in private is silent", roled, carol, true, carol, commands.RoleNone, true},
		{"roles: admin in a foreign group is silent", roled, other, false, alice, commands.RoleNone, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.z.decide(tt.chat, tt.private, tt.user)
			if (d.reason != "") != tt.refused || d.role != tt.role {
				t.Fatalf("decide = %+v; want role %v refused %v", d, tt.role, tt.refused)
			}
		})
	}
}
