package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of the escalation section.
const (
	minEscalationLevels = 1
	maxEscalationLevels = 4
	maxLevelName        = 64
	maxSnooze           = 7 * 24 * time.Hour
	minEscalationTick   = time.Second
	minOutboxRetention  = 24 * time.Hour
)

// telegramUsername is "@" and a Telegram username: 5 to 32 letters, digits
// or underscores.
var telegramUsername = regexp.MustCompile(`^@[A-Za-z0-9_]{5,32}$`)

// httpToken is an HTTP header name or method (RFC 9110's token).
var httpToken = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")

func (e *Escalation) validate(path string, add addFunc) {
	if n := len(e.Levels); n < minEscalationLevels || n > maxEscalationLevels {
		add(path+".levels", fmt.Sprintf("needs %d to %d levels, level 1 first, got %d", minEscalationLevels, maxEscalationLevels, n))
	}
	for i := range e.Levels {
		e.Levels[i].validate(fmt.Sprintf("%s.levels[%d]", path, i), i, e.Levels, add)
	}
	atLeast(add, path+".reopen_window", e.ReopenWindow, 0, "0 means never reopen")
	if e.Snooze <= 0 || e.Snooze > maxSnooze {
		add(path+".snooze", fmt.Sprintf("must be above 0 and at most %s (7 days), got %s", formatDuration(maxSnooze), formatDuration(e.Snooze)))
	}
	atLeast(add, path+".tick", e.Tick, minEscalationTick, "")
	atLeast(add, path+".storm.window", e.Storm.Window, 0, "")
	if e.Storm.Threshold < 0 {
		add(path+".storm.threshold", fmt.Sprintf("must be 0 or more (0 or 1 turns grouping off), got %d", e.Storm.Threshold))
	}
	e.Action.validate(path+".action", add)
	atLeast(add, path+".outbox_retention", e.OutboxRetention, minOutboxRetention, "delivered messages are remembered this long so that none is sent twice")
}

// validate checks level i of levels at path.
func (l *EscalationLevel) validate(path string, i int, levels []EscalationLevel, add addFunc) {
	switch n := utf8.RuneCountInString(l.Name); {
	case strings.TrimSpace(l.Name) == "":
		add(path+".name", `must be set, like "Technical lead"`)
	case n > maxLevelName:
		add(path+".name", fmt.Sprintf("%s is %d characters; at most %d", quote(l.Name), n, maxLevelName))
	}
	seen := make(map[string]int)
	for j, who := range l.Notify {
		p := fmt.Sprintf("%s.notify[%d]", path, j)
		if msg := notifyProblem(who); msg != "" {
			add(p, msg)
			continue
		}
		key := strings.ToLower(who) // usernames are case-insensitive
		if first, dup := seen[key]; dup {
			add(p, fmt.Sprintf("%s is listed twice (also %s.notify[%d])", quote(who), path, first))
			continue
		}
		seen[key] = j
	}
	switch {
	case i == 0 && l.After != 0:
		add(path+".after", fmt.Sprintf("must be 0 for level 1 (it acts as soon as the incident opens), got %s", formatDuration(l.After)))
	case i == 0:
	case l.After < 0:
		add(path+".after", fmt.Sprintf("must not be negative, got %s", formatDuration(l.After)))
	case l.After <= levels[i-1].After:
		add(path+".after", fmt.Sprintf("%s must be later than level %d's %s (each level starts after the one before)",
			formatDuration(l.After), i, formatDuration(levels[i-1].After)))
	}
}

// notifyProblem says what is wrong with an entry of notify, or "".
func notifyProblem(who string) string {
	const want = "an @username (5-32 letters, digits or _) or a numeric Telegram user id"
	switch {
	case telegramUsername.MatchString(who):
		return ""
	case isDigits(who):
		if id, err := strconv.ParseInt(who, 10, 64); err != nil || id <= 0 {
			return fmt.Sprintf("%s is not a Telegram user id; write %s", quote(who), want)
		}
		return ""
	case strings.HasPrefix(who, "-") && isDigits(who[1:]):
		return fmt.Sprintf("%s looks like a chat id; write %s (user ids are positive)", quote(who), want)
	}
	return fmt.Sprintf("%s is neither %s", quote(who), strings.Replace(want, " or a ", " nor a ", 1))
}

func (a *Action) validate(path string, add addFunc) {
	switch a.Type {
	case "":
		// Load resolves "" to railway or none; an unresolved Config (from
		// Default) has no type-specific requirements yet.
	case ActionTypeRailway:
		a.Railway.validate(path+".railway", add)
	case ActionTypeCommand:
		switch {
		case len(a.Command) == 0:
			add(path+".command", `must be set when type is command: the program and its arguments, like ["/usr/local/bin/restart-bot", "--force"] (run without a shell)`)
		case a.Command[0] == "":
			add(path+".command[0]", "must name the program to run")
		}
	case ActionTypeHTTP:
		a.HTTP.validate(path+".http", add)
	case ActionTypeNone:
	default:
		add(path+".type", fmt.Sprintf("%s is not an action type (allowed: %s, %s, %s, %s; or leave it empty for railway when %s, %s and %s are set, else none)",
			quote(a.Type), ActionTypeRailway, ActionTypeCommand, ActionTypeHTTP, ActionTypeNone,
			EnvRailwayToken, EnvRailwayServiceID, EnvRailwayEnvironment))
	}
	if a.Timeout <= 0 {
		add(path+".timeout", fmt.Sprintf("must be above 0, got %s", formatDuration(a.Timeout)))
	}
}

func (r *ActionRailway) validate(path string, add addFunc) {
	if msg := httpURLProblem(r.APIURL); msg != "" {
		add(path+".api_url", msg+" (default "+defaultRailwayAPIURL+")")
	}
	switch {
	case r.TokenEnv == "":
		add(path+".token_env", "must name the environment variable that holds the Railway API token (default "+EnvRailwayToken+")")
	case r.Token == "":
		add(path+".token_env", r.TokenEnv+" is not set; it must hold the Railway API token that restarts the deployment")
	}
	if r.TokenKind != "" {
		oneOf(add, path+".token_kind", r.TokenKind, "token kind", "account", "workspace", "team", "project")
	}
	if r.ServiceID == "" {
		add(path+".service_id", "must be set, here or in "+EnvRailwayServiceID+" (Railway service → Settings)")
	}
	if r.EnvironmentID == "" {
		add(path+".environment_id", "must be set, here or in "+EnvRailwayEnvironment)
	}
}

func (h *ActionHTTP) validate(path string, add addFunc) {
	switch {
	case h.URL == "":
		add(path+".url", "must be set when type is http: an absolute http or https URL")
	case httpURLProblem(h.URL) != "":
		add(path+".url", httpURLProblem(h.URL))
	}
	if !httpToken.MatchString(h.Method) || strings.ToUpper(h.Method) != h.Method {
		add(path+".method", fmt.Sprintf("%s is not an HTTP method, like POST or GET (upper case)", quote(h.Method)))
	}
	for _, name := range sortedKeys(h.Headers) {
		if !httpToken.MatchString(name) {
			add(path+".headers."+name, fmt.Sprintf("%s is not a header name", quote(name)))
		} else if strings.ContainsAny(h.Headers[name], "\r\n") {
			add(path+".headers."+name, "the value must not contain line breaks")
		}
	}
	for _, name := range sortedKeys(h.HeadersEnv) {
		p := path + ".headers_env." + name
		env := h.HeadersEnv[name]
		switch {
		case !httpToken.MatchString(name):
			add(p, fmt.Sprintf("%s is not a header name", quote(name)))
		case hasKeyFold(h.Headers, name):
			add(p, "is also in headers; give each header once")
		case env == "":
			add(p, "must name the environment variable that holds the header's value")
		case h.SecretHeader[name] == "":
			add(p, env+" is not set")
		case strings.ContainsAny(h.SecretHeader[name], "\r\n"):
			add(p, env+" holds a line break, which a header cannot carry (the value is not shown because it is a secret)")
		}
	}
}

// atLeast reports d below lo.
func atLeast(add addFunc, path string, d, lo time.Duration, note string) {
	if d >= lo {
		return
	}
	if note != "" {
		note = "; " + note
	}
	add(path, fmt.Sprintf("must be at least %s, got %s%s", formatDuration(lo), formatDuration(d), note))
}

// sortedKeys returns m's keys in order, so problems come in a stable order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// hasKeyFold reports whether m has key, ignoring case (header names are
// case-insensitive).
func hasKeyFold(m map[string]string, key string) bool {
	for k := range m {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}
