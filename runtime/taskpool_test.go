package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestPoolsAreNotState builds the same kernel state from pools with
// different histories (tables and tasks taken by earlier kernels and
// handed back, holding locks and call paths): the fingerprint must not
// see the pools, and the recycled tasks must start as new ones do.
func TestPoolsAreNotState(t *testing.T) {
	var tables mmcore.TablePool
	var tasks TaskPool
	build := func() (*Kernel, *MM) {
		tables.Reset()
		tasks.Reset()
		k := NewKernel()
		k.Mem.Tables, k.TaskPool = &tables, &tasks
		m, _ := mmWithVMA(t, k)
		return k, m
	}
	fp := func(earlier int) uint64 {
		for range earlier {
			k, m := build()
			for _, name := range []string{"x", "y", "z"} {
				tk := k.NewTask(name)
				tk.EnterPath("handle_mm_fault", tk.Pos)
				tk.Stack = append(tk.Stack, "fault handler drv.fault")
				tk.pushSub(m.MmapLock, Read, false, 0)
				if _, _, err := m.Core.AllocTables(0x100000); err != nil {
					t.Fatal(err)
				}
			}
		}
		k, m := build()
		a := k.NewTask("a")
		if len(a.holds) != 0 || len(a.calls) != 0 || len(a.Stack) != 0 || a.ID != 0 || a.k != k {
			t.Fatalf("a recycled task is not new: %d holds, %d calls, stack %q, ID %d", len(a.holds), len(a.calls), a.Stack, a.ID)
		}
		if a.vmaBaseOf(m.Core) != m.Core.LastVMAID() || len(a.vmaBase) != 1 {
			t.Fatalf("VMA baselines %v", a.vmaBase)
		}
		h := NewStateHasher()
		h.Reset()
		h.Kernel(k)
		h.Object(m)
		s, ok := h.Sum()
		if !ok {
			t.Fatal(h.Why())
		}
		return s
	}
	if a, b := fp(0), fp(3); a != b {
		t.Errorf("the same state fingerprints %x after a fresh pool, %x after a used one", a, b)
	}
}
