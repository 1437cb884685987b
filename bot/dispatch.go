package bot

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/commands"
	"github.com/opsbot/opsbot/storage"
)

// Audit outcomes, short names for storage's.
const (
	outcomeOK      = storage.AuditOutcomeOK
	outcomeDenied  = storage.AuditOutcomeDenied
	outcomeIgnored = storage.AuditOutcomeIgnored
	outcomeUnknown = storage.AuditOutcomeUnknown
	outcomeUsage   = storage.AuditOutcomeUsage
	outcomeError   = storage.AuditOutcomeError
	outcomePanic   = storage.AuditOutcomePanic
)

// handle is go-telegram/bot's handler for every update. It runs on one of
// Workers goroutines, so at most Workers updates are handled at once. The
// context it gets ends when polling stops; replies use workCtx instead, so
// that a shutdown lets them finish.
func (b *Bot) handle(_ context.Context, _ *tgbot.Bot, upd *models.Update) {
	b.mu.RLock()
	base := b.workCtx
	b.mu.RUnlock()
	if base == nil {
		base = context.Background()
	}
	ctx, cancel := context.WithTimeout(base, b.opts.HandlerTimeout)
	defer cancel()
	switch {
	case upd.Message != nil:
		b.onMessage(ctx, upd.Message)
	case upd.CallbackQuery != nil:
		b.onCallback(ctx, upd.CallbackQuery)
	default:
		b.metric.Updates.WithLabelValues("other", "ignored").Inc()
	}
}

func (b *Bot) onMessage(ctx context.Context, msg *models.Message) {
	if msg.From == nil || msg.From.IsBot {
		return
	}
	cmd, ok := parseCommand(msg)
	if !ok || !forUs(cmd.Mention, b.Username()) {
		b.metric.Updates.WithLabelValues("message", "ignored").Inc()
		return
	}
	start := b.clock.Now()
	private := msg.Chat.Type == models.ChatTypePrivate
	out := outgoing{ChatID: msg.Chat.ID}
	if msg.IsTopicMessage {
		out.ThreadID = msg.MessageThreadID
	}
	if !private {
		out.ReplyTo = msg.ID
	}
	entry := storage.AuditEntry{
		At: start, ChatID: msg.Chat.ID, ThreadID: out.ThreadID, UserID: msg.From.ID, Username: msg.From.Username,
		Kind: storage.AuditKindCommand, Action: cmd.Name, Args: truncate(cmd.Args, 200),
	}
	defer func() {
		entry.Duration = b.clock.Since(start)
		b.metric.Updates.WithLabelValues("command", entry.Outcome).Inc()
		b.record(ctx, entry)
	}()

	dec := b.auth.decide(msg.Chat.ID, private, msg.From.ID)
	if dec.reason != "" {
		entry.Outcome, entry.Detail = outcomeDenied, dec.reason
		b.log.Info("ignored command from outside", "chat", msg.Chat.ID, "user", msg.From.ID, "command", cmd.Name, "reason", dec.reason)
		return
	}
	c, found := b.reg.Lookup(cmd.Name)
	if !found && cmd.Mention == "" && !private {
		// Likely meant for another bot in the group: not ours to answer.
		entry.Outcome = outcomeIgnored
		return
	}
	if ok, wait, notify := b.users().admit(msg.From.ID); !ok {
		entry.Outcome, entry.Detail = outcomeRateLimited, rateLimitedDetail
		b.log.Info("command rate limited", "chat", msg.Chat.ID, "user", msg.From.ID, "command", cmd.Name, "wait", wait, "told", notify)
		if notify {
			b.reply(ctx, out, render.NewHTML().Text(slowDownText(wait)).String(), nil)
		}
		return
	}
	if !found {
		entry.Outcome = outcomeUnknown
		b.reply(ctx, out, render.NewHTML().Text("Unknown command /"+cmd.Name+". Type /help for the list.").String(), nil)
		return
	}
	if !dec.role.Allows(c.MinRole) {
		entry.Outcome, entry.Detail = outcomeDenied, "needs "+c.MinRole.String()
		b.reply(ctx, out, render.NewHTML().Text("⛔ /"+c.Name+" needs the "+c.MinRole.String()+" role; you are "+withArticle(dec.role)+".").String(), nil)
		return
	}

	req := commands.Request{
		Command: c.Name, Args: cmd.Args, ChatID: msg.Chat.ID, ThreadID: out.ThreadID, Private: private,
		UserID: msg.From.ID, Username: msg.From.Username, Role: dec.role, At: start,
	}
	placeholder := 0
	if c.Placeholder != nil {
		if sent, err := b.send.send(ctx, withHTML(out, render.NewHTML().Text(c.Placeholder(req)).String())); err == nil && len(sent) > 0 {
			placeholder = sent[0].ID
		}
	}
	reply, err := run(b, c.Name, func() (commands.Reply, error) { return c.Handle(ctx, req) })
	var (
		html    string
		refusal *commands.Refusal
	)
	switch {
	case errors.As(err, &refusal):
		// A subcommand the role may not run: refused like a command.
		entry.Outcome, entry.Detail = outcomeDenied, refusal.Error()
		html = refusal.HTML
	case errors.Is(err, errPanicked):
		entry.Outcome = outcomePanic
		html = render.NewHTML().Text("⚠️ Internal error while running /" + c.Name + ". It has been logged.").String()
	case errors.Is(err, commands.ErrUsage):
		entry.Outcome = outcomeUsage
		html = render.NewHTML().Text("Usage: ").Code(c.Usage).String()
	case err != nil:
		entry.Outcome, entry.Detail = outcomeError, "see log"
		b.log.Error("command failed", "command", c.Name, "chat", req.ChatID, "user", req.UserID, "err", err)
		html = render.NewHTML().Text("⚠️ /" + c.Name + " failed. The details are in opsbot's log.").String()
	default:
		entry.Outcome = outcomeOK
		html = reply.HTML
	}
	if html == "" {
		return
	}
	out.HTML, out.Keyboard = html, reply.Keyboard
	if placeholder != 0 {
		err = b.send.edit(ctx, placeholder, out)
	} else {
		_, err = b.send.send(ctx, out)
	}
	if err != nil {
		b.log.Error("reply not delivered", "chat", out.ChatID, "command", c.Name, "err", err)
		if entry.Outcome == outcomeOK {
			entry.Outcome, entry.Detail = outcomeError, "reply not delivered"
		}
		return
	}
	b.metric.CommandLatency.WithLabelValues(c.Name).Observe(b.clock.Since(start).Seconds())
	b.sendDocument(ctx, out, reply.Document)
	b.sendPhoto(ctx, out, reply.Photo)
}

// sendDocument sends a reply's file, if it has one.
func (b *Bot) sendDocument(ctx context.Context, out outgoing, d *commands.Document) {
	if d == nil {
		return
	}
	if err := b.send.document(ctx, out, d.Name, d.Data, truncate(d.Caption, 1000)); err != nil {
		b.log.Error("document not delivered", "chat", out.ChatID, "name", d.Name, "err", err)
	}
}

// sendPhoto sends a reply's image, if it has one.
func (b *Bot) sendPhoto(ctx context.Context, out outgoing, p *commands.Document) {
	if p == nil {
		return
	}
	if err := b.send.photo(ctx, out, p.Name, p.Data, truncate(p.Caption, 1000)); err != nil {
		b.log.Error("photo not delivered", "chat", out.ChatID, "name", p.Name, "err", err)
	}
}

func withHTML(o outgoing, html string) outgoing {
	o.HTML = html
	return o
}

var errPanicked = errors.New("handler panicked")

// run calls a handler, turning a panic into errPanicked after logging it
// with its stack.
func run[T any](b *Bot, name string, call func() (T, error)) (out T, err error) {
	defer func() {
		if v := recover(); v != nil {
			b.log.Error("handler panicked", "handler", name, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			var zero T
			out, err = zero, errPanicked
		}
	}()
	return call()
}

// onCallback runs a button press. Every press is answered, so no client
// keeps spinning, and audited.
func (b *Bot) onCallback(ctx context.Context, q *models.CallbackQuery) {
	start := b.clock.Now()
	var chatID int64
	var threadID, messageID int
	private := false
	if m := q.Message.Message; m != nil {
		chatID, messageID, private = m.Chat.ID, m.ID, m.Chat.Type == models.ChatTypePrivate
		if m.IsTopicMessage {
			threadID = m.MessageThreadID
		}
	} else if m := q.Message.InaccessibleMessage; m != nil {
		chatID, messageID = m.Chat.ID, m.MessageID
	}
	entry := storage.AuditEntry{
		At: start, ChatID: chatID, ThreadID: threadID, UserID: q.From.ID, Username: q.From.Username,
		Kind: storage.AuditKindCallback, Action: truncate(q.Data, 64),
	}
	defer func() {
		entry.Duration = b.clock.Since(start)
		b.metric.Updates.WithLabelValues("callback", entry.Outcome).Inc()
		b.record(ctx, entry)
	}()
	answer := func(text string, alert bool) {
		if err := b.send.answer(ctx, q.ID, truncate(text, 190), alert); err != nil {
			b.log.Warn("answerCallbackQuery failed", "err", err)
		}
	}

	dec := b.auth.decide(chatID, private, q.From.ID)
	if dec.reason != "" {
		entry.Outcome, entry.Detail = outcomeDenied, dec.reason
		answer("", false)
		return
	}
	if ok, wait, _ := b.users().admit(q.From.ID); !ok {
		entry.Outcome, entry.Detail = outcomeRateLimited, rateLimitedDetail
		b.log.Info("button press rate limited", "chat", chatID, "user", q.From.ID, "wait", wait)
		answer(slowDownText(wait), false)
		return
	}
	name, arg := commands.ParseCallbackData(q.Data)
	a, found := b.reg.Action(name)
	if !found || messageID == 0 {
		entry.Outcome = outcomeUnknown
		answer("This button is no longer active.", false)
		return
	}
	if !dec.role.Allows(a.MinRole) {
		entry.Outcome, entry.Detail = outcomeDenied, "needs "+a.MinRole.String()
		answer("⛔ This needs the "+a.MinRole.String()+" role; you are "+withArticle(dec.role)+".", true)
		return
	}
	press := commands.Press{
		Action: name, Arg: arg, ChatID: chatID, ThreadID: threadID, MessageID: messageID,
		UserID: q.From.ID, Username: q.From.Username, Role: dec.role, Private: private,
	}
	res, err := run(b, "button "+name, func() (commands.Outcome, error) { return a.Handle(ctx, press) })
	switch {
	case errors.Is(err, errPanicked):
		entry.Outcome = outcomePanic
		answer("⚠️ Internal error. It has been logged.", true)
		return
	case err != nil:
		entry.Outcome, entry.Detail = outcomeError, "see log"
		b.log.Error("button failed", "action", name, "chat", chatID, "user", q.From.ID, "err", err)
		answer("⚠️ That failed. The details are in opsbot's log.", true)
		return
	}
	entry.Outcome = outcomeOK
	answer(res.Toast, res.Alert)
	out := outgoing{ChatID: chatID, ThreadID: threadID}
	if res.Edit != nil {
		out.HTML, out.Keyboard = res.Edit.HTML, res.Edit.Keyboard
		if err := b.send.edit(ctx, messageID, out); err != nil {
			b.log.Error("edit not delivered", "action", name, "err", err)
			entry.Outcome, entry.Detail = outcomeError, "edit not delivered"
		}
	}
	if res.Send != nil {
		out.HTML, out.Keyboard, out.ReplyTo = res.Send.HTML, res.Send.Keyboard, messageID
		if _, err := b.send.send(ctx, out); err != nil {
			b.log.Error("message not delivered", "action", name, "err", err)
			entry.Outcome, entry.Detail = outcomeError, "message not delivered"
		} else {
			b.sendDocument(ctx, out, res.Send.Document)
			b.sendPhoto(ctx, out, res.Send.Photo)
		}
	}
}

// reply sends html (with an optional keyboard) and reports whether it was
// delivered. Failures are logged; there is nobody else to tell.
func (b *Bot) reply(ctx context.Context, out outgoing, html string, kb [][]render.Button) bool {
	out.HTML, out.Keyboard = html, kb
	if _, err := b.send.send(ctx, out); err != nil {
		b.log.Error("reply not delivered", "chat", out.ChatID, "err", err)
		return false
	}
	return true
}

func (b *Bot) record(ctx context.Context, e storage.AuditEntry) {
	if err := b.audit.Record(ctx, e); err != nil {
		b.log.Error("audit entry not recorded", "kind", e.Kind, "action", e.Action, "err", err)
	}
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// withArticle returns "a viewer", "an operator", "an admin".
func withArticle(r commands.Role) string {
	if r == commands.RoleOperator || r == commands.RoleAdmin {
		return "an " + r.String()
	}
	return "a " + r.String()
}
