package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// The atomic steps of fork's address-space copy (kernel/fork.mms):
// dup_mm's allocation, the per-VMA body of dup_mmap (vm_area_dup,
// anon_vma_fork, the link, ->open) and copy_page_range's per-table copy
// under both PTE locks. The locks between them (both mmap write locks,
// vma_start_write on each parent VMA, the PTLs) are the script's.

// readForkKpaths: what dup_mmap and copy_page_range were read from.
const readForkKpaths = "kernel/fork.c: dup_mmap() of 6.4 (before 49b0638502da) and the fix's patch mail; mm/memory.c: copy_page_range() (vma_assert_write_locked(src_vma)) as quoted by the search tool"

// The citations and call sequences of the mremap and fork steps, before
// the inits that register them (this file sorts first of the three).
func init() {
	rm := func(fn, what string) []Cite { return []Cite{cite("mm/mremap.c", fn, what, readMremapKpaths)} }
	mm := func(file, fn, what string) []Cite { return []Cite{cite(file, fn, what, readForkKpaths)} }
	for name, c := range map[string][]Cite{
		"alloc_new_pmd":           rm("alloc_new_pmd()", "VM_BUG_ON(pmd_trans_huge(*pmd)) after pmd_alloc()"),
		"get_extent":              rm("get_extent()", "none: next = (old_addr + size) & mask; extent bounded by old_end and the new range's boundary"),
		"get_old_pmd":             rm("get_old_pmd()", "none: returns NULL when pmd_none(*pmd)"),
		"pmc_next":                rm("pmc_next()", "none"),
		"pmc_nr_extents":          rm("move_page_tables()", "none: for (; !pmc_done(pmc); pmc_next(pmc, extent))"),
		"pmc_progress":            rm("pmc_progress()", "none"),
		"pagetable_move":          rm("copy_vma_and_data()", "PAGETABLE_MOVE(pmc, NULL, NULL, vrm->addr, vrm->new_addr, vrm->old_len)"),
		"vrm_pmc":                 rm("copy_vma_and_data()", "pmc.old = vma; pmc.new = new_vma"),
		"take_rmap_locks":         rm("take_rmap_locks()", "none: i_mmap_lock_write(vma->vm_file->f_mapping); anon_vma_lock_write(vma->anon_vma)"),
		"drop_rmap_locks":         rm("drop_rmap_locks()", "none: anon_vma_unlock_write(); i_mmap_unlock_write()"),
		"pmd_lockptr":             rm("move_normal_pmd()", "none: new_ptl = pmd_lockptr(mm, new_pmd); if (new_ptl != old_ptl) spin_lock_nested(new_ptl, SINGLE_DEPTH_NESTING)"),
		"pmd_trans_huge":          rm("move_page_tables()", "none: if (is_swap_pmd(*old_pmd) || pmd_trans_huge(*old_pmd)) ... split_huge_pmd()"),
		"pte_alloc":               rm("move_page_tables()", "none: if (pte_alloc(pmc->new->vm_mm, new_pmd)) break"),
		"spin_lock_nested":        rm("move_ptes()", "none: \"exclusive mmap_lock prevents deadlock\"; lockdep subclass SINGLE_DEPTH_NESTING"),
		"flush_tlb_mm":            mm("kernel/fork.c", "dup_mmap()", "none: mmap_write_unlock(mm); flush_tlb_mm(oldmm); mmap_write_unlock(oldmm)"),
		"mmap_write_lock_nested":  mm("kernel/fork.c", "dup_mmap()", "none: /* Not linked in yet - no deadlock potential: */ mmap_write_lock_nested(mm, SINGLE_DEPTH_NESTING)"),
		"vma_assert_write_locked": mm("mm/memory.c", "copy_page_range()", "if (is_cow) { ...; vma_assert_write_locked(src_vma); raw_write_seqcount_begin(&src_mm->write_protect_seq); }"),
	} {
		citeTable[name] = c
	}
	const prepSeq = "/* mm/mremap.c: do_mremap(), mremap_to() */\n" +
		"vrm->old_len = PAGE_ALIGN(vrm->old_len);\nvrm->new_len = PAGE_ALIGN(vrm->new_len);\n" +
		"res = check_mremap_params(vrm);\n" +
		"if (mmap_write_lock_killable(mm))\n\treturn -EINTR;\n" +
		"vrm->vma = vma_lookup(current->mm, vrm->addr);\nres = check_prep_vma(vrm);\n" +
		"err = do_munmap(mm, vrm->new_addr, vrm->new_len, vrm->uf_unmap_early);\t/* MREMAP_FIXED */\n" +
		"vrm->vma = vma_lookup(mm, vrm->addr);\n" +
		"err = shrink_vma(vrm, /* drop_lock= */false);\t/* do_vmi_munmap() of the tail */\n" +
		"err = vrm_set_new_addr(vrm);\nreturn move_vma(vrm);"
	const expandSeq = "/* mm/mremap.c: expand_vma(), mmap write lock held */\n" +
		"if (vrm_can_expand_in_place(vrm)) {\n\terr = expand_vma_in_place(vrm);\n\treturn vrm->addr;\n}\n" +
		"if (!(vrm->flags & MREMAP_MAYMOVE))\n\treturn -ENOMEM;\n" +
		"err = vrm_set_new_addr(vrm);\nreturn move_vma(vrm);"
	const moveVMASeq = "/* mm/mremap.c: move_vma(), mmap write lock held */\n" +
		"err = prep_move_vma(vrm);\n" +
		"vma_start_write(vrm->vma);\t/* We don't want racing faults. */\n" +
		"new_vma = copy_vma(&vma, vrm->new_addr, vrm->new_len, new_pgoff, &pmc.need_rmap_locks);\n" +
		"moved_len = move_page_tables(&pmc);\n" +
		"unmap_source_vma(vrm);"
	const loopSeq = "/* mm/mremap.c: move_page_tables(), mmap write lock and both VMA write locks held */\n" +
		"mmu_notifier_invalidate_range_start(&range);\n" +
		"for (; !pmc_done(pmc); pmc_next(pmc, extent)) {\n" +
		"\textent = get_extent(NORMAL_PMD, pmc);\n" +
		"\told_pmd = get_old_pmd(mm, pmc->old_addr);\n" +
		"\tif (!old_pmd)\n\t\tcontinue;\n" +
		"\tnew_pmd = alloc_new_pmd(mm, pmc->new_addr);\n" +
		"\tif (pmd_trans_huge(*old_pmd)) { ... split_huge_pmd(pmc->old, old_pmd, pmc->old_addr); }\n" +
		"\telse if (extent == PMD_SIZE && move_pgt_entry(pmc, NORMAL_PMD, old_pmd, new_pmd))\n\t\tcontinue;\n" +
		"\tif (pte_alloc(pmc->new->vm_mm, new_pmd))\n\t\tbreak;\n" +
		"\tmove_ptes(pmc, extent, old_pmd, new_pmd);\n}\n" +
		"mmu_notifier_invalidate_range_end(&range);\nreturn pmc_progress(pmc);"
	const pmdSeq = "/* mm/mremap.c: move_normal_pmd(), rmap locks held (move_pgt_entry) */\n" +
		"old_ptl = pmd_lock(mm, old_pmd);\nnew_ptl = pmd_lockptr(mm, new_pmd);\n" +
		"if (new_ptl != old_ptl)\n\tspin_lock_nested(new_ptl, SINGLE_DEPTH_NESTING);\n" +
		"pmd = *old_pmd;\npmd_clear(old_pmd);\npmd_populate(mm, new_pmd, pmd_pgtable(pmd));\n" +
		"flush_tlb_range(vma, pmc->old_addr, pmc->old_addr + PMD_SIZE);\n" +
		"if (new_ptl != old_ptl)\n\tspin_unlock(new_ptl);\nspin_unlock(old_ptl);"
	const forkSeq = "/* mm/mmap.c: dup_mmap() */\n" +
		"mmap_write_lock_killable(oldmm);\nmmap_write_lock_nested(mm, SINGLE_DEPTH_NESTING);\n" +
		"for_each_vma(vmi, mpnt) {\n\tvma_start_write(mpnt);\n" +
		"\ttmp = vm_area_dup(mpnt);\n\ttmp->vm_mm = mm;\n\tanon_vma_fork(tmp, mpnt);\n" +
		"\tvma_iter_bulk_store(&vmi, tmp);\n\tcopy_page_range(tmp, mpnt);\n" +
		"\tif (tmp->vm_ops && tmp->vm_ops->open)\n\t\ttmp->vm_ops->open(tmp);\n}\n" +
		"mmap_write_unlock(mm);\nflush_tlb_mm(oldmm);\nmmap_write_unlock(oldmm);"
	const copySeq = "/* mm/memory.c: copy_pte_range(), both mmap write locks and vma_start_write(src_vma) held */\n" +
		"dst_pte = pte_alloc_map_lock(dst_mm, dst_pmd, addr, &dst_ptl);\n" +
		"src_pte = pte_offset_map_rw_nolock(src_mm, src_pmd, addr, &dummy_pmdval, &src_ptl);\n" +
		"spin_lock_nested(src_ptl, SINGLE_DEPTH_NESTING);\n" +
		"copy_present_ptes(dst_vma, src_vma, dst_pte, src_pte, pte, addr, max_nr, rss, &prealloc);\n" +
		"spin_unlock(src_ptl);\npte_unmap(orig_src_pte);\npte_unmap_unlock(orig_dst_pte, dst_ptl);"
	const notifierSeq = "mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, mm, start, end);\n" +
		"mmu_notifier_invalidate_range_start(&range);    /* no spinlock held */\n" +
		"/* change the page tables under their locks */\n" +
		"mmu_notifier_invalidate_range_end(&range);"
	for name, doc := range map[string]string{
		"PMD_SIZE":       "the bytes one PMD entry maps, 2 MiB on x86-64 (a PTE table's reach)",
		"HPAGE_PMD_SIZE": "the size of a PMD-mapped THP, 2 MiB on x86-64",
		"NORMAL_PMD":     "enum pgt_entry (mm/mremap.c): move_pgt_entry() moves a PTE table (move_normal_pmd)",
		"HPAGE_PMD":      "enum pgt_entry (mm/mremap.c): move_pgt_entry() moves a huge PMD (move_huge_pmd)",
		"VM_WIPEONFORK":  "vm_flags bit: the child of fork gets the range empty (MADV_WIPEONFORK)",
		"VM_LOCKED":      "vm_flags bit: mlock()ed; fork and mremap's MREMAP_DONTUNMAP clear it on the copy",
		"VM_LOCKONFAULT": "vm_flags bit: mlock2(MLOCK_ONFAULT); cleared with VM_LOCKED (VM_LOCKED_MASK)",
	} {
		constDocs[name] = doc
	}
	for name, sq := range map[string]string{
		"vrm_init": prepSeq, "check_mremap_params": prepSeq, "check_prep_vma": prepSeq, "vrm_set_new_addr": prepSeq,
		"vrm_can_expand_in_place": expandSeq, "expand_vma_in_place": expandSeq, "prep_move_vma": moveVMASeq, "copy_vma": moveVMASeq, "unmap_source_vma": moveVMASeq, "vrm_pmc": moveVMASeq,
		"pagetable_move": loopSeq, "pmc_nr_extents": loopSeq, "get_extent": loopSeq, "pmc_next": loopSeq, "pmc_progress": loopSeq,
		"get_old_pmd": loopSeq, "alloc_new_pmd": loopSeq, "pte_alloc": loopSeq, "pmd_trans_huge": loopSeq, "move_huge_pmd": loopSeq,
		"take_rmap_locks": "take_rmap_locks(vma);\t/* i_mmap_rwsem, then anon_vma->rwsem, both for write */\n/* move page-table entries or tables */\ndrop_rmap_locks(vma);",
		"drop_rmap_locks": "take_rmap_locks(vma);\n/* move page-table entries or tables */\ndrop_rmap_locks(vma);",
		"pmd_move_table":  pmdSeq, "pmd_lockptr": pmdSeq,
		"spin_lock_nested": copySeq, "copy_present_ptes": copySeq, "folio_try_dup_anon_rmap_ptes": copySeq,
		"fork": "/* user space */\npid = fork();", "dup_mm_alloc": forkSeq, "mmap_write_lock_nested": forkSeq, "vma_iter_nth": forkSeq,
		"vm_area_dup": forkSeq, "anon_vma_fork": forkSeq, "vma_iter_bulk_store": forkSeq, "vm_ops_open": forkSeq, "flush_tlb_mm": forkSeq,
		"vma_needs_copy":          "if (!vma_needs_copy(dst_vma, src_vma))\n\treturn 0;",
		"copy_huge_pmd":           "/* mm/memory.c: copy_pmd_range() */\nif (is_swap_pmd(*src_pmd) || pmd_trans_huge(*src_pmd)) {\n\terr = copy_huge_pmd(dst_mm, src_mm, dst_pmd, src_pmd, addr, dst_vma, src_vma);\n\tcontinue;\n}",
		"vma_assert_write_locked": "mmap_write_lock(mm);\nvma_start_write(vma);\nvma_assert_write_locked(vma);\t/* holds until mmap_write_unlock() */\nmmap_write_unlock(mm);",
		"dup_anon_vma":            "/* mm/vma.c: vma_expand(), mmap write lock held */\nvma_start_write(vma);\nvma_start_write(next);\nret = dup_anon_vma(vma, next, &anon_dup);",
		"mmu_notifier_range_init": notifierSeq, "mmu_notifier_invalidate_range_end": notifierSeq,
		"move_page_tables": loopSeq,
	} {
		sequenceTable[name] = sq
	}
}

func init() {
	if f, ok := mmcore.ParseVMFlag("VM_LOCKONFAULT"); ok {
		Constants["VM_LOCKONFAULT"] = int64(f)
	}

	forkAPI := func(name, hold, takes, source, notes string, rules ...*Rule) *API {
		return register(&API{Name: name, Section: "2.36", Hold: hold, Takes: takes, Sleeps: "see hold",
			Source: source, Notes: notes + " (a step of the kernel library's fork: `mmscript explain dup_mmap`)", Rules: rules,
			Cites: []Cite{cite("kernel/fork.c", "dup_mmap()", "mmap_write_lock_killable(oldmm); mmap_write_lock_nested(mm, SINGLE_DEPTH_NESTING); for_each_vma: vma_start_write(mpnt); ...; mmap_write_unlock(mm); flush_tlb_mm(oldmm); mmap_write_unlock(oldmm)", readForkKpaths)}})
	}
	mmParam := []Param{{Name: "mm", Type: TMM}}

	defOp(&Op{Name: "fork", Path: true, Params: mmParam, Result: TMM,
		API: register(&API{Name: "fork", Section: "2.36",
			Hold: "no mmap lock of this mm (the syscall takes it)",
			Takes: "dup_mm -> dup_mmap: mmap_write_lock_killable(oldmm) -> mmap_write_lock_nested(mm) -> per parent VMA: vma_start_write (waits for its fault readers), " +
				"vm_area_dup, anon_vma_fork (anon_vma lock), i_mmap_lock_write (link), copy_page_range (notifier, dst PTL -> src PTL nested, wrprotect COW pages), ->open -> " +
				"mmap_write_unlock(mm) -> flush_tlb_mm(oldmm) -> mmap_write_unlock(oldmm)",
			Sleeps: "yes",
			Source: "kernel/fork.c: dup_mm(), dup_mmap() (mm/mmap.c since 2025); mm/memory.c: copy_page_range(), copy_pte_range(), copy_present_ptes()",
			Notes:  "returns the child's mm, or nil; a kernel path of the kernel library (kernel/fork.mms), run statement by statement",
			Rules:  lockRules,
			Cites: []Cite{cite("kernel/fork.c", "dup_mmap()", "vma_start_write(mpnt) for each parent VMA (49b0638502da \"fork: lock VMAs of the parent process when forking\", 6.4.y); before it, faults under the per-VMA lock ran during the copy", readForkKpaths),
				cite("mm/memory.c", "copy_page_range()", "if (is_cow) { mmu_notifier_invalidate_range_start(&range); vma_assert_write_locked(src_vma); raw_write_seqcount_begin(&src_mm->write_protect_seq); }", readForkKpaths)}})})

	defOp(&Op{Name: "dup_mm_alloc", Params: mmParam, Result: TMM,
		API: forkAPI("dup_mm_alloc", "nothing", "the allocator", "kernel/fork.c: dup_mm(): allocate_mm(); memcpy(mm, oldmm, sizeof(*mm)); mm_init()",
			"the child's mm_struct: oldmm's layout and limits, no VMA, empty page tables", ruleSleepInAtomic),
		Touches: func(c *Call, f *Footprint) { f.Alloc() },
		Fn: func(c *Call) Result {
			old := c.mm(0)
			c.T.MightSleep(c.Op.Name)
			old.children++
			name := fmt.Sprintf("%s.child%d", old.Name, old.children)
			core := old.Core.DupMM()
			m := &MM{Core: core, Name: name,
				MmapLock:      NewLock(ClassMmapLock, RWSem, name+"->mmap_lock"),
				PageTableLock: NewLock(ClassPageTableLock, Spin, name+"->page_table_lock"),
				mmUsers:       1, // mm_init(): atomic_set(&mm->mm_users, 1), the child's own
				mmCount:       1} // mm_init(): atomic_set(&mm->mm_count, 1)
			core.Lock = m
			return done(Obj(TMM, m))
		}})

	defOp(&Op{Name: "mmap_write_lock_nested", Params: mmParam,
		API: register(&API{Name: "mmap_write_lock_nested", Section: "1.1",
			Hold:   "another mm's mmap lock, for a new mm no one else can reach (dup_mmap: \"Not linked in yet - no deadlock potential\")",
			Takes:  "mm->mmap_lock (write), lockdep subclass SINGLE_DEPTH_NESTING",
			Sleeps: "yes", Asserts: "lockdep", Source: "include/linux/mmap_lock.h: mmap_write_lock_nested(); kernel/fork.c: dup_mmap()",
			Rules: []*Rule{ruleCircular, ruleSleepInAtomic}}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			c.T.subclass = SingleDepthNesting
			return c.lock(m.MmapLock, Write, func() Result {
				c.K.mmLockSeqBump(m)
				return ok
			})
		}})

	defOp(&Op{Name: "vma_iter_nth", Params: []Param{{Name: "mm", Type: TMM}, {Name: "index", Type: TInt}}, Result: TVMA,
		API: forkAPI("vma_iter_nth", "the mmap lock", "nothing", "include/linux/mm.h: for_each_vma()",
			"the index-th VMA (from 0, in address order), or nil: for i in 0..mm.map_count { vma = vma_iter_nth(mm, i) } is for_each_vma(vmi, vma) over a tree the caller keeps from changing"),
		Touches: readsMM,
		Fn: func(c *Call) Result {
			m, i := c.mm(0), c.int(1)
			if i < 0 {
				return done(Nil)
			}
			for v := range m.Core.VMAsRange(0, m.Core.TaskSize()) {
				if i == 0 {
					return done(Obj(TVMA, v))
				}
				i--
			}
			return done(Nil)
		}})

	defOp(&Op{Name: "vm_area_dup", Params: []Param{{Name: "vma", Type: TVMA}, {Name: "mm", Type: TMM, Optional: true, Nilable: true}}, Result: TVMA,
		API: forkAPI("vm_area_dup", "the mmap lock of the VMA's mm", "the allocator (GFP_KERNEL)", "mm/vma_init.c: vm_area_dup(); kernel/fork.c: dup_mmap(): tmp->vm_mm = mm",
			"a detached copy of vma with no anon_vma chain; with mm=, the copy belongs to mm (dup_mmap's tmp->vm_mm = mm); nil past max_map_count", ruleSleepInAtomic),
		Touches: func(c *Call, f *Footprint) { f.MM(vmaMM(c, 0), false); f.Alloc() },
		Fn: func(c *Call) Result {
			pv := c.vma(0)
			target := mmOf(pv.MM())
			if c.Args[1].T == TMM {
				target = c.mm(1)
			}
			c.T.MightSleep(c.Op.Name)
			nv := target.Core.VMAreaDupForFork(pv)
			if nv == nil {
				return done(Nil)
			}
			c.K.vmaState(nv).New = true // detached while it is set up
			return done(Obj(TVMA, nv))
		}})

	defOp(&Op{Name: "anon_vma_fork", Params: []Param{{Name: "vma", Type: TVMA}, {Name: "pvma", Type: TVMA}}, Result: TInt,
		API: forkAPI("anon_vma_fork", "both mms' mmap write locks; pvma write-locked (vma_start_write), so that no fault sets its anon_vma meanwhile",
			"anon_vma_lock_write of the new anon_vma's root (anon_vma_chain_link)", "mm/rmap.c: anon_vma_fork(), anon_vma_clone()",
			"gives the child's vma the parent's anon_vma chain and an anon_vma of its own; 0 or -ENOMEM. 49b0638502da: \"anon_vma_fork() expects the parents vma->anon_vma to not change during the vma copy\"",
			ruleFaultsNeedVMAWrite, ruleSleepInAtomic),
		Touches: func(c *Call, f *Footprint) { f.MM(vmaMM(c, 0), true); f.MM(vmaMM(c, 1), false); f.Alloc() },
		Fn: func(c *Call) Result {
			v, pv := c.vma(0), c.vma(1)
			if v == pv {
				// The child's VMA is the parent's copy (vm_area_dup): the
				// same struct for both would clear the anon_vma it copies.
				return fail("%s: vma and pvma are the same VMA; the child's VMA is a copy (vm_area_dup)", c.Op.Name)
			}
			c.T.MightSleep(c.Op.Name)
			c.vmaAssertWriteLocked(pv, ruleFaultsNeedVMAWrite, Unchecked, "anon_vma_fork() copies its anon_vma, which a concurrent fault's anon_vma_prepare() may set")
			var ls []*Lock
			if pv.AnonVMA() != nil {
				if l, err := c.K.anonVMALock(pv); err == nil {
					ls = append(ls, l)
				}
			}
			return c.touchLocks(ls, func() Result {
				mmOf(v.MM()).Core.AnonVMAFork(v, pv)
				return done(Int(0))
			})
		}})

	defOp(&Op{Name: "vma_iter_bulk_store", Params: []Param{{Name: "vma", Type: TVMA}, {Name: "pvma", Type: TVMA}},
		API: forkAPI("vma_iter_bulk_store", "the child mm's mmap write lock", "i_mmap_lock_write of a file VMA's mapping (vma_interval_tree_insert_after)",
			"kernel/fork.c: dup_mmap(): i_mmap_lock_write(mapping); vma_interval_tree_insert_after(tmp, mpnt, &mapping->i_mmap); i_mmap_unlock_write(mapping); vma_iter_bulk_store(&vmi, tmp); mm->map_count++",
			"links the child's copy into its mm and its file's i_mmap (VM_LOCKED and VM_LOCKONFAULT cleared, as vm_flags_clear(tmp, VM_LOCKED_MASK) does)", ruleSleepInAtomic),
		Touches: func(c *Call, f *Footprint) { f.MM(vmaMM(c, 0), true); f.Add(AFile, AllObjects, true) },
		Fn: func(c *Call) Result {
			v := c.vma(0)
			c.T.MightSleep(c.Op.Name)
			var ls []*Lock
			if f := v.File(); f != nil {
				if l := iMmapLock(f.Mapping()); l != nil {
					ls = append(ls, l)
				}
			}
			return c.touchLocks(ls, func() Result {
				mmOf(v.MM()).Core.LinkForkVMA(v)
				c.K.vmaState(v).New = false
				return ok
			})
		}})

	defOp(&Op{Name: "vm_ops_open", Params: []Param{{Name: "vma", Type: TVMA}},
		API: forkAPI("vm_ops_open", "the mmap write lock", "vm_ops->open", "kernel/fork.c: dup_mmap(): if (tmp->vm_ops && tmp->vm_ops->open) tmp->vm_ops->open(tmp)",
			"calls the VMA's ->open, if it has one"),
		Touches: func(c *Call, f *Footprint) {},
		Fn: func(c *Call) Result {
			v := c.vma(0)
			o := opsOf(v)
			if o == nil || o.Open == nil {
				return ok
			}
			return c.call(o.Open, "open handler "+o.Open.Name, []Value{Obj(TVMA, v)}, func(Value) Result { return ok })
		}})

	defOp(&Op{Name: "vma_needs_copy", Params: []Param{{Name: "dst_vma", Type: TVMA}, {Name: "src_vma", Type: TVMA}}, Result: TBool,
		API: forkAPI("vma_needs_copy", "the mmap lock", "nothing", "mm/memory.c: vma_needs_copy()",
			"whether fork copies src_vma's page tables: PFN and mixed maps, and VMAs with an anon_vma (a fault could not rebuild them)"),
		Touches: func(c *Call, f *Footprint) { f.MM(vmaMM(c, 1), false) },
		Fn: func(c *Call) Result {
			c.vma(0) // the kernel reads dst_vma->vm_flags (VM_UFFD_WP)
			return done(Bool(mmcore.VMANeedsCopy(c.vma(1))))
		}})

	defOp(&Op{Name: "vma_assert_write_locked", Params: []Param{{Name: "vma", Type: TVMA}},
		API: register(&API{Name: "vma_assert_write_locked", Section: "1.1", Hold: "the VMA write lock (vma_start_write), not only the mmap write lock",
			Takes: "nothing", Sleeps: "no",
			Asserts: "VM_BUG_ON_VMA(!__is_vma_write_locked()) (VM_WARN_ON_ONCE_VMA in newer trees): debug kernels only",
			Source:  "include/linux/mmap_lock.h: vma_assert_write_locked(); mm/memory.c: copy_page_range(); mm/vma.c: dup_anon_vma()",
			Rules:   []*Rule{ruleFaultsNeedVMAWrite}}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			c.vmaAssertWriteLocked(c.vma(0), ruleFaultsNeedVMAWrite, DebugOnly, "vma_assert_write_locked() fails (faults under the VMA read lock can run)")
			return ok
		}})

	ptlOfAt := func(m *MM, addr mmcore.Addr, level mmcore.Level) *Lock {
		w := m.Core.Walk(addr)
		if t := w.Tables[level]; t != nil {
			return ptl(m, t)
		}
		return nil
	}
	// touchesForkCopy: copy_pte_range() and copy_huge_pmd() write the
	// tables of both mms (the parent's entries are write-protected, the
	// child's filled), take a reference on every page they share and may
	// allocate the child's table, so both declare the same footprint.
	touchesForkCopy := func(c *Call, f *Footprint) {
		f.PTEs(vmaMM(c, 0), true)
		f.PTEs(vmaMM(c, 1), true)
		f.AllPages(true)
		f.Alloc()
	}
	defOp(&Op{Name: "copy_present_ptes", Params: []Param{{Name: "dst_vma", Type: TVMA}, {Name: "src_vma", Type: TVMA},
		{Name: "addr", Type: TInt}, {Name: "end", Type: TInt}}, Result: TInt,
		API: forkAPI("copy_present_ptes", "both mms' mmap write locks, src_vma write-locked, the destination and the source PTE lock",
			"nothing", "mm/memory.c: copy_pte_range(), copy_present_ptes(), copy_present_pte()",
			"copies the entries of [addr, end) of src_vma (one PTE table) into dst_vma: a reference and a mapcount per page; in a COW mapping the parent's writable entries are write-protected (ptep_set_wrprotect) as the child's; "+
				"an entry the child has already (folio_try_dup_anon_rmap_ptes copied the pinned page) is left alone; returns the entries copied",
			rulePTEChangeLock, ruleFaultsNeedVMAWrite, ruleGUPPinLostToCOW),
		Touches: touchesForkCopy,
		Fn: func(c *Call) Result {
			dst, src := c.vma(0), c.vma(1)
			addr, end := c.addr(2), c.addr(3)
			if end <= addr || addr < src.Start() || end > src.End() || addr&^(mmcore.PMD_SIZE-1) != (end-1)&^(mmcore.PMD_SIZE-1) {
				return fail("copy_present_ptes: [%#x, %#x) is not inside one PTE table of %s", uint64(addr), uint64(end), VMAName(src))
			}
			sm, dm := mmOf(src.MM()), mmOf(dst.MM())
			daddr := dst.Start() + (addr - src.Start())
			for _, x := range []struct {
				l    *Lock
				a    mmcore.Addr
				side string
			}{{ptlOfAt(sm, addr, mmcore.LevelPTE), addr, "source"}, {ptlOfAt(dm, daddr, mmcore.LevelPTE), daddr, "destination"}} {
				if x.l != nil && x.l.heldBy(c.T) == 0 {
					c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("copy_present_ptes at %#x without the %s table's %s held", uint64(x.a), x.side, x.l.Name))
				}
			}
			c.vmaAssertWriteLocked(src, ruleFaultsNeedVMAWrite, Unchecked, "fork write-protects and shares its pages while faults may install or copy them")
			c.checkPinLostToCOW(dst, src, addr, end)
			n, _ := dm.Core.CopyPTERange(dst, src, addr, end)
			return done(Int(int64(n)))
		}})

	defOp(&Op{Name: "copy_huge_pmd", Params: []Param{{Name: "dst_vma", Type: TVMA}, {Name: "src_vma", Type: TVMA}, {Name: "addr", Type: TInt}}, Result: TBool,
		API: forkAPI("copy_huge_pmd", "both mms' mmap write locks, src_vma write-locked",
			"the destination PMD lock -> the source PMD lock (nested)", "mm/huge_memory.c: copy_huge_pmd(); mm/memory.c: copy_pmd_range()",
			"copies src_vma's huge PMD at addr, write-protected in both mms for a COW mapping; false when there is none",
			ruleFaultsNeedVMAWrite, ruleSleepInAtomic),
		Touches: touchesForkCopy,
		Fn: func(c *Call) Result {
			dst, src := c.vma(0), c.vma(1)
			haddr := c.addr(2) &^ (mmcore.PMD_SIZE - 1)
			sm, dm := mmOf(src.MM()), mmOf(dst.MM())
			c.vmaAssertWriteLocked(src, ruleFaultsNeedVMAWrite, Unchecked, "fork write-protects and shares its huge page while faults may change it")
			c.T.MightSleep(c.Op.Name)
			daddr := dst.Start() + (haddr - src.Start())
			if _, err := dm.Core.AllocNewPMD(daddr); err != nil {
				return done(Bool(false))
			}
			dl, sl := ptlOfAt(dm, daddr, mmcore.LevelPMD), ptlOfAt(sm, haddr, mmcore.LevelPMD)
			if dl == nil || sl == nil {
				return done(Bool(false))
			}
			return c.lock(dl, Write, func() Result {
				c.T.subclass = SingleDepthNesting
				return c.lock(sl, Write, func() Result {
					copied := dm.Core.CopyHugePMD(dst, src, haddr)
					c.unlock(sl, Write)
					c.unlock(dl, Write)
					return done(Bool(copied))
				})
			})
		}})
}

func init() {
	defOp(&Op{Name: "dup_anon_vma", Params: []Param{{Name: "dst", Type: TVMA}, {Name: "src", Type: TVMA}}, Result: TInt,
		API: register(&API{Name: "dup_anon_vma", Section: "2.35",
			Hold:    "the mmap write lock; dst write-locked (vma_start_write), since faults under the VMA read lock read dst->anon_vma",
			Takes:   "anon_vma_lock_write (anon_vma_clone)",
			Sleeps:  "yes",
			Asserts: "vma_assert_write_locked(dst) (mainline; the 6.4 fix d8ab9f7b644a did vma_start_write(dst) there): debug kernels only",
			Source:  "mm/vma.c: dup_anon_vma(), vma_expand(), vma_merge_existing_range()",
			Notes: "when src has an anon_vma and dst none: dst->anon_vma = src->anon_vma; anon_vma_clone(dst, src). Called when dst expands over src (a merge). " +
				"Without the write lock a fault on dst may install pages tied to the anon_vma before dst is chained to it, and a failed anon_vma_clone() leaves them orphaned (use-after-free of the anon_vma)",
			Rules: []*Rule{ruleFaultsNeedVMAWrite, ruleSleepInAtomic},
			Cites: []Cite{cite("mm/vma.c", "dup_anon_vma()", "if (src->anon_vma && !dst->anon_vma) { vma_assert_write_locked(dst); dst->anon_vma = src->anon_vma; ret = anon_vma_clone(dst, src); ... }",
				"the 2023 patches quoted by the search tool: d8ab9f7b644a (6.4.y: + vma_start_write(dst)) and its follow-up (vma_start_write moved to vma_expand(), vma_assert_write_locked(dst) here)")}}),
		Touches: func(c *Call, f *Footprint) { f.MM(vmaMM(c, 0), true); f.Alloc() },
		Fn: func(c *Call) Result {
			dst, src := c.vma(0), c.vma(1)
			if src.AnonVMA() == nil || dst.AnonVMA() != nil {
				return done(Int(0))
			}
			c.T.MightSleep(c.Op.Name)
			c.vmaAssertWriteLocked(dst, ruleFaultsNeedVMAWrite, DebugOnly,
				"dst->anon_vma = src->anon_vma lets faults under the VMA read lock install pages tied to an anon_vma dst is not chained to yet")
			l, err := c.K.anonVMALock(src)
			if err != nil {
				return fail("dup_anon_vma: %v", err)
			}
			return c.touchLocks([]*Lock{l}, func() Result {
				mmOf(dst.MM()).Core.DupAnonVMA(dst, src)
				return done(Int(0))
			})
		}})
}
