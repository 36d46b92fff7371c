package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// Stale decisions and VMA identity (issue 7, rule families 3d and 3e).
//
// A value a task reads under a lock carries the lock epoch it was read
// under (an epoch: the hold, that is the acquisition, of the lock and the
// lock's write generation then). Every write acquisition of a lock moves
// its generation. When the task uses the value under a later hold of the
// same lock and some other writer held the lock in between, the value is
// a decision taken under a lock that was dropped (vma/stale-after-relock
// for a VMA pointer). The re-check is what makes a value current again:
// for a VMA pointer, a new lookup under the current hold, which gives a
// new value with its own epoch.
//
// The epoch travels with the value, not with the object it names: a VMA
// value keeps its epoch's number in Value.Int, unused for objects, and
// copies of the value (variables, arguments, results) share it. So a
// kernel-library function that looks the same VMA up again under the
// current hold validates the value it got, not the caller's older copy,
// which stays stale until the caller itself looks it up again. Epochs are
// the task's own: a value another task read is not checked against this
// task's holds.
//
// A VMA found by address that appeared after the task started (a mapping
// someone else made at that address) is somebody else's until proven
// otherwise: a driver that installs pages into it without checking that
// it is its own (vm_ops, vm_file / vm_private_data) hands its pages to
// that mapping (vma/identity-unchecked, the 2026 Rust Binder bug). The
// check is made on the value: reading vm_ops or vm_file of it.
//
// Any use of a VMA that was unmapped, field reads included, is a use
// after free (vma/use-after-unmap): vm_area_free() frees it, through
// SLAB_TYPESAFE_BY_RCU, at once.

var ruleStaleVMA = &Rule{"vma/stale-after-relock",
	"a VMA pointer looked up under the mmap lock is used again only under the same hold of the lock; after the lock was dropped and retaken " +
		"(and another writer held it in between) the VMA is looked up again and re-checked",
	"mm/mmap_lock.c: lock_mm_and_find_vma() (\"we'll have to drop the mmap lock and re-take it, and also look up the vma again, re-checking it\"); " +
		"commit a43cfc87caaf (\"android: binder: stop saving a pointer to the VMA\", 2023); CVE-2018-17182 (vmacache), commit 7a9cdebdcc17",
	Unchecked}

var ruleVMAIdentity = &Rule{"vma/identity-unchecked",
	"a VMA found again by address is checked to be the caller's own (vm_ops, vm_private_data or vm_file) before pages are installed into it: " +
		"the lock keeps the VMA alive, not its owner; user space may have unmapped the driver's VMA and mapped its own at the same address",
	"rust_binder: check ownership before using vma (2026, Alice Ryhl; Reported-by: Jann Horn; Fixes: eafedbc7c050): " +
		"drivers/android/binder/page_range.rs check_vma() compares vm_ops and vm_private_data after vma_lookup()",
	Unchecked}

// epoch is the lock epoch a value was read under, and what the task
// learnt about the value since.
type epoch struct {
	lock    *Lock    // the lock it was read under (a VMA: the mm's mmap lock)
	seq     uint64   // the hold of that lock it was read under
	wgen    uint64   // the lock's write generation at that hold
	pos     lang.Pos // where it was read
	checked bool     // a VMA: its identity was read since (vm_ops, vm_file)
	// rcu: a VMA found by a walk under RCU alone (vma_iter.go), in this
	// RCU section (0: found under the mmap lock, or already reported)
	rcu uint64
}

// epochRef is how an object value refers to its epoch (Value.Int): the
// task (ID+1) in the high half, the index in its epochs (+1) in the low.
func epochRef(t *Task, i int) int64 { return int64(t.ID+1)<<32 | int64(i+1) }

// epochOf returns the epoch of value x if t read it, else nil.
func (t *Task) epochOf(x Value) *epoch {
	if x.Int == 0 || x.Int>>32 != int64(t.ID+1) {
		return nil
	}
	i := int(x.Int&0xffffffff) - 1
	if i >= len(t.epochs) {
		return nil
	}
	return t.epochs[i]
}

// newEpoch records that t reads a value under its current hold of l,
// and returns the epoch's reference, 0 if t does not hold l.
func (t *Task) newEpoch(l *Lock) int64 {
	i := t.hold(l)
	if i < 0 {
		return 0
	}
	h := &t.holds[i]
	h.fpStep = 0 // the epoch reads its write generation (fpTransientEnd)
	t.epochs = append(t.epochs, &epoch{lock: l, seq: h.seq, wgen: h.wgen, pos: t.Pos})
	return epochRef(t, len(t.epochs)-1)
}

// staleUnder reports whether a value read at epoch e is stale for t now:
// t holds e's lock again under a later hold, and another writer held the
// lock in between. It returns t's current hold of the lock.
func (t *Task) staleUnder(e *epoch) (*Hold, bool) {
	i := t.hold(e.lock)
	if i < 0 {
		return nil, false
	}
	h := &t.holds[i]
	h.fpStep = 0 // a check of its write generation (fpTransientEnd)
	others := h.wgen - e.wgen
	if h.wrote && others > 0 {
		others-- // this hold's own write acquisition
	}
	return h, h.seq != e.seq && others > 0
}

// identityOps install pages into, or zap, a VMA on a driver's behalf:
// the uses that need the VMA to be the driver's own.
var identityOps = map[string]bool{
	"vm_insert_page": true, "vm_insert_pages": true, "vm_map_pages": true, "vm_map_pages_zero": true,
	"zap_vma_ptes": true,
}

// stampLookup returns VMA v, found by a lookup under m's mmap lock, as a
// value that carries the epoch (the task's hold of the lock) it was found
// under: it is good under this hold.
func (c *Call) stampLookup(m *MM, v *mmcore.VMA) Value {
	x := Obj(TVMA, v)
	if v == nil || m == nil {
		return x
	}
	x.Int = c.T.newEpoch(m.MmapLock)
	return x
}

// fpVMAState records a write of a detached VMA's state (VMAState.New,
// Closed) where its ->close runs: New is set while the handler may use the
// VMA, which silences checkVMAUse for every thread. The operations that
// close a VMA (remove_vma, vma_close, munmap) declare a read of the VMAs;
// the write is recorded where a close handler really runs, and only there.
func (k *Kernel) fpVMAState(v *mmcore.VMA) { k.fp.VMAs(v.MM(), true) }

// checkVMAUse runs the checks of a use of v, the VMA of value x (x.Int
// may be 0: a VMA reached through a field, not looked up) by the current
// operation (or a field read, op == ""): use after unmap, stale pointer,
// identity.
func (k *Kernel) checkVMAUse(t *Task, x Value, v *mmcore.VMA, op string) {
	if op == "" && t.cur != nil {
		// A field read is no operation's: the report's call path must
		// not end in the last operation the thread called (it said
		// "t: mmap_read_lock" for a read of a freed VMA's vm_start).
		saved := t.cur
		t.cur = nil
		defer func() { t.cur = saved }()
	}
	// The check reads v's attachment, which munmap's detach writes: a
	// read of its mm's VMAs, for every use of a VMA, whatever the
	// operation declares (vm_ops_open and take_rmap_locks declared no
	// data, and the reduced search took their use-after-unmap as
	// independent of the unmap).
	k.fp.VMAs(v.MM(), false)
	if s := k.vmaState(v); !v.Attached() && !s.New && s.Gatherer != t && !k.rmapReached(t, v) {
		if t.freedSeen[v] {
			return // reported at its first use: the rest follows from it
		}
		if t.freedSeen == nil {
			t.freedSeen = map[*mmcore.VMA]bool{}
		}
		t.freedSeen[v] = true
		what := "this pointer refers to freed memory"
		if op == "" {
			what = "reading its fields reads freed memory (vm_area_free)"
		}
		name := op
		if name == "" {
			name = "field read"
		}
		k.violate(t, ruleUseAfterUnmap, fmt.Sprintf("%s: %s was unmapped; %s", name, VMAName(v), what))
		return
	}
	s := t.epochOf(x)
	if s == nil {
		return
	}
	if s.rcu != 0 {
		k.checkRCUFound(t, s, v, op)
		return
	}
	if h, stale := t.staleUnder(s); stale && !k.vmaReadLockedBy(t, v) {
		name := op
		if name == "" {
			name = "field read"
		}
		k.violate(t, ruleStaleVMA, fmt.Sprintf("%s: %s was looked up under an earlier hold of %s, which was dropped and retaken "+
			"while another thread held it for write; the VMA may have been freed or replaced: look it up again", name, VMAName(v), s.lock.Name),
			Related{s.pos, "looked up here"}, Related{h.Pos, s.lock.Name + " retaken here"})
		s.seq, s.wgen = h.seq, h.wgen // reported once: its later uses follow from this one
		return
	}
	if op != "" && identityOps[op] && !s.checked && v.ID() > t.vmaBaseOf(v.MM()) {
		k.violate(t, ruleVMAIdentity, fmt.Sprintf("%s: %s, found by address at %s, was mapped after this thread started and its owner was never checked "+
			"(vm_ops / vm_file): pages go into whatever mapping user space put there", op, VMAName(v), s.pos),
			Related{s.pos, "looked up here"})
	}
}

// vmaReadLockedBy: the task holds v's VMA read lock, which keeps it
// stable whatever happened to the mmap lock.
func (k *Kernel) vmaReadLockedBy(t *Task, v *mmcore.VMA) bool {
	s, ok := v.Lock.(*VMAState)
	return ok && t.hold(s.Lock) >= 0
}

// VMAFieldUnstable says whether task t's read of a field of the VMA value
// x is kept stable by nothing t holds: neither the mmap lock of the VMA's
// mm nor the VMA's read lock (the VMA write lock needs the mmap write
// lock). Such a read is a plain load that races with the field's writers
// up to whatever t does next, so the interpreter ends the step after it.
func (k *Kernel) VMAFieldUnstable(t *Task, x Value) bool {
	v, ok := x.Obj.(*mmcore.VMA)
	if !ok || t == nil || len(k.Tasks) < 2 {
		return false
	}
	if m := mmOf(v.MM()); m != nil && t.hold(m.MmapLock) >= 0 {
		return false
	}
	if f := v.File(); f != nil {
		// an rmap walker: i_mmap_rwsem keeps the VMA and its range
		// (vm_start, vm_end, vm_pgoff change under it for write)
		if l := iMmapLock(f.Mapping()); l != nil && t.hold(l) >= 0 {
			return false
		}
	}
	return !k.vmaReadLockedBy(t, v)
}

// VMAField checks a script's read of field name of the VMA value x by
// task t at pos: the read of a freed VMA, of a stale pointer; reading its
// owner (vm_ops, vm_file) is the identity check of that value.
func (k *Kernel) VMAField(t *Task, x Value, name string, pos lang.Pos) {
	v, ok := x.Obj.(*mmcore.VMA)
	if !ok || name == "attached" || t == nil {
		return // "attached" is mmscript's own introspection, not a kernel field
	}
	if x.Int == 0 && v.Attached() {
		return
	}
	saved := t.Pos
	t.Pos = pos
	k.checkVMAUse(t, x, v, "")
	t.Pos = saved
	if s := t.epochOf(x); s != nil && (name == "vm_ops" || name == "vm_file") {
		s.checked = true
	}
}

// vmaBase is a task's baseline in one mm: the newest VMA id when the
// task started, or its own newest mapping since.
type vmaBase struct {
	mm *mmcore.MM
	id uint64
}

// vmaBaseOf is t's baseline in m (0: none, every VMA is newer).
func (t *Task) vmaBaseOf(m *mmcore.MM) uint64 {
	for _, b := range t.vmaBase {
		if b.mm == m {
			return b.id
		}
	}
	return 0
}

// setVMABase sets t's baseline in m.
func (t *Task) setVMABase(m *mmcore.MM, id uint64) {
	for i := range t.vmaBase {
		if t.vmaBase[i].mm == m {
			t.vmaBase[i].id = id
			return
		}
	}
	t.vmaBase = append(t.vmaBase, vmaBase{m, id})
}

// startTask records which VMAs exist when the task starts (per mm, the
// newest VMA id): a VMA with a higher id was mapped after it started.
func (k *Kernel) startTask(t *Task) {
	if len(k.mms) == 0 {
		return
	}
	t.vmaBase = t.vmaBase[:0]
	for _, m := range k.mms {
		t.setVMABase(m.Core, m.Core.LastVMAID())
	}
}

func init() {
	// vm_file: whose mapping it is, one half of a driver's identity check
	// (the other, vm_private_data, has no script form).
	fieldTable[TVMA]["vm_file"] = func(k *Kernel, x any) Value {
		if f := x.(*mmcore.VMA).File(); f != nil {
			if rf := k.fileOf(f.Mapping()); rf != nil {
				return Obj(TFile, rf)
			}
		}
		return Nil
	}
	fieldTypes[TVMA]["vm_file"] = TFile
	fieldDocs["vma.vm_file"] = "the file the VMA maps (nil for anonymous memory); with vm_ops, how a driver checks that a VMA found by address is its own (vma/identity-unchecked)"
}
