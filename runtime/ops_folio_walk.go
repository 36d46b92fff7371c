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

	// walk is folio_walk_start() on v at addr: the lock check, the walk,
	// the leaf's lock taken and kept when a page is found, which found
	// gets (its lock, and the PTE table for a PTE leaf, nil for a PMD one).
	walk := func(c *Call, v *mmcore.VMA, addr mmcore.Addr, flags map[string]bool, found func(m *MM, p *mmcore.Page, l *Lock, t *mmcore.PageTable) Result) Result {
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
					return found(m, p, l, nil)
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
				return found(m, p, l, t)
			}
			c.unlock(l, Write)
			c.T.rcuUnlock()
			return done(Nil)
		})
	}
	startAPI := register(&API{Name: "folio_walk_start", Section: "2.21",
		Hold: "the mmap lock (read is enough); mainline also accepts, with FW_VMA_LOCKED, the VMA read lock (and an mm_users reference when the mm is not the caller's own); " +
			"what it holds stays held until folio_walk_end()",
		Takes:  "vma_pgtable_walk_begin() (the hugetlb VMA lock) -> the PMD lock for a PMD leaf, else pte_offset_map_lock() (RCU, then the PTE lock); kept on success, dropped when nothing is found",
		Sleeps: "no (a hugetlb VMA's lock is a rwsem; mmscript models no hugetlb)",
		Asserts: "mainline: vma_assert_locked(vma) (debug kernels) with FW_VMA_LOCKED, else mmap_assert_locked(vma->vm_mm); WARN_ON_ONCE(addr outside the VMA). " +
			"6.18: mmap_assert_locked() whatever the flags: FW_VMA_LOCKED does not exist",
		Source: "mm/pagewalk.c: folio_walk_start(); include/linux/pagewalk.h: folio_walk_end(), struct folio_walk",
		Notes: "mmscript: folio_walk_start(&fw, vma, addr, flags) as the kernel declares it, fw a `folio_walk fw`, flags 0, FW_ZEROPAGE or FW_VMA_LOCKED " +
			"(combined with |): returns the folio mapped at addr (vm_normal_page(): nil for a special PTE such as remap_pfn_range's; the zero page only with FW_ZEROPAGE) " +
			"with its table's lock held and fw filled (fw.page, the exact page, nil for the zero page; fw.level FW_LEVEL_PTE or FW_LEVEL_PMD; fw.ptep and fw.pte at the PTE level; " +
			"fw.ptl; fw.vma), or nil holding nothing; mmscript's earlier folio_walk_start(vma, addr, flags) returns the page and folio_walk_end(vma, addr) ends it. " +
			"PTE and PMD leaves are modelled, PUD leaves and hugetlb are not. The kernel-doc: the folio must not be used after folio_walk_end() unless a " +
			"short-term reference (folio_get) was taken before it, and it is never a substitute for GUP (no long-term references, no DMA)",
		NullResult: "holding no lock when nothing is mapped at the address or the mapping has no normal page (a special PTE; the zero page without FW_ZEROPAGE), " +
			"and folio_walk_end() is then not called",
		Rules:    []*Rule{ruleMmap, ruleVMA, ruleRange},
		Cites:    []Cite{walkCite},
		Sequence: seq})
	startOp := defOp(&Op{Name: "folio_walk_start",
		Params: []Param{{Name: "fw", Type: TFolioWalk, Hint: "the kernel's struct folio_walk *fw: declare `folio_walk fw` and pass &fw; " +
			"mmscript's earlier form is folio_walk_start(vma, addr, flags)"}, vmaParam("vma", false), intParam("addr"),
			{Name: "flags", Type: TWord, Words: flagWords, FromInt: folioWalkFlagWord}},
		Result: TPage, API: startAPI, Touches: folioWalkPath,
		Fn: func(c *Call) Result {
			fw := c.Args[0].Obj.(*FolioWalk)
			v, addr := c.vma(1), c.addr(2)
			return walk(c, v, addr, wordSet(c.word(3)), func(m *MM, p *mmcore.Page, l *Lock, t *mmcore.PageTable) Result {
				// found: "if (expose_page) fw->page = page + ...; else
				// fw->page = NULL; fw->ptl = ptl; return page_folio(page);"
				*fw = FolioWalk{Owned: fw.Owned, VMA: v, Addr: addr, lock: l, table: t, Level: FW_LEVEL_PMD}
				if !p.Zero() {
					fw.Page = p
				}
				if t != nil {
					fw.Level = FW_LEVEL_PTE
					fw.pte = &PTE{MM: m, Addr: addr &^ (mmcore.PageSize - 1), Table: t, PTL: l, rcuSection: c.T.rcuSection}
				}
				return done(Obj(TPage, p.Folio()))
			})
		}})
	startOp.MMForm = &Op{Name: "folio_walk_start",
		Params: append(vmaAddrParams(), Param{Name: "flags", Type: TWord, Words: flagWords, Optional: true, Default: Word("none"), FromInt: folioWalkFlagWord}),
		Result: TPage, API: startAPI, Touches: ptePath2,
		Fn: func(c *Call) Result {
			c.T.cur = c
			return walk(c, c.vma(0), c.addr(1), wordSet(c.word(2)), func(_ *MM, p *mmcore.Page, _ *Lock, _ *mmcore.PageTable) Result {
				return done(Obj(TPage, p))
			})
		}}
	startOp.MMForm.Consistent = consistencyCheck(startOp.MMForm)

	endAPI := register(&API{Name: "folio_walk_end", Section: "2.21", Hold: "the lock folio_walk_start() returned holding",
		Takes: "nothing: spin_unlock(fw->ptl); pte_unmap(fw->ptep) at the PTE level; vma_pgtable_walk_end()", Sleeps: "no",
		Asserts: "none (lockdep: bad unlock balance)",
		Source:  "include/linux/pagewalk.h: folio_walk_end()",
		Notes: "mmscript: folio_walk_end(&fw, vma) as the kernel's macro, only after a folio_walk_start(&fw, ...) that returned a folio (fw.ptl is what it " +
			"unlocks: after a walk that found nothing, or a second end, it is a stale pointer, reported as the unbalanced unlock); mmscript's earlier " +
			"folio_walk_end(vma, addr) ends a folio_walk_start(vma, addr) at addr. The page is not to be used after it without a reference",
		Cites: []Cite{endCite},
		Sequence: "folio = folio_walk_start(&fw, vma, addr, 0);\nif (folio) {\n\t/* look at the folio, or folio_get() it */\n" +
			"\tfolio_walk_end(&fw, vma);\n}",
		Rules: []*Rule{ruleUnlockNotHeld}})
	endOp := defOp(&Op{Name: "folio_walk_end", Params: []Param{{Name: "fw", Type: TFolioWalk,
		Hint: "the kernel's struct folio_walk *fw that folio_walk_start(&fw, ...) filled; mmscript's earlier form is folio_walk_end(vma, addr)"}, vmaParam("vma", false)},
		API: endAPI, Touches: folioWalkPath,
		Fn: func(c *Call) Result {
			// #define folio_walk_end(__fw, __vma) do { spin_unlock((__fw)->ptl);
			// if (likely((__fw)->level == FW_LEVEL_PTE)) pte_unmap((__fw)->ptep);
			// vma_pgtable_walk_end(__vma); } while (0)
			fw := c.Args[0].Obj.(*FolioWalk)
			c.vma(1) // vma_pgtable_walk_end(vma): is_vm_hugetlb_page(vma) reads vma->vm_flags
			if fw.lock == nil {
				return fail("folio_walk_end: fw.ptl is NULL: no folio_walk_start(&fw, ...) returned a folio (the kernel's spin_unlock(fw->ptl) of an unset pointer; " +
					"call folio_walk_end() only when folio_walk_start() returned non-NULL)")
			}
			l := fw.lock // stays in fw, as C's fw->ptl: a second end unlocks it again
			if l.heldBy(c.T) == 0 {
				return c.release(l, Write) // reports the unbalanced unlock
			}
			r := c.release(l, Write)
			if fw.Level == FW_LEVEL_PTE {
				c.T.rcuUnlock() // pte_unmap(fw->ptep)
			}
			return r
		}})
	endOp.MMForm = &Op{Name: "folio_walk_end", Params: vmaAddrParams(), API: endAPI, Touches: ptePath2,
		Fn: func(c *Call) Result {
			c.T.cur = c
			v, addr := c.vma(0), c.addr(1)
			m := mmOf(v.MM())
			w := m.Core.Walk(addr)
			if w.Huge() {
				return c.release(pmdLockOf(m, addr), Write)
			}
			return pteWalkEnd(c, m, w.PTETable(), addr, "folio_walk")
		}}
	endOp.MMForm.Consistent = consistencyCheck(endOp.MMForm)

	// struct folio_walk (include/linux/pagewalk.h): "public" page, level,
	// ptep/pmdp and pte/pmd; "private" vma and ptl, read here as C can.
	fieldTable[TFolioWalk] = map[string]func(k *Kernel, x any) Value{
		"page":  func(_ *Kernel, x any) Value { return pageOrNil(x.(*FolioWalk).Page) },
		"level": func(_ *Kernel, x any) Value { return Int(x.(*FolioWalk).Level) },
		"vma":   func(_ *Kernel, x any) Value { return Obj(TVMA, x.(*FolioWalk).VMA) },
		"ptl":   func(_ *Kernel, x any) Value { return lockOrNil(x.(*FolioWalk).lock) },
		"ptep":  func(_ *Kernel, x any) Value { return pteOrNil(x.(*FolioWalk).pte) },
		"pte":   func(_ *Kernel, x any) Value { return pteOrNil(x.(*FolioWalk).pte) },
	}
	fieldTypes[TFolioWalk] = map[string]Type{"page": TPage, "level": TInt, "vma": TVMA, "ptl": TLock, "ptep": TPTE, "pte": TPTE}
	fieldNoStore[TFolioWalk] = map[string]string{}
	// the names no other struct has (a store to vmf.page or pte.ptl
	// keeps its own type's reason)
	for _, f := range []string{"level", "ptep"} {
		fieldNoStore[TFolioWalk][f] = "an output of folio_walk_start(&fw, vma, addr, flags), which fills the struct"
	}
	Constants["FW_LEVEL_PTE"], Constants["FW_LEVEL_PMD"], Constants["FW_LEVEL_PUD"] = FW_LEVEL_PTE, FW_LEVEL_PMD, FW_LEVEL_PUD
	constDocs["FW_LEVEL_PTE"] = "enum folio_walk_level (include/linux/pagewalk.h): fw.level when folio_walk_start() found a PTE; fw.ptep and fw.pte are the entry, and folio_walk_end() pte_unmap()s the table"
	constDocs["FW_LEVEL_PMD"] = "enum folio_walk_level: fw.level when folio_walk_start() found a PMD leaf (a THP, or the huge zero folio with FW_ZEROPAGE); fw.ptl is the PMD lock"
	constDocs["FW_LEVEL_PUD"] = "enum folio_walk_level: a PUD leaf (not modelled: mmscript has no PUD-mapped folios)"
	typeDocs[TFolioWalk] = "struct folio_walk (include/linux/pagewalk.h): declared `folio_walk fw`, filled by folio_walk_start(&fw, vma, addr, flags) " +
		"with the leaf's lock held until folio_walk_end(&fw, vma)"
	for f, d := range map[string]string{
		"page":  "fw->page: the exact page mapped at the address, NULL for the shared zero page (FW_ZEROPAGE); valid until folio_walk_end() unless referenced",
		"level": "fw->level: FW_LEVEL_PTE or FW_LEVEL_PMD, the level of the entry found",
		"vma":   "fw->vma (private): the VMA walked",
		"ptl":   "fw->ptl (private): the page-table lock held from folio_walk_start() to folio_walk_end(): the PTE table's lock, or the PMD lock",
		"ptep":  "fw->ptep: the entry found at FW_LEVEL_PTE (nil at FW_LEVEL_PMD), mapped and locked until folio_walk_end()",
		"pte":   "fw->pte: the entry's value at FW_LEVEL_PTE; mmscript reads it through the same pte object as fw.ptep (stable while fw.ptl is held)",
	} {
		fieldDocs["folio_walk."+f] = d
	}
}

// enum folio_walk_level (include/linux/pagewalk.h).
const (
	FW_LEVEL_PTE = iota
	FW_LEVEL_PMD
	FW_LEVEL_PUD
)

// FolioWalk is the kernel's struct folio_walk (include/linux/pagewalk.h):
// folio_walk_start(&fw, ...) fills it and keeps the leaf's lock (the
// kernel's fw->ptl) for folio_walk_end(&fw, vma).
type FolioWalk struct {
	Owned // the thread that made it (owned.go)
	Page  *mmcore.Page
	Level int64
	VMA   *mmcore.VMA
	Addr  mmcore.Addr
	lock  *Lock
	table *mmcore.PageTable
	pte   *PTE
}

func (*FolioWalk) String() string { return "folio_walk" }

// folioWalkFlagWord converts folio_walk_start()'s flags given as an int:
// 0 is none (the flag bits are written by name: FW_ZEROPAGE).
func folioWalkFlagWord(v int64) (string, bool) {
	if v == 0 {
		return "none", true
	}
	return "", false
}

// folioWalkPath: folio_walk_start(&fw, vma, addr, flags) walks vma's
// tables at addr; folio_walk_end(&fw, vma) the ones fw holds.
func folioWalkPath(c *Call, f *Footprint) {
	fw, _ := c.Args[0].Obj.(*FolioWalk)
	if v, ok := c.Args[1].Obj.(*mmcore.VMA); ok && v != nil && c.Op.Name == "folio_walk_start" && len(c.Args) > 2 {
		f.MM(v.MM(), false)
		f.PTEAt(v.MM(), mmcore.Addr(c.Args[2].Int), false)
		return
	}
	if fw != nil && fw.VMA != nil {
		f.MM(fw.VMA.MM(), false)
		f.PTEAt(fw.VMA.MM(), fw.Addr, false)
	}
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

// pageOrNil, lockOrNil and pteOrNil are a field's value: the object, or
// nil (NULL) for none.
func pageOrNil(p *mmcore.Page) Value {
	if p == nil {
		return Nil
	}
	return Obj(TPage, p)
}

func lockOrNil(l *Lock) Value {
	if l == nil {
		return Nil
	}
	return Obj(TLock, l)
}

func pteOrNil(p *PTE) Value {
	if p == nil {
		return Nil
	}
	return Obj(TPTE, p)
}
