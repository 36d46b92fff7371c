package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// Changing a huge PMD in place (mm/huge_memory.c: change_huge_pmd(),
// madvise_free_huge_pmd()): the PMD lock held, the entry taken and
// re-established. Under the mmap read lock the entry must never look none
// in between: MADV_DONTNEED runs under the read lock too, and
// zap_pmd_range() checks pmd_trans_huge(*pmd) without the PMD lock.

// readTHPChange: what the THP change steps were transcribed from.
const readTHPChange = "torvalds/linux@ced108037c2a and 58ceeb6bec86 (mm/huge_memory.c, 2017), read"

var ruleTHPClearUnderRead = &Rule{"thp/pmd-cleared-under-read-lock",
	"a huge PMD is not cleared and re-established (pmdp_huge_get_and_clear + set_pmd_at) while only the mmap read lock is held: " +
		"MADV_DONTNEED, also under the read lock, reads the PMD without the PMD lock (zap_pmd_range: pmd_trans_huge(*pmd) == 0), skips it as empty, " +
		"and the THP stays mapped after MADV_DONTNEED returned; use pmdp_invalidate(), which never makes the entry none",
	"commit ced108037c2a \"thp: fix MADV_DONTNEED vs. numa balancing race\" and 58ceeb6bec86 \"thp: fix MADV_DONTNEED vs. MADV_FREE race\" (v4.12); " +
		"mm/huge_memory.c: change_huge_pmd() \"In case prot_numa, we are under down_read(mmap_sem). It's critical to not clear pmd intermittently to avoid race with MADV_DONTNEED\"",
	Unchecked}

func init() {
	vmaAddr := []Param{{Name: "vma", Type: TVMA}, {Name: "addr", Type: TInt}}
	pmdLocked := func(c *Call, v *mmcore.VMA, addr mmcore.Addr) {
		m := mmOf(v.MM())
		if pmd := m.Core.Walk(addr).PMD(); pmd != nil && ptl(m, pmd).heldBy(c.T) == 0 {
			c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("%s %#x without %s held", c.Op.Name, uint64(addr), ptl(m, pmd).Name))
		}
	}
	// addr's PMD entry (the leaves of a huge one are reached only
	// through it: pteWalk)
	touchesPMD := func(c *Call, f *Footprint) {
		m := vmaMM(c, 0)
		f.PMDAt(m, c.addr(1), true)
		f.TLB(m, true)
	}
	defOp(&Op{Name: "pmdp_huge_get_and_clear", Params: vmaAddr, Result: TInt,
		API: register(&API{Name: "pmdp_huge_get_and_clear", Section: "6.4",
			Hold:  "the PMD lock (pmd_lock / __pmd_trans_huge_lock), and the mmap lock for write: under the read lock a lockless reader sees the PMD none",
			Takes: "nothing", Sleeps: "no", Asserts: "none",
			Source: "include/linux/pgtable.h: pmdp_huge_get_and_clear(); mm/huge_memory.c: change_huge_pmd() before ced108037c2a, madvise_free_huge_pmd() before 58ceeb6bec86",
			Notes:  "returns the huge PMD entry at addr and leaves it none (the folio keeps its mapping for set_huge_pmd_at to re-establish); 0 when addr has no huge PMD",
			Rules:  []*Rule{ruleTHPClearUnderRead, rulePTEChangeLock, ruleNotifierRangeMisses},
			Cites:  []Cite{cite("mm/huge_memory.c", "change_huge_pmd()", "none: before ced108037c2a \"entry = pmdp_huge_get_and_clear_notify(mm, addr, pmd); entry = pmd_modify(entry, newprot); ... set_pmd_at(mm, addr, pmd, entry);\"", readTHPChange)},
			Sequence: "ptl = __pmd_trans_huge_lock(pmd, vma);    /* mmap_write_lock(mm) held */\nentry = pmdp_huge_get_and_clear(mm, addr, pmd);\n" +
				"entry = pmd_modify(entry, newprot);\nset_pmd_at(mm, addr, pmd, entry);\nspin_unlock(ptl);"}),
		Touches: touchesPMD,
		Fn: func(c *Call) Result {
			v, addr := c.vma(0), c.addr(1)
			m := mmOf(v.MM())
			pmdLocked(c, v, addr)
			if h := m.MmapLock.heldBy(c.T); h != Write && m.Core.Walk(addr).Huge() {
				held := "no mmap lock"
				if h != 0 {
					held = m.MmapLock.Name + " only for " + h.String()
				}
				c.K.violate(c.T, ruleTHPClearUnderRead, fmt.Sprintf("pmdp_huge_get_and_clear makes the huge PMD at %#x none with %s held: "+
					"a concurrent MADV_DONTNEED (zap_pmd_range, under the mmap read lock) reads pmd_trans_huge(*pmd) == 0 without the PMD lock and skips the THP (use pmdp_invalidate)", uint64(addr), held))
			}
			if m.Core.Walk(addr).Huge() {
				c.checkNotifierCovers(m, addr)
			}
			return done(Int(int64(m.Core.GetAndClearHugePMD(addr))))
		}})
	defOp(&Op{Name: "pmdp_invalidate", Params: vmaAddr, Result: TInt,
		API: register(&API{Name: "pmdp_invalidate", Section: "6.4",
			Hold: "the PMD lock (pmd_lock / __pmd_trans_huge_lock)", Takes: "nothing", Sleeps: "no", Asserts: "none",
			Source: "mm/pgtable-generic.c: pmdp_invalidate(); mm/huge_memory.c: change_huge_pmd() since ced108037c2a, madvise_free_huge_pmd() since 58ceeb6bec86",
			Notes:  "marks the huge PMD at addr invalid for the hardware (pmd_mkinvalid) and flushes its TLB range (flush_pmd_tlb_range); it stays pmd_trans_huge(), never none; returns the old entry for set_huge_pmd_at",
			Rules:  []*Rule{rulePTEChangeLock, ruleNotifierRangeMisses},
			Cites:  []Cite{cite("mm/huge_memory.c", "change_huge_pmd()", "none: since ced108037c2a \"entry = *pmd; pmdp_invalidate(vma, addr, pmd); ... set_pmd_at(mm, addr, pmd, entry);\"", readTHPChange)},
			Sequence: "ptl = __pmd_trans_huge_lock(pmd, vma);    /* mmap_read_lock(mm) is enough */\nentry = pmdp_invalidate(vma, addr, pmd);\n" +
				"entry = pmd_modify(entry, newprot);\nset_pmd_at(mm, addr, pmd, entry);\nspin_unlock(ptl);"}),
		Touches: touchesPMD,
		Fn: func(c *Call) Result {
			v, addr := c.vma(0), c.addr(1)
			pmdLocked(c, v, addr)
			if v.MM().Walk(addr).Huge() {
				c.checkNotifierCovers(mmOf(v.MM()), addr)
			}
			return done(Int(int64(mmOf(v.MM()).Core.InvalidateHugePMD(addr))))
		}})
	defOp(&Op{Name: "set_huge_pmd_at", Params: append(vmaAddr[:2:2], Param{Name: "entry", Type: TInt}), Result: TInt,
		API: register(&API{Name: "set_huge_pmd_at", Section: "6.4",
			Hold: "the PMD lock (pmd_lock / __pmd_trans_huge_lock)", Takes: "nothing", Sleeps: "no", Asserts: "none",
			Source:   "include/linux/pgtable.h: set_pmd_at(); mm/huge_memory.c: change_huge_pmd()",
			Notes:    "set_pmd_at(mm, addr, pmd, entry) with the entry pmdp_huge_get_and_clear or pmdp_invalidate returned (pmd_modify'd): the same folio, mapped again; returns 0 or -errno",
			Rules:    []*Rule{rulePTEChangeLock},
			Cites:    []Cite{cite("mm/huge_memory.c", "change_huge_pmd()", "none: \"entry = pmd_modify(entry, newprot); ... set_pmd_at(mm, addr, pmd, entry);\"", readTHPChange)},
			Sequence: "entry = pmdp_invalidate(vma, addr, pmd);\nentry = pmd_modify(entry, newprot);\nset_pmd_at(mm, addr, pmd, entry);"}),
		Touches: touchesPMD,
		Fn: func(c *Call) Result {
			v, addr := c.vma(0), c.addr(1)
			pmdLocked(c, v, addr)
			if err := v.MM().SetHugePMDEntry(addr, mmcore.PTE(c.int(2))); err != nil {
				return done(Int(errnoOf(err)))
			}
			return done(Int(0))
		}})
}
