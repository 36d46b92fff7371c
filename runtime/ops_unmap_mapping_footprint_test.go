package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// unmap_mapping_range() and unmap_mapping_pages() name what they zap
// (unmapMappingTouches): a file mapped by two mms, four pages each, the
// range the first two pages of the file. Every page the step changes must
// be written by its footprint, in either mm; it must commute with a change
// of a page and an entry outside the range, and depend on a change of an
// entry inside it in each mm.
func TestUnmapMappingTouches(t *testing.T) {
	for _, c := range []struct {
		op   string
		args func(f *File) []Value
	}{
		{"unmap_mapping_range", func(f *File) []Value { return []Value{Obj(TFile, f), Int(0), Int(2 * mmcore.PageSize)} }},
		{"unmap_mapping_pages", func(f *File) []Value { return []Value{Obj(TFile, f), Int(0), Int(2)} }},
	} {
		t.Run(c.op, func(t *testing.T) {
			k, m := newMM(t)
			m2, err := k.NewMM("m2")
			if err != nil {
				t.Fatal(err)
			}
			file := k.NewFile("f", 8)
			for _, mm := range []*MM{m, m2} {
				v := mapVMA(t, k, mm, 0x100000, 4, mmcore.MAP_SHARED, file, "")
				for i := range 4 {
					if _, err := mm.Core.HandleFault(v, 0x100000+mmcore.Addr(i)*mmcore.PageSize, true); err != nil {
						t.Fatal(err)
					}
				}
			}
			outside, err := k.Mem.AllocPage()
			if err != nil {
				t.Fatal(err)
			}
			tk := k.NewTask("a")
			before := pageStates(k)
			acc := stepAcc(t, k, tk, c.op, c.args(file)...)
			after := pageStates(k)
			changed := requireWritesOfChangedPages(t, k, acc, before, after)
			if changed == 0 {
				t.Fatal("no page changed: the case tests nothing")
			}
			for _, mm := range []*MM{m, m2} {
				if mm.Core.Walk(0x100000).Present() || !mm.Core.Walk(0x102000).Present() {
					t.Fatalf("%s: the step did not zap the range alone", mm.Name)
				}
			}
			page, out := NewFootprint(), NewFootprint()
			page.Page(outside, true)
			out.PTEAt(m2.Core, 0x102000, true)
			if Dependent(acc, page.Acc) {
				t.Errorf("dependent on a change of a page it does not touch: %v", acc)
			}
			if Dependent(acc, out.Acc) {
				t.Errorf("dependent on a change of an entry outside the range: %v", acc)
			}
			for _, mm := range []*MM{m, m2} {
				in := NewFootprint()
				in.PTEAt(mm.Core, 0x101000, true)
				if !Dependent(acc, in.Acc) {
					t.Errorf("independent of a change of an entry in the range in %s: %v", mm.Name, acc)
				}
			}
		})
	}
}
