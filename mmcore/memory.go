package mmcore

// PageShift and PageSize are x86-64's base page size.
const (
	PageShift = 12
	PageSize  = 1 << PageShift
	PageMask  = ^Addr(PageSize - 1)
)

// Addr is a user virtual address.
type Addr uint64

// String prints the address in hex, as kernel messages do.
func (a Addr) String() string { return "0x" + hex(uint64(a)) }

// PageAligned reports whether a is a multiple of PageSize.
func (a Addr) PageAligned() bool { return a&(PageSize-1) == 0 }

// PFN is a physical page frame number.
type PFN uint64

// firstPFN keeps PFN 0 invalid, so a zero PTE never names a page.
const firstPFN PFN = 0x1000

// Memory is the physical memory of one simulated machine, shared by all its
// MMs. Pages are never forgotten: a freed page stays findable by PFN and is
// marked freed, so a stale TLB entry or a leaked pointer that reaches it is
// reported as a use-after-free rather than silently reading a new page.
type Memory struct {
	pages    []*Page // indexed by PFN - firstPFN
	zero     *Page
	hugeZero *Page // the huge zero folio, allocated on first use
	live     int

	// Limit is the number of pages that may be allocated at once (zero
	// means unlimited); beyond it AllocPage fails with ENOMEM, which lets a
	// script exercise the allocation-failure paths.
	Limit int
	// Quarantine, when positive, lets a freed PFN be handed out again once
	// that many other pages have been freed after it (like KASAN's
	// quarantine). Zero means PFNs are never reused, which keeps every
	// use-after-free detectable at the cost of memory in long runs.
	Quarantine int
	freed      []PFN // FIFO of reusable PFNs, oldest first
	// Tables, when set, supplies the page tables of this memory's MMs
	// (see TablePool).
	Tables *TablePool
	// ptGen counts the changes to this memory's MMs' page tables and
	// TLBs that can change which translations are stale (see
	// TLB.TakeChanged). One count for all the MMs: fork write-protects
	// the parent's entries from the child's side.
	ptGen uint64
}

// NewMemory returns an empty machine memory holding only the shared zero
// page.
func NewMemory() *Memory {
	m := &Memory{}
	z := m.newPage()
	z.zero = true
	z.refcount = 1 // never drops: the zero page is not refcounted when mapped
	m.zero = z
	m.live = 0
	return m
}

func (m *Memory) newPage() *Page {
	p := &Page{PFN: firstPFN + PFN(len(m.pages)), mem: m}
	m.pages = append(m.pages, p)
	m.live++
	return p
}

// ZeroPage returns the shared zero page (ZERO_PAGE(0)), mapped read-only by
// read faults on private anonymous memory.
func (m *Memory) ZeroPage() *Page { return m.zero }

// LivePages is the number of allocated, not yet freed pages (the zero page
// excluded).
func (m *Memory) LivePages() int { return m.live }

// Page returns the page with this PFN, freed or not, or nil when the PFN was
// never a page of this memory (device memory mapped with InsertPFN).
func (m *Memory) Page(pfn PFN) *Page {
	if pfn < firstPFN || pfn-firstPFN >= PFN(len(m.pages)) {
		return nil
	}
	return m.pages[pfn-firstPFN]
}

// AllocPage allocates an order-0 page with refcount 1 (alloc_page). It fails
// with ENOMEM beyond Limit.
func (m *Memory) AllocPage() (*Page, error) {
	if m.Limit > 0 && m.live >= m.Limit {
		return nil, errf("alloc_page", ENOMEM, "memory limit reached")
	}
	var p *Page
	if m.Quarantine > 0 && len(m.freed) > m.Quarantine {
		pfn := m.freed[0]
		m.freed = m.freed[1:]
		p = m.pages[pfn-firstPFN]
		gen := p.gen + 1
		*p = Page{PFN: pfn, mem: m, gen: gen}
		m.live++
	} else {
		p = m.newPage()
	}
	p.refcount = 1
	return p, nil
}

// Page is a struct page / order-0 folio. Its counters follow the kernel's
// meaning: the refcount counts every reference (page tables, page cache,
// pins, the allocator's caller), the mapcount counts the PTEs that map it.
type Page struct {
	PFN PFN

	mem      *Memory
	refcount int32
	mapcount int32
	freed    bool
	zero     bool
	anon     bool
	dirty    bool
	gen      uint64 // bumped when a quarantined PFN is reused

	// Large folios (THP): a head page has order > 0 and heads the
	// 1<<order pages that follow it by PFN; each tail points to its head.
	// The head's entireMapcount counts the PMD entries mapping the whole
	// folio; per-page mapcounts count PTEs.
	order          uint8
	head           *Page
	entireMapcount int32

	// data: the page holds something other than zeros (a user store
	// reached it, or it is page cache). Splitting a large anonymous
	// folio maps its zero-filled pages to the shared zero page.
	data bool

	// folio->mapping and folio->index: the anon_vma and linear page index
	// for anonymous pages, the address_space and file index for page cache.
	anonVMA *AnonVMA
	mapping *AddressSpace
	index   uint64
}

// Folio returns the head page of p's folio (page_folio): p itself for an
// order-0 page.
func (p *Page) Folio() *Page {
	if p.head != nil {
		return p.head
	}
	return p
}

// Order is the folio's order (folio_order): 0 for a small page, 9 for a
// PMD-sized THP.
func (p *Page) Order() int { return int(p.Folio().order) }

// Refcount is the reference count of the page's folio (folio_ref_count).
func (p *Page) Refcount() int { return int(p.Folio().refcount) }

// Mapcount is the number of PTEs mapping the page (folio_mapcount).
func (p *Page) Mapcount() int { return int(p.mapcount) }

// Freed reports whether the page went back to the allocator. A freed page is
// never mapped legitimately; reaching one is a use-after-free.
func (p *Page) Freed() bool { return p.freed }

// Zero reports whether this is the shared zero page.
func (p *Page) Zero() bool { return p.zero }

// Anon reports whether the page is anonymous (PageAnon).
func (p *Page) Anon() bool { return p.anon }

// Dirty reports whether the page was written through a mapping or marked
// dirty.
func (p *Page) Dirty() bool { return p.dirty }

// SetDirty marks the page dirty (set_page_dirty).
func (p *Page) SetDirty() { p.dirty = true }

// HasData reports whether the page holds anything but zeros: a user store
// reached it (MM.Store), it was copied from such a page, or it is page
// cache.
func (p *Page) HasData() bool { return p.data }

// AnonVMA is the anon_vma of an anonymous page, nil otherwise.
func (p *Page) AnonVMA() *AnonVMA { return p.anonVMA }

// Mapping is the address_space of a page-cache page, nil otherwise.
func (p *Page) Mapping() *AddressSpace { return p.mapping }

// Index is the page's offset in its file (page cache) or its linear index
// in its anon_vma (anonymous pages), in pages.
func (p *Page) Index() uint64 { return p.index }

// Generation distinguishes successive lives of a PFN when Memory reuses
// PFNs (see Memory.Quarantine).
func (p *Page) Generation() uint64 { return p.gen }

// Get takes a reference (get_page: on the folio). Taking one on a freed
// page is a use-after-free and fails with EINVAL, leaving the page freed.
func (p *Page) Get() error {
	p = p.Folio()
	if p.freed {
		return errf("get_page", EINVAL, "page "+p.name()+" already freed")
	}
	if p.zero {
		return nil
	}
	p.refcount++
	return nil
}

// Put drops a reference (put_page: on the folio) and frees the folio when
// it was the last. Dropping one on a freed page fails with EINVAL (a
// double free).
func (p *Page) Put() error {
	p = p.Folio()
	if p.freed {
		return errf("put_page", EINVAL, "page "+p.name()+" already freed")
	}
	if p.zero {
		return nil
	}
	p.refcount--
	if p.refcount <= 0 {
		p.free()
	}
	return nil
}

func (p *Page) free() {
	n := 1 << p.order
	for i := 0; i < n; i++ {
		q := p.mem.pages[p.PFN-firstPFN+PFN(i)]
		q.refcount = 0
		q.freed = true
		p.mem.live--
		// a large folio's PFNs are not reused: AllocFolio needs them
		// contiguous, and the quarantine hands out single pages
		if p.mem.Quarantine > 0 && n == 1 {
			p.mem.freed = append(p.mem.freed, p.PFN)
		}
	}
}

func (p *Page) name() string { return "pfn 0x" + hex(uint64(p.PFN)) }

// AllocFolio allocates a folio of 1<<order contiguous pages with refcount
// 1 on its head (folio_alloc), for a THP (order 9). It fails with ENOMEM
// beyond Limit, which the fault path answers by falling back to small
// pages as the kernel does.
func (m *Memory) AllocFolio(order int) (*Page, error) {
	if order == 0 {
		return m.AllocPage()
	}
	n := 1 << order
	if order < 0 || order > 10 {
		return nil, errf("folio_alloc", EINVAL, "bad order")
	}
	if m.Limit > 0 && m.live+n > m.Limit {
		return nil, errf("folio_alloc", ENOMEM, "memory limit reached")
	}
	head := m.newPage()
	head.order = uint8(order)
	head.refcount = 1
	for i := 1; i < n; i++ {
		t := m.newPage()
		t.head = head
	}
	return head, nil
}

// subpage returns page i of folio f.
func (f *Page) subpage(i int) *Page { return f.mem.pages[f.PFN-firstPFN+PFN(i)] }

// HugeZeroPage returns the huge zero folio (huge_zero_folio), which read
// faults on THP-eligible anonymous memory map with one PMD. Like the zero
// page it is never freed and never counted in Rss.
func (m *Memory) HugeZeroPage() *Page {
	if m.hugeZero == nil {
		f, _ := m.AllocFolio(HPAGE_PMD_ORDER)
		for i := 0; i < HPAGE_PMD_NR; i++ {
			f.subpage(i).zero = true
		}
		m.live -= HPAGE_PMD_NR
		m.hugeZero = f
	}
	return m.hugeZero
}
