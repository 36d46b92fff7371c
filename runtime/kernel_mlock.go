package runtime

import "github.com/mmscript/mmscript/mmcore"

// mlock(2), mlock2(2), munlock(2), msync(2) and mincore(2): kernel paths
// of the kernel library (kernel/mlock.mms, kernel/msync.mms,
// kernel/mincore.mms), bound to their rule-book entries here. Each takes
// the mmap lock itself; mlock's populate and msync's fsync and mincore's
// copy to user space run with it dropped, as the kernel does.

const (
	readMlock   = "linux-mm@0a99d0b06974 mm/mlock.c, read"
	readMincore = "linux-mm@0a904ba0df42 mm/mincore.c, read"
	// readMsync: SYSCALL_DEFINE3(msync) as find_string shows the 2026
	// text (find_vma(mm, vma->vm_end); the vma_flags patch's hunks).
	readMsync = "find_string excerpts of mm/msync.c (2026: mmap_read_lock(), find_vma(mm, vma->vm_end), the vma_test() patch hunks), read"
	readLibfs = "find_string excerpts of fs/libfs.c: __generic_file_fsync() (several versions, the locking unchanged), read"
	// readPopulate: mm/gup.c populate_vma_page_range() and __mm_populate()
	// as find_string shows the newest copies (PROT_NONE is -EFAULT).
	readPopulate = "find_string excerpts of mm/gup.c: populate_vma_page_range(), __mm_populate() (2025-2026 copies), read"
)

// MLOCK_ONFAULT, MS_*: include/uapi/asm-generic/mman-common.h.
const (
	MLOCK_ONFAULT = 0x01
	MS_ASYNC      = 1
	MS_INVALIDATE = 2
	MS_SYNC       = 4
)

func init() {
	for name, x := range map[string]struct {
		v   int64
		doc string
	}{
		"MLOCK_ONFAULT":  {MLOCK_ONFAULT, "mlock2() flag (include/uapi/asm-generic/mman-common.h): lock the pages as they are faulted in, do not populate now (VM_LOCKONFAULT)"},
		"MS_ASYNC":       {MS_ASYNC, "msync() flag: schedule the writeback and return (a no-op since 2.6.19: the dirty pages are tracked already)"},
		"MS_INVALIDATE":  {MS_INVALIDATE, "msync() flag: invalidate other mappings of the file; -EBUSY on a VM_LOCKED VMA"},
		"MS_SYNC":        {MS_SYNC, "msync() flag: write the range back and wait (vfs_fsync_range() of each shared file VMA, with the mmap lock dropped)"},
		"VM_LOCKED_MASK": {int64(mmcore.VM_LOCKED | mmcore.VM_LOCKONFAULT), "VM_LOCKED | VM_LOCKONFAULT (include/linux/mm.h): the bits mlock(), mlock2() and munlock() replace"},
		"VM_SPECIAL":     {int64(mmcore.VM_SPECIAL), "VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP (include/linux/mm.h): VMAs that never merge and that mlock leaves alone"},
	} {
		Constants[name] = x.v
		constDocs[name] = x.doc
	}

	mlockTakes := "mmap_write_lock_killable -> per VMA mlock_fixup(): vma_modify_flags (vma_start_write on the VMAs it splits or merges, ->open on a new piece) -> " +
		"vma_start_write -> vm_flags_reset_once (with VM_IO while the folios are mlocked) -> walk_page_range_vma(PGWALK_WRLOCK_VERIFY): PMD or PTE lock per table -> " +
		"mmap_write_unlock -> __mm_populate(): mmap_read_lock -> GUP faults per VMA (FOLL_UNLOCKABLE: a fault may drop the lock, which is then re-taken and the VMA looked up again) -> mmap_read_unlock"
	mlockAPI := func(name, notes string, seq string) *API {
		return register(&API{Name: name, Section: "-", Hold: "no mmap lock of this mm (the syscall takes it)",
			Takes: mlockTakes, Sleeps: "yes", Asserts: "via vma_start_write (mmap_assert_write_locked), walk_page_range_vma (vma_assert_write_locked) and GUP (mmap_assert_locked)",
			Source: "mm/mlock.c: " + map[string]string{"mlock": "SYSCALL_DEFINE2(mlock)", "mlock2": "SYSCALL_DEFINE3(mlock2)"}[name] + ", do_mlock(), apply_vma_lock_flags(), mlock_fixup(), mlock_vma_pages_range(); mm/gup.c: __mm_populate(), populate_vma_page_range()",
			Notes: notes + "; returns 0 or -errno; a kernel path of the kernel library (kernel/mlock.mms), run statement by statement. RLIMIT_MEMLOCK, mm->locked_vm and " +
				"the folios' mlock counts are not modelled",
			Rules: lockRules,
			Cites: []Cite{cite("mm/mlock.c", "do_mlock()", "none of its own: if (mmap_write_lock_killable(current->mm)) return -EINTR; ... error = apply_vma_lock_flags(start, len, flags); "+
				"mmap_write_unlock(current->mm); if (error) return error; error = __mm_populate(start, len, 0);", readMlock),
				cite("mm/gup.c", "populate_vma_page_range()", "mmap_assert_locked(mm); if (vma->vm_flags & VM_LOCKONFAULT) return nr_pages; ... if (locked) gup_flags |= FOLL_UNLOCKABLE;", readPopulate)},
			Sequence: seq})
	}
	mm := Param{Name: "mm", Type: TMM}
	defOp(&Op{Name: "mlock", Path: true, Touches: world, Params: []Param{mm, intParam("start"), intParam("len")}, Result: TInt,
		API: mlockAPI("mlock", "sets VM_LOCKED on each VMA of [start, start + len) (splitting or merging as mprotect() does) and faults the range in",
			"/* user space; no mmap lock held */\nmlock(addr, len);")})
	defOp(&Op{Name: "mlock2", Path: true, Touches: world, Params: []Param{mm, intParam("start"), intParam("len"), intParam("flags")}, Result: TInt,
		API: mlockAPI("mlock2", "mlock() with flags: MLOCK_ONFAULT sets VM_LOCKONFAULT too, and then nothing is faulted in now (populate_vma_page_range() returns at once); other flags are -EINVAL",
			"/* user space */\nmlock2(addr, len, MLOCK_ONFAULT);")})
	munlock := register(&API{Name: "munlock", Section: "-", Hold: "no mmap lock of this mm (the syscall takes it)",
		Takes:  "mmap_write_lock_killable -> per VMA mlock_fixup() with the VM_LOCKED_MASK bits cleared (split or merge, vma_start_write, walk_page_range_vma) -> mmap_write_unlock",
		Sleeps: "yes", Asserts: "via vma_start_write (mmap_assert_write_locked)",
		Source: "mm/mlock.c: SYSCALL_DEFINE2(munlock), apply_vma_lock_flags(), mlock_fixup()",
		Notes:  "clears VM_LOCKED and VM_LOCKONFAULT on each VMA of the range; no populate; returns 0 or -errno (-ENOMEM for a hole); a kernel path of the kernel library (kernel/mlock.mms)",
		Rules:  lockRules,
		Cites: []Cite{cite("mm/mlock.c", "SYSCALL_DEFINE2(munlock)", "none of its own: if (mmap_write_lock_killable(current->mm)) return -EINTR; ret = apply_vma_lock_flags(start, len, &flags); "+
			"mmap_write_unlock(current->mm);", readMlock)},
		Sequence: "/* user space */\nmunlock(addr, len);"})
	defOp(&Op{Name: "munlock", Path: true, Touches: world, Params: []Param{mm, intParam("start"), intParam("len")}, Result: TInt, API: munlock})

	defOp(&Op{Name: "msync", Path: true, Touches: world, Params: []Param{mm, intParam("start"), intParam("len"), intParam("flags")}, Result: TInt,
		API: register(&API{Name: "msync", Section: "-", Hold: "no mmap lock of this mm (the syscall takes it), nor the files' inode locks",
			Takes:  "mmap_read_lock -> find_vma per VMA; for MS_SYNC on a shared file VMA: get_file -> mmap_read_unlock -> vfs_fsync_range (the inode lock) -> fput -> mmap_read_lock -> find_vma -> ... -> mmap_read_unlock",
			Sleeps: "yes", Asserts: "via find_vma (mmap_assert_locked)",
			Source: "mm/msync.c: SYSCALL_DEFINE3(msync); fs/sync.c: vfs_fsync_range(); fs/libfs.c: __generic_file_fsync()",
			Notes: "returns 0 or -errno (-ENOMEM for a hole, -EBUSY for MS_INVALIDATE on a VM_LOCKED VMA); the mmap lock is dropped around each fsync because the file system's fsync " +
				"takes the inode lock, which is ordered above the mmap lock (a write(2) faults in its user buffer under it). vfs_fsync_range() is modelled as __generic_file_fsync(): " +
				"the inode lock around the metadata (the data writeback is not modelled); a kernel path of the kernel library (kernel/msync.mms)",
			Rules: lockRules,
			Cites: []Cite{cite("mm/msync.c", "SYSCALL_DEFINE3(msync)", "none of its own: if ((flags & MS_SYNC) && file && (vma->vm_flags & VM_SHARED)) { get_file(file); mmap_read_unlock(mm); "+
				"error = vfs_fsync_range(file, fstart, fend, 1); fput(file); if (error || start >= end) goto out; mmap_read_lock(mm); vma = find_vma(mm, start); }", readMsync),
				cite("fs/libfs.c", "__generic_file_fsync()", "none: err = file_write_and_wait_range(file, start, end); ... inode_lock(inode); ret = sync_mapping_buffers(inode->i_mapping); ... inode_unlock(inode);", readLibfs)},
			Sequence: "/* user space */\nmsync(addr, len, MS_SYNC);"})})

	defOp(&Op{Name: "mincore", Path: true, Touches: world, Params: []Param{mm, intParam("start"), intParam("len"), intParam("vec")}, Result: TInt,
		API: register(&API{Name: "mincore", Section: "-", Hold: "no mmap lock of this mm (the syscall takes it)",
			Takes:  "per PAGE_SIZE pages: mmap_read_lock -> vma_lookup -> walk_page_range_vma (PGWALK_RDLOCK; PMD or PTE lock per table) -> mmap_read_unlock -> copy_to_user(vec) (may fault: the mmap or VMA lock)",
			Sleeps: "yes", Asserts: "via walk_page_range_vma (mmap_assert_locked)",
			Source: "mm/mincore.c: SYSCALL_DEFINE3(mincore), do_mincore(), mincore_pte_range()",
			Notes: "vec is the user address the residency bytes are copied to, one per page, after the mmap lock is dropped (copy_to_user() may fault and take it); returns 0 or -errno " +
				"(-ENOMEM for a hole, -EFAULT when vec cannot be written). The bytes themselves are not modelled; a kernel path of the kernel library (kernel/mincore.mms)",
			Rules: lockRules,
			Cites: []Cite{cite("mm/mincore.c", "SYSCALL_DEFINE3(mincore)", "none of its own: mmap_read_lock(current->mm); retval = do_mincore(start, min(pages, PAGE_SIZE), tmp); "+
				"mmap_read_unlock(current->mm); if (retval <= 0) break; if (copy_to_user(vec, tmp, retval)) { retval = -EFAULT; break; }", readMincore)},
			Sequence: "/* user space */\nmincore(addr, len, vec);"})})
}
