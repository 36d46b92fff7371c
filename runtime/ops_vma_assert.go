package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// vma_assert_locked() and vma_assert_stabilised(): two of the assertions
// include/linux/mmap_lock.h documents with kernel-doc, which
// Documentation/mm/process_addrs.rst renders in its "Functions and
// structures" section (".. kernel-doc:: include/linux/mmap_lock.h"), so
// the document offers them to callers; the third, vma_assert_write_locked(),
// is in kernel_fork.go.

// readLockH618 is the copy of include/linux/mmap_lock.h read for 6.18: no
// v6.18-tagged tree is stored, so it is a copy of the 6.16 to 6.18 shape
// that find_string found (VM_BUG_ON_VMA asserts, __vma_start_write(vma,
// mm_lock_seq), mmap_read_lock_killable() without __must_check, no
// vma_assert_stabilised()).
const readLockH618 = "include/linux/mmap_lock.h in the shape of 6.16 to 6.18 (VM_BUG_ON_VMA asserts, mmap_read_lock_killable() without __must_check), a copy find_string found; no v6.18-tagged tree is stored, read"

func init() {
	ruleLocked := &Rule{"vma_assert_locked/not-locked",
		"vma_assert_locked(vma) holds only while this task holds the VMA's read lock (lock_vma_under_rcu, vma_start_read_locked) or has write-locked it (vma_start_write under the mmap write lock); the mmap lock alone does not count",
		"include/linux/mmap_lock.h: vma_assert_locked(): with CONFIG_LOCKDEP, if (!lock_is_held(__vma_lockdep_map(vma))) vma_assert_write_locked(vma) -> VM_WARN_ON_ONCE_VMA(!__is_vma_write_locked(vma)); without it, refcnt > 1 passes, VM_WARN_ON_ONCE_VMA(!refcnt) (detached), then vma_assert_write_locked()",
		DebugOnly}
	olderReactions[ruleLocked.ID] = []VersionReaction{{Mainline, DebugOnly,
		"include/linux/mmap_lock.h (6.18): vma_assert_locked(): VM_BUG_ON_VMA(refcount_read(&vma->vm_refcnt) <= 1 && !__is_vma_write_locked(vma, &mm_lock_seq), vma): a BUG on CONFIG_DEBUG_VM kernels, with no lockdep branch, so any task's VMA read lock (vm_refcnt > 1) satisfies it"}}
	lockedCites := []Cite{
		cite("include/linux/mmap_lock.h", "vma_assert_locked()",
			"if (IS_ENABLED(CONFIG_LOCKDEP)) { if (!lock_is_held(__vma_lockdep_map(vma))) vma_assert_write_locked(vma); return; } refcnt = refcount_read(&vma->vm_refcnt); if (refcnt > 1) return; VM_WARN_ON_ONCE_VMA(!refcnt, vma); vma_assert_write_locked(vma);", readLockH),
		cite("include/linux/mmap_lock.h", "vma_assert_write_locked()", "VM_WARN_ON_ONCE_VMA(!__is_vma_write_locked(vma), vma) (__is_vma_write_locked() -> __vma_raw_mm_seqnum() -> mmap_assert_write_locked())", readLockH),
		cite("include/linux/mmap_lock.h", "vma_assert_locked() (6.18)", "VM_BUG_ON_VMA(refcount_read(&vma->vm_refcnt) <= 1 && !__is_vma_write_locked(vma, &mm_lock_seq), vma)", readLockH618),
	}
	defOp(&Op{Name: "vma_assert_locked", Params: []Param{{Name: "vma", Type: TVMA}},
		API: register(&API{Name: "vma_assert_locked", Section: "1.3",
			Hold:   "the VMA read lock (lock_vma_under_rcu(), vma_start_read_locked()) or the VMA write lock (vma_start_write()), taken by this task",
			Takes:  "nothing",
			Sleeps: "no",
			Asserts: "mainline: VM_WARN_ON_ONCE_VMA (CONFIG_DEBUG_VM), exact per task with CONFIG_LOCKDEP (lock_is_held() of the VMA's lockdep map); without lockdep any task's read lock (vm_refcnt > 1) passes. " +
				"6.18: VM_BUG_ON_VMA (a BUG on CONFIG_DEBUG_VM kernels), any task's read lock passes",
			Source: "include/linux/mmap_lock.h: vma_assert_locked() (kernel-doc, rendered by process_addrs.rst \"Functions and structures\")",
			Notes: "what a path that may run under either VMA lock asserts: folio_walk_start(FW_VMA_LOCKED), walk_page_range_vma() with PGWALK_VMA_RDLOCK_VERIFY, assert_fault_locked() under FAULT_FLAG_VMA_LOCK. " +
				"mmscript checks this task's holds, as a lockdep kernel does; on -kernel 6.18 another task's VMA read lock also satisfies it",
			Rules:    []*Rule{ruleLocked},
			Cites:    lockedCites,
			Sequence: "vma = lock_vma_under_rcu(mm, addr);\nif (vma) {\n\tvma_assert_locked(vma);\n\t/* ... */\n\tvma_end_read(vma);\n}"}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			c.vmaAssertLocked(v, ruleLocked, "vma_assert_locked")
			return ok
		}})

	ruleStable := &Rule{"vma_assert_stabilised/not-stabilised",
		"vma_assert_stabilised(vma) holds while this task holds the mmap lock (read or write) or the VMA's own lock (read, or write-locked by this task)",
		"include/linux/mmap_lock.h: vma_assert_stabilised(): with CONFIG_LOCKDEP, if (lockdep_is_held(&vma->vm_mm->mmap_lock)) return; (without it rwsem_is_locked(), anyone's hold) then vma_assert_locked(vma) (VM_WARN_ON_ONCE_VMA)",
		DebugOnly}
	defOp(&Op{Name: "vma_assert_stabilised", Params: []Param{{Name: "vma", Type: TVMA}},
		API: register(&API{Name: "vma_assert_stabilised", Section: "1.3",
			Hold:   "the mmap lock (read is enough) or the VMA's lock (read, or write-locked by this task)",
			Takes:  "nothing",
			Sleeps: "no",
			Asserts: "VM_WARN_ON_ONCE_VMA through vma_assert_locked() (CONFIG_DEBUG_VM); exact per task with CONFIG_LOCKDEP, without it any task's mmap lock or VMA read lock passes (the kernel-doc: \"we risk a false negative\"). " +
				"Not in 6.18",
			Source: "include/linux/mmap_lock.h: vma_assert_stabilised() (kernel-doc, rendered by process_addrs.rst \"Functions and structures\"); the check of include/linux/mm.h: vma_set_atomic_flag()",
			Notes:  "the lock states of process_addrs.rst's \"Lock usage\" table that make a VMA stable, minus the rmap locks, which it does not look at. mmscript checks this task's holds, as a lockdep kernel does",
			Rules:  []*Rule{ruleStable},
			Cites: []Cite{cite("include/linux/mmap_lock.h", "vma_assert_stabilised()",
				"if (IS_ENABLED(CONFIG_LOCKDEP)) { if (lockdep_is_held(&vma->vm_mm->mmap_lock)) return; } else { if (rwsem_is_locked(&vma->vm_mm->mmap_lock)) return; } vma_assert_locked(vma);", readLockH)},
			Sequence: "mmap_read_lock(mm);\nvma = vma_lookup(mm, addr);\nif (vma)\n\tvma_assert_stabilised(vma);\nmmap_read_unlock(mm);"}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			if c.K.Config.Version != Mainline {
				return fail("vma_assert_stabilised does not exist in 6.18: it came with VM_MAYBE_GUARD's atomic VMA flags (posted 2025-11, after the 6.18 merge window); 6.18's include/linux/mmap_lock.h has vma_assert_locked() and vma_assert_write_locked() only")
			}
			c.T.fpHolds()
			if mmOf(v.MM()).MmapLock.heldBy(c.T) != 0 {
				return ok
			}
			c.vmaAssertLocked(v, ruleStable, "vma_assert_stabilised")
			return ok
		}})
}

// vmaAssertLocked is vma_assert_locked() as a lockdep kernel runs it: the
// VMA's read lock held by this task, or its write lock taken by this task.
// 6.18 has no lockdep branch: vm_refcnt > 1, anyone's read lock, passes.
func (c *Call) vmaAssertLocked(v *mmcore.VMA, r *Rule, name string) bool {
	s := c.K.vmaState(v)
	c.T.fpHolds()
	if s.Lock.heldBy(c.T) != 0 || s.Lock.writer == c.T {
		return true
	}
	if c.K.Config.Version != Mainline && v.Attached() {
		c.K.fpLockObserve(s.Lock)
		if len(s.Lock.readers) > 0 {
			return true
		}
	}
	m := mmOf(v.MM())
	held := "without the mmap lock"
	switch m.MmapLock.heldBy(c.T) {
	case Write:
		held = "under the mmap write lock, without vma_start_write()"
	case Read:
		held = "under the mmap read lock only"
	}
	c.K.violate(c.T, c.K.inVersion(r), fmt.Sprintf("%s: %s is neither read-locked nor write-locked by this thread (%s): a writer may change it or munmap detach it meanwhile", name, VMAName(v), held))
	return false
}
