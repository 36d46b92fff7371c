package lang

import (
	"errors"
	"strings"
	"testing"
)

func TestPosString(t *testing.T) {
	for _, test := range []struct {
		pos  Pos
		want string
	}{
		{Pos{Filename: "a.mms", Line: 3, Column: 7}, "a.mms:3:7"},
		{Pos{Filename: "a.mms", Line: 3}, "a.mms:3"},
		{Pos{Filename: "a.mms"}, "a.mms"},
		{Pos{Filename: "a.mms", Column: 7}, "a.mms"},
		{Pos{Line: 3, Column: 7}, "3:7"},
		{Pos{Line: 3}, "3"},
		{Pos{}, "-"},
	} {
		if got := test.pos.String(); got != test.want {
			t.Errorf("%+v.String() = %q, want %q", test.pos, got, test.want)
		}
		if got, want := test.pos.IsValid(), test.pos.Line > 0; got != want {
			t.Errorf("%+v.IsValid() = %t", test.pos, got)
		}
	}
}

func TestPosBefore(t *testing.T) {
	ordered := []Pos{
		{Filename: "a", Line: 1, Column: 1},
		{Filename: "a", Line: 1, Column: 2},
		{Filename: "a", Line: 2, Column: 1},
		{Filename: "b", Line: 1, Column: 1},
	}
	for i, p := range ordered {
		for j, q := range ordered {
			if got, want := p.Before(q), i < j; got != want {
				t.Errorf("%s.Before(%s) = %t, want %t", p, q, got, want)
			}
		}
	}
}

func TestErrorList(t *testing.T) {
	var l ErrorList
	if l.Err() != nil {
		t.Errorf("empty ErrorList.Err() = %v, want nil", l.Err())
	}
	if got := l.Error(); got != "no errors" {
		t.Errorf("empty Error() = %q", got)
	}
	l.Add(Pos{Filename: "f", Line: 2, Column: 1}, "b %d", 2)
	l.Add(Pos{Filename: "f", Line: 1, Column: 5}, "a")
	l.Add(Pos{Filename: "f", Line: 2, Column: 1}, "a")
	if got, want := l.Error(), "f:2:1: b 2 (and 2 more errors)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	l.Sort()
	var b strings.Builder
	PrintError(&b, l.Err())
	if got, want := b.String(), "f:1:5: a\nf:2:1: a\nf:2:1: b 2\n"; got != want {
		t.Errorf("PrintError after Sort:\n%s\nwant\n%s", got, want)
	}
	if got, want := l[:1].Error(), "f:1:5: a"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var target ErrorList
	if err := l.Err(); !errors.As(err, &target) || len(target) != 3 {
		t.Errorf("errors.As(Err()) = %v", target)
	}
	b.Reset()
	PrintError(&b, errors.New("plain"))
	if got := b.String(); got != "plain\n" {
		t.Errorf("PrintError(plain) = %q", got)
	}
	if got, want := (Error{Pos{Filename: "f", Line: 1, Column: 2}, "m"}).Error(), "f:1:2: m"; got != want {
		t.Errorf("Error.Error() = %q, want %q", got, want)
	}
}

// TestErrorListErrCut: Err keeps MaxErrors errors and ends with one at
// the first left out's position that counts the rest, as the Go compiler
// stops at "too many errors"; a list within the limit is whole.
func TestErrorListErrCut(t *testing.T) {
	for _, tt := range []struct {
		n        int
		wantLen  int
		wantLast string
	}{
		{1, 1, "f:1:1: error 1"},
		{MaxErrors, MaxErrors, "f:10:1: error 10"},
		{MaxErrors + 1, MaxErrors + 1, "f:11:1: too many errors: 1 more not shown"},
		{2_000_000, MaxErrors + 1, "f:11:1: too many errors: 1999990 more not shown"},
	} {
		var l ErrorList
		for i := 1; i <= tt.n; i++ {
			l.Add(Pos{Filename: "f", Line: i, Column: 1}, "error %d", i)
		}
		var got ErrorList
		if !errors.As(l.Err(), &got) {
			t.Fatalf("%d errors: Err() = %v", tt.n, l.Err())
		}
		if len(got) != tt.wantLen || got[len(got)-1].Error() != tt.wantLast {
			t.Errorf("%d errors: Err() has %d, the last %q; want %d, %q", tt.n, len(got), got[len(got)-1], tt.wantLen, tt.wantLast)
		}
		if len(l) != tt.n {
			t.Errorf("%d errors: Err() changed the list to %d", tt.n, len(l))
		}
	}
}
