package runtime

import (
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
	for _, n := range []string{"a", "b", "ss", "ss2", "m"} {
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
