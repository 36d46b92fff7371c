package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// The VMA and file page walkers read (walksVMAMappings,
// walksFileMappings): they commute with one another and with the hardware
// walk's accessed-bit updates, depend on a change of an entry they walk
// (walk_page_mapping: in every mm the file's VMAs belong to), and with
// PGWALK_WRLOCK on a read of the VMA (vma_start_write writes it).
func TestPageWalkersTouches(t *testing.T) {
	k, m := newMM(t)
	m2, err := k.NewMM("m2")
	if err != nil {
		t.Fatal(err)
	}
	file := k.NewFile("f", 8)
	var vs []*mmcore.VMA
	for _, mm := range []*MM{m, m2} {
		v := mapVMA(t, k, mm, 0x100000, 2, mmcore.MAP_SHARED, file, "")
		if _, err := mm.Core.HandleFault(v, 0x100000, true); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	tk := k.NewTask("a")
	do(t, k, tk, "mmap_write_lock", mmV(m))
	do(t, k, tk, "i_mmap_lock_read", Obj(TFile, file))
	walks := map[string][]Access{
		"walk_page_vma":         stepAcc(t, k, tk, "walk_page_vma", vmaV(vs[0]), Nil, Nil),
		"walk_page_range_vma":   stepAcc(t, k, tk, "walk_page_range_vma", vmaV(vs[0]), addrV(0x100000), addrV(0x101000), Nil, Nil),
		"walk_page_mapping":     stepAcc(t, k, tk, "walk_page_mapping", Obj(TFile, file), Int(0), Int(2), Nil),
		"walk_page_vma, wrlock": stepAcc(t, k, tk, "walk_page_vma", vmaV(vs[0]), Obj(TOps, &Ops{WalkLock: 1}), Nil),
	}
	ofData := func(acc []Access) []Access { // the walk's own, without the locks
		var out []Access
		for _, a := range acc {
			if a.Kind != ALock && a.Kind != ALockdep && a.Kind != ATask && a.Kind != AOwner {
				out = append(out, a)
			}
		}
		return out
	}
	entry := func(mm *MM) []Access { f := NewFootprint(); f.PTEAt(mm.Core, 0x100000, true); return f.Acc }
	young := func(mm *MM) []Access { f := NewFootprint(); f.PTEYoung(mm.Core, 0x100000); return f.Acc }
	read := func(mm *MM) []Access { f := NewFootprint(); f.VMAs(mm.Core, false); return f.Acc }
	for name, acc := range walks {
		acc = ofData(acc)
		if !Dependent(acc, entry(m)) {
			t.Errorf("%s: independent of a change of an entry it walks: %v", name, acc)
		}
		if Dependent(acc, young(m)) {
			t.Errorf("%s: dependent on an accessed-bit update: %v", name, acc)
		}
		if got, want := Dependent(acc, read(m)), name == "walk_page_vma, wrlock"; got != want {
			t.Errorf("%s: dependent on a read of the VMAs %v, want %v: %v", name, got, want, acc)
		}
		if name == "walk_page_mapping" && !Dependent(acc, entry(m2)) {
			t.Errorf("%s: independent of a change of the other mm's entry: %v", name, acc)
		}
	}
	if Dependent(ofData(walks["walk_page_vma"]), ofData(walks["walk_page_mapping"])) {
		t.Error("two read walks are dependent")
	}
}
