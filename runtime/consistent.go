package runtime

import (
	"fmt"
	"strings"

	"github.com/mmscript/mmscript/mmcore"
)

// Arguments that say one thing in two forms must say the same thing: a
// length given both as size= (bytes) and pages= (a count), mmap's len
// (bytes, the kernel's) and pages= (mmscript's count), and a prot=
// whose words contradict each other (none with an access). The error is
// the script's, at the call (interp's checkArgs), never a silent choice of
// one of them.

// consistencyCheck returns the check of o's redundant arguments, or nil.
func consistencyCheck(o *Op) func(args []Value) string {
	var checks []func(args []Value) string
	for i := 0; i+1 < len(o.Params); i++ {
		if j := pagesIndex(o, i); o.Params[i].Name == "size" && o.Params[j].Name == "pages" && o.Params[i].Type == TInt && o.Params[j].Type == TInt {
			checks = append(checks, sizePagesCheck(o.Name, i, j))
		}
	}
	if l, p := paramAt(o, "len"), paramAt(o, "pages"); l >= 0 && p >= 0 && o.Params[l].Type == TInt && o.Params[p].Type == TInt && o.Params[l].Nilable {
		checks = append(checks, lenPagesCheck(o.Name, l, p))
	}
	for i, p := range o.Params {
		if p.Name == "prot" && p.Type == TWord {
			checks = append(checks, protWordsCheck(o.Name, i))
		}
	}
	if len(checks) == 0 {
		return nil
	}
	return func(args []Value) string {
		for _, c := range checks {
			if msg := c(args); msg != "" {
				return msg
			}
		}
		return ""
	}
}

// sizePagesCheck: size= and pages= given both must name one length.
func sizePagesCheck(op string, i, j int) func(args []Value) string {
	return func(args []Value) string {
		if j >= len(args) || args[i].T != TInt || args[j].T != TInt {
			return ""
		}
		size, pages := args[i].Int, args[j].Int
		if size == 0 || pages == 0 || pages > 1<<40 {
			return ""
		}
		if bytes := pages << mmcore.PageShift; bytes != size {
			return fmt.Sprintf("%s: size=%d and pages=%d disagree (%d pages are %d bytes): give the length once", op, size, pages, pages, bytes)
		}
		return ""
	}
}

// paramAt is the index of o's parameter named name, or -1.
func paramAt(o *Op, name string) int {
	for i, p := range o.Params {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// maxPagesArg bounds a pages= count, so that pages << PAGE_SHIFT is a
// length and not an overflow.
const maxPagesArg = 1 << 40

// lenPagesCheck: mmap's len (bytes, as do_mmap() takes it) and pages= (a
// page count) are nil when not given; given both, they must name one
// length, exactly as size= and pages= do (sizePagesCheck): a len that is
// not a multiple of the page size is then no count of pages. A pages=
// count must be one: not negative, and small enough to be a length.
func lenPagesCheck(op string, l, p int) func(args []Value) string {
	return func(args []Value) string {
		if max(l, p) >= len(args) || args[p].T != TInt {
			return ""
		}
		pages := args[p].Int
		if pages < 0 || pages > maxPagesArg {
			return fmt.Sprintf("%s: pages=%d is not a page count (0 to %d)", op, pages, int64(maxPagesArg))
		}
		if args[l].T != TInt {
			return ""
		}
		if n, bytes := args[l].Int, pages<<mmcore.PageShift; n != bytes {
			return fmt.Sprintf("%s: len=%d and pages=%d disagree (%d pages are %d bytes): give the length once", op, n, pages, pages, bytes)
		}
		return ""
	}
}

// protWordsCheck: prot=none (PROT_NONE) is no access at all; combined with
// an access word (none|r) the script says two things. In C PROT_NONE is 0
// and PROT_NONE|PROT_READ is PROT_READ, which the kernel takes; a script
// that writes both means one of them.
func protWordsCheck(op string, i int) func(args []Value) string {
	return func(args []Value) string {
		if i >= len(args) || args[i].T != TWord {
			return ""
		}
		words := strings.Split(args[i].Obj.(string), "|")
		none, access := "", ""
		for _, w := range words {
			switch w = strings.TrimSpace(w); w {
			case "none", "PROT_NONE":
				none = w
			case "":
			default:
				access = w
			}
		}
		if none != "" && access != "" {
			return fmt.Sprintf("%s: prot=%s says no access (PROT_NONE) and %s at once: give one (PROT_NONE is 0, so the kernel would map it %s)",
				op, args[i].Obj.(string), access, access)
		}
		return ""
	}
}
