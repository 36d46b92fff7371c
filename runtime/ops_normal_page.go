package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// vm_normal_page() and vm_normal_folio() (mm/memory.c): the struct page of
// a present PTE, NULL for a special one (VM_PFNMAP and VM_MIXEDMAP pfns,
// the zero page). The function reads only the value it is given; what
// makes the answer mean anything is that the entry is stable while the
// caller uses it: its PTE lock held from the ptep_get() to the use (zap,
// GUP's follow_page_pte(), the page walkers' pte_entry). And the folio
// reference helpers the callers take before dropping that lock:
// folio_get(), folio_try_get(), folio_put().

const readNormalPage = "mm/memory.c vm_normal_page(), __vm_normal_page() (linux-mm and the 2026 refactor by David Hildenbrand, pgtable_level_has_pxx_special), include/linux/mm.h folio_get(), folio_put(), include/linux/page_ref.h folio_try_get(), quoted by the search tool, read"

var ruleNormalPageUnstable = &Rule{"vm_normal_page/unstable-entry",
	"vm_normal_page() and vm_normal_folio() are given a PTE value that stays stable while the caller uses the page: read with ptep_get() under the PTE lock, which is still held",
	"mm/memory.c: vm_normal_page() -> __vm_normal_page() (no check: it trusts the value; callers: zap_present_ptes(), follow_page_pte(), the pagewalk pte_entry callbacks, all under pte_offset_map_lock())", Unchecked}

func init() {
	params := []Param{{Name: "vma", Type: TVMA}, {Name: "addr", Type: TInt},
		{Name: "pte", Type: TInt, Hint: "the entry's value, as ptep_get(pte) returns it under the PTE lock"}}
	touches := func(c *Call, f *Footprint) {
		if m := vmaMM(c, 0); m != nil {
			f.PTEAt(m, c.addr(1), false)
		}
		f.AllPages(false)
	}
	cites := []Cite{cite("mm/memory.c", "__vm_normal_page()", "none: if (unlikely(special)) { ... if (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)) return NULL; "+
		"if (is_zero_pfn(pfn) || is_huge_zero_pfn(pfn)) return NULL; print_bad_page_map(vma, addr, NULL, level); return NULL; } ... return pfn_to_page(pfn);", readNormalPage),
		cite("mm/memory.c", "zap_pte_range(), zap_present_ptes()", "none: start_pte = pte = pte_offset_map_lock(mm, pmd, addr, &ptl); ... ptent = ptep_get(pte); ... page = vm_normal_page(vma, addr, ptent);", readNormalPage)}
	seq := "pte = pte_offset_map_lock(mm, pmd, addr, &ptl);\nptent = ptep_get(pte);\nfolio = vm_normal_folio(vma, addr, ptent);\nif (folio)\n\tfolio_get(folio);\npte_unmap_unlock(pte, ptl);\n/* ... */\nif (folio)\n\tfolio_put(folio);"
	for _, x := range []struct{ name, result string }{
		{"vm_normal_page", "the struct page the entry maps"},
		{"vm_normal_folio", "the folio of the page the entry maps (page_folio(vm_normal_page()))"},
	} {
		folio := x.name == "vm_normal_folio"
		defOp(&Op{Name: x.name, Params: params, Result: TPage,
			API: register(&API{Name: x.name, Section: "6.4",
				Hold:    "the PTE lock of the table holding the entry, from the ptep_get() that read pte to the use of the page (or a reference taken before unlocking)",
				Takes:   "nothing",
				Sleeps:  "no",
				Asserts: "none (print_bad_page_map() for a special entry in a VMA without VM_PFNMAP/VM_MIXEDMAP, or a pfn past the memory map)",
				Source:  "mm/memory.c: " + x.name + "(), __vm_normal_page()",
				Notes: "returns " + x.result + ", or nil for a special entry (a VM_PFNMAP or VM_MIXEDMAP pfn, the zero page), a pfn without a struct page, or a value that is not present (-1); " +
					"no reference is taken: folio_get() it before the PTE lock drops to keep it. pte is the value ptep_get() read",
				Rules: []*Rule{ruleNormalPageUnstable, ruleStaleEntry}, Cites: cites, Sequence: seq}),
			Touches: touches,
			Fn: func(c *Call) Result {
				p := c.normalPage()
				if p == nil {
					return done(Nil)
				}
				if folio {
					p = p.Folio()
				}
				return done(Obj(TPage, p))
			}})
	}

	folioParam := []Param{{Name: "folio", Type: TPage}}
	refCite := func(fn, text string) []Cite { return []Cite{cite("include/linux/mm.h", fn, text, readNormalPage)} }
	defOp(&Op{Name: "folio_get", Params: folioParam,
		API: register(&API{Name: "folio_get", Section: "-", Hold: "a reference to the folio (or the PTE lock of an entry mapping it: vm_normal_folio)", Takes: "nothing", Sleeps: "no",
			Asserts:  "VM_BUG_ON_FOLIO(folio_ref_zero_or_close_to_overflow(folio), folio) (CONFIG_DEBUG_VM)",
			Source:   "include/linux/mm.h: folio_get()",
			Notes:    "takes a reference: the folio is not freed before the matching folio_put(); get_page() is folio_get(page_folio(page))",
			Rules:    []*Rule{ruleGetFreedPage, ruleUseAfterUnpin},
			Cites:    refCite("folio_get()", "VM_BUG_ON_FOLIO(folio_ref_zero_or_close_to_overflow(folio), folio); folio_ref_inc(folio);"),
			Sequence: seq}),
		Touches: folioRefTouches,
		Fn:      func(c *Call) Result { return c.folioGet() }})
	defOp(&Op{Name: "folio_put", Params: folioParam,
		API: register(&API{Name: "folio_put", Section: "-", Hold: "a reference to the folio, which this drops", Takes: "nothing (the last reference frees the folio)", Sleeps: "no",
			Asserts: "VM_BUG_ON_PAGE(page_ref_count(page) == 0, page) in put_page_testzero() (CONFIG_DEBUG_VM)",
			Source:  "include/linux/mm.h: folio_put() -> folio_put_testzero() -> __folio_put()",
			Notes:   "drops a reference; the last one frees the folio, after which using it (folio_get, folio_put, vm_insert_page, ...) is a use-after-free; put_page() is folio_put(page_folio(page))",
			Rules:   []*Rule{rulePutFreedPage, ruleUseAfterUnpin, rulePutPinned, ruleBatchedFreeBeforeFlush},
			Cites:   refCite("folio_put()", "if (folio_put_testzero(folio)) __folio_put(folio);"), Sequence: seq}),
		Touches: putPageTouches,
		Fn:      func(c *Call) Result { return c.putPage() }})
	defOp(&Op{Name: "folio_try_get", Params: folioParam, Result: TBool,
		API: register(&API{Name: "folio_try_get", Section: "-", Hold: "nothing: the folio may be freed under the caller (a lockless lookup, RCU)", Takes: "a reference, unless the count is already zero", Sleeps: "no",
			Source: "include/linux/page_ref.h: folio_try_get() -> folio_ref_add_unless(folio, 1, 0)",
			Notes:  "true with a reference taken (folio_put() it), false when the folio was free (its count zero): the speculative reference of lockless lookups, which re-check that the folio is still the one they looked up",
			Query:  "Trying is never wrong: a false answer is the folio being free, and the caller goes on without it",
			Cites: []Cite{cite("include/linux/page_ref.h", "folio_try_get()", "none: return folio_ref_add_unless(folio, 1, 0);", readNormalPage),
				cite("mm/gup.c", "try_get_folio()", "none: folio = page_folio(page); if (WARN_ON_ONCE(folio_ref_count(folio) < 0)) return NULL; if (unlikely(!folio_ref_try_add(folio, refs))) return NULL;", readGUP)},
			Sequence: "rcu_read_lock();\nfolio = ...;    /* a lockless lookup */\nif (!folio_try_get(folio))\n\tgoto retry;\n/* re-check the folio is still the one looked up */\nrcu_read_unlock();"}),
		Touches: folioRefTouches,
		Fn: func(c *Call) Result {
			p := c.Args[0].Obj.(*mmcore.Page).Folio()
			c.K.fp.Page(p, true)
			if p.Freed() || p.Refcount() == 0 {
				return done(Bool(false))
			}
			if err := p.Get(); err != nil {
				return done(Bool(false))
			}
			countRef(&c.T.gotRefs, p, 1)
			return done(Bool(true))
		}})
}

// folioRefTouches: folio_get and folio_try_get change the folio's
// refcount (pageOnly writes only for get_page and put_page by name).
func folioRefTouches(c *Call, f *Footprint) {
	if p, ok := c.Args[0].Obj.(*mmcore.Page); ok {
		f.Page(p, true)
	}
}

// normalPage is __vm_normal_page() for the PTE value argument 2 at
// argument 1's address in argument 0's VMA, with the check that the value
// is stable: its table's PTE lock held now.
func (c *Call) normalPage() *mmcore.Page {
	v, addr, val := c.vma(0), c.addr(1), c.int(2)
	c.checkEntryUse(2)
	var live mmcore.PTE
	if t := v.MM().Walk(addr).PTETable(); t != nil {
		live = t.Entry(t.Index(addr))
		if m := mmOf(v.MM()); m != nil {
			if l := ptl(m, t); l.heldBy(c.T) == 0 {
				c.K.violate(c.T, ruleNormalPageUnstable, fmt.Sprintf("%s: the entry at %#x is read without %s held: another thread may zap it and free the page "+
					"while the caller uses the page %s returns (the kernel checks nothing here: a use-after-free of the page)", c.Op.Name, uint64(addr), l.Name, c.Op.Name))
			}
		}
	}
	if val < 0 {
		return nil // not present: the callers test pte_present() first
	}
	pfn := mmcore.PFN(val)
	if live.Present() && live.PFN() == pfn && live.Special() {
		// pte_special(): VM_PFNMAP / VM_MIXEDMAP pfns and the zero page
		return nil
	}
	return c.K.Mem.Page(pfn) // nil past the memory map: print_bad_page_map(), NULL
}

// folioGet is folio_get() and get_page().
func (c *Call) folioGet() Result {
	p := c.page(0)
	c.checkUnpinnedUse(0)
	if p.Folio().Freed() {
		c.refOnFreed(p, ruleGetFreedPage)
		return ok
	}
	if err := p.Get(); err != nil {
		return fail("%s: %v", c.Op.Name, err)
	}
	countRef(&c.T.gotRefs, p.Folio(), 1)
	return ok
}

// putPage is put_page() and folio_put().
func (c *Call) putPage() Result {
	p := c.page(0)
	c.checkUnpinnedUse(0)
	if p.Folio().Freed() {
		c.refOnFreed(p, rulePutFreedPage)
		return ok
	}
	c.putPinned(p)
	if err := p.Put(); err != nil {
		return fail("%s: %v", c.Op.Name, err)
	}
	if p.Folio().Freed() {
		c.checkBatchedFree(p)
	}
	return ok
}
