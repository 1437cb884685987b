package incident_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/incident"
)

func fired(check string, d time.Duration) checks.Transition {
	return checks.Transition{Kind: checks.Fired, Check: check, At: at(d)}
}

// shape renders groups as "S50 1 1": S and the size for a storm, 1 for a
// single page.
func shape(groups []incident.Group[checks.Transition]) string {
	s := ""
	for i, g := range groups {
		if i > 0 {
			s += " "
		}
		if g.Storm {
			s += fmt.Sprintf("S%d", len(g.Items))
		} else {
			s += fmt.Sprint(len(g.Items))
		}
	}
	return s
}

func TestGroupTransitions(t *testing.T) {
	var storm []checks.Transition
	// 50 failures within 25s, given out of order, then 2 stragglers and a
	// recovery in the middle.
	for i := 49; i >= 0; i-- {
		storm = append(storm, fired(fmt.Sprintf("check-%02d", i), time.Duration(i)*500*time.Millisecond))
	}
	storm = append(storm, fired("late-1", 2*time.Minute), fired("late-2", 5*time.Minute),
		checks.Transition{Kind: checks.Resolved, Check: "check-07", At: at(10 * time.Second)})

	tests := []struct {
		name string
		ts   []checks.Transition
		sp   incident.StormPolicy
		want string
	}{
		{"50 failures page once", storm, incident.DefaultStormPolicy(), "S50 1 1"},
		{"two are not a storm", []checks.Transition{fired("a", 0), fired("b", time.Second)}, incident.DefaultStormPolicy(), "1 1"},
		{"threshold exactly", []checks.Transition{fired("a", 0), fired("b", time.Second), fired("c", 30*time.Second)},
			incident.DefaultStormPolicy(), "S3"},
		{"the window slides to a later storm", []checks.Transition{fired("a", 0), fired("b", 25*time.Second),
			fired("c", 35*time.Second), fired("d", 50*time.Second)}, incident.DefaultStormPolicy(), "1 S3"},
		{"a long storm is cut per window", storm[:50], incident.StormPolicy{Window: 10 * time.Second, Threshold: 3}, "S21 S21 S8"},
		{"disabled", storm[:5], incident.StormPolicy{Window: 30 * time.Second}, "1 1 1 1 1"},
		{"nothing", nil, incident.DefaultStormPolicy(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			groups := incident.GroupTransitions(tt.ts, tt.sp)
			if got := shape(groups); got != tt.want {
				t.Fatalf("groups %q, want %q", got, tt.want)
			}
			for _, g := range groups {
				for i := 1; i < len(g.Items); i++ {
					if g.Items[i].At.Before(g.Items[i-1].At) {
						t.Fatal("a group is out of time order")
					}
				}
			}
		})
	}
	if storm[0].Check != "check-49" {
		t.Fatal("GroupTransitions reordered its argument")
	}
}
