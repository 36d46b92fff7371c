package mmcore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// tlbView is what TakeChanged vouches for: every CPU's cached
// translations of an MM, each with the translation its page-table entry
// gives now (present, frame, write permission: what staleness and the
// lock checker's records of changes compare).
type tlbView []string

func viewTLB(m *MM) tlbView {
	var v tlbView
	for cpu, entries := range m.TLB.cpus {
		for va, e := range entries {
			cur := m.Walk(va).Entry
			v = append(v, fmt.Sprintf("cpu%d %v cached %v/%#x/%v now %v/%#x/%v", cpu, va,
				e.pte.Present(), e.pte.PFN(), e.pte.Writable(), cur.Present(), cur.PFN(), cur.Writable()))
		}
	}
	slices.Sort(v)
	return v
}

// TestTakeChangedMissesNoChange runs random system calls, page-table
// steps and TLB fills and flushes on a parent and a forked child, and
// requires that whenever TakeChanged says nothing changed, no cached
// translation and no entry one translates changed since it last said
// something did: the lock checker skips its rescan of the stale
// translations then (runtime Kernel.NoteChanges), so a writer of an
// entry that forgot to mark the change would lose a record of who
// changed an entry a CPU still caches.
func TestTakeChangedMissesNoChange(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 2026))
	changed := 0
	for range 400 {
		data := make([]byte, 300)
		for i := range data {
			data[i] = byte(rng.UintN(256))
		}
		seen := map[*MM]tlbView{}
		check := func(what string, m *MM) {
			now := viewTLB(m)
			if m.TLB.TakeChanged() {
				changed++
				seen[m] = now
				return
			}
			if !slices.Equal(seen[m], now) {
				t.Fatalf("after %s: TakeChanged reports no change, but the cached translations went from\n%v\nto\n%v", what, seen[m], now)
			}
		}
		runSyscallsThen(t, data, func(what string, mms []*MM) {
			for _, m := range mms {
				check(what, m)
			}
			// TLB traffic and the page-table steps the lock checker
			// calls on its own, on addresses the calls above mapped.
			for range 6 {
				m := mms[rng.IntN(len(mms))]
				var addrs []Addr
				for v := range m.VMAsRange(0, m.TaskSize()) {
					addrs = append(addrs, v.Start(), v.Start()+PageSize, v.End()-PageSize)
				}
				if len(addrs) == 0 {
					break
				}
				a := addrs[rng.IntN(len(addrs))]
				cpu := rng.IntN(3)
				var op string
				switch rng.IntN(14) {
				case 0, 1:
					op = "translate"
					m.TLB.Translate(cpu, a)
				case 2:
					op = "translate write"
					m.TLB.TranslateWrite(cpu, a)
				case 3:
					op = "fault"
					_ = m.UserFault(a, rng.IntN(2) == 0)
				case 4:
					op = "flush range"
					m.TLB.FlushRange(a, a+PageSize*Addr(rng.IntN(4)+1))
				case 5:
					op = "flush page"
					m.TLB.FlushPage(cpu, a)
				case 6:
					op = "flush cpu"
					m.TLB.FlushCPU(cpu)
				case 7:
					op = "get and clear, set back"
					if w := m.Walk(a); w.Depth == LevelPTE {
						es := m.GetAndClearPTEs(a, 1)
						check(op, m)
						m.SetPTEs(a, es)
					}
				case 9:
					op = "clear pte" // no flush: the caller's
					m.ClearPTE(a)
				case 10:
					op = "zap range" // no flush: the caller's mmu_gather
					if v := m.VMALookup(a); v != nil {
						m.ZapRange(v, a, min(v.End(), a+2*PageSize))
					}
				case 11:
					op = "split huge pmd"
					m.SplitHugePMD(a)
				case 12:
					// mprotect_fixup()'s steps as the checker runs them:
					// the flags, then change_protection() with no flush
					// (the caller's mmu_gather flushes later).
					op = "change protection"
					if v, prev := m.FindVMAPrev(a); v != nil && v.Start() <= a {
						nv, err := m.VMAModifyFlags(prev, v, v.Start(), v.End(), v.Flags^VM_WRITE)
						if err == nil {
							m.ChangeProtection(nv, nv.Start(), nv.End())
						}
					}
				case 13:
					// dup_mmap()'s copy_pte_range() as the checker runs
					// it, one PTE table in a step: the parent's COW
					// entries are write-protected, the flush comes at
					// the end of the fork.
					op = "copy pte range"
					if v := m.VMALookup(a); v != nil && m.Walk(a).Depth == LevelPTE {
						c := m.DupMM()
						if nv, err := c.DupVMA(v); err == nil {
							end := min(v.End(), (a+PMD_SIZE)&^(PMD_SIZE-1))
							c.CopyPTERange(nv, v, a, end)
						}
						check(op, m)
						c.ExitMMap() // the invariants count every mm's mappings
						c.TLB.TakeChanged()
					}
				case 8:
					op = "huge pmd clear, set back"
					if e := m.GetAndClearHugePMD(a); e != 0 {
						check(op, m)
						if err := m.SetHugePMDEntry(a, e); err != nil {
							t.Fatal(err)
						}
					}
				}
				check(op, m)
			}
		})
	}
	if changed < 1000 {
		t.Fatalf("only %d changes marked: the test exercises too little", changed)
	}
}
