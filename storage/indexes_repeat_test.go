package storage

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestIndexesCreateTwice creates the indexes of the newer repositories
// twice, as a restart does (FerretDB v1 panics on some repeated
// createIndexes), and checks each collection ends up with exactly its own.
func TestIndexesCreateTwice(t *testing.T) {
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
	specs := append(append([]collectionIndexes{maintenanceIndexes()}, checklistIndexes()...), emergencyIndexes()...)
	for range 2 {
		if err := ensureIndexes(t.Context(), s.db, specs); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string][]string{
		MaintenanceCollection:    {"_id_", "until_1"},
		ChecklistsCollection:     {"_id_", "posted_1"},
		ChecklistTicksCollection: {"_id_", "posted_1"},
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
