package runtime

import (
	"strings"
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestMMFOOMSkipUnderLock: a task without mm_users (the OOM reaper, by
// tsk->signal->oom_mm) walks the VMAs of an mm whose last mmput() ran
// only after it found MMF_OOM_SKIP clear under the mmap lock it still
// holds: found clear without the lock, or clear under it after a teardown
// that did not set it first (a script's own exit_mmap()), or under an
// earlier hold of the lock, the walk is mm/use-without-mm-users; found
// set, the reaper leaves the mm alone.
func TestMMFOOMSkipUnderLock(t *testing.T) {
	tests := []struct {
		name       string
		setSkip    bool // exit_mmap() got as far as mm_flags_set(MMF_OOM_SKIP)
		tearDown   bool // exit_mmap() took the VMAs out of the tree
		testLocked bool // the reaper tests the flag under the lock it walks under
		relock     bool // and drops and retakes the lock before the walk
		want       []string
	}{
		{"clear under the lock", false, false, true, false, nil},
		{"clear before the lock", false, false, false, false, []string{ruleMMUsersZero.ID}},
		{"clear under an earlier hold of the lock", false, false, true, true, []string{ruleMMUsersZero.ID}},
		{"set: the reaper leaves", true, true, true, false, nil},
		{"clear after a teardown that did not set it", false, true, true, false, []string{ruleMMUsersZero.ID}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			mapAnon(t, k, m, 0x100000, 1)
			victim, reaper := k.NewTask("victim"), k.NewTask("oom_reaper")
			if !do(t, k, victim, "atomic_dec_and_test", mmV(m)).Truth() {
				t.Fatal("the process's reference was not the last")
			}
			skip := Int(MMF_OOM_SKIP)
			if !tc.testLocked && do(t, k, reaper, "mm_flags_test", skip, mmV(m)).Truth() {
				t.Fatal("MMF_OOM_SKIP set on a fresh mm")
			}
			if tc.setSkip {
				do(t, k, victim, "mm_flags_set", skip, mmV(m))
			}
			if tc.tearDown {
				do(t, k, victim, "mmap_write_lock", mmV(m))
				vms := do(t, k, victim, "vms_gather_munmap_vmas", mmV(m), addrV(0), Int(int64(m.Core.TaskSize())), Bool(false))
				do(t, k, victim, "vma_iter_clear_gfp", vms)
				do(t, k, victim, "mmap_write_unlock", mmV(m))
				if !m.exitTornDown {
					t.Fatal("exit_mmap()'s vma_iter_clear_gfp() not recorded as the teardown")
				}
			}
			do(t, k, reaper, "mmap_read_lock", mmV(m))
			if tc.testLocked && do(t, k, reaper, "mm_flags_test", skip, mmV(m)).Truth() != tc.setSkip {
				t.Fatalf("mm_flags_test(MMF_OOM_SKIP) = %v, want %v", !tc.setSkip, tc.setSkip)
			}
			if tc.relock {
				do(t, k, reaper, "mmap_read_unlock", mmV(m))
				do(t, k, reaper, "mmap_read_lock", mmV(m))
			}
			if !tc.setSkip {
				do(t, k, reaper, "find_vma", mmV(m), addrV(0x100000))
			}
			do(t, k, reaper, "mmap_read_unlock", mmV(m))
			wantRules(t, k, tc.want...)
		})
	}
}

// TestMMFlags: mm_flags_set() sets the bit mm_flags_test() reads, of
// that mm only; a bit outside mm->flags is an error.
func TestMMFlags(t *testing.T) {
	k, m := newMM(t)
	other, err := k.NewMM("other")
	if err != nil {
		t.Fatal(err)
	}
	task := k.NewTask("t")
	for _, f := range []int64{MMF_OOM_SKIP, MMF_UNSTABLE} {
		if do(t, k, task, "mm_flags_test", Int(f), mmV(m)).Truth() {
			t.Fatalf("%s set on a new mm", mmFlagName(f))
		}
	}
	do(t, k, task, "mm_flags_set", Int(MMF_UNSTABLE), mmV(m))
	if !do(t, k, task, "mm_flags_test", Int(MMF_UNSTABLE), mmV(m)).Truth() {
		t.Fatal("MMF_UNSTABLE not set")
	}
	if do(t, k, task, "mm_flags_test", Int(MMF_OOM_SKIP), mmV(m)).Truth() || do(t, k, task, "mm_flags_test", Int(MMF_UNSTABLE), mmV(other)).Truth() {
		t.Fatal("mm_flags_set set another bit, or another mm's")
	}
	c := &Call{K: k, T: task, Op: LookupOp("mm_flags_set"), Args: []Value{Int(64), mmV(m)}}
	if r := c.Op.Fn(c); r.Status != Failed {
		t.Fatalf("mm_flags_set of bit 64: %v, want a failure", r.Status)
	}
	wantRules(t, k)
}

// TestNotifierStartNonblock: mmu_notifier_invalidate_range_start_nonblock()
// starts the range (0) unless a subscriber of the mm needs to sleep,
// and then fails with -EAGAIN and leaves the range not started, so that
// an _end after it is unbalanced; a sleeping subscriber of another mm
// does not matter. mmu_notifier_register() waits for the mmap write lock.
func TestNotifierStartNonblock(t *testing.T) {
	tests := []struct {
		name   string
		subs   []bool // the subscribers' sleeps
		onMM   bool   // registered on the range's mm (else on another)
		want   int64
		unbal  bool
		starts bool
		exit   bool // exit_mmap()'s mmu_notifier_release() ran before the start
	}{
		{"no subscriber", nil, true, 0, false, true, false},
		{"a subscriber that does not sleep", []bool{false}, true, 0, false, true, false},
		{"one that sleeps", []bool{false, true}, true, -int64(mmcore.EAGAIN), true, false, false},
		{"one that sleeps, of another mm", []bool{true}, false, 0, false, true, false},
		{"one that sleeps, released by exit_mmap", []bool{true}, true, 0, false, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			other, err := k.NewMM("other")
			if err != nil {
				t.Fatal(err)
			}
			task := k.NewTask("t")
			sub := m
			if !tc.onMM {
				sub = other
			}
			for _, s := range tc.subs {
				if n := do(t, k, task, "mmu_notifier_register", mmV(sub), Bool(s)); n.Int != 0 {
					t.Fatalf("mmu_notifier_register = %d", n.Int)
				}
			}
			if sub.MmapLock.heldBy(task) != 0 {
				t.Fatal("mmu_notifier_register kept the mmap lock")
			}
			if tc.exit {
				do(t, k, task, "mmu_notifier_release", mmV(m))
			}
			r := do(t, k, task, "mmu_notifier_range_init", Word("clear"), Int(0), mmV(m), addrV(0x100000), addrV(0x102000))
			if got := do(t, k, task, "mmu_notifier_invalidate_range_start_nonblock", r); got.Int != tc.want {
				t.Fatalf("start_nonblock = %d, want %d", got.Int, tc.want)
			}
			if started := r.Obj.(*MMURange).started; started != tc.starts {
				t.Fatalf("range started: %v, want %v", started, tc.starts)
			}
			do(t, k, task, "mmu_notifier_invalidate_range_end", r)
			if tc.unbal {
				wantRules(t, k, ruleNotifierUnbalanced.ID)
			} else {
				wantRules(t, k)
			}
		})
	}
	t.Run("register waits for the mmap write lock", func(t *testing.T) {
		k, m := newMM(t)
		holder, drv := k.NewTask("holder"), k.NewTask("driver")
		do(t, k, holder, "mmap_read_lock", mmV(m))
		oc := start(t, k, drv, "mmu_notifier_register", mmV(m), Bool(true))
		if !oc.blocked() || len(m.notifiers) != 0 {
			t.Fatal("mmu_notifier_register did not wait for the reader")
		}
		do(t, k, holder, "mmap_read_unlock", mmV(m))
		oc.resume(t)
		if len(m.notifiers) != 1 || !m.notifiers[0].Sleeps {
			t.Fatalf("subscriptions after the wait: %+v", m.notifiers)
		}
		wantRules(t, k)
	})
}

// TestNotifierRegisterMMUsers: __mmu_notifier_register() BUG()s, under
// the mmap write lock mmu_notifier_register() took, when mm_users is
// zero; the task dies holding the lock. With the process's reference,
// or one mmget_not_zero() took before the last mmput(), it registers.
func TestNotifierRegisterMMUsers(t *testing.T) {
	for _, tc := range []struct {
		name          string
		dropOwn, pin  bool // the process's reference dropped; the driver pinned the mm first
		want          []string
		wantNotifiers int
	}{
		{"the process's reference", false, false, nil, 1},
		{"pinned with mmget_not_zero", true, true, nil, 1},
		{"mm_users zero", true, false, []string{ruleNotifierRegisterUsers.ID}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			owner, drv := k.NewTask("owner"), k.NewTask("driver")
			if tc.pin && !do(t, k, drv, "mmget_not_zero", mmV(m)).Truth() {
				t.Fatal("mmget_not_zero failed on a live mm")
			}
			if tc.dropOwn {
				do(t, k, owner, "atomic_dec_and_test", mmV(m))
			}
			do(t, k, drv, "mmu_notifier_register", mmV(m))
			wantRules(t, k, tc.want...)
			if len(m.notifiers) != tc.wantNotifiers {
				t.Errorf("%d subscriptions, want %d", len(m.notifiers), tc.wantNotifiers)
			}
			if tc.want != nil {
				d := lastDiag(t, k)
				if !d.Fatal || d.Kernel != BUG || !strings.Contains(d.Source, "BUG_ON(atomic_read(&mm->mm_users) <= 0)") || m.MmapLock.heldBy(drv) != Write {
					t.Errorf("want a BUG citing __mmu_notifier_register(), the task dead holding the mmap write lock; got %s (lock held %v)", d, m.MmapLock.heldBy(drv))
				}
			}
		})
	}
}
