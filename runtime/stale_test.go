package runtime

import (
	"slices"
	"testing"
)

// TestStaleVMA: a VMA pointer found under one hold of the mmap lock is
// stale under a later hold when another task write-locked the lock in
// between, unless it was looked up again; field reads count as uses.
func TestStaleVMA(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writer bool // another task takes the write lock between the holds
		again  bool // look the VMA up again under the second hold
		write  bool // the second hold is this task's write lock
		want   bool
	}{
		{"no writer in between", false, false, false, false},
		{"writer in between", true, false, false, true},
		{"own write hold only", false, false, true, false},
		{"writer, then own write hold", true, false, true, true},
		{"writer, looked up again", true, true, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			v := mapAnon(t, k, m, 0x100000, 4)
			a, b := k.NewTask("a"), k.NewTask("b")
			do(t, k, at(a, 1), "mmap_read_lock", mmV(m))
			found := do(t, k, at(a, 2), "find_vma", mmV(m), addrV(0x100000))
			if found.Obj != v {
				t.Fatalf("find_vma returned %v", found)
			}
			do(t, k, at(a, 3), "mmap_read_unlock", mmV(m))
			if tc.writer {
				do(t, k, at(b, 1), "mmap_write_lock", mmV(m))
				do(t, k, at(b, 2), "mmap_write_unlock", mmV(m))
			}
			lock, unlock := "mmap_read_lock", "mmap_read_unlock"
			if tc.write {
				lock, unlock = "mmap_write_lock", "mmap_write_unlock"
			}
			do(t, k, at(a, 4), lock, mmV(m))
			if tc.again {
				do(t, k, at(a, 5), "vma_lookup", mmV(m), addrV(0x100000))
			}
			k.VMAField(at(a, 6), v, "vm_start", a.Pos)
			do(t, k, at(a, 7), unlock, mmV(m))
			if got := slices.Contains(rules(k), ruleStaleVMA.ID); got != tc.want {
				t.Errorf("stale reported %v, want %v (%v)", got, tc.want, rules(k))
			}
		})
	}
}

// TestFieldReadAfterUnmap: reading a field of an unmapped VMA is a use
// after free, reported once per task and VMA; "attached" is mmscript's own
// introspection and exempt.
func TestFieldReadAfterUnmap(t *testing.T) {
	k, m := newMM(t)
	v := mapAnon(t, k, m, 0x100000, 1)
	a := k.NewTask("a")
	k.VMAField(at(a, 1), v, "vm_start", a.Pos)
	if len(rules(k)) != 0 {
		t.Fatalf("a live VMA: %v", rules(k))
	}
	if err := m.Core.DetachVMA(v); err != nil {
		t.Fatal(err)
	}
	k.VMAField(at(a, 2), v, "attached", a.Pos)
	if len(rules(k)) != 0 {
		t.Fatalf("attached is not a kernel field: %v", rules(k))
	}
	k.VMAField(at(a, 3), v, "vm_start", a.Pos)
	k.VMAField(at(a, 4), v, "vm_end", a.Pos)
	if got := rules(k); len(got) != 1 || got[0] != ruleUseAfterUnmap.ID {
		t.Errorf("got %v, want one %s", got, ruleUseAfterUnmap.ID)
	}
}
