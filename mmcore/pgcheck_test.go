package mmcore

import "testing"

func TestCheckPageTablesAndCounts(t *testing.T) {
	for _, levels := range []int{4, 5} {
		m := newMM(t, levels)
		v := thpVMA(t, m, thpBase, 1024)
		mustFault(t, m, v, thpBase, true)
		mustFault(t, m, v, thpBase+PMD_SIZE+3<<PageShift, false)
		mustFault(t, m, v, thpBase+PMD_SIZE+5<<PageShift, true)
		m.ZapRange(v, thpBase+8<<PageShift, thpBase+9<<PageShift)
		f := NewFile("f", 16)
		if err := f.Mapping().Fill(m.Memory(), 0, 16); err != nil {
			t.Fatal(err)
		}
		fv := mustMmap(t, m, 0x100000, 16, PROT_READ, MAP_PRIVATE|MAP_FIXED, f, 0)
		mustFault(t, m, fv, 0x100000, false)
		if err := m.CheckPageTables(); err != nil {
			t.Fatalf("%d levels: %v", levels, err)
		}
		if err := CheckPageCounts(m); err != nil {
			t.Fatalf("%d levels: %v", levels, err)
		}
		// a broken count is found
		p := m.Memory().Page(m.Walk(thpBase + 3<<PageShift).Entry.PFN())
		p.mapcount++
		if err := CheckPageCounts(m); err == nil {
			t.Errorf("%d levels: a wrong mapcount passed", levels)
		}
		p.mapcount--
		m.rss.Anon++
		if err := m.CheckPageTables(); err == nil {
			t.Errorf("%d levels: a wrong rss counter passed", levels)
		}
		m.rss.Anon--
		w := m.Walk(0x100000)
		w.Tables[LevelPTE].used++
		if err := m.CheckPageTables(); err == nil {
			t.Errorf("%d levels: a wrong used count passed", levels)
		}
	}
}
