package lang

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Pos is a source position. Its fields match participle's lexer.Position so
// that a token's position converts to it, while the rest of mmscript never
// sees the participle type.
type Pos struct {
	Filename string
	Offset   int // 0-based byte offset
	Line     int // 1-based line number; 0 if unknown
	Column   int // 1-based column number, in runes; 0 if unknown
}

// IsValid reports whether the position has a line number.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String prints file:line:col, dropping what is unknown: file:line, file,
// line:col, or "-" for a position with nothing known.
func (p Pos) String() string {
	s := p.Filename
	if p.IsValid() {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprint(p.Line)
		if p.Column > 0 {
			s += fmt.Sprintf(":%d", p.Column)
		}
	}
	if s == "" {
		s = "-"
	}
	return s
}

// Before reports whether p comes before q in the same file.
func (p Pos) Before(q Pos) bool {
	if p.Filename != q.Filename {
		return p.Filename < q.Filename
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Column < q.Column
}

// Error is a syntax or static-check error at a position.
type Error struct {
	Pos Pos
	Msg string
}

func (e Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is a list of errors; it is an error only when non-empty (see Err).
type ErrorList []Error

// Add appends an error.
func (l *ErrorList) Add(pos Pos, format string, args ...any) {
	*l = append(*l, Error{pos, fmt.Sprintf(format, args...)})
}

// Sort orders the list by position, then message.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].Pos != l[j].Pos {
			return l[i].Pos.Before(l[j].Pos)
		}
		return l[i].Msg < l[j].Msg
	})
}

// MaxErrors is the most errors a list reports (Err): a file of two
// million misspelled calls gave two million errors, a 200 MB report that
// took minutes to print. As the Go compiler stops at 10 errors ("too many
// errors"), the first MaxErrors are kept, in the order the list has (Sort
// first for the first in the file), and a last error at the position of
// the first one left out says how many more there are.
const MaxErrors = 10

// Err returns nil for an empty list, else the list itself, cut after
// MaxErrors errors.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	if len(l) > MaxErrors {
		more := len(l) - MaxErrors
		cut := append(l[:MaxErrors:MaxErrors], Error{l[MaxErrors].Pos, fmt.Sprintf("too many errors: %d more not shown", more)})
		return cut
	}
	return l
}

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// PrintError writes err to w, one line per error when err is an ErrorList.
func PrintError(w io.Writer, err error) {
	if l, ok := err.(ErrorList); ok {
		var b strings.Builder
		for _, e := range l {
			b.WriteString(e.Error())
			b.WriteByte('\n')
		}
		io.WriteString(w, b.String())
		return
	}
	fmt.Fprintln(w, err)
}
