package runtime

import (
	"strings"
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// Unwritten names what changed and was not written: a fault's new entry,
// its page and its table are reported against an empty footprint, and
// not against one that writes them; an A/D-bit change alone is covered
// by the hardware walk's Shared update.
func TestUnwrittenNamesUndeclaredChanges(t *testing.T) {
	k, m := newMM(t)
	v := mapVMA(t, k, m, 0x100000, 4, mmcore.MAP_PRIVATE|mmcore.MAP_ANONYMOUS, nil, "")
	before := k.ObjectStates()
	// The footprint is taken in the state the step runs in.
	f := NewFootprint()
	f.PTEInstall(m.Core, 0x100000)
	f.AllPages(true)
	f.Alloc()
	f.MM(m.Core, true) // the fault gives the VMA its anon_vma
	if _, err := m.Core.HandleFault(v, 0x100000, true); err != nil {
		t.Fatal(err)
	}
	after := k.ObjectStates()
	got := Unwritten(before, after, nil)
	joined := strings.Join(got, "\n")
	for _, want := range []string{"pte entry of 0x100000 in mm m", "page 0x", "pgd entry of 0x0 in mm m"} {
		if !strings.Contains(joined, want) {
			t.Errorf("Unwritten with no footprint = %q, want %q among them", got, want)
		}
	}
	if got := Unwritten(before, after, f.Acc); len(got) != 0 {
		t.Errorf("Unwritten with the install's footprint = %q, want none", got)
	}
	// The entry is marked old: an accessed-bit change only.
	before = after
	if !m.Core.TestAndClearYoung(m.Core.Walk(0x100000).PTETable(), 0x100000) {
		t.Fatal("the new entry was not young")
	}
	after = k.ObjectStates()
	young := NewFootprint()
	young.PTEYoung(m.Core, 0x100000)
	if got := Unwritten(before, after, young.Acc); len(got) != 0 {
		t.Errorf("an accessed-bit change under PTEYoung: Unwritten = %q, want none", got)
	}
	if got := Unwritten(before, after, nil); len(got) != 1 {
		t.Errorf("an accessed-bit change under no footprint: Unwritten = %q, want the entry", got)
	}
	// An mm part of its own: mm_users (mmget_not_zero()).
	before = k.ObjectStates()
	m.mmUsers++
	after = k.ObjectStates()
	if got := Unwritten(before, after, nil); len(got) != 1 {
		t.Errorf("mm_users changed under no footprint: Unwritten = %q, want it", got)
	}
	users := NewFootprint()
	users.mmUsers(m.Core, true)
	if got := Unwritten(before, after, users.Acc); len(got) != 0 {
		t.Errorf("mm_users changed under its write: Unwritten = %q, want none", got)
	}
}
