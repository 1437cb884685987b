package report

import (
	"time"

	"github.com/opsbot/opsbot/incident"
)

// IncidentStats are a period's incidents.
type IncidentStats struct {
	// Opened counts incidents opened in the period; Resolved those
	// resolved in it (wherever they opened); OpenAtEnd those opened before
	// the period's end and not resolved by then.
	Opened, Resolved, OpenAtEnd int
	// MTTA is the mean time from opening to acknowledgement of the
	// incidents opened in the period and acknowledged (Acknowledged of
	// them; MTTA is 0 when none was).
	MTTA         time.Duration
	Acknowledged int
	// MTTR is the mean incident.Duration (failure start to resolution)
	// of the incidents resolved in the period; 0 when none was.
	MTTR time.Duration
}

// incidentStats sums incs up for p. It works on each incident's latest
// revision: an incident reopened after p keeps its earlier resolution
// out of p's figures, since the revision no longer holds it.
func incidentStats(incs []incident.Incident, p Period) IncidentStats {
	var s IncidentStats
	var ackSum, resSum time.Duration
	for _, inc := range incs {
		resolved := inc.Status == incident.StatusResolved
		if p.Contains(inc.OpenedAt) {
			s.Opened++
			if !inc.AcknowledgedAt.IsZero() {
				s.Acknowledged++
				ackSum += max(inc.AcknowledgedAt.Sub(inc.OpenedAt), 0)
			}
		}
		if d, ok := incident.Duration(inc); ok && p.Contains(inc.ResolvedAt) {
			s.Resolved++
			resSum += d
		}
		if inc.OpenedAt.Before(p.To) && (!resolved || !inc.ResolvedAt.Before(p.To)) {
			s.OpenAtEnd++
		}
	}
	if s.Acknowledged > 0 {
		s.MTTA = ackSum / time.Duration(s.Acknowledged)
	}
	if s.Resolved > 0 {
		s.MTTR = resSum / time.Duration(s.Resolved)
	}
	return s
}

// dedupe keeps the first copy of each incident id.
func dedupe(incs []incident.Incident) []incident.Incident {
	seen := make(map[string]bool, len(incs))
	out := incs[:0:0]
	for _, inc := range incs {
		if !seen[inc.ID] {
			seen[inc.ID] = true
			out = append(out, inc)
		}
	}
	return out
}
