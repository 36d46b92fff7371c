package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/lang"
	"sort"
	"strings"
)

// Rule is one check mmscript runs: what it requires, where the requirement
// comes from, and how the real kernel reacts when it is broken.
type Rule struct {
	ID     string   // stable id printed in diagnostics, e.g. "vm_insert_page/not-mixedmap"
	Doc    string   // the rule in one sentence
	Source string   // kernel function or process_addrs.rst section
	Kernel Reaction // what the newest kernel does when it is broken
}

// olderReactions lists, by rule id, the rule's history: how kernels
// before a version had it (another reaction, another source, or no such
// rule at all), oldest era first (e.g. 6.18's remap_pfn_range WARNs
// through vm_flags_set, mainline checks nothing; before 6.3 it stored
// vm_flags with no check). Kept beside the rules rather than in them, so
// that the rule literals stay four fields.
var olderReactions = map[string][]VersionReaction{}

// ruleConfigs names, by rule id, the kernel option a lockdep or
// debug-only check needs when it is not the default of its reaction
// (CONFIG_PROVE_LOCKING for lockdep, CONFIG_DEBUG_VM for debug-only).
var ruleConfigs = map[string]string{
	"lock/sleep-in-atomic":   "CONFIG_DEBUG_ATOMIC_SLEEP",
	"lock/unlock-wrong-mode": "CONFIG_DEBUG_RWSEMS",
}

// Older returns the rule's history: the eras of older kernels whose
// reaction or source differs from Kernel, oldest first.
func (r *Rule) Older() []VersionReaction {
	opRulesOnce.Do(opRuleHistories)
	return olderReactions[r.ID]
}

// VersionReaction is a rule as the kernels before Before had it (those
// from the Before of the era above it on): its reaction there, or Absent
// where the rule does not exist (the kernel had not the structure or the
// lock it is about), and the source it was read from.
type VersionReaction struct {
	Before   KernelVersion `json:"before"`
	Reaction Reaction      `json:"kernel"`
	Source   string        `json:"source"`
}

// Era names the kernels of o: "before 6.4", or "up to 6.18" for the
// releases before mainline (a list of eras is oldest first, each era
// starting where the one before it ended).
func (o VersionReaction) Era() string {
	if o.Before == Mainline {
		return "up to 6.18"
	}
	return "before " + o.Before.String()
}

// In returns the reaction and source of r in kernel v: Absent where the
// rule does not exist in v.
func (r *Rule) In(v KernelVersion) (Reaction, string) {
	if v == Mainline {
		return r.Kernel, r.Source
	}
	opRulesOnce.Do(opRuleHistories)
	for _, o := range olderReactions[r.ID] {
		if v.Before(o.Before) {
			return o.Reaction, o.Source
		}
	}
	return r.Kernel, r.Source
}

// ExistsIn reports whether rule r exists in kernel v: a rule absent from
// the selected kernel is not checked.
func (r *Rule) ExistsIn(v KernelVersion) bool {
	k, _ := r.In(v)
	return k != Absent
}

// addHistory records eras of rule id, oldest first (olderReactions).
func addHistory(id string, eras ...VersionReaction) {
	h := append(olderReactions[id], eras...)
	sort.SliceStable(h, func(i, j int) bool { return h[i].Before.Before(h[j].Before) })
	olderReactions[id] = h
}

// NeedsConfig names the kernel option without which a kernel prints
// nothing for a broken rule whose reaction is kernel, or "".
func (r *Rule) NeedsConfig(kernel Reaction) string {
	switch {
	case kernel != Lockdep && kernel != DebugOnly:
		return ""
	case ruleConfigs[r.ID] != "":
		return ruleConfigs[r.ID]
	case kernel == Lockdep:
		return "CONFIG_PROVE_LOCKING"
	}
	return "CONFIG_DEBUG_VM"
}

// KernelConfig is the kernel a run models: its version, and whether it is
// a production build (no CONFIG_PROVE_LOCKING, CONFIG_DEBUG_VM or
// CONFIG_DEBUG_ATOMIC_SLEEP) rather than a debug one. Findings do not
// depend on the build: a production kernel only prints less, and each
// finding it would not print says so.
type KernelConfig struct {
	Version    KernelVersion
	Production bool
	// Override says that Version was chosen for the run (-kernel given):
	// it then overrides a script's `kernel` line, else the line chooses
	// (interp: Program.KernelFor).
	Override bool
}

// ParseKernelBuild parses a -config value: "debug" (the default) or
// "production".
func ParseKernelBuild(s string) (production bool, err error) {
	switch s {
	case "", "debug":
		return false, nil
	case "production":
		return true, nil
	}
	return false, fmt.Errorf("unknown kernel config %q (want debug or production)", s)
}

// configNote says, for a production build, that the kernel would print
// nothing for a finding of rule r with reaction kernel.
func (k *Kernel) configNote(r *Rule, kernel Reaction, pos lang.Pos) []Related {
	if !k.Config.Production {
		return nil
	}
	opt := r.NeedsConfig(kernel)
	if opt == "" {
		return nil
	}
	return []Related{{Pos: pos, Msg: "a production kernel (without " + opt + ") prints nothing here; the bug is there all the same"}}
}

// violateAs reports that t broke r, with the reaction kernel instead of
// r's own: for a check whose reaction depends on the situation, such as
// mmap_assert_locked(), which lockdep reports whenever this task does not
// hold the lock but a kernel without lockdep only when nobody holds it.
func (k *Kernel) violateAs(t *Task, r *Rule, kernel Reaction, msg string, related ...Related) {
	if rv := k.inVersion(r); rv != r {
		// An older kernel's rule (or none): its reaction, not the
		// situation's of the newest kernel's check.
		if rv != nil {
			k.violate(t, rv, msg, related...)
		}
		return
	}
	if kernel == r.Kernel {
		k.violate(t, r, msg, related...)
		return
	}
	rr := *r
	rr.Kernel = kernel
	k.violate(t, &rr, msg, related...)
}

// inVersion returns r as the kernel of this run has it: r itself, a copy
// with an older kernel's reaction and source, or nil where the rule does
// not exist in that kernel.
func (k *Kernel) inVersion(r *Rule) *Rule {
	if k.Config.Version == Mainline || len(r.Older()) == 0 {
		return r
	}
	kernel, src := r.In(k.Config.Version)
	if kernel == Absent {
		return nil
	}
	if kernel == r.Kernel && src == r.Source {
		return r
	}
	rr := *r
	rr.Kernel, rr.Source = kernel, src
	return &rr
}

// API is the rule-book entry of one kernel operation
// (shared/reference/mm-locking-rules.md, sections 2 and 4). The same entry
// drives the checks, `mmscript explain NAME` and `mmscript rules`.
type API struct {
	Name    string
	Section string  // rule-book section, e.g. "2.1"
	Hold    string  // what the caller must hold
	Takes   string  // what it acquires internally, in order
	Sleeps  string  // "yes", "no", or a qualified answer
	Asserts string  // how the kernel checks it
	Source  string  // kernel source
	Rules   []*Rule // the checks mmscript runs for it
	Notes   string
	// Cites says where in the kernel source the entry was read: file,
	// function and the assertion there. An entry may set it inline; else
	// register fills it from citeTable (rulebook_cite.go).
	Cites []Cite
	// Sequence is a minimal correct call sequence in kernel C, one
	// statement a line; register fills it from sequenceTable when empty.
	Sequence string
	// Step, when set, marks the entry as a step of a kernel path, not
	// an API a caller uses: it names the kernel-library function of the
	// path (rulebook_steps.go); register fills it from kernelPathSteps.
	Step string
	// Query, when set, marks an API that only answers a question about
	// the state (a flag test, a lockdep predicate, an entry of the array
	// a caller keeps): it requires nothing and changes nothing, so no
	// call of it is wrong and it has no rule of its own. What goes wrong
	// is what a caller concludes from the answer, and the rules of what
	// it calls next check that; Query says what the answer does not tell.
	// register refuses a query with rules.
	Query string
	// NullResult is, for an API whose kernel function may return NULL,
	// when it does and what its caller does then (the function's
	// kernel-doc "Return:"): register makes it the API's rule
	// NAME/null-dereferenced, which a run reports where a NULL result of
	// the API is used (Value.NilOrigin).
	NullResult string
	// MustCheck is, for an API whose kernel declaration is __must_check,
	// the declaration and the commit that added it: register makes it
	// the API's rule NAME/result-unused, which a run reports where a
	// statement discards the result.
	MustCheck string
	// FailRule is, for an API that may fail to take what it tries (a
	// trylock, mmget_not_zero()), its rule NAME/failure-ignored
	// (failureIgnored): a run reports it where the caller goes on as if
	// the failed attempt had succeeded. register appends it to Rules.
	FailRule *Rule
	// Opens are the rules of the context the API opens (an RCU read-side
	// critical section, an IRQs-off region), which the kernel checks where
	// the context is broken (a sleep inside it), not at the call: a
	// finding of one shows the section this API opened misused.
	// LockingDocs lists them with the API's checks; they stay generic
	// rules, checked on every operation.
	Opens []*Rule

	nullRule, unusedRule *Rule
}

// NullRule is the API's rule for a NULL result that is used (NullResult),
// or nil.
func (a *API) NullRule() *Rule { return a.nullRule }

// UnusedRule is the API's rule for a discarded __must_check result
// (MustCheck), or nil.
func (a *API) UnusedRule() *Rule { return a.unusedRule }

// ruleNullOops is the kernel's reaction to any NULL dereference, which a
// NULL result's rule cites.
const ruleNullOops = "arch/x86/mm/fault.c: page_fault_oops() -> show_fault_oops(): pr_alert(\"BUG: kernel NULL pointer dereference, address: %px\\n\") -> oops_end()"

// resultRules makes the rules of an API's NullResult and MustCheck.
func (a *API) resultRules() {
	if a.NullResult != "" {
		a.nullRule = &Rule{a.Name + "/null-dereferenced",
			a.Name + "() returns NULL " + a.NullResult + ": its caller tests the result before it uses it (a NULL dereference oopses)",
			a.Source + "; " + ruleNullOops, BUG}
		a.Rules = append(a.Rules, a.nullRule)
	}
	if a.MustCheck != "" {
		a.unusedRule = &Rule{a.Name + "/result-unused",
			"the result of " + a.Name + "() is tested: it is declared __must_check, and what the caller does next depends on it",
			a.MustCheck + "; include/linux/compiler_attributes.h: #define __must_check __attribute__((__warn_unused_result__))", BuildTime}
		a.Rules = append(a.Rules, a.unusedRule)
	}
	if a.FailRule != nil {
		a.Rules = append(a.Rules, a.FailRule)
	}
}

// failureIgnored makes the rule NAME/failure-ignored of an API that may
// fail (API.FailRule): fails says what a failure leaves the caller
// without, caught how the kernel notices the caller going on without it
// (source, kernel).
func failureIgnored(name, fails, caught, source string, kernel Reaction) *Rule {
	return &Rule{name + "/failure-ignored",
		"when " + name + "() fails, " + fails + ": its caller tests the result and does not go on as if it had succeeded (" + caught + ")",
		source, kernel}
}

// Generic lock rules, checked on every acquisition and release.
var (
	// ruleSleepInAtomic is the annotation: might_sleep() in atomic
	// context, whether or not the call goes on to block. Only
	// __might_resched() looks, and only with CONFIG_DEBUG_ATOMIC_SLEEP;
	// the rules below are what every kernel reports when the task really
	// enters schedule().
	ruleSleepInAtomic = &Rule{"lock/sleep-in-atomic",
		"nothing that may sleep runs under a spinlock, inside an RCU read-side critical section or with IRQs disabled",
		"kernel/sched/core.c: __might_sleep() -> __might_resched(): unless (resched_offsets_ok(offsets) && !irqs_disabled() && ...) pr_err(\"BUG: sleeping function called from invalid context at %s:%d\\n\"); process_addrs.rst \"Page table locks\"", DebugOnly}
	// ruleSchedAtomic: the task blocks (a contended mutex, rwsem or
	// folio lock, msleep, a wait for a grace period) with a spinlock
	// held. spin_lock() raises preempt_count on every kernel with
	// CONFIG_PREEMPT_COUNT (selected by CONFIG_PREEMPTION, which
	// PREEMPT_DYNAMIC and PREEMPT_LAZY select, and by
	// CONFIG_DEBUG_ATOMIC_SLEEP), so schedule_debug() sees it with no debug
	// option: a printk with a backtrace and TAINT_WARN, then the task
	// sleeps with preempt_count reset (a panic with panic_on_warn).
	ruleSchedAtomic = &Rule{"sched/scheduling-while-atomic",
		"a thread does not block in schedule() while it holds a spinlock (preemption disabled)",
		"kernel/sched/core.c: __schedule() -> schedule_debug(): if (unlikely(in_atomic_preempt_off())) { __schedule_bug(prev); preempt_count_set(PREEMPT_DISABLED); } -> " +
			"printk(KERN_ERR \"BUG: scheduling while atomic: %s/%d/0x%08x\\n\"); check_panic_on_warn(); dump_stack(); add_taint(TAINT_WARN)", WARN}
	// ruleSchedRCU: the task blocks inside rcu_read_lock() with no
	// spinlock held. On CONFIG_PREEMPT_RCU (every CONFIG_PREEMPTION
	// kernel) rcu_read_lock() leaves preempt_count alone, so
	// schedule_debug() is silent and rcu_note_context_switch() warns; on
	// a !PREEMPT_RCU kernel rcu_read_lock() disables preemption and it is
	// "scheduling while atomic" instead.
	ruleSchedRCU = &Rule{"rcu/context-switch-in-reader",
		"a thread does not block in schedule() inside an RCU read-side critical section: the grace period it holds up would end under it",
		"kernel/sched/core.c: __schedule() -> kernel/rcu/tree_plugin.h: rcu_note_context_switch(): WARN_ONCE(!preempt && rcu_preempt_depth() > 0, " +
			"\"Voluntary context switch within RCU read-side critical section!\") (CONFIG_PREEMPT_RCU)", WARN}
	// ruleSchedIRQsOff: the task blocks with IRQs disabled and neither a
	// spinlock nor rcu_read_lock(). schedule_debug() does not look at
	// irqs_disabled(), and the context switch returns through
	// finish_task_switch() -> raw_spin_rq_unlock_irq() with IRQs on: the
	// caller's IRQs-off section (GUP-fast's guard against page-table
	// freeing) ends without a word.
	ruleSchedIRQsOff = &Rule{"sched/schedule-irqs-off",
		"a thread does not block in schedule() with IRQs disabled: it comes back with them enabled",
		"kernel/sched/core.c: schedule_debug() checks in_atomic_preempt_off() only; finish_task_switch() -> raw_spin_rq_unlock_irq() enables IRQs", Unchecked}
	ruleMmapUnderVMARead = &Rule{"lock/mmap-under-vma-read",
		"never block on the mmap lock while holding a VMA read lock: a writer holding the mmap write lock may wait in vma_start_write() for that read lock",
		"process_addrs.rst \"VMA locks\"; mm/memory.c: __vmf_anon_prepare() only trylocks; lockdep sees vma_lock -> mmap_lock against mmap_lock -> vma_lock (vma_start_write)", Lockdep}
	ruleRecursive = &Rule{"lock/recursive",
		"a lock is not taken again by the thread that holds it (rwsems are not recursive: a second read deadlocks behind a queued writer)",
		"kernel/locking/lockdep.c: check_deadlock() \"possible recursive locking detected\"", Lockdep}
	ruleCircular = &Rule{"lockdep/circular",
		"locks are taken in one global order; mm's is mmap_lock -> folio_lock -> vma lock -> i_mmap_rwsem -> anon_vma->rwsem -> page_table_lock/PTE lock (lockdep cannot see the folio lock)",
		"mm/rmap.c lock ordering comment; process_addrs.rst \"Lock ordering\"; kernel/locking/lockdep.c: check_noncircular() \"possible circular locking dependency detected\"", Lockdep}
	ruleUnlockNotHeld = &Rule{"lock/unlock-not-held",
		"a thread releases only a lock it holds",
		"kernel/locking/lockdep.c: __lock_release() -> find_held_lock() fails -> print_unlock_imbalance_bug() \"bad unlock balance detected\"", Lockdep}
	// ruleUnlockWrongMode is an rwsem released in the other mode (up_read
	// on a write-held rwsem, up_write on a read-held one). Lockdep does not
	// see it: __lock_release() finds the held lock by instance
	// (find_held_lock() -> match_held_lock()) and never compares hlock->read
	// with the release. Only CONFIG_DEBUG_RWSEMS checks the owner field:
	// __up_read() DEBUG_RWSEMS_WARN_ON(!is_rwsem_reader_owned(sem)) and
	// __up_write() DEBUG_RWSEMS_WARN_ON(rwsem_owner(sem) != current && ...).
	ruleUnlockWrongMode = &Rule{"lock/unlock-wrong-mode",
		"an rwsem is released in the mode it is held: up_read() for a read hold, up_write() for a write hold (the count is corrupted otherwise)",
		"kernel/locking/rwsem.c: __up_read() DEBUG_RWSEMS_WARN_ON(!is_rwsem_reader_owned(sem), sem); __up_write() DEBUG_RWSEMS_WARN_ON((rwsem_owner(sem) != current) && !rwsem_test_oflags(sem, RWSEM_NONSPINNABLE), sem); " +
			"kernel/locking/lockdep.c: __lock_release() matches the held lock by instance only (no mode check)", DebugOnly}
	ruleHeldAtExit = &Rule{"lock/held-at-exit",
		"a thread releases every lock before it ends",
		"kernel/locking/lockdep.c: debug_check_no_locks_held() \"lock held when returning to user space\"", Lockdep}
	ruleUseAfterUnmap = &Rule{"vma/use-after-unmap",
		"a VMA pointer is used only while a lock keeps the VMA alive; after munmap it is freed memory",
		"process_addrs.rst \"Stabilising a VMA\"; mm/vma_init.c: vm_area_free() -> kmem_cache_free() (vm_area_cachep is SLAB_TYPESAFE_BY_RCU: the memory may at once become another VMA, which is why lock_vma_under_rcu() re-checks the range)", Unchecked}
	ruleVMANotStable = &Rule{"vma/not-stable",
		"a VMA is read or used only while it is stable: mmap lock, VMA read lock, or an rmap lock",
		"process_addrs.rst \"Stabilising a VMA\"", Unchecked}
	ruleInstallLock = &Rule{"pgtable/install-needs-mmap-or-vma-lock",
		"installing page-table entries needs the mmap lock or the VMA read lock; an rmap lock is not enough",
		"process_addrs.rst \"Page tables\" (install)", Unchecked}
	ruleZapLock = &Rule{"pgtable/zap-needs-stable-vma",
		"zapping entries needs the VMA stable: mmap lock, VMA read lock or an rmap lock",
		"process_addrs.rst \"Page tables\" (zap)", Unchecked}
	ruleTraverseLock = &Rule{"pgtable/traverse-needs-stable-vma",
		"walking page tables needs a VMA covering the range kept stable by the mmap, VMA or rmap lock",
		"process_addrs.rst \"Page tables\" (traverse)", Unchecked}
	ruleRCUUnbalanced = &Rule{"rcu/unbalanced",
		"rcu_read_unlock() pairs with an rcu_read_lock() of the same thread",
		"kernel/rcu/tree_plugin.h: __rcu_read_unlock() WARN_ON_ONCE(rrln < 0) under CONFIG_PROVE_LOCKING", Lockdep}
	ruleStaleTLB = &Rule{"tlb/stale-entry",
		"after an entry is cleared, the TLB is flushed before the page is freed or reused",
		"Documentation/core-api/cachetlb.rst; mm/mmu_gather.c: tlb_finish_mmu()", Unchecked}
	ruleMightFault = &Rule{"uaccess/might-fault-under-mmap-lock",
		"user memory is not accessed while holding the mmap lock: the fault path takes it again",
		"mm/memory.c: __might_fault() -> might_lock_read(&current->mm->mmap_lock)", Lockdep}
)

var genericRules = []*Rule{ruleSleepInAtomic, ruleSchedAtomic, ruleSchedRCU, ruleSchedIRQsOff, ruleMmapUnderVMARead, ruleRecursive, ruleCircular,
	ruleUnlockNotHeld, ruleUnlockWrongMode, ruleHeldAtExit, ruleUseAfterUnmap, ruleVMANotStable, ruleInstallLock,
	ruleZapLock, ruleTraverseLock, ruleRCUUnbalanced, ruleStaleTLB, ruleLostWrite, ruleMightFault, rulePagefaultAtUserReturn}

// APIs returns the rule book's entries, sorted by name.
func APIs() []*API {
	out := make([]*API, 0, len(apis))
	for _, a := range apis {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupAPI finds an entry by kernel name.
func LookupAPI(name string) *API { return apis[name] }

// GenericRules returns the rules checked on every lock operation.
func GenericRules() []*Rule { return genericRules }

// Explain renders an entry for `mmscript explain`, for the newest kernel.
func (a *API) Explain() string { return a.ExplainIn(KernelConfig{}) }

// ExplainIn renders an entry for the kernel kc: each check with the
// reaction of kc's version (the other versions' after it, where they
// differ) and, for lockdep and debug-only checks, the option a kernel
// needs to print anything, and whether kc's build has it.
func (a *API) ExplainIn(kc KernelConfig) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (rule book §%s)\n", a.Name, a.Section)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "  %-8s %s\n", k+":", v)
		}
	}
	if a.IsStep() {
		row("step of", a.stepOf()+": not an API a caller uses but a step of that kernel path, "+
			"which mmscript's kernel library runs statement by statement; the path's entry states what its caller must hold")
		row("with", a.Hold)
	} else {
		row("hold", a.Hold)
	}
	row("takes", a.Takes)
	row("sleeps", a.Sleeps)
	row("asserts", a.Asserts)
	row("source", a.Source)
	row("notes", a.Notes)
	if a.Query != "" {
		row("query", "nothing is wrong at the call (it requires and changes nothing). "+a.Query+".")
	}
	switch a.simulated() {
	case "no":
		row("status", "documented only: mmscript does not simulate "+a.Name+" yet")
	case "handler":
		row("status", "simulated as a script handler: the runtime calls an ops block's "+handlerSlot(a.Name)+" in this context; no checks of its own")
	}
	if len(a.Rules) > 0 {
		b.WriteString("  checks:\n")
		for _, r := range a.Rules {
			kernel, src := r.In(kc.Version)
			if kernel == Absent {
				fmt.Fprintf(&b, "    %s: %s (kernel %s: %s; %s)\n", r.ID, r.Doc, kc.Version, reactionIn(kernel), src)
				continue
			}
			on := ""
			if kc.Version != Mainline {
				on = " " + kc.Version.String()
			}
			fmt.Fprintf(&b, "    %s: %s (kernel%s: %s; %s)\n", r.ID, r.Doc, on, kernel, src)
			for _, e := range ruleEras(r) {
				if ok, osrc := r.In(e.probe); !e.has(kc.Version) && (ok != kernel || osrc != src) {
					fmt.Fprintf(&b, "      %s: %s (%s)\n", e.name, reactionIn(ok), osrc)
				}
			}
			if c := uncheckedConsequence[r.ID]; kernel == Unchecked && c != "" {
				fmt.Fprintf(&b, "      broken, the kernel goes on: %s\n", c)
			}
			if cfg := r.NeedsConfig(kernel); cfg != "" {
				if kc.Production {
					fmt.Fprintf(&b, "      production build: prints nothing (needs %s)\n", cfg)
				} else {
					fmt.Fprintf(&b, "      printed only with %s (a production build prints nothing)\n", cfg)
				}
			}
		}
	}
	return b.String()
}

// A ruleEra is a range of kernels in which a rule is one thing, for
// explain: its name, a version inside it, and whether it holds a version.
type ruleEra struct {
	name  string
	probe KernelVersion
	has   func(KernelVersion) bool
}

// ruleEras lists the eras of r's history and mainline's, oldest first.
func ruleEras(r *Rule) []ruleEra {
	var out []ruleEra
	from := OldestKernel
	for _, o := range r.Older() {
		lo, hi := from, o.Before
		name := "before " + hi.String()
		if hi == Mainline {
			name = "up to 6.18"
		}
		if lo != OldestKernel {
			name = "from " + lo.String() + ", " + name
		}
		out = append(out, ruleEra{name, lo, func(v KernelVersion) bool { return v.AtLeast(lo) && v.Before(hi) }})
		from = hi
	}
	lo := from
	name := "on mainline"
	if lo != OldestKernel && lo != Mainline {
		name = "from " + lo.String() + " on"
	}
	return append(out, ruleEra{name, Mainline, func(v KernelVersion) bool { return v.AtLeast(lo) }})
}

// reactionIn names a reaction in a kernel's history: Absent is no rule.
func reactionIn(k Reaction) string {
	if k == Absent {
		return "no such rule in this kernel, not checked"
	}
	return k.String()
}

// simulated says whether mmscript runs an API: "yes" for an operation a
// script calls (LookupOp), "handler" for a vm_operations_struct or f_op hook
// the runtime calls as an ops block's handler (HandlerSlots), "no" for an
// entry that is documented only. It is derived from the runtime, not from a
// flag in the entry, so it cannot drift.
func (a *API) simulated() string {
	if LookupOp(a.Name) != nil {
		return "yes"
	}
	if handlerSlot(a.Name) != "" {
		return "handler"
	}
	return "no"
}

// handlerSlot maps a hook entry ("vm_ops->fault", "f_op->mmap") to the
// HandlerSlots name the runtime calls it by, or "".
func handlerSlot(name string) string {
	owner, slot, ok := strings.Cut(name, "->")
	if !ok {
		return ""
	}
	if _, known := HandlerSlots[slot]; !known {
		return ""
	}
	switch {
	case owner == "f_op" && (slot == "mmap" || slot == "mmap_prepare"),
		owner == "vm_ops" && slot != "mmap" && slot != "pte_entry":
		return slot
	}
	return ""
}

// MarkdownTable renders the rule book's summary table (section 4's shape),
// then the steps of the kernel paths in a table of their own: what a step
// runs with is its path's business, not a caller's requirement.
func MarkdownTable() string {
	var b strings.Builder
	esc := func(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
	ids := func(a *API) string {
		var ids []string
		for _, r := range a.Rules {
			ids = append(ids, "`"+r.ID+"`")
		}
		return strings.Join(ids, " ")
	}
	b.WriteString("| API | Caller must hold | Acquires internally (order) | May sleep | Asserted by | Checks | Simulated |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	var steps []*API
	for _, a := range APIs() {
		if a.IsStep() {
			steps = append(steps, a)
			continue
		}
		checks := ids(a)
		if a.Query != "" {
			checks = "none: a query"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s |\n", a.Name, esc(a.Hold), esc(a.Takes), esc(a.Sleeps), esc(a.Asserts), checks, a.simulated())
	}
	b.WriteString("\nSteps of mmscript's kernel paths (runtime/kernel/*.mms): not APIs a caller uses; the path's entry above states what its caller must hold.\n\n")
	b.WriteString("| Step | Of the kernel path | Runs with | Acquires internally (order) | May sleep | Asserted by | Checks | Simulated |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, a := range steps {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s | %s |\n", a.Name, esc(a.stepOf()), esc(a.Hold), esc(a.Takes), esc(a.Sleeps), esc(a.Asserts), ids(a), a.simulated())
	}
	return b.String()
}

// apis is filled by the op definitions (ops_*.go), each next to the code
// that checks it.
var apis = map[string]*API{}

func register(a *API) *API {
	if _, dup := apis[a.Name]; dup {
		panic("runtime: duplicate rule-book entry " + a.Name) // a programming error, caught by every test run
	}
	if a.Cites == nil {
		a.Cites = citeTable[a.Name]
	}
	if a.Sequence == "" {
		a.Sequence = sequenceTable[a.Name]
	}
	if a.Step == "" {
		a.Step = kernelPathSteps[a.Name]
	}
	a.resultRules()
	if a.Query != "" && len(a.Rules)+len(a.Opens) > 0 {
		panic("runtime: rule-book entry " + a.Name + " is a query and has rules") // a programming error, caught by every test run
	}
	apis[a.Name] = a
	return a
}
