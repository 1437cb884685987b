package storage

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestChecklistIndexesCreateTwice checks that checklistIndexes, which is
// not in indexes() yet, creates on the embedded server and again on a
// restart (FerretDB v1 panics on some repeated createIndexes).
func TestChecklistIndexesCreateTwice(t *testing.T) {
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
		if err := ensureIndexes(t.Context(), s.db, checklistIndexes()); err != nil {
			t.Fatal(err)
		}
	}
	for _, coll := range []string{ChecklistsCollection, ChecklistTicksCollection} {
		specs, err := s.db.Collection(coll).Indexes().ListSpecifications(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, spec := range specs {
			names = append(names, spec.Name)
		}
		slices.Sort(names)
		if want := []string{"_id_", "posted_1"}; !slices.Equal(names, want) {
			t.Errorf("%s indexes = %v, want %v", coll, names, want)
		}
	}
}
