package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// The pages GUP returns. The kernel's callers pass a struct page **pages
// array that __get_user_pages() fills, one entry per page it got, each
// holding the reference (FOLL_GET) or the pin (FOLL_PIN) GUP took; the
// caller releases them with put_page() or unpin_user_page(s)(). A
// page_array is that array: a script declares one (`page_array pages`),
// passes it to GUP, iterates it (`for page in pages`) or indexes it
// (page_array_get), and releases what it holds.
//
// Pins are counted per folio (folio->_pincount, or the refcount's
// GUP_PIN_COUNTING_BIAS for a small folio), so that an unpin of a page no
// pin is held on (a double unpin, an unpin of a FOLL_GET page) is
// reported, and so is a use of a page after its caller released the last
// pin on it.

// PageArray is a struct page **pages array.
//
// page_array(n) is one of n entries (kvmalloc_array(n, sizeof(struct
// page *)), or struct page *pages[n]): a store at or beyond n is the
// kernel's out-of-bounds write (rule page_array/out-of-bounds). `page_array
// pages` declares one without a bound. pages + i is C's pointer into the
// array: a view whose entry j is the array's entry i + j, as
// pin_user_pages(start, n, flags, pages + got) fills the rest of it.
type PageArray struct {
	Pages []*mmcore.Page // index i is pages[i]; nil where nothing was stored (a view's are its base's)
	Cap   int            // page_array(n): n; 0: no bound (`page_array pages`)
	base  *PageArray     // pages + off: a view of base
	off   int
}

func (a *PageArray) String() string {
	if a.base != nil {
		return fmt.Sprintf("%v + %d", a.base, a.off)
	}
	if a.Cap > 0 {
		return fmt.Sprintf("pages[%d of %d]", len(a.Pages), a.Cap)
	}
	return fmt.Sprintf("pages[%d]", len(a.Pages))
}

// root is the array a view points into, and the view's offset in it.
func (a *PageArray) root() (*PageArray, int) {
	if a.base != nil {
		return a.base, a.off
	}
	return a, 0
}

// Add is pages + i: a view of the array from entry i on.
func (a *PageArray) Add(i int64) (*PageArray, error) {
	r, off := a.root()
	n := int64(off) + i
	if i < 0 || n > maxPageArray || r.Cap > 0 && n > int64(r.Cap) {
		return nil, fmt.Errorf("pages + %d points outside the array (entries [0, %d) from there)", i, r.bound()-off)
	}
	if n == 0 {
		return r, nil
	}
	return &PageArray{base: r, off: int(n)}, nil
}

// bound is how many entries the array may hold.
func (a *PageArray) bound() int {
	if a.Cap > 0 {
		return a.Cap
	}
	return maxPageArray
}

// Len is how many entries the array (from a view's start) holds: one
// past the highest index stored.
func (a *PageArray) Len() int {
	r, off := a.root()
	return max(len(r.Pages)-off, 0)
}

// At is entry i (nil where nothing was stored).
func (a *PageArray) At(i int) *mmcore.Page {
	r, off := a.root()
	if off+i < len(r.Pages) {
		return r.Pages[off+i]
	}
	return nil
}

// First is entries [0, n) of the array (from a view's start), n <= Len().
func (a *PageArray) First(n int) []*mmcore.Page {
	r, off := a.root()
	return r.Pages[off : off+n]
}

// set stores p at entry i; false when i is outside the array.
func (a *PageArray) set(i int64, p *mmcore.Page) bool {
	r, off := a.root()
	n := int64(off) + i
	if i < 0 || n >= int64(r.bound()) {
		return false
	}
	for int64(len(r.Pages)) <= n {
		r.Pages = append(r.Pages, nil)
	}
	r.Pages[n] = p
	return true
}

// ruleArrayBounds: GUP stores pages[i] for each page it gets, i below
// nr_pages; the caller's array must hold nr_pages entries.
var ruleArrayBounds = &Rule{"page_array/out-of-bounds",
	"a struct page **pages array holds the entries its caller allocated (kvmalloc_array(n, sizeof(struct page *)), struct page *pages[n]): " +
		"GUP with nr_pages larger than the array, or a store pages[i] with i at or past n, writes past it",
	"mm/gup.c: __get_user_pages(): \"if (pages) { pages[i] = page; ...}\" for i < nr_pages, unchecked; mm/kasan: a slab-out-of-bounds report under CONFIG_KASAN",
	DebugOnly}

// maxPageArray bounds an array's length (kvmalloc_array of GUP's callers).
const maxPageArray = 1 << 16

// unpinRec records who released the last pin on a folio, and where.
type unpinRec struct {
	t   *Task
	pos lang.Pos
}

var (
	ruleUnpinNotPinned = &Rule{"unpin_user_page/not-pinned",
		"unpin_user_page() and unpin_user_pages() release a pin the caller took with FOLL_PIN (pin_user_pages*), once per pin: not a page from get_user_pages*() " +
			"(FOLL_GET: put_page() releases those), and not twice",
		"mm/gup.c: unpin_user_page() -> gup_put_folio(folio, 1, FOLL_PIN): atomic_sub(refs, &folio->_pincount), or for a small folio " +
			"folio_put_refs(folio, GUP_PIN_COUNTING_BIAS), with no check that a pin was held", Unchecked}
	rulePutPinned = &Rule{"put_page/pinned-page",
		"a page pinned with FOLL_PIN (pin_user_pages*, pin_user_pages_fast) is released with unpin_user_page() or unpin_user_pages(), not with put_page(), " +
			"which takes one reference off where the pin added GUP_PIN_COUNTING_BIAS",
		"Documentation/core-api/pin_user_pages.rst (\"pages pinned via FOLL_PIN ... must be released via unpin_user_page()\"); include/linux/mm.h: " +
			"GUP_PIN_COUNTING_BIAS; mm/gup.c: gup_put_folio()", Unchecked}
	ruleUseAfterUnpin = &Rule{"unpin_user_page/use-after-unpin",
		"a page GUP pinned is used only while the pin is held: not after unpin_user_page() or unpin_user_pages() released it",
		"Documentation/core-api/pin_user_pages.rst (the pin is what keeps the page from being freed, migrated or reclaimed under the DMA or the copy); mm/gup.c: unpin_user_page()", Unchecked}
)

// pageArrayParam is GUP's struct page **pages: the page_array to fill,
// or nil (NULL) for none. mmscript's "pages" parameter is the count, the
// kernel's nr_pages.
var pageArrayParam = Param{Name: "array", Type: TPageArray, Optional: true, Nilable: true}

// pageArray returns the page_array argument i.
func (c *Call) pageArray(i int) *PageArray { return c.Args[i].Obj.(*PageArray) }

// pinFolio records a FOLL_PIN pin on p's folio (GUP took its reference).
func (k *Kernel) pinFolio(t *Task, p *mmcore.Page) {
	f := p.Folio()
	countRef(&t.pinned, f, 1)
	if k.pins == nil {
		k.pins = map[*mmcore.Page]int{}
	}
	k.pins[f]++
	delete(k.unpinned, f)
}

// unpinFolio drops a pin on p's folio for t at the call: false when none
// is held (the rule is reported, and the reference is left alone: the
// kernel's subtraction of the pin bias would free the page under its
// users, which the report says).
func (c *Call) unpinFolio(p *mmcore.Page) bool {
	f := p.Folio()
	c.K.fp.Page(f, true)
	if c.K.pins[f] == 0 {
		what := "no pin is held on it"
		if r, ok := c.K.unpinned[f]; ok {
			what = fmt.Sprintf("its last pin was released already (at %s)", r.pos)
		}
		c.K.violate(c.T, ruleUnpinNotPinned, fmt.Sprintf("%s: pfn %#x is not pinned: %s; gup_put_folio() takes the pin bias off the refcount "+
			"anyway, and the page is freed under its users", c.Op.Name, uint64(p.PFN), what))
		return false
	}
	c.checkLostPinRelease(f)
	c.K.pins[f]--
	countRef(&c.T.pinned, f, -1)
	if c.K.pins[f] == 0 {
		delete(c.K.pins, f)
		if c.K.unpinned == nil {
			c.K.unpinned = map[*mmcore.Page]unpinRec{}
		}
		c.K.unpinned[f] = unpinRec{c.T, c.T.Pos}
	}
	if !f.Freed() {
		_ = f.Put()
	}
	return true
}

// checkUnpinnedUse reports a use of page argument i by the task that
// released its last pin, while no pin is held on it.
// countRef adds d to the count of folio f in *m (a task's pinned or
// gotRefs), never below zero: another task may release what this one took
// (a DMA completion unpins what the submitter pinned).
func countRef(m *map[*mmcore.Page]int, f *mmcore.Page, d int) {
	if *m == nil {
		*m = map[*mmcore.Page]int{}
	}
	switch n := (*m)[f] + d; {
	case n > 0:
		(*m)[f] = n
	default:
		delete(*m, f)
	}
}

// putPinned reports a put_page() by c.T of page p when c.T holds pins on
// it and no plain reference: a pin released with put_page().
func (c *Call) putPinned(p *mmcore.Page) {
	f := p.Folio()
	if c.T.gotRefs[f] > 0 {
		countRef(&c.T.gotRefs, f, -1)
		return
	}
	if c.T.pinned[f] == 0 {
		return // a reference taken elsewhere (handed over, the kernel's own)
	}
	c.K.violate(c.T, rulePutPinned, fmt.Sprintf("put_page: pfn %#x is held by this task only through FOLL_PIN pins (pin_user_pages*): put_page() drops one "+
		"reference where the pin took GUP_PIN_COUNTING_BIAS (a large folio: _pincount), so the pin is never released and the folio stays "+
		"\"maybe DMA-pinned\" (folio_maybe_dma_pinned()): release it with unpin_user_page()", uint64(p.PFN)))
}

func (c *Call) checkUnpinnedUse(i int) {
	p, ok := c.Args[i].Obj.(*mmcore.Page)
	if !ok || p == nil {
		return
	}
	f := p.Folio()
	c.K.fp.Page(f, false)
	r, released := c.K.unpinned[f]
	if !released || r.t != c.T || c.K.pins[f] > 0 {
		return
	}
	c.K.fp.Page(f, true)    // the record is consumed: a write for the explorer
	delete(c.K.unpinned, f) // reported once: the rest follows from it
	c.K.violate(c.T, ruleUseAfterUnpin, fmt.Sprintf("%s: pfn %#x is used after its pin was released: nothing keeps it from being freed, migrated or reused",
		c.Op.Name, uint64(p.PFN)), Related{r.pos, "unpinned here"})
}

func init() {
	arrParam := Param{Name: "array", Type: TPageArray}
	defOp(&Op{Name: "page_array", Params: []Param{{Name: "n", Type: TInt}}, Result: TPageArray,
		API: register(&API{Name: "page_array", Section: "-", Hold: "nothing", Takes: "nothing", Sleeps: "no",
			Source: "mm/gup.c callers: pages = kvmalloc_array(nr_pages, sizeof(struct page *), GFP_KERNEL) (or kcalloc, or struct page *pages[n] on the stack)",
			Notes: "an array of n page pointers, all NULL, for GUP to fill: pages[i] reads entry i (NULL until stored), pages + i points at entry i " +
				"(pin_user_pages(start, n - got, flags, pages + got)), and a store at or past n (GUP with nr_pages larger than the array) is page_array/out-of-bounds. " +
				"`page_array pages` declares one without a bound",
			Rules: []*Rule{ruleArrayBounds},
			Cites: []Cite{cite("mm/gup.c", "__get_user_pages()", "if (pages) { pages[i] = page; flush_anon_page(vma, page, start); flush_dcache_page(page); } (i < nr_pages: the caller's array holds nr_pages entries)", readGUPPaths)},
			Sequence: "pages = kvmalloc_array(nr_pages, sizeof(struct page *), GFP_KERNEL);\nif (!pages)\n\treturn -ENOMEM;\n" +
				"mmap_read_lock(mm);\nret = pin_user_pages(start, nr_pages, FOLL_WRITE, pages);\nmmap_read_unlock(mm);"}),
		Touches: func(_ *Call, f *Footprint) { f.Alloc() },
		Fn: func(c *Call) Result {
			n := c.int(0)
			if n <= 0 || n > maxPageArray {
				return fail("page_array(%d): an array holds 1 to %d entries", n, maxPageArray)
			}
			return done(Obj(TPageArray, &PageArray{Cap: int(n)}))
		}})
	defOp(&Op{Name: "page_array_get", Params: []Param{arrParam, {Name: "i", Type: TInt}}, Result: TPage,
		API: register(&API{Name: "page_array_get", Section: "-", Hold: "nothing", Takes: "nothing", Sleeps: "no",
			Source: "C: pages[i]",
			Notes:  "entry i of a page array GUP filled, what a script's pages[i] reads; an index outside the array is a script error",
			Query: "Reading the entry is never wrong; whether the page it names may still be used is the rule of what uses it (unpin_user_page/use-after-unpin, put_page/pinned-page). " +
				"GUP filled pages[0..ret) only",
			Cites: []Cite{cite("mm/gup.c", "unpin_user_pages_dirty_lock()", "for (i = 0; i < npages; i += nr) { folio = gup_folio_next(pages, npages, i, &nr); ... } "+
				"(gup_folio_next(): page_folio(list[i])): callers walk the array by index", readGUPPaths)},
			Sequence: "ret = pin_user_pages(start, nr_pages, gup_flags, pages);\nfor (i = 0; i < ret; i++)\n\tflush_dcache_page(pages[i]);"}),
		Touches: func(c *Call, f *Footprint) { f.AllPages(false) },
		Fn: func(c *Call) Result {
			a, i := c.pageArray(0), c.int(1)
			r, off := a.root()
			if r.Cap > 0 && i >= 0 && int64(off)+i < int64(r.Cap) {
				return done(pageOrNil(a.At(int(i)))) // kvcalloc'd: NULL until stored
			}
			if i < 0 || i >= int64(a.Len()) {
				return fail("page_array_get: index %d out of range [0, %d)", i, a.Len())
			}
			return done(pageOrNil(a.At(int(i))))
		}})
	defOp(&Op{Name: "page_array_len", Params: []Param{arrParam}, Result: TInt,
		API: register(&API{Name: "page_array_len", Section: "-", Hold: "nothing", Takes: "nothing", Sleeps: "no",
			Source: "C: the length the caller tracks (GUP's return value)",
			Notes:  "how many entries the array holds: one past the highest index GUP stored",
			Query:  "The count the caller keeps from GUP's return value: fewer pages than asked for is a normal return, and the caller walks only that many",
			Cites: []Cite{cite("mm/gup.c", "__get_user_pages()", "\"Returns either number of pages pinned (which may be less than the number requested), or an error\": "+
				"the caller keeps the count", readGUPPaths)},
			Sequence: "ret = get_user_pages(start, nr_pages, gup_flags, pages);\nif (ret > 0)\n\t/* pages[0..ret) are valid */;"}),
		Touches: func(c *Call, f *Footprint) { f.AllPages(false) },
		Fn:      func(c *Call) Result { return done(Int(int64(c.pageArray(0).Len()))) }})
	defOp(&Op{Name: "page_array_set", Params: []Param{arrParam, {Name: "i", Type: TInt}, {Name: "page", Type: TPage}},
		API: register(&API{Name: "page_array_set", Section: "-", Hold: "nothing", Takes: "nothing", Sleeps: "no",
			Source:   "mm/gup.c: __get_user_pages(): pages[i] = page",
			Notes:    "stores page at index i, what a script's pages[i] = page does; the kernel library's GUP fills its caller's array with it",
			Cites:    []Cite{cite("mm/gup.c", "__get_user_pages()", "if (pages) { pages[i] = page; flush_anon_page(vma, page, start); flush_dcache_page(page); }", readGUPPaths)},
			Sequence: "page = follow_page_mask(vma, start, foll_flags, &ctx);\nif (pages)\n\tpages[i] = page;"}),
		Touches: func(c *Call, f *Footprint) { f.AllPages(true) },
		Fn: func(c *Call) Result {
			a, i, p := c.pageArray(0), c.int(1), c.Args[2].Obj.(*mmcore.Page)
			if r, off := a.root(); r.Cap > 0 && i >= 0 && int64(off)+i >= int64(r.Cap) {
				// the kernel writes past the allocation: KASAN's report,
				// silent corruption otherwise; mmscript stores nothing
				c.K.violate(c.T, ruleArrayBounds, fmt.Sprintf("pages[%d] stored past the end of %s (its entries: [0, %d) from there)", i, a, r.Cap-off))
				return ok
			}
			if !a.set(i, p) {
				return fail("page_array_set: index %d out of range [0, %d) (mmscript's arrays hold at most %d pages)", i, maxPageArray, maxPageArray)
			}
			return ok
		}})
	defOp(&Op{Name: "unpin_user_pages", Params: []Param{arrParam, {Name: "npages", Type: TInt}},
		API: register(&API{Name: "unpin_user_pages", Section: "-", Hold: "a pin on each of the first npages pages (FOLL_PIN)", Takes: "nothing", Sleeps: "no",
			Source: "mm/gup.c: unpin_user_pages()",
			Notes:  "releases the pins pin_user_pages*() took on pages[0..npages), as unpin_user_page() on each",
			Rules:  []*Rule{ruleUnpinNotPinned},
			Cites: []Cite{cite("mm/gup.c", "unpin_user_pages()", "if (WARN_ON(IS_ERR_VALUE(npages))) return; sanity_check_pinned_pages(pages, npages); "+
				"for (i = 0; i < npages; i += nr) { folio = gup_folio_next(pages, npages, i, &nr); gup_put_folio(folio, nr, FOLL_PIN); }", readGUPPaths)},
			Sequence: "ret = pin_user_pages(start, nr_pages, FOLL_WRITE | FOLL_LONGTERM, pages);\n/* ... DMA ... */\nunpin_user_pages(pages, ret);"}),
		Touches: func(c *Call, f *Footprint) { f.AllPages(true); f.Alloc() },
		Fn: func(c *Call) Result {
			a, n := c.pageArray(0), c.int(1)
			if n < 0 {
				return ok // WARN_ON(IS_ERR_VALUE(npages)): a GUP error passed on
			}
			if n > int64(a.Len()) {
				return fail("unpin_user_pages: npages %d is beyond the %d pages the array holds", n, a.Len())
			}
			for _, p := range a.First(int(n)) {
				if p == nil {
					return fail("unpin_user_pages: the array has no page at an index below npages (a NULL entry)")
				}
				c.unpinFolio(p)
			}
			return ok
		}})
	// mm/gup.c: unpin_user_pages_dirty_lock(pages, npages, make_dirty):
	// as unpin_user_pages(), and with make_dirty each folio is dirtied
	// first under its lock (folio_lock(); folio_mark_dirty()), which may
	// sleep: the release of an RDMA or VFIO pin after the device wrote
	// the pages (drivers/infiniband/core/umem.c: __ib_umem_release()).
	defOp(&Op{Name: "unpin_user_pages_dirty_lock", Params: []Param{arrParam, {Name: "npages", Type: TInt}, {Name: "make_dirty", Type: TBool}},
		API: register(&API{Name: "unpin_user_pages_dirty_lock", Section: "-", Hold: "a pin on each of the first npages pages (FOLL_PIN); a context that may sleep",
			Takes: "with make_dirty: each folio's lock (folio_lock(), sleeps) around folio_mark_dirty()", Sleeps: "yes (with make_dirty)",
			Source: "mm/gup.c: unpin_user_pages_dirty_lock()",
			Notes:  "releases the pins as unpin_user_pages() does; with make_dirty it marks each folio dirty first, under the folio lock",
			Rules:  []*Rule{ruleUnpinNotPinned, ruleSleepInAtomic},
			Cites: []Cite{cite("mm/gup.c", "unpin_user_pages_dirty_lock()", "if (!make_dirty) { unpin_user_pages(pages, npages); return; } sanity_check_pinned_pages(pages, npages); "+
				"for (i = 0; i < npages; i += nr) { folio = gup_folio_next(pages, npages, i, &nr); ... folio_lock(folio); folio_mark_dirty(folio); folio_unlock(folio); gup_put_folio(folio, nr, FOLL_PIN); }", readGUPPaths)},
			Sequence: "/* drivers/infiniband/core/umem.c: __ib_umem_release() */\nunpin_user_page_range_dirty_lock(sg_page(sg), DIV_ROUND_UP(sg->length, PAGE_SIZE), make_dirty);\n" +
				"/* or, for an array: */\nunpin_user_pages_dirty_lock(pages, npages, make_dirty);"}),
		Touches: func(c *Call, f *Footprint) { f.AllPages(true); f.Alloc() },
		Fn: func(c *Call) Result {
			a, n, dirty := c.pageArray(0), c.int(1), c.Args[2].Truth()
			if n < 0 {
				return ok
			}
			if n > int64(a.Len()) {
				return fail("unpin_user_pages_dirty_lock: npages %d is beyond the %d pages the array holds", n, a.Len())
			}
			if dirty {
				c.T.MightSleep(c.Op.Name) // folio_lock()
			}
			for _, p := range a.First(int(n)) {
				if p == nil {
					return fail("unpin_user_pages_dirty_lock: the array has no page at an index below npages (a NULL entry)")
				}
				if dirty {
					p.Folio().SetDirty()
				}
				c.unpinFolio(p)
			}
			return ok
		}})
}
