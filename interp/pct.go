package interp

import (
	"math/rand/v2"
	"time"

	rt "github.com/mmscript/mmscript/runtime"
)

// PCTOptions configure randomised PCT scheduling.
type PCTOptions struct {
	Runs     int    // runs (0: 1000)
	Depth    int    // bug depth d: d-1 priority change points (0: 3)
	Seed     uint64 // the generator's seed; a run is reproducible from it
	MaxSteps int64
	Kernel   rt.KernelConfig
}

// PCT runs p under probabilistic concurrency testing (Burckhardt,
// Kothari, Musuvathi, Nagarakatte: "A randomized scheduler with
// probabilistic guarantees of finding bugs", ASPLOS 2010): each run gives
// the threads random distinct priorities and picks d-1 random steps at
// which the running thread drops below all others; the highest-priority
// runnable thread always runs. A bug of depth d is found in each run with
// probability at least 1/(n k^(d-1)) for n threads and k steps. For
// scripts too large for any exhaustive search; a sample, never a proof
// (the result is never Complete).
func PCT(p *Program, o PCTOptions) *ExploreResult {
	if o.Runs <= 0 {
		o.Runs = 1000
	}
	if o.Depth <= 0 {
		o.Depth = 3
	}
	start := time.Now()
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x5851f42d4c957f2d))
	tr := newTaskResult()
	n := len(p.threads)
	k := 1 // the longest run seen, in turns: where change points may fall
	res := &ExploreResult{}
	var nd []int
	for range o.Runs {
		prio := make([]int, n)
		for i, j := range rng.Perm(n) {
			prio[i] = o.Depth + j
		}
		change := map[int]int{}
		for i := 1; i < o.Depth; i++ {
			change[rng.IntN(k)] = o.Depth - i
		}
		nd = nd[:0]
		opts := Options{MaxSteps: o.MaxSteps, Kernel: o.Kernel}
		last := -1
		opts.pick = func(turn int, runnable []int) int {
			if pr, ok := change[turn]; ok && last >= 0 {
				prio[last] = pr
			}
			best := runnable[0]
			for _, t := range runnable[1:] {
				if prio[t] > prio[best] {
					best = t
				}
			}
			last = best
			return best
		}
		opts.after = func(turn, tid, ndiag int) { nd = append(nd, ndiag) }
		r := Run(p, opts)
		k = max(k, r.Turns())
		res.Runs++
		res.Executions++
		res.States += int64(r.Turns())
		tr.add(r, nd)
	}
	res.Findings, res.Outcomes = sortFindings(tr.findings), sortOutcomes(tr.outcomes)
	res.Elapsed = time.Since(start)
	res.Shard, res.Shards = 1, 1
	return res
}
