package runtime

import (
	"fmt"
	"strings"

	"github.com/mmscript/mmscript/mmcore"
)

// The atomic steps of GUP (kernel/gup.mms) and of user-memory access
// (kernel/uaccess.mms): following one page under its PTE lock
// (follow_page_mask), the VMA checks (check_vma_flags), the copy into a
// GUP'd page (copy_to_user_page), might_fault's lockdep annotation and
// the raw user copies that fault through the arch fault path. The loops
// and the lock handling between them (FOLL_UNLOCKABLE, *locked, the
// FAULT_FLAG_TRIED retry) are the library's, statement by statement.

// readGUP: mm/gup.c, mm/memory.c as read for the GUP and uaccess paths.
const readGUPPaths = "torvalds/linux mm/gup.c (mainline 2026 and v4.14 snapshots), mm/memory.c __access_remote_vm(), __might_fault(), read"

// FOLL_* (include/linux/mm_types.h enum, mm/internal.h for the internal
// ones above __NR_FOLL = 13). FOLL_COW is the flag of 2016-2022 kernels
// (19be0eaffa3a added it, 5535be309971 removed it): mainline never sets it,
// a script modelling those kernels does.
const (
	FOLL_WRITE            = 1 << 0
	FOLL_GET              = 1 << 1
	FOLL_DUMP             = 1 << 2
	FOLL_FORCE            = 1 << 3
	FOLL_NOWAIT           = 1 << 4
	FOLL_NOFAULT          = 1 << 5
	FOLL_HWPOISON         = 1 << 6
	FOLL_ANON             = 1 << 7
	FOLL_LONGTERM         = 1 << 8
	FOLL_SPLIT_PMD        = 1 << 9
	FOLL_PCI_P2PDMA       = 1 << 10
	FOLL_INTERRUPTIBLE    = 1 << 11
	FOLL_HONOR_NUMA_FAULT = 1 << 12
	FOLL_TOUCH            = 1 << 13
	FOLL_TRIED            = 1 << 14
	FOLL_REMOTE           = 1 << 15
	FOLL_PIN              = 1 << 16
	FOLL_FAST_ONLY        = 1 << 17
	FOLL_UNLOCKABLE       = 1 << 18
	FOLL_MADV_POPULATE    = 1 << 19
	FOLL_COW              = 1 << 20
	VM_FAULT_ERROR_SCRIPT = vmFaultError
)

func init() {
	for name, v := range map[string]int64{
		"FOLL_WRITE": FOLL_WRITE, "FOLL_GET": FOLL_GET, "FOLL_DUMP": FOLL_DUMP, "FOLL_FORCE": FOLL_FORCE,
		"FOLL_NOWAIT": FOLL_NOWAIT, "FOLL_NOFAULT": FOLL_NOFAULT, "FOLL_HWPOISON": FOLL_HWPOISON,
		"FOLL_ANON": FOLL_ANON, "FOLL_LONGTERM": FOLL_LONGTERM, "FOLL_TOUCH": FOLL_TOUCH,
		"FOLL_TRIED": FOLL_TRIED, "FOLL_REMOTE": FOLL_REMOTE, "FOLL_PIN": FOLL_PIN,
		"FOLL_FAST_ONLY": FOLL_FAST_ONLY, "FOLL_UNLOCKABLE": FOLL_UNLOCKABLE, "FOLL_COW": FOLL_COW,
		"FOLL_SPLIT_PMD": FOLL_SPLIT_PMD, "FOLL_PCI_P2PDMA": FOLL_PCI_P2PDMA, "FOLL_INTERRUPTIBLE": FOLL_INTERRUPTIBLE,
		"FOLL_HONOR_NUMA_FAULT": FOLL_HONOR_NUMA_FAULT, "FOLL_MADV_POPULATE": FOLL_MADV_POPULATE,
		// mm/internal.h: "These flags not allowed to be specified externally
		// to the gup interfaces" (is_valid_gup_args())
		"INTERNAL_GUP_FLAGS": FOLL_TOUCH | FOLL_TRIED | FOLL_REMOTE | FOLL_PIN | FOLL_FAST_ONLY | FOLL_UNLOCKABLE | FOLL_MADV_POPULATE,
		"VM_FAULT_ERROR":     VM_FAULT_ERROR_SCRIPT, "EBUSY": 16, "ENOENT": 2,
	} {
		Constants[name] = v
	}
}

var (
	ruleMmapAssertLocked = &Rule{"mmap_assert_locked/not-held",
		"a function that asserts the mmap lock is called with it held",
		"include/linux/mmap_lock.h: mmap_assert_locked() -> rwsem_assert_held()", WARN}
	ruleGUPWriteCOW = &Rule{"gup/write-unbroken-cow",
		"a page that GUP returns for writing (FOLL_WRITE, with FOLL_FORCE through a read-only private mapping) is the mapping's own exclusive anonymous copy: writing the page-cache or shared page the mapping still maps writes the file, or another process's memory",
		"mm/gup.c: can_follow_write_pte() (mainline: pte_write, or FOLL_FORCE on a private VM_MAYWRITE mapping and an exclusive anonymous page, 5535be309971); the Dirty COW fix 19be0eaffa3a (FOLL_COW + pte_dirty); CVE-2016-5195", Unchecked}
)

// canFollowWritePTE is can_follow_write_pte(): whether GUP may hand out
// the page that e maps for writing, without a write fault first.
func canFollowWritePTE(e mmcore.PTE, p *mmcore.Page, v *mmcore.VMA, flags int64) bool {
	if e.Writable() {
		return true
	}
	if flags&FOLL_FORCE == 0 {
		return false
	}
	if flags&FOLL_COW != 0 {
		// 2016-2022 (19be0eaffa3a): "FOLL_FORCE can write to even
		// unwritable pte's, but only after we've gone through a COW
		// cycle and they are dirty".
		return e.Dirty()
	}
	// mainline: "FOLL_FORCE has no effect on shared mappings", nor on
	// read-only private ones, nor on writable ones that need a write
	// fault; then an exclusive anonymous page (PageAnonExclusive).
	switch {
	case v.Flags&(mmcore.VM_MAYSHARE|mmcore.VM_SHARED) != 0:
		return false
	case v.Flags&mmcore.VM_MAYWRITE == 0, v.Flags&mmcore.VM_WRITE != 0:
		return false
	}
	return p != nil && p.Anon() && p.Mapcount() == 1
}

// checkVMAFlags is check_vma_flags(): 0 or -EFAULT.
func checkVMAFlags(v *mmcore.VMA, flags int64) int64 {
	vf := v.Flags
	switch {
	case vf&(mmcore.VM_IO|mmcore.VM_PFNMAP) != 0:
		return -int64(mmcore.EFAULT)
	case flags&FOLL_ANON != 0 && (v.File() != nil || v.Ops != nil):
		return -int64(mmcore.EFAULT)
	}
	if flags&FOLL_WRITE != 0 {
		if vf&mmcore.VM_WRITE == 0 {
			// "We used to let the write,force case do COW in a
			// VM_MAYWRITE VM_SHARED !VM_WRITE vma": now only a COW mapping.
			if flags&FOLL_FORCE == 0 || vf&(mmcore.VM_SHARED|mmcore.VM_MAYWRITE) != mmcore.VM_MAYWRITE {
				return -int64(mmcore.EFAULT)
			}
		}
	} else if vf&mmcore.VM_READ == 0 {
		if flags&FOLL_FORCE == 0 || vf&mmcore.VM_MAYREAD == 0 {
			return -int64(mmcore.EFAULT)
		}
	}
	if !mmcore.PkeyAccessPermitted(v) {
		return -int64(mmcore.EFAULT)
	}
	return 0
}

// The rule book's citations and call sequences of the GUP and uaccess
// steps and paths; before the operations' init, which registers them.
func init() {
	const gupC, memC = "mm/gup.c", "mm/memory.c"
	c := func(name string, cs ...Cite) { citeTable[name] = append(citeTable[name], cs...) }
	c("might_fault", cite(memC, "__might_fault()", "if (pagefault_disabled()) return; __might_sleep(file, line); if (current->mm) might_lock_read(&current->mm->mmap_lock) (CONFIG_DEBUG_ATOMIC_SLEEP)", readGUPPaths))
	for _, n := range []string{"copy_to_user", "copy_from_user", "get_user", "put_user"} {
		c(n, cite("include/linux/uaccess.h", n+"()", "might_fault() before the access, whether or not it faults", readGUPPaths),
			cite(memC, "__might_fault()", "might_lock_read(&current->mm->mmap_lock)", readGUPPaths))
	}
	c("raw_copy_to_user", cite("arch/x86/mm/fault.c", "do_user_addr_fault()", "if (!(flags & FAULT_FLAG_USER)) goto lock_mmap; lock_mm_and_find_vma(); if (unlikely(access_error(error_code, vma))) bad_area_access_error()", readGUPPaths))
	c("raw_copy_from_user", citeTable["raw_copy_to_user"]...)
	c("check_vma_flags", cite(gupC, "check_vma_flags()", "if (vm_flags & (VM_IO | VM_PFNMAP)) return -EFAULT; a write without VM_WRITE needs FOLL_FORCE and is_cow_mapping()", readGUPPaths))
	c("follow_page_mask", cite(gupC, "follow_page_pte()", "if ((flags & FOLL_WRITE) && !can_follow_write_pte(pte, page, vma, flags)) { page = NULL; goto out; }", readGUPPaths),
		cite(gupC, "can_follow_write_pte()", "pte_write(pte); else FOLL_FORCE, !(VM_MAYSHARE|VM_SHARED), VM_MAYWRITE, !VM_WRITE, PageAnon && PageAnonExclusive (v4.14: (flags & FOLL_FORCE) && (flags & FOLL_COW) && pte_dirty(pte))", readGUPPaths))
	c("copy_to_user_page", cite(memC, "__access_remote_vm()", "if (write) { copy_to_user_page(vma, page, addr, maddr + offset, buf, bytes); folio_mark_dirty_lock(folio); }", readGUPPaths))
	c("copy_from_user_page", cite(memC, "__access_remote_vm()", "else copy_from_user_page(vma, page, addr, buf, maddr + offset, bytes);", readGUPPaths))
	c("unpin_user_page", cite(gupC, "unpin_user_page()", "sanity_check_pinned_pages(&page, 1); gup_put_folio(page_folio(page), 1, FOLL_PIN)", readGUPPaths))
	c("mmap_assert_locked", cite("include/linux/mmap_lock.h", "mmap_assert_locked()", "rwsem_assert_held(&mm->mmap_lock)", readGUPPaths))
	c("lockdep_is_held", cite("include/linux/lockdep.h", "lockdep_is_held()", "", readGUPPaths))
	for _, n := range []string{"get_user_pages_remote", "pin_user_pages_remote", "pin_user_pages", "get_user_page_vma_remote"} {
		c(n, cite(gupC, "__get_user_pages_locked()", "if (!*locked) { mmap_read_lock_killable(mm); must_unlock = true; *locked = 1; } else mmap_assert_locked(mm); ... FOLL_UNLOCKABLE: retry with FOLL_TRIED after re-taking the lock", readGUPPaths),
			cite(gupC, "faultin_page()", "if (*flags & FOLL_UNLOCKABLE) fault_flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE; VM_FAULT_RETRY: *locked = 0, -EBUSY", readGUPPaths),
			cite(gupC, "faultin_page()", "if (flags & FOLL_NOWAIT) fault_flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT; ... "+
				"if (ret & VM_FAULT_COMPLETED) { WARN_ON_ONCE(fault_flags & FAULT_FLAG_RETRY_NOWAIT); *locked = 0; return -EAGAIN; } ... "+
				"if (ret & VM_FAULT_RETRY) { if (!(fault_flags & FAULT_FLAG_RETRY_NOWAIT)) *locked = 0; return -EBUSY; }", readFaultFlags))
	}
	c("lock_vma_under_rcu_wait", cite("mm/mmap_lock.c", "lock_vma_under_rcu_wait() (linux-mm @607a10f8)", "retry: vma = lock_vma_under_rcu(mm, address); if (vma) return vma; mmap_read_lock(mm); vma = vma_lookup(mm, address); mmap_read_unlock(mm); if (!vma) return NULL; goto retry;", readGUPPaths))
	const rmapOrder = "mm/rmap.c lock-order comment: inode->i_rwsem (while writing or truncating, not reading or faulting) -> mm->mmap_lock -> mapping->invalidate_lock (in filemap_fault) -> folio_lock -> ... vma_start_write -> mapping->i_mmap_rwsem"
	for _, n := range []string{"inode_lock", "inode_unlock", "inode_lock_shared", "inode_unlock_shared"} {
		c(n, cite("include/linux/fs.h", n+"()", "down_write/up_write/down_read/up_read(&inode->i_rwsem); lockdep class &sb->s_type->i_mutex_key", readGUPPaths),
			cite("mm/rmap.c", "(header comment)", rmapOrder, readGUPPaths))
	}
	for _, n := range []string{"filemap_invalidate_lock", "filemap_invalidate_unlock", "filemap_invalidate_lock_shared", "filemap_invalidate_unlock_shared"} {
		c(n, cite("include/linux/fs.h", n+"()", "down_write/up_write/down_read/up_read(&mapping->invalidate_lock)", readGUPPaths),
			cite("mm/rmap.c", "(header comment)", rmapOrder, readGUPPaths))
	}
	for _, n := range []string{"access_remote_vm", "access_process_vm"} {
		c(n, cite(memC, "__access_remote_vm()", "if (mmap_read_lock_killable(mm)) return 0; ... get_user_page_vma_remote(mm, addr, gup_flags, &vma) ... mmap_read_unlock(mm)", readGUPPaths))
	}
	c("fault_in_writeable", cite(gupC, "fault_in_writeable()", "if (!user_write_access_begin(uaddr, size)) return size; if (!PAGE_ALIGNED(uaddr)) { unsafe_put_user(0, uaddr, out); start = PAGE_ALIGN(uaddr); } "+
		"end = PAGE_ALIGN(start + size); while (start != end) { unsafe_put_user(0, (char __user *)start, out); start += PAGE_SIZE; } out: user_write_access_end();", readGUPPaths))
	c("fault_in_readable", cite(gupC, "fault_in_readable()", "if (!user_read_access_begin(uaddr, size)) return size; ... unsafe_get_user(c, (const char __user *)start, out) per page ... user_read_access_end();", readGUPPaths))
	c("fault_in_safe_writeable", cite(gupC, "fault_in_safe_writeable()", "end = PAGE_ALIGN(start + size); mmap_read_lock(mm); do { if (fixup_user_fault(mm, start, FAULT_FLAG_WRITE, &unlocked)) break; "+
		"start = (start + PAGE_SIZE) & PAGE_MASK; } while (start != end); mmap_read_unlock(mm);", readGUPPaths))
	c("vma_permits_fault", cite(gupC, "vma_permits_fault()", "bool write = !!(fault_flags & FAULT_FLAG_WRITE); vm_flags_t vm_flags = write ? VM_WRITE : VM_READ; "+
		"if (!(vm_flags & vma->vm_flags)) return false; if (!arch_vma_access_permitted(vma, write, false, foreign)) return false; return true;", readGUPPaths))
	c("fixup_user_fault", cite(gupC, "fixup_user_fault()", "address = untagged_addr_remote(mm, address); if (unlocked) fault_flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE; "+
		"retry: vma = gup_vma_lookup(mm, address); if (!vma) return -EFAULT; if (!vma_permits_fault(vma, fault_flags)) return -EFAULT; ret = handle_mm_fault(vma, address, fault_flags, NULL); "+
		"if (ret & VM_FAULT_COMPLETED) { mmap_read_lock(mm); *unlocked = true; return 0; } ... if (ret & VM_FAULT_RETRY) { mmap_read_lock(mm); *unlocked = true; fault_flags |= FAULT_FLAG_TRIED; goto retry; }", readGUPPaths),
		cite("arch/x86/include/asm/uaccess_64.h", "untagged_addr_remote()", "mmap_assert_locked(mm); return addr & (mm)->context.untag_mask;", readGUPPaths))
	seq := func(text string, names ...string) {
		for _, n := range names {
			sequenceTable[n] = text
		}
	}
	seq("/* the futex pattern: copy under a spinlock with faults disabled, fault in with no lock held, retry */\nretry:\nspin_lock(&hb->lock);\n"+
		"pagefault_disable();\nret = __copy_from_user_inatomic(&val, uaddr, sizeof(val));\npagefault_enable();\nspin_unlock(&hb->lock);\n"+
		"if (ret) {\n\tif (fault_in_readable(uaddr, sizeof(val)))\n\t\treturn -EFAULT;\n\tgoto retry;\n}",
		"fault_in_readable", "fault_in_writeable", "fault_in_safe_writeable")
	seq("/* kernel/futex/core.c: fault_in_user_writeable() */\nmmap_read_lock(mm);\nret = fixup_user_fault(mm, (unsigned long)uaddr, FAULT_FLAG_WRITE, NULL);\nmmap_read_unlock(mm);",
		"fixup_user_fault", "vma_permits_fault")
	seq("/* a driver's ioctl copying to the user: no lock of its own held that a fault path takes */\n"+
		"if (copy_to_user(ubuf, &karg, sizeof(karg)))\n\treturn -EFAULT;\nmutex_lock(&drv->lock);\n/* ... */\nmutex_unlock(&drv->lock);",
		"copy_to_user", "copy_from_user", "get_user", "put_user", "might_fault", "raw_copy_to_user", "raw_copy_from_user")
	seq("/* GUP on another mm: hold a reference and its mmap lock */\n"+
		"if (!mmget_not_zero(mm))\n\treturn -ESRCH;\nint locked = 1;\nmmap_read_lock(mm);\n"+
		"ret = get_user_pages_remote(mm, addr, 1, gup_flags, &page, &locked);\nif (locked)\n\tmmap_read_unlock(mm);\nmmput(mm);",
		"get_user_pages_remote", "pin_user_pages_remote", "get_user_page_vma_remote", "lockdep_is_held", "mmap_assert_locked",
		"follow_page_mask", "check_vma_flags")
	seq("/* a write(): i_rwsem, then the user buffer (which may fault: mmap_lock) */\ninode_lock(inode);\n"+
		"copied = copy_folio_from_iter_atomic(folio, offset, bytes, i); /* after fault_in_iov_iter_readable() */\ninode_unlock(inode);",
		"inode_lock", "inode_unlock", "inode_lock_shared", "inode_unlock_shared")
	seq("/* truncate: i_rwsem -> invalidate_lock -> (unmap_mapping_range: i_mmap_rwsem) */\ninode_lock(inode);\nfilemap_invalidate_lock(mapping);\n"+
		"truncate_pagecache(inode, newsize);\nfilemap_invalidate_unlock(mapping);\ninode_unlock(inode);\n"+
		"/* filemap_fault(), under the fault's mmap or VMA lock */\nfilemap_invalidate_lock_shared(mapping);\n/* read the folio in */\nfilemap_invalidate_unlock_shared(mapping);",
		"filemap_invalidate_lock", "filemap_invalidate_unlock", "filemap_invalidate_lock_shared", "filemap_invalidate_unlock_shared")
	seq("/* no mmap lock held */\nvma = lock_vma_under_rcu_wait(mm, addr);\nif (!vma)\n\treturn -EFAULT;\n/* ... the VMA is stable ... */\nvma_end_read(vma);", "lock_vma_under_rcu_wait")
	seq("mmap_read_lock(current->mm);\nret = pin_user_pages(addr, nr, FOLL_WRITE | FOLL_LONGTERM, pages);\nmmap_read_unlock(current->mm);\n/* ... */\nunpin_user_pages(pages, ret);",
		"pin_user_pages", "unpin_user_page")
	seq("/* no mmap lock of mm held: it takes the read lock itself */\nret = access_remote_vm(mm, addr, buf, len, FOLL_FORCE | FOLL_WRITE);",
		"access_remote_vm", "access_process_vm", "copy_to_user_page", "copy_from_user_page")
}

func init() {
	vmaP := Param{Name: "vma", Type: TVMA}
	gupAPI := func(a *API) *API {
		if d := takeDocumented(a.Name); d != nil {
			// The rule book's entry, read in the kernel, stays; it runs now.
			d.Notes = a.Notes
			d.Rules = a.Rules
			if a.Takes != "" {
				d.Takes = a.Takes
			}
			return register(d)
		}
		return register(a)
	}

	defOp(&Op{Name: "mmap_assert_locked", Params: []Param{{Name: "mm", Type: TMM}},
		API: register(&API{Name: "mmap_assert_locked", Section: "1.3", Hold: "the mmap lock (read or write)",
			Takes: "nothing", Sleeps: "no", Asserts: "lockdep_assert_held(), or WARN_ON(!rwsem_is_locked()) without lockdep",
			Source: "include/linux/mmap_lock.h: mmap_assert_locked()",
			Notes:  "the assertion kernel paths make on entry (find_vma, __get_user_pages_locked, __anon_vma_prepare)",
			Rules:  []*Rule{ruleMmapAssertLocked}}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			c.mmapAssertLocked(m, false, ruleMmapAssertLocked, "mmap_assert_locked: "+m.MmapLock.Name+" is not held")
			return ok
		}})

	defOp(&Op{Name: "lockdep_is_held", Params: []Param{{Name: "lock", Type: TLock}}, Result: TBool,
		API: register(&API{Name: "lockdep_is_held", Section: "-", Hold: "nothing", Takes: "nothing", Sleeps: "no",
			Source: "include/linux/lockdep.h: lockdep_is_held()",
			Notes:  "whether this thread holds the lock: how GUP's callers read *locked after a FOLL_UNLOCKABLE call (a fault may have dropped the mmap lock)",
			Query: "The answer is about this thread's holds, as lockdep tracks them, and exists only with CONFIG_LOCKDEP: without it lockdep_is_held() is only declared, for code that " +
				"dead-code elimination removes (include/linux/lockdep.h: \"Dummy forward declarations, allow users to write less ifdef-y code and depend on dead code elimination\"), " +
				"so kernel code asks it inside lockdep_assert() and rcu_dereference_protected(), never to decide what to do; mmscript's GUP path asks it for the caller's *locked"}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			l := c.Args[0].Obj.(*Lock)
			return done(Bool(l.heldBy(c.T) != 0)) // this task's holds only
		}})

	defOp(&Op{Name: "might_fault", Params: []Param{{Name: "mm", Type: TMM}},
		API: register(&API{Name: "might_fault", Section: "-",
			Hold:    "no spinlock, no RCU; not the mmap lock of the mm (a fault takes it)",
			Takes:   "nothing: lockdep records the mmap lock (read) as if taken, against every lock held",
			Sleeps:  "may",
			Asserts: "__might_sleep(); might_lock_read(&current->mm->mmap_lock) (CONFIG_DEBUG_ATOMIC_SLEEP, reported by lockdep)",
			Source:  "mm/memory.c: __might_fault()",
			Notes: "called by every user-memory access (copy_to_user, copy_from_user, get_user, put_user) before it touches user memory, so the dependency is recorded even when no fault happens; " +
				"under pagefault_disable() it checks nothing (\"if (pagefault_disabled()) return;\"): a fault then takes no lock and goes to the exception table",
			Rules: []*Rule{ruleSleepInAtomic, ruleMightFault, ruleCircular, ruleMmapUnderVMARead}}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			c.mightFault(c.mm(0))
			return ok
		}})

	defOp(&Op{Name: "check_vma_flags", Params: []Param{vmaP, {Name: "gup_flags", Type: TInt}}, Result: TInt,
		API: register(&API{Name: "check_vma_flags", Section: "-", Hold: "the mmap lock (GUP's)", Takes: "nothing", Sleeps: "no",
			Source: "mm/gup.c: check_vma_flags()",
			Notes:  "0, or -EFAULT: VM_IO/VM_PFNMAP; a write without VM_WRITE unless FOLL_FORCE on a private (COW) mapping; a read without VM_READ unless FOLL_FORCE and VM_MAYREAD"}),
		Touches: func(c *Call, f *Footprint) { f.MM(vmaMM(c, 0), false) },
		Fn: func(c *Call) Result {
			return done(Int(checkVMAFlags(c.vma(0), c.int(1))))
		}})

	defOp(&Op{Name: "follow_page_mask", Params: []Param{vmaP, {Name: "address", Type: TInt}, {Name: "foll_flags", Type: TInt}},
		Result: TPage,
		API: register(&API{Name: "follow_page_mask", Section: "-",
			Hold:   "the mmap lock (GUP's), keeping the VMA",
			Takes:  "pte_offset_map_lock (RCU, then the PTE lock) -> look at the PTE -> [get or pin the page] -> pte_unmap_unlock",
			Sleeps: "no",
			Source: "mm/gup.c: follow_page_mask(), follow_page_pte(), can_follow_write_pte()",
			Notes: "the page mapped at address, with a reference when foll_flags has FOLL_GET or FOLL_PIN; nil when nothing is mapped, when FOLL_WRITE " +
				"finds a PTE it may not write (can_follow_write_pte: mainline wants a writable PTE, or with FOLL_FORCE an exclusive anonymous page in a " +
				"private VM_MAYWRITE mapping; with FOLL_COW, as 2016-2022 kernels, a dirty PTE), or a special PTE without a struct page",
			// No sleep check: it takes only the PTE lock, a spinlock, which
			// nests under another; GUP's cond_resched() is in the loop
			// around it (__get_user_pages()).
		}),
		Touches: func(c *Call, f *Footprint) {
			m := vmaMM(c, 0)
			f.MM(m, false)
			f.PTEs(m, false)
			f.AllPages(true)
		},
		Fn: func(c *Call) Result {
			v, addr, flags := c.vma(0), c.addr(1)&^(mmcore.PageSize-1), c.int(2)
			m := mmOf(v.MM())
			if !v.Contains(addr) {
				return done(Nil)
			}
			t := m.Core.Walk(addr).PTETable()
			if t == nil {
				return done(Nil) // no_page_table()
			}
			l := ptl(m, t)
			c.T.rcuLock()
			return c.lock(l, Write, func() Result {
				defer func() { c.unlock(l, Write); c.T.rcuUnlock() }()
				w := m.Core.Walk(addr)
				if !w.Present() {
					return done(Nil)
				}
				e := w.Entry
				p := m.Core.Memory().Page(e.PFN())
				if e.Special() && (p == nil || !p.Zero()) {
					return done(Nil) // follow_pfn_pte(): -EFAULT with FOLL_GET
				}
				if flags&FOLL_WRITE != 0 && !canFollowWritePTE(e, p, v, flags) {
					return done(Nil)
				}
				if p == nil {
					return done(Nil)
				}
				if flags&(FOLL_GET|FOLL_PIN) != 0 {
					if err := p.Get(); err != nil {
						return fail("follow_page_mask: %v", err)
					}
					if flags&FOLL_PIN != 0 {
						c.K.pinFolio(c.T, p) // try_grab_folio(): the pin on the folio
					} else {
						countRef(&c.T.gotRefs, p.Folio(), 1)
					}
				}
				return done(Obj(TPage, p))
			})
		}})

	copyPage := func(name string, write bool) {
		defOp(&Op{Name: name, Params: []Param{vmaP, {Name: "page", Type: TPage}, {Name: "addr", Type: TInt}},
			API: register(&API{Name: name, Section: "-", Hold: "a reference on the page (GUP's)", Takes: "nothing (kmap_local_folio)", Sleeps: "no",
				Source: "include/asm-generic/cacheflush.h: " + name + "(); mm/memory.c: __access_remote_vm()",
				Notes:  "copies between a kernel buffer and a page GUP returned for the VMA at addr",
				Rules:  []*Rule{ruleGUPWriteCOW, ruleUseAfterUnpin}}),
			Touches: func(c *Call, f *Footprint) { f.Page(c.page(1), write) },
			Fn: func(c *Call) Result {
				v, p := c.vma(0), c.page(1)
				c.checkUnpinnedUse(1)
				if p.Freed() {
					return fail("%s: the page was freed (no reference held?)", name)
				}
				if !write {
					return ok
				}
				// A write through a private (COW) mapping must land in the
				// mapping's own anonymous copy. A page-cache page (or the
				// zero page, or another process's anonymous page) is what
				// a read fault maps there before the COW.
				if v.Flags&(mmcore.VM_SHARED|mmcore.VM_MAYWRITE) == mmcore.VM_MAYWRITE && (!p.Anon() || p.Mapcount() > 1) {
					what := "a page-cache page of the file"
					switch {
					case p.Zero():
						what = "the shared zero page"
					case p.Anon():
						what = "an anonymous page still shared with another mapping"
					}
					c.K.violate(c.T, ruleGUPWriteCOW, fmt.Sprintf("%s writes %s through the private mapping %s at %#x: the COW was never broken for this page (GUP handed out a page it followed without FOLL_WRITE)",
						name, what, VMAName(v), uint64(c.addr(2))))
				}
				p.SetDirty()
				return ok
			}})
	}
	copyPage("copy_to_user_page", true)
	copyPage("copy_from_user_page", false)

	defOp(&Op{Name: "unpin_user_page", Params: []Param{{Name: "page", Type: TPage}},
		API: register(&API{Name: "unpin_user_page", Section: "-", Hold: "a pin on the page (FOLL_PIN)", Takes: "nothing", Sleeps: "no",
			Source:   "mm/gup.c: unpin_user_page()",
			Notes:    "drops a FOLL_PIN pin: one of a page_array pin_user_pages*() filled; the page is not to be used afterwards",
			Rules:    []*Rule{ruleUnpinNotPinned},
			Sequence: "ret = pin_user_pages(start, nr_pages, FOLL_WRITE | FOLL_LONGTERM, pages);\nfor (i = 0; i < ret; i++) {\n\t/* ... */\n\tunpin_user_page(pages[i]);\n}"}),
		Touches: func(c *Call, f *Footprint) { f.Page(c.Args[0].Obj.(*mmcore.Page).Folio(), true); f.Alloc() },
		Fn: func(c *Call) Result {
			p := c.Args[0].Obj.(*mmcore.Page)
			c.checkPage(p)
			c.unpinFolio(p)
			return ok
		}})

	// The library paths, bound to their rule-book entries. The GUP
	// entry points take the kernel's arguments (gupKernelParams), with
	// mmscript's own earlier forms beside them (Op.MMForm).
	path := func(name string, params []Param, result Type, a *API) *Op {
		return defOp(&Op{Name: name, Path: true, Params: params, Result: result, API: gupAPI(a)})
	}
	legacyParams := []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt},
		{Name: "pages", Type: TInt, Optional: true, Default: Int(1)},
		{Name: "gup_flags", Type: TInt, Optional: true, Default: Int(0)},
		{Name: "locked", Type: TBool, Optional: true, Default: Bool(false)},
		// last, after locked, which scripts pass by position
		pageArrayParam}
	gupRules := []*Rule{ruleMmapAssertLocked, ruleSleepInAtomic, ruleHandlerKeepsLock, ruleDroppedFaultLock, ruleRetryHoldingLock, ruleNowaitDroppedLock}
	remoteNotes := "kernel/gup.mms: %s() -> is_valid_gup_args() (WARN_ON_ONCE and %s for an internal flag such as FOLL_PIN or FOLL_UNLOCKABLE, FOLL_LONGTERM without FOLL_PIN, " +
		"FOLL_GET/FOLL_PIN without pages) -> __get_user_pages_locked() -> __get_user_pages() (follow_page_mask, faultin_page). Returns the number of pages or -errno. " +
		"locked is the kernel's int *locked: given (true, or a variable holding 1), FOLL_UNLOCKABLE lets a fault drop the mmap lock (FAULT_FLAG_ALLOW_RETRY): GUP re-takes it " +
		"to retry the page with FOLL_TRIED and returns with it released; a variable passed as locked is then set as the kernel's *locked = 0 (to lockdep_is_held(mm.mmap_lock)). " +
		"With FOLL_NOWAIT a fault that would wait returns VM_FAULT_RETRY keeping the lock (FAULT_FLAG_RETRY_NOWAIT, vmf.retry_nowait), and GUP returns the pages it has, 0 for none, the lock held. " +
		"pages (a page_array, or nil for NULL) receives each page%s. mmscript's earlier form, %s(mm, addr, pages=N, gup_flags=F, locked=L, array=A), still binds"
	withMMForm(path("get_user_pages_remote", gupRemoteParams(), TInt, &API{Name: "get_user_pages_remote", Section: "2.11",
		Hold:  "the target mm's mmap lock (read or write) and a reference on the mm (mmget); with locked: the mmap read lock, which a fault may drop (then it is not held on return)",
		Notes: fmt.Sprintf(remoteNotes, "get_user_pages_remote", "-EINVAL", " with a reference (FOLL_GET: put_page it)", "get_user_pages_remote"),
		Rules: gupRules}), legacyParams)
	withMMForm(path("pin_user_pages_remote", gupRemoteParams(), TInt, &API{Name: "pin_user_pages_remote", Section: "2.11",
		Hold:  "the target mm's mmap lock (read or write) and a reference on the mm (mmget); with locked: the mmap read lock, which a fault may drop",
		Notes: fmt.Sprintf(remoteNotes, "pin_user_pages_remote", "0", " pinned (FOLL_PIN: unpin_user_page, unpin_user_pages)", "pin_user_pages_remote"),
		Rules: gupRules}), legacyParams)
	withMMForm(path("pin_user_pages", gupKernelParams("pin_user_pages", false), TInt, &API{Name: "pin_user_pages", Section: "2.10",
		Notes: "kernel/gup.mms: pin_user_pages(start, nr_pages, gup_flags, pages) on current->mm (the script's mm when it has one; current_mm) -> is_valid_gup_args(FOLL_PIN: " +
			"0 for invalid arguments) -> __gup_longterm_locked() -> __get_user_pages_locked() with *locked = 1: mmap_assert_locked(), and no fault may drop the lock " +
			"(no FOLL_UNLOCKABLE); each page of pages pinned (unpin_user_page, unpin_user_pages). mmscript's earlier form, pin_user_pages(mm, addr, pages=N, gup_flags=F, array=A), still binds",
		Rules: gupRules}), []Param{legacyParams[0], legacyParams[1], legacyParams[2], legacyParams[3], pageArrayParam})
	withMMForm(path("get_user_pages", gupKernelParams("get_user_pages", false), TInt,
		&API{Name: "get_user_pages", Section: "2.10", Hold: "the mmap lock (read or write), kept for the whole call",
			Takes: "page-table walk (PTE locks); on a miss handle_mm_fault (all fault locks)", Sleeps: "yes",
			Asserts: "mmap_assert_locked()", Source: "mm/gup.c: get_user_pages(), __get_user_pages_locked()",
			Notes: "kernel/gup.mms: get_user_pages(start, nr_pages, gup_flags, pages) on current->mm (the script's mm when it has one; current_mm) -> is_valid_gup_args(FOLL_TOUCH) " +
				"-> __get_user_pages_locked() with *locked = 1; returns the number of pages or -errno (-EFAULT for VM_IO/VM_PFNMAP); each page of pages with a reference " +
				"(FOLL_GET: put_page it). mmscript's earlier form, get_user_pages(mm, addr, pages=N, write=W, array=A), still binds",
			Rules: gupRules}), gupMMParams())
	path("pin_user_pages_unlocked", gupKernelParams("pin_user_pages_unlocked", true), TInt, &API{Name: "pin_user_pages_unlocked", Section: "2.12",
		Hold: "no mmap lock of current->mm",
		Takes: "mmap_read_lock (killable) -> walk and faults with FAULT_FLAG_ALLOW_RETRY|KILLABLE (FOLL_UNLOCKABLE: a fault may drop the lock, " +
			"GUP re-takes it and retries the page with FAULT_FLAG_TRIED) -> mmap_read_unlock", Sleeps: "yes",
		Asserts: "none explicit (lockdep sees the recursion)", Source: "mm/gup.c: pin_user_pages_unlocked()",
		Notes: "\"the FOLL_PIN variant of get_user_pages_unlocked()\": pin_user_pages_unlocked(start, nr_pages, pages, gup_flags) on current->mm (kernel/gup.mms); " +
			"0 for invalid arguments (is_valid_gup_args); each page of pages pinned (unpin_user_page, unpin_user_pages)",
		Cites: []Cite{cite("mm/gup.c", "pin_user_pages_unlocked()", "none: int locked = 0; if (!is_valid_gup_args(pages, NULL, &gup_flags, FOLL_PIN | FOLL_TOUCH | FOLL_UNLOCKABLE)) return 0; "+
			"return __gup_longterm_locked(current->mm, start, nr_pages, pages, &locked, gup_flags);", readGUP)},
		Sequence: "ret = pin_user_pages_unlocked(start, nr_pages, pages, FOLL_WRITE | FOLL_LONGTERM);\n/* ... */\nunpin_user_pages(pages, ret);",
		Rules:    []*Rule{ruleGUPUnlocked, ruleRecursive, ruleSleepInAtomic}})
	defOp(&Op{Name: "current_mm", Result: TMM,
		// which mms the script made: a thread's `mm x` adds one
		Touches: func(_ *Call, f *Footprint) { f.Add(AAlloc, 0, false) },
		API: register(&API{Name: "current_mm", Section: "-", Hold: "nothing", Takes: "nothing", Sleeps: "no",
			Source: "include/linux/sched.h: current->mm (struct task_struct)",
			Notes: "the mm of the calling task, as the kernel's current->mm: the mm a kernel thread adopted with kthread_use_mm(); else mmscript's threads run in " +
				"the script's one mm, so this is the mm the script declares (an error when it declares none or several: kthread_use_mm(mm) first, or pass the mm to " +
				"the _remote form, get_user_pages_remote(mm, ...), or to mmscript's own forms). " +
				"The kernel's GUP functions without an mm argument (get_user_pages(), pin_user_pages(), get_user_pages_unlocked(), get_user_pages_fast(), ...) use it",
			Query:    "Which mm the task runs in: reading it is never wrong; what the caller does with the mm is the rule of that call",
			Cites:    []Cite{cite("mm/gup.c", "get_user_pages()", "none: return __get_user_pages_locked(current->mm, start, nr_pages, pages, &locked, gup_flags);", readGUP)},
			Sequence: "struct mm_struct *mm = current->mm;\nmmap_read_lock(mm);\nret = get_user_pages(start, nr_pages, gup_flags, pages);\nmmap_read_unlock(mm);"}),
		Fn: func(c *Call) Result {
			if m := c.T.kthreadMM; m != nil {
				return done(Obj(TMM, m)) // kthread_use_mm()'s tsk->mm
			}
			if len(c.K.mms) != 1 {
				var names []string
				for _, m := range c.K.mms {
					names = append(names, m.Name)
				}
				return fail("current->mm: the script declares %d mms (%s), so which is the task's is not known: adopt one with kthread_use_mm(mm), or pass the mm (get_user_pages_remote(mm, ...), or mmscript's own form get_user_pages(mm, addr, ...))",
					len(c.K.mms), strings.Join(names, ", "))
			}
			return done(Obj(TMM, c.K.mms[0]))
		}})
	path("get_user_page_vma_remote", []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt},
		{Name: "gup_flags", Type: TInt, Optional: true, Default: Int(0)}}, TPage,
		&API{Name: "get_user_page_vma_remote", Section: "2.11", Hold: "the mm's mmap lock, and a reference on the mm",
			Takes: "as get_user_pages_remote for one page", Sleeps: "yes",
			Source: "include/linux/mm.h: get_user_page_vma_remote()",
			Notes:  "the page at addr with a reference (put_page when done), or nil (the kernel's ERR_PTR); kernel/gup.mms",
			Rules:  gupRules})
	accessParams := []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}, {Name: "len", Type: TInt},
		{Name: "gup_flags", Type: TInt, Optional: true, Default: Int(0)}}
	accessRules := []*Rule{ruleRecursive, ruleSleepInAtomic, ruleGUPWriteCOW, ruleHandlerKeepsLock, ruleDroppedFaultLock}
	path("access_remote_vm", accessParams, TInt, &API{Name: "access_remote_vm", Section: "2.14",
		Notes: "kernel/gup.mms: __access_remote_vm(): mmap_read_lock_killable, then per page get_user_page_vma_remote and copy_to_user_page (FOLL_WRITE) " +
			"or copy_from_user_page; returns the bytes transferred. No buffer: mmscript moves no data. The expand_stack() fallback and vm_ops->access are not modelled",
		Rules: accessRules})
	path("access_process_vm", accessParams, TInt, &API{Name: "access_process_vm", Section: "2.14",
		Notes: "kernel/gup.mms: get_task_mm, __access_remote_vm, mmput; mmscript takes the mm where the kernel takes the task",
		Rules: accessRules})
	uaccess := func(name string, params []Param, src, notes string) *Op {
		return path(name, params, TInt, &API{Name: name, Section: "2.19",
			Hold:    "no mmap lock of current->mm, no spinlock, no RCU (it may fault and sleep); every lock held is ordered before the mmap lock",
			Takes:   "might_fault() (lockdep: the mmap lock for read, whether or not it faults) -> per page the TLB, or a kernel-mode fault: mmap read lock -> handle_mm_fault -> unlock",
			Sleeps:  "yes",
			Asserts: "__might_fault(): __might_sleep() and might_lock_read(&current->mm->mmap_lock) (CONFIG_DEBUG_ATOMIC_SLEEP / lockdep)",
			Source:  src,
			Notes:   notes + "; kernel/uaccess.mms",
			Rules:   []*Rule{ruleSleepInAtomic, ruleMightFault, ruleCircular, ruleMmapUnderVMARead}})
	}
	path("lock_vma_under_rcu_wait", []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}, TVMA,
		&API{Name: "lock_vma_under_rcu_wait", Section: "2.19",
			Notes: "a kernel path of the kernel library (kernel/vma_lock.mms): lock_vma_under_rcu(), and on failure mmap_read_lock -> vma_lookup -> " +
				"mmap_read_unlock -> retry; the slow path's mmap_read_lock is what the caller must not hold (lockdep: recursive locking, or a " +
				"deadlock behind a queued writer); under a VMA read lock it blocks on the mmap lock (lock/mmap-under-vma-read)",
			Rules: []*Rule{ruleRecursive, ruleMmapUnderVMARead, ruleSleepInAtomic}})
	cp := []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}, {Name: "n", Type: TInt, Optional: true, Default: Int(mmcore.PageSize)}}
	one := []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}
	// The kernel's copy_to_user(to, from, n) and copy_from_user(to,
	// from, n) on current->mm, with mmscript's earlier mm-first form
	// beside each (Op.MMForm): copy_to_user(mm, addr, n).
	const kbufHint = "the kernel buffer: any value but an mm, as C passes a kernel pointer (&karg of a variable, a page, NULL); mmscript carries it and copies no data " +
		"(an mm first is mmscript's earlier form, copy_from_user(mm, addr, n))"
	userTo := []Param{{Name: "to", Type: TInt, Hint: "the user address, in current->mm (mmscript's earlier form takes the mm first: copy_to_user(mm, addr, n))"},
		{Name: "from", Any: true, Except: []Type{TMM}, Nilable: true, Hint: kbufHint}, {Name: "n", Type: TInt}}
	userFrom := []Param{{Name: "to", Any: true, Except: []Type{TMM}, Nilable: true, Hint: kbufHint},
		{Name: "from", Type: TInt, Hint: "the user address, in current->mm (mmscript's earlier form takes the mm first: copy_from_user(mm, addr, n))"}, {Name: "n", Type: TInt}}
	const formNote = "; the kernel's form copy_%s_user(to, from, n) works on current->mm (current_mm(): the script's mm, or the one kthread_use_mm() adopted), " +
		"`%s` the user address and `%s` the kernel buffer, any value (&karg, a page, NULL: mmscript copies no data); mmscript's earlier form copy_%s_user(mm, addr, n=PAGE_SIZE) still binds"
	withMMForm(uaccess("copy_to_user", userTo, "include/linux/uaccess.h: copy_to_user(void __user *to, const void *from, unsigned long n) -> _inline_copy_to_user(): might_fault(); if (access_ok(to, n)) n = raw_copy_to_user(to, from, n)",
		"returns the bytes not copied (0 on success)"+fmt.Sprintf(formNote, "to", "to", "from", "to")), cp)
	withMMForm(uaccess("copy_from_user", userFrom, "include/linux/uaccess.h: copy_from_user(void *to, const void __user *from, unsigned long n) -> _inline_copy_from_user(): might_fault(); if (access_ok(from, n)) res = raw_copy_from_user(to, from, n)",
		"returns the bytes not copied (0 on success)"+fmt.Sprintf(formNote, "from", "from", "to", "from")), cp)
	uaccess("get_user", one, "arch/x86/include/asm/uaccess.h: get_user(): might_fault(); do_get_user_call()",
		"returns 0 or -EFAULT; the value read is not modelled")
	uaccess("put_user", one, "arch/x86/include/asm/uaccess.h: put_user(): might_fault(); do_put_user_call()",
		"returns 0 or -EFAULT")

	// The fault-in helpers of the retry loops: a caller copies under
	// pagefault_disable() (a lock held that the fault path takes), and on
	// a short copy drops its locks, faults the range in, and retries.
	rng := []Param{{Name: "mm", Type: TMM, Hint: "the kernel's works on current->mm: mmscript passes the mm first, as copy_to_user(mm, addr, n)"},
		{Name: "uaddr", Type: TInt}, {Name: "size", Type: TInt}}
	faultIn := func(name, how, src string) {
		path(name, rng, TInt, &API{Name: name, Section: "-",
			Hold:   "no mmap lock of mm, no spinlock, no RCU: a missing page takes the kernel-mode fault (mmap read lock -> handle_mm_fault -> unlock), which sleeps",
			Takes:  "per page " + how + "; on a miss the kernel-mode fault: mmap read lock -> handle_mm_fault -> unlock",
			Sleeps: "yes, when a page is missing",
			Asserts: "none of its own (no might_fault(): the unsafe_*_user() accessors carry none); the fault path's checks (sleeping in atomic context, " +
				"lockdep's order of the mmap lock after every lock held)",
			Source: src,
			Notes: "returns the bytes not faulted in (0: all). The pages are not pinned: they may be gone again before the retried copy, which is why callers loop. " +
				"mmscript copies no data; kernel/uaccess.mms",
			Rules: []*Rule{ruleSleepInAtomic, ruleCircular, ruleRecursive, ruleMmapUnderVMARead}})
	}
	faultIn("fault_in_writeable", "a zero byte stored with unsafe_put_user() (destructive: it writes the first byte of each page)",
		"mm/gup.c: fault_in_writeable(): user_write_access_begin(); unsafe_put_user(0, ...) per page; user_write_access_end()")
	faultIn("fault_in_readable", "a byte loaded with unsafe_get_user()",
		"mm/gup.c: fault_in_readable(): user_read_access_begin(); unsafe_get_user(c, ...) per page; user_read_access_end()")
	path("fault_in_safe_writeable", rng, TInt, &API{Name: "fault_in_safe_writeable", Section: "-",
		Hold:   "no mmap lock of mm (it takes the read lock itself), no spinlock, no RCU",
		Takes:  "mmap read lock -> per page fixup_user_fault(FAULT_FLAG_WRITE, &unlocked) -> handle_mm_fault (which may drop and re-take the lock) -> mmap read unlock",
		Sleeps: "yes",
		Source: "mm/gup.c: fault_in_safe_writeable(): mmap_read_lock(mm); do { if (fixup_user_fault(mm, start, FAULT_FLAG_WRITE, &unlocked)) break; ... } while (start != end); mmap_read_unlock(mm)",
		Notes: "non-destructive (no store): for ranges that may be read-only to user stores but writable by the kernel (e.g. a buffer under FOLL_FORCE); " +
			"returns the bytes not faulted in; kernel/uaccess.mms",
		Rules: []*Rule{ruleRecursive, ruleSleepInAtomic, ruleCircular, ruleMmapUnderVMARead}})
	// mm/gup.c: vma_permits_fault(), fixup_user_fault()'s check of the
	// VMA against the access, a step of the kernel library's
	// fixup_user_fault (kernel/gup.mms).
	defOp(&Op{Name: "vma_permits_fault", Params: []Param{{Name: "vma", Type: TVMA},
		{Name: "fault_flags", Type: TWord, Words: faultFlagWords, Optional: true, Default: Word("read"), FromInt: faultFlagWord}},
		Result: TBool,
		API: register(&API{Name: "vma_permits_fault", Section: "-", Hold: "the mmap lock (the VMA stable)", Takes: "nothing", Sleeps: "no",
			Source: "mm/gup.c: vma_permits_fault()",
			Notes: "VM_WRITE for a write fault (FAULT_FLAG_WRITE), VM_READ for a read; arch_vma_access_permitted() (protection keys) is not modelled " +
				"(a step of the kernel library's fixup_user_fault: `mmscript explain fixup_user_fault`)"}),
		Touches: readsVMA,
		Fn: func(c *Call) Result {
			need := mmcore.VM_READ
			if faultFlagSet(c.word(1))["write"] {
				need = mmcore.VM_WRITE
			}
			return done(Bool(c.vma(0).Flags&need != 0))
		}})
	path("fixup_user_fault", []Param{{Name: "mm", Type: TMM}, {Name: "address", Type: TInt},
		{Name: "fault_flags", Type: TWord, Words: faultFlagWords, Optional: true, Default: Word("read"), FromInt: faultFlagWord,
			Hint: "the kernel's FAULT_FLAG_* (FAULT_FLAG_WRITE), or mmscript's words (write; read for 0)"},
		{Name: "unlocked", Type: TBool, Optional: true, Nilable: true, Ref: true,
			Hint: "the kernel's bool *unlocked: NULL (the fault may not drop the lock) or &unlocked (it may; *unlocked is set to true when it was dropped and re-taken)"}},
		TInt, &API{Name: "fixup_user_fault", Section: "-",
			Hold:    "mm's mmap lock, read (asserted: untagged_addr_remote() -> mmap_assert_locked())",
			Takes:   "gup_vma_lookup -> vma_permits_fault -> handle_mm_fault; with unlocked, a VM_FAULT_RETRY or VM_FAULT_COMPLETED fault released the lock and mmap_read_lock() takes it again",
			Sleeps:  "yes",
			Asserts: "mmap_assert_locked(mm) (lockdep; VM_BUG_ON_MM with CONFIG_DEBUG_VM when nobody holds it)",
			Source:  "mm/gup.c: fixup_user_fault()",
			Notes: "returns 0 or -errno (-EFAULT: no VMA, or one that does not permit the access). The caller holds the lock on return either way; with unlocked the VMAs " +
				"it looked up before may be gone: *unlocked is set to true then, and a caller that finds it set looks its VMA up again (vfio's vaddr_get_pfns()). kernel/gup.mms",
			Rules: []*Rule{ruleMmapAssertLocked, ruleSleepInAtomic, ruleHandlerKeepsLock, ruleDroppedFaultLock, ruleRetryHoldingLock, ruleNowaitDroppedLock}})
}

// mightFault is __might_fault(): nothing under pagefault_disable(), else
// __might_sleep(), then might_lock_read()
// of the mmap lock: lockdep's checks of an acquisition (recursion, order
// against every held lock, a new dependency from each), with nothing
// taken.
func (c *Call) mightFault(m *MM) {
	t := c.T
	if t.PagefaultDisabled() {
		return // mm/memory.c: __might_fault(): "if (pagefault_disabled()) return;"
	}
	t.MightSleep("might_fault")
	if h := m.MmapLock.heldBy(t); h != 0 {
		c.K.violate(t, ruleMightFault, fmt.Sprintf("user access while holding %s (%s): a fault would take it again (might_lock_read)", m.MmapLock.Name, h))
		return
	}
	t.checkOrder(m.MmapLock, Read, 0)
}

// gupKernelParams are the kernel's parameters of get_user_pages(),
// pin_user_pages() and the _fast ones: (start, nr_pages, gup_flags,
// pages) on current->mm, or with unlocked get_user_pages_unlocked()'s
// (start, nr_pages, pages, gup_flags).
func gupKernelParams(name string, unlocked bool) []Param {
	start := Param{Name: "start", Type: TInt, Hint: "the kernel's " + name + "() works on current->mm and takes the address first; mmscript's own form takes the mm first: " +
		name + "(mm, addr, pages=N, ...)"}
	nr := Param{Name: "nr_pages", Type: TInt}
	flags := Param{Name: "gup_flags", Type: TInt, Optional: true, Default: Int(0), Hint: "FOLL_* flags combined with |, e.g. FOLL_WRITE | FOLL_FORCE"}
	pages := Param{Name: "pages", Type: TPageArray, Optional: true, Nilable: true,
		Hint: "the kernel's struct page **pages: a page_array, or nil for NULL (the count is nr_pages)"}
	if unlocked {
		return []Param{start, nr, pages, flags}
	}
	return []Param{start, nr, flags, pages}
}

// gupRemoteParams are get_user_pages_remote()'s and
// pin_user_pages_remote()'s: (mm, start, nr_pages, gup_flags, pages,
// locked).
func gupRemoteParams() []Param {
	p := gupKernelParams("get_user_pages_remote", false)
	p[0].Hint = ""
	return append([]Param{{Name: "mm", Type: TMM}}, append(p,
		Param{Name: "locked", Type: TBool, Optional: true, Nilable: true, Default: Bool(false), LockedOut: true,
			Hint: "the kernel's int *locked: nil (NULL), or true or a variable holding 1 (the mmap lock held)"})...)
}

// gupMMParams are mmscript's own form of get_user_pages(),
// get_user_pages_unlocked() and the _fast ones: the mm, the address, the
// count as pages=, a write flag for FOLL_WRITE and the array as array=.
func gupMMParams() []Param {
	return []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt},
		{Name: "pages", Type: TInt, Optional: true, Default: Int(1)},
		{Name: "write", Type: TBool, Optional: true, Default: Bool(false)},
		pageArrayParam}
}

// withMMForm gives op its MMForm: mmscript's own form of the operation,
// with params, run by the library's mmscript_NAME (Op.MMForm).
func withMMForm(op *Op, params []Param) *Op {
	op.MMForm = &Op{Name: op.Name, Path: true, Func: "mmscript_" + op.Name, Params: params, Result: op.Result,
		API: op.API, Touches: op.Touches, Locks: op.Locks}
	return op
}
