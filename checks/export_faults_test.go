package checks

// Idle reports whether no scheduled run of the named check is in progress.
// A checker that outlived its timeout makes its check busy until it
// returns, a moment after the Runner has delivered the timed-out Result;
// a test that moves a fake clock to the next tick waits for this first.
func Idle(r *Runner, name string) bool { return !r.byName[name].busy.Load() }

// Settle returns once the Runner's scheduler has handled what its jobs
// have told it so far. Before each run a job tells the scheduler to arm
// its next tick and that the tick due is done, which it handles on its own
// goroutine at the clock's time then; a test that has seen a run begin
// must let it before moving a fake clock to that job's next tick, or the
// scheduler, finding that tick already past, runs the job again at once.
func Settle(r *Runner) {
	r.mu.Lock()
	s := r.sched
	r.mu.Unlock()
	s.Jobs() // a round trip through the scheduler's goroutine
}
