package runtime

import "testing"

// TestMMCount: mm_count (mmgrab/mmdrop) keeps the struct, mm_users the
// address space. "exit" is the process's last mmput(): the mm_users drop
// (atomic_dec_and_test) and __mmput()'s mmdrop() of the users' mm_count
// reference (kernel/exit.mms runs exit_mmap() between them).
func TestMMCount(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []string
		want  []string
	}{
		{"grab keeps the struct past exit", []string{"mmgrab", "exit", "mmget_not_zero", "mmap_read_lock", "mmap_read_unlock", "mmdrop"}, nil},
		{"use after the last mmdrop", []string{"mmgrab", "exit", "mmdrop", "mmap_read_lock"}, []string{"mm/use-after-mmdrop"}},
		{"mmget_not_zero without a grab after exit", []string{"exit", "mmget_not_zero"}, []string{"mm/use-after-mmdrop"}},
		{"mmdrop without its mmgrab", []string{"mmdrop"}, []string{"mm/use-after-mmdrop"}},
		{"mmdrop twice", []string{"mmgrab", "mmdrop", "mmdrop", "mmdrop"}, []string{"mm/use-after-mmdrop", "mm/use-after-mmdrop"}},
		{"mmget on an mm only grabbed", []string{"mmgrab", "exit", "mmget"}, []string{"mm/use-without-mm-users"}},
		{"mmget with users", []string{"mmget", "mmput_ref", "mmgrab", "mmdrop"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			tk := k.NewTask("t")
			for _, s := range tc.steps {
				switch s {
				case "exit":
					do(t, k, tk, "atomic_dec_and_test", mmV(m))
					do(t, k, tk, "mmdrop", mmV(m))
				case "mmput_ref":
					do(t, k, tk, "atomic_dec_and_test", mmV(m))
				case "mmap_read_lock", "mmap_read_unlock":
					do(t, k, tk, s, mmV(m))
				default:
					do(t, k, tk, s, mmV(m))
				}
			}
			wantRules(t, k, tc.want...)
		})
	}
}
