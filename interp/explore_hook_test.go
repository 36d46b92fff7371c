package interp

import (
	"slices"
	"sync"
	"testing"
)

// The explorer's onExecution hook runs after the run's machine has
// finished and given its threads back to the pool (Machine.finish), and
// scheduleNames, which named the turns by m.threads, panicked there
// (index out of range). It names them by the program's threads now: the
// hook's schedule of each execution is the one its stack chose, and
// replaying it reaches the same turns. With snapshots the machine is the
// snapshot's, restored for each run; without, a new one each run.
func TestScheduleNamesFromExecutionHook(t *testing.T) {
	for _, noSnap := range []bool{false, true} {
		testScheduleNamesFromHook(t, noSnap)
	}
}

func testScheduleNamesFromHook(t *testing.T, noSnapshot bool) {
	src := "mm m\nmutex mu\nx = 0\n\n" +
		"thread a {\n  mutex_lock(mu)\n  x += 1\n  mutex_unlock(mu)\n}\n\n" +
		"thread b {\n  mmap_read_lock(m)\n  mutex_lock(mu)\n  x += 2\n  mutex_unlock(mu)\n  mmap_read_unlock(m)\n}\n"
	p, err := LoadSource("hook.mms", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var scheds [][]string
	o := ExploreOptions{Workers: 1, noSnapshot: noSnapshot}
	o.onExecution = func(s *searcher) {
		got := s.m.scheduleNames()
		want := make([]string, len(s.stack))
		for i := range s.stack {
			want[i] = p.threads[s.stack[i].tid].name
		}
		if !slices.Equal(got, want) {
			t.Errorf("scheduleNames() = %v, the stack chose %v", got, want)
		}
		mu.Lock()
		scheds = append(scheds, got)
		mu.Unlock()
	}
	Explore(p, o)
	if len(scheds) < 2 {
		t.Fatalf("%d executions, want at least 2", len(scheds))
	}
	for _, sc := range scheds {
		r := Run(p, Options{Schedule: sc})
		if got := r.Schedule(); !slices.Equal(got, sc) {
			t.Errorf("replaying %v took %v", sc, got)
		}
	}
}
