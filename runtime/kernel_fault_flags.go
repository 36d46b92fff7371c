package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// The fault flags a caller of handle_mm_fault() chooses and the checks the
// kernel makes of them: sanitize_fault_flags(), the first thing
// handle_mm_fault() does, and FAULT_FLAG_RETRY_NOWAIT, with which a
// handler that would wait returns VM_FAULT_RETRY keeping the fault lock
// (GUP's FOLL_NOWAIT: mm/gup.c: faultin_page()).

// readFaultFlags: the kernel text the flag checks were read from. The
// mainline tree is too large to fetch here; the code search's copies of
// these functions agree with each other from 6.6 on.
const readFaultFlags = "mm/memory.c sanitize_fault_flags(), mm/gup.c faultin_page(), mm/filemap.c __folio_lock_or_retry() and " +
	"lock_folio_maybe_drop_mmap(), mm/internal.h maybe_unlock_mmap_for_io(), include/linux/mm_types.h enum fault_flag: " +
	"mainline copies (6.6 to 2026) found by the code search, read"

var (
	ruleFaultUnshareWrite = &Rule{"handle_mm_fault/unshare-with-write",
		"FAULT_FLAG_UNSHARE and FAULT_FLAG_WRITE are incompatible: an unshare request is a read fault that breaks COW, a write fault breaks it anyway",
		"mm/memory.c: sanitize_fault_flags(): if (unlikely(*flags & FAULT_FLAG_UNSHARE)) { if (WARN_ON_ONCE(*flags & FAULT_FLAG_WRITE)) return VM_FAULT_SIGSEGV; ... }", WARN}
	ruleFaultWriteNoMaywrite = &Rule{"handle_mm_fault/write-without-maywrite",
		"\"Write faults on read-only mappings are impossible\": a write fault (FAULT_FLAG_WRITE) needs VM_MAYWRITE; the arch fault path (access_error()) and GUP (check_vma_flags()) turn the access away before",
		"mm/memory.c: sanitize_fault_flags(): if (WARN_ON_ONCE(!(vma->vm_flags & VM_MAYWRITE))) return VM_FAULT_SIGSEGV;", WARN}
	ruleFaultWriteNotCOW = &Rule{"handle_mm_fault/write-not-cow",
		"\"FOLL_FORCE only applies to COW mappings\": a write fault on a VMA without VM_WRITE is GUP's FOLL_FORCE write, which needs a private mapping that may be written (is_cow_mapping())",
		"mm/memory.c: sanitize_fault_flags(): if (WARN_ON_ONCE(!(vma->vm_flags & VM_WRITE) && !is_cow_mapping(vma->vm_flags))) return VM_FAULT_SIGSEGV;", WARN}
	ruleFaultVMALockNowait = &Rule{"handle_mm_fault/vma-lock-retry-nowait",
		"\"Per-VMA locks can't be used with FAULT_FLAG_RETRY_NOWAIT because of the assumption that lock is dropped on VM_FAULT_RETRY\": a fault under the VMA read lock (FAULT_FLAG_VMA_LOCK) may not ask to keep its lock",
		"mm/memory.c: sanitize_fault_flags() (CONFIG_PER_VMA_LOCK): if (WARN_ON_ONCE((*flags & (FAULT_FLAG_VMA_LOCK | FAULT_FLAG_RETRY_NOWAIT)) == (FAULT_FLAG_VMA_LOCK | FAULT_FLAG_RETRY_NOWAIT))) return VM_FAULT_SIGSEGV;", WARN}
	ruleNowaitDroppedLock = &Rule{"fault/retry-nowait-dropped-lock",
		"under FAULT_FLAG_RETRY_NOWAIT (GUP's FOLL_NOWAIT) a handler that would wait returns VM_FAULT_RETRY without dropping the fault lock: the caller still counts on holding it, and releases it itself",
		"include/linux/mm_types.h: enum fault_flag (\"@FAULT_FLAG_RETRY_NOWAIT: Don't drop mmap_lock and wait when retrying\"); mm/filemap.c: __folio_lock_or_retry() " +
			"(\"if (flags & FAULT_FLAG_RETRY_NOWAIT) return VM_FAULT_RETRY;\" before release_fault_lock()), lock_folio_maybe_drop_mmap(); mm/internal.h: maybe_unlock_mmap_for_io(); " +
			"mm/gup.c: faultin_page() (\"if (!(fault_flags & FAULT_FLAG_RETRY_NOWAIT)) *locked = 0;\"): GUP goes on as if the lock were held, and its caller's " +
			"mmap_read_unlock() finds it gone: kernel/locking/lockdep.c: print_unlock_imbalance_bug()", Lockdep}
)

// sanitizeFaultRules are the rules of sanitize_fault_flags(), for the
// rule-book entries of the steps and paths that run it.
var sanitizeFaultRules = []*Rule{ruleFaultUnshareWrite, ruleFaultWriteNoMaywrite, ruleFaultWriteNotCOW, ruleFaultVMALockNowait}

// sanitizeFaultFlags is mm/memory.c: sanitize_fault_flags(), the checks
// handle_mm_fault() makes of its flags against the VMA before anything
// else: each one broken is a WARN_ON_ONCE() and the fault fails with
// VM_FAULT_SIGSEGV, a nil vm_fault to the library's handle_mm_fault
// (ok false, r its result). FAULT_FLAG_UNSHARE on a mapping that is not
// COW is cleared from w ("just treat it like an ordinary read-fault"); on
// a COW mapping the unshare fault itself (do_wp_page()'s copy of a shared
// anonymous page to an exclusive one mapped read-only, GUP's
// gup_must_unshare()) is not modelled, and the call fails saying so.
func (c *Call) sanitizeFaultFlags(v *mmcore.VMA, w map[string]bool) (r Result, ok bool) {
	sigsegv := func(rule *Rule, what string) (Result, bool) {
		c.K.violate(c.T, rule, fmt.Sprintf("handle_mm_fault on %s: %s; sanitize_fault_flags() WARNs and the fault fails with VM_FAULT_SIGSEGV", VMAName(v), what))
		return done(Nil), false
	}
	cow := mmcore.IsCOWMapping(v.Flags)
	switch {
	case w["unshare"] && w["write"]:
		return sigsegv(ruleFaultUnshareWrite, "FAULT_FLAG_UNSHARE with FAULT_FLAG_WRITE")
	case w["unshare"] && !cow:
		delete(w, "unshare") // FAULT_FLAG_UNSHARE only applies to COW mappings
	case w["unshare"]:
		return fail("handle_mm_fault: FAULT_FLAG_UNSHARE on the COW mapping %s: the unshare fault (do_wp_page() copying a shared anonymous page to an exclusive one "+
			"mapped read-only, for GUP's gup_must_unshare()) is not modelled; mmscript models only sanitize_fault_flags()'s checks of the flag", VMAName(v)), false
	case w["write"] && v.Flags&mmcore.VM_MAYWRITE == 0:
		return sigsegv(ruleFaultWriteNoMaywrite, "a write fault (FAULT_FLAG_WRITE) on a VMA without VM_MAYWRITE")
	case w["write"] && v.Flags&mmcore.VM_WRITE == 0 && !cow:
		return sigsegv(ruleFaultWriteNotCOW, "a write fault (FAULT_FLAG_WRITE) on a shared VMA without VM_WRITE, which is no COW mapping")
	}
	if w["vma_lock"] && w["retry_nowait"] {
		return sigsegv(ruleFaultVMALockNowait, "FAULT_FLAG_VMA_LOCK with FAULT_FLAG_RETRY_NOWAIT")
	}
	return Result{}, true
}
