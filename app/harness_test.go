package app_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/app"
	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/config"
)

// The people and chats of the end-to-end tests.
var (
	opsChat  = telegramtest.Chat{ID: -1001000000001, Type: telegramtest.ChatSupergroup, Title: "ops", IsForum: true}
	elseChat = telegramtest.Chat{ID: -1001000000002, Type: telegramtest.ChatSupergroup, Title: "somewhere else"}
	alice    = telegramtest.User{ID: 1001, FirstName: "Alice", Username: "alice"}
	bob      = telegramtest.User{ID: 1002, FirstName: "Bob", Username: "bob"}
	mallory  = telegramtest.User{ID: 6666, FirstName: "Mallory", Username: "mallory"}
)

// syncBuffer is a log sink the app writes to from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// running is one opsbot process started through app.Run, as main starts it.
type running struct {
	app  *app.App
	logs *syncBuffer
	stop func() error
}

// config returns a valid configuration pointing at tg, with its data in dir.
func testConfig(t testing.TB, tg *telegramtest.Server, dir string) *config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.Telegram.Token = tg.Token()
	cfg.Telegram.APIURL = tg.URL()
	cfg.Telegram.OpsChatID = opsChat.ID
	cfg.Telegram.PollTimeout = 2 * time.Second
	cfg.Storage.DataDir = dir
	cfg.HTTP.Addr = "127.0.0.1:0"
	cfg.Bot.Workers = 1 // updates are handled in order, so "nothing happened" can be observed
	// No digest or checklist turns up in the middle of a test that runs at
	// 09:00; the tests post them on demand.
	cfg.Schedules.DailyDigest, cfg.Schedules.WeeklyDigest, cfg.Schedules.MonthlyDigest = "", "", ""
	cfg.Schedules.DailyChecklist, cfg.Schedules.WeeklyChecklist, cfg.Schedules.MonthlyChecklist = "", "", ""
	cfg.Maintenance.Windows = nil     // nor a maintenance notice
	cfg.Bot.UserCommandsPerMinute = 0 // tests send bursts of commands
	if err := cfg.Validate(); err != nil {
		t.Fatalf("test config is not valid: %v", err)
	}
	return cfg
}

// start runs opsbot until the test ends (or stop is called).
func start(t testing.TB, cfg *config.Config, opts app.Options) *running {
	t.Helper()
	logs := &syncBuffer{}
	if opts.Logger == nil {
		opts.Logger = app.NewLogger(logs, "debug", "json", cfg.Telegram.Token)
	}
	a := app.New(cfg, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	select {
	case <-a.Ready():
	case err := <-done:
		cancel()
		t.Fatalf("opsbot stopped at start: %v\nlogs:\n%s", err, logs)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("opsbot not ready after 30s\nlogs:\n%s", logs)
	}
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(30 * time.Second):
				t.Errorf("opsbot did not stop within 30s\nlogs:\n%s", logs)
			}
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Run returned %v", err)
		}
	})
	return &running{app: a, logs: logs, stop: stop}
}

// command sends text as from in chat and returns the bot's reply to it.
func command(t testing.TB, tg *telegramtest.Server, chat telegramtest.Chat, from telegramtest.User, text string) telegramtest.Message {
	t.Helper()
	sent := tg.SendText(chat, from, text)
	return tg.WaitMessage(t, chat.ID, func(m telegramtest.Message) bool {
		return m.From.ID == tg.BotUser().ID && m.ReplyTo == sent.ID
	})
}

// repliesTo returns the bot's replies to message id in chat.
func repliesTo(tg *telegramtest.Server, chatID int64, id int) []telegramtest.Message {
	var out []telegramtest.Message
	for _, m := range tg.Messages(chatID) {
		if m.From.ID == tg.BotUser().ID && m.ReplyTo == id {
			out = append(out, m)
		}
	}
	return out
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Fatalf("%s: missing %q in:\n%s", what, w, got)
		}
	}
}

func asConfigError(err error, target **config.Error) bool { return errors.As(err, target) }
