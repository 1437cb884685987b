package maint

import "time"

// Step is one step of emergency maintenance, due Deadline after the
// emergency began; a zero Deadline has no deadline of its own (it is done
// when it is done, and Missed never reports it).
type Step struct {
	Name     string
	Deadline time.Duration
	Prompt   string
}

// The emergency steps' names, for the done map of Missed.
const (
	StepAssessment   = "assessment"
	StepDecision     = "decision"
	StepNotice       = "notice"
	StepFix          = "fix"
	StepVerification = "verification"
	StepPostIncident = "post-incident"
)

// EmergencyCriteria returns when emergency maintenance is called for, as
// the monitoring checklist lists it; the bot shows them when someone
// considers one.
func EmergencyCriteria() []string {
	return []string{
		"A critical security vulnerability was discovered.",
		"The service has been completely unavailable for more than 30 minutes.",
		"Data integrity issues were identified.",
		"Legal or compliance requirements demand it.",
	}
}

// EmergencySteps returns the emergency procedure of the monitoring
// checklist, copied here so that nothing reads the checklist at run time:
// assessment within 15 minutes, the go/no-go decision 15 minutes after it
// (30 from the start), users told within 30 minutes, then the fix, its
// verification and the post-incident note, which take as long as they
// take.
func EmergencySteps() []Step {
	return []Step{
		{Name: StepAssessment, Deadline: 15 * time.Minute, Prompt: "Assess severity and impact: what is broken, for whom, since when."},
		{Name: StepDecision, Deadline: 30 * time.Minute, Prompt: "Decide go or no-go for emergency maintenance."},
		{Name: StepNotice, Deadline: 30 * time.Minute, Prompt: "Notify users: what is affected and when the next update comes."},
		{Name: StepFix, Prompt: "Deploy the fix, watching the monitoring."},
		{Name: StepVerification, Prompt: "Test all functionality after the fix."},
		{Name: StepPostIncident, Prompt: "Send the post-incident note to users."},
	}
}

// Missed returns the steps, in order, whose deadline passed before now
// (a step due at 30 minutes is still on time at exactly 30 minutes) and
// that done does not record: the nudges to send. A step recorded done
// late counts as done.
func Missed(steps []Step, startedAt time.Time, done map[string]time.Time, now time.Time) []Step {
	var out []Step
	for _, s := range steps {
		if s.Deadline <= 0 || !now.After(startedAt.Add(s.Deadline)) || !done[s.Name].IsZero() {
			continue
		}
		out = append(out, s)
	}
	return out
}
