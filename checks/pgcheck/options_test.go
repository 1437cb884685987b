package pgcheck_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks/pgcheck"
)

func TestNewValidatesOptions(t *testing.T) {
	tests := []struct {
		name string
		edit func(o *pgcheck.Options)
		want string // "" means valid
	}{
		{name: "URL", edit: func(*pgcheck.Options) {}},
		{name: "keyword/value", edit: func(o *pgcheck.Options) {
			o.URL = "host=db.example.supabase.co user=postgres password=s3cret dbname=postgres"
		}},
		{name: "no URL", edit: func(o *pgcheck.Options) { o.URL = "" }, want: "pgcheck: URL: missing"},
		{
			name: "bad port",
			edit: func(o *pgcheck.Options) { o.URL = "postgres://postgres:s3cret@db.example.supabase.co:54x/postgres" },
			want: "pgcheck: URL: not a PostgreSQL connection string",
		},
		{
			name: "bad sslmode",
			edit: func(o *pgcheck.Options) {
				o.URL = "postgres://postgres:s3cret@db.example.supabase.co/postgres?sslmode=always"
			},
			want: "pgcheck: URL: not a PostgreSQL connection string",
		},
		{name: "negative WarnAfter", edit: func(o *pgcheck.Options) { o.WarnAfter = -time.Second }, want: "pgcheck: WarnAfter: -1s is negative"},
		{name: "negative Timeout", edit: func(o *pgcheck.Options) { o.Timeout = -time.Second }, want: "pgcheck: Timeout: -1s is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := pgcheck.Options{URL: "postgres://postgres:s3cret@db.example.supabase.co:5432/postgres?sslmode=require"}
			tt.edit(&o)
			c, err := pgcheck.New(o)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.want == "" && c == nil:
				t.Fatal("New returned no Checker")
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Fatalf("New: error %v, want one starting %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), "s3cret"):
				t.Fatalf("error %q quotes the password", err)
			}
			var oe *pgcheck.OptionError
			if err != nil && (!errors.As(err, &oe) || !strings.HasPrefix(tt.want, "pgcheck: "+oe.Field+": ")) {
				t.Errorf("error %v is not an *OptionError naming the field", err)
			}
		})
	}
}
