package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opsbot/opsbot/incident"
)

// Due returns the unresolved incidents whose timer (incident.NextTimer) is
// at or before now, earliest first, at most limit (0: all). Timers live in
// the incidents themselves, so a restart resumes them.
func (r *Incidents) Due(ctx context.Context, now time.Time, limit int) ([]incident.Incident, error) {
	open, err := r.unresolved(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: due incidents: %w", err)
	}
	type due struct {
		at  time.Time
		inc incident.Incident
	}
	var all []due
	for _, inc := range open {
		if at, ok := incident.NextTimer(inc); ok && !at.After(now) {
			all = append(all, due{at, inc})
		}
	}
	slices.SortStableFunc(all, func(a, b due) int { return a.at.Compare(b.at) }) // ties stay in Seq order
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	out := make([]incident.Incident, len(all))
	for i, d := range all {
		out[i] = d.inc
	}
	return out, nil
}

// Unresolved returns every unresolved incident at its latest revision, by
// Seq. The scan runs over the fingerprint claims, one per unresolved
// incident (plus claims of resolutions not yet released), not over the
// incidents, which keep every resolved one until Prune; and reading each
// through its claim rolls it forward, so a reopen or resolution whose
// cache write was lost is seen as committed.
func (r *Incidents) Unresolved(ctx context.Context) ([]incident.Incident, error) {
	out, err := r.unresolved(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: unresolved incidents: %w", err)
	}
	return out, nil
}

func (r *Incidents) unresolved(ctx context.Context) ([]incident.Incident, error) {
	cur, err := r.claims.Find(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	var claims []fpClaim
	if err := cur.All(ctx, &claims); err != nil {
		return nil, err
	}
	var out []incident.Incident
	seen := make(map[string]bool, len(claims))
	for _, c := range claims {
		if seen[c.Incident] {
			continue
		}
		seen[c.Incident] = true
		inc, ok, err := r.get(ctx, c.Incident)
		if err != nil {
			return nil, err
		}
		if ok && inc.Status != incident.StatusResolved {
			out = append(out, inc)
		}
	}
	slices.SortFunc(out, func(a, b incident.Incident) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// ByGroup returns the incidents of storm group (incident.Incident.Group),
// resolved ones included, at their latest revisions, by Seq; an empty
// group is ErrInvalid. It selects on the materialised copies (a scan on
// FerretDB, group_1 on MongoDB) and rolls each forward, dropping one whose
// latest revision left the group. An incident that joined the group in a
// revision whose copy was never written (its writer crashed in between) is
// missed until a read rolls it forward and writes the copy; Due does that
// for every unresolved incident.
func (r *Incidents) ByGroup(ctx context.Context, group string) ([]incident.Incident, error) {
	if group == "" {
		return nil, fmt.Errorf("%w: incidents of an empty group", ErrInvalid)
	}
	cur, err := r.incs.Find(ctx, bson.D{{Key: "group", Value: group}},
		options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("storage: incidents of %s: %w", group, err)
	}
	var docs []incidentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: incidents of %s: %w", group, err)
	}
	out := make([]incident.Incident, 0, len(docs))
	for _, d := range docs {
		inc, err := r.forward(ctx, d.Incident)
		if err != nil {
			return nil, fmt.Errorf("storage: incidents of %s: %w", group, err)
		}
		if inc.Group == group {
			out = append(out, inc)
		}
	}
	return out, nil
}

// ListStatus selects the incidents [Incidents.List] returns.
type ListStatus string

// The list selections.
const (
	ListAll   ListStatus = "all"   // every incident ("" too)
	ListOpen  ListStatus = "open"  // unresolved incidents
	ListToday ListStatus = "today" // opened at or after Since (the start of today), required
)

// ListFilter is the query of [Incidents.List].
type ListFilter struct {
	Status ListStatus
	// Since keeps incidents opened at or after it, when set.
	Since time.Time
	// Limit bounds the result; 0 means 50.
	Limit int
}

// List returns the incidents filter selects, newest first.
func (r *Incidents) List(ctx context.Context, filter ListFilter) ([]incident.Incident, error) {
	q := bson.D{}
	switch filter.Status {
	case "", ListAll:
	case ListOpen:
		q = append(q, bson.E{Key: "status", Value: bson.D{{Key: "$ne", Value: incident.StatusResolved}}})
	case ListToday:
		if filter.Since.IsZero() {
			return nil, fmt.Errorf("%w: list today needs Since", ErrInvalid)
		}
	default:
		return nil, fmt.Errorf("%w: list status %q", ErrInvalid, filter.Status)
	}
	if !filter.Since.IsZero() {
		q = append(q, bson.E{Key: "opened_at", Value: bson.D{{Key: "$gte", Value: filter.Since}}})
	}
	limit := filter.Limit
	if limit <= 0 {
		limit = 50
	}
	cur, err := r.incs.Find(ctx, q, options.Find().
		SetSort(bson.D{{Key: "opened_at", Value: -1}, {Key: "seq", Value: -1}}).
		SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("storage: list incidents: %w", err)
	}
	var docs []incidentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: list incidents: %w", err)
	}
	out := make([]incident.Incident, 0, len(docs))
	for _, d := range docs {
		inc, err := r.forward(ctx, d.Incident)
		if err != nil {
			return nil, fmt.Errorf("storage: list incidents: %w", err)
		}
		if filter.Status == ListOpen && inc.Status == incident.StatusResolved {
			continue // resolved by a revision not materialised yet
		}
		out = append(out, inc)
	}
	return out, nil
}

// Prune deletes the incidents resolved before before, with their
// revisions, and returns how many it deleted. An incident whose
// fingerprint claim is being released by another process is kept for the
// next Prune.
func (r *Incidents) Prune(ctx context.Context, before time.Time) (int, error) {
	cur, err := r.incs.Find(ctx, bson.D{
		{Key: "status", Value: incident.StatusResolved},
		{Key: "resolved_at", Value: bson.D{{Key: "$lt", Value: before}}},
	})
	if err != nil {
		return 0, fmt.Errorf("storage: prune incidents: %w", err)
	}
	var docs []incidentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return 0, fmt.Errorf("storage: prune incidents: %w", err)
	}
	n := 0
	for _, d := range docs {
		inc, err := r.forward(ctx, d.Incident)
		if err != nil {
			return n, fmt.Errorf("storage: prune incidents: %w", err)
		}
		if inc.Status != incident.StatusResolved || !inc.ResolvedAt.Before(before) {
			continue // reopened since
		}
		// A claim left naming it would make Open rebuild it under its id.
		c, found, err := r.claim(ctx, inc.Fingerprint)
		if err != nil {
			return n, fmt.Errorf("storage: prune incidents: %w", err)
		}
		if found && c.Incident == inc.ID {
			if done, err := r.release(ctx, c); err != nil || !done {
				if err != nil {
					return n, fmt.Errorf("storage: prune incidents: %w", err)
				}
				continue
			}
		}
		// Its revisions and markers: every _id starting with "INC-42|"
		// ('}' follows '|'), a range on the _id index.
		if _, err := r.revs.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{
			{Key: "$gte", Value: inc.ID + "|"}, {Key: "$lt", Value: inc.ID + "}"},
		}}}); err != nil {
			return n, fmt.Errorf("storage: prune incidents: %w", err)
		}
		if _, err := r.incs.DeleteOne(ctx, byID(inc.ID)); err != nil {
			return n, fmt.Errorf("storage: prune incidents: %w", err)
		}
		n++
	}
	return n, nil
}
