package trace

import "strings"

// Shrink minimises a failing trace by delta debugging over its lines
// (Zeller's ddmin): it returns a subset of lines, in their order, for which
// interesting still holds and from which no single line can be removed
// without losing it. Comments and blank lines are dropped first. interesting
// must be false for texts that do not parse (a fork without its endfork,
// an open of a file no longer created), which keeps the brackets and the
// declarations a trace needs.
func Shrink(src string, interesting func(src string) bool) string {
	var lines []string
	for _, l := range strings.Split(src, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			lines = append(lines, l)
		}
	}
	join := func(ls []string) string { return strings.Join(ls, "\n") + "\n" }
	if !interesting(join(lines)) {
		return src
	}
	n := 2
	for len(lines) >= 2 {
		chunk := (len(lines) + n - 1) / n
		reduced := false
		for start := 0; start < len(lines); start += chunk {
			end := min(start+chunk, len(lines))
			// the complement of this chunk
			cand := append(append([]string(nil), lines[:start]...), lines[end:]...)
			if len(cand) > 0 && interesting(join(cand)) {
				lines = cand
				n = max(n-1, 2)
				reduced = true
				break
			}
		}
		if reduced {
			continue
		}
		if n >= len(lines) {
			break
		}
		n = min(n*2, len(lines))
	}
	return join(lines)
}
