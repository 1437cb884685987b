package commands

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident"
)

// IncidentDesk is what the incident commands and buttons need; the
// incident engine implements it.
type IncidentDesk interface {
	// Incident returns an incident by id ("INC-42", "42", "#42"); errors wrap incident.ErrUnknown or incident.ErrInvalid.
	Incident(ctx context.Context, id string) (incident.Incident, error)
	// Storm returns the incidents of alert storm id ("S-3"); errors wrap incident.ErrUnknown.
	Storm(ctx context.Context, id string) ([]incident.Incident, error)
	// Incidents lists incidents newest first: which is "open" (unresolved), "today" (opened since 00:00 UTC of now), or "all" (most recent 50).
	Incidents(ctx context.Context, which string, now time.Time) ([]incident.Incident, error)
	// Act applies a person's op to an incident or a storm ("INC-42" or "S-3").
	Act(ctx context.Context, act incident.Act) (incident.ActResult, error)
	// OpenManual opens an incident a person reports (/escalate <text>); it pages level 1 like any other.
	OpenManual(ctx context.Context, by, text string, at time.Time) (incident.Incident, error)
	// Silence mutes a check's pages until s.Until; Unsilence ends it early.
	Silence(ctx context.Context, s incident.Silence) error
	Unsilence(ctx context.Context, check string) (bool, error)
	Silences(ctx context.Context, now time.Time) ([]incident.Silence, error)
	// Policy is the escalation policy in force; SnoozeFor the button's snooze time.
	Policy() incident.Policy
	SnoozeFor() time.Duration
	// CheckNames are the configured checks, for /silence.
	CheckNames() []string
}

// actor names who acts, for incident.Act.By and the timeline: "@alice",
// or "user 12345" for a user without a username.
func actor(userID int64, username string) string {
	if username != "" {
		return "@" + username
	}
	return "user " + strconv.FormatInt(userID, 10)
}

// parseTarget reads an incident id ("INC-42", "#42", "42") or an alert
// storm id ("S-3") and returns it in its canonical form.
func parseTarget(s string) (string, bool) {
	if id, ok := parseStormID(s); ok {
		return id, true
	}
	n, err := incident.ParseID(s)
	if err != nil {
		return "", false
	}
	return incident.FormatID(n), true
}

// parseStormID reads "S-3" (any case) and returns "S-3".
func parseStormID(s string) (string, bool) {
	if len(s) < 3 || (s[0] != 'S' && s[0] != 's') || s[1] != '-' {
		return "", false
	}
	n, err := strconv.ParseInt(s[2:], 10, 64)
	if err != nil || n <= 0 || s[2] == '+' {
		return "", false
	}
	return incident.StormID(n), true
}

func isStorm(target string) bool { return strings.HasPrefix(target, "S-") }

// opWords are an op's verb and past participle: "acknowledge", "acknowledged".
func opWords(op incident.Op) (verb, done string) {
	switch op {
	case incident.OpAcknowledge:
		return "acknowledge", "acknowledged"
	case incident.OpEscalate:
		return "escalate", "escalated"
	case incident.OpResolve:
		return "resolve", "resolved"
	case incident.OpSnooze:
		return "snooze", "snoozed"
	}
	return string(op), string(op)
}

// actOutcome is what an Act did, in words: Unknown when the target does
// not exist, else Short for a toast and Long for a chat reply.
type actOutcome struct {
	Unknown bool
	// Short is "INC-42 acknowledged.", a refusal, or a storm's count.
	Short string
	// Long is Short with who did it, and for a storm its refusals too.
	Long *render.HTML
}

// act runs a on desk and words the result; errors other than an
// unknown target, a malformed one or a refusal are returned.
func act(ctx context.Context, desk IncidentDesk, a incident.Act) (actOutcome, error) {
	res, err := desk.Act(ctx, a)
	var te *incident.TransitionError
	switch {
	case errors.Is(err, incident.ErrUnknown):
		return actOutcome{Unknown: true}, nil
	case errors.As(err, &te):
		res, err = incident.ActResult{Refused: []error{te}}, nil
	case errors.Is(err, incident.ErrInvalid):
		s := sentence(err.Error())
		return actOutcome{Short: s, Long: render.NewHTML().Text(s)}, nil
	case err != nil:
		return actOutcome{}, err
	}
	_, done := opWords(a.Op)
	if isStorm(a.Target) {
		return stormOutcome(a, res, done), nil
	}
	switch {
	case len(res.Changed) > 0:
		inc := res.Changed[0]
		short := inc.ID + " " + done
		switch a.Op {
		case incident.OpEscalate:
			short += " to " + levelName(inc.Policy, inc.Level)
		case incident.OpSnooze:
			if !inc.SnoozedUntil.IsZero() {
				short += " until " + clock(inc.SnoozedUntil, a.At)
			}
		}
		long := render.NewHTML().Text(statusIcon(inc.Status) + " " + short + " by " + a.By + ".")
		return actOutcome{Short: short + ".", Long: long}, nil
	case len(res.Refused) > 0:
		s := sentence(res.Refused[0].Error())
		return actOutcome{Short: s, Long: render.NewHTML().Text(s)}, nil
	}
	s := a.Target + " was not changed."
	return actOutcome{Short: s, Long: render.NewHTML().Text(s)}, nil
}

// stormRefusalsShown is how many refusals a storm reply lists.
const stormRefusalsShown = 10

func stormOutcome(a incident.Act, res incident.ActResult, done string) actOutcome {
	tried := len(res.Changed) + len(res.Refused)
	if tried == 0 {
		verb, _ := opWords(a.Op)
		s := "Nothing to " + verb + " in " + a.Target + ": its incidents are resolved."
		return actOutcome{Short: s, Long: render.NewHTML().Text(s)}
	}
	count := upperFirst(done) + " " + strconv.Itoa(len(res.Changed)) + " of " + plural(tried, "incident", "incidents") + " in " + a.Target
	short, long := count+".", render.NewHTML().Text(count)
	if len(res.Changed) > 0 {
		long.Text(" by " + a.By)
	}
	long.Text(".")
	for i, r := range res.Refused {
		if i == stormRefusalsShown {
			long.Line().Text("…and " + strconv.Itoa(len(res.Refused)-i) + " more refused.")
			break
		}
		long.Line().Text("• " + sentence(r.Error()))
	}
	return actOutcome{Short: short, Long: long}
}

// sentence ends s with a full stop unless it already ends a sentence.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// unknownTarget is the reply for an id that does not exist.
func unknownTarget(target string) Reply {
	if isStorm(target) {
		return Text(render.NewHTML().Text("No alert storm " + target + "."))
	}
	return Text(render.NewHTML().Text("No incident " + target + "."))
}

// levelName is "L2 Technical lead", or "L2" when p has no such level.
func levelName(p incident.Policy, l incident.Level) string {
	if lp, ok := p.ForLevel(l); ok && lp.Name != "" {
		return l.String() + " " + lp.Name
	}
	return l.String()
}

// statusIcon is the emoji for an incident status.
func statusIcon(s incident.Status) string {
	switch s {
	case incident.StatusOpen:
		return "🚨"
	case incident.StatusAcknowledged:
		return "👀"
	case incident.StatusSnoozed:
		return "💤"
	case incident.StatusResolved:
		return "✅"
	}
	return "❔"
}

// clock is "10:30 UTC" for a time on now's UTC day, else "Mar 2 10:30 UTC".
func clock(t, now time.Time) string {
	t, now = t.UTC(), now.UTC()
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04") + " UTC"
	}
	if t.Year() == now.Year() {
		return t.Format("Jan 2 15:04") + " UTC"
	}
	return t.Format("2006-01-02 15:04") + " UTC"
}

// until is "in 4m", or "now" once t has come.
func until(t, now time.Time) string {
	if !t.After(now) {
		return "now"
	}
	return "in " + incident.FormatDuration(t.Sub(now))
}

// actReply runs a person's op from a chat command and words the reply.
func actReply(ctx context.Context, desk IncidentDesk, req Request, op incident.Op, target, note string) (Reply, error) {
	out, err := act(ctx, desk, incident.Act{Op: op, Target: target, By: actor(req.UserID, req.Username), Note: note, At: req.At})
	if err != nil {
		return Reply{}, err
	}
	if out.Unknown {
		return unknownTarget(target), nil
	}
	return Text(out.Long), nil
}

// cutTarget splits "<id> [rest]" and reads the id; ok is false when the
// first word is not an incident or storm id.
func cutTarget(args string) (target, rest string, ok bool) {
	first := strings.TrimSpace(args)
	if i := strings.IndexFunc(first, unicode.IsSpace); i >= 0 {
		first, rest = first[:i], first[i:]
	}
	target, ok = parseTarget(first)
	return target, strings.TrimSpace(rest), ok
}
