package mmcore

import (
	"iter"
	"sort"
)

// FileMode is the open mode of a File (struct file's f_mode).
type FileMode uint8

// f_mode bits that mmap looks at.
const (
	FMODE_READ  FileMode = 1
	FMODE_WRITE FileMode = 2
)

// File is an open file description (struct file). Two opens of the same
// inode are distinct Files sharing one AddressSpace; VMA merging compares
// Files by identity, as the kernel does.
type File struct {
	Name string
	Mode FileMode
	// NoExec models a file on a noexec mount: PROT_EXEC fails with EPERM
	// and VM_MAYEXEC is dropped.
	NoExec bool

	mapping *AddressSpace
	shmem   bool
}

// NewFile creates a file (a new inode) of size pages and returns it opened
// read-write. Faults on pages at or beyond size get SIGBUS.
func NewFile(name string, size uint64) *File {
	as := &AddressSpace{Size: size, pages: map[uint64]*Page{}}
	f := &File{Name: name, Mode: FMODE_READ | FMODE_WRITE, mapping: as}
	as.host = name
	return f
}

// Open returns another open file description of the same inode with the
// given mode (another open(2) of the same path).
func (f *File) Open(mode FileMode) *File {
	return &File{Name: f.Name, Mode: mode, NoExec: f.NoExec, mapping: f.mapping, shmem: f.shmem}
}

// Mapping is the inode's address_space (f_mapping).
func (f *File) Mapping() *AddressSpace { return f.mapping }

// Readable reports FMODE_READ.
func (f *File) Readable() bool { return f.Mode&FMODE_READ != 0 }

// Writable reports FMODE_WRITE.
func (f *File) Writable() bool { return f.Mode&FMODE_WRITE != 0 }

// Shmem reports whether the file is the internal shmem file behind a
// MAP_SHARED|MAP_ANONYMOUS mapping.
func (f *File) Shmem() bool { return f.shmem }

// AddressSpace is an inode's address_space: its page cache and i_mmap, the
// VMAs that map it, which rmap walks (unmap_mapping_range, truncation) use.
type AddressSpace struct {
	// Lock is owned by the lock checker built on top (mmscript's runtime),
	// which keeps the i_mmap_rwsem there; mmcore never reads it.
	Lock any
	// Size is the file size in pages; faults at or beyond it get SIGBUS.
	Size uint64

	host  string
	shmem bool
	pages map[uint64]*Page
	imap  []*VMA // sorted by (pgoff, start, id)
}

// FindPage returns the cached page at index, or nil (filemap_get_folio).
func (as *AddressSpace) FindPage(index uint64) *Page { return as.pages[index] }

// NrPages is the number of pages in the page cache.
func (as *AddressSpace) NrPages() int { return len(as.pages) }

// AddPage inserts p into the page cache at index; the cache takes a
// reference. It fails with EEXIST if the index is occupied, EINVAL if p is
// anonymous, freed or already in a page cache.
func (as *AddressSpace) AddPage(index uint64, p *Page) error {
	const op = "filemap_add_folio"
	switch {
	case p == nil || p.freed:
		return errf(op, EINVAL, "freed or nil page")
	case p.anon || p.zero || p.mapping != nil:
		return errf(op, EINVAL, "page is anonymous, the zero page or already cached")
	case as.pages[index] != nil:
		return errf(op, EEXIST, "index already cached")
	}
	p.refcount++
	p.mapping = as
	p.index = index
	as.pages[index] = p
	return nil
}

// GetPage returns the cached page at index, allocating and inserting a new
// one from mem when the cache has none (filemap_fault's read-in, with the
// data assumed to come from disk instantly). created says which happened.
func (as *AddressSpace) GetPage(mem *Memory, index uint64) (p *Page, created bool, err error) {
	if p := as.pages[index]; p != nil {
		return p, false, nil
	}
	p, err = mem.AllocPage()
	if err != nil {
		return nil, false, err
	}
	if err := as.AddPage(index, p); err != nil {
		_ = p.Put()
		return nil, false, err
	}
	_ = p.Put() // the cache's reference is the only one left
	return p, true, nil
}

// Fill caches pages [first, first+n), as a fully written tmpfs file has
// them; the fidelity traces start from such files.
func (as *AddressSpace) Fill(mem *Memory, first, n uint64) error {
	for i := first; i < first+n; i++ {
		if _, _, err := as.GetPage(mem, i); err != nil {
			return err
		}
	}
	return nil
}

// RemovePage drops index from the page cache and the cache's reference
// (the data side of truncation; unmapping it first is the caller's job).
// It returns the page, or nil if the index was not cached.
func (as *AddressSpace) RemovePage(index uint64) *Page {
	p := as.pages[index]
	if p == nil {
		return nil
	}
	delete(as.pages, index)
	p.mapping = nil
	_ = p.Put()
	return p
}

func imapLess(a, b *VMA) bool {
	if a.pgoff != b.pgoff {
		return a.pgoff < b.pgoff
	}
	if a.start != b.start {
		return a.start < b.start
	}
	return a.id < b.id
}

func (as *AddressSpace) imapInsert(v *VMA) {
	i := sort.Search(len(as.imap), func(i int) bool { return !imapLess(as.imap[i], v) })
	as.imap = append(as.imap, nil)
	copy(as.imap[i+1:], as.imap[i:])
	as.imap[i] = v
}

func (as *AddressSpace) imapRemove(v *VMA) {
	for i, w := range as.imap {
		if w == v {
			as.imap = append(as.imap[:i], as.imap[i+1:]...)
			return
		}
	}
}

// IMmap iterates, in pgoff order, over the VMAs mapping any page in
// [first, last] (vma_interval_tree_foreach). The set must not change while
// iterating.
func (as *AddressSpace) IMmap(first, last uint64) iter.Seq[*VMA] {
	return func(yield func(*VMA) bool) {
		for _, v := range as.imap {
			if v.pgoff > last {
				return
			}
			if v.pgoff+v.Pages()-1 < first {
				continue
			}
			if !yield(v) {
				return
			}
		}
	}
}

// MapCount is the number of VMAs in i_mmap.
func (as *AddressSpace) MapCount() int { return len(as.imap) }

// AnonVMA is an anon_vma: the rmap root for anonymous pages. VMAs link to it
// through their anon_vma chain; a VMA inherited through fork is linked to
// its parent's anon_vma as well as its own.
type AnonVMA struct {
	// Lock is owned by the lock checker built on top (mmscript's runtime),
	// which keeps the rwsem there; mmcore never reads it. As in the kernel
	// the rwsem that matters is the root's.
	Lock any
	// Root is the anon_vma at the top of the fork hierarchy (itself for a
	// fresh one).
	Root   *AnonVMA
	Parent *AnonVMA
	ID     uint64

	vmas []*VMA // the VMAs whose chain contains this anon_vma
}

// VMAs iterates over the VMAs linked to this anon_vma (the anon_vma's
// interval tree, in link order).
func (av *AnonVMA) VMAs() iter.Seq[*VMA] {
	return func(yield func(*VMA) bool) {
		for _, v := range av.vmas {
			if !yield(v) {
				return
			}
		}
	}
}

// NumVMAs is the number of VMAs linked to this anon_vma.
func (av *AnonVMA) NumVMAs() int { return len(av.vmas) }

func (av *AnonVMA) unlink(v *VMA) {
	for i, w := range av.vmas {
		if w == v {
			av.vmas = append(av.vmas[:i], av.vmas[i+1:]...)
			return
		}
	}
}
