package lang

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzParse checks that Parse and ParseExpr never panic, that every error
// is an ErrorList of errors positioned in the file (and not an internal
// parser error: a recovered panic is a bug to fix), and that a successful
// parse returns a File whose nodes all have valid positions, and that
// Format of anything that parses is idempotent and keeps the tree and the
// comments.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 3m ./lang
func FuzzParse(f *testing.F) {
	for _, test := range parseTests {
		f.Add(test.src)
	}
	for _, test := range errorTests {
		if len(test.src) < 4096 {
			f.Add(test.src)
		}
	}
	if data, err := os.ReadFile("testdata/errors.mms"); err == nil {
		for _, c := range strings.Split(string(data), "\n---\n") {
			f.Add(c)
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		const filename = "fuzz.mms"
		var (
			file *File
			err  error
			done = make(chan struct{})
		)
		go func() {
			defer close(done)
			file, err = Parse(filename, []byte(src))
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Parse hangs")
		}
		if err != nil {
			if file != nil {
				t.Errorf("Parse returned a File and an error")
			}
			checkFuzzError(t, src, err)
		} else {
			if file == nil {
				t.Fatalf("Parse returned neither a File nor an error")
			}
			if file.Name != filename {
				t.Errorf("File.Name = %q", file.Name)
			}
			checkPositions(t, src, reflect.ValueOf(file))
			if d := Dump(file); strings.Contains(d, "(?") {
				t.Errorf("Dump has an unknown node: %s", d)
			}
		}
		// Format keeps the tree and the comments and is idempotent.
		if _, err := Format(filename, []byte(src)); err == nil {
			checkFormat(t, filename, src)
		}
		x, err := ParseExpr(filename, src)
		if err != nil {
			if x != nil {
				t.Errorf("ParseExpr returned an Expr and an error")
			}
			checkFuzzError(t, src, err)
		} else {
			checkPositions(t, src, reflect.ValueOf(x))
		}
	})
}

func checkFuzzError(t *testing.T, src string, err error) {
	t.Helper()
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %v (%T) is not an ErrorList", err, err)
	}
	if len(list) == 0 {
		t.Fatalf("empty ErrorList returned as an error")
	}
	for _, e := range list {
		if e.Pos.Filename != "fuzz.mms" || e.Pos.Line < 1 || e.Pos.Column < 1 || e.Pos.Offset > len(src) {
			t.Errorf("error %q has bad position %+v", e.Msg, e.Pos)
		}
		if strings.Contains(e.Msg, "internal parser error") {
			t.Errorf("%v", e)
		}
		if e.Msg == "" {
			t.Errorf("error at %s has no message", e.Pos)
		}
	}
}

// checkPositions checks every Pos in the tree under v.
func checkPositions(t *testing.T, src string, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkPositions(t, src, v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			checkPositions(t, src, v.Index(i))
		}
	case reflect.Struct:
		if p, ok := v.Interface().(Pos); ok {
			if p.Filename != "fuzz.mms" || p.Line < 1 || p.Column < 1 || p.Offset > len(src) {
				t.Errorf("node has bad position %+v", p)
			}
			return
		}
		for i := range v.NumField() {
			checkPositions(t, src, v.Field(i))
		}
	}
}
