package interp

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// run -trace -footprints prints each turn's footprint and the earlier
// turns of other threads it conflicts with. A load by another CPU after
// ptep_get_and_clear depends on the clear through the entry alone (the
// page is not read by a walk that finds the entry empty, the TLB is only
// read by both): the trace must show it, and shows it no more if the
// clear's footprint names another entry than its own (the uncaught
// sabotage of TestPTEClearOrdersWithHardwareWalk). The first turn of a
// thread depends on no earlier turn of its own thread.
func TestTraceFootprints(t *testing.T) {
	src := "mm m\nvma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private)\n" +
		"assert touch(m, 0x100000, write)\nassert touch(m, 0x101000, write)\nhits = 0\n\n" +
		"thread a {\n  mmap_read_lock(m)\n  pte pt = pte_offset_map_lock(m, 0x100000)\n  page old = ptep_get_and_clear(pt)\n" +
		"  pte_unmap_unlock(pt)\n  mmap_read_unlock(m)\n}\n\n" +
		"thread b {\n  if cpu_access(m, 0x100000, 4) { hits += 1 }\n}\n"
	p, err := LoadSource("trace.mms", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	Run(p, Options{Trace: &out, Footprints: true, Schedule: []string{"a", "a", "a", "b"}})
	lines := strings.Split(out.String(), "\n")
	var turns [][]string // each turn's line and the lines under it
	for _, l := range lines {
		if strings.HasPrefix(l, "     ") && len(turns) > 0 {
			turns[len(turns)-1] = append(turns[len(turns)-1], strings.TrimSpace(l))
		} else if l != "" {
			turns = append(turns, []string{l})
		}
	}
	if len(turns) < 4 {
		t.Fatalf("want at least 4 turns, got\n%s", out.String())
	}
	clear, access := turns[2], turns[3]
	if !strings.Contains(clear[0], "ptep_get_and_clear") || !strings.Contains(access[0], "cpu_access") {
		t.Fatalf("turns 3 and 4 are not the clear and the access:\n%s", out.String())
	}
	for i, tn := range turns {
		if len(tn) < 2 || !strings.HasPrefix(tn[1], "touches task:") {
			t.Errorf("turn %d has no footprint line (touches task:...):\n%s", i+1, out.String())
		}
	}
	if !strings.Contains(strings.Join(clear, "\n"), "pte:") || !strings.Contains(strings.Join(clear, "\n"), ":w") {
		t.Errorf("the clear's footprint has no write of an entry:\n%s", strings.Join(clear, "\n"))
	}
	if got := strings.Join(access[1:], "\n"); !strings.Contains(got, "depends on 3 (a)") {
		t.Errorf("the load after the clear does not depend on it:\n%s", out.String())
	}
	for i, tn := range turns[:3] {
		if strings.Contains(strings.Join(tn, "\n"), "depends on") {
			t.Errorf("turn %d of thread a alone depends on an earlier turn:\n%s", i+1, out.String())
		}
	}
}

// run -trace -footprints names the objects a turn touched as the
// runtime names them elsewhere (a lock by its name, an mm and its parts,
// a page-table entry by its mm, level and address, a page by its PFN, a
// global or a task by its name), not by their IDs, which are hashes: no
// object of any example's trace is a bare number.
func TestTraceFootprintsNameObjects(t *testing.T) {
	files, err := filepath.Glob("../examples/*/*.mms")
	if err != nil {
		t.Fatal(err)
	}
	top, _ := filepath.Glob("../examples/*.mms")
	files = append(files, top...)
	if len(files) < 100 {
		t.Fatalf("only %d examples found", len(files))
	}
	kinds := map[string]bool{}
	for _, file := range files {
		p, err := Load(file)
		if err != nil {
			continue // the examples that are compile errors
		}
		var out bytes.Buffer
		Run(p, Options{Trace: &out, Footprints: true})
		for _, line := range strings.Split(out.String(), "\n") {
			ws, ok := strings.CutPrefix(strings.TrimSpace(line), "touches ")
			if !ok {
				continue
			}
			for _, w := range strings.Split(ws, ", ") {
				kind, rest, _ := strings.Cut(w, ":")
				i := strings.LastIndex(rest, ":")
				if i < 0 {
					if kind != "world" && kind != "alloc" && kind != "lockdep" && kind != "rcu" {
						t.Errorf("%s: %q names no object", file, w)
					}
					continue
				}
				if _, err := strconv.ParseUint(rest[:i], 10, 32); err == nil {
					t.Errorf("%s: %q names its object by its ID", file, w)
				}
				kinds[kind] = true
			}
		}
	}
	for _, k := range []string{"task", "global", "lock", "owner", "mm", "pte", "page", "tlb", "file"} {
		if !kinds[k] {
			t.Errorf("no example's trace touches an object of kind %s", k)
		}
	}
}
