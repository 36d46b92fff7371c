package mmcore

import "math/bits"

// NewExt4File creates a regular file on a disk file system (a new inode,
// its pages MM_FILEPAGES) of size pages, opened read-write. Unlike
// tmpfs (NewTmpfsFile), ext4 caches files in large folios (observed on
// the reference 6.18 kernel: pm F in kernel-vma-fidelity.md §3.3).
func NewExt4File(name string, size uint64) *File { return NewFile(name, size) }

// FillLargeFolios caches pages [first, first+n) as a buffered write of the
// whole range leaves them on ext4 (generic_perform_write asks
// __filemap_get_folio for folios as large as the write chunk allows):
// each folio is the largest naturally aligned power of two that fits what
// is left, up to PMD order. The page cache holds one reference per page
// slot. Folio sizes under memory pressure are the kernel's choice; this
// is what an unfragmented machine gives, and all that the traces can see
// of it is that the pages are compound (pm 'F').
//
// Faults map these folios whole where they fit (finish_fault,
// filemap_map_folio_range) but never past i_size, which on an empty PMD
// keeps fault-around from installing a PTE table when the first folio it
// finds holds EOF (faultAround): the first read fault of a
// process's 2 MiB region then maps a single page unless the folio fits
// its VMA.
func (as *AddressSpace) FillLargeFolios(mem *Memory, first, n uint64) error {
	for i := first; i < first+n; {
		order := min(bits.Len64(first+n-i)-1, HPAGE_PMD_ORDER)
		if i != 0 {
			order = min(order, bits.TrailingZeros64(i))
		}
		nr := uint64(1) << order
		if err := as.checkFree(i, nr); err != nil {
			return err
		}
		f, err := mem.AllocFolio(order)
		if err != nil {
			return err
		}
		for k := uint64(0); k < nr; k++ {
			q := f.subpage(int(k))
			// written by write(2) and not yet written back: dirty
			q.mapping, q.index, q.data, q.dirty = as, i+k, true, true
			as.pages[i+k] = q
		}
		f.refcount += int32(nr) - 1 // the allocation's reference becomes the first slot's
		i += nr
	}
	return nil
}

func (as *AddressSpace) checkFree(first, n uint64) error {
	for i := first; i < first+n; i++ {
		if as.pages[i] != nil {
			return errf("filemap_add_folio", EEXIST, "index already cached")
		}
	}
	return nil
}
