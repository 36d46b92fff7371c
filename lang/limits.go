package lang

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
}

// A zero field means its default. DefaultLimits are generous for scripts written by hand and keep every
// recursion over the tree within a few megabytes of stack.
var DefaultLimits = Limits{MaxFileSize: 8 << 20, MaxNesting: 100, MaxExprDepth: 1000}

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
