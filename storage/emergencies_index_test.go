package storage

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestEmergencyIndexesCreateTwice checks that emergencyIndexes, which is
// not in indexes() yet, creates on the embedded server and again on a
// restart (FerretDB v1 panics on some repeated createIndexes).
func TestEmergencyIndexesCreateTwice(t *testing.T) {
	t.Parallel()
	s, err := Open(t.Context(), Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Close(ctx)
	})
	for range 2 {
		if err := ensureIndexes(t.Context(), s.db, emergencyIndexes()); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string][]string{
		EmergenciesCollection:    {"_id_", "started_at_1"},
		EmergencyStepsCollection: {"_id_", "emergency_1", "started_1"},
	}
	for coll, w := range want {
		specs, err := s.db.Collection(coll).Indexes().ListSpecifications(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, spec := range specs {
			names = append(names, spec.Name)
		}
		slices.Sort(names)
		if !slices.Equal(names, w) {
			t.Errorf("%s indexes = %v, want %v", coll, names, w)
		}
	}
}
