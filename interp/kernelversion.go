package interp

import (
	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// The kernel a script models: a script may carry its kernel (`kernel
// 5.15`, lang.KernelDecl), so that a script of an old bug tests as what it
// is with a plain `mmscript test`, and a script or the kernel library
// branches on the version as the kernel's own code does:
//
//	if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0) { ... }
//
// LINUX_VERSION_CODE reads the version of the run (opKernelVersion: the
// -kernel flag or the script's line, known only when the run starts),
// KERNEL_VERSION(a, b, c) is (a << 16) + (b << 8) + c as in
// include/generated/uapi/linux/version.h. Mainline reads as 7.1.

const linuxVersionCode = "LINUX_VERSION_CODE"

// isKernelVersion reports whether name is the KERNEL_VERSION() macro (a
// script's own func of that name wins).
func isKernelVersion(c *compiler, name string) bool {
	if name != "KERNEL_VERSION" {
		return false
	}
	_, isFunc := c.funcIx[name]
	return !isFunc
}

// kernelVersion compiles KERNEL_VERSION(a, b, c): ((a) << 16) + ((b) << 8)
// + (c).
func (c *compiler) kernelVersion(e *lang.CallExpr) {
	if len(e.Args) != 3 {
		c.errorf(e.Pos, "KERNEL_VERSION takes 3 arguments (major, minor, sublevel), got %d", len(e.Args))
		return
	}
	for i, a := range e.Args {
		if a.Name != "" {
			c.errorf(a.Pos, "KERNEL_VERSION takes no named arguments")
		}
		c.expr(a.Value)
		if shift := 16 - 8*i; shift > 0 {
			c.emit(opConst, c.konst(rt.Int(int64(shift))), 0, a.Pos)
			c.emit(opBinary, int32(bShl), 0, a.Pos)
		}
		if i > 0 {
			c.emit(opBinary, int32(bAdd), 0, a.Pos)
		}
	}
}

// removedArg handles a call that passes an argument the kernel's function
// had before a change removed it (rt.Op.Removed: get_user_pages()'s vmas
// before 6.5): the argument must be NULL (nil), what the kernel filled in
// through it is not modelled, and the call binds without it; at run time
// the kernel must be older than the change (opRemovedArg). Other calls
// are returned as they are.
func (c *compiler) removedArg(e *lang.CallExpr) *lang.CallExpr {
	op := rt.LookupOp(e.Name)
	if op == nil || op.Removed == nil {
		return e
	}
	if _, isFunc := c.funcIx[e.Name]; isFunc && !c.noGlobals && op.Path {
		if _, own := c.libIx[e.Name]; own {
			return e // the script's own function of another signature
		}
	}
	r := op.Removed
	at := -1
	positional := 0
	for i, a := range e.Args {
		switch {
		case a.Name == r.Name:
			at = i
		case a.Name == "":
			// only a NULL: five positional arguments are also
			// mmscript's mm-first form (get_user_pages(m, addr, 2, true, pages))
			if _, isNil := a.Value.(*lang.NilLit); isNil && positional == r.At && len(e.Args) == len(op.Params)+1 {
				at = i
			}
			positional++
		}
	}
	if at < 0 {
		return e
	}
	if _, isNil := e.Args[at].Value.(*lang.NilLit); !isNil {
		c.errorf(e.Args[at].Pos, "%s: the %s argument (the kernel's before %s) is not modelled: pass NULL; %s", op.Name, r.Name, r.Change, r.Note)
		return e
	}
	c.prog.sites = append(c.prog.sites, &callSite{op: op})
	c.emit(opRemovedArg, int32(len(c.prog.sites)-1), 0, e.Args[at].Pos)
	short := *e
	short.Args = append(append([]*lang.Arg(nil), e.Args[:at]...), e.Args[at+1:]...)
	return &short
}

// kernelDecl records the script's `kernel` line.
func (c *compiler) kernelDecl(d *lang.KernelDecl) {
	v, err := rt.ParseKernelVersion(d.Version)
	if err != nil {
		c.errorf(d.Pos, "%v", err)
		return
	}
	c.prog.kernel, c.prog.kernelVersion = d, v
}

// Kernel returns the kernel the script's `kernel` line names, and whether
// it has one.
func (p *Program) Kernel() (rt.KernelVersion, bool) { return p.kernelVersion, p.kernel != nil }

// KernelFor is the kernel a run of p models under kc: the version of the
// script's `kernel` line unless kc chose one (kc.Override: -kernel was
// given, which then wins; KernelNote says so).
func (p *Program) KernelFor(kc rt.KernelConfig) rt.KernelConfig {
	if p.kernel != nil && !kc.Override {
		kc.Version = p.kernelVersion
	}
	return kc
}

// KernelNote is what a command prints when -kernel and the script's
// `kernel` line disagree: the flag wins, and the script's expectations
// are checked against the flag's kernel. "" when they agree or the
// script has no line.
func (p *Program) KernelNote(kc rt.KernelConfig) string {
	if p.kernel == nil || !kc.Override || kc.Version == p.kernelVersion {
		return ""
	}
	return "note: -kernel " + kc.Version.String() + " overrides the script's `kernel " + p.kernel.Version + "` (" + p.kernel.Pos.String() +
		"): the run models " + kc.Version.String() + ", and its expectations are checked against it"
}
