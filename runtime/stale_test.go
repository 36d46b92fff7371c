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
		old    bool // use the first lookup's value even after looking up again
		want   bool
	}{
		{"no writer in between", false, false, false, false, false},
		{"writer in between", true, false, false, false, true},
		{"own write hold only", false, false, true, false, false},
		{"writer, then own write hold", true, false, true, false, true},
		{"writer, looked up again", true, true, false, false, false},
		// the new lookup validates the value it returned, not the old one
		{"writer, looked up again, old value used", true, true, false, true, true},
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
			use := found
			if tc.again {
				again := do(t, k, at(a, 5), "vma_lookup", mmV(m), addrV(0x100000))
				if !tc.old {
					use = again
				}
			}
			k.VMAField(at(a, 6), use, "vm_start", a.Pos)
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
	k.VMAField(at(a, 1), Obj(TVMA, v), "vm_start", a.Pos)
	if len(rules(k)) != 0 {
		t.Fatalf("a live VMA: %v", rules(k))
	}
	if err := m.Core.DetachVMA(v); err != nil {
		t.Fatal(err)
	}
	k.VMAField(at(a, 2), Obj(TVMA, v), "attached", a.Pos)
	if len(rules(k)) != 0 {
		t.Fatalf("attached is not a kernel field: %v", rules(k))
	}
	k.VMAField(at(a, 3), Obj(TVMA, v), "vm_start", a.Pos)
	k.VMAField(at(a, 4), Obj(TVMA, v), "vm_end", a.Pos)
	if got := rules(k); len(got) != 1 || got[0] != ruleUseAfterUnmap.ID {
		t.Errorf("got %v, want one %s", got, ruleUseAfterUnmap.ID)
	}
}
