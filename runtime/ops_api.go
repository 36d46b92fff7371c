package runtime

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mmscript/mmscript/mmcore"
)

// The rule book's APIs (mm-locking-rules.md section 2): lookups, flag
// setters, the install and zap families, GUP, anon_vma_prepare and the
// page walker.

func vmaAddrParams(extra ...Param) []Param {
	return append([]Param{{Name: "vma", Type: TVMA}, {Name: "addr", Type: TInt}}, extra...)
}

var sizeParams = []Param{
	{Name: "size", Type: TInt, Optional: true, Default: Int(0)},
	{Name: "pages", Type: TInt, Optional: true, Default: Int(0)},
}

// endOrLength is the length of a range given, as the kernel gives it, by
// its end (the argument at endIdx, 0 when not given) or by size= or pages=
// (from sizeIdx); given both ways, the two must agree.
func (c *Call) endOrLength(startIdx, endIdx, sizeIdx int) (uint64, error) {
	start, end := c.int(startIdx), c.int(endIdx)
	if end == 0 {
		return c.length(sizeIdx)
	}
	if uint64(end) <= uint64(start) {
		return 0, fmt.Errorf("%s: end %#x is not above start %#x (the kernel's third argument is the end of the range, not its length)", c.Op.Name, end, start)
	}
	n := uint64(end) - uint64(start)
	if c.int(sizeIdx) != 0 || c.int(pagesIndex(c.Op, sizeIdx)) != 0 {
		if l, err := c.length(sizeIdx); err != nil || l != n {
			return 0, fmt.Errorf("%s: end %#x and the length given with size= or pages= disagree: give the range once", c.Op.Name, end)
		}
	}
	return n, nil
}

// remapParams are remap_pfn_range()'s and io_remap_pfn_range()'s: the
// kernel's (vma, addr, pfn, size, prot), so that a driver's
// remap_pfn_range(vma, vma->vm_start, pfn, size, vma->vm_page_prot) binds
// as written, and pages= as for the other lengths. mmscript maps with the
// VMA's own protection: prot (vma.vm_page_prot, or any pgprot the driver
// derived from it) is taken and not modelled.
func remapParams() []Param {
	return append(vmaAddrParams(Param{Name: "pfn", Type: TInt}),
		Param{Name: "size", Type: TInt, Optional: true, Default: Int(0)},
		Param{Name: "prot", Type: TInt, Optional: true, Default: Int(-1)},
		Param{Name: "pages", Type: TInt, Optional: true, Default: Int(0)})
}

// pagesIndex is the index of op's pages= parameter, the length in pages
// that goes with its size= at sizeIdx (the one after it when none is
// named so).
func pagesIndex(op *Op, sizeIdx int) int {
	for i := sizeIdx + 1; i < len(op.Params); i++ {
		if op.Params[i].Name == "pages" {
			return i
		}
	}
	return sizeIdx + 1
}

// ruleFindVMA is shared by find_vma and find_vma_intersection.
var ruleFindVMA = &Rule{"find_vma/needs-mmap-lock", "find_vma() and find_vma_intersection() are called with the mmap lock held",
	"mm/mmap.c: find_vma() -> mmap_assert_locked()", WARN}

// length returns a byte length from a size or a pages argument.
// maxRangeTables bounds the PTE tables one call may allocate over a
// range (apply_to_page_range): each is kept in the simulated memory.
const maxRangeTables = 4096

func (c *Call) length(sizeIdx int) (uint64, error) {
	size, pages := c.int(sizeIdx), c.int(pagesIndex(c.Op, sizeIdx))
	switch {
	case size < 0 || pages < 0:
		return 0, fmt.Errorf("%s: negative length", c.Op.Name)
	case size != 0 && pages != 0 && (pages > 1<<40 || pages<<mmcore.PageShift != size):
		return 0, fmt.Errorf("%s: size=%d and pages=%d disagree: give the length once", c.Op.Name, size, pages)
	case size != 0:
		return uint64(size), nil
	case pages != 0:
		if pages > 1<<40 {
			return 0, fmt.Errorf("%s: pages=%d is too large", c.Op.Name, pages)
		}
		return uint64(pages) << mmcore.PageShift, nil
	}
	return 0, fmt.Errorf("%s: needs a length: size=BYTES or pages=N", c.Op.Name)
}

func init() {
	defOp(&Op{Name: "find_vma", Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}, Result: TVMA,
		API: register(&API{Name: "find_vma", Section: "2.14", Hold: "mmap lock, read or write, while the VMA is used",
			Takes: "RCU (maple tree walk)", Sleeps: "no", Asserts: "mmap_assert_locked()",
			Source: "mm/mmap.c: find_vma()", Notes: "returns the VMA containing addr or the next one above it",
			NullResult: "when no VMA ends above the address (kernel-doc: \"May return NULL in the case of no VMA at addr or above\")",
			Rules:      []*Rule{ruleFindVMA}}),
		Fn: func(c *Call) Result {
			m := c.mm(0)
			c.mmapAssertLocked(m, false, ruleFindVMA, "find_vma without "+m.MmapLock.Name+" held")
			c.checkMMUsers(m)
			v := m.Core.FindVMA(c.addr(1))
			return done(c.stampLookup(m, v))
		}})
	ruleLookup := &Rule{"vma_lookup/unstable-result", "the VMA vma_lookup() returns is only meaningful under the mmap lock",
		"include/linux/mm.h: vma_lookup() (no assertion)", Unchecked}
	defOp(&Op{Name: "vma_lookup", Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}, Result: TVMA,
		API: register(&API{Name: "vma_lookup", Section: "2.14", Hold: "mmap lock, read or write, for using the result",
			Takes: "RCU (mtree_load)", Sleeps: "no", Asserts: "none", Source: "include/linux/mm.h: vma_lookup()",
			NullResult: "when no VMA contains the address (kernel-doc: \"Return: The vm_area_struct at the given address, NULL otherwise\")",
			Rules:      []*Rule{ruleLookup}}),
		Fn: func(c *Call) Result {
			m := c.mm(0)
			if m.MmapLock.heldBy(c.T) == 0 {
				c.K.violate(c.T, ruleLookup, "vma_lookup without "+m.MmapLock.Name+": the VMA may be freed under the caller")
			}
			c.checkMMUsers(m)
			v := m.Core.VMALookup(c.addr(1))
			return done(c.stampLookup(m, v))
		}})

	ruleFlagsSet := &Rule{"vm_flags/needs-mmap-write", "vm_flags_set/clear/mod need the mmap lock for write; they take the VMA write lock themselves",
		"include/linux/mm.h: vm_flags_set() -> vma_start_write() -> mmap_assert_write_locked()", WARN}
	flagWords := vmFlagWords()
	for _, name := range []string{"vm_flags_set", "vm_flags_clear"} {
		set := name == "vm_flags_set"
		defOp(&Op{Name: name, Params: []Param{{Name: "vma", Type: TVMA}, {Name: "flags", Type: TWord, Words: flagWords}},
			API: register(&API{Name: name, Section: "2.16", Hold: "mmap lock for write",
				Takes: "VMA write lock (waits for readers)", Sleeps: "yes", Asserts: "mmap_assert_write_locked() via vma_start_write()",
				Source: "include/linux/mm.h: " + name + "()", Rules: []*Rule{ruleFlagsSet, ruleSleepInAtomic}}),
			Fn: func(c *Call) Result {
				v := c.vma(0)
				f, err := parseVMFlags(c.word(1))
				if err != nil {
					return fail("%s: %v", c.Op.Name, err)
				}
				return c.vmaStartWrite(v, ruleFlagsSet, func() Result {
					if set {
						v.Flags |= f
					} else {
						v.Flags &^= f
					}
					return ok
				})
			}})
	}

	// vm_flags_mod(vma, set, clear) (include/linux/mm.h): vma_start_write(),
	// then __vm_flags_mod(): "Use only when the order of set/clear
	// operations is unimportant".
	modWord := func(v int64) (string, bool) { return vmFlagWord(v) }
	defOp(&Op{Name: "vm_flags_mod", Params: []Param{{Name: "vma", Type: TVMA},
		{Name: "set", Type: TWord, Words: flagWords, FromInt: modWord}, {Name: "clear", Type: TWord, Words: flagWords, FromInt: modWord}},
		API: register(&API{Name: "vm_flags_mod", Section: "2.16", Hold: "mmap lock for write",
			Takes: "VMA write lock (waits for readers)", Sleeps: "yes", Asserts: "mmap_assert_write_locked() via vma_start_write()",
			Source: "include/linux/mm.h: vm_flags_mod(), __vm_flags_mod()",
			Notes:  "sets set and clears clear in one store ((vm_flags | set) & ~clear), with vm_flags_set()'s rules; 0 (or \"\") for no flags",
			Rules:  []*Rule{ruleFlagsSet, ruleSleepInAtomic},
			Cites: []Cite{cite("include/linux/mm.h", "vm_flags_mod(), __vm_flags_mod()", "vma_start_write(vma); __vm_flags_mod(vma, set, clear); "+
				"__vm_flags_mod(): vm_flags_init(vma, (vma->vm_flags | set) & ~clear);", readMMH2026)},
			Sequence: "mmap_write_lock(mm);\nvm_flags_mod(vma, VM_IO | VM_DONTEXPAND, VM_MAYWRITE);\nmmap_write_unlock(mm);"}),
		Touches: writesVMA,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			set, err := parseVMFlags(c.word(1))
			if err != nil {
				return fail("%s: %v", c.Op.Name, err)
			}
			clr, err := parseVMFlags(c.word(2))
			if err != nil {
				return fail("%s: %v", c.Op.Name, err)
			}
			return c.vmaStartWrite(v, ruleFlagsSet, func() Result {
				v.Flags = (v.Flags | set) &^ clr
				return ok
			})
		}})

	// vm_insert_page and friends (rule book 2.1-2.6).	// vm_insert_page and friends (rule book 2.1-2.6).
	ruleInsertBUG := &Rule{"vm_insert_page/not-mixedmap-needs-mmap-write",
		"on a VMA without VM_MIXEDMAP, vm_insert_page sets the flag itself and so needs the mmap lock for write (in practice: call it from f_op->mmap, or set VM_MIXEDMAP there)",
		"mm/memory.c: vm_insert_page() BUG_ON(mmap_read_trylock(vma->vm_mm))", BUG}
	ruleInsertRace := &Rule{"vm_insert_page/trylock-heuristic",
		"the BUG_ON(mmap_read_trylock()) test passes whenever any writer holds or waits for the lock, not only when this thread holds it: the call then races",
		"mm/memory.c: vm_insert_page()", Unchecked}
	ruleInsertPFNMAP := &Rule{"vm_insert_page/pfnmap", "vm_insert_page() is never used on a VM_PFNMAP VMA",
		"mm/memory.c: vm_insert_page() BUG_ON(vma->vm_flags & VM_PFNMAP)", BUG}
	insertAPI := func(name, section, notes string) *API {
		return register(&API{Name: name, Section: section,
			Hold:    "VMA without VM_MIXEDMAP: mmap lock for write (f_op->mmap); with VM_MIXEDMAP: mmap lock or VMA read lock",
			Takes:   "[VMA write lock via vm_flags_set] -> page_table_lock/PMD lock (table allocation) -> PTE lock",
			Sleeps:  "yes",
			Asserts: "BUG_ON(mmap_read_trylock()), BUG_ON(VM_PFNMAP), on the not-yet-MIXEDMAP path only",
			Source:  "mm/memory.c: " + name + "(), insert_page(), validate_page_before_insert()",
			Notes:   notes,
			Rules:   []*Rule{ruleInsertBUG, ruleInsertPFNMAP, ruleInsertRace, ruleInstallLock, ruleSleepInAtomic}})
	}
	// insertPrologue runs vm_insert_page's checks and flag setting; k runs
	// once the VMA is VM_MIXEDMAP.
	insertPrologue = func(c *Call, v *mmcore.VMA, k func() Result) Result {
		c.T.MightSleep(c.Op.Name)
		if v.Flags&mmcore.VM_MIXEDMAP == 0 {
			m := mmOf(v.MM())
			if m.MmapLock.canGrant(c.T, Read) {
				// mmap_read_trylock() would succeed: BUG.
				c.K.violate(c.T, ruleInsertBUG, fmt.Sprintf("%s on %s without VM_MIXEDMAP needs %s held for write", c.Op.Name, VMAName(v), m.MmapLock.Name))
				return ok
			}
			if m.MmapLock.heldBy(c.T) != Write {
				c.K.violate(c.T, ruleInsertRace, fmt.Sprintf("%s on %s without VM_MIXEDMAP passes BUG_ON(mmap_read_trylock()) only because another thread holds or waits for %s", c.Op.Name, VMAName(v), m.MmapLock.Name))
			}
			if v.Flags&mmcore.VM_PFNMAP != 0 {
				c.K.violate(c.T, ruleInsertPFNMAP, fmt.Sprintf("%s on VM_PFNMAP %s", c.Op.Name, VMAName(v)))
				return ok
			}
			return c.vmaStartWrite(v, ruleFlagsSet, func() Result {
				v.Flags |= mmcore.VM_MIXEDMAP
				return k()
			})
		}
		if !c.installLockHeld(v) && !c.K.vmaState(v).New {
			c.K.violate(c.T, ruleInstallLock, fmt.Sprintf("%s on %s without the mmap lock or its VMA lock: races with munmap and free_pgtables", c.Op.Name, VMAName(v)))
		}
		return k()
	}
	defOp(&Op{Name: "vm_insert_page", Params: vmaAddrParams(Param{Name: "page", Type: TPage}), Result: TInt,
		API: insertAPI("vm_insert_page", "2.1", "returns 0 or -errno (-EBUSY: PTE populated, -EFAULT: outside the VMA)"),
		Fn: func(c *Call) Result {
			v, addr, p := c.vma(0), c.addr(1), c.page(2)
			// "if (addr < vma->vm_start || addr >= vma->vm_end) return
			// -EFAULT;" comes before the BUG_ONs (mm/memory.c: vm_insert_page()).
			if !v.Contains(addr) {
				return done(Int(-int64(mmcore.EFAULT)))
			}
			return insertPrologue(c, v, func() Result {
				var rc int64
				return c.underPTL(mmOf(v.MM()), addr, func() {
					if err := v.MM().InsertPage(v, addr, p); err != nil {
						rc = errnoOf(err)
					}
				}, func() Result { return done(Int(rc)) })
			})
		}})
	// vm_insert_pages() as the kernel declares it (mm/memory.c): "int
	// vm_insert_pages(struct vm_area_struct *vma, unsigned long addr,
	// struct page **pages, unsigned long *num)", *num the count in and
	// the pages not inserted out; mmscript's earlier form, the pages as
	// trailing arguments and the count not inserted as the result, is
	// its MMForm.
	insertPagesAPI := insertAPI("vm_insert_pages", "2.2",
		"the kernel's form: vm_insert_pages(vma, addr, pages, &num) with a page_array and an int variable passed by reference, which the call sets to the pages not inserted "+
			"(left alone by the -EFAULT of a range outside the VMA); returns 0 or -errno. mmscript's earlier form vm_insert_pages(vma, addr, page, page, ...) "+
			"returns how many were not inserted")
	insertPages := defOp(&Op{Name: "vm_insert_pages", Result: TInt, API: insertPagesAPI,
		Params: vmaAddrParams(Param{Name: "pages", Type: TPageArray, Hint: " (mmscript's earlier form passes the pages as trailing arguments: vm_insert_pages(vma, addr, p0, p1))"},
			Param{Name: "num", Type: TInt, Ref: true}),
		Fn: func(c *Call) Result {
			v, addr, arr, num := c.vma(0), c.addr(1), c.pageArray(2), c.int(3)
			// "const unsigned long end_addr = addr + (*num * PAGE_SIZE) - 1;
			// if (addr < vma->vm_start || end_addr >= vma->vm_end) return
			// -EFAULT;" before the BUG_ONs, *num untouched. A negative
			// count is a huge unsigned long: end_addr lands outside.
			end := addr + mmcore.Addr(num)<<mmcore.PageShift - 1
			if num < 0 || num > int64(v.End()-v.Start())>>mmcore.PageShift || addr < v.Start() || end >= v.End() || end+1 < addr {
				return done(Int(-int64(mmcore.EFAULT)))
			}
			if num > int64(arr.Len()) {
				return fail("vm_insert_pages: *num is %d but pages[] holds %d entries (insert_pages() would read past the array)", num, arr.Len())
			}
			for i, p := range arr.First(int(num)) {
				if p == nil {
					return fail("vm_insert_pages: pages[%d] is NULL (insert_page_in_batch_locked() -> validate_page_before_insert() would oops on it)", i)
				}
			}
			pages := arr.First(int(num))
			return insertPrologue(c, v, func() Result {
				// insert_pages(): per PTE table, batches of up to 8 pages
				// under one pte_offset_map_lock(); the first failure ends
				// the call with its error, *num = remaining_pages_total.
				remaining, i := num, int64(0)
				var ret int64
				var batch func() Result
				batch = func() Result {
					if ret != 0 || remaining == 0 {
						c.Args[3] = Int(remaining)
						return done(Int(ret))
					}
					a := addr + mmcore.Addr(i)<<mmcore.PageShift
					inPMD := int64(mmcore.PTRS_PER_TABLE - (uint64(a)>>mmcore.PageShift)%mmcore.PTRS_PER_TABLE)
					n := min(remaining, inPMD, 8)
					return c.underPTL(mmOf(v.MM()), a, func() {
						for j := int64(0); j < n; j++ {
							if err := v.MM().InsertPage(v, a+mmcore.Addr(j)<<mmcore.PageShift, pages[i+j]); err != nil {
								ret = errnoOf(err)
								remaining -= j
								return
							}
						}
						remaining -= n
						i += n
					}, batch)
				}
				return batch()
			})
		}})
	insertPages.MMForm = &Op{Name: "vm_insert_pages", Params: vmaAddrParams(Param{Name: "pages", Type: TPage, Variadic: true}), Result: TInt,
		API: insertPagesAPI,
		Fn: func(c *Call) Result {
			c.T.cur = c
			v, addr := c.vma(0), c.addr(1)
			pages := c.Args[2:]
			// vm_insert_pages(): end_addr = addr + PAGE_SIZE * (num - 1);
			// "if (addr < vma->vm_start || end_addr >= vma->vm_end)
			// return -EFAULT;" before the BUG_ONs.
			if end := addr + mmcore.Addr(max(len(pages)-1, 0))<<mmcore.PageShift; addr < v.Start() || end >= v.End() || end < addr {
				return done(Int(-int64(mmcore.EFAULT)))
			}
			return insertPrologue(c, v, func() Result {
				left := int64(len(pages))
				return seq(len(pages), func(i int, next func() Result) Result {
					if left != int64(len(pages)-i) {
						return next() // an earlier page failed: stop inserting
					}
					a := addr + mmcore.Addr(i)<<mmcore.PageShift
					return c.underPTL(mmOf(v.MM()), a, func() {
						if err := v.MM().InsertPage(v, a, pages[i].Obj.(*mmcore.Page)); err == nil {
							left--
						}
					}, next)
				}, func() Result { return done(Int(left)) })
			})
		}}
	insertPages.MMForm.Touches, insertPages.MMForm.Locks, insertPages.MMForm.Consistent = insertPages.Touches, insertPages.Locks, consistencyCheck(insertPages.MMForm)
	defOp(&Op{Name: "vmf_insert_page", Params: vmaAddrParams(Param{Name: "page", Type: TPage}), Result: TInt,
		API: insertAPI("vmf_insert_page", "2.1", "vm_insert_page for fault handlers: returns VM_FAULT_NOPAGE on success and on -EBUSY"),
		Fn: func(c *Call) Result {
			v, addr, p := c.vma(0), c.addr(1), c.page(2)
			// include/linux/mm.h: vmf_insert_page() maps vm_insert_page's
			// -EFAULT (outside the VMA, checked first) to VM_FAULT_SIGBUS.
			if !v.Contains(addr) {
				return done(Int(VM_FAULT_SIGBUS))
			}
			return insertPrologue(c, v, func() Result {
				var rc int64 = VM_FAULT_NOPAGE
				return c.underPTL(mmOf(v.MM()), addr, func() {
					if err := v.MM().InsertPage(v, addr, p); err != nil && !errors.Is(err, mmcore.EBUSY) {
						rc = faultCode(err)
						if errors.Is(err, mmcore.ENOMEM) {
							rc = VM_FAULT_OOM
						}
					}
				}, func() Result { return done(Int(rc)) })
			})
		}})

	ruleFaultHelper := &Rule{"vmf_insert/needs-fault-lock",
		"fault-handler helpers install entries, so they need the mmap lock or the VMA read lock",
		"process_addrs.rst \"Page tables\" (install); mm/memory.c (no assertion)", Unchecked}
	defOp(&Op{Name: "vmf_insert_page_mkwrite",
		Params: []Param{{Name: "vmf", Type: TVMF}, {Name: "page", Type: TPage}, {Name: "write", Type: TBool, Optional: true, Default: Bool(false)}},
		Result: TInt,
		API: register(&API{Name: "vmf_insert_page_mkwrite", Section: "2.6", Hold: "the fault's lock (mmap read or VMA read)",
			Takes: "table allocation locks -> PTE lock", Sleeps: "yes", Asserts: "none",
			Source: "mm/memory.c: vmf_insert_page_mkwrite()", Rules: []*Rule{ruleFaultHelper, ruleSleepInAtomic}}),
		Fn: func(c *Call) Result {
			vmf := c.Args[0].Obj.(*VMF)
			v := vmf.VMA
			c.checkAlive(v)
			c.T.MightSleep(c.Op.Name)
			if !c.installLockHeld(v) {
				c.K.violate(c.T, ruleFaultHelper, c.Op.Name+" without the fault's lock (mmap lock or VMA read lock)")
			}
			p, write := c.page(1), c.bool(2)
			var rc int64 = VM_FAULT_NOPAGE
			return c.underPTL(mmOf(v.MM()), vmf.Address, func() {
				if err := v.MM().InsertPageMkwrite(v, vmf.Address, p, write); err != nil {
					rc = VM_FAULT_SIGBUS
					if errors.Is(err, mmcore.ENOMEM) {
						rc = VM_FAULT_OOM
					}
				}
			}, func() Result { return done(Int(rc)) })
		}})

	rulePFNFlags := &Rule{"vmf_insert_pfn/flags", "vmf_insert_pfn() needs exactly one of VM_PFNMAP and VM_MIXEDMAP, no COW VM_PFNMAP mapping, and on VM_MIXEDMAP a pfn without a struct page",
		"mm/memory.c: vmf_insert_pfn_prot() BUG_ON()s", BUG}
	// vmf_insert_pfn_prot() holds vmf_insert_pfn()'s BUG_ONs; the pgprot
	// of vmf_insert_pfn() is vma->vm_page_prot, of _prot the driver's
	// (mm/memory.c: "pgprot typically only differs from
	// @vma->vm_page_prot when drivers set caching- and encryption bits"):
	// its cache mode goes into the entry, as remap_pfn_range()'s does.
	insertPFN := func(c *Call, v *mmcore.VMA, addr mmcore.Addr, pfn mmcore.PFN, cache mmcore.PTE) Result {
		c.T.MightSleep(c.Op.Name)
		f := v.Flags
		pfnmap, mixed := f&mmcore.VM_PFNMAP != 0, f&mmcore.VM_MIXEDMAP != 0
		cow := f&(mmcore.VM_SHARED|mmcore.VM_MAYWRITE) == mmcore.VM_MAYWRITE
		switch {
		case pfnmap == mixed:
			c.K.violate(c.T, rulePFNFlags, fmt.Sprintf("%s on %s: needs exactly one of VM_PFNMAP and VM_MIXEDMAP (has %s)", c.Op.Name, VMAName(v), f))
			return ok
		case pfnmap && cow:
			c.K.violate(c.T, rulePFNFlags, fmt.Sprintf("%s on COW VM_PFNMAP %s", c.Op.Name, VMAName(v)))
			return ok
		case mixed && c.K.Mem.Page(pfn) != nil:
			c.K.violate(c.T, rulePFNFlags, fmt.Sprintf("%s on VM_MIXEDMAP %s with pfn %#x that has a struct page (use vmf_insert_mixed or vm_insert_page)", c.Op.Name, VMAName(v), uint64(pfn)))
			return ok
		}
		if !c.installLockHeld(v) && !c.K.vmaState(v).New {
			c.K.violate(c.T, ruleFaultHelper, c.Op.Name+" without the mmap lock or the VMA read lock")
		}
		if !v.Contains(addr) {
			return done(Int(VM_FAULT_SIGBUS))
		}
		var rc int64 = VM_FAULT_NOPAGE
		return c.underPTL(mmOf(v.MM()), addr, func() {
			if _, _, err := v.MM().InsertPFNProt(v, addr, pfn, cache, false); err != nil && !errors.Is(err, mmcore.EBUSY) {
				rc = faultCode(err)
			} else if err == nil {
				writeNotify(v, addr)
			}
		}, func() Result { return done(Int(rc)) })
	}
	defOp(&Op{Name: "vmf_insert_pfn", Params: vmaAddrParams(Param{Name: "pfn", Type: TInt}), Result: TInt,
		API: register(&API{Name: "vmf_insert_pfn", Section: "2.4", Hold: "mmap lock or VMA read lock (fault context); VMA VM_PFNMAP xor VM_MIXEDMAP",
			Takes: "table allocation locks -> PTE lock", Sleeps: "yes", Asserts: "four BUG_ON()s on the flag/pfn combination; no lock check",
			Source: "mm/memory.c: vmf_insert_pfn(), vmf_insert_pfn_prot(), insert_pfn()",
			Rules:  []*Rule{rulePFNFlags, ruleFaultHelper, ruleSleepInAtomic}}),
		Fn: func(c *Call) Result {
			v := c.vma(0)
			return insertPFN(c, v, c.addr(1), mmcore.PFN(c.int(2)), v.CacheBits)
		}})
	defOp(&Op{Name: "vmf_insert_pfn_prot", Params: vmaAddrParams(Param{Name: "pfn", Type: TInt},
		Param{Name: "pgprot", Type: TInt, Hint: " (a pgprot: vma.vm_page_prot, or pgprot_writecombine()/pgprot_noncached() of it)"}), Result: TInt,
		API: register(&API{Name: "vmf_insert_pfn_prot", Section: "2.4", Hold: "mmap lock or VMA read lock (fault context); VMA VM_PFNMAP xor VM_MIXEDMAP",
			Takes: "table allocation locks -> PTE lock", Sleeps: "yes", Asserts: "four BUG_ON()s on the flag/pfn combination; no lock check",
			Source: "mm/memory.c: vmf_insert_pfn_prot(), insert_pfn()",
			Notes: "vmf_insert_pfn() with the driver's pgprot for this entry (its vmf_insert_pfn() passes vma->vm_page_prot), for a cache mode not known at mmap time " +
				"(TTM, GPU drivers); same rules. The cache mode of pgprot (pgprot_writecombine(), pgprot_noncached()) goes into the PTE (pte.cachemode), " +
				"as remap_pfn_range()'s prot does; its access bits still come from vm_flags. x86's pfnmap_setup_cachemode_pfn() (PAT) is not modelled",
			Rules: []*Rule{rulePFNFlags, ruleFaultHelper, ruleSleepInAtomic},
			Cites: []Cite{cite("mm/memory.c", "vmf_insert_pfn_prot()", "BUG_ON(!(vma->vm_flags & (VM_PFNMAP|VM_MIXEDMAP))); BUG_ON((vma->vm_flags & (VM_PFNMAP|VM_MIXEDMAP)) == (VM_PFNMAP|VM_MIXEDMAP)); "+
				"BUG_ON((vma->vm_flags & VM_PFNMAP) && is_cow_mapping(vma->vm_flags)); BUG_ON((vma->vm_flags & VM_MIXEDMAP) && pfn_valid(pfn)); ... "+
				"pfnmap_setup_cachemode_pfn(pfn, &pgprot); return insert_pfn(vma, addr, pfn, pgprot, false);", readMemory2026)},
			Sequence: "/* vm_ops->fault of a VM_PFNMAP VMA: the cache mode decided now */\nprot = pgprot_writecombine(vma->vm_page_prot);\nreturn vmf_insert_pfn_prot(vma, vmf->address, pfn, prot);"}),
		Touches: opFootprints["vmf_insert_pfn"],
		Fn: func(c *Call) Result {
			prot := c.int(3)
			if prot < 0 {
				return fail("vmf_insert_pfn_prot: %d is no pgprot (vma.vm_page_prot, vm_get_page_prot() or a pgprot_*() of one)", prot)
			}
			return insertPFN(c, c.vma(0), c.addr(1), mmcore.PFN(c.int(2)), pgprotCache(prot))
		}})
	// __vm_insert_mixed(vma, addr, pfn, mkwrite): vmf_insert_mixed() and
	// vmf_insert_mixed_mkwrite() (mm/memory.c).
	ruleMixedMkwrite := &Rule{"vmf_insert_mixed_mkwrite/other-pfn",
		"vmf_insert_mixed_mkwrite() upgrades an entry that maps the same pfn; a present entry of another pfn (other than the zero page's) is a race with block allocation or invalidation the caller should have excluded",
		"mm/memory.c: insert_pfn(): if (pte_pfn(entry) != pfn) { WARN_ON_ONCE(!is_zero_pfn(pte_pfn(entry))); goto out_unlock; }", WARN}
	insertMixed := func(c *Call, v *mmcore.VMA, addr mmcore.Addr, pfn mmcore.PFN, mkwrite bool) Result {
		c.T.MightSleep(c.Op.Name)
		if !c.installLockHeld(v) && !c.K.vmaState(v).New {
			c.K.violate(c.T, ruleFaultHelper, c.Op.Name+" without the mmap lock or the VMA read lock")
		}
		// vm_mixed_ok(): the zero pfn only without mkwrite and where
		// vm_mixed_zeropage_allowed(), else VM_MIXEDMAP
		zero := pfn == c.K.Mem.ZeroPage().PFN
		if zero && (mkwrite || !mixedZeropageAllowed(v)) || v.Flags&mmcore.VM_MIXEDMAP == 0 && !zero || !v.Contains(addr) {
			return done(Int(VM_FAULT_SIGBUS))
		}
		var rc int64 = VM_FAULT_NOPAGE
		var other mmcore.PFN
		var differs bool
		return c.underPTL(mmOf(v.MM()), addr, func() {
			// __vm_insert_mixed(): "if (!IS_ENABLED(CONFIG_ARCH_HAS_PTE_SPECIAL)
			// && pfn_valid(pfn))" insert_page, else insert_pfn. x86-64 has
			// pte_special, so even a pfn with a struct page gets a special
			// PTE, with no reference and no rmap.
			var err error
			other, differs, err = v.MM().InsertPFNProt(v, addr, pfn, v.CacheBits, mkwrite)
			if err != nil && !errors.Is(err, mmcore.EBUSY) {
				rc = faultCode(err)
			} else if err == nil && !mkwrite {
				writeNotify(v, addr) // mkwrite: maybe_mkwrite(), not vm_page_prot
			}
		}, func() Result {
			if differs && other != c.K.Mem.ZeroPage().PFN {
				c.K.violate(c.T, ruleMixedMkwrite, fmt.Sprintf("%s at %#x: the entry maps pfn %#x, not %#x: left alone", c.Op.Name, uint64(addr), uint64(other), uint64(pfn)))
			}
			return done(Int(rc))
		})
	}
	defOp(&Op{Name: "vmf_insert_mixed", Params: vmaAddrParams(Param{Name: "pfn", Type: TInt}), Result: TInt,
		API: register(&API{Name: "vmf_insert_mixed", Section: "2.5", Hold: "mmap lock or VMA read lock (fault context); VMA VM_MIXEDMAP",
			Takes: "table allocation locks -> PTE lock", Sleeps: "yes", Asserts: "none (returns VM_FAULT_SIGBUS)",
			Source: "mm/memory.c: vmf_insert_mixed(), __vm_insert_mixed(), vm_mixed_ok()",
			Notes:  "on x86-64 (CONFIG_ARCH_HAS_PTE_SPECIAL) the entry is a special PTE even when the pfn has a struct page: no refcount, no rmap, invisible to vm_normal_page",
			Rules:  []*Rule{ruleFaultHelper, ruleSleepInAtomic}}),
		Fn: func(c *Call) Result { return insertMixed(c, c.vma(0), c.addr(1), mmcore.PFN(c.int(2)), false) }})
	defOp(&Op{Name: "vmf_insert_mixed_mkwrite", Params: vmaAddrParams(Param{Name: "pfn", Type: TInt}), Result: TInt,
		API: register(&API{Name: "vmf_insert_mixed_mkwrite", Section: "2.5", Hold: "mmap lock or VMA read lock (fault context, ->pfn_mkwrite or ->page_mkwrite); VMA VM_MIXEDMAP",
			Takes: "table allocation locks -> PTE lock", Sleeps: "yes", Asserts: "WARN_ON_ONCE when a present entry maps another pfn than the zero page's",
			Source: "mm/memory.c: vmf_insert_mixed_mkwrite(), __vm_insert_mixed(), vm_mixed_ok(), insert_pfn()",
			Notes: "vmf_insert_mixed() making the entry young, dirty and, on a VM_WRITE VMA, writable (maybe_mkwrite()), for a write fault of a DAX-like mapping; " +
				"a present entry of the same pfn is upgraded in place (ptep_set_access_flags()), one of another pfn left alone; the zero pfn is refused " +
				"(VM_FAULT_SIGBUS); same lock rules as vmf_insert_mixed()",
			Rules: []*Rule{ruleFaultHelper, ruleMixedMkwrite, ruleSleepInAtomic},
			Cites: []Cite{cite("mm/memory.c", "vmf_insert_mixed_mkwrite(), vm_mixed_ok(), insert_pfn()", "none of the lock: return __vm_insert_mixed(vma, addr, pfn, true); "+
				"vm_mixed_ok(): if (unlikely(is_zero_pfn(pfn)) && (mkwrite || !vm_mixed_zeropage_allowed(vma))) return false; insert_pfn(): if (!pte_none(entry)) { if (mkwrite) { "+
				"if (pte_pfn(entry) != pfn) { WARN_ON_ONCE(!is_zero_pfn(pte_pfn(entry))); goto out_unlock; } entry = pte_mkyoung(entry); entry = maybe_mkwrite(pte_mkdirty(entry), vma); ... } }", readMemory2026)},
			Sequence: "/* vm_ops->pfn_mkwrite, under the fault's lock */\nreturn vmf_insert_mixed_mkwrite(vmf->vma, vmf->address, pfn);"}),
		Touches: opFootprints["vmf_insert_mixed"],
		Fn:      func(c *Call) Result { return insertMixed(c, c.vma(0), c.addr(1), mmcore.PFN(c.int(2)), true) }})

	ruleRemapLock := &Rule{"remap_pfn_range/needs-mmap-write",
		"remap_pfn_range() rewrites vm_flags and vm_pgoff, so it belongs in f_op->mmap (mmap write lock, VMA not yet visible)",
		"mm/memory.c: remap_pfn_range_prepare_vma() -> vma_set_flags_mask(vma, VMA_REMAP_FLAGS) (\"appropriate locks must be held, this function does not acquire them\"); remap_pfn_range() kernel-doc", Unchecked}
	addHistory(ruleRemapLock.ID, VersionReaction{changeVMFlagsWrappers.Version, Unchecked,
		"mm/memory.c (before 6.3, " + changeVMFlagsWrappers.Commit + "): remap_pfn_range(): vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP, a plain store with no check"},
		VersionReaction{Mainline, WARN,
			"mm/memory.c (6.3 to 6.18): remap_pfn_range_prepare_vma() -> vm_flags_set(vma, VM_REMAP_FLAGS) -> vma_start_write() -> mmap_assert_write_locked(); from 6.4 (per-VMA locks) it also waits for the VMA's readers"})
	ruleRemapBUG := &Rule{"remap_pfn_range/pte-not-none", "remap_pfn_range() is only used over empty PTEs",
		"mm/memory.c: remap_pte_range() BUG_ON(!pte_none())", BUG}
	defOp(&Op{Name: "remap_pfn_range", Params: remapParams(), Result: TInt,
		API: register(&API{Name: "remap_pfn_range", Section: "2.7", Hold: "mmap lock; in practice mmap write lock in f_op->mmap",
			Takes: "PAT tracking (alloc) -> PTE lock per table", Sleeps: "yes",
			Asserts: "BUG_ON(!pte_none), WARN_ON_ONCE(unaligned), VM_WARN_ON_ONCE(flags); no lock check in mainline; " +
				"6.18: vm_flags_set() -> vma_start_write() -> mmap_assert_write_locked() (WARN), and it waits for the VMA's readers",
			Source: "mm/memory.c: remap_pfn_range(), remap_pfn_range_internal(), remap_pte_range()",
			Rules:  []*Rule{ruleRemapLock, ruleRemapBUG, ruleRemapHugePMD, ruleSleepInAtomic}}),
		Fn: func(c *Call) Result {
			v, addr, pfn := c.vma(0), c.addr(1), mmcore.PFN(c.int(2))
			size, err := c.length(3)
			if err != nil {
				return Result{Status: Failed, Err: err}
			}
			return remapPFNRange(c, v, addr, pfn, size)
		}})
	remapPFNRange = func(c *Call, v *mmcore.VMA, addr mmcore.Addr, pfn mmcore.PFN, size uint64) Result {
		c.T.MightSleep(c.Op.Name)
		m := mmOf(v.MM())
		if end := addr + mmcore.Addr(size); end < addr || addr < v.Start() || end > v.End() {
			return done(Int(-int64(mmcore.EINVAL))) // before any work, as remap_pfn_range_internal
		}
		if kv := c.K.Config.Version; kv != Mainline && kv.PerVMALocks() {
			// 6.4 to 6.18 set the flags with vm_flags_set():
			// vma_start_write() asserts the mmap write lock and waits
			// for the VMA's readers (the caller's own read lock
			// included); 6.3's asserts the mmap write lock only, and
			// older kernels stored vm_flags unchecked (the rule's
			// history, below).
			return c.vmaStartWrite(v, c.K.inVersion(ruleRemapLock), func() Result { return remapPopulate(c, m, v, addr, pfn, size, ruleRemapBUG) })
		}
		if v.Attached() && m.MmapLock.heldBy(c.T) != Write {
			c.K.violate(c.T, ruleRemapLock, fmt.Sprintf("%s on live %s without %s held for write: races on vm_flags and vm_pgoff", c.Op.Name, VMAName(v), m.MmapLock.Name))
		}
		return remapPopulate(c, m, v, addr, pfn, size, ruleRemapBUG)
	}

	ruleZapRange := &Rule{"zap_vma_range/range", "the zapped range lies inside the VMA",
		"mm/memory.c: __zap_vma_range() VM_WARN_ON_ONCE", DebugOnly}
	ruleZapPtes := &Rule{"zap_vma_ptes/not-pfnmap", "zap_vma_ptes() only acts on a range inside a VM_PFNMAP or (mainline, renamed zap_special_vma_range()) VM_MIXEDMAP VMA; on others it silently does nothing",
		"mm/memory.c: zap_special_vma_range(): if (!range_in_vma(vma, address, address + size) || !(vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))) return; (6.18: zap_vma_ptes(), VM_PFNMAP only)", Unchecked}
	zapAPI := func(name, notes string, rules ...*Rule) *API {
		return register(&API{Name: name, Section: "2.8",
			Hold:    "the VMA stable: mmap lock (read or write), VMA read lock, or an rmap lock",
			Takes:   "mmu_gather -> mmu notifier start -> PTE lock per table -> TLB flush -> notifier end -> tlb_finish_mmu",
			Sleeps:  "yes",
			Asserts: "range VM_WARN_ON_ONCE only; nothing about locks",
			Source:  "mm/memory.c: " + name + "(), __zap_vma_range(), zap_pte_range()",
			Notes:   notes,
			Rules:   append([]*Rule{ruleZapLock, ruleSleepInAtomic}, rules...)})
	}
	zap := func(c *Call, v *mmcore.VMA, start mmcore.Addr, size uint64) Result {
		c.T.MightSleep(c.Op.Name)
		if !c.vmaStable(v) {
			c.K.violate(c.T, ruleZapLock, fmt.Sprintf("%s on %s with no lock keeping it stable: races with munmap (use-after-free of page tables)", c.Op.Name, VMAName(v)))
		}
		end := start + mmcore.Addr(size)
		if start < v.Start() || end > v.End() || end < start {
			c.K.violate(c.T, ruleZapRange, fmt.Sprintf("%s range [%#x, %#x) is not inside %s", c.Op.Name, uint64(start), uint64(end), VMAName(v)))
			start, end = max(start, v.Start()), min(end, v.End())
			if end <= start {
				return ok
			}
		}
		m := mmOf(v.MM())
		return c.touchLocks(ptlsOf(m, start, end), func() Result {
			n := m.Core.ZapRange(v, start, end)
			m.Core.TLB.FlushRange(start, end)
			return done(Int(int64(n)))
		})
	}
	defOp(&Op{Name: "zap_vma_range", Params: append(vmaAddrParams(), sizeParams...), Result: TInt,
		API: zapAPI("zap_vma_range", "formerly zap_page_range_single(); returns the number of pages zapped", ruleZapRange),
		Fn: func(c *Call) Result {
			v, addr := c.vma(0), c.addr(1)
			size, err := c.length(2)
			if err != nil {
				return Result{Status: Failed, Err: err}
			}
			return zap(c, v, addr, size)
		}})
	// zap_page_range_single(vma, address, size, details) as drivers up to
	// v7.0 call it (binder_alloc_free_page(): zap_page_range_single(vma,
	// page_addr, PAGE_SIZE, NULL)): zap_vma_range() under its old name,
	// with the struct zap_details * those callers pass NULL for (optional: a 2025 patch dropped it).
	defOp(&Op{Name: "zap_page_range_single",
		Params: []Param{{Name: "vma", Type: TVMA}, {Name: "address", Type: TInt}, {Name: "size", Type: TInt},
			{Name: "details", Type: TNil, Optional: true, Nilable: true, Default: Nil,
				Hint: "struct zap_details * is not modelled: drivers pass NULL"}},
		Result: TInt,
		API: zapAPI("zap_page_range_single", "renamed zap_vma_range() in 2026 (post-v7.0 merge window), same rules; details must be NULL "+
			"(the even_cows/single_folio filters of struct zap_details are not modelled); returns the number of pages zapped (the kernel's is void)", ruleZapRange),
		Fn: func(c *Call) Result {
			v, addr, size := c.vma(0), c.addr(1), c.int(2)
			if size < 0 {
				return fail("zap_page_range_single: negative size %d", size)
			}
			return zap(c, v, addr, uint64(size))
		}, Touches: opFootprints["zap_vma_range"]})
	defOp(&Op{Name: "zap_vma_ptes", Params: append(vmaAddrParams(), sizeParams...), Result: TInt,
		API: zapAPI("zap_vma_ptes", "driver API (mainline: zap_special_vma_range(), 7.1): silently a no-op unless the range is inside a VM_PFNMAP VMA, "+
			"or a VM_MIXEDMAP one since the rename (5c090b0a8774 \"mm/memory: support VM_MIXEDMAP in zap_special_vma_range()\")", ruleZapPtes),
		Fn: func(c *Call) Result {
			v, addr := c.vma(0), c.addr(1)
			size, err := c.length(2)
			if err != nil {
				return Result{Status: Failed, Err: err}
			}
			special, kind := mmcore.VM_PFNMAP|mmcore.VM_MIXEDMAP, "VM_PFNMAP nor VM_MIXEDMAP"
			if c.K.Config.Version != Mainline {
				special, kind = mmcore.VM_PFNMAP, "VM_PFNMAP"
			}
			if v.Flags&special == 0 || addr < v.Start() || addr+mmcore.Addr(size) > v.End() {
				c.K.violate(c.T, ruleZapPtes, fmt.Sprintf("zap_vma_ptes on %s does nothing: the VMA is not %s or the range is outside it", VMAName(v), kind))
				return done(Int(0))
			}
			return zap(c, v, addr, size)
		}})

	// zap_special_vma_range(vma, address, size) (mm/memory.c): zap_vma_ptes()
	// renamed in the 2026 zap series (7.1), which also lets it zap a
	// VM_MIXEDMAP range (5c090b0a8774); mmscript runs it as mainline has
	// it whatever -kernel says (6.18 has only zap_vma_ptes()).
	defOp(&Op{Name: "zap_special_vma_range", Params: append(vmaAddrParams(), sizeParams...), Result: TInt,
		API: func() *API {
			a := zapAPI("zap_special_vma_range", "zap_vma_ptes()'s name since the 2026 zap series (7.1; 6.18 has only zap_vma_ptes(), VM_PFNMAP only): silently a no-op unless "+
				"the range is inside a VM_PFNMAP or VM_MIXEDMAP VMA (the driver API for zapping its own special mappings, not ordinary ones); returns the number of pages zapped (the kernel's is void)", ruleZapPtes)
			a.Cites = []Cite{cite("mm/memory.c", "zap_special_vma_range()", "none of the lock: if (!range_in_vma(vma, address, address + size) || !(vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))) return; "+
				"zap_vma_range(vma, address, size);", readMemory2026)}
			a.Sequence = "/* drivers/misc/sgi-gru/grumain.c: gru_unload_context(), the VMA kept by the mmap lock */\nzap_special_vma_range(gts->ts_vma, UGRUADDR(gts), GRU_GSEG_PAGESIZE);"
			return a
		}(),
		Touches: opFootprints["zap_vma_ptes"],
		Fn: func(c *Call) Result {
			v, addr := c.vma(0), c.addr(1)
			size, err := c.length(2)
			if err != nil {
				return Result{Status: Failed, Err: err}
			}
			if v.Flags&(mmcore.VM_PFNMAP|mmcore.VM_MIXEDMAP) == 0 || addr < v.Start() || addr+mmcore.Addr(size) > v.End() {
				c.K.violate(c.T, ruleZapPtes, fmt.Sprintf("zap_special_vma_range on %s does nothing: the VMA is not VM_PFNMAP nor VM_MIXEDMAP or the range is outside it", VMAName(v)))
				return done(Int(0))
			}
			return zap(c, v, addr, size)
		}})
	// zap_vma(vma) (include/linux/mm.h, 2026; zap_vma_pages() before):
	// zap_vma_range(vma, vma->vm_start, vma->vm_end - vma->vm_start).
	for _, x := range []struct{ name, notes string }{
		{"zap_vma", "zaps the whole VMA: zap_vma_range(vma, vma->vm_start, vma->vm_end - vma->vm_start), so zap_vma_range()'s rules (the 2026 name of zap_vma_pages()); returns the number of pages zapped (the kernel's is void)"},
		{"zap_vma_pages", "zap_vma()'s name up to the 2026 zap series (6.18: zap_page_range_single(vma, vma->vm_start, vma->vm_end - vma->vm_start)); same rules; returns the number of pages zapped (the kernel's is void)"},
	} {
		a := zapAPI(x.name, x.notes)
		a.Source = "include/linux/mm.h: " + x.name + "(); mm/memory.c: zap_vma_range(), __zap_vma_range(), zap_pte_range()"
		a.Cites = []Cite{cite("include/linux/mm.h", x.name+"()", "none: zap_vma_range(vma, vma->vm_start, vma->vm_end - vma->vm_start); (zap_page_range_single() in 6.18's zap_vma_pages())", readZapRename)}
		a.Sequence = "/* lib/vdso/datastore.c: vdso_join_timens() */\nmmap_read_lock(mm);\nfor_each_vma(vmi, vma) {\n\tif (vma_is_special_mapping(vma, &vdso_vvar_mapping))\n\t\t" + x.name + "(vma);\n}\nmmap_read_unlock(mm);"
		defOp(&Op{Name: x.name, Params: []Param{{Name: "vma", Type: TVMA}}, Result: TInt, API: a, Touches: zapsVMA,
			Fn: func(c *Call) Result {
				v := c.vma(0)
				return zap(c, v, v.Start(), uint64(v.End()-v.Start()))
			}})
	}

	defOp(&Op{Name: "unmap_mapping_range",
		Params: []Param{{Name: "file", Type: TFile}, {Name: "holebegin", Type: TInt}, {Name: "holelen", Type: TInt},
			{Name: "even_cows", Type: TBool, Optional: true, Default: Bool(false)}},
		Result: TInt,
		API: register(&API{Name: "unmap_mapping_range", Section: "2.9", Hold: "no mm lock needed; not the mapping's i_mmap_rwsem",
			Takes: "i_mmap_rwsem (read) -> per VMA: notifier, PTE locks, TLB flush", Sleeps: "yes", Asserts: "none",
			Source: "mm/memory.c: unmap_mapping_range(), unmap_mapping_range_tree()",
			Notes: "holebegin and holelen are byte offsets in the file; returns the pages zapped. Without even_cows " +
				"(details.skip_cows) only anonymous folios, the private COW copies, are kept: page-cache pages " +
				"and special PTEs that a private VMA maps are zapped too (mm/memory.c: should_zap_cows(), should_zap_folio(), zap_present_ptes())",
			Rules: lockRules}), // recursion, lock order, sleeping in atomic context
		Touches: unmapMappingTouches(unmapMappingRangeIndices),
		Fn: func(c *Call) Result {
			first, last, ok := unmapMappingRangeIndices(c)
			if !ok {
				return fail("unmap_mapping_range: negative offset or length")
			}
			return c.unmapMapping(c.file(0).Core.Mapping(), first, last, c.bool(3))
		}})

	ruleAnonPrepare := &Rule{"anon_vma_prepare/needs-mmap-lock",
		"anon_vma_prepare() needs the mmap lock (read is enough); a VMA lock alone is not, because it inspects the neighbours",
		"mm/rmap.c: __anon_vma_prepare() -> mmap_assert_locked()", WARN}
	defOp(&Op{Name: "anon_vma_prepare", Params: []Param{{Name: "vma", Type: TVMA}}, Result: TInt,
		API: register(&API{Name: "anon_vma_prepare", Section: "2.25", Hold: "mmap lock (read is enough); a VMA lock alone is not",
			Takes: "allocations -> anon_vma rwsem (write) -> mm->page_table_lock", Sleeps: "yes",
			Asserts: "mmap_assert_locked() (v6.10+) in __anon_vma_prepare(), reached only when vma->anon_vma is NULL",
			Source:  "mm/internal.h (2026; include/linux/rmap.h in 6.18): anon_vma_prepare(); mm/rmap.c: __anon_vma_prepare()",
			Notes:   "the inline anon_vma_prepare() returns 0 at once when the VMA already has an anon_vma: no assertion, no lock, no sleep",
			Rules:   []*Rule{ruleAnonPrepare, ruleSleepInAtomic}}),
		Fn: func(c *Call) Result {
			v := c.vma(0)
			m := mmOf(v.MM())
			// mm/internal.h (rmap.h before 2026): anon_vma_prepare() "if
			// (likely(vma->anon_vma)) return 0;" before calling
			// __anon_vma_prepare(), which holds the assertion.
			if v.AnonVMA() != nil {
				return done(Int(0))
			}
			c.T.MightSleep(c.Op.Name)
			c.mmapAssertLocked(m, false, ruleAnonPrepare, "anon_vma_prepare without "+m.MmapLock.Name+" held")
			v.MM().PrepareAnonVMA(v)
			l, _ := c.K.anonVMALock(v)
			return c.lock(l, Write, func() Result {
				return c.lock(m.PageTableLock, Write, func() Result {
					c.unlock(m.PageTableLock, Write)
					c.unlock(l, Write)
					return done(Int(0))
				})
			})
		}})

	ruleWalkLock := &Rule{"walk_page_range/walk-lock", "walk_page_range() needs the mmap lock in every walk_lock mode, for write with PGWALK_WRLOCK(_VERIFY): it looks VMAs up with find_vma(), which asserts it; a VMA lock alone is not enough (PGWALK_VMA_RDLOCK_VERIFY is for walk_page_vma())",
		"mm/pagewalk.c: walk_page_range_mm_unsafe() (walk_page_range_mm() before its 2026 rename) -> process_mm_walk_lock() (mmap_assert_locked/mmap_assert_write_locked), find_vma() -> mmap_assert_locked()", WARN}
	ruleWalkVMALock := &Rule{"walk_page_range/vma-not-locked", "with PGWALK_VMA_RDLOCK_VERIFY every VMA walked is locked (VMA read or write lock)",
		"mm/pagewalk.c: process_vma_walk_lock() -> vma_assert_locked() (VM_WARN_ON_ONCE_VMA)", DebugOnly}
	ruleWalkVerify := &Rule{"walk_page_range/vma-not-write-locked", "with PGWALK_WRLOCK_VERIFY every VMA walked is already write-locked",
		"mm/pagewalk.c: process_vma_walk_lock() -> vma_assert_write_locked()", DebugOnly}
	walkRange := defOp(&Op{Name: "walk_page_range",
		Params: []Param{{Name: "mm", Type: TMM}, {Name: "start", Type: TInt}, {Name: "end", Type: TInt},
			{Name: "ops", Type: TOps, Optional: true, Nilable: true}, privateParam()},
		Result: TInt,
		API: register(&API{Name: "walk_page_range", Section: "2.21", Hold: "the mmap lock in every mode: read (PGWALK_RDLOCK, PGWALK_VMA_RDLOCK_VERIFY), write (PGWALK_WRLOCK, PGWALK_WRLOCK_VERIFY); with PGWALK_VMA_RDLOCK_VERIFY also each VMA's lock",
			Takes: "[VMA write lock per VMA if wrlock] -> PTE lock per table around pte_entry", Sleeps: "yes (not in pte_entry)",
			Asserts: "mmap_assert_locked()/mmap_assert_write_locked() (process_mm_walk_lock) and mmap_assert_locked() in find_vma() whatever the mode; vma_assert_write_locked() for wrlock_verify, vma_assert_locked() for vma_rdlock_verify (debug kernels)",
			Source:  "mm/pagewalk.c: walk_page_range() -> check_ops_safe(), walk_page_range_mm_unsafe() (walk_page_range_mm() before 2026), walk_page_test()",
			Notes: "walk_page_range(mm, start, end, ops, private) as the kernel declares it: the lock mode is ops.walk_lock (PGWALK_RDLOCK unless " +
				"the script sets it, `ops.walk_lock = PGWALK_WRLOCK`), private any value or NULL; mmscript's earlier form takes the mode as " +
				"its fifth argument (lock=rdlock, wrlock, wrlock_verify, vma_rdlock_verify). " +
				"Calls the ops block's pte_entry(addr, pfn) for every PTE of each existing PTE table in the range (pfn -1 when not present), " +
				"under that table's PTE lock, taken once per table (walk_pte_range()); returns the number of present PTEs, or the non-zero value " +
				"a pte_entry returned to stop the walk. " +
				"VM_PFNMAP VMAs are skipped (walk_page_test(): no struct pages behind them; a script ops block has no test_walk or pte_hole)",
			Rules: []*Rule{ruleWalkLock, ruleWalkVerify, ruleWalkVMALock, ruleSleepInAtomic}}),
		Fn: func(c *Call) Result {
			m, start, end := c.mm(0), c.addr(1), c.addr(2)
			var o *Ops
			if c.Args[3].T == TOps {
				o = c.Args[3].Obj.(*Ops)
			}
			mode := walkMode(c, 3, 4)
			c.T.MightSleep(c.Op.Name)
			switch mode {
			case "rdlock":
				c.mmapAssertLocked(m, false, ruleWalkLock, "walk_page_range (PGWALK_RDLOCK) without "+m.MmapLock.Name+" held")
			case "vma_rdlock_verify":
				c.mmapAssertLocked(m, false, ruleWalkLock, "walk_page_range (PGWALK_VMA_RDLOCK_VERIFY) without "+m.MmapLock.Name+" held: its find_vma() asserts the mmap lock; for a walk under a VMA lock use walk_page_vma()")
			case "wrlock", "wrlock_verify":
				c.mmapAssertLocked(m, true, ruleWalkLock, "walk_page_range ("+mode+") without "+m.MmapLock.Name+" held for write")
			}
			var vmas []*mmcore.VMA
			for v := range m.Core.VMAsRange(start, end) {
				if v.Flags&mmcore.VM_PFNMAP != 0 {
					continue // walk_page_test(): skipped, no pte_hole to tell
				}
				vmas = append(vmas, v)
			}
			count, stop := int64(0), int64(0)
			return seq(len(vmas), func(i int, next func() Result) Result {
				v := vmas[i]
				body := func() Result {
					if stop != 0 {
						return next()
					}
					return c.walkVMA(m, v, max(start, v.Start()), min(end, v.End()), o, &count, &stop, next)
				}
				switch mode {
				case "wrlock":
					return c.vmaStartWrite(v, ruleWalkLock, body)
				case "wrlock_verify":
					if !c.K.writeLocked(v) || c.K.vmaState(v).Lock.writer != c.T {
						c.K.violate(c.T, ruleWalkVerify, "walk_page_range (wrlock_verify): "+VMAName(v)+" is not write-locked")
					}
				case "vma_rdlock_verify":
					if c.K.vmaState(v).Lock.heldBy(c.T) == 0 {
						c.K.violate(c.T, ruleWalkVMALock, "walk_page_range (vma_rdlock_verify): "+VMAName(v)+" is not locked")
					}
				}
				return body()
			}, func() Result {
				if stop != 0 {
					return done(Int(stop))
				}
				return done(Int(count))
			})
		},
		// wrlock write-locks each VMA (vma_start_write: a write of the
		// VMA's lock sequence); otherwise as walksMappings.
		Touches: func(c *Call, f *Footprint) {
			walksMappings(c, f)
			if walkMode(c, 3, 4) == "wrlock" {
				f.MM(mmArg(c, 0), true)
			}
		}})
	walkRange.MMForm = walkMMForm(walkRange, 4)
}

// pgwalkWords are mmscript's words for enum page_walk_lock
// (include/linux/pagewalk.h), in the enum's order: PGWALK_RDLOCK = 0,
// PGWALK_WRLOCK, PGWALK_WRLOCK_VERIFY, PGWALK_VMA_RDLOCK_VERIFY.
var pgwalkWords = []string{"rdlock", "wrlock", "wrlock_verify", "vma_rdlock_verify"}

func init() {
	for i, w := range pgwalkWords {
		Constants["PGWALK_"+strings.ToUpper(w)] = int64(i)
	}
}

// privateParam is a page walker's void *private: any value or NULL,
// passed along (mmscript's pte_entry does not see it).
func privateParam() Param {
	return Param{Name: "private", Any: true, Optional: true, Nilable: true,
		Hint: "the kernel's void *private (any value, or NULL); the lock mode is ops.walk_lock (ops.walk_lock = PGWALK_WRLOCK), " +
			"or mmscript's earlier form takes it as a word here (rdlock, wrlock, wrlock_verify, vma_rdlock_verify)"}
}

// walkMode is a page walk's lock mode, as its word: the ops block's
// walk_lock (ops->walk_lock) for the kernel's form, the word at lock for
// mmscript's earlier one (whose parameter there is "lock").
func walkMode(c *Call, ops, lock int) string {
	if lock < len(c.Op.Params) && c.Op.Params[lock].Name == "lock" {
		return c.word(lock)
	}
	if c.Args[ops].T == TOps {
		if m := c.Args[ops].Obj.(*Ops).WalkLock; m >= 0 && m < int64(len(pgwalkWords)) {
			return pgwalkWords[m]
		}
	}
	return "rdlock"
}

// walkMMForm is mmscript's earlier form of a page walker: the kernel's
// parameters with the lock mode as a word (lock=wrlock) in place of the
// void *private at index i.
func walkMMForm(op *Op, i int) *Op {
	params := append([]Param(nil), op.Params...)
	params[i] = Param{Name: "lock", Type: TWord, Words: pgwalkWords, Optional: true, Default: Word("rdlock"),
		Hint: "the walk's lock mode (ops->walk_lock)"}
	fn := op.Fn
	form := &Op{Name: op.Name, Params: params, Result: op.Result, API: op.API, Touches: op.Touches, Locks: op.Locks,
		Fn: func(c *Call) Result { return fn(c) }}
	form.Consistent = consistencyCheck(form)
	return form
}

// insertPrologue runs vm_insert_page()'s checks and its setting of
// VM_MIXEDMAP (the vm_insert_page family, vm_map_pages); remapPFNRange is
// remap_pfn_range() after its arguments are read (remap_pfn_range,
// io_remap_pfn_range, vm_iomap_memory). Both are set by the init above.
var (
	insertPrologue func(c *Call, v *mmcore.VMA, k func() Result) Result
	remapPFNRange  func(c *Call, v *mmcore.VMA, addr mmcore.Addr, pfn mmcore.PFN, size uint64) Result
)

// ruleRemapHugePMD: remap_pfn_range() over a THP a fault mapped in the
// VMA before it became a PFN mapping (or one a script mapped there).
var ruleRemapHugePMD = &Rule{"remap_pfn_range/pmd-trans-huge", "remap_pfn_range() maps PTE tables: no huge PMD in the range",
	"mm/memory.c: remap_pmd_range() VM_BUG_ON(pmd_trans_huge(*pmd)) on each PUD span's first PMD; remap_pte_range(): pte_alloc_map_lock() returns NULL under any huge PMD: -ENOMEM, and remap_pfn_range_notrack() zaps the range (\"A partial pfn range mapping is dangerous\")", DebugOnly}

// remapPopulate is remap_pfn_range_internal(): BUG_ON(!pte_none()) over a
// populated entry (remap_pte_range()), else the special PTEs under each
// table's lock.
func remapPopulate(c *Call, m *MM, v *mmcore.VMA, addr mmcore.Addr, pfn mmcore.PFN, size uint64, bug *Rule) Result {
	// remap_pfn_range_internal() walks the range in address order:
	// remap_pmd_range() VM_BUG_ON()s a huge first PMD of each PUD span;
	// remap_pte_range() finds no table under any huge PMD (-ENOMEM: mmcore
	// zaps the range, as remap_pfn_range_notrack() does on an error), and
	// BUG_ON()s a populated PTE.
	for a := addr; a < addr+mmcore.Addr(size) && a >= addr; a += mmcore.PageSize {
		w := m.Core.Walk(a)
		if w.Huge() {
			if a == addr || a&(mmcore.PUD_SIZE-1) == 0 {
				c.K.violate(c.T, ruleRemapHugePMD, fmt.Sprintf("remap_pfn_range over the huge PMD mapping %#x", uint64(a)))
			}
			break
		}
		if w.PTETable() != nil && !w.Entry.None() {
			c.K.violate(c.T, bug, fmt.Sprintf("remap_pfn_range over a populated PTE at %#x", uint64(a)))
			return ok
		}
	}
	var rc int64
	return c.touchLocks(ptlsOf(m, addr, addr+mmcore.Addr(size)), func() Result {
		if err := m.Core.RemapPFNRangeProt(v, addr, pfn, size, remapCacheBits(c, v)); err != nil {
			rc = errnoOf(err)
		}
		return done(Int(rc))
	})
}

// zapSkipCows zaps [start, end) of m as zap_pte_range() does with
// details->skip_cows: every entry except those mapping an anonymous folio
// (should_zap_folio() "return !folio_test_anon(folio)"); entries without a
// normal page (special PTEs, the zero page) are zapped (zap_present_ptes()).
func zapSkipCows(m *MM, start, end mmcore.Addr) int {
	n := 0
	for a := start; a < end && a >= start; a += mmcore.PageSize {
		w := m.Core.Walk(a)
		if w.PTETable() == nil {
			a = (a | (mmcore.PMD_SIZE - 1)) + 1 - mmcore.PageSize
			continue
		}
		if !w.Present() {
			continue
		}
		if !w.Entry.Special() {
			if p := m.Core.Memory().Page(w.Entry.PFN()); p != nil && p.Anon() {
				continue
			}
		}
		m.Core.ClearPTE(a)
		n++
	}
	return n
}

// walkVMA walks the PTE tables of [start, end) in v as walk_pte_range()
// does (mm/pagewalk.c): for each existing table, pte_offset_map_lock()
// (RCU, then the PTE lock) once, pte_entry for every entry of the range in
// that table, present or not (walk_pte_range_inner(); mmscript passes pfn
// -1 for an entry that is not present), then pte_unmap_unlock(). A
// pte_entry that returns a non-zero int stops the walk, which returns that
// value; otherwise count grows by the present entries visited.
func (c *Call) walkVMA(m *MM, v *mmcore.VMA, start, end mmcore.Addr, o *Ops, count *int64, stop *int64, k func() Result) Result {
	return c.walkPTEs(m, start, end, o, false, count, stop, k)
}

// walkPTEs is walkVMA's walk; existing calls pte_entry only on the
// entries that are not none (apply_to_pte_range() without create: "if
// (create || !pte_none(ptep_get(pte)))").
func (c *Call) walkPTEs(m *MM, start, end mmcore.Addr, o *Ops, existing bool, count *int64, stop *int64, k func() Result) Result {
	spans := pteTableSpans(m, start, end)
	return seq(len(spans), func(i int, next func() Result) Result {
		sp := spans[i]
		t := m.Core.Walk(sp.from).PTETable()
		if t == nil || *stop != 0 {
			return next()
		}
		l := ptl(m, t)
		c.T.rcuLock()
		return c.lock(l, Write, func() Result {
			n := int((sp.to - sp.from) >> mmcore.PageShift)
			return seq(n, func(j int, nextPTE func() Result) Result {
				a := sp.from + mmcore.Addr(j)<<mmcore.PageShift
				if *stop != 0 {
					return nextPTE()
				}
				e := t.Entry(t.Index(a))
				pfn := int64(-1)
				if e.Present() {
					pfn = int64(e.PFN())
					*count++
				}
				if o == nil || o.PteEntry == nil || existing && e == 0 {
					return nextPTE()
				}
				return c.call(o.PteEntry, "pte_entry callback "+o.PteEntry.Name,
					[]Value{Int(int64(a)), Int(pfn)}, func(ret Value) Result {
						if ret.T == TInt && ret.Int != 0 {
							*stop = ret.Int
						}
						return nextPTE()
					})
			}, func() Result {
				c.unlock(l, Write)
				c.T.rcuUnlock()
				return next()
			})
		})
	}, k)
}

// vmFlagWords are the words vm_flags_set and mmap's vm= accept: the
// kernel names (VM_MIXEDMAP) and the same without VM_, lowercased
// (mixedmap), so that a typo is caught when the script is compiled.
func vmFlagWords() []string {
	var words []string
	for _, n := range mmcore.VMFlagNames() {
		words = append(words, n, strings.ToLower(strings.TrimPrefix(n, "VM_")))
	}
	return words
}

// mixedZeropageAllowed is vm_mixed_zeropage_allowed() (mm/memory.c) on
// x86 (mm_forbids_zeropage() is s390's): the shared zero page may be
// mapped in a COW mapping, in one that can never be written, or where
// ->pfn_mkwrite replaces it before a write (fsdax, not modelled, or VM_IO).
func mixedZeropageAllowed(v *mmcore.VMA) bool {
	switch {
	case v.Flags&(mmcore.VM_SHARED|mmcore.VM_MAYWRITE) == mmcore.VM_MAYWRITE:
		return true
	case v.Flags&(mmcore.VM_WRITE|mmcore.VM_MAYWRITE) == 0:
		return true
	}
	o := opsOf(v)
	return o != nil && o.PfnMkwrite != nil && v.Flags&mmcore.VM_IO != 0
}

// vmFlagWord is the words of an int of VM_* flags (a FromInt): "" for
// none, false for a bit mmcore does not know.
func vmFlagWord(v int64) (string, bool) {
	if v == 0 {
		return "", true
	}
	s := mmcore.VMFlags(v).String()
	return s, !strings.Contains(s, "0x")
}

// parseVMFlags parses words like "mixedmap|io" or "VM_MIXEDMAP|VM_IO".
func parseVMFlags(w string) (mmcore.VMFlags, error) {
	var f mmcore.VMFlags
	for word := range words(w) {
		x, ok := mmcore.ParseVMFlag(word)
		if !ok {
			x, ok = mmcore.ParseVMFlag("VM_" + upper(word))
		}
		if !ok {
			return 0, fmt.Errorf("unknown VM flag %q", word)
		}
		f |= x
	}
	return f, nil
}

func upper(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if 'a' <= ch && ch <= 'z' {
			b[i] = ch - 'a' + 'A'
		}
	}
	return string(b)
}

// unmapMapping is unmap_mapping_range_tree() under i_mmap_lock_read(), as
// unmap_mapping_pages() and unmap_mapping_folio() run it (mm/memory.c):
// every VMA of the mapping that maps a page index in [first, last] is
// zapped over that part, under each PTE table's lock, and its TLB flushed.
// Without evenCows (details.even_cows false) the anonymous COW copies stay.
// It finishes the call with the number of pages zapped.
// unmapMappingRangeIndices: unmap_mapping_range()'s byte range
// (holebegin, holelen) as the first and last page index, last ULONG_MAX
// for holelen 0 (to the end of the file).
func unmapMappingRangeIndices(c *Call) (first, last uint64, ok bool) {
	begin, length := c.Args[1].Int, c.Args[2].Int
	if begin < 0 || length < 0 {
		return 0, 0, false
	}
	first, last = uint64(begin)>>mmcore.PageShift, ^uint64(0)
	if length > 0 {
		last = (uint64(begin)+uint64(length)+mmcore.PageSize-1)>>mmcore.PageShift - 1
	}
	return first, last, true
}

// unmapMappingPagesIndices: unmap_mapping_pages()'s (start, nr), "last_index
// = start + nr - 1; if (last_index < first_index) last_index = ULONG_MAX;".
func unmapMappingPagesIndices(c *Call) (first, last uint64, ok bool) {
	start, nr := c.Args[1].Int, c.Args[2].Int
	if start < 0 || nr < 0 {
		return 0, 0, false
	}
	first = uint64(start)
	last = first + uint64(nr) - 1
	if last < first {
		last = ^uint64(0)
	}
	return first, last, true
}

// mappingVMARange is the part of v that maps file pages [first, last]
// (unmap_mapping_range_tree()'s vba, vea: zap_page_range_single's range).
func mappingVMARange(v *mmcore.VMA, first, last uint64) (start, end mmcore.Addr) {
	start = v.Start() + mmcore.Addr((max(first, v.Pgoff())-v.Pgoff())<<mmcore.PageShift)
	end = v.End()
	if last != ^uint64(0) {
		end = min(end, v.Start()+mmcore.Addr((last+1-v.Pgoff())<<mmcore.PageShift))
	}
	return start, end
}

// unmapMappingTouches is the footprint of unmap_mapping_range() and
// unmap_mapping_pages() in the state their step runs in: a read of the
// file's i_mmap tree, and for each VMA it finds there what a zap of the
// VMA's part of the range touches (zaps) in that VMA's mm: the VMA read,
// the entries of the range written, the pages they map now, its TLB; and
// the allocator (a page the zap frees may be handed out again). The
// i_mmap_rwsem and the PTE locks are recorded by the lock code.
func unmapMappingTouches(indices func(*Call) (uint64, uint64, bool)) func(*Call, *Footprint) {
	return func(c *Call, f *Footprint) {
		file, _ := c.Args[0].Obj.(*File)
		first, last, ok := indices(c)
		if file == nil || !ok {
			return // the step fails before it touches anything
		}
		f.Object(AFile, file, false)
		for v := range file.Core.Mapping().IMmap(first, last) {
			m := v.MM()
			start, end := mappingVMARange(v, first, last)
			f.VMAs(m, false)
			if end > start {
				f.PTERange(m, start, end, true)
				f.ZappedPages(m, start, end)
			}
			f.TLB(m, true)
		}
		f.Alloc()
	}
}

func (c *Call) unmapMapping(as *mmcore.AddressSpace, first, last uint64, evenCows bool) Result {
	c.T.MightSleep(c.Op.Name)
	l := iMmapLock(as)
	return c.lock(l, Read, func() Result {
		var vmas []*mmcore.VMA
		for v := range as.IMmap(first, last) {
			vmas = append(vmas, v)
		}
		total := int64(0)
		return seq(len(vmas), func(i int, next func() Result) Result {
			v := vmas[i]
			start, end := mappingVMARange(v, first, last)
			m := mmOf(v.MM())
			return c.touchLocks(ptlsOf(m, start, end), func() Result {
				if evenCows {
					total += int64(m.Core.ZapRange(v, start, end))
				} else {
					total += int64(zapSkipCows(m, start, end))
				}
				m.Core.TLB.FlushRange(start, end)
				return next()
			})
		}, func() Result {
			c.unlock(l, Read)
			return done(Int(total))
		})
	})

}

// pteSpan is the part of a walk's range that one PTE table maps.
type pteSpan struct{ from, to mmcore.Addr }

// pteTableSpans splits [start, end) at PMD boundaries and keeps the parts
// whose PTE table exists, as walk_pmd_range() skips pmd_none() entries;
// walk_page_range's and the no-VMA walk's loops both go table by table.
// firstHugePMD returns the first address of [start, end) that a huge PMD
// maps, skipping what empty upper entries cover as pteTableSpans does.
func firstHugePMD(m *MM, start, end mmcore.Addr) (mmcore.Addr, bool) {
	for a := start; a < end && a >= start; {
		w := m.Core.Walk(a)
		if w.Depth == mmcore.LevelNone {
			break
		}
		if w.Huge() {
			return a, true
		}
		next := nextSpan(w, a)
		if next < a {
			break
		}
		a = next
	}
	return 0, false
}

// nextSpan is the address after what the walk w to a covers: the PTE
// table's range, or, where an upper entry is empty, all it covers, as
// walk_pgd_range() and its p4d/pud/pmd loops skip on *_none(): stepping
// PMD by PMD over an empty range of 2^64 bytes looped for hours (found by
// FuzzOps). It wraps to below a at the end of the address space.
func nextSpan(w mmcore.Walk, a mmcore.Addr) mmcore.Addr {
	span := mmcore.Addr(mmcore.PMD_SIZE)
	if w.Depth < mmcore.LevelPMD {
		span = mmcore.Addr(1) << (mmcore.PageShift + 9*uint(mmcore.LevelPTE-w.Depth))
	}
	return (a | (span - 1)) + 1
}

func pteTableSpans(m *MM, start, end mmcore.Addr) []pteSpan {
	var spans []pteSpan
	for a := start &^ (mmcore.PageSize - 1); a < end && a >= start&^(mmcore.PageSize-1); {
		w := m.Core.Walk(a)
		if w.Depth == mmcore.LevelNone {
			break // beyond user space: no table to walk
		}
		next := nextSpan(w, a)
		if next < a || next > end {
			next = end
		}
		if w.PTETable() != nil {
			spans = append(spans, pteSpan{a, next})
		}
		a = next
	}
	return spans
}
