package storage_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

var silT0 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// The periodic pruning (app's pruneLoop) takes Silences and Once as they are.
var (
	_ interface {
		Prune(context.Context, time.Time) (int64, error)
	} = (*storage.Silences)(nil)
	_ interface {
		Prune(context.Context, time.Time) (int64, error)
	} = (*storage.Once)(nil)
)

// checksOf returns a function that takes a listing's results and returns
// its checks, failing t on an error.
func checksOf(t *testing.T) func([]storage.Silence, error) []string {
	return func(list []storage.Silence, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, s := range list {
			out = append(out, s.Check)
		}
		return out
	}
}

func TestSilencesSetActiveList(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	r := s.Silences()
	ctx := t.Context()
	set := func(sl storage.Silence) {
		t.Helper()
		if err := r.Set(ctx, sl); err != nil {
			t.Fatalf("Set(%s): %v", sl.Check, err)
		}
	}
	local := time.FixedZone("CET", 3600)
	api := storage.Silence{Check: "api", Until: silT0.Add(time.Hour).In(local), By: "alice", At: silT0.Add(123456 * time.Nanosecond), Reason: "deploy"}
	set(api)
	set(storage.Silence{Check: "db", Until: silT0.Add(10 * time.Minute), By: "bob", At: silT0})
	set(storage.Silence{Check: "cache", Until: silT0.Add(-time.Minute), By: "bob", At: silT0.Add(-time.Hour)})

	got, ok, err := r.Active(ctx, "api", silT0)
	if err != nil || !ok || !got.Until.Equal(api.Until) || got.By != "alice" || got.Reason != "deploy" ||
		!got.At.Equal(silT0) || got.Until.Location() != time.UTC {
		t.Fatalf("Active(api) = %+v, %v, %v", got, ok, err)
	}
	for _, c := range []struct {
		check string
		at    time.Time
	}{
		{"api", silT0.Add(time.Hour)}, // ends at Until
		{"cache", silT0},              // ended
		{"none", silT0},               // never silenced
	} {
		if _, ok, err := r.Active(ctx, c.check, c.at); err != nil || ok {
			t.Errorf("Active(%s, %v) = %v, %v; want none", c.check, c.at, ok, err)
		}
	}
	if got := checksOf(t)(r.List(ctx, silT0)); !slices.Equal(got, []string{"api", "db"}) {
		t.Errorf("List = %v, want [api db]", got)
	}
	if got := checksOf(t)(r.List(ctx, silT0.Add(30*time.Minute))); !slices.Equal(got, []string{"api"}) {
		t.Errorf("List later = %v, want [api]", got)
	}

	// A later Set replaces, shortening or extending.
	set(storage.Silence{Check: "api", Until: silT0.Add(5 * time.Minute), By: "carol", At: silT0.Add(time.Minute)})
	if got, ok, _ := r.Active(ctx, "api", silT0); !ok || got.By != "carol" || got.Reason != "" || !got.Until.Equal(silT0.Add(5*time.Minute)) {
		t.Fatalf("Active(api) after a second Set = %+v, %v", got, ok)
	}
	set(storage.Silence{Check: "cache", Until: silT0.Add(time.Hour), By: "bob", At: silT0})
	if got := checksOf(t)(r.List(ctx, silT0)); !slices.Equal(got, []string{"api", "cache", "db"}) {
		t.Errorf("List after reviving cache = %v", got)
	}

	for _, bad := range []storage.Silence{{Until: silT0}, {Check: "api"}} {
		if err := r.Set(ctx, bad); !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("Set(%+v) error = %v, want ErrInvalid", bad, err)
		}
	}
	if got, want := indexNames(t, s, storage.SilencesCollection), []string{"_id_", "until_1"}; !slices.Equal(got, want) {
		t.Errorf("silences indexes = %v, want %v", got, want)
	}
}

func TestSilencesDeleteAndPrune(t *testing.T) {
	t.Parallel()
	r := storagetest.Open(t).Silences()
	ctx := t.Context()
	for _, sl := range []storage.Silence{
		{Check: "api", Until: silT0.Add(time.Hour)},
		{Check: "db", Until: silT0.Add(-2 * time.Hour)},
		{Check: "cache", Until: silT0.Add(-time.Minute)},
	} {
		if err := r.Set(ctx, sl); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := r.Delete(ctx, "api"); err != nil || !ok {
		t.Fatalf("Delete(api) = %v, %v; want true", ok, err)
	}
	if ok, err := r.Delete(ctx, "api"); err != nil || ok {
		t.Fatalf("second Delete(api) = %v, %v; want false", ok, err)
	}
	if _, ok, _ := r.Active(ctx, "api", silT0); ok {
		t.Fatal("api still silenced after Delete")
	}

	// Prune(before) deletes what ended before it: db, not cache yet.
	if n, err := r.Prune(ctx, silT0.Add(-time.Hour)); err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v; want 1", n, err)
	}
	if ok, _ := r.Delete(ctx, "db"); ok {
		t.Error("db survived Prune")
	}
	if ok, _ := r.Delete(ctx, "cache"); !ok {
		t.Error("cache was pruned before it had ended long enough")
	}
}
