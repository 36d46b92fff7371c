package runtime

import (
	"slices"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestSanitizeFaultFlags runs handle_mm_fault()'s first step over the
// flag combinations and VMAs of mm/memory.c: sanitize_fault_flags(): each
// WARN_ON_ONCE'd combination is its rule and a nil vm_fault (the
// library's VM_FAULT_SIGSEGV), the others a vm_fault with the flags it
// keeps (FAULT_FLAG_UNSHARE cleared on a mapping that is not COW,
// FAULT_FLAG_RETRY_NOWAIT as vmf.retry_nowait).
func TestSanitizeFaultFlags(t *testing.T) {
	const (
		cow    = "private rw (COW)"
		roCOW  = "private r, VM_MAYWRITE (COW: FOLL_FORCE's write)"
		shared = "shared rw"
		roShr  = "shared r, VM_MAYWRITE (not COW)"
		noMay  = "private r, no VM_MAYWRITE"
	)
	kinds := map[string]struct {
		flags mmcore.MapFlags
		clear mmcore.VMFlags
	}{
		cow:    {mmcore.MAP_PRIVATE | mmcore.MAP_ANONYMOUS, 0},
		roCOW:  {mmcore.MAP_PRIVATE | mmcore.MAP_ANONYMOUS, mmcore.VM_WRITE},
		shared: {mmcore.MAP_SHARED | mmcore.MAP_ANONYMOUS, 0},
		roShr:  {mmcore.MAP_SHARED | mmcore.MAP_ANONYMOUS, mmcore.VM_WRITE},
		noMay:  {mmcore.MAP_PRIVATE | mmcore.MAP_ANONYMOUS, mmcore.VM_WRITE | mmcore.VM_MAYWRITE},
	}
	for _, tc := range []struct {
		vma, flags string
		vmaLock    bool   // the fault holds the VMA read lock, not the mmap lock
		rule       string // "": a vm_fault comes back
		nowait     bool   // its vmf.retry_nowait
	}{
		{vma: cow, flags: "write"},
		{vma: roCOW, flags: "FAULT_FLAG_WRITE"},
		{vma: shared, flags: "write|allow_retry|retry_nowait", nowait: true},
		{vma: noMay, flags: "write", rule: "handle_mm_fault/write-without-maywrite"},
		{vma: noMay, flags: "read"},
		{vma: roShr, flags: "write", rule: "handle_mm_fault/write-not-cow"},
		{vma: roShr, flags: "read|retry_nowait", nowait: true},
		{vma: cow, flags: "unshare|write", rule: "handle_mm_fault/unshare-with-write"},
		{vma: shared, flags: "FAULT_FLAG_UNSHARE|FAULT_FLAG_WRITE", rule: "handle_mm_fault/unshare-with-write"},
		{vma: shared, flags: "unshare"},                                                  // not COW: cleared, a read fault
		{vma: noMay, flags: "unshare|write", rule: "handle_mm_fault/unshare-with-write"}, // UNSHARE is checked before the write's VM_MAYWRITE
		{vma: cow, flags: "vma_lock|allow_retry|retry_nowait", vmaLock: true, rule: "handle_mm_fault/vma-lock-retry-nowait"},
		{vma: cow, flags: "FAULT_FLAG_VMA_LOCK|FAULT_FLAG_ALLOW_RETRY", vmaLock: true},
		{vma: cow, flags: "allow_retry|retry_nowait", nowait: true},
	} {
		t.Run(tc.vma+"/"+tc.flags, func(t *testing.T) {
			k, m := newMM(t)
			kind := kinds[tc.vma]
			v := mapVMA(t, k, m, 0x100000, 1, kind.flags, nil, "")
			v.Flags &^= kind.clear
			tk := k.NewTask("T")
			if tc.vmaLock {
				do(t, k, tk, "mmap_read_lock", mmV(m))
				do(t, k, tk, "vma_start_read_locked", vmaV(v))
				do(t, k, tk, "mmap_read_unlock", mmV(m))
			} else {
				do(t, k, tk, "mmap_read_lock", mmV(m))
			}
			got := do(t, k, tk, "sanitize_fault_flags", vmaV(v), addrV(0x100000), Word(tc.flags))
			if tc.rule != "" {
				wantRules(t, k, tc.rule)
				if got.T != TNil {
					t.Fatalf("got %v, want nil (VM_FAULT_SIGSEGV)", got)
				}
				if d := lastDiag(t, k); d.Kernel != WARN || !strings.Contains(d.Msg, "VM_FAULT_SIGSEGV") {
					t.Fatalf("diagnostic %s: want a WARN that says VM_FAULT_SIGSEGV", d)
				}
				return
			}
			wantRules(t, k)
			vmf, ok := got.Obj.(*VMF)
			if !ok {
				t.Fatalf("got %v, want a vm_fault", got)
			}
			if vmf.RetryNowait != tc.nowait || vmf.VMALock != tc.vmaLock {
				t.Fatalf("vmf: retry_nowait %v vma_lock %v, want %v %v", vmf.RetryNowait, vmf.VMALock, tc.nowait, tc.vmaLock)
			}
		})
	}
}

// TestSanitizeFaultFlagsUnshareCOW: the unshare fault on a COW mapping is
// not modelled, and the step fails saying so rather than faulting as if
// it were a read.
func TestSanitizeFaultFlagsUnshareCOW(t *testing.T) {
	k, m := newMM(t)
	v := mapAnon(t, k, m, 0x100000, 1)
	tk := k.NewTask("T")
	do(t, k, tk, "mmap_read_lock", mmV(m))
	c := &Call{K: k, T: tk, Op: LookupOp("sanitize_fault_flags"), Args: []Value{vmaV(v), addrV(0x100000), Word("unshare")}}
	r := c.Op.Fn(c)
	if r.Status != Failed || !strings.Contains(r.Err.Error(), "not modelled") {
		t.Fatalf("got status %d (%v), want a failure saying the unshare fault is not modelled", r.Status, r.Err)
	}
}

// TestFaultFlagBits: the kernel's values of enum fault_flag
// (include/linux/mm_types.h) convert to mmscript's words and back, so that
// faultin_page()'s int flags reach the fault as the words it tests.
func TestFaultFlagBits(t *testing.T) {
	for _, tc := range []struct {
		v     int64
		words []string // faultFlagSet of the conversion, sorted
		ok    bool
	}{
		{1 << 0, []string{"read", "write"}, true},
		{1<<2 | 1<<3, []string{"allow_retry", "read", "retry_nowait"}, true}, // FOLL_NOWAIT's
		{1<<2 | 1<<4 | 1<<3 | 1<<5, []string{"allow_retry", "read", "retry_nowait", "tried"}, true},
		{1 << 10, []string{"read", "unshare"}, true},
		{1<<12 | 1<<3, []string{"read", "retry_nowait", "vma_lock"}, true},
		{1 << 1, nil, false}, // FAULT_FLAG_MKWRITE: the core's, no caller's
		{1 << 8, nil, false}, // FAULT_FLAG_INSTRUCTION
	} {
		w, ok := faultFlagWord(tc.v)
		if ok != tc.ok {
			t.Errorf("faultFlagWord(%#x): ok %v, want %v", tc.v, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		var got []string
		for x := range faultFlagSet(w) {
			got = append(got, x)
		}
		slices.Sort(got)
		if strings.Join(got, ",") != strings.Join(tc.words, ",") {
			t.Errorf("faultFlagSet(faultFlagWord(%#x) = %q) = %v, want %v", tc.v, w, got, tc.words)
		}
	}
	if Constants["FAULT_FLAG_RETRY_NOWAIT"] != 1<<3 || Constants["FAULT_FLAG_UNSHARE"] != 1<<10 {
		t.Errorf("FAULT_FLAG_RETRY_NOWAIT = %#x, FAULT_FLAG_UNSHARE = %#x: want the kernel's 1 << 3 and 1 << 10",
			Constants["FAULT_FLAG_RETRY_NOWAIT"], Constants["FAULT_FLAG_UNSHARE"])
	}
}
