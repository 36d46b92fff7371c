package runtime

import (
	"fmt"
	"strings"
	"testing"
)

// scriptLockStep is one call of a script-lock table test: task i calls op
// on the named lock (extra arguments after it).
type scriptLockStep struct {
	task int
	op   string
	lock string
	args []Value
}

// runScriptLockSteps declares the locks (name -> kind), runs the steps on
// tasks T0..T2 and returns the kernel and the tasks. A step of a blocked
// task is a test error.
func runScriptLockSteps(t *testing.T, kinds map[string]ScriptLockKind, steps []scriptLockStep) (*Kernel, []*Task, map[string]*Lock) {
	t.Helper()
	k := NewKernel()
	locks := map[string]*Lock{}
	for _, n := range []string{"a", "b", "ss", "ss2", "m", "sp"} {
		if kind, ok := kinds[n]; ok {
			locks[n] = k.NewScriptLock(k.NewLockClass(n), n, kind)
		}
	}
	tasks := []*Task{k.NewTask("T0"), k.NewTask("T1"), k.NewTask("T2")}
	pending := map[*Task]*opCall{}
	for i, s := range steps {
		tk := at(tasks[s.task], i+1)
		if tk.Blocked() {
			t.Fatalf("step %d: %s is blocked", i+1, tk.Name)
		}
		// A task granted what it waited for finishes that call first.
		if oc := pending[tk]; oc != nil {
			oc.settle(t)
			delete(pending, tk)
		}
		args := []Value{}
		if s.lock != "" {
			args = append(args, Obj(TLock, locks[s.lock]))
		}
		args = append(args, s.args...)
		if oc := start(t, k, tk, s.op, args...); oc.r.Status == Blocked {
			pending[tk] = oc
		}
	}
	return k, tasks, locks
}

// A script's `rwsem NAME` is an rw_semaphore of a class of its own, taken
// with the generic API (kernel/locking/rwsem.c): readers share it, a
// writer excludes them, a reader that arrives while a writer waits queues
// behind it (so a second down_read() deadlocks), lockdep reports the
// recursion and learns its order against the script's other locks.
func TestScriptRWSem(t *testing.T) {
	rw := map[string]ScriptLockKind{"a": ScriptRWSem, "b": ScriptMutex}
	for _, tc := range []struct {
		name    string
		steps   []scriptLockStep
		rules   []string
		msg     string
		blocked []bool // T0, T1, T2
	}{
		{name: "two readers share it",
			steps:   []scriptLockStep{{0, "down_read", "a", nil}, {1, "down_read", "a", nil}, {0, "up_read", "a", nil}, {1, "up_read", "a", nil}},
			blocked: []bool{false, false, false}},
		{name: "a writer waits for the reader",
			steps:   []scriptLockStep{{0, "down_read", "a", nil}, {1, "down_write", "a", nil}},
			blocked: []bool{false, true, false}},
		{name: "a reader queues behind a waiting writer",
			steps:   []scriptLockStep{{0, "down_read", "a", nil}, {1, "down_write", "a", nil}, {2, "down_read", "a", nil}},
			blocked: []bool{false, true, true}},
		{name: "a second read deadlocks behind the queued writer, and lockdep says so",
			steps:   []scriptLockStep{{0, "down_read", "a", nil}, {1, "down_write", "a", nil}, {0, "down_read", "a", nil}},
			rules:   []string{"lock/recursive"},
			msg:     "recursive locking: a already held for read by this thread",
			blocked: []bool{true, true, false}},
		{name: "the writer, downgraded, lets readers in and keeps writers out",
			steps: []scriptLockStep{{0, "down_write", "a", nil}, {1, "down_read", "a", nil}, {2, "down_write", "a", nil},
				{0, "downgrade_write", "a", nil}},
			blocked: []bool{false, false, true}},
		{name: "trylock fails under a writer",
			steps:   []scriptLockStep{{0, "down_write", "a", nil}, {1, "down_read_trylock", "a", nil}},
			blocked: []bool{false, false, false}},
		{name: "an order against a mutex is learned and checked",
			steps: []scriptLockStep{{0, "down_read", "a", nil}, {0, "mutex_lock", "b", nil}, {0, "mutex_unlock", "b", nil}, {0, "up_read", "a", nil},
				{1, "mutex_lock", "b", nil}, {1, "down_write", "a", nil}},
			rules:   []string{"lockdep/circular"},
			msg:     "taking a while holding b, but a -> b is established",
			blocked: []bool{false, false, false}},
		{name: "up_write of a read hold",
			steps:   []scriptLockStep{{0, "down_read", "a", nil}, {0, "up_write", "a", nil}},
			rules:   []string{"lock/unlock-wrong-mode"},
			msg:     "up_write: a is held for read, not write by this thread",
			blocked: []bool{false, false, false}},
		{name: "down_read_nested of a second rwsem of the class",
			steps:   []scriptLockStep{{0, "down_read", "a", nil}, {0, "down_read_nested", "a", []Value{Int(SingleDepthNesting)}}},
			blocked: []bool{false, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, tasks, _ := runScriptLockSteps(t, rw, tc.steps)
			wantRules(t, k, tc.rules...)
			if tc.msg != "" && !strings.Contains(lastDiag(t, k).Msg, tc.msg) {
				t.Errorf("message %q lacks %q", lastDiag(t, k).Msg, tc.msg)
			}
			for i, want := range tc.blocked {
				if tasks[i].Blocked() != want {
					t.Errorf("%s blocked = %v, want %v", tasks[i].Name, tasks[i].Blocked(), want)
				}
			}
		})
	}
}

// A mutex or spinlock is no rw_semaphore: the rwsem API refuses it.
func TestScriptRWSemRefusesOtherLocks(t *testing.T) {
	k := NewKernel()
	tk := k.NewTask("T")
	for _, kind := range []ScriptLockKind{ScriptMutex, ScriptSpinlock} {
		l := k.NewScriptLock(k.NewLockClass("x"), "x", kind)
		op := LookupOp("down_read")
		r := op.Fn(&Call{K: k, T: tk, Op: op, Args: []Value{Obj(TLock, l)}})
		if r.Status != Failed || !strings.Contains(r.Err.Error(), "is not an rw_semaphore") {
			t.Errorf("down_read of a %s: %+v", ScriptLockKinds[kind], r)
		}
	}
}

// `srcu NAME` is a struct srcu_struct (srcu.go): sections nest and may
// sleep, synchronize_srcu() waits for the sections of its srcu_struct
// open at the call and no others, and lockdep sees it as include/linux/
// srcu.h annotates it (srcu_lock_acquire(): a recursive read;
// srcu_lock_sync(): an empty write-side section).
func TestScriptSRCU(t *testing.T) {
	kinds := map[string]ScriptLockKind{"ss": ScriptSRCU, "ss2": ScriptSRCU, "m": ScriptMutex, "a": ScriptRWSem}
	for _, tc := range []struct {
		name    string
		steps   []scriptLockStep
		rules   []string
		msg     string
		blocked []bool // T0, T1, T2
	}{
		{name: "a reader does not stop another",
			steps:   []scriptLockStep{{0, "srcu_read_lock", "ss", nil}, {1, "srcu_read_lock", "ss", nil}, {1, "srcu_read_unlock", "ss", []Value{Int(0)}}},
			blocked: []bool{false, false, false}},
		{name: "synchronize_srcu waits for a reader that began before it",
			steps:   []scriptLockStep{{0, "srcu_read_lock", "ss", nil}, {1, "synchronize_srcu", "ss", nil}},
			blocked: []bool{false, true, false}},
		{name: "and returns when that reader leaves",
			steps:   []scriptLockStep{{0, "srcu_read_lock", "ss", nil}, {1, "synchronize_srcu", "ss", nil}, {0, "srcu_read_unlock", "ss", []Value{Int(0)}}},
			blocked: []bool{false, false, false}},
		{name: "a reader that began after the call is not waited for",
			steps: []scriptLockStep{{0, "srcu_read_lock", "ss", nil}, {1, "synchronize_srcu", "ss", nil}, {2, "srcu_read_lock", "ss", nil},
				{0, "srcu_read_unlock", "ss", []Value{Int(0)}}},
			blocked: []bool{false, false, false}},
		{name: "the grace period waits for the reader's outer section, not its nested one",
			steps: []scriptLockStep{{0, "srcu_read_lock", "ss", nil}, {1, "synchronize_srcu", "ss", nil}, {0, "srcu_read_lock", "ss", nil},
				{0, "srcu_read_unlock", "ss", []Value{Int(1)}}},
			blocked: []bool{false, true, false}},
		{name: "another srcu_struct's reader is not waited for",
			steps:   []scriptLockStep{{0, "srcu_read_lock", "ss2", nil}, {1, "synchronize_srcu", "ss", nil}},
			blocked: []bool{false, false, false}},
		{name: "an SRCU reader may sleep",
			steps:   []scriptLockStep{{0, "srcu_read_lock", "ss", nil}, {0, "msleep", "", nil}, {0, "mutex_lock", "m", nil}, {0, "might_sleep", "", nil}},
			blocked: []bool{false, false, false}},
		{name: "nested sections of one srcu_struct are no recursion",
			steps:   []scriptLockStep{{0, "srcu_read_lock", "ss", nil}, {0, "srcu_read_lock", "ss", nil}},
			blocked: []bool{false, false, false}},
		{name: "synchronize_srcu inside its own section: lockdep's recursion, and a self-deadlock",
			steps:   []scriptLockStep{{0, "srcu_read_lock", "ss", nil}, {0, "synchronize_srcu", "ss", nil}},
			rules:   []string{"srcu/synchronize-in-reader"},
			msg:     "possible recursive locking: synchronize_srcu(&ss) inside a read-side section of ss",
			blocked: []bool{true, false, false}},
		{name: "synchronize_srcu inside another srcu_struct's section is fine",
			steps:   []scriptLockStep{{0, "srcu_read_lock", "ss2", nil}, {0, "synchronize_srcu", "ss", nil}},
			blocked: []bool{false, false, false}},
		{name: "synchronize_srcu in an RCU reader sleeps in atomic context",
			steps:   []scriptLockStep{{0, "rcu_read_lock", "", nil}, {0, "synchronize_srcu", "ss", nil}},
			rules:   []string{"lock/sleep-in-atomic", "rcu/context-switch-in-reader"},
			blocked: []bool{false, false, false}},
		{name: "a mutex held across synchronize_srcu and taken by a reader: lockdep's cycle",
			steps: []scriptLockStep{{0, "mutex_lock", "m", nil}, {0, "synchronize_srcu", "ss", nil}, {0, "mutex_unlock", "m", nil},
				{1, "srcu_read_lock", "ss", nil}, {1, "mutex_lock", "m", nil}},
			rules:   []string{"lockdep/circular"},
			msg:     "taking m while holding ss, but m -> ss is established",
			blocked: []bool{false, false, false}},
		{name: "the same cycle found from the reader's side",
			steps: []scriptLockStep{{1, "srcu_read_lock", "ss", nil}, {1, "mutex_lock", "m", nil}, {1, "mutex_unlock", "m", nil}, {1, "srcu_read_unlock", "ss", []Value{Int(0)}},
				{0, "mutex_lock", "m", nil}, {0, "synchronize_srcu", "ss", nil}},
			rules:   []string{"lockdep/circular"},
			msg:     "taking ss while holding m, but ss -> m is established",
			blocked: []bool{false, false, false}},
		{name: "a reader's section under a mutex, in both orders, is no cycle (readers never wait)",
			steps: []scriptLockStep{{1, "srcu_read_lock", "ss", nil}, {1, "mutex_lock", "m", nil}, {1, "mutex_unlock", "m", nil}, {1, "srcu_read_unlock", "ss", []Value{Int(0)}},
				{0, "mutex_lock", "m", nil}, {0, "srcu_read_lock", "ss", nil}},
			blocked: []bool{false, false, false}},
		{name: "the reader waits for the mutex, the updater for the reader: a deadlock",
			steps:   []scriptLockStep{{1, "srcu_read_lock", "ss", nil}, {0, "mutex_lock", "m", nil}, {0, "synchronize_srcu", "ss", nil}, {1, "mutex_lock", "m", nil}},
			rules:   []string{"lockdep/circular"},
			blocked: []bool{true, true, false}},
		{name: "unlock without a section",
			steps:   []scriptLockStep{{0, "srcu_read_unlock", "ss", []Value{Int(0)}}},
			rules:   []string{"lock/unlock-not-held"},
			msg:     "srcu_read_unlock: no read-side section of ss is open in this thread",
			blocked: []bool{false, false, false}},
		{name: "unlock with an index that is none",
			steps:   []scriptLockStep{{0, "srcu_read_lock", "ss", nil}, {0, "srcu_read_unlock", "ss", []Value{Int(2)}}},
			rules:   []string{"srcu/bad-idx"},
			blocked: []bool{false, false, false}},
		{name: "unlock with the other index, after a grace period flipped it",
			steps: []scriptLockStep{{1, "synchronize_srcu", "ss", nil}, {0, "srcu_read_lock", "ss", nil},
				{0, "srcu_read_unlock", "ss", []Value{Int(0)}}},
			rules:   []string{"srcu/wrong-idx"},
			msg:     "srcu_read_unlock(&ss, 0) ends a section whose srcu_read_lock() returned 1",
			blocked: []bool{false, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, tasks, _ := runScriptLockSteps(t, kinds, tc.steps)
			wantRules(t, k, tc.rules...)
			if tc.msg != "" && !strings.Contains(lastDiag(t, k).Msg, tc.msg) {
				t.Errorf("message %q lacks %q", lastDiag(t, k).Msg, tc.msg)
			}
			for i, want := range tc.blocked {
				if tasks[i].Blocked() != want {
					t.Errorf("%s blocked = %v, want %v", tasks[i].Name, tasks[i].Blocked(), want)
				}
			}
		})
	}
}

// srcu_read_lock() returns the index a grace period flips
// (__srcu_read_lock(): ssp->srcu_idx & 1; srcu_flip()).
func TestSRCUIndexFlips(t *testing.T) {
	k := NewKernel()
	ss := k.NewScriptLock(k.NewLockClass("ss"), "ss", ScriptSRCU)
	r, u := k.NewTask("R"), k.NewTask("U")
	var got []int64
	for i := 0; i < 3; i++ {
		got = append(got, do(t, k, at(r, 1), "srcu_read_lock", Obj(TLock, ss)).Int)
		do(t, k, at(r, 2), "srcu_read_unlock", Obj(TLock, ss), Int(got[i]))
		do(t, k, at(u, 3), "synchronize_srcu", Obj(TLock, ss))
	}
	if fmt.Sprint(got) != "[0 1 0]" {
		t.Errorf("indices %v, want [0 1 0]", got)
	}
	wantRules(t, k)
}

// `bitlock NAME` is a sleeping bit lock without a lockdep map (bitlock.go,
// include/linux/wait_bit.h): an inversion or a recursion is no lockdep
// report, only the deadlock it causes; any thread may clear the bit.
func TestScriptBitLock(t *testing.T) {
	bits := map[string]ScriptLockKind{"a": ScriptBitLock, "b": ScriptBitLock, "sp": ScriptSpinlock}
	for _, tc := range []struct {
		name    string
		kinds   map[string]ScriptLockKind
		steps   []scriptLockStep
		rules   []string
		blocked []bool // T0, T1, T2
	}{
		{name: "an ABBA inversion deadlocks, and lockdep sees nothing",
			steps:   []scriptLockStep{{0, "wait_on_bit_lock", "a", nil}, {1, "wait_on_bit_lock", "b", nil}, {0, "wait_on_bit_lock", "b", nil}, {1, "wait_on_bit_lock", "a", nil}},
			blocked: []bool{true, true, false}},
		{name: "the same order learned and inverted later: still nothing",
			steps: []scriptLockStep{{0, "wait_on_bit_lock", "a", nil}, {0, "wait_on_bit_lock", "b", nil}, {0, "clear_and_wake_up_bit", "b", nil}, {0, "clear_and_wake_up_bit", "a", nil},
				{1, "wait_on_bit_lock", "b", nil}, {1, "wait_on_bit_lock", "a", nil}},
			blocked: []bool{false, false, false}},
		{name: "as mutexes, lockdep reports the inverted order",
			kinds: map[string]ScriptLockKind{"a": ScriptMutex, "b": ScriptMutex},
			steps: []scriptLockStep{{0, "mutex_lock", "a", nil}, {0, "mutex_lock", "b", nil}, {0, "mutex_unlock", "b", nil}, {0, "mutex_unlock", "a", nil},
				{1, "mutex_lock", "b", nil}, {1, "mutex_lock", "a", nil}},
			rules:   []string{"lockdep/circular"},
			blocked: []bool{false, false, false}},
		{name: "a recursion is a silent self-deadlock",
			steps:   []scriptLockStep{{0, "wait_on_bit_lock", "a", nil}, {0, "wait_on_bit_lock", "a", nil}},
			blocked: []bool{true, false, false}},
		{name: "another thread may clear the bit, and wakes the waiter",
			steps:   []scriptLockStep{{0, "wait_on_bit_lock", "a", nil}, {1, "wait_on_bit_lock", "a", nil}, {2, "clear_and_wake_up_bit", "a", nil}},
			blocked: []bool{false, false, false}},
		{name: "clearing a clear bit",
			steps:   []scriptLockStep{{0, "clear_and_wake_up_bit", "a", nil}},
			rules:   []string{"bitlock/clear-not-set"},
			blocked: []bool{false, false, false}},
		{name: "a failed test_and_set_bit_lock, then the clear of the holder's bit",
			steps:   []scriptLockStep{{0, "wait_on_bit_lock", "a", nil}, {1, "test_and_set_bit_lock", "a", nil}, {1, "clear_and_wake_up_bit", "a", nil}},
			rules:   []string{"test_and_set_bit_lock/failure-ignored"},
			blocked: []bool{false, false, false}},
		{name: "waiting for a bit under a spinlock",
			steps:   []scriptLockStep{{0, "spin_lock", "sp", nil}, {0, "wait_on_bit_lock", "a", nil}},
			rules:   []string{"lock/sleep-in-atomic"},
			blocked: []bool{false, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kinds := bits
			if tc.kinds != nil {
				kinds = tc.kinds
			}
			k, tasks, _ := runScriptLockSteps(t, kinds, tc.steps)
			wantRules(t, k, tc.rules...)
			for i, want := range tc.blocked {
				if tasks[i].Blocked() != want {
					t.Errorf("%s blocked = %v, want %v", tasks[i].Name, tasks[i].Blocked(), want)
				}
			}
		})
	}
}

// test_and_set_bit_lock() returns the old bit; a bit left set at exit is
// no lockdep report (no map); a bit lock is no mutex and a mutex no bit
// lock.
func TestScriptBitLockCalls(t *testing.T) {
	k := NewKernel()
	a := k.NewScriptLock(k.NewLockClass("a"), "a", ScriptBitLock)
	m := k.NewScriptLock(k.NewLockClass("m"), "m", ScriptMutex)
	tk := at(k.NewTask("T"), 1)
	if old := do(t, k, tk, "test_and_set_bit_lock", Obj(TLock, a)); old.Truth() {
		t.Errorf("first test_and_set_bit_lock = %v, want false (taken)", old)
	}
	if old := do(t, k, tk, "test_and_set_bit_lock", Obj(TLock, a)); !old.Truth() {
		t.Errorf("second test_and_set_bit_lock = %v, want true (set already)", old)
	}
	k.ExitTask(tk, tk.Pos)
	wantRules(t, k)
	for _, x := range []struct {
		op string
		l  *Lock
	}{{"mutex_lock", a}, {"wait_on_bit_lock", m}, {"clear_and_wake_up_bit", m}} {
		op := LookupOp(x.op)
		if r := op.Fn(&Call{K: k, T: k.NewTask("U"), Op: op, Args: []Value{Obj(TLock, x.l)}}); r.Status != Failed {
			t.Errorf("%s(%s): %+v, want a failure", x.op, x.l.Name, r)
		}
	}
}
