package storage_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks/events"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// TestEventCountsAddAndSum adds counts around the end of January and sums
// ranges of them. By hand:
//
//	security 31 Jan 22:00  1 + 2      = 3
//	security 31 Jan 23:00  4 + 8      = 12 (8 added at 01:15 UTC+2, 1 Feb there)
//	security  1 Feb 00:00  5
//	security  1 Feb 13:00  6
//	security  3 Feb 01:00  7          (no document for 2 Feb)
//	rate_limit 31 Jan 22:00  100
func TestEventCountsAddAndSum(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c := storagetest.Open(t).EventCounts()
	plus2 := time.FixedZone("UTC+2", 2*3600)
	for _, a := range []struct {
		class string
		at    time.Time
		n     int64
	}{
		{"security", utc(2026, 1, 31, 22, 10), 1},
		{"security", utc(2026, 1, 31, 22, 50), 2},
		{"security", time.Date(2026, 1, 31, 23, 59, 59, 999e6, time.UTC), 4},
		{"security", time.Date(2026, 2, 1, 1, 15, 0, 0, plus2), 8},
		{"security", utc(2026, 2, 1, 0, 0), 5},
		{"security", utc(2026, 2, 1, 13, 30), 6},
		{"security", utc(2026, 2, 3, 1, 0), 7},
		{"rate_limit", utc(2026, 1, 31, 22, 0), 100},
		{"security", utc(2026, 2, 2, 12, 0), 0}, // writes nothing
	} {
		if err := c.Add(ctx, a.class, a.at, a.n); err != nil {
			t.Fatalf("add %+v: %v", a, err)
		}
	}
	plus1 := time.FixedZone("CET", 3600)
	for _, s := range []struct {
		class    string
		from, to time.Time
		want     int64
	}{
		{"security", utc(2026, 1, 31, 22, 0), utc(2026, 1, 31, 23, 0), 3},
		{"security", utc(2026, 1, 31, 22, 0), utc(2026, 2, 1, 0, 0), 15},
		{"security", utc(2026, 1, 31, 0, 0), utc(2026, 2, 4, 0, 0), 33},
		// Hours whose start is in [from, to): 22:00 starts before 22:30.
		{"security", utc(2026, 1, 31, 22, 30), utc(2026, 2, 1, 0, 0), 12},
		// 00:00 starts before 00:01, so it is in.
		{"security", utc(2026, 1, 31, 22, 0), utc(2026, 2, 1, 0, 1), 20},
		{"security", utc(2026, 2, 1, 0, 0), utc(2026, 2, 3, 1, 0), 11},
		{"security", utc(2026, 2, 2, 0, 0), utc(2026, 2, 3, 0, 0), 0},
		// 1 February in CET: 31 Jan 23:00 to 1 Feb 23:00 UTC.
		{"security", time.Date(2026, 2, 1, 0, 0, 0, 0, plus1), time.Date(2026, 2, 2, 0, 0, 0, 0, plus1), 23},
		{"security", utc(2026, 2, 1, 13, 0), utc(2026, 2, 1, 13, 0), 0},
		{"security", utc(2026, 2, 4, 0, 0), utc(2026, 1, 1, 0, 0), 0},
		{"rate_limit", utc(2026, 1, 1, 0, 0), utc(2026, 3, 1, 0, 0), 100},
		{"events", utc(2026, 1, 1, 0, 0), utc(2026, 3, 1, 0, 0), 0},
	} {
		got, err := c.Sum(ctx, s.class, s.from, s.to)
		if err != nil || got != s.want {
			t.Errorf("sum %s [%v, %v) = %d, %v; want %d", s.class, s.from, s.to, got, err, s.want)
		}
	}

	for name, err := range map[string]error{
		"a class with |":   c.Add(ctx, "a|b", utc(2026, 2, 1, 0, 0), 1),
		"an empty class":   c.Add(ctx, "", utc(2026, 2, 1, 0, 0), 1),
		"a negative count": c.Add(ctx, "security", utc(2026, 2, 1, 0, 0), -1),
		"no time":          c.Add(ctx, "security", time.Time{}, 1),
	} {
		if !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
	if _, err := c.Sum(ctx, "a|b", utc(2026, 1, 1, 0, 0), utc(2026, 3, 1, 0, 0)); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("sum of a class with |: %v", err)
	}

	// The day holding before is kept: 31 January goes, for both classes.
	n, err := c.Prune(ctx, utc(2026, 2, 1, 12, 0))
	if err != nil || n != 2 {
		t.Fatalf("prune deleted %d, %v; want the two documents of 31 January", n, err)
	}
	if got, err := c.Sum(ctx, "security", utc(2026, 1, 1, 0, 0), utc(2026, 3, 1, 0, 0)); err != nil || got != 5+6+7 {
		t.Errorf("after prune: %d, %v; want 18", got, err)
	}
}

// TestEventCountsConcurrentAdds has 8 goroutines add to the same two
// documents, neither of which exists at first: goroutine g adds g+1 25
// times, on 5 March for even i and 6 March for odd i. Each adds 13·(g+1)
// on the 5th and 12·(g+1) on the 6th; 1+…+8 = 36, so 468 and 432.
func TestEventCountsConcurrentAdds(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c := storagetest.Open(t).EventCounts()
	var wg sync.WaitGroup
	errs := make(chan error, 8*25)
	for g := range 8 {
		wg.Go(func() {
			for i := range 25 {
				at := utc(2026, 3, 5+i%2, 5, i)
				if err := c.Add(ctx, "security", at, int64(g+1)); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, w := range []struct {
		day  int
		want int64
	}{{5, 468}, {6, 432}} {
		got, err := c.Sum(ctx, "security", utc(2026, 3, w.day, 0, 0), utc(2026, 3, w.day+1, 0, 0))
		if err != nil || got != w.want {
			t.Errorf("%d March: %d, %v; want %d", w.day, got, err, w.want)
		}
	}
}

func decodeOne(t *testing.T, body string, at time.Time) events.Event {
	t.Helper()
	evs, err := events.Decode([]byte(body), at)
	if err != nil || len(evs) != 1 {
		t.Fatalf("decode %s: %v", body, err)
	}
	return evs[0]
}

func TestEventClasses(t *testing.T) {
	t.Parallel()
	at := utc(2026, 3, 2, 10, 0)
	const (
		all  = storage.EventClassAll
		sec  = storage.EventClassSecurity
		rate = storage.EventClassRateLimit
	)
	for _, tc := range []struct {
		body string
		want []string
	}{
		{`{"type":"security_violation","user_id":429,"violation_type":"malicious_file"}`, []string{all, sec}},
		{`{"type":"security_violation","violation_type":"RATE_LIMIT_EXCEEDED","user_id":7}`, []string{all, sec, rate}},
		{`{"type":"security_violation","violation_type":"ratelimit"}`, []string{all, sec, rate}},
		{`{"event":"security_violation","data":{"violation_type":"spam","details":{"reason":"Too many requests"}}}`, []string{all, sec, rate}},
		{`{"type":"security_violation","violation_type":"abuse","details":{"user_id":429}}`, []string{all, sec}},
		{`{"type":"security_violation","violation_type":"flood","status":"429"}`, []string{all, sec, rate}},
		{`{"type":"security_violation","message":"user 14290 blocked"}`, []string{all, sec}},
		{`{"type":"system_alert","alert_level":"warning","component":"api","message":"HTTP 429 from Telegram"}`, []string{all, rate}},
		{`{"type":"system_alert","alert_level":"info","status_code":429,"message":"backing off"}`, []string{all, rate}},
		{`{"type":"system_alert","data":{"alert_level":"warn","message":"Rate-limited 30 users"}}`, []string{all, rate}},
		{`{"type":"system_alert","alert_level":"error","component":"database","message":"connection lost"}`, []string{all}},
		{`{"type":"user_message","message":"what is a rate limit?"}`, []string{all}},
		{`{"type":"performance_metric","metric_type":"response_time","value":429,"code":429}`, []string{all}},
	} {
		if got := storage.EventClasses(decodeOne(t, tc.body, at)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: classes %v, want %v", tc.body, got, tc.want)
		}
	}
}

// TestEventCountsRecordsWhatTheWebhookReceives posts signed events to the
// real events.Handler with EventCounts as its sink, received at 2 March
// 10:58 UTC. By hand, with the hour each is counted in:
//
//	1  security malicious_file, 10:15          10  events security
//	2  security rate_limit_exceeded, 1 Mar 23:59  (1 Mar 23) events security rate_limit
//	3  alert "HTTP 429", no timestamp          10  events rate_limit
//	4  security spam / too many requests,
//	   13:00 without offset: 2 h ahead, so received  10  events security rate_limit
//	5  user_message, no timestamp              10  events
//	6  user_message 11:02: 4 min ahead, believed  11  events
//	7  alert error "connection lost", 10:57    10  events
//	8  security abuse, details user_id 429     10  events security
//	9  alert info status_code 429, 10:40       10  events rate_limit
//	10 performance_metric value 429            10  events
//
// 2 March: events 9 (8 at 10:00, 1 at 11:00), security 1, 4, 8 = 3,
// rate_limit 3, 4, 9 = 3; 1 March: 1 of each.
func TestEventCountsRecordsWhatTheWebhookReceives(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c := storagetest.Open(t).EventCounts()
	received := utc(2026, 3, 2, 10, 58)
	secret := []byte("webhook-secret")
	h, err := events.NewHandler(events.Options{Secret: secret, Sink: c, Clock: func() time.Time { return received }})
	if err != nil {
		t.Fatal(err)
	}
	body := `[
	{"type":"security_violation","timestamp":"2026-03-02T10:15:00Z","user_id":1,"violation_type":"malicious_file"},
	{"type":"security_violation","timestamp":"2026-03-01T23:59:00Z","violation_type":"rate_limit_exceeded"},
	{"type":"system_alert","alert_level":"warning","component":"api","message":"HTTP 429 from Telegram"},
	{"type":"security_violation","timestamp":"2026-03-02T13:00:00","data":{"violation_type":"spam","details":{"reason":"Too many requests"}}},
	{"type":"user_message","user_id":5},
	{"type":"user_message","timestamp":"2026-03-02T11:02:00Z"},
	{"type":"system_alert","timestamp":1772449020,"alert_level":"error","component":"database","message":"connection lost"},
	{"type":"security_violation","timestamp":"2026-03-02T10:20:00Z","violation_type":"abuse","details":{"user_id":429}},
	{"type":"system_alert","timestamp":"2026-03-02T10:40:00Z","alert_level":"info","status_code":429,"message":"backing off"},
	{"type":"performance_metric","metric_type":"response_time","value":429}
	]`
	req := httptest.NewRequest(http.MethodPost, events.Path, strings.NewReader(body))
	req.Header.Set(events.SignatureHeader, events.Sign(secret, []byte(body)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"recorded":10`) {
		t.Fatalf("webhook answered %d %s", rec.Code, rec.Body)
	}
	for _, s := range []struct {
		class    string
		from, to time.Time
		want     int64
	}{
		{"events", utc(2026, 3, 2, 0, 0), utc(2026, 3, 3, 0, 0), 9},
		{"events", utc(2026, 3, 2, 10, 0), utc(2026, 3, 2, 11, 0), 8},
		{"events", utc(2026, 3, 2, 11, 0), utc(2026, 3, 2, 12, 0), 1},
		{"events", utc(2026, 3, 2, 12, 0), utc(2026, 3, 3, 0, 0), 0},
		{"security", utc(2026, 3, 2, 0, 0), utc(2026, 3, 3, 0, 0), 3},
		{"rate_limit", utc(2026, 3, 2, 0, 0), utc(2026, 3, 3, 0, 0), 3},
		{"events", utc(2026, 3, 1, 23, 0), utc(2026, 3, 2, 0, 0), 1},
		{"security", utc(2026, 3, 1, 0, 0), utc(2026, 3, 2, 0, 0), 1},
		{"rate_limit", utc(2026, 3, 1, 0, 0), utc(2026, 3, 2, 0, 0), 1},
	} {
		got, err := c.Sum(ctx, s.class, s.from, s.to)
		if err != nil || got != s.want {
			t.Errorf("%s [%v, %v) = %d, %v; want %d", s.class, s.from, s.to, got, err, s.want)
		}
	}

	// An event with no time at all is refused, not counted in year 1.
	if err := c.Record(ctx, events.Event{Type: events.TypeUserMessage}); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("an event without a time: %v", err)
	}
}
