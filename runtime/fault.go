package runtime

import (
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/mmscript/mmscript/mmcore"
)

// vm_fault_t bits (include/linux/mm_types.h), returned to scripts as ints.
const (
	VM_FAULT_OOM       = 0x000001
	VM_FAULT_SIGBUS    = 0x000002
	VM_FAULT_SIGSEGV   = 0x000040
	VM_FAULT_NOPAGE    = 0x000100
	VM_FAULT_LOCKED    = 0x000200
	VM_FAULT_RETRY     = 0x000400
	VM_FAULT_COMPLETED = 0x004000
)

// Constants are the names scripts may use for kernel values: vm_fault_t
// bits and (negative) errnos as operations return them.
var Constants = map[string]int64{
	"VM_FAULT_OOM": VM_FAULT_OOM, "VM_FAULT_SIGBUS": VM_FAULT_SIGBUS,
	"VM_FAULT_SIGSEGV": VM_FAULT_SIGSEGV, "VM_FAULT_NOPAGE": VM_FAULT_NOPAGE,
	"VM_FAULT_LOCKED": VM_FAULT_LOCKED, "VM_FAULT_RETRY": VM_FAULT_RETRY,
	"VM_FAULT_COMPLETED": VM_FAULT_COMPLETED,
	"EPERM":              1, "ENOMEM": 12, "EACCES": 13, "EFAULT": 14, "EBUSY": 16,
	"EEXIST": 17, "EINVAL": 22, "ENXIO": 6, "EAGAIN": 11, "EINTR": 4,
	"ESRCH": 3, "EIO": 5, "EBADF": 9, "ENODEV": 19, "ENOSPC": 28,
	"EOVERFLOW":  75,
	"PAGE_SIZE":  mmcore.PageSize,
	"PAGE_SHIFT": mmcore.PageShift,
}

// VMF is a struct vm_fault as a handler sees it.
type VMF struct {
	Owned   // the faulting thread (owned.go)
	VMA     *mmcore.VMA
	Address mmcore.Addr
	Write   bool
	VMALock bool // FAULT_FLAG_VMA_LOCK: the fault holds the VMA read lock, not the mmap lock
	// AllowRetry is FAULT_FLAG_ALLOW_RETRY: the handler may drop the fault
	// lock (release_fault_lock) and return VM_FAULT_RETRY.
	AllowRetry bool
	// RetryNowait is FAULT_FLAG_RETRY_NOWAIT ("Don't drop mmap_lock and
	// wait when retrying", GUP's FOLL_NOWAIT): a handler that would wait
	// returns VM_FAULT_RETRY keeping the fault lock, and the caller
	// still holds it.
	RetryNowait bool
	// Tried is FAULT_FLAG_TRIED: the fault was retried already; handlers
	// drop the lock only on the first try (fault_flag_allow_retry_first).
	Tried bool
	Page  *mmcore.Page

	// heldVMA says which lock the fault really holds: the VMA read lock
	// (true) or the mmap lock. It differs from VMALock inside
	// ->page_mkwrite, whose vmf->flags do_page_mkwrite() overwrites.
	heldVMA bool
	// mkwrite marks the vm_fault of ->page_mkwrite (FAULT_FLAG_MKWRITE),
	// for which VM_FAULT_RETRY means nothing to the core.
	mkwrite bool

	// What the fault read without a lock (kernel/fault.mms): vmf->orig_pte
	// (vmf_ptep_get_lockless), and vmf->orig_pmd as pmd_none,
	// pmd_trans_huge and pmd_write saw it (pmd_alloc).
	origPTE                    mmcore.PTE
	pmdNone, pmdHuge, pmdWrite bool
	oom                        bool // a table allocation failed (VM_FAULT_OOM)
	// unlocked: the fault runs without its lock, which handle_mm_fault
	// reported; its steps do not report the missing lock again.
	unlocked bool
}

func (f *VMF) String() string { return fmt.Sprintf("vmf(%#x)", uint64(f.Address)) }

// errnoOf converts an mmcore error into a negative errno for scripts.
func errnoOf(err error) int64 {
	var e mmcore.Errno
	if errors.As(err, &e) {
		return -int64(e)
	}
	return -int64(mmcore.EINVAL)
}

// faultCode converts an mmcore fault error into vm_fault_t bits.
func faultCode(err error) int64 {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, mmcore.ErrSegv):
		return VM_FAULT_SIGSEGV
	case errors.Is(err, mmcore.ErrSigbus):
		return VM_FAULT_SIGBUS
	case errors.Is(err, mmcore.ENOMEM):
		return VM_FAULT_OOM
	}
	return VM_FAULT_SIGBUS
}

func opsOf(v *mmcore.VMA) *Ops {
	o, _ := v.Ops.(*Ops)
	return o
}

// vmFaultError is VM_FAULT_ERROR (include/linux/mm_types.h) restricted to
// the bits mmscript returns.
const vmFaultError = VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV

var (
	ruleHandlerKeepsLock = &Rule{"handler/returns-holding-lock",
		"a vm_operations_struct handler releases the locks it took before it returns",
		"include/linux/mm.h: struct vm_operations_struct; kernel/locking/lockdep.c: lockdep_sys_exit() \"lock held when returning to user space\"", Lockdep}
	ruleDroppedFaultLock = &Rule{"fault/dropped-lock",
		"a fault handler drops the fault lock only when FAULT_FLAG_ALLOW_RETRY is set, with release_fault_lock(), and then returns VM_FAULT_RETRY or VM_FAULT_COMPLETED; otherwise the core releases it again",
		"include/linux/mm.h: release_fault_lock(), struct vm_fault; mm/folio_wait.c (mm/filemap.c in 6.18): __folio_lock_or_retry(); the core's own unlock then finds the lock gone: kernel/locking/lockdep.c: print_unlock_imbalance_bug() for the mmap lock, a silent vm_refcnt underflow (vma_refcount_put()) for the VMA lock", Lockdep}
	ruleRetryHoldingLock = &Rule{"fault/retry-holding-lock",
		"a handler that returns VM_FAULT_RETRY has released the fault lock, unless the fault has FAULT_FLAG_RETRY_NOWAIT (then it keeps it); the core will not release it, so it leaks",
		"mm/memory.c: handle_mm_fault(); include/linux/mm.h: struct vm_fault; mm/filemap.c: __folio_lock_or_retry()", Unchecked}
)

// callFaultHandler calls a fault-path handler (->fault, ->map_pages,
// ->page_mkwrite) and checks its lock discipline on return; k gets the
// handler's value and whether the fault lock is now gone, in which case the
// core must treat the fault as retried.
func (c *Call) callFaultHandler(h *Handler, desc string, args []Value, vmf *VMF, k func(ret Value, gone bool) Result) Result {
	before := append([]Hold(nil), c.T.holds...)
	return c.call(h, desc, args, func(ret Value) Result {
		if c.T.dead {
			return k(ret, false)
		}
		return k(ret, c.checkHandlerReturn(h, desc, ret, vmf, before))
	})
}

// checkHandlerReturn checks, where the handler returned, that it released
// what it took and that it dropped the fault lock only as allowed. It
// reports whether the fault lock is to be treated as gone.
func (c *Call) checkHandlerReturn(h *Handler, desc string, ret Value, vmf *VMF, before []Hold) bool {
	savedStack, savedPos, savedCalls := c.T.Stack, c.T.Pos, c.T.calls
	c.T.Stack = append(c.T.Stack[:len(c.T.Stack):len(c.T.Stack)], desc)
	c.T.calls = append(c.T.calls[:len(c.T.calls):len(c.T.calls)], callFrame{call: c, handler: h.Name})
	if c.RetPos.IsValid() {
		c.T.Pos = c.RetPos
	}
	defer func() { c.T.Stack, c.T.Pos, c.T.calls = savedStack, savedPos, savedCalls }()
	for _, hd := range c.T.holds {
		// A VMA write lock has no unlock of its own: it ends with the mmap
		// write lock, so it is not the handler's to release.
		if !holdIn(before, hd) && !(hd.Lock.Class == ClassVMALock && hd.Mode == Write) {
			c.K.violate(c.T, ruleHandlerKeepsLock, fmt.Sprintf("%s returns holding %s%s", h.Name, hd.Lock.Name, modeParen(hd.Lock, hd.Mode)),
				Related{hd.Pos, "taken here"})
		}
	}
	var code int64
	if ret.T == TInt {
		code = ret.Int
	}
	// The core releases the fault lock again: lockdep's "bad unlock
	// balance" for the mmap lock; for the VMA lock vma_end_read() drops
	// vm_refcnt to what looks like a detached VMA, which nothing checks.
	lock, dropped := mmOf(vmf.VMA.MM()).MmapLock.Name, Lockdep
	if vmf.heldVMA {
		lock, dropped = VMAName(vmf.VMA)+" read lock", Unchecked
	}
	switch gone := !c.faultLockHeld(vmf.VMA, vmf.heldVMA); {
	case gone && vmf.mkwrite:
		c.K.violateAs(c.T, ruleDroppedFaultLock, dropped, fmt.Sprintf("%s released the fault lock (%s), but ->page_mkwrite runs with vmf->flags = FAULT_FLAG_WRITE|FAULT_FLAG_MKWRITE (do_page_mkwrite): no FAULT_FLAG_ALLOW_RETRY, and the core goes on to lock the folio and map the page under the lock it no longer holds", h.Name, lock))
		return true
	case gone && !vmf.AllowRetry:
		c.K.violateAs(c.T, ruleDroppedFaultLock, dropped, fmt.Sprintf("%s released the fault lock (%s), but this fault does not allow retry (no FAULT_FLAG_ALLOW_RETRY)", h.Name, lock))
		return true
	case gone && vmf.RetryNowait:
		// mm/gup.c: faultin_page() leaves *locked = 1 for
		// FAULT_FLAG_RETRY_NOWAIT, and WARNs for a VM_FAULT_COMPLETED:
		// GUP goes on as if the lock were held.
		c.K.violateAs(c.T, ruleNowaitDroppedLock, dropped, fmt.Sprintf("%s released the fault lock (%s), but the fault has FAULT_FLAG_RETRY_NOWAIT (vmf.retry_nowait: "+
			"GUP's FOLL_NOWAIT): it must return VM_FAULT_RETRY with the lock held, and its caller, which still counts on the lock, releases it again", h.Name, lock))
		return true
	case gone && code&(VM_FAULT_RETRY|VM_FAULT_COMPLETED) == 0:
		c.K.violateAs(c.T, ruleDroppedFaultLock, dropped, fmt.Sprintf("%s released the fault lock (%s) but did not return VM_FAULT_RETRY or VM_FAULT_COMPLETED", h.Name, lock))
		return true
	case gone:
		return true
	case code&VM_FAULT_RETRY != 0 && vmf.RetryNowait:
		// __folio_lock_or_retry(): "CAUTION! In this case, mmap_lock/per-VMA
		// lock is not released even though returning VM_FAULT_RETRY": the
		// fault returns VM_FAULT_RETRY with the lock held.
		return false
	case code&VM_FAULT_RETRY != 0 && !vmf.mkwrite:
		// (do_page_mkwrite ignores VM_FAULT_RETRY: it is outside
		// VM_FAULT_ERROR, so the fault goes on with the lock held.)
		c.K.violate(c.T, ruleRetryHoldingLock, fmt.Sprintf("%s returned VM_FAULT_RETRY still holding the fault lock (%s): the core will not release it", h.Name, lock))
		return true
	}
	return false
}

func holdIn(hs []Hold, h Hold) bool {
	for _, x := range hs {
		if x.Lock == h.Lock && x.Mode == h.Mode {
			return true
		}
	}
	return false
}

// faultLockHeld reports whether the task holds what handle_mm_fault needs.
func (c *Call) faultLockHeld(v *mmcore.VMA, vmaLock bool) bool {
	if vmaLock {
		return c.K.vmaState(v).Lock.heldBy(c.T) == Read
	}
	return mmOf(v.MM()).MmapLock.heldBy(c.T) != 0
}

var ruleFaultLock = &Rule{"handle_mm_fault/needs-fault-lock",
	"handle_mm_fault() runs under the mmap lock, or under the VMA read lock with FAULT_FLAG_VMA_LOCK",
	"mm/memory.c: handle_mm_fault(); include/linux/mm.h: assert_fault_locked()", Unchecked}

func init() {
	defOp(&Op{Name: "release_fault_lock", Params: []Param{{Name: "vmf", Type: TVMF}},
		API: register(&API{Name: "release_fault_lock", Section: "2.26",
			Hold:    "the fault's lock: the VMA read lock with FAULT_FLAG_VMA_LOCK, else the mmap read lock",
			Takes:   "nothing; releases vma_end_read() or mmap_read_unlock()",
			Sleeps:  "no",
			Asserts: "as the unlock it calls",
			Source:  "include/linux/mm.h: release_fault_lock()",
			Notes: "a handler that drops the lock (to wait for I/O) returns VM_FAULT_RETRY; legal only when vmf.allow_retry and not vmf.retry_nowait " +
				"(FAULT_FLAG_RETRY_NOWAIT: return VM_FAULT_RETRY keeping the lock, as __folio_lock_or_retry() does)",
			Rules: []*Rule{ruleUnlockNotHeld, ruleDroppedFaultLock, ruleNowaitDroppedLock}}),
		Fn: func(c *Call) Result {
			vmf := c.Args[0].Obj.(*VMF)
			if vmf.VMALock {
				return c.release(c.K.vmaState(vmf.VMA).Lock, Read)
			}
			return c.release(mmOf(vmf.VMA.MM()).MmapLock, Read)
		}})
}

// writeNotify is vma_wants_writenotify() for the PTEs mmscript installs
// through vm_page_prot (insert_pfn): a shared VMA whose vm_ops has
// ->page_mkwrite or ->pfn_mkwrite gets them read-only, so that the first
// write faults and calls the hook (mm/mmap.c: vma_wants_writenotify(),
// vma_set_page_prot()).
func writeNotify(v *mmcore.VMA, addr mmcore.Addr) {
	o := opsOf(v)
	if o == nil || v.Flags&mmcore.VM_SHARED == 0 || o.PageMkwrite == nil && o.PfnMkwrite == nil {
		return
	}
	if w := v.MM().Walk(addr); w.Present() && w.Entry.Writable() {
		_, _ = v.MM().SetPTE(addr&^(mmcore.PageSize-1), w.Entry&^mmcore.PTEWrite)
	}
}

// coreFault is the data side of a fault with the fault lock held: a write
// to a private mapping without VM_WRITE is GUP's FOLL_FORCE write (the
// arch fault path turned user writes away in access_error()).
func coreFault(m *MM, v *mmcore.VMA, addr mmcore.Addr, write bool) (mmcore.FaultResult, error) {
	if write && v.Flags&mmcore.VM_WRITE == 0 {
		return m.Core.HandleFaultForce(v, addr)
	}
	return m.Core.HandleFault(v, addr, write)
}

// words yields the words of a |-combination, in order, so that an error
// names the first bad word (ranging over wordSet's map would name a random
// one, and a run would not reproduce its diagnostics).
func words(w string) iter.Seq[string] {
	// An iteration, not a slice: mmap's prot and flags are parsed at
	// every call, which is every run of the explorer (strings.Split and
	// the slice were two allocations per word list).
	return func(yield func(string) bool) {
		for w != "" {
			x, rest, _ := strings.Cut(w, "|")
			if x != "" && !yield(x) {
				return
			}
			w = rest
		}
	}
}

// wordSet is words as a set, for flag words whose order does not matter.
func wordSet(w string) map[string]bool {
	s := map[string]bool{}
	for x := range words(w) {
		s[x] = true
	}
	return s
}
