package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// Stale decisions and VMA identity (issue 7, rule families 3d and 3e).
//
// A VMA pointer a task gets from a lookup under the mmap lock carries the
// lock epoch it was read under: the hold (acquisition) of the lock and the
// lock's write generation then. Every write acquisition of a lock moves
// its generation. When the task uses the pointer under a later hold of
// the same lock and some other writer held the lock in between, the
// pointer is a decision taken under a lock that was dropped: the VMA may
// have been freed, split or replaced (vma/stale-after-relock). Looking the
// VMA up again under the current hold is the re-check: it stamps the
// pointer anew, whatever the lookup returns.
//
// A VMA found by address that appeared after the task started (a mapping
// someone else made at that address) is somebody else's until proven
// otherwise: a driver that installs pages into it without checking that
// it is its own (vm_ops, vm_file / vm_private_data) hands its pages to
// that mapping (vma/identity-unchecked, the 2026 Rust Binder bug).
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

// vmaStamp is what a task knows of a VMA pointer it looked up.
type vmaStamp struct {
	lock    *Lock    // the mm's mmap lock it was found under
	seq     uint64   // the hold of that lock it was found under
	wgen    uint64   // the lock's write generation at that hold
	pos     lang.Pos // where it was looked up
	checked bool     // its identity was read since (vm_ops, vm_file)
}

// identityOps install pages into, or zap, a VMA on a driver's behalf:
// the uses that need the VMA to be the driver's own.
var identityOps = map[string]bool{
	"vm_insert_page": true, "vm_insert_pages": true, "vm_map_pages": true, "vm_map_pages_zero": true,
	"zap_vma_ptes": true,
}

// stampLookup records that the task found v by a lookup under m's mmap
// lock (if it holds it): v's pointer is good under this hold.
func (c *Call) stampLookup(m *MM, v *mmcore.VMA) {
	if v == nil || m == nil {
		return
	}
	t := c.T
	i := t.hold(m.MmapLock)
	if i < 0 {
		return
	}
	h := &t.holds[i]
	if t.stamps == nil {
		t.stamps = map[*mmcore.VMA]*vmaStamp{}
	}
	t.stamps[v] = &vmaStamp{lock: m.MmapLock, seq: h.seq, wgen: h.wgen, pos: t.Pos}
}

// checkVMAUse runs the checks of a use of v by the current operation (or
// a field read, op == ""): use after unmap, stale pointer, identity.
func (k *Kernel) checkVMAUse(t *Task, v *mmcore.VMA, op string) {
	if !v.Attached() && !k.vmaState(v).New {
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
	s := t.stamps[v]
	if s == nil {
		return
	}

	if i := t.hold(s.lock); i >= 0 {
		h := t.holds[i]
		others := h.wgen - s.wgen
		if h.wrote && others > 0 {
			others-- // this hold's own write acquisition
		}
		if h.seq != s.seq && others > 0 && !k.vmaReadLockedBy(t, v) {
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
	}
	if op != "" && identityOps[op] && !s.checked && v.ID() > t.vmaBase[v.MM()] {
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

// VMAField checks a script's read of field name of the VMA x by task t at pos:
// the read of a freed VMA, of a stale pointer; reading its owner
// (vm_ops, vm_file) is the identity check.
func (k *Kernel) VMAField(t *Task, x any, name string, pos lang.Pos) {
	v, ok := x.(*mmcore.VMA)
	if !ok || name == "attached" || t == nil {
		return // "attached" is mmscript's own introspection, not a kernel field
	}
	if t.stamps == nil && v.Attached() {
		return
	}
	saved := t.Pos
	t.Pos = pos
	k.checkVMAUse(t, v, "")
	t.Pos = saved
	if s := t.stamps[v]; s != nil && (name == "vm_ops" || name == "vm_file") {
		s.checked = true
	}
}

// startTask records which VMAs exist when the task starts (per mm, the
// newest VMA id): a VMA with a higher id was mapped after it started.
func (k *Kernel) startTask(t *Task) {
	if len(k.mms) == 0 {
		return
	}
	t.vmaBase = make(map[*mmcore.MM]uint64, len(k.mms))
	for _, m := range k.mms {
		t.vmaBase[m.Core] = m.Core.LastVMAID()
	}
}

func init() {
	// vm_file: whose mapping it is, one half of a driver's identity check
	// (the other, vm_private_data, has no script form).
	fieldTable[TVMA]["vm_file"] = func(k *Kernel, x any) Value {
		if f := x.(*mmcore.VMA).File(); f != nil {
			if rf := k.files[f.Mapping()]; rf != nil {
				return Obj(TFile, rf)
			}
		}
		return Nil
	}
	fieldTypes[TVMA]["vm_file"] = TFile
	fieldDocs["vma.vm_file"] = "the file the VMA maps (nil for anonymous memory); with vm_ops, how a driver checks that a VMA found by address is its own (vma/identity-unchecked)"
}
