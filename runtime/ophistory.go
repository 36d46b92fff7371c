package runtime

import (
	"fmt"
	"strings"
	"sync"
)

// The history of operations: those a kernel modelled by number lacks
// (-kernel 5.15 has no lock_vma_under_rcu()) and those whose signature
// changed (expand_stack(vma, address) before 6.5). The kernel library is
// mainline's paths: on an older kernel its calls of an operation that
// kernel lacks run Older, what that kernel ran in its place; for the
// per-VMA read locks, the stubs of a kernel without CONFIG_PER_VMA_LOCK
// (include/linux/mmap_lock.h: vma_start_read() returns false,
// vma_end_read() {}; mm/memory.c's
// lock_vma_under_rcu() exists only with the option, and its callers fall
// back to the mmap lock; vma_start_read() fails). The library's
// vma_start_write() and its assertions run as mainline's: under the mmap
// write lock, which they assert, no task can hold a VMA read lock on such
// a kernel, so marking the VMA written changes nothing but what the
// field-write checks see (the mmap write lock alone, as then). A
// script's own call of such an operation is an error naming the change
// and what kernels before it did.

// An opEra is an operation's history: Since is the change that added it
// (or its present signature); Instead says what kernels before did.
type opEra struct {
	Since   KernelChange
	Instead string
	// Older runs, for a call the kernel library makes (Call.AsKernel),
	// what the older kernel ran in the operation's place; nil: the
	// operation's own Fn (the older kernel did the same step under
	// another name, or without the check the change added).
	Older func(c *Call) Result
	// Params is the signature kernels before Since gave the operation,
	// when it differs and the older form binds (expand_stack(vma,
	// address)); the operation then exists there, with these.
	Params []Param
}

// older runs a call of an operation on a kernel before h.Since.
func (h *opEra) older(c *Call, fn func(*Call) Result) Result {
	switch {
	case h.Params != nil:
		return fn(c) // an older signature, checked by the caller
	case !c.AsKernel:
		return fail("%s", h.missing(c.Op.Name, c.K.Config.Version))
	case h.Older != nil:
		return h.Older(c)
	}
	return fn(c)
}

// missing is the error of a script's call of name on kernel v.
func (h *opEra) missing(name string, v KernelVersion) string {
	if h.Params != nil {
		return ""
	}
	return fmt.Sprintf("%s does not exist in %s: it came with %s; before it, %s", name, v, h.Since, h.Instead)
}

const perVMAInstead = "the mmap lock alone guarded the VMAs: a fault took mmap_read_lock() (arch/x86/mm/fault.c: do_user_addr_fault()), " +
	"a writer of a VMA mmap_write_lock(); the kernel library runs the !CONFIG_PER_VMA_LOCK stubs there"

const vmFlagsInstead = "vm_flags was written directly under the mmap write lock: vma.vm_flags = flags, vma.vm_flags |= VM_IO, as C wrote vma->vm_flags"

// opHistory lists, by operation name, the operations with a history.
// It is a variable initialised before any init() runs, since defOp's
// wrapper and the interpreter consult it at every call on an older kernel.
var opHistory = map[string]*opEra{
	"lock_vma_under_rcu": {Since: changePerVMALocks, Instead: perVMAInstead},
	"mas_walk_start_read": {Since: changePerVMALocks, Instead: perVMAInstead,
		Older: func(c *Call) Result { return done(Nil) }},
	"vma_start_read": {Since: changePerVMALocks, Instead: perVMAInstead,
		Older: func(c *Call) Result { return done(Bool(false)) }},
	"vma_start_read_locked": {Since: changePerVMALocks, Instead: perVMAInstead,
		Older: func(c *Call) Result { return done(Bool(false)) }},
	"vma_start_read_locked_nested": {Since: changePerVMALocks, Instead: perVMAInstead,
		Older: func(c *Call) Result { return done(Bool(false)) }},
	"vma_end_read":             {Since: changePerVMALocks, Instead: perVMAInstead, Older: func(c *Call) Result { return ok }},
	"vma_start_write":          {Since: changePerVMALocks, Instead: perVMAInstead},
	"vma_start_write_killable": {Since: changePerVMALocks, Instead: perVMAInstead},
	"vma_assert_write_locked":  {Since: changePerVMALocks, Instead: perVMAInstead},
	"vma_assert_locked":        {Since: changePerVMALocks, Instead: perVMAInstead},
	"vm_flags_set":             {Since: changeVMFlagsWrappers, Instead: vmFlagsInstead},
	"vm_flags_clear":           {Since: changeVMFlagsWrappers, Instead: vmFlagsInstead},
	"vm_flags_mod":             {Since: changeVMFlagsWrappers, Instead: vmFlagsInstead},
	"vm_flags_reset":           {Since: changeVMFlagsWrappers, Instead: vmFlagsInstead},
	"vm_flags_reset_once":      {Since: changeVMFlagsWrappers, Instead: vmFlagsInstead},
	"vm_flags_init":            {Since: changeVMFlagsWrappers, Instead: vmFlagsInstead + " (in f_op->mmap, on a VMA not yet visible)"},
	"folio_walk_start": {Since: changeFolioWalk,
		Instead: "follow_page(vma, address, FOLL_GET) took a reference to the page, under the mmap lock"},
	"folio_walk_end": {Since: changeFolioWalk, Instead: "the reference follow_page() took was dropped with put_page()"},
	"follow_pfnmap_start": {Since: changeFollowPfnmap,
		Instead: "follow_pte(vma, address, &ptep, &ptl) mapped and locked the PTE (follow_pte(mm, ...) before 6.10), and before 5.13 follow_pfn() read the PFN unlocked"},
	"follow_pfnmap_end": {Since: changeFollowPfnmap, Instead: "pte_unmap_unlock(ptep, ptl) ended follow_pte()'s walk"},
	"lock_mm_and_find_vma": {Since: changeStackWriteLock,
		Instead: "the fault path took mmap_read_lock(mm), find_vma(mm, address) and, below a VM_GROWSDOWN VMA, expand_stack(vma, address) under the read lock"},
	"expand_stack_locked": {Since: changeStackWriteLock,
		Instead: "expand_stack(vma, address) grew the stack under the mmap read lock"},
	"find_extend_vma_locked": {Since: changeStackWriteLock,
		Instead: "find_extend_vma(mm, addr) looked the VMA up and grew a stack under the mmap read lock"},
	"expand_stack": {Since: changeStackWriteLock, Instead: "expand_stack(vma, address) returned 0 or -errno, called with the mmap read lock held",
		Params: []Param{{Name: "vma", Type: TVMA}, {Name: "address", Type: TInt}}},
}

// olderForms caches the older forms of operations (Op.In).
var olderForms sync.Map // *Op -> *Op

// In returns o as kernel v has it: o, or for an operation whose
// signature changed (opHistory's Params) a copy with v's parameters.
func (o *Op) In(v KernelVersion) *Op {
	if v == Mainline {
		return o
	}
	h, ok := opHistory[o.Name]
	if !ok || h.Params == nil || !v.Before(h.Since.Version) {
		return o
	}
	if f, ok := olderForms.Load(o); ok {
		return f.(*Op)
	}
	f := *o
	f.Params = h.Params
	f.Consistent = nil
	actual, _ := olderForms.LoadOrStore(o, &f)
	return actual.(*Op)
}

// opRulesOnce gives the rules of an operation a kernel lacks (those named
// after it, NAME/...) the operation's history: a kernel before it has no
// such rule. It runs on the first question about a rule's history, once
// every operation is registered.
var opRulesOnce sync.Once

func opRuleHistories() {
	for name, h := range opHistory {
		a := LookupAPI(name)
		if a == nil || h.Params != nil {
			continue
		}
		for _, r := range append(append([]*Rule(nil), a.Rules...), a.Opens...) {
			if len(r.ID) > len(name) && r.ID[:len(name)+1] == name+"/" && len(olderReactions[r.ID]) == 0 {
				olderReactions[r.ID] = []VersionReaction{{h.Since.Version, Absent,
					fmt.Sprintf("no %s() before %s: it came with %s", name, h.Since.Version, h.Since)}}
			}
		}
	}
	addHistory(ruleMmapUnderVMARead.ID, VersionReaction{changePerVMALocks.Version, Absent,
		"no VMA lock before " + changePerVMALocks.String()})
}

// OlderParams is the signature an older kernel gave o, where it differs
// (expand_stack(vma, address) before 6.5), else nil.
func (o *Op) OlderParams() []Param {
	if h, ok := opHistory[o.Name]; ok {
		return h.Params
	}
	return nil
}

// OlderNote ends an argument error on kernel v for an operation whose
// signature changed: the older signature, and that a kernel before the
// change takes it. "" when there is none or v is such a kernel.
func (o *Op) OlderNote(v KernelVersion) string {
	h, ok := opHistory[o.Name]
	if !ok || h.Params == nil || v.Before(h.Since.Version) {
		return ""
	}
	var names []string
	for _, p := range h.Params {
		names = append(names, p.Name)
	}
	return fmt.Sprintf(" (%s(%s) is the kernels' before %s: %s; a script of such a kernel says so with a `kernel` line, e.g. kernel %s)",
		o.Name, strings.Join(names, ", "), h.Since.Version, h.Since, olderRelease(h.Since.Version))
}

// olderRelease is the release before v (6.4 before 6.5).
func olderRelease(v KernelVersion) KernelVersion {
	if v == Mainline {
		return Linux618
	}
	if v>>8&0xff > 0 {
		return v - 1<<8
	}
	return Version(int(v>>16)-1, 19)
}

// gupVMAsNote is what GUP's callers did after the vmas array went.
const gupVMAsNote = "callers that needed the VMA looked it up under the mmap lock they held (vma_lookup(mm, addr)), or used get_user_page_vma_remote()"

func init() {
	// GUP's vmas array (runs after kernel_gup.go's init, which defines
	// the operations: files initialise in name order).
	for name, at := range map[string]int{"get_user_pages": 4, "pin_user_pages": 4, "get_user_pages_remote": 5, "pin_user_pages_remote": 5} {
		if op := LookupOp(name); op != nil {
			op.Removed = &RemovedParam{At: at, Name: "vmas", Change: changeGUPNoVMAs, Note: gupVMAsNote}
		}
	}
}
