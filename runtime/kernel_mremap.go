package runtime

import (
	"fmt"
	"strings"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// The atomic steps of mremap(2)'s move (kernel/mremap.mms): the
// vma_remap_struct and pagetable_move_control between the steps, copy_vma,
// the page-table walk of move_page_tables, the entry moves of move_ptes
// and move_normal_pmd, and the unmap of the source. The locks between them
// (mmap write lock, VMA write locks, rmap locks, old and new PTL) are the
// script's, so that other threads run inside the move.

// readMremapKpaths: mm/mremap.c as read for the kernel library's mremap.
const readMremapKpaths = "torvalds/linux@000c0691ec6a, read"

// VRM is a struct vma_remap_struct (mm/mremap.c).
type VRM struct {
	Owned // the thread that made it (owned.go)
	MM    *MM
	Core  *mmcore.VMARemap
	// MmapLocked is vrm->mmap_locked: do_mremap() took the mmap write
	// lock, and no shrink_vma(drop_lock) dropped it since.
	MmapLocked bool
	NewVMA     *mmcore.VMA
	// NeedRmapLocks is what copy_vma said (pmc.need_rmap_locks).
	NeedRmapLocks bool
	// MoveFailed is move_vma()'s err after copy_vma_and_data() made the
	// new VMA (move_page_tables() short or ->mremap refused): the new
	// area is unmapped then, MREMAP_DONTUNMAP or not.
	MoveFailed bool
}

func (v *VRM) String() string { return fmt.Sprintf("vrm[%#x]", uint64(v.Core.Addr)) }

// PMC is a struct pagetable_move_control (mm/internal.h).
type PMC struct {
	Owned                    // the thread that made it (owned.go)
	Old, New                 *mmcore.VMA
	OldAddr, NewAddr, OldEnd mmcore.Addr
	LenIn                    mmcore.Addr
	NeedRmapLocks            bool
}

func (p *PMC) String() string {
	return fmt.Sprintf("pmc[%#x->%#x]", uint64(p.OldAddr), uint64(p.NewAddr))
}

// PTEBatch is the pte_t values get_and_clear_full_ptes() took out of a
// table, on their way to set_ptes(). Its window is the TLB obligation
// they leave (tlbWindow).
type PTEBatch struct {
	Owned  // the thread that made it (owned.go)
	MM     *MM
	Addr   mmcore.Addr
	Ptes   []mmcore.PTE
	window *tlbWindow
	// present counts the present entries taken (move_ptes' force_flush).
	present int
}

func (b *PTEBatch) String() string { return fmt.Sprintf("ptes(%#x, %d)", uint64(b.Addr), len(b.Ptes)) }

// tlbWindow is a TLB obligation of a task (rule family 3c): present
// entries it cleared or moved at addrs of mm, which other CPUs may still
// translate, and the page-table locks that, until the flush, are what
// keep the pages they map alive (move_ptes: "the new one to make sure the
// physical page stays valid until the TLB entry for the old mapping has
// been flushed").
type tlbWindow struct {
	mm    *MM
	addrs []mmcore.Addr
	locks []*Lock
	pos   lang.Pos
	// deferred: entries cleared (not moved) while the task had raised
	// mm->tlb_flush_pending, so their flush may come after the PTL
	// drops: a racing zap that finds them none sees mm_tlb_flush_nested()
	// in tlb_finish_mmu() and flushes the whole mm, and the page is the
	// clearing task's (its reference), not rmap's to free.
	deferred bool
	// batched: entries reclaim cleared with TTU_BATCH_FLUSH, whose flush
	// set_tlb_ubc_flush_pending() handed to the task's batch: it comes
	// with try_to_unmap_flush(), after the PTL drops, and any other path
	// that changes entries under that PTL flushes it first
	// (flush_tlb_batched_pending()).
	batched bool
}

var ruleTLBFlushBeforePTLDrop = &Rule{"tlb/flush-before-ptl-drop",
	"a present PTE that was cleared or moved is flushed from the TLB before the page-table lock that keeps its page alive is dropped: " +
		"once the lock is released, rmap (truncate, reclaim, migration) can zap the page at its new place, flush only that range and free it, " +
		"while another CPU still translates the old address. An entry cleared (not moved, its page's reference now the caller's) after the " +
		"thread raised mm->tlb_flush_pending (inc_tlb_flush_pending) may be flushed after the lock drops, before the count is dropped: " +
		"a racing zap then sees mm_tlb_flush_nested() and flushes the whole mm",
	"mm/mremap.c: move_ptes() (force_flush: flush_tlb_range() before the PTLs drop; fix eb66ae030829, CVE-2018-18281), move_normal_pmd() (flush_tlb_range() before spin_unlock); mm/migrate_device.c: migrate_vma_collect_pmd() (fix 60bae7370896 " +
		"\"mm/migrate_device.c: flush TLB while holding PTL\": a racing MADV_DONTNEED finds the entry gone and returns unflushed)", Unchecked}

var ruleMovePMDUnchecked = &Rule{"pgtable/move-pmd-unchecked",
	"move_normal_pmd() moves a whole PTE table only after checking, under the PMD lock and with the rmap locks held, that the PMD it read " +
		"there still points to a PTE table: move_page_tables() chose the move from a value read under the mmap lock alone, which does not stop " +
		"retract_page_tables() (i_mmap for read, no mmap lock since 1d65b771bc08) from clearing the entry in between; pmd_populate() of a none " +
		"value installs a bogus table (pfn 0 on x86)",
	"mm/mremap.c: move_normal_pmd() \"Racing with collapse?\" (fix 6fa1066fc5d0 \"mm/mremap: fix move_normal_pmd/retract_page_tables race\", CVE-2024-50066)", Unchecked}

var ruleFaultsNeedVMAWrite = &Rule{"vma/faults-need-vma-write-lock",
	"the mmap write lock does not stop page faults under a VMA read lock (lock_vma_under_rcu): a path that changes what such faults read, " +
		"or relies on no fault happening (fork copying a VMA, mremap moving its page tables, dup_anon_vma setting anon_vma), vma_start_write()s each VMA first",
	"kernel/fork.c: dup_mmap() vma_start_write(mpnt) (fix 49b0638502da \"fork: lock VMAs of the parent process when forking\"); " +
		"mm/vma.c: dup_anon_vma() (fix d8ab9f7b644a \"mm: lock VMA in dup_anon_vma() before setting ->anon_vma\"); mm/mremap.c: move_vma() \"We don't want racing faults\"", Unchecked}

// vmaAssertWriteLocked reports r when the task has not write-locked v
// (vma_assert_write_locked(): the mmap write lock alone does not count).
// It reports once per VMA and task, at the first step that relies on it.
func (c *Call) vmaAssertWriteLocked(v *mmcore.VMA, r *Rule, kernel Reaction, why string) bool {
	s := c.K.vmaState(v)
	// Whether this task marked v (a release on its behalf writes the
	// task) and v's attachment: nobody else's hold of v's lock.
	c.T.fpHolds()
	c.K.fp.VMAs(v.MM(), false)
	if s.Lock.writer == c.T || s.New || !v.Attached() {
		return true
	}
	if c.T.faultRaceSeen == nil {
		c.T.faultRaceSeen = map[*VMAState]bool{}
	}
	if c.T.faultRaceSeen[s] {
		return false
	}
	c.T.faultRaceSeen[s] = true
	m := mmOf(v.MM())
	held := "without the mmap lock"
	if m.MmapLock.heldBy(c.T) == Write {
		held = "under the mmap write lock only"
	}
	c.K.violateAs(c.T, r, kernel, fmt.Sprintf("%s: %s is not write-locked (vma_start_write) %s: %s", c.Op.Name, VMAName(v), held, why))
	return false
}

// tlbMoved records a TLB obligation of the task for the present entries
// at addrs, kept alive by locks.
func (t *Task) tlbMoved(m *MM, addrs []mmcore.Addr, locks ...*Lock) *tlbWindow {
	if len(addrs) == 0 {
		return nil
	}
	w := &tlbWindow{mm: m, addrs: addrs, locks: locks, pos: t.Pos}
	t.tlbWindows = append(t.tlbWindows, w)
	return w
}

// tlbFlushed drops the obligations a flush of [start, end) of m met.
func (t *Task) tlbFlushed(m *MM, start, end mmcore.Addr) {
	out := t.tlbWindows[:0]
	for _, w := range t.tlbWindows {
		if w.mm == m {
			keep := w.addrs[:0]
			for _, a := range w.addrs {
				if a < start || a >= end {
					keep = append(keep, a)
				}
			}
			w.addrs = keep
		}
		if len(w.addrs) > 0 {
			out = append(out, w)
		}
	}
	t.tlbWindows = out
}

// tlbWindowAtUnlock reports, when the task drops l, each obligation that
// l was keeping (rule 3c), once.
func (c *Call) tlbWindowAtUnlock(l *Lock) {
	if len(c.T.tlbWindows) == 0 {
		return
	}
	out := c.T.tlbWindows[:0]
	for _, w := range c.T.tlbWindows {
		keeps := false
		for _, x := range w.locks {
			keeps = keeps || x == l
		}
		if !keeps || w.deferred || w.batched {
			out = append(out, w)
			continue
		}
		c.K.violate(c.T, ruleTLBFlushBeforePTLDrop,
			fmt.Sprintf("%s dropped with %d moved or cleared present PTE(s) from %#x not yet flushed from the TLB: from here rmap or a racing zap can free or reuse the page while a CPU still translates %#x",
				l.Name, len(w.addrs), uint64(w.addrs[0]), uint64(w.addrs[0])),
			Related{w.pos, "the entries were cleared here"})
	}
	c.T.tlbWindows = out
}

func (c *Call) vrm(i int) *VRM { return c.Args[i].Obj.(*VRM) }
func (c *Call) pmc(i int) *PMC { return c.Args[i].Obj.(*PMC) }

var mremapFlagWords = map[string]int{"maymove": mmcore.MREMAP_MAYMOVE, "fixed": mmcore.MREMAP_FIXED, "dontunmap": mmcore.MREMAP_DONTUNMAP}

// The kernel's names (MREMAP_MAYMOVE | MREMAP_FIXED, include/uapi/linux/mman.h)
// are words too, and constants, so that flags kept in a variable (an int)
// convert back (mremapFlagWord), as mmap's prot= does.
func init() {
	for _, w := range sortedKeys(mremapFlagWords) {
		name := "MREMAP_" + strings.ToUpper(w)
		mremapFlagWords[name] = mremapFlagWords[w]
		Constants[name] = int64(mremapFlagWords[w])
	}
}

// mremapFlagWord is the words of an int of MREMAP_* bits ("" for 0).
func mremapFlagWord(v int64) (string, bool) {
	var ws []string
	for _, w := range []string{"MREMAP_MAYMOVE", "MREMAP_FIXED", "MREMAP_DONTUNMAP"} {
		if bit := int64(mremapFlagWords[w]); v&bit != 0 {
			ws = append(ws, w)
			v &^= bit
		}
	}
	return strings.Join(ws, "|"), v == 0
}

func pmcMM(c *Call) *mmcore.MM {
	for _, a := range c.Args {
		switch o := a.Obj.(type) {
		case *PMC:
			return o.Old.MM()
		case *VRM:
			return o.MM.Core
		case *PTE:
			return o.MM.Core
		case *PTEBatch:
			return o.MM.Core
		}
	}
	return nil
}

// movesTables: a step of move_page_tables that changes page tables.
func movesTables(c *Call, f *Footprint) {
	m := pmcMM(c)
	f.MM(m, false)
	f.PTEs(m, true)
	f.TLB(m, true)
}

func init() {
	fieldTable[TVRM] = map[string]func(k *Kernel, x any) Value{
		"vma": func(_ *Kernel, x any) Value {
			if v := x.(*VRM).Core.VMA; v != nil {
				return Obj(TVMA, v)
			}
			return Nil
		},
		"new_vma": func(_ *Kernel, x any) Value {
			if v := x.(*VRM).NewVMA; v != nil {
				return Obj(TVMA, v)
			}
			return Nil
		},
		"mm":          func(_ *Kernel, x any) Value { return Obj(TMM, x.(*VRM).MM) },
		"addr":        func(_ *Kernel, x any) Value { return Int(int64(x.(*VRM).Core.Addr)) },
		"new_addr":    func(_ *Kernel, x any) Value { return Int(int64(x.(*VRM).Core.NewAddr)) },
		"old_len":     func(_ *Kernel, x any) Value { return Int(int64(x.(*VRM).Core.OldLen)) },
		"new_len":     func(_ *Kernel, x any) Value { return Int(int64(x.(*VRM).Core.NewLen)) },
		"delta":       func(_ *Kernel, x any) Value { return Int(int64(x.(*VRM).Core.Delta)) },
		"flags":       func(_ *Kernel, x any) Value { return Int(int64(x.(*VRM).Core.Flags)) },
		"remap_type":  func(_ *Kernel, x any) Value { return Int(int64(x.(*VRM).Core.RemapType())) },
		"mmap_locked": func(_ *Kernel, x any) Value { return Bool(x.(*VRM).MmapLocked) },
	}
	fieldTypes[TVRM] = map[string]Type{"vma": TVMA, "new_vma": TVMA, "mm": TMM, "addr": TInt, "new_addr": TInt, "old_len": TInt, "new_len": TInt,
		"delta": TInt, "flags": TInt, "remap_type": TInt, "mmap_locked": TBool}
	// enum mremap_type (mm/mremap.c), vrm->remap_type's values.
	for i, name := range []string{"MREMAP_INVALID", "MREMAP_NO_RESIZE", "MREMAP_SHRINK", "MREMAP_EXPAND"} {
		Constants[name] = int64(i)
	}
	fieldTable[TPMC] = map[string]func(k *Kernel, x any) Value{
		"old":             func(_ *Kernel, x any) Value { return Obj(TVMA, x.(*PMC).Old) },
		"new":             func(_ *Kernel, x any) Value { return Obj(TVMA, x.(*PMC).New) },
		"old_addr":        func(_ *Kernel, x any) Value { return Int(int64(x.(*PMC).OldAddr)) },
		"new_addr":        func(_ *Kernel, x any) Value { return Int(int64(x.(*PMC).NewAddr)) },
		"old_end":         func(_ *Kernel, x any) Value { return Int(int64(x.(*PMC).OldEnd)) },
		"len_in":          func(_ *Kernel, x any) Value { return Int(int64(x.(*PMC).LenIn)) },
		"need_rmap_locks": func(_ *Kernel, x any) Value { return Bool(x.(*PMC).NeedRmapLocks) },
	}
	fieldTypes[TPMC] = map[string]Type{"old": TVMA, "new": TVMA, "old_addr": TInt, "new_addr": TInt, "old_end": TInt, "len_in": TInt, "need_rmap_locks": TBool}
	fieldTable[TPTEBatch] = map[string]func(k *Kernel, x any) Value{
		"nr":      func(_ *Kernel, x any) Value { return Int(int64(len(x.(*PTEBatch).Ptes))) },
		"present": func(_ *Kernel, x any) Value { return Int(int64(x.(*PTEBatch).present)) },
	}
	fieldTypes[TPTEBatch] = map[string]Type{"nr": TInt, "present": TInt}
	Constants["PMD_SIZE"] = mmcore.PMD_SIZE
	Constants["HPAGE_PMD_SIZE"] = mmcore.PMD_SIZE
	Constants["NORMAL_PMD"] = 0
	Constants["HPAGE_PMD"] = 1
	for _, name := range []string{"VM_WIPEONFORK", "VM_LOCKED"} {
		if f, ok := mmcore.ParseVMFlag(name); ok {
			Constants[name] = int64(f)
		}
	}

	citeTable["vrm_init"] = []Cite{cite("mm/mremap.c", "SYSCALL_DEFINE5(mremap), do_mremap()", "struct vma_remap_struct vrm = { .addr = untagged_addr(addr), .old_len = old_len, ... }; vrm->old_len = PAGE_ALIGN(vrm->old_len); vrm->new_len = PAGE_ALIGN(vrm->new_len)", readMremapKpaths)}
	citeTable["check_mremap_params"] = []Cite{cite("mm/mremap.c", "check_mremap_params()", "flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP); offset_in_page(addr); !new_len; vrm_overlaps(vrm); (current->mm->map_count + 2) >= sysctl_max_map_count - 3 -> -ENOMEM", readMremapKpaths)}
	citeTable["check_prep_vma"] = []Cite{cite("mm/mremap.c", "do_mremap(), check_prep_vma()", "vrm->vma = vma_lookup(current->mm, vrm->addr); res = check_prep_vma(vrm): if (!vma) return -EFAULT; vrm_set_delta(); vrm->remap_type = vrm_remap_type(); if (old_len > vma->vm_end - addr) return -EFAULT", readMremapKpaths)}
	citeTable["vrm_set_new_addr"] = []Cite{cite("mm/mremap.c", "vrm_set_new_addr()", "res = get_unmapped_area(vma->vm_file, new_addr, vrm->new_len, pgoff, map_flags); vrm->new_addr = res", readMremapKpaths)}
	citeTable["vrm_can_expand_in_place"] = []Cite{cite("mm/mremap.c", "vrm_can_expand_in_place(), vma_expandable()", "suffix_bytes = vrm->vma->vm_end - vrm->addr; if (suffix_bytes != vrm->old_len) return false; find_vma_intersection(vma->vm_mm, vma->vm_end, end)", readMremapKpaths)}
	citeTable["expand_vma_in_place"] = []Cite{cite("mm/mremap.c", "expand_vma_in_place()", "vma = vma_merge_extend(&vmi, vma, vrm->delta); vrm->vma = vma; vrm_stat_account(vrm, vrm->delta)", readMremapKpaths),
		cite("mm/vma.c", "vma_expand()", "vma_start_write(target); if (remove_next) vma_start_write(next); vma_prepare(&vp)", readVMAKpaths)}
	citeTable["prep_move_vma"] = []Cite{cite("mm/mremap.c", "prep_move_vma()", "map_count >= sysctl_max_map_count - 3 -> -ENOMEM; vma->vm_ops->may_split() at both ends", readMremapKpaths)}
	citeTable["copy_vma"] = []Cite{cite("mm/mremap.c", "move_vma(), copy_vma_and_data()", "vma_start_write(vrm->vma) /* We don't want racing faults. */; new_vma = copy_vma(&vma, vrm->new_addr, vrm->new_len, new_pgoff, &pmc.need_rmap_locks)", readMremapKpaths)}
	citeTable["get_and_clear_full_ptes"] = []Cite{cite("mm/mremap.c", "move_ptes()", "if (pte_present(old_pte)) force_flush = true; pte = get_and_clear_full_ptes(mm, old_addr, old_ptep, nr_ptes, 0)", readMremapKpaths)}
	citeTable["set_ptes"] = []Cite{cite("mm/mremap.c", "move_ptes()", "VM_WARN_ON_ONCE(!pte_none(*new_ptep)); set_ptes(mm, new_addr, new_ptep, pte, nr_ptes)", readMremapKpaths)}
	citeTable["pmd_move_table"] = []Cite{cite("mm/mremap.c", "move_normal_pmd()", "if (WARN_ON_ONCE(!pmd_none(*new_pmd))) return false; pmd = *old_pmd; if (!pmd_present(pmd) || pmd_leaf(pmd)) goto out_unlock; pmd_clear(old_pmd); pmd_populate(mm, new_pmd, pmd_pgtable(pmd)); flush_tlb_range(vma, old_addr, old_addr + PMD_SIZE) before the PTLs drop", readMremapKpaths)}
	citeTable["move_huge_pmd"] = []Cite{cite("mm/mremap.c", "move_pgt_entry()", "case HPAGE_PMD: move_huge_pmd(pmc->old, pmc->old_addr, pmc->new_addr, old_entry, new_entry)", readMremapKpaths)}
	citeTable["unmap_source_vma"] = []Cite{cite("mm/mremap.c", "move_vma(), unmap_source_vma()", "do_vmi_munmap(&vmi, mm, addr, len, vrm->uf_unmap, /* unlock= */false); or dontunmap_complete() for MREMAP_DONTUNMAP", readMremapKpaths)}
	const moveSeq = "/* mm/mremap.c: move_ptes(), mmap write lock and both VMA write locks held */\n" +
		"old_ptep = pte_offset_map_lock(mm, old_pmd, old_addr, &old_ptl);\n" +
		"new_ptep = pte_offset_map_rw_nolock(mm, new_pmd, new_addr, &dummy_pmdval, &new_ptl);\n" +
		"if (new_ptl != old_ptl)\n\tspin_lock_nested(new_ptl, SINGLE_DEPTH_NESTING);\n" +
		"flush_tlb_batched_pending(vma->vm_mm);\n" +
		"pte = get_and_clear_full_ptes(mm, old_addr, old_ptep, nr_ptes, 0);\n" +
		"set_ptes(mm, new_addr, new_ptep, pte, nr_ptes);\n" +
		"if (force_flush)\n\tflush_tlb_range(vma, old_end - len, old_end);\n" +
		"if (new_ptl != old_ptl)\n\tspin_unlock(new_ptl);\n" +
		"pte_unmap(new_ptep - 1);\npte_unmap_unlock(old_ptep - 1, old_ptl);"
	sequenceTable["get_and_clear_full_ptes"] = moveSeq
	sequenceTable["set_ptes"] = moveSeq

	mremapAPI := func(name, hold, takes, source, notes string, rules ...*Rule) *API {
		return register(&API{Name: name, Section: "2.32", Hold: hold, Takes: takes, Sleeps: "see hold",
			Source: source, Notes: notes + " (a step of the kernel library's mremap: `mmscript explain mremap`)",
			Rules: rules})
	}

	if a := takeDocumented("mremap"); a != nil {
		a.Notes = "returns the new address or -errno; a kernel path of the kernel library (kernel/mremap.mms): the move (move_vma: vma_start_write, copy_vma, " +
			"move_page_tables with move_ptes under the old and the new PTL and the TLB flush before they drop, the unmap of the source) runs statement by statement, " +
			"and so does its preparation: check_mremap_params, check_prep_vma, the MREMAP_FIXED target's do_munmap() and a shrink's do_vmi_munmap() through the munmap path " +
			"(->may_split at each split, ->open of the new piece, vma_start_write), remap_move() VMA by VMA, expand_vma_in_place. flags= maymove|fixed|dontunmap"
		a.Rules = lockRules
		register(a)
	}
	defOp(&Op{Name: "mremap", Path: true,
		Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}, {Name: "old_len", Type: TInt}, {Name: "new_len", Type: TInt},
			{Name: "flags", Type: TWord, Words: sortedKeys(mremapFlagWords), Optional: true, Default: Word(""), FromInt: mremapFlagWord},
			{Name: "new_addr", Type: TInt, Optional: true, Default: Int(0)}},
		Result: TInt, API: LookupAPI("mremap")})

	if a := takeDocumented("move_page_tables"); a != nil {
		a.Notes += "; mmscript: move_page_tables(pmc) is a kernel path of the kernel library (kernel/mremap.mms) over the steps get_old_pmd, alloc_new_pmd, " +
			"move_pgt_entry (move_normal_pmd, move_huge_pmd), pte_alloc and move_ptes (pte_offset_map_lock, pte_offset_map_rw_nolock, spin_lock_nested, " +
			"get_and_clear_full_ptes, set_ptes, flush_tlb_range); its checks are its steps': the VMA write locks (vma/faults-need-vma-write-lock) and the TLB flush before the PTLs drop"
		a.Rules = []*Rule{ruleFaultsNeedVMAWrite, ruleTLBFlushBeforePTLDrop, ruleSleepInAtomic}
		register(a)
	}
	defOp(&Op{Name: "move_page_tables", Path: true, Params: []Param{{Name: "pmc", Type: TPMC}}, Result: TInt, API: LookupAPI("move_page_tables")})

	mremapParams := []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}, {Name: "old_len", Type: TInt}, {Name: "new_len", Type: TInt},
		{Name: "flags", Type: TWord, Words: sortedKeys(mremapFlagWords), Optional: true, Default: Word(""), FromInt: mremapFlagWord},
		{Name: "new_addr", Type: TInt, Optional: true, Default: Int(0)}}
	vrmParam := []Param{{Name: "vrm", Type: TVRM}}
	errOr0 := func(err error) Result {
		if err != nil {
			return done(Int(errnoOf(err)))
		}
		return done(Int(0))
	}
	readsMM := func(c *Call, f *Footprint) { f.MM(pmcMM(c), false) }
	defOp(&Op{Name: "vrm_init", Params: mremapParams, Result: TVRM,
		API: mremapAPI("vrm_init", "nothing", "nothing", "mm/mremap.c: SYSCALL_DEFINE5(mremap), do_mremap()",
			"the struct vma_remap_struct of one mremap(): addr, old_len and new_len PAGE_ALIGN()ed, flags, new_addr; vrm.mmap_locked false"),
		Touches: func(*Call, *Footprint) {},
		Fn: func(c *Call) Result {
			flags := 0
			for w := range words(c.word(4)) {
				flags |= mremapFlagWords[w]
			}
			r := mmcore.VRMInit(c.addr(1), uint64(c.int(2)), uint64(c.int(3)), flags, c.addr(5))
			return done(Obj(TVRM, &VRM{Owned: ownedBy(c.T), MM: c.mm(0), Core: r}))
		}})
	defOp(&Op{Name: "check_mremap_params", Params: vrmParam, Result: TInt,
		API: mremapAPI("check_mremap_params", "nothing (do_mremap() checks before it takes the mmap lock)", "nothing", "mm/mremap.c: check_mremap_params()",
			"0 or -EINVAL (unknown flags, unaligned addresses, new_len 0 or beyond TASK_SIZE, MREMAP_FIXED/DONTUNMAP without MREMAP_MAYMOVE, "+
				"DONTUNMAP with a resize, overlapping ranges), or -ENOMEM when map_count + 2 is within 3 of max_map_count (read without the lock, as the kernel does)"),
		Touches: readsMM,
		Fn: func(c *Call) Result {
			vrm := c.vrm(0)
			return errOr0(vrm.MM.Core.CheckMremapParams(vrm.Core))
		}})
	defOp(&Op{Name: "check_prep_vma", Params: vrmParam, Result: TInt,
		API: mremapAPI("check_prep_vma", "mmap_lock for write", "nothing", "mm/mremap.c: check_prep_vma()",
			"checks vrm.vma (vma_lookup()'s result, or remap_move()'s VMA) against the request: -EFAULT without a VMA or across its end, -EINVAL, "+
				"-EFAULT for growing a VM_DONTEXPAND/VM_PFNMAP VMA; sets vrm.delta, vrm.remap_type and, without MREMAP_FIXED/DONTUNMAP, vrm.new_addr = vrm.addr"),
		Touches: readsMM,
		Fn: func(c *Call) Result {
			vrm := c.vrm(0)
			return errOr0(vrm.MM.Core.CheckPrepVMA(vrm.Core))
		}})
	defOp(&Op{Name: "vrm_set_new_addr", Params: vrmParam, Result: TInt,
		API: mremapAPI("vrm_set_new_addr", "mmap_lock for write", "nothing", "mm/mremap.c: vrm_set_new_addr()",
			"get_unmapped_area() for the move's destination: new_addr as given with MREMAP_FIXED, a hint with MREMAP_DONTUNMAP, else anywhere; 0 or -ENOMEM"),
		Touches: readsMM,
		Fn: func(c *Call) Result {
			vrm := c.vrm(0)
			if vrm.Core.VMA == nil {
				return fail("vrm_set_new_addr: the vma_remap_struct has no source VMA (vrm.vma unset, or check_prep_vma failed)")
			}
			return errOr0(vrm.MM.Core.VRMSetNewAddr(vrm.Core))
		}})
	defOp(&Op{Name: "vrm_can_expand_in_place", Params: vrmParam, Result: TBool,
		API: mremapAPI("vrm_can_expand_in_place", "mmap_lock for write", "nothing", "mm/mremap.c: vrm_can_expand_in_place(), vma_expandable()",
			"whether [addr, addr + old_len) reaches the VMA's end and the delta after it is free"),
		Touches: readsMM,
		Fn: func(c *Call) Result {
			vrm := c.vrm(0)
			return done(Bool(vrm.MM.Core.VRMCanExpandInPlace(vrm.Core)))
		}})
	defOp(&Op{Name: "expand_vma_in_place", Params: vrmParam, Result: TInt,
		API: mremapAPI("expand_vma_in_place", "mmap_lock for write",
			"vma_start_write of the VMA and of the next one a merge removes (vma_expand()), the rmap locks (vma_prepare()); then mm_populate() of a VM_LOCKED growth",
			"mm/mremap.c: expand_vma_in_place(); mm/vma.c: vma_merge_extend(), vma_merge_new_range(), vma_expand()",
			"grows vrm.vma by vrm.delta in place, merging with the next VMA when it becomes adjacent and compatible; 0 or -ENOMEM. "+
				"A VM_LOCKED mapping's growth is populated here, not after mmap_write_unlock() as do_mremap() does",
			ruleStartWrite, ruleSleepInAtomic),
		Touches: func(c *Call, f *Footprint) { unmapsMM(pmcMM(c), f) },
		Fn: func(c *Call) Result {
			vrm := c.vrm(0)
			m, r := vrm.MM, vrm.Core
			if r.VMA == nil {
				return fail("expand_vma_in_place: the vma_remap_struct has no source VMA (vrm.vma unset, or check_prep_vma failed)")
			}
			c.T.MightSleep(c.Op.Name)
			// vma_expand() write-locks the VMA it grows and the next one
			// it swallows before it changes them.
			locked := []*mmcore.VMA{r.VMA}
			if next := m.Core.NextVMA(r.VMA); next != nil && next.Start() == r.VMA.End()+mmcore.Addr(r.Delta) {
				locked = append(locked, next)
			}
			return seq(len(locked), func(i int, next func() Result) Result {
				return c.vmaStartWrite(locked[i], ruleStartWrite, next)
			}, func() Result {
				var err error
				return c.withRmapTreesWrite(r.VMA, func() { err = m.Core.ExpandVMAInPlace(r) }, func() Result { return errOr0(err) })
			})
		}})
	// A store to a vma_remap_struct field, as do_mremap(), mremap_to(),
	// shrink_vma() and remap_move() write them (fieldStores).
	vrmStores := []struct {
		field string
		typ   Type
		set   func(v *VRM, x Value)
	}{
		{"vma", TVMA, func(v *VRM, x Value) {
			v.Core.VMA = nil
			if w, ok := x.Obj.(*mmcore.VMA); ok {
				v.Core.VMA = w
			}
		}},
		{"addr", TInt, func(v *VRM, x Value) { v.Core.Addr = mmcore.Addr(x.Int) }},
		{"new_addr", TInt, func(v *VRM, x Value) { v.Core.NewAddr = mmcore.Addr(x.Int) }},
		{"old_len", TInt, func(v *VRM, x Value) { v.Core.OldLen = uint64(x.Int) }},
		{"new_len", TInt, func(v *VRM, x Value) { v.Core.NewLen = uint64(x.Int) }},
		{"mmap_locked", TBool, func(v *VRM, x Value) { v.MmapLocked = x.Truth() }},
	}
	fieldStores[TVRM] = map[string]string{}
	for _, st := range vrmStores {
		name := "vrm_store_" + st.field
		fieldStores[TVRM][st.field] = name
		set := st.set
		citeTable[name] = []Cite{cite("mm/mremap.c", "do_mremap(), mremap_to(), shrink_vma(), remap_move()", "vrm->"+st.field+" = ...", readMremapKpaths)}
		sequenceTable[name] = "/* mm/mremap.c */\nvrm->" + st.field + " = value;"
		kernelPathSteps[name] = "mremap"
		defOp(&Op{Name: name, Params: []Param{{Name: "vrm", Type: TVRM}, {Name: st.field, Type: st.typ, Nilable: st.typ == TVMA}},
			API: mremapAPI(name, "nothing", "nothing", "mm/mremap.c: struct vma_remap_struct",
				"vrm."+st.field+" = value: a store to a field of the caller's own vma_remap_struct"),
			Touches: func(*Call, *Footprint) {},
			Fn: func(c *Call) Result {
				set(c.vrm(0), c.Args[1])
				return ok
			}})
	}

	defOp(&Op{Name: "prep_move_vma", Params: []Param{{Name: "vrm", Type: TVRM}}, Result: TInt,
		API: mremapAPI("prep_move_vma", "mmap_lock for write", "vm_ops->may_split", "mm/mremap.c: prep_move_vma()",
			"0 or -ENOMEM near max_map_count, or ->may_split's error"),
		Touches: func(c *Call, f *Footprint) { f.MM(pmcMM(c), false) },
		Fn: func(c *Call) Result {
			if c.vrm(0).Core.VMA == nil {
				return fail("prep_move_vma: the vma_remap_struct has no source VMA (vrm.vma unset, or check_prep_vma failed)")
			}
			vrm := c.vrm(0)
			// ->may_split at both ends, before anything changes: no
			// split here, so no piece to open between the questions
			return c.splitting(vrm.MM, 0, 0, func() error { return vrm.MM.Core.PrepMoveVMA(vrm.Core) }, nil, func(err error) Result {
				if err != nil {
					return done(Int(errnoOf(err)))
				}
				return done(Int(0))
			})
		}})

	defOp(&Op{Name: "copy_vma", Params: []Param{{Name: "vrm", Type: TVRM}}, Result: TVMA,
		API: mremapAPI("copy_vma", "mmap_lock for write; the source VMA write-locked (vma_start_write)",
			"vma_start_write on the VMAs a merge expands, then on the new VMA (vma_link)",
			"mm/vma.c: copy_vma(); mm/mremap.c: copy_vma_and_data()",
			"returns the destination VMA (merged into a neighbour or new and linked) or nil; sets need_rmap_locks (a merged destination with vm_pgoff <= the source's) and the source VMA in the vrm",
			ruleFaultsNeedVMAWrite, ruleStartWrite, ruleSleepInAtomic),
		Touches: func(c *Call, f *Footprint) {
			m := pmcMM(c)
			f.MM(m, true)
			f.Add(AFile, AllObjects, true)
			f.Alloc()
		},
		Fn: func(c *Call) Result {
			vrm := c.vrm(0)
			r, m := vrm.Core, vrm.MM
			if r.VMA == nil {
				return fail("copy_vma: the vma_remap_struct has no source VMA (vrm.vma unset, or check_prep_vma failed)")
			}
			// move_vma()'s new_vma is its own: remap_move() runs it again
			// with the same vma_remap_struct for the next VMA.
			vrm.NewVMA, vrm.NeedRmapLocks, vrm.MoveFailed = nil, false, false
			c.T.MightSleep(c.Op.Name)
			// copy_vma reads the source's anon_vma and vm_pgoff to pick the
			// destination's: a fault under the VMA lock may set them.
			c.vmaAssertWriteLocked(r.VMA, ruleFaultsNeedVMAWrite, Unchecked, "copy_vma() reads its anon_vma and vm_pgoff, which a fault under the VMA read lock may set meanwhile")
			// vma_merge_copied_range write-locks the neighbours it expands.
			var around []*mmcore.VMA
			end := r.NewAddr + mmcore.Addr(r.NewLen)
			if next, prev := m.Core.FindVMAPrev(r.NewAddr); true {
				if prev != nil && prev.End() == r.NewAddr {
					around = append(around, prev)
				}
				if next != nil && next.Start() == end {
					around = append(around, next)
				}
			}
			return seq(len(around), func(i int, next func() Result) Result {
				return c.vmaStartWrite(around[i], ruleStartWrite, next)
			}, func() Result {
				var nv *mmcore.VMA
				var need bool
				return c.withRmapTreesWrite(r.VMA, func() { nv, need = m.Core.CopyVMAForMove(r) }, func() Result {
					if nv == nil {
						return done(Nil)
					}
					vrm.NewVMA, vrm.NeedRmapLocks = nv, need
					c.K.vmaState(nv)
					if nv.Ops != nil && nv != r.VMA && nv.Start() == r.NewAddr && nv.End() == end {
						if o := opsOf(nv); o != nil && o.Open != nil && !vmaIn(nv, around) {
							return c.call(o.Open, "open handler "+o.Open.Name, []Value{Obj(TVMA, nv)}, func(Value) Result {
								return c.vmaStartWrite(nv, ruleStartWrite, func() Result { return done(Obj(TVMA, nv)) })
							})
						}
					}
					return c.vmaStartWrite(nv, ruleStartWrite, func() Result { return done(Obj(TVMA, nv)) })
				})
			})
		}})

	defOp(&Op{Name: "pagetable_move",
		Params: []Param{{Name: "old", Type: TVMA}, {Name: "new", Type: TVMA}, {Name: "old_addr", Type: TInt}, {Name: "new_addr", Type: TInt},
			{Name: "len", Type: TInt}, {Name: "need_rmap_locks", Type: TBool, Optional: true, Default: Bool(false)}},
		Result: TPMC,
		API: mremapAPI("pagetable_move", "nothing", "nothing", "mm/internal.h: PAGETABLE_MOVE()",
			"a struct pagetable_move_control for move_page_tables: old and new VMA, old_addr, new_addr, len_in (old_end = old_addr + len_in), need_rmap_locks"),
		Touches: func(c *Call, f *Footprint) {},
		Fn: func(c *Call) Result {
			old, nw := c.vma(0), c.vma(1)
			oa, na, n := c.addr(2), c.addr(3), c.int(4)
			if n < 0 || !oa.PageAligned() || !na.PageAligned() || n%mmcore.PageSize != 0 {
				return fail("pagetable_move: addresses and length must be page aligned")
			}
			return done(Obj(TPMC, &PMC{Owned: ownedBy(c.T), Old: old, New: nw, OldAddr: oa, NewAddr: na, OldEnd: oa + mmcore.Addr(n), LenIn: mmcore.Addr(n), NeedRmapLocks: c.bool(5)}))
		}})
	defOp(&Op{Name: "vrm_pmc", Params: []Param{{Name: "vrm", Type: TVRM}}, Result: TPMC,
		API: mremapAPI("vrm_pmc", "nothing", "nothing", "mm/mremap.c: copy_vma_and_data(): PAGETABLE_MOVE(pmc, NULL, NULL, vrm->addr, vrm->new_addr, vrm->old_len); pmc.old = vma; pmc.new = new_vma",
			"the pagetable_move_control of a move after copy_vma: the source and the destination VMA, need_rmap_locks as copy_vma said"),
		Touches: func(c *Call, f *Footprint) {},
		Fn: func(c *Call) Result {
			vrm := c.vrm(0)
			r := vrm.Core
			if vrm.NewVMA == nil || r.VMA == nil {
				return fail("vrm_pmc: copy_vma has not run")
			}
			return done(Obj(TPMC, &PMC{Owned: ownedBy(c.T), Old: r.VMA, New: vrm.NewVMA, OldAddr: r.Addr, NewAddr: r.NewAddr,
				OldEnd: r.Addr + mmcore.Addr(r.OldLen), LenIn: mmcore.Addr(r.OldLen), NeedRmapLocks: vrm.NeedRmapLocks}))
		}})

	pmcParam := []Param{{Name: "pmc", Type: TPMC}}
	defOp(&Op{Name: "pmc_nr_extents", Params: pmcParam, Result: TInt,
		API: mremapAPI("pmc_nr_extents", "nothing", "nothing", "mm/mremap.c: move_page_tables(): for (; !pmc_done(pmc); pmc_next(pmc, extent))",
			"how many times move_page_tables' loop runs: one extent per PMD (get_extent(NORMAL_PMD)); PUD-level moves are not modelled"),
		Touches: func(c *Call, f *Footprint) {},
		Fn: func(c *Call) Result {
			p := c.pmc(0)
			n := 0
			for oa, na := p.OldAddr, p.NewAddr; oa < p.OldEnd; n++ {
				e := mmcore.PMDExtent(oa, p.OldEnd, na)
				oa, na = oa+e, na+e
			}
			return done(Int(int64(n)))
		}})
	defOp(&Op{Name: "get_extent", Params: pmcParam, Result: TInt,
		API: mremapAPI("get_extent", "nothing", "nothing", "mm/mremap.c: get_extent(NORMAL_PMD, pmc)",
			"the bytes from pmc.old_addr to the next PMD boundary of the old or the new range, at most to old_end"),
		Touches: func(c *Call, f *Footprint) {},
		Fn: func(c *Call) Result {
			p := c.pmc(0)
			return done(Int(int64(mmcore.PMDExtent(p.OldAddr, p.OldEnd, p.NewAddr))))
		}})
	defOp(&Op{Name: "pmc_next", Params: append(pmcParam, Param{Name: "extent", Type: TInt}),
		API:     mremapAPI("pmc_next", "nothing", "nothing", "mm/mremap.c: pmc_next()", "advances old_addr and new_addr by extent"),
		Touches: func(c *Call, f *Footprint) {},
		Fn: func(c *Call) Result {
			p, e := c.pmc(0), mmcore.Addr(c.int(1))
			p.OldAddr += e
			p.NewAddr += e
			return ok
		}})
	defOp(&Op{Name: "pmc_progress", Params: pmcParam, Result: TInt,
		API:     mremapAPI("pmc_progress", "nothing", "nothing", "mm/mremap.c: pmc_progress()", "the bytes moved so far"),
		Touches: func(c *Call, f *Footprint) {},
		Fn: func(c *Call) Result {
			p := c.pmc(0)
			orig := p.OldEnd - p.LenIn
			if p.OldAddr < orig {
				return done(Int(0))
			}
			return done(Int(int64(p.OldAddr - orig)))
		}})
	mmAddr := []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}
	defOp(&Op{Name: "get_old_pmd", Params: mmAddr, Result: TBool,
		API: mremapAPI("get_old_pmd", "mmap_lock", "nothing", "mm/mremap.c: get_old_pmd()",
			"whether addr's PMD entry is populated (a PTE table or a huge entry)"),
		Touches: ptePath,
		Fn: func(c *Call) Result {
			pop, _ := c.mm(0).Core.OldPMD(c.addr(1))
			return done(Bool(pop))
		}})
	// pmd_trans_huge() tests a PMD value, as the kernel's does
	// (pmd_trans_huge(*pmd), pmd_trans_huge(pmdp_get_lockless(pmd))): a
	// script that read the value once and tests it after a lock was
	// dropped races exactly as the C code does (userfaultfd's
	// BUG_ON(pmd_trans_huge(*dst_pmd)), fix 4828d207dc51).
	defOp(&Op{Name: "pmd_trans_huge", Params: []Param{{Name: "pmdval", Type: TInt,
		Hint: "pmd_trans_huge() tests a PMD value, as in C: pmd_trans_huge(pmdp_get_lockless(mm, addr)) for pmd_trans_huge(*pmd)"}}, Result: TBool,
		API: register(&API{Name: "pmd_trans_huge", Section: "6.4", Hold: "nothing (tests a PMD value already read); the value is current only under the PMD lock", Takes: "nothing", Sleeps: "no",
			Source: "include/linux/huge_mm.h: pmd_trans_huge(); mm/mremap.c: move_page_tables(); mm/memory.c: copy_pmd_range()",
			Notes:  "whether the PMD value maps a huge page (pmd_leaf of a THP)"}),
		Touches: func(*Call, *Footprint) {},
		Fn: func(c *Call) Result {
			c.checkEntryUse(0)
			return done(Bool(c.Args[0].Int&pmdHugeBit != 0))
		}})
	defOp(&Op{Name: "alloc_new_pmd", Params: pmcParam, Result: TBool,
		API: mremapAPI("alloc_new_pmd", "mmap_lock", "mm->page_table_lock (p4d/pud/pmd_alloc)", "mm/mremap.c: alloc_new_pmd()",
			"allocates the tables down to pmc.new_addr's PMD table; false on failure. The first step of each extent's move: both VMAs must be write-locked, "+
				"since the entries are about to move under faults that may run on either",
			ruleFaultsNeedVMAWrite, ruleSleepInAtomic),
		Touches: movesTables,
		Fn: func(c *Call) Result {
			p := c.pmc(0)
			m := mmOf(p.New.MM())
			c.vmaAssertWriteLocked(p.Old, ruleFaultsNeedVMAWrite, Unchecked, "move_page_tables() moves its entries away under faults that may be running on it")
			c.vmaAssertWriteLocked(p.New, ruleFaultsNeedVMAWrite, Unchecked, "move_page_tables() moves entries in under faults that may be running on it")
			c.T.MightSleep(c.Op.Name)
			a, err := m.Core.AllocNewPMD(p.NewAddr)
			if err != nil {
				return done(Bool(false))
			}
			if a.NeedsPageTableLock() {
				return c.touchLocks([]*Lock{m.PageTableLock}, func() Result { return done(Bool(true)) })
			}
			return done(Bool(true))
		}})
	defOp(&Op{Name: "pte_alloc", Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}, Result: TBool,
		API: mremapAPI("pte_alloc", "mmap_lock (or the VMA lock)", "the PMD lock to publish the new table (__pte_alloc)", "include/linux/mm.h: pte_alloc(); mm/memory.c: __pte_alloc()",
			"allocates addr's PTE table if missing; true on success", ruleSleepInAtomic),
		Touches: func(c *Call, f *Footprint) { m := mmArg(c, 0); f.PTEs(m, true); f.Alloc() },
		Fn: func(c *Call) Result {
			m := c.mm(0)
			c.T.MightSleep(c.Op.Name)
			if m.Core.Walk(c.addr(1)).Huge() {
				// pte_alloc() is "unlikely(pmd_none(*(pmd))) &&
				// __pte_alloc(mm, pmd)": a huge PMD is not none, so
				// nothing is allocated (or split) and it succeeds; the
				// caller's pte_offset_map() then finds no table.
				return done(Bool(true))
			}
			w, a, err := m.Core.AllocTables(c.addr(1))
			if err != nil {
				return done(Bool(false))
			}
			return c.touchLocks(allocLocks(m, &w, a), func() Result { return done(Bool(true)) })
		}})

	defOp(&Op{Name: "get_and_clear_full_ptes", Params: []Param{{Name: "pte", Type: TPTE}, {Name: "nr", Type: TInt}}, Result: TPTEBatch,
		API: register(&API{Name: "get_and_clear_full_ptes", Section: "6.4",
			Hold:    "the PTE lock of the table",
			Takes:   "nothing",
			Sleeps:  "no",
			Asserts: "none",
			Source:  "include/linux/pgtable.h: get_and_clear_full_ptes(); mm/mremap.c: move_ptes()",
			Notes: "clears nr entries from pte's address (one table) and returns them for set_ptes; the pages keep their counts (the entries move). " +
				"Each present entry leaves a TLB obligation: flush_tlb_range before the PTLs that keep the page alive are dropped. An entry a batched unmap " +
				"cleared and a CPU still caches, not flushed by flush_tlb_batched_pending() under the lock, is tlb/batched-flush-pending",
			Rules: []*Rule{rulePTEChangeLock, ruleTLBFlushBeforePTLDrop, ruleNotifierRangeMisses, ruleBatchedFlushPending}}),
		Touches: movesTables,
		Fn: func(c *Call) Result {
			p, nr := c.Args[0].Obj.(*PTE), c.int(1)
			if !c.checkTable(p) {
				return done(Nil)
			}
			if nr < 0 || int(nr) > mmcore.PTRS_PER_TABLE-p.Table.Index(p.Addr) {
				return fail("get_and_clear_full_ptes: %d entries from %#x leave the PTE table", nr, uint64(p.Addr))
			}
			if p.PTL.heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("get_and_clear_full_ptes at %#x without %s held", uint64(p.Addr), p.PTL.Name))
			}
			// move_ptes() called flush_tlb_batched_pending() once both
			// PTE locks were held (3ea277194daa)
			c.checkBatchedFlushed(p.MM, p.Addr, p.Addr+mmcore.Addr(nr)<<mmcore.PageShift)
			b := &PTEBatch{Owned: ownedBy(c.T), MM: p.MM, Addr: p.Addr, Ptes: p.MM.Core.GetAndClearPTEs(p.Addr, int(nr))}
			var present []mmcore.Addr
			var cached []mmcore.Addr // the entries a CPU may still translate
			for i, e := range b.Ptes {
				if e.Present() {
					a := p.Addr + mmcore.Addr(i)<<mmcore.PageShift
					present = append(present, a)
					if tlbMayHold(p.MM.Core, e, a) {
						cached = append(cached, a)
					}
				}
			}
			b.present = len(present)
			b.window = c.T.tlbMoved(p.MM, cached, p.PTL)
			for _, a := range present {
				if !c.checkNotifierCovers(p.MM, a) {
					break // once per call
				}
			}
			return done(Obj(TPTEBatch, b))
		}})
	defOp(&Op{Name: "set_ptes", Params: []Param{{Name: "pte", Type: TPTE}, {Name: "ptes", Type: TPTEBatch}}, Result: TInt,
		API: register(&API{Name: "set_ptes", Section: "6.4",
			Hold:    "the PTE lock of the table",
			Takes:   "nothing",
			Sleeps:  "no",
			Asserts: "VM_WARN_ON_ONCE(!pte_none(*new_ptep)) in move_ptes (debug kernels)",
			Source:  "include/linux/pgtable.h: set_ptes(); mm/mremap.c: move_ptes()",
			Notes:   "installs the entries get_and_clear_full_ptes took, from pte's address on; returns how many slots were not empty (kept). From here the new PTL too keeps the moved pages alive until the flush",
			Rules:   []*Rule{rulePTEChangeLock, ruleTLBFlushBeforePTLDrop}}),
		Touches: movesTables,
		Fn: func(c *Call) Result {
			p, b := c.Args[0].Obj.(*PTE), c.Args[1].Obj.(*PTEBatch)
			if !c.checkTable(p) {
				return done(Int(0))
			}
			if p.PTL.heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("set_ptes at %#x without %s held", uint64(p.Addr), p.PTL.Name))
			}
			if len(b.Ptes) > mmcore.PTRS_PER_TABLE-p.Table.Index(p.Addr) {
				return fail("set_ptes: %d entries from %#x leave the PTE table", len(b.Ptes), uint64(p.Addr))
			}
			n := p.MM.Core.SetPTEs(p.Addr, b.Ptes)
			if w := b.window; w != nil {
				w.locks = append(w.locks, p.PTL)
			}
			b.Ptes = nil // the entries are in the table now
			return done(Int(int64(n)))
		}})

	defOp(&Op{Name: "spin_lock_nested", Params: []Param{{Name: "lock", Type: TLock}},
		API: register(&API{Name: "spin_lock_nested", Section: "1.1", Hold: "another lock of the same class, ordered by an outer lock",
			Takes: "the spinlock, as lockdep subclass SINGLE_DEPTH_NESTING", Sleeps: "no (spins)", Asserts: "lockdep",
			Source: "include/linux/spinlock.h: spin_lock_nested(); mm/mremap.c: move_ptes(), move_normal_pmd(); mm/memory.c: copy_pte_range()",
			Notes:  "a second PTE or PMD lock under the first: subclass 1 is a lockdep class of its own (ptlock_ptr(ptdesc)/1), ordered after the plain class; the order of the two instances is kept by the mmap write lock",
			Rules:  []*Rule{ruleCircular}}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			l := c.Args[0].Obj.(*Lock)
			if l.Kind != Spin {
				return fail("spin_lock_nested: %s is not a spinlock", l.Name)
			}
			c.T.subclass = SingleDepthNesting
			return c.lock(l, Write, func() Result { return ok })
		}})
	defOp(&Op{Name: "pmd_lockptr", Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}, Result: TLock,
		API: register(&API{Name: "pmd_lockptr", Section: "6.4", Hold: "the VMA stable", Takes: "nothing", Sleeps: "no",
			Source: "include/linux/mm.h: pmd_lockptr()", Notes: "the split PMD lock of addr's PMD table, not taken"}),
		Touches: ptePath,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			pmd := m.Core.Walk(c.addr(1)).PMD()
			if pmd == nil {
				return fail("pmd_lockptr: no PMD table covers %#x", uint64(c.addr(1)))
			}
			return done(Obj(TLock, ptl(m, pmd)))
		}})
	defOp(&Op{Name: "pmd_move_table", Params: append(pmcParam[:1:1], Param{Name: "pmd", Type: TInt}), Result: TBool,
		API: mremapAPI("pmd_move_table", "mmap_lock for write, both VMAs write-locked, the old and the new PMD lock",
			"nothing", "mm/mremap.c: move_normal_pmd()",
			"move_normal_pmd() between its PMD locks, on the value pmd it read there (pmd = *old_pmd): pmd_clear(old_pmd); pmd_populate(mm, new_pmd, pmd_pgtable(pmd)). "+
				"The caller checks first that pmd still points to a PTE table (\"Racing with collapse?\"): for a none or leaf value pmd_pgtable() is garbage and the kernel installs a bogus table. "+
				"False when the new entry is in use. The present entries of the moved table leave a TLB obligation kept by both PMD locks",
			rulePMDChangeLock, ruleFaultsNeedVMAWrite, ruleTLBFlushBeforePTLDrop, ruleMovePMDUnchecked, ruleNonTerminalChange),
		Touches: movesTables,
		Fn: func(c *Call) Result {
			p := c.pmc(0)
			m := mmOf(p.Old.MM())
			c.checkEntryUse(1)
			if val := c.Args[1].Int; c.K.tableOf(val) == nil || c.K.tableOf(val) != m.Core.Walk(p.OldAddr).PTETable() {
				// The kernel goes on: pmd_clear(), then pmd_populate() with
				// whatever pmd_pgtable() makes of the value (on x86, pfn 0 as
				// a page table). The model reports it and leaves both entries.
				c.K.violate(c.T, ruleMovePMDUnchecked, fmt.Sprintf("pmd_move_table at %#x -> %#x with a PMD value (%#x) that no longer points to the PTE table there: "+
					"pmd_populate(new_pmd, pmd_pgtable(pmd)) installs a bogus page table", uint64(p.OldAddr), uint64(p.NewAddr), val))
				return done(Bool(true))
			}
			c.vmaAssertWriteLocked(p.Old, ruleFaultsNeedVMAWrite, Unchecked, "its page table moves away under faults that may be running on it")
			c.vmaAssertWriteLocked(p.New, ruleFaultsNeedVMAWrite, Unchecked, "a page table lands under faults that may be running on it")
			c.checkRmapWalkersExcluded(p.Old, p.OldAddr, p.NewAddr)
			ow, nwk := m.Core.Walk(p.OldAddr), m.Core.Walk(p.NewAddr)
			if ow.PMD() == nil || nwk.PMD() == nil {
				return done(Bool(false))
			}
			ol, nl := ptl(m, ow.PMD()), ptl(m, nwk.PMD())
			for _, l := range []*Lock{ol, nl} {
				if l.heldBy(c.T) == 0 {
					c.K.violate(c.T, rulePMDChangeLock, fmt.Sprintf("pmd_move_table at %#x -> %#x without %s held", uint64(p.OldAddr), uint64(p.NewAddr), l.Name))
				}
			}
			present := m.Core.PresentPTEs(p.OldAddr&^(mmcore.PMD_SIZE-1), p.OldAddr&^(mmcore.PMD_SIZE-1)+mmcore.PMD_SIZE)
			if !m.Core.MoveNormalPMD(p.OldAddr, p.NewAddr) {
				return done(Bool(false))
			}
			c.T.tlbMoved(m, present, ol, nl)
			return done(Bool(true))
		}})

	defOp(&Op{Name: "move_huge_pmd", Params: pmcParam, Result: TBool,
		API: mremapAPI("move_huge_pmd", "mmap_lock for write, both VMAs write-locked",
			"the old PMD lock -> the new PMD lock (nested); flushes the old range before dropping them",
			"mm/huge_memory.c: move_huge_pmd(); mm/mremap.c: move_pgt_entry()",
			"moves a PMD-mapped THP to the new, empty, aligned PMD entry; else splits it and reports false",
			ruleFaultsNeedVMAWrite),
		Touches: movesTables,
		Fn: func(c *Call) Result {
			p := c.pmc(0)
			m := mmOf(p.Old.MM())
			c.vmaAssertWriteLocked(p.Old, ruleFaultsNeedVMAWrite, Unchecked, "its huge PMD moves away under faults that may be running on it")
			c.vmaAssertWriteLocked(p.New, ruleFaultsNeedVMAWrite, Unchecked, "a huge PMD lands under faults that may be running on it")
			ow := m.Core.Walk(p.OldAddr)
			if ow.PMD() == nil {
				return done(Bool(false))
			}
			var ls []*Lock
			ls = append(ls, ptl(m, ow.PMD()))
			if nw := m.Core.Walk(p.NewAddr); nw.PMD() != nil && ptl(m, nw.PMD()) != ls[0] {
				ls = append(ls, ptl(m, nw.PMD()))
			}
			// __pmd_trans_huge_lock(old_pmd) is a plain pmd_lock(); only the
			// new one is taken nested.
			return c.lock(ls[0], Write, func() Result {
				take := func(k func() Result) Result {
					if len(ls) < 2 {
						return k()
					}
					c.T.subclass = SingleDepthNesting
					return c.lock(ls[1], Write, k)
				}
				return take(func() Result {
					moved := m.Core.MoveHugePMD(p.OldAddr, p.NewAddr)
					if moved {
						m.Core.TLB.FlushRange(p.OldAddr, p.OldAddr+mmcore.PMD_SIZE) // flush_pmd_tlb_range before the unlock
						c.T.tlbFlushed(m, p.OldAddr, p.OldAddr+mmcore.PMD_SIZE)
					}
					for i := len(ls) - 1; i >= 0; i-- {
						c.unlock(ls[i], Write)
					}
					return done(Bool(moved))
				})
			})
		}})

	defOp(&Op{Name: "unmap_source_vma", Params: []Param{{Name: "vrm", Type: TVRM}}, Result: TInt,
		API: mremapAPI("unmap_source_vma", "mmap_lock for write",
			"do_vmi_munmap(unlock=false): vma_start_write, zap under the PTE locks, TLB flush, ->close, all under the write lock",
			"mm/mremap.c: move_vma(), unmap_source_vma(), dontunmap_complete()",
			"after move_page_tables: unmaps the old range (or, with MREMAP_DONTUNMAP, leaves it mapped and empty); returns the new address or -errno",
			ruleSleepInAtomic),
		Touches: func(c *Call, f *Footprint) { unmapsMM(pmcMM(c), f) },
		Fn: func(c *Call) Result {
			vrm := c.vrm(0)
			if vrm.NewVMA == nil {
				return fail("unmap_source_vma: copy_vma has not run")
			}
			c.T.MightSleep(c.Op.Name)
			m, r := vrm.MM, vrm.Core
			var old []*mmcore.VMA
			// move_vma(): if (unlikely(!err && (vrm->flags & MREMAP_DONTUNMAP)))
			// dontunmap_complete(vrm, new_vma); else unmap_source_vma(vrm);
			if r.Flags&mmcore.MREMAP_DONTUNMAP == 0 || vrm.MoveFailed {
				for v := range m.Core.VMAsRange(r.Addr, r.Addr+mmcore.Addr(r.OldLen)) {
					old = append(old, v)
				}
			}
			return seq(len(old), func(i int, next func() Result) Result {
				return c.vmaStartWrite(old[i], ruleStartWrite, next)
			}, func() Result {
				var res mmcore.Addr
				m.Core.VRMStatAccount(r, vrm.NewVMA)
				// do_vmi_munmap() -> vms_gather_munmap_vmas() ->
				// __split_vma() asks ->may_split before it takes the rmap
				// locks: the handler runs between two tries, without them.
				// A refusal leaves the source mapped, the move done:
				// unmap_source_vma() ignores do_vmi_munmap()'s error.
				step := func() (err error) {
					res, err = m.Core.UnmapSourceVMA(r, vrm.NewVMA, vrm.MoveFailed)
					return err
				}
				lockNew := func(nv *mmcore.VMA, next func() Result) Result {
					return c.vmaStartWrite(nv, ruleStartWrite, next)
				}
				rmapLocked := func(change func(), next func() Result) Result {
					return c.withRmapTreesWrite(vrm.NewVMA, change, next)
				}
				start, end := r.Addr, r.Addr+mmcore.Addr(r.OldLen)
				return c.splittingWith(m, start, end, rmapLocked, step, lockNew, func(err error) Result {
					ret := int64(res)
					if err != nil {
						ret = errnoOf(err)
					}
					m.Core.PopulateAfterMove(r)
					return c.openSplits(m, start, end, func() Result {
						return c.closeAll(r.Unmapped, func() Result {
							r.Unmapped = nil
							return done(Int(ret))
						})
					})
				})
			})
		}})
}

// withRmapTreesWrite runs change, a link or unlink of v in its rmap trees,
// under the locks of those trees for write, then next: its file's
// i_mmap_rwsem (vma_link_file(), unlink_file_vma_batch()) and, inside it
// as take_rmap_locks() and vma_prepare() order them, its anon_vma's rwsem
// (anon_vma_clone() and vma_link() in copy_vma(), unlink_anon_vmas() in
// the unmap of the source). Rmap walkers that hold either for read
// (retract_page_tables, rmap_walk_file, rmap_walk_anon under
// folio_lock_anon_vma_read()) never see the tree change under them nor a
// VMA freed from it.
func (c *Call) withRmapTreesWrite(v *mmcore.VMA, change func(), next func() Result) Result {
	var ls []*Lock
	if v != nil && v.File() != nil {
		if l := iMmapLock(v.File().Mapping()); l != nil {
			ls = append(ls, l)
		}
	}
	if v != nil && v.AnonVMA() != nil {
		if l, err := c.K.anonVMALock(v); err == nil {
			ls = append(ls, l)
		}
	}
	var run func(i int) Result
	run = func(i int) Result {
		if i == len(ls) {
			change()
			for j := len(ls) - 1; j >= 0; j-- {
				c.unlock(ls[j], Write)
			}
			return next()
		}
		return c.lock(ls[i], Write, func() Result { return run(i + 1) })
	}
	return run(0)
}

func vmaIn(v *mmcore.VMA, vs []*mmcore.VMA) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

// rmapLocks returns v's rmap locks in take_rmap_locks() order: the file's
// i_mmap_rwsem, then the anon_vma's rwsem.
func (c *Call) rmapLocks(v *mmcore.VMA) []*Lock {
	var ls []*Lock
	if f := v.File(); f != nil {
		if l := iMmapLock(f.Mapping()); l != nil {
			ls = append(ls, l)
		}
	}
	if l, err := c.K.anonVMAUnlockLock(v); err == nil {
		ls = append(ls, l)
	}
	return ls
}

func init() {
	vmaParam := []Param{{Name: "vma", Type: TVMA}}
	defOp(&Op{Name: "take_rmap_locks", Params: vmaParam,
		API: register(&API{Name: "take_rmap_locks", Section: "2.32", Hold: "mmap_lock for write",
			Takes:  "i_mmap_lock_write(vma->vm_file->f_mapping) if file-backed -> anon_vma_lock_write(vma->anon_vma) if it has one",
			Sleeps: "yes", Asserts: "lockdep", Source: "mm/mremap.c: take_rmap_locks()",
			Notes: "so that rmap walkers (truncate, reclaim, migration, retract_page_tables) see either the old or the new entries of a page-table move",
			Rules: lockRules}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			ls := c.rmapLocks(c.vma(0))
			return seq(len(ls), func(i int, next func() Result) Result {
				return c.lock(ls[i], Write, next)
			}, func() Result { return ok })
		}})
	defOp(&Op{Name: "drop_rmap_locks", Params: vmaParam,
		API:     unlockAPI("drop_rmap_locks", "the locks take_rmap_locks took", "mm/mremap.c: drop_rmap_locks()"),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			// drop_rmap_locks() reads vma->anon_vma and vma->vm_file: a
			// freed VMA is a use after free (vma() reports it), and the
			// stale pointers still name the locks take_rmap_locks took.
			ls := c.rmapLocks(c.vma(0))
			for i := len(ls) - 1; i >= 0; i-- {
				c.release(ls[i], Write)
			}
			return ok
		}})
}

// checkRmapWalkersExcluded is family 3b's check at a whole-table move: the
// moved table's PTE lock is not held, so an rmap walker (try_to_unmap,
// page_vma_mapped_walk) that found the page through the old VMA under the
// rmap lock for read may hold that PTE lock across the move and then clear
// the entry and flush the old address only, missing the TLB entries made
// at the new one. take_rmap_locks() takes both rmap locks for write for
// every NORMAL_PMD move (should_take_rmap_locks()).
func (c *Call) checkRmapWalkersExcluded(old *mmcore.VMA, from, to mmcore.Addr) {
	var lacks []string
	if f := old.File(); f != nil {
		if l := iMmapLock(f.Mapping()); l != nil && l.heldBy(c.T) != Write {
			lacks = append(lacks, l.Name+" for write (i_mmap_lock_write: file rmap walkers)")
		}
	}
	if old.AnonVMA() != nil {
		if l, err := c.K.anonVMALock(old); err == nil && l.heldBy(c.T) != Write {
			lacks = append(lacks, l.Name+" for write (anon_vma_lock_write: anon rmap walkers)")
		}
	}
	if len(lacks) == 0 {
		return
	}
	c.K.violate(c.T, ruleNonTerminalChange, fmt.Sprintf("pmd_move_table at %#x -> %#x moves a PTE table whose PTE lock is not held while rmap walkers "+
		"may be using it through the old VMA (lacks %s): such a walker clears an entry and flushes the old address only, and the TLB entries made "+
		"at the new address outlive the page (97113eb39fa7)", uint64(from), uint64(to), strings.Join(lacks, ", ")))
}
