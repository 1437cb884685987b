package storage

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestMaintenanceIndexesCreateTwice checks that maintenanceIndexes, which
// is not in indexes() yet, creates on the embedded server and again on a
// restart (FerretDB v1 panics on some repeated createIndexes).
func TestMaintenanceIndexesCreateTwice(t *testing.T) {
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
		if err := ensureIndexes(t.Context(), s.db, []collectionIndexes{maintenanceIndexes()}); err != nil {
			t.Fatal(err)
		}
	}
	specs, err := s.db.Collection(MaintenanceCollection).Indexes().ListSpecifications(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, spec := range specs {
		names = append(names, spec.Name)
	}
	slices.Sort(names)
	if want := []string{"_id_", "until_1"}; !slices.Equal(names, want) {
		t.Errorf("maintenance indexes = %v, want %v", names, want)
	}
}
