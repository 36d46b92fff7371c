package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// pmd_none_or_clear_bad() reads *pmd twice, after whatever test the
// caller made of it before: none, or else bad (pmd_clear_bad(): the
// entry is reported and cleared as corrupt). x86's pmd_bad() is true for
// a huge PMD (_PAGE_PSE is not part of _KERNPG_TABLE), so a walker that
// tested pmd_trans_huge(*pmd) on an earlier read, under a lock that lets
// a THP fault turn a none PMD huge (the mmap read lock, a VMA lock),
// clears a fresh THP as a bad entry. 1a5a9906d4e8 (v3.4) gave such
// walkers pmd_none_or_trans_huge_or_clear_bad(), one read tested for
// none and huge together; v6.5 moved those tests into pte_offset_map()
// (__pte_offset_map(): pmd_trans_huge() before pmd_bad() on the same
// pmdval) and removed it.

var rulePMDClearBadHuge = &Rule{"pgtable/clear-bad-huge-pmd",
	"pmd_none_or_clear_bad() is called only where the PMD cannot be huge: x86's pmd_bad() is true for a huge PMD, and pmd_clear_bad() " +
		"clears it as corrupt. Under the mmap write lock the caller has split or zapped the huge PMDs first (free_pgtables()); a walker under " +
		"the mmap read lock or a VMA lock, where MADV_DONTNEED makes a huge PMD none and a THP fault a none PMD huge, reads the PMD once and " +
		"takes huge as none (pmd_none_or_trans_huge_or_clear_bad(), v3.4 to v6.4; pte_offset_map() since v6.5)",
	"include/linux/pgtable.h: pmd_none_or_trans_huge_or_clear_bad() (1a5a9906d4e8 \"mm: thp: fix pmd_bad() triggering in code paths " +
		"holding mmap_sem read mode\", v3.4): \"While holding the mmap_sem in read mode the pmd becomes stable and stops changing under us only " +
		"if it's not null and not a transhuge pmd\"; mm/pgtable-generic.c: __pte_offset_map(), pmd_clear_bad()", Unchecked}

func init() {
	uncheckedConsequence[rulePMDClearBadHuge.ID] = "pmd_clear_bad() prints \"bad pmd\" (pmd_ERROR(), no backtrace) and clears the huge PMD " +
		"without its lock: the THP and the page table deposited with it leak, and the range reads as zeroes from then on"
	citeTable["pmd_none_or_clear_bad"] = []Cite{
		cite("include/linux/pgtable.h", "pmd_none_or_clear_bad()",
			"none: if (pmd_none(*pmd)) return 1; if (unlikely(pmd_bad(*pmd))) { pmd_clear_bad(pmd); return 1; } return 0;", readPgtableH),
		cite("mm/pgtable-generic.c", "pmd_clear_bad()", "pmd_ERROR(*pmd); pmd_clear(pmd);", readPgtableGeneric),
		cite("mm/pgtable-generic.c", "__pte_offset_map()",
			"none: pmdval = pmdp_get_lockless(pmd); ... if (unlikely(pmd_none(pmdval) || !pmd_present(pmdval))) goto nomap; "+
				"if (unlikely(pmd_trans_huge(pmdval))) goto nomap; if (unlikely(pmd_bad(pmdval))) { pmd_clear_bad(pmd); goto nomap; }", readPgtableGeneric),
	}
	sequenceTable["pmd_none_or_clear_bad"] = "/* mm/memory.c: free_pmd_range(), under the mmap write lock after the zap */\n" +
		"pmd = pmd_offset(pud, addr);\ndo {\n\tnext = pmd_addr_end(addr, end);\n\tif (pmd_none_or_clear_bad(pmd))\n\t\tcontinue;\n" +
		"\tfree_pte_range(tlb, pmd, addr);\n} while (pmd++, addr = next, addr != end);\n" +
		"/* a walker under the mmap read lock (v3.4-v6.4): */\nif (pmd_none_or_trans_huge_or_clear_bad(pmd))\n\tcontinue;"

	defOp(&Op{Name: "pmd_none_or_clear_bad", Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}, Result: TBool,
		API: register(&API{Name: "pmd_none_or_clear_bad", Section: "6.4",
			Hold: "the page tables kept (the mmap lock, a VMA lock or an rmap lock), and the PMD unable to be huge: under the mmap write lock " +
				"with the huge PMDs split or zapped first, as free_pgtables() runs it",
			Takes:   "nothing (two plain reads of *pmd; a bad entry is cleared by pmd_clear_bad() without the PMD lock)",
			Sleeps:  "no",
			Asserts: "none: pmd_clear_bad() prints \"bad pmd\" (pmd_ERROR()) and clears the entry",
			Source:  "include/linux/pgtable.h: pmd_none_or_clear_bad(); mm/pgtable-generic.c: pmd_clear_bad()",
			Notes: "true when the PMD is none or was bad (and cleared): the walker skips the range; false when it points to a PTE table. " +
				"A huge PMD is bad to it (pgtable/clear-bad-huge-pmd); mmscript reports it and leaves the entry in place, where the kernel clears it",
			Rules: []*Rule{ruleTraverseLock, rulePMDClearBadHuge}}),
		Touches: pmdpGetTouches,
		Fn: func(c *Call) Result {
			m, addr := c.mm(0), c.addr(1)
			c.requireStable(m, addr, ruleTraverseLock)
			val := c.K.pmdVal(m, addr)
			if val == 0 {
				return done(Bool(true))
			}
			if val&pmdHugeBit == 0 {
				return done(Bool(false))
			}
			held := "under the mmap read lock or a VMA lock a THP fault may have made it huge since the caller's pmd_trans_huge() test: " +
				"read the PMD once and take huge as none (pmd_none_or_trans_huge_or_clear_bad(); pte_offset_map() since v6.5)"
			if m.MmapLock.heldBy(c.T) == Write {
				held = "the caller holds the mmap write lock but left a huge PMD in the range: split or zap it first"
			}
			c.K.violate(c.T, rulePMDClearBadHuge, fmt.Sprintf("pmd_none_or_clear_bad at %#x finds a huge PMD, which pmd_bad() calls bad: "+
				"pmd_clear_bad() clears it and the THP leaks; %s", uint64(addr&^(mmcore.PMD_SIZE-1)), held))
			return done(Bool(true))
		}})
}
