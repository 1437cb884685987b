package mongocheck_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks/mongocheck"
)

func TestNewValidatesOptions(t *testing.T) {
	count := func(edit func(c *mongocheck.Count)) func(o *mongocheck.Options) {
		return func(o *mongocheck.Options) {
			c := mongocheck.Count{Collection: "security_events", TimeField: "timestamp", Window: time.Hour, WarnAbove: 50}
			edit(&c)
			o.Count = &c
		}
	}
	tests := []struct {
		name string
		edit func(o *mongocheck.Options)
		want string // "" means valid
	}{
		{name: "ping only", edit: func(*mongocheck.Options) {}},
		{name: "count with the URI's database", edit: count(func(*mongocheck.Count) {})},
		{name: "SRV URI", edit: func(o *mongocheck.Options) { o.URI = "mongodb+srv://u:p@cluster0.example.mongodb.net/app" }},
		{name: "SRV URI with options", edit: func(o *mongocheck.Options) {
			o.URI = "mongodb+srv://h.example.net/?srvMaxHosts=2&retryWrites=true&w=majority"
		}},
		{name: "SRV URI with a port", edit: func(o *mongocheck.Options) { o.URI = "mongodb+srv://h.example.net:27017/app" }, want: "mongocheck: URI: not a MongoDB connection string: a mongodb+srv URI has no port"},
		{name: "SRV URI with two hosts", edit: func(o *mongocheck.Options) { o.URI = "mongodb+srv://a.example.net,b.example.net/app" }, want: "mongocheck: URI: not a MongoDB connection string: a mongodb+srv URI names one host"},
		{name: "bad option", edit: func(o *mongocheck.Options) { o.URI = "mongodb://h.example.net/?w=majority&journal=maybe" }, want: "mongocheck: URI: not a MongoDB connection string: "},
		{
			name: "bad auth property: reason withheld",
			edit: func(o *mongocheck.Options) {
				o.URI = "mongodb://h.example.net/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:s3cret,X"
			},
			want: "mongocheck: URI: not a MongoDB connection string",
		},
		{name: "no URI", edit: func(o *mongocheck.Options) { o.URI = "" }, want: "mongocheck: URI: missing"},
		{
			name: "not a URI",
			edit: func(o *mongocheck.Options) { o.URI = "localhost:27017" },
			want: "mongocheck: URI: not a MongoDB connection string: ",
		},
		{
			name: "unescaped password: reason withheld",
			edit: func(o *mongocheck.Options) { o.URI = "mongodb://u:pa:ss/w0rd@host:27017/app" },
			want: "mongocheck: URI: not a MongoDB connection string",
		},
		{
			name: "count without a database",
			edit: func(o *mongocheck.Options) {
				o.URI = "mongodb://u:p@host"
				count(func(*mongocheck.Count) {})(o)
			},
			want: "mongocheck: Database: missing",
		},
		{name: "negative ping threshold", edit: func(o *mongocheck.Options) { o.PingWarnAfter = -1 }, want: "mongocheck: PingWarnAfter: -1ns is negative"},
		{name: "negative connect timeout", edit: func(o *mongocheck.Options) { o.ConnectTimeout = -time.Second }, want: "mongocheck: ConnectTimeout: -1s is negative"},
		{name: "negative timeout", edit: func(o *mongocheck.Options) { o.Timeout = -time.Second }, want: "mongocheck: Timeout: -1s is negative"},
		{name: "count without collection", edit: count(func(c *mongocheck.Count) { c.Collection = "" }), want: "mongocheck: Count.Collection: missing"},
		{name: "count without time field", edit: count(func(c *mongocheck.Count) { c.TimeField = "" }), want: "mongocheck: Count.TimeField: missing"},
		{name: "count without window", edit: count(func(c *mongocheck.Count) { c.Window = 0 }), want: "mongocheck: Count.Window: 0s is not positive"},
		{name: "negative warn", edit: count(func(c *mongocheck.Count) { c.WarnAbove = -1 }), want: "mongocheck: Count.WarnAbove: -1 is negative"},
		{name: "negative crit", edit: count(func(c *mongocheck.Count) { c.CritAbove = -1 }), want: "mongocheck: Count.CritAbove: -1 is negative"},
		{name: "crit below warn", edit: count(func(c *mongocheck.Count) { c.CritAbove = 10 }), want: "mongocheck: Count.CritAbove: 10 is below Count.WarnAbove 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mongocheck.Options{URI: "mongodb://opsbot:s3cret@db.example.com:27017/app"}
			tt.edit(&o)
			c, err := mongocheck.New(o)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.want == "" && c == nil:
				t.Fatal("New returned no Checker")
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Fatalf("New: error %v, want one starting %q", err, tt.want)
			case err != nil && (strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "w0rd")):
				t.Fatalf("error %q quotes the password", err)
			}
			var oe *mongocheck.OptionError
			if err != nil && (!errors.As(err, &oe) || !strings.HasPrefix(tt.want, "mongocheck: "+oe.Field+": ")) {
				t.Errorf("error %v is not an *OptionError naming the field", err)
			}
		})
	}
}
