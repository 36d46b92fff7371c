package mmcore

import (
	"iter"
	"sort"
)

// Config describes a simulated address space.
type Config struct {
	// Levels is the paging depth, 4 (47-bit user space) or 5 (56-bit);
	// zero means 4.
	Levels int
	// Memory is the machine's physical memory, shared by its MMs; nil
	// gives the MM a memory of its own.
	Memory *Memory
	// MmapBase is where top-down placement starts; zero means
	// DefaultMmapBase. The kernel randomises it; a fixed one keeps runs
	// reproducible.
	MmapBase Addr
	// MaxMapCount is vm.max_map_count; zero means 65530.
	MaxMapCount int
	// NoFaultAround disables fault-around (read faults on file VMAs map
	// the cached pages of the surrounding 64 KiB block, as on the
	// reference kernel).
	NoFaultAround bool
}

// Defaults for Config.
const (
	DefaultMmapBase    Addr = 0x7f0000000000
	DefaultMaxMapCount int  = 65530
	// MmapMinAddr is vm.mmap_min_addr: no mapping may start below it.
	MmapMinAddr Addr = 0x10000
	// DefaultMapWindow is the top of the area non-fixed mmaps use unless
	// the hint lies above it (the 47-bit window that 5-level paging keeps
	// by default).
	DefaultMapWindow Addr = 1<<47 - PageSize
	// StackGuardGap is the default stack_guard_gap (256 pages), kept free
	// below a VM_GROWSDOWN VMA.
	StackGuardGap Addr = 256 << PageShift
	// FaultAroundBytes is fault_around_bytes.
	FaultAroundBytes = 64 << 10
)

// MM is an mm_struct: an address space with its VMAs, page tables and TLB.
type MM struct {
	// Lock is owned by the lock checker built on top (mmscript's runtime),
	// which keeps the mmap_lock there; mmcore never reads it.
	Lock any
	// PageTableLock is likewise the checker's: mm->page_table_lock, which
	// guards installing P4D/PUD/PMD tables.
	PageTableLock any
	// MMLockSeq is mm->mm_lock_seq, advanced by the checker when the mmap
	// write lock is released; a VMA whose lock sequence equals it is
	// write-locked. mmcore only stores it.
	MMLockSeq uint64
	// TLB holds the per-CPU translations of this address space.
	TLB *TLB

	levels        int
	taskSize      Addr
	mmapBase      Addr
	maxMapCount   int
	noFaultAround bool
	mem           *Memory
	pgd           *PageTable
	nrPgtables    int
	vmas          []*VMA // sorted by start, non-overlapping
	rss           RSS
	nextID        uint64
}

// NewMM creates an empty address space (mm_alloc: the PGD is allocated
// now). It fails with EINVAL for a bad Levels.
func NewMM(cfg Config) (*MM, error) {
	levels := cfg.Levels
	if levels == 0 {
		levels = 4
	}
	if levels != 4 && levels != 5 {
		return nil, errf("mm_alloc", EINVAL, "paging levels must be 4 or 5")
	}
	m := &MM{
		levels:        levels,
		taskSize:      TaskSize(levels),
		mmapBase:      cfg.MmapBase,
		maxMapCount:   cfg.MaxMapCount,
		noFaultAround: cfg.NoFaultAround,
		mem:           cfg.Memory,
	}
	if m.mem == nil {
		m.mem = NewMemory()
	}
	if m.mmapBase == 0 {
		m.mmapBase = DefaultMmapBase
	}
	if m.mmapBase&^PageMask != 0 || m.mmapBase > m.taskSize {
		return nil, errf("mm_alloc", EINVAL, "bad mmap_base")
	}
	if m.maxMapCount == 0 {
		m.maxMapCount = DefaultMaxMapCount
	}
	m.pgd = m.newTable(LevelPGD, 0, nil, 0)
	m.TLB = newTLB(m)
	return m, nil
}

// Levels is the paging depth (4 or 5).
func (m *MM) Levels() int { return m.levels }

// TaskSize is the end of user space.
func (m *MM) TaskSize() Addr { return m.taskSize }

// MmapBase is where top-down placement starts.
func (m *MM) MmapBase() Addr { return m.mmapBase }

// Memory is the physical memory this MM allocates from.
func (m *MM) Memory() *Memory { return m.mem }

// PGD returns the top-level page table.
func (m *MM) PGD() *PageTable { return m.pgd }

// MapCount is the number of VMAs (mm->map_count).
func (m *MM) MapCount() int { return len(m.vmas) }

// VMA is a vm_area_struct. Its range, pgoff, file and anon_vma change only
// through MM methods, because the VMA tree and the rmap depend on them;
// Flags, Ops and Name belong to whoever holds the right locks.
type VMA struct {
	// Lock is owned by the lock checker built on top (mmscript's runtime),
	// which keeps the per-VMA lock state there (vm_refcnt, vm_lock_seq);
	// mmcore never reads it. A VMA created by a split starts with nil.
	Lock any
	// Flags is vm_flags.
	Flags VMFlags
	// Ops is the driver's vm_operations_struct, opaque to mmcore: nil for
	// plain anonymous and file mappings, which HandleFault serves. Splits
	// copy it.
	Ops any
	// Name is shown in Maps for VMAs without a file ("[heap]", "[stack]").
	Name string

	mm       *MM
	start    Addr
	end      Addr
	pgoff    uint64
	file     *File
	anonVMA  *AnonVMA
	chain    []*AnonVMA // anon_vma_chain: own anon_vma first, then ancestors'
	attached bool
	id       uint64
}

// MM is the VMA's address space (vm_mm).
func (v *VMA) MM() *MM { return v.mm }

// Start is vm_start.
func (v *VMA) Start() Addr { return v.start }

// End is vm_end (exclusive).
func (v *VMA) End() Addr { return v.end }

// Pages is the VMA's size in pages.
func (v *VMA) Pages() uint64 { return uint64(v.end-v.start) >> PageShift }

// Pgoff is vm_pgoff: the file offset in pages, or addr>>PAGE_SHIFT at
// creation for private anonymous memory.
func (v *VMA) Pgoff() uint64 { return v.pgoff }

// File is vm_file (nil for anonymous memory; the shmem file for shared
// anonymous memory).
func (v *VMA) File() *File { return v.file }

// AnonVMA is the VMA's anon_vma, nil until its first anonymous page.
func (v *VMA) AnonVMA() *AnonVMA { return v.anonVMA }

// ForkChild reports whether the VMA has an anon_vma and more than one entry
// on its anon_vma chain (inherited through fork); merges treat it apart.
func (v *VMA) ForkChild() bool { return v.anonVMA != nil && len(v.chain) > 1 }

// Attached reports whether the VMA is in its MM's tree. A VMA removed by
// munmap stays a valid struct but is detached, so a caller that still uses
// it can be told it uses an unmapped VMA.
func (v *VMA) Attached() bool { return v.attached }

// ID is a creation sequence number, unique within the MM, for reports.
func (v *VMA) ID() uint64 { return v.id }

// Anonymous reports vma_is_anonymous: no file and no driver ops.
func (v *VMA) Anonymous() bool { return v.file == nil && v.Ops == nil }

// Contains reports whether addr is in [Start, End).
func (v *VMA) Contains(addr Addr) bool { return addr >= v.start && addr < v.end }

// PgoffOf is linear_page_index: the pgoff that addr maps.
func (v *VMA) PgoffOf(addr Addr) uint64 { return v.pgoff + uint64(addr-v.start)>>PageShift }

func (v *VMA) String() string {
	return "vma[" + v.start.String() + "-" + v.end.String() + " " + v.Flags.VmFlags() + "]"
}

// --- the VMA tree -------------------------------------------------------

// index of the first VMA with end > addr
func (m *MM) search(addr Addr) int {
	return sort.Search(len(m.vmas), func(i int) bool { return m.vmas[i].end > addr })
}

// FindVMA returns the VMA containing addr or, failing that, the first one
// above it (find_vma); nil if there is none.
func (m *MM) FindVMA(addr Addr) *VMA {
	if i := m.search(addr); i < len(m.vmas) {
		return m.vmas[i]
	}
	return nil
}

// VMALookup returns the VMA containing addr, or nil (vma_lookup).
func (m *MM) VMALookup(addr Addr) *VMA {
	if v := m.FindVMA(addr); v != nil && v.start <= addr {
		return v
	}
	return nil
}

// FindVMAIntersection returns the first VMA intersecting [start, end), or
// nil (find_vma_intersection).
func (m *MM) FindVMAIntersection(start, end Addr) *VMA {
	if v := m.FindVMA(start); v != nil && v.start < end {
		return v
	}
	return nil
}

// FindVMAPrev returns FindVMA(addr) and the VMA before it (find_vma_prev).
func (m *MM) FindVMAPrev(addr Addr) (v, prev *VMA) {
	i := m.search(addr)
	if i > 0 {
		prev = m.vmas[i-1]
	}
	if i < len(m.vmas) {
		v = m.vmas[i]
	}
	return v, prev
}

func (m *MM) indexOf(v *VMA) int {
	if !v.attached || v.mm != m {
		return -1
	}
	i := m.search(v.start)
	if i < len(m.vmas) && m.vmas[i] == v {
		return i
	}
	return -1
}

// PrevVMA returns the VMA before v in the tree (vma_prev), or nil.
func (m *MM) PrevVMA(v *VMA) *VMA {
	if i := m.indexOf(v); i > 0 {
		return m.vmas[i-1]
	}
	return nil
}

// NextVMA returns the VMA after v in the tree (vma_next), or nil.
func (m *MM) NextVMA(v *VMA) *VMA {
	if i := m.indexOf(v); i >= 0 && i+1 < len(m.vmas) {
		return m.vmas[i+1]
	}
	return nil
}

// VMAs iterates over the VMAs in address order (for_each_vma). The tree
// may change during the iteration: each step resumes at the first VMA
// ending after the one last yielded, as a VMA iterator does.
func (m *MM) VMAs() iter.Seq[*VMA] {
	return m.VMAsRange(0, m.taskSize)
}

// VMAsRange iterates over the VMAs intersecting [start, end) in address
// order (for_each_vma_range), with the same tolerance of changes as VMAs.
func (m *MM) VMAsRange(start, end Addr) iter.Seq[*VMA] {
	return func(yield func(*VMA) bool) {
		addr := start
		for {
			v := m.FindVMA(addr)
			if v == nil || v.start >= end {
				return
			}
			addr = v.end
			if !yield(v) {
				return
			}
		}
	}
}

// NewVMA returns a detached VMA for [start, end): in no tree and no rmap,
// as a VMA is while f_op->mmap runs (vm_area_alloc + field set-up). It
// fails with EINVAL for an unaligned, empty or out-of-range span. For
// private anonymous memory the kernel's pgoff is start>>PAGE_SHIFT.
func (m *MM) NewVMA(start, end Addr, flags VMFlags, file *File, pgoff uint64) (*VMA, error) {
	if err := m.checkRange("vm_area_alloc", start, end); err != nil {
		return nil, err
	}
	m.nextID++
	return &VMA{mm: m, start: start, end: end, Flags: flags, file: file, pgoff: pgoff, id: m.nextID}, nil
}

func (m *MM) checkRange(op string, start, end Addr) error {
	switch {
	case !start.PageAligned() || !end.PageAligned():
		return errf(op, EINVAL, "range not page aligned")
	case start >= end:
		return errf(op, EINVAL, "empty range")
	case end > m.taskSize:
		return errf(op, EINVAL, "range beyond TASK_SIZE")
	}
	return nil
}

// InsertVMA attaches a detached VMA: into the tree and into the rmap (the
// file's i_mmap; the anon_vma's list if it has one) (vma_link). It fails
// with EEXIST if the range overlaps an attached VMA, EINVAL if the VMA
// belongs to another MM, is attached already or has a bad range, and
// ENOMEM beyond max_map_count. It never merges: the merge of a new range
// with its neighbours (vma_merge_new_range) belongs in front of this call.
func (m *MM) InsertVMA(v *VMA) error {
	const op = "vma_link"
	switch {
	case v == nil || v.mm != m:
		return errf(op, EINVAL, "VMA of another mm")
	case v.attached:
		return errf(op, EINVAL, "VMA already attached")
	}
	if err := m.checkRange(op, v.start, v.end); err != nil {
		return err
	}
	if m.FindVMAIntersection(v.start, v.end) != nil {
		return errf(op, EEXIST, "range "+v.start.String()+"-"+v.end.String()+" overlaps a VMA")
	}
	if len(m.vmas) >= m.maxMapCount {
		return errf(op, ENOMEM, "max_map_count reached")
	}
	m.link(v)
	return nil
}

func (m *MM) link(v *VMA) {
	i := m.search(v.start)
	m.vmas = append(m.vmas, nil)
	copy(m.vmas[i+1:], m.vmas[i:])
	m.vmas[i] = v
	v.attached = true
	if v.file != nil {
		v.file.mapping.imapInsert(v)
	}
	for _, av := range v.chain {
		av.vmas = append(av.vmas, v)
	}
}

// detach removes v from the tree and the rmap (vma_iter_clear +
// unlink_file_vma + unlink_anon_vmas). The struct stays valid.
func (m *MM) detach(v *VMA) {
	if i := m.indexOf(v); i >= 0 {
		m.vmas = append(m.vmas[:i], m.vmas[i+1:]...)
	}
	v.attached = false
	if v.file != nil {
		v.file.mapping.imapRemove(v)
	}
	for _, av := range v.chain {
		av.unlink(v)
	}
	v.chain = nil
	v.anonVMA = nil
}

// DetachVMA removes v from the tree and rmap without touching its page
// tables (for callers composing their own unmap); Munmap is the whole
// operation. The struct stays valid and Attached reports false.
func (m *MM) DetachVMA(v *VMA) error {
	if m.indexOf(v) < 0 {
		return errf("vma_detach", EINVAL, "VMA not attached to this mm")
	}
	m.detach(v)
	return nil
}

// SplitVMA splits v at addr (__split_vma): v keeps [start, addr) and the
// returned new VMA gets [addr, end) with the same flags, file, ops and
// anon_vma and its pgoff advanced. The file's i_mmap holds both halves.
// The caller runs vm_ops->open on the new VMA if it must. It fails with
// EINVAL if addr is unaligned or not strictly inside v, or v is detached,
// and ENOMEM at max_map_count.
func (m *MM) SplitVMA(v *VMA, addr Addr) (*VMA, error) {
	if v != nil && m.indexOf(v) >= 0 && len(m.vmas) >= m.maxMapCount {
		return nil, errf("split_vma", ENOMEM, "max_map_count reached")
	}
	return m.splitVMA(v, addr)
}

// splitVMA is __split_vma: callers that checked map_count for the whole
// operation (munmap) split without the per-split check.
func (m *MM) splitVMA(v *VMA, addr Addr) (*VMA, error) {
	const op = "split_vma"
	switch {
	case v == nil || m.indexOf(v) < 0:
		return nil, errf(op, EINVAL, "VMA not attached to this mm")
	case !addr.PageAligned() || addr <= v.start || addr >= v.end:
		return nil, errf(op, EINVAL, "split address "+addr.String()+" not inside the VMA")
	}
	m.nextID++
	nv := &VMA{
		mm: m, start: addr, end: v.end, pgoff: v.PgoffOf(addr),
		Flags: v.Flags, Ops: v.Ops, Name: v.Name, file: v.file,
		anonVMA: v.anonVMA, chain: append([]*AnonVMA(nil), v.chain...), id: m.nextID,
	}
	v.end = addr // v's i_mmap key (pgoff, start) is unchanged
	m.link(nv)
	return nv, nil
}

// --- anon_vma -----------------------------------------------------------

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
		m.nextID++
		av = &AnonVMA{ID: m.nextID}
		av.Root = av
		created = true
	}
	v.anonVMA = av
	v.chain = []*AnonVMA{av}
	if v.attached {
		av.vmas = append(av.vmas, v)
	}
	return av, created
}

// anonVMACompatible: a ends where b starts and they could merge but for
// their access flags (anon_vma_compatible).
func anonVMACompatible(a, b *VMA) bool {
	return a.end == b.start && a.file == b.file &&
		(a.Flags^b.Flags)&^VM_ACCESS_FLAGS == 0 &&
		b.pgoff == a.pgoff+a.Pages()
}

// reusableAnonVMA: old's anon_vma may be shared if old is not a fork child.
func reusableAnonVMA(old, a, b *VMA) *AnonVMA {
	if anonVMACompatible(a, b) && old.anonVMA != nil && len(old.chain) == 1 {
		return old.anonVMA
	}
	return nil
}

func (m *MM) findMergeableAnonVMA(v *VMA) *AnonVMA {
	var next, prev *VMA
	if v.attached {
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
