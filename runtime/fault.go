package runtime

import (
	"errors"
	"fmt"
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
	"PAGE_SIZE": mmcore.PageSize,
}

// VMF is a struct vm_fault as a handler sees it.
type VMF struct {
	VMA     *mmcore.VMA
	Address mmcore.Addr
	Write   bool
	VMALock bool // FAULT_FLAG_VMA_LOCK: the fault holds the VMA read lock, not the mmap lock
	// AllowRetry is FAULT_FLAG_ALLOW_RETRY: the handler may drop the fault
	// lock (release_fault_lock) and return VM_FAULT_RETRY.
	AllowRetry bool
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

// faultFlags are the vm_fault flags mmscript models.
type faultFlags struct {
	write      bool // FAULT_FLAG_WRITE
	vmaLock    bool // FAULT_FLAG_VMA_LOCK: the fault holds the VMA read lock, not the mmap lock
	allowRetry bool // FAULT_FLAG_ALLOW_RETRY: a handler may drop the fault lock
	tried      bool // FAULT_FLAG_TRIED: this fault was retried before
}

// vmFaultError is VM_FAULT_ERROR (include/linux/mm_types.h) restricted to
// the bits mmscript returns.
const vmFaultError = VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV

// faultAroundPages is fault_around_pages (mm/memory.c): 64 KiB by default.
const faultAroundPages = 65536 >> mmcore.PageShift

// fault runs the body of handle_mm_fault() for v at addr. The caller holds
// the fault lock: v's VMA read lock with fl.vmaLock, else the mmap lock.
// k receives the vm_fault_t result; with VM_FAULT_RETRY or
// VM_FAULT_COMPLETED the fault lock has been released (release_fault_lock),
// and the caller must not release it again.
//
// Under the VMA lock the fault gives up (vma_end_read, VM_FAULT_RETRY) only
// where the kernel does (mm/memory.c): vmf_can_call_fault() before ->fault
// and ->page_mkwrite of a VMA without ->map_pages (do_read_fault,
// do_cow_fault, do_shared_fault, wp_page_shared), and vmf_anon_prepare()
// when a private write needs an anon_vma and mmap_read_trylock fails
// (do_anonymous_page, do_cow_fault, wp_page_copy). A read of a present PTE,
// or a VMA without ->fault, finishes under the VMA lock.
func (c *Call) fault(v *mmcore.VMA, addr mmcore.Addr, fl faultFlags, k func(code int64) Result) Result {
	write, vmaLock := fl.write, fl.vmaLock
	m := mmOf(v.MM())
	addr &^= mmcore.PageSize - 1
	shared := v.Flags&mmcore.VM_SHARED != 0
	o := opsOf(v)
	retry := func() Result {
		c.unlock(c.K.vmaState(v).Lock, Read)
		return k(VM_FAULT_RETRY)
	}
	// canCallFault is vmf_can_call_fault(): "all vm_ops that have a
	// ->map_pages have been audited and don't need the mmap_lock".
	canCallFault := func(then func() Result) Result {
		if vmaLock && o != nil && o.MapPages == nil {
			return retry()
		}
		return then()
	}
	// anonPrepare is vmf_anon_prepare() (mm/internal.h, mm/memory.c:
	// __vmf_anon_prepare()): a private write needs the VMA's anon_vma; under
	// the VMA lock alone __anon_vma_prepare() may not look at the
	// neighbours, so it takes mmap_read_trylock, or gives up with RETRY.
	anonPrepare := func(then func() Result) Result {
		if shared || v.AnonVMA() != nil {
			return then()
		}
		if vmaLock {
			if !c.T.TryAcquire(m.MmapLock, Read) {
				return retry()
			}
			v.MM().PrepareAnonVMA(v)
			c.unlock(m.MmapLock, Read)
		}
		return then()
	}
	vmf := &VMF{VMA: v, Address: addr, Write: write, VMALock: vmaLock, AllowRetry: fl.allowRetry, Tried: fl.tried, heldVMA: vmaLock}
	// released finishes the fault when a handler released the fault
	// lock: the core must not touch the VMA or the lock again.
	released := func(ret Value) Result {
		code := int64(VM_FAULT_RETRY)
		if ret.T == TInt && ret.Int&VM_FAULT_COMPLETED != 0 {
			code = VM_FAULT_COMPLETED
		}
		return k(code)
	}
	vmfv := Obj(TVMF, vmf)
	installed := func() bool { return m.Core.Walk(addr).Present() }
	// mkwrite runs ->page_mkwrite (when the VMA has one) before a shared
	// write maps the page writable (do_page_mkwrite), then then().
	// do_page_mkwrite() sets vmf->flags = FAULT_FLAG_WRITE|FAULT_FLAG_MKWRITE
	// for the call: the handler sees neither FAULT_FLAG_VMA_LOCK nor
	// FAULT_FLAG_ALLOW_RETRY, whatever lock the fault holds, so it may not
	// drop the lock, and a VM_FAULT_RETRY it returns is not an error to the
	// core (outside VM_FAULT_ERROR): the fault goes on.
	mkwrite := func(then func() Result) Result {
		if o == nil || o.PageMkwrite == nil {
			return then()
		}
		mvmf := &VMF{VMA: v, Address: addr, Write: true, heldVMA: vmaLock, mkwrite: true}
		return c.callFaultHandler(o.PageMkwrite, "page_mkwrite handler "+o.PageMkwrite.Name, []Value{Obj(TVMF, mvmf)}, mvmf, func(ret Value, gone bool) Result {
			if gone {
				return released(ret)
			}
			if ret.T == TInt && ret.Int&(vmFaultError|VM_FAULT_NOPAGE) != 0 {
				return k(ret.Int)
			}
			return then()
		})
	}
	underPTL := func(fn func() error) Result {
		var code int64
		return c.underPTL(m, addr, func() { code = faultCode(fn()) }, func() Result { return k(code) })
	}
	// __handle_mm_fault(): the PMD level first. For anonymous memory whose
	// VMA allows a PMD-mapped THP (VM_HUGEPAGE, enabled=madvise) at a none
	// PMD, create_huge_pmd() -> do_huge_pmd_anonymous_page(); on a huge
	// PMD, wp_huge_pmd() / huge_pmd_set_accessed(). Both run under the PMD
	// lock; VM_FAULT_FALLBACK (no THP, or a COW split the PMD) goes on to
	// the PTE level.
	if o == nil && !(write && v.Flags&mmcore.VM_WRITE == 0) {
		if w := m.Core.Walk(addr); w.Huge() || m.Core.THPFaultAllowed(v, addr, false) {
			return anonPrepare(func() Result {
				return c.hugePMDFault(m, v, addr, write, func() Result { return c.fault(v, addr, fl, k) }, k)
			})
		}
	}
	if w := m.Core.Walk(addr); w.Present() {
		if !write || w.Entry.Writable() {
			return k(0)
		}
		if shared {
			// do_wp_page -> wp_page_shared: vmf_can_call_fault and
			// ->page_mkwrite, then make the PTE writable under the PTE
			// lock; without ->page_mkwrite (or for a special PTE,
			// wp_pfn_shared without ->pfn_mkwrite) wp_page_reuse.
			mk := func() Result {
				return underPTL(func() error { _, err := m.Core.MkWrite(v, addr); return err })
			}
			if o != nil && o.PageMkwrite != nil && !w.Entry.Special() {
				return canCallFault(func() Result { return mkwrite(mk) })
			}
			if o != nil && o.PfnMkwrite != nil && w.Entry.Special() {
				// wp_pfn_shared(): vmf_can_call_fault(), then
				// "vmf->flags |= FAULT_FLAG_MKWRITE": ->pfn_mkwrite sees the
				// fault's own flags (unlike ->page_mkwrite), and its
				// VM_FAULT_ERROR or VM_FAULT_NOPAGE ends the fault; else
				// finish_mkwrite_fault() maps the PTE writable.
				return canCallFault(func() Result {
					return c.callFaultHandler(o.PfnMkwrite, "pfn_mkwrite handler "+o.PfnMkwrite.Name, []Value{vmfv}, vmf, func(ret Value, gone bool) Result {
						if c.T.dead {
							return k(VM_FAULT_SIGBUS)
						}
						if gone {
							return released(ret)
						}
						if ret.T == TInt && ret.Int&(vmFaultError|VM_FAULT_NOPAGE) != 0 {
							return k(ret.Int)
						}
						return mk()
					})
				})
			}
			return mk()
		}
		// A private write to a present page: wp_page_copy (or reuse),
		// which starts with vmf_anon_prepare.
		return anonPrepare(func() Result {
			return underPTL(func() error { _, err := coreFault(m, v, addr, true); return err })
		})
	}
	if o == nil {
		// Anonymous memory (do_anonymous_page) and plain files
		// (filemap_fault, which has ->map_pages, so vmf_can_call_fault
		// lets it run under the VMA lock). A private write needs an
		// anon_vma first.
		body := func() Result {
			w, alloc, err := m.Core.AllocTables(addr)
			if err != nil {
				return k(faultCode(err))
			}
			return c.touchLocks(allocLocks(m, &w, alloc), func() Result {
				l := ptl(m, w.PTETable())
				return c.lock(l, Write, func() Result {
					_, err := coreFault(m, v, addr, write)
					c.unlock(l, Write)
					return k(faultCode(err))
				})
			})
		}
		if write {
			return anonPrepare(body)
		}
		return body()
	}
	// A driver's VMA: do_fault().
	callFault := func() Result {
		if o.Fault == nil {
			// "The VMA was not fully populated on mmap()": no retry,
			// SIGBUS for a none PTE.
			if installed() {
				return k(VM_FAULT_NOPAGE)
			}
			return k(VM_FAULT_SIGBUS)
		}
		return c.callFaultHandler(o.Fault, "fault handler "+o.Fault.Name, []Value{vmfv}, vmf, func(ret Value, gone bool) Result {
			if c.T.dead {
				return k(VM_FAULT_SIGBUS)
			}
			if gone {
				return released(ret)
			}
			switch ret.T {
			case TPage:
				// do_shared_fault: ->page_mkwrite before finish_fault.
				p := ret.Obj.(*mmcore.Page)
				finish := func() Result {
					return underPTL(func() error { _, err := m.Core.FinishFault(v, addr, p, write); return err })
				}
				if write && shared {
					return mkwrite(finish)
				}
				return finish()
			case TInt:
				if ret.Int&^(VM_FAULT_NOPAGE|VM_FAULT_LOCKED) != 0 {
					return k(ret.Int)
				}
			}
			if installed() {
				return k(VM_FAULT_NOPAGE)
			}
			return k(VM_FAULT_SIGBUS)
		})
	}
	switch {
	case o.Fault == nil:
		return callFault()
	case write && !shared:
		// do_cow_fault: vmf_can_call_fault, then vmf_anon_prepare.
		return canCallFault(func() Result { return anonPrepare(callFault) })
	case write:
		// do_shared_fault.
		return canCallFault(callFault)
	case o.MapPages == nil:
		// do_read_fault without fault-around.
		return canCallFault(callFault)
	}
	// do_read_fault -> do_fault_around(): ->map_pages runs under
	// rcu_read_lock and must not sleep; the window is fault_around_pages
	// naturally aligned, clamped to the VMA and to the PTE table.
	pteOff := uint64(addr>>mmcore.PageShift) & (mmcore.PTRS_PER_TABLE - 1)
	pgoff := v.PgoffOf(addr)
	vmaOff := pgoff - v.Pgoff()
	from := max(pteOff&^(faultAroundPages-1), pteOff-min(pteOff, vmaOff))
	to := min(from+faultAroundPages, mmcore.PTRS_PER_TABLE, pteOff+v.Pages()-vmaOff) - 1
	c.T.rcuLock()
	return c.callFaultHandler(o.MapPages, "map_pages handler "+o.MapPages.Name,
		[]Value{vmfv, Int(int64(pgoff + from - pteOff)), Int(int64(pgoff + to - pteOff))}, vmf, func(ret Value, gone bool) Result {
			c.T.rcuUnlock()
			if gone {
				return released(ret)
			}
			if installed() {
				return k(VM_FAULT_NOPAGE)
			}
			// vmf_can_call_fault passes: the VMA has ->map_pages.
			return callFault()
		})
}

// hugePMDFault is the PMD level of __handle_mm_fault for an anonymous
// VMA (mm/memory.c: create_huge_pmd(), wp_huge_pmd(); mm/huge_memory.c:
// do_huge_pmd_anonymous_page(), __do_huge_pmd_anonymous_page(),
// do_huge_pmd_wp_page(), huge_pmd_set_accessed()): pud_alloc() and
// pmd_alloc() publish new tables under mm->page_table_lock, then under
// the PMD lock the huge PMD is set (a new THP for a write, the huge zero
// page for a read), made writable or marked accessed. The caller ran
// vmf_anon_prepare(). fallback runs the PTE level (VM_FAULT_FALLBACK).
func (c *Call) hugePMDFault(m *MM, v *mmcore.VMA, addr mmcore.Addr, write bool, fallback func() Result, k func(code int64) Result) Result {
	a, err := m.Core.AllocPMD(addr &^ (mmcore.PMD_SIZE - 1))
	if err != nil {
		return k(faultCode(err))
	}
	var ls []*Lock
	if a.NeedsPageTableLock() {
		ls = append(ls, m.PageTableLock)
	}
	return c.touchLocks(ls, func() Result {
		l := ptl(m, m.Core.Walk(addr).PMD())
		return c.lock(l, Write, func() Result {
			_, handled, err := m.Core.HugePMDFault(v, addr, write)
			c.unlock(l, Write)
			switch {
			case err != nil:
				return k(faultCode(err))
			case !handled:
				if m.Core.Walk(addr).Huge() {
					return k(VM_FAULT_SIGBUS) // not reached: a fallback leaves no huge PMD
				}
				return fallback()
			}
			return k(0)
		})
	})
}

var (
	ruleHandlerKeepsLock = &Rule{"handler/returns-holding-lock",
		"a vm_operations_struct handler releases the locks it took before it returns",
		"include/linux/mm.h: struct vm_operations_struct; kernel/locking/lockdep.c: lockdep_sys_exit() \"lock held when returning to user space\"", Lockdep}
	ruleDroppedFaultLock = &Rule{"fault/dropped-lock",
		"a fault handler drops the fault lock only when FAULT_FLAG_ALLOW_RETRY is set, with release_fault_lock(), and then returns VM_FAULT_RETRY or VM_FAULT_COMPLETED; otherwise the core releases it again",
		"include/linux/mm.h: release_fault_lock(), struct vm_fault; mm/filemap.c: __folio_lock_or_retry(); the core's own unlock then finds the lock gone: kernel/locking/lockdep.c: print_unlock_imbalance_bug() for the mmap lock, a silent vm_refcnt underflow (vma_refcount_put()) for the VMA lock", Lockdep}
	ruleRetryHoldingLock = &Rule{"fault/retry-holding-lock",
		"a handler that returns VM_FAULT_RETRY has released the fault lock (mmscript's faults never set FAULT_FLAG_RETRY_NOWAIT); the core will not release it, so it leaks",
		"mm/memory.c: handle_mm_fault(); include/linux/mm.h: struct vm_fault", Unchecked}
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
	case gone && code&(VM_FAULT_RETRY|VM_FAULT_COMPLETED) == 0:
		c.K.violateAs(c.T, ruleDroppedFaultLock, dropped, fmt.Sprintf("%s released the fault lock (%s) but did not return VM_FAULT_RETRY or VM_FAULT_COMPLETED", h.Name, lock))
		return true
	case gone:
		return true
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
			Notes:   "a handler that drops the lock (to wait for I/O) returns VM_FAULT_RETRY; legal only when vmf.allow_retry",
			Rules:   []*Rule{ruleUnlockNotHeld, ruleDroppedFaultLock}}),
		Fn: func(c *Call) Result {
			vmf := c.Args[0].Obj.(*VMF)
			if vmf.VMALock {
				return c.release(c.K.vmaState(vmf.VMA).Lock, Read)
			}
			return c.release(mmOf(vmf.VMA.MM()).MmapLock, Read)
		}})

	defOp(&Op{Name: "touch",
		Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt},
			{Name: "access", Type: TWord, Words: []string{"read", "write"}, Optional: true, Default: Word("read")}},
		Result: TBool,
		API: register(&API{Name: "touch", Section: "2.18",
			Hold:   "no mmap lock of this mm (a user access may fault, and the fault takes it)",
			Takes:  "the x86 fault path: lock_vma_under_rcu -> handle_mm_fault(FAULT_FLAG_VMA_LOCK) -> vma_end_read; on RETRY or failure mmap_read_lock -> find_vma -> handle_mm_fault -> mmap_read_unlock",
			Sleeps: "yes",
			Source: "arch/x86/mm/fault.c: do_user_addr_fault(); mm/mmap_lock.c: lock_mm_and_find_vma()",
			Notes: "a user-mode access to addr by this thread's CPU; returns false when it would get SIGSEGV or SIGBUS. " +
				"Only user-mode faults try the per-VMA lock first: a kernel-mode fault (uaccess from a syscall) goes straight to " +
				"lock_mm_and_find_vma (arch/x86/mm/fault.c: do_user_addr_fault() \"if (!(flags & FAULT_FLAG_USER)) goto lock_mmap\")",
			Rules: []*Rule{ruleMightFault, ruleStaleTLB, ruleHandlerKeepsLock, ruleDroppedFaultLock, ruleRetryHoldingLock}}),
		Fn: func(c *Call) Result {
			m, addr := c.mm(0), c.addr(1)
			write := c.word(2) == "write"
			if h := m.MmapLock.heldBy(c.T); h != 0 {
				c.K.violate(c.T, ruleMightFault, fmt.Sprintf("user access while holding %s (%s): a fault would take it again", m.MmapLock.Name, h))
			}
			return c.userAccess(m, addr, write, func(ok bool) Result { return done(Bool(ok)) })
		}})
}

// userAccess performs a user access by the task's CPU: through the TLB if
// it has a translation, else through the arch fault path.
func (c *Call) userAccess(m *MM, addr mmcore.Addr, write bool, k func(ok bool) Result) Result {
	return c.userAccessMode(m, addr, write, true, k)
}

// userAccessMode is userAccess by user code (user) or by the kernel on
// user memory (a uaccess routine). A kernel-mode fault never tries the
// per-VMA lock (arch/x86/mm/fault.c: do_user_addr_fault() "if (!(flags &
// FAULT_FLAG_USER)) goto lock_mmap"). Both give up on an access the VMA
// does not allow (access_error()) before handle_mm_fault.
func (c *Call) userAccessMode(m *MM, addr mmcore.Addr, write, user bool, k func(ok bool) Result) Result {
	tr, hit := m.Core.TLB.Translate(c.T.CPU, addr)
	if write {
		tr, hit = m.Core.TLB.TranslateWrite(c.T.CPU, addr)
	}
	// A stale translation to a live page is the normal window between
	// clearing an entry and the flush; one that reaches a freed page means
	// the page was freed before the flush.
	if hit && tr.Hit && tr.UseAfterFree {
		c.K.violate(c.T, ruleStaleTLB, fmt.Sprintf("user access at %#x on CPU %d used a stale TLB entry reaching a freed page (the page was freed before the TLB flush)", uint64(addr), c.T.CPU))
		return k(true)
	}
	if hit {
		return k(true)
	}
	m.Core.TLB.FlushPage(c.T.CPU, addr) // the fault drops this CPU's entry
	after := func(code int64) Result {
		if code&(VM_FAULT_SIGSEGV|VM_FAULT_SIGBUS|VM_FAULT_OOM) != 0 {
			return k(false)
		}
		// The access is retried after the fault and the hardware walk
		// fills this CPU's TLB.
		if write {
			_, ok := m.Core.TLB.TranslateWrite(c.T.CPU, addr)
			return k(ok)
		}
		_, ok := m.Core.TLB.Translate(c.T.CPU, addr)
		return k(ok)
	}
	// User faults set FAULT_FLAG_ALLOW_RETRY (FAULT_FLAG_DEFAULT). After a
	// VM_FAULT_RETRY the fault lock is gone and the arch code faults again
	// with FAULT_FLAG_TRIED; mmscript gives up after maxFaultRetries, where
	// the kernel would keep looping.
	var slow func(tries int) Result
	slow = func(tries int) Result {
		return c.lock(m.MmapLock, Read, func() Result {
			v := m.Core.FindVMA(addr)
			if v == nil || !v.Contains(addr) || accessError(v, write) {
				c.unlock(m.MmapLock, Read)
				return k(false)
			}
			fl := faultFlags{write: write, allowRetry: true, tried: tries > 0}
			return c.fault(v, addr, fl, func(code int64) Result {
				switch {
				case code&VM_FAULT_COMPLETED != 0:
					return k(true)
				case code&VM_FAULT_RETRY != 0 && tries < maxFaultRetries:
					return slow(tries + 1)
				case code&VM_FAULT_RETRY != 0:
					return k(false)
				}
				c.unlock(m.MmapLock, Read)
				return after(code)
			})
		})
	}
	if v := m.Core.VMALookup(addr); user && v != nil && c.T.TryAcquire(c.K.vmaState(v).Lock, Read) {
		if accessError(v, write) {
			c.unlock(c.K.vmaState(v).Lock, Read)
			return k(false)
		}
		return c.fault(v, addr, faultFlags{write: write, vmaLock: true, allowRetry: true}, func(code int64) Result {
			if code&VM_FAULT_COMPLETED != 0 {
				return k(true)
			}
			if code&VM_FAULT_RETRY != 0 {
				return slow(0)
			}
			c.unlock(c.K.vmaState(v).Lock, Read)
			return after(code)
		})
	}
	return slow(0)
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

// accessError is x86's access_error() for a data access: a write needs
// VM_WRITE, a read any of VM_READ, VM_WRITE, VM_EXEC. (handle_mm_fault
// itself lets a write through a VM_MAYWRITE private mapping without
// VM_WRITE: GUP's FOLL_FORCE.)
func accessError(v *mmcore.VMA, write bool) bool {
	if write {
		return v.Flags&mmcore.VM_WRITE == 0
	}
	return v.Flags&(mmcore.VM_READ|mmcore.VM_WRITE|mmcore.VM_EXEC) == 0
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

// maxFaultRetries bounds how often a user access refaults after
// VM_FAULT_RETRY.
const maxFaultRetries = 3

// words splits a |-combination into its words, in order, so that an error
// names the first bad word (ranging over wordSet's map would name a random
// one, and a run would not reproduce its diagnostics).
func words(w string) []string {
	var out []string
	for _, x := range strings.Split(w, "|") {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

// wordSet is words as a set, for flag words whose order does not matter.
func wordSet(w string) map[string]bool {
	s := map[string]bool{}
	for _, x := range words(w) {
		s[x] = true
	}
	return s
}
