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
	p.data = true // file contents (the traces write every page)
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
		p, _, err := as.GetPage(mem, i)
		if err != nil {
			return err
		}
		p.dirty = true // written by write(2): reclaim cannot just drop it
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

// Linked reports whether v is in the mapping's i_mmap tree: file rmap
// walks find it (until free_pgtables() unlinks it).
func (as *AddressSpace) Linked(v *VMA) bool {
	for _, w := range as.imap {
		if w == v {
			return true
		}
	}
	return false
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
// its parent's anon_vmas as well as its own, which forms the fork
// hierarchy (mm/rmap.c, "anon_vma_chain"): Root is the top of the tree,
// Parent the anon_vma this one was forked from.
type AnonVMA struct {
	// Lock is owned by the lock checker built on top (mmscript's runtime),
	// which keeps the rwsem there; mmcore never reads it. As in the kernel
	// the rwsem that matters is the root's.
	Lock any
	// Root is the anon_vma at the top of the fork hierarchy (itself for a
	// fresh one).
	Root *AnonVMA
	// Parent is the anon_vma this one was forked from (itself for a root).
	Parent *AnonVMA
	ID     uint64

	vmas []*VMA // the VMAs whose chain contains this anon_vma (its rb_root)
	// numChildren counts the anon_vmas whose Parent is this one (a root
	// counts itself); numActiveVMAs counts the VMAs whose anon_vma is this
	// one. anon_vma_clone reuses an anon_vma on fork when it has no
	// active VMA and at most one child.
	numChildren   int
	numActiveVMAs int
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

// NumChildren is anon_vma->num_children.
func (av *AnonVMA) NumChildren() int { return av.numChildren }

// NumActiveVMAs is anon_vma->num_active_vmas.
func (av *AnonVMA) NumActiveVMAs() int { return av.numActiveVMAs }

func (av *AnonVMA) unlink(v *VMA) {
	for i, w := range av.vmas {
		if w == v {
			av.vmas = append(av.vmas[:i], av.vmas[i+1:]...)
			return
		}
	}
}

// Chain returns the anon_vmas on the VMA's anon_vma chain, its own first.
func (v *VMA) Chain() []*AnonVMA { return v.chain }

func (m *MM) anonVMAAlloc() *AnonVMA {
	m.nextID++
	av := &AnonVMA{ID: m.nextID}
	av.Root, av.Parent = av, av
	return av
}

// anonVMAChainLink adds av to v's chain and v to av's tree
// (anon_vma_chain_link). A VMA not yet in the tree is added to av's tree
// when it is linked.
func anonVMAChainLink(v *VMA, av *AnonVMA) {
	v.chain = append(v.chain, av)
	if v.linked {
		av.vmas = append(av.vmas, v)
	}
}

// anonVMAClone links dst to every anon_vma src is linked to
// (anon_vma_clone). On fork (dst.anonVMA cleared by anonVMAFork) it reuses
// one of them as dst's own if it has no active VMA and at most one child;
// the root is never reused, having itself as a child and at least one more.
func anonVMAClone(dst, src *VMA) {
	dst.chain = nil
	for i := len(src.chain) - 1; i >= 0; i-- {
		av := src.chain[i]
		anonVMAChainLink(dst, av)
		if dst.anonVMA == nil && src.anonVMA != nil && av.numChildren < 2 && av.numActiveVMAs == 0 {
			dst.anonVMA = av
		}
	}
	// keep "own anon_vma first", the order anon_vma_chain_link's list_add
	// gives
	for i, j := 0, len(dst.chain)-1; i < j; i, j = i+1, j-1 {
		dst.chain[i], dst.chain[j] = dst.chain[j], dst.chain[i]
	}
	if dst.anonVMA != nil {
		dst.anonVMA.numActiveVMAs++
	}
}

// unlinkAnonVMAs takes v off all its anon_vmas (unlink_anon_vmas) and
// clears v's anon_vma. An anon_vma left without VMAs leaves its parent's
// child count.
func unlinkAnonVMAs(v *VMA) {
	for _, av := range v.chain {
		av.unlink(v)
		if len(av.vmas) == 0 {
			av.Parent.numChildren--
		}
	}
	if v.anonVMA != nil {
		v.anonVMA.numActiveVMAs--
	}
	v.chain = nil
	v.anonVMA = nil
}

// PrepareAnonVMA gives v an anon_vma if it has none (anon_vma_prepare). As
// the kernel does, it first tries to reuse the anon_vma of an adjacent VMA
// that could later merge with v (find_mergeable_anon_vma, next then prev),
// and allocates a new one otherwise. created reports that a new anon_vma
// was allocated (which the kernel does under mm->page_table_lock and the
// anon_vma lock).
func (m *MM) PrepareAnonVMA(v *VMA) (av *AnonVMA, created bool) {
	if v.anonVMA != nil {
		return v.anonVMA, false
	}
	if av = m.findMergeableAnonVMA(v); av == nil {
		av = m.anonVMAAlloc()
		av.numChildren++ // self-parent link for a new root
		created = true
	}
	v.anonVMA = av
	anonVMAChainLink(v, av)
	av.numActiveVMAs++
	return av, created
}

// anonVMACompatible: a ends where b starts and they could merge but for
// their access flags (anon_vma_compatible).
func anonVMACompatible(a, b *VMA) bool {
	return a.end == b.start && a.file == b.file &&
		(a.Flags^b.Flags)&^(VM_ACCESS_FLAGS|VM_IGNORE_MERGE) == 0 &&
		b.pgoff == a.pgoff+a.Pages()
}

// reusableAnonVMA: old's anon_vma may be shared if old is not a fork child
// (reusable_anon_vma).
func reusableAnonVMA(old, a, b *VMA) *AnonVMA {
	if anonVMACompatible(a, b) && old.anonVMA != nil && len(old.chain) == 1 {
		return old.anonVMA
	}
	return nil
}

// findMergeableAnonVMA is find_mergeable_anon_vma: next first, then prev.
func (m *MM) findMergeableAnonVMA(v *VMA) *AnonVMA {
	var next, prev *VMA
	if v.linked {
		next, prev = m.NextVMA(v), m.PrevVMA(v)
	} else {
		next, prev = m.FindVMAPrev(v.start)
	}
	if next != nil {
		if av := reusableAnonVMA(next, v, next); av != nil {
			return av
		}
	}
	if prev != nil {
		if av := reusableAnonVMA(prev, prev, v); av != nil {
			return av
		}
	}
	return nil
}
