package logcheck

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRedactor(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"telegram token",
			"Bot started with token 1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1 ok",
			"Bot started with token *** ok"},
		{"telegram token in a URL",
			"POST https://api.telegram.org/bot1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1/sendMessage failed",
			"POST https://api.telegram.org/bot***/sendMessage failed"},
		{"bearer header",
			"headers={'Authorization': 'Bearer hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'}",
			"headers={'Authorization': 'Bearer ***'}"},
		{"bearer in text",
			"retrying with bearer abcdef0123456789abcdef",
			"retrying with bearer ***"},
		{"basic auth header",
			"Authorization: Basic dXNlcjpwYXNzd29yZA==",
			"Authorization: Basic ***"},
		{"query string",
			"GET /callback?user=5&token=abc123def456&api_key=XyZ987&page=2 200",
			"GET /callback?user=5&token=***&api_key=***&page=2 200"},
		{"json",
			`payload {"user": "bob", "password": "correct horse battery", "apiKey": "k-123"}`,
			`payload {"user": "bob", "password": "***", "apiKey": "***"}`},
		{"escaped json",
			`body="{\"password\": \"hunter2\", \"n\": 1}"`,
			`body="{\"password\": \"***\", \"n\": 1}"`},
		{"python repr",
			"Settings(bot_token='12345:short', admin_ids=[1, 2], secret_key='s3cr3t')",
			"Settings(bot_token='***', admin_ids=[1, 2], secret_key='***')"},
		{"env style",
			"env: MONGODB_PASSWORD=p@ssw0rd! SUPABASE_KEY=eyJhbGciOi REDIS_PWD=abc",
			"env: MONGODB_PASSWORD=*** SUPABASE_KEY=*** REDIS_PWD=***"},
		{"key colon value",
			"login failed: secret: topsecret, pwd: 1234",
			"login failed: secret: ***, pwd: ***"},
		{"mongodb uri",
			"connecting to mongodb+srv://botuser:S3cr3tP4ss@cluster0.abcde.mongodb.net/bot?retryWrites=true",
			"connecting to mongodb+srv://***@cluster0.abcde.mongodb.net/bot?retryWrites=true"},
		{"postgres uri with @ in the password",
			"DATABASE_URL postgres://postgres:p@ss:w0rd@db.supabase.co:5432/postgres",
			"DATABASE_URL postgres://***@db.supabase.co:5432/postgres"},
		{"token as URI user",
			"git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/x/y",
			"git clone https://***@github.com/x/y"},
		{"aws access key",
			"boto: using AKIAIOSFODNN7EXAMPLE for s3",
			"boto: using *** for s3"},
		{"aws secret after its key",
			"aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY region=eu",
			"aws_secret_access_key=*** region=eu"},
		{"hex secret after a key",
			"webhook secret=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			"webhook secret=***"},
		{"jwt",
			"supabase session eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U expired",
			"supabase session *** expired"},
		{"hugging face token",
			"HF login hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 ok",
			"HF login *** ok"},
		{"openai key",
			"openai: sk-proj-abcdefghijklmnopqrstuvwx1234 rejected",
			"openai: *** rejected"},
	}
	r := NewRedactor()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.String(tt.in); got != tt.want {
				t.Errorf("\n  in: %s\n got: %s\nwant: %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactorLeavesOrdinaryLinesAlone(t *testing.T) {
	lines := []string{
		"2024-01-20 09:31:02,114 - bot.handlers - INFO - Request: /start user=123",
		"2024-01-20 09:32:12,730 - bot.ai - INFO - processing time: 2723ms",
		"2024-01-20 09:34:00,000 - bot.handlers - ERROR - Error: Telegram API returned 429 Too Many Requests",
		"2024-01-20 09:35:17,900 - bot.files - INFO - File processing done: report.pdf processing time: 2650",
		"2024-01-20 10:00:00,000 - bot.maintenance - INFO - Memory cleanup freed 120 MB",
		"2024-01-20 10:20:00,000 - bot.db - ERROR - MongoDB connection error: connection refused",
		"GET https://example.com/health 200 in 45ms",
		"max_tokens=4000 keyboard=inline author: bob tokens: 12",
		"sha256 of upload 3f786850e387550fdab836ed7e6dc881de23001b is clean",
		"user 123456 sent 12:30 reminder",
		"mongodb://localhost:27017/bot connected",
		"Traceback (most recent call last):",
		`  File "/app/bot/handlers.py", line 42, in handle`,
	}
	r := NewRedactor()
	for _, l := range lines {
		if got := r.String(l); got != l {
			t.Errorf("changed an ordinary line:\n  in: %s\n got: %s", l, got)
		}
	}
}

func TestRedactorExactSecrets(t *testing.T) {
	r := NewRedactor("plainsecretvalue", "abc", "")
	if got := r.String("using plainsecretvalue and abc"); got != "using *** and abc" {
		t.Errorf("got %q", got)
	}
}

func TestDisplayLine(t *testing.T) {
	r := NewRedactor()
	got := r.DisplayLine("\x1b[31mERROR\x1b[0m\tbad \x00byte \u202e\xff password=x\r", 0)
	if want := "ERROR bad byte \uFFFD password=***"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	long := strings.Repeat("é", 300)
	got = r.DisplayLine(long, 101)
	if !utf8.ValidString(got) || len(got) > 101+len("…") || !strings.HasSuffix(got, "…") {
		t.Errorf("cut badly: %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
	// A secret is masked before the cut, so half a token cannot survive.
	got = r.DisplayLine("x token 1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1", 30)
	if strings.Contains(got, "AAHdq") {
		t.Errorf("token survived the cut: %q", got)
	}
}
