package mmcore

import (
	"slices"
	"testing"
)

// TestTakeChangedMarksEachStep calls, on their own, the page-table steps
// whose mark (ptChanged) TestTakeChangedMissesNoChange cannot tell from
// a later one: there each runs inside a system call whose flush, table
// allocation or other entry writes mark too, so removing the step's own
// mark went unnoticed. Each case sets up a translation a CPU caches,
// makes the step's other marks impossible (the tables it would allocate
// exist; the child allocations fail), runs the step alone, and requires
// that it changed a cached translation (else the case could not fail)
// and that TakeChanged says so.
//
// Two marks have no case, as no translation can tell them: the spurious
// fault (faultPresent on a present entry it may use) sets only the
// accessed and dirty bits, which TakeChanged does not vouch for; and
// reclaimEmptyPTETables unlinks only PTE tables with no entry, so every
// walk through them finds an empty entry before and after (and its
// flush, in the same call, marks anyway).
func TestTakeChangedMarksEachStep(t *testing.T) {
	const a Addr = 0x40000000 // 1 GiB: PMD-aligned, far from the others
	const b = a + 4*PMD_SIZE  // a move's target, in another PTE table
	for _, tc := range []struct {
		name string // the step and the kernel function it models
		// set up the MM, returning the step
		setup func(t *testing.T, m *MM) func()
	}{
		{"moveNormalPMD (mremap.go: move_normal_pmd)", func(t *testing.T, m *MM) func() {
			v := mustMmap(t, m, a, 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
			mustFault(t, m, v, a, true)
			m.TLB.Translate(0, a)
			mustAlloc(t, m, b) // the target's tables exist: no allocation marks
			return func() {
				if !m.MoveNormalPMD(a, b) {
					t.Fatal("move_normal_pmd refused")
				}
			}
		}},
		{"movePTEs (mremap.go: move_ptes)", func(t *testing.T, m *MM) func() {
			v := mustMmap(t, m, a, 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
			mustFault(t, m, v, a, true)
			m.TLB.Translate(0, a)
			mustAlloc(t, m, b)
			return func() { m.movePTEs(a, b, PageSize) }
		}},
		{"changeProtHugePMDs (thp.go: change_huge_pmd)", func(t *testing.T, m *MM) func() {
			v := thpVMA(t, m, thpBase, 512)
			mustFault(t, m, v, thpBase, true)
			if !m.Walk(thpBase).Huge() {
				t.Fatal("no huge PMD")
			}
			m.TLB.TranslateWrite(0, thpBase)
			return func() {
				v.Flags &^= VM_WRITE // mprotect_fixup's flags, set before
				if m.changeProtHugePMDs(v, v.Start(), v.End()) != 1 {
					t.Fatal("no huge PMD changed")
				}
			}
		}},
		{"copyHugePMDs (thp.go: copy_huge_pmd)", func(t *testing.T, m *MM) func() {
			// The huge PMD is the second 2 MiB of the parent's VMA; the
			// child's VMA is one PMD long and ends at the top of user
			// space, so pmd_alloc for the copy fails (EFAULT) and
			// nothing is installed or flushed: in a real fork the
			// child's install marks the same Memory in the same call.
			v := thpVMA(t, m, thpBase-PMD_SIZE, 1024)
			mustFault(t, m, v, thpBase, true)
			if !m.Walk(thpBase).Huge() {
				t.Fatal("no huge PMD")
			}
			m.TLB.TranslateWrite(0, thpBase)
			c := newChild(t, m)
			cv := mustMmap(t, c, c.TaskSize()-PMD_SIZE, 512, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
			return func() {
				if n := c.copyHugePMDs(cv, v); n != 0 {
					t.Fatalf("%d PMDs copied, want none", n)
				}
			}
		}},
		{"CopyPageRange (fork.go: copy_pte_range)", func(t *testing.T, m *MM) func() {
			// As above at the PTE level: the parent's second page is
			// the one mapped, the child's VMA one page long at the top.
			v := mustMmap(t, m, a, 2, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
			mustFault(t, m, v, a+PageSize, true)
			m.TLB.TranslateWrite(0, a+PageSize)
			c := newChild(t, m)
			cv := mustMmap(t, c, c.TaskSize()-PageSize, 1, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
			return func() {
				if n := c.CopyPageRange(cv, v); n != 0 {
					t.Fatalf("%d entries copied, want none", n)
				}
			}
		}},
		{"FreePageTables (pgtable.go: free_pgtables)", func(t *testing.T, m *MM) func() {
			// A table freed with a present entry (leaked, as the kernel
			// would): the VMA detached without the zap.
			v := mustMmap(t, m, a, 1, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
			mustFault(t, m, v, a, true)
			m.TLB.Translate(0, a)
			if err := m.DetachVMA(v); err != nil {
				t.Fatal(err)
			}
			return func() {
				if freed, leaked := m.FreePageTables(a, a+PageSize); freed == 0 || leaked != 1 {
					t.Fatalf("freed %d tables, leaked %d entries", freed, leaked)
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMM(t, 4)
			step := tc.setup(t, m)
			m.TLB.TakeChanged()
			before := viewTLB(m)
			step()
			if after := viewTLB(m); slices.Equal(before, after) {
				t.Fatalf("the step changed no cached translation:\n%v", after)
			}
			if !m.TLB.TakeChanged() {
				t.Errorf("the step changed a cached translation and TakeChanged reports no change")
			}
		})
	}
}

func mustAlloc(t *testing.T, m *MM, addr Addr) {
	t.Helper()
	if _, _, err := m.AllocTables(addr); err != nil {
		t.Fatal(err)
	}
}

// newChild is an MM on m's memory (fork's child: dup_mmap's mm).
func newChild(t *testing.T, m *MM) *MM {
	t.Helper()
	c, err := NewMM(Config{Memory: m.Memory()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
