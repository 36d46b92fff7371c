package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// Page-table entries are footprint objects of their own (pteKey): two
// steps are dependent through the page tables exactly when they touch a
// common entry, one of them writing it, or one fills or clears an upper
// entry the other's walk goes through. Each case runs step a then step b
// of two tasks on one mm (a VMA of 4 pages at 0x100000, one PTE table)
// and compares their page-table accesses (APTE) only: the locks, pages
// and VMAs they also touch are other tests' business.
func TestPTEEntryFootprint(t *testing.T) {
	type env struct {
		k    *Kernel
		m    *MM
		v    *mmcore.VMA
		a, b *Task
		pg   []*mmcore.Page
	}
	insert := func(addr uint64, page int) func(e *env, tk *Task) {
		return func(e *env, tk *Task) {
			do(t, e.k, tk, "vm_insert_page", vmaV(e.v), addrV(addr), pageV(e.pg[page]))
		}
	}
	zap := func(addr uint64, pages int64) func(e *env, tk *Task) {
		return func(e *env, tk *Task) {
			do(t, e.k, tk, "zap_vma_range", vmaV(e.v), addrV(addr), Int(0), Int(pages))
		}
	}
	pmdp := func(addr uint64) func(e *env, tk *Task) {
		return func(e *env, tk *Task) { do(t, e.k, tk, "pmdp_get_lockless", mmV(e.m), addrV(addr)) }
	}
	for _, c := range []struct {
		name    string
		table   bool // the PTE table exists before the steps (an entry at 0x103000)
		a, b    func(e *env, tk *Task)
		depends bool
	}{
		{"installs at two entries of one table", true, insert(0x100000, 0), insert(0x101000, 1), false},
		{"installs at one entry", true, insert(0x101000, 0), insert(0x101000, 1), true},
		{"the install that allocates the table (pmd_populate) and one beside it", false, insert(0x100000, 0), insert(0x101000, 1), true},
		{"a zap of the range and an install in it", true, zap(0x100000, 2), insert(0x101000, 1), true},
		{"a zap of the range and an install past it", true, zap(0x100000, 2), insert(0x102000, 1), false},
		{"a zap of the range's last entry and an install there", true, zap(0x100000, 3), insert(0x102000, 1), true},
		{"a zap where no table is yet and the install that allocates it", false, zap(0x100000, 1), insert(0x101000, 1), true},
		{"pmdp_get_lockless and an install in the table", true, pmdp(0x100000), insert(0x101000, 1), false},
		{"pmdp_get_lockless and the install that allocates the table", false, pmdp(0x100000), insert(0x101000, 1), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, m := newMM(t)
			f := k.NewFile("dev", 16)
			e := &env{k: k, m: m, v: mapVMA(t, k, m, 0x100000, 4, mmcore.MAP_SHARED, f, "mixedmap"), a: k.NewTask("a"), b: k.NewTask("b")}
			for range 3 {
				p, _ := k.Mem.AllocPage()
				e.pg = append(e.pg, p)
			}
			for _, tk := range []*Task{e.a, e.b} {
				do(t, k, tk, "mmap_read_lock", mmV(m))
			}
			if c.table {
				insert(0x103000, 2)(e, e.a)
			}
			rec := NewFootprint()
			k.SetFootprint(rec)
			defer k.SetFootprint(nil)
			step := func(tk *Task, fn func(*env, *Task)) []Access {
				rec.ResetOwn(tk.ID)
				fn(e, tk)
				return ofKind(rec.Acc, APTE)
			}
			sa := step(e.a, c.a)
			sb := step(e.b, c.b)
			if got := Dependent(sa, sb); got != c.depends {
				t.Errorf("dependent %v, want %v:\n a: %v\n b: %v", got, c.depends, sa, sb)
			}
		})
	}
}

// free_pgtables writes the upper entries it clears, those whose table no
// VMA uses any more, as FreePageTables frees them in the same state; it
// only reads the entries above a table it keeps. A walk under a cleared
// entry, inside the range or not, depends on it; a walk under another
// PMD entry does not, unless the cleared entry is above both.
func TestFreePgtablesFootprint(t *testing.T) {
	k, m := newMM(t)
	mapAnon(t, k, m, 0x400000, 1) // PMD entry 2; free_pgtables keeps its tables
	for _, a := range []mmcore.Addr{0x100000, 0x400000} {
		if _, _, err := m.Core.AllocTables(a); err != nil {
			t.Fatal(err)
		}
	}
	rec := func(fn func(f *Footprint)) []Access {
		f := NewFootprint()
		fn(f)
		return f.Acc
	}
	free := rec(func(f *Footprint) { f.PTETablesFree(m.Core, 0x100000, 0x102000) })
	for _, c := range []struct {
		name string
		acc  []Access
		dep  bool
	}{
		{"a read of an entry in the range", rec(func(f *Footprint) { f.PTEAt(m.Core, 0x101000, false) }), true},
		{"a read of an entry of the freed table past the range", rec(func(f *Footprint) { f.PTEAt(m.Core, 0x1ff000, false) }), true},
		{"a read of the PMD entry (pmdp_get)", rec(func(f *Footprint) { f.PMDAt(m.Core, 0x100000, false) }), true},
		{"a read under the kept PMD entry", rec(func(f *Footprint) { f.PTEAt(m.Core, 0x400000, false) }), false},
		{"an install under the kept PMD entry", rec(func(f *Footprint) { f.PTEInstall(m.Core, 0x400000) }), false},
		{"an install under the next, empty, PMD entry", rec(func(f *Footprint) { f.PTEInstall(m.Core, 0x200000) }), false},
		{"an install in the range", rec(func(f *Footprint) { f.PTEInstall(m.Core, 0x100000) }), true},
	} {
		if got := Dependent(free, c.acc); got != c.dep {
			t.Errorf("free_pgtables against %s: dependent %v, want %v\n free: %v\n it:   %v", c.name, got, c.dep, free, c.acc)
		}
	}
	// Over a range a VMA still uses, nothing is cleared: a walk there
	// commutes with it.
	kept := rec(func(f *Footprint) { f.PTETablesFree(m.Core, 0x400000, 0x401000) })
	if Dependent(kept, rec(func(f *Footprint) { f.PTEAt(m.Core, 0x400000, false) })) {
		t.Errorf("free_pgtables of a range whose VMA remains clears its entry: %v", kept)
	}
}
