package interp

import (
	"bytes"
	"strings"
	"testing"
)

// stagedSession types the threads of TestSessionExploreStages: t1 takes
// the mmap lock then i_mmap_rwsem when go_on is 0 as it starts, else
// only g's i_mmap_rwsem; t2 takes i_mmap_rwsem then the mmap lock.
func stagedSession(t *testing.T) *Session {
	t.Helper()
	s := newTestSession(&bytes.Buffer{})
	evalAll(t, s, "mm m", "file f", "file g", "go_on = 0",
		"thread t1 {\n  if go_on == 0 {\n    mmap_write_lock(m)\n    i_mmap_lock_write(f)\n    i_mmap_unlock_write(f)\n    mmap_write_unlock(m)\n  } else {\n    i_mmap_lock_write(g)\n    i_mmap_unlock_write(g)\n  }\n}",
		"thread t2 { i_mmap_lock_write(f); mmap_write_lock(m); mmap_write_unlock(m); i_mmap_unlock_write(f) }")
	return s
}

func findingsAt(res *ExploreResult) []string {
	var found []string
	for _, f := range res.Findings {
		found = append(found, f.Diag.Rule+"@"+f.Diag.Pos.String())
	}
	return found
}

// TestSessionExploreStages: top-level code between two :step turns, with
// a lock (g's i_mmap_rwsem) the top-level thread holds across them, is
// replayed at its place among the turns, so :explore starts from the live
// state: t1 took the mmap lock while go_on was 0, then go_on became 1,
// then t2 took f's i_mmap_rwsem, and the ABBA deadlock of t1 (<stdin>:8)
// and t2 is certain. From where the threads start, with all of the
// top-level code run first, t1 sees go_on 1 and waits for g instead
// (<stdin>:12), which the live state cannot reach.
func TestSessionExploreStages(t *testing.T) {
	s := stagedSession(t)
	evalAll(t, s, "i_mmap_lock_write(g)")
	if _, err := s.Step("t1", 1); err != nil {
		t.Fatal(err)
	}
	evalAll(t, s, "go_on = 1")
	if _, err := s.Step("t2", 1); err != nil {
		t.Fatal(err)
	}
	res, why, err := s.Explore(ExploreOptions{})
	if err != nil || why != "" {
		t.Fatalf("Explore: %v, not from here: %q", err, why)
	}
	found := strings.Join(findingsAt(res), " ")
	if !strings.Contains(found, "deadlock@<stdin>:8:5") {
		t.Errorf("from the live state: %s, want the deadlock at <stdin>:8:5", found)
	}
	if strings.Contains(found, "<stdin>:12") {
		t.Errorf("from the live state: %s, found t1's wait for g, which only the start reaches", found)
	}
	if !strings.Contains(found, "lock/held-at-exit") {
		t.Errorf("from the live state: %s, the top-level thread's hold of g is not held at its exit", found)
	}
	for _, f := range res.Findings {
		if !strings.HasPrefix(FormatSchedule(f.Schedule), "t1 t2") {
			t.Errorf("finding %s with schedule %v, not after the steps taken", f.Diag.Rule, FormatSchedule(f.Schedule))
		}
	}

	// The same top-level code before any step: the state where the
	// threads start, which the old replay explored from.
	s = stagedSession(t)
	evalAll(t, s, "i_mmap_lock_write(g)", "go_on = 1")
	res, why, err = s.Explore(ExploreOptions{})
	if err != nil || why != "" {
		t.Fatalf("Explore: %v, %q", err, why)
	}
	found = strings.Join(findingsAt(res), " ")
	if !strings.Contains(found, "<stdin>:12:5") || strings.Contains(found, "<stdin>:8:5") {
		t.Errorf("from the start: %s, want t1's wait for g at <stdin>:12:5 and not the deadlock at <stdin>:8:5", found)
	}
}

// TestSessionExploreStagesFallback: a top-level chunk that blocked while
// the threads ran cannot be replayed as one piece at one place: Explore
// says so and starts where the threads start.
func TestSessionExploreStagesFallback(t *testing.T) {
	s := newTestSession(&bytes.Buffer{})
	evalAll(t, s, "mm m", "thread t { mmap_write_lock(m); mmap_write_unlock(m) }")
	if _, err := s.Step("t", 1); err != nil {
		t.Fatal(err)
	}
	evalAll(t, s, "mmap_read_lock(m)") // waits for t
	s.Run()
	res, why, err := s.Explore(ExploreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(why, "waited in a chunk") {
		t.Errorf("explored from here although the top-level thread waited across the threads' turns (why %q)", why)
	}
	if res.Executions < 1 {
		t.Errorf("%d executions", res.Executions)
	}
}
