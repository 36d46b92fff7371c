package mmcore

// The /proc views a tester compares with a real kernel: per-VMA smaps
// counters, pagemap entries with the kpageflags bits that tell pages apart,
// and mincore.

// SmapsStats are the page counts fs/proc/task_mmu.c:show_smap prints for a
// VMA, in pages.
type SmapsStats struct {
	Rss       int // Rss: pages mapped by present entries with a struct page
	Anonymous int // Anonymous: those that are anonymous
	// AnonHugePages: anonymous pages mapped by PMD entries (a THP mapped
	// with PTEs after a split no longer counts).
	AnonHugePages int
	// FilePmdMapped and ShmemPmdMapped: page cache pages, of a disk file
	// or of shmem, mapped by PMD entries.
	FilePmdMapped, ShmemPmdMapped int
	// PssKB is Pss in kB: each page counts 1/mapcount of its size.
	PssKB int
	// LockedKB is Locked in kB: the Pss of a VM_LOCKED VMA.
	LockedKB int
	// Locked is LockedKB in whole pages.
	Locked int
}

// PSS_SHIFT is fs/proc/task_mmu.c's fixed-point shift for Pss.
const PSS_SHIFT = 12

// pssOf is smaps_account's share of one page: the whole page when the
// folio has a single reference, else PAGE_SIZE over the page's precise
// mapcount (PTE mappings of it plus PMD mappings of its folio).
func pssOf(p *Page) uint64 {
	f := p.Folio()
	if f.refcount == 1 {
		return PageSize << PSS_SHIFT
	}
	mc := uint64(p.mapcount + f.entireMapcount)
	if mc < 2 {
		return PageSize << PSS_SHIFT
	}
	return (PageSize << PSS_SHIFT) / mc
}

// SmapsOf walks v's page tables as smaps_pte_range and smaps_pmd_entry do:
// the zero page and special entries have no normal page
// (vm_normal_page) and are not counted.
func (m *MM) SmapsOf(v *VMA) SmapsStats {
	var s SmapsStats
	if v == nil || v.mm != m {
		return s
	}
	var pss uint64
	for a := v.start; a < v.end; {
		w := m.Walk(a)
		if w.Huge() {
			n := int(min(v.end, w.HugeEnd())-a) >> PageShift
			if p := m.accountedPage(w.Entry); p != nil {
				s.Rss += n
				if p.anon {
					s.Anonymous += n
					s.AnonHugePages += n
				} else if p.mapping != nil && p.mapping.shmem {
					s.ShmemPmdMapped += n
				} else {
					s.FilePmdMapped += n
				}
				for k := 0; k < n; k++ {
					pss += pssOf(m.mem.Page(w.Entry.PFN() + PFN(k)))
				}
			}
			a += Addr(n) << PageShift
			continue
		}
		if w.Depth != LevelPTE {
			a = w.skip()
			continue
		}
		if p := m.accountedPage(w.Entry); p != nil {
			s.Rss++
			if p.anon {
				s.Anonymous++
			}
			pss += pssOf(p)
		}
		a += PageSize
	}
	s.PssKB = int(pss >> (PSS_SHIFT + 10))
	if v.Flags&VM_LOCKED != 0 {
		s.LockedKB = s.PssKB
		s.Locked = s.LockedKB / (PageSize >> 10)
	}
	return s
}

// skip returns the first address past the range the walk's missing table
// would have covered.
func (w Walk) skip() Addr {
	if w.Depth == LevelNone {
		return ^Addr(0) &^ (PageSize - 1)
	}
	t := w.Tables[w.Depth]
	span := Addr(1) << t.shift
	return (w.Addr &^ (span - 1)) + span
}

// PagemapEntry is what /proc/pid/pagemap and /proc/kpageflags say about one
// virtual page (fs/proc/task_mmu.c:pte_to_pagemap_entry,
// fs/proc/page.c:stable_page_flags).
type PagemapEntry struct {
	Present bool
	// File is PM_FILE: a page-cache or shmem page, not anonymous.
	File bool
	// Exclusive is PM_MMAP_EXCLUSIVE: the page is mapped exactly once.
	Exclusive bool
	// Zero is KPF_ZERO_PAGE: the shared zero page (or huge zero page).
	Zero bool
	// THP is KPF_THP: part of a large anonymous folio.
	THP bool
	// Compound is KPF_COMPOUND_HEAD or _TAIL: part of a large folio.
	Compound bool
	// NoPage: a PFN without struct page (a PFN map).
	NoPage bool
}

// Pagemap returns the pagemap view of addr.
func (m *MM) Pagemap(addr Addr) PagemapEntry {
	w := m.Walk(addr & PageMask)
	if !w.Present() {
		return PagemapEntry{}
	}
	e := PagemapEntry{Present: true}
	p := m.mem.Page(w.Entry.PFN())
	if p == nil {
		e.NoPage = true
		return e
	}
	f := p.Folio()
	e.Zero = f.zero
	e.File = !f.anon && !f.zero
	e.Compound = f.order > 0
	e.THP = f.order > 0 && f.anon
	if w.Huge() {
		e.Exclusive = f.entireMapcount == 1 && f.mapcount == 0
	} else {
		e.Exclusive = p.mapcount+f.entireMapcount == 1
	}
	return e
}

// PageClass is the probe's pm= character for addr: '.' not present, 'z'
// zero page, 'F' page cache in a large folio, 'f' page cache, 'T' anon THP,
// 'a' anon mapped once, 'A' anon mapped more than once, 'p' a PFN without
// struct page (mmcore's addition).
func (m *MM) PageClass(addr Addr) byte {
	if w := m.Walk(addr); w.Depth == LevelPTE && w.Entry.GuardMarker() {
		return 's' // pagemap reports a guard marker as a swap entry
	}
	e := m.Pagemap(addr)
	switch {
	case !e.Present:
		return '.'
	case e.NoPage:
		return 'p'
	case e.Zero:
		return 'z'
	case e.File && e.Compound:
		return 'F'
	case e.File:
		return 'f'
	case e.THP:
		return 'T'
	case e.Exclusive:
		return 'a'
	}
	return 'A'
}

// Mincore reports, per page of [start, end) ∩ v, whether mincore(2) says
// resident (mm/mincore.c:mincore_pte_range): a present entry is resident;
// an empty one is resident when the VMA's file has the page cached
// (mincore_page), and never for anonymous memory (no swap is modelled).
func (m *MM) Mincore(v *VMA, start, end Addr) []bool {
	start, end = max(start&PageMask, v.start), min(end, v.end)
	if end <= start {
		return nil
	}
	out := make([]bool, 0, (end-start)>>PageShift)
	for a := start; a < end; a += PageSize {
		w := m.Walk(a)
		res := w.Present()
		if !res && v.file != nil {
			res = v.file.mapping.pages[v.PgoffOf(a)] != nil
		}
		out = append(out, res)
	}
	return out
}
