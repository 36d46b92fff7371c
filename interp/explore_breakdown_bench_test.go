package interp

import "testing"

// BenchmarkExploreBreakdown classifies the states a full verdict executes
// (one worker, one subtree, the state cache on) by what became of the
// state each new turn reached: completed and stored (restored: stored
// again after a partial hit), pruned as a cache hit, revisited in part
// (partialHit), or neither (a final state, or every enabled thread
// asleep). It also counts the runs that start at a backtrack point only a
// cache hit's summary asked for (hitRace), the new turns they execute and
// how many of them end at a pruned hit after a single turn: where the
// states executed beyond those stored come from. -explore.script names
// the script (testdata/perf/mmlocks_n3.mms by default).
func BenchmarkExploreBreakdown(b *testing.B) {
	p, err := Load(*exploreScript)
	if err != nil {
		b.Fatal(err)
	}
	var c breakdown
	for b.Loop() {
		c.run(b, p)
	}
	n := float64(b.N)
	b.ReportMetric(float64(c.newTurns)/n, "states/op")
	b.ReportMetric(float64(c.stored)/n, "completed/op")
	b.ReportMetric(float64(c.restored)/n, "restored/op")
	b.ReportMetric(float64(c.pruned)/n, "pruned-hits/op")
	b.ReportMetric(float64(c.partial)/n, "partial-hits/op")
	b.ReportMetric(float64(c.newTurns-c.stored-c.pruned)/n, "ends/op")
	b.ReportMetric(float64(c.runs)/n, "runs/op")
	b.ReportMetric(float64(c.hitRuns)/n, "hit-runs/op")
	b.ReportMetric(float64(c.hitRunTurns)/n, "hit-run-states/op")
	b.ReportMetric(float64(c.hitRunsOneHit)/n, "hit-runs-1-turn-pruned/op")
}

type breakdown struct {
	newTurns, stored, restored, pruned, partial int64
	runs, hitRuns, hitRunTurns, hitRunsOneHit   int64
	runTurns                                    int
	runHit, runFromHit                          bool
}

func (c *breakdown) endRun() {
	if c.runFromHit && c.runTurns == 1 && c.runHit {
		c.hitRunsOneHit++
	}
	c.runTurns, c.runHit, c.runFromHit = 0, false, false
}

func (c *breakdown) run(b *testing.B, p *Program) {
	lastRun := int64(-1)
	seen := map[uint64]bool{}
	o := ExploreOptions{Workers: 1, splitTasks: 1, MaxStates: 1 << 40}
	o.onNewTurn = func(s *searcher, turn int) {
		c.newTurns++
		if r := s.x.runs.Load(); r != lastRun {
			// The first new turn of a run: the one its backtrack point chose.
			c.endRun()
			lastRun = r
			c.runs++
			n := &s.stack[turn]
			if turn == s.run.replay && n.hitAdded&(1<<n.tid) != 0 {
				c.runFromHit = true
				c.hitRuns++
			}
		}
		c.runTurns++
		if c.runFromHit {
			c.hitRunTurns++
		}
	}
	o.onHit = func(s *searcher, turn int, fp uint64) {
		if s.stack[turn].tid < 0 { // pruned: no step chosen from it
			c.pruned++
			c.runHit = true
		} else {
			c.partial++
		}
	}
	o.onComplete = func(s *searcher, i int) {
		if n := &s.stack[i]; n.hashed {
			c.stored++
			if seen[n.fp] {
				c.restored++
			}
			seen[n.fp] = true
		}
	}
	res := Explore(p, o)
	c.endRun()
	if !res.Complete {
		b.Fatalf("incomplete: %s", res.Stopped)
	}
}
