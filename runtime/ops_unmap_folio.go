package runtime

// unmap_mapping_folio(): truncation and invalidation zap every user
// mapping of one locked page-cache folio (mm/memory.c).

var ruleUnmapFolioLocked = &Rule{"unmap_mapping_folio/folio-not-locked",
	"unmap_mapping_folio() is called with the folio locked: the lock keeps it from being mapped again or freed while its mappings go",
	"mm/memory.c: unmap_mapping_folio() VM_BUG_ON(!folio_test_locked(folio))", DebugOnly}

func init() {
	a := takeDocumented("unmap_mapping_folio")
	a.Notes += "; mmscript: the page given is the folio (one page); its PTEs in every VMA of the mapping are zapped as unmap_mapping_range_tree() " +
		"does with details.single_folio and even_cows false (COWed anonymous copies stay); returns the number of pages zapped"
	a.Rules = []*Rule{ruleUnmapFolioLocked, ruleSleepInAtomic, ruleRecursive, ruleCircular}
	defOp(&Op{Name: "unmap_mapping_folio", Params: []Param{{Name: "folio", Type: TPage}}, Result: TInt, API: register(a),
		Touches: world, // as unmap_mapping_range: every mm mapping the file
		Fn: func(c *Call) Result {
			p := c.page(0)
			if !c.K.folioLock(p).Held() {
				c.K.violate(c.T, ruleUnmapFolioLocked, "unmap_mapping_folio on an unlocked folio (pfn "+Int(int64(p.PFN)).String()+"): it may be mapped again or freed under the zap")
			}
			as := p.Mapping()
			if as == nil {
				return fail("unmap_mapping_folio: the page is not in a page cache (folio->mapping is NULL: the kernel dereferences it)")
			}
			first := p.Index()
			return c.unmapMapping(as, first, first, false)
		}})
}
