package runtime

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// Every operation declares its footprint: the explorer's reduction relies
// on it, and an undeclared one would be searched as touching everything.
func TestEveryOpDeclaresFootprint(t *testing.T) {
	for _, name := range OpNames() {
		if LookupOp(name).Touches == nil {
			t.Errorf("%s: no footprint: set Op.Touches in its defOp or add it to opFootprints (footprint.go)", name)
		}
	}
	for name := range opFootprints {
		if LookupOp(name) == nil {
			t.Errorf("opFootprints declares %s, which is no operation", name)
		}
	}
}

func TestAccessConflicts(t *testing.T) {
	cases := []struct {
		a, b Access
		want bool
	}{
		{Access{Kind: ALock, Obj: 1}, Access{Kind: ALock, Obj: 1}, false},
		{Access{Kind: ALock, Write: true, Obj: 1}, Access{Kind: ALock, Obj: 1}, true},
		{Access{Kind: ALock, Write: true, Obj: 1}, Access{Kind: ALock, Write: true, Obj: 2}, false},
		{Access{Kind: APage, Write: true, Obj: AllObjects}, Access{Kind: APage, Obj: 7}, true},
		{Access{Kind: APage, Write: true, Obj: 7}, Access{Kind: ATLB, Write: true, Obj: 7}, false},
		{Access{Kind: AWorld, Write: true}, Access{Kind: AMM, Obj: 3}, true},
		{Access{Kind: AWorld, Write: true}, Access{Kind: ATask, Write: true, Obj: 3}, false},
		{Access{Kind: AGlobal, Write: true}, Access{Kind: AWorld, Write: true}, false},
		{Access{Kind: ALock, Obj: 1, Shared: true}, Access{Kind: ALock, Obj: 1, Shared: true}, false},
		{Access{Kind: ALock, Obj: 1, Shared: true}, Access{Kind: ALock, Obj: 1}, false},
		{Access{Kind: ALock, Obj: 1, Shared: true}, Access{Kind: ALock, Obj: 1, Observe: true}, true},
		{Access{Kind: ALock, Obj: 1, Observe: true}, Access{Kind: ALock, Obj: 1}, false},
		{Access{Kind: ALock, Obj: 1, Shared: true}, Access{Kind: ALock, Obj: 1, Write: true}, true},
		// a failed read trylock and a write that keeps the lock refusing
		// readers commute; with any other write, or if the trylock read
		// more of the lock, they do not
		{Access{Kind: ALock, Obj: 1, Refused: true}, Access{Kind: ALock, Obj: 1, Write: true, KeepsRefusing: true}, false},
		{Access{Kind: ALock, Obj: 1, Refused: true}, Access{Kind: ALock, Obj: 1, Write: true}, true},
		{Access{Kind: ALock, Obj: 1, Refused: true, Observe: true}, Access{Kind: ALock, Obj: 1, Write: true, KeepsRefusing: true}, true},
		{Access{Kind: ALock, Obj: 1, Refused: true, Shared: true}, Access{Kind: ALock, Obj: 1, Write: true, KeepsRefusing: true}, true},
		{Access{Kind: ALock, Obj: 1}, Access{Kind: ALock, Obj: 1, Write: true, KeepsRefusing: true}, true},
		{Access{Kind: ALock, Obj: 1, Write: true, KeepsRefusing: true}, Access{Kind: ALock, Obj: 1, Write: true, KeepsRefusing: true}, true},
	}
	for _, c := range cases {
		if got := c.a.Conflicts(c.b); got != c.want {
			t.Errorf("%v vs %v: %v", c.a, c.b, got)
		}
		if got := c.b.Conflicts(c.a); got != c.want {
			t.Errorf("%v vs %v: %v (not symmetric)", c.b, c.a, got)
		}
	}
}

// The hardware walk's accessed/dirty update (PTEYoung) and TLB fill
// (TLBOwnCPU) commute with each other and with reads of what the tables
// map, and with nothing that reads entries whole or changes them: a step
// that compares a PTE it read earlier (vmf.orig_pte, GUP-fast's re-check)
// sees the accessed bit.
func TestHardwareWalkFootprint(t *testing.T) {
	_, m := newMM(t)
	rec := func(fn func(f *Footprint)) []Access {
		f := NewFootprint()
		fn(f)
		return f.Acc
	}
	walk := rec(func(f *Footprint) { f.PTEYoung(m.Core, 0x100000); f.TLBOwnCPU(m.Core, true) })
	for _, c := range []struct {
		name string
		acc  []Access
		dep  bool
	}{
		{"another CPU's walk", walk, false},
		{"a page walk's PFNs (PTEMappings)", rec(func(f *Footprint) { f.PTEMappings(m.Core) }), false},
		{"a whole-entry read (ptep_get)", rec(func(f *Footprint) { f.PTEAt(m.Core, 0x100000, false) }), true},
		{"a whole-entry read of another entry", rec(func(f *Footprint) { f.PTEAt(m.Core, 0x101000, false) }), false},
		{"a read of all entries", rec(func(f *Footprint) { f.PTEs(m.Core, false) }), true},
		{"a PTE change", rec(func(f *Footprint) { f.PTEAt(m.Core, 0x100000, true) }), true},
		{"a TLB flush", rec(func(f *Footprint) { f.TLB(m.Core, true) }), true},
	} {
		if got := Dependent(walk, c.acc); got != c.dep {
			t.Errorf("hardware walk against %s: dependent %v, want %v", c.name, got, c.dep)
		}
	}
}

// stepAcc runs operation name as one step of t (it must finish) and
// returns what the step touched: the operation's declaration and what the
// lock code and the checks recorded while it ran.
func stepAcc(tb testing.TB, k *Kernel, t *Task, name string, args ...Value) []Access {
	tb.Helper()
	f := NewFootprint()
	k.SetFootprint(f)
	defer k.SetFootprint(nil)
	f.ResetOwn(t.ID)
	do(tb, k, t, name, args...)
	return append([]Access(nil), f.Acc...)
}

// ofKind keeps the accesses of one kind.
func ofKind(acc []Access, kind AccessKind) []Access {
	var out []Access
	for _, a := range acc {
		if a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}

// The parts of an mm (AMM): a lookup reads the VMA tree, which munmap's
// removal from the tree writes, but not the counters free_pgtables drops
// or the mm_lock_seq the mmap write lock moves; an operation nobody
// refined (MM) still conflicts with every part. The steps are munmap's, as
// the kernel library runs them (kernel/munmap.mms), and a faulting
// thread's lookups after the downgrade.
func TestMMPartsFootprint(t *testing.T) {
	for _, c := range []struct {
		name string
		anon bool // the VMA has an anon_vma: free_pgtables unlinks it
		skip bool // no vma_iter_clear_gfp: free_pgtables takes the VMA out
	}{{"file", false, false}, {"anon", true, false}, {"not cleared", false, true}} {
		t.Run(c.name, func(t *testing.T) {
			k, m := newMM(t)
			v := mapAnon(t, k, m, 0x100000, 2)
			unmapper, fault := k.NewTask("unmapper"), k.NewTask("fault")
			if c.anon {
				do(t, k, unmapper, "mmap_read_lock", mmV(m))
				do(t, k, unmapper, "anon_vma_prepare", vmaV(v))
				do(t, k, unmapper, "mmap_read_unlock", mmV(m))
			}
			before := stepAcc(t, k, fault, "vma_lookup", mmV(m), addrV(0x100000))
			acc := map[string][]Access{
				"mmap_write_lock": stepAcc(t, k, unmapper, "mmap_write_lock", mmV(m)),
			}
			vms := do(t, k, unmapper, "vms_gather_munmap_vmas", mmV(m), addrV(0x100000), addrV(0x102000), Bool(true))
			if !c.skip {
				acc["vma_iter_clear_gfp"] = stepAcc(t, k, unmapper, "vma_iter_clear_gfp", vms)
			}
			acc["mmap_write_downgrade"] = stepAcc(t, k, unmapper, "mmap_write_downgrade", mmV(m))
			tlb := do(t, k, unmapper, "tlb_gather_mmu", mmV(m))
			acc["free_pgtables"] = stepAcc(t, k, unmapper, "free_pgtables", tlb, vms)
			do(t, k, fault, "mmap_read_lock", mmV(m))
			lookups := map[string][]Access{
				"vma_lookup (before munmap)": before,
				"vma_lookup":                 stepAcc(t, k, fault, "vma_lookup", mmV(m), addrV(0x100000)),
				"find_vma":                   stepAcc(t, k, fault, "find_vma", mmV(m), addrV(0x100000)),
				"mas_walk_start_read":        stepAcc(t, k, fault, "mas_walk_start_read", mmV(m), addrV(0x100000)),
			}
			rec := NewFootprint()
			rec.MM(m.Core, false)
			whole := rec.Acc // an operation declared with MM: a read of all of the mm
			for _, x := range []struct {
				step string
				want bool // dependent with a lookup, on the mm
			}{
				{"mmap_write_lock", false},
				{"vma_iter_clear_gfp", true},
				{"mmap_write_downgrade", false},
				{"free_pgtables", c.anon || c.skip},
			} {
				a, ok := acc[x.step]
				if !ok {
					continue
				}
				for name, l := range lookups {
					if got := Dependent(ofKind(a, AMM), ofKind(l, AMM)); got != x.want {
						t.Errorf("%s against %s, on the mm: dependent %v, want %v (%v / %v)", x.step, name, got, x.want, a, l)
					}
				}
				if !Dependent(a, whole) {
					t.Errorf("%s does not conflict with a read of the whole mm (MM): %v", x.step, a)
				}
			}
		})
	}
}

// A lock_vma_under_rcu() (its step mas_walk_start_read) refused by the VMA's lock reads only that the
// lookup was refused (VMALookupRCU), and vma_iter_clear_gfp() keeps every
// refused lookup refused when each VMA it takes out refuses readers
// (vmaIterClearTouches: munmap's gather write-locked them): the two
// commute. A lookup that got the VMA, or found none (after the clear, or
// in a hole), does not commute with the clear, nor does a lookup with a
// clear of a VMA whose write lock ended before it (mmap_write_unlock
// between the gather and the clear), whose lock read conflicts with that
// unlock.
func TestTreeClearRefusalFootprint(t *testing.T) {
	k, m := newMM(t)
	mapAnon(t, k, m, 0x100000, 2)
	unmapper, fault := k.NewTask("unmapper"), k.NewTask("fault")
	got := stepAcc(t, k, fault, "mas_walk_start_read", mmV(m), addrV(0x100000))
	r := k.vmaState(m.Core.VMALookup(0x100000)).Lock
	do(t, k, fault, "vma_end_read", vmaV(m.Core.VMALookup(0x100000)))
	hole := stepAcc(t, k, fault, "mas_walk_start_read", mmV(m), addrV(0x400000))
	do(t, k, unmapper, "mmap_write_lock", mmV(m))
	vms := do(t, k, unmapper, "vms_gather_munmap_vmas", mmV(m), addrV(0x100000), addrV(0x102000), Bool(true))
	refused := stepAcc(t, k, fault, "mas_walk_start_read", mmV(m), addrV(0x100000))
	clear := stepAcc(t, k, unmapper, "vma_iter_clear_gfp", vms)
	after := stepAcc(t, k, fault, "mas_walk_start_read", mmV(m), addrV(0x100000))
	tree := func(acc []Access) Access {
		for _, a := range acc {
			if a.Kind == AMM && a.Obj == ID(m.Core) {
				return a
			}
		}
		t.Fatalf("no access to the VMA tree in %v", acc)
		return Access{}
	}
	if a := tree(refused); !a.Refused || a.Write {
		t.Errorf("lock_vma_under_rcu refused by the VMA's lock: tree access %v, want a refused read", a)
	}
	if !slices.Contains(refused, Access{Kind: ALock, Obj: ID(r), Refused: true}) {
		t.Errorf("lock_vma_under_rcu refused by the VMA's lock does not read the lock's refusal: %v", refused)
	}
	if Dependent(refused, clear) {
		t.Errorf("lock_vma_under_rcu refused by the VMA's lock against the clear of the write-locked VMA: dependent (%v / %v)", refused, clear)
	}
	// Finding no VMA reads no lock: only the tree orders the call
	// against munmap, so it stays dependent on the clear.
	for name, acc := range map[string][]Access{"got the VMA": got, "no VMA after the clear": after, "no VMA in a hole": hole} {
		if a := tree(acc); a.Refused {
			t.Errorf("lock_vma_under_rcu (%s): tree access %v, want a plain read", name, a)
		}
		if !Dependent(acc, clear) {
			t.Errorf("lock_vma_under_rcu (%s) against the clear: independent (%v / %v)", name, acc, clear)
		}
	}
	if !slices.Contains(clear, Access{Kind: ALock, Obj: ID(r), Refused: true}) {
		t.Errorf("the clear does not read the refusal of the VMA's lock: %v", clear)
	}

	// The write lock ends before the clear: the VMA it takes out accepts
	// readers, a lookup before the clear gets it, so a lookup that fails
	// after the clear does not commute with it.
	k, m = newMM(t)
	mapAnon(t, k, m, 0x100000, 1)
	unmapper, fault = k.NewTask("unmapper"), k.NewTask("fault")
	do(t, k, unmapper, "mmap_write_lock", mmV(m))
	vms = do(t, k, unmapper, "vms_gather_munmap_vmas", mmV(m), addrV(0x100000), addrV(0x101000), Bool(true))
	unlock := stepAcc(t, k, unmapper, "mmap_write_unlock", mmV(m))
	do(t, k, unmapper, "mmap_write_lock", mmV(m))
	clear = stepAcc(t, k, unmapper, "vma_iter_clear_gfp", vms)
	after = stepAcc(t, k, fault, "mas_walk_start_read", mmV(m), addrV(0x100000))
	if a := tree(clear); !a.Write || a.KeepsRefusing {
		t.Errorf("the clear of a VMA that accepts readers: tree access %v, want a write that does not keep the refusal", a)
	}
	if !Dependent(after, clear) {
		t.Errorf("failed lock_vma_under_rcu against the clear of a VMA that accepts readers: independent (%v / %v)", after, clear)
	}
	if !Dependent(ofKind(unlock, ALock), ofKind(clear, ALock)) {
		t.Errorf("the clear's read of the VMA's lock does not conflict with the unlock that ended its write lock: %v / %v", unlock, clear)
	}
}

// startAcc starts operation name as one step of t, which may block, and
// returns what the step touched.
func startAcc(tb testing.TB, k *Kernel, t *Task, name string, args ...Value) ([]Access, *opCall) {
	tb.Helper()
	f := NewFootprint()
	k.SetFootprint(f)
	defer k.SetFootprint(nil)
	f.ResetOwn(t.ID)
	oc := start(tb, k, t, name, args...)
	return append([]Access(nil), f.Acc...), oc
}

// A lock-held assertion of the current task reads the task's holds, not
// the lock: it commutes with another task's enqueue (a write of the lock)
// and with read grants. Where the assertion fails, its report names the
// other holders (mmapAssertLocked), and that path observes the lock.
func TestHeldAssertionFootprint(t *testing.T) {
	k, m := newMM(t)
	mapAnon(t, k, m, 0x100000, 2)
	fault, writer, reader, other := k.NewTask("fault"), k.NewTask("writer"), k.NewTask("reader"), k.NewTask("other")
	do(t, k, fault, "mmap_read_lock", mmV(m))
	readGrant := stepAcc(t, k, reader, "mmap_read_lock", mmV(m))
	enqueue, wl := startAcc(t, k, writer, "mmap_write_lock", mmV(m))
	if !wl.blocked() {
		t.Fatal("mmap_write_lock did not wait for the readers")
	}
	lockV := Obj(TLock, m.MmapLock)
	held := map[string][]Access{
		"vma_lookup":      stepAcc(t, k, fault, "vma_lookup", mmV(m), addrV(0x100000)),
		"find_vma":        stepAcc(t, k, fault, "find_vma", mmV(m), addrV(0x100000)),
		"lockdep_is_held": stepAcc(t, k, fault, "lockdep_is_held", lockV),
	}
	for name, a := range held {
		for other, b := range map[string][]Access{"a writer's enqueue": enqueue, "a read grant": readGrant} {
			if Dependent(a, b) {
				t.Errorf("%s under the mmap lock against %s: dependent (%v / %v)", name, other, a, b)
			}
		}
	}
	// other holds nothing: find_vma's failed assertion reports who
	// holds the lock, which the enqueue and the grants change.
	unheld := stepAcc(t, k, other, "find_vma", mmV(m), addrV(0x100000))
	if !Dependent(unheld, enqueue) || !Dependent(unheld, readGrant) {
		t.Errorf("find_vma without the lock (its report names the holders) is independent of an enqueue or a read grant: %v / %v / %v", unheld, enqueue, readGrant)
	}
	// lockdep_is_held of a task that does not hold the lock is false
	// whoever holds it.
	if a := stepAcc(t, k, other, "lockdep_is_held", lockV); Dependent(a, enqueue) || Dependent(a, readGrant) {
		t.Errorf("lockdep_is_held (false) depends on other tasks' holds: %v", a)
	}
	// The hand-over to the writer writes the writer, whose holds its
	// own assertions read.
	do(t, k, reader, "mmap_read_unlock", mmV(m))
	unlock := stepAcc(t, k, fault, "mmap_read_unlock", mmV(m))
	wl.resume(t)
	mine := NewFootprint()
	mine.Add(ATask, uint32(writer.ID), false)
	if !Dependent(unlock, mine.Acc) {
		t.Errorf("the unlock that hands the lock to the writer does not write the writer: %v", unlock)
	}
}

// TestFlushPendingFootprint: dec_tlb_flush_pending's check (before-flush)
// reads the TLB, the page tables and the locks only when it runs, where
// the decrementing thread has a change of its own on record (NoteChanges)
// and no raise left (else it reads only the thread's own records of
// changes, which NoteChanges writes), and reads the mmap lock for its writer only: a read
// grant commutes with it, a write acquisition does not. Declared for every
// call, these reads made every tlb_finish_mmu() of a zap dependent on
// every fault's mmap_read_lock (mmlocks_N5: 151 k -> 237 k states).
func TestFlushPendingFootprint(t *testing.T) {
	const addr = 0x100000
	k, m := newMM(t)
	v := mapAnon(t, k, m, addr, 2)
	a, b, f, user := k.NewTask("a"), k.NewTask("b"), k.NewTask("f"), k.NewTask("user")
	if err := m.Core.Populate(v, addr, addr+mmcore.PageSize); err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Core.TLB.TranslateWrite(user.CPU, addr); !ok {
		t.Fatal("no translation after populate")
	}
	do(t, k, a, "mmap_read_lock", mmV(m))
	do(t, k, a, "inc_tlb_flush_pending", mmV(m))
	pte := do(t, k, a, "pte_offset_map_lock", mmV(m), addrV(addr))
	do(t, k, a, "ptep_get_and_clear", pte)
	do(t, k, a, "pte_unmap_unlock", pte)
	do(t, k, b, "inc_tlb_flush_pending", mmV(m))
	innocent := stepAcc(t, k, b, "dec_tlb_flush_pending", mmV(m)) // b changed nothing: no check
	for _, kind := range []AccessKind{ALock, APTE} {
		if x := ofKind(innocent, kind); len(x) != 0 {
			t.Errorf("dec_tlb_flush_pending of a thread with no change of its own records %v: it checks nothing", x)
		}
	}
	// the count, and a read of b's own records of changes (empty), not a's:
	// a's changes and their flush do not order b's check
	own, aChanges := fnvFrom(mmPart(ID(m), partTLBChanges), b.Name), fnvFrom(mmPart(ID(m), partTLBChanges), a.Name)
	if x := ofKind(innocent, ATLB); len(x) != 2 ||
		!slices.ContainsFunc(x, func(acc Access) bool { return acc.Obj == own && !acc.Write }) ||
		slices.ContainsFunc(x, func(acc Access) bool { return acc.Obj == aChanges }) {
		t.Errorf("dec_tlb_flush_pending of a thread with no change of its own: TLB accesses %v, want the count's and a read of its own records", x)
	}
	last := stepAcc(t, k, a, "dec_tlb_flush_pending", mmV(m)) // a's own change, unflushed: the check reads
	if x := ofKind(last, ATLB); len(x) < 2 {
		t.Errorf("dec_tlb_flush_pending after a change of its own: TLB accesses %v, want the count's and a read of the mm's TLB", x)
	}
	wantRules(t, k, ruleDecBeforeFlush.ID)
	do(t, k, a, "mmap_read_unlock", mmV(m))
	readGrant := stepAcc(t, k, f, "mmap_read_lock", mmV(m))
	do(t, k, f, "mmap_read_unlock", mmV(m))
	writeGrant := stepAcc(t, k, f, "mmap_write_lock", mmV(m))
	if Dependent(ofKind(last, ALock), ofKind(readGrant, ALock)) {
		t.Errorf("dec_tlb_flush_pending's check conflicts with a read grant of the mmap lock: %v / %v", last, readGrant)
	}
	if !Dependent(ofKind(last, ALock), ofKind(writeGrant, ALock)) {
		t.Errorf("dec_tlb_flush_pending's check does not conflict with mmap_write_lock: %v / %v", last, writeGrant)
	}
}

// A failed read trylock records only the refusal (Access.Refused); a read
// release that hands the lock to a queued writer, or leaves a writer
// queued, keeps it refusing (KeepsRefusing), and so commutes with the
// trylock (mm/mmap_lock.c: vma_start_read() fails before and after the
// last reader's vma_refcount_put()); the writer's release, which lets
// readers in again, does not.
func TestFootprintRefusal(t *testing.T) {
	k := NewKernel()
	l := NewLock(ClassMmapLock, RWSem, "m->mmap_lock")
	r1, r2, w, r3 := k.NewTask("R1"), k.NewTask("R2"), k.NewTask("W"), k.NewTask("R3")
	f := NewFootprint()
	k.SetFootprint(f)
	step := func(tk *Task, fn func()) Access {
		f.ResetOwn(tk.ID)
		fn()
		for _, a := range f.Acc {
			if a.Kind == ALock && a.Obj == ID(l) {
				return a
			}
		}
		t.Fatalf("%s: no access to the lock in %v", tk.Name, f.Acc)
		return Access{}
	}
	step(r1, func() { r1.Acquire(l, Read) })
	step(r2, func() { r2.Acquire(l, Read) })
	step(w, func() {
		if w.Acquire(l, Write) {
			t.Fatal("W got a read-held lock")
		}
	})
	try := step(r3, func() {
		if r3.TryAcquire(l, Read) {
			t.Fatal("R3's trylock overtook the queued writer")
		}
	})
	if !try.Refused || try.Write || try.Shared || try.Observe {
		t.Fatalf("failed read trylock: %v, want a read of the refusal only", try)
	}
	notLast := step(r1, func() { r1.Release(l, Read) })
	last := step(r2, func() { r2.Release(l, Read) })
	if w.Blocked() {
		t.Fatal("W not handed the lock")
	}
	for _, c := range []struct {
		name string
		a    Access
	}{{"read release with a writer queued", notLast}, {"hand-over to the writer", last}} {
		if !c.a.Write || !c.a.KeepsRefusing || try.Conflicts(c.a) {
			t.Errorf("%s: %v, want a write that keeps the refusal and commutes with the failed trylock", c.name, c.a)
		}
	}
	open := step(w, func() { w.Release(l, Write) })
	if open.KeepsRefusing || !try.Conflicts(open) {
		t.Errorf("the writer's release: %v, want a write that lets readers in (conflicting with the failed trylock)", open)
	}
	// A step's accesses to the lock merge: it kept the refusal only if
	// every write did, and learned only the refusal only if every read
	// did.
	for _, c := range []struct {
		name    string
		acc     []Access
		refused bool
		keeps   bool
	}{
		{"keeping write, then a plain one", []Access{{Write: true, KeepsRefusing: true}, {Write: true}}, false, false},
		{"plain write, then a keeping one", []Access{{Write: true}, {Write: true, KeepsRefusing: true}}, false, false},
		{"two keeping writes", []Access{{Write: true, KeepsRefusing: true}, {Write: true, KeepsRefusing: true}}, false, true},
		{"refusal, then a keeping write", []Access{{Refused: true}, {Write: true, KeepsRefusing: true}}, false, true},
		{"refusal, then a plain read", []Access{{Refused: true}, {}}, false, false},
		{"two refusals", []Access{{Refused: true}, {Refused: true}}, true, false},
	} {
		f.Reset()
		for _, a := range c.acc {
			a.Kind, a.Obj = ALock, 1
			f.add(a)
		}
		if len(f.Acc) != 1 || f.Acc[0].Refused != c.refused || f.Acc[0].KeepsRefusing != c.keeps {
			t.Errorf("%s: %v, want Refused %v, KeepsRefusing %v", c.name, f.Acc, c.refused, c.keeps)
		}
	}
}

// cpu_access declares what the CPU's access uses (cpuAccessTouches): the
// page its translation reaches, not every page, so a change of another
// page commutes with it; and this CPU's TLB entry, changed only by a fill
// (or a drop), so that a lookup that fills nothing commutes with the TLB
// checks that read every CPU's entries (an Observe) but not with a flush.
func TestCPUAccessFootprint(t *testing.T) {
	const addr = 0x100000
	k, m := newMM(t)
	v := mapAnon(t, k, m, addr, 2)
	if err := m.Core.Populate(v, addr, addr+2*mmcore.PageSize); err != nil {
		t.Fatal(err)
	}
	page := func(a mmcore.Addr) *mmcore.Page {
		return m.Core.Memory().Page(m.Core.Walk(a).Entry.PFN())
	}
	own, other := page(addr), page(addr+mmcore.PageSize)
	user := k.NewTask("user")
	code := func(write bool) Value {
		if write {
			return Int(X86_PF_USER | X86_PF_WRITE)
		}
		return Int(X86_PF_USER)
	}
	rec := func(fn func(f *Footprint)) []Access {
		f := NewFootprint()
		fn(f)
		return f.Acc
	}
	observeTLB := []Access{{Kind: ATLB, Obj: ID(m.Core), Observe: true}}
	flush := rec(func(f *Footprint) { f.TLB(m.Core, true) })
	ownWrite := rec(func(f *Footprint) { f.Page(own, true) })
	otherWrite := rec(func(f *Footprint) { f.Page(other, true) })
	for _, c := range []struct {
		name                           string
		write                          bool
		fills, own, other, flush, read bool // dependent on: TLB observe, own page write, other page write, flush, own page read
	}{
		{"a load that fills the TLB", false, true, true, false, true, false},
		{"a load through the TLB", false, false, true, false, true, false},
		{"a store through the TLB (dirties the page)", true, false, true, false, true, true},
	} {
		acc := stepAcc(t, k, user, "cpu_access", mmV(m), addrV(addr), code(c.write))
		ownRead := rec(func(f *Footprint) { f.Page(own, false) })
		for _, d := range []struct {
			what string
			acc  []Access
			want bool
		}{
			{"a check of every CPU's TLB entries", observeTLB, c.fills},
			{"a write of its page", ownWrite, c.own},
			{"a write of another page", otherWrite, c.other},
			{"a TLB flush", flush, c.flush},
			{"a read of its page", ownRead, c.read},
		} {
			if got := Dependent(acc, d.acc); got != d.want {
				t.Errorf("%s (%v) against %s: dependent %v, want %v", c.name, acc, d.what, got, d.want)
			}
		}
	}
	if _, _, hit := m.Core.TLB.CachedEntry(user.CPU, addr); !hit {
		t.Fatal("cpu_access filled no TLB entry")
	}
}

// A store that finds a read-only translation cached faults, and the fault
// drops the entry: the checks that read every CPU's entries (a plain read
// of the TLB, Footprint.TLB(m, false)) find it stale before the drop and
// not after, so the drop is ordered with them; a fill, which caches the
// current entry, is not.
func TestCPUAccessDropFootprint(t *testing.T) {
	const addr = 0x100000
	k, m := newMM(t)
	v := mapAnon(t, k, m, addr, 1)
	if err := m.Core.Populate(v, addr, addr+mmcore.PageSize); err != nil {
		t.Fatal(err)
	}
	if err := m.Core.Mprotect(addr, mmcore.PageSize, mmcore.PROT_READ); err != nil {
		t.Fatal(err)
	}
	user := k.NewTask("user")
	f := NewFootprint()
	f.TLB(m.Core, false)
	check := f.Acc
	fill := stepAcc(t, k, user, "cpu_access", mmV(m), addrV(addr), Int(X86_PF_USER))
	if pte, _, hit := m.Core.TLB.CachedEntry(user.CPU, addr); !hit || pte.Writable() {
		t.Fatalf("after a load: cached %v, writable %v; want a read-only entry", hit, pte.Writable())
	}
	drop := stepAcc(t, k, user, "cpu_access", mmV(m), addrV(addr), Int(X86_PF_USER|X86_PF_WRITE))
	if _, _, hit := m.Core.TLB.CachedEntry(user.CPU, addr); hit {
		t.Fatal("the store's fault left the read-only entry cached")
	}
	if Dependent(fill, check) {
		t.Errorf("the fill (%v) is ordered with a check of every CPU's entries", fill)
	}
	if !Dependent(drop, check) {
		t.Errorf("the drop (%v) commutes with a check of every CPU's entries (%v), which finds the entry stale before it only", drop, check)
	}
}

// AccessMask's and AccessSum's quick tests never call dependent
// footprints independent; the mask tells most pairs that touch different
// objects apart, and the sum most of the independent pairs that touch a
// common object too (reads, shared updates).
func TestAccessMaskNeverHidesADependence(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	kinds := []AccessKind{AWorld, ALock, ALockdep, ATask, AMM, AGlobal}
	gen := func() []Access {
		acc := make([]Access, 1+r.IntN(4))
		for i := range acc {
			a := Access{Kind: kinds[1+r.IntN(len(kinds)-1)], Obj: uint32(r.IntN(40)), Write: r.IntN(2) == 0}
			if a.Write {
				a.KeepsRefusing = r.IntN(4) == 0
			} else {
				a.Shared, a.Observe, a.Refused = r.IntN(3) == 0, r.IntN(3) == 0, r.IntN(4) == 0
			}
			switch r.IntN(30) {
			case 0:
				a.Kind = AWorld
			case 1:
				a.Obj = AllObjects
			}
			acc[i] = a
		}
		return acc
	}
	filtered, disjoint := 0, 0
	for range 20000 {
		a, b := gen(), gen()
		if SumAccesses(a).MayDepend(SumAccesses(b)) != SumAccesses(b).MayDepend(SumAccesses(a)) {
			t.Fatalf("MayDepend is not symmetric on %v and %v", a, b)
		}
		if !SumAccesses(a).MayDepend(SumAccesses(b)) && Dependent(a, b) {
			t.Fatalf("sums %+v, %+v say independent but %v and %v are dependent", SumAccesses(a), SumAccesses(b), a, b)
		}
		quick := AccessMask(a)&AccessMask(b) == 0
		if quick && Dependent(a, b) {
			t.Fatalf("masks %x, %x share no bit but %v and %v are dependent", AccessMask(a), AccessMask(b), a, b)
		}
		if !touchSameObject(a, b) {
			disjoint++
			if quick {
				filtered++
			}
		}
	}
	if filtered*2 < disjoint {
		t.Errorf("the masks tell only %d of %d pairs on different objects apart", filtered, disjoint)
	}
	// Footprints that only read and update shared, on the same objects:
	// never dependent, and the sums see it whatever the objects.
	for range 2000 {
		a, b := gen(), gen()
		for _, acc := range [][]Access{a, b} {
			for i := range acc {
				acc[i].Kind, acc[i].Write, acc[i].Observe, acc[i].KeepsRefusing = ALock, false, false, false
			}
		}
		if SumAccesses(a).MayDepend(SumAccesses(b)) {
			t.Fatalf("the sums of %v and %v, which only read and update shared, may depend", a, b)
		}
		if Dependent(a, b) {
			t.Fatalf("%v and %v, which only read and update shared, are dependent", a, b)
		}
	}
}

func touchSameObject(a, b []Access) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Kind == AWorld || y.Kind == AWorld || x.Kind == y.Kind && (x.Obj == y.Obj || x.Obj == AllObjects || y.Obj == AllObjects) {
				return true
			}
		}
	}
	return false
}
