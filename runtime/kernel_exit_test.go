package runtime

import "testing"

// TestMMUsers drives mm_users: the process's own reference and those of
// mmget_not_zero(); once the last is dropped (atomic_dec_and_test, as
// mmput() does before exit_mmap()), a task that holds none and takes the
// mmap lock is reported, while the task tearing the mm down is not, and
// mmget_not_zero() fails.
func TestMMUsers(t *testing.T) {
	tests := []struct {
		name      string
		remoteGet bool // the remote task took a reference before the exit
		exit      bool // the owner drops the process's reference
		want      []string
	}{
		{"before the exit", false, false, nil},
		{"after the exit, no reference", false, true, []string{ruleMMUsersZero.ID}},
		{"a reference taken before the exit", true, true, nil},
	}
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
				if last && do(t, k, remote, "mmget_not_zero", mmV(m)).Truth() {
					t.Fatal("mmget_not_zero succeeded on an mm without users")
				}
				if last {
					// the exiting task tears it down under the lock
					do(t, k, owner, "mmap_read_lock", mmV(m))
					do(t, k, owner, "mmap_read_unlock", mmV(m))
				}
			}
			do(t, k, remote, "mmap_read_lock", mmV(m))
			do(t, k, remote, "mmap_read_unlock", mmV(m))
			wantRules(t, k, tc.want...)
		})
	}
}
