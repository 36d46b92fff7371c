package runtime

import "github.com/mmscript/mmscript/mmcore"

// MADV_REMOVE punches a hole in the file behind a shared mapping with the
// mmap lock dropped: madvise_remove() (mm/madvise.c) calls vfs_fallocate()
// after mmap_read_unlock(), since "Filesystem's fallocate may need to take
// i_rwsem" and i_rwsem is ordered above the mmap lock (a write(2) faults
// its buffer in under it). The kernel library writes madvise_remove() and
// shmem's ->fallocate (kernel/madvise.mms); shmem_truncate_range() is the
// step that takes the folios out of the page cache.

func init() {
	citeTable["shmem_truncate_range"] = []Cite{
		cite("mm/shmem.c", "shmem_fallocate()", "none: inode_lock(inode); if (mode & FALLOC_FL_PUNCH_HOLE) { ... "+
			"unmap_mapping_range(mapping, unmap_start, 1 + unmap_end - unmap_start, 0); shmem_truncate_range(inode, offset, offset + len - 1); "+
			"/* No need to unmap again: hole-punching leaves COWed pages */ ... } inode_unlock(inode);", readMadvise2026),
		cite("mm/madvise.c", "madvise_remove()", "mark_mmap_lock_dropped(madv_behavior); ... get_file(f); mmap_read_unlock(mm); "+
			"error = vfs_fallocate(f, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, end - start); fput(f); mmap_read_lock(mm);", readMadvise2026),
	}
	sequenceTable["shmem_truncate_range"] = "/* mm/shmem.c: shmem_fallocate(), FALLOC_FL_PUNCH_HOLE */\ninode_lock(inode);\n" +
		"unmap_mapping_range(mapping, unmap_start, 1 + unmap_end - unmap_start, 0);\nshmem_truncate_range(inode, offset, offset + len - 1);\ninode_unlock(inode);"
	defOp(&Op{Name: "shmem_truncate_range", Params: []Param{{Name: "file", Type: TFile}, intParam("lstart"), intParam("lend")},
		API: register(&API{Name: "shmem_truncate_range", Section: "-",
			Hold:   "the inode lock for write (shmem_fallocate(), shmem_setattr()); no mmap lock: the mappings were zapped by unmap_mapping_range() first",
			Takes:  "nothing mmscript models (the folio locks of the folios it removes)",
			Sleeps: "yes",
			Source: "mm/shmem.c: shmem_truncate_range(), shmem_undo_range(); mm/madvise.c: madvise_remove()",
			Notes: "takes the folios of bytes [lstart, lend] (lend inclusive) out of the page cache, as truncate_inode_pages_range(): a large folio the " +
				"range covers in part is split, or kept and unmapped; mmscript's step also zaps what is still mapped of them",
			Rules: []*Rule{ruleSleepInAtomic}}),
		Touches: world,
		Fn: func(c *Call) Result {
			c.T.MightSleep(c.Op.Name)
			f := c.file(0)
			lstart, lend := c.int(1), c.int(2)
			if lstart < 0 || lend < lstart {
				return fail("shmem_truncate_range: bad range [%d, %d]", lstart, lend)
			}
			first := (uint64(lstart) + mmcore.PageSize - 1) >> mmcore.PageShift
			last := (uint64(lend)+1)>>mmcore.PageShift - 1
			if uint64(lend)+1 < mmcore.PageSize || first > last {
				return ok // no whole page in the range (partial pages are zeroed, not removed)
			}
			f.Core.PunchHole(first, last)
			return ok
		}})
}
