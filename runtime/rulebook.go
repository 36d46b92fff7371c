package runtime

// The rest of the rule book: the entries of shared/reference/mm-locking-rules.md
// (section 4, with the details of the section 2 entry each row comes from)
// for APIs that mmscript does not simulate yet. They carry no Rules: mmscript
// runs no checks for them. `mmscript explain` and `mmscript rules` say so,
// from LookupOp (see API.simulated), so the status cannot drift.
//
// One entry per API named in backquotes in section 4's first column. A
// family written in one backquoted name (`vm_flags_reset(_once)`,
// `follow_pfnmap_start/end`) is one entry, under its first name; the other
// members are named in its Notes. Former and future names (`ex ...`, `→ ...`)
// have no entry of their own.
//
// When mmscript starts simulating one of these APIs, move its entry next to
// the new op (register panics on a duplicate name) and add its Rules there.

// faultHookNotes is what section 2.26 says about every fault-side handler.
const faultHookNotes = "The handler may sleep, allocate, do I/O, take folio locks and rmap locks (order allows i_mmap under mmap lock); " +
	"it returns a referenced page in vmf->page (optionally locked + VM_FAULT_LOCKED; the core maps it via finish_fault) " +
	"or installs entries itself with vmf_insert_pfn(_prot), vmf_insert_mixed, vmf_insert_page/vm_insert_page " +
	"(VMA already VM_PFNMAP/VM_MIXEDMAP, set at mmap time) or vmf_insert_page_mkwrite and returns VM_FAULT_NOPAGE; " +
	"it uses vmf_anon_prepare(), never raw anon_vma_prepare under a VMA lock. " +
	"It must not change vm_flags, vm_ops or vm_start/vm_end, call mmap_read_lock() (blocking) while holding the VMA lock, " +
	"upgrade to the write lock, or hold a spinlock across anything that sleeps. " +
	"It may drop the lock only if FAULT_FLAG_ALLOW_RETRY is set: with FAULT_FLAG_RETRY_NOWAIT it returns VM_FAULT_RETRY without dropping it " +
	"(never combined with FAULT_FLAG_VMA_LOCK); otherwise release_fault_lock(vmf) (vma_end_read or mmap_read_unlock), wait, return VM_FAULT_RETRY " +
	"(the caller re-faults with FAULT_FLAG_TRIED; __folio_lock_or_retry is the model); VM_FAULT_COMPLETED: lock dropped and the fault done. " +
	"After the lock is dropped the VMA may be freed by a concurrent munmap"

const faultHookSource = "include/linux/mm.h: struct vm_fault, struct vm_operations_struct, release_fault_lock(), assert_fault_locked(); " +
	"mm/memory.c: __do_fault(), do_read_fault(), do_cow_fault(), do_shared_fault(), do_fault_around(), do_page_mkwrite(), " +
	"wp_pfn_shared(), wp_page_shared(), vmf_can_call_fault(), create_huge_pmd(), wp_huge_pmd()"

const gupRemoteNotes = "if locked is non-NULL, *locked must be 1 (else WARN_ON_ONCE, -EINVAL/0) and the lock held for read only: " +
	"GUP may drop it to wait for I/O (VM_FAULT_RETRY) and re-take it; if it ends up released, *locked is 0 on return and the caller must not unlock. " +
	"With locked == NULL the lock is never dropped. FOLL_REMOTE is added so protection keys are not applied. Everything else as get_user_pages (§2.10)"

const stackSource = "mm/mmap.c: expand_stack(), find_extend_vma_locked(); mm/vma.c: expand_downwards(), expand_upwards(); process_addrs.rst (\"Stack expansion\")"

const stackLockedNotes = "growth takes anon_vma_prepare, vma_start_write (the VMA write lock, which asserts the mmap write lock), " +
	"anon_vma_lock_write, and mm->page_table_lock around the boundary update; find_extend_vma no longer exists"

const pagewalkNotes = "pte_entry runs with the PTE lock held (via pte_offset_map_lock) and must not sleep; pmd_entry runs without the PTE lock " +
	"(callbacks use pmd_trans_huge_lock themselves); hugetlb walks take the hugetlb VMA lock; ops->install_pte is refused for all exported walkers (-EINVAL)"

const accessVMTakes = "mmap_read_lock_killable -> vma_lookup or expand_stack (which drops the lock on failure) -> per page get_user_page_vma_remote (GUP, may fault) " +
	"[-> vm_ops->access for VM_IO/VM_PFNMAP VMAs on failure, e.g. generic_access_phys] -> kmap + copy -> mmap_read_unlock"

const rmapWalkSource = "mm/rmap.c: rmap_walk(), rmap_walk_anon(), rmap_walk_file(), __rmap_walk_file()"

const splitPMDSource = "mm/huge_memory.c: __split_huge_pmd(), split_huge_pmd_locked(), __split_huge_pmd_locked() (linux-mm@00cb34b034a5, 2026); " +
	"include/linux/huge_mm.h: split_huge_pmd(); callers seen in zap_pmd_range, wp_huge_pmd"

const tlbGatherSource = "mm/mmu_gather.c: __tlb_gather_mmu(), tlb_gather_mmu(), tlb_gather_mmu_vma(), tlb_finish_mmu(), tlb_flush_mmu(), tlb_remove_table() " +
	"(linux-mm @0796b489, 2026); usage in mm/memory.c: zap_vma_range(), zap_pte_range() @0326440c"

var documentedAPIs = []*API{
	// 2.3
	{Name: "vm_map_pages", Section: "2.3",
		Hold:    "same as vm_insert_page (meant for f_op->mmap: mmap lock for write, VMA fresh); VMA without VM_MIXEDMAP: mmap lock for write; with VM_MIXEDMAP: mmap lock or VMA read lock",
		Takes:   "via vm_insert_pages: [VMA write lock via vm_flags_set] -> page_table_lock/PUD/PMD (table allocation) -> PTE lock per <=8 PTEs",
		Sleeps:  "yes",
		Asserts: "same BUG_ONs as vm_insert_page: BUG_ON(mmap_read_trylock(vma->vm_mm)), BUG_ON(vma->vm_flags & VM_PFNMAP), on the not-yet-MIXEDMAP path only",
		Source:  "mm/memory.c: vm_map_pages(), vm_map_pages_zero(), __vm_map_pages()",
		Notes: "also vm_map_pages_zero() (same row). Thin wrappers over vm_insert_pages() for the whole VMA, honouring vma->vm_pgoff as an index into pages[] " +
			"(_zero ignores it); -ENXIO if the request exceeds the array. Kernel-doc context: \"process context, called by mmap handlers\": " +
			"on error an mmap handler may just return it because the core tears the VMA down; other callers must clean up partial mappings themselves. " +
			"Lock rules, asserts and failures exactly those of §2.1/§2.2"},

	// 2.7
	{Name: "io_remap_pfn_range", Section: "2.7",
		Hold:    "mmap lock; in practice mmap write lock in f_op->mmap (or via the mmap_prepare action mmap_action_ioremap())",
		Takes:   "arch pfn fix-up (io_remap_pfn_range_pfn) + pgprot_decrypted, then remap_pfn_range: PAT tracking (pfnmap_track, may kmalloc) -> flush_cache_range -> per PMD: PTE lock (pte_alloc_map_lock), special PTEs in lazy-MMU mode",
		Sleeps:  "yes",
		Asserts: "as remap_pfn_range: BUG_ON(!pte_none(...)), WARN_ON_ONCE(!PAGE_ALIGNED(addr)), VM_WARN_ON_ONCE that the remap flags are set, BUG_ON(addr >= end); no lock check (newest)",
		Source:  "include/linux/mm.h: io_remap_pfn_range(), mmap_action_remap(); mm/memory.c: remap_pfn_range(), remap_pfn_range_internal(), remap_pte_range(), vm_iomap_memory()",
		Notes: "an inline wrapper of remap_pfn_range(), whose rules it has: sets VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP (VMA_REMAP_FLAGS) " +
			"with vma_set_flags_mask(), which takes no VMA lock and asserts nothing (older kernels: vm_flags_set() -> vma_start_write -> mmap_assert_write_locked); " +
			"remapping over populated PTEs -> BUG(); on a live VMA with only the read lock an unchecked race on vm_flags/vm_pgoff. " +
			"vm_iomap_memory() computes pfn/size from a physical range and vm_pgoff and calls io_remap_pfn_range over the whole VMA"},

	// 2.9
	{Name: "unmap_mapping_folio", Section: "2.9",
		Hold:    "the folio lock; no mm lock needed",
		Takes:   "i_mmap_lock_read(mapping) -> per VMA: private mmu_gather, zap_vma_range_batched() (notifier start, PTE locks, TLB flush, notifier end) -> i_mmap_unlock_read",
		Sleeps:  "yes",
		Asserts: "VM_BUG_ON(!folio_test_locked(folio))",
		Source:  "mm/memory.c: unmap_mapping_folio(), unmap_mapping_range_tree()",
		Notes:   "allowed while holding the mmap lock (order mmap_lock -> i_mmap_rwsem is legal); with the i_mmap_rwsem already write-held by the same task it deadlocks (rwsem not recursive)"},

	// 2.10
	{Name: "pin_user_pages", Section: "2.10",
		Hold:    "current->mm's mmap lock, read or write, held by the caller for the whole call; not dropped (FOLL_UNLOCKABLE not set)",
		Takes:   "per page: page-table walk (PTE lock per table); on a miss faultin_page() -> handle_mm_fault() (all fault locks); pin on the folio; with FOLL_LONGTERM check_and_migrate_movable_pages() and retry",
		Sleeps:  "yes",
		Asserts: "mmap_assert_locked(mm) in __get_user_pages_locked(); WARN_ON_ONCE argument checks in is_valid_gup_args; VM_BUG_ON on pages/flags mismatch",
		Source:  "mm/gup.c: pin_user_pages(), __get_user_pages_locked(), __gup_longterm_locked(), __get_user_pages(), check_vma_flags(), gup_vma_lookup()",
		Notes: "the FOLL_PIN twin of get_user_pages (same row). Each VMA is checked (check_vma_flags): VM_IO|VM_PFNMAP -> -EFAULT; write needs VM_WRITE " +
			"(or FOLL_FORCE on a COW mapping); secretmem refused; FOLL_LONGTERM + fsdax refused. Without the lock: lockdep/WARN_ON and races. " +
			"Returns the number of pages or -errno"},

	// 2.11
	{Name: "get_user_pages_remote", Section: "2.11",
		Hold:    "the target mm's mmap lock (read or write) and a reference on the mm (mmget); if locked: mmap read lock, and it may be dropped",
		Takes:   "as get_user_pages: page walk PTL; faults (all fault locks)",
		Sleeps:  "yes",
		Asserts: "mmap_assert_locked(), WARN_ON_ONCE(*locked != 1)",
		Source:  "mm/gup.c: get_user_pages_remote()",
		Notes:   gupRemoteNotes},
	{Name: "pin_user_pages_remote", Section: "2.11",
		Hold:    "the target mm's mmap lock (read or write) and a reference on the mm (mmget); if locked: mmap read lock, and it may be dropped",
		Takes:   "as get_user_pages: page walk PTL; faults (all fault locks)",
		Sleeps:  "yes",
		Asserts: "mmap_assert_locked(), WARN_ON_ONCE(*locked != 1)",
		Source:  "mm/gup.c: pin_user_pages_remote()",
		Notes:   gupRemoteNotes},

	// 2.13
	{Name: "get_user_pages_fast_only", Section: "2.13",
		Hold:    "none",
		Takes:   "local_irq_save() -> lockless walk (ptep_get_lockless), folio refs, re-check that the PTE/PMD did not change; no fallback to the mmap lock (FOLL_FAST_ONLY)",
		Sleeps:  "no",
		Asserts: "WARN_ON_ONCE on disallowed flags; lockdep_assert_irqs_disabled inside gup_fast_folio_allowed",
		Source:  "mm/gup.c: gup_fast(), gup_fast_fallback(), get_user_pages_fast_only()",
		Notes:   "never sleeps and may be used from IRQ-safe context; IRQs off blocks IPI-based TLB shootdown and RCU page-table freeing during the walk"},

	// 2.14
	{Name: "find_vma_intersection", Section: "2.14",
		Hold:    "mmap lock, read or write, for as long as the returned VMA is used",
		Takes:   "RCU (maple tree: mt_find takes/drops RCU internally)",
		Sleeps:  "no",
		Asserts: "mmap_assert_locked(mm)",
		Source:  "mm/mmap.c: find_vma_intersection()",
		Notes: "returns the first VMA overlapping [start, end). Without the lock: warning/lockdep, and the VMA can be freed under the caller (UAF). " +
			"A lookup by address under the right lock still does not prove the VMA is the one you created (Binder CVE, §3.4)",
		NullResult: "when no VMA overlaps [start, end) (kernel-doc: \"Returns: The first VMA within the provided range, NULL otherwise\")"},

	// 2.15
	{Name: "expand_stack", Section: "2.15",
		Hold:    "mmap read lock (dropped, write taken, downgraded; NULL => no lock)",
		Takes:   "drops the read lock -> mmap_write_lock_killable -> looks the VMA up again -> VMA write lock -> anon_vma write lock -> mm->page_table_lock -> downgrade to read",
		Sleeps:  "yes",
		Asserts: "via vma_start_write",
		Source:  stackSource,
		Notes: "returns the VMA with the read lock held, or NULL with no lock held; any VMA pointer obtained before the call is stale afterwards. " +
			"Legacy interface for fault handling"},
	{Name: "expand_stack_locked", Section: "2.15",
		Hold:    "mmap lock for write",
		Takes:   "VMA write lock -> anon_vma write lock -> mm->page_table_lock",
		Sleeps:  "yes",
		Asserts: "via vma_start_write (mmap_assert_write_locked)",
		Source:  stackSource,
		Notes:   stackLockedNotes},
	{Name: "find_extend_vma_locked", Section: "2.15",
		Hold:    "mmap lock for write",
		Takes:   "VMA write lock -> anon_vma write lock -> mm->page_table_lock",
		Sleeps:  "yes",
		Asserts: "via vma_start_write (mmap_assert_write_locked)",
		Source:  stackSource,
		Notes:   stackLockedNotes},

	// 2.16
	{Name: "vm_flags_reset", Section: "2.16",
		Hold:    "mmap write lock + VMA write lock already (the caller did vma_start_write())",
		Takes:   "none",
		Sleeps:  "no",
		Asserts: "vma_assert_write_locked()",
		Source:  "include/linux/mm.h: vm_flags_reset(), vm_flags_reset_once() @0326440c",
		Notes:   "also vm_flags_reset_once() (same row)"},
	{Name: "vm_flags_init", Section: "2.16",
		Hold:    "VMA not visible: not in the tree / no other users; no locking at all",
		Takes:   "none",
		Sleeps:  "no",
		Asserts: "none (only a soft-dirty sanity VM_WARN_ON_ONCE)",
		Source:  "include/linux/mm.h: vm_flags_init() @0326440c",
		Notes:   "__vm_flags_mod has the same requirement (§2.16 table)"},
	{Name: "vma_set_atomic_flag", Section: "2.16",
		Hold:    "mmap read lock or VMA read lock; only bits in VM_ATOMIC_SET_ALLOWED (currently VM_MAYBE_GUARD)",
		Takes:   "atomic bit op",
		Sleeps:  "no",
		Asserts: "vma_assert_stabilised(); disallowed bit -> WARN_ON_ONCE and ignored. Not in 6.18 (VM_MAYBE_GUARD and the atomic flags came after it)",
		Source:  "include/linux/mm.h: vma_set_atomic_flag(vma, bit) @0326440c"},

	// 2.17
	{Name: "vma_set_anonymous", Section: "2.17",
		Hold:    "VMA not visible (setup): no lock, only while the VMA is being set up (mmap path, shmem/zero setup)",
		Takes:   "none",
		Sleeps:  "no",
		Asserts: "none",
		Source:  "include/linux/mm.h: vma_set_anonymous(), vma_is_anonymous()",
		Notes: "sets vma->vm_ops = NULL (which is what \"anonymous\" means); process_addrs.rst classes vm_ops as written once at initial map time (by f_op->mmap). " +
			"In the newest __mmap_region the core calls it itself before insertion. Flipping vm_ops on a live VMA races with the fault path, which branches on vma_is_anonymous()"},

	// 2.19
	{Name: "lock_vma_under_rcu_wait", Section: "2.19",
		Hold:    "no mmap lock (must not be called holding it)",
		Takes:   "as lock_vma_under_rcu (RCU -> VMA read lock (refcount) -> RCU unlock); on failure mmap_read_lock -> vma_lookup -> mmap_read_unlock -> retry",
		Sleeps:  "yes",
		Asserts: "as lock_vma_under_rcu: RCU_LOCKDEP_WARN inside vma_start_read",
		Source:  "mm/mmap_lock.c: lock_vma_under_rcu_wait() (linux-mm @607a10f8)",
		Notes:   "new in the linux-mm tree (2026); returns NULL only when no VMA covers address; released with vma_end_read()"},

	// 2.20
	{Name: "lock_mm_and_find_vma", Section: "2.20",
		Hold:    "nothing (must not be called with the mmap lock held)",
		Takes:   "mmap_read_trylock, else mmap_read_lock_killable -> find_vma [-> below a VM_GROWSDOWN VMA: drop read -> mmap_write_lock_killable -> look up again -> expand_stack_locked -> mmap_write_downgrade]",
		Sleeps:  "yes (killable)",
		Asserts: "none",
		Source:  "mm/mmap_lock.c: lock_mm_and_find_vma(), get_mmap_lock_carefully(), upgrade_mmap_lock_carefully()",
		Notes: "returns the VMA with the mmap read lock held, or NULL with no lock held. If the trylock fails and the fault came from kernel mode " +
			"at an instruction without an exception-table entry it gives up (NULL) to avoid deadlocking on a bug"},

	// 2.21
	{Name: "walk_page_vma", Section: "2.21",
		Hold:    "per ops->walk_lock: mmap read (PGWALK_RDLOCK), mmap write (PGWALK_WRLOCK, PGWALK_WRLOCK_VERIFY), or the VMA lock (PGWALK_VMA_RDLOCK_VERIFY)",
		Takes:   "[VMA write lock if PGWALK_WRLOCK] -> PTE lock per table (callbacks)",
		Sleeps:  "yes (not in pte_entry)",
		Asserts: "mmap_assert_locked()/mmap_assert_write_locked(); vma_assert_write_locked() (PGWALK_WRLOCK_VERIFY); vma_assert_locked() (PGWALK_VMA_RDLOCK_VERIFY)",
		Source:  "mm/pagewalk.c: process_vma_walk_lock(), walk_page_vma(), walk_page_range_vma()",
		Notes: "walk_page_range_vma has the same rules (§2.21). PGWALK_VMA_RDLOCK_VERIFY is for walks under a per-VMA lock (e.g. madvise): no mmap assertion. " +
			"Newest patches use the killable VMA write lock under PGWALK_WRLOCK (may return -EINTR). " + pagewalkNotes},
	{Name: "walk_page_range_debug", Section: "2.21",
		Hold:    "the mmap write lock of mm and of init_mm (kernel tables alone: walk_kernel_page_table_range() under init_mm's mmap lock, read is enough)",
		Takes:   "PTL-less walk",
		Sleeps:  "yes",
		Asserts: "mmap_assert_write_locked(mm); mmap_assert_write_locked(&init_mm) (linux-mm 2026; the rule book had the init_mm lock for read)",
		Source:  "mm/pagewalk.c: walk_page_range_debug(), walk_kernel_page_table_range()",
		Notes: "formerly walk_page_range_novma, now walk_kernel_page_table_range (kernel tables, asserts mmap_assert_locked(&init_mm)) / walk_page_range_debug. " +
			"Walking ranges with no VMA needs the mmap write lock because munmap detaches VMAs before downgrading and freeing tables"},
	{Name: "walk_page_mapping", Section: "2.21",
		Hold:    "mapping->i_mmap_rwsem; no mm lock",
		Takes:   "PTE lock per table",
		Sleeps:  "yes",
		Asserts: "lockdep_assert_held(i_mmap_rwsem)",
		Source:  "mm/pagewalk.c: walk_page_mapping()",
		Notes:   "vm_flags may change underneath. " + pagewalkNotes},

	// 2.22
	{Name: "apply_to_page_range", Section: "2.22",
		Hold:    "tables kept alive: the mmap lock for a user mm; for init_mm the caller must own the kernel range; no assertion",
		Takes:   "table allocation (page_table_lock / PUD / PMD locks) -> per PTE table: PTE lock (pte_alloc_map_lock/pte_offset_map_lock, not for init_mm) + lazy-MMU mode around the callback",
		Sleeps:  "allocation may; the callback fn runs under a spinlock (user mm) and in lazy-MMU mode, so it must not",
		Asserts: "WARN_ON(addr >= end), WARN_ON_ONCE on leaf/bad upper entries (returns -EINVAL), BUG_ON(pud_leaf)",
		Source:  "mm/memory.c: __apply_to_page_range(), apply_to_pte_range()",
		Notes:   "apply_to_existing_page_range() (same section) has the same rules but allocates no missing tables"},

	// 2.23
	{Name: "follow_pfnmap_start", Section: "2.23",
		Hold:    "mmap lock (read), or i_mmap_rwsem for a file-backed VMA, held until follow_pfnmap_end(); VMA VM_IO | VM_PFNMAP",
		Takes:   "lockless upper walk -> PUD, PMD or PTE lock of the leaf (re-checked after locking), returned held until follow_pfnmap_end() drops it (and unmaps the PTE)",
		Sleeps:  "no (between start and end: spinlock held)",
		Asserts: "pfnmap_lockdep_assert() -> lockdep_assert(held i_mmap_rwsem || held mmap_lock) (mmap_lock only, for VMAs without a file)",
		Source:  "mm/memory.c: follow_pfnmap_start(), follow_pfnmap_end(), pfnmap_lockdep_assert(), generic_access_phys()",
		Notes:   "also follow_pfnmap_end() (same row). A VMA that is not VM_IO | VM_PFNMAP, or an address outside the VMA -> -EINVAL"},

	// 2.24
	{Name: "access_process_vm", Section: "2.24",
		Hold:    "nothing, and not the target mm's mmap lock",
		Takes:   "get_task_mm -> " + accessVMTakes + " -> mmput",
		Sleeps:  "yes",
		Asserts: "none",
		Source:  "mm/memory.c: __access_remote_vm(), access_remote_vm(), access_process_vm()",
		Notes:   "takes its own reference on the mm with get_task_mm/mmput"},
	{Name: "access_remote_vm", Section: "2.24",
		Hold:    "a reference on mm held by the caller; not the mm's mmap lock",
		Takes:   accessVMTakes,
		Sleeps:  "yes",
		Asserts: "none",
		Source:  "mm/memory.c: __access_remote_vm(), access_remote_vm(), access_process_vm()"},

	// 2.25
	{Name: "vmf_anon_prepare", Section: "2.25",
		Hold:    "the fault lock (mmap read lock, or the VMA read lock with FAULT_FLAG_VMA_LOCK)",
		Takes:   "if VMA-locked: mmap_read_trylock (else VM_FAULT_RETRY) -> as anon_vma_prepare: allocations -> anon_vma write lock -> mm->page_table_lock -> mmap_read_unlock",
		Sleeps:  "yes",
		Asserts: "none",
		Source:  "mm/memory.c: __vmf_anon_prepare(); mm/internal.h: vmf_anon_prepare(); mm/rmap.c: __anon_vma_prepare(); process_addrs.rst (anon_vma field: set under mmap read + page_table_lock)",
		Notes: "when the trylock fails it returns VM_FAULT_RETRY having already called vma_end_read() (__vmf_anon_prepare returns RETRY without dropping the VMA lock; " +
			"the wrapper then calls vma_end_read()); OOM -> VM_FAULT_OOM. Declared in mm/internal.h: available to core mm, not to drivers/modules. " +
			"Fault handlers must use it rather than anon_vma_prepare"},

	// 2.26
	{Name: "vm_ops->fault", Section: "2.26",
		Hold:    "called with the mmap read lock, or the VMA read lock only if the VMA has ->map_pages (vmf->flags & FAULT_FLAG_VMA_LOCK says which); no PTL held",
		Takes:   "handler-specific",
		Sleeps:  "yes",
		Asserts: "assert_fault_locked(vmf) available",
		Source:  faultHookSource,
		Notes: "without ->map_pages the core drops the VMA lock and returns VM_FAULT_RETRY so the fault is redone under the mmap lock (vmf_can_call_fault): " +
			"a driver without ->map_pages always sees the mmap read lock. " + faultHookNotes},
	{Name: "vm_ops->page_mkwrite", Section: "2.26",
		Hold: "called with the mmap read lock, or the VMA read lock only if the VMA has ->map_pages (vmf_can_call_fault() in wp_page_shared()); " +
			"no PTL held. vmf->flags does NOT say which: do_page_mkwrite() sets vmf->flags = FAULT_FLAG_WRITE|FAULT_FLAG_MKWRITE for the call",
		Takes:   "handler-specific",
		Sleeps:  "yes",
		Asserts: "none; assert_fault_locked(vmf) would check the mmap lock (FAULT_FLAG_VMA_LOCK is cleared) and warn falsely under a VMA-lock fault",
		Source:  "mm/memory.c: do_page_mkwrite(), wp_page_shared(), do_shared_fault(), vmf_can_call_fault(); include/linux/mm.h: release_fault_lock()",
		Notes: "inside the handler there is no FAULT_FLAG_ALLOW_RETRY and no FAULT_FLAG_VMA_LOCK: it must never drop the fault lock " +
			"(release_fault_lock() would call mmap_read_unlock() even under a VMA-lock fault), and a VM_FAULT_RETRY it returns is not honoured " +
			"(outside VM_FAULT_ERROR: the core goes on to folio_lock() and finish_mkwrite_fault()). Folio not locked on entry; returns with it " +
			"locked (VM_FAULT_LOCKED) or the core locks it; VM_FAULT_ERROR or VM_FAULT_NOPAGE end the fault. The flags are restored afterwards. " +
			"(Corrected after audit-2026-12 §2.3; ->pfn_mkwrite, by contrast, keeps the flags: wp_pfn_shared() ORs in FAULT_FLAG_MKWRITE.) " +
			"It may sleep, allocate, take folio locks; it must not change vm_flags, vm_ops or the VMA's range"},
	{Name: "vm_ops->pfn_mkwrite", Section: "2.26",
		Hold:    "called with the mmap read lock, or the VMA read lock only if the VMA has ->map_pages (vmf->flags & FAULT_FLAG_VMA_LOCK says which); no PTL held",
		Takes:   "handler-specific",
		Sleeps:  "yes",
		Asserts: "assert_fault_locked(vmf) available",
		Source:  faultHookSource,
		Notes: "for VM_PFNMAP/VM_MIXEDMAP shared mappings. Without ->map_pages the core retries under the mmap lock (vmf_can_call_fault). " +
			faultHookNotes},
	{Name: "vm_ops->huge_fault", Section: "2.26",
		Hold:    "called with the mmap read lock or the VMA read lock (no ->map_pages filter); no PTL held",
		Takes:   "handler-specific",
		Sleeps:  "yes",
		Asserts: "— (none listed)",
		Source:  faultHookSource,
		Notes: "->huge_fault(vmf, order) is called from create_huge_pmd/pud and wp_huge_pmd/pud without the vmf_can_call_fault filter, " +
			"i.e. possibly under a VMA lock. " + faultHookNotes},
	{Name: "vm_ops->map_pages", Section: "2.26",
		Hold:    "called with the mmap read lock or the VMA read lock and rcu_read_lock()",
		Takes:   "PTL (the handler takes PTE locks itself)",
		Sleeps:  "no",
		Asserts: "— (none listed)",
		Source:  faultHookSource,
		Notes:   "->map_pages(vmf, start, end) is fault-around: it runs inside rcu_read_lock(), must not sleep, and must skip pages that are not ready rather than wait"},

	// 2.27
	{Name: "vm_ops->open", Section: "2.27",
		Hold:    "called with the mmap write lock, on a VMA that is not yet visible",
		Takes:   "handler-specific",
		Sleeps:  "yes",
		Asserts: "— (none listed)",
		Source:  "include/linux/mm.h: struct vm_operations_struct; mm/vma.c call sites (not all re-read); dup_mmap() (2023-2025 patches)",
		Notes: "called when the core duplicates a VMA: __split_vma (split for munmap/mprotect/madvise), dup_mmap (fork), copy_vma (mremap). " +
			"dup_mmap(mm, oldmm): mmap_write_lock_killable(oldmm) (-EINTR on a fatal signal), flush_cache_dup_mm, uprobe_dup_mmap, then " +
			"mmap_write_lock_nested(mm, SINGLE_DEPTH_NESTING) on the child; the child's maple tree is cloned with __mt_dup(), and vma_start_write(mpnt) " +
			"is called on every parent VMA (including VM_DONTCOPY ones) before copying it; per copied VMA: vm_area_dup, vma_dup_policy, anon_vma fork " +
			"(anon_vma locks), file rmap link (i_mmap write), ->open(tmp), copy_page_range() (parent and child PTLs nested). " +
			"dup_mmap moved from kernel/fork.c to mm/mmap.c during 2025 (patch seen, merge version not confirmed; not re-verified). " +
			"->may_split, ->mremap and ->mprotect (must not modify the VMA) also run under the mmap write lock"},
	{Name: "vm_ops->close", Section: "2.27",
		Hold:    "called with the mmap lock (write, or read after munmap downgraded it; exit_mmap holds the write lock), VMA detached",
		Takes:   "handler-specific",
		Sleeps:  "yes",
		Asserts: "— (none listed)",
		Source:  "include/linux/mm.h: struct vm_operations_struct; mm/vma.c call sites (not all re-read): remove_vma()",
		Notes: "called when the VMA is removed from the mm (user context), from remove_vma() (munmap completion, exit_mmap); " +
			"the VMA is already detached. Afterwards the core installs the dummy ops (vma_close). A VMA with ->close is never merged"},
	{Name: "vm_ops->may_split", Section: "2.27",
		Hold:    "called with the mmap write lock, first thing in __split_vma(), on the VMA about to be split at addr",
		Takes:   "handler-specific",
		Sleeps:  "yes",
		Asserts: "— (none listed)",
		Source:  "mm/vma.c: __split_vma(); mm/mremap.c: prep_move_vma()",
		Notes: "->may_split(vma, addr) returns 0 or a negative errno; non-zero refuses the split and the caller fails with it: munmap (and mmap's MAP_FIXED unmap), " +
			"mprotect, madvise, mlock, mbind through vma_modify(), mremap (prep_move_vma asks at both ends of the moved range before anything changes). " +
			"A split done before the refusal stays (vms_gather_munmap_vmas(): the split at start is not undone when the one at end is refused; the VMAs gathered meanwhile " +
			"are reattached), so munmap(2) can fail leaving a VMA split and nothing unmapped. Users: hugetlb_vm_op_split() (-EINVAL off the huge page size), " +
			"dev_dax_may_split() (-EINVAL off the device alignment). Kernels before the \"return the exact errno\" fix of vms_gather_munmap_vmas() " +
			"(torvalds/linux@01c373e9a5ce still has `if (__split_vma(...)) goto start_split_failed;` with error = -ENOMEM) return -ENOMEM from munmap instead; mmscript models the fixed kernel. " +
			"The hook must not modify the VMA; nothing checks it"},
	{Name: "vm_ops->mprotect", Section: "2.27",
		Hold:    "called with the mmap write lock, from do_mprotect_pkey() for each VMA of the range, before mprotect_fixup()",
		Takes:   "handler-specific",
		Sleeps:  "yes",
		Asserts: "— (none listed)",
		Source:  "mm/mprotect.c: do_mprotect_pkey(); include/linux/mm.h: struct vm_operations_struct",
		Notes: "->mprotect(vma, start, end, newflags): \"driver-specific permission checks before mprotect() is finalised. The VMA must not be modified. " +
			"Returns 0 if mprotect() can proceed\" (include/linux/mm.h). A non-zero return ends the loop: mprotect(2) returns it, the VMAs before this one are changed already. User: SGX (sgx_vma_mprotect)"},
	{Name: "vm_ops->mremap", Section: "2.27",
		Hold:    "called with the mmap write lock, from copy_vma_and_data() after move_page_tables(), on the new VMA",
		Takes:   "handler-specific",
		Sleeps:  "yes",
		Asserts: "— (none listed)",
		Source:  "mm/mremap.c: copy_vma_and_data() (move_vma() before 2025)",
		Notes: "->mremap(new_vma): a non-zero return makes the kernel move the entries back and unmap the new VMA instead of the old; " +
			"users: special mappings (vdso: special_mapping_mremap updates mm->context.vdso), aio_ring_mremap. The unmap of the new VMA after a refusal, " +
			"and of the source after a move, ask ->may_split at each split they make, as do_vmi_munmap() does"},

	// 2.28
	{Name: "f_op->mmap", Section: "2.28",
		Hold:    "called with the mmap write lock; the new VMA detached (vm_refcnt == 0) and invisible: not yet in the maple tree, not linked into rmap",
		Takes:   "handler may use vm_flags_*, vm_insert_page(s), vm_map_pages, remap_pfn_range, io_remap_pfn_range",
		Sleeps:  "yes",
		Asserts: "mmap_assert_write_locked(current->mm) in mmap_region()",
		Source:  "mm/vma.c: mmap_region(), __mmap_region(), __mmap_new_vma(), __mmap_new_file_vma()",
		Notes: "legacy, now documented as deprecated (f_op->mmap_prepare is preferred). Called from __mmap_new_file_vma() -> mmap_file(). " +
			"The driver may set/clear vm_flags with vm_flags_* (the VMA write-lock step is free on a detached VMA), set vm_ops, vm_private_data, " +
			"vm_page_prot, replace vm_file (vma_set_file). It must not move the VMA (WARN_ON_ONCE(map->addr != vma->vm_start)) or add VM_MAYWRITE " +
			"that was not requested (VM_WARN_ON_ONCE). On error the core drops the file and calls unmap_region() to undo any partial population. " +
			"If the driver changed the flags, merging is not retried in the newest code"},
	{Name: "f_op->mmap_prepare", Section: "2.28",
		Hold:    "called with the mmap write lock, no VMA yet",
		Takes:   "none (stateless); actions run later under the mmap write lock + the new VMA's write lock",
		Sleeps:  "yes",
		Asserts: "same as f_op->mmap: mmap_assert_write_locked() in mmap_region()",
		Source: "mm/vma.c: mmap_region(), __mmap_region(), call_mmap_prepare(); include/linux/mm.h: mmap_action_* @0326440c; " +
			"Documentation/filesystems/mmap_prepare.rst",
		Notes: "v6.16+, the preferred hook, ->mmap_prepare(struct vm_area_desc *desc); called from call_mmap_prepare() at the very start of __mmap_region, " +
			"before merging. desc: immutable mm, file, start, end; mutable pgoff, vm_file, vma_flags (vma_desc_set_flags/clear_flags), page_prot; " +
			"write-only vm_ops, private_data; action. Must be stateless: the mapping may still fail or be merged into an existing VMA. " +
			"Deferred work through desc->action (mmap_action_remap(_full), mmap_action_ioremap(_full)); mmap_action_complete() runs after the new VMA " +
			"has been write-locked (vma_start_write) and inserted, optionally hidden from rmap until completion (hide_from_rmap_until_complete); " +
			"if the action fails the VMA is unmapped (do_munmap) and mmap() fails. " +
			"mmscript: an ops block's mmap_prepare(desc) handler, called by the kernel library's mmap (kernel/mmap.mms: call_mmap_prepare) " +
			"with desc.mm, desc.file, desc.start, desc.end, desc.pgoff and desc.vm_flags; vma_desc_set_flags / vma_desc_clear_flags change the flags; " +
			"the ops block becomes the VMA's vm_ops (desc->vm_ops); desc->action is not modelled"},

	// 2.29
	{Name: "free_pgtables", Section: "2.29",
		Hold: "mmap write lock (unmap->mm_wr_locked) or the VMAs unreachable (detached, munmap after mmap_write_downgrade); range already zapped, " +
			"nobody able to install new entries",
		Takes:   "tlb_free_vmas -> [VMA write lock per VMA] -> anon_vma write lock (unlink_anon_vmas) -> i_mmap write lock (batched unlink_file_vma) -> table free without PTL (pgd_clear ... pmd_clear, via mmu_gather / RCU)",
		Sleeps:  "yes (rwsems)",
		Asserts: "WARN_ON_ONCE on range sanity; via vma_start_write (mmap_assert_write_locked); unlink_anon_vmas(): mmap_assert_locked(vma->vm_mm)",
		Source:  "mm/memory.c: free_pgtables(), free_pgd_range() @0326440c; process_addrs.rst \"Page table freeing\"",
		Notes:   "internal to munmap/exit: free_pgtables(tlb, struct unmap_desc *unmap)"},

	// 2.30
	{Name: "unmap_vmas", Section: "2.30",
		Hold:    "mmap lock (write, or read after downgrade / exit)",
		Takes:   "mmu_notifier_invalidate_range_start(MMU_NOTIFY_UNMAP) for the whole range -> per VMA: hugetlb_zap_begin, __zap_vma_range (PTE locks, huge-PMD splitting under PMD lock), hugetlb_zap_end -> notifier end",
		Sleeps:  "yes",
		Asserts: "none beyond those in the zap helpers",
		Source:  "mm/memory.c: unmap_vmas()",
		Notes: "internal: unmap_vmas(tlb, struct unmap_desc *unmap). Callers: vms_clear_ptes during munmap (mmap write lock, or read after downgrade, " +
			"VMAs already detached) and exit_mmap (mmap read lock, then write for free_pgtables). The caller owns the final TLB flush (tlb_finish_mmu). " +
			"mm/hugetlb.c (hugetlb_zap_begin/end) not re-verified (§5)"},

	// 2.31
	{Name: "retract_page_tables", Section: "2.31",
		Hold:    "the new THP folio locked; no mmap lock and no VMA lock of the affected mms",
		Takes:   "i_mmap_lock_read -> per VMA: mmu_notifier_invalidate_range_start -> pte_offset_map_rw_nolock -> pmd_lock (PMD PTL) -> PTE PTL (nested) -> re-check pmd_same, pmdp_collapse_flush -> drop both -> notifier end -> pte_free_defer (RCU table free)",
		Sleeps:  "yes (between VMAs: rwsem, notifier)",
		Asserts: "none",
		Source:  "mm/khugepaged.c: retract_page_tables() (code quoted in 2024 patch mails, ids 1898789025/25069016913); process_addrs.rst",
		Notes: "khugepaged file THP collapse, retract_page_tables(mapping, pgoff); skips VMAs with an anon_vma, uffd-wp, etc. The documented case of " +
			"freeing a PTE table under rmap + PMD + PTE locks only: any lockless PTE reader must hold RCU and revalidate the PMD after taking the PTE lock, " +
			"because this can remove a PTE table under a reader that only holds the mmap read lock"},

	// 2.32
	{Name: "move_page_tables", Section: "2.32",
		Hold:    "mmap write lock; both VMAs write-locked (by the mremap code)",
		Takes:   "flush_cache_range -> mmu_notifier_invalidate_range_start (UNMAP) -> per extent: allocate destination tables -> [i_mmap_lock_write -> anon_vma_lock_write (take_rmap_locks) if need_rmap_locks; always for whole-PMD/PUD moves] -> old PTL -> new PTL (spin_lock_nested) -> move entries -> flush_tlb_range of the old range before dropping the PTLs -> unlock -> drop rmap locks -> notifier end",
		Sleeps:  "yes (cond_resched, rwsems, allocation), not under PTL",
		Asserts: "WARN_ON_ONCE if the destination table is not empty, VM_BUG_ON on unexpected huge entries",
		Source: "mm/mremap.c: move_page_tables(), move_ptes(), move_normal_pmd(), move_normal_pud(), take_rmap_locks(), move_pgt_entry(); " +
			"process_addrs.rst \"Page table moving\"",
		Notes: "mremap and the exec stack move: move_page_tables(struct pagetable_move_control *pmc). The nested PTL is justified by the exclusive mmap lock; " +
			"moving higher-level tables needs all of mmap, VMA and rmap locks"},

	// Syscalls without an op yet (audit-2026-12 §1 row 26, §6 fix 5).
	{Name: "madvise", Section: "2.41",
		Hold:    "no mmap lock of this mm (the syscall takes what the behaviour needs)",
		Takes:   "per behaviour (mm/madvise.c: get_lock_mode()): MADV_DONTNEED, MADV_DONTNEED_LOCKED, MADV_FREE (and MADV_GUARD_* in the newest tree): the VMA read lock (lock_vma_under_rcu), falling back to mmap_read_lock when the range is not one VMA; MADV_REMOVE, MADV_WILLNEED, MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ/WRITE, MADV_COLLAPSE: mmap_read_lock (MADV_REMOVE drops it around vfs_fallocate(), which takes the inode lock: madvise_remove()); every other behaviour: mmap_write_lock_killable, with vma_start_write on each VMA it changes -> per VMA the behaviour's work (DONTNEED/FREE: each PMD entry under its PMD or PTE lock, inside the madvise mmu_gather; COLD/PAGEOUT: likewise with a gather of their own, PAGEOUT's reclaim_pages() after each lock; flush_tlb_batched_pending() right after each PTE lock) -> unlock",
		Sleeps:  "yes",
		Asserts: "as the helpers it calls (vma_start_write -> mmap_assert_write_locked for the write-mode behaviours)",
		Source:  "mm/madvise.c: get_lock_mode(), madvise_lock(), madvise_do_behavior(), is_vma_lock_sufficient() (linux-mm 2026)",
		Notes: "the per-VMA-lock mode is used only when is_vma_lock_sufficient(): a single VMA, the current mm, no userfaultfd arming, and an anon_vma already " +
			"present when the behaviour would prepare one; otherwise the mmap read lock. MADV_DONTNEED under the VMA lock can run concurrently with faults " +
			"on other VMAs and with other madvise calls. Not simulated yet: no madvise op"},
	{Name: "mremap", Section: "2.32",
		Hold:    "no mmap lock of this mm (the syscall takes it)",
		Takes:   "mmap_write_lock_killable -> vma_start_write on the old VMA and on the new one (copy_vma) -> move_page_tables: per extent take_rmap_locks (i_mmap_lock_write -> anon_vma_lock_write) when needed (always for whole PMD/PUD moves), old PTL -> new PTL (nested), move the entries, flush_tlb_range of the old range before the PTLs drop -> drop_rmap_locks -> unmap the old range -> mmap_write_unlock",
		Sleeps:  "yes",
		Asserts: "via vma_start_write (mmap_assert_write_locked); WARN_ON_ONCE on a non-empty destination table in move_normal_pmd/pud",
		Source:  "mm/mremap.c: do_mremap(), move_vma(), copy_vma_and_data(), move_page_tables(), move_ptes(), move_normal_pmd(), take_rmap_locks(); mm/vma.c: copy_vma()",
		Notes: "moving page tables needs all of the mmap write lock, the VMA write locks and the rmap write locks (process_addrs.rst \"Page table moving\"); " +
			"the TLB flush before the PTL is dropped is the CVE-2018-18281 fix. See move_page_tables. Not simulated yet: no mremap op"},

	// 2.33
	{Name: "try_to_unmap", Section: "2.33",
		Hold:    "the folio lock (\"Context: Caller must hold the folio lock\"); no mm/VMA lock: VMAs are reached and stabilised through the rmap",
		Takes:   "rmap_walk (rmap_walk_locked with TTU_RMAP_LOCKED) -> anon: folio_lock_anon_vma_read / file: i_mmap_lock_read -> per VMA (try_to_unmap_one): mmu_notifier_invalidate_range_start -> [huge-PMD split] -> page_vma_mapped_walk (PMD/PTE lock) -> clear PTE + TLB flush (or batched flush) -> notifier end",
		Sleeps:  "yes, between VMAs",
		Asserts: "VM_BUG_ON_FOLIO(!folio_test_locked) in the file rmap walk",
		Source:  "mm/rmap.c: try_to_unmap(), try_to_unmap_one(), rmap_walk_file()",
		Notes: "try_to_migrate (same section) has the same rules. Per VMA it also installs swap/migration entries and removes the rmap. " +
			"Hugetlb paths additionally take the hugetlb VMA lock (trylock); mm/hugetlb.c not re-verified (§5). Newest mails change the return type to bool"},

	// 2.34
	{Name: "folio_referenced", Section: "2.34",
		Hold:    "nothing mandatory; optional folio lock (trylocks if needed)",
		Takes:   "rmap walk with try_lock = true (rmap locks only try-locked; contention -> return -1) -> per mapping page_vma_mapped_walk (PTL), clear young",
		Sleeps:  "may resched (used from reclaim; the walk may cond_resched)",
		Asserts: "none",
		Source:  "mm/rmap.c: folio_referenced(), folio_referenced_one() (not re-verified in source; consistent with the rmap_walk_file trylock code)",
		Notes: "not re-verified (§5). If is_locked is 0 and the folio is file-backed or KSM, it folio_trylocks and returns \"referenced\" (1) " +
			"if the trylock fails"},

	// 2.35
	{Name: "rmap_walk", Section: "2.35",
		Hold:    "the folio lock, for file and anon folios (rmap_walk_anon() warns without it; an rwc->anon_lock callback only replaces how the anon_vma is locked)",
		Takes:   "anon: anon_vma_lock_read / file: i_mmap_lock_read (trylock if rwc->try_lock)",
		Sleeps:  "yes",
		Asserts: "VM_BUG_ON_FOLIO(!folio_test_locked(folio)) in rmap_walk_file(); VM_WARN_ON_FOLIO(!folio_test_locked(folio)) in rmap_walk_anon()",
		Source:  rmapWalkSource,
		Notes:   "callbacks (rmap_one) run with that rwsem held (may sleep, but not under their own PTL)"},
	{Name: "rmap_walk_locked", Section: "2.35",
		Hold:    "the i_mmap / anon_vma lock already held by the caller",
		Takes:   "none",
		Sleeps:  "yes",
		Asserts: "— (none listed)",
		Source:  rmapWalkSource},

	// 2.36
	{Name: "page_vma_mapped_walk", Section: "2.36",
		Hold:    "VMA stable: normally from an rmap_one callback (rmap lock held) or under the mmap/VMA lock; for hugetlb, i_mmap_rwsem",
		Takes:   "returns true with pvmw->ptl locked (PMD lock for a PMD-mapped THP, else the PTE lock, PTE mapped under RCU); false with everything unlocked/unmapped; crossing a page-table boundary drops and re-takes",
		Sleeps:  "no while returning a locked entry",
		Asserts: "none",
		Source:  "mm/page_vma_mapped.c: page_vma_mapped_walk()",
		Notes:   "page_vma_mapped_walk_done() stops early"},

	// 2.37
	{Name: "split_huge_pmd", Section: "2.37",
		Hold:    "VMA stable (mmap, VMA or rmap lock)",
		Takes:   "mmu_notifier_range_init (PMD-aligned range) -> mmu_notifier_invalidate_range_start -> pmd_lock() -> split_huge_pmd_locked() -> spin_unlock -> notifier end",
		Sleeps:  "yes",
		Asserts: "in split_huge_pmd_locked(): VM_WARN_ON_ONCE(!IS_ALIGNED(address, HPAGE_PMD_SIZE)); in __split_huge_pmd_locked(): VM_BUG_ON/VM_BUG_ON_VMA on the range; debug kernels only, no lock assertion",
		Source:  splitPMDSource,
		Notes: "the split_huge_pmd() macro pre-checks the entry locklessly and calls __split_huge_pmd(vma, pmd, address, freeze=false); the split acts only " +
			"if the entry is still trans-huge or a valid PMD softleaf (migration or device-private entry), rechecked under the lock " +
			"(2026: the folio argument and the devmap case are gone). Zap, mprotect and rmap walkers all call it"},
	{Name: "split_huge_pmd_locked", Section: "2.37",
		Hold:    "the PMD lock, with the mmu-notifier invalidation already started",
		Takes:   "none",
		Sleeps:  "no",
		Asserts: "VM_WARN_ON_ONCE(!IS_ALIGNED(address, HPAGE_PMD_SIZE)); __split_huge_pmd_locked(): VM_BUG_ON(haddr & ~HPAGE_PMD_MASK), VM_BUG_ON_VMA() on the range; the PMD lock is not asserted",
		Source:  splitPMDSource},

	// 2.38
	{Name: "mmu_notifier_invalidate_range_start", Section: "2.38",
		Hold:    "VMA/range stable (mmap, VMA or rmap lock), no spinlocks (PTL)",
		Takes:   "might_sleep() -> lockdep pseudo-lock (__mmu_notifier_invalidate_range_start_map) -> subscribers' callbacks (SRCU)",
		Sleeps:  "yes (_nonblock: no)",
		Asserts: "might_sleep(), lockdep map",
		Source:  "include/linux/mmu_notifier.h, mm/mmu_notifier.c (as quoted in patch mails)",
		Notes: "also mmu_notifier_invalidate_range_start_nonblock() and mmu_notifier_invalidate_range_end() (same row). Start and end must be paired; " +
			"the page-table change they bracket happens in between. _nonblock marks the range non-blockable and may fail with -EAGAIN (OOM reaper). " +
			"_end sleeps only if blockable"},

	// 2.39
	{Name: "tlb_gather_mmu", Section: "2.39",
		Hold:    "whatever protects the zap (mmap/VMA/rmap lock)",
		Takes:   "none (initialises the on-stack batch, inc_tlb_flush_pending(mm))",
		Sleeps:  "no",
		Asserts: "none",
		Source:  tlbGatherSource,
		Notes: "-> __tlb_gather_mmu(tlb, mm, false). tlb_gather_mmu_fullmm is the exit/execve variant (mm without users); tlb_gather_mmu_vma (new) " +
			"also sets VMA flags and the hugetlb page size and does not need tlb_start_vma"},
	{Name: "tlb_finish_mmu", Section: "2.39",
		Hold:    "the same lock as the zap, no PTL",
		Takes:   "tlb_flush_mmu(): TLB flush, then page-table freeing through RCU, then freeing of batched pages -> tlb_batch_list_free() -> dec_tlb_flush_pending(mm)",
		Sleeps:  "yes (the synchronize_rcu fallback, page freeing)",
		Asserts: "VM_WARN_ON_ONCE(tlb->fully_unshared_tables); no lock assertion",
		Source:  tlbGatherSource,
		Notes: "if mm_tlb_flush_nested(mm) (another thread batching on the same mm, possible under the mmap read lock, e.g. parallel MADV_DONTNEED, " +
			"or munmap freeing tables) it forces fullmm and freed_tables. Table freeing: call_rcu, or with CONFIG_PT_RECLAIM per-table call_rcu, " +
			"else synchronize_rcu() when no batch page could be allocated. Callers that unshared hugetlb PMD tables must call huge_pmd_unshare_flush() first. " +
			"The zap code flushes the TLB under PTL but frees pages only after dropping it. The page-freeing path (tlb_batch_pages_flush() -> " +
			"__tlb_batch_free_encoded_pages()) frees at most 512 folios at a time and calls cond_resched() between chunks (mm/mmu_gather.c, linux-mm@0796b489)"},
}

func init() {
	for _, a := range documentedAPIs {
		register(a)
	}
}
