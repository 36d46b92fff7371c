package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// The page-table walkers that do not start from one mm's VMAs
// (mm/pagewalk.c): walk_page_mapping() finds the VMAs through a file's
// i_mmap tree, walk_page_range_debug() walks user tables whether or not a
// VMA covers them. Their locking differs from walk_page_range(): the first
// needs no mm lock at all, the second needs the mmap lock for write and
// takes no PTE lock.

func init() {
	ruleMappingLock := &Rule{"walk_page_mapping/needs-i-mmap-lock",
		"walk_page_mapping() iterates the file's i_mmap tree and walks each VMA's tables with no mm lock: only mapping->i_mmap_rwsem, held by the caller (read or write), keeps the VMAs and their tables alive",
		"mm/pagewalk.c: walk_page_mapping() -> lockdep_assert_held(&mapping->i_mmap_rwsem)", Lockdep}
	api := documented("walk_page_mapping")
	api.Rules = []*Rule{ruleMappingLock, ruleSleepInAtomic}
	api.Notes = "mmscript: walk_page_mapping(file, first_index, nr, ops) walks, for each VMA of the file's i_mmap tree that maps a page index in " +
		"[first_index, first_index+nr), the part of it mapping those indices; pte_entry(addr, pfn) runs under each PTE table's lock as in " +
		"walk_page_range. A VM_PFNMAP VMA ends the whole walk (walk_page_test() returns 1 and walk_page_mapping() breaks out of its loop, " +
		"where walk_page_range() goes on with the next VMA). Returns the present PTEs seen, or the value a pte_entry returned to stop. " + api.Notes
	defOp(&Op{Name: "walk_page_mapping",
		Params: []Param{{Name: "mapping", Type: TFile}, {Name: "first_index", Type: TInt}, {Name: "nr", Type: TInt},
			{Name: "ops", Type: TOps, Optional: true, Nilable: true}},
		Result: TInt, API: register(api),
		Fn: func(c *Call) Result {
			f := c.file(0)
			first, nr := c.int(1), c.int(2)
			if first < 0 || nr <= 0 {
				return fail("walk_page_mapping: first_index must be >= 0 and nr > 0")
			}
			var o *Ops
			if c.Args[3].T == TOps {
				o = c.Args[3].Obj.(*Ops)
			}
			// lockdep_assert_held(): any holder mode will do, and only a
			// lockdep kernel looks.
			if f.IMmap.heldBy(c.T) == 0 {
				c.K.violate(c.T, ruleMappingLock, fmt.Sprintf("walk_page_mapping on %s without %s held", f.Core.Name, f.IMmap.Name))
			}
			c.T.MightSleep(c.Op.Name)
			lo, hi := uint64(first), uint64(first)+uint64(nr) // cba, cea before clipping
			type part struct {
				v          *mmcore.VMA
				start, end mmcore.Addr
			}
			var parts []part
			for v := range f.Core.Mapping().IMmap(lo, hi-1) {
				// "Clip to the vma": [cba, cea) within [vm_pgoff, vm_pgoff + vma_pages).
				vba, vea := v.Pgoff(), v.Pgoff()+v.Pages()
				cba, cea := max(lo, vba), min(hi, vea)
				start := mmcore.Addr((cba-vba)<<mmcore.PageShift) + v.Start()
				end := mmcore.Addr((cea-vba)<<mmcore.PageShift) + v.Start()
				if start >= end {
					continue
				}
				if v.Flags&mmcore.VM_PFNMAP != 0 {
					break // walk_page_test() > 0: "err = 0; break;"
				}
				parts = append(parts, part{v, start, end})
			}
			count, stop := int64(0), int64(0)
			return seq(len(parts), func(i int, next func() Result) Result {
				if stop != 0 {
					return next()
				}
				p := parts[i]
				return c.walkVMA(mmOf(p.v.MM()), p.v, p.start, p.end, o, &count, &stop, next)
			}, func() Result {
				if stop != 0 {
					return done(Int(stop))
				}
				return done(Int(count))
			})
		}, Touches: walksFileMappings})

	ruleDebugLock := &Rule{"walk_page_range_debug/needs-mmap-write-lock",
		"walk_page_range_debug() walks tables no VMA may cover, without PTE locks: only the mmap write lock keeps them, since munmap detaches the VMAs before downgrading to the read lock and freeing their tables",
		"mm/pagewalk.c: walk_page_range_debug() -> mmap_assert_write_locked(mm)", WARN}
	dbg := documented("walk_page_range_debug")
	dbg.Rules = []*Rule{ruleDebugLock, ruleSleepInAtomic}
	dbg.Notes = "mmscript: walk_page_range_debug(mm, start, end, ops) for a user mm (scripts have no init_mm, so neither the kernel-table " +
		"branch nor the linux-mm 2026 mmap_assert_write_locked(&init_mm) is modelled); pte_entry(addr, pfn) runs for every entry of each " +
		"existing PTE table in the range, with or without a VMA, under RCU (pte_offset_map) and without the PTE lock (walk_pte_range(): no_vma); " +
		"-EINVAL when start >= end. Returns the present PTEs, or the value a pte_entry returned to stop. " + dbg.Notes
	defOp(&Op{Name: "walk_page_range_debug",
		Params: []Param{{Name: "mm", Type: TMM}, {Name: "start", Type: TInt}, {Name: "end", Type: TInt},
			{Name: "ops", Type: TOps, Optional: true, Nilable: true}},
		Result: TInt, API: register(dbg),
		Fn: func(c *Call) Result {
			m, start, end := c.mm(0), c.addr(1), c.addr(2)
			var o *Ops
			if c.Args[3].T == TOps {
				o = c.Args[3].Obj.(*Ops)
			}
			if start >= end {
				return done(Int(-int64(mmcore.EINVAL)))
			}
			c.mmapAssertLocked(m, true, ruleDebugLock, "walk_page_range_debug without "+m.MmapLock.Name+" held for write")
			c.T.MightSleep(c.Op.Name)
			return c.walkNoVMA(m, start, end, o)
		}, Touches: walksMappings})
}

// walkNoVMA is walk_pgd_range() with walk->no_vma for a user mm: each
// existing PTE table is mapped with pte_offset_map() (RCU, no PTE lock)
// and every entry in the range is passed to pte_entry.
func (c *Call) walkNoVMA(m *MM, start, end mmcore.Addr, o *Ops) Result {
	spans := pteTableSpans(m, start, end)
	count, stop := int64(0), int64(0)
	return seq(len(spans), func(i int, next func() Result) Result {
		sp := spans[i]
		// Looked up again: a concurrent free_pgtables() may have taken it.
		t := m.Core.Walk(sp.from).PTETable()
		if t == nil || stop != 0 {
			return next()
		}
		c.T.rcuLock()
		n := int((sp.to - sp.from) >> mmcore.PageShift)
		return seq(n, func(j int, nextPTE func() Result) Result {
			a := sp.from + mmcore.Addr(j)<<mmcore.PageShift
			if stop != 0 {
				return nextPTE()
			}
			e := t.Entry(t.Index(a))
			pfn := int64(-1)
			if e.Present() {
				pfn = int64(e.PFN())
				count++
			}
			if o == nil || o.PteEntry == nil {
				return nextPTE()
			}
			return c.call(o.PteEntry, "pte_entry callback "+o.PteEntry.Name,
				[]Value{Int(int64(a)), Int(pfn)}, func(ret Value) Result {
					if ret.T == TInt && ret.Int != 0 {
						stop = ret.Int
					}
					return nextPTE()
				})
		}, func() Result {
			c.T.rcuUnlock()
			return next()
		})
	}, func() Result {
		if stop != 0 {
			return done(Int(stop))
		}
		return done(Int(count))
	})
}

// walksMappings: a page walk without VMA changes (walk_page_range_debug,
// walk_page_range in the read-lock modes) reads the VMAs and which pages
// the tables map, and hands the PFNs to pte_entry, whose script code
// records its own accesses; the locks it takes are the lock code's.
func walksMappings(c *Call, f *Footprint) {
	m := mmArg(c, 0)
	f.MM(m, false)
	f.PTEMappings(m)
}

// walksVMAMappings: walk_page_vma and walk_page_range_vma (ops and lock
// are their arguments' indices, as walkMode takes them) are walksMappings
// of the VMA's mm; PGWALK_WRLOCK write-locks the VMA first
// (vma_start_write: a write of the VMA's lock sequence).
func walksVMAMappings(ops, lock int) func(*Call, *Footprint) {
	return func(c *Call, f *Footprint) {
		m := vmaMM(c, 0)
		f.MM(m, false)
		f.PTEMappings(m)
		if walkMode(c, ops, lock) == "wrlock" {
			f.MM(m, true)
		}
	}
}

// walksFileMappings: walk_page_mapping reads the file's i_mmap tree and,
// as walksMappings, the VMAs and mappings of each mm whose VMA it finds
// there (a VMA the walk skips is read too: a sound excess).
func walksFileMappings(c *Call, f *Footprint) {
	file, _ := c.Args[0].Obj.(*File)
	first, nr := c.Args[1].Int, c.Args[2].Int
	if file == nil || first < 0 || nr <= 0 {
		return // the step fails before it touches anything
	}
	f.Object(AFile, file, false)
	lo := uint64(first)
	hi := lo + uint64(nr) - 1
	if hi < lo {
		hi = ^uint64(0)
	}
	for v := range file.Core.Mapping().IMmap(lo, hi) {
		f.MM(v.MM(), false)
		f.PTEMappings(v.MM())
	}
}
