package mmcore

import "fmt"

// Consistency checks of the page-table side, for tests and fuzzing: what
// the kernel's CONFIG_DEBUG_VM checks and its counters promise.

// CheckPageTables verifies one MM's page tables: every table's used count
// equals its non-empty entries, every present entry lies inside a VMA
// (munmap zaps before it detaches), no table is marked freed while still
// linked, and the MM's Rss counters equal the pages its entries map (a
// PMD-mapped THP counting 512).
func (m *MM) CheckPageTables() error {
	var rss RSS
	var err error
	var walk func(t *PageTable)
	walk = func(t *PageTable) {
		if err != nil {
			return
		}
		if t.freed {
			err = fmt.Errorf("%v table at %v is freed but still linked", t.level, t.base)
			return
		}
		used := 0
		if t.ptes != nil {
			for i, e := range t.ptes {
				if e == 0 {
					continue
				}
				used++
				addr := t.base + Addr(i)<<PageShift
				if e.Present() && m.VMALookup(addr) == nil {
					err = fmt.Errorf("PTE for %v outside every VMA", addr)
					return
				}
				if p := m.accountedPage(e); p != nil {
					addRSS(&rss, p, 1)
				}
			}
		}
		for i, c := range t.next {
			if c != nil {
				used++
				if c.parent != t || c.pindex != i {
					err = fmt.Errorf("%v table at %v has a wrong parent link", c.level, c.base)
					return
				}
				walk(c)
			}
		}
		for i, e := range t.huge {
			if e == 0 {
				continue
			}
			used++
			addr := t.base + Addr(i)<<PMD_SHIFT
			if t.next[i] != nil {
				err = fmt.Errorf("PMD for %v is both huge and a table", addr)
				return
			}
			v := m.VMALookup(addr)
			if v == nil || v.start > addr || v.end < addr+PMD_SIZE {
				err = fmt.Errorf("huge PMD for %v not inside one VMA", addr)
				return
			}
			if f := m.hugeFolio(e); f != nil {
				addRSS(&rss, f, HPAGE_PMD_NR)
			}
		}
		if used != t.used {
			err = fmt.Errorf("%v table at %v: used %d, %d entries", t.level, t.base, t.used, used)
		}
	}
	walk(m.pgd)
	if err == nil && rss != m.rss {
		err = fmt.Errorf("rss counters %+v, page tables map %+v", m.rss, rss)
	}
	return err
}

func addRSS(r *RSS, p *Page, n int) {
	switch {
	case p.anon:
		r.Anon += n
	case p.mapping != nil && p.mapping.shmem:
		r.Shmem += n
	default:
		r.File += n
	}
}

// CheckPageCounts verifies that the mapcounts and refcounts of the pages
// that the given MMs map (which must be every MM using their Memory) are
// exactly what their page tables and the page cache account for: each PTE
// one mapcount of its page and one reference on its folio, each huge PMD
// one entire mapcount and one reference, each page-cache slot one
// reference. It holds when no one else (a driver, a pin) keeps a page.
func CheckPageCounts(mms ...*MM) error {
	mapc := map[*Page]int32{}
	entire := map[*Page]int32{}
	refs := map[*Page]int32{}
	caches := map[*AddressSpace]bool{}
	for _, m := range mms {
		var walk func(t *PageTable)
		walk = func(t *PageTable) {
			for _, e := range t.ptes {
				if p := m.accountedPage(e); p != nil {
					mapc[p]++
					refs[p.Folio()]++
				}
			}
			for _, c := range t.next {
				if c != nil {
					walk(c)
				}
			}
			for _, e := range t.huge {
				if f := m.hugeFolio(e); f != nil {
					entire[f]++
					refs[f]++
				}
			}
		}
		walk(m.pgd)
		for v := range m.VMAs() {
			if v.file != nil {
				caches[v.file.mapping] = true
			}
		}
	}
	for as := range caches {
		for _, p := range as.pages {
			refs[p.Folio()]++
		}
	}
	for p, n := range mapc {
		if p.freed {
			return fmt.Errorf("%s is mapped but freed", p.name())
		}
		if p.mapcount != n {
			return fmt.Errorf("%s: mapcount %d, mapped by %d PTEs", p.name(), p.mapcount, n)
		}
	}
	for f, n := range entire {
		if f.entireMapcount != n {
			return fmt.Errorf("%s: entire mapcount %d, mapped by %d PMDs", f.name(), f.entireMapcount, n)
		}
	}
	for f, n := range refs {
		if f.refcount != n {
			return fmt.Errorf("%s: refcount %d, %d mappings and cache slots", f.name(), f.refcount, n)
		}
	}
	return nil
}
