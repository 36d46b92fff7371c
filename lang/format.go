package lang

import (
	"bytes"
	"strconv"
	"strings"
)

// Format returns src in the canonical layout, within DefaultLimits (see
// Limits.Format).
func Format(filename string, src []byte) ([]byte, error) {
	return DefaultLimits.Format(filename, src)
}

// Format returns src in mmscript's one canonical layout, as gofmt does for
// Go. The layout:
//
//   - one statement or declaration a line, indented two spaces a block
//     level; semicolons are dropped;
//   - at most one blank line between statements, and none at the start or
//     end of a block (a blank line in the source is kept);
//   - a block with at most one simple statement stays on one line when it
//     was written on one line (`repeat 4 { msleep(1) }`); an empty block
//     is `{}`; a block of simple statements written on a line that an
//     `expect ... at` names stays on that line, its statements joined by
//     "; " (`thread t { lock(a); lock(b) }`): which statement the
//     expectation means is known only when the script runs;
//   - one space around binary operators and after commas, none inside
//     parentheses or around the = of a named argument (`pages=4`);
//   - every comment is kept: on its own line, indented with the code that
//     follows it, or after the code on its line; the trailing comments of
//     consecutive lines of a block are aligned two spaces after the
//     longest line.
//
// Literals and the spelling of operators (and, &&) are kept as written.
// The line of an `expect ... at N` follows the statement that was on line
// N, so a script's expectations survive the new layout. Where the layout
// would still split line N into several statements (a compound one among
// them), Format fails at the expectation: the statement it means must be
// put on a line of its own by hand.
// The source must parse; static-check errors (a duplicate thread) do not
// stop Format. Format is idempotent: Format of its output is the same.
func (l Limits) Format(filename string, src []byte) ([]byte, error) {
	if int64(len(src)) > l.maxFileSize() {
		return nil, l.tooLarge(filename, src)
	}
	lex, s, err := scan(filename, src, l)
	if err != nil {
		return nil, err
	}
	defer lex.release()
	f, err := parseTokens(grammarFor(l), &lex.PeekingLexer)
	if err != nil {
		return nil, convertError(filename, err)
	}
	p := &printer{comments: s.comments, named: map[int]bool{}}
	for _, it := range f.Items {
		if d, ok := it.(*ExpectDecl); ok && d.AtLine > 0 {
			p.named[d.AtLine] = true
		}
	}
	p.items(f.Items)
	p.flushComments(1<<62, 0)
	if err := p.renumber(filename); err != nil {
		return nil, err
	}
	return p.render(), nil
}

// A line is one line of output: indentation, code and a trailing comment.
type line struct {
	indent      int
	code        string
	comment     string
	blank       bool        // a blank line comes before it
	first, last int         // the source lines of the code
	expect      *ExpectDecl // an expect line, whose "at" render renumbers
	label       bool        // a label (out_unlock:)
}

type printer struct {
	comments []Comment // not yet printed, in source order
	lines    []line
	srcLine  int          // the last source line printed; 0 at the start of a block
	named    map[int]bool // the source lines that an expect ... at names
	nextLine int          // the line of the statement after the one printed; 0 if none
}

// flushComments prints, each on its own line at indent, the comments
// that come before offset. A blank line before a comment is kept unless
// the comment opens a block (srcLine is 0).
func (p *printer) flushComments(offset, indent int) {
	for len(p.comments) > 0 && p.comments[0].Pos.Offset < offset {
		c := p.comments[0]
		p.comments = p.comments[1:]
		p.lines = append(p.lines, line{indent: indent, comment: c.Text, blank: p.blankBefore(c.Pos.Line)})
		p.srcLine = c.Pos.Line
	}
}

// blankBefore reports whether a blank line separated source line n from
// what was printed before it in the same block.
func (p *printer) blankBefore(n int) bool {
	return p.srcLine > 0 && n > p.srcLine+1
}

// emit prints a line of code that spans source lines first..last and
// takes the comments on those lines: the last becomes the trailing
// comment, the others (a comment inside a call that spans lines) go on
// their own lines before it.
func (p *printer) emit(indent int, code string, first, last int) {
	p.emitLine(indent, code, first, last, p.blankBefore(first))
}

// close prints a line that closes a block ("}", "} else {"): no blank
// line comes before it.
func (p *printer) close(indent int, code string, first, last int) {
	p.emitLine(indent, code, first, last, false)
}

func (p *printer) emitLine(indent int, code string, first, last int, blank bool) {
	var taken []string
	for len(p.comments) > 0 && p.comments[0].Pos.Line <= last {
		taken = append(taken, p.comments[0].Text)
		p.comments = p.comments[1:]
	}
	for i := 0; i+1 < len(taken); i++ {
		p.lines = append(p.lines, line{indent: indent, comment: taken[i], blank: blank})
		blank = false
	}
	l := line{indent: indent, code: code, blank: blank, first: first, last: last}
	if len(taken) > 0 {
		l.comment = taken[len(taken)-1]
	}
	p.lines = append(p.lines, l)
	p.srcLine = last
}

func (p *printer) items(items []Item) {
	for i, it := range items {
		switch it := it.(type) {
		case Stmt:
			p.nextLine = 0
			if i+1 < len(items) {
				if next, ok := items[i+1].(Stmt); ok {
					p.nextLine = next.Position().Line
				}
			}
			p.stmt(it, 0)
		case *ThreadDecl:
			p.flushComments(it.Pos.Offset, 0)
			p.block("thread "+it.Name, it.Pos.Line, it.Body, 0)
		case *FuncDecl:
			p.flushComments(it.Pos.Offset, 0)
			p.funcDef("func ", it.Def, it.Pos.Line, 0)
		case *OpsDecl:
			p.flushComments(it.Pos.Offset, 0)
			p.emit(0, "ops "+it.Name+" {", it.Pos.Line, it.Pos.Line)
			p.srcLine = 0
			for _, h := range it.Handlers {
				p.flushComments(h.Pos.Offset, 1)
				p.funcDef("", h, h.Pos.Line, 1)
			}
			p.flushComments(it.Close.Pos.Offset, 1)
			p.close(0, "}", it.Close.Pos.Line, it.Close.Pos.Line)
		case *KernelDecl:
			p.flushComments(it.Pos.Offset, 0)
			p.emit(0, "kernel "+it.Version, it.Pos.Line, it.Pos.Line)
		case *ExpectDecl:
			p.flushComments(it.Pos.Offset, 0)
			p.emit(0, expectLine(it, it.AtLine), it.Pos.Line, it.Pos.Line)
			p.lines[len(p.lines)-1].expect = it
		}
	}
}

func (p *printer) funcDef(prefix string, d *FuncDef, first, indent int) {
	p.block(prefix+d.Name+"("+strings.Join(d.Params, ", ")+")", first, d.Body, indent)
}

// block prints `head {`, the statements of b one level deeper and `}`;
// or `head { stmt }` on one line (see inline).
func (p *printer) block(head string, first int, b *Block, indent int) {
	// No blank line before "} else if".
	blank := p.blankBefore(first) && !strings.HasPrefix(head, "}")
	if p.inline(b) {
		code := head + " {}"
		if len(b.Stmts) > 0 {
			stmts := make([]string, len(b.Stmts))
			for i, s := range b.Stmts {
				stmts[i] = p.simple(s)
			}
			code = head + " { " + strings.Join(stmts, "; ") + " }"
		}
		p.emitLine(indent, code, first, b.Close.Pos.Line, blank)
		return
	}
	p.emitLine(indent, head+" {", first, b.Pos.Line, blank)
	p.body(b, indent)
	p.close(indent, "}", b.Close.Pos.Line, b.Close.Pos.Line)
}

// body prints the statements of b and the comments before its "}".
func (p *printer) body(b *Block, indent int) {
	p.srcLine = 0
	for i, s := range b.Stmts {
		p.nextLine = 0
		if i+1 < len(b.Stmts) {
			p.nextLine = b.Stmts[i+1].Position().Line
		}
		p.stmt(s, indent+1)
	}
	p.flushComments(b.Close.Pos.Offset, indent+1)
}

// inline reports whether a block prints on one line: it is empty, or it
// was written on one line and holds statements without a block (one, or
// more on a line that an expectation names), and no comment is inside it.
func (p *printer) inline(b *Block) bool {
	if len(p.comments) > 0 && p.comments[0].Pos.Offset < b.Close.Pos.Offset {
		return false
	}
	if len(b.Stmts) == 0 {
		return true
	}
	if b.Pos.Line != b.Close.Pos.Line || len(b.Stmts) > 1 && !p.named[b.Pos.Line] {
		return false
	}
	for _, s := range b.Stmts {
		switch s.(type) {
		case *IfStmt, *ForStmt, *WhileStmt, *RepeatStmt, *LabelStmt:
			return false
		}
	}
	return true
}

func (p *printer) stmt(s Stmt, indent int) {
	start := s.Position()
	p.flushComments(start.Offset, indent)
	switch s := s.(type) {
	case *IfStmt:
		head := "if " + expr(s.Cond)
		first := start.Line
		for {
			if s.Else == nil {
				p.block(head, first, s.Then, indent)
				return
			}
			// `} else ... {` joins the two blocks on one line.
			p.emitLine(indent, head+" {", first, s.Then.Pos.Line, p.blankBefore(first) && !strings.HasPrefix(head, "}"))
			p.body(s.Then, indent)
			first = s.Then.Close.Pos.Line
			if s.Else.Block != nil {
				p.close(indent, "} else {", first, s.Else.Block.Pos.Line)
				p.body(s.Else.Block, indent)
				p.close(indent, "}", s.Else.Block.Close.Pos.Line, s.Else.Block.Close.Pos.Line)
				return
			}
			s = s.Else.If
			head = "} else if " + expr(s.Cond)
		}
	case *ForStmt:
		if call, ok := s.X.(*CallExpr); ok && s.Macro {
			args := []string{expr(call.Args[0].Value), s.Var}
			for _, a := range call.Args[1:] {
				args = append(args, expr(a.Value))
			}
			p.block(call.Name+"("+strings.Join(args, ", ")+")", start.Line, s.Body, indent)
			return
		}
		if s.X != nil {
			p.block("for "+s.Var+" in "+expr(s.X), start.Line, s.Body, indent)
			return
		}
		p.block("for "+s.Var+" in "+expr(s.Lo)+".."+expr(s.Hi), start.Line, s.Body, indent)
	case *WhileStmt:
		p.block("while "+expr(s.Cond), start.Line, s.Body, indent)
	case *RepeatStmt:
		p.block("repeat "+expr(s.Count), start.Line, s.Body, indent)
	case *LabelStmt:
		// One level out from the statements of its block, on a line of
		// its own: at column 0 in a function, as the kernel writes
		// `out_unlock:`.
		// A statement after it on its line takes the line's comment.
		last := start.Line
		if p.nextLine == start.Line {
			last--
		}
		p.emitLine(max(indent-1, 0), s.Name+":", start.Line, last, p.blankBefore(start.Line))
		p.lines[len(p.lines)-1].label = true
		p.srcLine = start.Line
	default:
		p.emit(indent, p.simple(s), start.Line, lastLine(s))
	}
}

// simple prints a statement without a block.
func (p *printer) simple(s Stmt) string {
	switch s := s.(type) {
	case *VarDecl:
		if s.Value == nil {
			return s.Type + " " + s.Name
		}
		return s.Type + " " + s.Name + " = " + expr(s.Value)
	case *AssignStmt:
		return s.Name + " " + s.Op + "= " + expr(s.Value)
	case *FieldAssignStmt:
		return expr(s.X) + " " + s.Op + "= " + expr(s.Value)
	case *IndexAssignStmt:
		return expr(s.X) + " = " + expr(s.Value)
	case *DerefAssignStmt:
		return expr(&UnaryExpr{Op: "*", X: s.X}) + " " + s.Op + "= " + expr(s.Value)
	case *ExprStmt:
		return expr(s.X)
	case *AssertStmt:
		if s.msgRaw != "" {
			return "assert " + expr(s.Cond) + ", " + s.msgRaw
		}
		return "assert " + expr(s.Cond)
	case *ReturnStmt:
		if s.Value == nil {
			return "return"
		}
		return "return " + expr(s.Value)
	case *BranchStmt:
		return s.Tok
	case *GotoStmt:
		return "goto " + s.Label
	}
	panic("lang: simple called on a compound statement")
}

// expr prints an expression on one line. The parentheses of the source
// are ParenExprs, so the tree prints back with the same meaning.
func expr(x Expr) string {
	var b strings.Builder
	writeExpr(&b, x)
	return b.String()
}

func writeExpr(b *strings.Builder, x Expr) {
	switch x := x.(type) {
	case *Ident:
		b.WriteString(x.Name)
	case *IntLit:
		b.WriteString(x.Text)
	case *StringLit:
		if x.raw != "" {
			b.WriteString(x.raw)
		} else {
			b.WriteString(strconv.Quote(x.Value))
		}
	case *BoolLit:
		b.WriteString(strconv.FormatBool(x.Value))
	case *NilLit:
		if x.null {
			b.WriteString("NULL")
		} else {
			b.WriteString("nil")
		}
	case *CallExpr:
		b.WriteString(x.Name)
		b.WriteByte('(')
		for i, a := range x.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			if a.Name != "" {
				b.WriteString(a.Name)
				b.WriteByte('=')
			}
			writeExpr(b, a.Value)
		}
		b.WriteByte(')')
	case *SelectorExpr:
		writeExpr(b, x.X)
		if x.arrow {
			b.WriteString("->")
		} else {
			b.WriteByte('.')
		}
		b.WriteString(x.Name)
	case *IndexExpr:
		writeExpr(b, x.X)
		b.WriteByte('[')
		writeExpr(b, x.Index)
		b.WriteByte(']')
	case *UnaryExpr:
		op := spelling(x.spelled, x.Op)
		b.WriteString(op)
		if op == "not" || op == "&" && startsWithAmp(x.X) {
			// & &x printed without the space would lex as &&x.
			b.WriteByte(' ')
		}
		writeExpr(b, x.X)
	case *BinaryExpr:
		writeExpr(b, x.X)
		b.WriteByte(' ')
		b.WriteString(spelling(x.spelled, x.Op))
		b.WriteByte(' ')
		writeExpr(b, x.Y)
	case *ParenExpr:
		b.WriteByte('(')
		writeExpr(b, x.X)
		b.WriteByte(')')
	}
}

// startsWithAmp reports whether e prints starting with &.
func startsWithAmp(e Expr) bool {
	for {
		switch x := e.(type) {
		case *UnaryExpr:
			return spelling(x.spelled, x.Op) == "&"
		case *BinaryExpr:
			e = x.X
		case *IndexExpr:
			e = x.X
		case *SelectorExpr:
			e = x.X
		default:
			return false
		}
	}
}

func spelling(spelled, op string) string {
	if spelled != "" {
		return spelled
	}
	return op
}

// lastLine is the last source line of a simple statement: the largest
// line of any position in it.
func lastLine(s Stmt) int {
	n := s.Position().Line
	var walk func(x Expr)
	walk = func(x Expr) {
		if x == nil {
			return
		}
		n = max(n, x.Position().Line)
		switch x := x.(type) {
		case *CallExpr:
			n = max(n, x.RParen.Line)
			for _, a := range x.Args {
				walk(a.Value)
			}
		case *SelectorExpr:
			walk(x.X)
		case *IndexExpr:
			n = max(n, x.RBrack.Line)
			walk(x.X)
			walk(x.Index)
		case *UnaryExpr:
			walk(x.X)
		case *BinaryExpr:
			walk(x.X)
			walk(x.Y)
		case *ParenExpr:
			n = max(n, x.RParen.Line)
			walk(x.X)
		}
	}
	switch s := s.(type) {
	case *VarDecl:
		walk(s.Value)
	case *AssignStmt:
		walk(s.Value)
	case *FieldAssignStmt:
		walk(s.X)
		walk(s.Value)
	case *IndexAssignStmt:
		walk(s.X)
		walk(s.Value)
	case *DerefAssignStmt:
		walk(s.X)
		walk(s.Value)
	case *ExprStmt:
		walk(s.X)
	case *AssertStmt:
		walk(s.Cond)
		// The message is on the line of the last token of the condition
		// or later; it cannot be found without its position, so a
		// message on a line of its own takes no trailing comment.
	case *ReturnStmt:
		walk(s.Value)
	}
	return n
}

func expectLine(d *ExpectDecl, at int) string {
	code := "expect " + d.Kind
	if d.textRaw != "" {
		code += " " + d.textRaw
	}
	if at > 0 {
		code += " at " + strconv.Itoa(at)
	}
	if d.Quant != "" {
		code += " " + d.Quant
	}
	return code
}

// renumber rewrites the "at" of the expect lines: the statement that was
// on source line N may print on another line, and the expectation follows
// it. A source line whose statements print on several lines is an error
// when an expectation names it: the finding may be at any of them.
func (p *printer) renumber(filename string) error {
	out := map[int]int{} // source line -> output line
	n := 0
	num := make([]int, len(p.lines))
	for i, l := range p.lines {
		if l.blank && n > 0 {
			n++
		}
		n++
		num[i] = n
	}
	// A line that opens a block (`thread t {`) takes a source line only
	// when no statement does: in `thread t { f() }` line 1 is f's.
	for _, headers := range []bool{false, true} {
		for i, l := range p.lines {
			// A label (`out: f()`) names the line of the statement
			// after it, as a header does.
			if l.code == "" || (strings.HasSuffix(l.code, "{") || l.label) != headers {
				continue
			}
			for s := l.first; s <= l.last; s++ {
				if _, ok := out[s]; !ok {
					out[s] = num[i]
				}
			}
		}
	}
	var errs ErrorList
	for i, l := range p.lines {
		d := l.expect
		if d == nil || d.AtLine <= 0 {
			continue
		}
		if split := p.statementLines(d.AtLine); len(split) > 1 {
			pos := d.Pos
			pos.Filename = filename
			errs.Add(pos, "expect %s at %d names a line whose statements the canonical layout puts on %d lines (%s): put the statement the expectation means on a line of its own, and name that line",
				d.Kind, d.AtLine, len(split), strings.Join(split, ", "))
			continue
		}
		if at, ok := out[d.AtLine]; ok {
			p.lines[i].code = expectLine(d, at)
		}
	}
	return errs.Err()
}

// statementLines returns the code of the output lines that print a
// statement of source line n (block headers and closing braces aside).
func (p *printer) statementLines(n int) []string {
	var code []string
	for _, l := range p.lines {
		if l.code == "" || l.expect != nil || l.label || l.first > n || l.last < n ||
			strings.HasSuffix(l.code, "{") || strings.HasPrefix(l.code, "}") {
			continue
		}
		code = append(code, l.code)
	}
	return code
}

// render lays the lines out, aligning the trailing comments of
// consecutive lines at the same indentation (a run ends at a blank line,
// at a change of indentation or at a line without code or without a
// comment).
func (p *printer) render() []byte {
	var b bytes.Buffer
	for i := 0; i < len(p.lines); {
		// The run of lines i..j-1 with code and a trailing comment.
		j := i
		width := 0
		for j < len(p.lines) && p.lines[j].code != "" && p.lines[j].comment != "" &&
			(j == i || !p.lines[j].blank && p.lines[j].indent == p.lines[i].indent) {
			width = max(width, 2*p.lines[j].indent+len([]rune(p.lines[j].code)))
			j++
		}
		if j == i {
			j = i + 1
		}
		for k := i; k < j; k++ {
			l := p.lines[k]
			if l.blank && b.Len() > 0 {
				b.WriteByte('\n')
			}
			text := strings.Repeat("  ", l.indent) + l.code
			switch {
			case l.code == "":
				text += l.comment
			case l.comment != "":
				text += strings.Repeat(" ", max(width-len([]rune(text)), 0)+2) + l.comment
			}
			b.WriteString(text)
			b.WriteByte('\n')
		}
		i = j
	}
	return b.Bytes()
}
