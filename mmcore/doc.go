// Package mmcore is mmscript's simulated MMU: the data side of Linux memory
// management, with no notion of scripts, threads or lock checking.
//
// It holds what the lock checker (mmscript's runtime) needs to reason about:
// an mm_struct with an ordered VMA set, x86-64 page tables of 4 or 5 levels,
// pages with refcount and mapcount, the rmap objects (anon_vma, the
// address_space's i_mmap), a per-CPU TLB that keeps stale translations until
// they are flushed, and the syscall and fault paths that change them. The
// kernel's names are kept (VMA, PTE, PMD, anon_vma, vm_pgoff, ...) so that a
// reader can hold the simulation against mm/*.c.
//
// mmcore takes no locks and is not safe for concurrent use: the interpreter
// runs one thread step at a time, and the checker decides which kernel locks
// each step would have needed. The objects that carry a kernel lock (MM, VMA,
// PageTable, AnonVMA, AddressSpace) have a field for the checker's state that
// mmcore never reads.
//
// Operations report failures as kernel errnos (Errno) or, for user accesses
// the kernel would answer with a signal, as Signal values; bad input never
// panics.
//
// # The VMA layer (Linux 6.18)
//
// VMAs merge and split by mm/vma.c's rules (vma.go): VMAMergeNewRange for
// a new range (mmap, brk, mremap's copy), VMAModify/VMAModifyFlags for a
// change to part of a VMA (mprotect, madvise), VMAExpand and VMAShrink.
// Two VMAs may merge only with equal flags (VM_SOFTDIRTY aside), the same
// struct file, contiguous pgoffs, compatible anon_vmas (the 6.16 rule, with
// the 6.18.y fix for mremap's copied-from VMA), no VM_SPECIAL flag, and a
// merge never deletes a VMA whose Ops has a close hook (VMOpsCloser).
// Splits follow __split_vma (SplitVMA): with new_below the new struct is
// the lower piece, so munmap and vma_modify always keep the original
// struct as the piece inside the range, and the caller ->opens the new
// pieces. anon_vmas form the kernel's fork hierarchy (rmap.go).
//
// Each syscall is a composition of exported steps named after the kernel
// functions, so that a caller can put lock operations between them:
//
//   - munmap: VMSGatherMunmapVMAs (split at both ends, mark detached),
//     VMAIterClear (out of the tree), VMSClearPTEs (unmap_vmas,
//     free_pgtables, TLB flush), VMSCompleteMunmapVMAs (out of the rmap;
//     the caller then runs ->close, remove_vma);
//   - mmap: PrepareMmap (do_mmap's checks, address, MAP_FIXED unmap) then
//     InsertVMA for a driver's mapping; MmapRegion for plain memory, which
//     also merges (VMAMergeNewRange) and populates;
//   - mprotect: MprotectFixup per VMA (VMAModifyFlags, ChangeProtection);
//   - mremap (DoMremap): shrink = Munmap of the tail; grow in place =
//     VMAMergeExtend; move = CopyVMA (merge at the destination, or a copy
//     with the anon_vma chain cloned), MovePageTables (a whole PTE table
//     per aligned PMD, else entry by entry), then Munmap of the source (or,
//     for MREMAP_DONTUNMAP, the source kept empty);
//   - madvise: per VMA piece, VMAModifyFlags for flag advice, or the
//     page-level behaviour (zap, populate, hole punch, guard markers);
//   - fork: DupMM, then per VMA DupVMA (vm_area_dup + AnonVMAFork, or a
//     clean slate for VM_WIPEONFORK) and CopyPageRange (COW write-protect
//     of private pages in parent and child); ExitMMap tears an mm down;
//   - brk: SysBrk = DoBrkFlags (expand-only merge or a new VMA) or Munmap
//     of the tail;
//   - user faults: FindVMAForFault (ExpandStack for a growsdown VMA), then
//     HandleFault.
//
// CheckVMAs, CheckPageTables and CheckPageCounts state the invariants
// every step keeps; FuzzSyscalls checks them after every call of random
// syscall sequences.
//
// # Page cache folios
//
// tmpfs files are cached in order-0 folios (shmem_enabled=never), ext4
// files, written just before, in large dirty folios (FillLargeFolios).
// Faults map a large folio whole where it fits the VMA, the PTE table and
// i_size (finish_fault, filemap_map_folio_range), a PMD-sized one by the
// PMD (do_set_pmd); splitting a file PMD unmaps it. MADV_COLLAPSE turns a
// shmem range into a PMD-sized folio; shmem folios split on hole punches
// and partial MADV_COLD/PAGEOUT, while a dirty ext4 folio's split fails
// (observed), which leaves it mapped (pageout) or unmapped but cached
// (hole punch).
//
// Where mmcore follows the reference 6.18.44 kernel rather than mainline
// source: MREMAP_DONTUNMAP keeps VM_ACCOUNT on the source, and
// VM_MAYBE_GUARD ("gu") exists and is sticky in merges, as recorded.
package mmcore
