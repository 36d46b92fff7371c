package runtime

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/mmscript/mmscript/mmcore"
)

// Footprints: what one scheduling step reads and writes, for the
// explorer's partial-order reduction (interp: Explore). Two steps of
// different threads are independent when neither writes what the other
// touches; independent steps commute (either order reaches the same state
// and neither enables or disables the other), so the explorer tries only
// one order of them.
//
// Where a footprint comes from:
//
//   - locks: recorded by the lock code itself (Task.Acquire, TryAcquire,
//     Release, Downgrade, Lock.heldBy, grant, wake), so every primitive that
//     takes, drops or tests a lock is covered without declaring it. A read
//     acquisition granted at once and a read release that wakes nobody are
//     reads of the lock (they commute with each other); anything that
//     queues, wakes, or takes or drops the write side is a write. A
//     failed read trylock reads only that the lock refuses readers, and
//     commutes with a write that finds it refusing them and leaves it so
//     (Access.Refused, Access.KeepsRefusing). The same two flags relate
//     a failed lock_vma_under_rcu()'s read of the VMA tree and munmap's
//     vma_iter_clear_gfp() of write-locked VMAs (VMALookupRCU).
//   - lockdep: an acquisition under held locks asks whether its class
//     reaches a held one, which observes the out-edges of every class its
//     class reaches (fpLockdepReach); recording a new edge a -> b is a
//     shared update of a's out-edges (other edges out of a commute with
//     it) and a write of the edge itself, which records where it was
//     made (fpLockdepEdge); finding it known reads the edge. A subclass's
//     class made on first use writes its key and the count of classes;
//     finding it made reads the key (fpLockdepClass). An acquisition with
//     nothing held reads no part of the graph.
//   - tasks: every step writes its own task; a lock hand-over (wake) and a
//     release on another task's behalf (vma_end_write_all) write the other
//     task too, which is the blocked/woken relation. Whether a task holds
//     a lock (Lock.heldBy: the assertions) is a read of the task, not of
//     the lock, so it commutes with other tasks' enqueues and grants.
//   - everything else (VMA trees, page tables, pages, TLBs, the page
//     allocator) is declared by the operation: Op.Touches, set next to the
//     operation's definition or in the table below. An operation without a
//     declaration is a test failure (TestEveryOpDeclaresFootprint), never a
//     silent "touches nothing"; World is always a sound declaration.
//   - script globals and field reads: recorded by the interpreter.
//
// Objects are named by what identifies them across runs, not by their
// address (each run makes its own): a page by its PFN, a lock by its name,
// an mm by its name, a task by its number. Two objects that share a name
// share an identity, which can only make steps dependent, never hide a
// dependence; footprints recorded in one run (the sleep sets) are compared
// with those of another.

// AccessKind is the kind of object an Access names.
type AccessKind uint8

const (
	// AWorld conflicts with every access to shared state (an undeclared
	// or complex step).
	AWorld AccessKind = iota + 1
	ALock
	ALockdep
	ATask
	// AMM is an mm, in parts that are objects of their own (mmParts):
	// its VMA tree with the VMAs' fields and every field of the mm not
	// named below (ID(mm)); its vm_stat_account counters; its
	// mm_lock_seq; its mm_users (kernel_exit.go). MM records all of them.
	AMM
	// APTE is an mm's page tables (every level), with the counters that
	// change exactly when an entry or a table does and are read with
	// them: rss (MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES) and
	// pgtables_bytes.
	APTE
	APage   // a page (refcount, mapcount, rmap, flags)
	ATLB    // an mm's TLB entries on every CPU
	AAlloc  // the page allocator and object creation
	AFile   // a file's address_space (i_mmap tree)
	AGlobal // a script global variable
	ARCU    // the grace periods: who is in a read-side section, what waits
	// AOwner is an rwsem's sem->owner (Lock.owner), apart from the lock:
	// read grants that commute on the reader count do not commute on it.
	AOwner
	// AObject is a kernel object of its own that none of the kinds above
	// covers: a userfaultfd context (ctx->mmap_changing, its queue of
	// faults and the wait queues on it).
	AObject
)

var accessKindNames = [...]string{AWorld: "world", ALock: "lock", ALockdep: "lockdep", ATask: "task", AMM: "mm",
	APTE: "pte", APage: "page", ATLB: "tlb", AAlloc: "alloc", AFile: "file", AGlobal: "global", ARCU: "rcu", AOwner: "owner",
	AObject: "object"}

func (k AccessKind) String() string {
	if int(k) < len(accessKindNames) && accessKindNames[k] != "" {
		return accessKindNames[k]
	}
	return fmt.Sprintf("kind%d", k)
}

// AllObjects in Access.Obj names every object of the kind.
const AllObjects = ^uint32(0)

// Access is one object a step touches.
type Access struct {
	Kind  AccessKind
	Write bool   // a write: conflicts with every access to the object
	Obj   uint32 // FootprintID of the object, or AllObjects
	// Lock accesses distinguish two more: Shared is an update that
	// commutes with other shared updates and with reads of the exclusive
	// state (a read grant or a read release nobody waits on: the reader
	// set changes, the writer and the queue do not); Observe reads the
	// whole lock, reader set included (Held(), whether a writer could have
	// it), and so conflicts with shared updates too.
	Shared, Observe bool
	// Two more say what a lock access learns or changes of whether the
	// lock refuses a new reader (Lock.refusesReaders: a writer holds it
	// or a task is queued on it). Refused is a read that learned only
	// that: a failed read trylock (TryAcquire). KeepsRefusing is a write
	// that leaves the lock refusing readers as it found it (a read
	// release that hands the lock to a queued writer, Lock.release). The
	// two commute: the trylock fails and changes nothing in either order
	// (see refusalCommutes). On an mm's VMA tree (AMM, ID(mm)) they say
	// the same of lock_vma_under_rcu(): Refused is its lookup that found
	// a VMA whose lock refused readers (VMALookupRCU), KeepsRefusing a
	// change of the tree after which every such lookup still returns
	// NULL (munmap's vma_iter_clear_gfp() of VMAs that refuse readers).
	Refused, KeepsRefusing bool
}

func (a Access) String() string {
	if a.Obj == AllObjects {
		return a.format("*")
	}
	return a.format(fmt.Sprint(a.Obj))
}

// format prints a with its object as obj.
func (a Access) format(obj string) string { return a.Kind.String() + ":" + obj + ":" + a.how() }

// how is the letters of String that say how the object is touched.
func (a Access) how() string {
	rw := "r"
	switch {
	case a.Write:
		rw = "w"
	case a.Shared && a.Observe:
		rw = "so"
	case a.Shared:
		rw = "s"
	case a.Observe:
		rw = "o"
	}
	switch {
	case a.Write && a.KeepsRefusing:
		rw += "k"
	case !a.Write && a.Refused:
		rw += "f"
	}
	return rw
}

// Conflicts reports whether two accesses are dependent: the same object
// (or a wildcard), at least one a write; World conflicts with everything.
func (a Access) Conflicts(b Access) bool {
	if a.Kind == AWorld || b.Kind == AWorld {
		// Every shared object, but not a task's own state or the script's
		// globals: no kernel operation touches those behind the
		// interpreter's back (a hand-over records the woken task itself).
		o := b.Kind
		if o == AWorld {
			o = a.Kind
		}
		return o != ATask && o != AGlobal
	}
	if a.Kind != b.Kind || !(a.Obj == b.Obj || a.Obj == AllObjects || b.Obj == AllObjects) {
		return false
	}
	if refusalCommutes(a, b) || refusalCommutes(b, a) {
		return false
	}
	return a.Write || b.Write || a.Shared && b.Observe || a.Observe && b.Shared
}

// refusalCommutes reports whether a is a failed read trylock's read of a
// lock (Refused, and nothing else of the lock) and b a write that found
// the lock refusing readers and left it so (KeepsRefusing). In either
// order the trylock fails, and it writes nothing but its own task, so
// the state after both is the same: mm/mmap_lock.c's vma_start_read()
// fails on a VMA whose writer waits (__vma_start_exclude_readers() set
// VM_REFCNT_EXCLUDE_READERS_FLAG: __refcount_inc_not_zero_limited_acquire()
// fails, a pure read of vm_refcnt, and returns NULL as oldcnt is not 0)
// and on one write-locked after the hand-over (vm_lock_seq ==
// mm_lock_seq), so it returns NULL before and after the last reader's
// vma_refcount_put() wakes the writer.
func refusalCommutes(a, b Access) bool {
	return a.Refused && !a.Write && !a.Shared && !a.Observe && b.Write && b.KeepsRefusing
}

// Footprint collects the accesses of the current step. The interpreter
// installs one with Kernel.SetFootprint; without one, recording costs a
// nil check.
type Footprint struct {
	Acc []Access
	// A lean recorder (NewOwnFootprint) keeps no access, only whether one
	// was to anything but task own's state (foreign).
	lean    bool
	own     uint32
	foreign bool
	// step counts Resets: a hold taken in this step (Hold.fpStep) may
	// have its lock accesses replaced when it is released in it
	// (Task.fpTransient).
	step uint64
	// wrotePT is set by a write of a page-table entry since the last
	// Kernel.NoteChanges, which then reads the TLB (a change makes a
	// translation stale only where a CPU caches it).
	wrotePT bool
	// names, in a naming recorder (NewNamingFootprint: run -footprints),
	// are what the objects recorded so far are called (Describe). An ID
	// is a hash and cannot be read back, so the name is kept where the
	// object is at hand: the lock, the mm, the page-table entry's mm,
	// level and address. nil in every other recorder: naming costs
	// those a nil check.
	names map[objKey]string
}

// objKey is an object of a footprint: its kind and ID.
type objKey struct {
	kind AccessKind
	obj  uint32
}

// NewFootprint makes an empty recorder.
func NewFootprint() *Footprint { return &Footprint{} }

// NewNamingFootprint makes a recorder that keeps every access, as
// NewFootprint's does, and the name of every object it records, for
// Describe (run -trace -footprints).
func NewNamingFootprint() *Footprint {
	return &Footprint{names: map[objKey]string{{APTE, tableNumbering}: "pt->ids"}}
}

// SetName names an object the recorder does not see made (the
// interpreter's: a script global by its slot, a thread's task). It does
// nothing but in a naming recorder.
func (f *Footprint) SetName(kind AccessKind, obj uint32, name string) {
	if f != nil && f.names != nil && name != "" {
		f.names[objKey{kind, obj}] = name
	}
}

// setName is SetName for the runtime's own objects, which keep the name
// they were first recorded with.
func (f *Footprint) setName(kind AccessKind, obj uint32, name string) {
	k := objKey{kind, obj}
	if _, ok := f.names[k]; !ok && name != "" {
		f.names[k] = name
	}
}

// singleObject says which kinds have one object only (ID 0), which
// Describe prints with no object.
func singleObject(k AccessKind) bool {
	return k == AWorld || k == AAlloc || k == ALockdep || k == ARCU
}

// Describe prints a as kind:object:how (Access.String), the object by
// the name it has everywhere else (a lock's name, a task's or global's
// name, an mm's name and the parts of it, m->pte(0x100000) for the entry
// that maps 0x100000 and m->pmd(0x0) for the PMD entry above it, pfn
// 0x1001 for a page, * for all objects of the kind); a kind of one
// object (world, alloc, lockdep, rcu) prints none. An object the recorder
// has no name for (it does not name: not a naming recorder) keeps its ID.
func (f *Footprint) Describe(a Access) string {
	switch {
	case a.Obj == AllObjects:
		return a.format("*")
	case singleObject(a.Kind) && a.Obj == 0:
		return a.Kind.String() + ":" + a.how()
	case a.Kind == APage:
		return a.format(pageName(mmcore.PFN(a.Obj)))
	}
	if f != nil {
		if n, ok := f.names[objKey{a.Kind, a.Obj}]; ok {
			return a.format(n)
		}
	}
	return a.String()
}

// pageName is how diagnostics name a page.
func pageName(pfn mmcore.PFN) string { return fmt.Sprintf("pfn %#x", uint64(pfn)) }

// objectName is the name of an object ID names.
func objectName(x any) string {
	switch o := x.(type) {
	case *Lock:
		return o.Name
	case *mmcore.Page:
		return pageName(o.PFN)
	case *mmcore.MM:
		if m := mmOf(o); m != nil {
			return m.Name
		}
	case *MM:
		return o.Name
	case *File:
		return o.Core.Name
	case *UffdCtx:
		return o.Name
	}
	return ""
}

// mmID is ID(m), and in a naming recorder names m and its parts.
func (f *Footprint) mmID(m *mmcore.MM) uint32 {
	id := ID(m)
	if f.names != nil {
		f.nameMM(m, id)
	}
	return id
}

// nameMM names mm m (ID id) and every object that is a part of it, the
// first time it is recorded.
func (f *Footprint) nameMM(m *mmcore.MM, id uint32) {
	rm := mmOf(m)
	if rm == nil {
		return
	}
	if _, ok := f.names[objKey{AMM, id}]; ok {
		return
	}
	n := rm.Name
	f.setName(AMM, id, n)
	for _, p := range [...]string{partCounters, partLockSeq, partAttach, partFlags, partNotifiers, partMMCount} {
		f.setName(AMM, mmPart(id, p), n+p)
	}
	f.setName(AMM, mmUsersID(n), n+partMMUsers)
	f.setName(ATLB, id, n)
	f.setName(ATLB, mmPart(id, partFlushPending), n+partFlushPending)
	f.setName(ATLB, mmPart(id, partFlushBatched), n+partFlushBatched)
	f.setName(APTE, mmPart(id, partPTCounters), n+partPTCounters)
}

// lockID is ID(l), and in a naming recorder names l.
func (f *Footprint) lockID(l *Lock) uint32 {
	id := ID(l)
	if f.names != nil {
		f.setName(ALock, id, l.Name)
	}
	return id
}

// NewOwnFootprint makes a lean recorder: it keeps only whether the step
// touched anything but its own task (OwnOnly), which is all a run that
// is not explored needs from a footprint (the interpreter merges a
// thread's steps that touch only the thread into one turn). Keeping every
// access, merged with those before, was a tenth of such a run.
func NewOwnFootprint() *Footprint { return &Footprint{lean: true} }

// Reset starts a new step.
func (f *Footprint) Reset() { f.Acc, f.foreign, f.step, f.wrotePT = f.Acc[:0], false, f.step+1, false }

// ResetOwn starts a new step of task id: a write of its own state.
func (f *Footprint) ResetOwn(id int) {
	f.Reset()
	f.own = uint32(id)
	f.Add(ATask, f.own, true)
}

// OwnOnly reports whether the accesses since ResetOwn touch nothing but
// the step's own task.
func (f *Footprint) OwnOnly() bool {
	if f.lean {
		return !f.foreign
	}
	for _, a := range f.Acc {
		if a.Kind != ATask || a.Obj != f.own {
			return false
		}
	}
	return true
}

// ID names an object so that the name is the same in every run.
func ID(x any) uint32 {
	switch o := x.(type) {
	case *Lock:
		if o.fpID != 0 {
			return o.fpID
		}
		return nameID(o.Name)
	case *mmcore.Page:
		return uint32(o.PFN)
	case *mmcore.MM:
		if m := mmOf(o); m != nil {
			return nameID(m.Name)
		}
	case *MM:
		return nameID(o.Name)
	case *File:
		return nameID(o.Core.Name)
	case *UffdCtx:
		return nameID(o.Name)
	}
	return 0 // every unnamed object is one: dependent on all of its kind
}

// nameID hashes a name (FNV-1a).
func nameID(s string) uint32 { return fnvFrom(2166136261, s) }

// fnvFrom continues FNV-1a hash h with s, keeping clear of AllObjects.
func fnvFrom(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	if h == AllObjects {
		h--
	}
	return h
}

// Add records an access, skipping an exact duplicate of a recent one and
// upgrading a read to a write.
func (f *Footprint) Add(kind AccessKind, obj uint32, write bool) {
	if f == nil {
		return
	}
	f.add(Access{Kind: kind, Obj: obj, Write: write})
}

// add merges x into the step's accesses of its object.
func (f *Footprint) add(x Access) {
	if f.lean {
		if x.Kind != ATask || x.Obj != f.own {
			f.foreign = true
		}
		return
	}
	if x.Kind == APTE && x.Write {
		f.wrotePT = true
	}
	for i := range f.Acc {
		if a := &f.Acc[i]; a.Kind == x.Kind && a.Obj == x.Obj {
			// A step's accesses to one object are one access: it
			// learned only the refusal if every read of it did, and it
			// kept the refusal if every write did (the first write
			// found the lock as the step found it, the last left it as
			// the step leaves it: nobody else runs in between).
			a.Refused = a.Refused && x.Refused
			if x.Write {
				a.KeepsRefusing = x.KeepsRefusing && (!a.Write || a.KeepsRefusing)
			}
			a.Write = a.Write || x.Write
			a.Shared = a.Shared || x.Shared
			a.Observe = a.Observe || x.Observe
			return
		}
	}
	f.Acc = append(f.Acc, x)
}

// Object records an access to x of the given kind.
func (f *Footprint) Object(kind AccessKind, x any, write bool) {
	if f == nil {
		return
	}
	id := ID(x)
	if f.names != nil {
		f.setName(kind, id, objectName(x))
		if m, ok := x.(*mmcore.MM); ok {
			f.nameMM(m, id)
		}
	}
	f.Add(kind, id, write)
}

// World records an access that conflicts with every other.
func (f *Footprint) World() { f.Add(AWorld, 0, true) }

// MM records an access to all of m: its VMA tree and VMAs, their
// attachment, its counters and its mm_lock_seq (the parts VMATree,
// VMAAttach, MMCounters and MMLockSeq name apart). It is the declaration
// of an operation nobody has refined.
func (f *Footprint) MM(m *mmcore.MM, write bool) {
	if f == nil || m == nil {
		return
	}
	id := f.mmID(m)
	f.Add(AMM, id, write)
	f.Add(AMM, mmPart(id, partAttach), write)
	f.Add(AMM, mmPart(id, partCounters), write)
	f.Add(AMM, mmPart(id, partLockSeq), write)
}

// VMAs records an access to m's VMA tree and the VMAs' fields (range,
// flags, attachment, anon_vma links, vm_ops, policy), map_count (the size
// of the tree) and every field of the mm MMCounters and MMLockSeq do not
// name: what a use of a VMA reads and a change of a VMA writes: VMATree
// and VMAAttach. It leaves out the counters that munmap's last steps
// (free_pgtables) drop and the mm_lock_seq that taking and dropping the
// mmap write lock moves, so a lookup commutes with both.
func (f *Footprint) VMAs(m *mmcore.MM, write bool) {
	if f != nil && m != nil {
		id := f.mmID(m)
		f.Add(AMM, id, write)
		f.Add(AMM, mmPart(id, partAttach), write)
	}
}

// VMATree records an access to m's VMA tree (mm->mm_mt: which VMA covers
// which range), the VMAs' ranges and fields, map_count and every field of
// the mm no other part names: all of VMAs but the attachment. A lookup
// (mtree_load, mas_walk, mas_find) reads it: it finds a VMA by its range
// in the tree, whether or not the VMA is still attached (vms_gather_munmap_vmas
// detaches the VMAs it gathers and leaves them in the tree until
// vma_iter_clear_gfp()), and reads nothing of the VMA it returns that
// the gather changes; the caller's uses of the VMA read its attachment
// (checkVMAUse).
func (f *Footprint) VMATree(m *mmcore.MM, write bool) {
	if f != nil && m != nil {
		f.Add(AMM, f.mmID(m), write)
	}
}

// VMALookupRCU records lock_vma_under_rcu()'s walk of m's VMA tree
// (VMATree). refused says it found a VMA whose lock refused readers (the
// call returned NULL with the lock's refusal read, Access.Refused on the
// lock): then the tree read learned only that and is Refused too, and
// commutes with a change of the tree that keeps every such lookup
// refused (vma_iter_clear_gfp() of VMAs that refuse readers:
// vmaIterClearTouches): in either order the call returns NULL and writes
// only its task. A lookup that found no VMA is a plain read, dependent on
// every change of the tree, the clear included. It must be: after the
// clear the call reads no lock, so if it commuted with the clear nothing
// would order it against the step that made the VMA refuse readers
// (munmap's vma_start_write), before which it gets the VMA: a footprint
// that shrinks when a step is moved past another may not make the two
// independent. Before the clear the lock read is there, and orders the
// call against that step and against the release that ends the refusal.
func (f *Footprint) VMALookupRCU(m *mmcore.MM, refused bool) {
	if f != nil && m != nil {
		f.add(Access{Kind: AMM, Obj: f.mmID(m), Refused: refused})
	}
}

// VMAAttach records an access to the attachment of m's VMAs (vm_refcnt's
// attached reference: vma_mark_attached(), vma_mark_detached(),
// vma_is_attached()) and the munmap that gathered a detached one
// (VMAState.Gatherer): what vms_gather_munmap_vmas() changes when it
// splits nothing, and what a use of a VMA reads (checkVMAUse: a use
// after unmap).
func (f *Footprint) VMAAttach(m *mmcore.MM, write bool) {
	if f != nil && m != nil {
		f.Add(AMM, mmPart(f.mmID(m), partAttach), write)
	}
}

// MMCounters records an access to m's vm_stat_account counters (total_vm,
// locked_vm, data_vm, exec_vm, stack_vm), which mmap, brk, mremap and
// munmap change and only the mm's own fields and syscalls read.
func (f *Footprint) MMCounters(m *mmcore.MM, write bool) {
	if f != nil && m != nil {
		f.Add(AMM, mmPart(f.mmID(m), partCounters), write)
	}
}

// MMLockSeq records a move of m's mm_lock_seq (mmLockSeqBump): taking,
// dropping or downgrading the mmap write lock. The VMA write locks it
// ends are recorded by the lock code (their release on the holders'
// behalf), so it is not a write of the VMAs.
func (f *Footprint) MMLockSeq(m *mmcore.MM) {
	if f != nil && m != nil {
		f.Add(AMM, mmPart(f.mmID(m), partLockSeq), true)
	}
}

// The parts of an mm apart from its tree (see AMM).
const (
	partCounters     = "->vm_stat"
	partLockSeq      = "->mm_lock_seq"
	partFlushPending = "->tlb_flush_pending"
	partAttach       = "->vmas.vm_refcnt"
	partFlags        = "->flags"
	partNotifiers    = "->notifier_subscriptions"
)

// mmPart names a part of the mm named id: the FNV-1a hash of id's name
// continued with the part's suffix. Another object whose name hashes the
// same only makes steps dependent.
func mmPart(id uint32, part string) uint32 { return fnvFrom(id, part) }

// Page tables are footprint objects entry by entry: an object is one
// entry of one level of one mm's tables, named by (mm, level, the index of
// the entry's coverage, addr >> EntryShift), as include/linux/pgtable.h's
// pgd_offset/p4d_offset/pud_offset/pmd_offset/pte_offset_map reach it.
// A walk to an address reads the PGD, P4D, PUD and PMD entries it goes
// through and uses the leaf (the PTE, or the PMD entry of a huge page);
// __pte_alloc/__pmd_alloc/__pud_alloc write the upper entry they fill
// (pmd_populate, pud_populate, p4d_populate); free_pgtables writes the
// upper entries it clears. The entries under a cleared (or filled) entry
// need no access of their own: every access to an entry here comes with
// reads of the entries above it (pteWalk), so it conflicts with the
// change of any of them. A handle-based step (ptep_get on a PTE from
// pte_offset_map_lock) reads the entries above its address too: the
// table it holds was reached through them, and a free or retraction of
// that table writes one of them.
//
// The counters that change with the entries, rss (MM_ANONPAGES,
// MM_FILEPAGES, MM_SHMEMPAGES: add_mm_counter) and pgtables_bytes
// (mm_inc_nr_ptes/mm_dec_nr_ptes), are one object of their own per mm
// (partPTCounters), updated Shared: they are only ever added to, so two
// updates commute, and the final sums agree in either order. Nothing in a
// step reads them but a read of the whole page tables (PTEs), which
// observes them.
//
// An access whose range is unknown or large (more than maxPTERange pages)
// is to every entry (AllObjects of APTE): a sound over-approximation, and
// across mms, since Access has no wildcard within one mm.

// maxPTERange bounds the entries a range access names one by one; a
// larger range is an access to all of them.
const maxPTERange = 64

// partPTCounters names an mm's rss_stat and pgtables_bytes (see above).
const partPTCounters = "->rss_stat,pgtables_bytes"

// pteMode is how a step uses a leaf entry.
type pteMode uint8

const (
	// pteObserve reads the entry whole, accessed and dirty bits included:
	// it conflicts with pteYoung too.
	pteObserve pteMode = iota
	// pteMapping reads which page the entry maps and how (present, PFN,
	// writable), which the hardware walk's bit updates do not change.
	pteMapping
	// pteYoung is the hardware walk's update: it sets the accessed (and
	// for a store the dirty) bit. Such updates commute with one another
	// (each ORs a bit in) and with pteMapping reads.
	pteYoung
	pteWrite
)

func (mode pteMode) access(obj uint32) Access {
	a := Access{Kind: APTE, Obj: obj}
	switch mode {
	case pteObserve:
		a.Observe = true
	case pteYoung:
		a.Shared = true
	case pteWrite:
		a.Write = true
	}
	return a
}

// pteKey names m's level-l entry covering addr (id is ID(m)). With four
// levels the P4D is folded into the PGD (p4d_offset returns the PGD
// entry), so both name the same entry.
func pteKey(id uint32, l mmcore.Level, addr mmcore.Addr, levels int) uint32 {
	if l == mmcore.LevelP4D && levels == 4 {
		l = mmcore.LevelPGD
	}
	ix := uint64(addr) >> mmcore.EntryShift(l, levels)
	h := (id ^ uint32(l+1)) * 16777619
	for i := 0; i < 8; i++ {
		h = (h ^ uint32(byte(ix>>(8*i)))) * 16777619
	}
	if h == AllObjects {
		h--
	}
	return h
}

// entry is pteKey(id, l, addr, levels) of m (id is ID(m)), and in a
// naming recorder names the entry as the page-table locks are named:
// m->pte(0x100000) is the PTE of 0x100000, m->pmd(0x0) the PMD entry
// whose table maps [0x0, 0x200000).
func (f *Footprint) entry(m *mmcore.MM, id uint32, l mmcore.Level, addr mmcore.Addr, levels int) uint32 {
	key := pteKey(id, l, addr, levels)
	if f.names != nil {
		if l == mmcore.LevelP4D && levels == 4 {
			l = mmcore.LevelPGD
		}
		if rm := mmOf(m); rm != nil {
			base := uint64(addr) &^ (1<<mmcore.EntryShift(l, levels) - 1)
			f.setName(APTE, key, fmt.Sprintf("%s->%s(%#x)", rm.Name, strings.ToLower(l.String()), base))
		}
	}
	return key
}

// ptCounters records a shared update of m's rss and pgtables_bytes.
func (f *Footprint) ptCounters(id uint32) {
	f.add(Access{Kind: APTE, Obj: mmPart(id, partPTCounters), Shared: true})
}

// pteWalk records the walk of m's tables to addr (the tables as they are
// in the state the step runs in): the upper entries above the leaf are
// read, the leaf is used as mode says; the leaf is the PMD entry where it
// maps a huge page (pmd_trans_huge), which an update of the PTE under it
// then also names.
func (f *Footprint) pteWalk(m *mmcore.MM, addr mmcore.Addr, mode pteMode) {
	if f == nil || m == nil {
		return
	}
	if f.lean {
		f.foreign = true
		return
	}
	id, lv := f.mmID(m), m.Levels()
	huge := m.Walk(addr).Huge()
	f.upperEntries(m, id, addr, lv)
	pmd := pteMapping
	if huge {
		pmd = mode
	}
	f.add(pmd.access(f.entry(m, id, mmcore.LevelPMD, addr, lv)))
	f.add(mode.access(f.entry(m, id, mmcore.LevelPTE, addr, lv)))
	if mode == pteWrite {
		f.ptCounters(id)
	}
}

// upperEntries records the reads of the PGD, P4D and PUD entries a walk
// to addr goes through (with 4 levels the P4D is the PGD entry folded).
func (f *Footprint) upperEntries(m *mmcore.MM, id uint32, addr mmcore.Addr, lv int) {
	for l := mmcore.LevelPGD; l < mmcore.LevelPMD; l++ {
		if l == mmcore.LevelP4D && lv == 4 {
			continue
		}
		f.add(Access{Kind: APTE, Obj: f.entry(m, id, l, addr, lv)})
	}
}

// PTEs records an access to all of m's page tables (every entry, every
// mm: AllObjects) and their counters: the declaration of a step whose
// range nobody has refined, or that changes or reads too much to name
// entry by entry (fork's copy, mremap's move, khugepaged's collapse, a
// fault path's steps). A read sees the entries whole, accessed and dirty
// bits included (an Observe: it conflicts with PTEYoung and with the
// counters' updates too); PTEMappings is the read that does not.
func (f *Footprint) PTEs(m *mmcore.MM, write bool) {
	if f == nil || m == nil {
		return
	}
	if write {
		f.Add(APTE, AllObjects, true)
		return
	}
	f.add(Access{Kind: APTE, Obj: AllObjects, Observe: true})
}

// PTEAt records a walk to addr in m that reads the leaf entry whole (write
// false) or writes it (a change of one entry under its PTL).
func (f *Footprint) PTEAt(m *mmcore.MM, addr mmcore.Addr, write bool) {
	mode := pteObserve
	if write {
		mode = pteWrite
	}
	f.pteWalk(m, addr, mode)
}

// PTEInstall records the installation of addr's leaf entry in m
// (get_locked_pte, insert_page, insert_pfn): the walk reads the upper
// entries of the tables that exist; where a table is missing,
// __pte_alloc/__pmd_alloc/__pud_alloc/__p4d_alloc fill the empty entry
// (pmd_populate and its kin), a write of it and of every entry the new
// tables hold for addr; the leaf is written; rss and pgtables_bytes
// change.
func (f *Footprint) PTEInstall(m *mmcore.MM, addr mmcore.Addr) {
	if f == nil || m == nil {
		return
	}
	if f.lean {
		f.foreign = true
		return
	}
	w := m.Walk(addr)
	if w.Depth == mmcore.LevelNone {
		f.PTEs(m, true)
		return
	}
	id, lv := f.mmID(m), m.Levels()
	depth := w.Depth
	if depth == mmcore.LevelP4D && lv == 4 {
		// The folded P4D is the PGD (Walk's Depth names it when the
		// PGD entry is empty): the PGD entry is the one filled.
		depth = mmcore.LevelPGD
	}
	for l := mmcore.LevelPGD; l <= mmcore.LevelPTE; l++ {
		if l == mmcore.LevelP4D && lv == 4 {
			continue
		}
		// The deepest existing table's entry for addr is empty unless
		// that table is the PTE table: it is the entry the allocation
		// fills. A huge PMD is the leaf itself.
		write := l >= depth || l == mmcore.LevelPMD && w.Huge()
		f.add(Access{Kind: APTE, Obj: f.entry(m, id, l, addr, lv), Write: write})
	}
	f.ptCounters(id)
	if w.Huge() {
		// The install family fails here as get_locked_pte() does
		// (mmcore getLockedPTE), but mmcore's table allocation
		// (AllocTables), which other steps reach, splits a huge PMD:
		// its folio's pages remapped by PTEs, its range flushed. Both
		// are covered.
		f.AllPages(true)
		f.TLB(m, true)
	}
}

// pteRange records a walk over [start, end) of m that uses every leaf
// entry of the range as mode says (zap_pte_range writes each, a page walk
// reads each), reading the upper entries above them. A leaf whose table
// is missing is named too: the range reads the empty upper entry, which
// an installation writes, and naming the leaf costs nothing more. A range
// of more than maxPTERange pages, or an inverted one, is an access to all
// entries.
func (f *Footprint) pteRange(m *mmcore.MM, start, end mmcore.Addr, mode pteMode) {
	if f == nil || m == nil {
		return
	}
	if f.lean {
		f.foreign = true
		return
	}
	start &^= mmcore.PageSize - 1
	if end < start || (end-start)>>mmcore.PageShift > maxPTERange {
		switch mode {
		case pteWrite:
			f.PTEs(m, true)
		case pteMapping:
			f.Add(APTE, AllObjects, false)
		case pteYoung:
			f.add(Access{Kind: APTE, Obj: AllObjects, Shared: true})
		default:
			f.PTEs(m, false)
		}
		return
	}
	for a := start; a < end; a += mmcore.PageSize {
		f.pteWalk(m, a, mode)
	}
}

// PTERange records a read (write false: whole entries) or a write of every
// leaf entry of [start, end) in m.
func (f *Footprint) PTERange(m *mmcore.MM, start, end mmcore.Addr, write bool) {
	mode := pteObserve
	if write {
		mode = pteWrite
	}
	f.pteRange(m, start, end, mode)
}

// PMDAt records a read (pmdp_get, pte_offset_map_lock's walk to the PTE
// table) or a write (a huge PMD zapped, split or collapsed) of addr's PMD
// entry in m, and reads of the entries above it.
func (f *Footprint) PMDAt(m *mmcore.MM, addr mmcore.Addr, write bool) {
	if f == nil || m == nil {
		return
	}
	if f.lean {
		f.foreign = true
		return
	}
	id, lv := f.mmID(m), m.Levels()
	f.upperEntries(m, id, addr, lv)
	f.add(Access{Kind: APTE, Obj: f.entry(m, id, mmcore.LevelPMD, addr, lv), Write: write})
	if write {
		f.ptCounters(id)
	}
}

// PTETablesFree records free_pgtables over [start, end) of m
// (free_pgd_range: free_p4d_range, free_pud_range, free_pmd_range,
// free_pte_range), in the state the step runs in, through the walk
// FreePageTables frees by (mmcore.MM.VisitPgtablesFree), so that the two
// cannot disagree: an upper entry over the range whose table serves no VMA
// any more is cleared (written), with the tables below it; one whose table
// still serves a VMA is read and walked into; an empty one is read. The
// entries under a cleared one are reached only through it (see above), so
// writing it covers them. pgtables_bytes drops. More than maxPTERange
// entries is a write of all entries.
func (f *Footprint) PTETablesFree(m *mmcore.MM, start, end mmcore.Addr) {
	if f == nil || m == nil || end <= start {
		return
	}
	if f.lean {
		f.foreign = true
		return
	}
	id, lv := f.mmID(m), m.Levels()
	n := 0
	within := m.VisitPgtablesFree(start, end, func(t *mmcore.PageTable, a mmcore.Addr, _ *mmcore.PageTable, what mmcore.PgtableFree) bool {
		if n++; n > maxPTERange {
			return false
		}
		f.add(Access{Kind: APTE, Obj: f.entry(m, id, t.Level(), a, lv), Write: what == mmcore.PgtableFreed})
		return true
	})
	if !within {
		f.PTEs(m, true)
		return
	}
	f.ptCounters(id)
}

// fpTableNumber records the numbering of t (Kernel.tableID), which hands
// out the PMD values scripts see in the order tables are first read: the
// first read of a table is a write of the numbering, so that two first
// reads of different tables do not commute (their numbers swap). A table
// already numbered is read.
func (k *Kernel) fpTableNumber(t *mmcore.PageTable) {
	if k.fp == nil || t == nil {
		return
	}
	_, known := k.pt.ids[t]
	k.fp.Add(APTE, tableNumbering, !known)
}

// tableNumbering names the kernel's numbering of page tables (Kernel.pt).
var tableNumbering = nameID("pt->ids")

// PTEMappings records a read of which pages m's page tables map and how
// (present, PFN, writable), not of the accessed and dirty bits, over all
// of m: a page walk that hands out PFNs, which PTEYoung's updates do not
// change.
func (f *Footprint) PTEMappings(m *mmcore.MM) {
	if f != nil && m != nil {
		f.Add(APTE, AllObjects, false)
	}
}

// PTEYoung records the hardware walk to addr in m: it reads the entry's
// mapping and sets its accessed (and, for a store, dirty) bit (pteYoung).
func (f *Footprint) PTEYoung(m *mmcore.MM, addr mmcore.Addr) { f.pteWalk(m, addr, pteYoung) }

// Page records an access to page p.
func (f *Footprint) Page(p *mmcore.Page, write bool) {
	if p != nil {
		f.Object(APage, p, write)
	}
}

// PageAndFolio records an access to page p and to its folio, named by
// its head page: what unmapping or putting one page of a large folio
// changes (the page's mapcount, the folio's reference).
func (f *Footprint) PageAndFolio(p *mmcore.Page, write bool) {
	if p == nil {
		return
	}
	f.Page(p, write)
	if h := p.Folio(); h != p {
		f.Page(h, write)
	}
}

// ZappedPages records the pages a zap of [start, end) in m unmaps, in the
// state the step runs in: each page a present entry of the range maps
// loses a mapcount and a reference (zap_present_ptes), its folio's
// reference too (the head page names the folio). A page no entry of the
// range maps is not touched: an install of it races with the zap on the
// entry (PTERange), not on the page. A huge PMD in the range, or a range
// of more than maxPTERange pages, is a write of every page.
func (f *Footprint) ZappedPages(m *mmcore.MM, start, end mmcore.Addr) {
	if f == nil || m == nil {
		return
	}
	start &^= mmcore.PageSize - 1
	if end < start || (end-start)>>mmcore.PageShift > maxPTERange {
		f.AllPages(true)
		return
	}
	for a := start; a < end; a += mmcore.PageSize {
		w := m.Walk(a)
		if w.Huge() {
			f.AllPages(true)
			return
		}
		if !w.Present() {
			continue
		}
		if p := m.Memory().Page(w.Entry.PFN()); p != nil {
			f.PageAndFolio(p, true)
		}
	}
}

// AllPages records an access to every page (a zap frees what it finds).
func (f *Footprint) AllPages(write bool) { f.Add(APage, AllObjects, write) }

// TLB records an access to m's TLB entries.
func (f *Footprint) TLB(m *mmcore.MM, write bool) {
	if m != nil {
		f.Object(ATLB, m, write)
	}
}

// TLBOwnCPU records the task's own CPU's use of its TLB entries for m: a
// change (change: the hardware walk fills one, a page fault drops one) is
// a Shared update, since each task runs on a CPU of its own, no other task
// changes them, and every flush, which changes all CPUs' entries, is a
// write; a lookup that changes nothing is a read, which commutes with the
// other CPUs' fills and with the checks that read every CPU's entries.
func (f *Footprint) TLBOwnCPU(m *mmcore.MM, change bool) {
	if f != nil && m != nil {
		f.add(Access{Kind: ATLB, Obj: f.mmID(m), Shared: change})
	}
}

// Alloc records a use of the page allocator (PFNs are handed out in order).
func (f *Footprint) Alloc() { f.Add(AAlloc, 0, true) }

// Dependent reports whether two footprints conflict.
func Dependent(a, b []Access) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Conflicts(y) {
				return true
			}
		}
	}
	return false
}

// AccessMask sums a footprint up in a word for a quick test before
// Dependent: a bit per object it touches (its kind and number hashed),
// every bit for an access to all objects of a kind or to the world.
// Footprints whose masks share no bit touch no object in common, so they
// are independent; a shared bit says nothing (the explorer then asks
// Dependent).
func AccessMask(acc []Access) uint64 { return SumAccesses(acc).All }

// AccessSum sums a footprint up in four words by how it touches each
// object (a bit per object, as AccessMask): All its objects, those it
// writes, those it updates shared (Access.Shared) and those it observes
// (Access.Observe). Two steps that share objects only by reading them
// (a lock both read-acquire, an mm tree both look up) are independent,
// which one word cannot tell: on the perf benchmark three in four pairs
// whose words shared a bit were so.
type AccessSum struct {
	All, Write, Shared, Observe uint64
}

// SumAccesses sums acc up. An access to the world or to all objects of a
// kind sets every bit of the words it belongs to.
func SumAccesses(acc []Access) AccessSum {
	var m AccessSum
	for _, a := range acc {
		if a.Kind == AWorld {
			return AccessSum{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
		}
		bit := uint64(1) << ((uint64(a.Kind)<<32 | uint64(a.Obj)) * 0x9e3779b97f4a7c15 >> 58)
		if a.Obj == AllObjects {
			bit = ^uint64(0)
		}
		m.All |= bit
		if a.Write {
			m.Write |= bit
		}
		if a.Shared {
			m.Shared |= bit
		}
		if a.Observe {
			m.Observe |= bit
		}
	}
	return m
}

// MayDepend reports whether footprints summed up as m and o may be
// dependent: false only when no object is both touched by one and written
// by the other, or updated shared by one and observed by the other, the
// only ways two accesses conflict (Access.Conflicts). A zero sum (an
// empty footprint, or one nobody summed up) says nothing: true.
func (m AccessSum) MayDepend(o AccessSum) bool {
	if m.All == 0 || o.All == 0 {
		return true
	}
	return m.Write&o.All != 0 || o.Write&m.All != 0 || m.Shared&o.Observe != 0 || m.Observe&o.Shared != 0
}

// SetFootprint installs (or with nil removes) the step recorder.
func (k *Kernel) SetFootprint(f *Footprint) { k.fp = f }

// Footprint returns the installed recorder (nil when not exploring).
func (k *Kernel) Footprint() *Footprint { return k.fp }

// TouchesOp records the declared footprint of a step of call c.
func (k *Kernel) TouchesOp(c *Call) {
	if k.fp == nil {
		return
	}
	if c.Op.Touches == nil {
		k.fp.World() // undeclared: the test suite fails on it, the search stays sound
		return
	}
	c.Op.Touches(c, k.fp)
	for i := range c.Args {
		// a kernel struct the script holds: its maker's (owned.go)
		if o, ok := c.Args[i].Obj.(ownedStruct); ok {
			k.fp.ownedAccess(o, true)
		}
	}
}

// Lock-side recording (the lock code calls these).

func (t *Task) fpLock(l *Lock, write bool) {
	if f := t.k.fp; f != nil {
		f.Object(ALock, l, write)
	}
}

// fpTransientStart is called before t tries to take l for write: if l
// is free (no holder, nobody queued), it returns this step's number and
// the lock's access recorded so far in the step, for fpTransientEnd.
func (t *Task) fpTransientStart(l *Lock, mode Mode) (uint64, Access) {
	f := t.k.fp
	if f == nil || f.lean || mode != Write || l.Held() || len(l.waiters) > 0 {
		return 0, Access{}
	}
	id := ID(l)
	for _, a := range f.Acc {
		if a.Kind == ALock && a.Obj == id {
			return f.step, a
		}
	}
	return f.step, Access{Kind: ALock, Obj: id}
}

// fpTransientEnd is called when t has released a write hold h of l. A
// lock taken and released within one step, free at both ends with nobody
// queued at either (nobody can queue in between: other threads do not
// run within a step), and held by t at neither end, changes nothing
// another thread can see of it but its write generation (Lock.wgen,
// which another order of two such steps leaves the same, and which only
// epochs read: a hold under which an epoch is taken or checked is not
// transient, Hold.fpStep = 0). To another thread it read "the lock is
// free": the step's lock access becomes what it was before the
// acquisition plus an observation (Access.Observe), which conflicts with
// every write (an acquisition across the step boundary, a release, a
// queueing) and shared update (a read grant) of the lock, and not with
// another such step. lockdep (ALockdep), sem->owner (AOwner) and RCU
// sections are recorded apart and stay as they are.
func (t *Task) fpTransientEnd(l *Lock, h *Hold) {
	f := t.k.fp
	if f == nil || h.fpStep == 0 || h.fpStep != f.step || h.Mode != Write || l.Held() || len(l.waiters) > 0 {
		return
	}
	for i := range f.Acc {
		if a := &f.Acc[i]; a.Kind == ALock && a.Obj == h.fpPrior.Obj {
			p := h.fpPrior
			a.Write, a.Shared, a.Observe = p.Write, p.Shared, true
			a.Refused, a.KeepsRefusing = p.Refused, p.KeepsRefusing
			return
		}
	}
}

// fpLockRefused records a failed read trylock of l: it read only that
// l refuses readers (Access.Refused).
func (t *Task) fpLockRefused(l *Lock) {
	if f := t.k.fp; f != nil {
		f.add(Access{Kind: ALock, Obj: f.lockID(l), Refused: true})
	}
}

// fpLockAccess returns the access to l recorded so far in this step (the
// zero Access when none), for fpKeptRefusing.
func (t *Task) fpLockAccess(l *Lock) Access {
	f := t.k.fp
	if f == nil || f.lean {
		return Access{}
	}
	id := ID(l)
	for _, a := range f.Acc {
		if a.Kind == ALock && a.Obj == id {
			return a
		}
	}
	return Access{}
}

// fpKeptRefusing is called when a release of l, which found l refusing
// readers (a writer held it or a task was queued), left it refusing them
// (it handed l to a queued writer, or queued tasks remain): its writes of
// l (the release and the grants of the hand-over) keep the refusal. prior
// is l's access in the step before the release (fpLockAccess): a write
// before it that did not keep the refusal still does not.
func (t *Task) fpKeptRefusing(l *Lock, prior Access) {
	f := t.k.fp
	if f == nil || f.lean {
		return
	}
	id := ID(l)
	for i := range f.Acc {
		if a := &f.Acc[i]; a.Kind == ALock && a.Obj == id && a.Write {
			a.KeepsRefusing = !prior.Write || prior.KeepsRefusing
			return
		}
	}
}

// fpOwner records a read or a write of l's sem->owner (Lock.owner).
func (t *Task) fpOwner(l *Lock, write bool) {
	if f := t.k.fp; f != nil {
		f.Object(AOwner, l, write)
	}
}

// fpLockShared records a shared update of l (see Access.Shared).
func (t *Task) fpLockShared(l *Lock) {
	if f := t.k.fp; f != nil {
		f.add(Access{Kind: ALock, Obj: f.lockID(l), Shared: true})
	}
}

// fpLockObserve records a read of all of l, its reader set included.
func (k *Kernel) fpLockObserve(l *Lock) {
	k.checkMoverObserve(l)
	if f := k.fp; f != nil {
		f.add(Access{Kind: ALock, Obj: f.lockID(l), Observe: true})
	}
}

func (t *Task) fpTask() {
	if f := t.k.fp; f != nil {
		if f.names != nil {
			f.setName(ATask, uint32(t.ID), t.Name)
		}
		f.Add(ATask, uint32(t.ID), true)
	}
}

// fpHolds records a read of the locks t holds (Lock.heldBy): a read of
// task t, which every change of its holds writes. Of the current task it
// adds nothing (every step writes its own task).
func (t *Task) fpHolds() {
	if f := t.k.fp; f != nil {
		if f.names != nil {
			f.setName(ATask, uint32(t.ID), t.Name)
		}
		f.Add(ATask, uint32(t.ID), false)
	}
}

// fpRCUSection records a task entering or leaving an RCU read-side
// section (a spinlock, rcu_read_lock, IRQs off): a read of the grace
// periods (the sections are only counted), but leaving the last section a
// grace period waits for ends it, which runs its deferred frees and wakes
// its waiter: anything.
func (t *Task) fpRCUSection(leaving bool) {
	f := t.k.fp
	if f == nil {
		return
	}
	if leaving && len(t.k.rcu.gps) > 0 {
		f.World()
		return
	}
	f.Add(ARCU, 0, false)
}

// fpRCUWrite records the start of a grace period (it samples every task's
// section).
func (k *Kernel) fpRCUWrite() {
	if k.fp != nil {
		k.fp.Add(ARCU, 0, true)
	}
}

// Lockdep's graph as footprint objects (ALockdep): a class's out-edges
// (lockdep.adj[c]), one edge and its origin, the table of classes made
// on first use. Objects are named by class numbers, which are the same
// in every run of a script: scripts' classes are made at declaration,
// in order, and subclass classes are made in the order the class table
// (a write) orders.
const (
	lockdepRows    = 1 << 16 // | class
	lockdepEdges   = 2 << 16 // | a<<8 | b
	lockdepClasses = 3 << 16
	lockdepKeys    = 4 << 16 // | base<<3 | subclass
)

// fpLockdepReach records check_prev_add()'s question whether next
// reaches a held class (check_noncircular()): the answer, and the chain
// a report prints, depend on the out-edges of next and of every class
// next reaches, and on nothing else; an edge added out of any other
// class leaves both as they are. A new edge out of one of these classes
// is a shared update of its row, which the observation conflicts with.
// The set is stable under independent steps: it grows only by an edge
// out of a class in it.
func (t *Task) fpLockdepReach(next Class) {
	f := t.k.fp
	if f == nil {
		return
	}
	for m := t.k.dep.reach[next] | 1<<next; m != 0; m &= m - 1 {
		c := uint32(bits.TrailingZeros64(m))
		f.add(Access{Kind: ALockdep, Obj: lockdepRows | c, Observe: true})
		if f.names != nil {
			f.setName(ALockdep, lockdepRows|c, t.k.dep.name(Class(c))+"->*")
		}
	}
}

// fpLockdepEdge records the test whether the edge a -> b is known and,
// when it is not (add), its recording: a shared update of a's out-edges
// and a write of the edge, which keeps where it was made.
func (t *Task) fpLockdepEdge(a, b Class, add bool) {
	f := t.k.fp
	if f == nil {
		return
	}
	e := lockdepEdges | uint32(a)<<8 | uint32(b)
	f.add(Access{Kind: ALockdep, Obj: e, Write: add})
	if add {
		f.add(Access{Kind: ALockdep, Obj: lockdepRows | uint32(a), Shared: true})
	}
	if f.names != nil {
		f.setName(ALockdep, e, t.k.dep.name(a)+"->"+t.k.dep.name(b))
		f.setName(ALockdep, lockdepRows|uint32(a), t.k.dep.name(a)+"->*")
	}
}

// fpLockdepClass records the lookup of base's subclass sub
// (lockdep.classOf): one that found the class reads its key, whose
// number never changes once made; one that made it writes the key and
// the count of classes, which numbers every class made after it. Two
// lookups of one key by two tasks are so ordered (the first makes it),
// and the makings of two keys are ordered by the numbers they get.
func (t *Task) fpLockdepClass(base Class, sub uint8, made bool) {
	f := t.k.fp
	if f == nil {
		return
	}
	key := lockdepKeys | uint32(base)<<3 | uint32(sub)
	f.add(Access{Kind: ALockdep, Obj: key, Write: made})
	if made {
		f.add(Access{Kind: ALockdep, Obj: lockdepClasses, Write: true})
	}
	if f.names != nil {
		f.setName(ALockdep, key, "class "+t.k.dep.subName(base, sub))
		f.setName(ALockdep, lockdepClasses, "classes")
	}
}

// Declarations of the operations' footprints, by kind of operation. The
// locks they take are recorded by the lock code; these name the data.

// touchesLocksOnly: a lock primitive, or one that reads only the task.
func touchesLocksOnly(*Call, *Footprint) {}

// vmaMM returns the mm of the VMA argument i (nil when not a VMA).
func vmaMM(c *Call, i int) *mmcore.MM {
	if i < len(c.Args) {
		if v, ok := c.Args[i].Obj.(*mmcore.VMA); ok && v != nil {
			return v.MM()
		}
	}
	return nil
}

func mmArg(c *Call, i int) *mmcore.MM {
	if i < len(c.Args) {
		if m, ok := c.Args[i].Obj.(*MM); ok && m != nil {
			return m.Core
		}
	}
	return nil
}

// readsMM: an operation that reads the mm argument (a lookup that
// nobody has refined, or more of the mm than its VMAs).
func readsMM(c *Call, f *Footprint) { f.MM(mmArg(c, 0), false) }

// looksUp: find_vma, vma_lookup: they read the VMA tree and the range of
// the VMA they find (VMATree: include/linux/mm.h vma_lookup() is
// mtree_load(&mm->mm_mt, addr); lock_vma_under_rcu(), mas_walk() then
// vma_start_read(), which reads the VMA's lock, and an address check
// against vm_start and vm_end, records the same read in its Fn, where it
// knows whether it was refused: VMALookupRCU), and
// the mmap lock's holding of the caller (the assertion) or the VMA's lock
// (recorded by the lock code), never the VMAs' attachment, the counters
// or mm_lock_seq.
func looksUp(c *Call, f *Footprint) { f.VMATree(mmArg(c, 0), false) }

// writesMM: a step that changes the mm argument as a whole (mm_set_brk).
func writesMM(c *Call, f *Footprint) { f.MM(mmArg(c, 0), true) }

// movesLockSeq: mmap_write_lock/trylock/unlock/downgrade: besides the
// lock (recorded by the lock code) they move mm_lock_seq
// (mm_lock_seqcount_begin/end), which ends the VMA write locks; those
// releases are recorded by the lock code too.
func movesLockSeq(c *Call, f *Footprint) { f.MMLockSeq(mmArg(c, 0)) }

// readsVMA: an operation on a VMA argument that only checks it (attached,
// flags) and its locks.
func readsVMA(c *Call, f *Footprint) { f.MM(vmaMM(c, 0), false) }

// writesVMA: vm_flags_set/clear, anon_vma_prepare, vma_start_write.
func writesVMA(c *Call, f *Footprint) {
	m := vmaMM(c, 0)
	f.MM(m, true)
	if c.Op.Name == "anon_vma_prepare" {
		f.Alloc()
	}
}

// installs: the install family (vm_insert_page, vmf_insert_*,
// remap_pfn_range): reads the VMA (or sets VM_MIXEDMAP, VM_PFNMAP),
// writes the page tables and the pages it
// maps, allocates tables.
func installs(c *Call, f *Footprint) {
	m := vmaMM(c, 0)
	// vm_insert_page(s) on a VMA without VM_MIXEDMAP sets the flag (and
	// write-locks the VMA); on one with it, the VMA is only read.
	// remap_pfn_range() sets VM_PFNMAP and its kin and, on a COW
	// mapping, vm_pgoff (remap_pfn_range_prepare_vma), on whatever VMA
	// it is given: a live one too (the rule remap_pfn_range/needs-mmap-
	// write), so it writes the VMA.
	setsFlag := c.Op.Name == "remap_pfn_range"
	if c.Op.Name == "vm_insert_page" || c.Op.Name == "vm_insert_pages" || c.Op.Name == "vmf_insert_page" {
		if v, ok := c.Args[0].Obj.(*mmcore.VMA); ok && v.Flags&mmcore.VM_MIXEDMAP == 0 {
			setsFlag = true
		}
	}
	f.VMAs(m, setsFlag)
	switch c.Op.Name {
	case "vmf_insert_page_mkwrite":
		// its vm_fault names the VMA and the address
		if vmf, ok := c.Args[0].Obj.(*VMF); ok && vmf != nil && vmf.VMA != nil {
			f.VMAs(vmf.VMA.MM(), false)
			f.PTEInstall(vmf.VMA.MM(), vmf.Address)
		}
	case "vm_insert_pages":
		// one entry per page, from addr on (insert_pages)
		n := 0
		for _, a := range c.Args[2:] {
			if _, ok := a.Obj.(*mmcore.Page); ok {
				n++
			}
		}
		if arr, ok := c.Args[2].Obj.(*PageArray); ok && len(c.Args) > 3 {
			// the kernel's form: *num pages of pages[], read from the
			// array (page_array_set writes it as a page access) and
			// each mapped
			f.AllPages(true)
			n = int(min(max(c.Args[3].Int, 0), int64(arr.Len())))
		}
		if n > maxPTERange {
			f.PTEs(m, true)
			break
		}
		for i := 0; i < n; i++ {
			f.PTEInstall(m, c.addr(1)+mmcore.Addr(i)<<mmcore.PageShift)
		}
	case "remap_pfn_range":
		f.PTEs(m, true) // a range, tables allocated along it: every entry
		remapEffects(c, f)
	default:
		f.PTEInstall(m, c.addr(1))
	}
	for _, a := range c.Args {
		if p, ok := a.Obj.(*mmcore.Page); ok {
			f.Page(p, true)
		}
	}
	switch c.Op.Name {
	case "vmf_insert_pfn", "vmf_insert_pfn_prot", "vmf_insert_mixed", "vmf_insert_mixed_mkwrite", "remap_pfn_range":
		f.AllPages(true) // a PFN may name any page
	}
}

// zapsVMA: zap_vma(vma), zap_vma_pages(vma): zaps over the whole VMA.
func zapsVMA(c *Call, f *Footprint) {
	m := vmaMM(c, 0)
	f.VMAs(m, false)
	v := c.Args[0].Obj.(*mmcore.VMA)
	if v.End() > v.Start() {
		f.PTERange(m, v.Start(), v.End(), true)
		f.ZappedPages(m, v.Start(), v.End())
	}
	f.TLB(m, true)
	f.Alloc()
}

// zaps: zap_vma_range, zap_vma_ptes: clear entries, drop the pages' maps
// and references, flush the TLB.
func zaps(c *Call, f *Footprint) {
	m := vmaMM(c, 0)
	f.VMAs(m, false)
	// [addr, addr+len) within the VMA (zap() clips it), each entry of it
	// written; an unparsable length is the whole mm
	if size, err := c.length(2); err == nil {
		v := c.Args[0].Obj.(*mmcore.VMA)
		start, end := c.addr(1), c.addr(1)+mmcore.Addr(size)
		if end >= start {
			start, end = max(start, v.Start()), min(end, v.End())
		}
		if end > start {
			f.PTERange(m, start, end, true)
			f.ZappedPages(m, start, end)
		}
	} else {
		f.PTEs(m, true)
		f.AllPages(true)
	}
	f.TLB(m, true)
	f.Alloc() // a freed page may be handed out again (Memory.Quarantine)
}

// pageOnly: get_page, put_page, page_to_pfn, folio locks (the lock is
// recorded by the lock code; the page's fields here).
func pageOnly(c *Call, f *Footprint) {
	write := c.Op.Name == "get_page" || c.Op.Name == "put_page" || c.Op.Name == "folio_put"
	if p, ok := c.Args[0].Obj.(*mmcore.Page); ok {
		switch {
		case c.Op.Name == "get_page":
			// folio_get(): the reference is the folio's, its head's
			f.PageAndFolio(p, true)
		case write:
			// folio_put(): the last reference frees every page of it
			pageFolioAll(p, f, true)
		default:
			f.Page(p, false)
		}
	}
	if c.Op.Name == "put_page" || c.Op.Name == "folio_put" {
		f.Alloc() // the last reference frees the page
	}
}

// world: a syscall or a fault path that changes much at once (mmap,
// munmap, faults, GUP, page walks): conflicts with everything.
func world(_ *Call, f *Footprint) { f.World() }

// unmaps: munmap (mm/vma.c: do_vmi_align_munmap): write-locks and detaches
// the VMAs, unmaps their pages, flushes the TLB, frees the tables, and
// unlinks the VMAs from their files' i_mmap trees. Its vm_ops->close calls
// run as script code with footprints of their own.
func unmaps(c *Call, f *Footprint) { unmapsMM(mmArg(c, 0), f) }

// unmapsMM is the footprint of unmaps for an mm found elsewhere than in
// argument 0: mremap's steps that may unmap (a MREMAP_FIXED target, a
// shrink, the source after the move) reach the mm through their
// vma_remap_struct and declare the same writes as munmap.
func unmapsMM(m *mmcore.MM, f *Footprint) {
	f.MM(m, true)
	f.PTEs(m, true)
	f.AllPages(true)
	f.TLB(m, true)
	f.Add(AFile, AllObjects, true)
	f.Alloc() // frees pages and tables
}

// ptePath: pte_offset_map_lock / pte_unmap_unlock walk the tables.
func ptePath(c *Call, f *Footprint) {
	if m := mmArg(c, 0); m != nil {
		f.VMAs(m, false) // requireStable looks the VMA up
		if len(c.Args) > 2 && c.Args[2].Int >= 0 {
			f.PTEs(m, false) // a PMD value read before: any table
			return
		}
		// the walk to the PTE table (or the PMD lock's table): the
		// entries above it
		f.PMDAt(m, c.addr(1), false)
		return
	}
	if p, ok := c.Args[0].Obj.(*PTE); ok {
		// the table the handle holds was reached through these
		f.PMDAt(p.MM.Core, p.Addr, false)
	}
}

// opFootprints declares the operations defined before footprints were
// declared in the definitions themselves. A new operation sets Op.Touches
// in its defOp, or gets an entry here.
var opFootprints = map[string]func(*Call, *Footprint){
	// locks (recorded by the lock code)
	"mmap_read_lock": touchesLocksOnly, "mmap_read_lock_killable": touchesLocksOnly,
	"mmap_read_trylock": touchesLocksOnly, "mmap_read_unlock": touchesLocksOnly,
	"mmap_write_lock": movesLockSeq, "mmap_write_lock_killable": movesLockSeq, "mmap_write_trylock": movesLockSeq,
	"mmap_write_unlock": movesLockSeq, "mmap_write_downgrade": movesLockSeq,
	"vma_start_read_locked": readsVMA, "vma_end_read": touchesLocksOnly,
	"vma_start_write":  writesVMA,
	"i_mmap_lock_read": touchesLocksOnly, "i_mmap_lock_write": touchesLocksOnly,
	"i_mmap_unlock_read": touchesLocksOnly, "i_mmap_unlock_write": touchesLocksOnly,
	"anon_vma_lock_read": readsVMA, "anon_vma_lock_write": readsVMA,
	"anon_vma_unlock_read": readsVMA, "anon_vma_unlock_write": readsVMA,
	"folio_lock": pageOnly, "folio_trylock": pageOnly, "folio_unlock": pageOnly,
	"spin_lock": touchesLocksOnly, "spin_unlock": touchesLocksOnly,
	"mutex_lock": touchesLocksOnly, "mutex_trylock": touchesLocksOnly, "mutex_unlock": touchesLocksOnly,
	"might_sleep": touchesLocksOnly, "msleep": touchesLocksOnly,
	// lookups and flags
	"find_vma": mmArgUsers(looksUp), "vma_lookup": mmArgUsers(looksUp),
	"vm_flags_set": writesVMA, "vm_flags_clear": writesVMA, "anon_vma_prepare": writesVMA,
	// installs and zaps
	"vm_insert_page": installs, "vm_insert_pages": installs, "vmf_insert_page": installs,
	"vmf_insert_page_mkwrite": installs, "vmf_insert_pfn": installs, "vmf_insert_mixed": installs,
	"remap_pfn_range": installs,
	"zap_vma_range":   zaps, "zap_vma_ptes": zaps,
	"pte_offset_map_lock": ptePath, "pte_unmap_unlock": ptePath,
	"ptep_get_and_clear": func(c *Call, f *Footprint) {
		// the entry the handle names and the page it maps, in the
		// handle's table (linked or not): the mapping's reference
		// becomes the caller's
		p, ok := c.Args[0].Obj.(*PTE)
		if !ok || p.Table == nil {
			f.AllPages(true)
			return
		}
		f.PTEAt(p.MM.Core, p.Addr, true)
		if e := p.Table.Entry(p.Table.Index(p.Addr)); e.Present() {
			if pg := c.K.Mem.Page(e.PFN()); pg != nil {
				f.PageAndFolio(pg, true)
			}
			if !e.Accessible() {
				// a PROT_NONE entry owes a flush only while a CPU
				// still caches the address (tlbMayHold)
				f.TLB(p.MM.Core, false)
			}
		}
	},
	"flush_tlb_range": func(c *Call, f *Footprint) {
		m := vmaMM(c, 0)
		f.MM(m, false)
		f.TLB(m, true)
	},
	// pages
	"alloc_page": func(_ *Call, f *Footprint) { f.Alloc() },
	"get_page":   pageOnly, "page_to_pfn": pageOnly,
	// syscalls, faults, GUP, walks: everything
	"mmap": world, "munmap": unmaps, "unmap_vmas": world, "mremap": unmaps, "fork": world, "move_page_tables": unmaps,
	"handle_mm_fault": world, "release_fault_lock": touchesLocksOnly,
	"get_user_pages": world,
	// kernel paths (kernel/*.mms): each step declares its own footprint
	"copy_to_user": world, "copy_from_user": world, "get_user": world, "put_user": world,
	"get_user_pages_remote": world, "pin_user_pages_remote": world, "pin_user_pages": world, "pin_user_pages_unlocked": world,
	"get_user_page_vma_remote": world, "lock_vma_under_rcu": world, "lock_vma_under_rcu_wait": world, "lock_next_vma": world, "access_remote_vm": world, "access_process_vm": world,
	"fault_in_writeable": world, "fault_in_readable": world, "fault_in_safe_writeable": world, "fixup_user_fault": world,
	// RCU: the grace periods are recorded by the RCU code (entering and
	// leaving sections, starting a grace period); the deferred free runs
	// when the last section ends, a step recorded as World.
	"rcu_read_lock": touchesLocksOnly, "rcu_read_unlock": touchesLocksOnly,
	"local_irq_disable": touchesLocksOnly, "local_irq_enable": touchesLocksOnly,
	"local_irq_save": touchesLocksOnly, "local_irq_restore": touchesLocksOnly,
	"synchronize_rcu": rcuWrite, "tlb_remove_table_sync_one": rcuWrite,
	"call_rcu":         rcuFree,
	"kfree_rcu":        rcuFree,
	"pte_free_defer":   func(c *Call, f *Footprint) { rcuWrite(c, f); f.PTEs(mmArg(c, 0), true) },
	"tlb_remove_table": func(c *Call, f *Footprint) { rcuWrite(c, f); f.PTEs(mmArg(c, 0), true) },
	"pte_offset_map":   ptePath, "pte_unmap": ptePath, "pmd_lock": ptePath,
	"ptep_get": readsPTE, "ptep_get_lockless": readsPTE,
	"pmdp_collapse_flush": func(c *Call, f *Footprint) {
		m := vmaMM(c, 0)
		f.MM(m, false)
		f.PTEs(m, true)
		f.TLB(m, true)
	},
}

// rcuFree: call_rcu and kfree_rcu hand the page's reference to a grace
// period.
func rcuFree(c *Call, f *Footprint) {
	rcuWrite(c, f)
	if p, ok := c.Args[0].Obj.(*mmcore.Page); ok {
		f.Page(p, true)
	}
}

// rcuWrite: starts a grace period (or waits for one).
func rcuWrite(_ *Call, f *Footprint) { f.Add(ARCU, 0, true) }

// readsPTE: ptep_get and friends read an entry and check its page.
func readsPTE(c *Call, f *Footprint) {
	if p, ok := c.Args[0].Obj.(*PTE); ok {
		f.PTEAt(p.MM.Core, p.Addr, false)
	}
	f.AllPages(false)
}

// TouchesField records a script's read of a field of x.
func (k *Kernel) TouchesField(x Value) {
	f := k.fp
	if f == nil {
		return
	}
	switch o := x.Obj.(type) {
	case *mmcore.Page:
		f.Page(o, false)
	case *mmcore.VMA:
		f.VMAs(o.MM(), false)
	case *MM:
		f.MM(o.Core, false)
	case *PTE:
		// its fields: the entry (and the table's number, pmdval, which
		// the first read hands out)
		f.PTEAt(o.MM.Core, o.Addr, false)
		k.fpTableNumber(o.Table)
	case *Lock:
		k.fpLockObserve(o) // held: anyone, readers included
	case *VMF:
		if o.VMA != nil {
			f.VMAs(o.VMA.MM(), false)
		}
		f.ownedAccess(o, false) // the fault steps fill its fields
	case *UffdCtx:
		// ctx->mmap_changing and ->released change; its mm and
		// map_changing_lock do not, but one object covers them.
		f.Object(AObject, o, false)
	case ownedStruct:
		f.ownedAccess(o, false)
	}
}
