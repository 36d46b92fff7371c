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
	"an mm is used (its mmap lock taken, its VMAs looked up) only by a task that holds an mm_users reference to it: the process's own " +
		"until it exits, or one taken with mmget_not_zero() / get_task_mm(); a pointer kept by mmgrab() (mm_count) keeps the struct, not the " +
		"address space, which exit_mmap() tears down once mm_users is zero",
	"Documentation/mm/active_mm.rst (mm_users vs mm_count); include/linux/sched/mm.h: mmget_not_zero(); kernel/fork.c: mmput() -> __mmput() -> " +
		"exit_mmap(); commit cb185d5f1ebf (\"userfaultfd: fix a race between writeprotect and exit_mmap()\", v5.15: KASAN use-after-free, " +
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
		f.Add(AMM, nameID(rm.Name+"->mm_users"), write)
	}
}

// checkMMUsers reports a use of m by a task that holds no mm_users
// reference to it, once m has none left: only the task running
// exit_mmap() (the one whose mmput() dropped the last) may still use it.
func (c *Call) checkMMUsers(m *MM) {
	if m.mmUsers > 0 || m.exitTask == c.T {
		return
	}
	c.K.violate(c.T, ruleMMUsersZero, fmt.Sprintf("%s on %s, whose mm_users dropped to zero (%s's mmput() tears it down with exit_mmap()): "+
		"a pointer kept by mmgrab() or saved elsewhere is used only after mmget_not_zero() succeeded", c.Op.Name, m.Name, m.exitTask.Name))
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
