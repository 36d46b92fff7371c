package interp

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestUserCopyFaultDecision runs the x86 fault path of a kernel-mode user
// copy (kernel/x86_fault.mms: do_user_addr_fault()) under each context:
// with faulthandler_disabled() (pagefault_disable(), or a spinlock held:
// in_atomic()) a page that is not present ends the copy with the bytes
// not copied, no lock is taken and the page stays absent (bad_area_nosemaphore()
// -> kernelmode_fixup_or_oops() -> fixup_exception()); otherwise the fault
// takes the mmap read lock and maps the page (when the caller already
// holds it, the fault's mmap_read_trylock() succeeds unchecked: only
// might_fault() reports the caller's lock). copy_from_user()'s might_fault()
// checks nothing under pagefault_disable() (mm/memory.c: __might_fault()),
// but does under a spinlock: pagefault_disable() is what turns the
// checks off, not in_atomic().
func TestUserCopyFaultDecision(t *testing.T) {
	const n = 8
	for _, copyFn := range []string{"__copy_from_user_inatomic", "copy_from_user"} {
		for _, ctx := range []string{"none", "pagefault_disable", "spinlock"} {
			for _, present := range []bool{true, false} {
				for _, mmapLock := range []bool{false, true} {
					pf, spin := ctx == "pagefault_disable", ctx == "spinlock"
					disabled := pf || spin // faulthandler_disabled()
					wantLeft := 0
					if !present && disabled {
						wantLeft = n
					}
					wantPresent := present || !disabled
					var want []string
					if copyFn == "copy_from_user" && !pf {
						if spin {
							want = append(want, "lock/sleep-in-atomic") // __might_sleep()
						}
						if mmapLock {
							want = append(want, "uaccess/might-fault-under-mmap-lock") // might_lock_read()
						}
					}
					// With the mmap lock held and faults enabled, the fault
					// takes it again by mmap_read_trylock()
					// (get_mmap_lock_carefully()), which lockdep does not
					// check: only might_fault()'s annotation reports it.
					name := fmt.Sprintf("%s/%s/present=%v/mmap_lock=%v", copyFn, ctx, present, mmapLock)
					t.Run(name, func(t *testing.T) {
						var b strings.Builder
						b.WriteString("mm m\nspinlock s\nmmap(m, 0x100000, pages=1, prot=rw)\n")
						if present {
							b.WriteString("touch(m, 0x100000, write)\n")
						}
						b.WriteString("thread t {\n")
						if mmapLock {
							b.WriteString("  mmap_read_lock(m)\n")
						}
						if spin {
							b.WriteString("  spin_lock(s)\n")
						}
						if pf {
							b.WriteString("  pagefault_disable()\n")
						}
						fmt.Fprintf(&b, "  left = %s(m, 0x100000, %d)\n", copyFn, n)
						if pf {
							b.WriteString("  pagefault_enable()\n")
						}
						if spin {
							b.WriteString("  spin_unlock(s)\n")
						}
						if mmapLock {
							b.WriteString("  mmap_read_unlock(m)\n")
						}
						fmt.Fprintf(&b, "  assert left == %d, \"bytes not copied\"\n", wantLeft)
						// a kernel load now: through the TLB or the hardware walk, no fault
						fmt.Fprintf(&b, "  assert cpu_access(m, 0x100000, 0) == %v, \"page present after the copy\"\n}\n", wantPresent)
						res := run(t, b.String(), Options{})
						var got []string
						for _, d := range res.Diagnostics {
							got = append(got, d.Rule)
						}
						slices.Sort(got)
						slices.Sort(want)
						if !slices.Equal(got, want) {
							t.Errorf("rules %q, want %q\n%s\n%s", got, want, b.String(), diagLines(res))
						}
					})
				}
			}
		}
	}
}

// TestUserModeFaultWithFaultsDisabled: a user-mode access of a thread that
// went back to user mode with pagefault_disable() in effect takes the same
// exit: SIGSEGV on a mapped page (touch fails), reported as such.
func TestUserModeFaultWithFaultsDisabled(t *testing.T) {
	res := run(t, `mm m
mmap(m, 0x100000, pages=1, prot=rw)
thread t {
  pagefault_disable()
  assert !touch(m, 0x100000, write), "a fault of user mode with faults disabled gets SIGSEGV"
  pagefault_enable()
  assert touch(m, 0x100000, write), "faults enabled again"
}
`, Options{})
	var got []string
	for _, d := range res.Diagnostics {
		got = append(got, fmt.Sprintf("%s@%d", d.Rule, d.ScriptLine()))
	}
	if want := []string{"pagefault/disabled-at-user-return@5"}; !slices.Equal(got, want) {
		t.Errorf("diagnostics %q, want %q\n%s", got, want, diagLines(res))
	}
}
