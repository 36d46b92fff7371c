package mmcore

import "iter"

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
	// SoftDirty models CONFIG_MEM_SOFT_DIRTY: new mappings and brk growth
	// get VM_SOFTDIRTY, which merging ignores. The reference kernel has it
	// compiled out, so VM_SOFTDIRTY is 0 there and every bit counts.
	SoftDirty bool
	// NoPkeys models a CPU without protection keys: a PROT_EXEC-only
	// mapping then gets no execute-only key. The reference machine has
	// pkeys, so such a mapping carries pkey 1 (VM_PKEY_BIT0), which smaps
	// prints as "ProtectionKey: 1" and merging compares like any flag.
	NoPkeys bool
	// NoZeroPageOnRead makes anonymous read faults allocate a page instead
	// of mapping the shared zero page (do_anonymous_page) or the huge zero
	// folio (do_huge_pmd_anonymous_page), as an x86 PVM guest kernel
	// booted with pvm_no_zero_page=1 does; recorded on such a kernel, a
	// THP split there still remaps unused subpages to the zero page
	// (try_to_map_unused_to_zeropage), so this is not mm_forbids_zeropage(),
	// which forbids that too. Generic kernels map the zero page.
	NoZeroPageOnRead bool
	// StartBrk is mm->start_brk, the initial program break (and brk); zero
	// means DefaultStartBrk. The kernel randomises it.
	StartBrk Addr
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
	// DefaultStartBrk is the initial break when Config.StartBrk is zero.
	DefaultStartBrk Addr = 0x555555560000
	// StackRlimit is RLIMIT_STACK (8 MiB), the largest a growsdown VMA may
	// grow to (acct_stack_growth).
	StackRlimit Addr = 8 << 20
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

	levels      int
	taskSize    Addr
	mmapBase    Addr
	maxMapCount int
	// splitGate is asked, after the Ops' own MaySplit, wherever the
	// kernel calls vm_ops->may_split (SetSplitGate).
	splitGate func(v *VMA, addr Addr) error
	// folioLocked answers folio_test_locked() where the kernel's madvise
	// walks try the folio lock (SetFolioLocked).
	folioLocked   func(f *Page) bool
	noFaultAround bool
	mem           *Memory
	pgd           *PageTable
	nrPgtables    int
	vmas          vmaTree // sorted by start, non-overlapping (mm->mm_mt)
	rss           RSS
	nextID        uint64

	softDirty  bool
	noPkeys    bool
	noZeroRead bool   // Config.NoZeroPageOnRead
	startBrk   Addr   // mm->start_brk
	brk        Addr   // mm->brk
	thpDisable uint64 // MMF_DISABLE_THP* bits set by prctl(PR_SET_THP_DISABLE)
	// vm_stat_account's counters, in pages
	totalVM, lockedVM, dataVM, stackVM, execVM uint64
	// tlbFlushBatched is mm->tlb_flush_batched (tlb_batch.go): bits 0-14
	// count the batched unmaps whose flush is pending, bits 16-30 the
	// count flush_tlb_batched_pending() last flushed up to.
	tlbFlushBatched int32
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
		softDirty:     cfg.SoftDirty,
		noPkeys:       cfg.NoPkeys,
		noZeroRead:    cfg.NoZeroPageOnRead,
		startBrk:      cfg.StartBrk,
	}
	if m.startBrk == 0 {
		m.startBrk = DefaultStartBrk
	}
	if m.startBrk&^PageMask != 0 || m.startBrk >= m.taskSize {
		return nil, errf("mm_alloc", EINVAL, "bad start_brk")
	}
	m.brk = m.startBrk
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
func (m *MM) MapCount() int { return m.vmas.n }

// MaxMapCount is vm.max_map_count for this MM.
func (m *MM) MaxMapCount() int { return m.maxMapCount }

// VMCounts returns mm->total_vm, locked_vm, data_vm, stack_vm and exec_vm
// in pages, as vm_stat_account keeps them.
func (m *MM) VMCounts() (total, locked, data, stack, exec uint64) {
	return m.totalVM, m.lockedVM, m.dataVM, m.stackVM, m.execVM
}

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
	// CacheBits are the cache-mode bits of vm_page_prot (PTEPWT,
	// PTEPCD): a driver's `vma->vm_page_prot =
	// pgprot_noncached(vma->vm_page_prot)` in f_op->mmap. The entries a
	// driver installs through the VMA (InsertPage, InsertPFN, a ->fault
	// page, RemapPFNRange by default) carry them; mprotect keeps them, as
	// vm_pgprot_modify() -> pgprot_modify() keeps _PAGE_CACHE_MASK.
	// Anonymous, COW and THP entries stay write-back.
	CacheBits PTE
	// UffdCtx is vma->vm_userfaultfd_ctx.ctx, the userfaultfd context the
	// VMA is registered with (fs/userfaultfd.c), or nil; opaque to mmcore
	// (the checker built on top owns it and sets it under its locks).
	// vm_area_dup() copies it to the pieces of a split, and two VMAs merge
	// only with the same one (is_mergeable_vma() ->
	// is_mergeable_vm_userfaultfd_ctx()).
	UffdCtx any
	// Name is shown in Maps for VMAs without a file ("[stack]", a
	// driver's name). "[heap]" is not stored: Maps prints it for the VMAs
	// that overlap [start_brk, brk], as show_map_vma does.
	Name string

	mm       *MM
	start    Addr
	end      Addr
	pgoff    uint64
	file     *File
	anonVMA  *AnonVMA
	chain    []*AnonVMA // anon_vma_chain: own anon_vma first, then ancestors'
	attached bool       // vma_mark_attached / vma_mark_detached
	linked   bool       // in the MM's tree
	id       uint64
}

// VMOpsCloser is implemented by a VMA's Ops to tell mmcore whether the
// driver has a vm_ops->close hook: a merge never deletes such a VMA
// (can_merge_remove_vma). Ops that do not implement it count as having one,
// so a driver VMA is never silently merged away.
type VMOpsCloser interface{ HasClose() bool }

// VMOpsMaySplit is implemented by a VMA's Ops that has vm_ops->may_split:
// __split_vma asks it first and fails with its error.
type VMOpsMaySplit interface {
	MaySplit(v *VMA, addr Addr) error
}

// SetSplitGate installs g (nil removes it) as a second vm_ops->may_split:
// __split_vma and prep_move_vma ask it, after the Ops' MaySplit, and fail
// with its error. A checker whose may_split hooks cannot answer at once
// (mmscript's script handlers run as steps of their own) refuses with an
// error of its own, runs the hook, and calls the operation again: the
// splits done before the refusal stay done, as after a real refusal, so
// the operation goes on from the split that asked.
func (m *MM) SetSplitGate(g func(v *VMA, addr Addr) error) { m.splitGate = g }

// SetFolioLocked installs q (nil removes it) as folio_test_locked():
// whether another task holds the lock of folio f. mmcore has no locks;
// a checker that models PG_locked answers for it where the kernel tries
// the lock and skips the folio when the try fails: the madvise walks of
// MADV_FREE, MADV_COLD and MADV_PAGEOUT (mm/madvise.c: folio_trylock()
// before split_folio() in madvise_free_pte_range() and
// madvise_cold_or_pageout_pte_range(), of a dirty folio in the former;
// mm/huge_memory.c: madvise_free_huge_pmd()) and reclaim's
// (mm/vmscan.c: shrink_folio_list() keeps a folio it cannot lock).
// Without q every try succeeds.
func (m *MM) SetFolioLocked(q func(f *Page) bool) { m.folioLocked = q }

// folioTrylockFails is !folio_trylock(f) as the walks ask it: they take
// no lock of their own, so only another holder makes it fail.
func (m *MM) folioTrylockFails(f *Page) bool {
	return m.folioLocked != nil && m.folioLocked(f.Folio())
}

// vmOpsMaySplit is `if (vma->vm_ops && vma->vm_ops->may_split) err =
// vma->vm_ops->may_split(vma, addr)`.
func (m *MM) vmOpsMaySplit(v *VMA, addr Addr) error {
	if s, ok := v.Ops.(VMOpsMaySplit); ok {
		if err := s.MaySplit(v, addr); err != nil {
			return err
		}
	}
	if m.splitGate != nil {
		return m.splitGate(v, addr)
	}
	return nil
}

func vmaHasClose(v *VMA) bool {
	if v.Ops == nil {
		return false
	}
	if c, ok := v.Ops.(VMOpsCloser); ok {
		return c.HasClose()
	}
	return true
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

// Attached reports whether the VMA is attached (vma_mark_attached): in its
// MM's tree and not being removed. A VMA removed by munmap or merged away
// stays a valid struct but is detached, so a caller that still uses it can
// be told it uses an unmapped (in the kernel: freed) VMA. Between
// VMSGatherMunmapVMAs and VMAIterClear a VMA is detached but still in the
// tree, as in the kernel.
func (v *VMA) Attached() bool { return v.attached }

// ProtectionKey is the VMA's x86 protection key (vma_pkey), what smaps
// prints as ProtectionKey.
func (v *VMA) ProtectionKey() int { return int(v.Flags & VM_PKEY_MASK >> VM_PKEY_SHIFT) }

// ID is a creation sequence number, unique within the MM, for reports.
func (v *VMA) ID() uint64 { return v.id }

// LastVMAID is the id of the newest VMA struct allocated for m: VMAs with
// a higher id are allocated later.
func (m *MM) LastVMAID() uint64 { return m.nextID }

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

// FindVMA returns the VMA containing addr or, failing that, the first one
// above it (find_vma); nil if there is none.
func (m *MM) FindVMA(addr Addr) *VMA {
	return m.vmas.at(m.vmas.seek(addr))
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
	c := m.vmas.seek(addr)
	return m.vmas.at(c), m.vmas.at(m.vmas.prev(c))
}

// PrevVMA returns the VMA before v in the tree (vma_prev), or nil.
func (m *MM) PrevVMA(v *VMA) *VMA {
	if v == nil || !v.linked || v.mm != m {
		return nil
	}
	if c, ok := m.vmas.find(v); ok {
		return m.vmas.at(m.vmas.prev(c))
	}
	return nil
}

// NextVMA returns the VMA after v in the tree (vma_next), or nil.
func (m *MM) NextVMA(v *VMA) *VMA {
	if v == nil || !v.linked || v.mm != m {
		return nil
	}
	if c, ok := m.vmas.find(v); ok {
		return m.vmas.at(m.vmas.next(c))
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
	return m.vmAreaAlloc(start, end, flags, file, pgoff), nil
}

func (m *MM) vmAreaAlloc(start, end Addr, flags VMFlags, file *File, pgoff uint64) *VMA {
	m.nextID++
	return &VMA{mm: m, start: start, end: end, Flags: flags, file: file, pgoff: pgoff, id: m.nextID}
}

// vmAreaDup copies v's fields into a new, detached struct (vm_area_dup):
// the anon_vma pointer is copied, the anon_vma chain is not (the caller
// clones it), the checker's lock state starts empty.
func (m *MM) vmAreaDup(v *VMA) *VMA {
	m.nextID++
	return &VMA{mm: m, start: v.start, end: v.end, pgoff: v.pgoff, Flags: v.Flags, Ops: v.Ops, CacheBits: v.CacheBits,
		UffdCtx: v.UffdCtx, Name: v.Name, file: v.file, anonVMA: v.anonVMA, id: m.nextID}
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
// ENOMEM beyond max_map_count. It never merges: Mmap tries
// vma_merge_new_range first; a driver's mmap path (PrepareMmap, the
// driver's hook, InsertVMA) links the new VMA as it is.
func (m *MM) InsertVMA(v *VMA) error {
	const op = "vma_link"
	switch {
	case v == nil || v.mm != m:
		return errf(op, EINVAL, "VMA of another mm")
	case v.attached || v.linked:
		return errf(op, EINVAL, "VMA already attached")
	}
	if err := m.checkRange(op, v.start, v.end); err != nil {
		return err
	}
	if m.FindVMAIntersection(v.start, v.end) != nil {
		return errf(op, EEXIST, "range "+v.start.String()+"-"+v.end.String()+" overlaps a VMA")
	}
	if m.vmas.n >= m.maxMapCount {
		return errf(op, ENOMEM, "max_map_count reached")
	}
	m.link(v)
	m.vmStatAccount(v.Flags, int64(v.Pages()))
	return nil
}

// link puts v into the tree, the file's i_mmap and its anon_vmas' trees and
// marks it attached (vma_iter_store_new + vma_link_file + the rmap).
func (m *MM) link(v *VMA) {
	m.linkAt(vmaCursor{-1, 0}, v)
}

// linkAt is link with the tree position already known (c is the seek of
// v.start on the unchanged tree); ci -1 means unknown.
func (m *MM) linkAt(c vmaCursor, v *VMA) {
	if c.ci < 0 {
		m.vmas.insert(v)
	} else {
		m.vmas.insertAt(c, v)
	}
	v.linked = true
	v.attached = true
	if v.file != nil {
		v.file.mapping.imapInsert(v)
	}
	for _, av := range v.chain {
		av.vmas = append(av.vmas, v)
	}
}

// treeRemove takes v out of the tree only (vma_iter_clear): it stays in
// the rmap until unlinked.
func (m *MM) treeRemove(v *VMA) {
	if c, ok := m.vmas.find(v); ok && v.linked {
		m.vmas.remove(c)
	}
	v.linked = false
}

// detach removes v from the tree and the rmap (vma_iter_clear +
// unlink_file_vma + unlink_anon_vmas) and marks it detached. The struct
// stays valid.
func (m *MM) detach(v *VMA) {
	m.treeRemove(v)
	v.attached = false
	if v.file != nil {
		v.file.mapping.imapRemove(v)
	}
	unlinkAnonVMAs(v)
}

// DetachVMA removes v from the tree and rmap without touching its page
// tables (for callers composing their own unmap); Munmap is the whole
// operation. The struct stays valid and Attached reports false.
func (m *MM) DetachVMA(v *VMA) error {
	if v == nil || v.mm != m || !v.linked {
		return errf("vma_detach", EINVAL, "VMA not attached to this mm")
	}
	m.vmStatAccount(v.Flags, -int64(v.Pages()))
	m.detach(v)
	return nil
}

// setRange is vma_set_range, keeping i_mmap ordered: vma_prepare takes the
// VMA out of the file's interval tree and vma_complete puts it back.
func (m *MM) setRange(v *VMA, start, end Addr, pgoff uint64) {
	if v.linked && v.file != nil && (v.pgoff != pgoff || v.start != start) {
		v.file.mapping.imapRemove(v)
		v.start, v.end, v.pgoff = start, end, pgoff
		v.file.mapping.imapInsert(v)
		return
	}
	v.start, v.end, v.pgoff = start, end, pgoff
}

// SplitVMA splits v at addr (split_vma). With newBelow false, v keeps
// [start, addr) and the returned new VMA gets [addr, end); with newBelow
// true the new VMA gets [start, addr) and v keeps [addr, end), as
// __split_vma's new_below does (munmap and vma_modify split the start of a
// range that way, so the original struct is always the piece inside the
// range). The new VMA has the same flags, file, ops and anon_vma chain and
// the right pgoff; the file's i_mmap holds both. The caller runs
// vm_ops->open on the new VMA, as __split_vma does. It fails with EINVAL
// if addr is unaligned or not strictly inside v, or v is detached, ENOMEM
// at max_map_count, and with the error of the Ops' MaySplit.
func (m *MM) SplitVMA(v *VMA, addr Addr, newBelow bool) (*VMA, error) {
	if v != nil && v.linked && v.mm == m && m.vmas.n >= m.maxMapCount {
		return nil, errf("split_vma", ENOMEM, "max_map_count reached")
	}
	return m.splitVMA(v, addr, newBelow)
}

// splitVMA is __split_vma: callers that checked map_count for the whole
// operation (munmap) split without the per-split check.
func (m *MM) splitVMA(v *VMA, addr Addr, newBelow bool) (*VMA, error) {
	const op = "__split_vma"
	switch {
	case v == nil || v.mm != m || !v.linked:
		return nil, errf(op, EINVAL, "VMA not attached to this mm")
	case !addr.PageAligned() || addr <= v.start || addr >= v.end:
		return nil, errf(op, EINVAL, "split address "+addr.String()+" not inside the VMA")
	}
	if err := m.vmOpsMaySplit(v, addr); err != nil {
		return nil, err
	}
	m.vmaAdjustTransHuge(addr) // a PMD mapping may not straddle the new boundary
	nv := m.vmAreaDup(v)
	if newBelow {
		nv.end = addr
	} else {
		nv.start = addr
		nv.pgoff = v.PgoffOf(addr)
	}
	anonVMAClone(nv, v)
	// the original shrinks first, so that the tree never holds an overlap
	if newBelow {
		m.setRange(v, addr, v.end, v.PgoffOf(addr))
	} else {
		v.end = addr // v's i_mmap key (pgoff, start) is unchanged
	}
	m.link(nv)
	return nv, nil
}

// --- vm_stat_account -----------------------------------------------------

func isExecMapping(f VMFlags) bool  { return f&(VM_WRITE|VM_EXEC|VM_STACK) == VM_EXEC }
func isStackMapping(f VMFlags) bool { return f&VM_STACK == VM_STACK }
func isDataMapping(f VMFlags) bool {
	return f&(VM_WRITE|VM_SHARED|VM_STACK) == VM_WRITE
}

// vmStatAccount is vm_stat_account: total_vm and the exec/stack/data
// split that may_expand_vm and /proc/pid/status read.
func (m *MM) vmStatAccount(f VMFlags, pages int64) {
	m.totalVM = uint64(int64(m.totalVM) + pages)
	switch {
	case isExecMapping(f):
		m.execVM = uint64(int64(m.execVM) + pages)
	case isStackMapping(f):
		m.stackVM = uint64(int64(m.stackVM) + pages)
	case isDataMapping(f):
		m.dataVM = uint64(int64(m.dataVM) + pages)
	}
}
