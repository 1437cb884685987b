package config

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Environment variable names that validation messages use as paths.
const (
	envBotToken  = "TELEGRAM_BOT_TOKEN"
	envOpsChatID = "OPS_CHAT_ID"
	envMongoURI  = "MONGODB_URI"
)

// Validate checks every field and returns an *Error listing all problems,
// or nil. Problems name the YAML path of the field ("bot.workers") or, for
// values that only come from the environment, the variable ("OPS_CHAT_ID").
func (c *Config) Validate() error {
	var col collector
	c.validate(col.add)
	return col.err()
}

// validate runs each section's own checks, in struct order. A new section
// adds its validate method here.
func (c *Config) validate(add addFunc) {
	c.Telegram.validate("telegram", add)
	c.Storage.validate("storage", add)
	c.HTTP.validate("http", add)
	c.Log.validate("log", add)
	c.Auth.validate("auth", add)
	c.Bot.validate("bot", add)
	c.Checks.validate("checks", add)
	c.Escalation.validate("escalation", add)
	c.Maintenance.validate("maintenance", add)
	c.Schedules.validate("schedules", add)
	c.Checklists.validate("checklists", add)
}

func (t *Telegram) validate(path string, add addFunc) {
	switch {
	case t.Token == "":
		add(envBotToken, "not set; create a bot with @BotFather (/newbot) and put the token it gives you in "+envBotToken)
	case tokenProblem(t.Token) != "":
		add(envBotToken, tokenProblem(t.Token))
	}
	if msg := apiURLProblem(t.APIURL); msg != "" {
		add(path+".api_url", msg)
	}
	if t.OpsChatID == 0 {
		add(envOpsChatID, "not set (or 0); put the ops group's chat id in "+envOpsChatID+" (or telegram.ops_chat_id). "+
			"To find it: add the bot to the group, send /start there, open https://api.telegram.org/bot<token>/getUpdates "+
			"and read message.chat.id (group ids are negative, like -1001234567890)")
	}
	if t.OpsThreadID < 0 {
		add(path+".ops_thread_id", fmt.Sprintf("must be 0 (the group's main thread) or a forum topic id, got %d", t.OpsThreadID))
	}
	seen := make(map[int64]int)
	for i, id := range t.AllowedChats {
		p := fmt.Sprintf("%s.allowed_chats[%d]", path, i)
		if id == 0 {
			add(p, "0 is not a chat id")
			continue
		}
		if first, dup := seen[id]; dup {
			add(p, fmt.Sprintf("chat %d is listed twice (also %s.allowed_chats[%d])", id, path, first))
			continue
		}
		seen[id] = i
	}
	durationRange(add, path+".poll_timeout", t.PollTimeout, 2*time.Second, 60*time.Second, "")
	t.validateWebhook(path, add)
}

// tokenProblem says what is wrong with a bot token without repeating it, or
// returns "". The shape is checked strictly, the length leniently.
func tokenProblem(tok string) string {
	id, secret, hasColon := strings.Cut(tok, ":")
	var hint string
	switch {
	case strings.ContainsAny(tok, " \t\r\n"):
		hint = "it contains spaces or line breaks"
	case strings.ContainsAny(tok, `"'`):
		hint = "it contains quotes; remove them"
	case strings.HasPrefix(tok, "bot"):
		hint = `remove the leading "bot" (it belongs in the URL, not in the token)`
	case !hasColon:
		hint = "it has no ':'"
	case !isDigits(id):
		hint = "the part before ':' must be the bot's numeric id"
	case len(secret) < 20:
		hint = fmt.Sprintf("the part after ':' has %d characters, expected about 35", len(secret))
	case strings.IndexFunc(secret, func(r rune) bool { return !isTokenRune(r) }) >= 0:
		hint = "the part after ':' may only hold letters, digits, - and _"
	default:
		return ""
	}
	return "does not look like a token from @BotFather: " + hint +
		"; a token is the bot's numeric id, ':', then about 35 letters, digits, - or _ (the value is not shown)"
}

func isDigits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

func isTokenRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}

// apiURLProblem checks the Bot API base URL. A URL that may carry a token
// (a /bot... path, or one that does not parse) is not repeated.
func apiURLProblem(raw string) string {
	const example = "like " + defaultAPIURL
	if raw == "" {
		return "must not be empty (default " + defaultAPIURL + ")"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "is not a valid URL; use an absolute http or https URL " + example
	}
	for seg := range strings.SplitSeq(u.Path, "/") {
		if seg == "bot" || strings.HasPrefix(seg, "bot") && isDigits(seg[3:4]) {
			return "must be the server's base URL without /bot<token>; opsbot adds /bot<token>/<method> itself (use a URL " + example + "; the value is not shown as it may hold the token)"
		}
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%s must be an absolute http or https URL %s", quote(u.Redacted()), example)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Sprintf("%s must not have a query or fragment", quote(u.Redacted()))
	}
	return ""
}

func (s *Storage) validate(path string, add addFunc) {
	if s.URI != "" && !strings.HasPrefix(s.URI, "mongodb://") && !strings.HasPrefix(s.URI, "mongodb+srv://") {
		add(envMongoURI, "must start with mongodb:// or mongodb+srv:// (the value is not shown as it may hold a password); leave it unset to use the embedded database")
	}
	if msg := databaseProblem(s.Database); msg != "" {
		add(path+".database", msg)
	}
	if s.URI == "" && s.DataDir == "" {
		add(path+".data_dir", "must not be empty when "+envMongoURI+" is not set: the embedded database keeps its files there (default "+defaultDataDir+")")
	}
	durationRange(add, path+".audit_retention", s.AuditRetention, 24*time.Hour, 10*365*24*time.Hour, "")
	durationRange(add, path+".lease_ttl", s.LeaseTTL, time.Second, 5*time.Minute, "")
}

// databaseProblem applies MongoDB's database-name rules.
func databaseProblem(name string) string {
	const rules = "a MongoDB database name cannot contain / \\ . \" $, spaces or NUL, and must be shorter than 64 bytes"
	switch {
	case name == "":
		return "must not be empty (default " + defaultDatabase + ")"
	case len(name) >= 64:
		return fmt.Sprintf("%s is %d bytes; %s", quote(name), len(name), rules)
	}
	if i := strings.IndexAny(name, "/\\. \"$\x00"); i >= 0 {
		return fmt.Sprintf("%s contains %q; %s", quote(name), name[i:i+1], rules)
	}
	return ""
}

func (h *HTTP) validate(path string, add addFunc) {
	const example = "like :8080 for all interfaces, or 127.0.0.1:8080 for this host only"
	_, port, err := net.SplitHostPort(h.Addr)
	if err != nil {
		add(path+".addr", fmt.Sprintf("%s is not host:port (%s)", quote(h.Addr), example))
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		add(path+".addr", fmt.Sprintf("%s: the port must be a number from 0 to 65535 (%s)", quote(h.Addr), example))
	}
}

func (l *Log) validate(path string, add addFunc) {
	oneOf(add, path+".level", l.Level, "log level", "debug", "info", "warn", "error")
	oneOf(add, path+".format", l.Format, "log format", "text", "json")
}

func (a *Auth) validate(path string, add addFunc) {
	type listing struct{ list, path string }
	seen := make(map[int64]listing) // user id -> where it is first listed
	lists := []struct {
		name string
		ids  []int64
	}{{"admins", a.Admins}, {"operators", a.Operators}, {"viewers", a.Viewers}}
	for _, l := range lists {
		for i, id := range l.ids {
			p := fmt.Sprintf("%s.%s[%d]", path, l.name, i)
			switch first, dup := seen[id]; {
			case id == 0:
				add(p, "0 is not a Telegram user id")
			case id < 0:
				add(p, fmt.Sprintf("%d looks like a chat id; roles take Telegram user ids, which are positive", id))
			case dup && first.list == l.name:
				add(p, fmt.Sprintf("user %d is listed twice (also %s)", id, first.path))
			case dup:
				add(p, fmt.Sprintf("user %d is also in %s; give each user one role", id, first.path))
			default:
				seen[id] = listing{l.name, p}
			}
		}
	}
}

func (b *Bot) validate(path string, add addFunc) {
	if b.Workers < 1 || b.Workers > 256 {
		add(path+".workers", fmt.Sprintf("must be between 1 and 256, got %d", b.Workers))
	}
	durationRange(add, path+".handler_timeout", b.HandlerTimeout, time.Second, 10*time.Minute, "")
	durationRange(add, path+".shutdown_timeout", b.ShutdownTimeout, 0, 5*time.Minute, "0 means do not wait")
	if b.UserCommandsPerMinute < 0 || b.UserCommandsPerMinute > 600 {
		add(path+".user_commands_per_minute", fmt.Sprintf("must be between 0 (no limit) and 600, got %d", b.UserCommandsPerMinute))
	}
}

// durationRange reports d outside lo..hi, saying the range.
func durationRange(add addFunc, path string, d, lo, hi time.Duration, note string) {
	if d >= lo && d <= hi {
		return
	}
	if note != "" {
		note = "; " + note
	}
	add(path, fmt.Sprintf("must be between %s and %s, got %s%s", formatDuration(lo), formatDuration(hi), formatDuration(d), note))
}

// oneOf reports a value outside allowed, listing what is allowed.
func oneOf(add addFunc, path, value, what string, allowed ...string) {
	if slices.Contains(allowed, value) {
		return
	}
	add(path, fmt.Sprintf("%s is not a %s (allowed: %s)", quote(value), what, strings.Join(allowed, ", ")))
}
