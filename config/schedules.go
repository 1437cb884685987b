package config

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedules says when the digests and the checklists are posted. Each is
// a five-field cron spec ("minute hour day-of-month month day-of-week")
// read in Timezone; an empty spec turns that post off.
type Schedules struct {
	// Timezone is an IANA time zone name, e.g. "UTC" or "Europe/Berlin".
	Timezone         string `yaml:"timezone"`
	DailyDigest      string `yaml:"daily_digest"`
	WeeklyDigest     string `yaml:"weekly_digest"`
	MonthlyDigest    string `yaml:"monthly_digest"`
	DailyChecklist   string `yaml:"daily_checklist"`
	WeeklyChecklist  string `yaml:"weekly_checklist"`
	MonthlyChecklist string `yaml:"monthly_checklist"`
}

func defaultSchedules() Schedules {
	return Schedules{
		Timezone:         "UTC",
		DailyDigest:      "0 9 * * *", // 09:00 every day
		WeeklyDigest:     "0 9 * * 0", // Sunday 09:00
		MonthlyDigest:    "0 9 1 * *", // the 1st, 09:00
		DailyChecklist:   "30 9 * * *",
		WeeklyChecklist:  "0 10 * * 1", // Monday 10:00
		MonthlyChecklist: "0 10 1 * *",
	}
}

// Location returns the Timezone's location (UTC when it is not valid;
// Validate reports that).
func (s Schedules) Location() *time.Location {
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

func (s *Schedules) validate(path string, add addFunc) {
	if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "" {
		add(path+".timezone", fmt.Sprintf("%s is not an IANA time zone name (like UTC or Europe/Berlin)", quote(s.Timezone)))
	}
	for _, f := range []struct{ key, spec string }{
		{"daily_digest", s.DailyDigest}, {"weekly_digest", s.WeeklyDigest}, {"monthly_digest", s.MonthlyDigest},
		{"daily_checklist", s.DailyChecklist}, {"weekly_checklist", s.WeeklyChecklist}, {"monthly_checklist", s.MonthlyChecklist},
	} {
		validCron(path+"."+f.key, f.spec, add)
	}
}

// validCron reports a spec that is neither empty nor a five-field cron spec.
func validCron(path, spec string, add addFunc) {
	if strings.TrimSpace(spec) == "" {
		return
	}
	if _, err := cron.ParseStandard(spec); err != nil {
		add(path, fmt.Sprintf("%s is not a cron spec (minute hour day-of-month month day-of-week, e.g. \"0 9 * * *\"; empty turns it off): %v", quote(spec), err))
	}
}

// Maintenance configures the maintenance windows.
type Maintenance struct {
	// AnnounceChatID is an optional chat (the users' channel) that also
	// gets the notices; 0 sends them to the ops chat only.
	AnnounceChatID int64 `yaml:"announce_chat_id" want:"a Telegram chat id (a number like -1001234567890)"`
	// Windows are the recurring windows; the default is the checklist's
	// monthly and quarterly windows. An empty list turns them off.
	Windows []MaintenanceWindow `yaml:"windows"`
}

// MaintenanceWindow is a recurring window: the Nth Weekday of each month
// in Months, from Start for Duration, in Timezone.
type MaintenanceWindow struct {
	// Name starts the ids of its windows: "monthly" gives
	// "monthly-2026-12-06", which /maint end and /maint cancel take.
	Name     string        `yaml:"name"`
	Title    string        `yaml:"title"`
	Weekday  string        `yaml:"weekday"` // monday ... sunday
	Nth      int           `yaml:"nth" want:"1 to 4, or -1 for the last"`
	Months   []int         `yaml:"months" want:"a month number, 1 to 12"` // empty: every month
	Start    string        `yaml:"start"`                                 // "02:00"
	Duration time.Duration `yaml:"duration"`
	Timezone string        `yaml:"timezone"`
	// Notice is how long before the start the window is announced.
	Notice time.Duration `yaml:"notice"`
	// Scope are the checks whose pages the window holds (names or
	// patterns like "api-*"); empty holds every check's.
	Scope []string `yaml:"scope"`
}

func defaultMaintenance() Maintenance {
	return Maintenance{Windows: []MaintenanceWindow{
		{Name: "monthly", Title: "Monthly maintenance", Weekday: "sunday", Nth: 1, Start: "02:00", Duration: 2 * time.Hour,
			Timezone: "UTC", Notice: 7 * 24 * time.Hour},
		{Name: "quarterly", Title: "Quarterly maintenance", Weekday: "sunday", Nth: 1, Months: []int{1, 4, 7, 10}, Start: "01:00",
			Duration: 4 * time.Hour, Timezone: "UTC", Notice: 14 * 24 * time.Hour},
	}}
}

// windowName is a recurring window's name.
var windowName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,19}$`)

// Weekdays by their config names.
var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// WeekdayOf returns the weekday of a window (Sunday when invalid;
// Validate reports that).
func (w MaintenanceWindow) WeekdayOf() time.Weekday { return weekdays[strings.ToLower(w.Weekday)] }

func (m *Maintenance) validate(path string, add addFunc) {
	names := map[string]bool{}
	for i, w := range m.Windows {
		p := fmt.Sprintf("%s.windows[%d]", path, i)
		switch {
		case !windowName.MatchString(w.Name):
			add(p+".name", fmt.Sprintf("%s must be 1 to 20 of a-z, 0-9 and -, like \"monthly\"", quote(w.Name)))
		case names[w.Name]:
			add(p+".name", fmt.Sprintf("%s is used by another window", quote(w.Name)))
		}
		names[w.Name] = true
		if strings.TrimSpace(w.Title) == "" {
			add(p+".title", `must be set, like "Monthly maintenance"`)
		}
		if _, ok := weekdays[strings.ToLower(w.Weekday)]; !ok {
			add(p+".weekday", fmt.Sprintf("%s is not a weekday (monday ... sunday)", quote(w.Weekday)))
		}
		if w.Nth != -1 && (w.Nth < 1 || w.Nth > 4) {
			add(p+".nth", fmt.Sprintf("must be 1 to 4, or -1 for the last, got %d", w.Nth))
		}
		for j, mo := range w.Months {
			if mo < 1 || mo > 12 {
				add(fmt.Sprintf("%s.months[%d]", p, j), fmt.Sprintf("must be 1 to 12, got %d", mo))
			}
		}
		if _, err := time.Parse("15:04", w.Start); err != nil {
			add(p+".start", fmt.Sprintf("%s is not a time like 02:00", quote(w.Start)))
		}
		if w.Duration <= 0 || w.Duration > 7*24*time.Hour {
			add(p+".duration", fmt.Sprintf("must be above 0 and at most 7 days, got %s", formatDuration(w.Duration)))
		}
		if _, err := time.LoadLocation(w.Timezone); err != nil || w.Timezone == "" {
			add(p+".timezone", fmt.Sprintf("%s is not an IANA time zone name (like UTC or Europe/Berlin)", quote(w.Timezone)))
		}
		atLeast(add, p+".notice", w.Notice, 0, "")
	}
}

// Checklists configures the interactive checklists.
type Checklists struct {
	// Lists replace the built-in daily, weekly and monthly lists of the
	// same kind; empty keeps the built-in ones (see /checklist).
	Lists []ChecklistList `yaml:"lists"`
}

// ChecklistList is one checklist.
type ChecklistList struct {
	Kind  string          `yaml:"kind"` // daily, weekly or monthly
	Title string          `yaml:"title"`
	Items []ChecklistItem `yaml:"items"`
}

// ChecklistItem is one item; Verify names a check opsbot runs itself to
// tick it with evidence (e.g. "health"), empty for a person to tick.
type ChecklistItem struct {
	ID      string `yaml:"id"`
	Text    string `yaml:"text"`
	Section string `yaml:"section"`
	Verify  string `yaml:"verify"`
}

func (c *Checklists) validate(path string, add addFunc) {
	kinds := map[string]bool{}
	for i, l := range c.Lists {
		p := fmt.Sprintf("%s.lists[%d]", path, i)
		switch l.Kind {
		case "daily", "weekly", "monthly":
			if kinds[l.Kind] {
				add(p+".kind", fmt.Sprintf("a %s list is already given", l.Kind))
			}
			kinds[l.Kind] = true
		default:
			add(p+".kind", fmt.Sprintf("%s is not daily, weekly or monthly", quote(l.Kind)))
		}
		if len(l.Items) == 0 || len(l.Items) > 40 {
			add(p+".items", fmt.Sprintf("needs 1 to 40 items, got %d", len(l.Items)))
		}
		ids := map[string]bool{}
		for j, it := range l.Items {
			q := fmt.Sprintf("%s.items[%d]", p, j)
			switch {
			case it.ID == "" || len(it.ID) > 8 || strings.ContainsAny(it.ID, ":| "):
				add(q+".id", fmt.Sprintf("%s must be 1 to 8 characters without ':', '|' or spaces", quote(it.ID)))
			case ids[it.ID]:
				add(q+".id", fmt.Sprintf("%s is used twice in this list", quote(it.ID)))
			}
			ids[it.ID] = true
			if strings.TrimSpace(it.Text) == "" {
				add(q+".text", "must be set")
			}
		}
	}
}
