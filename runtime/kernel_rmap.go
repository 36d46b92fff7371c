package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// The atomic steps of the reverse-map walks (kernel/rmap.mms): the
// interval-tree iterations of rmap_walk_anon() and rmap_walk_file(), as a
// count and an n-th element until the language iterates over VMAs, and
// vma_address(). The locks are the library's.

// imapVMAs lists the VMAs of f's i_mmap tree that map page index pgoff
// (vma_interval_tree_foreach(vma, &mapping->i_mmap, pgoff, pgoff)).
func imapVMAs(f *File, pgoff uint64) []*mmcore.VMA {
	var vs []*mmcore.VMA
	for v := range f.Core.Mapping().IMmap(pgoff, pgoff) {
		vs = append(vs, v)
	}
	return vs
}

// anonVMAs lists the VMAs of page's anon_vma that can map it
// (anon_vma_interval_tree_foreach over pgoff_start..pgoff_end).
func anonVMAs(p *mmcore.Page) []*mmcore.VMA {
	av := p.Folio().AnonVMA()
	if av == nil {
		return nil
	}
	idx := p.Index()
	var vs []*mmcore.VMA
	for v := range av.VMAs() {
		if v.Attached() && idx >= v.Pgoff() && idx < v.Pgoff()+v.Pages() {
			vs = append(vs, v)
		}
	}
	return vs
}

var ruleRmapIterLock = &Rule{"rmap/iterate-needs-rmap-lock",
	"the VMAs of an anon_vma or of a file's i_mmap tree are iterated under that rmap lock (anon_vma_lock_read, i_mmap_lock_read, or for write)",
	"mm/rmap.c: rmap_walk_anon(), __rmap_walk_file() (VM_BUG_ON_FOLIO / lockdep_assert_held in the _locked variants); process_addrs.rst \"Locks\" (rmap)", Unchecked}

func init() {
	iterCite := []Cite{cite("mm/rmap.c", "__rmap_walk_file(), rmap_walk_anon()", "none: vma_interval_tree_foreach(vma, &mapping->i_mmap, pgoff_start, pgoff_end) { ... rwc->rmap_one(folio, vma, address, rwc->arg) ... }", readRmap)}
	fileIdx := []Param{{Name: "file", Type: TFile}, {Name: "pgoff", Type: TInt}}
	defOp(&Op{Name: "vma_interval_tree_count", Params: fileIdx, Result: TInt,
		API: register(&API{Name: "vma_interval_tree_count", Section: "2.35",
			Hold: "the file's i_mmap_rwsem (read or write)", Sleeps: "no", Source: "include/linux/mm.h: vma_interval_tree_foreach()",
			Notes: "how many VMAs of the file's i_mmap tree map page index pgoff: with vma_interval_tree_nth, `for i in 0..n` stands for " +
				"vma_interval_tree_foreach until the language iterates over VMAs",
			Rules: []*Rule{ruleRmapIterLock}, Cites: iterCite,
			Sequence: "i_mmap_lock_read(mapping);\nvma_interval_tree_foreach(vma, &mapping->i_mmap, pgoff, pgoff) {\n\t/* ... */\n}\ni_mmap_unlock_read(mapping);"}),
		Touches: func(c *Call, f *Footprint) { f.Object(AFile, c.file(0), false) },
		Fn: func(c *Call) Result {
			f := c.file(0)
			if f.IMmap.heldBy(c.T) == 0 {
				c.K.violate(c.T, ruleRmapIterLock, fmt.Sprintf("vma_interval_tree_count on %s without %s", f.Core.Name, f.IMmap.Name))
			}
			return done(Int(int64(len(imapVMAs(f, uint64(c.int(1)))))))
		}})
	defOp(&Op{Name: "vma_interval_tree_nth", Params: append(fileIdx[:2:2], Param{Name: "i", Type: TInt}), Result: TVMA,
		API: register(&API{Name: "vma_interval_tree_nth", Section: "2.35",
			Hold: "the file's i_mmap_rwsem (read or write)", Sleeps: "no", Source: "include/linux/mm.h: vma_interval_tree_foreach()",
			Notes: "the i-th VMA vma_interval_tree_foreach visits for pgoff (nil past the end)",
			Rules: []*Rule{ruleRmapIterLock}, Cites: iterCite, Sequence: "vma_interval_tree_foreach(vma, &mapping->i_mmap, pgoff, pgoff)"}),
		Touches: func(c *Call, f *Footprint) { f.Object(AFile, c.file(0), false); f.Add(AMM, AllObjects, false) },
		Fn: func(c *Call) Result {
			f := c.file(0)
			if f.IMmap.heldBy(c.T) == 0 {
				c.K.violate(c.T, ruleRmapIterLock, fmt.Sprintf("vma_interval_tree_nth on %s without %s", f.Core.Name, f.IMmap.Name))
			}
			vs := imapVMAs(f, uint64(c.int(1)))
			if i := c.int(2); i >= 0 && i < int64(len(vs)) {
				return done(Obj(TVMA, vs[i]))
			}
			return done(Nil)
		}})
	folioParam := []Param{{Name: "folio", Type: TPage}}
	anonHeld := func(c *Call, p *mmcore.Page) {
		av := p.Folio().AnonVMA()
		if av == nil {
			return
		}
		if l, ok := av.Lock.(*Lock); ok && l.heldBy(c.T) != 0 {
			return
		}
		c.K.violate(c.T, ruleRmapIterLock, fmt.Sprintf("%s on pfn %#x without its anon_vma lock", c.Op.Name, uint64(p.PFN)))
	}
	defOp(&Op{Name: "anon_vma_interval_tree_count", Params: folioParam, Result: TInt,
		API: register(&API{Name: "anon_vma_interval_tree_count", Section: "2.35",
			Hold: "the folio's anon_vma lock (read or write)", Sleeps: "no", Source: "mm/interval_tree.c: anon_vma_interval_tree_foreach(); mm/rmap.c: rmap_walk_anon()",
			Notes: "how many VMAs of the anonymous folio's anon_vma may map it (0 for a folio without one); with anon_vma_interval_tree_nth it " +
				"stands for anon_vma_interval_tree_foreach",
			Rules: []*Rule{ruleRmapIterLock}, Cites: iterCite,
			Sequence: "anon_vma = folio_lock_anon_vma_read(folio, rwc);\nanon_vma_interval_tree_foreach(avc, &anon_vma->rb_root, pgoff_start, pgoff_end) {\n\t/* ... */\n}\nanon_vma_unlock_read(anon_vma);"}),
		Touches: func(c *Call, f *Footprint) { f.Page(c.page(0), false); f.Add(AMM, AllObjects, false) },
		Fn: func(c *Call) Result {
			p := c.page(0)
			anonHeld(c, p)
			return done(Int(int64(len(anonVMAs(p)))))
		}})
	defOp(&Op{Name: "anon_vma_interval_tree_nth", Params: append(folioParam[:1:1], Param{Name: "i", Type: TInt}), Result: TVMA,
		API: register(&API{Name: "anon_vma_interval_tree_nth", Section: "2.35",
			Hold: "the folio's anon_vma lock (read or write)", Sleeps: "no", Source: "mm/interval_tree.c: anon_vma_interval_tree_foreach()",
			Notes: "the i-th VMA anon_vma_interval_tree_foreach visits for the folio (nil past the end)",
			Rules: []*Rule{ruleRmapIterLock}, Cites: iterCite, Sequence: "anon_vma_interval_tree_foreach(avc, &anon_vma->rb_root, pgoff_start, pgoff_end)"}),
		Touches: func(c *Call, f *Footprint) { f.Page(c.page(0), false); f.Add(AMM, AllObjects, false) },
		Fn: func(c *Call) Result {
			p := c.page(0)
			anonHeld(c, p)
			vs := anonVMAs(p)
			if i := c.int(1); i >= 0 && i < int64(len(vs)) {
				return done(Obj(TVMA, vs[i]))
			}
			return done(Nil)
		}})
	defOp(&Op{Name: "folio_anon_vma", Params: folioParam, Result: TBool,
		API: register(&API{Name: "folio_anon_vma", Section: "2.35", Hold: "the folio lock, or a reference (the result may go stale)", Sleeps: "no",
			Source: "mm/rmap.c: folio_anon_vma(); mm/util.c: folio_anon_vma()",
			Notes:  "true when the folio is anonymous and has an anon_vma: which of rmap_walk_anon() or rmap_walk_file() rmap_walk() takes",
			Cites:  []Cite{cite("mm/rmap.c", "rmap_walk()", "none: if (folio_test_anon(folio)) rmap_walk_anon(folio, rwc, false); else rmap_walk_file(folio, rwc, false);", readRmap)}, Sequence: "if (folio_test_anon(folio))\n\trmap_walk_anon(folio, rwc, false);\nelse\n\trmap_walk_file(folio, rwc, false);"}),
		Touches: func(c *Call, f *Footprint) { f.Page(c.page(0), false) },
		Fn: func(c *Call) Result {
			p := c.page(0).Folio()
			return done(Bool(p.Anon() && p.AnonVMA() != nil))
		}})
	defOp(&Op{Name: "folio_file", Params: folioParam, Result: TFile,
		API: register(&API{Name: "folio_file", Section: "2.35", Hold: "the folio lock (keeps folio->mapping)", Sleeps: "no",
			Source: "include/linux/pagemap.h: folio_mapping()", Notes: "the file whose page cache holds the folio (folio->mapping), nil for an anonymous or truncated folio",
			Cites: []Cite{cite("mm/rmap.c", "rmap_walk_file()", "VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio); ... __rmap_walk_file(folio, folio->mapping, ...)", readRmap)}, Sequence: "mapping = folio_mapping(folio);"}),
		Touches: func(c *Call, f *Footprint) { f.Page(c.page(0), false) },
		Fn: func(c *Call) Result {
			p := c.page(0).Folio()
			if f := c.K.fileOf(p.Mapping()); f != nil {
				return done(Obj(TFile, f))
			}
			return done(Nil)
		}})
	defOp(&Op{Name: "vma_address", Params: []Param{{Name: "folio", Type: TPage}, {Name: "vma", Type: TVMA}}, Result: TInt,
		API: register(&API{Name: "vma_address", Section: "2.35", Hold: "an rmap lock keeping the VMA (or the mmap lock)", Sleeps: "no",
			Source: "mm/internal.h: vma_address()", Notes: "the user address at which vma maps the page, -EFAULT when it lies outside the VMA",
			Cites:    []Cite{cite("mm/internal.h", "vma_address()", "none: address = vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT); if (address < vma->vm_start || address >= vma->vm_end) address = -EFAULT", readRmap)},
			Sequence: "address = vma_address(vma, pgoff, nr_pages);"}),
		Touches: func(c *Call, f *Footprint) { f.Page(c.page(0), false); f.MM(vmaMM(c, 1), false) },
		Fn: func(c *Call) Result {
			p, v := c.page(0), c.vma(1)
			a := int64(v.Start()) + (int64(p.Index())-int64(v.Pgoff()))*mmcore.PageSize
			if a < int64(v.Start()) || a >= int64(v.End()) {
				return done(Int(-14))
			}
			return done(Int(a))
		}})
}

var ruleVMBugOnFolio = &Rule{"rmap_walk/folio-not-locked",
	"the reverse-map walks run with the folio locked (try_to_unmap, try_to_migrate and rmap_walk callers hold it: \"Context: Caller must hold the folio lock\"); it keeps folio->mapping and the folio's mappings from changing under the walk",
	"mm/rmap.c: rmap_walk_file() VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio); rmap_walk_anon() VM_WARN_ON_FOLIO(!folio_test_locked(folio), folio); try_to_unmap() kernel-doc", DebugOnly}

func init() {
	folioParam := []Param{{Name: "folio", Type: TPage}}
	rmapSeq := "anon_vma = folio_lock_anon_vma_read(folio, rwc);\nif (!anon_vma)\n\treturn;\nanon_vma_interval_tree_foreach(avc, &anon_vma->rb_root, pgoff_start, pgoff_end) {\n" +
		"\t/* rwc->rmap_one(folio, vma, address, rwc->arg) */\n}\nanon_vma_unlock_read(anon_vma);"
	defOp(&Op{Name: "folio_test_locked", Params: folioParam, Result: TBool,
		API: register(&API{Name: "folio_test_locked", Section: "1.1", Hold: "nothing", Sleeps: "no",
			Source: "include/linux/page-flags.h: folio_test_locked()", Notes: "whether the folio lock (PG_locked) is held, by anyone",
			Query: "The answer is whether anyone holds PG_locked, not whether this thread does: the folio lock has no owner, so true is no licence to act as its holder. " +
				"The kernel asks it in assertions (VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio) in rmap_walk_file(), VM_BUG_ON(!folio_test_locked(folio)) in unmap_mapping_folio()), whose findings are the assertion's",
			Cites:    []Cite{cite("mm/rmap.c", "rmap_walk_file()", "VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio)", readRmap)},
			Sequence: "VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);"}),
		Touches: func(c *Call, f *Footprint) { c.K.fpLockObserve(c.K.folioLock(c.page(0).Folio())) },
		Fn:      func(c *Call) Result { return done(Bool(c.K.folioLock(c.page(0).Folio()).Held())) }})
	defOp(&Op{Name: "VM_BUG_ON_FOLIO", Params: []Param{{Name: "cond", Type: TBool}, {Name: "folio", Type: TPage}},
		API: register(&API{Name: "VM_BUG_ON_FOLIO", Section: "1.1", Hold: "nothing", Sleeps: "no",
			Asserts: "BUG() with the folio dumped when cond holds, on CONFIG_DEBUG_VM kernels only",
			Source:  "include/linux/mmdebug.h: VM_BUG_ON_FOLIO()",
			Notes:   "the kernel library's reverse-map walks assert the folio lock with it (rule rmap_walk/folio-not-locked, debug-only)",
			Rules:   []*Rule{ruleVMBugOnFolio},
			Cites:   []Cite{cite("mm/rmap.c", "rmap_walk_file()", "VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio)", readRmap)}, Sequence: "VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);"}),
		Touches: func(*Call, *Footprint) {},
		Fn: func(c *Call) Result {
			if c.bool(0) {
				c.K.violate(c.T, ruleVMBugOnFolio, fmt.Sprintf("VM_BUG_ON_FOLIO: pfn %#x is not locked (a reverse-map walk of an unlocked folio)", uint64(c.page(1).PFN)))
			}
			return ok
		}})
	defOp(&Op{Name: "folio_lock_anon_vma_read", Params: append(folioParam[:1:1], Param{Name: "try_lock", Type: TBool, Optional: true, Default: Bool(false)}), Result: TBool,
		API: register(&API{Name: "folio_lock_anon_vma_read", Section: "2.35",
			Hold: "the folio locked, or a reference with the rmap walk's try_lock", Takes: "the root anon_vma's rwsem for read (down_read_trylock first; with try_lock only the trylock)",
			Sleeps: "yes (without try_lock)", Asserts: "none", Source: "mm/rmap.c: folio_lock_anon_vma_read()",
			Notes: "true with the lock held; false when the folio has no anon_vma (or, with try_lock, the lock is contended: rwc->contended)",
			Rules: lockRules, Cites: []Cite{cite("mm/rmap.c", "folio_lock_anon_vma_read()", "none: if (down_read_trylock(&root_anon_vma->rwsem)) ...; if (rwc && rwc->try_lock) { rwc->contended = true; return NULL; } ... anon_vma_lock_read(anon_vma)", readRmap)},
			Sequence: rmapSeq}),
		Touches: func(c *Call, f *Footprint) { f.Page(c.page(0), false) },
		Fn: func(c *Call) Result {
			p := c.page(0).Folio()
			l, ok := c.K.folioAnonLock(p)
			if !ok {
				return done(Bool(false))
			}
			if c.T.TryAcquire(l, Read) {
				return done(Bool(true))
			}
			if c.bool(1) {
				return done(Bool(false))
			}
			c.T.MightSleep(c.Op.Name)
			return c.lock(l, Read, func() Result { return done(Bool(true)) })
		}})
	defOp(&Op{Name: "folio_anon_vma_unlock_read", Params: folioParam,
		API: register(&API{Name: "folio_anon_vma_unlock_read", Section: "2.35", Hold: "the lock folio_lock_anon_vma_read took", Sleeps: "no",
			Source: "mm/internal.h (include/linux/rmap.h in 6.18): anon_vma_unlock_read() of the anon_vma folio_lock_anon_vma_read() returned",
			Notes:  "mmscript's anon_vma_unlock_read takes a VMA; this one names the anon_vma through the folio", Rules: []*Rule{ruleUnlockNotHeld},
			Cites: []Cite{cite("mm/rmap.c", "rmap_walk_anon()", "none: anon_vma_unlock_read(anon_vma)", readRmap)}, Sequence: rmapSeq}),
		Touches: func(c *Call, f *Footprint) { f.Page(c.page(0), false) },
		Fn: func(c *Call) Result {
			l, ok := c.K.folioAnonLock(c.page(0).Folio())
			if !ok {
				return fail("folio_anon_vma_unlock_read: pfn %#x has no anon_vma", uint64(c.page(0).PFN))
			}
			return c.release(l, Read)
		}})
	defOp(&Op{Name: "ptep_clear_flush_young", Params: []Param{{Name: "vma", Type: TVMA}, {Name: "addr", Type: TInt}, {Name: "pte", Type: TPTE}}, Result: TBool,
		API: register(&API{Name: "ptep_clear_flush_young", Section: "2.34", Hold: "the PTE lock (page_vma_mapped_walk returned it locked)", Sleeps: "no",
			Source: "mm/pgtable-generic.c: ptep_clear_flush_young(); mm/rmap.c: folio_referenced_one()",
			Notes:  "tests and clears the accessed bit; true when it was set", Rules: []*Rule{rulePTEChangeLock, rulePMDNotRevalidated},
			Cites:    []Cite{cite("mm/rmap.c", "folio_referenced_one()", "none: if (ptep_clear_flush_young_notify(vma, address, pvmw.pte)) referenced++;", readRmap)},
			Sequence: "while (page_vma_mapped_walk(&pvmw)) {\n\tif (ptep_clear_flush_young_notify(vma, address, pvmw.pte))\n\t\treferenced++;\n}"}),
		// the entry of the handle page_vma_mapped_walk gave (its
		// accessed bit cleared: a write)
		Touches: func(c *Call, f *Footprint) {
			if p, ok := c.Args[2].Obj.(*PTE); ok {
				f.PTEAt(p.MM.Core, p.Addr, true)
				return
			}
			f.PTEs(vmaMM(c, 0), true)
		},
		Fn: func(c *Call) Result {
			c.vma(0) // flush_tlb_page(vma, address) reads vma->vm_mm
			p := c.Args[2].Obj.(*PTE)
			if !c.checkTable(p) {
				return done(Bool(false))
			}
			if p.PTL.heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("ptep_clear_flush_young at %#x without %s held", uint64(p.Addr), p.PTL.Name))
			}
			c.checkWriteDetached(p)
			young := p.MM.Core.TestAndClearYoung(p.Table, p.Addr)
			return done(Bool(young))
		}})
}

// folioAnonLock returns the rwsem of folio p's anon_vma.
func (k *Kernel) folioAnonLock(p *mmcore.Page) (*Lock, bool) {
	av := p.AnonVMA()
	if av == nil || !p.Anon() {
		return nil, false
	}
	if l, ok := av.Lock.(*Lock); ok {
		return l, true
	}
	for v := range av.VMAs() {
		if l, err := k.anonVMALock(v); err == nil {
			return l, true
		}
	}
	return nil, false
}

func init() {
	defOp(&Op{Name: "i_mmap_trylock_read", Params: []Param{{Name: "file", Type: TFile}}, Result: TBool,
		API: register(&API{Name: "i_mmap_trylock_read", Section: "1.1", Hold: "nothing", Takes: "mapping->i_mmap_rwsem for read if it is free of writers",
			Sleeps: "no", Asserts: "lockdep (a trylock: no deadlock check)", Source: "include/linux/fs.h: i_mmap_trylock_read()",
			Notes: "what rmap_walk_file() takes with rwc->try_lock (folio_referenced)",
			Cites: []Cite{cite("mm/rmap.c", "__rmap_walk_file()", "none: if (!i_mmap_trylock_read(mapping)) { rwc->contended = true; return; }", readRmap)}, Sequence: "if (!i_mmap_trylock_read(mapping))\n\treturn;    /* contended */",
			FailRule: rwsemTryFailed("i_mmap_trylock_read", "down_read_trylock")}),
		Touches: touchesLocksOnly,
		Fn:      func(c *Call) Result { l := c.file(0).IMmap; return c.tried(l, c.T.TryAcquire(l, Read)) }})
	defOp(&Op{Name: "folio_pgoff", Params: []Param{{Name: "folio", Type: TPage}}, Result: TInt,
		API: register(&API{Name: "folio_pgoff", Section: "2.35", Hold: "the folio locked (or a reference)", Sleeps: "no",
			Source: "include/linux/pagemap.h: folio_pgoff()", Notes: "the page's index in its file or anon_vma (folio->index), what the interval trees are searched for",
			Cites: []Cite{cite("mm/rmap.c", "__rmap_walk_file()", "none: pgoff_start = folio_pgoff(folio); pgoff_end = pgoff_start + folio_nr_pages(folio) - 1;", readRmap)}, Sequence: "pgoff_start = folio_pgoff(folio);"}),
		Touches: func(c *Call, f *Footprint) { f.Page(c.page(0), false) },
		Fn:      func(c *Call) Result { return done(Int(int64(c.page(0).Index()))) }})
}
