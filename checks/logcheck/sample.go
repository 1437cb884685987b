package logcheck

import (
	"math"
	"math/rand/v2"
	"slices"
)

// sampleCap bounds the processing times kept for the percentile: up to it
// the p95 is exact; beyond it a uniform reservoir sample of this size
// estimates it. The sum, count and maximum stay exact.
const sampleCap = 100_000

// sampler accumulates processing times with bounded memory.
type sampler struct {
	count int
	sum   float64
	max   float64
	keep  []float64
	rng   *rand.Rand
}

func (s *sampler) add(v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	s.count++
	s.sum += v
	s.max = max(s.max, v)
	if len(s.keep) < sampleCap {
		s.keep = append(s.keep, v)
		return
	}
	if s.rng == nil {
		// A fixed seed keeps Analyze deterministic for the same input.
		s.rng = rand.New(rand.NewPCG(1, 2))
	}
	if i := s.rng.IntN(s.count); i < sampleCap {
		s.keep[i] = v
	}
}

func (s *sampler) result() Processing {
	if s.count == 0 {
		return Processing{}
	}
	slices.Sort(s.keep)
	// Nearest rank: the smallest value with at least 95% at or below it.
	rank := int(math.Ceil(0.95*float64(len(s.keep)))) - 1
	return Processing{
		Count: s.count,
		AvgMS: s.sum / float64(s.count),
		P95MS: s.keep[max(rank, 0)],
		MaxMS: s.max,
	}
}
