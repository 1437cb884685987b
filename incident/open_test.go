package incident_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/incident"
)

func TestOpenFromTransition(t *testing.T) {
	tr := checks.Transition{
		Kind:  checks.Fired,
		Check: "mongo",
		Rule: checks.Rule{Name: "database-connectivity", Severity: checks.SeverityCritical,
			EscalateAfter: 10 * time.Minute, EscalateNote: "if the primary is down"},
		Since: at(-time.Minute), At: t0,
		Last: checks.Result{Message: "connection refused"},
	}
	p := incident.ParamsFor(tr)
	p.Seq, p.Policy = 7, incident.DefaultPolicy()
	inc, effects, err := incident.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if inc.ID != "INC-7" || inc.Status != incident.StatusOpen || inc.Level != incident.L1 ||
		inc.Severity != checks.SeverityCritical || inc.Summary != "connection refused" ||
		inc.EscalateNote != "if the primary is down" || !inc.StartedAt.Equal(at(-time.Minute)) ||
		inc.Policy.Levels[1].After != 10*time.Minute {
		t.Fatalf("opened %+v", inc)
	}
	page := effects[0].(incident.Page)
	if page.Level != incident.L1 || page.Reason != "opened" || page.Name != "Automated response" {
		t.Fatalf("page %+v", page)
	}
	if kinds := [3]incident.Kind{inc.Timeline[0].Kind, inc.Timeline[1].Kind, inc.Timeline[2].Kind}; kinds !=
		[3]incident.Kind{incident.KindOpened, incident.KindPaged, incident.KindAction} {
		t.Fatalf("timeline %v", kinds)
	}
}

func TestOpenRefusesBadParams(t *testing.T) {
	good := incident.OpenParams{Seq: 1, Check: "health", Rule: "r", At: t0, Policy: incident.DefaultPolicy()}
	tests := []struct {
		name   string
		change func(*incident.OpenParams)
		is     error
	}{
		{"no seq", func(p *incident.OpenParams) { p.Seq = 0 }, incident.ErrInvalid},
		{"no check", func(p *incident.OpenParams) { p.Check = "" }, incident.ErrInvalid},
		{"no time", func(p *incident.OpenParams) { p.At = time.Time{} }, incident.ErrInvalid},
		{"bad policy", func(p *incident.OpenParams) { p.Policy = incident.Policy{} }, incident.ErrInvalidPolicy},
	}
	for _, tt := range tests {
		p := good
		tt.change(&p)
		if _, _, err := incident.Open(p); !errors.Is(err, tt.is) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if _, _, err := incident.Open(good); err != nil {
		t.Fatal(err)
	}
}

func TestJSONKeysAreSnakeCase(t *testing.T) {
	inc, _ := open(t, 0)
	inc, _ = must(t)(incident.Snooze(inc, "@alice_ops", at(time.Hour), at(time.Minute)))
	b, err := json.Marshal(inc)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`"([A-Za-z_]+)":`).FindAllStringSubmatch(string(b), -1) {
		if !regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`).MatchString(m[1]) {
			t.Errorf("key %q is not snake_case", m[1])
		}
	}
}
