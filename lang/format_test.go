package lang

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestFormatScripts formats every example and testdata script of the
// repository twice: the second pass must change nothing (Format is
// idempotent), the tree must be the one of the source (Format changes
// only the layout), and every comment must survive, in order. The chunks
// of the chunked testdata files are formatted one by one.
func TestFormatScripts(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../examples/*.mms", "../examples/*/*.mms", "../*/testdata/*.mms", "../*/*/testdata/*.mms"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 26 {
		t.Fatalf("found only %d scripts", len(files))
	}
	n := 0
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, chunk := range strings.Split(string(src), "\n---\n") {
			if _, err := DefaultLimits.Format(name, []byte(chunk)); err != nil {
				continue // a chunk that must not parse
			}
			checkFormat(t, name+"#"+string(rune('0'+i%10)), chunk)
			n++
		}
	}
	t.Logf("formatted %d scripts and chunks", n)
}

// checkFormat checks Format on src: idempotent, same tree, same comments.
func checkFormat(t *testing.T, name, src string) string {
	t.Helper()
	once, err := Format(name, []byte(src))
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return ""
	}
	twice, err := Format(name, once)
	if err != nil {
		t.Errorf("%s: formatted output does not parse: %v\n%s", name, err, once)
		return ""
	}
	if string(twice) != string(once) {
		t.Errorf("%s: Format is not idempotent:\n%s", name, diffLines(string(twice), string(once)))
	}
	before, errB := parseNoCheck(name, []byte(src))
	after, errA := parseNoCheck(name, once)
	if errB != nil || errA != nil {
		t.Errorf("%s: %v / %v", name, errB, errA)
		return string(once)
	}
	// The same tree, but for the lines of expect ... at, which follow
	// their statements (TestFormat checks them).
	atLine := regexp.MustCompile(` AtLine=\d+`)
	if b, a := atLine.ReplaceAllString(dumpFile(before), ""), atLine.ReplaceAllString(dumpFile(after), ""); b != a {
		t.Errorf("%s: Format changed the tree:\n%s", name, diffLines(a, b))
	}
	if b, a := commentTexts(before), commentTexts(after); b != a {
		t.Errorf("%s: Format changed the comments:\n%s", name, diffLines(a, b))
	}
	return string(once)
}

func parseNoCheck(name string, src []byte) (*File, error) {
	lex, s, err := scan(name, src, DefaultLimits)
	if err != nil {
		return nil, err
	}
	defer lex.release()
	f, err := parseTokens(grammarFor(DefaultLimits), &lex.PeekingLexer)
	if err != nil {
		return nil, err
	}
	f.Comments = s.comments
	return f, nil
}

func dumpFile(f *File) string {
	var out []string
	for _, it := range f.Items {
		out = append(out, Dump(it))
	}
	return strings.Join(out, "\n")
}

func commentTexts(f *File) string {
	var out []string
	for _, c := range f.Comments {
		out = append(out, c.Text)
	}
	return strings.Join(out, "\n")
}

// TestFormatAmbiguousExpectation: an expectation that names a line the
// layout must split among statements is an error at the expectation, not a
// guess at which statement it meant.
func TestFormatAmbiguousExpectation(t *testing.T) {
	for _, test := range []struct{ src, want string }{
		{"thread t { f(); if x { g() } }\nexpect violation \"x\" at 1", `f.mms:2:1: expect violation at 1 names a line whose statements the canonical layout puts on 2 lines (f(), if x { g() })`},
		{"f(); g()\nexpect deadlock at 1", `f.mms:2:1: expect deadlock at 1 names a line whose statements the canonical layout puts on 2 lines (f(), g())`},
	} {
		_, err := Format("f.mms", []byte(test.src))
		if err == nil || !strings.HasPrefix(err.Error(), test.want) {
			t.Errorf("Format(%q): %v, want an error starting %q", test.src, err, test.want)
		}
	}
	// Not named, the same lines split silently.
	if _, err := Format("f.mms", []byte("thread t { f(); if x { g() } }\nexpect violation \"x\" at 2")); err != nil {
		t.Errorf("an expectation naming another line: %v", err)
	}
}

// TestFormat pins the canonical layout.
func TestFormat(t *testing.T) {
	for _, test := range []struct{ src, want string }{
		{"mm m;vma v=mmap(m,pages=4,flags=shared|fixed)", "mm m\nvma v = mmap(m, pages=4, flags=shared | fixed)\n"},
		{"x=a and not b or c&&!d", "x = a and not b or c && !d\n"},
		{"x = ( a+b )*-c . d", "x = (a + b) * -c.d\n"},
		{"x = \"a\\x41\\n\"  # c", "x = \"a\\x41\\n\"  # c\n"},
		{"thread t {\n\n\n  f()\n\n\n\n  g()\n\n}\n", "thread t {\n  f()\n\n  g()\n}\n"},
		{"thread t { f(); g() }", "thread t {\n  f()\n  g()\n}\n"},
		{"thread t { f() }", "thread t { f() }\n"},
		{"thread t {\n f() }", "thread t {\n  f()\n}\n"},
		{"thread t {\n}", "thread t {}\n"},
		{"thread t { # why\n}", "thread t {  # why\n}\n"},
		{"repeat 4 { msleep(1) }   # wait", "repeat 4 { msleep(1) }  # wait\n"},
		{"if a { f() } else if b { g() } else { h() }", "if a {\n  f()\n} else if b {\n  g()\n} else {\n  h()\n}\n"},
		{"if a {\n\tf()\n}\n\nelse {\n\tg()\n}", "if a {\n  f()\n} else {\n  g()\n}\n"},
		{"for i in 0 .. 8 { if x { f(i) } }", "for i in 0..8 {\n  if x { f(i) }\n}\n"},
		{"ops drv {\n fault(vmf) { return -1 }\n\n\n close(v){\n  # empty\n }\n # last\n}", "ops drv {\n  fault(vmf) { return -1 }\n\n  close(v) {\n    # empty\n  }\n  # last\n}\n"},
		{"func f(a,b) {\n return a+b }\nexpect violation \"x\" at 3", "func f(a, b) {\n  return a + b\n}\nexpect violation \"x\" at 4\n"},
		{"a()  # one\nbb()    # two\n\nccc() # three\nd()\n", "a()   # one\nbb()  # two\n\nccc()  # three\nd()\n"},
		{"# head\n\n\nmm m\n# tail", "# head\n\nmm m\n# tail\n"},
		{"f(a,   # first\n  b)  # second\n", "# first\nf(a, b)  # second\n"},
		{"assert x == 1, \"why\"", "assert x == 1, \"why\"\n"},
		{"if v!=NULL { f(v,NULL,&n) }", "if v != NULL { f(v, NULL, &n) }\n"},
		{"thread t {\n  f()\n  # after f\n\n  # before }\n}", "thread t {\n  f()\n  # after f\n\n  # before }\n}\n"},
		{"\uFEFFmm m", "mm m\n"},
		{"thread t { f(); g() }\n\n\n# why\nexpect violation \"x\" at 1 always\nexpect error \"y\" at 9", "thread t { f(); g() }\n\n# why\nexpect violation \"x\" at 1 always\nexpect error \"y\" at 9\n"},
		{"mm a\n\nthread t { f(a);g() }\nthread u { f(a); g() }\nexpect deadlock at 4", "mm a\n\nthread t {\n  f(a)\n  g()\n}\nthread u { f(a); g() }\nexpect deadlock at 7\n"},
		{"thread t { f() }\nthread u { f();\n g() }\nexpect violation \"x\" at 3", "thread t { f() }\nthread u {\n  f()\n  g()\n}\nexpect violation \"x\" at 4\n"},
		{"f(a,\n  b)\ng(\n)\nexpect violation \"x\" at 4", "f(a, b)\ng()\nexpect violation \"x\" at 2\n"},
		// "->" is kept as written, as "and", "not" and NULL are
		{"x=vma->vm_mm;vmf->vma.vm_start+=1\nspin_lock(&mm->mmap_lock)", "x = vma->vm_mm\nvmf->vma.vm_start += 1\nspin_lock(&mm->mmap_lock)\n"},
		{"x = a -> b", "x = a->b\n"},
		// the kernel's loop macros stay as C writes them
		{"VMA_ITERATOR(vmi,m,0)\nfor_each_vma(vmi,vma){ f(vma) }", "VMA_ITERATOR(vmi, m, 0)\nfor_each_vma(vmi, vma) { f(vma) }\n"},
		{"for_each_vma_range( vmi , v, end+1 ) {\n if v { break } }", "for_each_vma_range(vmi, v, end + 1) {\n  if v { break }\n}\n"},
		{"func f(p,n) { *p=true;* n+=1\nif * p { return *n } }", "func f(p, n) {\n  *p = true\n  *n += 1\n  if *p { return *n }\n}\n"},
		// a label one level out from its block's statements: at column
		// 0 in a function, as the kernel writes out_unlock:
		{"func f(m) {\n    lock(m)\n    if x { goto out }\n    out: unlock(m)\n}", "func f(m) {\n  lock(m)\n  if x { goto out }\nout:\n  unlock(m)\n}\n"},
		{"thread t { while x {\n  if y { goto again }\nagain:\n  f() } }", "thread t {\n  while x {\n    if y { goto again }\n  again:\n    f()\n  }\n}\n"},
		{"retry: f()\nif x { goto retry }", "retry:\nf()\nif x { goto retry }\n"},
		{"thread t { goto end; f(); end: }", "thread t {\n  goto end\n  f()\nend:\n}\n"},
		{"thread t {\n  f()\n\n\nout:   # why\n  g()\n  goto out\n}", "thread t {\n  f()\n\nout:  # why\n  g()\n  goto out\n}\n"},
		{"thread t {\nout: g()  # g\n  goto out\n}", "thread t {\nout:\n  g()  # g\n  goto out\n}\n"},
		{"thread t {\nout: g()\n  goto out\n}\nexpect violation \"x\" at 2", "thread t {\nout:\n  g()\n  goto out\n}\nexpect violation \"x\" at 3\n"},
		{"", ""},
	} {
		got := checkFormat(t, "f.mms", test.src)
		if got != test.want {
			t.Errorf("Format(%q):\n got %q\nwant %q", test.src, got, test.want)
		}
	}
}
