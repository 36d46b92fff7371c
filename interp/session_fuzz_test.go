package interp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzSession types arbitrary lines into a session, with :step and :run
// between them: no input may panic or hang, the views must render, and a
// session whose chunks all ran without an error must save as a script
// that compiles.
func FuzzSession(f *testing.F) {
	f.Add("mm m\nmmap_read_lock(m)\nm.mmap_lock\nthread t { mmap_write_lock(m) }\n:step t\n:run\nmmap_read_unlock(m)\n:run")
	f.Add("x = 1; x + 1\nfunc g(a) { return a * 2 }\ng(x)\nops o { fault(vmf) { return VM_FAULT_NOPAGE } }")
	f.Add("mm m\nmmap_write_lock(m)\nmmap_write_lock(m)\nx = 1\n:threads")
	f.Add("mutex a\nmutex b\nthread p { mutex_lock(a); mutex_lock(b) }\nthread q { mutex_lock(b); mutex_lock(a) }\n:step p\n:step q\n:run")
	files, _ := filepath.Glob("../examples/*.mms")
	sub, _ := filepath.Glob("../examples/*/*.mms") // the examples grouped by question
	files = append(files, sub...)
	for _, name := range files {
		if src, err := os.ReadFile(name); err == nil {
			f.Add(string(src) + "\n:run")
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 8000 {
			return
		}
		s := NewSession(SessionOptions{MaxSteps: 50_000})
		// Lines are gathered into chunks until braces balance, as the REPL does.
		var pending []string
		for _, line := range strings.Split(src, "\n") {
			if len(pending) == 0 {
				if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], ":") {
					switch f[0] {
					case ":step":
						if len(f) > 1 {
							s.Step(f[1], 3)
						}
					case ":run":
						s.Run()
					}
					continue
				}
			}
			pending = append(pending, line)
			text := strings.Join(pending, "\n")
			if strings.Count(text, "{") > strings.Count(text, "}") && len(pending) < 50 {
				continue
			}
			pending = nil
			s.Eval(text)
		}
		s.Locks()
		s.Maps()
		s.PageWalk("", 0x100000)
		for _, th := range s.Threads() {
			s.State(th)
		}
		for _, e := range s.log {
			if e.error {
				return // its lines are left out: later ones may not compile
			}
		}
		saved, _ := s.Script()
		if _, err := LoadSource("saved.mms", []byte(saved)); err != nil {
			t.Errorf("the saved session does not compile: %v\n%s", err, saved)
		}
	})
}
