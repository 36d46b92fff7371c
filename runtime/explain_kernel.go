package runtime

import (
	"fmt"
	"strings"
)

// kernelPathView shows the kernel library's function name (kernellib.go)
// for `mmscript explain`: where it is, and its source, each statement of
// which is a step other threads interleave with. It is "" for a name the
// library does not define.
func kernelPathView(name string) string {
	text, file, line, ok := KernelPathSource(name)
	if !ok {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nThe kernel path (%s:%d), run statement by statement; a script's own func %s replaces it:\n\n", file, line, name)
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		b.WriteString("    " + l + "\n")
	}
	return b.String()
}

// kernelLibraryNames lists the functions of the kernel library.
func kernelLibraryNames() []string {
	var names []string
	for _, src := range KernelLibrary() {
		for _, l := range strings.Split(string(src.Text), "\n") {
			if rest, ok := strings.CutPrefix(l, "func "); ok {
				if i := strings.IndexByte(rest, '('); i > 0 {
					names = append(names, rest[:i])
				}
			}
		}
	}
	return names
}
