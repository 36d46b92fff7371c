package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// Driver-facing wrappers of the install, remap and zap families (rule book
// 2.3, 2.7, 2.9): vm_map_pages(_zero) over vm_insert_pages,
// io_remap_pfn_range and vm_iomap_memory over remap_pfn_range,
// unmap_mapping_pages over the i_mmap tree walk of
// unmap_mapping_range. Each is checked by the rules of the function it
// wraps, which the kernel applies through the wrapped call; these entries
// were documented only before (unmap_mapping_folio: ops_unmap_folio.go).
//
// The wrapped families are defined in ops_api.go, whose init runs first
// (files initialise in name order), so their rule-book entries exist here.

func init() {
	insertRules := LookupAPI("vm_insert_pages").Rules
	remapRules := LookupAPI("remap_pfn_range").Rules
	if insertRules == nil || remapRules == nil {
		panic("runtime: ops_api_drivers.go initialised before ops_api.go")
	}

	// mm/memory.c: __vm_map_pages(): "if (offset >= num) return -ENXIO;
	// if (count > num - offset) return -ENXIO; return vm_insert_pages(vma,
	// uaddr, pages + offset, &count);" with count = vma_pages(vma) and
	// uaddr = vma->vm_start; vm_map_pages() passes vma->vm_pgoff as the
	// offset, vm_map_pages_zero() 0.
	mapPages := func(zero bool) func(c *Call) Result {
		return func(c *Call) Result {
			v := c.vma(0)
			pages := c.Args[1:]
			num := uint64(len(pages))
			offset := uint64(0)
			if !zero {
				offset = v.Pgoff()
			}
			count := uint64(v.End()-v.Start()) >> mmcore.PageShift
			if offset >= num || count > num-offset {
				return done(Int(-int64(mmcore.ENXIO)))
			}
			pages = pages[offset : offset+count]
			return insertPrologue(c, v, func() Result {
				// insert_pages(): the pages go in one after the other and
				// the first failure ends the call with its error.
				var rc int64
				return seq(len(pages), func(i int, next func() Result) Result {
					if rc != 0 {
						return next()
					}
					a := v.Start() + mmcore.Addr(i)<<mmcore.PageShift
					return c.underPTL(mmOf(v.MM()), a, func() {
						if err := v.MM().InsertPage(v, a, pages[i].Obj.(*mmcore.Page)); err != nil {
							rc = errnoOf(err)
						}
					}, next)
				}, func() Result { return done(Int(rc)) })
			})
		}
	}
	pagesParams := []Param{{Name: "vma", Type: TVMA}, {Name: "pages", Type: TPage, Variadic: true}}
	mapPagesAPI := documented("vm_map_pages")
	mapPagesAPI.Rules = insertRules
	mapPagesAPI.Notes = "mmscript passes pages[] as trailing arguments (num is their count); returns 0 or -errno (-ENXIO when the VMA does not fit the array from vma->vm_pgoff). " + mapPagesAPI.Notes
	defOp(&Op{Name: "vm_map_pages", Params: pagesParams, Result: TInt, API: register(mapPagesAPI),
		Fn: mapPages(false), Touches: mapsPages})
	defOp(&Op{Name: "vm_map_pages_zero", Params: pagesParams, Result: TInt,
		API: register(&API{Name: "vm_map_pages_zero", Section: "2.3", Hold: mapPagesAPI.Hold, Takes: mapPagesAPI.Takes,
			Sleeps: "yes", Asserts: mapPagesAPI.Asserts,
			Source: "mm/memory.c: vm_map_pages_zero(), __vm_map_pages()",
			Notes:  "vm_map_pages() that ignores vma->vm_pgoff: maps pages[0] at vma->vm_start (-ENXIO if the VMA is larger than the array)",
			Cites: []Cite{cite("mm/memory.c", "vm_map_pages_zero(), __vm_map_pages()", "none of its own: __vm_map_pages(vma, pages, num, 0)", readMemory),
				cite("mm/memory.c", "vm_insert_pages()", vmInsertBUGs, readMemory)},
			Sequence: "/* in f_op->mmap: mmap write lock held */\n" +
				"return vm_map_pages_zero(vma, pages, nr);",
			Rules: insertRules}),
		Fn: mapPages(true), Touches: mapsPages})

	// include/linux/mm.h: io_remap_pfn_range() is "return
	// remap_pfn_range(vma, addr, io_remap_pfn_range_pfn(orig_pfn, size),
	// size, pgprot_decrypted(orig_prot));": on x86-64 the pfn fix-up is the
	// identity and mmscript has no page protections, so it is
	// remap_pfn_range with its checks.
	ioRemapAPI := documented("io_remap_pfn_range")
	ioRemapAPI.Rules = remapRules
	defOp(&Op{Name: "io_remap_pfn_range", Params: remapParams(), Result: TInt,
		API: register(ioRemapAPI),
		Fn: func(c *Call) Result {
			v, addr, pfn := c.vma(0), c.addr(1), mmcore.PFN(c.int(2))
			size, err := c.length(3)
			if err != nil {
				return Result{Status: Failed, Err: err}
			}
			return remapPFNRange(c, v, addr, pfn, size)
		}, Touches: remaps})

	// mm/memory.c: vm_iomap_memory(vma, start, len): the physical range
	// [start, start+len) is mapped over the whole VMA from vma->vm_pgoff
	// pages into it, -EINVAL when it wraps or the VMA does not fit, then
	// io_remap_pfn_range(vma, vma->vm_start, pfn, vm_len, ...).
	defOp(&Op{Name: "vm_iomap_memory",
		Params: []Param{{Name: "vma", Type: TVMA}, {Name: "start", Type: TInt}, {Name: "len", Type: TInt}}, Result: TInt,
		API: register(&API{Name: "vm_iomap_memory", Section: "2.7", Hold: ioRemapAPI.Hold, Takes: "io_remap_pfn_range over the whole VMA: " + ioRemapAPI.Takes,
			Sleeps: "yes", Asserts: ioRemapAPI.Asserts,
			Source: "mm/memory.c: vm_iomap_memory()",
			Notes: "start is a physical address, len a length in bytes; returns 0 or -errno (-EINVAL: the range wraps, vma->vm_pgoff is beyond it, " +
				"or the VMA is larger than what is left of it). Meant for f_op->mmap, like remap_pfn_range",
			Cites: []Cite{cite("mm/memory.c", "vm_iomap_memory()",
				"none of its own: -EINVAL if start + len wraps, vma->vm_pgoff > pages or vm_len >> PAGE_SHIFT > pages; then io_remap_pfn_range(vma, vma->vm_start, pfn, vm_len, vma->vm_page_prot)",
				readMemory2026),
				cite("mm/memory.c", "remap_pfn_range_internal(), remap_pte_range()", "BUG_ON(!pte_none(ptep_get(pte)))", readMemory2026)},
			Sequence: "/* in f_op->mmap: mmap write lock held */\n" +
				"return vm_iomap_memory(vma, phys_start, phys_len);",
			Rules: remapRules}),
		Fn: func(c *Call) Result {
			v := c.vma(0)
			start, length := c.int(1), c.int(2)
			if start < 0 || length < 0 || uint64(start)+uint64(length) < uint64(start) {
				return done(Int(-int64(mmcore.EINVAL)))
			}
			l := uint64(length) + uint64(start)&(mmcore.PageSize-1)
			pfn := uint64(start) >> mmcore.PageShift
			pages := (l + mmcore.PageSize - 1) >> mmcore.PageShift
			if pfn+pages < pfn || v.Pgoff() > pages {
				return done(Int(-int64(mmcore.EINVAL)))
			}
			pfn += v.Pgoff()
			pages -= v.Pgoff()
			vmLen := uint64(v.End() - v.Start())
			if vmLen>>mmcore.PageShift > pages {
				return done(Int(-int64(mmcore.EINVAL)))
			}
			return remapPFNRange(c, v, v.Start(), mmcore.PFN(pfn), vmLen)
		}, Touches: remaps})

	// mm/memory.c: unmap_mapping_pages(mapping, start, nr, even_cows):
	// "last_index = start + nr - 1; if (last_index < first_index)
	// last_index = ULONG_MAX;" then as unmap_mapping_folio.
	defOp(&Op{Name: "unmap_mapping_pages",
		Params: []Param{{Name: "file", Type: TFile}, {Name: "start", Type: TInt}, {Name: "nr", Type: TInt},
			{Name: "even_cows", Type: TBool, Optional: true, Default: Bool(false)}},
		Result: TInt,
		API: register(&API{Name: "unmap_mapping_pages", Section: "2.9", Hold: "no mm lock needed; not the mapping's i_mmap_rwsem",
			Takes: "i_mmap_lock_read(mapping) -> per VMA: zap (notifier, PTE locks, TLB flush) -> i_mmap_unlock_read", Sleeps: "yes", Asserts: "none",
			Source: "mm/memory.c: unmap_mapping_pages(), unmap_mapping_range_tree()",
			Notes: "start and nr are page indices in the file (nr 0, or a range that wraps, means to the end); returns the pages zapped. " +
				"unmap_mapping_range() is the byte-offset form. Taking the i_mmap_rwsem while already holding it deadlocks (rwsems are not recursive)",
			Cites: []Cite{cite("mm/memory.c", "unmap_mapping_pages(), unmap_mapping_range_tree()", "", readMemory)},
			Sequence: "/* no mm lock; not under i_mmap_rwsem */\n" +
				"unmap_mapping_pages(mapping, start, nr, false);",
			Rules: lockRules}),
		Fn: func(c *Call) Result {
			first, last, ok := unmapMappingPagesIndices(c)
			if !ok {
				return fail("unmap_mapping_pages: negative start or nr")
			}
			return c.unmapMapping(c.file(0).Core.Mapping(), first, last, c.bool(3))
		}, Touches: unmapMappingTouches(unmapMappingPagesIndices)})
}

// documented takes the entry of name out of documentedAPIs (rulebook.go)
// so that the op defined for it registers it, with its Rules, instead: the
// entry's text stays where the rule book's other entries are.
func documented(name string) *API {
	for i, a := range documentedAPIs {
		if a.Name == name {
			documentedAPIs = append(documentedAPIs[:i:i], documentedAPIs[i+1:]...)
			return a
		}
	}
	panic("runtime: no documented-only entry " + name)
}

// mapsPages: vm_map_pages(_zero) reads the VMA (and may set VM_MIXEDMAP,
// write-locking it), writes the page tables and the pages it maps, and
// allocates tables.
func mapsPages(c *Call, f *Footprint) {
	m := vmaMM(c, 0)
	v, _ := c.Args[0].Obj.(*mmcore.VMA)
	f.MM(m, v == nil || v.Flags&mmcore.VM_MIXEDMAP == 0)
	f.PTEs(m, true)
	for _, a := range c.Args[1:] {
		if p, ok := a.Obj.(*mmcore.Page); ok {
			f.Page(p, true)
		}
	}
}

// remapEffects records what remap_pfn_range() changes beyond the PTEs
// and pages (its callers write all of those) for the VMA in c.Args[0]:
// remap_pfn_range_prepare_vma() moves a COW mapping's vm_pgoff to the
// PFN, i.e. its place in the file's i_mmap; over a huge PMD the error
// path zaps the range (remap_pfn_range_notrack()), flushing the TLB.
func remapEffects(c *Call, f *Footprint) {
	v, ok := c.Args[0].Obj.(*mmcore.VMA)
	if !ok || v == nil {
		return
	}
	f.vmaFiles(v.MM(), v.Start(), v.End())
	if _, huge := firstHugePMD(mmOf(v.MM()), v.Start(), v.End()); huge {
		f.TLB(v.MM(), true)
	}
}

// remaps: io_remap_pfn_range and vm_iomap_memory set the VMA's flags,
// write special PTEs for PFNs that may name any page, and allocate tables.
func remaps(c *Call, f *Footprint) {
	m := vmaMM(c, 0)
	f.MM(m, true)
	remapEffects(c, f)
	f.PTEs(m, true)
	f.AllPages(true)
	f.Alloc()
}

func init() {
	var ruleVerify, ruleVMALocked *Rule
	for _, r := range LookupAPI("walk_page_range").Rules {
		switch r.ID {
		case "walk_page_range/vma-not-write-locked":
			ruleVerify = r
		case "walk_page_range/vma-not-locked":
			ruleVMALocked = r
		}
	}
	if ruleVerify == nil || ruleVMALocked == nil {
		panic("runtime: walk_page_range's rules not found")
	}
	// mm/pagewalk.c: walk_page_vma() -> process_mm_walk_lock(): for
	// PGWALK_RDLOCK mmap_assert_locked(), for PGWALK_WRLOCK(_VERIFY)
	// mmap_assert_write_locked(), nothing for PGWALK_VMA_RDLOCK_VERIFY; then
	// process_vma_walk_lock(): vma_start_write() (PGWALK_WRLOCK),
	// vma_assert_write_locked() (PGWALK_WRLOCK_VERIFY), vma_assert_locked()
	// (PGWALK_VMA_RDLOCK_VERIFY).
	ruleVMAWalkLock := &Rule{"walk_page_vma/walk-lock", "walk_page_vma() needs the mmap lock in the PGWALK_RDLOCK mode and the mmap write lock in PGWALK_WRLOCK(_VERIFY); only PGWALK_VMA_RDLOCK_VERIFY walks under the VMA lock alone",
		"mm/pagewalk.c: walk_page_vma() -> process_mm_walk_lock() (mmap_assert_locked/mmap_assert_write_locked)", WARN}
	api := documented("walk_page_vma")
	api.Rules = []*Rule{ruleVMAWalkLock, ruleVerify, ruleVMALocked, ruleSleepInAtomic}
	api.Notes = "mmscript: walk_page_vma(vma, ops, private) as the kernel declares it, the lock mode ops.walk_lock (PGWALK_RDLOCK unless the script " +
		"sets it: `ops.walk_lock = PGWALK_VMA_RDLOCK_VERIFY`), private any value or NULL; mmscript's earlier form walk_page_vma(vma, ops, lock) " +
		"takes the mode as a word (rdlock, wrlock, wrlock_verify, vma_rdlock_verify); " +
		"pte_entry(addr, pfn) runs under each PTE table's lock as in walk_page_range; returns the present PTEs or the value that stopped the walk. " + api.Notes
	// walk is walk_page_vma() over [start, end) of v, which is also
	// walk_page_range_vma() (mm/pagewalk.c: the same process_mm_walk_lock()
	// and process_vma_walk_lock() steps, then __walk_page_range() of the
	// range).
	walk := func(c *Call, v *mmcore.VMA, start, end mmcore.Addr, o *Ops, mode string) Result {
		m := mmOf(v.MM())
		c.T.MightSleep(c.Op.Name)
		switch mode {
		case "rdlock":
			c.mmapAssertLocked(m, false, ruleVMAWalkLock, c.Op.Name+" (PGWALK_RDLOCK) without "+m.MmapLock.Name+" held")
		case "wrlock", "wrlock_verify":
			c.mmapAssertLocked(m, true, ruleVMAWalkLock, c.Op.Name+" ("+mode+") without "+m.MmapLock.Name+" held for write")
		}
		count, stop := int64(0), int64(0)
		body := func() Result {
			if v.Flags&mmcore.VM_PFNMAP != 0 {
				return done(Int(0)) // walk_page_test(): skipped
			}
			return c.walkVMA(m, v, start, end, o, &count, &stop, func() Result {
				if stop != 0 {
					return done(Int(stop))
				}
				return done(Int(count))
			})
		}
		switch mode {
		case "wrlock":
			return c.vmaStartWrite(v, ruleVMAWalkLock, body)
		case "wrlock_verify":
			if !c.K.writeLocked(v) || c.K.vmaState(v).Lock.writer != c.T {
				c.K.violate(c.T, ruleVerify, c.Op.Name+" (wrlock_verify): "+VMAName(v)+" is not write-locked")
			}
		case "vma_rdlock_verify":
			if c.K.vmaState(v).Lock.heldBy(c.T) == 0 && !c.K.writeLocked(v) {
				c.K.violate(c.T, ruleVMALocked, c.Op.Name+" (vma_rdlock_verify): "+VMAName(v)+" is not locked")
			}
		}
		return body()
	}
	walkVMA := defOp(&Op{Name: "walk_page_vma",
		Params: []Param{{Name: "vma", Type: TVMA}, {Name: "ops", Type: TOps, Optional: true, Nilable: true}, privateParam()},
		Result: TInt, API: register(api),
		Fn: func(c *Call) Result {
			v := c.vma(0)
			var o *Ops
			if c.Args[1].T == TOps {
				o = c.Args[1].Obj.(*Ops)
			}
			return walk(c, v, v.Start(), v.End(), o, walkMode(c, 1, 2))
		}, Touches: walksVMAMappings(1, 2)})
	walkVMA.MMForm = walkMMForm(walkVMA, 2)
	walkRangeVMA := defOp(&Op{Name: "walk_page_range_vma",
		Params: []Param{{Name: "vma", Type: TVMA}, {Name: "start", Type: TInt}, {Name: "end", Type: TInt},
			{Name: "ops", Type: TOps, Optional: true, Nilable: true}, privateParam()},
		Result: TInt,
		API: register(&API{Name: "walk_page_range_vma", Section: "2.21", Hold: api.Hold, Takes: api.Takes, Sleeps: api.Sleeps, Asserts: api.Asserts,
			Source: "mm/pagewalk.c: walk_page_range_vma(), process_mm_walk_lock(), process_vma_walk_lock()",
			Notes:  "walk_page_vma() over [start, end) of one VMA; -EINVAL when the range is not inside it (\"if (start < vma->vm_start || end > vma->vm_end) return -EINVAL\")",
			Cites:  api.Cites, Sequence: "mmap_read_lock(mm);    /* ops.walk_lock = PGWALK_RDLOCK */\n" +
				"err = walk_page_range_vma(vma, start, end, &ops, NULL);\n" +
				"mmap_read_unlock(mm);",
			Rules: api.Rules}),
		Fn: func(c *Call) Result {
			v, start, end := c.vma(0), c.addr(1), c.addr(2)
			if start >= end || start < v.Start() || end > v.End() {
				return done(Int(-int64(mmcore.EINVAL)))
			}
			var o *Ops
			if c.Args[3].T == TOps {
				o = c.Args[3].Obj.(*Ops)
			}
			return walk(c, v, start, end, o, walkMode(c, 3, 4))
		}, Touches: walksVMAMappings(3, 4)})
	walkRangeVMA.MMForm = walkMMForm(walkRangeVMA, 4)

	// ops.walk_lock, read: what the script set at the top level (the
	// compiler stores it, `walk_ops.walk_lock = PGWALK_WRLOCK`, as the
	// kernel's static const struct mm_walk_ops initializer sets
	// `.walk_lock = PGWALK_WRLOCK`: include/linux/pagewalk.h).
	fieldTable[TOps]["walk_lock"] = func(_ *Kernel, x any) Value { return Int(x.(*Ops).WalkLock) }
	fieldTypes[TOps]["walk_lock"] = TInt
}

func init() {
	ruleAnonPrepare := LookupAPI("anon_vma_prepare").Rules[0]
	if ruleAnonPrepare.ID != "anon_vma_prepare/needs-mmap-lock" {
		panic("runtime: anon_vma_prepare's rule not found")
	}
	// mm/memory.c: __vmf_anon_prepare(): "if (likely(vma->anon_vma))
	// return 0; if (vmf->flags & FAULT_FLAG_VMA_LOCK) { if
	// (!mmap_read_trylock(vma->vm_mm)) return VM_FAULT_RETRY; } if
	// (__anon_vma_prepare(vma)) ret = VM_FAULT_OOM; if (vmf->flags &
	// FAULT_FLAG_VMA_LOCK) mmap_read_unlock(vma->vm_mm);"; mm/internal.h:
	// vmf_anon_prepare() calls vma_end_read() when it returns VM_FAULT_RETRY
	// under FAULT_FLAG_VMA_LOCK. __anon_vma_prepare() asserts the mmap lock,
	// so without FAULT_FLAG_VMA_LOCK the caller must still hold it.
	api := documented("vmf_anon_prepare")
	api.Rules = []*Rule{ruleAnonPrepare, ruleSleepInAtomic}
	api.Notes = "mmscript: vmf_anon_prepare(vmf) returns 0, VM_FAULT_RETRY (the VMA lock already released) or VM_FAULT_OOM; " +
		"it follows vmf->flags, so inside ->page_mkwrite (FAULT_FLAG_VMA_LOCK cleared) it asserts the mmap lock. " + api.Notes
	defOp(&Op{Name: "vmf_anon_prepare", Params: []Param{{Name: "vmf", Type: TVMF}}, Result: TInt, API: register(api),
		Fn: func(c *Call) Result {
			vmf := c.Args[0].Obj.(*VMF)
			v := vmf.VMA
			c.checkAlive(v)
			if v.AnonVMA() != nil {
				return done(Int(0))
			}
			m := mmOf(v.MM())
			c.T.MightSleep(c.Op.Name)
			if vmf.VMALock {
				if !c.T.TryAcquire(m.MmapLock, Read) {
					c.unlock(c.K.vmaState(v).Lock, Read) // vmf_anon_prepare(): vma_end_read()
					return done(Int(VM_FAULT_RETRY))
				}
			} else if !vmf.unlocked { // else handle_mm_fault reported the missing lock
				c.mmapAssertLocked(m, false, ruleAnonPrepare, "vmf_anon_prepare without FAULT_FLAG_VMA_LOCK and without "+m.MmapLock.Name+" held: __anon_vma_prepare() asserts it")
			}
			v.MM().PrepareAnonVMA(v)
			l, _ := c.K.anonVMALock(v)
			return c.lock(l, Write, func() Result {
				return c.lock(m.PageTableLock, Write, func() Result {
					c.unlock(m.PageTableLock, Write)
					c.unlock(l, Write)
					if vmf.VMALock {
						c.unlock(m.MmapLock, Read)
					}
					return done(Int(0))
				})
			})
		}, Touches: vmfAnonPrepareTouches})
}

// vmfAnonPrepareTouches: with an anon_vma in place vmf_anon_prepare only
// reads the VMA; without one __anon_vma_prepare links a new or a
// neighbour's anon_vma into the VMA (a write of the VMA and its mm's
// tree, which find_mergeable_anon_vma reads) and may allocate it. The
// locks it takes are recorded by the lock code.
func vmfAnonPrepareTouches(c *Call, f *Footprint) {
	vmf, _ := c.Args[0].Obj.(*VMF)
	if vmf == nil || vmf.VMA == nil {
		f.World()
		return
	}
	m := vmf.VMA.MM()
	if vmf.VMA.AnonVMA() != nil {
		f.MM(m, false)
		return
	}
	f.MM(m, true)
	f.Alloc()
}

// apply is apply_to_page_range()'s entry and rules, which its sibling
// apply_to_existing_page_range() shares.
var apply struct {
	*API
	ruleLock, ruleRange, ruleLeaf *Rule
}

// applyToPageRange is __apply_to_page_range(mm, addr, size, fn, data,
// create) (mm/memory.c) for the call c of apply_to_page_range() (create)
// or apply_to_existing_page_range(), whose ops block (fn) is argument
// opsAt: "if (WARN_ON(addr >= end)) return -EINVAL;", the mmap lock of a
// user mm, then the PTE tables of the range: allocated and every entry
// visited (create), or only the tables and entries that exist.
func (c *Call) applyToPageRange(opsAt int, create bool) Result {
	m, addr := c.mm(0), c.addr(1)
	size, err := c.length(2)
	if err != nil {
		return Result{Status: Failed, Err: err}
	}
	var o *Ops
	if c.Args[opsAt].T == TOps {
		o = c.Args[opsAt].Obj.(*Ops)
	}
	end := addr + mmcore.Addr(size)
	if end <= addr {
		c.K.violate(c.T, apply.ruleRange, fmt.Sprintf("%s over the empty range [%#x, %#x)", c.Op.Name, uint64(addr), uint64(end)))
		return done(Int(-int64(mmcore.EINVAL)))
	}
	// Every table of the range is allocated and kept: a range of the
	// whole address space would take the simulation as long as the
	// kernel takes to run out of memory.
	if tables := (uint64(end-1)>>mmcore.PMD_SHIFT - uint64(addr)>>mmcore.PMD_SHIFT) + 1; create && tables > maxRangeTables {
		return fail("%s: [%#x, %#x) spans %d PTE tables; mmscript allocates at most %d in one call (a simulation limit: give a smaller size)",
			c.Op.Name, uint64(addr), uint64(end), tables, maxRangeTables)
	}
	c.T.MightSleep(c.Op.Name)
	if m.MmapLock.heldBy(c.T) == 0 {
		c.K.violate(c.T, apply.ruleLock, c.Op.Name+" without "+m.MmapLock.Name+" held: munmap may free the page tables it walks")
	}
	count, stop := int64(0), int64(0)
	finish := func() Result { return done(Int(stop)) }
	// apply_to_pmd_range() visits the PMDs in order and meets a leaf
	// (a THP) with "if (WARN_ON_ONCE(pmd_leaf(*pmd))) return -EINVAL;":
	// the range before it is applied, nothing from it on.
	if leaf, ok := firstHugePMD(m, addr, end); ok {
		end = leaf
		finish = func() Result {
			if stop != 0 {
				return done(Int(stop))
			}
			c.K.violate(c.T, apply.ruleLeaf, fmt.Sprintf("%s reaches the huge PMD mapping %#x", c.Op.Name, uint64(leaf)))
			return done(Int(-int64(mmcore.EINVAL)))
		}
	}
	if end <= addr {
		return finish() // the leaf is the range's first PMD
	}
	if !create {
		return c.walkPTEs(m, addr, end, o, true, &count, &stop, finish)
	}
	for a := addr &^ (mmcore.PMD_SIZE - 1); a < end && a >= addr&^(mmcore.PMD_SIZE-1); a += mmcore.PMD_SIZE {
		if _, _, err := m.Core.AllocTables(max(a, addr)); err != nil {
			return done(Int(errnoOf(err)))
		}
	}
	return c.walkVMA(m, nil, addr, end, o, &count, &stop, finish)
}

func init() {
	// mm/memory.c: __apply_to_page_range(mm, addr, size, fn, data, create):
	// "if (WARN_ON(addr >= end)) return -EINVAL;" then, for a user mm,
	// apply_to_pte_range() takes pte_alloc_map_lock() per PTE table (the
	// tables are allocated, create = true) and calls fn on each PTE in
	// lazy-MMU mode, stopping at the first non-zero return. Nothing checks
	// that the tables stay alive: for a user mm that is the mmap lock.
	ruleApplyLock := &Rule{"apply_to_page_range/needs-mmap-lock", "apply_to_page_range() on a user mm is called with its mmap lock held, which keeps the page tables it walks and allocates from being freed",
		"mm/memory.c: __apply_to_page_range() (no lock assertion)", Unchecked}
	ruleApplyRange := &Rule{"apply_to_page_range/empty-range", "apply_to_page_range() is called with a non-empty range",
		"mm/memory.c: __apply_to_page_range() WARN_ON(addr >= end)", WARN}
	ruleApplyLeaf := &Rule{"apply_to_page_range/leaf-pmd", "apply_to_page_range() is not used over a range a huge PMD maps: it works on PTE tables only",
		"mm/memory.c: apply_to_pmd_range() if (WARN_ON_ONCE(pmd_leaf(*pmd))) return -EINVAL", WARN}
	api := documented("apply_to_page_range")
	api.Rules = []*Rule{ruleApplyLock, ruleApplyRange, ruleApplyLeaf, ruleSleepInAtomic}
	apply.API, apply.ruleLock, apply.ruleRange, apply.ruleLeaf = api, ruleApplyLock, ruleApplyRange, ruleApplyLeaf
	api.Notes = "mmscript: apply_to_page_range(mm, addr, size=|pages=, ops) calls the ops block's pte_entry(addr, pfn) for every PTE of the range " +
		"(pfn -1 when none) under that table's PTE lock, allocating missing tables; returns 0 or the non-zero value that stopped it. " +
		"apply_to_existing_page_range() is its sibling that allocates nothing. " + api.Notes
	defOp(&Op{Name: "apply_to_page_range",
		Params: append([]Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}, append(append([]Param{}, sizeParams...),
			Param{Name: "ops", Type: TOps, Optional: true, Nilable: true})...),
		Result: TInt, API: register(api),
		Fn: func(c *Call) Result { return c.applyToPageRange(4, true) },
		// The first step allocates the missing tables; the walk after it
		// reads the mappings and hands PFNs to pte_entry. The footprint
		// is taken in the state the step runs in: with every table of the
		// range present, the step allocates nothing.
		Touches: func(c *Call, f *Footprint) {
			m := mmArg(c, 0)
			if m == nil {
				return
			}
			addr := c.addr(1)
			size, err := c.length(2)
			end := addr + mmcore.Addr(size)
			if err != nil || end <= addr || (uint64(end-1)>>mmcore.PMD_SHIFT-uint64(addr)>>mmcore.PMD_SHIFT)+1 > maxRangeTables {
				return // fails, or reports, before it touches a table
			}
			for a := addr &^ (mmcore.PMD_SIZE - 1); a < end && a >= addr&^(mmcore.PMD_SIZE-1); a += mmcore.PMD_SIZE {
				if m.Walk(max(a, addr)).PTETable() == nil {
					f.PTEs(m, true)
					f.Alloc()
					return
				}
			}
			f.PTEMappings(m)
		}})
}

// apply_to_existing_page_range(mm, addr, size, fn, data) (mm/memory.c):
// __apply_to_page_range(..., create = false): missing tables are skipped
// ("if (pmd_none(*pmd) && !create) continue;"), nothing is allocated, and
// fn runs only on entries that are not none, under each table's PTE lock
// (pte_offset_map_lock()). apply_to_page_range()'s rules.
func init() {
	a := apply
	// the kernel's argument order, (mm, addr, size, fn): fn is an ops
	// block (its pte_entry); pages= gives the length as a count
	defOp(&Op{Name: "apply_to_existing_page_range",
		Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}, sizeParams[0],
			{Name: "fn", Type: TOps, Optional: true, Nilable: true}, sizeParams[1]},
		Result: TInt,
		API: register(&API{Name: "apply_to_existing_page_range", Section: a.Section, Hold: a.Hold,
			Takes:   "per existing PTE table: pte_offset_map_lock() -> fn on each entry that is not none (lazy MMU mode) -> pte_unmap_unlock(); no table allocation",
			Sleeps:  "yes (between tables; fn runs under the PTE lock and must not)",
			Asserts: "WARN_ON(addr >= end); no lock check",
			Source:  "mm/memory.c: apply_to_existing_page_range(), __apply_to_page_range(create = false), apply_to_pte_range()",
			Notes: "apply_to_page_range()'s sibling for a range whose tables exist already (Xen's gntdev unmap, vmalloc's set_memory_*): the same lock rules, " +
				"but it allocates no table and calls fn (an ops block, the kernel's fourth argument: its pte_entry(addr, pfn), pfn -1 for an entry that is not present) only on entries that are not none; " +
				"returns 0 or the non-zero value that stopped it",
			Rules: []*Rule{apply.ruleLock, apply.ruleRange, apply.ruleLeaf, ruleSleepInAtomic},
			Cites: []Cite{cite("mm/memory.c", "apply_to_existing_page_range(), apply_to_pmd_range(), apply_to_pte_range()", "none of the lock: return __apply_to_page_range(mm, addr, size, fn, data, false); "+
				"if (pmd_none(*pmd) && !create) continue; ... mapped_pte = pte = pte_offset_map_lock(mm, pmd, addr, &ptl); ... if (create || !pte_none(ptep_get(pte))) { err = fn(pte, addr, data); ... }", readMemory2026)},
			Sequence: "mmap_read_lock(mm);\nerr = apply_to_existing_page_range(mm, addr, size, fn, data);\nmmap_read_unlock(mm);"}),
		Fn: func(c *Call) Result { return c.applyToPageRange(3, false) },
		Touches: func(c *Call, f *Footprint) {
			if m := mmArg(c, 0); m != nil {
				f.PTEMappings(m)
			}
		}})
}

func init() {
	// mm/memory.c: follow_pfnmap_start(): pfnmap_lockdep_assert(vma) ->func init() {
	// mm/memory.c: follow_pfnmap_start(): pfnmap_lockdep_assert(vma) ->
	// "lockdep_assert(lockdep_is_held(&mapping->i_mmap_rwsem) ||
	// lockdep_is_held(&vma->vm_mm->mmap_lock))" (the mmap lock alone for a
	// VMA without a file); -EINVAL outside the VMA, on a VMA without
	// VM_IO | VM_PFNMAP, or when the entry is not present; on success the
	// leaf's lock stays held (args->lock) until follow_pfnmap_end() does
	// "if (args->lock) spin_unlock(args->lock); if (args->ptep)
	// pte_unmap(args->ptep);".
	ruleFollowLock := &Rule{"follow_pfnmap_start/needs-mmap-or-i_mmap-lock", "follow_pfnmap_start() is called with the mmap lock, or for a file VMA the mapping's i_mmap_rwsem, held until follow_pfnmap_end()",
		"mm/memory.c: follow_pfnmap_start() -> pfnmap_lockdep_assert()", Lockdep}
	api := documented("follow_pfnmap_start")
	api.Rules = []*Rule{ruleFollowLock}
	api.Notes = "mmscript: follow_pfnmap_start(&args) as the kernel declares it, args a follow_pfnmap_args whose vma and address the caller set " +
		"(`follow_pfnmap_args args`, `args.vma = vma`, `args.address = addr`): 0 with args.pfn, args.pgprot, args.writable and args.special filled " +
		"and the PTE table's lock held and the table mapped (RCU) until follow_pfnmap_end(&args), or -EINVAL with nothing held; " +
		"mmscript's earlier follow_pfnmap_start(vma, addr) returns the pfn or -EINVAL, and follow_pfnmap_end(vma, addr) ends it; " +
		"only PTE-level leaves are modelled. " + api.Notes
	// start is follow_pfnmap_start() on vma at addr: the lock check, the
	// walk, the PTE lock taken and kept on success; found gets the entry.
	start := func(c *Call, v *mmcore.VMA, addr mmcore.Addr, found func(m *MM, t *mmcore.PageTable, l *Lock, e mmcore.PTE) Result) Result {
		m := mmOf(v.MM())
		held := m.MmapLock.heldBy(c.T) != 0
		if f := v.File(); f != nil && !held {
			if l := iMmapLock(f.Mapping()); l != nil {
				held = l.heldBy(c.T) != 0
			}
		}
		if !held {
			c.K.violate(c.T, ruleFollowLock, "follow_pfnmap_start on "+VMAName(v)+" without "+m.MmapLock.Name+" (or the file's i_mmap_rwsem): the page table may be freed under the walk")
		}
		if !v.Contains(addr) || v.Flags&(mmcore.VM_IO|mmcore.VM_PFNMAP) == 0 {
			return done(Int(-int64(mmcore.EINVAL)))
		}
		t := m.Core.Walk(addr).PTETable()
		if t == nil {
			return done(Int(-int64(mmcore.EINVAL)))
		}
		l := ptl(m, t)
		c.T.rcuLock() // pte_offset_map_lock()
		return c.lock(l, Write, func() Result {
			e := t.Entry(t.Index(addr))
			if !e.Present() {
				c.unlock(l, Write) // "pte_unmap_unlock(ptep, lock); goto out"
				c.T.rcuUnlock()
				return done(Int(-int64(mmcore.EINVAL)))
			}
			return found(m, t, l, e)
		})
	}
	startOp := defOp(&Op{Name: "follow_pfnmap_start", Params: []Param{{Name: "args", Type: TFollowPfnmapArgs,
		Hint: "the kernel's struct follow_pfnmap_args *args: declare `follow_pfnmap_args args`, set args.vma and args.address, pass &args; " +
			"mmscript's earlier form is follow_pfnmap_start(vma, addr)"}},
		Result: TInt, API: register(api),
		Fn: func(c *Call) Result {
			a := c.Args[0].Obj.(*FollowPfnmapArgs)
			if a.VMA == nil {
				// the kernel dereferences args->vma: a NULL one oopses
				return fail("follow_pfnmap_start: args.vma is NULL (set args.vma and args.address before the call, as the kernel's " +
					"struct follow_pfnmap_args args = { .vma = vma, .address = addr };)")
			}
			return start(c, a.VMA, a.Address, func(m *MM, t *mmcore.PageTable, l *Lock, e mmcore.PTE) Result {
				// pfnmap_args_setup(args, lock, ptep, pte_pgprot(pte),
				// pte_pfn(pte), PAGE_MASK, pte_write(pte), pte_special(pte))
				a.lock, a.table = l, t
				a.PFN = int64(e.PFN())
				a.AddrMask = -int64(mmcore.PageSize)
				a.Pgprot = pgprotOf(a.VMA.Flags, e&mmcore.PTECacheMask)
				a.Writable, a.Special = e.Writable(), e.Special()
				return done(Int(0))
			})
		}, Touches: pfnmapArgsPath})
	startOp.MMForm = &Op{Name: "follow_pfnmap_start", Params: vmaAddrParams(), Result: TInt, API: startOp.API,
		Fn: func(c *Call) Result {
			c.T.cur = c
			return start(c, c.vma(0), c.addr(1), func(_ *MM, _ *mmcore.PageTable, _ *Lock, e mmcore.PTE) Result {
				return done(Int(int64(e.PFN())))
			})
		}, Touches: ptePath2}
	startOp.MMForm.Consistent = consistencyCheck(startOp.MMForm)
	endOp := defOp(&Op{Name: "follow_pfnmap_end", Params: []Param{{Name: "args", Type: TFollowPfnmapArgs,
		Hint: "the kernel's struct follow_pfnmap_args *args that follow_pfnmap_start(&args) filled; mmscript's earlier form is follow_pfnmap_end(vma, addr)"}},
		API: register(&API{Name: "follow_pfnmap_end", Section: "2.23", Hold: "the lock follow_pfnmap_start() returned holding",
			Takes: "nothing; spin_unlock(args->lock), pte_unmap(args->ptep)", Sleeps: "no", Asserts: "none (lockdep: bad unlock balance)",
			Source: "mm/memory.c: follow_pfnmap_end()",
			Notes: "only after a follow_pfnmap_start() that returned 0; an args that start did not fill (args->lock NULL) releases nothing. " +
				"mmscript's earlier follow_pfnmap_end(vma, addr) releases the PTE lock at addr",
			Cites: []Cite{cite("mm/memory.c", "follow_pfnmap_end()", "none: if (args->lock) spin_unlock(args->lock); if (args->ptep) pte_unmap(args->ptep)", readMemory)},
			Sequence: "if (!follow_pfnmap_start(&args)) {\n" +
				"\tpfn = args.pfn;\n" +
				"\tfollow_pfnmap_end(&args);\n}",
			Rules: []*Rule{ruleUnlockNotHeld}}),
		Fn: func(c *Call) Result {
			a := c.Args[0].Obj.(*FollowPfnmapArgs)
			if a.lock == nil {
				return ok // "if (args->lock)": nothing was taken
			}
			l := a.lock
			a.lock, a.table = nil, nil
			if l.heldBy(c.T) == 0 {
				return c.release(l, Write) // reports the unbalanced unlock
			}
			r := c.release(l, Write)
			c.T.rcuUnlock() // pte_unmap(args->ptep)
			return r
		}, Touches: pfnmapArgsPath})
	endOp.MMForm = &Op{Name: "follow_pfnmap_end", Params: vmaAddrParams(), API: endOp.API,
		Fn: func(c *Call) Result {
			c.T.cur = c
			v, addr := c.vma(0), c.addr(1)
			m := mmOf(v.MM())
			return pteWalkEnd(c, m, m.Core.Walk(addr).PTETable(), addr, "follow_pfnmap")
		}, Touches: ptePath2}
	endOp.MMForm.Consistent = consistencyCheck(endOp.MMForm)

	// struct follow_pfnmap_args (include/linux/mm.h): in, .vma and
	// .address, which the caller sets; out, what follow_pfnmap_start()
	// fills.
	fieldTable[TFollowPfnmapArgs] = map[string]func(k *Kernel, x any) Value{
		"vma":       func(_ *Kernel, x any) Value { return Obj(TVMA, x.(*FollowPfnmapArgs).VMA) },
		"address":   func(_ *Kernel, x any) Value { return Int(int64(x.(*FollowPfnmapArgs).Address)) },
		"pfn":       func(_ *Kernel, x any) Value { return Int(x.(*FollowPfnmapArgs).PFN) },
		"addr_mask": func(_ *Kernel, x any) Value { return Int(x.(*FollowPfnmapArgs).AddrMask) },
		"pgprot":    func(_ *Kernel, x any) Value { return Int(x.(*FollowPfnmapArgs).Pgprot) },
		"writable":  func(_ *Kernel, x any) Value { return Bool(x.(*FollowPfnmapArgs).Writable) },
		"special":   func(_ *Kernel, x any) Value { return Bool(x.(*FollowPfnmapArgs).Special) },
	}
	fieldTypes[TFollowPfnmapArgs] = map[string]Type{"vma": TVMA, "address": TInt, "pfn": TInt, "addr_mask": TInt, "pgprot": TInt,
		"writable": TBool, "special": TBool}
	fieldNoStore[TFollowPfnmapArgs] = map[string]string{}
	for _, f := range []string{"pfn", "addr_mask", "pgprot", "writable", "special"} {
		fieldNoStore[TFollowPfnmapArgs][f] = "an output of follow_pfnmap_start(), which fills it (pfnmap_args_setup()); the caller sets .vma and .address"
	}
	fieldStores[TFollowPfnmapArgs] = map[string]string{}
	for _, st := range []struct {
		field string
		typ   Type
		set   func(a *FollowPfnmapArgs, x Value)
	}{
		{"vma", TVMA, func(a *FollowPfnmapArgs, x Value) { a.VMA, _ = x.Obj.(*mmcore.VMA) }},
		{"address", TInt, func(a *FollowPfnmapArgs, x Value) { a.Address = mmcore.Addr(x.Int) }},
	} {
		name := "follow_pfnmap_args_store_" + st.field
		fieldStores[TFollowPfnmapArgs][st.field] = name
		citeTable[name] = []Cite{cite("drivers/vfio/vfio_iommu_type1.c", "follow_fault_pfn()",
			"none: struct follow_pfnmap_args args = { .vma = vma, .address = vaddr }; ret = follow_pfnmap_start(&args);", readVfioType1)}
		sequenceTable[name] = "struct follow_pfnmap_args args = { ." + st.field + " = value, ... };"
		set := st.set
		defOp(&Op{Name: name, Params: []Param{{Name: "args", Type: TFollowPfnmapArgs}, {Name: st.field, Type: st.typ, Nilable: st.typ == TVMA}},
			API: register(&API{Name: name, Section: "-", Hold: "nothing", Takes: "nothing", Sleeps: "no", Asserts: "none",
				Source: "include/linux/mm.h: struct follow_pfnmap_args",
				Notes: "args." + st.field + " = value: the caller's own struct follow_pfnmap_args, set before follow_pfnmap_start(&args) " +
					"(struct follow_pfnmap_args args = { .vma = vma, .address = addr }: drivers/vfio/vfio_iommu_type1.c: follow_fault_pfn())"}),
			Touches: func(*Call, *Footprint) {},
			Fn: func(c *Call) Result {
				set(c.Args[0].Obj.(*FollowPfnmapArgs), c.Args[1])
				return ok
			}})
	}
}

// readVfioType1: how drivers/vfio/vfio_iommu_type1.c was read.
const readVfioType1 = "find_string excerpts of drivers/vfio/vfio_iommu_type1.c: follow_fault_pfn() and its patches (2020-2026: follow_pfn, follow_pte, follow_pfnmap_start), read"

// FollowPfnmapArgs is the kernel's struct follow_pfnmap_args
// (include/linux/mm.h): the caller sets VMA and Address;
// follow_pfnmap_start() fills the rest and keeps the leaf's lock (lock,
// the kernel's args->lock) and the mapped table (args->ptep) for
// follow_pfnmap_end().
type FollowPfnmapArgs struct {
	Owned    // the thread that made it (owned.go)
	VMA      *mmcore.VMA
	Address  mmcore.Addr
	PFN      int64
	AddrMask int64
	Pgprot   int64
	Writable bool
	Special  bool
	lock     *Lock
	table    *mmcore.PageTable
}

func (*FollowPfnmapArgs) String() string { return "follow_pfnmap_args" }

// pfnmapArgsPath: follow_pfnmap_start/end(&args) read args' VMA and walk
// its tables at args' address.
func pfnmapArgsPath(c *Call, f *Footprint) {
	a, _ := c.Args[0].Obj.(*FollowPfnmapArgs)
	if a == nil || a.VMA == nil {
		return
	}
	m := a.VMA.MM()
	f.MM(m, false)
	f.PTEAt(m, a.Address, false)
}

// pteWalkEnd is the end of a walk that left the PTE table at addr mapped
// and locked (follow_pfnmap_end(), folio_walk_end()): pte_unmap_unlock().
// An end without the lock held reports the unbalanced unlock and does not
// leave the RCU section the start's pte_offset_map() entered.
func pteWalkEnd(c *Call, m *MM, t *mmcore.PageTable, addr mmcore.Addr, walk string) Result {
	if t == nil {
		return fail("%s_end: no page table at %#x (no %s_start succeeded there)", walk, uint64(addr), walk)
	}
	l := ptl(m, t)
	if l.heldBy(c.T) == 0 {
		return c.release(l, Write) // reports the unbalanced unlock
	}
	r := c.release(l, Write)
	c.T.rcuUnlock() // pte_unmap()
	return r
}

// ptePath2: follow_pfnmap_start/end read the VMA and walk its tables.
func ptePath2(c *Call, f *Footprint) {
	m := vmaMM(c, 0)
	f.MM(m, false)
	f.PTEAt(m, c.addr(1), false) // the leaf at addr (a huge PMD's included)
}
