package runtime

import "testing"

// cond_resched() is a sleep point (lock/sleep-in-atomic under a spinlock,
// in an RCU reader or with IRQs off) and, inside rcu_read_lock(), the
// quiescent state of non-preemptible RCU (cond_resched/rcu-reader).
func TestCondResched(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before []string // operations taking the context, undone after
		want   []string
	}{
		{"process context", nil, nil},
		{"RCU reader", []string{"rcu_read_lock"}, []string{"lock/sleep-in-atomic", "cond_resched/rcu-reader"}},
		{"IRQs off", []string{"local_irq_disable"}, []string{"lock/sleep-in-atomic"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := NewKernel()
			tk := k.NewTask("t")
			for _, op := range tc.before {
				do(t, k, tk, op)
			}
			do(t, k, tk, "cond_resched")
			wantRules(t, k, tc.want...)
		})
	}
	k, m := newMM(t)
	tk := k.NewTask("t")
	do(t, k, tk, "spin_lock", Obj(TLock, m.PageTableLock))
	do(t, k, tk, "cond_resched")
	do(t, k, tk, "spin_unlock", Obj(TLock, m.PageTableLock))
	wantRules(t, k, "lock/sleep-in-atomic")
}

// might_lock() and might_lock_read() record the dependency an acquisition
// would: a later acquisition in the other order is a circular dependency
// although the annotated lock was never taken, and annotating a lock the
// task holds is recursive locking.
func TestMightLock(t *testing.T) {
	for _, op := range []string{"might_lock", "might_lock_read"} {
		t.Run(op, func(t *testing.T) {
			k, m := newMM(t)
			a, b := k.NewTask("a"), k.NewTask("b")
			dev := k.NewScriptLock(k.NewLockClass("dev_lock"), "dev_lock", ScriptMutex)
			do(t, k, a, "mutex_lock", Obj(TLock, dev))
			do(t, k, a, op, Obj(TLock, m.MmapLock)) // dev_lock -> mmap_lock, nothing taken
			if m.MmapLock.heldBy(a) != 0 {
				t.Fatalf("%s took the lock", op)
			}
			do(t, k, a, "mutex_unlock", Obj(TLock, dev))
			wantRules(t, k)
			do(t, k, b, "mmap_read_lock", mmV(m))
			do(t, k, b, "mutex_lock", Obj(TLock, dev)) // mmap_lock -> dev_lock
			do(t, k, b, "mutex_unlock", Obj(TLock, dev))
			do(t, k, b, "mmap_read_unlock", mmV(m))
			wantRules(t, k, "lockdep/circular")
		})
	}
	k, _ := newMM(t)
	tk := k.NewTask("t")
	dev := k.NewScriptLock(k.NewLockClass("dev_lock"), "dev_lock", ScriptMutex)
	do(t, k, tk, "mutex_lock", Obj(TLock, dev))
	do(t, k, tk, "might_lock", Obj(TLock, dev))
	do(t, k, tk, "mutex_unlock", Obj(TLock, dev))
	wantRules(t, k, "lock/recursive")
}
