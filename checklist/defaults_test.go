package checklist_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checklist"
)

// sections returns the sections of items in order of first appearance.
func sections(items []checklist.Item) []string {
	var out []string
	for _, it := range items {
		if !slices.Contains(out, it.Section) {
			out = append(out, it.Section)
		}
	}
	return out
}

func TestDefaultsFollowTheChecklist(t *testing.T) {
	lists := checklist.Defaults()
	var kinds []string
	for _, l := range lists {
		kinds = append(kinds, l.Kind)
	}
	if want := []string{"daily", "weekly", "monthly"}; !slices.Equal(kinds, want) {
		t.Fatalf("kinds = %v, want %v", kinds, want)
	}
	want := map[string][]string{
		"daily":  {"System Health", "Bot Functionality", "Performance Metrics", "Error Log Review", "Database Health"},
		"weekly": {"Performance Analysis", "Security Review", "User Activity Analysis", "Resource Optimization Review"},
		"monthly": {"Comprehensive Health Assessment", "Security Audit", "Performance Optimization",
			"Dependency Updates", "Backup Verification", "Maintenance Window"},
	}
	for _, l := range lists {
		if got := sections(l.Items); !slices.Equal(got, want[l.Kind]) {
			t.Errorf("%s sections = %v, want %v", l.Kind, got, want[l.Kind])
		}
		if l.Title == "" {
			t.Errorf("%s has no title", l.Kind)
		}
	}
	if n := len(lists[0].Items); n > 20 {
		t.Errorf("the daily list has %d items, want at most 20", n)
	}
}

func TestDefaultsItemsAreUsable(t *testing.T) {
	known := []string{
		checklist.VerifyHealth, checklist.VerifyHealthStatus, checklist.VerifyResponseTime, checklist.VerifyCPU,
		checklist.VerifyMemory, checklist.VerifyLogsErrors, checklist.VerifyLogsDatabase, checklist.VerifyLogsRateLimit,
		checklist.VerifyLogsSecurity, checklist.VerifyDatabase, checklist.VerifySupabase,
	}
	// The longest run id for years of daily runs, and then some.
	const runID = "CL-999999999999"
	seen := map[string]bool{}
	verified := map[string]bool{}
	for _, l := range checklist.Defaults() {
		for _, it := range l.Items {
			if it.ID == "" || seen[it.ID] || strings.ContainsAny(it.ID, ":|") {
				t.Errorf("%s: item id %q is empty, repeated or has ':' or '|'", l.Kind, it.ID)
			}
			seen[it.ID] = true
			if it.Text == "" || len(it.Text) > 80 {
				t.Errorf("%s: item %s text %q is empty or over 80 bytes", l.Kind, it.ID, it.Text)
			}
			if data := checklist.CallbackData(runID, it.ID); len(data) > checklist.MaxCallbackData {
				t.Errorf("callback data %q is %d bytes, over %d", data, len(data), checklist.MaxCallbackData)
			}
			if it.Verify != "" {
				if !slices.Contains(known, it.Verify) {
					t.Errorf("%s: item %s names unknown verification %q", l.Kind, it.ID, it.Verify)
				}
				verified[it.Verify] = true
			}
		}
	}
	// What the team asked opsbot to check itself.
	for _, v := range []string{"health", "database", "logs-errors", "response-time"} {
		if !verified[v] {
			t.Errorf("no daily item is verified by %q", v)
		}
	}
}

func TestDefaultsAreFreshCopies(t *testing.T) {
	a := checklist.Defaults()
	a[0].Items[0].Text = "changed"
	if b := checklist.Defaults(); b[0].Items[0].Text == "changed" {
		t.Fatal("Defaults shares its items between calls")
	}
}

// TestDefaultsRenderInFull renders each list with every item ticked by a
// long username, and with long evidence: the full message fits.
func TestDefaultsRenderInFull(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, l := range checklist.Defaults() {
		r := checklist.Run{ID: "CL-123456", Kind: l.Kind, Title: l.Title, Items: l.Items, Posted: now, Ticks: map[string]checklist.Tick{}}
		for i, it := range l.Items {
			tk := checklist.Tick{By: "@" + strings.Repeat("u", 32), At: now.Add(-25 * time.Hour)}
			if i%2 == 0 {
				tk = checklist.Tick{By: checklist.ByOpsbot, At: now, Evidence: strings.Repeat("evidence ", 20)}
			}
			r.Ticks[it.ID] = tk
		}
		html, kb := checklist.Render(r, now)
		if len(html) > 4096 || strings.Contains(html, "more items") || !strings.Contains(html, " — by @uuu") {
			t.Errorf("%s: %d bytes, want every item with its details within 4096:\n%s", l.Kind, len(html), html)
		}
		if len(kb) != 0 {
			t.Errorf("%s: all done but %d button rows", l.Kind, len(kb))
		}
	}
}
