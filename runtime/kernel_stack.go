package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// The page fault's VMA lookup and stack expansion (kernel/stack.mms):
// lock_mm_and_find_vma, expand_stack, expand_stack_locked and
// find_extend_vma_locked are kernel paths of the library; the atomic steps
// below are what they run besides the lock operations.

// readStackKpaths: the files the stack paths were transcribed from.
const readStackKpaths = "linux-mm@1aff34ad202e (mm/mmap.c), linux-mm@c65b1d2ea91e (mm/vma.c), torvalds/linux@00c010e130e5 (mm/mmap_lock.c), read"

// ruleTreeStore is StackRot's rule: the VMA tree (and a VMA's vm_start /
// vm_end / vm_pgoff) is written only under the mmap write lock, since
// lockless walkers of the maple tree rely on it, and with the VMA
// write-locked, since page faults under the per-VMA lock read those fields
// without the mmap lock (c5d5546ea065 added vma_start_write() to
// expand_downwards() after StackRot's fix).
var ruleTreeStore = &Rule{"vma/tree-store-needs-mmap-write",
	"a VMA's range and the VMA tree (maple tree) are changed only under the mmap write lock and with the VMA write-locked: " +
		"readers under the mmap read lock walk the tree under RCU, and a node replaced under them is freed after a grace period they do not hold off (StackRot)",
	"CVE-2023-3269 (StackRot), fixed in 6.5 / 6.4.1 by commit 8d7071af8907 \"mm: always expand the stack with the mmap write lock held\"; " +
		"the VMA write lock: commit c5d5546ea065 \"mm: lock a vma before stack expansion\" (6.5 / 6.4.1: faults under the per-VMA lock alone read vm_start and vm_pgoff); " +
		"mm/vma.c: expand_downwards() mmap_assert_write_locked(mm); process_addrs.rst \"VMA fields\" (vm_start, vm_end, vm_pgoff: mmap write, VMA write, rmap write)",
	Unchecked}

func init() {
	// Before the maple tree (6.1) a growth moved no tree node under the
	// readers: the rule did not exist; from 6.1 to 6.4 the kernel broke
	// it itself (StackRot), which a 6.1 kernel's run reports.
	addHistory(ruleTreeStore.ID, VersionReaction{changeMapleTree.Version, Absent,
		"mm/mmap.c (4.19 to 6.0): expand_downwards() grew the stack under the mmap read lock by design, serialised against other growers by the anon_vma lock and mm->page_table_lock: " +
			"the rbtree's shape does not change (vma_gap_update() under page_table_lock), so readers under the read lock saw only vm_start move; the rule came with the maple tree, " + changeMapleTree.String()})
	Constants["mmap_min_addr"] = int64(mmcore.MmapMinAddr)
	Constants["stack_guard_gap"] = int64(mmcore.StackGuardGap)
	constDocs["mmap_min_addr"] = "vm.mmap_min_addr (64 KiB here): no mapping starts below it; expand_downwards() returns -EPERM below it"
	constDocs["stack_guard_gap"] = "mm/mmap.c: stack_guard_gap (256 pages): expand_downwards() keeps this gap to an accessible VMA below the stack (-ENOMEM)"

	citeTable["lock_mm_and_find_vma"] = []Cite{cite("mm/mmap_lock.c", "lock_mm_and_find_vma()",
		"if (!mmap_upgrade_trylock(mm)) { if (!upgrade_mmap_lock_carefully(mm, regs)) return NULL; vma = find_vma(mm, addr); ... } expand_stack_locked(vma, addr); mmap_write_downgrade(mm)", readStackKpaths)}
	citeTable["expand_stack"] = []Cite{cite("mm/mmap.c", "expand_stack()",
		"mmap_read_unlock(mm); if (mmap_write_lock_killable(mm)) return NULL; vma = find_vma_prev(mm, addr, &prev); ... mmap_write_downgrade(mm)", readStackKpaths)}
	citeTable["expand_stack_locked"] = []Cite{cite("mm/mmap.c", "expand_stack_locked()", "return expand_downwards(vma, address);", readStackKpaths),
		cite("mm/vma.c", "expand_downwards()", "mmap_assert_write_locked(mm); anon_vma_prepare(vma); vma_start_write(vma); anon_vma_lock_write(vma->anon_vma)", readStackKpaths)}
	citeTable["find_extend_vma_locked"] = []Cite{cite("mm/mmap.c", "find_extend_vma_locked()",
		"addr &= PAGE_MASK; vma = find_vma(mm, addr); ... if (expand_stack_locked(vma, addr)) return NULL;", readStackKpaths)}
	citeTable["mmap_assert_write_locked"] = []Cite{cite("include/linux/mmap_lock.h", "mmap_assert_write_locked()",
		"rwsem_assert_held_write(&mm->mmap_lock): lockdep_assert_held_write() with CONFIG_LOCKDEP, else WARN_ON(!(atomic_long_read(&sem->count) & RWSEM_WRITER_LOCKED))",
		"linux-mm@1632d9c3381f include/linux/mmap_lock.h and linux-mm@cd25ca26cebb include/linux/rwsem.h, read")}
	citeTable["vma_iter_store_overwrite"] = []Cite{cite("mm/vma.c", "expand_downwards()",
		"anon_vma_interval_tree_pre_update_vma(vma); vma->vm_start = address; vma->vm_pgoff -= grow; vma_iter_store_overwrite(&vmi, vma); anon_vma_interval_tree_post_update_vma(vma)", readStackKpaths)}

	sequenceTable["mmap_assert_write_locked"] = "/* mm/vma.c: expand_downwards() */\nmmap_assert_write_locked(mm);    /* the caller took mmap_write_lock(mm) */"
	sequenceTable["vma_iter_store_overwrite"] = "/* mm/vma.c: expand_downwards(), mmap write lock held */\nvma_start_write(vma);\nanon_vma_lock_write(vma->anon_vma);\n" +
		"vma->vm_start = address;\nvma->vm_pgoff -= grow;\nvma_iter_store_overwrite(&vmi, vma);\nanon_vma_unlock_write(vma->anon_vma);"

	mmParam := Param{Name: "mm", Type: TMM}
	addrParam := Param{Name: "addr", Type: TInt}
	vmaParam := Param{Name: "vma", Type: TVMA}
	stackPath := func(name string, params []Param, hold, notes string, rules ...*Rule) {
		a := takeDocumented(name)
		if a == nil {
			panic("kernel_stack.go: no documented entry " + name)
		}
		a.Hold = hold
		a.Notes += "; mmscript: a kernel path of the kernel library (kernel/stack.mms: `mmscript explain " + name + "`), run statement by statement. " + notes
		a.Rules = append(rules, lockRules...)
		defOp(&Op{Name: name, Path: true, Params: params, Result: TVMA, API: register(a), Touches: pathSteps})
	}
	stackPath("lock_mm_and_find_vma", []Param{mmParam, addrParam}, "nothing (must not be called with the mmap lock held)",
		"Script form lock_mm_and_find_vma(mm, addr): a user-mode fault (regs user_mode()). Below a VM_GROWSDOWN VMA it drops the read lock, takes the write lock, "+
			"looks the VMA up again, expands it and downgrades: a VMA pointer found before the call is stale after it (vma/stale-after-relock)",
		ruleStaleVMA)
	stackPath("expand_stack", []Param{mmParam, addrParam}, "mmap read lock (dropped, write taken, downgraded; nil: no lock held)",
		"The VMA passed in by callers of old (expand_stack(vma, addr) before 6.5) is not an argument any more: the function looks it up again under the write lock",
		ruleStaleVMA)
	a := takeDocumented("expand_stack_locked")
	a.Notes += "; mmscript: a kernel path of the kernel library (kernel/stack.mms), over expand_downwards(); returns 0 or -errno"
	a.Rules = []*Rule{ruleTreeStore, ruleMmapAssertWrite, ruleSleepInAtomic}
	defOp(&Op{Name: "expand_stack_locked", Path: true, Params: []Param{vmaParam, {Name: "address", Type: TInt}}, Result: TInt, API: register(a), Touches: pathSteps})
	a = takeDocumented("find_extend_vma_locked")
	a.Notes += "; mmscript: a kernel path of the kernel library (kernel/stack.mms); VM_LOCKED's populate is not modelled"
	a.Rules = []*Rule{ruleTreeStore, ruleMmapAssertWrite, ruleSleepInAtomic}
	defOp(&Op{Name: "find_extend_vma_locked", Path: true, Params: []Param{mmParam, addrParam}, Result: TVMA, API: register(a), Touches: pathSteps})

	defOp(&Op{Name: "mmap_assert_write_locked", Params: []Param{mmParam},
		API: register(&API{Name: "mmap_assert_write_locked", Section: "1.1", Hold: "mm->mmap_lock for write",
			Sleeps: "no", Asserts: "lockdep_assert_held_write(); without lockdep WARN_ON(!(count & RWSEM_WRITER_LOCKED))",
			Source: "include/linux/mmap_lock.h: mmap_assert_write_locked()", Rules: []*Rule{ruleMmapAssertWrite},
			Notes: "a step of expand_downwards() in the kernel library (kernel/stack.mms); vma_start_write() and so vm_flags_set/clear/mod() assert the same"}),
		Touches: func(c *Call, f *Footprint) {},
		Fn: func(c *Call) Result {
			m := c.mm(0)
			c.mmapAssertLocked(m, true, ruleMmapAssertWrite, "mmap_assert_write_locked: "+m.MmapLock.Name+" is not held for write by this thread")
			return ok
		}})

	defOp(&Op{Name: "vma_iter_store_overwrite", Params: []Param{vmaParam, {Name: "address", Type: TInt}}, Result: TInt,
		API: register(&API{Name: "vma_iter_store_overwrite", Section: "2.15",
			Hold:   "mmap lock for write, the VMA write-locked (vma_start_write), its anon_vma locked for write",
			Takes:  "the maple tree's external lock (the mmap lock)",
			Sleeps: "no", Asserts: "none at the store; expand_downwards() asserts mmap_assert_write_locked() first",
			Source: "mm/vma.c: expand_downwards(), acct_stack_growth(); mm/vma.h: vma_iter_store_overwrite()",
			Notes: "expand_downwards()'s growth step (scripts cannot assign fields): acct_stack_growth() (RLIMIT_STACK), vma->vm_start = address, " +
				"vma->vm_pgoff -= grow, then the tree store; returns 0 or -errno",
			Rules: []*Rule{ruleTreeStore}}),
		Touches: func(c *Call, f *Footprint) { f.MM(vmaMM(c, 0), true) },
		Fn: func(c *Call) Result {
			v := c.vma(0)
			m := mmOf(v.MM())
			if m.MmapLock.heldBy(c.T) != Write {
				c.K.violate(c.T, ruleTreeStore, fmt.Sprintf("%s changes %s's vm_start and the VMA tree without %s held for write: "+
					"tree walkers under the read lock see the replaced maple node freed (StackRot)", c.Op.Name, VMAName(v), m.MmapLock.Name))
			} else if c.K.Config.Version.PerVMALocks() && !c.K.writeLocked(v) {
				c.K.violate(c.T, ruleTreeStore, fmt.Sprintf("%s changes %s's vm_start without vma_start_write(): a fault under the VMA read lock sees it move", c.Op.Name, VMAName(v)))
			}
			if err := v.MM().ExpandStack(v, c.addr(1)); err != nil {
				return done(Int(errnoOf(err)))
			}
			return done(Int(0))
		}})
}

var ruleMmapAssertWrite = &Rule{"mmap_assert_write_locked/not-held",
	"the function runs with the mmap lock held for write",
	"include/linux/mmap_lock.h: mmap_assert_write_locked() -> rwsem_assert_held_write() (lockdep; without it WARN_ON only when nobody holds it for write)", WARN}

// pathSteps is the footprint of a kernel path's call itself: none. The
// path runs as the library's statements, each step with its own.
func pathSteps(*Call, *Footprint) {}
