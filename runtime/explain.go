package runtime

// `mmscript explain NAME` (and the REPL's :explain): one answer for every
// name a user may ask about: a rule-book API, a handler, a script type or
// field, a constant, a former or sibling kernel name, or a topic that no
// single API answers (locks, fault-handler, user-access). Near misses get a
// did-you-mean by edit distance.

import (
	"fmt"
	"sort"
	"strings"
)

// AliasNote says how a name with no entry of its own relates to the kernel
// of today (a former name, a sibling, a removed constant): the compiler
// adds it to "undefined" and "unknown operation" errors, so a script
// written from an older kernel's source learns what became of the name.
func AliasNote(name string) (string, bool) {
	al, ok := aliases[name]
	return al.Note, ok
}

// alias is a name people search for that has no entry of its own: a former
// name, a sibling documented with another entry, or a helper whose rules a
// topic or an entry states.
type alias struct {
	Target string // the entry or topic that answers it ("" for none)
	Note   string // how the name relates to it
}

var aliases = map[string]alias{
	"NULL":                         {"", "NULL is nil in mmscript, and may be written either way: `vma == NULL`, `!vma`, `return nil`, zap_vma_range(vma, addr, size, NULL)"},
	"current":                      {"current_mm", "current->mm is current_mm(), the script's mm (mmscript has no task_struct); kernel-form calls such as get_user_pages(start, nr_pages, gup_flags, pages) use it"},
	"likely":                       {"", "likely() is a branch hint: write the condition alone (`if vma { ... }`)"},
	"unlikely":                     {"", "unlikely() is a branch hint: write the condition alone (`if !vma { ... }`)"},
	"VM_FAULT_WRITE":               {"handle_mm_fault", "the vm_fault_t bit 0x8, removed in v6.2 with FOLL_COW (David Hildenbrand's \"reliable R/O long-term pinning\" series): before, do_wp_page() returned it once it had broken COW (or reused the page), and faultin_page() then dropped FOLL_WRITE for a VMA without VM_WRITE (the test Dirty COW raced, CVE-2016-5195); mainline's handle_mm_fault() never says so. A script of a pre-v6.2 faultin_page() can test what the bit meant: a write fault that succeeded (ret & VM_FAULT_ERROR == 0) on a VMA without VM_WRITE"},
	"zap_page_range":               {"zap_vma_range", "zap_page_range() was removed in v6.3; its callers use zap_vma_range() (then zap_page_range_single()) or unmap_vmas()"},
	"unmap_page_range":             {"unmap_vmas", "unmap_page_range() is the internal per-VMA zap loop (mm/memory.c) under unmap_vmas() and __zap_vma_range(); callers outside mm use zap_vma_range() or zap_vma_ptes()"},
	"zap_vma_range_batched":        {"zap_vma_range", "zap_vma_range_batched() is zap_vma_range() with the caller's mmu_gather (unmap_mapping_range uses it); same rules"},
	"walk_page_range_novma":        {"walk_page_range_debug", "walk_page_range_novma() was split (2025) into walk_kernel_page_table_range() for kernel tables (init_mm's mmap lock) and walk_page_range_debug() for user ranges without a VMA (mmap write lock)"},
	"walk_kernel_page_table_range": {"walk_page_range_debug", "walk_kernel_page_table_range() walks kernel page tables under init_mm's mmap lock (read is enough; mmap_assert_locked(&init_mm))"},
	"pte_offset_map_ro_nolock":     {"locks", "pte_offset_map_ro_nolock() maps the PTE table under RCU without taking the PTE lock and returns the lock's address: read-only use; a writer must take the lock and recheck pmd_same() (process_addrs.rst \"Page table locks\"). Its writable sibling is pte_offset_map_rw_nolock()"},
	"pud_lockptr":                  {"pmd_lock", "pud_lockptr() returns mm->page_table_lock, the lock pud_lock() takes (PUD tables have no split lock; process_addrs.rst \"Page table installation\")"},
	"__pte_offset_map_lock":        {"pte_offset_map_lock", "__pte_offset_map_lock() is pte_offset_map_lock()'s body: it reads the PMD locklessly, maps the PTE table under RCU, takes the PTE lock and re-checks pmd_same(); callers use pte_offset_map_lock()"},
	"pmd_ptdesc":                   {"pmd_lock", "pmd_ptdesc() finds the struct ptdesc of a PMD table, where the split PMD lock lives (USE_SPLIT_PMD_PTLOCKS); pmd_lock() takes that lock"},
	"pgdp_get":                     {"ptep_get", "pgdp_get() reads a PGD entry once (READ_ONCE); the rules are ptep_get()'s one level up: re-check under the lock before acting on it"},
	"READ_ONCE":                    {"ptep_get", "READ_ONCE() (include/asm-generic/rwonce.h) makes the compiler load a value exactly once; the pXXp_get() accessors (pgdp_get() ... ptep_get()) are built on it (process_addrs.rst \"Atomicity\"): a page-table entry read without the lock is read once and re-checked under the lock before it is acted on"},
	"p4dp_get":                     {"ptep_get", "p4dp_get() reads a P4D entry once (READ_ONCE); the rules are ptep_get()'s one level up: re-check under the lock before acting on it"},
	"pudp_get":                     {"ptep_get", "pudp_get() reads a PUD entry once (READ_ONCE); the rules are ptep_get()'s one level up: re-check under the lock before acting on it"},
	"set_pgd":                      {"pte_alloc", "set_pgd() writes a PGD entry atomically; populating one is __p4d_alloc()'s job, under mm->page_table_lock, with the VMA kept stable by the mmap or VMA lock"},
	"set_p4d":                      {"pte_alloc", "set_p4d() writes a P4D entry atomically; populating one is __pud_alloc()'s job, under mm->page_table_lock, with the VMA kept stable by the mmap or VMA lock"},
	"set_pud":                      {"pte_alloc", "set_pud() writes a PUD entry atomically; populating one is __pmd_alloc()'s job, under the PUD lock (mm->page_table_lock), with the VMA kept stable by the mmap or VMA lock"},
	"set_pmd":                      {"set_pmd_at", "set_pmd() writes a PMD entry atomically; a user PMD is written with set_pmd_at() under the PMD lock"},
	"set_pte":                      {"ptep_get_and_clear", "set_pte() (set_pte_at(), set_ptes()) writes a PTE atomically, under the PTE lock of its table (pte_offset_map_lock())"},
	"pgd_clear":                    {"free_pgtables", "pgd_clear() clears a PGD entry without a lock, as free_pgtables() does once no VMA can reach the range"},
	"p4d_clear":                    {"free_pgtables", "p4d_clear() clears a P4D entry without a lock, as free_pgtables() does once no VMA can reach the range"},
	"pud_clear":                    {"free_pgtables", "pud_clear() clears a PUD entry without a lock, as free_pgtables() does once no VMA can reach the range"},
	"pmd_clear":                    {"free_pgtables", "pmd_clear() clears a PMD entry without a lock, as free_pgtables() does once no VMA can reach the range; anywhere else the PMD lock is needed"},
	"pte_clear":                    {"ptep_get_and_clear", "pte_clear() clears a PTE without returning the old value, under the PTE lock; callers that need the dirty or young bit use ptep_get_and_clear()"},
	"__p4d_alloc":                  {"pte_alloc", "__p4d_alloc() allocates a P4D table and installs it under mm->page_table_lock (re-checking that none was installed meanwhile); the VMA must be stable under the mmap or VMA lock"},
	"__pud_alloc":                  {"pte_alloc", "__pud_alloc() allocates a PUD table and installs it under mm->page_table_lock (re-checking that none was installed meanwhile); the VMA must be stable under the mmap or VMA lock"},
	"__pmd_alloc":                  {"pte_alloc", "__pmd_alloc() allocates a PMD table and installs it under pud_lock() (mm->page_table_lock); the VMA must be stable under the mmap or VMA lock"},
	"__pte_alloc":                  {"pte_alloc", "__pte_alloc() is pte_alloc()'s slow path: it allocates a PTE table and installs it under the PMD lock"},
	"__pud_install":                {"pte_alloc", "__pud_install() installs a new PUD table under mm->page_table_lock, after checking the P4D entry is still empty"},
	"expand_upwards":               {"expand_stack", "expand_upwards() is expand_stack()'s step for an upward-growing stack (CONFIG_STACK_GROWSUP): vma_start_write() on the stack VMA, anon_vma_lock_write(), mm->page_table_lock around the boundary"},
	"task_numa_work":               {"", "task_numa_work() (kernel/sched/fair.c) updates vma->numab_state under the mmap read lock and change_prot_numa()s ranges; mmscript does not model NUMA balancing"},
	"mm_lock_seqcount_end":         {"mmap_write_unlock", "mm_lock_seqcount_end() moves mm->mm_lock_seq when the mmap write lock is released or downgraded (vma_end_write_all()), which ends every VMA write lock at once"},
	"vma_end_write":                {"vma_start_write", "there is no vma_end_write(): every VMA write lock ends when the mmap write lock is released or downgraded (vma_end_write_all())"},
	"find_extend_vma":              {"find_extend_vma_locked", "find_extend_vma() no longer exists (v6.5); find_extend_vma_locked() needs the mmap write lock"},
	"follow_pfn":                   {"follow_pfnmap_start", "follow_pfn() and follow_pte() were replaced (v6.12) by follow_pfnmap_start()/follow_pfnmap_end()"},
	"follow_pte":                   {"follow_pfnmap_start", "follow_pte() was replaced (v6.12) by follow_pfnmap_start()/follow_pfnmap_end()"},
	"walk_page_range_mm":           {"walk_page_range", "walk_page_range_mm() (mm/internal.h; the rule book's §2.21 name) is walk_page_range() without check_ops_safe(), so mm-internal callers may install PTEs (ops->install_pte); renamed walk_page_range_mm_unsafe() in 2026, same lock checks (process_mm_walk_lock(), find_vma())"},
	"walk_page_range_mm_unsafe":    {"walk_page_range", "walk_page_range_mm_unsafe() (mm/pagewalk.c, 2026; walk_page_range_mm() before) is walk_page_range() without check_ops_safe(): mm-internal callers may install PTEs; the same lock checks (process_mm_walk_lock(), find_vma())"},
	"walk_page_range_vma_unsafe":   {"walk_page_range_vma", "walk_page_range_vma_unsafe() (mm/pagewalk.c, 2026) is walk_page_range_vma() without check_ops_safe(); the same process_mm_walk_lock() and process_vma_walk_lock() checks"},
	"vma_iterator":                 {"vma_find", "struct vma_iterator (include/linux/mm_types.h): VMA_ITERATOR(vmi, mm, addr) declares one; vma_find(&vmi, max), vma_next(&vmi), for_each_vma(vmi, vma) { } and for_each_vma_range(vmi, vma, end) { } walk it (`mmscript explain loops`)"},
	"folio_walk":                   {"folio_walk_start", "struct folio_walk (include/linux/pagewalk.h) is what folio_walk_start() fills (page, level, entry pointer and value, the PTL) and folio_walk_end() releases"},
	"FW_VMA_LOCKED":                {"folio_walk_start", "FW_VMA_LOCKED (mainline 2026; not in 6.18) lets folio_walk_start() run under the VMA read lock: it then asserts vma_assert_locked() instead of the mmap lock"},
	"FW_ZEROPAGE":                  {"folio_walk_start", "FW_ZEROPAGE makes folio_walk_start() return the shared zero folio (small or huge) too; fw->page is NULL for it"},
	"tlb_gather_mmu_fullmm":        {"tlb_gather_mmu", "tlb_gather_mmu_fullmm() is the exit/execve variant for an mm without users"},
	"pte_entry":                    {"walk_page_range", "mm_walk_ops.pte_entry is called by the page-table walkers with the PTE lock held (pte_offset_map_lock): it must not sleep; in scripts it is an ops block's pte_entry(addr, pfn)"},
	"pmd_entry":                    {"walk_page_range", "mm_walk_ops.pmd_entry runs without the PTE lock; it takes pmd_trans_huge_lock() or pte_offset_map_lock() itself"},
	// Assertions people grep for: what they check and how the kernel reacts.
	"assert_fault_locked": {"fault-handler", "assert_fault_locked(vmf) (include/linux/mm.h): vma_assert_locked(vmf->vma) under FAULT_FLAG_VMA_LOCK, else mmap_assert_locked(); a handler's way to check the fault lock. Not in ->page_mkwrite: do_page_mkwrite() replaces vmf->flags, so it checks the mmap lock even under a VMA-lock fault"},
	"vma_end_write_all":   {"mmap_write_unlock", "vma_end_write_all(mm) (include/linux/mmap_lock.h) ends every VMA write lock of the mm at once (it advances mm->mm_lock_seq); mmap_write_unlock() and mmap_write_downgrade() call it, nothing else should"},
	// The rest of include/linux/mmap_lock.h (linux-mm@1632d9c3381f, read),
	// which process_addrs.rst renders in "Functions and structures".
	"vma_refcount_put":              {"vma_end_read", "vma_refcount_put() (include/linux/mmap_lock.h, kernel-doc) is vma_end_read()'s body: it drops the vm_refcnt reference a VMA read lock holds and wakes a writer waiting in vma_start_write() when it was the last reader; callers use vma_end_read()"},
	"mmap_read_unlock_non_owner":    {"mmap_read_unlock", "mmap_read_unlock_non_owner() (include/linux/mmap_lock.h) releases a read hold of the mmap lock that another context took (up_read_non_owner()), for a release deferred to irq_work; lockdep does not see the release, so the acquirer must have handed the hold off itself (rwsem_release())"},
	"mmap_lock_speculate_try_begin": {"locks", "mmap_lock_speculate_try_begin(mm, &seq) (include/linux/mmap_lock.h) starts a read of mm state without the mmap lock: it samples mm->mm_lock_seq and fails while the mmap lock is write-held (raw_seqcount_try_begin()); whatever was read is valid only if mmap_lock_speculate_retry(mm, seq) then returns false. uprobes uses it under RCU"},
	"mmap_lock_speculate_retry":     {"locks", "mmap_lock_speculate_retry(mm, seq) (include/linux/mmap_lock.h) is read_seqcount_retry(&mm->mm_lock_seq, seq): true when an mmap write lock was taken since mmap_lock_speculate_try_begin(), so the speculative read must be discarded"},
	"vma_assert_attached":           {"vma_start_write", "vma_assert_attached(vma) (include/linux/mmap_lock.h) is WARN_ON_ONCE(!vm_refcnt): the VMA is in the tree; its comment asks for the mmap write lock (or an isolated VMA) to avoid racing vma_mark_attached()/vma_mark_detached()"},
	"vma_assert_detached":           {"vma_start_write", "vma_assert_detached(vma) (include/linux/mmap_lock.h) is WARN_ON_ONCE(vm_refcnt): the VMA has left the tree; same caveat as vma_assert_attached()"},
	"vma_mark_attached":             {"vma_start_write", "vma_mark_attached(vma) (include/linux/mmap_lock.h) sets vm_refcnt to 1 when a VMA enters the tree, after vma_assert_write_locked() and vma_assert_detached(); the VMA tree helpers (vma_iter_store*) call it"},
	"vma_mark_detached":             {"vma_start_write", "vma_mark_detached(vma) (include/linux/mmap_lock.h) drops the attached reference when a VMA leaves the tree, after vma_assert_write_locked() and vma_assert_attached(), and waits for readers that still hold a reference (__vma_exclude_readers_for_detach())"},
	"vma_is_attached":               {"vma_start_write", "vma_is_attached(vma) (include/linux/mmap_lock.h) is refcount_read(&vma->vm_refcnt) != 0"},
	"vma_assert_can_modify":         {"vma_start_write", "vma_assert_can_modify(vma) (include/linux/mmap_lock.h) is vma_assert_write_locked() for an attached VMA; a detached one may be changed freely"},
	"mm_lock_seqcount_begin":        {"mmap_write_lock", "mm_lock_seqcount_begin() (include/linux/mmap_lock.h) makes mm->mm_lock_seq odd when the mmap write lock is taken, which fails speculative readers (mmap_lock_speculate_try_begin())"},
	// Siblings and callers' names.
	"do_mmap":       {"mmap", "do_mmap() (mm/mmap.c) is mmap() for a caller that already holds the mmap write lock (vm_mmap_pgoff() takes it around do_mmap())"},
	"vm_mmap_pgoff": {"mmap", "vm_mmap_pgoff() (mm/util.c) takes mmap_write_lock_killable() around do_mmap(): the mmap(2) path"},
	"do_munmap":     {"munmap", "do_munmap() (mm/mmap.c) unmaps for a caller that holds the mmap write lock (do_vmi_munmap() without dropping it)"},
	"do_vmi_munmap": {"munmap", "do_vmi_munmap() (mm/vma.c) is munmap's body under the mmap write lock; with unlock=true it returns with the lock dropped"},
	"gup":           {"get_user_pages", "GUP is the get_user_pages*() / pin_user_pages*() family: with the mmap lock held, get_user_pages() / pin_user_pages() (and _remote for another mm); without it, get_user_pages_unlocked() / get_user_pages_fast() / pin_user_pages_fast()"},
	"GUP":           {"get_user_pages", "GUP is the get_user_pages*() / pin_user_pages*() family: with the mmap lock held, get_user_pages() / pin_user_pages() (and _remote for another mm); without it, get_user_pages_unlocked() / get_user_pages_fast() / pin_user_pages_fast()"},
	"PTL":           {"locks", "the PTL is a page-table lock: the split PTE lock (pte_offset_map_lock()), the PMD lock (pmd_lock()) or mm->page_table_lock, all spinlocks"},
	"ptl":           {"locks", "the PTL is a page-table lock: the split PTE lock (pte_offset_map_lock()), the PMD lock (pmd_lock()) or mm->page_table_lock, all spinlocks"},
	"rcu":           {"locks", "RCU keeps PTE tables (pte_offset_map()) and VMA structs (lock_vma_under_rcu()) from being freed while a reader is in its section; it stabilises nothing else"},
	"RCU":           {"locks", "RCU keeps PTE tables (pte_offset_map()) and VMA structs (lock_vma_under_rcu()) from being freed while a reader is in its section; it stabilises nothing else"},
	// A script's lock declarations (interp: `rwsem NAME`).
	"rwsem":        {"down_read", "`rwsem NAME` declares a driver's own struct rw_semaphore (init_rwsem(): a lockdep class of its own, include/linux/rwsem.h), taken with down_read(), down_read_nested(), down_read_trylock(), down_write(), down_write_trylock(), up_read(), up_write() and downgrade_write() (kernel/locking/rwsem.c); fair to writers: a reader arriving while a writer waits queues behind it"},
	"rw_semaphore": {"down_read", "struct rw_semaphore (include/linux/rwsem.h): the mmap lock, i_mmap_rwsem, i_rwsem and invalidate_lock are rwsems; a script declares its own with `rwsem NAME`"},
	"srcu":         {"synchronize_srcu", "`srcu NAME` declares a struct srcu_struct (DEFINE_SRCU(), init_srcu_struct()): idx = srcu_read_lock(&ss) and srcu_read_unlock(&ss, idx) delimit a read-side section, which may sleep; synchronize_srcu(&ss) waits for the sections of ss that began before it (kernel/rcu/srcutree.c)"},
	"srcu_struct":  {"synchronize_srcu", "struct srcu_struct (include/linux/srcu.h): a sleepable-RCU domain, declared in a script with `srcu NAME`; its lockdep map makes synchronize_srcu() inside its own reader, and a lock held across synchronize_srcu() that a reader takes, lockdep reports"},
	"bitlock":      {"wait_on_bit_lock", "`bitlock NAME` declares a sleeping bit lock without a lockdep map (the kernel's PG_locked, BH_Lock and gfs2's glocks are such locks): wait_on_bit_lock(), test_and_set_bit_lock(), clear_and_wake_up_bit(); lockdep checks nothing of it, so an inversion is found only as the deadlock it causes (mmscript explore)"},
	"glock":        {"wait_on_bit_lock", "a gfs2 glock (fs/gfs2/glock.c) is no lockdep lock: a holder waits in gfs2_glock_wait() with wait_on_bit(&gh->gh_iflags, HIF_WAIT); a script models one as a `bitlock NAME` (examples/bugs/gfs2-mmap-fault-glock-buggy.mms)"},
	// Kernel struct and flag names, answered by the script type or field that models them.
	"vm_area_struct":          {"vma", "struct vm_area_struct is the script type vma"},
	"vm_fault":                {"vmf", "struct vm_fault is the script type vmf"},
	"mm_struct":               {"mm", "struct mm_struct is the script type mm"},
	"folio":                   {"page", "struct folio is modelled by the script type page (reference and map counts are the folio's)"},
	"address_space":           {"file", "struct address_space (file->f_mapping) is modelled by the script type file, with its i_mmap_rwsem"},
	"vm_operations_struct":    {"fault-handler", "struct vm_operations_struct: a script's ops block (fault, map_pages, page_mkwrite, open, close, ...)"},
	"FAULT_FLAG_VMA_LOCK":     {"vmf.vma_lock", "FAULT_FLAG_VMA_LOCK is the script field vmf.vma_lock, and a flag handle_mm_fault() takes (handle_mm_fault(vma, addr, FAULT_FLAG_VMA_LOCK))"},
	"FAULT_FLAG_ALLOW_RETRY":  {"vmf.allow_retry", "FAULT_FLAG_ALLOW_RETRY is the script field vmf.allow_retry, and a flag handle_mm_fault() takes (handle_mm_fault(vma, addr, FAULT_FLAG_ALLOW_RETRY))"},
	"FAULT_FLAG_RETRY_NOWAIT": {"vmf.retry_nowait", "FAULT_FLAG_RETRY_NOWAIT is the script field vmf.retry_nowait, and a flag handle_mm_fault() takes (handle_mm_fault(vma, addr, FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT)); GUP sets it for FOLL_NOWAIT"},
	"FAULT_FLAG_TRIED":        {"vmf.tried", "FAULT_FLAG_TRIED is the script field vmf.tried, and a flag handle_mm_fault() takes (handle_mm_fault(vma, addr, FAULT_FLAG_TRIED))"},
	"FAULT_FLAG_WRITE":        {"vmf.write", "FAULT_FLAG_WRITE is the script field vmf.write, and a flag handle_mm_fault() takes (handle_mm_fault(vma, addr, FAULT_FLAG_WRITE))"},
}

// handlerNames are the short names of the handlers, as an ops block and
// the kernel's structs spell them, mapped to their rule-book entries.
var handlerNames = map[string]string{
	"fault": "vm_ops->fault", "map_pages": "vm_ops->map_pages", "page_mkwrite": "vm_ops->page_mkwrite",
	"huge_fault": "vm_ops->huge_fault", "pfn_mkwrite": "vm_ops->pfn_mkwrite", "open": "vm_ops->open",
	"close": "vm_ops->close", "mmap_prepare": "f_op->mmap_prepare", "may_split": "vm_ops->may_split",
	// "mmap" is also the mmap() operation; explain mmap shows both.
}

// typeDocs describe the script types that mirror kernel structs.
var typeDocs = map[Type]string{
	TVMF:  "struct vm_fault: what a fault handler (->fault, ->map_pages, ->page_mkwrite) gets. The fault holds the mmap read lock, or the VMA read lock when vmf.vma_lock (FAULT_FLAG_VMA_LOCK) is set; assert_fault_locked(vmf) checks which",
	TVMA:  "struct vm_area_struct: one VMA. Stable (readable, not freed) only under the mmap lock, its VMA read lock, or an rmap lock that found it (process_addrs.rst \"Lock usage\"); most fields are written under the mmap write lock plus vma_start_write()",
	TMM:   "struct mm_struct: an address space, with its mmap lock, page_table_lock and VMA tree",
	TPage: "struct page / struct folio: a page frame with a reference count and a map count",
	TPTE:  "a page-table entry as pte_offset_map_lock() returns it, with the PTE lock (ptl) it took",
	TFile: "struct file / struct address_space: a mapped file with its i_mmap_rwsem (the file rmap lock)",
	TLock: "a lock object (mm.mmap_lock, mm.page_table_lock, pte.ptl, file.i_mmap_rwsem, or a driver's mutex, spinlock, rwsem, srcu_struct or bit lock)",
}

// fieldDocs describe each script field: the kernel field it models and the
// lock that makes reading or writing it safe (process_addrs.rst "VMA fields").
var fieldDocs = map[string]string{
	"vmf.vma":            "vmf->vma, the faulting VMA; stable while the fault lock is held, and possibly freed once a handler released it (release_fault_lock)",
	"vmf.address":        "vmf->address, the faulting address rounded down to a page",
	"vmf.write":          "FAULT_FLAG_WRITE: a write fault",
	"vmf.vma_lock":       "FAULT_FLAG_VMA_LOCK: the fault holds the VMA read lock (from lock_vma_under_rcu), not the mmap lock; a handler must then not block on the mmap lock",
	"vmf.allow_retry":    "FAULT_FLAG_ALLOW_RETRY: the handler may drop the fault lock (release_fault_lock) and return VM_FAULT_RETRY",
	"vmf.retry_nowait":   "FAULT_FLAG_RETRY_NOWAIT (GUP's FOLL_NOWAIT): a handler that would wait returns VM_FAULT_RETRY without dropping the fault lock (__folio_lock_or_retry()); the caller still holds it",
	"vmf.tried":          "FAULT_FLAG_TRIED: this fault was retried already; handlers drop the lock only on the first try (fault_flag_allow_retry_first)",
	"vmf.pgoff":          "vmf->pgoff, the page offset of the address in the mapped file",
	"vmf.folio":          "the folio vmf.orig_pte maps (vm_normal_folio() in do_wp_page()), nil for none, a special entry or the zero page",
	"vmf.orig_pte":       "vmf->orig_pte: the PTE at the fault address as handle_mm_fault's first step read it without the PTE lock (ptep_get_lockless), 0 when none; the fault path re-checks it under the lock (pte_same)",
	"vmf.pmd_none":       "pmd_none(vmf->orig_pmd): there was no PTE table (nor huge PMD) at the fault address when handle_mm_fault read it",
	"vmf.pmd_trans_huge": "pmd_trans_huge(vmf->orig_pmd): the fault address was mapped by a huge PMD when handle_mm_fault read it",
	"vmf.pmd_write":      "pmd_write(vmf->orig_pmd): that huge PMD was writable",
	"vmf.oom":            "a table allocation of __handle_mm_fault (p4d_alloc, pud_alloc, pmd_alloc) failed: VM_FAULT_OOM",
	"pte.val":            "the raw entry the PTE maps now (0 when none), to compare with vmf.orig_pte as pte_same() does",
	"vma.vm_start":       "vma->vm_start, inclusive start; written under mmap write + VMA write + rmap write (it places the VMA in the rmap trees)",
	"vma.vm_end":         "vma->vm_end, exclusive end; written under mmap write + VMA write + rmap write",
	"vma.vm_pgoff":       "vma->vm_pgoff, the file page offset (or PFN of a COW PFN map); written under mmap write + VMA write + rmap write",
	"vma.vm_page_prot":   "vma->vm_page_prot, the page protection of the VMA's PTEs (vm_get_page_prot(vm_flags)), what a driver passes as remap_pfn_range()'s prot; mmscript's value is the VMA's VM_READ|VM_WRITE|VM_EXEC|VM_SHARED bits and, from bit 8 up, the cache-mode bits pgprot_noncached()/pgprot_writecombine() OR in (x86's _PAGE_PWT, _PAGE_PCD shifted by 8); a store (`vma.vm_page_prot = pgprot_noncached(vma.vm_page_prot)` in ->mmap) keeps the cache mode for the entries the driver installs",
	"pte.cachemode":      "the entry's cache mode, _PAGE_CACHE_MODE_WB, _WC, _UC_MINUS or _UC (pgprot2cachemode() under Linux's PAT layout)",
	"vma.vm_flags":       "vma->vm_flags (read-only view of __vm_flags); written with vm_flags_set/clear/mod under the mmap write lock, which take the VMA write lock",
	"vma.vm_mm":          "vma->vm_mm, the owning mm; written once at map time",
	"vma.anon_vma":       "whether vma->anon_vma is set; NULL -> non-NULL under the mmap read lock + page_table_lock (anon_vma_prepare), non-NULL -> NULL under mmap write + VMA write + anon_vma write",
	"vma.attached":       "whether the VMA is in the mm's VMA tree (vm_refcnt != 0); detached VMAs are being set up or were unmapped",
	"vma.pages":          "(vm_end - vm_start) / PAGE_SIZE",
	"vma.vm_ops":         "vma->vm_ops, written once by f_op->mmap (or vma_set_anonymous); compare it before trusting a looked-up VMA (the Binder lesson)",
	"mm.mmap_lock":       "mm->mmap_lock, the rwsem that stabilises every VMA of the mm",
	"mm.page_table_lock": "mm->page_table_lock, the spinlock for upper-level page-table population and for publishing vma->anon_vma",
	"mm.map_count":       "mm->map_count, the number of VMAs",
	"mm.task_size":       "TASK_SIZE for this mm: the end of the user address space",
	"file.i_mmap_rwsem":  "mapping->i_mmap_rwsem, the file rmap lock (i_mmap_lock_read/write)",
	"page.pfn":           "page_to_pfn(page)",
	"page.refcount":      "the page's reference count (folio_ref_count)",
	"page.mapcount":      "the number of page-table entries mapping the page (folio_mapcount)",
	"pte.ptl":            "the PTE lock pte_offset_map_lock() took; pte_unmap_unlock() releases it",
	"pte.present":        "pte_present(ptep_get(pte))",
	"pte.pfn":            "pte_pfn(ptep_get(pte))",
	"pte.pmdval":         "the PMD value the table was mapped from (pte_offset_map_rw_nolock's pmdval): compare it with pmdp_get_lockless() under the PTE lock (pmd_same)",
	"pte.writable":       "pte_write(ptep_get(pte))",
	"pte.protnone":       "pte_protnone(ptep_get(pte)): the entry of a PROT_NONE mapping or a NUMA hint (x86: _PAGE_PROTNONE, _PAGE_PRESENT clear); pte_present() is still true",
	"lock.held":          "whether any thread holds the lock (like rwsem_is_locked(); not \"held by me\")",
}

// constDocs describe the constants scripts may use.
var constDocs = map[string]string{
	"_PAGE_CACHE_MODE_WB":       "enum page_cache_mode: write-back, what vm_get_page_prot() gives; pte.cachemode of an ordinary entry",
	"_PAGE_CACHE_MODE_WC":       "enum page_cache_mode: write-combining, from pgprot_writecombine() (_PAGE_PWT under Linux's PAT layout)",
	"_PAGE_CACHE_MODE_UC_MINUS": "enum page_cache_mode: uncached, overridable by an MTRR's WC, from pgprot_noncached() and pgprot_device() (_PAGE_PCD)",
	"_PAGE_CACHE_MODE_UC":       "enum page_cache_mode: strongly uncached (_PAGE_PCD | _PAGE_PWT): pgprot_noncached() of a pgprot_writecombine() one",
	"FAULT_FLAG_REMOTE":         "handle_mm_fault() flag: a fault on another process's mm (GUP remote, fixup_user_fault() from vfio); accepted, changes nothing mmscript models (the pkey test it skips, perf accounting)",
	"FAULT_FLAG_WRITE":          "handle_mm_fault() flag: a write fault (vmf.write)",
	"FAULT_FLAG_ALLOW_RETRY":    "handle_mm_fault() flag: the fault may drop its lock and return VM_FAULT_RETRY (vmf.allow_retry)",
	"FAULT_FLAG_TRIED":          "handle_mm_fault() flag: the retry of a fault that returned VM_FAULT_RETRY (vmf.tried)",
	"FAULT_FLAG_RETRY_NOWAIT":   "handle_mm_fault() flag, 1 << 3: \"Don't drop mmap_lock and wait when retrying\" (vmf.retry_nowait): with FAULT_FLAG_ALLOW_RETRY a handler that would wait returns VM_FAULT_RETRY keeping the fault lock; GUP's FOLL_NOWAIT (faultin_page()); never with FAULT_FLAG_VMA_LOCK (sanitize_fault_flags() WARNs, VM_FAULT_SIGSEGV)",
	"FAULT_FLAG_UNSHARE":        "handle_mm_fault() flag, 1 << 10: an unsharing request to break COW in a COW mapping (GUP's gup_must_unshare()); sanitize_fault_flags() WARNs with FAULT_FLAG_WRITE (VM_FAULT_SIGSEGV) and clears it on a mapping that is not COW; the unshare fault itself is not modelled",
	"FAULT_FLAG_VMA_LOCK":       "handle_mm_fault() flag: the fault holds the VMA read lock (lock_vma_under_rcu), not the mmap lock (vmf.vma_lock)",
	"FAULT_FLAG_KILLABLE":       "handle_mm_fault() flag: a fatal signal may interrupt the fault's waits; mmscript has no signals: accepted, changes nothing",
	"FAULT_FLAG_INTERRUPTIBLE":  "handle_mm_fault() flag: any signal may interrupt the fault's waits; mmscript has no signals: accepted, changes nothing",
	"FAULT_FLAG_USER":           "handle_mm_fault() flag: the fault comes from user mode; accepted, changes nothing mmscript models",
	"FAULT_FLAG_DEFAULT":        "FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE | FAULT_FLAG_INTERRUPTIBLE: the flags an arch fault handler starts from",
	"MREMAP_MAYMOVE":            "mremap flag: the mapping may move to a new address",
	"MREMAP_FIXED":              "mremap flag: move to new_addr exactly, unmapping what is there (with MREMAP_MAYMOVE)",
	"MREMAP_DONTUNMAP":          "mremap flag: move the pages but keep the old VMA mapped, empty (with MREMAP_MAYMOVE)",
	"MREMAP_INVALID":            "enum mremap_type (mm/mremap.c): vrm->remap_type before check_prep_vma() sets it",
	"MREMAP_NO_RESIZE":          "enum mremap_type (mm/mremap.c): old_len == new_len",
	"MREMAP_SHRINK":             "enum mremap_type (mm/mremap.c): old_len > new_len, shrink_vma() unmaps the tail",
	"MREMAP_EXPAND":             "enum mremap_type (mm/mremap.c): old_len < new_len, expand_vma() grows in place or moves",
	"VM_FAULT_OOM":              "the fault ran out of memory; the caller invokes the OOM killer",
	"VM_FAULT_ERROR":            "VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV (and the HWPOISON bits): the fault failed; faultin_page() turns it into an errno (vm_fault_to_errno)",
	"ENOENT":                    "no such entry (-ENOENT)",
	"FOLL_WRITE":                "GUP: the pages will be written (a write fault breaks COW first)",
	"FOLL_GET":                  "GUP: take a reference on each page (put_page to release)",
	"FOLL_DUMP":                 "GUP: for a core dump: give up on holes rather than fault them in",
	"FOLL_FORCE":                "GUP: ignore VM_READ/VM_WRITE (ptrace, /proc/pid/mem): a write COWs a private mapping without VM_WRITE",
	"TTU_SPLIT_HUGE_PMD":        "try_to_unmap() flag: split a PMD-mapped THP first (mmscript unmaps PTE-mapped folios only: accepted, no effect)",
	"TTU_IGNORE_MLOCK":          "try_to_unmap() flag: unmap an mlocked folio too (mmscript has no mlock: accepted, no effect)",
	"TTU_SYNC":                  "try_to_unmap() flag: walk with PVMW_SYNC, the PTE lock even for an entry found none, so a concurrent zap is waited for",
	"TTU_HWPOISON":              "try_to_unmap() flag: install hwpoison entries (not modelled: accepted, the entries are cleared)",
	"TTU_BATCH_FLUSH":           "try_to_unmap() flag (reclaim): clear entries without flushing when another CPU may hold the mm; try_to_unmap_flush() flushes later",
	"TTU_RMAP_LOCKED":           "try_to_unmap() flag: the caller holds the anon_vma or i_mmap lock; the walk is rmap_walk_locked()",
	"TTU_USE_SHARED_ZEROPAGE":   "try_to_unmap() flag: map unused pages of a large folio to the shared zero page (not modelled: accepted, no effect)",
	"FOLL_NOWAIT":               "GUP: start the I/O but do not wait for it: faultin_page() adds FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT, and a fault that would wait returns VM_FAULT_RETRY with the mmap lock still held; GUP then returns what it has (0 for the first page) and the caller still holds the lock",
	"FOLL_NOFAULT":              "GUP: never fault, only follow what is mapped",
	"FOLL_HWPOISON":             "GUP: return -EHWPOISON for a poisoned page",
	"FOLL_ANON":                 "GUP: only anonymous VMAs",
	"FOLL_LONGTERM":             "GUP: a long-term pin (migrates the pages out of movable zones first)",
	"FOLL_TOUCH":                "GUP (internal): mark the page accessed (and dirty with FOLL_WRITE)",
	"FOLL_TRIED":                "GUP (internal): the retry after VM_FAULT_RETRY (FAULT_FLAG_TRIED)",
	"FOLL_REMOTE":               "GUP (internal): the mm is not current's (get_user_pages_remote)",
	"FOLL_PIN":                  "GUP (internal): pin the pages (pin_user_pages*; unpin_user_page to release)",
	"FOLL_FAST_ONLY":            "GUP (internal): GUP-fast without the fallback to the mmap lock",
	"FOLL_UNLOCKABLE":           "GUP (internal): the caller passed *locked, so a fault may drop the mmap lock (FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE)",
	"FOLL_SPLIT_PMD":            "GUP: split a huge PMD rather than return its page",
	"FOLL_PCI_P2PDMA":           "GUP: allow PCI peer-to-peer DMA pages (not with FOLL_LONGTERM: is_valid_gup_args() WARNs)",
	"FOLL_INTERRUPTIBLE":        "GUP: any signal, not only a fatal one, may interrupt the wait for the page",
	"FOLL_HONOR_NUMA_FAULT":     "GUP: take NUMA hinting faults on PROT_NONE-mapped pages (formerly FOLL_NUMA)",
	"FOLL_MADV_POPULATE":        "GUP (internal): the VMA checks of MADV_POPULATE_(READ|WRITE)",
	"INTERNAL_GUP_FLAGS":        "mm/internal.h: FOLL_TOUCH | FOLL_TRIED | FOLL_REMOTE | FOLL_PIN | FOLL_FAST_ONLY | FOLL_UNLOCKABLE | FOLL_MADV_POPULATE: flags a caller of the exported GUP functions may not pass (is_valid_gup_args(): WARN_ON_ONCE, then -EINVAL, or 0 for pin_user_pages*)",
	"FOLL_COW":                  "GUP, kernels 2016-2022 only (19be0eaffa3a, removed by 5535be309971): the COW was broken, so follow a dirty read-only PTE for writing",
	"VM_FAULT_SIGBUS":           "the fault cannot be satisfied: SIGBUS to a user access, -EFAULT to GUP",
	"VM_FAULT_SIGSEGV":          "the access is not allowed: SIGSEGV",
	"VM_FAULT_NOPAGE":           "the handler installed the entry itself (vmf_insert_*); the core maps nothing",
	"VM_FAULT_LOCKED":           "the handler returns vmf->page locked",
	"PGWALK_RDLOCK":             "enum page_walk_lock (include/linux/pagewalk.h), ops.walk_lock = 0, the default: the walker asserts the mmap read lock (mmap_assert_locked) and locks no VMA",
	"PGWALK_WRLOCK":             "enum page_walk_lock: the walker asserts the mmap write lock and write-locks each VMA it visits (vma_start_write)",
	"PGWALK_WRLOCK_VERIFY":      "enum page_walk_lock: the walker asserts the mmap write lock and that the caller write-locked each VMA (vma_assert_write_locked)",
	"PGWALK_VMA_RDLOCK_VERIFY":  "enum page_walk_lock: walk_page_vma()/walk_page_range_vma() under the VMA lock alone: no mmap assertion, vma_assert_locked() (walk_page_range() still needs the mmap lock: its find_vma())",
	"VM_FAULT_RETRY":            "the handler dropped the fault lock (only when FAULT_FLAG_ALLOW_RETRY is set, via release_fault_lock()) and the fault must be redone with FAULT_FLAG_TRIED; the VMA may be gone. With FAULT_FLAG_RETRY_NOWAIT the handler returns it keeping the lock",
	"VM_FAULT_COMPLETED":        "the handler dropped the fault lock and completed the fault itself",
	"PAGE_SIZE":                 "the page size, 4096 on x86-64",
	"PAGE_SHIFT":                "log2 of the page size, 12 on x86-64: addr >> PAGE_SHIFT is a page number, n << PAGE_SHIFT a length",
	"_PAGE_PRESENT":             "x86 PTE bit: present (pte_present)", "_PAGE_RW": "x86 PTE bit: writable (pte_write)",
	"_PAGE_SPECIAL": "x86 PTE bit: special, no struct page to account (pte_special: PFN maps, the zero page)",
	"PTRS_PER_PTE":  "entries per PTE table, 512 on x86-64 (pte_index is (address >> PAGE_SHIFT) & (PTRS_PER_PTE - 1))",
	"ULONG_MAX":     "the end of the VMA iterator's range (for_each_vma, vma_find(mm, addr, ULONG_MAX)); mmscript's integers are int64, so it is 2^63-1",
	"VM_READ":       "vm_flags bit: readable", "VM_WRITE": "vm_flags bit: writable", "VM_EXEC": "vm_flags bit: executable",
	"VM_SHARED":     "vm_flags bit: MAP_SHARED (writes reach the file)",
	"VM_MAYREAD":    "vm_flags bit: mprotect may add VM_READ",
	"VM_MAYWRITE":   "vm_flags bit: mprotect may add VM_WRITE",
	"VM_MAYSHARE":   "vm_flags bit: shared mapping (also on read-only shared mappings)",
	"VM_GROWSDOWN":  "vm_flags bit: a stack that grows down (expand_stack)",
	"VM_PFNMAP":     "vm_flags bit: raw PFNs without struct page (remap_pfn_range, vmf_insert_pfn); vm_insert_page is refused (BUG)",
	"VM_IO":         "vm_flags bit: device memory; GUP refuses it",
	"VM_DONTCOPY":   "vm_flags bit: not copied on fork",
	"VM_DONTEXPAND": "vm_flags bit: mremap may not grow it",
	"VM_ACCOUNT":    "vm_flags bit: committed memory is accounted",
	"VM_NORESERVE":  "vm_flags bit: no swap reservation",
	"VM_MIXEDMAP":   "vm_flags bit: may hold both struct-page and raw PFN entries; set in f_op->mmap (or by the first vm_insert_page, which needs the mmap write lock for it)",
	"VM_HUGEPAGE":   "vm_flags bit: MADV_HUGEPAGE",
	"VM_NOHUGEPAGE": "vm_flags bit: MADV_NOHUGEPAGE",
	"VM_DONTDUMP":   "vm_flags bit: excluded from core dumps",
	"EPERM":         "errno 1", "ENOMEM": "errno 12: out of memory (page-table allocation)", "EACCES": "errno 13",
	"EFAULT":     "errno 14: bad address (outside the VMA, or GUP on VM_IO/VM_PFNMAP)",
	"EBUSY":      "errno 16: the entry is already populated (insert_page); vmf_insert_page treats it as success",
	"MAP_SHARED": "mmap flag: a shared mapping", "MAP_PRIVATE": "mmap flag: a private (copy-on-write) mapping",
	"MAP_FIXED": "mmap flag: map exactly at addr, replacing what is there", "MAP_ANONYMOUS": "mmap flag: no file",
	"MAP_FIXED_NOREPLACE": "mmap flag: map exactly at addr, fail with -EEXIST if something is there",
	"MAP_POPULATE":        "mmap flag: fault the range in after mapping it (mm_populate)", "MAP_LOCKED": "mmap flag: VM_LOCKED, populated like MAP_POPULATE",
	"EEXIST": "errno 17", "EINVAL": "errno 22: bad argument (e.g. an anonymous page to vm_insert_page)",
	"ENXIO": "errno 6: vm_map_pages beyond the array", "EAGAIN": "errno 11: try again",
	"EINTR": "errno 4: a fatal signal interrupted a killable lock",
	"ESRCH": "errno 3: the mm is exiting (mmget_not_zero() failed)",
	"EIO":   "errno 5: I/O error", "EBADF": "errno 9: no file where one is needed (MADV_WILLNEED on anonymous memory)",
	"ENODEV": "errno 19: the file has no mmap/no such mapping", "ENOSPC": "errno 28: no space (shmem, hugetlb reserve)",
	"EOVERFLOW": "errno 75: the offset overflows (mmap's pgoff + len)",
}

// lockRow is one lock of the `explain locks` table (process_addrs.rst,
// "Lock usage", "Page tables", "Page table locks"); cells are short, with
// numbered notes below the table.
type lockRow struct {
	Lock, Stable, Read, Write, Traverse, Install, Zap, Sleep string
}

var lockCols = lockRow{"lock", "stabilises VMA", "read fields", "write fields", "traverse", "install", "zap", "may sleep"}

var lockRows = []lockRow{
	{"mmap read lock", "all", "yes", "no (1)", "yes (2)", "yes", "yes", "yes"},
	{"mmap write lock", "all", "yes", "with VMA W (3)", "yes", "yes", "yes", "yes"},
	{"VMA read lock", "that VMA", "yes", "no", "yes", "yes", "yes", "yes (4)"},
	{"VMA write lock", "that VMA", "yes", "most (3)", "yes", "yes", "yes", "yes"},
	{"rmap lock", "found VMAs (5)", "yes", "no (3)", "yes", "NO (6)", "yes", "yes"},
	{"PTL", "no", "no", "no", "its table", "entries (7)", "entries", "no"},
	{"RCU", "no", "no", "no", "PTE (8)", "no", "no", "no"},
}

var lockNotes = []string{
	"anon_vma goes from NULL to set under the mmap read lock + page_table_lock (anon_vma_prepare); anon_vma_chain under mmap read + anon_vma write.",
	"only where a VMA covers the range: munmap frees tables under a downgraded read lock after removing the VMAs; ranges without a VMA need the mmap write lock (walk_page_range_debug).",
	"the mmap write lock, then vma_start_write() on each VMA changed (taken only under the mmap write lock; all released by mmap_write_unlock/downgrade): vm_flags, vm_page_prot, ...; vm_start, vm_end and vm_pgoff also need the rmap write lock, which hides the VMA from the rmap.",
	"taken with lock_vma_under_rcu(), which may fail (fall back to the mmap read lock); while holding it never wait for the mmap lock (a writer may wait in vma_start_write() for you): deadlock.",
	"i_mmap_lock_read/write (file), anon_vma_lock_read/write (anon): the VMAs found by walking that tree while it is held.",
	"install needs the mmap or VMA lock: munmap zaps (unmap_vmas) and then frees the tables (free_pgtables) while the VMA is still reachable through the rmap, so an entry installed under an rmap lock alone leaks.",
	"mm->page_table_lock (upper levels, anon_vma), pmd_lock(), the PTE lock from pte_offset_map_lock(): changing any entry needs its table's lock, besides a lock that allows the operation. Spinlocks: nothing that sleeps.",
	"PTE tables are freed under RCU (retract_page_tables, empty-table reclaim), so pte_offset_map*() enter RCU; an RCU-only reader must tolerate a detached table, and a writer rechecks the PMD (pmd_same) after taking the PTL.",
}

// locksTopic renders `explain locks`.
func locksTopic() string {
	cells := func(r lockRow) []string {
		return []string{r.Lock, r.Stable, r.Read, r.Write, r.Traverse, r.Install, r.Zap, r.Sleep}
	}
	rows := [][]string{cells(lockCols)}
	for _, r := range lockRows {
		rows = append(rows, cells(r))
	}
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	var b strings.Builder
	b.WriteString("locks: what each lock allows (Documentation/mm/process_addrs.rst \"Locking\", \"Page tables\", \"Page table locks\")\n\n")
	for i, r := range rows {
		var line strings.Builder
		for j, c := range r {
			fmt.Fprintf(&line, "%-*s  ", width[j], c)
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
		if i == 0 {
			var dashes []string
			for j := range r {
				dashes = append(dashes, strings.Repeat("-", width[j]))
			}
			b.WriteString(strings.Join(dashes, "  ") + "\n")
		}
	}
	b.WriteString("\n")
	for i, n := range lockNotes {
		fmt.Fprintf(&b, "(%d) %s\n", i+1, n)
	}
	b.WriteString(`
Zap and traverse need only a stable VMA; freeing page tables is internal to
munmap and exit; moving upper tables (mremap) needs the mmap, VMA and rmap
locks together. Order: mmap_lock -> folio lock -> vma_start_write ->
i_mmap_rwsem -> anon_vma->rwsem -> page_table_lock / PTE lock.
See also: explain fault-handler, explain user-access, mmscript rules -rst.
`)
	return b.String()
}

func faultHandlerTopic() string {
	var b strings.Builder
	b.WriteString("fault-handler: writing vm_operations_struct fault handlers (rule book §2.26; process_addrs.rst)\n\n")
	for _, n := range []string{"vm_ops->fault", "vm_ops->map_pages", "vm_ops->page_mkwrite", "vm_ops->pfn_mkwrite", "vm_ops->huge_fault"} {
		if a := LookupAPI(n); a != nil {
			fmt.Fprintf(&b, "%s\n  called with: %s\n  may sleep:   %s\n", n, a.Hold, a.Sleeps)
		}
	}
	b.WriteString("\nEvery fault handler: " + faultHookNotes + ".\n")
	b.WriteString("\nWhat mmscript checks when a handler returns:\n")
	for _, r := range []*Rule{ruleHandlerKeepsLock, ruleDroppedFaultLock, ruleRetryHoldingLock} {
		fmt.Fprintf(&b, "  %s: %s (kernel: %s)\n", r.ID, r.Doc, r.Kernel)
	}
	b.WriteString("\nSee also: explain fault, explain vmf, explain VM_FAULT_RETRY, explain release_fault_lock, explain handle_mm_fault.\n")
	return b.String()
}

func userAccessTopic() string {
	var b strings.Builder
	b.WriteString("user-access: copy_to_user(), copy_from_user(), get_user(), put_user() and user faults\n\n")
	b.WriteString(`A user access may fault, and the fault takes the mmap read lock or, first,
a VMA read lock (lock_vma_under_rcu). So:
  * never with the mmap lock of the same mm held: __might_fault() tells lockdep
    that it may take mmap_lock for read (might_lock_read), and with a writer
    queued behind you a second read acquisition deadlocks;
  * never under a spinlock or in an RCU read-side section (a fault sleeps);
    use copy_from_user_nofault() or pagefault_disable() + __copy_from_user_inatomic()
    and handle the short copy;
  * with a VMA read lock held, the fault may fall back to mmap_read_lock():
    the same deadlock as waiting for the mmap lock under a VMA read lock;
  * a driver that holds its own mutex across copy_to_user() orders that mutex
    before mmap_lock; taking the mutex in ->fault or f_op->mmap then inverts the order.
To reach user memory while holding the mmap lock, use GUP (get_user_pages,
pin_user_pages) and kmap the pages instead.
In scripts, touch(mm, addr, read|write) is a user access by the thread's CPU
on the real x86 fault path (do_user_addr_fault).
`)
	if a := LookupAPI("touch"); a != nil {
		b.WriteString("\nmmscript checks on touch():\n")
		for _, r := range a.Rules {
			fmt.Fprintf(&b, "  %s: %s (kernel: %s)\n", r.ID, r.Doc, r.Kernel)
		}
	}
	b.WriteString("\nSee also: explain locks, explain get_user_pages, explain touch.\n")
	return b.String()
}

// atomicTopic is the taxonomy of sleeping in atomic context: the
// annotation that only a debug kernel checks, and the block in schedule()
// that every kernel sees, by what makes the context atomic. The rules'
// part is built from the rules the checks run, so that it says what they
// do.
func atomicTopic() string {
	var b strings.Builder
	b.WriteString("atomic-context: sleeping under a spinlock, in an RCU read-side section or with IRQs off\n\n")
	b.WriteString(`Two different kernel checks answer "may this sleep here?":
  * might_sleep() (in mutex_lock(), down_read(), GFP_KERNEL allocations, GUP,
    copy_to_user() ...) reports the context whether or not the call goes on to
    sleep, and only on kernels with CONFIG_DEBUG_ATOMIC_SLEEP:
    "BUG: sleeping function called from invalid context" (__might_resched()).
    An uncontended mutex_lock() under a spinlock is silent on a production kernel.
  * schedule(), when the task really blocks (a contended sleeping lock, msleep()
    (which has no might_sleep() of its own), synchronize_rcu(), a fault waiting
    for I/O), looks on every kernel, and what it sees depends on what made the
    context atomic:

  context          might_sleep() (debug only)     really blocking (every kernel)
  spinlock held    sleeping function called ...   BUG: scheduling while atomic
                                                   (schedule_debug(); CONFIG_PREEMPT_COUNT)
  rcu_read_lock()  sleeping function called ...   Voluntary context switch within RCU
                                                   read-side critical section! (CONFIG_PREEMPT_RCU;
                                                   without it, scheduling while atomic)
  IRQs disabled    sleeping function called ...   nothing: schedule() returns with IRQs on

`)
	for _, r := range []*Rule{ruleSleepInAtomic, ruleSchedAtomic, ruleSchedRCU, ruleSchedIRQsOff} {
		fmt.Fprintf(&b, "%s (kernel: %s", r.ID, r.Kernel)
		if c := r.NeedsConfig(r.Kernel); c != "" {
			fmt.Fprintf(&b, ", %s", c)
		}
		fmt.Fprintf(&b, "): %s\n  source: %s\n", r.Doc, r.Source)
	}
	b.WriteString("\nExamples: examples/locks/mutex_contended_under_spinlock.mms, examples/locks/driver_sleeps_under_spinlock.mms,\n" +
		"examples/rcu-and-lockless-walks/irq_save_then_sleep.mms, examples/rmap-and-reclaim/folio_lock_anon_vma_read_under_pte_lock.mms.\n")
	b.WriteString("See also: explain locks, explain might_sleep, mmscript run -config production.\n")
	return b.String()
}

var topics = map[string]func() string{
	"locks":          locksTopic,
	"fault-handler":  faultHandlerTopic,
	"user-access":    userAccessTopic,
	"atomic-context": atomicTopic,
}

// ruleByID finds a rule the checks run, by its id: the generic rules and
// every rule-book entry's.
func ruleByID(id string) *Rule {
	for _, r := range genericRules {
		if r.ID == id {
			return r
		}
	}
	for _, a := range APIs() {
		for _, r := range a.Rules {
			if r.ID == id {
				return r
			}
		}
	}
	return nil
}

// explainRule renders a rule: what it requires, where the kernel checks
// it, the reaction in each kernel version, and the APIs that check it.
func explainRule(r *Rule, kc KernelConfig) string {
	var b strings.Builder
	kernel, src := r.In(kc.Version)
	fmt.Fprintf(&b, "%s (rule): %s\n  source:  %s\n  kernel:  %s", r.ID, r.Doc, src, kernel)
	if c := r.NeedsConfig(kernel); c != "" {
		fmt.Fprintf(&b, ", printed only with %s", c)
		if kc.Production {
			b.WriteString(" (a production build prints nothing)")
		}
	}
	b.WriteString("\n")
	if len(r.Older()) > 0 {
		for _, e := range ruleEras(r) {
			if !e.has(kc.Version) {
				k, s := r.In(e.probe)
				fmt.Fprintf(&b, "  %s: %s (%s)\n", e.name, reactionIn(k), s)
			}
		}
	}
	var by []string
	for _, a := range APIs() {
		for _, x := range a.Rules {
			if x.ID == r.ID {
				by = append(by, a.Name)
				break
			}
		}
	}
	if isGeneric(r) {
		by = append([]string{"every lock operation (a generic rule)"}, by...)
	}
	if len(by) > 0 {
		fmt.Fprintf(&b, "  checked for: %s\n", strings.Join(by, ", "))
	}
	return b.String()
}

// Signature renders an operation's script call form, e.g.
// "vm_insert_page(vma, addr, page)", and the words its flag parameters take.
func (o *Op) Signature() string {
	out := o.signature("script")
	if o.MMForm != nil {
		out += o.MMForm.signature("or")
	}
	return out
}

// signature is one form's call line (label "script", or "or" for
// mmscript's earlier form) and the words its flag parameters take.
func (o *Op) signature(label string) string {
	var ps []string
	for _, p := range o.Params {
		s := p.Name
		if p.Ref {
			s = "&" + s // passed by reference, as the kernel's pointer
		}
		if p.Optional {
			s += "="
			if p.Default.T != TNil {
				s += p.Default.String()
			} else {
				s += "nil"
			}
		}
		if p.Variadic {
			s += "..."
		}
		ps = append(ps, s)
	}
	out := fmt.Sprintf("  %-8s %s(%s)", label+":", o.Name, strings.Join(ps, ", "))
	if o.Result != TNil {
		out += " -> " + o.Result.String() // what a caller may test
	}
	out += "\n"
	for _, p := range o.Params {
		if len(p.Words) > 0 {
			out += fmt.Sprintf("  %s=     %s (combine with |)\n", p.Name, strings.Join(p.Words, " "))
		}
	}
	return out
}

// explainAPI is an entry's text plus, for an operation, its script form.
func explainAPI(a *API, kc KernelConfig) string {
	s := a.ExplainIn(kc)
	for _, c := range a.Cites {
		s += "  cites:   " + c.String() + "\n"
	}
	if a.Sequence != "" {
		label := "usage"
		if a.IsStep() {
			label = "in the kernel path"
		}
		s += "  " + label + ":\n"
		for _, l := range strings.Split(a.Sequence, "\n") {
			s += "    " + strings.ReplaceAll(l, "\t", "    ") + "\n"
		}
	}
	if op := LookupOp(a.Name); op != nil {
		s += op.Signature()
	}
	return s
}

func explainType(t Type) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (script type): %s\n  fields:\n", t, typeDocs[t])
	for _, f := range FieldNames(t) {
		fmt.Fprintf(&b, "    %s.%s: %s\n", t, f, fieldDocs[t.String()+"."+f])
	}
	return b.String()
}

// scriptTypes are the types `explain` answers for, in a stable order.
var scriptTypes = []Type{TVMF, TVMA, TMM, TPage, TPTE, TFile, TLock}

// ExplainNames lists every name ExplainText answers for, sorted: APIs,
// handler short names, aliases, types, fields (TYPE.FIELD and, where
// unambiguous, FIELD), constants and topics.
func ExplainNames() []string {
	seen := map[string]bool{}
	for _, a := range APIs() {
		seen[a.Name] = true
	}
	for n := range handlerNames {
		seen[n] = true
	}
	for n := range aliases {
		seen[n] = true
	}
	for _, t := range scriptTypes {
		seen[t.String()] = true
		for _, f := range FieldNames(t) {
			seen[t.String()+"."+f] = true
		}
	}
	for n := range Constants {
		seen[n] = true
	}
	for n := range topics {
		seen[n] = true
	}
	for _, n := range kernelLibraryNames() {
		seen[n] = true
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ExplainText answers `mmscript explain NAME` and the REPL's :explain. An
// unknown name gets an error that suggests the nearest known names.
func ExplainText(name string) (string, error) { return ExplainTextIn(name, KernelConfig{}) }

// ExplainTextIn is ExplainText for the kernel kc: each check shows the
// reaction of kc's version, and what kc's build (debug or production)
// prints for it.
func ExplainTextIn(name string, kc KernelConfig) (string, error) {
	name = strings.TrimSpace(name)
	name = strings.TrimSuffix(name, "()")
	if f, ok := topics[name]; ok {
		return f(), nil
	}
	if r := ruleByID(name); r != nil {
		return explainRule(r, kc), nil
	}
	if a := LookupAPI(name); a != nil {
		s := explainAPI(a, kc)
		if h := LookupAPI("f_op->" + name); h != nil && name == "mmap" {
			s += "\nThe f_op->mmap handler (an ops block's mmap(file, vma)):\n" + explainAPI(h, kc)
		}
		return s + kernelPathView(name), nil
	}
	if v := kernelPathView(name); v != "" {
		return strings.TrimPrefix(v, "\n"), nil
	}
	if full, ok := handlerNames[name]; ok {
		if a := LookupAPI(full); a != nil {
			return explainAPI(a, kc), nil
		}
	}
	for _, prefix := range []string{"vm_ops->", "f_op->", "->", "vma->vm_ops->", "file->f_op->"} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			if full, ok := handlerNames[rest]; ok {
				return ExplainTextIn(full, kc)
			}
			if rest == "mmap" {
				return explainAPI(LookupAPI("f_op->mmap"), kc), nil
			}
		}
	}
	if al, ok := aliases[name]; ok {
		s := name + ": " + al.Note + ".\n"
		if al.Target != "" {
			t, err := ExplainTextIn(al.Target, kc)
			if err == nil {
				s += "\n" + t
			}
		}
		return s, nil
	}
	for _, t := range scriptTypes {
		if name == t.String() {
			return explainType(t), nil
		}
	}
	if tn, f, ok := strings.Cut(name, "."); ok {
		if t, ok := TypeByName(tn); ok {
			if _, ok := LookupField(t, f); ok {
				return fmt.Sprintf("%s.%s: %s\n", tn, f, fieldDocs[name]), nil
			}
		}
	}
	if v, ok := Constants[name]; ok {
		return fmt.Sprintf("%s = %#x (%d): %s\n", name, v, v, constDocs[name]), nil
	}
	// a bare field name, when exactly one type has it
	var owners []string
	for _, t := range scriptTypes {
		if _, ok := LookupField(t, name); ok {
			owners = append(owners, t.String()+"."+name)
		}
	}
	if len(owners) == 1 {
		return ExplainTextIn(owners[0], kc)
	}
	if len(owners) > 1 {
		return "", fmt.Errorf("%s is a field of several types: explain %s", name, strings.Join(owners, " or explain "))
	}
	msg := fmt.Sprintf("no rule-book entry, handler, field, constant or topic named %q", name)
	if s := nearest(name, ExplainNames()); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, ", ") + "?"
	} else {
		msg += " (topics: locks, fault-handler, user-access, atomic-context; mmscript rules lists every API)"
	}
	return "", fmt.Errorf("%s", msg)
}

// nearest returns up to three known names within an edit distance that
// grows with the name's length, closest first; a known name that contains
// the query (or the reverse) counts as near.
func nearest(name string, known []string) []string {
	type cand struct {
		n string
		d int
	}
	var cs []cand
	limit := len(name)/4 + 1
	if limit > 3 {
		limit = 3
	}
	lname := strings.ToLower(name)
	for _, k := range known {
		d := EditDistance(lname, strings.ToLower(k))
		if d <= limit {
			cs = append(cs, cand{k, d})
		} else if len(name) >= 5 && strings.Contains(k, name) {
			cs = append(cs, cand{k, limit + 1})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].n < cs[j].n
	})
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, cs[i].n)
	}
	return out
}

// EditDistance is the Levenshtein distance between a and b, in bytes, for
// did-you-mean suggestions. Names longer than 64 bytes are never near
// anything (99), so a huge identifier cannot make a suggestion quadratic.
func EditDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
