package interp

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mmscript/mmscript/mmcore"
	rt "github.com/mmscript/mmscript/runtime"
)

// This file holds the REPL's views of the live kernel: the locks each task
// holds (as lockdep prints them), the mms' VMAs (as smaps does) and one
// address's page-table walk with the lock guarding each level.

// Locks lists, for every task, the locks it holds as lockdep does
// (kernel/locking/lockdep.c: lockdep_print_held_locks(), "N locks held by
// comm/pid:" then " #i: lock (class){mode}, at: where"), then the lock it
// waits for and who holds that.
func (s *Session) Locks() string {
	var b strings.Builder
	k := s.m.k
	for _, t := range k.Tasks {
		hs := k.HeldLocks(t)
		dead := ""
		if t.Dead() {
			dead = " (dead: BUG)"
		}
		if len(hs) == 0 {
			fmt.Fprintf(&b, "no locks held by %s/%d%s.\n", t.Name, t.ID, dead)
		} else {
			fmt.Fprintf(&b, "%s held by %s/%d%s:\n", plural(len(hs), "lock"), t.Name, t.ID, dead)
		}
		for i, h := range hs {
			fmt.Fprintf(&b, " #%d: %s\n", i, h)
		}
		if w, ok := k.WaitingLock(t); ok {
			l, _, _ := t.WaitingFor()
			fmt.Fprintf(&b, "%s/%d is blocked on %s; %s\n", t.Name, t.ID, w, s.lockState(l))
		}
	}
	return b.String()
}

// hasModes reports whether l is held in a mode worth naming: an rwsem or
// the VMA lock, not RCU (a read-side section only).
func hasModes(l *rt.Lock) bool {
	return (l.Kind == rt.RWSem || l.Kind == rt.VMALock) && l.Class != rt.ClassRCU
}

// lockState says who holds l and who waits for it.
func (s *Session) lockState(l *rt.Lock) string {
	var holders, waiters []string
	for _, t := range s.m.k.Tasks {
		for _, h := range t.Holds() {
			if h.Lock == l {
				who := t.Name
				if hasModes(l) {
					who += " (" + h.Mode.String() + ")"
				}
				holders = append(holders, who)
				break
			}
		}
		if w, mode, _ := t.WaitingFor(); w == l {
			waiters = append(waiters, fmt.Sprintf("%s (%s)", t.Name, mode))
		}
	}
	st := "free"
	if len(holders) > 0 {
		st = "held by " + strings.Join(holders, ", ")
	}
	if len(waiters) > 0 {
		st += "; waiting: " + strings.Join(waiters, ", ")
	}
	return st
}

// mms returns the session's address spaces by variable name, sorted.
func (s *Session) mms() ([]string, map[string]*rt.MM) {
	byName := map[string]*rt.MM{}
	var names []string
	for n, v := range s.Globals() {
		if v.T == rt.TMM {
			byName[n] = v.Obj.(*rt.MM)
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, byName
}

// Maps shows every mm's VMAs as /proc/PID/smaps does (the maps line,
// Size, Rss, Anonymous, AnonHugePages, Locked, VmFlags), with the state of the mmap lock and of each VMA's
// lock, and which pages are mapped.
func (s *Session) Maps() string {
	names, byName := s.mms()
	if len(names) == 0 {
		return "no mm declared (mm m)\n"
	}
	var b strings.Builder
	for _, n := range names {
		m := byName[n]
		fmt.Fprintf(&b, "%s: %s, %s: %s\n", n, plural(m.Core.MapCount(), "VMA"), m.MmapLock.Name, s.lockState(m.MmapLock))
		for v := range m.Core.VMAs() {
			st := m.Core.SmapsOf(v)
			kb := func(pages int) uint64 { return uint64(pages) * mmcore.PageSize / 1024 }
			fmt.Fprintf(&b, "%s\n", v.MapsLine())
			fmt.Fprintf(&b, "Size:           %8d kB\n", v.Pages()*mmcore.PageSize/1024)
			fmt.Fprintf(&b, "Rss:            %8d kB\n", kb(st.Rss))
			fmt.Fprintf(&b, "Anonymous:      %8d kB\n", kb(st.Anonymous))
			fmt.Fprintf(&b, "AnonHugePages:  %8d kB\n", kb(st.AnonHugePages))
			fmt.Fprintf(&b, "Locked:         %8d kB\n", kb(st.Locked))
			fmt.Fprintf(&b, "Pages:          %s\n", mmcore.RunLength(m.Core.PageMap(v.Start(), v.End())))
			if st, ok := v.Lock.(*rt.VMAState); ok && st.Lock.Held() {
				fmt.Fprintf(&b, "VMA lock:       %s\n", s.lockState(st.Lock))
			}
			fmt.Fprintf(&b, "%s\n", v.VmFlagsLine())
		}
	}
	b.WriteString("(Pages: a anonymous, A shared anonymous, f file, z zero page, p PFN map, . none)\n")
	return b.String()
}

// PageWalk shows the page-table walk of addr in the mm named mm (the only
// one, when mm is ""): each level's entry, the table it points to, and the
// lock that guards changes to it, with who holds that lock now. The
// levels above the PMD are populated under mm->page_table_lock
// (__pud_alloc, __pmd_alloc via pud_lock); a PMD entry is changed under
// the PMD table's split lock (pmd_lock), a PTE under the PTE table's
// (pte_offset_map_lock); the tables themselves stay while the mmap lock,
// the VMA's lock or an rmap lock is held (free_pgtables runs under the
// mmap and VMA write locks) (Documentation/mm/process_addrs.rst, "Page
// table locks").
func (s *Session) PageWalk(mm string, addr uint64) (string, error) {
	names, byName := s.mms()
	var m *rt.MM
	switch {
	case mm != "":
		m = byName[mm]
		if m == nil {
			return "", fmt.Errorf("no mm %s%s", mm, suggest(mm, names))
		}
	case len(names) == 1:
		m, mm = byName[names[0]], names[0]
	case len(names) == 0:
		return "", fmt.Errorf("no mm declared (mm m)")
	default:
		return "", fmt.Errorf("which mm? (%s): :pt MM ADDR", strings.Join(names, ", "))
	}
	a := mmcore.Addr(addr)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: page-table walk of %#x", mm, addr)
	v := m.Core.VMALookup(a)
	if v != nil {
		fmt.Fprintf(&b, " (in %s)", v.MapsLine())
	} else {
		b.WriteString(" (no VMA)")
	}
	b.WriteByte('\n')
	fmt.Fprintf(&b, "  tables kept by %s: %s", m.MmapLock.Name, s.lockState(m.MmapLock))
	if v != nil {
		if st, ok := v.Lock.(*rt.VMAState); ok {
			fmt.Fprintf(&b, "; or %s: %s", st.Lock.Name, s.lockState(st.Lock))
		}
	}
	b.WriteByte('\n')
	w := m.Core.Walk(a)
	if w.Depth == mmcore.LevelNone {
		b.WriteString("  outside user space\n")
		return b.String(), nil
	}
	for l := mmcore.LevelPGD; l <= mmcore.LevelPTE; l++ {
		t := w.Tables[l]
		if t == nil {
			break
		}
		if l == mmcore.LevelP4D && t == w.Tables[mmcore.LevelPGD] {
			continue // folded into the PGD with 4 levels
		}
		i := t.Index(a)
		entry := ""
		var guard *rt.Lock
		guardName := m.PageTableLock.Name
		switch l {
		case mmcore.LevelPTE:
			entry = t.Entry(i).String()
			guard, guardName = tableLock(t), fmt.Sprintf("%s->pte_lock(%#x)", m.Name, uint64(t.Base()))
		case mmcore.LevelPMD:
			guard, guardName = tableLock(t), fmt.Sprintf("%s->pmd_lock(%#x)", m.Name, uint64(t.Base()))
			if w.Huge() {
				// A PMD-mapped huge page: the walk ends here, under the
				// PMD lock (pmd_trans_huge_lock).
				entry = "huge " + w.Entry.String()
				break
			}
			fallthrough
		default:
			if c := t.Child(i); c != nil {
				entry = fmt.Sprintf("-> %s table at %#x", c.Level(), uint64(c.Base()))
			} else {
				entry = "none"
			}
			if l != mmcore.LevelPMD {
				guard = m.PageTableLock
			}
		}
		state := "not taken yet"
		if guard != nil {
			guardName = guard.Name
			state = s.lockState(guard)
		}
		fmt.Fprintf(&b, "  %-3s[%3d]  %-42s %s: %s\n", l, i, entry, guardName, state)
	}
	return b.String(), nil
}

// tableLock is the split lock the runtime made for a page-table page, or
// nil if no operation has taken it yet.
func tableLock(t *mmcore.PageTable) *rt.Lock {
	l, _ := t.Lock.(*rt.Lock)
	return l
}
