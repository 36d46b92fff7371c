package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// Sanity tests for the data effects of operations whose lock rules could
// hide them: the simulated MMU must really change (rule book 2.1, 2.8,
// 2.28, 2.29; section 6.3).

// populate faults the pages in [addr, addr+n pages) in for writing, under
// the mmap read lock, and returns the pages mapped.
func populate(t *testing.T, k *Kernel, m *MM, v *mmcore.VMA, addr uint64, n int) []*mmcore.Page {
	t.Helper()
	tk := k.NewTask("populate")
	do(t, k, tk, "mmap_read_lock", mmV(m))
	var pages []*mmcore.Page
	for i := range n {
		a := addr + uint64(i)*mmcore.PageSize
		// handle_mm_fault is a kernel-library path (interp runs it):
		// mmcore's fault step, as its set_ptes_locked runs it.
		if _, err := coreFault(m, v, mmcore.Addr(a), true); err != nil {
			t.Fatalf("fault at %#x: %v", a, err)
		}
		w := m.Core.Walk(mmcore.Addr(a))
		if !w.Present() || !w.Entry.Writable() {
			t.Fatalf("no writable PTE at %#x after the fault", a)
		}
		pages = append(pages, k.Mem.Page(w.Entry.PFN()))
	}
	do(t, k, tk, "mmap_read_unlock", mmV(m))
	return pages
}

func TestZapVMARangeClearsPTEs(t *testing.T) {
	k, m := newMM(t)
	v := mapAnon(t, k, m, 0x200000, 8)
	pages := populate(t, k, m, v, 0x200000, 8)
	live := k.Mem.LivePages()

	// A CPU caches a translation that the zap must flush.
	tk := k.NewTask("zapper")
	if _, ok := m.Core.TLB.Translate(tk.CPU, 0x201000); !ok {
		t.Fatal("no translation before the zap")
	}
	do(t, k, tk, "mmap_read_lock", mmV(m))
	n := do(t, k, at(tk, 1), "zap_vma_range", vmaV(v), addrV(0x201000), Int(0), Int(4))
	do(t, k, tk, "mmap_read_unlock", mmV(m))
	if n.Int != 4 {
		t.Errorf("zap_vma_range returned %d, want 4 pages zapped", n.Int)
	}
	for i := range 8 {
		a := mmcore.Addr(0x200000 + i*mmcore.PageSize)
		want := i == 0 || i > 4
		if got := m.Core.Walk(a).Present(); got != want {
			t.Errorf("PTE at %#x present = %v, want %v", uint64(a), got, want)
		}
	}
	for _, p := range pages[1:5] {
		if !p.Freed() {
			t.Errorf("zapped anonymous page pfn %#x is not freed", uint64(p.PFN))
		}
	}
	if got := k.Mem.LivePages(); got != live-4 {
		t.Errorf("live pages %d, want %d", got, live-4)
	}
	if _, ok := m.Core.TLB.Translate(tk.CPU, 0x201000); ok {
		t.Error("the CPU still translates a zapped address: no TLB flush")
	}
	if v.Attached() != true || m.Core.VMALookup(0x201000) != v {
		t.Error("zapping changed the VMA tree")
	}
	wantRules(t, k)

	// Zapping again finds nothing; a range past the VMA is clamped and
	// reported.
	do(t, k, tk, "mmap_read_lock", mmV(m))
	if n := do(t, k, at(tk, 2), "zap_vma_range", vmaV(v), addrV(0x201000), Int(0), Int(4)); n.Int != 0 {
		t.Errorf("second zap returned %d", n.Int)
	}
	if n := do(t, k, at(tk, 3), "zap_vma_range", vmaV(v), addrV(0x207000), Int(0), Int(4)); n.Int != 1 {
		t.Errorf("clamped zap returned %d, want the one page inside the VMA", n.Int)
	}
	do(t, k, tk, "mmap_read_unlock", mmV(m))
	wantRules(t, k, "zap_vma_range/range")
	if m.Core.Walk(0x200000).Present() != true {
		t.Error("the page before the range was zapped")
	}
}

func TestPtepGetAndClearHandsOverTheReference(t *testing.T) {
	k, m := newMM(t)
	v := mapAnon(t, k, m, 0x300000, 1)
	p := populate(t, k, m, v, 0x300000, 1)[0]
	tk := k.NewTask("T")
	do(t, k, tk, "mmap_read_lock", mmV(m))
	pte := do(t, k, tk, "pte_offset_map_lock", mmV(m), addrV(0x300000))
	if pte.T != TPTE {
		t.Fatalf("pte_offset_map_lock returned %v", pte)
	}
	ptl := pte.Obj.(*PTE).PTL
	if ptl.Writer() != tk || !tk.Atomic() {
		t.Fatal("pte_offset_map_lock does not hold the PTE lock")
	}
	if present, _ := k.Field(pte, "present"); !present.Truth() {
		t.Fatal("pte.present is false for a faulted page")
	}
	if pfn, _ := k.Field(pte, "pfn"); pfn.Int != int64(p.PFN) {
		t.Fatalf("pte.pfn %#x, want %#x", pfn.Int, uint64(p.PFN))
	}
	got := do(t, k, tk, "ptep_get_and_clear", pte)
	if got.Obj != p {
		t.Fatalf("ptep_get_and_clear returned %v, want the mapped page", got)
	}
	if present, _ := k.Field(pte, "present"); present.Truth() {
		t.Error("pte.present after ptep_get_and_clear")
	}
	if p.Freed() || p.Refcount() != 1 {
		t.Errorf("page freed %v refcount %d: the caller should own the mapping's reference", p.Freed(), p.Refcount())
	}
	do(t, k, tk, "flush_tlb_range", vmaV(v), addrV(0x300000), addrV(0x301000)) // before the PTE lock drops
	do(t, k, tk, "pte_unmap_unlock", pte)
	if ptl.Held() || tk.Atomic() {
		t.Error("pte_unmap_unlock left the PTE lock or RCU held")
	}
	do(t, k, tk, "put_page", pageV(p))
	do(t, k, tk, "mmap_read_unlock", mmV(m))
	if !p.Freed() {
		t.Error("the last put_page did not free the page")
	}
	wantRules(t, k)
}

func TestVMInsertPage(t *testing.T) {
	k, m := newMM(t)
	f := k.NewFile("dev", 16)
	mk := func(addr uint64, vm string) *mmcore.VMA {
		return mapVMA(t, k, m, addr, 2, mmcore.MAP_SHARED, f, vm)
	}
	mixed := mk(0x500000, "mixedmap")
	plain := mk(0x600000, "")
	p, _ := k.Mem.AllocPage()
	q, _ := k.Mem.AllocPage()

	tk := k.NewTask("T")
	do(t, k, tk, "mmap_read_lock", mmV(m))
	if rc := do(t, k, at(tk, 1), "vm_insert_page", vmaV(mixed), addrV(0x501000), pageV(p)); rc.Int != 0 {
		t.Fatalf("vm_insert_page returned %d", rc.Int)
	}
	w := m.Core.Walk(0x501000)
	if !w.Present() || w.Entry.PFN() != p.PFN || p.Mapcount() != 1 || p.Refcount() != 2 {
		t.Fatalf("after vm_insert_page: present %v pfn %#x mapcount %d refcount %d", w.Present(), uint64(w.Entry.PFN()), p.Mapcount(), p.Refcount())
	}
	if rc := do(t, k, at(tk, 2), "vm_insert_page", vmaV(mixed), addrV(0x501000), pageV(q)); rc.Int != -int64(mmcore.EBUSY) {
		t.Errorf("insert over a populated PTE returned %d, want -EBUSY", rc.Int)
	}
	if rc := do(t, k, at(tk, 3), "vm_insert_page", vmaV(mixed), addrV(0x510000), pageV(q)); rc.Int != -int64(mmcore.EFAULT) {
		t.Errorf("insert outside the VMA returned %d, want -EFAULT", rc.Int)
	}
	wantRules(t, k)

	// Not VM_MIXEDMAP and only the read lock: BUG, nothing installed, the
	// task dies holding the mmap lock.
	do(t, k, at(tk, 4), "vm_insert_page", vmaV(plain), addrV(0x600000), pageV(q))
	wantRules(t, k, "vm_insert_page/not-mixedmap-needs-mmap-write")
	if d := lastDiag(t, k); !d.Fatal || d.Kernel != BUG || !tk.Dead() {
		t.Errorf("fatal %v kernel %v dead %v", d.Fatal, d.Kernel, tk.Dead())
	}
	if m.Core.Walk(0x600000).Present() || plain.Flags&mmcore.VM_MIXEDMAP != 0 {
		t.Error("the BUGged vm_insert_page still changed the mapping")
	}
	if m.MmapLock.Readers() != 1 {
		t.Error("the dead task's mmap read lock was released")
	}
}

// The VMA write lock a writer takes lasts until mmap_write_unlock or
// mmap_write_downgrade (vma_end_write_all), never longer.
func TestVMAWriteLockEndsWithMmapWriteLock(t *testing.T) {
	for _, end := range []string{"mmap_write_unlock", "mmap_write_downgrade"} {
		t.Run(end, func(t *testing.T) {
			k, m := newMM(t)
			v := mapAnon(t, k, m, 0x300000, 1)
			w, r := k.NewTask("writer"), k.NewTask("reader")
			do(t, k, w, "mmap_write_lock", mmV(m))
			seq := m.Core.MMLockSeq
			do(t, k, w, "vma_start_write", vmaV(v))
			do(t, k, w, "vma_start_write", vmaV(v)) // again in the same section: returns at once
			if x := do(t, k, r, "mas_walk_start_read", mmV(m), addrV(0x300000)); x.T != TNil {
				t.Fatal("a write-locked VMA was read-locked")
			}
			do(t, k, w, end, mmV(m))
			if k.writeLocked(v) {
				t.Fatal("the VMA write lock outlived " + end)
			}
			if m.Core.MMLockSeq == seq {
				t.Error(end + " did not end the mm_lock_seq write section")
			}
			x := do(t, k, r, "mas_walk_start_read", mmV(m), addrV(0x300000))
			if x.Obj != v {
				t.Fatal("lock_vma_under_rcu failed after " + end)
			}
			if end == "mmap_write_downgrade" && (m.MmapLock.Readers() != 1 || m.MmapLock.Writer() != nil) {
				t.Error("downgrade did not leave a read hold")
			}
			wantRules(t, k)
		})
	}
}
