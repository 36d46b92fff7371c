package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/lang"
)

// The caller's duties toward a result: test a NULL result before using
// it (API.NullResult) and do not discard a __must_check one
// (API.MustCheck).

// NullResultOf is the value of a call of op at pos that returned v: a
// NULL result of an API whose kernel function may return NULL remembers
// the call (NilFrom), so that a use of it reports that API's rule.
func (t *Task) NullResultOf(op *Op, pos lang.Pos, v Value) Value {
	if v.T != TNil || v.Obj != nil || op == nil || op.API == nil || op.API.nullRule == nil {
		return v
	}
	return NilFrom(op.API.Name, t.ScriptPos(pos))
}

// NullDereferenced reports t's use of o's NULL result as use says it
// ("vma_end_read() (argument vma)", "the read of .vm_start"): the kernel
// dereferences NULL there and oopses, so t dies holding its locks.
func (k *Kernel) NullDereferenced(t *Task, o *NilOrigin, use string) {
	a := LookupAPI(o.API)
	if a == nil || a.nullRule == nil {
		return
	}
	k.violate(t, k.inVersion(a.nullRule), fmt.Sprintf("the NULL that %s() returned at line %d goes untested into %s: a NULL pointer dereference", o.API, o.Pos.Line, use),
		Related{o.Pos, o.API + "() returned NULL here"})
}

// ResultUnused reports a statement that discards the result of a call of
// op, declared __must_check: the compiler warns at build time. Reported
// when the statement runs, at the call.
func (k *Kernel) ResultUnused(t *Task, op *Op) {
	if op.API == nil || op.API.unusedRule == nil {
		return
	}
	r := k.inVersion(op.API.unusedRule)
	if r.Kernel == Unchecked {
		return // this kernel's declaration has no __must_check
	}
	k.violate(t, r, fmt.Sprintf("the result of %s() is discarded: \"ignoring return value of '%s' declared with attribute 'warn_unused_result'\" (-Wunused-result)", op.Name, op.Name))
}

// PathResult is v, the value the innermost kernel-library function t
// entered (EnterPath) returns, as NullResultOf makes it for that path's
// operation (find_extend_vma_locked's NULL). Call it before LeavePath.
func (t *Task) PathResult(v Value) Value {
	if v.T != TNil || len(t.calls) == 0 {
		return v
	}
	f := t.calls[len(t.calls)-1]
	if f.path == "" {
		return v
	}
	return t.NullResultOf(LookupOp(f.path), f.pos, v)
}

// failedAttempt is an attempt of API (API.FailRule) at Pos that failed:
// the trylock took no lock, mmget_not_zero() no reference.
type failedAttempt struct {
	API string
	Pos lang.Pos
}

// tried is the result of c's attempt at l: a failure is remembered until
// the task takes l, so that its release of l (release, folio_unlock)
// reports the attempt's FailRule instead of the bare unbalanced unlock.
func (c *Call) tried(l *Lock, taken bool) Result {
	if taken || c.Op.API == nil || c.Op.API.FailRule == nil {
		return done(Bool(taken))
	}
	if c.T.failedTry == nil {
		c.T.failedTry = map[*Lock]failedAttempt{}
	}
	c.T.failedTry[l] = failedAttempt{c.Op.API.Name, c.T.ScriptPos(c.T.Pos)}
	return done(Bool(false))
}

// failedTryOf returns and forgets t's failed attempt at l, if any.
func (t *Task) failedTryOf(l *Lock) (failedAttempt, bool) {
	f, ok := t.failedTry[l]
	if ok {
		delete(t.failedTry, l)
	}
	return f, ok
}

// failureIgnored reports t going on after f failed, as use says
// ("mutex_unlock() releases drv_lock, which this thread does not hold"),
// with the reaction kernel of the check that catches it there.
func (k *Kernel) failureIgnored(t *Task, f failedAttempt, kernel Reaction, use string) *Diagnostic {
	r := LookupAPI(f.API).FailRule
	msg := fmt.Sprintf("%s() failed at line %d and the caller went on as if it had succeeded: %s", f.API, f.Pos.Line, use)
	rel := Related{f.Pos, f.API + "() failed here"}
	if kernel != r.Kernel {
		rr := *r
		rr.Kernel = kernel
		r = &rr
	}
	return k.violate(t, r, msg, rel)
}
