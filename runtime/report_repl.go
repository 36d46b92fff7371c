package runtime

// The REPL's :locks view lists locks as the reports do.

// HeldLocks lists what t holds, in acquisition order, in lockdep's
// notation.
func (k *Kernel) HeldLocks(t *Task) []HeldLock { return k.heldLocks(t) }

// WaitingLock describes the lock t waits for, at the position it waits,
// and reports whether it waits at all.
func (k *Kernel) WaitingLock(t *Task) (HeldLock, bool) {
	l, mode, pos := t.WaitingFor()
	if l == nil {
		return HeldLock{}, false
	}
	return HeldLock{Lock: l.Name, Class: k.dep.subName(l.Class, t.waitSub), Mode: modeName(l, mode), Pos: pos}, true
}

// String prints the lock as a lockdep held-locks list does:
// "m->mmap_lock (&mm->mmap_lock){read}, at: file:line:col".
func (h HeldLock) String() string { return lockAt(h) }
