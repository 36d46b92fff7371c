package runtime

import "testing"

// The functions that Documentation/mm/process_addrs.rst (2026: linux-mm
// 453c28d63fb2, read in full) names. processAddrsEntryPoints are those it
// presents as what a caller uses (the lock and unlock calls of its
// "Terminology", "Lock usage" and "VMA lock internals" sections, the page
// table accessors of "Page table locking details" and "Atomicity", and the
// operations it names as performing installs, zaps and walks); each must
// be a rule-book entry that runs. processAddrsInternals are the
// implementation steps it names to explain the rules (free_pgtables(),
// vms_clear_ptes(), __pud_alloc(), expand_downwards(), ...) and the
// per-level variants of one accessor (pgdp_get() ... pmdp_get());
// `mmscript explain` must answer each, as an entry or as a name that
// leads to one. The document ends with ".. kernel-doc::
// include/linux/mmap_lock.h" ("Functions and structures"), so the
// functions that file documents count as named. Two it offers callers
// stay explain-only: walk_kernel_page_table_range() walks kernel page
// tables under init_mm's mmap lock, and scripts have no init_mm or kernel
// tables; pud_lock() guards PUD entries, and mmscript models no PUD
// leaves. gup_fast() and gup_fast_pte_range() are static in mm/gup.c (the
// kernel path gup_fast.mms; callers use get_user_pages_fast()).
var processAddrsEntryPoints = []string{
	// Terminology, Lock usage
	"mmap_read_lock", "mmap_write_lock", "mmap_read_lock_killable", "mmap_write_lock_killable", "mmap_read_trylock",
	"mmap_read_unlock", "mmap_write_unlock", "mmap_write_downgrade",
	"lock_vma_under_rcu", "vma_end_read", "vma_start_write", "vma_start_write_killable",
	"anon_vma_lock_read", "anon_vma_trylock_read", "anon_vma_lock_write", "anon_vma_trylock_write",
	"anon_vma_unlock_read", "anon_vma_unlock_write",
	"i_mmap_lock_read", "i_mmap_trylock_read", "i_mmap_lock_write", "i_mmap_trylock_write",
	"i_mmap_unlock_read", "i_mmap_unlock_write",
	// VMA fields: vm_flags_*(), anon_vma_prepare(), f_ops->mmap()
	"vm_flags_set", "vm_flags_clear", "vm_flags_reset", "vm_flags_init", "anon_vma_prepare", "f_op->mmap",
	// Page tables: the operations it names
	"unmap_mapping_range", "unmap_mapping_pages", "madvise", "mremap", "munmap",
	"walk_page_range_debug", "get_user_pages_fast",
	// Page table locking details, Atomicity, Page table installation
	"pmd_lock", "pte_offset_map_lock", "pte_offset_map", "pte_offset_map_rw_nolock", "pte_unmap_unlock", "pmd_same",
	"ptep_get", "ptep_get_and_clear", "ptep_get_lockless", "rcu_read_lock", "rcu_read_unlock",
	// VMA lock internals
	"vma_start_read_locked", "vma_start_read_locked_nested",
	// Page table moving, Stack expansion
	"take_rmap_locks", "drop_rmap_locks", "move_page_tables", "retract_page_tables", "free_pgtables", "unmap_vmas",
	"expand_stack",
	// Functions and structures: the kernel-doc of include/linux/mmap_lock.h
	// (linux-mm@1632d9c3381f), whose documented assertions a caller uses
	"vma_assert_write_locked", "vma_assert_locked", "vma_assert_stabilised",
}

var processAddrsInternals = []string{
	"vma_start_read", "vma_end_write_all", "vm_flags_mod", "gup_fast", "gup_fast_pte_range",
	"walk_kernel_page_table_range", "walk_page_range_novma",
	"pud_lock", "pud_lockptr", "pte_lockptr", "__pte_offset_map_lock", "pmd_ptdesc",
	"pgdp_get", "p4dp_get", "pudp_get", "pmdp_get", "READ_ONCE",
	"set_pgd", "set_p4d", "set_pud", "set_pmd", "set_pte",
	"pgd_clear", "p4d_clear", "pud_clear", "pmd_clear", "pte_clear",
	"__p4d_alloc", "__pud_alloc", "__pmd_alloc", "__pte_alloc", "__pud_install",
	"vms_clear_ptes", "expand_downwards", "expand_upwards", "task_numa_work", "mm_lock_seqcount_end",
	// include/linux/mmap_lock.h, rendered by "Functions and structures":
	// vma_refcount_put() is documented but is vma_end_read()'s body; the
	// rest are the file's other helpers a reader of it meets
	"vma_refcount_put", "mmap_read_unlock_non_owner", "mmap_lock_is_contended",
	"mmap_lock_speculate_try_begin", "mmap_lock_speculate_retry", "vma_assert_attached", "vma_assert_detached",
	"vma_mark_attached", "vma_mark_detached", "vma_is_attached", "vma_assert_can_modify", "mm_lock_seqcount_begin",
}

func TestProcessAddrsCoverage(t *testing.T) {
	for _, n := range processAddrsEntryPoints {
		a := LookupAPI(n)
		switch {
		case a == nil:
			t.Errorf("process_addrs.rst names %s as an entry point; the rule book has no entry", n)
		case a.simulated() == "no":
			t.Errorf("%s: documented only, mmscript does not run it", n)
		}
	}
	for _, n := range processAddrsInternals {
		if _, err := ExplainText(n); err != nil {
			t.Errorf("explain %s (named by process_addrs.rst): %v", n, err)
		}
	}
}
