package incident_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident"
)

func TestDefaultPolicyIsValid(t *testing.T) {
	if err := incident.DefaultPolicy().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *incident.Policy)
		want   string
	}{
		{"no levels", func(p *incident.Policy) { p.Levels = nil }, "levels: want 1 to 4"},
		{"five levels", func(p *incident.Policy) {
			p.Levels = append(p.Levels, incident.LevelPolicy{Level: 5, Name: "x", After: 5 * time.Hour})
		}, "levels: want 1 to 4"},
		{"wrong number", func(p *incident.Policy) { p.Levels[2].Level = 4 }, "levels[2].level: want 3"},
		{"no name", func(p *incident.Policy) { p.Levels[1].Name = "" }, "levels[1].name"},
		{"L1 late", func(p *incident.Policy) { p.Levels[0].After = time.Minute }, "levels[0].after"},
		{"not increasing", func(p *incident.Policy) { p.Levels[2].After = 5 * time.Minute }, "levels[2].after: 5m0s must be later"},
		{"action on L2", func(p *incident.Policy) { p.Levels[1].Action = "restart" }, "levels[1].action"},
		{"bad username", func(p *incident.Policy) { p.Levels[1].Notify = []string{"@bob"} }, `levels[1].notify[0]: "@bob"`},
		{"no at sign", func(p *incident.Policy) { p.Levels[1].Notify = []string{"alice_ops"} }, "levels[1].notify[0]"},
		{"negative window", func(p *incident.Policy) { p.ReopenWindow = -time.Second }, "reopen_window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := incident.DefaultPolicy()
			tt.change(&p)
			err := p.Validate()
			if !errors.Is(err, incident.ErrInvalidPolicy) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want ErrInvalidPolicy containing %q", err, tt.want)
			}
		})
	}
	ok := incident.DefaultPolicy()
	ok.Levels[1].Notify = []string{"@alice_ops", "123456789"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("usernames and ids: %v", err)
	}
}

func TestForRuleMapsEscalateAfterToLevel2(t *testing.T) {
	tests := []struct {
		escalate time.Duration
		want     [4]time.Duration
	}{
		{0, [4]time.Duration{0, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}},
		{10 * time.Minute, [4]time.Duration{0, 10 * time.Minute, 30 * time.Minute, 2 * time.Hour}},
		{15 * time.Minute, [4]time.Duration{0, 15 * time.Minute, 30 * time.Minute, 2 * time.Hour}},
		{time.Hour, [4]time.Duration{0, time.Hour, 85 * time.Minute, 2 * time.Hour}},
		{2 * time.Hour, [4]time.Duration{0, 2 * time.Hour, 145 * time.Minute, 235 * time.Minute}},
		{4 * time.Hour, [4]time.Duration{0, 4 * time.Hour, 265 * time.Minute, 355 * time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.escalate.String(), func(t *testing.T) {
			base := incident.DefaultPolicy()
			p := base.ForRule(tt.escalate)
			for i, lp := range p.Levels {
				if lp.After != tt.want[i] {
					t.Errorf("L%d after %s, want %s", i+1, lp.After, tt.want[i])
				}
			}
			if err := p.Validate(); err != nil {
				t.Error(err)
			}
			if base.Levels[1].After != 5*time.Minute {
				t.Error("ForRule changed its receiver")
			}
		})
	}
}
