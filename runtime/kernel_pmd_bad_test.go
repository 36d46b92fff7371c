package runtime

import (
	"strings"
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestPMDNoneOrClearBad: pmd_none_or_clear_bad() says true for a none
// PMD and false for one pointing to a PTE table, silently; a huge PMD is
// bad to it (pmd_clear_bad() would clear the THP): reported, with the
// advice of the lock held (the read-once test under the mmap read lock,
// split or zap first under the write lock).
func TestPMDNoneOrClearBad(t *testing.T) {
	const addr = 0x200000
	tests := []struct {
		name  string
		entry string // "none", "table", "huge"
		write bool   // the mmap write lock, else the read lock
		want  bool
		rules []string
		msg   string
	}{
		{"none", "none", false, true, nil, ""},
		{"a PTE table", "table", false, false, nil, ""},
		{"huge, mmap read lock", "huge", false, true, []string{rulePMDClearBadHuge.ID}, "a THP fault may have made it huge"},
		{"huge, mmap write lock", "huge", true, true, []string{rulePMDClearBadHuge.ID}, "split or zap it first"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			vm := "hugepage"
			if tc.entry == "table" {
				vm = "nohugepage"
			}
			v := mapVMA(t, k, m, addr, mmcore.HPAGE_PMD_NR, mmcore.MAP_PRIVATE|mmcore.MAP_ANONYMOUS, nil, vm)
			switch tc.entry {
			case "huge":
				if _, _, err := m.Core.HugePMDFault(v, addr, true); err != nil || !m.Core.Walk(addr).Huge() {
					t.Fatalf("no THP at %#x: %v", addr, err)
				}
			case "table":
				if _, err := m.Core.HandleFault(v, addr, true); err != nil || m.Core.Walk(addr).PTETable() == nil {
					t.Fatalf("no PTE table at %#x: %v", addr, err)
				}
			}
			walker := k.NewTask("walker")
			lock, unlock := "mmap_read_lock", "mmap_read_unlock"
			if tc.write {
				lock, unlock = "mmap_write_lock", "mmap_write_unlock"
			}
			do(t, k, walker, lock, mmV(m))
			if got := do(t, k, walker, "pmd_none_or_clear_bad", mmV(m), addrV(addr)).Truth(); got != tc.want {
				t.Errorf("pmd_none_or_clear_bad = %v, want %v", got, tc.want)
			}
			do(t, k, walker, unlock, mmV(m))
			wantRules(t, k, tc.rules...)
			if tc.msg != "" && !strings.Contains(lastDiag(t, k).Msg, tc.msg) {
				t.Errorf("message %q lacks %q", lastDiag(t, k).Msg, tc.msg)
			}
		})
	}
}
