package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestMasFindRev: mas_find_rev() walks the VMAs down (mas_for_each_rev(),
// the OOM reaper's walk): the VMA containing index, else the highest one
// below it, if it ends above min; and, as every step of the VMA
// iterator, under the mmap lock or RCU.
func TestMasFindRev(t *testing.T) {
	const ulongMax = 1<<63 - 1
	k, m := newMM(t)
	low := mapAnon(t, k, m, 0x100000, 1)
	high := mapAnon(t, k, m, 0x300000, 2)
	task := k.NewTask("t")
	do(t, k, task, "mmap_read_lock", mmV(m))
	for _, tc := range []struct {
		name       string
		index, min int64
		want       *mmcore.VMA
	}{
		{"from ULONG_MAX: the highest", ulongMax, 0, high},
		{"index inside a VMA", 0x301fff, 0, high},
		{"index in a gap: the one below", 0x2fffff, 0, low},
		{"below the VMA before: the next one down", 0x300000 - 1, 0, low},
		{"index at a VMA's start", 0x100000, 0, low},
		{"below every VMA", 0xfffff, 0, nil},
		{"the end of the walk", -1, 0, nil},
		{"min at the VMA's end", ulongMax, 0x302000, nil},
		{"min inside the VMA", ulongMax, 0x301fff, high},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := do(t, k, task, "mas_find_rev", mmV(m), Int(tc.index), Int(tc.min))
			if v, _ := got.Obj.(*mmcore.VMA); v != tc.want {
				t.Errorf("mas_find_rev(%#x, %#x) = %v, want %v", tc.index, tc.min, got, tc.want)
			}
		})
	}
	do(t, k, task, "mmap_read_unlock", mmV(m))
	wantRules(t, k)
	do(t, k, task, "mas_find_rev", mmV(m), Int(ulongMax), Int(0))
	wantRules(t, k, ruleVMAIterLock.ID)
}
