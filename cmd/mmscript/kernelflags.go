package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/mmscript/mmscript/interp"

	rt "github.com/mmscript/mmscript/runtime"
)

// kernelFlags adds -kernel and -config to a command's flags: which kernel
// version's behaviour and reactions to model (where they changed, e.g.
// remap_pfn_range, which WARNs through vm_flags_set on 6.18 and checks
// nothing in mainline), and whether to show what a debug or a production
// build prints. The returned function parses them once the flags are.
// Without -kernel a script's own `kernel X.Y` line chooses the version;
// with it the flag wins, and kernelNote prints that it overrode the line.
func kernelFlags(fl *flag.FlagSet) func() (rt.KernelConfig, error) {
	version := fl.String("kernel", "mainline", "kernel version to model: "+strings.Join(rt.KernelVersions, ", or ")+
		"; given, it overrides a script's `kernel` line (with a note)")
	build := fl.String("config", "debug", "kernel build: debug (CONFIG_PROVE_LOCKING, CONFIG_DEBUG_VM, CONFIG_DEBUG_ATOMIC_SLEEP) or production, which prints nothing for lockdep and debug-only findings (each says so)")
	return func() (rt.KernelConfig, error) {
		v, err := rt.ParseKernelVersion(*version)
		if err != nil {
			return rt.KernelConfig{}, err
		}
		prod, err := rt.ParseKernelBuild(*build)
		set := false
		fl.Visit(func(f *flag.Flag) { set = set || f.Name == "kernel" })
		return rt.KernelConfig{Version: v, Production: prod, Override: set}, err
	}
}

// kernelNote prints, when -kernel overrides a script's `kernel` line,
// that it does (interp.Program.KernelNote).
func kernelNote(w io.Writer, p *interp.Program, kc rt.KernelConfig) {
	if n := p.KernelNote(kc); n != "" {
		fmt.Fprintln(w, n)
	}
}
