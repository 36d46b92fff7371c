package lang

// ParseChunk parses one chunk of an interactive session (a line, a
// multi-line block, or a loaded file) whose first line is line `line` of
// filename, so that positions count on across the session as in one file.
// It differs from Parse in one rule: a top-level expression statement need
// not be a call, since the REPL echoes its value (inside blocks the rule of
// Parse holds). Like Parse, it never panics; the error is an ErrorList.
func ParseChunk(filename string, src []byte, line int) (f *File, err error) {
	return DefaultLimits.ParseChunk(filename, src, line)
}

// ParseChunk parses a chunk of an interactive session within the limits l
// (see the package ParseChunk).
func (l Limits) ParseChunk(filename string, src []byte, line int) (f *File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, shiftErrors(internalError(filename, r), line)
		}
	}()
	s := newScanner(filename, src, l.grammarKey())
	s.line = max(line, 1)
	lex, err := scanTokens(s)
	if err != nil {
		return nil, err
	}
	defer lex.release()
	f, err = parseTokens(grammarFor(l), &lex.PeekingLexer)
	if err != nil {
		return nil, noteUnclosed(convertError(filename, err), lex.scanned())
	}
	f.Name = filename
	f.Comments = s.comments
	f.End = s.pos()
	// The static checks, without the top-level expression statements.
	all := f.Items
	var checked []Item
	for _, it := range all {
		if _, ok := it.(*ExprStmt); !ok {
			checked = append(checked, it)
		}
	}
	f.Items = checked
	err = check(f)
	f.Items = all
	if err == nil {
		err = l.checkThreads(f)
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// shiftErrors moves the positions of an ErrorList from line 1 to line.
func shiftErrors(err error, line int) error {
	l, ok := err.(ErrorList)
	if !ok {
		return err
	}
	for i := range l {
		if l[i].Pos.Line > 0 {
			l[i].Pos.Line += line - 1
		}
	}
	return l
}
