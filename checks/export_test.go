package checks

// SetRandom replaces the jitter source of r, before Start: tests make the
// jitter known.
func SetRandom(r *Runner, randN func(n int64) int64) { r.randN = randN }
