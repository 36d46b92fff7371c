package interp

import (
	"slices"
	"strings"
	"testing"
)

// A run replays exactly: the readers a grace period waits for are listed
// in task order, not in a map's (the deadlock message said "held by b, c,
// a" in some runs and "held by a, b, c" in others, which
// TestGeneratedScripts caught as runs that differ).
func TestGracePeriodReadersReplayExactly(t *testing.T) {
	p := load(t, `
mm m
thread a { rcu_read_lock(); msleep(1); synchronize_rcu() }
thread b { rcu_read_lock(); msleep(1); mmap_write_lock(m) }
thread c { rcu_read_lock(); msleep(1); mmap_write_lock(m) }
`)
	first := diagStrings(Run(p, Options{}))
	if !strings.Contains(strings.Join(first, "\n"), "RCU grace period held by a, b, c") {
		t.Fatalf("want the readers in task order:\n%s", strings.Join(first, "\n"))
	}
	for range 30 {
		if again := diagStrings(Run(p, Options{})); !slices.Equal(first, again) {
			t.Fatalf("runs differ:\n%s\n---\n%s", strings.Join(first, "\n"), strings.Join(again, "\n"))
		}
	}
}
