package commands

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/opsbot/opsbot/incident"
)

// incidentCommands is every incident command on desk.
func incidentCommands(desk IncidentDesk) map[string]Command {
	out := map[string]Command{}
	for _, c := range []Command{Incidents(desk), ShowIncident(desk), Ack(desk), Resolve(desk), Escalate(desk), OnCall(desk), Silence(desk)} {
		out[c.Name] = c
	}
	return out
}

// say runs command name with args at at as @alice, checks that the reply
// is valid Telegram HTML, and returns it.
func say(t *testing.T, desk IncidentDesk, name, args string, at time.Time) string {
	t.Helper()
	r, err := sayErr(desk, name, args, at, "alice")
	if err != nil {
		t.Fatalf("/%s %s: %v", name, args, err)
	}
	if err := checkTelegramHTML(r.HTML); err != nil {
		t.Fatalf("/%s %s: %v in\n%s", name, args, err, r.HTML)
	}
	return r.HTML
}

func sayErr(desk IncidentDesk, name, args string, at time.Time, username string) (Reply, error) {
	c := incidentCommands(desk)[name]
	return c.Handle(context.Background(), Request{
		Command: name, Args: args, ChatID: -100, UserID: 42, Username: username, Role: RoleOperator, At: at,
	})
}

func wantIn(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Fatalf("missing %q in\n%s", w, got)
		}
	}
}

var (
	tagRE  = regexp.MustCompile(`^<(/?)([a-z]+)((?: [a-z]+="[^"<>]*")*)>`)
	hrefRE = regexp.MustCompile(`^ href="(https?://|tg://)[^"<>]*"$`)
	entRE  = regexp.MustCompile(`^&(amp|lt|gt|quot);`)
)

// checkTelegramHTML reports markup Telegram would reject or that we never
// send: tags other than b, i, u, s, code, pre and a (with only an href),
// unbalanced or crossed tags, a bare "<", ">" or "&", invalid UTF-8.
func checkTelegramHTML(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("invalid UTF-8")
	}
	allowed := map[string]bool{"b": true, "i": true, "u": true, "s": true, "code": true, "pre": true, "a": true}
	var open []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			m := tagRE.FindStringSubmatch(s[i:])
			if m == nil {
				return fmt.Errorf("bad tag at %d: %.20q", i, s[i:])
			}
			closing, name, attrs := m[1] == "/", m[2], m[3]
			switch {
			case !allowed[name]:
				return fmt.Errorf("tag <%s> is not allowed", name)
			case closing && attrs != "":
				return fmt.Errorf("closing tag with attributes: %q", m[0])
			case closing && (len(open) == 0 || open[len(open)-1] != name):
				return fmt.Errorf("</%s> closes nothing open (open: %v)", name, open)
			case closing:
				open = open[:len(open)-1]
			case name == "a" && !hrefRE.MatchString(attrs):
				return fmt.Errorf("<a> needs exactly one http(s) or tg:// href: %q", m[0])
			case name != "a" && attrs != "":
				return fmt.Errorf("<%s> takes no attributes: %q", name, m[0])
			default:
				open = append(open, name)
			}
			i += len(m[0])
		case '>':
			return fmt.Errorf("bare > at %d", i)
		case '&':
			m := entRE.FindString(s[i:])
			if m == "" {
				return fmt.Errorf("bare & at %d: %.10q", i, s[i:])
			}
			i += len(m)
		default:
			i++
		}
	}
	if len(open) > 0 {
		return fmt.Errorf("unclosed tags %v", open)
	}
	return nil
}

func TestCheckTelegramHTMLCatchesBadMarkup(t *testing.T) {
	good := `<b>a</b> <a href="tg://user?id=1">x &amp; y</a> <i><code>&lt;z&gt;</code></i>`
	if err := checkTelegramHTML(good); err != nil {
		t.Fatalf("rejected good HTML: %v", err)
	}
	for _, bad := range []string{"<b>x", "x</b>", "<b><i>x</b></i>", "<script>x</script>", "<br>", `<b class="x">y</b>`,
		`<a href="javascript:x">y</a>`, "a < b", "a > b", "a & b", "<a>x</a>", "\xff"} {
		if err := checkTelegramHTML(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestIncidentCommandsAreWiredWithRolesAndUsage(t *testing.T) {
	desk := newMemDesk()
	cmds := incidentCommands(desk)
	reg, err := NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Role{"incidents": RoleViewer, "incident": RoleViewer, "oncall": RoleViewer,
		"ack": RoleOperator, "resolve": RoleOperator, "escalate": RoleOperator, "silence": RoleOperator}
	for name, role := range want {
		c, ok := cmds[name]
		if !ok {
			t.Fatalf("no command %s", name)
		}
		if c.MinRole != role || !strings.HasPrefix(c.Usage, "/"+name) {
			t.Errorf("%s: role %s, usage %q", name, c.MinRole, c.Usage)
		}
		if err := reg.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	a := IncidentButtons(desk, nil)
	if a.Name != "inc" || a.MinRole != RoleOperator {
		t.Fatalf("action %q needs %s", a.Name, a.MinRole)
	}
	if err := reg.AddAction(a); err != nil {
		t.Fatal(err)
	}
}

func TestIncidentCommandsAnswerBadArgumentsWithUsage(t *testing.T) {
	desk := newMemDesk()
	desk.open(t, "api", "503", incT0)
	bad := map[string][]string{
		"incidents": {"bogus", "open all", "OPEN now"},
		"incident":  {"", "INC-1 INC-2", "foo", "INC-", "S-", "S-x", "-1", "0"},
		"ack":       {"", "foo", "INC-1 extra words", "S-0"},
		"resolve":   {"", "foo fixed it", "INC-x"},
		"escalate":  {"", "   \n"},
		"oncall":    {"now"},
		"silence":   {"api", "api 5x", "api tomorrow", "api 1.5d", "api off now", "api -d"},
	}
	for name, args := range bad {
		for _, a := range args {
			if _, err := sayErr(desk, name, a, incT0, "alice"); !errors.Is(err, ErrUsage) {
				t.Errorf("/%s %q: err = %v, want ErrUsage", name, a, err)
			}
		}
	}
	// Good arguments are not usage errors (the case-insensitive list).
	wantIn(t, say(t, desk, "incidents", "OPEN", incT0), "INC-1")
}

func TestUnknownIDsAreNamedNotUsage(t *testing.T) {
	desk := newMemDesk()
	desk.open(t, "api", "503", incT0)
	for _, c := range []struct{ name, args, want string }{
		{"incident", "INC-99", "No incident INC-99."},
		{"incident", "#99", "No incident INC-99."},
		{"incident", "s-9", "No alert storm S-9."},
		{"ack", "99", "No incident INC-99."},
		{"ack", "S-9", "No alert storm S-9."},
		{"resolve", "inc-99 it was nothing", "No incident INC-99."},
		{"escalate", "INC-99 please", "No incident INC-99."},
	} {
		if got := say(t, desk, c.name, c.args, incT0); got != c.want {
			t.Errorf("/%s %s = %q, want %q", c.name, c.args, got, c.want)
		}
	}
	out := press(t, IncidentButtons(desk, fixedClock(incT0)), CallbackData("inc", "a:INC-99"))
	if out.Toast != "INC-99 no longer exists." || out.Alert || out.Edit != nil || out.Send != nil {
		t.Fatalf("unknown button: %+v", out)
	}
}

func TestAckTwiceIsRefusedWithTheReason(t *testing.T) {
	desk := newMemDesk()
	desk.open(t, "api", "GET /health: 503", incT0)
	if got := say(t, desk, "ack", "INC-1", incAt(time.Minute)); got != "👀 INC-1 acknowledged by @alice." {
		t.Fatalf("ack: %q", got)
	}
	inc := desk.get(t, "INC-1")
	if inc.Status != incident.StatusAcknowledged || inc.AcknowledgedBy != "@alice" || !inc.AcknowledgedAt.Equal(incAt(time.Minute)) {
		t.Fatalf("not acknowledged: %+v", inc)
	}
	got := say(t, desk, "ack", "#1", incAt(6*time.Minute))
	if got != "INC-1 is already acknowledged (by @alice 5m ago)." {
		t.Fatalf("second ack: %q", got)
	}
	// A user without a username acts as "user <id>".
	desk.open(t, "db", "down", incT0)
	r, err := sayErr(desk, "ack", "INC-2", incT0, "")
	if err != nil || r.HTML != "👀 INC-2 acknowledged by user 42." || desk.get(t, "INC-2").AcknowledgedBy != "user 42" {
		t.Fatalf("ack without username: %q, %v", r.HTML, err)
	}
}

func TestEscalateAndResolveByCommand(t *testing.T) {
	desk := newMemDesk()
	desk.open(t, "api", "503", incT0)
	got := say(t, desk, "escalate", "INC-1 customers <all> affected", incAt(time.Minute))
	if got != "🚨 INC-1 escalated to L2 Technical lead by @alice." {
		t.Fatalf("escalate: %q", got)
	}
	inc := desk.get(t, "INC-1")
	last := inc.Timeline[len(inc.Timeline)-2] // escalated, then paged
	if inc.Level != incident.L2 || last.Kind != incident.KindEscalated || last.Note != "customers <all> affected" || last.By != "@alice" {
		t.Fatalf("escalation not recorded: level %s, %+v", inc.Level, last)
	}
	say(t, desk, "escalate", "1", incAt(2*time.Minute))
	say(t, desk, "escalate", "1", incAt(3*time.Minute))
	got = say(t, desk, "escalate", "1", incAt(4*time.Minute))
	if got != "INC-1 is already at the last level (L4 Vendor support)." {
		t.Fatalf("escalate past the top: %q", got)
	}

	got = say(t, desk, "resolve", "INC-1   pool size raised & restarted", incAt(10*time.Minute))
	if got != "✅ INC-1 resolved by @alice." {
		t.Fatalf("resolve: %q", got)
	}
	inc = desk.get(t, "INC-1")
	last = inc.Timeline[len(inc.Timeline)-1]
	if inc.Status != incident.StatusResolved || last.Note != "pool size raised & restarted" {
		t.Fatalf("resolution not recorded: %+v", last)
	}
	got = say(t, desk, "resolve", "INC-1", incAt(15*time.Minute))
	if got != "INC-1 is already resolved (by @alice 5m ago)." {
		t.Fatalf("resolve twice: %q", got)
	}
	got = say(t, desk, "escalate", "INC-1", incAt(15*time.Minute))
	if got != "INC-1 is already resolved (by @alice 5m ago)." {
		t.Fatalf("escalate resolved: %q", got)
	}
}

func TestEscalateTextOpensAManualIncident(t *testing.T) {
	desk := newMemDesk()
	desk.open(t, "api", "503", incT0)
	got := say(t, desk, "escalate", "users <b>cannot</b> log in since the deploy", incAt(time.Minute))
	wantIn(t, got, "<b>INC-2</b> opened and L1 Automated response paged: users &lt;b&gt;cannot&lt;/b&gt; log in since the deploy")
	inc := desk.get(t, "INC-2")
	if !inc.Manual || inc.Summary != "users <b>cannot</b> log in since the deploy" || inc.Timeline[0].By != "@alice" || inc.Level != incident.L1 {
		t.Fatalf("manual incident: %+v", inc)
	}
	if desk.get(t, "INC-1").Level != incident.L1 {
		t.Fatal("text escalated another incident")
	}
	// The manual incident's card says who reported it.
	html, _ := Cards{Snooze: time.Hour}.Card(inc, incAt(2*time.Minute))
	wantIn(t, html, "Reported by @alice at 10:01 UTC")
}

func TestIncidentsListsNewestFirstWithCap(t *testing.T) {
	desk := newMemDesk()
	if got := say(t, desk, "incidents", "", incT0); got != "✅ No open incidents." {
		t.Fatalf("empty: %q", got)
	}
	yesterday := incT0.Add(-24 * time.Hour)
	desk.open(t, "db", "old", yesterday)
	desk.open(t, "api", "503", incT0)
	desk.open(t, "health", "timeout", incAt(5*time.Minute))
	say(t, desk, "ack", "INC-2", incAt(6*time.Minute))
	say(t, desk, "resolve", "INC-3", incAt(10*time.Minute))

	now := incAt(12 * time.Minute)
	open := say(t, desk, "incidents", "", now)
	wantIn(t, open, "<b>Open incidents (2)</b>", "👀 <b>INC-2</b> · L1 · api · 14m · ack @alice", "🚨 <b>INC-1</b> · L1 · db · 1d")
	if strings.Contains(open, "INC-3") || strings.Index(open, "INC-2") > strings.Index(open, "INC-1") {
		t.Fatalf("open list wrong or not newest first:\n%s", open)
	}
	today := say(t, desk, "incidents", "today", now)
	wantIn(t, today, "<b>Incidents today (2)</b>", "✅ <b>INC-3</b> · L1 · health · lasted 7m")
	if strings.Contains(today, "INC-1") {
		t.Fatalf("today lists yesterday's:\n%s", today)
	}
	wantIn(t, say(t, desk, "incidents", "all", now), "<b>Recent incidents (3)</b>", "INC-1", "INC-2", "INC-3")

	for i := range 32 {
		desk.open(t, fmt.Sprintf("c%d", i), "x", incAt(time.Duration(i)*time.Second))
	}
	got := say(t, desk, "incidents", "open", now)
	if n := strings.Count(got, "\n🚨 ") + strings.Count(got, "\n👀 "); n != incidentsShown {
		t.Fatalf("listed %d incidents, want %d:\n%s", n, incidentsShown, got)
	}
	wantIn(t, got, "<b>Open incidents (34)</b>", "…and 4 more")
}

func TestShowIncidentHasCardAndTimeline(t *testing.T) {
	desk := newMemDesk()
	desk.open(t, "api", "GET /health: 503", incT0)
	say(t, desk, "ack", "INC-1", incAt(90*time.Second))
	say(t, desk, "resolve", "INC-1 fixed", incAt(25*time.Hour))
	r, err := sayErr(desk, "incident", "inc-1", incAt(25*time.Hour), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := checkTelegramHTML(r.HTML); err != nil {
		t.Fatalf("%v in\n%s", err, r.HTML)
	}
	wantIn(t, r.HTML, "<b>INC-1</b> · <b>api</b>", "✅ resolved · L1 Automated response",
		"<b>Timeline (UTC)</b>", "<i>2026-03-01</i>",
		"<code>10:00:00</code> opened — GET /health: 503",
		"<code>10:00:00</code> paged · L1 — Automated response",
		"<code>10:00:00</code> action · L1 — restart",
		"<code>10:01:30</code> acknowledged by @alice · L1",
		"<i>2026-03-02</i>", "<code>11:00:00</code> resolved by @alice · L1 — fixed")
	if len(r.Keyboard) != 0 {
		t.Fatalf("a resolved incident has buttons: %v", r.Keyboard)
	}
}

func TestOnCallShowsTheMatrixAndSilences(t *testing.T) {
	desk := newMemDesk()
	desk.policy.Levels[1].Notify = []string{"@bobby_ops", "12345"}
	say(t, desk, "silence", "db 2h migrating <v2>", incT0)
	got := say(t, desk, "oncall", "", incAt(30*time.Minute))
	wantIn(t, got,
		"<b>L1 Automated response</b> — paged at once · runs <code>restart</code>\n   nobody named: the ops chat is paged",
		"<b>L2 Technical lead</b> — paged after 5m unacknowledged\n   <code>@bobby_ops</code>, <code>12345</code>",
		"<b>L3 Senior architect + security officer</b> — paged after 30m",
		"<b>L4 Vendor support</b> — paged after 2h",
		"🔇 <b>db</b> until 12:00 UTC (in 1h30m) by @alice — migrating &lt;v2&gt;")
	if strings.Contains(got, "tg://") {
		t.Fatalf("/oncall must ring nobody:\n%s", got)
	}
	wantIn(t, say(t, desk, "oncall", "", incAt(3*time.Hour)), "No checks are silenced.")
}

func TestSilenceValidatesAndManagesSilences(t *testing.T) {
	desk := newMemDesk()
	got := say(t, desk, "silence", "nope 1h", incT0)
	wantIn(t, got, "No check called <code>nope</code>.", "Checks: api, db, health")
	for _, d := range []string{"8d", "169h", "0m", "-1h"} {
		got := say(t, desk, "silence", "api "+d, incT0)
		wantIn(t, got, "at most 7d")
	}
	if len(desk.silences) != 0 {
		t.Fatalf("a rejected silence was kept: %v", desk.silences)
	}
	wantIn(t, say(t, desk, "silence", "", incT0), "No checks are silenced.")

	got = say(t, desk, "silence", "api 2h  deploying v2 ", incT0)
	wantIn(t, got, "🔇 <b>api</b> silenced for 2h, until 12:00 UTC, by @alice — deploying v2")
	s := desk.silences["api"]
	if !s.Until.Equal(incAt(2*time.Hour)) || s.By != "@alice" || !s.At.Equal(incT0) || s.Reason != "deploying v2" {
		t.Fatalf("silence stored as %+v", s)
	}
	say(t, desk, "silence", "db 7d", incT0)
	if s := desk.silences["db"]; !s.Until.Equal(incAt(7*24*time.Hour)) || s.Reason != "" {
		t.Fatalf("7d silence stored as %+v", s)
	}
	say(t, desk, "silence", "health 1d", incT0)
	wantIn(t, say(t, desk, "silence", "", incAt(time.Hour)),
		"Silenced checks (3)", "<b>api</b> until 12:00 UTC (in 1h) by @alice — deploying v2",
		"<b>db</b> until Mar 8 10:00 UTC (in 6d23h)", "<b>health</b> until Mar 2 10:00 UTC")

	wantIn(t, say(t, desk, "silence", "api off", incT0), "Silence on <b>api</b> ended")
	if _, ok := desk.silences["api"]; ok {
		t.Fatal("silence not ended")
	}
	wantIn(t, say(t, desk, "silence", "api OFF", incT0), "<b>api</b> is not silenced.")
}

func TestStormCommandsActOnEveryMember(t *testing.T) {
	desk := newMemDesk()
	var ids []string
	for _, c := range []string{"api", "db", "health", "queue"} {
		ids = append(ids, desk.open(t, c, "down", incT0).ID)
	}
	storm := desk.groupStorm(3, ids...)
	say(t, desk, "ack", "INC-2", incAt(time.Minute))
	got := say(t, desk, "ack", "s-3", incAt(2*time.Minute))
	wantIn(t, got, "Acknowledged 3 of 4 incidents in S-3 by @alice.", "• INC-2 is already acknowledged (by @alice 1m ago).")
	for _, id := range ids {
		if desk.get(t, id).Status != incident.StatusAcknowledged {
			t.Fatalf("%s not acknowledged", id)
		}
	}
	wantIn(t, say(t, desk, "incident", storm, incAt(3*time.Minute)), "Alert storm S-3: 4 incidents", "4 acknowledged")
	wantIn(t, say(t, desk, "resolve", "S-3 all back", incAt(4*time.Minute)), "Resolved 4 of 4 incidents in S-3 by @alice.")
	got = say(t, desk, "resolve", "S-3", incAt(5*time.Minute))
	if got != "Nothing to resolve in S-3: its incidents are resolved." {
		t.Fatalf("resolve a resolved storm: %q", got)
	}
}
