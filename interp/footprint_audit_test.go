package interp

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	rt "github.com/mmscript/mmscript/runtime"
)

// auditFootprints runs p once under a random schedule (seed) with a full
// footprint recorder and returns, per turn, the objects the turn changed
// without its footprint writing them (runtime.Unwritten): holes in the
// partial-order reduction's footprints, in any step of the run.
func auditFootprints(p *Program, seed uint64) []string {
	var k *rt.Kernel
	var mach *Machine
	var before *rt.ObjectStates
	var holes []string
	fp := rt.NewFootprint()
	r := rand.New(rand.NewPCG(seed, 7))
	Run(p, Options{
		MaxSteps: 100_000,
		fp:       fp,
		onStart:  func(m *Machine) { k, mach = m.k, m },
		pick: func(turn int, runnable []int) int {
			before = k.ObjectStates()
			return runnable[r.IntN(len(runnable))]
		},
		after: func(turn, thread, ndiag int) {
			if before == nil {
				return
			}
			if hs := rt.Unwritten(before, k.ObjectStates(), fp.Acc); len(hs) > 0 {
				if len(hs) > 3 {
					hs = append(hs[:3], fmt.Sprintf("and %d more", len(hs)-3))
				}
				holes = append(holes, fmt.Sprintf("turn %d of thread %d (now at %s) changed %s; footprint %v",
					turn, thread, mach.threads[thread].Task.Pos, strings.Join(hs, ", "), fp.Acc))
			}
			before = nil
		},
	})
	return holes
}

var auditGenN = flag.Int("audit.gen", 300, "generated scripts TestFootprintsDeclareWhatStepsChange audits")

// Every step's footprint writes what the step changes: the examples, the
// test scripts and generated scripts, each under a few random schedules,
// with the state of every page, page-table entry, TLB and VMA tree taken
// around each turn (runtime.ObjectStates). A hole found here is one the
// soundness tests would find only on a script that races on the object.
func TestFootprintsDeclareWhatStepsChange(t *testing.T) {
	files := soundnessScripts(t)
	n := 0
	for _, f := range files {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		for seed := range uint64(3) {
			for _, h := range auditFootprints(p, seed+1) {
				t.Errorf("%s (seed %d): %s", filepath.Base(f), seed+1, h)
				n++
			}
			if n > 400 {
				t.Fatal("too many")
			}
		}
	}
	r := rand.New(rand.NewPCG(11, 3))
	for i := range *auditGenN {
		src := genScript(r)
		p, err := LoadSource(fmt.Sprintf("gen%d.mms", i), []byte(src))
		if err != nil {
			continue
		}
		for _, h := range auditFootprints(p, uint64(i)) {
			t.Errorf("generated script %d: %s\n%s", i, h, strings.TrimSpace(src))
			n++
		}
		if n > 400 {
			t.Fatal("too many")
		}
	}
}
