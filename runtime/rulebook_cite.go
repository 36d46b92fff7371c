package runtime

// Where each rule-book entry was read in the kernel source, and a minimal
// correct call sequence for it. Kept beside, not inside, the entries so that
// moving an entry next to a new op (rulebook.go's header) does not touch its
// citation; register copies both into the entry.
//
// Read says which text a citation was checked against. The torvalds/linux
// snapshot the search tool stores for most mm files is years old, so the
// 2026 text was read where a 2026 snapshot exists: torvalds/linux at
// 0326440c (mm/memory.c, include/linux/mm.h) and akpm's linux-mm tree
// (include/linux/mmap_lock.h, mm/mmap_lock.c, mm/gup.c, mm/pagewalk.c,
// mm/mmap.c, mm/rmap.c), a superset of mainline mm. Every citation names
// the copy it was read in; the 2026-12 citation audit (issue 10) re-read the
// ones that had repeated the rule book or the audit, and a test keeps new
// ones from coming back unread (TestCitationsAreRead).

// Cite is one place in the kernel source a rule-book entry was read from.
type Cite struct {
	File   string `json:"file"`             // e.g. "mm/memory.c"
	Func   string `json:"func"`             // e.g. "vm_insert_page()"
	Assert string `json:"assert,omitempty"` // the check as written there; "" when the function checks nothing
	// Read says which kernel text the citation was checked against, e.g.
	// "torvalds/linux@0326440c3545, read".
	Read string `json:"read"`
}

func (c Cite) String() string {
	s := c.File + ": " + c.Func
	if c.Assert != "" {
		s += ": " + c.Assert
	} else {
		s += ": no check"
	}
	return s + " [" + c.Read + "]"
}

const (
	readMemory = "torvalds/linux@0326440c3545, read"
	// readMemory2026 is mm/memory.c of the linux-mm tree at 009857a22860
	// (2026, after the zap renames of 7.1), read for the citation audit.
	readMemory2026 = "linux-mm@009857a22860 mm/memory.c, read"
	// readSched is kernel/sched/core.c of the linux-mm tree (2026):
	// __might_resched(), schedule_debug(), __schedule_bug().
	readSched   = "linux-mm@1f17ba2a31e8 kernel/sched/core.c, read"
	readMMH     = "torvalds/linux@0326440c3545, read"
	readLockH   = "linux-mm@1632d9c3381f, read"
	readLockC   = "linux-mm@607a10f8361b, read"
	readGUP     = "linux-mm@5c6e1984e643, read"
	readWalk    = "linux-mm@e7e1a07bffed, read"
	readMmap    = "linux-mm@1aff34ad202e, read"
	readRmap    = "linux-mm@40eb8059fe39, read"
	readVMA     = "linux-mm@c65b1d2ea91e, read"
	readMremap  = "linux-mm@7b58c1b00108, read"
	readGather  = "linux-mm@0796b489ebe2, read"
	readPgtable = "linux-mm@fcf53f212c22, read"
	// The files re-read for the citation audit of 2026-12 (issue 10);
	// each names the linux-mm snapshot of that file the search tool
	// holds. Older torvalds/linux copies are named as such where no 2026
	// copy is stored and the lines cited have kept their shape.
	readPgtableGeneric = "linux-mm@1df1ca75bc01 mm/pgtable-generic.c, read"
	readPgtableH       = "linux-mm@01b111fb3dca include/linux/pgtable.h, read"
	readMMH2026        = "linux-mm@009857a22860 include/linux/mm.h, read"
	readInternalH      = "linux-mm@009857a22860 mm/internal.h, read"
	readVMA2026        = "linux-mm@009857a22860 mm/vma.c, read"
	readGUP2026        = "linux-mm@0092cb388b08 mm/gup.c, read"
	readMadvise2026    = "linux-mm@0386ed250e7b mm/madvise.c, read"
	readMremap2026     = "linux-mm@00ce3d63aef0 mm/mremap.c, read"
	readKhugepaged2026 = "linux-mm@001dba133cfa mm/khugepaged.c, read"
	readHugeMemory     = "linux-mm@00cb34b034a5 mm/huge_memory.c, read"
	readPVMW           = "linux-mm@02bd6a2b49e5 mm/page_vma_mapped.c, read"
	readNotifierH      = "linux-mm@3dbca07aee66 include/linux/mmu_notifier.h, read"
	readFsH            = "linux-mm@009cff439dfd include/linux/fs.h, read"
	readFolioWait      = "linux-mm@064c2c1079ea include/linux/folio_wait.h and mm/folio_wait.c (include/linux/pagemap.h and mm/filemap.c in 6.18), read"
	readSchedMM        = "linux-mm@1191303f1d85 include/linux/sched/mm.h, read"
	readSpinlockAPI    = "torvalds/linux@0923fd0419a1 include/linux/spinlock_api_smp.h, read"
	readRCUOld         = "torvalds/linux@000601bb6233 include/linux/rcupdate.h (an older copy: the lines cited kept their shape), read"
	readMutexOld       = "torvalds/linux@01768b42dc97 kernel/locking/mutex.c (an old copy: might_sleep() and the lockdep annotations kept their place), read"
	readSleepTimeout   = "torvalds/linux@44722ff7611c kernel/time/sleep_timeout.c, read"
	readMemoryModel    = "torvalds/linux@0604aa87b098 include/asm-generic/memory_model.h, read"
	readX86TLBOld      = "torvalds/linux@00ed905ab8e5 arch/x86/include/asm/tlbflush.h (an old copy: the macro's arguments changed since, no check either way), read"
	readMapleTree      = "linux-mm@05a2c73da366 lib/maple_tree.c, read"
	// read for the in-kernel entry points (vm_munmap(), vm_mmap(),
	// find_vma_prev()) and the siblings that became operations
	readMmap2026        = "linux-mm@07e15cb06bc9 mm/mmap.c, read"
	readUtil2026        = "linux-mm@0a1e70b48f45 mm/util.c, read"
	readZapRename       = "the 2026 zap-rename patches on linux-mm (include/linux/mm.h hunks: zap_vma_pages() -> zap_vma(), zap_page_range_single() -> zap_vma_range()), read"
	readRwsemH          = "find_string excerpts of include/linux/rwsem.h (several versions; the !PREEMPT_RT rwsem_is_contended() unchanged), read"
	readMunmapDowngrade = "find_string excerpts of the v4.20 patch \"mm: mmap: zap pages with read mmap_sem in munmap\" (mm/mmap.c: __do_munmap(), __vm_munmap()), read"
	readUtilMmapSem     = "torvalds/linux@010c164a5fa7 mm/util.c (v5.7, the mmap_sem spelling), read"
	readMMDebugOld      = "torvalds/linux@02a8efeda894 include/linux/mmdebug.h (an old copy: the macros' shape is unchanged), read"
	readGather2026      = "linux-mm@0796b489ebe2 mm/mmu_gather.c, read"
	// The mm->tlb_flush_pending helpers live in include/linux/mm_inline.h
	// in the 2026 tree; older kernels had them in include/linux/mm_types.h.
	readMMInline2026 = "linux-mm@0014dde7e945 include/linux/mm_inline.h, read"
	readX86TLB2026   = "linux-mm@1f617847cd90 arch/x86/mm/tlb.c, read"
	// readX86TLB618: no v6.18 tree is stored; a public article found by
	// find_string quotes gregkh/linux v6.18.38 arch/x86/mm/tlb.c lines
	// 1448-1483 (flush_tlb_mm_range()) whole.
	readX86TLB618 = "gregkh/linux v6.18.38 arch/x86/mm/tlb.c L1448-L1483 as quoted whole by a public article (find_string), read"
	// readSMP: kernel/smp.c's smp_call_function_many_cond(), a 6.x copy
	// find_string found (lockdep_assert_preemption_disabled() and the
	// lockdep_assert_irqs_enabled() under "Can deadlock when called with
	// interrupts disabled"); no linux-mm copy of kernel/smp.c is stored.
	readSMP            = "kernel/smp.c (a 6.x copy found by find_string; no linux-mm copy stored), read"
	readX86PgtableOld  = "torvalds/linux@00f5764dbb04 arch/x86/include/asm/pgtable.h (an old copy), read"
	readTryStartWrite  = "include/linux/mm.h of v6.4/v6.5 as quoted whole by its removal patch (\"mm: delete mmap_write_trylock() and vma_try_start_write()\", 2023-07), read"
	readX86Pgtable2026 = "linux-mm@0cdb7da433ec arch/x86/include/asm/pgtable.h, read"
	// readLockdep: kernel/locking/lockdep.c and rwsem.c, read in several
	// versions (v5.8 to 2026 copies, find_string excerpts) where the
	// functions cited did not change.
	readLockdep = "kernel/locking/lockdep.c (__lock_release, __lock_downgrade, lockdep_hardirqs_on*) and kernel/locking/rwsem.c (__up_read, __up_write, __downgrade_write), read in several versions, unchanged in the lines cited"
)

func cite(file, fn, assert, read string) Cite { return Cite{file, fn, assert, read} }

// vmInsertBUGs are the two checks vm_insert_page() and vm_insert_pages()
// make on a VMA without VM_MIXEDMAP.
const vmInsertBUGs = "BUG_ON(mmap_read_trylock(vma->vm_mm)); BUG_ON(vma->vm_flags & VM_PFNMAP) (only if !(vma->vm_flags & VM_MIXEDMAP))"

// readRwsem: kernel/locking/rwsem.c's down_*()/up_*() entry points, whose
// might_sleep() and lockdep annotations find_string shows unchanged from
// v2.6 to the 2026 copies (the slow paths changed, not these lines).
const readRwsem = "kernel/locking/rwsem.c, find_string excerpts of many versions (2.6 to 2026), the lines cited unchanged, read"

// rwsemCite is an mmap lock wrapper of include/linux/mmap_lock.h, which
// checks nothing itself, and the rwsem call that does.
func rwsemCite(fn, rwsemFn, assert string) []Cite {
	return []Cite{cite("include/linux/mmap_lock.h", fn, "none of its own: the rwsem call between __mmap_lock_trace_*()", readLockH),
		cite("kernel/locking/rwsem.c", rwsemFn, assert, readRwsem)}
}

// citeTable maps an API name to the places it was read from.
var citeTable = map[string][]Cite{
	// installing pages (mm/memory.c @0326440c)
	"vm_insert_page":  {cite("mm/memory.c", "vm_insert_page()", vmInsertBUGs, readMemory)},
	"vm_insert_pages": {cite("mm/memory.c", "vm_insert_pages()", vmInsertBUGs, readMemory)},
	"vmf_insert_page": {cite("include/linux/mm.h", "vmf_insert_page()", "none of its own: err = vm_insert_page(vma, addr, page); -EBUSY counts as VM_FAULT_NOPAGE", readMMH),
		cite("mm/memory.c", "vm_insert_page()", vmInsertBUGs, readMemory)},
	"vm_map_pages": {cite("mm/memory.c", "__vm_map_pages()", "", readMemory),
		cite("mm/memory.c", "vm_insert_pages()", vmInsertBUGs, readMemory)},
	"vmf_insert_pfn": {cite("mm/memory.c", "vmf_insert_pfn_prot()",
		"BUG_ON(!(vma->vm_flags & (VM_PFNMAP|VM_MIXEDMAP))); BUG_ON((vma->vm_flags & (VM_PFNMAP|VM_MIXEDMAP)) == (VM_PFNMAP|VM_MIXEDMAP)); "+
			"BUG_ON((vma->vm_flags & VM_PFNMAP) && is_cow_mapping(vma->vm_flags)); BUG_ON((vma->vm_flags & VM_MIXEDMAP) && pfn_valid(pfn))", readMemory)},
	"vmf_insert_mixed": {cite("mm/memory.c", "__vm_insert_mixed()", "none: if (!vm_mixed_ok(vma, pfn, mkwrite)) return VM_FAULT_SIGBUS", readMemory)},
	"vmf_insert_page_mkwrite": {cite("mm/memory.c", "vmf_insert_page_mkwrite()", "", readMemory),
		cite("mm/memory.c", "insert_page_into_pte_locked()", "WARN_ON_ONCE(!is_zero_pfn(pte_pfn(pteval))) when another pfn is mapped", readMemory)},
	"remap_pfn_range": {cite("mm/memory.c", "remap_pfn_range_prepare_vma()", "none: vma_set_flags_mask(vma, VMA_REMAP_FLAGS) takes and asserts no lock", readMemory2026),
		cite("mm/memory.c", "remap_pfn_range_internal(), remap_pte_range()",
			"WARN_ON_ONCE(!PAGE_ALIGNED(addr)); VM_WARN_ON_ONCE(!vma_test_all_mask(vma, VMA_REMAP_FLAGS)); BUG_ON(addr >= end); BUG_ON(!pte_none(ptep_get(pte)))", readMemory2026)},
	"io_remap_pfn_range": {cite("include/linux/mm.h", "io_remap_pfn_range()", "none of its own: remap_pfn_range(vma, addr, io_remap_pfn_range_pfn(orig_pfn, size), size, pgprot_decrypted(orig_prot))", readMMH),
		cite("mm/memory.c", "remap_pfn_range_internal(), remap_pte_range()", "BUG_ON(!pte_none(ptep_get(pte)))", readMemory)},

	// zapping
	"zap_page_range_single": {cite("mm/memory.c", "zap_page_range_single()",
		"none: struct mmu_notifier_range range; struct mmu_gather tlb; ... tlb_gather_mmu(&tlb, vma->vm_mm); update_hiwater_rss(vma->vm_mm); mmu_notifier_invalidate_range_start(&range); "+
			"unmap_single_vma(&tlb, vma, address, end, details); mmu_notifier_invalidate_range_end(&range); tlb_finish_mmu(&tlb) (v5.x-v6.x; a 2025 patch dropped details, "+
			"binder calling zap_page_range_single(vma, page_addr, PAGE_SIZE), before the 2026 rename to zap_vma_range())",
		"find_string excerpts of mm/memory.c (v5.x-v6.x) and the patch dropping details, read")},
	"zap_vma_range": {cite("mm/memory.c", "zap_vma_range(), zap_vma_range_batched(), __zap_vma_range()",
		"VM_WARN_ON_ONCE(start >= end || !range_in_vma(vma, start, end)); no lock check", readMemory)},
	"zap_vma_ptes": {cite("mm/memory.c", "zap_special_vma_range() (zap_vma_ptes() renamed, 7.1)", "none: if (!range_in_vma(vma, address, address + size) || !(vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))) return; zap_vma_range(vma, address, size)", readMemory2026),
		cite("mm/memory.c", "zap_vma_ptes() (6.18)", "none: returns silently unless range_in_vma() && (vma->vm_flags & VM_PFNMAP)", readMemory)},
	"unmap_mapping_range": {cite("mm/memory.c", "unmap_mapping_pages(), unmap_mapping_range_tree()", "", readMemory)},
	"unmap_mapping_folio": {cite("mm/memory.c", "unmap_mapping_folio()", "VM_BUG_ON(!folio_test_locked(folio))", readMemory)},

	// GUP (mm/gup.c, linux-mm 2026)
	"get_user_pages": {cite("mm/gup.c", "get_user_pages(), __get_user_pages_locked()", "mmap_assert_locked(mm) (locked == 1)", readGUP)},
	"pin_user_pages": {cite("mm/gup.c", "pin_user_pages(), __gup_longterm_locked(), __get_user_pages_locked()", "mmap_assert_locked(mm) (locked == 1)", readGUP)},
	"get_user_pages_remote": {cite("mm/gup.c", "get_user_pages_remote(), __get_user_pages_locked()", "mmap_assert_locked(mm) (locked == 1)", readGUP),
		cite("mm/gup.c", "is_valid_gup_args()", "if (locked) { if (WARN_ON_ONCE(*locked != 1)) return false; gup_flags |= FOLL_UNLOCKABLE; }", readGUP2026)},
	"pin_user_pages_remote": {cite("mm/gup.c", "pin_user_pages_remote(), __get_user_pages_locked()", "mmap_assert_locked(mm) (locked == 1)", readGUP),
		cite("mm/gup.c", "is_valid_gup_args()", "if (locked) { if (WARN_ON_ONCE(*locked != 1)) return false; gup_flags |= FOLL_UNLOCKABLE; }", readGUP2026)},
	"get_user_pages_unlocked": {cite("mm/gup.c", "get_user_pages_unlocked(), __get_user_pages_locked()",
		"none: locked = 0, so it takes mmap_read_lock_killable() itself (lockdep sees a recursive acquisition)", readGUP)},
	"get_user_pages_fast": {cite("mm/gup.c", "get_user_pages_fast(), gup_fast_fallback()", "might_lock_read(&current->mm->mmap_lock) (unless FOLL_FAST_ONLY)", readGUP)},
	"get_user_pages_fast_only": {cite("mm/gup.c", "get_user_pages_fast_only(), gup_fast_fallback(), gup_fast_folio_allowed()",
		"WARN_ON_ONCE(gup_flags & ~(...)); lockdep_assert_irqs_disabled()", readGUP)},

	// VMA lookup and stacks (mm/mmap.c, linux-mm 2026)
	"find_vma":              {cite("mm/mmap.c", "find_vma()", "mmap_assert_locked(mm)", readMmap)},
	"find_vma_intersection": {cite("mm/mmap.c", "find_vma_intersection()", "mmap_assert_locked(mm)", readMmap)},
	"vma_lookup":            {cite("include/linux/mm.h", "vma_lookup()", "none: return mtree_load(&mm->mm_mt, addr)", readMMH2026)},
	"expand_stack":          {cite("mm/mmap.c", "expand_stack()", "none of its own: mmap_read_unlock(mm); mmap_write_lock_killable(mm); ... mmap_write_downgrade(mm)", readMmap)},
	"expand_stack_locked": {cite("mm/mmap.c", "expand_stack_locked()", "", readMmap),
		cite("mm/vma.c", "expand_downwards()", "mmap_assert_write_locked(mm); then vma_start_write(vma), anon_vma_lock_write(vma->anon_vma)", readVMA)},
	"find_extend_vma_locked": {cite("mm/mmap.c", "find_extend_vma_locked()", "via find_vma(): mmap_assert_locked(mm); expand_stack_locked()", readMmap)},
	"lock_mm_and_find_vma":   {cite("mm/mmap_lock.c", "lock_mm_and_find_vma(), get_mmap_lock_carefully()", "none", readLockC)},

	// VMA flags and fields (include/linux/mm.h @0326440c)
	"vm_flags_set":        {cite("include/linux/mm.h", "vm_flags_set()", "vma_start_write(vma) -> __vma_raw_mm_seqnum(): mmap_assert_write_locked(vma->vm_mm)", readMMH)},
	"vm_flags_clear":      {cite("include/linux/mm.h", "vm_flags_clear()", "vma_start_write(vma) -> __vma_raw_mm_seqnum(): mmap_assert_write_locked(vma->vm_mm)", readMMH)},
	"vm_flags_reset":      {cite("include/linux/mm.h", "vm_flags_reset(), vm_flags_reset_once()", "vma_assert_write_locked(vma)", readMMH)},
	"vm_flags_init":       {cite("include/linux/mm.h", "vm_flags_init()", "VM_WARN_ON_ONCE(!pgtable_supports_soft_dirty() && (flags & VM_SOFTDIRTY)); no lock check", readMMH)},
	"vma_set_atomic_flag": {cite("include/linux/mm.h", "vma_set_atomic_flag(), __vma_atomic_valid_flag()", "vma_assert_stabilised(vma); WARN_ON_ONCE(!(mask & VM_ATOMIC_SET_ALLOWED))", readMMH)},
	"vma_set_anonymous":   {cite("include/linux/mm.h", "vma_set_anonymous()", "none: vma->vm_ops = NULL", readMMH)},
	"anon_vma_prepare":    {cite("mm/rmap.c", "__anon_vma_prepare()", "mmap_assert_locked(mm); might_sleep()", readRmap)},
	"vmf_anon_prepare":    {cite("mm/memory.c", "__vmf_anon_prepare()", "none: under FAULT_FLAG_VMA_LOCK, if (!mmap_read_trylock(vma->vm_mm)) return VM_FAULT_RETRY", readMemory)},

	// faults and VMA read locks
	"handle_mm_fault": {cite("mm/memory.c", "handle_mm_fault(), sanitize_fault_flags()",
		"no lock check; WARN_ON_ONCE((*flags & (FAULT_FLAG_VMA_LOCK | FAULT_FLAG_RETRY_NOWAIT)) == (FAULT_FLAG_VMA_LOCK | FAULT_FLAG_RETRY_NOWAIT)) -> VM_FAULT_SIGSEGV", readMemory),
		cite("mm/memory.c", "sanitize_fault_flags()", "WARN_ON_ONCE(*flags & FAULT_FLAG_WRITE) under FAULT_FLAG_UNSHARE; a write fault: WARN_ON_ONCE(!(vma->vm_flags & VM_MAYWRITE)), "+
			"WARN_ON_ONCE(!(vma->vm_flags & VM_WRITE) && !is_cow_mapping(vma->vm_flags)); each -> VM_FAULT_SIGSEGV", readFaultFlags)},
	"release_fault_lock": {cite("include/linux/mm.h", "release_fault_lock()", "none: vma_end_read(vmf->vma) if FAULT_FLAG_VMA_LOCK, else mmap_read_unlock()", readMMH),
		cite("mm/filemap.c", "__folio_lock_or_retry()", "none: if (fault_flag_allow_retry_first(flags)) { if (flags & FAULT_FLAG_RETRY_NOWAIT) return VM_FAULT_RETRY; "+
			"release_fault_lock(vmf); ... return VM_FAULT_RETRY; }", readFaultFlags)},
	"touch": {cite("arch/x86/mm/fault.c", "do_user_addr_fault()", "none on the locks: lock_vma_under_rcu() first for a user fault, else lock_mm_and_find_vma(); handle_mm_fault()", readX86Fault),
		cite("mm/memory.c", "__might_fault()", "might_lock_read(&current->mm->mmap_lock)", readMemory)},
	"lock_vma_under_rcu":      {cite("mm/mmap_lock.c", "lock_vma_under_rcu(), vma_start_read()", "RCU_LOCKDEP_WARN(!rcu_read_lock_held(), \"no rcu lock held\")", readLockC)},
	"lock_vma_under_rcu_wait": {cite("mm/mmap_lock.c", "lock_vma_under_rcu_wait()", "none of its own: falls back to mmap_read_lock(mm); vma_lookup(); mmap_read_unlock(mm)", readLockC)},
	"vma_start_read_locked":   {cite("include/linux/mmap_lock.h", "vma_start_read_locked_nested()", "mmap_assert_locked(vma->vm_mm)", readLockH)},
	"vma_end_read":            {cite("include/linux/mmap_lock.h", "vma_end_read(), vma_refcount_put()", "", readLockH)},
	"vma_start_write": {cite("include/linux/mmap_lock.h", "vma_start_write(), __vma_raw_mm_seqnum()", "mmap_assert_write_locked(vma->vm_mm)", readLockH),
		cite("mm/mmap_lock.c", "__vma_start_write(), __vma_start_exclude_readers()", "mmap_assert_write_locked(vma->vm_mm)", readLockC)},

	// page-table walks
	"walk_page_range": {cite("mm/pagewalk.c", "walk_page_range_mm_unsafe(), process_mm_walk_lock(), process_vma_walk_lock()",
		"mmap_assert_locked(mm) (PGWALK_RDLOCK) or mmap_assert_write_locked(mm); find_vma(): mmap_assert_locked(mm); vma_assert_write_locked() (PGWALK_WRLOCK_VERIFY); vma_assert_locked() (PGWALK_VMA_RDLOCK_VERIFY)", readWalk)},
	"walk_page_vma": {cite("mm/pagewalk.c", "walk_page_vma(), walk_page_range_vma_unsafe()",
		"process_mm_walk_lock(): mmap_assert_locked()/mmap_assert_write_locked() (none for PGWALK_VMA_RDLOCK_VERIFY); process_vma_walk_lock(): vma_assert_write_locked() / vma_assert_locked()", readWalk)},
	"walk_page_range_debug": {cite("mm/pagewalk.c", "walk_page_range_debug()", "mmap_assert_write_locked(mm); mmap_assert_write_locked(&init_mm)", readWalk),
		cite("mm/pagewalk.c", "walk_kernel_page_table_range()", "mmap_assert_locked(&init_mm)", readWalk)},
	"walk_page_mapping":   {cite("mm/pagewalk.c", "walk_page_mapping()", "lockdep_assert_held(&mapping->i_mmap_rwsem)", readWalk)},
	"apply_to_page_range": {cite("mm/memory.c", "__apply_to_page_range(), apply_to_pmd_range()", "WARN_ON(addr >= end); WARN_ON_ONCE(p?d_leaf()); BUG_ON(pud_leaf(*pud)); no lock check", readMemory)},
	"follow_pfnmap_start": {cite("mm/memory.c", "follow_pfnmap_start(), pfnmap_lockdep_assert()",
		"lockdep_assert(lockdep_is_held(&mapping->i_mmap_rwsem) || lockdep_is_held(&vma->vm_mm->mmap_lock)) (mmap_lock only without a file)", readMemory)},
	"pte_offset_map_lock": {cite("mm/pgtable-generic.c", "pte_offset_map_lock(), __pte_offset_map()", "none: rcu_read_lock(); spin_lock(ptl); retries unless pmd_same(pmdval, pmdp_get_lockless(pmd))", readPgtable)},
	"pte_unmap_unlock":    {cite("include/linux/mm.h", "pte_unmap_unlock()", "none: spin_unlock(ptl); pte_unmap(pte) (pte_unmap(): rcu_read_unlock())", readMMH2026)},
	"ptep_get_and_clear": {cite("include/linux/pgtable.h", "ptep_get_and_clear() (generic; x86 has its own, __HAVE_ARCH_PTEP_GET_AND_CLEAR)",
		"none: pte = ptep_get(ptep); pte_clear(mm, address, ptep); page_table_check_pte_clear(mm, address, pte); the callers' kernel-doc: \"Context: The caller holds the page table lock\"", readPgtableH)},
	"flush_tlb_range": {cite("arch/x86/include/asm/tlbflush.h", "flush_tlb_range()", "none: flush_tlb_mm_range(vma->vm_mm, start, end, ...)", readX86TLBOld)},

	// another process's memory
	"access_remote_vm":  {cite("mm/memory.c", "access_remote_vm(), __access_remote_vm()", "none: if (mmap_read_lock_killable(mm)) return 0", readMemory)},
	"access_process_vm": {cite("mm/memory.c", "access_process_vm(), __access_remote_vm()", "none: get_task_mm(); mmap_read_lock_killable(mm)", readMemory)},

	// handlers
	"vm_ops->fault": {cite("mm/memory.c", "vmf_can_call_fault()", "none: vma_end_read(vma); return VM_FAULT_RETRY when the VMA has no ->map_pages under FAULT_FLAG_VMA_LOCK", readMemory),
		cite("include/linux/mm.h", "assert_fault_locked()", "vma_assert_locked(vmf->vma) or mmap_assert_locked(vmf->vma->vm_mm)", readMMH)},
	"vm_ops->page_mkwrite": {cite("mm/memory.c", "do_page_mkwrite()", "vmf->flags = FAULT_FLAG_WRITE|FAULT_FLAG_MKWRITE; VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio) when VM_FAULT_LOCKED is returned", readMemory)},
	"vm_ops->pfn_mkwrite": {cite("mm/memory.c", "wp_pfn_shared()", "none: vmf_can_call_fault() first (VM_FAULT_RETRY under the VMA lock without ->map_pages); vmf->flags |= FAULT_FLAG_MKWRITE", readMemory),
		cite("mm/memory.c", "finish_mkwrite_fault()", "WARN_ON_ONCE(!(vmf->vma->vm_flags & VM_SHARED))", readMemory)},
	"vm_ops->huge_fault": {cite("mm/memory.c", "create_huge_pmd(), wp_huge_pmd(), create_huge_pud()", "none: called without vmf_can_call_fault()", readMemory)},
	"vm_ops->map_pages":  {cite("mm/memory.c", "do_fault_around(), do_read_fault()", "none: rcu_read_lock(); vm_ops->map_pages(); rcu_read_unlock(), called before vmf_can_call_fault()", readMemory)},
	"vm_ops->open": {cite("mm/vma.c", "__split_vma()", "WARN_ON(vma->vm_start >= addr); WARN_ON(vma->vm_end <= addr); new->vm_ops->open(new) runs on the new, not yet inserted VMA before vma_start_write(vma)", readVMA),
		cite("include/linux/mm.h", "struct vm_operations_struct", "", readMMH)},
	"vm_ops->may_split": {cite("mm/vma.c", "__split_vma()", "WARN_ON(vma->vm_start >= addr); WARN_ON(vma->vm_end <= addr); if (vma->vm_ops && vma->vm_ops->may_split) { err = vma->vm_ops->may_split(vma, addr); if (err) return err; } new = vm_area_dup(vma);", readVMA),
		cite("mm/vma.c", "vms_gather_munmap_vmas()", "error = __split_vma(vms->vmi, vms->vma, vms->start, 1); if (error) goto start_split_failed; ... error = __split_vma(vms->vmi, next, vms->end, 0); if (error) goto end_split_failed; ... end_split_failed: reattach_vmas(mas_detach); start_split_failed: return error", "torvalds/linux mm/vma.c after \"return the exact errno\" (2025), read")},
	"vm_ops->mprotect": {cite("mm/mprotect.c", "do_mprotect_pkey()", "if (vma->vm_ops && vma->vm_ops->mprotect) { error = vma->vm_ops->mprotect(vma, nstart, tmp, newflags); if (error) break; }", readMprotect),
		cite("include/linux/mm.h", "struct vm_operations_struct", "Called by mprotect() to make driver-specific permission checks before mprotect() is finalised. The VMA must not be modified. Returns 0 if mprotect() can proceed.", readMMH)},
	"vm_ops->mremap": {cite("mm/mremap.c", "copy_vma_and_data()", "moved_len = move_page_tables(&pmc); if (moved_len < vrm->old_len) err = -ENOMEM; else if (vma->vm_ops && vma->vm_ops->mremap) err = vma->vm_ops->mremap(new_vma); if (unlikely(err)) { ... move_page_tables(&pmc_revert); vrm->vma = new_vma; ...}", "linux-mm 2025 (\"mm/mremap: ...\" series, as posted), read")},
	"vm_ops->close": {cite("include/linux/mm.h", "struct vm_operations_struct (\"Context: User context.  May sleep.  Caller holds mmap_lock.\")", "", readMMH),
		cite("mm/vma.c", "remove_vma()", "might_sleep(); vma_close(vma)", readVMA)},
	"f_op->mmap": {cite("mm/vma.c", "mmap_region()", "mmap_assert_write_locked(current->mm)", readVMA),
		cite("mm/vma.c", "__mmap_new_file_vma()", "WARN_ON_ONCE(map->addr != vma->vm_start); VM_WARN_ON_ONCE() on VM_MAYWRITE the caller did not ask for", readVMA)},
	"f_op->mmap_prepare": {cite("mm/vma.c", "mmap_region(), __mmap_region(), call_mmap_prepare()", "mmap_assert_write_locked(current->mm) (in mmap_region())", readVMA)},
	"mmap":               {cite("mm/vma.c", "mmap_region(), __mmap_region(), __mmap_new_vma()", "mmap_assert_write_locked(current->mm)", readVMA)},

	// unmapping, freeing and moving page tables
	"munmap": {cite("mm/vma.c", "vms_complete_munmap_vmas()", "none: if (vms->unlock) mmap_write_downgrade(mm); vms_clear_ptes(vms, mas_detach, !vms->unlock); ... remove_vma(vma); if (vms->unlock) mmap_read_unlock(mm)", readVMA2026),
		cite("mm/vma.c", "vms_gather_munmap_vmas()", "none: vma_start_write(next); vma_mark_detached(next) for each VMA of the range", readVMA2026)},
	"free_pgtables": {cite("mm/memory.c", "free_pgtables()", "WARN_ON_ONCE(unmap->vma_end - 1 > unmap->pg_end - 1); if (unmap->mm_wr_locked) vma_start_write(vma)", readMemory),
		cite("mm/mmap.c", "exit_mmap()", "none: unmap_vmas() under mmap_read_lock(), free_pgtables() under mmap_write_lock()", readMmap)},
	"unmap_vmas": {cite("mm/memory.c", "unmap_vmas()", "none", readMemory)},
	"retract_page_tables": {cite("mm/khugepaged.c", "retract_page_tables()",
		"none (\"the mmap_lock is not held\"): i_mmap_lock_read(mapping); mmu_notifier_invalidate_range_start(); pml = pmd_lock(mm, pmd); spin_lock_nested(ptl, SINGLE_DEPTH_NESTING) if ptl != pml; pmdp_collapse_flush(); pte_free_defer()", readKhugepaged2026)},
	"move_page_tables": {cite("mm/mremap.c", "move_normal_pmd(), move_normal_pud()", "WARN_ON_ONCE(!pmd_none(*new_pmd)); VM_BUG_ON(!pmd_none(*new_pmd)) after the PTLs are taken", readMremap),
		cite("mm/mremap.c", "move_ptes(), move_pgt_entry()", "VM_WARN_ON_ONCE(!pte_none(*new_ptep)); take_rmap_locks() when need_rmap_locks, always for normal PMD/PUD moves", readMremap)},
	"mremap": {cite("mm/mremap.c", "do_mremap(), move_vma()", "none of its own: if (mmap_write_lock_killable(mm)) return -EINTR; ... move_vma(): vma_start_write(vrm->vma) (\"We don't want racing faults\") -> mmap_assert_write_locked()", readMremap2026),
		cite("mm/mremap.c", "move_ptes()", "none: \"exclusive mmap_lock prevents deadlock\" of the nested PTLs", readMremap)},
	"madvise": {cite("mm/madvise.c", "get_lock_mode(), madvise_lock()",
		"none: MADV_REMOVE/WILLNEED/COLD/PAGEOUT/POPULATE_*/COLLAPSE: mmap_read_lock(); MADV_GUARD_*/DONTNEED(_LOCKED)/FREE: the VMA read lock per VMA; others: mmap_write_lock_killable()", readMadvise2026)},

	// reverse map and reclaim
	"rmap_walk": {cite("mm/rmap.c", "rmap_walk_file()", "VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio)", readRmap),
		cite("mm/rmap.c", "rmap_walk_anon()", "VM_WARN_ON_FOLIO(!folio_test_locked(folio), folio)", readRmap)},
	"rmap_walk_locked": {cite("mm/rmap.c", "rmap_walk_locked()", "VM_BUG_ON_FOLIO(folio_test_ksm(folio), folio); rmap_walk_file(): VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio)", readRmap)},
	"try_to_unmap":     {cite("mm/rmap.c", "try_to_unmap(), rmap_walk_file()", "VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio) (file folios)", readRmap)},
	"folio_referenced": {cite("mm/rmap.c", "folio_referenced()", "VM_WARN_ON_ONCE_FOLIO(folio_is_zone_device(folio), folio); no lock check: folio_trylock() when !is_locked, rwc.try_lock = true", readRmap)},
	"page_vma_mapped_walk": {cite("mm/page_vma_mapped.c", "page_vma_mapped_walk(), map_pte()",
		"none on the caller's locks: pmd_lock() for a huge PMD; map_pte(): pte_offset_map_lock() (PVMW_SYNC) or pte_offset_map_rw_nolock() + spin_lock() + pmd_same() recheck; hugetlb: \"All callers that get here will already hold the i_mmap_rwsem\"", readPVMW)},

	// THP split, notifiers, TLB batching
	"split_huge_pmd": {cite("mm/huge_memory.c", "__split_huge_pmd()",
		"none on locks: mmu_notifier_invalidate_range_start(); ptl = pmd_lock(vma->vm_mm, pmd); split_huge_pmd_locked(vma, range.start, pmd, freeze); spin_unlock(ptl)", readHugeMemory),
		cite("mm/huge_memory.c", "split_huge_pmd_locked(), __split_huge_pmd_locked()",
			"VM_WARN_ON_ONCE(!IS_ALIGNED(address, HPAGE_PMD_SIZE)); VM_BUG_ON(haddr & ~HPAGE_PMD_MASK); VM_BUG_ON_VMA(vma->vm_start > haddr || vma->vm_end < haddr + HPAGE_PMD_SIZE)", readHugeMemory)},
	"split_huge_pmd_locked": {cite("mm/huge_memory.c", "split_huge_pmd_locked(), __split_huge_pmd_locked()",
		"VM_WARN_ON_ONCE(!IS_ALIGNED(address, HPAGE_PMD_SIZE)); VM_BUG_ON_VMA() on the range; the PMD lock is not asserted", readHugeMemory)},
	"mmu_notifier_invalidate_range_start": {cite("include/linux/mmu_notifier.h", "mmu_notifier_invalidate_range_start()",
		"might_sleep(); lock_map_acquire(&__mmu_notifier_invalidate_range_start_map) (lockdep); ... lock_map_release()", readNotifierH)},
	"tlb_gather_mmu": {cite("mm/mmu_gather.c", "tlb_gather_mmu(), __tlb_gather_mmu()", "none: inc_tlb_flush_pending(tlb->mm)", readGather)},
	"tlb_finish_mmu": {cite("mm/mmu_gather.c", "tlb_finish_mmu()", "VM_WARN_ON_ONCE(tlb->fully_unshared_tables)", readGather)},

	// locks
	"mmap_read_lock":           rwsemCite("mmap_read_lock()", "down_read()", "might_sleep(); rwsem_acquire_read(&sem->dep_map, 0, 0, _RET_IP_) (lockdep)"),
	"mmap_read_lock_killable":  rwsemCite("mmap_read_lock_killable()", "down_read_killable()", "might_sleep(); rwsem_acquire_read(&sem->dep_map, 0, 0, _RET_IP_) (lockdep)"),
	"mmap_read_trylock":        rwsemCite("mmap_read_trylock()", "down_read_trylock()", "none (no might_sleep()): on success rwsem_acquire_read(&sem->dep_map, 0, 1, _RET_IP_) (lockdep, trylock)"),
	"mmap_read_unlock":         rwsemCite("mmap_read_unlock()", "up_read()", "rwsem_release(&sem->dep_map, _RET_IP_) (lockdep: bad unlock balance); __up_read(): DEBUG_RWSEMS_WARN_ON(!is_rwsem_reader_owned(sem))"),
	"mmap_write_lock":          rwsemCite("mmap_write_lock()", "down_write()", "might_sleep(); rwsem_acquire(&sem->dep_map, 0, 0, _RET_IP_) (lockdep)"),
	"mmap_write_lock_killable": rwsemCite("mmap_write_lock_killable()", "down_write_killable()", "might_sleep(); rwsem_acquire(&sem->dep_map, 0, 0, _RET_IP_) (lockdep)"),
	"mmap_write_trylock": {cite("include/linux/mmap_lock.h", "mmap_write_trylock()",
		"none: absent from linux-mm@1632d9c3381f; deleted by \"[PATCH mm 12/13] mm: delete mmap_write_trylock() and vma_try_start_write()\" (2023-07)", readLockH)},
	"mmap_write_unlock":     {cite("include/linux/mmap_lock.h", "mmap_write_unlock(), vma_end_write_all()", "vma_end_write_all(): mmap_assert_write_locked(mm)", readLockH)},
	"mmap_write_downgrade":  {cite("include/linux/mmap_lock.h", "mmap_write_downgrade(), vma_end_write_all()", "vma_end_write_all(): mmap_assert_write_locked(mm)", readLockH)},
	"i_mmap_lock_read":      {cite("include/linux/fs.h", "i_mmap_lock_read()", "none: down_read(&mapping->i_mmap_rwsem)", readFsH)},
	"i_mmap_lock_write":     {cite("include/linux/fs.h", "i_mmap_lock_write()", "none: down_write(&mapping->i_mmap_rwsem)", readFsH)},
	"i_mmap_unlock_read":    {cite("include/linux/fs.h", "i_mmap_unlock_read()", "none: up_read(&mapping->i_mmap_rwsem)", readFsH)},
	"i_mmap_unlock_write":   {cite("include/linux/fs.h", "i_mmap_unlock_write()", "none: up_write(&mapping->i_mmap_rwsem)", readFsH)},
	"anon_vma_lock_read":    {cite("mm/internal.h", "anon_vma_lock_read()", "none: down_read(&anon_vma->root->rwsem) (include/linux/rmap.h in 6.18)", readInternalH)},
	"anon_vma_lock_write":   {cite("mm/internal.h", "anon_vma_lock_write()", "none: down_write(&anon_vma->root->rwsem) (include/linux/rmap.h in 6.18)", readInternalH)},
	"anon_vma_unlock_read":  {cite("mm/internal.h", "anon_vma_unlock_read()", "none: up_read(&anon_vma->root->rwsem) (include/linux/rmap.h in 6.18)", readInternalH)},
	"anon_vma_unlock_write": {cite("mm/internal.h", "anon_vma_unlock_write()", "none: up_write(&anon_vma->root->rwsem) (include/linux/rmap.h in 6.18)", readInternalH)},
	"rcu_read_lock": {cite("include/linux/rcupdate.h", "rcu_read_lock()",
		"__rcu_read_lock(); rcu_lock_acquire(&rcu_lock_map) (lockdep); RCU_LOCKDEP_WARN(!rcu_is_watching(), \"rcu_read_lock() used illegally while idle\")", readRCUOld)},
	"rcu_read_unlock": {cite("include/linux/rcupdate.h", "rcu_read_unlock()",
		"RCU_LOCKDEP_WARN(!rcu_is_watching(), \"rcu_read_unlock() used illegally while idle\"); __rcu_read_unlock(); rcu_lock_release(&rcu_lock_map) (lockdep)", readRCUOld)},
	"folio_lock":    {cite("include/linux/folio_wait.h", "folio_lock()", "might_sleep(); if (!folio_trylock(folio)) __folio_lock(folio) (include/linux/pagemap.h in 6.18)", readFolioWait)},
	"folio_trylock": {cite("include/linux/folio_wait.h", "folio_trylock()", "none (\"Context: Any context\"): test_and_set_bit_lock(PG_locked, folio_flags(folio, 0)) (include/linux/pagemap.h in 6.18)", readFolioWait)},
	"folio_unlock":  {cite("mm/folio_wait.c", "folio_unlock()", "VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio) (mm/filemap.c in 6.18)", readFolioWait)},
	"spin_lock": {cite("include/linux/spinlock_api_smp.h", "spin_lock() -> __raw_spin_lock()",
		"preempt_disable(); spin_acquire(&lock->dep_map, 0, 0, _RET_IP_) (lockdep); LOCK_CONTENDED(lock, do_raw_spin_trylock, do_raw_spin_lock)", readSpinlockAPI)},
	"spin_unlock": {cite("include/linux/spinlock_api_smp.h", "spin_unlock() -> __raw_spin_unlock()",
		"spin_release(&lock->dep_map, _RET_IP_) (lockdep); do_raw_spin_unlock(lock); preempt_enable()", readSpinlockAPI)},
	"mutex_lock":    {cite("kernel/locking/mutex.c", "mutex_lock(), __mutex_lock_common()", "might_sleep(); mutex_acquire_nest(&lock->dep_map, ...) (lockdep)", readMutexOld)},
	"mutex_trylock": {cite("kernel/locking/mutex.c", "mutex_trylock()", "none of its own: mutex_acquire(&lock->dep_map, 0, 1, _RET_IP_) (lockdep, trylock)", readMutexOld)},
	"mutex_unlock":  {cite("kernel/locking/mutex.c", "mutex_unlock()", "none of its own: mutex_release(&lock->dep_map, ...) (lockdep)", readMutexOld)},
	"might_sleep": {cite("kernel/sched/core.c", "__might_sleep(), __might_resched() (CONFIG_DEBUG_ATOMIC_SLEEP)",
		"if ((resched_offsets_ok(offsets) && !irqs_disabled() && !is_idle_task(current) && !current->non_block_count) || ...) return; "+
			"pr_err(\"BUG: sleeping function called from invalid context at %s:%d\\n\")", readSched)},
	"msleep": {cite("kernel/time/sleep_timeout.c", "msleep()", "none of its own: while (timeout) timeout = schedule_timeout_uninterruptible(timeout)", readSleepTimeout),
		cite("kernel/sched/core.c", "schedule_debug(), __schedule_bug()", "if (unlikely(in_atomic_preempt_off())) __schedule_bug(prev): \"BUG: scheduling while atomic\"", readSched)},
	"alloc_page": {cite("include/linux/sched/mm.h", "might_alloc() (from the page allocator's entry, for every alloc_page())",
		"fs_reclaim_acquire(gfp_mask); fs_reclaim_release(gfp_mask) (lockdep); if (current->flags & PF_MEMALLOC) return; might_sleep_if(gfpflags_allow_blocking(gfp_mask))", readSchedMM)},
	"get_page": {cite("include/linux/mm.h", "get_page(), folio_get()",
		"WARN_ON_ONCE(folio_test_slab(folio)); WARN_ON_ONCE(folio_test_large_kmalloc(folio)); VM_BUG_ON_FOLIO(folio_ref_zero_or_close_to_overflow(folio), folio); no lock", readMMH2026)},
	"put_page": {cite("include/linux/mm.h", "put_page(), folio_put()",
		"none: slab and large-kmalloc folios are skipped silently; folio_put() \"May be called while holding a spinlock\"", readMMH2026)},
	"page_to_pfn": {cite("include/asm-generic/memory_model.h", "page_to_pfn()", "none: __page_to_pfn(page) = (unsigned long)((page) - vmemmap) (SPARSEMEM_VMEMMAP)", readMemoryModel)},
}
