package trace

import (
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"map 16 4 rw- anon\nfrob 1 2", "t:2:1: unknown operation \"frob\""},
		{"map 16 x rw- anon", "t:1:8: map: page count must be an integer, not \"x\""},
		{"map 16 4 rw- anon bogus", "t:1:19: map: unknown flag \"bogus\""},
		{"map 16 4 rwq anon", "t:1:10: map: protection \"rwq\""},
		{"map 16 4 rw-", "t:1:13: map: missing kind"},
		{"map 16 4 rw- file:F1:0", "t:1:19: map: no descriptor F1"},
		{"file A tmpfs 4\nopen A1 B rw", "t:2:9: open: no file B"},
		{"file A nfs 4", "t:1:8: file: file system must be tmpfs"},
		{"fork\nmap 1 1 rw- anon", "t:1:1: fork without endfork"},
		{"endfork", "t:1:1: endfork without fork"},
		{"fork\nfork", "t:2:1: fork: already inside fork"},
		{"fork\nbrk 4\nendfork", "t:2:1: brk: not allowed between fork and endfork"},
		{"fork\ntrytouch 1 1 r\nendfork", "t:2:1: trytouch: not allowed"},
		{"  touch 1 1 x", "t:1:13: touch: access must be r or w"},
		{"advise 1 1 sometimes", "t:1:12: advise: unknown advice \"sometimes\""},
		{"remap 1 1 2 fixed", "t:1:18: remap: missing new page after fixed"},
		{"remap 1 1 2 teleport", "t:1:13: remap: unknown flag \"teleport\""},
		{"@window 0", "t:1:9: @window: window size in pages 0 out of range"},
		{"@window 64\n@window 64", "t:2:1: @window given twice"},
		{"unmap 1 2 3", "t:1:11: unmap: unexpected \"3\""},
		{"thpdisable now", "t:1:12: thpdisable: unexpected \"now\""},
	} {
		_, err := Parse("t", []byte(c.src))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want prefix %q", c.src, err, c.want)
		}
	}
}

func TestParseOps(t *testing.T) {
	src := "# c\n@window 512\nfile A tmpfs 8\nopen A1 A ro\nmap 1 2 r-x file-shared:A1:3 noreserve populate\n" +
		"remap 1 2 4 maymove fixed 9 dontunmap\nfork\n  touch 1 1 w\nendfork the child\nshow  two  spaces\n"
	tr, err := Parse("dir/x.trace", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Name != "x.trace" || tr.WindowPages != 512 || len(tr.Ops) != 6 {
		t.Fatalf("got %+v", tr)
	}
	m := tr.Ops[2]
	if m.MapKind != MapFileShared || m.FD != "A1" || m.Pgoff != 3 || !m.HasFlag("populate") || m.Prot != "r-x" {
		t.Errorf("map: %+v", m)
	}
	r := tr.Ops[3]
	if !r.MayMove || !r.Fixed || !r.DontUnmap || r.NewPage != 9 || r.NewN != 4 {
		t.Errorf("remap: %+v", r)
	}
	f := tr.Ops[4]
	if f.Kind != OpFork || len(f.Child) != 1 || f.Label != "the child" || f.Child[0].Text != "touch 1 1 w" {
		t.Errorf("fork: %+v", f)
	}
	if s := tr.Ops[5]; s.Label != "two spaces" || s.Text != "show  two  spaces" {
		t.Errorf("show: %+v", s)
	}
}

func TestShrink(t *testing.T) {
	src := "a\nb\n# note\nc\nd\ne\nf\n"
	got := Shrink(src, func(s string) bool { return strings.Contains(s, "b\n") && strings.Contains(s, "e\n") })
	if got != "b\ne\n" {
		t.Errorf("Shrink = %q", got)
	}
}

func TestGenerateReproducible(t *testing.T) {
	for s := int64(0); s < 50; s++ {
		a, b := Generate(s), Generate(s)
		if a != b {
			t.Fatalf("seed %d: two different traces", s)
		}
		if _, err := Parse("g", []byte(a)); err != nil {
			t.Fatalf("seed %d: generated trace does not parse: %v\n%s", s, err, a)
		}
	}
}

func TestStripColumns(t *testing.T) {
	in := "  [  56,  60) --xp anon          rss=0   anon=0   pkey=1 vmflags=[ex mr mw me] pm=4. mc=40\n"
	want := "  [  56,  60) --xp anon          rss=0   anon=0   vmflags=[ex mr mw me] pm=4.\n"
	if got := StripColumns(in, Options{NoMincore: true, NoPkey: true}); got != want {
		t.Errorf("StripColumns = %q", got)
	}
}
