package interp

import (
	"fmt"

	rt "github.com/mmscript/mmscript/runtime"
)

// ExploreOptions bound an exploration.
type ExploreOptions struct {
	// MaxRuns is the budget of runs (0: DefaultMaxRuns).
	MaxRuns int
	// Preemptions bounds how often a schedule may switch away from a
	// thread that could have gone on (-1: unbounded). Most concurrency
	// bugs need very few.
	Preemptions int
	// MaxSteps is each run's step limit (0: DefaultMaxSteps).
	MaxSteps int64
	// Kernel is the kernel each run models (Options.Kernel).
	Kernel rt.KernelConfig
}

// DefaultMaxRuns is the exploration budget when ExploreOptions.MaxRuns is 0.
const DefaultMaxRuns = 10_000

// Finding is a diagnostic some interleaving produced, with the schedule of
// the first run that produced it (replay it with Options.Schedule).
type Finding struct {
	Diag     *rt.Diagnostic
	Schedule []string
}

// ExploreResult is what an exploration found.
type ExploreResult struct {
	Runs     int
	Complete bool // every schedule within the preemption bound was run
	Findings []Finding
}

// Explore runs p under every schedule within the preemption bound, depth
// first, and collects the distinct diagnostics. Runs are deterministic, so
// a schedule is a path of thread choices replayed from the start. Between
// forced choices a run keeps the current thread going (no preemption) and
// otherwise takes the first runnable thread in declaration order.
//
// There is no partial-order reduction yet: steps that touch disjoint
// objects are still tried in both orders, so the budget, not the script's
// independence, bounds large scripts. An exhausted budget is reported as an
// incomplete result, never as "ok".
func Explore(p *Program, o ExploreOptions) *ExploreResult {
	if o.MaxRuns <= 0 {
		o.MaxRuns = DefaultMaxRuns
	}
	var (
		stack  []choicePoint // the choice points of the current path
		prefix []int         // the choices to replay
		res    = &ExploreResult{}
		seen   = map[string]bool{}
	)
	for res.Runs < o.MaxRuns {
		var path []int
		var sets [][]int
		opts := Options{MaxSteps: o.MaxSteps, Kernel: o.Kernel}
		opts.pick = func(turn int, runnable []int) int {
			choice := runnable[0]
			switch {
			case turn < len(prefix):
				choice = prefix[turn]
			case turn > 0 && containsInt(runnable, path[turn-1]):
				choice = path[turn-1] // no preemption
			}
			path = append(path, choice)
			sets = append(sets, append([]int(nil), runnable...))
			return choice
		}
		r := Run(p, opts)
		res.Runs++
		for _, d := range r.Diagnostics {
			key := fmt.Sprintf("%d\x00%s\x00%s\x00%s", d.Kind, d.Pos, d.Rule, d.Msg)
			if !seen[key] {
				seen[key] = true
				res.Findings = append(res.Findings, Finding{Diag: d, Schedule: r.Schedule})
			}
		}
		// Extend the stack with this run's choice points, then backtrack
		// to the deepest one with an alternative inside the bound.
		for k := len(stack); k < len(path); k++ {
			stack = append(stack, choicePoint{runnable: sets[k], tried: map[int]bool{path[k]: true}})
		}
		next := -1
		alt := 0
		for k := len(stack) - 1; k >= 0 && next < 0; k-- {
			for _, a := range stack[k].runnable {
				if stack[k].tried[a] {
					continue
				}
				if o.Preemptions >= 0 && preemptions(path[:k], stack, a, k) > o.Preemptions {
					stack[k].tried[a] = true
					continue
				}
				next, alt = k, a
				break
			}
		}
		if next < 0 {
			res.Complete = true
			return res
		}
		stack[next].tried[alt] = true
		stack = stack[:next+1]
		prefix = append(append(prefix[:0], path[:next]...), alt)
	}
	return res
}

// choicePoint is a turn of the current path: who could run, and which of
// them have been tried there.
type choicePoint struct {
	runnable []int
	tried    map[int]bool
}

// preemptions counts the switches away from a runnable thread in the path
// prefix followed by choice a at turn k.
func preemptions(prefix []int, stack []choicePoint, a, k int) int {
	n := 0
	choice := func(i int) int {
		if i == k {
			return a
		}
		return prefix[i]
	}
	for i := 1; i <= k; i++ {
		prev := choice(i - 1)
		if choice(i) != prev && containsInt(stack[i].runnable, prev) {
			n++
		}
	}
	return n
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
