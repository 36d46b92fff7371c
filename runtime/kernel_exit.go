package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// A process's mm lives as long as mm_users: the process's own reference
// (dropped by exit_mm() -> mmput()) and those other paths took with
// mmget_not_zero() or get_task_mm(). The mmput() that drops the last one
// tears the address space down (__mmput -> exit_mmap, kernel/exit.mms).
// mm_count (mmgrab) keeps only the struct: a path that reached the mm
// through such a pointer (userfaultfd's ctx->mm, a driver's saved mm)
// must take mm_users before it touches the address space.

var ruleMMUsersZero = &Rule{"mm/use-without-mm-users",
	"an mm's VMAs are looked up or walked only by a task that holds an mm_users reference to it (the process's own until it exits, or one " +
		"taken with mmget_not_zero() / get_task_mm()), or that found mm_users non-zero under the mmap lock (ksm_test_exit(), " +
		"khugepaged's hpage_collapse_test_exit()) or MMF_OOM_SKIP clear under it (the OOM reaper: exit_mmap() sets the flag before its mmap_write_lock()): a pointer kept by mmgrab() (mm_count) keeps the struct, not the address space, which exit_mmap() tears " +
		"down once mm_users is zero",
	"Documentation/mm/active_mm.rst (mm_users vs mm_count); include/linux/sched/mm.h: mmget_not_zero(); kernel/fork.c: mmput() -> __mmput() -> " +
		"exit_mmap(); mm/oom_kill.c: oom_reap_task_mm() (\"The check for MMF_OOM_SKIP must run under mmap_lock for reading\", 212925802454); commit cb185d5f1ebf (\"userfaultfd: fix a race between writeprotect and exit_mmap()\", v5.15: KASAN use-after-free, " +
		"\"Use mmget_not_zero() to prevent the race as done in other userfaultfd operations\")",
	Unchecked}

// mmUsers records an access to mm->mm_users: an object of its own, so
// that taking and dropping references does not conflict with the VMA
// tree's readers.
func (f *Footprint) mmUsers(m *mmcore.MM, write bool) {
	if f == nil || m == nil {
		return
	}
	if rm := mmOf(m); rm != nil {
		if f.names != nil {
			f.nameMM(m, ID(m))
		}
		f.Add(AMM, mmUsersID(rm.Name), write)
	}
}

// partMMUsers names an mm's mm_users (mmUsers).
const partMMUsers = "->mm_users"

// mmUsersID is the ID of the mm_users of the mm named name.
func mmUsersID(name string) uint32 { return nameID(name + partMMUsers) }

// checkMMUsers reports a VMA lookup in m by a task that holds no mm_users
// reference to it, once m has none left: only the task running
// exit_mmap() (the one whose mmput() dropped the last) may still look.
// Taking the mmap lock of such an mm is allowed: khugepaged and ksmd
// hold theirs by mmgrab() and test mm_users under the lock.
func (c *Call) checkMMUsers(m *MM) {
	if m.mmUsers > 0 || m.exitTask == c.T {
		return
	}
	if i := c.T.hold(m.MmapLock); i >= 0 && c.T.mmLiveHold[m] == c.T.holds[i].seq {
		return // the tree stays until this hold of the mmap lock ends
	}
	who := "its last mmput()"
	if m.exitTask != nil {
		who = m.exitTask.Name + "'s mmput()"
	}
	if f, failed := c.T.failedGet[m]; failed {
		c.K.failureIgnored(c.T, f, Unchecked, fmt.Sprintf("%s on %s, whose mm_users is zero (%s tears it down with exit_mmap())", c.Op.Name, m.Name, who))
		return
	}
	c.K.violate(c.T, ruleMMUsersZero, fmt.Sprintf("%s on %s, whose mm_users dropped to zero (%s tears it down with exit_mmap()): "+
		"a pointer kept by mmgrab() or saved elsewhere is used only after mmget_not_zero() succeeded, or after ksm_test_exit() said no (the OOM reaper: "+
		"MMF_OOM_SKIP was found clear) under the mmap lock", c.Op.Name, m.Name, who))
}

// tearsDownUnlocked reports whether the task is the one tearing m down
// (its mmput() dropped the last mm_users reference) on a kernel whose
// exit_mmap() took no mmap lock (before changeExitMmapLock, 5.17). That
// exit_mmap() walked mm->mmap, zapped, freed the page tables and closed
// the VMAs without a lock ("Walk the list again, actually closing and
// freeing it, with preemption enabled, without holding any MM locks."):
// nobody else could reach an mm without users, and the walk of the VMA
// list had no lockdep annotation (the maple tree's came with 6.1). What
// did assert the lock there still fires: mmap_assert_locked() makes no
// exception for mm_users == 0 (binder's ->close asserting it BUG()ed in
// 5.15's exit_mmap(): drivers/android/binder_alloc.c, "the mmap_lock is
// technically not needed here as the mm->mm_users has dropped to zero",
// stable@ 2022-09-20), so find_vma() and handlers keep their checks. No
// footprint of mm_users: the answer depends on this task's own history
// only (its mmput() dropped the last reference, and mm_users never rises
// from zero), as for vma_iter_clear_gfp's exitTornDown.
func (c *Call) tearsDownUnlocked(m *MM) bool {
	return m.mmUsers == 0 && m.exitTask == c.T && c.K.Config.Version.Before(changeExitMmapLock.Version)
}

// mmArgUsers is the footprint of an operation that checks its mm's
// mm_users (mmArg's first argument) besides what touches declares.
func mmArgUsers(touches func(*Call, *Footprint)) func(*Call, *Footprint) {
	return func(c *Call, f *Footprint) {
		if touches != nil {
			touches(c, f)
		}
		f.mmUsers(mmArg(c, 0), false)
	}
}

func init() {
	for _, x := range []struct{ name, source string }{
		{"ksm_test_exit", "mm/ksm.c: ksm_test_exit() (khugepaged's twin: hpage_collapse_test_exit())"},
	} {
		defOp(&Op{Name: x.name, Params: []Param{{Name: "mm", Type: TMM}}, Result: TBool,
			API: register(&API{Name: x.name, Section: "-", Hold: "the mmap lock, for the answer to hold until the walk is done (exit_mmap() takes it)",
				Takes: "nothing", Sleeps: "no", Source: x.source,
				Notes: "atomic_read(&mm->mm_users) == 0: the mm, reached through a pointer kept by mmgrab() (an mm_slot), is exiting and its VMAs " +
					"must be left alone; checked after taking the mmap lock and before walking the VMAs (commit 6db504ce55bd)",
				Rules:    []*Rule{ruleMMUsersZero},
				Cites:    []Cite{cite("mm/ksm.c", "ksm_test_exit()", "none: return atomic_read(&mm->mm_users) == 0;", readGUPPaths)},
				Sequence: "mmap_read_lock(mm);\nif (ksm_test_exit(mm))\n\tgoto out_unlock;\nfor_each_vma(vmi, vma) {\n\t/* ... */\n}"}),
			Touches: readMMUsers, Fn: mmTestExit})
	}
	defOp(&Op{Name: "collapse_test_exit", Params: []Param{{Name: "mm", Type: TMM}}, Result: TBool,
		API: register(&API{Name: "collapse_test_exit", Section: "-",
			Hold:  "nothing in retract_page_tables() (i_mmap only): the answer may change at once, it only skips an mm already exiting; khugepaged's scan holds the mmap lock",
			Takes: "nothing", Sleeps: "no", Source: "mm/khugepaged.c: collapse_test_exit() (hpage_collapse_test_exit() before 2026), ksm_test_exit()'s twin",
			Notes: "atomic_read(&mm->mm_users) == 0: the mm is exiting, and khugepaged leaves its page tables to exit_mmap()",
			Cites: []Cite{cite("mm/khugepaged.c", "collapse_test_exit(), retract_page_tables()",
				"none: return atomic_read(&mm->mm_users) == 0; retract_page_tables(): if (collapse_test_exit(mm)) continue;", readKhugepaged2026)},
			Sequence: "if (collapse_test_exit(mm))\n\tcontinue;"}),
		Touches: readMMUsers, Fn: mmTestExit})
}

// mmTestExit is ksm_test_exit() and collapse_test_exit(): whether the mm
// is exiting (mm_users is zero). A live answer holds for as long as the
// task keeps its hold of the mmap lock (noteLiveHold).
func mmTestExit(c *Call) Result {
	m := c.mm(0)
	if m.mmUsers > 0 {
		c.T.noteLiveHold(m)
	}
	return done(Bool(m.mmUsers == 0))
}

func readMMUsers(c *Call, f *Footprint) { f.mmUsers(mmArg(c, 0), false) }

// noteLiveHold records that t knows m still has users under its current
// hold of m's mmap lock, if it holds it.
func (t *Task) noteLiveHold(m *MM) {
	i := t.hold(m.MmapLock)
	if i < 0 {
		return
	}
	if t.mmLiveHold == nil {
		t.mmLiveHold = map[*MM]uint64{}
	}
	t.mmLiveHold[m] = t.holds[i].seq
}
