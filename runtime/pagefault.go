package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/lang"
)

// pagefault_disable() and what it changes: a per-task counter
// (current->pagefault_disabled, include/linux/uaccess.h) that the arch
// fault handlers read through faulthandler_disabled(). With it raised, a
// fault takes no lock and goes straight to the exception table
// (arch/x86/mm/fault.c: do_user_addr_fault() -> bad_area_nosemaphore()
// -> kernelmode_fixup_or_oops() -> fixup_exception()): a user copy
// returns the bytes it did not copy, and __might_fault() says nothing
// (mm/memory.c: "if (pagefault_disabled()) return;"). It does not
// disable preemption, so sleeping under it is no finding: the kernel's
// __might_sleep() looks at preempt_count and the IRQ flag, never at
// this counter.

// readPagefault: the kernel sources the entries below were read from.
const readPagefault = "include/linux/uaccess.h (a 2025-26 tree with DEFINE_LOCK_GUARD_0(pagefault) and scoped user access): pagefault_disabled_inc/dec, " +
	"pagefault_disable/enable, pagefault_disabled, faulthandler_disabled, __copy_from_user_inatomic, __copy_to_user_inatomic; " +
	"arch/x86/mm/fault.c do_user_addr_fault() and kernelmode_fixup_or_oops() (v6.18); arch/x86/mm/extable.c fixup_exception(); " +
	"include/linux/irq-entry-common.h __exit_to_user_mode_validate(); kernel/fork.c copy_process(); kernel/futex/futex.h futex_get_value_locked(), read"

// rulePagefaultUnbalanced: pagefault_enable() without its
// pagefault_disable(). pagefault_disabled_dec() is a bare decrement: the
// counter goes negative, and pagefault_disabled() tests it against 0, so
// a thread at -1 has page faults disabled. (The 2015 posting of the
// counter had WARN_ON(current->pagefault_disabled < 0) in
// pagefault_disabled_dec(); the kernel's has no check.)
var rulePagefaultUnbalanced = &Rule{"pagefault/unbalanced-enable",
	"pagefault_enable() pairs with a pagefault_disable() of the same thread: the counter never goes below 0",
	"include/linux/uaccess.h: pagefault_disabled_dec(): current->pagefault_disabled--; (no check); pagefault_disabled(): return current->pagefault_disabled != 0; " +
		"so the negative count disables the fault handler: every later fault of the thread goes to the exception table (a user copy comes back short, a user-mode fault gets SIGSEGV)", Unchecked}

// rulePagefaultAtUserReturn: a thread goes back to user mode (an access
// of its own, or its end) with pagefault_disable() still in effect. The
// generic entry code's last check before user mode does not look at the
// counter, and the task keeps it: its user-mode faults then take
// bad_area_nosemaphore() and SIGSEGV, on addresses that are mapped.
var rulePagefaultAtUserReturn = &Rule{"pagefault/disabled-at-user-return",
	"a thread returns to user mode (or exits) with every pagefault_disable() undone",
	"include/linux/irq-entry-common.h: __exit_to_user_mode_validate(): kmap_assert_nomap(); lockdep_assert_irqs_disabled(); lockdep_sys_exit(); (current->pagefault_disabled is not checked); " +
		"arch/x86/mm/fault.c: do_user_addr_fault(): if (unlikely(faulthandler_disabled() || !mm)) { bad_area_nosemaphore(regs, error_code, address); return; } -> __bad_area_nosemaphore(): a user-mode fault gets SIGSEGV", Unchecked}

// pagefaultDisable is pagefault_disable(): pagefault_disabled_inc(),
// then barrier() (nothing to model: mmscript's steps are ordered).
func (t *Task) pagefaultDisable() {
	if t.pagefaultDisabled == 0 {
		t.pagefaultPos = t.Pos
	}
	t.pagefaultDisabled++
}

// pagefaultEnable is pagefault_enable(): barrier(), then
// pagefault_disabled_dec(), unchecked. It reports whether the counter
// went below 0.
func (t *Task) pagefaultEnable() bool {
	t.pagefaultDisabled--
	if t.pagefaultDisabled == 0 {
		t.pagefaultPos = lang.Pos{}
	}
	if t.pagefaultDisabled < 0 && t.pagefaultPos == (lang.Pos{}) {
		t.pagefaultPos = t.Pos // where the count went negative: disabled from here
	}
	return t.pagefaultDisabled < 0
}

// PagefaultDisabled is pagefault_disabled(): current->pagefault_disabled
// != 0 (a negative count, left by an unbalanced enable, is disabled too).
func (t *Task) PagefaultDisabled() bool { return t.pagefaultDisabled != 0 }

// inAtomic is in_atomic() (preempt_count() != 0) as mmscript has the
// count: the spinlocks held, each raising it with CONFIG_PREEMPT_COUNT
// (the report's PreemptCount). rcu_read_lock() leaves it alone on a
// CONFIG_PREEMPT_RCU kernel and local_irq_disable() always does.
func (t *Task) inAtomic() bool { return t.spins > 0 }

// faulthandlerDisabled is faulthandler_disabled():
// pagefault_disabled() || in_atomic().
func (t *Task) faulthandlerDisabled() bool { return t.PagefaultDisabled() || t.inAtomic() }

// pagefaultWhy says why the fault handler is disabled, for messages.
func (t *Task) pagefaultWhy() string {
	switch {
	case t.pagefaultDisabled > 0:
		return fmt.Sprintf("pagefault_disable() is in effect (count %d)", t.pagefaultDisabled)
	case t.pagefaultDisabled < 0:
		return fmt.Sprintf("the pagefault_disabled count is %d after an unbalanced pagefault_enable()", t.pagefaultDisabled)
	}
	return "the thread is in atomic context"
}

// checkPagefaultUserReturn reports a return to user mode, where, with
// the counter raised.
func (k *Kernel) checkPagefaultUserReturn(t *Task, where string) {
	if !t.PagefaultDisabled() {
		return
	}
	var rel []Related
	if t.pagefaultPos != (lang.Pos{}) {
		rel = append(rel, Related{t.pagefaultPos, "page faults disabled here"})
	}
	k.violate(t, rulePagefaultAtUserReturn, fmt.Sprintf("%s while %s: the kernel does not reset the count, so the thread's user-mode faults get SIGSEGV "+
		"(do_user_addr_fault(): faulthandler_disabled() -> bad_area_nosemaphore())", where, t.pagefaultWhy()), rel...)
}

func init() {
	// what the kernel goes on to do (the diagnostic's "kernel:" line, unchecked.go)
	uncheckedConsequence[rulePagefaultUnbalanced.ID] = "pagefault_disabled() reads the -1 count as disabled: do_user_addr_fault() sends every later fault of the thread " +
		"to bad_area_nosemaphore(), so its user copies come back short (-EFAULT on valid buffers) and, back in user mode, its faults on mapped memory get SIGSEGV"
	uncheckedConsequence[rulePagefaultAtUserReturn.ID] = "the task keeps its count: do_user_addr_fault() sends its user-mode faults to bad_area_nosemaphore() -> __bad_area_nosemaphore(), " +
		"SIGSEGV on addresses that are mapped, and its next syscall's user copies come back short"
	const uaccessH = "include/linux/uaccess.h"
	c := func(name string, cs ...Cite) { citeTable[name] = append(citeTable[name], cs...) }
	c("pagefault_disable", cite(uaccessH, "pagefault_disable()", "none: pagefault_disabled_inc() { current->pagefault_disabled++; } barrier();", readPagefault))
	c("pagefault_enable", cite(uaccessH, "pagefault_enable()", "none: barrier(); pagefault_disabled_dec() { current->pagefault_disabled--; }", readPagefault))
	c("pagefault_disabled", cite(uaccessH, "pagefault_disabled()", "none: return current->pagefault_disabled != 0;", readPagefault))
	c("faulthandler_disabled", cite(uaccessH, "faulthandler_disabled()", "#define faulthandler_disabled() (pagefault_disabled() || in_atomic()) "+
		"\"This function should only be used by the fault handlers. Other users should stick to pagefault_disabled()\"", readPagefault),
		cite("arch/x86/mm/fault.c", "do_user_addr_fault()", "if (unlikely(faulthandler_disabled() || !mm)) { bad_area_nosemaphore(regs, error_code, address); return; }", readPagefault))
	seq := "pagefault_disable();\nret = __copy_from_user_inatomic(&val, uaddr, sizeof(val));\npagefault_enable();\n" +
		"if (ret) {\n\t/* drop the spinlock, fault the page in (get_user), retry */\n}"
	for _, n := range []string{"pagefault_disable", "pagefault_enable", "pagefault_disabled", "faulthandler_disabled"} {
		sequenceTable[n] = seq
	}

	c("__copy_from_user_inatomic", cite(uaccessH, "__copy_from_user_inatomic()", "none: instrument_copy_from_user_before(to, from, n); check_object_size(to, n, false); "+
		"res = raw_copy_from_user(to, from, n); (no might_fault(), unlike __copy_from_user())", readPagefault),
		cite("arch/x86/mm/fault.c", "kernelmode_fixup_or_oops()", "WARN_ON_ONCE(user_mode(regs)); /* Are we prepared to handle this kernel fault? */ "+
			"if (fixup_exception(regs, X86_TRAP_PF, error_code, address)) return; ... page_fault_oops()", readPagefault))
	c("__copy_to_user_inatomic", cite(uaccessH, "__copy_to_user_inatomic()", "none: \"The caller should also make sure he pins the user space address so that we don't result in page fault and sleep.\" "+
		"instrument_copy_to_user(to, from, n); check_object_size(from, n, true); return raw_copy_to_user(to, from, n);", readPagefault))
	sequenceTable["__copy_from_user_inatomic"] = seq
	sequenceTable["__copy_to_user_inatomic"] = "pagefault_disable();\nleft = __copy_to_user_inatomic(uaddr, &val, sizeof(val));\npagefault_enable();"

	mmP, addrP := Param{Name: "mm", Type: TMM}, Param{Name: "addr", Type: TInt}
	cp := []Param{mmP, addrP, {Name: "n", Type: TInt}}
	inatomic := func(name, src, notes string) {
		defOp(&Op{Name: name, Path: true, Touches: touchesLocksOnly, Params: cp, Result: TInt,
			API: register(&API{Name: name, Section: "-",
				Hold: "page faults disabled: pagefault_disable(), or a spinlock (in_atomic()); else it faults and sleeps as copy_from_user does, without might_fault()'s checks",
				Takes: "per page the TLB; on a miss with faults disabled nothing (do_user_addr_fault(): faulthandler_disabled() -> bad_area_nosemaphore() -> the exception table), " +
					"with faults enabled the kernel-mode fault: mmap read lock -> handle_mm_fault -> unlock",
				Sleeps: "no with faults disabled", Source: src,
				Notes: notes + "; kernel/uaccess.mms",
				Rules: []*Rule{ruleSleepInAtomic}})})
	}
	inatomic("__copy_from_user_inatomic", "include/linux/uaccess.h: __copy_from_user_inatomic() -> raw_copy_from_user()",
		"returns the bytes not copied: under pagefault_disable() a page that is not present ends the copy there, and the caller drops its locks, faults the page in (get_user, "+
			"fault_in_readable) and retries, as futex_wait_setup() does around futex_get_value_locked()")
	inatomic("__copy_to_user_inatomic", "include/linux/uaccess.h: __copy_to_user_inatomic() -> raw_copy_to_user()",
		"returns the bytes not copied; as __copy_from_user_inatomic, for a store")
	defOp(&Op{Name: "pagefault_disable",
		API: register(&API{Name: "pagefault_disable", Section: "-", Hold: "nothing",
			Takes:  "nothing: current->pagefault_disabled++ (a per-task count, nests), then a compiler barrier",
			Sleeps: "no; it does not disable preemption, so the caller may still sleep (__might_sleep() does not look at the count)",
			Source: "include/linux/uaccess.h: pagefault_disable()",
			Notes: "while the count is raised every fault of this thread goes to the exception table without taking a lock (do_user_addr_fault(): " +
				"faulthandler_disabled() -> bad_area_nosemaphore() -> kernelmode_fixup_or_oops() -> fixup_exception()): a user copy returns the bytes " +
				"it did not copy, and might_fault() checks nothing. kmap_atomic() calls it; the futex code wraps its reads under the hash-bucket lock in it " +
				"(futex_get_value_locked())",
			Opens: []*Rule{rulePagefaultAtUserReturn}}),
		Touches: touchesLocksOnly, // the task's own count
		Fn:      func(c *Call) Result { c.T.pagefaultDisable(); return ok }})
	defOp(&Op{Name: "pagefault_enable",
		API: register(&API{Name: "pagefault_enable", Section: "-", Hold: "a pagefault_disable() of this thread",
			Takes:  "nothing: a compiler barrier, then current->pagefault_disabled--",
			Sleeps: "no", Source: "include/linux/uaccess.h: pagefault_enable()",
			Notes: "the kernel does not check the count: an enable without its disable leaves it at -1, which pagefault_disabled() (!= 0) reads as disabled",
			Rules: []*Rule{rulePagefaultUnbalanced}}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			if c.T.pagefaultEnable() {
				c.K.violate(c.T, rulePagefaultUnbalanced, fmt.Sprintf("pagefault_enable without pagefault_disable: current->pagefault_disabled is %d, "+
					"which pagefault_disabled() reads as disabled: the thread's faults now go to the exception table", c.T.pagefaultDisabled))
			}
			return ok
		}})
	defOp(&Op{Name: "pagefault_disabled", Result: TBool,
		API: register(&API{Name: "pagefault_disabled", Section: "-", Hold: "nothing", Takes: "nothing", Sleeps: "no",
			Source: "include/linux/uaccess.h: pagefault_disabled()",
			Notes:  "current->pagefault_disabled != 0: true inside pagefault_disable(), and after an unbalanced pagefault_enable() (a negative count)",
			Query:  "it says only whether this thread raised the count; in_atomic() (a spinlock held) disables the fault handler too, which faulthandler_disabled() adds"}),
		Touches: touchesLocksOnly,
		Fn:      func(c *Call) Result { return done(Bool(c.T.PagefaultDisabled())) }})
	defOp(&Op{Name: "faulthandler_disabled", Result: TBool,
		API: register(&API{Name: "faulthandler_disabled", Section: "-", Hold: "nothing", Takes: "nothing", Sleeps: "no",
			Source: "include/linux/uaccess.h: faulthandler_disabled(); arch/x86/mm/fault.c: do_user_addr_fault()",
			Notes: "pagefault_disabled() || in_atomic(): mmscript's in_atomic() is a spinlock held (preempt_count with CONFIG_PREEMPT_COUNT); " +
				"rcu_read_lock() (CONFIG_PREEMPT_RCU) and local_irq_disable() leave preempt_count alone. The fault handler's test (kernel/x86_fault.mms)",
			Query: "for the fault handlers only (\"Other users should stick to pagefault_disabled()\"): with !CONFIG_PREEMPT_COUNT a spinlock does not raise " +
				"preempt_count, and in_atomic() answers otherwise there"}),
		Touches: touchesLocksOnly,
		Fn:      func(c *Call) Result { return done(Bool(c.T.faulthandlerDisabled())) }})
}
