package mmcore

import "testing"

// TestUnlinkThenFree: UnlinkPTETable clears the PMD entry but keeps the
// table and its entries readable until FreeDetachedTable, which frees it
// and counts the entries it leaks; neither acts on a linked or freed table.
func TestUnlinkThenFree(t *testing.T) {
	for _, tc := range []struct {
		name   string
		zap    bool
		leaked int
	}{{"entries zapped first", true, 0}, {"entries still mapped", false, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMM(t, 4)
			v := mustMmap(t, m, 0x200000, 2, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, nil, 0)
			mustFault(t, m, v, 0x200000, true)
			tables := m.PageTables()
			pt := m.Walk(0x200000).PTETable()
			if tc.zap {
				m.ZapRange(v, 0x200000, 0x202000)
			}
			if m.FreeDetachedTable(pt) != 0 || pt.Freed() {
				t.Fatal("a linked table was freed")
			}
			if got := m.UnlinkPTETable(0x200000); got != pt || !pt.Detached() || pt.Freed() {
				t.Fatalf("unlink: got %p detached %v freed %v", got, pt.Detached(), pt.Freed())
			}
			if m.Walk(0x200000).PTETable() != nil {
				t.Fatal("the PMD still points to the table")
			}
			if present := pt.Entry(pt.Index(0x200000)).Present(); present == tc.zap {
				t.Fatalf("detached table entry present %v", present)
			}
			if m.UnlinkPTETable(0x200000) != nil {
				t.Fatal("unlinked twice")
			}
			if leaked := m.FreeDetachedTable(pt); leaked != tc.leaked || !pt.Freed() {
				t.Fatalf("leaked %d freed %v, want %d true", leaked, pt.Freed(), tc.leaked)
			}
			if m.PageTables() != tables-1 {
				t.Fatalf("page tables %d, want %d", m.PageTables(), tables-1)
			}
			if m.FreeDetachedTable(pt) != 0 || m.PageTables() != tables-1 {
				t.Fatal("freed twice")
			}
		})
	}
}
