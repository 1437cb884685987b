package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/app"
	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/checks/checkstest"
	"github.com/opsbot/opsbot/checks/railway/railwaytest"
	"github.com/opsbot/opsbot/commands"
	"github.com/opsbot/opsbot/config"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// The secrets of the security tests, as config.Secrets() lists them: the
// bot token, the webhook secret, the MongoDB URI, the Railway token, the
// PostgreSQL check's connection string.
const (
	secToken      = "7654321098:AAHq7Zs3cretXw9KeyV4lue_xyz12"
	secWebhook    = "whs_Gk7Lm2Np9Qr4St"
	secMongoPass  = "Mongo-s3cret-pw"
	secMongoKeyPw = "KeyPw-77qq5z"
	secMongoURI   = "mongodb+srv://opsbot:" + secMongoPass + "@cluster0.example.net/opsbot?retryWrites=true&tlsCertificateKeyFilePassword=" + secMongoKeyPw
	secRailway    = "rw-Tq8Kz3-Wm5Vx9-Jp2Ys7"
	secPgPass     = "Pg-s3cret-pw"
	secPgURL      = "postgres://app:" + secPgPass + "@db.internal:5432/app"
)

// configuredSecrets are the secrets handed to the logger, as main hands
// it cfg.Secrets().
func configuredSecrets() []string {
	return []string{secToken, secMongoURI, secWebhook, secRailway, secPgURL}
}

// seededSecrets are the values no log line or chat message may reveal,
// parts of the configured ones included.
func seededSecrets() []string {
	_, tokenSecret := cutToken(secToken)
	return []string{secToken, tokenSecret, secWebhook, secMongoPass, secMongoKeyPw, secRailway, secPgPass}
}

// valuer is a slog.LogValuer that resolves to a secret.
type valuer string

func (v valuer) LogValue() slog.Value { return slog.StringValue(string(v)) }

// stringer is a fmt.Stringer that shows a secret.
type stringer struct{ dsn string }

func (s stringer) String() string { return "dsn(" + s.dsn + ")" }

// TestLoggerMasksSecretsEverywhere seeds the configured secrets into every
// place of a log record (the message, string, error, Stringer, LogValuer,
// struct and URL attributes, nested groups, With and WithGroup) in both
// formats, and asserts that the output reveals none of them.
func TestLoggerMasksSecretsEverywhere(t *testing.T) {
	tokenURL, _ := url.Parse("https://api.telegram.org/bot" + secToken + "/getUpdates?offset=1")
	mongoURL, _ := url.Parse(secMongoURI)
	tests := []struct {
		name string
		log  func(l *slog.Logger)
	}{
		{"message", func(l *slog.Logger) { l.Info("connecting with " + secToken + " to " + secMongoURI) }},
		{"string attribute", func(l *slog.Logger) { l.Info("m", "secret", secWebhook, "token", secRailway) }},
		{"error attribute", func(l *slog.Logger) {
			l.Error("m", "err", fmt.Errorf("storage: %w", errors.New(`dial "`+secMongoURI+`": refused`)))
		}},
		{"error wrapping a Bot API URL", func(l *slog.Logger) {
			l.Warn("telegram", "err", &url.Error{Op: "Post", URL: tokenURL.String(), Err: errors.New("connection refused")})
		}},
		{"URL attribute with the token", func(l *slog.Logger) { l.Info("m", "url", tokenURL) }},
		{"URL attribute with the password", func(l *slog.Logger) { l.Info("m", "uri", mongoURL) }},
		{"Stringer attribute", func(l *slog.Logger) { l.Info("m", "db", stringer{secPgURL}) }},
		{"LogValuer attribute", func(l *slog.Logger) { l.Info("m", "k", valuer(secRailway)) }},
		{"struct attribute", func(l *slog.Logger) {
			l.Info("m", "cfg", struct{ Token, Secret string }{secToken, secWebhook})
		}},
		{"slice attribute", func(l *slog.Logger) { l.Info("m", "list", []string{secRailway, secWebhook}) }},
		{"nested groups", func(l *slog.Logger) {
			l.Info("m", slog.Group("req", slog.Group("auth", "token", secRailway, "url", tokenURL), "err", errors.New(secWebhook)))
		}},
		{"With and WithGroup", func(l *slog.Logger) {
			l.With("uri", secMongoURI, slog.Group("g", "s", secWebhook)).WithGroup("inner").With("t", secToken).Info("m", "r", secRailway)
		}},
		{"connection string of the PostgreSQL check", func(l *slog.Logger) { l.Info("m", "err", errors.New("connect "+secPgURL+": refused")) }},
		{"bot token the redactor was not given", func(l *slog.Logger) {
			l.Info("m", "err", errors.New("getMe 123456789:AAFsomeOtherBotTokenValue_0123456789 failed"))
		}},
		{"URI password the redactor was not given", func(l *slog.Logger) {
			l.Info("m", "dsn", "mongodb://ops:Other-s3cret@db2/x")
		}},
		{"the MongoDB password alone", func(l *slog.Logger) {
			l.Warn("m", "err", errors.New("authentication failed for opsbot with password "+secMongoPass))
		}},
		{"the MongoDB URI's secret option alone", func(l *slog.Logger) {
			l.Warn("m", "err", errors.New("tls: cannot decrypt key with "+secMongoKeyPw))
		}},
		{"the MongoDB URI escaped in another URL", func(l *slog.Logger) {
			l.Info("m", "link", "https://status.example.com/?db="+url.QueryEscape(secMongoURI))
		}},
		{"the bot token URL-escaped", func(l *slog.Logger) {
			l.Info("m", "hook", "https://hooks.example.com/?bot="+url.QueryEscape(secToken))
		}},
		{"the bot token's secret half", func(l *slog.Logger) {
			l.Info("m", "err", errors.New("Unauthorized: "+strings.SplitN(secToken, ":", 2)[1]))
		}},
	}
	for _, format := range []string{"json", "text"} {
		for _, tt := range tests {
			t.Run(format+"/"+tt.name, func(t *testing.T) {
				var out bytes.Buffer
				tt.log(app.NewLogger(&out, "debug", format, configuredSecrets()...))
				leaks := checkstest.Leaks(out.String(), append(seededSecrets(), "AAFsomeOtherBotTokenValue_0123456789", "Other-s3cret")...)
				switch {
				case out.Len() == 0:
					t.Fatal("nothing was logged")
				case len(leaks) > 0:
					t.Errorf("the log reveals %q:\n%s", leaks, out.String())
				}
			})
		}
	}
}

// roleNamed maps a role's name, as README and the refusals write it, to
// the role.
func roleNamed(t *testing.T, name string) commands.Role {
	t.Helper()
	for _, r := range []commands.Role{commands.RoleViewer, commands.RoleOperator, commands.RoleAdmin} {
		if r.String() == name {
			return r
		}
	}
	t.Fatalf("%q is not a role", name)
	return commands.RoleNone
}

// documentedRoles reads README's Commands table: each command's role (the
// least of its rows) and the subcommands that need more (/maint add).
func documentedRoles(t *testing.T) (base map[string]commands.Role, subs map[string]map[string]commands.Role) {
	t.Helper()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `/([a-z0-9_]+)([^`]*)` \\| ([a-z]+) \\|")
	type doc struct {
		sub  string
		role commands.Role
	}
	rows := map[string][]doc{}
	for _, line := range strings.Split(string(readme), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		// The first word of the arguments, when it is a literal word, is a
		// subcommand: "add", "start\|end\|cancel".
		sub := ""
		if f := strings.Fields(m[2]); len(f) > 0 && !strings.ContainsAny(f[0][:1], "<[") {
			sub = strings.ReplaceAll(f[0], `\|`, "|")
		}
		rows[m[1]] = append(rows[m[1]], doc{sub, roleNamed(t, m[3])})
	}
	if len(rows) == 0 {
		t.Fatal("README has no Commands table rows")
	}
	base, subs = map[string]commands.Role{}, map[string]map[string]commands.Role{}
	for name, docs := range rows {
		least := commands.RoleAdmin
		for _, d := range docs {
			least = min(least, d.role)
		}
		base[name] = least
		for _, d := range docs {
			if d.sub == "" || d.role == least {
				continue
			}
			for _, s := range strings.Split(d.sub, "|") {
				if subs[name] == nil {
					subs[name] = map[string]commands.Role{}
				}
				subs[name][s] = d.role
			}
		}
	}
	return base, subs
}

// refusedRole returns the role a refusal says is needed, or "".
func refusedRole(text string) string {
	m := regexp.MustCompile(`needs the ([a-z]+) role; you are `).FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return m[1]
}

// denial is an audit entry a role test expects.
type denial struct {
	user         int64
	chat         int64
	kind, action string
	detail       string
}

// wantDenied stops opsbot, opens its store and checks that every denial
// was audited as denied with its detail.
func wantDenied(t *testing.T, r *running, dir string, want []denial) {
	t.Helper()
	if err := r.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	entries, err := storagetest.OpenAt(t, dir).Audit().Recent(t.Context(), storage.MaxAuditLimit)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		found := false
		for _, e := range entries {
			if e.UserID == w.user && e.ChatID == w.chat && e.Kind == w.kind && e.Action == w.action &&
				e.Outcome == storage.AuditOutcomeDenied && e.Detail == w.detail {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no audit entry %+v with outcome denied", w)
		}
	}
}

// TestEveryCommandEnforcesItsRole walks every command opsbot registers (the
// menu it sets with setMyCommands, so a new command is walked too) and
// checks it against README's Commands table: the role opsbot enforces is
// the documented one; users below it (a viewer, an unlisted user, an
// operator for admin commands) are refused in chat and audited as denied;
// subcommands documented with a higher role are refused and audited too;
// and nobody is answered from a chat that is not allowed or in private
// without a role, each attempt audited as denied.
func TestEveryCommandEnforcesItsRole(t *testing.T) {
	viewer := telegramtest.User{ID: 1003, FirstName: "Victor", Username: "victor"}
	outside := telegramtest.Chat{ID: mallory.ID, Type: telegramtest.ChatPrivate, Title: "Mallory"}
	tg := telegramtest.New(t)
	tg.AddChat(opsChat)
	dir := t.TempDir()
	cfg := testConfig(t, tg, dir)
	cfg.Auth.Admins = []int64{alice.ID}
	cfg.Auth.Operators = []int64{bob.ID}
	cfg.Auth.Viewers = []int64{viewer.ID}
	r := start(t, cfg, app.Options{})
	tg.WaitCall(t, "setMyCommands", func(c telegramtest.Call) bool { return c.OK() })

	base, subs := documentedRoles(t)
	var want []denial
	refuse := func(who telegramtest.User, text string, need commands.Role) {
		t.Helper()
		reply := command(t, tg, opsChat, who, text)
		if !strings.Contains(strings.ToLower(reply.Text), need.String()) || len(reply.ReplyMarkup) != 0 {
			t.Errorf("%s from @%s: answered %q, want a refusal naming the %s role", text, who.Username, reply.Text, need)
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
		want = append(want, denial{who.ID, opsChat.ID, storage.AuditKindCommand, name, "needs " + need.String()})
	}
	menu := tg.Commands()
	if len(menu) == 0 {
		t.Fatal("no command menu was set")
	}
	for _, c := range menu {
		name := c.Command
		doc, ok := base[name]
		if !ok {
			t.Errorf("/%s is registered but not in README's Commands table: document it with its role", name)
			continue
		}
		// The role opsbot enforces, seen as a viewer sees it.
		enforced := commands.RoleViewer
		if got := refusedRole(command(t, tg, opsChat, viewer, "/"+name).Text); got != "" {
			enforced = roleNamed(t, got)
		}
		if enforced != doc {
			t.Errorf("/%s needs the %s role; README says %s", name, enforced, doc)
		}
		if enforced > commands.RoleViewer {
			want = append(want, denial{viewer.ID, opsChat.ID, storage.AuditKindCommand, name, "needs " + enforced.String()})
			refuse(mallory, "/"+name, enforced) // unlisted: a viewer in the ops chat
		}
		if enforced > commands.RoleOperator {
			refuse(bob, "/"+name, enforced)
		}
		for sub, need := range subs[name] {
			for who, role := range map[telegramtest.User]commands.Role{viewer: commands.RoleViewer, mallory: commands.RoleViewer, bob: commands.RoleOperator} {
				if role < need {
					refuse(who, "/"+name+" "+sub, need)
				}
			}
		}
		// Outside the allowed chats, and in private without a role:
		// silence, and a denial in the audit log.
		tg.SendText(elseChat, alice, "/"+name)
		tg.SendText(outside, mallory, "/"+name)
		want = append(want,
			denial{alice.ID, elseChat.ID, storage.AuditKindCommand, name, "chat not allowed"},
			denial{mallory.ID, outside.ID, storage.AuditKindCommand, name, "private chat from a user without a role"})
	}
	// One worker: once this is answered, everything before it was handled.
	command(t, tg, opsChat, alice, "/whoami")
	for _, chat := range []int64{elseChat.ID, outside.ID} {
		for _, m := range tg.Messages(chat) {
			if m.From.ID == tg.BotUser().ID {
				t.Errorf("answered in chat %d, which may not use opsbot: %q", chat, m.Text)
			}
		}
	}
	if reg, ok := any(r.app).(interface{ Registry() *commands.Registry }); ok {
		if got, want := len(reg.Registry().All()), len(menu); got != want {
			t.Errorf("%d commands registered, %d in the menu", got, want)
		}
	}
	wantDenied(t, r, dir, want)
}

// buttonRoles is who may press each button action: looking is for
// everyone, acting (on an incident, a checklist, an emergency) is for
// operators (README, Incidents and escalation: "operators and admins may
// press the buttons"). A button action opsbot posts that is not here fails
// TestEveryButtonEnforcesItsRole: decide who may press it.
func buttonRoles() map[string]commands.Role {
	return map[string]commands.Role{
		"health": commands.RoleViewer, "logs": commands.RoleViewer,
		"inc": commands.RoleOperator, "chk": commands.RoleOperator, "emg": commands.RoleOperator,
	}
}

// botKeyboards returns the bot's messages in chat that carry buttons.
func botKeyboards(tg *telegramtest.Server, chat int64) []telegramtest.Message {
	var out []telegramtest.Message
	for _, m := range tg.Messages(chat) {
		if m.From.ID == tg.BotUser().ID && len(m.ReplyMarkup) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// press presses data on msg as who and returns the answer.
func press(t *testing.T, tg *telegramtest.Server, who telegramtest.User, msg telegramtest.Message, data string) (string, bool) {
	t.Helper()
	now, ok := tg.Message(msg.Chat.ID, msg.ID)
	if !ok {
		t.Fatalf("message %d in chat %d is gone", msg.ID, msg.Chat.ID)
	}
	return answered(t, tg, tg.PressButton(who, now, data))
}

// TestEveryButtonEnforcesItsRole posts every kind of keyboard opsbot has
// (/health with its [Re-run] and [Logs], an incident card, a checklist, an
// emergency) and presses every button on them: users below its role (a
// viewer, an unlisted user, an operator for admin buttons) get a show_alert
// refusal and are audited as denied, and the role enforced is the one
// buttonRoles expects. Then, after a restart that takes a chat off the
// allowed list and a user's role away, presses on the messages left there
// are answered with nothing and audited as denied.
func TestEveryButtonEnforcesItsRole(t *testing.T) {
	viewer := telegramtest.User{ID: 1003, FirstName: "Victor", Username: "victor"}
	dora := telegramtest.User{ID: 1004, FirstName: "Dora", Username: "dora"}
	doraDM := telegramtest.Chat{ID: dora.ID, Type: telegramtest.ChatPrivate, Title: "Dora"}
	tg := telegramtest.New(t)
	tg.AddChat(opsChat)
	tg.AddChat(elseChat)
	dir := t.TempDir()
	db := newTarget(t, 503, "UNHEALTHY - down")
	configure := func(revoked bool) *config.Config {
		cfg := testConfig(t, tg, dir)
		cfg.Checks.List = []config.Check{
			{Name: "db", Interval: 5 * time.Second, Timeout: 2 * time.Second, HTTP: &config.HTTPCheck{URL: db.srv.URL + "/health", Verdict: true}},
			{Name: "logs", Logs: &config.LogsCheck{File: writeLog(t, 3)}},
		}
		cfg.Checks.Rules = []config.Rule{{Name: "db-down", Summary: "db failing", Severity: "critical", Checks: []string{"db"}, When: []string{"status >= crit"}}}
		cfg.Auth.Admins = []int64{alice.ID}
		cfg.Auth.Operators = []int64{bob.ID, dora.ID}
		cfg.Auth.Viewers = []int64{viewer.ID}
		cfg.Telegram.AllowedChats = []int64{elseChat.ID}
		if revoked {
			cfg.Auth.Operators = []int64{bob.ID}
			cfg.Telegram.AllowedChats = nil
		}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	// post sends text as who in chat and waits for its final reply with
	// buttons.
	post := func(chat telegramtest.Chat, who telegramtest.User, text string) {
		t.Helper()
		n := len(botKeyboards(tg, chat.ID))
		tg.SendText(chat, who, text)
		tg.WaitFor(t, "the buttons of "+text, func() bool { return len(botKeyboards(tg, chat.ID)) > n })
	}

	first := start(t, configure(false), app.Options{})
	card(t, tg, "INC-1", "db")
	for _, text := range []string{"/health", "/checklist daily", "/maint emergency database failover"} {
		post(opsChat, alice, text)
	}
	post(elseChat, alice, "/health")
	post(elseChat, alice, "/checklist daily")
	post(doraDM, dora, "/health")
	post(doraDM, dora, "/checklist daily")
	if err := first.stop(); err != nil {
		t.Fatalf("first run: %v", err)
	}

	r := start(t, configure(true), app.Options{})
	var want []denial
	seen := map[string]bool{}
	for _, msg := range botKeyboards(tg, opsChat.ID) {
		for _, row := range msg.ReplyMarkup {
			for _, b := range row {
				if b.CallbackData == "" {
					continue
				}
				action, _ := commands.ParseCallbackData(b.CallbackData)
				seen[action] = true
				expected, ok := buttonRoles()[action]
				if !ok {
					t.Errorf("button %q (%s): action %q has no expected role in buttonRoles", b.Text, b.CallbackData, action)
					continue
				}
				// The role opsbot enforces, seen as a viewer sees it.
				enforced := commands.RoleViewer
				text, alert := press(t, tg, viewer, msg, b.CallbackData)
				if got := refusedRole(text); got != "" {
					enforced = roleNamed(t, got)
					if !alert {
						t.Errorf("the refusal of %s is not a show_alert: %q", b.CallbackData, text)
					}
				}
				if enforced != expected {
					t.Errorf("button %s needs the %s role, want %s", b.CallbackData, enforced, expected)
				}
				refusals := []telegramtest.User{}
				if enforced > commands.RoleViewer {
					want = append(want, denial{viewer.ID, opsChat.ID, storage.AuditKindCallback, b.CallbackData, "needs " + enforced.String()})
					refusals = append(refusals, mallory)
				}
				if enforced > commands.RoleOperator {
					refusals = append(refusals, bob)
				}
				for _, who := range refusals {
					before, _ := tg.Message(msg.Chat.ID, msg.ID)
					text, alert := press(t, tg, who, msg, b.CallbackData)
					if !alert || refusedRole(text) != enforced.String() {
						t.Errorf("@%s pressing %s: answered %q (alert %v), want a refusal", who.Username, b.CallbackData, text, alert)
					}
					if after, _ := tg.Message(msg.Chat.ID, msg.ID); after.EditCount != before.EditCount {
						t.Errorf("@%s's refused press of %s edited the message", who.Username, b.CallbackData)
					}
					want = append(want, denial{who.ID, opsChat.ID, storage.AuditKindCallback, b.CallbackData, "needs " + enforced.String()})
				}
			}
		}
	}
	for action := range buttonRoles() {
		if !seen[action] {
			t.Errorf("no message carried a %q button: the test does not post every keyboard", action)
		}
	}
	// Where opsbot no longer serves: a press is answered (so no client
	// spins) with nothing, and audited.
	for _, place := range []struct {
		chat   telegramtest.Chat
		who    telegramtest.User
		detail string
	}{
		{elseChat, alice, "chat not allowed"},
		{doraDM, dora, "private chat from a user without a role"},
	} {
		msgs := botKeyboards(tg, place.chat.ID)
		if len(msgs) < 2 {
			t.Fatalf("%d keyboards in chat %d, want 2", len(msgs), place.chat.ID)
		}
		for _, msg := range msgs {
			data := msg.ReplyMarkup[0][0].CallbackData
			before, _ := tg.Message(msg.Chat.ID, msg.ID)
			if text, alert := press(t, tg, place.who, msg, data); text != "" || alert {
				t.Errorf("@%s pressing %s in chat %d: answered %q, want nothing", place.who.Username, data, place.chat.ID, text)
			}
			if after, _ := tg.Message(msg.Chat.ID, msg.ID); after.EditCount != before.EditCount {
				t.Errorf("a press in chat %d edited the message", place.chat.ID)
			}
			want = append(want, denial{place.who.ID, place.chat.ID, storage.AuditKindCallback, data, place.detail})
		}
	}
	if reg, ok := any(r.app).(interface{ Registry() *commands.Registry }); ok {
		for _, a := range reg.Registry().Actions() {
			if !seen[a.Name] {
				t.Errorf("action %q is registered but no keyboard of this test carries it", a.Name)
			}
		}
	}
	wantDenied(t, r, dir, want)
}

// TestNoSecretReachesTheChatOrTheLog runs opsbot as main does (its logger
// masking cfg.Secrets()) with a secret in every place one can be: the bot
// token, an HTTP check's userinfo, query and header, the monitored bot's
// token, the Railway token, PostgreSQL and MongoDB passwords, and the
// variables level 1's command inherits. Every target fails, echoing what it
// got where it can; Telegram fails a few calls; an incident opens and its
// action prints secrets. Then every message, file and answer the fake Bot
// API holds, /readyz and the whole log must reveal none of them.
func TestNoSecretReachesTheChatOrTheLog(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh for the level 1 command")
	}
	const (
		httpPass     = "Htp-s3cret-pass"
		httpToken    = "QryTok-5g7h9j1k"
		httpKey      = "QryKey-2m4n6p8q"
		httpBearer   = "HdrBrr-8r0s2t4u"
		primaryToken = "555444333:AAGz9Yx8Wv7Ut6Sr5Qp4On3Ml2Kj1_ab"
	)
	closed := checkstest.ClosedAddr(t)
	// Railway's production variables, as level 1's command inherits them.
	t.Setenv("TELEGRAM_BOT_TOKEN", secToken)
	t.Setenv("RAILWAY_TOKEN", secRailway)
	t.Setenv("PRIMARY_MONGODB_URI", "mongodb://opsbot:"+secMongoPass+"@"+closed+"/primary")

	tg := telegramtest.New(t, telegramtest.WithToken(secToken))
	tg.AddChat(opsChat)
	tg.Fail("getMe", 1, telegramtest.Fault{Status: 502})
	tg.Fail("getUpdates", 1, telegramtest.Fault{Status: 500})
	echo := newEchoServer(t)
	primary := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = fmt.Fprintf(w, `{"ok":false,"error_code":401,"description":"Unauthorized: %s"}`, r.URL.Path)
	}))
	t.Cleanup(primary.Close)
	rw := railwaytest.New(t, railwaytest.WithToken(secRailway))
	rw.Fail(railwaytest.AnyOp, 1000, railwaytest.Fault{Status: 400, GraphQLError: "invalid token " + secRailway})

	dir := t.TempDir()
	cfg := testConfig(t, tg, dir)
	secretURL := "http://opsuser:" + httpPass + "@%s/health?token=" + httpToken + "&api_key=" + httpKey
	bearer := map[string]string{"Authorization": "Bearer " + httpBearer}
	auth := map[string]string{"Authorization": "API_AUTH"}
	cfg.Checks.List = []config.Check{
		{Name: "api", Timeout: time.Second, HTTP: &config.HTTPCheck{URL: fmt.Sprintf(secretURL, closed), HeadersEnv: auth, SecretHeader: bearer, Verdict: true}},
		{Name: "echo", Timeout: time.Second, HTTP: &config.HTTPCheck{URL: fmt.Sprintf(secretURL, echo.Listener.Addr()), Verdict: true}},
		{Name: "bot", Timeout: time.Second, Telegram: &config.TelegramCheck{APIURL: primary.URL, TokenEnv: "PRIMARY_BOT_TOKEN", Token: primaryToken}},
		{Name: "railway", Timeout: time.Second, Railway: &config.RailwayCheck{APIURL: rw.URL(), TokenEnv: "RAILWAY_TOKEN", Token: secRailway, ServiceID: "svc-1", EnvironmentID: "env-1"}},
		{Name: "pg", Timeout: time.Second, Postgres: &config.PostgresCheck{URLEnv: "PRIMARY_POSTGRES_URL", URL: "postgres://app:" + secPgPass + "@" + closed + "/app?sslmode=disable"}},
		{Name: "mongo", Timeout: time.Second, MongoDB: &config.MongoDBCheck{URIEnv: "PRIMARY_MONGODB_URI", URI: "mongodb://opsbot:" + secMongoPass + "@" + closed + "/primary?authSource=admin"}},
	}
	cfg.Checks.Rules = []config.Rule{{Name: "echo-down", Summary: "echo failing", Severity: "critical", Checks: []string{"echo"}, When: []string{"status >= crit"}}}
	cfg.Escalation.Action.Type = config.ActionTypeCommand
	cfg.Escalation.Action.Command = []string{sh, "-c", `echo "restart failed: token=$TELEGRAM_BOT_TOKEN railway=$RAILWAY_TOKEN db=$PRIMARY_MONGODB_URI"; exit 3`}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	r := start(t, cfg, app.Options{
		Logger: app.NewLogger(&logs, "debug", "json", cfg.Secrets()...),
		Sleep:  func(context.Context, time.Duration) error { return nil },
	})

	health := command(t, tg, opsChat, alice, "/health")
	health = tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == health.ID && m.EditCount > 0 })
	mustContain(t, "/health", health.Text, "api</b> — connection refused", "echo</b> — HTTP 503", "bot</b> — getMe: 401",
		"railway</b> — Railway API error", "pg</b> — PostgreSQL not reachable", "mongo</b> — ")
	t.Logf("/health:\n%s", health.Text)
	acted := card(t, tg, "INC-1", "exit status 3")
	t.Logf("card:\n%s", acted.Text)
	mustContain(t, "the card", acted.Text, "restart failed: token=[redacted] railway=[redacted] db=mongodb://opsbot:[redacted]@")
	command(t, tg, opsChat, alice, "/incident INC-1")
	command(t, tg, opsChat, alice, "/status")
	_, readyz := get(t, "http://"+r.app.HTTPAddr()+"/readyz")
	if err := r.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}

	_, botSecret := cutToken(secToken)
	_, primarySecret := cutToken(primaryToken)
	secrets := []string{secToken, botSecret, primaryToken, primarySecret, httpPass, httpToken, httpKey, httpBearer,
		base64.StdEncoding.EncodeToString([]byte("opsuser:" + httpPass)), secRailway, secPgPass, secMongoPass}
	shown := []struct{ what, text string }{{"/readyz", readyz}, {"the log", logs.String()}}
	for _, m := range tg.Messages(opsChat.ID) {
		shown = append(shown, struct{ what, text string }{fmt.Sprintf("message %d", m.ID), m.Text + "\n" + m.Caption})
		if m.File != nil {
			shown = append(shown, struct{ what, text string }{"file " + m.File.Name, string(m.File.Data)})
		}
	}
	for _, c := range tg.CallsTo("answerCallbackQuery") {
		shown = append(shown, struct{ what, text string }{"a button's answer", fmt.Sprint(c.Params["text"])})
	}
	for _, s := range shown {
		if leaks := checkstest.Leaks(s.text, secrets...); len(leaks) > 0 {
			t.Errorf("%s reveals %q:\n%s", s.what, leaks, s.text)
		}
	}
	// The failures were logged, masked: the test saw what it tests.
	mustContain(t, "the log", logs.String(), "telegram not reachable", "***")
}

// cutToken splits a bot token into its bot id and its secret half.
func cutToken(token string) (id, secret string) {
	id, secret, _ = strings.Cut(token, ":")
	return id, secret
}

// newEchoServer starts a server that answers 503 with everything it was
// sent: the credentials, raw and decoded, and the query.
func newEchoServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = fmt.Fprintf(w, "UNHEALTHY - auth=%s user=%s:%s uri=%s", r.Header.Get("Authorization"), user, pass, r.RequestURI)
	}))
	t.Cleanup(srv.Close)
	return srv
}
