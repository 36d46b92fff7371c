package mmcore

import "testing"

// TestNoZeroPageOnRead: with Config.NoZeroPageOnRead an anonymous read fault
// allocates a page (do_anonymous_page: writable and dirty in a writable
// VMA, clean and read-only otherwise; do_huge_pmd_anonymous_page: a THP
// instead of the huge zero folio), as recorded on a PVM guest kernel
// booted with pvm_no_zero_page=1 (testdata/nozero goldens of mmcore/trace).
func TestNoZeroPageOnRead(t *testing.T) {
	for _, c := range []struct {
		name  string
		prot  Prot
		thp   bool
		kind  FaultKind
		write bool // the PTE/PMD is writable (and dirty)
		pm    string
	}{
		{"rw", PROT_READ | PROT_WRITE, false, FaultAnon, true, ".a2."},
		{"ro", PROT_READ, false, FaultAnon, false, ".a2."},
		{"thp", PROT_READ | PROT_WRITE, true, FaultAnon, true, "512T"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := NewMM(Config{NoZeroPageOnRead: true})
			if err != nil {
				t.Fatal(err)
			}
			pages, at := uint64(4), pg(0)
			if c.thp {
				pages, at = 512, thpBase
			}
			v := mustMmap(t, m, at, pages, c.prot, anonPriv|MAP_FIXED, nil, 0)
			if c.thp {
				v.Flags |= VM_HUGEPAGE
			}
			addr := at
			if !c.thp {
				addr = pg(1)
			}
			r := mustFault(t, m, v, addr, false)
			if r.Kind != c.kind || r.Page == nil || r.Page.zero || r.PTE.Special() {
				t.Fatalf("read fault: %+v", r)
			}
			if r.PTE.Writable() != c.write || r.PTE.Dirty() != (c.write || c.thp) {
				t.Errorf("entry %v: writable %v dirty %v, want writable %v", r.PTE, r.PTE.Writable(), r.PTE.Dirty(), c.write)
			}
			if v.AnonVMA() == nil || !r.AnonVMACreated {
				t.Error("the allocating read fault gave the VMA no anon_vma (vmf_anon_prepare)")
			}
			if got := classes(m, at, int(pages)); got != c.pm {
				t.Errorf("pagemap = %q, want %q", got, c.pm)
			}
		})
	}
	// the generic kernel maps the zero page: TestAnonReadFaultMapsZeroPage
}
