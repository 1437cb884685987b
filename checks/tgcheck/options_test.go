package tgcheck_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks/tgcheck"
)

func TestNewValidatesOptions(t *testing.T) {
	valid := tgcheck.Options{Token: token}
	tests := []struct {
		name string
		edit func(o *tgcheck.Options)
		want string // "" means valid
	}{
		{name: "defaults", edit: func(*tgcheck.Options) {}},
		{name: "trailing slash", edit: func(o *tgcheck.Options) { o.APIURL = "http://127.0.0.1:8081/" }},
		{name: "no token", edit: func(o *tgcheck.Options) { o.Token = "" }, want: "tgcheck: Token: missing"},
		{name: "token with bot prefix", edit: func(o *tgcheck.Options) { o.Token = "bot" + token }, want: "tgcheck: Token: not shaped like a bot token"},
		{name: "token with newline", edit: func(o *tgcheck.Options) { o.Token = token + "\n" }, want: "tgcheck: Token: not shaped like a bot token"},
		{name: "API URL without scheme", edit: func(o *tgcheck.Options) { o.APIURL = "api.telegram.org" }, want: "tgcheck: APIURL: must start with https://"},
		{name: "API URL without host", edit: func(o *tgcheck.Options) { o.APIURL = "https://" }, want: "tgcheck: APIURL: no host"},
		{name: "webhook URL", edit: func(o *tgcheck.Options) { o.ExpectWebhookURL = "/hook" }, want: "tgcheck: ExpectWebhookURL: must start with https://"},
		{name: "negative pending", edit: func(o *tgcheck.Options) { o.MaxPendingUpdates = -1 }, want: "tgcheck: MaxPendingUpdates: -1 is negative"},
		{name: "negative window", edit: func(o *tgcheck.Options) { o.LastErrorWithin = -time.Minute }, want: "tgcheck: LastErrorWithin: -1m0s is negative"},
		{name: "negative timeout", edit: func(o *tgcheck.Options) { o.Timeout = -time.Second }, want: "tgcheck: Timeout: -1s is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := valid
			tt.edit(&o)
			c, err := tgcheck.New(o)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.want == "" && c == nil:
				t.Fatal("New returned no Checker")
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Fatalf("New: error %v, want one starting %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), "AAFakeToken"):
				t.Fatalf("error %q quotes the token", err)
			}
			var oe *tgcheck.OptionError
			if err != nil && (!errors.As(err, &oe) || !strings.HasPrefix(tt.want, "tgcheck: "+oe.Field+": ")) {
				t.Errorf("error %v is not an *OptionError naming the field", err)
			}
		})
	}
}
