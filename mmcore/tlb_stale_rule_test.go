package mmcore

import "testing"

// StaleTranslation is the one staleness rule of the TLB (IsStale,
// Translate's Stale) and of the lock checker's record of changes (runtime
// NoteChanges): rewriting an entry leaves a translation cached through it
// stale when the page is gone, no longer accessible, another frame, or
// lost write permission; a PROT_NONE entry (which no CPU caches: the walk
// faults on it) counts its own clearing or remapping, since the
// translation a CPU still caches is from before it.
func TestStaleTranslationRule(t *testing.T) {
	ro := MkPTE(0x1000, PTEAccessed)
	rw := ro.With(PTEWrite)
	none := ro.With(PTEProtNone)
	other := MkPTE(0x2000, PTEAccessed)
	for _, c := range []struct {
		name     string
		from, to PTE
		want     bool
	}{
		{"nothing filled", 0, ro, false},
		{"nothing stays nothing", 0, 0, false},
		{"unchanged", ro, ro, false},
		{"cleared", ro, 0, true},
		{"another page", ro, other, true},
		{"write-protected", rw, ro, true},
		{"made writable", ro, rw, false},
		{"young and dirty bits", rw, rw.With(PTEDirty), false},
		{"young bit cleared", ro, ro.Without(PTEAccessed), false},
		{"read-only made PROT_NONE", ro, none, true},
		{"writable made PROT_NONE", rw, none.With(PTEWrite), true},
		{"PROT_NONE made accessible", none, ro, false},
		{"PROT_NONE stays PROT_NONE", none, none, false},
		{"PROT_NONE cleared", none, 0, true},
		{"PROT_NONE remapped", none, other.With(PTEProtNone), true},
	} {
		if got := StaleTranslation(c.from, c.to); got != c.want {
			t.Errorf("%s: StaleTranslation(%v, %v) = %v, want %v", c.name, c.from, c.to, got, c.want)
		}
	}
}
