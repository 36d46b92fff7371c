package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// cmdVersion prints the module version (a tag, or a pseudo-version for a
// commit; "(devel)" when built from a work tree), the VCS revision and
// whether the tree was modified, and the Go version, from the build
// information the Go toolchain records in every binary.
func cmdVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: mmscript version")
		return 2
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(stdout, "mmscript (unknown version: built without module support)")
		return 0
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+modified"
			}
		}
	}
	fmt.Fprintf(stdout, "mmscript %s", v)
	if rev != "" {
		fmt.Fprintf(stdout, " %s%s", rev, modified)
	}
	fmt.Fprintf(stdout, " %s\n", bi.GoVersion)
	return 0
}
