package runtime

import (
	"strings"
	"testing"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// Helpers shared by the package's tests: they drive kernel operations the
// way the interpreter does (interp/exec.go opOpCall and interp/machine.go
// handle), one step at a time.

// at sets the task's current position to line n of a pretend script, so
// that diagnostics can be told apart by line.
func at(t *Task, line int) *Task {
	t.Pos = lang.Pos{Filename: "test.mms", Line: line, Column: 1}
	return t
}

// opCall is one operation in progress.
type opCall struct {
	c *Call
	r Result
}

// start begins operation name for task t with the given positional
// arguments; missing trailing arguments take their defaults, as the
// compiler fills them in.
func start(tb testing.TB, k *Kernel, t *Task, name string, args ...Value) *opCall {
	tb.Helper()
	op := LookupOp(name)
	if op == nil {
		tb.Fatalf("no op %s", name)
	}
	if op.Path {
		tb.Fatalf("%s is a kernel-library path: run it through interp", name)
	}
	a := append([]Value(nil), args...)
	for i := len(a); i < len(op.Params); i++ {
		if !op.Params[i].Optional && !op.Params[i].Variadic {
			tb.Fatalf("%s: missing argument %s", name, op.Params[i].Name)
		}
		if op.Params[i].Variadic {
			break
		}
		a = append(a, op.Params[i].Default)
	}
	c := &Call{K: k, T: t, Op: op, Args: a, Pos: t.Pos}
	k.TouchesOp(c) // as the interpreter does, when a footprint is installed
	oc := &opCall{c: c, r: op.Fn(c)}
	k.NoteChanges(t) // as the interpreter does after each step
	oc.settle(tb)
	return oc
}

// settle runs continuations that need no outside event: a lock that was
// granted after all. A handler call is a test error (these tests use VMAs
// without handlers).
func (oc *opCall) settle(tb testing.TB) {
	tb.Helper()
	for {
		switch oc.r.Status {
		case Blocked:
			if oc.c.T.Blocked() {
				return
			}
			oc.r = oc.r.Next(oc.c)
			oc.c.K.NoteChanges(oc.c.T)
		case CallHandler:
			tb.Fatalf("%s: unexpected handler call %s", oc.c.Op.Name, oc.r.Desc)
			return
		case Failed:
			tb.Fatalf("%s: %v", oc.c.Op.Name, oc.r.Err)
			return
		default:
			return
		}
	}
}

// resume continues a blocked operation once its task holds the lock.
func (oc *opCall) resume(tb testing.TB) {
	tb.Helper()
	if oc.r.Status != Blocked {
		tb.Fatalf("%s: resume of an operation that is not blocked (status %d)", oc.c.Op.Name, oc.r.Status)
	}
	if oc.c.T.Blocked() {
		tb.Fatalf("%s: resume while %s still waits", oc.c.Op.Name, oc.c.T.Name)
	}
	oc.r = oc.r.Next(oc.c)
	oc.c.K.NoteChanges(oc.c.T)
	oc.settle(tb)
}

func (oc *opCall) blocked() bool { return oc.r.Status == Blocked && oc.c.T.Blocked() }

// value returns the finished operation's value.
func (oc *opCall) value(tb testing.TB) Value {
	tb.Helper()
	if oc.r.Status != Done {
		tb.Fatalf("%s: not done (status %d)", oc.c.Op.Name, oc.r.Status)
	}
	return oc.r.Value
}

// do runs an operation that must finish at once and returns its value.
func do(tb testing.TB, k *Kernel, t *Task, name string, args ...Value) Value {
	tb.Helper()
	oc := start(tb, k, t, name, args...)
	return oc.value(tb)
}

func mmV(m *MM) Value            { return Obj(TMM, m) }
func vmaV(v *mmcore.VMA) Value   { return Obj(TVMA, v) }
func pageV(p *mmcore.Page) Value { return Obj(TPage, p) }
func addrV(a uint64) Value       { return Int(int64(a)) }

// newMM makes a kernel and an mm named m.
func newMM(tb testing.TB) (*Kernel, *MM) {
	tb.Helper()
	k := NewKernel()
	m, err := k.NewMM("m")
	if err != nil {
		tb.Fatal(err)
	}
	return k, m
}

// mapAnon maps pages anonymous rw pages at addr, as a set-up task's
// mmap() would (the mmap path is the kernel library's, which needs the
// interpreter: interp/kernellib_test.go tests it).
func mapAnon(tb testing.TB, k *Kernel, m *MM, addr uint64, pages int64) *mmcore.VMA {
	tb.Helper()
	return mapVMA(tb, k, m, addr, pages, mmcore.MAP_PRIVATE|mmcore.MAP_ANONYMOUS, nil, "")
}

// mapVMA maps pages at addr with MAP_FIXED and flags, of file f (nil:
// anonymous), with the VM flags vm a driver's mmap hook would add; the
// new VMA is never merged with a neighbour.
func mapVMA(tb testing.TB, k *Kernel, m *MM, addr uint64, pages int64, flags mmcore.MapFlags, f *File, vm string) *mmcore.VMA {
	tb.Helper()
	var cf *mmcore.File
	if f != nil {
		cf = f.Core
	}
	extra, err := parseVMFlags(vm)
	if err != nil {
		tb.Fatal(err)
	}
	v, _, err := m.Core.PrepareMmap(mmcore.Addr(addr), uint64(pages)<<mmcore.PageShift, mmcore.PROT_READ|mmcore.PROT_WRITE,
		flags|mmcore.MAP_FIXED, cf, 0)
	if err != nil {
		tb.Fatalf("mmap at %#x: %v", addr, err)
	}
	v.Flags |= extra
	if err := m.Core.InsertVMA(v); err != nil {
		tb.Fatalf("mmap at %#x: %v", addr, err)
	}
	k.vmaState(v)
	return v
}

// rules returns the rule ids of the diagnostics found so far.
func rules(k *Kernel) []string {
	var ids []string
	for _, d := range k.Diagnostics() {
		ids = append(ids, d.Rule)
	}
	return ids
}

// wantRules fails unless the diagnostics so far have exactly these rule ids,
// in order.
func wantRules(tb testing.TB, k *Kernel, want ...string) {
	tb.Helper()
	got := rules(k)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		var b strings.Builder
		for _, d := range k.Diagnostics() {
			b.WriteString("\n\t" + d.String())
		}
		tb.Fatalf("diagnostics: got rules %q, want %q%s", got, want, b.String())
	}
}

// lastDiag returns the last diagnostic, failing if there is none.
func lastDiag(tb testing.TB, k *Kernel) *Diagnostic {
	tb.Helper()
	ds := k.Diagnostics()
	if len(ds) == 0 {
		tb.Fatal("no diagnostics")
	}
	return ds[len(ds)-1]
}
