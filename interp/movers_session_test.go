package interp

import (
	"testing"

	rt "github.com/mmscript/mmscript/runtime"
)

// A session's chunks change its program: the mover classes worked out
// before a chunk are worked out again after it (Program.gen), whether
// the chunk adds a thread, a func a later thread calls, or nothing but
// top-level code; a chunk that fails leaves them as they were.
func TestSessionChunksRefreshMovers(t *testing.T) {
	s := NewSession(SessionOptions{})
	p := s.c.prog
	mover := func() bool { return p.moverClasses().Has(rt.ClassMmapLock) }
	for _, c := range []struct {
		chunk string
		fails bool
		want  bool
	}{
		{"mm m", false, true},
		{"thread a { mmap_read_lock(m); mmap_read_unlock(m) }", false, true},
		{"thread b { mmap_write_lock(m); mmap_write_unlock(m) }\nno_such_op(m)", true, true},
		{"func w() { mmap_write_lock(m); mmap_write_unlock(m) }", false, true},
		{"thread c { w() }", false, false},
	} {
		before := p.gen.Load()
		err := s.Eval(c.chunk)
		if (err != nil) != c.fails {
			t.Fatalf("%q: error %v, want failure %v", c.chunk, err, c.fails)
		}
		if p.gen.Load() == before {
			t.Errorf("%q: the program's generation did not change", c.chunk)
		}
		if got := mover(); got != c.want {
			t.Errorf("after %q: mmap_lock mover %v, want %v", c.chunk, got, c.want)
		}
	}
}
