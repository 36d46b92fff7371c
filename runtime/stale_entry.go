package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// Stale page-table values (issue 7, rule family 3d). A PTE or PMD value
// read under its page-table lock (ptep_get under the PTE lock, pmdp_get
// under the PMD lock) carries the lock epoch it was read under, as a VMA
// pointer does (stale.go); an int keeps its epoch in Value.Obj, which ints
// do not use otherwise. Arithmetic on a value makes a new value without
// one. A use of the value (pfn_to_page, pmd_none, pmd_leaf, pmd_pfn,
// pmd_move_table) under a later hold of the same lock, after another
// thread held it, is a decision taken under a lock that was dropped
// (pgtable/stale-value). The re-check is pte_same / pmd_same with the
// value read again under the current hold: when they are equal, the old
// value (all its copies: it is that value that was checked) is current
// again. A value read without its lock (ptep_get_lockless, a lockless
// pmdp_get_lockless) has no epoch: lockless walkers are rule
// pgtable/pmd-not-revalidated's.

var ruleStaleEntry = &Rule{"pgtable/stale-value",
	"a PTE or PMD value read under its page-table lock (ptep_get, pmdp_get) decides only under that hold of the lock: after the lock was " +
		"dropped and retaken, and another thread held it in between, the value is re-checked against the entry (pte_same / pmd_same with a " +
		"fresh read under the lock) before it is used; the entry may have been zapped, replaced or its table retracted meanwhile",
	"mm/memory.c: wp_page_copy() (\"Re-check the pte - we dropped the lock\": pte_offset_map_lock(); pte_same(ptep_get(vmf->pte), vmf->orig_pte)); " +
		"mm/pgtable-generic.c: __pte_offset_map_lock() (pmd_same(pmdval, pmdp_get_lockless(pmd)) after spin_lock(ptl)); " +
		"CVE-2016-5195 (Dirty COW), commit 19be0eaffa3a: the \"COW already broken\" decision re-checked against the PTE (FOLL_COW && pte_dirty) " +
		"after the fault dropped the PTE lock",
	Unchecked}

// entryEpoch is the epoch of a PTE or PMD value: that of its read.
type entryEpoch struct {
	epoch
	task int // the reading task's ID
}

// entryValue returns the entry value val read by the task under l: with
// its epoch when the task holds l.
func (c *Call) entryValue(val int64, l *Lock) Value {
	x := Int(val)
	i := c.T.hold(l)
	if i < 0 {
		return x
	}
	h := &c.T.holds[i]
	h.fpStep = 0 // the epoch reads its write generation (fpTransientEnd)
	x.Obj = &entryEpoch{epoch{lock: l, seq: h.seq, wgen: h.wgen, pos: c.T.Pos}, c.T.ID}
	return x
}

// entryEpochOf returns the epoch of argument x if this task read it
// under a lock.
func (c *Call) entryEpochOf(x Value) *entryEpoch {
	if e, ok := x.Obj.(*entryEpoch); ok && x.T == TInt && e.task == c.T.ID {
		return e
	}
	return nil
}

// checkEntryUse reports the use of argument i, a PTE or PMD value, if it
// is stale (pgtable/stale-value).
func (c *Call) checkEntryUse(i int) {
	e := c.entryEpochOf(c.Args[i])
	if e == nil {
		return
	}
	h, stale := c.T.staleUnder(&e.epoch)
	if !stale {
		return
	}
	c.K.violate(c.T, ruleStaleEntry, fmt.Sprintf("%s: the entry value %s was read under an earlier hold of %s, which was dropped and retaken "+
		"while another thread held it: re-check it (pte_same / pmd_same with the entry read again under this hold) before using it",
		c.Op.Name, c.Args[i], e.lock.Name),
		Related{e.pos, "read here"}, Related{h.Pos, e.lock.Name + " retaken here"})
	e.seq, e.wgen = h.seq, h.wgen // reported once: its later uses follow from this one
}

// recheckEntries is pte_same / pmd_same: when the two values are equal, a
// value read under an earlier hold of a lock the task holds again is
// current again, provided the other one is (read under this hold, or
// without the lock).
func (c *Call) recheckEntries() {
	a, b := c.Args[0], c.Args[1]
	if a.Int != b.Int {
		return
	}
	ea, eb := c.entryEpochOf(a), c.entryEpochOf(b)
	for _, p := range [2][2]*entryEpoch{{ea, eb}, {eb, ea}} {
		e, other := p[0], p[1]
		if e == nil {
			continue
		}
		if other != nil {
			if _, stale := c.T.staleUnder(&other.epoch); stale {
				continue
			}
		}
		if i := c.T.hold(e.lock); i >= 0 {
			c.T.holds[i].fpStep = 0
			e.seq, e.wgen = c.T.holds[i].seq, c.T.holds[i].wgen
		}
	}
}

// pmdLockOf returns the PMD lock of addr's PMD entry (nil: no PMD table).
func pmdLockOf(m *MM, addr mmcore.Addr) *Lock {
	if t := m.Core.Walk(addr).PMD(); t != nil {
		return ptl(m, t)
	}
	return nil
}
