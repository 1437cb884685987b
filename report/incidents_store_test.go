package report_test

import (
	"slices"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/report"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// storeIncident opens an incident for check at opened in r, then
// acknowledges and resolves it at the times given (zero: never).
func storeIncident(t *testing.T, r *storage.Incidents, check string, opened, acked, resolved time.Time) incident.Incident {
	t.Helper()
	ctx := t.Context()
	fp := incident.Fingerprint(check, "", "down")
	inc, _, err := r.Open(ctx, fp, func(seq int64) (incident.Incident, error) {
		inc, _, err := incident.Open(incident.OpenParams{Seq: seq, Check: check, Rule: "down",
			Severity: checks.SeverityCritical, At: opened, Policy: incident.DefaultPolicy()})
		return inc, err
	})
	if err != nil {
		t.Fatal(err)
	}
	step := func(next incident.Incident, _ []incident.Effect, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Update(ctx, inc.Rev, next); err != nil {
			t.Fatal(err)
		}
		inc = next
	}
	if !acked.IsZero() {
		step(incident.Acknowledge(inc, "alice", acked))
	}
	if !resolved.IsZero() {
		step(incident.Resolve(inc, "", "", resolved))
	}
	return inc
}

func TestFromIncidentStoreKeepsWhatTouchesThePeriod(t *testing.T) {
	t.Parallel()
	r := storagetest.Open(t).Incidents()
	var zero time.Time
	feb := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	storeIncident(t, r, "opened-in", hm(mar2, 10, 0), hm(mar2, 10, 5), hm(mar2, 11, 0))      // INC-1: kept
	storeIncident(t, r, "resolved-in", hm(mar1, 10, 0), zero, hm(mar2, 1, 0))                // INC-2: kept
	storeIncident(t, r, "still-open", feb.AddDate(0, -2, 0), zero, zero)                     // INC-3: kept, from Unresolved
	storeIncident(t, r, "done-before", hm(mar1, 1, 0), zero, hm(mar1, 2, 0))                 // INC-4: dropped
	storeIncident(t, r, "opened-after", hm(mar2, 25, 0), zero, zero)                         // INC-5: dropped
	storeIncident(t, r, "resolved-after", hm(mar1, 20, 0), hm(mar1, 21, 0), hm(mar2, 30, 0)) // INC-6: open at the end, kept
	storeIncident(t, r, "too-old", feb.AddDate(0, -3, 0), zero, hm(mar2, 2, 0))              // INC-7: beyond the lookback, missed

	got, err := report.FromIncidentStore(r, 0).Incidents(t.Context(), mar2, mar2.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, inc := range got {
		ids = append(ids, inc.ID)
	}
	slices.Sort(ids)
	if want := []string{"INC-1", "INC-2", "INC-3", "INC-6"}; !slices.Equal(ids, want) {
		t.Fatalf("incidents touching 2 March: %v; want %v", ids, want)
	}
	// A lookback of 150 days reaches back past 1 November and finds INC-7 too.
	got, err = report.FromIncidentStore(r, 150*24*time.Hour).Incidents(t.Context(), mar2, mar2.Add(24*time.Hour))
	if err != nil || len(got) != 5 {
		t.Fatalf("with 150 days' lookback: %d incidents, %v; want 5", len(got), err)
	}
}
