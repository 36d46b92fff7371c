package runtime

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// The kernel library: the kernel's own paths (munmap, ...) written in
// mmscript, one function per kernel function, each mirroring its C source
// line for line and citing it, over the operations of this package as the
// atomic steps (lock operations, mmcore's steps, TLB flushes). The
// interpreter compiles it into every program, so that each statement of a
// path is a scheduler point where other threads run; a script's own
// function of the same name replaces the library's, everywhere (a user
// models a kernel before a fix by copying a path and changing a line).

//go:embed kernel/*.mms
var kernelFS embed.FS

// KernelSource is one file of the kernel library.
type KernelSource struct {
	Name string // as positions print it: "kernel/munmap.mms"
	Text []byte
}

// KernelLibrary returns the library's files in name order.
func KernelLibrary() []KernelSource {
	names, _ := fs.Glob(kernelFS, "kernel/*.mms")
	sort.Strings(names)
	var out []KernelSource
	for _, n := range names {
		b, err := kernelFS.ReadFile(n)
		if err != nil {
			continue
		}
		out = append(out, KernelSource{Name: n, Text: b})
	}
	return out
}

// KernelPathSource returns the text of the library function name, with
// the comment lines just above it and the file and line it starts at, for
// `mmscript explain`; ok is false when the library has no such function.
func KernelPathSource(name string) (text, file string, line int, ok bool) {
	for _, src := range KernelLibrary() {
		lines := strings.Split(string(src.Text), "\n")
		for i, l := range lines {
			if !strings.HasPrefix(l, "func "+name+"(") {
				continue
			}
			first := i
			for first > 0 && strings.HasPrefix(lines[first-1], "#") {
				first--
			}
			last := i
			for last < len(lines) && lines[last] != "}" {
				last++
			}
			last = min(last, len(lines)-1)
			return strings.Join(lines[first:last+1], "\n") + "\n", src.Name, i + 1, true
		}
	}
	return "", "", 0, false
}
