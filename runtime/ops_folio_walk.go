package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// folio_walk_start() and folio_walk_end(): the walk to the folio mapped at
// one address that GUP-less users (KSM, s390 storage keys, migration of a
// single page) take instead of a page-table walker with callbacks.

// readFolioWalk is mm/pagewalk.c of the linux-mm tree, the copy with
// FW_VMA_LOCKED; include/linux/pagewalk.h's folio_walk_end() was read in
// an older linux-mm copy that defines only FW_ZEROPAGE.
const readFolioWalk = "linux-mm@05409e97cf21 mm/pagewalk.c, linux-mm@17c3c1ffccf2 include/linux/pagewalk.h, read"

func init() {
	// mm/pagewalk.c: folio_walk_start(): "if (flags & FW_VMA_LOCKED)
	// vma_assert_locked(vma); else mmap_assert_locked(vma->vm_mm);" then
	// "if (WARN_ON_ONCE(addr < vma->vm_start || addr >= vma->vm_end))
	// goto not_found;". 6.18 has no FW_VMA_LOCKED: it asserts the mmap
	// lock whatever the caller holds.
	ruleMmap := &Rule{"folio_walk_start/needs-mmap-lock",
		"folio_walk_start() without FW_VMA_LOCKED is called with the mmap lock held (read is enough) until folio_walk_end(): it keeps the page tables it walks from being freed",
		"mm/pagewalk.c: folio_walk_start() -> mmap_assert_locked(vma->vm_mm)", WARN}
	ruleVMA := &Rule{"folio_walk_start/vma-not-locked",
		"folio_walk_start() with FW_VMA_LOCKED (mainline) is called with the VMA read- or write-locked: \"the page tables of a read-locked vma cannot be torn down while the mm has users\"",
		"mm/pagewalk.c: folio_walk_start() -> vma_assert_locked(vma) (VM_WARN_ON_ONCE_VMA)", DebugOnly}
	ruleRange := &Rule{"folio_walk_start/addr-outside-vma", "folio_walk_start() is given an address inside the VMA",
		"mm/pagewalk.c: folio_walk_start() WARN_ON_ONCE(addr < vma->vm_start || addr >= vma->vm_end)", WARN}
	walkCite := cite("mm/pagewalk.c", "folio_walk_start()",
		"if (flags & FW_VMA_LOCKED) vma_assert_locked(vma); else mmap_assert_locked(vma->vm_mm); vma_pgtable_walk_begin(vma); "+
			"if (WARN_ON_ONCE(addr < vma->vm_start || addr >= vma->vm_end)) goto not_found; ... ptep = pte_offset_map_lock(vma->vm_mm, pmdp, addr, &ptl); "+
			"page = vm_normal_page(vma, addr, pte) (the zero page only with FW_ZEROPAGE); found: fw->ptl = ptl; return page_folio(page);", readFolioWalk)
	endCite := cite("include/linux/pagewalk.h", "folio_walk_end()",
		"none: spin_unlock((__fw)->ptl); if (likely((__fw)->level == FW_LEVEL_PTE)) pte_unmap((__fw)->ptep); vma_pgtable_walk_end(__vma);", readFolioWalk)
	seq := "mmap_read_lock(mm);\nfolio = folio_walk_start(&fw, vma, addr, 0);\nif (folio) {\n\tfolio_get(folio);    /* short-term only */\n\tfolio_walk_end(&fw, vma);\n}\nmmap_read_unlock(mm);"
	flagWords := []string{"none", "FW_ZEROPAGE", "FW_VMA_LOCKED"}

	defOp(&Op{Name: "folio_walk_start",
		Params: append(vmaAddrParams(), Param{Name: "flags", Type: TWord, Words: flagWords, Optional: true, Default: Word("none")}),
		Result: TPage,
		API: register(&API{Name: "folio_walk_start", Section: "2.21",
			Hold: "the mmap lock (read is enough); mainline also accepts, with FW_VMA_LOCKED, the VMA read lock (and an mm_users reference when the mm is not the caller's own); " +
				"what it holds stays held until folio_walk_end()",
			Takes:  "vma_pgtable_walk_begin() (the hugetlb VMA lock) -> the PMD lock for a PMD leaf, else pte_offset_map_lock() (RCU, then the PTE lock); kept on success, dropped when nothing is found",
			Sleeps: "no (a hugetlb VMA's lock is a rwsem; mmscript models no hugetlb)",
			Asserts: "mainline: vma_assert_locked(vma) (debug kernels) with FW_VMA_LOCKED, else mmap_assert_locked(vma->vm_mm); WARN_ON_ONCE(addr outside the VMA). " +
				"6.18: mmap_assert_locked() whatever the flags: FW_VMA_LOCKED does not exist",
			Source: "mm/pagewalk.c: folio_walk_start(); include/linux/pagewalk.h: folio_walk_end(), struct folio_walk",
			Notes: "mmscript: folio_walk_start(vma, addr, flags) with flags none, FW_ZEROPAGE or FW_VMA_LOCKED (combined with |) returns the page mapped at addr " +
				"(vm_normal_page(): nil for a special PTE such as remap_pfn_range's; the zero page only with FW_ZEROPAGE) with its table's lock held, or nil holding nothing; " +
				"PTE and PMD leaves are modelled, PUD leaves and hugetlb are not. The kernel-doc: the folio must not be used after folio_walk_end() unless a " +
				"short-term reference (get_page) was taken before it, and it is never a substitute for GUP (no long-term references, no DMA)",
			NullResult: "holding no lock when nothing is mapped at the address or the mapping has no normal page (a special PTE; the zero page without FW_ZEROPAGE), " +
				"and folio_walk_end() is then not called",
			Rules:    []*Rule{ruleMmap, ruleVMA, ruleRange},
			Cites:    []Cite{walkCite},
			Sequence: seq}),
		Touches: ptePath2,
		Fn: func(c *Call) Result {
			v, addr := c.vma(0), c.addr(1)
			flags := wordSet(c.word(2))
			m := mmOf(v.MM())
			if flags["FW_VMA_LOCKED"] && c.K.Config.Version != Mainline {
				return fail("folio_walk_start: FW_VMA_LOCKED does not exist in 6.18 (include/linux/pagewalk.h defines only FW_ZEROPAGE): its folio_walk_start() asserts the mmap lock")
			}
			if flags["FW_VMA_LOCKED"] {
				if c.K.vmaState(v).Lock.heldBy(c.T) == 0 && !c.K.writeLocked(v) {
					c.K.violate(c.T, ruleVMA, "folio_walk_start(FW_VMA_LOCKED) on "+VMAName(v)+", which is not locked: munmap may free the page tables under the walk")
				}
			} else {
				c.mmapAssertLocked(m, false, ruleMmap, "folio_walk_start on "+VMAName(v)+" without "+m.MmapLock.Name+" held: munmap may free the page tables under the walk")
			}
			if !v.Contains(addr) {
				c.K.violate(c.T, ruleRange, fmt.Sprintf("folio_walk_start at %#x, outside %s", uint64(addr), VMAName(v)))
				return done(Nil)
			}
			w := m.Core.Walk(addr)
			if w.Huge() {
				// The PMD leaf: pmd_lock(), then vm_normal_page_pmd() or,
				// with FW_ZEROPAGE, the huge zero folio.
				l := pmdLockOf(m, addr)
				return c.lock(l, Write, func() Result {
					w := m.Core.Walk(addr)
					if p := folioWalkPage(m, w, flags["FW_ZEROPAGE"]); p != nil {
						return done(Obj(TPage, p))
					}
					c.unlock(l, Write)
					return done(Nil)
				})
			}
			t := w.PTETable()
			if t == nil {
				return done(Nil)
			}
			l := ptl(m, t)
			c.T.rcuLock() // pte_offset_map_lock(): the table is mapped under RCU
			return c.lock(l, Write, func() Result {
				if p := folioWalkPage(m, m.Core.Walk(addr), flags["FW_ZEROPAGE"]); p != nil {
					return done(Obj(TPage, p))
				}
				c.unlock(l, Write)
				c.T.rcuUnlock()
				return done(Nil)
			})
		}})

	defOp(&Op{Name: "folio_walk_end", Params: vmaAddrParams(),
		API: register(&API{Name: "folio_walk_end", Section: "2.21", Hold: "the lock folio_walk_start() returned holding",
			Takes: "nothing: spin_unlock(fw->ptl); pte_unmap(fw->ptep) at the PTE level; vma_pgtable_walk_end()", Sleeps: "no",
			Asserts: "none (lockdep: bad unlock balance)",
			Source:  "include/linux/pagewalk.h: folio_walk_end()",
			Notes:   "mmscript: folio_walk_end(vma, addr), only after a folio_walk_start() at addr that returned a page; the page is not to be used after it without a reference",
			Cites:   []Cite{endCite},
			Sequence: "folio = folio_walk_start(&fw, vma, addr, 0);\nif (folio) {\n\t/* look at the folio, or folio_get() it */\n" +
				"\tfolio_walk_end(&fw, vma);\n}",
			Rules: []*Rule{ruleUnlockNotHeld}}),
		Touches: ptePath2,
		Fn: func(c *Call) Result {
			v, addr := c.vma(0), c.addr(1)
			m := mmOf(v.MM())
			w := m.Core.Walk(addr)
			if w.Huge() {
				return c.release(pmdLockOf(m, addr), Write)
			}
			return pteWalkEnd(c, m, w.PTETable(), addr, "folio_walk")
		}})
}

// folioWalkPage is folio_walk_start()'s test of the entry w found: the
// page vm_normal_page() returns for a present, not special entry, or the
// (huge) zero page when the caller passed FW_ZEROPAGE.
func folioWalkPage(m *MM, w mmcore.Walk, zeropage bool) *mmcore.Page {
	if !w.Present() {
		return nil
	}
	p := m.Core.Memory().Page(w.Entry.PFN())
	switch {
	case p == nil:
		return nil
	case p.Zero():
		if zeropage {
			return p
		}
		return nil
	case w.Entry.Special():
		return nil
	}
	return p
}
