package interp

import (
	"fmt"
	"sync"

	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// The kernel library (runtime.KernelLibrary: runtime/kernel/*.mms) is the
// prelude of every program: the kernel's own paths written in mmscript.
// It is parsed once per process; Compile compiles its functions into each
// program like the script's own (a few hundred instructions, once per
// program, never per run), so that a path's statements are ordinary steps
// and its positions print as kernel/munmap.mms:LINE:COL. A function the
// script defines with a library function's name replaces it everywhere:
// the script's calls and the library's own calls reach the script's
// version, which is how a user models a kernel before a fix.

var kernelLib struct {
	once  sync.Once
	funcs []*lang.FuncDecl
	err   error
}

// kernelFuncs returns the library's functions, parsed on first use.
func kernelFuncs() ([]*lang.FuncDecl, error) {
	kernelLib.once.Do(func() {
		seen := map[string]lang.Pos{}
		for _, src := range rt.KernelLibrary() {
			f, err := lang.Parse(src.Name, src.Text)
			if err != nil {
				kernelLib.err = err
				return
			}
			desugarIndex(f)
			for _, it := range f.Items {
				d, ok := it.(*lang.FuncDecl)
				if !ok {
					kernelLib.err = fmt.Errorf("%s: the kernel library holds only functions, not %T", src.Name, it)
					return
				}
				if p, dup := seen[d.Def.Name]; dup {
					kernelLib.err = fmt.Errorf("%s: %s is defined twice in the kernel library (also at %s)", d.Pos, d.Def.Name, p)
					return
				}
				seen[d.Def.Name] = d.Pos
				kernelLib.funcs = append(kernelLib.funcs, d)
			}
		}
	})
	return kernelLib.funcs, kernelLib.err
}

// declareKernelFuncs adds the library functions the script does not
// override to the program's functions (compiled by compileKernelFuncs).
// A script function with a library function's name and as many
// parameters replaces it everywhere. One with other parameters is a
// kernel function of another version whose signature changed (v6.1's
// do_user_addr_fault(mm, address)): the script's calls reach it, the
// library's own calls the library's, which could not pass its parameters.
func (c *compiler) declareKernelFuncs(lib []*lang.FuncDecl) []*lang.FuncDecl {
	var used []*lang.FuncDecl
	for _, d := range lib {
		name := d.Def.Name
		if own, ok := c.funcDefs[name]; ok {
			c.prog.funcs[c.funcIx[name]].path = true
			if len(own.Params) == len(d.Def.Params) {
				continue
			}
			c.libIx[name] = len(c.prog.funcs)
			c.libDefs[name] = d.Def
			c.prog.funcs = append(c.prog.funcs, &fn{name: name, kind: "kernel", nparams: len(d.Def.Params), path: true})
			used = append(used, d)
			continue
		}
		c.funcIx[name] = len(c.prog.funcs)
		c.funcDefs[name] = d.Def
		c.prog.funcs = append(c.prog.funcs, &fn{name: name, kind: "kernel", nparams: len(d.Def.Params), path: true})
		used = append(used, d)
	}
	return used
}

// compileKernelFuncs compiles the library functions declared for this
// program. Their names see no script global: a library function's
// variables are its own.
func (c *compiler) compileKernelFuncs(used []*lang.FuncDecl) {
	c.noGlobals = true
	for _, d := range used {
		i, _, _ := c.funcFor(d.Def.Name)
		c.compileFunc(c.prog.funcs[i], d.Def, "func "+d.Def.Name)
	}
	c.noGlobals = false
}
