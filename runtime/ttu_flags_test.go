package runtime

import "testing"

// try_to_unmap()'s flags are enum ttu_flags by the kernel's values, and
// mmscript's earlier string form names them ("TTU_BATCH_FLUSH", now also
// several at once).
func TestTTUFlags(t *testing.T) {
	for _, c := range []struct {
		words string
		want  int64
		ok    bool
	}{
		{"", 0, true},
		{"TTU_BATCH_FLUSH", 0x40, true},
		{"TTU_BATCH_FLUSH|TTU_SYNC", 0x50, true},
		{"TTU_RMAP_LOCKED|TTU_IGNORE_MLOCK|TTU_SPLIT_HUGE_PMD", 0x8c, true},
		{"TTU_HWPOISON", 0x20, true},
		{"TTU_SYNC|PVMW_SYNC", 0, false},
		{"batch", 0, false},
	} {
		got, ok := ttuValue(c.words)
		if got != c.want || ok != c.ok {
			t.Errorf("ttuValue(%q) = %#x, %v; want %#x, %v", c.words, got, ok, c.want, c.ok)
		}
	}
	for name, want := range map[string]int64{"TTU_SYNC": 0x10, "TTU_BATCH_FLUSH": 0x40, "TTU_RMAP_LOCKED": 0x80, "TTU_IGNORE_MLOCK": 0x8} {
		if Constants[name] != want {
			t.Errorf("%s = %#x, want %#x (include/linux/rmap.h: enum ttu_flags)", name, Constants[name], want)
		}
	}
}
