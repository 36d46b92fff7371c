package mmcore

// Freeing a PTE table in two steps, as the kernel does when lockless
// walkers may still hold it: the PMD entry is cleared first
// (pmdp_collapse_flush() in khugepaged's collapse and retract_page_tables),
// and the table itself is freed only later, after an RCU grace period
// (pte_free_defer(), tlb_remove_table()). In between, a walker that read
// the PMD before the clear still reads the detached table's entries.

// UnlinkPTETable clears the PMD entry pointing to the PTE table that
// covers addr (pmd_clear) and returns that table, still allocated and with
// its entries, or nil when addr has no PTE table. The caller frees it with
// FreeDetachedTable once no walker can hold it.
func (m *MM) UnlinkPTETable(addr Addr) *PageTable {
	t := m.Walk(addr).Tables[LevelPTE]
	if t == nil || t.parent == nil {
		return nil
	}
	t.parent.next[t.pindex] = nil
	t.parent.used--
	t.parent = nil
	return t
}

// Detached reports whether t is a table that no longer hangs in its mm's
// tree (UnlinkPTETable, or freed).
func (t *PageTable) Detached() bool { return t.parent == nil && t.level != LevelPGD }

// FreeDetachedTable frees a table that UnlinkPTETable detached; entries
// still present are leaked with it, as in free_pgtables, and counted. It
// does nothing for a table still linked or already freed.
func (m *MM) FreeDetachedTable(t *PageTable) (leaked int) {
	if t == nil || t.freed || !t.Detached() {
		return 0
	}
	_, leaked = m.freeTable(t)
	return leaked
}
