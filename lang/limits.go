package lang

import "fmt"

// Limits bounds what a script may make the parser and the evaluator do, so
// that no input, however large or hostile, can exhaust the Go stack: every
// stage after the parser (check, compile, run, fmt) recurses over the tree,
// and the limits keep its depth small. An input beyond a limit gets an
// error naming the limit and the mmscript flag that raises it.
type Limits struct {
	// MaxFileSize bounds the bytes of a script (ReadFile and Parse).
	MaxFileSize int64
	// MaxNesting bounds the nesting of blocks: braces inside braces,
	// counting each `else if` of a chain as one more level, as go/parser
	// does (an else-if chain is a nested tree).
	MaxNesting int
	// MaxExprDepth bounds the height of an expression tree: parentheses,
	// call arguments, unary operators and binary operators all count, so a
	// sum of N+1 terms has height N.
	MaxExprDepth int
	// MaxThreads bounds the threads a script declares (Parse; fmt, which
	// runs nothing, takes any number). A run looks at every thread at each
	// turn to pick the next, so its time grows with the square of their
	// number: a 1.8 MB file of 100,000 empty threads ran for four minutes,
	// an 8 MB one would have run for an hour.
	MaxThreads int
}

// A zero field means its default. DefaultLimits are generous for scripts written by hand and keep every
// recursion over the tree within a few megabytes of stack.
var DefaultLimits = Limits{MaxFileSize: 8 << 20, MaxNesting: 100, MaxExprDepth: 1000, MaxThreads: 1000}

// grammarKey is the part of the limits the parser needs (grammarFor).
func (l Limits) grammarKey() Limits {
	if l.MaxNesting <= 0 {
		l.MaxNesting = DefaultLimits.MaxNesting
	}
	if l.MaxExprDepth <= 0 {
		l.MaxExprDepth = DefaultLimits.MaxExprDepth
	}
	return Limits{MaxNesting: l.MaxNesting, MaxExprDepth: l.MaxExprDepth}
}

// checkThreads reports the first thread of f past MaxThreads.
func (l Limits) checkThreads(f *File) error {
	max := l.MaxThreads
	if max <= 0 {
		max = DefaultLimits.MaxThreads
	}
	n := 0
	for _, it := range f.Items {
		if t, ok := it.(*ThreadDecl); ok {
			if n++; n > max {
				return ErrorList{{t.Pos, fmt.Sprintf("more threads than the limit of %d (raise it with -max-threads)", max)}}
			}
		}
	}
	return nil
}
