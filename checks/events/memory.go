package events

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"
)

// DefaultPerType is how many events of each type Memory keeps.
const DefaultPerType = 1000

// Memory is an in-memory EventSink and Store, bounded: it keeps the newest
// PerType events of each documented type and, all together, the newest
// PerType events of other types. It is safe for concurrent use.
type Memory struct {
	mu      sync.Mutex
	perType int
	rings   map[Type]*ring
	other   *ring
	seq     uint64
}

var (
	_ EventSink = (*Memory)(nil)
	_ Store     = (*Memory)(nil)
)

// NewMemory returns a Memory keeping perType events per type (default
// DefaultPerType when perType <= 0).
func NewMemory(perType int) *Memory {
	if perType <= 0 {
		perType = DefaultPerType
	}
	m := &Memory{perType: perType, rings: make(map[Type]*ring), other: &ring{size: perType}}
	for _, t := range KnownTypes() {
		m.rings[t] = &ring{size: perType}
	}
	return m
}

// Record keeps e, dropping the oldest event of its type when full.
func (m *Memory) Record(_ context.Context, e Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.rings[e.Type]
	if !ok {
		r = m.other
	}
	m.seq++
	r.push(entry{seq: m.seq, e: e})
	return nil
}

// Since returns the events received after t, oldest first (in the order
// they were recorded when received at the same time).
func (m *Memory) Since(t time.Time) []Event {
	m.mu.Lock()
	var found []entry
	for _, r := range m.rings {
		found = r.appendSince(found, t)
	}
	found = m.other.appendSince(found, t)
	m.mu.Unlock()
	slices.SortFunc(found, func(a, b entry) int {
		return cmp.Or(a.e.ReceivedAt.Compare(b.e.ReceivedAt), cmp.Compare(a.seq, b.seq))
	})
	out := make([]Event, len(found))
	for i, f := range found {
		out[i] = f.e
	}
	return out
}

// entry is a recorded event and its place in the recording order.
type entry struct {
	seq uint64
	e   Event
}

// ring holds the newest size events of one kind.
type ring struct {
	size int
	buf  []entry
	next int
}

func (r *ring) push(e entry) {
	if len(r.buf) < r.size {
		r.buf = append(r.buf, e)
		return
	}
	r.buf[r.next] = e
	r.next = (r.next + 1) % r.size
}

func (r *ring) appendSince(out []entry, t time.Time) []entry {
	for _, e := range r.buf {
		if e.e.ReceivedAt.After(t) {
			out = append(out, e)
		}
	}
	return out
}
