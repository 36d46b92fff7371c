package interp

// Bounded partial-order reduction (Coons, Musuvathi, McKinley: "Bounded
// partial-order reduction", OOPSLA 2013). A preemption bound and DPOR do
// not compose by pruning alone: the bound makes steps dependent that DPOR
// takes as independent. When a race asks for thread q before step i, the
// backtrack point at i may cost a preemption the bound forbids, while q
// run earlier, at the context switch where step i's thread started its
// run of steps, costs no more than that switch did and reaches the same
// reversed race within the bound. So a race under a bound adds q (every
// enabled thread when q is not enabled there, as in Flanagan and
// Godefroid's DPOR) both at i and at that conservative point. Sleep sets
// are off under a bound (a step asleep was explored from an earlier state
// with a different budget left, so it may not stand for the bounded
// continuations), and so is the state cache (a state reached with fewer
// preemptions left has a smaller subtree). The levels above a split are
// expanded fully within the bound. TestBoundedReductionIsSound checks the
// findings against the naive bounded search on every example and test
// script, for bounds 0, 1 and 2, and TestReductionIsSoundOnGeneratedScripts
// on random scripts.

// boundedRace adds the backtrack points of the race of steps i and j
// under a preemption bound.
func (s *searcher) boundedRace(i, j int) {
	st := s.stack
	q := st[j].tid
	s.backtrackFor(i, q)
	// The conservative point: the start of step i's thread's run of
	// steps (a state above the subtree's root is expanded fully: its node
	// is frozen and the bits are already set).
	c := i
	for c > 0 && st[c-1].tid == st[i].tid {
		c--
	}
	if c != i {
		s.backtrackFor(c, q)
	}
}

// backtrackFor adds thread q to the backtrack set of state k, or every
// enabled thread when q is not enabled there.
func (s *searcher) backtrackFor(k, q int) {
	n := &s.stack[k]
	if n.enabled&(1<<q) != 0 {
		n.backtrack |= 1 << q
	} else {
		n.backtrack |= n.enabled
	}
}
