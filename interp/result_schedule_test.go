package interp

import (
	"slices"
	"sync"
	"testing"
)

// A Result may be shared: Schedule builds the list of names once, and
// Turns reads nothing Schedule changes (go test -race sees the lazy build
// otherwise).
func TestResultScheduleShared(t *testing.T) {
	p := load(t, "int n = 0\nthread a { n += 1; n += 1 }\nthread b { n += 2 }\n")
	want := Run(p, Options{}).Schedule()
	if len(want) < 2 {
		t.Fatalf("schedule %v: want a turn of each thread", want)
	}
	res := Run(p, Options{})
	var wg sync.WaitGroup
	got := make([][]string, 8)
	turns := make([]int, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			turns[i] = res.Turns()
			got[i] = res.Schedule()
		}()
	}
	wg.Wait()
	for i := range got {
		if !slices.Equal(got[i], want) || turns[i] != len(want) {
			t.Errorf("goroutine %d: schedule %v, %d turns; want %v, %d", i, got[i], turns[i], want, len(want))
		}
	}
}
