package mmcore

// Splitting large anonymous folios (split_folio) and the user stores that
// decide which of their pages hold data.

// Store records a user store to addr (a CPU writing through a present,
// writable mapping): the page mapped there now holds data and is dirty.
// It reports false when nothing writable is mapped there.
func (m *MM) Store(addr Addr) bool {
	w := m.Walk(addr & PageMask)
	if !w.Present() || !w.Entry.Writable() {
		return false
	}
	if p := m.accountedPage(w.Entry); p != nil {
		p.data = true
		p.dirty = true
	}
	return true
}

// folioPTE is one PTE mapping a page of a folio.
type folioPTE struct {
	mm   *MM
	v    *VMA
	t    *PageTable
	i    int
	addr Addr
}

// folioMappings finds, through the anon_vma (rmap_walk_anon), every
// mapping of anonymous folio f: the PMDs mapping it whole are returned
// as PTE tables' parents in pmds, the PTEs mapping its pages in ptes.
func folioMappings(f *Page) (pmds []folioPTE, ptes []folioPTE) {
	if f.anonVMA == nil {
		return nil, nil
	}
	n := Addr(1) << f.order
	seen := map[*VMA]bool{}
	for _, av := range []*AnonVMA{f.anonVMA} {
		for u := range av.VMAs() {
			if seen[u] || !u.linked {
				continue
			}
			seen[u] = true
			if f.index < u.pgoff-min(u.pgoff, uint64(n)) {
				continue
			}
			base := int64(u.start) + (int64(f.index)-int64(u.pgoff))<<PageShift
			for k := Addr(0); k < n; k++ {
				a := Addr(base) + k<<PageShift
				if int64(a) < int64(u.start) || a >= u.end {
					continue
				}
				w := u.mm.Walk(a)
				if !w.Present() || w.Entry.PFN() != f.PFN+PFN(k) {
					continue
				}
				if w.Huge() {
					t := w.Tables[LevelPMD]
					if k == 0 {
						pmds = append(pmds, folioPTE{u.mm, u, t, t.Index(a), a})
					}
					continue
				}
				t := w.Tables[LevelPTE]
				ptes = append(ptes, folioPTE{u.mm, u, t, t.Index(a), a})
			}
		}
	}
	return pmds, ptes
}

// splitShmemFolio splits a large shmem page cache folio: uniformly into
// order-0 folios (split_folio) for at < 0, else non-uniformly around page
// at (folio_split, as truncate_inode_partial_folio does): the folio is cut
// in halves until page at is alone, leaving the buddy halves as folios of
// decreasing order. The folio is first unmapped from every mapping
// (unmap_folio; a file folio is not remapped after a split). The page
// cache keeps one reference per page, and drops the pieces past i_size.
// It reports false for anything but a large shmem folio.
func splitShmemFolio(f *Page, at int) bool {
	f = f.Folio()
	if f.order == 0 || f.freed || f.mapping == nil || !f.mapping.shmem {
		return false
	}
	nr := 1 << f.order
	unmapFileRange(f.mapping, f.index, f.index+uint64(nr)-1, f)
	extra := f.refcount - int32(nr) // references other than the page cache's
	type piece struct{ start, order int }
	var pieces []piece
	if at < 0 {
		for k := 0; k < nr; k++ {
			pieces = append(pieces, piece{k, 0})
		}
	} else {
		base := 0
		for order := int(f.order) - 1; order >= 0; order-- {
			half := 1 << order
			if at < base+half {
				pieces = append(pieces, piece{base + half, order})
			} else {
				pieces = append(pieces, piece{base, order})
				base += half
			}
		}
		pieces = append(pieces, piece{base, 0})
	}
	head := f
	for _, pc := range pieces {
		h := head.subpage(pc.start)
		h.head, h.order, h.entireMapcount = nil, uint8(pc.order), 0
		h.refcount = int32(1) << pc.order
		for k := 1; k < 1<<pc.order; k++ {
			t := head.subpage(pc.start + k)
			t.head, t.order, t.refcount = h, 0, 0
		}
	}
	f.Folio().refcount += extra
	// pieces past i_size leave the page cache (__folio_split: shmem
	// collapse may have filled the folio beyond EOF)
	as := f.mapping
	for _, pc := range pieces {
		h := head.subpage(pc.start)
		if h.index < as.Size {
			continue
		}
		for k := 0; k < 1<<pc.order; k++ {
			as.RemovePage(h.index + uint64(k))
		}
	}
	return true
}

// splitFolio is split_folio for a large anonymous folio: its PMD mappings
// are split first, then every page becomes an order-0 folio holding the
// references of its own mappings (an unmapped page is freed), and, as
// the reference kernel does when it remaps the pages after a split, a
// page that holds no data is replaced in every mapping by the shared zero
// page (try_to_map_unused_to_zeropage; not in VM_LOCKED VMAs). It
// reports false when f is not a large anonymous folio.
func splitFolio(f *Page) bool {
	f = f.Folio()
	if f.order == 0 || !f.anon || f.freed {
		return false
	}
	pmds, _ := folioMappings(f)
	for _, x := range pmds {
		x.mm.splitHugePMDAt(x.t, x.i)
	}
	_, ptes := folioMappings(f)
	n := 1 << f.order
	mem := f.mem
	// references other than the mappings' (the splitter's folio_get(),
	// a pin) stay with the head page, which the caller still holds
	extra := max(f.refcount-int32(folioPTEMapcount(f)), 0)
	for k := 0; k < n; k++ {
		q := f.subpage(k)
		q.head, q.order, q.entireMapcount = nil, 0, 0
		q.anon, q.anonVMA = true, f.anonVMA
		q.refcount = q.mapcount
	}
	f.refcount += extra
	for k := 0; k < n; k++ {
		if q := mem.pages[f.PFN-firstPFN+PFN(k)]; q.refcount == 0 && !q.freed {
			q.free()
		}
	}
	flush := map[*MM][2]Addr{}
	for _, x := range ptes {
		q := mem.Page(x.t.ptes[x.i].PFN())
		if q == nil || q.data || q.freed || x.v.Flags&VM_LOCKED != 0 {
			continue
		}
		zpte := MkPTE(mem.zero.PFN, PTEAccessed|PTESpecial)
		if x.v.Flags&VM_ACCESS_FLAGS == 0 {
			zpte |= PTEProtNone // the zero page is mapped with vm_page_prot
		}
		x.mm.setEntry(x.t, x.i, zpte)
		r, ok := flush[x.mm]
		if !ok {
			r = [2]Addr{x.addr, x.addr + PageSize}
		}
		flush[x.mm] = [2]Addr{min(r[0], x.addr), max(r[1], x.addr+PageSize)}
	}
	for mm, r := range flush {
		mm.TLB.FlushRange(r[0], r[1])
	}
	return true
}
