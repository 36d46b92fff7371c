package runtime

import (
	"fmt"
	"sort"
	"strings"
)

// Rule is one check mmscript runs: what it requires, where the requirement
// comes from, and how the real kernel reacts when it is broken.
type Rule struct {
	ID     string   // stable id printed in diagnostics, e.g. "vm_insert_page/not-mixedmap"
	Doc    string   // the rule in one sentence
	Source string   // kernel function or process_addrs.rst section
	Kernel Reaction // what the kernel does when it is broken
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
}

// Generic lock rules, checked on every acquisition and release.
var (
	ruleSleepInAtomic = &Rule{"lock/sleep-in-atomic",
		"nothing that may sleep runs under a spinlock or inside an RCU read-side critical section",
		"kernel/sched/core.c: __might_sleep(); process_addrs.rst \"Page table locks\"", DebugOnly}
	ruleMmapUnderVMARead = &Rule{"lock/mmap-under-vma-read",
		"never block on the mmap lock while holding a VMA read lock: a writer holding the mmap write lock may wait in vma_start_write() for that read lock",
		"process_addrs.rst \"VMA locks\"; mm/memory.c: __vmf_anon_prepare() only trylocks", WARN}
	ruleRecursive = &Rule{"lock/recursive",
		"a lock is not taken again by the thread that holds it (rwsems are not recursive: a second read deadlocks behind a queued writer)",
		"kernel/locking/lockdep.c: check_deadlock() \"possible recursive locking detected\"", WARN}
	ruleCircular = &Rule{"lockdep/circular",
		"locks are taken in one global order; mm's is mmap_lock -> folio_lock -> vma lock -> i_mmap_rwsem -> anon_vma->rwsem -> page_table_lock/PTE lock (lockdep cannot see the folio lock)",
		"mm/rmap.c lock ordering comment; process_addrs.rst \"Lock ordering\"; lockdep", WARN}
	ruleUnlockNotHeld = &Rule{"lock/unlock-not-held",
		"a thread releases only a lock it holds, in the mode it holds it",
		"kernel/locking/lockdep.c: print_unlock_imbalance_bug() \"bad unlock balance detected\"", WARN}
	ruleHeldAtExit = &Rule{"lock/held-at-exit",
		"a thread releases every lock before it ends",
		"kernel/locking/lockdep.c: debug_check_no_locks_held() \"lock held when returning to user space\"", WARN}
	ruleUseAfterUnmap = &Rule{"vma/use-after-unmap",
		"a VMA pointer is used only while a lock keeps the VMA alive; after munmap it is freed memory",
		"process_addrs.rst \"Stabilising a VMA\"; vm_area_free() via RCU", Unchecked}
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
		"include/linux/rcupdate.h: rcu_read_unlock(); RCU lockdep", WARN}
	ruleStaleTLB = &Rule{"tlb/stale-entry",
		"after an entry is cleared, the TLB is flushed before the page is freed or reused",
		"Documentation/core-api/cachetlb.rst; mm/mmu_gather.c: tlb_finish_mmu()", Unchecked}
	ruleMightFault = &Rule{"uaccess/might-fault-under-mmap-lock",
		"user memory is not accessed while holding the mmap lock: the fault path takes it again",
		"mm/memory.c: __might_fault() -> might_lock_read(&current->mm->mmap_lock)", WARN}
)

var genericRules = []*Rule{ruleSleepInAtomic, ruleMmapUnderVMARead, ruleRecursive, ruleCircular,
	ruleUnlockNotHeld, ruleHeldAtExit, ruleUseAfterUnmap, ruleVMANotStable, ruleInstallLock,
	ruleZapLock, ruleTraverseLock, ruleRCUUnbalanced, ruleStaleTLB, ruleMightFault}

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

// Explain renders an entry for `mmscript explain`.
func (a *API) Explain() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (rule book §%s)\n", a.Name, a.Section)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "  %-8s %s\n", k+":", v)
		}
	}
	row("hold", a.Hold)
	row("takes", a.Takes)
	row("sleeps", a.Sleeps)
	row("asserts", a.Asserts)
	row("source", a.Source)
	row("notes", a.Notes)
	switch a.simulated() {
	case "no":
		row("status", "documented only: mmscript does not simulate "+a.Name+" yet")
	case "handler":
		row("status", "simulated as a script handler: the runtime calls an ops block's "+handlerSlot(a.Name)+" in this context; no checks of its own")
	}
	if len(a.Rules) > 0 {
		b.WriteString("  checks:\n")
		for _, r := range a.Rules {
			fmt.Fprintf(&b, "    %s: %s (kernel: %s; %s)\n", r.ID, r.Doc, r.Kernel, r.Source)
		}
	}
	return b.String()
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
	case owner == "f_op" && slot == "mmap",
		owner == "vm_ops" && slot != "mmap" && slot != "pte_entry":
		return slot
	}
	return ""
}

// MarkdownTable renders the rule book's summary table (section 4's shape).
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| API | Caller must hold | Acquires internally (order) | May sleep | Asserted by | Checks | Simulated |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	esc := func(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
	for _, a := range APIs() {
		var ids []string
		for _, r := range a.Rules {
			ids = append(ids, "`"+r.ID+"`")
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s |\n", a.Name, esc(a.Hold), esc(a.Takes), esc(a.Sleeps), esc(a.Asserts), strings.Join(ids, " "), a.simulated())
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
	apis[a.Name] = a
	return a
}
