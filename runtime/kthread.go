package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/lang"
)

// A kernel thread has no mm of its own; kthread_use_mm() makes it operate
// on one (vhost's workers, the USB gadget and AIO of old), so that its
// user accesses and GUP calls work on that mm as current->mm, and
// kthread_unuse_mm() gives it up. The caller keeps the address space
// alive with an mm_users reference of its own (get_task_mm() or
// mmget_not_zero() before, mmput() after): kthread_use_mm() takes only
// mm_count (mmgrab()), which keeps the struct, not the VMAs, and the
// accesses are checked as any other (mm/use-without-mm-users).
//
// mmscript cannot tell a kernel thread from a user task: a thread that
// calls kthread_use_mm() is a kernel thread, and the kernel's first check
// (WARN_ON_ONCE(!(tsk->flags & PF_KTHREAD))) is not modelled. current_mm()
// of such a thread is the mm it adopted.

const readKthread = "torvalds/linux kernel/kthread.c kthread_use_mm()/kthread_unuse_mm() (mainline 2026, with commit 2ab3f8e5ed33's mmgrab/mmdrop_lazy_tlb), read"

var ruleKthreadUseNested = &Rule{"kthread/use-mm-nested",
	"a kernel thread adopts one mm at a time: kthread_use_mm() only while it has none (kthread_unuse_mm() first)",
	"kernel/kthread.c: kthread_use_mm(): WARN_ON_ONCE(tsk->mm); then tsk->mm = mm replaces the first without its kthread_unuse_mm(): its mm_count reference (mmgrab()) is never dropped", WARN}

var ruleKthreadUnuseUnbalanced = &Rule{"kthread/unuse-mm-unbalanced",
	"kthread_unuse_mm(mm) undoes this thread's kthread_use_mm(mm): the same mm, once",
	"kernel/kthread.c: kthread_unuse_mm(): WARN_ON_ONCE(!tsk->mm) when the thread uses none; with another mm than it adopted nothing checks: mmdrop(mm) drops a reference the thread never took", WARN}

var ruleKthreadExitUsing = &Rule{"kthread/exit-using-mm",
	"a kernel thread gives its adopted mm up (kthread_unuse_mm()) before it returns",
	"kernel/kthread.c: kthread_use_mm() holds an mm_count reference (mmgrab()) until kthread_unuse_mm(); a kthread that exits with tsk->mm set goes through exit_mm() -> mmput(), dropping an mm_users reference it never took (no check: the address space can be torn down under its owner)", Unchecked}

func init() {
	uncheckedConsequence[ruleKthreadExitUsing.ID] = "exit_mm() mmput()s the adopted mm as if the thread owned an mm_users reference: mm_users drops below the process's own count, and " +
		"exit_mmap() can tear the address space down while the process still runs (a use-after-free of its VMAs and page tables)"
	const kthreadC = "kernel/kthread.c"
	useCite := cite(kthreadC, "kthread_use_mm()", "WARN_ON_ONCE(!(tsk->flags & PF_KTHREAD)); WARN_ON_ONCE(tsk->mm); mmgrab(mm); task_lock(tsk); local_irq_disable(); "+
		"active_mm = tsk->active_mm; tsk->active_mm = mm; tsk->mm = mm; membarrier_update_current_mm(mm); switch_mm_irqs_off(active_mm, mm, tsk); local_irq_enable(); task_unlock(tsk); "+
		"mmdrop_lazy_tlb(active_mm);", readKthread)
	unuseCite := cite(kthreadC, "kthread_unuse_mm()", "WARN_ON_ONCE(!(tsk->flags & PF_KTHREAD)); WARN_ON_ONCE(!tsk->mm); task_lock(tsk); smp_mb__after_spinlock(); local_irq_disable(); "+
		"tsk->mm = NULL; membarrier_update_current_mm(NULL); mmgrab_lazy_tlb(mm); enter_lazy_tlb(mm, tsk); local_irq_enable(); task_unlock(tsk); mmdrop(mm);", readKthread)
	citeTable["kthread_use_mm"] = []Cite{useCite}
	citeTable["kthread_unuse_mm"] = []Cite{unuseCite}
	seq := "/* drivers/vhost/vhost.c: the worker runs on the owner's mm */\nmm = get_task_mm(current); /* at VHOST_SET_OWNER: an mm_users reference */\n" +
		"...\nkthread_use_mm(mm);\nret = copy_from_user(&desc, udesc, sizeof(desc));\nkthread_unuse_mm(mm);\n...\nmmput(mm); /* at release */"
	sequenceTable["kthread_use_mm"] = seq
	sequenceTable["kthread_unuse_mm"] = seq

	mmP := []Param{{Name: "mm", Type: TMM}}
	defOp(&Op{Name: "kthread_use_mm", Params: mmP,
		API: register(&API{Name: "kthread_use_mm", Section: "-",
			Hold:    "no adopted mm (kthread_unuse_mm() the last one first); an mm_users reference of the caller's own (get_task_mm(), mmget_not_zero()) for as long as it accesses the mm",
			Takes:   "task_lock(current) with IRQs off around the switch (switch_mm_irqs_off()); mmgrab(mm)",
			Sleeps:  "no",
			Asserts: "WARN_ON_ONCE(!(tsk->flags & PF_KTHREAD)) (not modelled: mmscript's threads are not marked), WARN_ON_ONCE(tsk->mm)",
			Source:  "kernel/kthread.c: kthread_use_mm()",
			Notes: "the calling thread's current->mm is mm until kthread_unuse_mm(): current_mm() and GUP's forms without an mm (get_user_pages(start, ...)) use it. " +
				"It takes mm_count only: the address space lives by the caller's mm_users reference, and accesses after that is gone are mm/use-without-mm-users",
			Rules: []*Rule{ruleKthreadUseNested},
			Opens: []*Rule{ruleKthreadExitUsing}}),
		Touches: mmCountTouch, // the task's own tsk->mm; mmgrab()
		Fn: func(c *Call) Result {
			m := c.Args[0].Obj.(*MM)
			t := c.T
			if t.kthreadMM != nil {
				c.K.violate(t, ruleKthreadUseNested, fmt.Sprintf("kthread_use_mm(%s) while the thread uses %s: WARN_ON_ONCE(tsk->mm); tsk->mm becomes %s and %s's mmgrab() is never dropped",
					m.Name, t.kthreadMM.Name, m.Name, t.kthreadMM.Name), Related{t.kthreadPos, "kthread_use_mm(" + t.kthreadMM.Name + ") here"})
			}
			t.kthreadMM, t.kthreadPos = m, t.Pos
			if !m.freed {
				m.mmCount++ // mmgrab(mm)
			}
			return ok
		}})
	defOp(&Op{Name: "kthread_unuse_mm", Params: mmP,
		API: register(&API{Name: "kthread_unuse_mm", Section: "-",
			Hold:    "this thread's kthread_use_mm() of the same mm",
			Takes:   "task_lock(current) with IRQs off; mmdrop(mm)",
			Sleeps:  "no",
			Asserts: "WARN_ON_ONCE(!(tsk->flags & PF_KTHREAD)) (not modelled), WARN_ON_ONCE(!tsk->mm)",
			Source:  "kernel/kthread.c: kthread_unuse_mm()",
			Notes:   "gives the adopted mm up: current_mm() is again the script's one mm (or none)",
			Rules:   []*Rule{ruleKthreadUnuseUnbalanced, ruleKthreadExitUsing}}),
		Touches: mmCountTouch, // mmdrop()
		Fn: func(c *Call) Result {
			m := c.Args[0].Obj.(*MM)
			t := c.T
			switch {
			case t.kthreadMM == nil:
				c.K.violate(t, ruleKthreadUnuseUnbalanced, fmt.Sprintf("kthread_unuse_mm(%s) with no mm adopted: WARN_ON_ONCE(!tsk->mm), then mmdrop(%s) of a reference never taken", m.Name, m.Name))
			case t.kthreadMM != m:
				c.K.violateAs(t, ruleKthreadUnuseUnbalanced, Unchecked, fmt.Sprintf("kthread_unuse_mm(%s) while the thread uses %s: nothing checks it; tsk->mm is cleared, "+
					"mmdrop(%s) drops a reference the thread never took and %s's is never dropped", m.Name, t.kthreadMM.Name, m.Name, t.kthreadMM.Name),
					Related{t.kthreadPos, "kthread_use_mm(" + t.kthreadMM.Name + ") here"})
			}
			if t.kthreadMM == m && !m.freed {
				c.mmdropRef(m) // mmdrop(mm) of kthread_use_mm()'s mmgrab() (an unbalanced one is the rule above)
			}
			t.kthreadMM, t.kthreadPos = nil, lang.Pos{}
			return ok
		}})
}

// checkKthreadExit reports a thread that ends with an adopted mm.
func (k *Kernel) checkKthreadExit(t *Task) {
	if t.kthreadMM == nil {
		return
	}
	k.violate(t, ruleKthreadExitUsing, fmt.Sprintf("the thread ends using %s (kthread_use_mm() without kthread_unuse_mm()): exit_mm() would mmput() it",
		t.kthreadMM.Name), Related{t.kthreadPos, "kthread_use_mm(" + t.kthreadMM.Name + ") here"})
}
