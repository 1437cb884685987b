package commands

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestRefusalSurvivesWrapping: a handler may wrap its Refusal; the bot
// still finds it, audits "needs admin" and answers its HTML.
func TestRefusalSurvivesWrapping(t *testing.T) {
	for _, err := range []error{
		Refuse(RoleAdmin, "Only admins <may>."),
		fmt.Errorf("maint: %w", Refuse(RoleAdmin, "Only admins <may>.")),
	} {
		var r *Refusal
		if !errors.As(err, &r) || r.Need != RoleAdmin || r.HTML != "Only admins &lt;may&gt;." || err.Error() == "" || r.Error() != "needs admin" {
			t.Errorf("%v: Refusal %+v", err, r)
		}
	}
}

// TestActionsListsEveryAction: the role tests walk Actions, so it must
// hold every action added, once.
func TestActionsListsEveryAction(t *testing.T) {
	reg, err := NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	if got := reg.Actions(); len(got) != 0 {
		t.Fatalf("empty registry has actions %v", got)
	}
	noop := func(context.Context, Press) (Outcome, error) { return Outcome{}, nil }
	for _, a := range []Action{{Name: "zeta", MinRole: RoleViewer, Handle: noop}, {Name: "alpha", MinRole: RoleAdmin, Handle: noop}} {
		if err := reg.AddAction(a); err != nil {
			t.Fatal(err)
		}
	}
	got := reg.Actions()
	if len(got) != 2 || got[0].Name != "alpha" || got[0].MinRole != RoleAdmin || got[1].Name != "zeta" {
		t.Errorf("Actions() = %+v", got)
	}
}
