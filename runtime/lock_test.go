package runtime

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/lang"
)

// Tests of the lock semantics (rule book section 1.1): rwsem sharing,
// exclusion, writer preference, hand-off, trylock and downgrade, driven
// through Task.Acquire/TryAcquire/Release/Downgrade.

type lockStep struct {
	task string // "A".."E"
	op   string // acquire, try, release, downgrade
	mode Mode
	want bool // the call's result
}

type lockWant struct {
	writer  string   // "" when nobody holds it for write
	readers int      // read holds
	waiters bool     // HasWaiters
	blocked []string // tasks queued on the lock, sorted
	rules   []string // diagnostics, in order
}

func TestRWSemTable(t *testing.T) {
	A, B, C, D, E := "A", "B", "C", "D", "E"
	acq := func(who string, m Mode, want bool) lockStep { return lockStep{who, "acquire", m, want} }
	try := func(who string, m Mode, want bool) lockStep { return lockStep{who, "try", m, want} }
	rel := func(who string, m Mode, want bool) lockStep { return lockStep{who, "release", m, want} }
	down := func(who string, want bool) lockStep { return lockStep{who, "downgrade", Write, want} }

	cases := []struct {
		name  string
		steps []lockStep
		want  lockWant
	}{
		{"readers share", []lockStep{acq(A, Read, true), acq(B, Read, true), acq(C, Read, true)},
			lockWant{readers: 3}},
		{"writer excludes readers and writers", []lockStep{acq(A, Write, true), acq(B, Read, false), acq(C, Write, false)},
			lockWant{writer: A, waiters: true, blocked: []string{B, C}}},
		{"readers exclude a writer", []lockStep{acq(A, Read, true), acq(B, Read, true), acq(C, Write, false)},
			lockWant{readers: 2, waiters: true, blocked: []string{C}}},
		{"writer preference: a reader queues behind a waiting writer",
			[]lockStep{acq(A, Read, true), acq(B, Write, false), acq(C, Read, false)},
			lockWant{readers: 1, waiters: true, blocked: []string{B, C}}},
		{"recursive read behind a queued writer blocks",
			[]lockStep{acq(A, Read, true), acq(B, Write, false), acq(A, Read, false)},
			lockWant{readers: 1, waiters: true, blocked: []string{A, B}, rules: []string{"lock/recursive"}}},
		{"recursive read without a queued writer is granted but reported",
			[]lockStep{acq(A, Read, true), acq(A, Read, true)},
			lockWant{readers: 2, rules: []string{"lock/recursive"}}},
		{"release hands the lock to the queued writer first",
			[]lockStep{acq(A, Write, true), acq(B, Write, false), acq(C, Read, false), rel(A, Write, true)},
			lockWant{writer: B, waiters: true, blocked: []string{C}}},
		{"queued readers are granted together",
			[]lockStep{acq(A, Write, true), acq(B, Read, false), acq(C, Read, false), rel(A, Write, true)},
			lockWant{readers: 2}},
		{"readers are woken past a queued writer, which stays queued (rwsem_mark_wake)",
			[]lockStep{acq(A, Write, true), acq(B, Read, false), acq(C, Write, false), acq(D, Read, false), rel(A, Write, true)},
			lockWant{readers: 2, waiters: true, blocked: []string{C}}},
		{"a writer waits until the last reader leaves",
			[]lockStep{acq(A, Read, true), acq(B, Read, true), acq(C, Write, false), rel(A, Read, true)},
			lockWant{readers: 1, waiters: true, blocked: []string{C}}},
		{"the last reader hands over to the writer",
			[]lockStep{acq(A, Read, true), acq(B, Read, true), acq(C, Write, false), rel(A, Read, true), rel(B, Read, true)},
			lockWant{writer: C}},
		{"trylock fails while waiters are queued, even if compatible",
			[]lockStep{acq(A, Read, true), acq(B, Write, false), try(C, Read, false), try(D, Write, false)},
			lockWant{readers: 1, waiters: true, blocked: []string{B}}},
		{"trylock succeeds on a free lock and shares with readers",
			[]lockStep{try(A, Read, true), try(B, Read, true), try(C, Write, false)},
			lockWant{readers: 2}},
		{"write trylock excludes everyone", []lockStep{try(A, Write, true), try(B, Read, false), try(C, Write, false)},
			lockWant{writer: A}},
		{"trylock of a held lock is not reported as recursion",
			[]lockStep{acq(A, Read, true), try(A, Read, true)},
			lockWant{readers: 2}},
		{"downgrade lets queued readers in",
			[]lockStep{acq(A, Write, true), acq(B, Read, false), acq(C, Read, false), down(A, true)},
			lockWant{readers: 3}},
		{"downgrade with a writer first in the queue wakes nobody (rwsem_downgrade_wake)",
			[]lockStep{acq(A, Write, true), acq(B, Write, false), acq(C, Read, false), down(A, true)},
			lockWant{readers: 1, waiters: true, blocked: []string{B, C}}},
		{"downgrade of a read hold fails", []lockStep{acq(A, Read, true), down(A, false)},
			lockWant{readers: 1}},
		{"release of a lock not held fails and changes nothing", []lockStep{acq(A, Read, true), rel(B, Read, false)},
			lockWant{readers: 1}},
		{"release in the wrong mode fails", []lockStep{acq(A, Read, true), rel(A, Write, false)},
			lockWant{readers: 1}},
		{"a granted waiter's hand-off chains on", // A->B (write) then B->C,D,E (readers)
			[]lockStep{acq(A, Write, true), acq(B, Write, false), acq(C, Read, false), acq(D, Read, false), acq(E, Read, false),
				rel(A, Write, true), rel(B, Write, true)},
			lockWant{readers: 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := NewKernel()
			l := NewLock(ClassIMmapRwsem, RWSem, "f->i_mmap_rwsem")
			tasks := map[string]*Task{}
			task := func(n string) *Task {
				if tasks[n] == nil {
					tasks[n] = k.NewTask(n)
				}
				return tasks[n]
			}
			for i, s := range tc.steps {
				tk := at(task(s.task), i+1)
				var got bool
				switch s.op {
				case "acquire":
					got = tk.Acquire(l, s.mode)
					if !got {
						wl, wm, wp := tk.WaitingFor()
						if wl != l || wm != s.mode || wp.Line != i+1 {
							t.Fatalf("step %d: %s waits for %v %v at %v, want %s %v at line %d", i+1, s.task, wl, wm, wp, l.Name, s.mode, i+1)
						}
					}
				case "try":
					got = tk.TryAcquire(l, s.mode)
					if !got && tk.Blocked() {
						t.Fatalf("step %d: a failed trylock queued %s", i+1, s.task)
					}
				case "release":
					got = tk.Release(l, s.mode)
				case "downgrade":
					got = tk.Downgrade(l)
				}
				if got != s.want {
					t.Fatalf("step %d: %s %s(%v) = %v, want %v", i+1, s.task, s.op, s.mode, got, s.want)
				}
			}
			w := tc.want
			gotWriter := ""
			if l.Writer() != nil {
				gotWriter = l.Writer().Name
			}
			if gotWriter != w.writer || l.Readers() != w.readers || l.HasWaiters() != w.waiters {
				t.Errorf("lock: writer %q readers %d waiters %v; want writer %q readers %d waiters %v",
					gotWriter, l.Readers(), l.HasWaiters(), w.writer, w.readers, w.waiters)
			}
			if l.Held() != (w.writer != "" || w.readers > 0) {
				t.Errorf("Held() = %v", l.Held())
			}
			var blocked []string
			for n, tk := range tasks {
				if tk.Blocked() {
					blocked = append(blocked, n)
				}
			}
			slices.Sort(blocked)
			if !slices.Equal(blocked, w.blocked) {
				t.Errorf("blocked %v, want %v", blocked, w.blocked)
			}
			// Every holder's hold list agrees with the lock.
			holds := 0
			for n, tk := range tasks {
				for _, h := range tk.Holds() {
					if h.Lock != l {
						continue
					}
					holds++
					if h.Mode == Write && gotWriter != n {
						t.Errorf("%s records a write hold, but the writer is %q", n, gotWriter)
					}
				}
			}
			wantHolds := w.readers
			if w.writer != "" {
				wantHolds++
			}
			if holds != wantHolds {
				t.Errorf("tasks record %d holds, lock has %d", holds, wantHolds)
			}
			if !slices.Equal(rules(k), w.rules) {
				t.Errorf("diagnostics %q, want %q", rules(k), w.rules)
			}
		})
	}
}

// A waiter granted by a release records the hold at the position where it
// asked, not where the releaser was.
func TestGrantedHoldKeepsWaitPosition(t *testing.T) {
	k := NewKernel()
	l := NewLock(ClassMmapLock, RWSem, "m->mmap_lock")
	a, b := k.NewTask("A"), k.NewTask("B")
	at(a, 1).Acquire(l, Write)
	if at(b, 2).Acquire(l, Read) {
		t.Fatal("B got a write-held lock")
	}
	at(b, 3) // B's current position moves on while it waits
	at(a, 4).Release(l, Write)
	if b.Blocked() {
		t.Fatal("B still blocked after the release")
	}
	hs := b.Holds()
	if len(hs) != 1 || hs[0].Lock != l || hs[0].Mode != Read || hs[0].Pos.Line != 2 {
		t.Fatalf("B holds %+v, want the read hold taken at line 2", hs)
	}
	if b.Pos.Line != 3 {
		t.Fatalf("granting changed B's position to %v", b.Pos)
	}
}

func TestSpinlockMakesTaskAtomic(t *testing.T) {
	k := NewKernel()
	tk := k.NewTask("T")
	spin := NewLock(ClassPageTableLock, Spin, "m->page_table_lock")
	sem := NewLock(ClassUser, RWSem, "my_sem") // no lockdep class: only the sleep check applies

	if tk.Atomic() {
		t.Fatal("a fresh task is atomic")
	}
	at(tk, 1).MightSleep("alloc")
	wantRules(t, k)

	at(tk, 2).Acquire(spin, Write)
	if !tk.Atomic() {
		t.Fatal("holding a spinlock is not atomic")
	}
	at(tk, 3).MightSleep("kmalloc(GFP_KERNEL)")
	wantRules(t, k, "lock/sleep-in-atomic")
	d := lastDiag(t, k)
	if !strings.Contains(d.Msg, "kmalloc(GFP_KERNEL) may sleep, but spinlock m->page_table_lock is held") || d.Pos.Line != 3 {
		t.Errorf("diagnostic %s", d)
	}
	if len(d.Related) != 1 || d.Related[0].Pos.Line != 2 {
		t.Errorf("related %+v, want the spinlock's acquisition at line 2", d.Related)
	}
	if d.Kernel != DebugOnly || d.Fatal {
		t.Errorf("reaction %v fatal %v, want debug-only, not fatal", d.Kernel, d.Fatal)
	}

	// Blocking on a sleeping lock is sleeping too; spinning is not.
	at(tk, 4).Acquire(sem, Read)
	wantRules(t, k, "lock/sleep-in-atomic", "lock/sleep-in-atomic")
	if !strings.Contains(lastDiag(t, k).Msg, "down_read (my_sem) may sleep") {
		t.Errorf("diagnostic %s", lastDiag(t, k))
	}
	pte := NewLock(ClassPTELock, Spin, "m->pte_lock")
	at(tk, 5).Acquire(pte, Write)
	wantRules(t, k, "lock/sleep-in-atomic", "lock/sleep-in-atomic")

	tk.Release(pte, Write)
	if !tk.Atomic() {
		t.Fatal("still holding one spinlock, but not atomic")
	}
	tk.Release(spin, Write)
	if tk.Atomic() {
		t.Fatal("atomic after releasing every spinlock")
	}
	at(tk, 6).MightSleep("alloc")
	wantRules(t, k, "lock/sleep-in-atomic", "lock/sleep-in-atomic")
}

func TestRCUNesting(t *testing.T) {
	k := NewKernel()
	tk := k.NewTask("T")
	do(t, k, at(tk, 1), "rcu_read_lock")
	do(t, k, at(tk, 2), "rcu_read_lock")
	if !tk.Atomic() {
		t.Fatal("inside rcu_read_lock, not atomic")
	}
	do(t, k, at(tk, 3), "rcu_read_unlock")
	if !tk.Atomic() {
		t.Fatal("one rcu_read_lock level left, but not atomic")
	}
	do(t, k, at(tk, 4), "might_sleep")
	wantRules(t, k, "lock/sleep-in-atomic")
	// msleep() has no might_sleep() of its own: only schedule()'s
	// rcu_note_context_switch() sees the reader.
	do(t, k, at(tk, 4), "msleep")
	wantRules(t, k, "lock/sleep-in-atomic", "rcu/context-switch-in-reader")
	if d := lastDiag(t, k); !strings.Contains(d.Msg, "RCU read-side critical section") || d.Pos.Line != 4 {
		t.Errorf("diagnostic %s", d)
	}
	do(t, k, at(tk, 5), "rcu_read_unlock")
	if tk.Atomic() {
		t.Fatal("atomic after the last rcu_read_unlock")
	}
	do(t, k, at(tk, 6), "might_sleep")
	wantRules(t, k, "lock/sleep-in-atomic", "rcu/context-switch-in-reader")
	do(t, k, at(tk, 7), "rcu_read_unlock")
	wantRules(t, k, "lock/sleep-in-atomic", "rcu/context-switch-in-reader", "rcu/unbalanced")
	if tk.Atomic() || len(tk.Holds()) != 0 {
		t.Fatalf("an unbalanced unlock changed the state: atomic %v holds %v", tk.Atomic(), tk.Holds())
	}
	// RCU is not a lockdep class: taking it inside anything is fine, and
	// a thread ending inside it leaks it.
	do(t, k, at(tk, 8), "rcu_read_lock")
	k.ExitTask(tk, at(tk, 9).Pos)
	wantRules(t, k, "lock/sleep-in-atomic", "rcu/context-switch-in-reader", "rcu/unbalanced", "lock/held-at-exit")
}

func TestLockdepInversionOfDocumentedOrder(t *testing.T) {
	k, m := newMM(t)
	f := k.NewFile("f", 16)
	tk := k.NewTask("T")
	at(tk, 1).Acquire(f.IMmap, Write)
	at(tk, 2).Acquire(m.MmapLock, Write)
	wantRules(t, k, "lockdep/circular")
	d := lastDiag(t, k)
	if d.Pos.Line != 2 || !strings.Contains(d.Msg, "taking m->mmap_lock (&mm->mmap_lock) while holding f->i_mmap_rwsem (&mapping->i_mmap_rwsem), but &mm->mmap_lock -> &mapping->i_mmap_rwsem is established") {
		t.Errorf("diagnostic %s", d)
	}
	// The splat's structure, in lockdep's class names: the lock taken, the
	// one held, and the chain from the first to the second.
	want := &LockdepSplat{Kind: SplatCircular, Title: "possible circular locking dependency detected",
		Acquire: HeldLock{Lock: "m->mmap_lock", Class: "&mm->mmap_lock", Mode: "write", Pos: d.Pos},
		Holding: HeldLock{Lock: "f->i_mmap_rwsem", Class: "&mapping->i_mmap_rwsem", Mode: "write", Pos: lang.Pos{Filename: "test.mms", Line: 1, Column: 1}, seq: 1},
		Chain: []Dependency{{From: "&mm->mmap_lock", To: "vm_lock", Documented: true},
			{From: "vm_lock", To: "&mapping->i_mmap_rwsem", Documented: true}}}
	if !reflect.DeepEqual(d.Lockdep, want) {
		t.Errorf("splat\n%+v\nwant\n%+v", d.Lockdep, want)
	}
	if len(d.Held) != 1 || d.Held[0].Lock != "f->i_mmap_rwsem" {
		t.Errorf("held locks %+v, want f->i_mmap_rwsem", d.Held)
	}
	// The report names where the held lock was taken and the documented
	// chain mmap_lock -> ... -> i_mmap_rwsem.
	var rel []string
	for _, r := range d.Related {
		rel = append(rel, r.Msg)
	}
	all := strings.Join(rel, "; ")
	for _, want := range []string{"f->i_mmap_rwsem (&mapping->i_mmap_rwsem) taken here", "existing dependency &mm->mmap_lock -> vm_lock (documented order",
		"existing dependency vm_lock -> &mapping->i_mmap_rwsem (documented order"} {
		if !strings.Contains(all, want) {
			t.Errorf("related %q lacks %q", all, want)
		}
	}
	// Taking them the documented way round is fine.
	k2, m2 := newMM(t)
	f2 := k2.NewFile("f", 16)
	t2 := k2.NewTask("T")
	t2.Acquire(m2.MmapLock, Read)
	t2.Acquire(f2.IMmap, Read)
	av := NewLock(ClassAnonVMARwsem, RWSem, "av")
	t2.Acquire(av, Write)
	t2.Acquire(m2.PageTableLock, Write)
	wantRules(t, k2)
}

func TestLockdepScriptEdges(t *testing.T) {
	// mm->page_table_lock and the split PMD lock have no documented
	// order, so the first nesting a script makes becomes the order.
	k, m := newMM(t)
	pmd := NewLock(ClassPMDLock, Spin, "m->pmd_lock")
	a, b := k.NewTask("A"), k.NewTask("B")
	at(a, 1).Acquire(m.PageTableLock, Write)
	at(a, 2).Acquire(pmd, Write)
	a.Release(pmd, Write)
	a.Release(m.PageTableLock, Write)
	wantRules(t, k)

	// The reverse order, in another thread, at another time: reported
	// although no deadlock happened.
	at(b, 10).Acquire(pmd, Write)
	at(b, 11).Acquire(m.PageTableLock, Write)
	wantRules(t, k, "lockdep/circular")
	d := lastDiag(t, k)
	found := false
	for _, r := range d.Related {
		if r.Pos.Line == 2 && strings.Contains(r.Msg, "existing dependency &mm->page_table_lock -> ptlock_ptr(ptdesc)#2 (thread A)") {
			found = true
		}
	}
	if !found {
		t.Errorf("the report does not point at the edge thread A made at line 2: %s", d)
	}
	if b.Blocked() {
		t.Error("a lockdep report blocked the task")
	}
}

func TestLockdepTrylockAddsNoDependency(t *testing.T) {
	k, m := newMM(t)
	pmd := NewLock(ClassPMDLock, Spin, "m->pmd_lock")
	a, b := k.NewTask("A"), k.NewTask("B")

	// A: pmd_lock then a trylock of page_table_lock: no edge pmd -> ptl.
	at(a, 1).Acquire(pmd, Write)
	if !at(a, 2).TryAcquire(m.PageTableLock, Write) {
		t.Fatal("trylock of a free lock failed")
	}
	if hs := a.Holds(); len(hs) != 2 || !hs[1].Try || hs[0].Try {
		t.Fatalf("holds %+v: only the second is a trylock", hs)
	}
	a.Release(m.PageTableLock, Write)
	a.Release(pmd, Write)

	// B: the other order, blocking: no report, since the trylock made no edge.
	at(b, 3).Acquire(m.PageTableLock, Write)
	at(b, 4).Acquire(pmd, Write)
	wantRules(t, k)

	// A trylock against the documented order is not reported either: it
	// cannot deadlock.
	pte := NewLock(ClassPTELock, Spin, "m->pte_lock")
	c := k.NewTask("C")
	at(c, 5).Acquire(pte, Write)
	if !at(c, 6).TryAcquire(m.MmapLock, Read) {
		t.Fatal("mmap_read_trylock of a free lock failed")
	}
	wantRules(t, k)
	// But a blocking acquisition of the same pair is.
	c.Release(m.MmapLock, Read)
	at(c, 7).Acquire(m.MmapLock, Read)
	wantRules(t, k, "lock/sleep-in-atomic", "lockdep/circular")
}

func TestRecursiveAcquisition(t *testing.T) {
	k, m := newMM(t)
	tk := k.NewTask("T")
	at(tk, 1).Acquire(m.MmapLock, Write)
	if at(tk, 2).Acquire(m.MmapLock, Write) {
		t.Fatal("a second write acquisition was granted")
	}
	wantRules(t, k, "lock/recursive")
	d := lastDiag(t, k)
	if !strings.Contains(d.Msg, "m->mmap_lock already held for write by this thread") || len(d.Related) != 1 || d.Related[0].Pos.Line != 1 {
		t.Errorf("diagnostic %s", d)
	}
	if !tk.Blocked() {
		t.Error("the recursive acquisition did not self-deadlock")
	}
	// A spinlock taken twice spins forever.
	k2 := NewKernel()
	t2 := k2.NewTask("T")
	s := NewLock(ClassPTELock, Spin, "pte_lock")
	t2.Acquire(s, Write)
	if t2.Acquire(s, Write) || !t2.Blocked() {
		t.Error("a spinlock taken twice was granted")
	}
	wantRules(t, k2, "lock/recursive")
}

func TestUnlockNotHeld(t *testing.T) {
	k, m := newMM(t)
	a, b := k.NewTask("A"), k.NewTask("B")
	do(t, k, at(a, 1), "mmap_read_unlock", mmV(m))
	wantRules(t, k, "lock/unlock-not-held")
	if d := lastDiag(t, k); !strings.Contains(d.Msg, "m->mmap_lock is not held by this thread") {
		t.Errorf("diagnostic %s", d)
	}
	do(t, k, at(a, 2), "mmap_read_lock", mmV(m))
	do(t, k, at(a, 3), "mmap_write_unlock", mmV(m))
	wantRules(t, k, "lock/unlock-not-held", "lock/unlock-wrong-mode")
	// Lockdep matches a release by instance; CONFIG_DEBUG_RWSEMS's
	// __up_write() compares rwsem_owner(sem) with current, which A, the
	// last reader, is: nothing prints.
	if d := lastDiag(t, k); !strings.Contains(d.Msg, "held for read, not write") || d.Kernel != Unchecked || d.Lockdep != nil {
		t.Errorf("diagnostic %s (kernel %s)", d, d.Kernel)
	}
	if m.MmapLock.Readers() != 1 {
		t.Fatal("a bad unlock dropped the read hold")
	}
	// Another thread cannot unlock A's lock.
	do(t, k, at(b, 4), "mmap_read_unlock", mmV(m))
	wantRules(t, k, "lock/unlock-not-held", "lock/unlock-wrong-mode", "lock/unlock-not-held")
	if m.MmapLock.Readers() != 1 {
		t.Fatal("B released A's read hold")
	}
	do(t, k, at(b, 5), "mmap_write_downgrade", mmV(m))
	wantRules(t, k, "lock/unlock-not-held", "lock/unlock-wrong-mode", "lock/unlock-not-held", "lock/unlock-not-held")
	do(t, k, at(a, 6), "mmap_read_unlock", mmV(m))
	if m.MmapLock.Held() {
		t.Fatal("still held after the matching unlock")
	}
	if len(k.Diagnostics()) != 4 {
		t.Fatalf("a balanced unlock was reported: %v", rules(k))
	}
}

func TestExitTaskReportsHeldLocks(t *testing.T) {
	k, m := newMM(t)
	v := mapAnon(t, k, m, 0x100000, 1)
	tk := k.NewTask("T")
	do(t, k, at(tk, 1), "mmap_write_lock", mmV(m))
	do(t, k, at(tk, 2), "vma_start_write", vmaV(v))
	if !k.writeLocked(v) {
		t.Fatal("vma_start_write did not write-lock the VMA")
	}
	k.ExitTask(tk, at(tk, 3).Pos)
	// One report, for the mmap lock: the VMA write lock ends with it.
	wantRules(t, k, "lock/held-at-exit")
	d := lastDiag(t, k)
	if d.Pos.Line != 3 || !strings.Contains(d.Msg, "thread T exits holding m->mmap_lock (write)") ||
		len(d.Related) != 1 || d.Related[0].Pos.Line != 1 {
		t.Errorf("diagnostic %s", d)
	}
	if tk.Pos.Line != 3 {
		t.Errorf("ExitTask left the task at %v", tk.Pos)
	}

	// A task that releases everything exits quietly, and a task killed by
	// a BUG is not reported again for the locks it dies with.
	k2, m2 := newMM(t)
	ok := k2.NewTask("ok")
	do(t, k2, ok, "mmap_read_lock", mmV(m2))
	do(t, k2, ok, "mmap_read_unlock", mmV(m2))
	k2.ExitTask(ok, at(ok, 5).Pos)
	dead := k2.NewTask("dead")
	do(t, k2, at(dead, 6), "mmap_read_lock", mmV(m2))
	dead.dead = true
	k2.ExitTask(dead, at(dead, 7).Pos)
	wantRules(t, k2)
}

func TestDeadlockReportNamesWaitersAndHolders(t *testing.T) {
	k, m := newMM(t)
	f := k.NewFile("f", 16)
	a, b := k.NewTask("truncate"), k.NewTask("mapper")
	at(a, 10).Acquire(f.IMmap, Write)
	at(b, 20).Acquire(m.MmapLock, Write)
	at(b, 21).Acquire(f.IMmap, Write)
	at(a, 11).Acquire(m.MmapLock, Write)
	if !a.Blocked() || !b.Blocked() {
		t.Fatal("ABBA did not block both")
	}
	d := k.DeadlockReport([]*Task{b, a}, "truncate mapper*2 truncate")
	if d.Kind != Deadlock || d.Rule != "deadlock" || d.Schedule != "truncate mapper*2 truncate" {
		t.Errorf("kind %v rule %q schedule %q", d.Kind, d.Rule, d.Schedule)
	}
	for _, want := range []string{
		"truncate waits for m->mmap_lock (write) held by mapper",
		"mapper waits for f->i_mmap_rwsem (write) held by truncate",
	} {
		if !strings.Contains(d.Msg, want) {
			t.Errorf("message %q lacks %q", d.Msg, want)
		}
	}
	// Waiters in task-ID order; blocking sites and acquisitions related.
	if strings.Index(d.Msg, "truncate waits") > strings.Index(d.Msg, "mapper waits") {
		t.Errorf("waiters not in task order: %q", d.Msg)
	}
	lines := map[int]string{}
	for _, r := range d.Related {
		lines[r.Pos.Line] = r.Msg
	}
	for line, want := range map[int]string{11: "truncate blocks here on m->mmap_lock", 20: "mapper took m->mmap_lock here",
		21: "mapper blocks here on f->i_mmap_rwsem", 10: "truncate took f->i_mmap_rwsem here"} {
		if lines[line] != want {
			t.Errorf("related at line %d = %q, want %q", line, lines[line], want)
		}
	}
	if d.Pos.Line != 11 {
		t.Errorf("report at %v, want the first waiter's blocking site (line 11)", d.Pos)
	}

	// A reader stuck behind a queued writer names the queue too.
	k2, m2 := newMM(t)
	r, w := k2.NewTask("reader"), k2.NewTask("writer")
	at(r, 1).Acquire(m2.MmapLock, Read)
	at(w, 2).Acquire(m2.MmapLock, Write)
	at(r, 3).Acquire(m2.MmapLock, Read)
	d2 := k2.DeadlockReport([]*Task{r, w}, "")
	for _, want := range []string{"reader waits for m->mmap_lock (read) held by reader, behind queued writer (write)",
		"writer waits for m->mmap_lock (write) held by reader"} {
		if !strings.Contains(d2.Msg, want) {
			t.Errorf("message %q lacks %q", d2.Msg, want)
		}
	}
}

// A script's locks are lockdep classes of their own: an order between two
// of them, and between one and a kernel lock, is learned and checked.
func TestScriptLockClasses(t *testing.T) {
	k := NewKernel()
	a := k.NewScriptLock(k.NewLockClass("a"), "a", ScriptMutex)
	b := k.NewScriptLock(k.NewLockClass("b"), "b", ScriptSpinlock)
	if a.Class == b.Class || a.Class < ClassUser || b.Class < ClassUser {
		t.Fatalf("classes %d %d", a.Class, b.Class)
	}
	if a.Kind != BitLock || b.Kind != Spin {
		t.Fatalf("kinds %v %v", a.Kind, b.Kind)
	}
	t1 := k.NewTask("t1")
	t1.Acquire(a, Write)
	t1.Acquire(b, Write)
	t1.Release(b, Write)
	t1.Release(a, Write)
	if len(k.Diagnostics()) != 0 {
		t.Fatalf("a -> b reported: %v", k.Diagnostics()[0])
	}
	t2 := k.NewTask("t2")
	t2.Acquire(b, Write)
	t2.Acquire(a, Write) // b -> a against the learned a -> b
	ds := k.Diagnostics()
	if len(ds) == 0 || ds[len(ds)-1].Rule != "lockdep/circular" || !strings.Contains(ds[len(ds)-1].Msg, "taking a while holding b, but a -> b is established") {
		t.Fatalf("diagnostics %v", ds)
	}
	// Classes run out after MaxScriptLocks; NewLockClass then shares the last.
	for i := 2; i < MaxScriptLocks; i++ {
		k.NewLockClass("x")
	}
	if c := k.NewLockClass("over"); c != ClassUser+Class(MaxScriptLocks)-1 {
		t.Fatalf("class beyond the limit = %d", c)
	}
}

// TestUnlockWrongModeReaction: the kernel's reaction to an rwsem released
// in the other mode is CONFIG_DEBUG_RWSEMS's, not lockdep's
// (kernel/locking/lockdep.c: __lock_release() finds the held lock by
// instance and never compares the mode): up_read() of a write hold always
// warns there (__up_read(): !is_rwsem_reader_owned(sem)); up_write() of a
// read hold warns only when another task set the owner field last
// (__up_write(): rwsem_owner(sem) != current).
func TestUnlockWrongModeReaction(t *testing.T) {
	k, m := newMM(t)
	a, b := k.NewTask("A"), k.NewTask("B")
	do(t, k, at(a, 1), "mmap_write_lock", mmV(m))
	do(t, k, at(a, 2), "mmap_read_unlock", mmV(m))
	d := lastDiag(t, k)
	if d.Rule != "lock/unlock-wrong-mode" || d.Kernel != DebugOnly || d.Lockdep != nil {
		t.Fatalf("up_read of a write hold: %s (kernel %s)", d, d.Kernel)
	}
	if r := LookupAPI("mmap_read_unlock"); !slices.Contains(r.Rules, ruleUnlockWrongMode) || ruleUnlockWrongMode.NeedsConfig(DebugOnly) != "CONFIG_DEBUG_RWSEMS" {
		t.Error("mmap_read_unlock does not list lock/unlock-wrong-mode, or it does not need CONFIG_DEBUG_RWSEMS")
	}
	if m.MmapLock.heldBy(a) != Write {
		t.Fatal("the wrong-mode release dropped the write hold")
	}
	do(t, k, at(a, 3), "mmap_write_unlock", mmV(m))
	do(t, k, at(a, 4), "mmap_read_lock", mmV(m))
	do(t, k, at(b, 5), "mmap_read_lock", mmV(m))
	do(t, k, at(a, 6), "mmap_write_unlock", mmV(m))
	if d := lastDiag(t, k); d.Rule != "lock/unlock-wrong-mode" || d.Kernel != DebugOnly {
		t.Fatalf("up_write of a read hold, B the last reader: %s (kernel %s)", d, d.Kernel)
	}
	// B's up_read() clears the owner field (rwsem_clear_reader_owned()):
	// it names nobody, not A, though A still reads.
	do(t, k, at(b, 7), "mmap_read_unlock", mmV(m))
	do(t, k, at(a, 8), "mmap_write_unlock", mmV(m))
	if d := lastDiag(t, k); d.Rule != "lock/unlock-wrong-mode" || d.Kernel != DebugOnly || d.Pos.Line != 8 {
		t.Fatalf("up_write of a read hold after the last reader left: %s (kernel %s)", d, d.Kernel)
	}
	// A takes it again: A is the owner, and no kernel says anything.
	do(t, k, at(a, 9), "mmap_read_unlock", mmV(m))
	do(t, k, at(a, 10), "mmap_read_lock", mmV(m))
	do(t, k, at(a, 11), "mmap_write_unlock", mmV(m))
	if d := lastDiag(t, k); d.Rule != "lock/unlock-wrong-mode" || d.Kernel != Unchecked || d.Pos.Line != 11 {
		t.Fatalf("up_write of a read hold by the owner: %s (kernel %s)", d, d.Kernel)
	}
	if len(k.Diagnostics()) != 4 {
		t.Fatalf("findings %v", rules(k))
	}
}

// TestVMAFieldReaction: vm_flags_reset() asserts with
// vma_assert_write_locked(), which checks the mmap write lock first
// (mmap_assert_write_locked(): a WARN when nobody holds it) and the VMA
// write lock second (VM_WARN_ON_ONCE_VMA: debug-only).
func TestVMAFieldReaction(t *testing.T) {
	k, m := newMM(t)
	v := mapAnon(t, k, m, 0x100000, 1)
	tk := k.NewTask("T")
	do(t, k, at(tk, 1), "mmap_read_lock", mmV(m))
	do(t, k, at(tk, 2), "vm_flags_reset", vmaV(v), Int(int64(v.Flags)))
	if d := lastDiag(t, k); d.Rule != "vma-field/vm_flags" || d.Kernel != WARN {
		t.Fatalf("vm_flags_reset under the mmap read lock: %s (kernel %s), want WARN", d, d.Kernel)
	}
	do(t, k, at(tk, 3), "mmap_read_unlock", mmV(m))
	do(t, k, at(tk, 4), "mmap_write_lock", mmV(m))
	do(t, k, at(tk, 5), "vm_flags_reset", vmaV(v), Int(int64(v.Flags)))
	if d := lastDiag(t, k); d.Rule != "vma-field/vm_flags" || d.Kernel != DebugOnly || d.Pos.Line != 5 {
		t.Fatalf("vm_flags_reset without vma_start_write: %s (kernel %s), want debug-only", d, d.Kernel)
	}
}

// TestLockdepSubclasses: lockdep keys a class by the lock's key and the
// subclass it is taken as (kernel/locking/lockdep.c: register_lock_class(),
// lock->class_cache[subclass]), and both its recursion check
// (check_deadlock()) and its order check (check_prev_add()) compare those
// classes. A _nested acquisition is ordered apart from the plain one.
func TestLockdepSubclasses(t *testing.T) {
	type step struct {
		task int    // 0 or 1
		op   string // "lock", "nested" (SINGLE_DEPTH_NESTING), "unlock"
		lock string // p, q, c, d: mmap locks; x: a mutex; a, b, e, f: PTE locks
	}
	for _, tc := range []struct {
		name    string
		steps   []step
		rules   []string
		msg     string // in the last diagnostic
		class   string // the class of the last splat's acquisition
		blocked bool   // task 0 ends blocked
	}{
		{name: "dup_mmap's nested child lock under a mutex ordered after the mmap lock",
			steps: []step{{0, "lock", "p"}, {0, "lock", "x"}, {0, "nested", "c"}, {0, "unlock", "c"}, {0, "unlock", "x"}, {0, "unlock", "p"},
				{1, "lock", "q"}, {1, "lock", "x"}}},
		{name: "a mutex taken under the nested class only",
			steps: []step{{0, "lock", "x"}, {0, "nested", "c"}, {0, "unlock", "c"}, {0, "unlock", "x"},
				{1, "lock", "q"}, {1, "lock", "x"}}},
		{name: "subclass 1 then subclass 0 against the learned 0 -> 1",
			steps: []step{{0, "lock", "p"}, {0, "nested", "c"}, {0, "unlock", "c"}, {0, "unlock", "p"},
				{1, "nested", "q"}, {1, "lock", "d"}},
			rules: []string{"lockdep/circular"},
			msg:   "taking d->mmap_lock (&mm->mmap_lock) while holding q->mmap_lock (&mm->mmap_lock/1), but &mm->mmap_lock -> &mm->mmap_lock/1 is established",
			class: "&mm->mmap_lock"},
		{name: "the plain class under a mutex ordered after the nested class",
			steps: []step{{0, "nested", "c"}, {0, "lock", "x"}, {0, "unlock", "x"}, {0, "unlock", "c"},
				{1, "lock", "x"}, {1, "nested", "q"}},
			rules: []string{"lockdep/circular"},
			msg:   "but &mm->mmap_lock/1 -> x is established",
			class: "&mm->mmap_lock/1"},
		{name: "two instances at the same subclass are recursive",
			steps: []step{{0, "nested", "p"}, {0, "nested", "c"}},
			rules: []string{"lock/recursive"},
			msg:   "another lock of class &mm->mmap_lock/1",
			class: "&mm->mmap_lock/1"},
		{name: "the same instance at another subclass passes lockdep and blocks on itself",
			steps:   []step{{0, "lock", "p"}, {0, "nested", "p"}},
			blocked: true},
		{name: "the same instance at the same subclass is recursive",
			steps:   []step{{0, "nested", "p"}, {0, "nested", "p"}},
			rules:   []string{"lock/recursive"},
			msg:     "p->mmap_lock already held for write by this thread",
			class:   "&mm->mmap_lock/1",
			blocked: true},
		{name: "move_ptes' nested PTE lock, in either order of instances",
			steps: []step{{0, "lock", "a"}, {0, "nested", "b"}, {0, "unlock", "b"}, {0, "unlock", "a"},
				{1, "lock", "b"}, {1, "nested", "a"}}},
		{name: "PTE subclass 1 then subclass 0",
			steps: []step{{0, "lock", "a"}, {0, "nested", "b"}, {0, "unlock", "b"}, {0, "unlock", "a"},
				{1, "nested", "e"}, {1, "lock", "f"}},
			rules: []string{"lockdep/circular"},
			msg:   "but ptlock_ptr(ptdesc) -> ptlock_ptr(ptdesc)/1 is established",
			class: "ptlock_ptr(ptdesc)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := NewKernel()
			locks := map[string]*Lock{"x": k.NewScriptLock(k.NewLockClass("x"), "x", ScriptMutex)}
			for _, n := range []string{"p", "q", "c", "d"} {
				m, err := k.NewMM(n)
				if err != nil {
					t.Fatal(err)
				}
				locks[n] = m.MmapLock
			}
			for _, n := range []string{"a", "b", "e", "f"} {
				locks[n] = NewLock(ClassPTELock, Spin, n)
			}
			tasks := []*Task{k.NewTask("T0"), k.NewTask("T1")}
			for i, s := range tc.steps {
				tk, l := at(tasks[s.task], i+1), locks[s.lock]
				switch s.op {
				case "nested":
					tk.subclass = SingleDepthNesting
					tk.Acquire(l, Write)
				case "lock":
					tk.Acquire(l, Write)
				case "unlock":
					if !tk.Release(l, Write) {
						t.Fatalf("step %d: %s not held", i+1, s.lock)
					}
				}
			}
			wantRules(t, k, tc.rules...)
			if tasks[0].Blocked() != tc.blocked {
				t.Errorf("T0 blocked = %v, want %v", tasks[0].Blocked(), tc.blocked)
			}
			if tc.rules == nil {
				return
			}
			d := lastDiag(t, k)
			if !strings.Contains(d.Msg, tc.msg) {
				t.Errorf("message %q lacks %q", d.Msg, tc.msg)
			}
			if d.Lockdep == nil || d.Lockdep.Acquire.Class != tc.class {
				t.Errorf("splat %+v, want the acquisition's class %q", d.Lockdep, tc.class)
			}
		})
	}
}

// TestVMAReadLockNestedSubclass: vma_start_read_locked_nested() tells
// lockdep its subclass (rwsem_acquire_read(&vma->vmlock_dep_map, subclass,
// 1, _RET_IP_)); look_up_lock_class() refuses one of
// MAX_LOCKDEP_SUBCLASSES or more.
func TestVMAReadLockNestedSubclass(t *testing.T) {
	k, m := newMM(t)
	src, dst := mapAnon(t, k, m, 0x200000, 1), mapAnon(t, k, m, 0x600000, 1)
	tk := k.NewTask("T")
	do(t, k, at(tk, 1), "mmap_read_lock", mmV(m))
	do(t, k, at(tk, 2), "vma_start_read_locked", vmaV(dst))
	op := LookupOp("vma_start_read_locked_nested")
	if r := op.Fn(&Call{K: k, T: at(tk, 3), Op: op, Args: []Value{vmaV(src), Int(maxSubclasses)}}); r.Status != Failed ||
		!strings.Contains(r.Err.Error(), "subclass 8 is not a lockdep subclass") {
		t.Fatalf("subclass 8: %+v", r)
	}
	do(t, k, at(tk, 4), "vma_start_read_locked_nested", vmaV(src), Int(SingleDepthNesting))
	var classes []string
	for _, h := range k.HeldLocks(tk) {
		classes = append(classes, h.Class)
	}
	if got := strings.Join(classes, ","); got != "&mm->mmap_lock,vm_lock,vm_lock/1" {
		t.Errorf("held classes %s", got)
	}
	wantRules(t, k)
}

// TestLockdepSubclassesRunOut: when the classes kept for subclasses are
// used up, a _nested acquisition falls back to its lock's class and skips
// the check against that class, as the model did before subclasses were
// classes (lockdep itself turns off when it runs out of classes:
// register_lock_class(), "BUG: MAX_LOCKDEP_KEYS too low!").
func TestLockdepSubclassesRunOut(t *testing.T) {
	k, m := newMM(t)
	for i := 0; i < MaxScriptLocks; i++ {
		k.NewLockClass("x")
	}
	n := 0
	for c := ClassMmapLock; c < ClassUser; c++ {
		for sub := uint8(1); sub < maxSubclasses; sub++ {
			if _, ok := k.dep.classOf(c, sub); ok {
				n++
			}
		}
	}
	if n != subclassClasses {
		t.Fatalf("%d subclass classes made, want %d", n, subclassClasses)
	}
	if c, ok := k.dep.classOf(ClassUser, 1); ok || c != ClassUser {
		t.Fatalf("a class past the end: %d, %v", c, ok)
	}
	m2, err := k.NewMM("m2")
	if err != nil {
		t.Fatal(err)
	}
	tk := k.NewTask("T")
	at(tk, 1).Acquire(m.MmapLock, Write)
	tk.subclass = 5 // subclasses 1 to 7 of the first classes took the room
	at(tk, 2).Acquire(m2.MmapLock, Write)
	wantRules(t, k)
}
