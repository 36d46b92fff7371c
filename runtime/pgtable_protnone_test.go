package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestClearOwesFlushWhileACPUMayHold: clearing an entry under its PTE lock
// and dropping the lock without a flush is tlb/flush-before-ptl-drop when
// a CPU may still translate the address, as x86's pte_accessible() decides
// (arch/x86/include/asm/pgtable.h): always for an entry with
// _PAGE_PRESENT, and for a PROT_NONE entry (pte_present() but never
// loaded into a TLB) only while the change that made it PROT_NONE has not
// been flushed yet (mm->tlb_flush_pending; 20841405940e "mm: fix TLB flush
// race between migration, and change_protection_range"). The PROT_NONE
// entry no CPU holds was reported before: migration's ptep_clear_flush(),
// which rightly skips the flush for it, was blamed.
func TestClearOwesFlushWhileACPUMayHold(t *testing.T) {
	const addr = 0x100000
	for _, tc := range []struct {
		name     string
		protNone bool // change_protection() to PROT_NONE first
		flushed  bool // and its gather's flush done
		want     []string
	}{
		{"present, cached", false, false, []string{ruleTLBFlushBeforePTLDrop.ID}},
		{"present, flushed", false, true, []string{ruleTLBFlushBeforePTLDrop.ID}},
		{"PROT_NONE, change not yet flushed", true, false, []string{ruleTLBFlushBeforePTLDrop.ID}},
		{"PROT_NONE, change flushed", true, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			v := mapAnon(t, k, m, addr, 1)
			user := k.NewTask("user")
			populateCached(t, m, v, user, addr)
			if tc.protNone {
				v.Flags &^= mmcore.VM_ACCESS_FLAGS
				if n := m.Core.ChangeProtection(v, addr, addr+mmcore.PageSize); n != 1 {
					t.Fatalf("change_protection changed %d entries, want 1", n)
				}
				if !m.Core.TLB.Cached(user.CPU, addr) {
					t.Fatal("change_protection flushed: the kernel's flushes from the mmu_gather, after the PTE lock drops")
				}
			}
			if tc.flushed {
				m.Core.TLB.FlushRange(addr, addr+mmcore.PageSize)
			}
			a := k.NewTask("a")
			do(t, k, a, "mmap_read_lock", mmV(m))
			pte := do(t, k, a, "pte_offset_map_lock", mmV(m), addrV(addr))
			do(t, k, a, "ptep_get_and_clear", pte)
			do(t, k, a, "pte_unmap_unlock", pte)
			do(t, k, a, "mmap_read_unlock", mmV(m))
			wantRules(t, k, tc.want...)
		})
	}
}
