package runtime

import (
	"fmt"
	"testing"
)

// TestMMUsers drives mm_users: the process's own reference and those of
// mmget_not_zero(); once the last is dropped (atomic_dec_and_test, as
// mmput() does before exit_mmap()), a task that holds none and looks a
// VMA up is reported, while the task tearing the mm down is not, nor one
// that takes the mmap lock and tests ksm_test_exit() first (ksmd), and
// mmget_not_zero() fails: a task that goes on after that failure is
// reported by mmget_not_zero's own rule.
func TestMMUsers(t *testing.T) {
	tests := []struct {
		name      string
		remoteGet bool // the remote task took a reference before the exit
		exit      bool // the owner drops the process's reference
		testExit  bool // the remote task checks ksm_test_exit() under the lock
		getAfter  bool // the remote task tries mmget_not_zero() after the exit and ignores its failure
		want      []string
	}{
		{"before the exit", false, false, false, false, nil},
		{"after the exit, no reference", false, true, false, false, []string{ruleMMUsersZero.ID}},
		{"after the exit, mmget_not_zero() failed", false, true, false, true, []string{"mmget_not_zero/failure-ignored"}},
		{"after the exit, ksm_test_exit() under the lock", false, true, true, true, nil},
		{"a reference taken before the exit", true, true, false, false, nil},
	}
	t.Run("the mmap lock held across the exit", func(t *testing.T) {
		k, m := newMM(t)
		mapAnon(t, k, m, 0x100000, 1)
		owner, ksmd := k.NewTask("owner"), k.NewTask("ksmd")
		do(t, k, ksmd, "mmap_read_lock", mmV(m))
		if do(t, k, ksmd, "ksm_test_exit", mmV(m)).Truth() {
			t.Fatal("ksm_test_exit on a live mm")
		}
		do(t, k, owner, "atomic_dec_and_test", mmV(m))
		do(t, k, ksmd, "find_vma", mmV(m), addrV(0x100000)) // the tree stays until the hold ends
		do(t, k, ksmd, "mmap_read_unlock", mmV(m))
		wantRules(t, k)
		do(t, k, ksmd, "mmap_read_lock", mmV(m))
		do(t, k, ksmd, "find_vma", mmV(m), addrV(0x100000)) // a new hold, on an mm without users
		do(t, k, ksmd, "mmap_read_unlock", mmV(m))
		wantRules(t, k, ruleMMUsersZero.ID)
	})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			mapAnon(t, k, m, 0x100000, 1)
			owner, remote := k.NewTask("owner"), k.NewTask("remote")
			if tc.remoteGet && !do(t, k, remote, "mmget_not_zero", mmV(m)).Truth() {
				t.Fatal("mmget_not_zero failed on a live mm")
			}
			if tc.exit {
				last := do(t, k, owner, "atomic_dec_and_test", mmV(m)).Truth()
				if last == tc.remoteGet {
					t.Fatalf("atomic_dec_and_test = %v with a remote reference %v", last, tc.remoteGet)
				}
				if last && tc.getAfter && do(t, k, remote, "mmget_not_zero", mmV(m)).Truth() {
					t.Fatal("mmget_not_zero succeeded on an mm without users")
				}
				if last {
					// the exiting task tears it down under the lock
					do(t, k, owner, "mmap_read_lock", mmV(m))
					do(t, k, owner, "find_vma", mmV(m), addrV(0))
					do(t, k, owner, "mmap_read_unlock", mmV(m))
				}
			}
			do(t, k, remote, "mmap_read_lock", mmV(m))
			if !tc.testExit || !do(t, k, remote, "ksm_test_exit", mmV(m)).Truth() {
				do(t, k, remote, "find_vma", mmV(m), addrV(0x100000))
			}
			do(t, k, remote, "mmap_read_unlock", mmV(m))
			wantRules(t, k, tc.want...)
		})
	}
}

// TestMMPutAsync: mmput_async() never sleeps, so it may drop a reference
// under a spinlock (mmput() starts with might_sleep()); the last reference
// leaves the mm without users, and a lookup by a task without one, the
// caller included, is reported as after mmput().
func TestMMPutAsync(t *testing.T) {
	tests := []struct {
		name     string
		ownerOut bool // the process's own reference was dropped first
		want     []string
	}{
		{"not the last reference", false, nil},
		{"the last reference", true, []string{ruleMMUsersZero.ID}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			mapAnon(t, k, m, 0x100000, 1)
			owner, remote := k.NewTask("owner"), k.NewTask("remote")
			if !do(t, k, remote, "mmget_not_zero", mmV(m)).Truth() {
				t.Fatal("mmget_not_zero failed on a live mm")
			}
			if tc.ownerOut && do(t, k, owner, "atomic_dec_and_test", mmV(m)).Truth() {
				t.Fatal("the owner's reference was the last with a remote one held")
			}
			ptl := Obj(TLock, m.PageTableLock)
			do(t, k, remote, "spin_lock", ptl)
			do(t, k, remote, "mmput_async", mmV(m))
			do(t, k, remote, "spin_unlock", ptl)
			wantRules(t, k) // never sleeps
			if got := m.mmUsers == 0; got != tc.ownerOut {
				t.Fatalf("mm_users zero = %v, want %v", got, tc.ownerOut)
			}
			do(t, k, remote, "mmap_read_lock", mmV(m))
			do(t, k, remote, "find_vma", mmV(m), addrV(0x100000))
			do(t, k, remote, "mmap_read_unlock", mmV(m))
			wantRules(t, k, tc.want...)
		})
	}
}

// TestExitMmapUnlockedBefore517: exit_mmap() took no mmap lock before
// 5.17 (64591e8605d6): the task whose mmput() dropped the last mm_users
// reference walks the VMAs (mm->mmap then, the VMA iterator here) and
// zaps their page tables without it, and nothing checks that walk. From
// 5.17 the teardown holds the lock, and the same walk is reported. Any
// other task is reported on every kernel, and mmap_assert_locked() fires
// on the tearing-down task too (it knows no exception for mm_users == 0:
// binder's ->close BUG()ed in 5.15's exit_mmap()).
func TestExitMmapUnlockedBefore517(t *testing.T) {
	walk := []string{ruleVMAIterLock.ID, ruleTraverseLock.ID}
	tests := []struct {
		kernel  KernelVersion
		other   bool // another task walks, not the one whose mmput() was the last
		asserts bool // the walker also calls mmap_assert_locked()
		want    []string
	}{
		{Version(5, 15), false, false, nil},
		{Version(5, 16), false, false, nil},
		{Version(5, 15), false, true, []string{"mmap_assert_locked/not-held"}},
		{Version(5, 15), true, false, []string{ruleVMAIterLock.ID, ruleMMUsersZero.ID, ruleTraverseLock.ID}},
		{Version(5, 17), false, false, walk},
		{Version(6, 1), false, false, walk},
		{Mainline, false, false, walk},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s other=%v asserts=%v", tc.kernel, tc.other, tc.asserts), func(t *testing.T) {
			k, m := newMM(t)
			k.Config.Version = tc.kernel
			v := mapAnon(t, k, m, 0x100000, 1)
			if err := m.Core.Populate(v, 0x100000, 0x101000); err != nil {
				t.Fatal(err)
			}
			owner, other := k.NewTask("owner"), k.NewTask("other")
			if !do(t, k, owner, "atomic_dec_and_test", mmV(m)).Truth() {
				t.Fatal("the owner's reference was not the last")
			}
			w := owner
			if tc.other {
				w = other
			}
			if tc.asserts {
				do(t, k, w, "mmap_assert_locked", mmV(m))
			}
			// for (vma = mm->mmap; vma; vma = vma->vm_next): the iterator's step
			vmi := Obj(TVMAIter, &VMAIter{MM: m}) // VMA_ITERATOR(vmi, mm, 0)
			if x := do(t, k, w, "vma_find", vmi, Int(1<<62)); x.Obj != v {
				t.Fatalf("vma_find = %v", x)
			}
			pte := do(t, k, w, "pte_offset_map_lock", mmV(m), addrV(0x100000))
			do(t, k, w, "pte_unmap_unlock", pte)
			wantRules(t, k, tc.want...)
		})
	}
}
