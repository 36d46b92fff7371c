package main

import (
	"flag"
	"strings"

	rt "github.com/mmscript/mmscript/runtime"
)

// kernelFlags adds -kernel and -config to a command's flags: which kernel
// version's behaviour and reactions to model (where they changed, e.g.
// remap_pfn_range, which WARNs through vm_flags_set on 6.18 and checks
// nothing in mainline), and whether to show what a debug or a production
// build prints. The returned function parses them once the flags are.
func kernelFlags(fl *flag.FlagSet) func() (rt.KernelConfig, error) {
	version := fl.String("kernel", "mainline", "kernel version to model: "+strings.Join(rt.KernelVersions, " or "))
	build := fl.String("config", "debug", "kernel build: debug (CONFIG_PROVE_LOCKING, CONFIG_DEBUG_VM, CONFIG_DEBUG_ATOMIC_SLEEP) or production, which prints nothing for lockdep and debug-only findings (each says so)")
	return func() (rt.KernelConfig, error) {
		v, err := rt.ParseKernelVersion(*version)
		if err != nil {
			return rt.KernelConfig{}, err
		}
		prod, err := rt.ParseKernelBuild(*build)
		return rt.KernelConfig{Version: v, Production: prod}, err
	}
}
