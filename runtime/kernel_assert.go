package runtime

import "fmt"

// The kernel's assertion macros as operations, so that a kernel function
// copied into a script (or the kernel library) keeps its WARN_ON_ONCE()
// and BUG_ON() lines: each reports when its condition holds, with the
// reaction of the macro, and returns the condition as WARN_ON() does, so
// that `if WARN_ON_ONCE(!pages) { return -EINVAL }` reads as the C.

var (
	ruleWARNOn = &Rule{"kernel/WARN_ON",
		"a condition the kernel asserts with WARN_ON() or WARN_ON_ONCE() does not hold: the code path was reached in a state its author ruled out",
		"include/asm-generic/bug.h: WARN_ON(), WARN_ON_ONCE() (a warning with a backtrace; panic_on_warn turns it into a panic)", WARN}
	ruleBUGOn = &Rule{"kernel/BUG_ON",
		"a condition the kernel asserts with BUG_ON() does not hold",
		"include/asm-generic/bug.h: BUG_ON() (an oops: the task dies holding its locks)", BUG}
	ruleVMWARNOn = &Rule{"kernel/VM_WARN_ON",
		"a condition the kernel asserts with VM_WARN_ON(), VM_WARN_ON_ONCE() or VM_BUG_ON() does not hold",
		"include/linux/mmdebug.h: VM_WARN_ON(), VM_WARN_ON_ONCE(), VM_BUG_ON() (compiled in with CONFIG_DEBUG_VM only; VM_BUG_ON is a BUG there)", DebugOnly}
)

func init() {
	const bugH = "torvalds/linux@0a9b86381c76 include/asm-generic/bug.h (an old copy: the macros' shape is unchanged), read"
	warnOn := cite("include/asm-generic/bug.h", "WARN_ON()", "int __ret_warn_on = !!(condition); if (unlikely(__ret_warn_on)) __WARN(); unlikely(__ret_warn_on);", bugH)
	debugVM := cite("include/linux/mmdebug.h", "VM_BUG_ON(), VM_WARN_ON(), VM_WARN_ON_ONCE()",
		"BUG_ON(cond), WARN_ON(cond), WARN_ON_ONCE(cond) under CONFIG_DEBUG_VM; BUILD_BUG_ON_INVALID(cond) otherwise", readMMDebugOld)
	for _, a := range []struct {
		name, source, what string
		rule               *Rule
		cite               Cite
	}{
		{"WARN_ON", "include/asm-generic/bug.h: WARN_ON()", "a warning with a backtrace, every time; execution goes on", ruleWARNOn, warnOn},
		{"WARN_ON_ONCE", "include/asm-generic/bug.h: WARN_ON_ONCE()", "a warning with a backtrace, the first time; execution goes on", ruleWARNOn,
			cite("include/asm-generic/bug.h", "WARN_ON_ONCE()", "static int __warned; int __ret_warn_once = !!(condition); if (unlikely(__ret_warn_once)) if (WARN_ON(!__warned)) __warned = 1; unlikely(__ret_warn_once);", bugH)},
		{"BUG_ON", "include/asm-generic/bug.h: BUG_ON()", "an oops: the task dies holding its locks", ruleBUGOn,
			cite("include/asm-generic/bug.h", "BUG_ON()", "do { if (unlikely(condition)) BUG(); } while (0)", bugH)},
		{"VM_BUG_ON", "include/linux/mmdebug.h: VM_BUG_ON()", "with CONFIG_DEBUG_VM an oops, without it nothing", ruleVMWARNOn, debugVM},
		{"VM_WARN_ON", "include/linux/mmdebug.h: VM_WARN_ON()", "with CONFIG_DEBUG_VM a warning, without it nothing", ruleVMWARNOn, debugVM},
		{"VM_WARN_ON_ONCE", "include/linux/mmdebug.h: VM_WARN_ON_ONCE()", "with CONFIG_DEBUG_VM a warning the first time, without it nothing", ruleVMWARNOn, debugVM},
	} {
		defOp(&Op{Name: a.name, Params: []Param{{Name: "condition", Type: TBool}}, Result: TBool,
			API: register(&API{Name: a.name, Section: "-", Hold: "nothing", Takes: "nothing", Sleeps: "no",
				Asserts: a.what, Source: a.source,
				Notes: "reports when condition holds and returns it (if (" + a.name + "(cond)) return -EINVAL;)",
				Rules: []*Rule{a.rule}, Cites: []Cite{a.cite}, Sequence: "if (" + a.name + "(!pages))\n\treturn -EINVAL;"}),
			Touches: func(*Call, *Footprint) {},
			Fn: func(c *Call) Result {
				if !c.bool(0) {
					return done(Bool(false))
				}
				c.K.violate(c.T, a.rule, fmt.Sprintf("%s: the condition held (%s)", a.name, a.what))
				return done(Bool(true))
			}})
	}
}
