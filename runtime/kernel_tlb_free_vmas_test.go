package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestTLBFreeVMAs: free_pgtables() flushes a gather before it unlinks the
// VMAs from the rmap when one of them is VM_PFNMAP or VM_MIXEDMAP
// (tlb_free_vmas(): a driver's unmap_mapping_range() that no longer finds
// the VMA must not return with a CPU still translating its PFNs), except
// for exit_mmap()'s fullmm gather, whose mm has no user left.
func TestTLBFreeVMAs(t *testing.T) {
	for _, c := range []struct {
		name   string
		vm     string
		fullmm bool
		want   bool
	}{
		{"anonymous", "", false, false},
		{"pfnmap", "pfnmap", false, true},
		{"mixedmap", "mixedmap", false, true},
		{"pfnmap, exit_mmap's fullmm gather", "pfnmap", true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, m := newMM(t)
			v := mapVMA(t, k, m, 0x800000, 1, mmcore.MAP_SHARED|mmcore.MAP_ANONYMOUS, nil, c.vm)
			vms := &VMS{MM: m, Core: &mmcore.VMAMunmap{Detached: []*mmcore.VMA{v}}}
			g := &MMUGather{MM: m, fullmm: c.fullmm}
			if got := tlbFreeVMAsFlushes(g, vms); got != c.want {
				t.Errorf("tlbFreeVMAsFlushes = %v, want %v", got, c.want)
			}
		})
	}
}
