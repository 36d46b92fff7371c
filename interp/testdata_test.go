package interp

import (
	"path/filepath"
	"testing"
)

// TestTestdata runs testdata/*.mms (also FuzzRun's seeds) against their
// expect lines: round-robin, and for the scripts that expect ok, under
// seeded schedules too, since nothing they do may depend on the order.
func TestTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.mms")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata scripts: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			prog, err := Load(file)
			if err != nil {
				t.Fatal(err)
			}
			seeds := []uint64{0}
			if len(prog.expects) == 1 && prog.expects[0].Kind == "ok" {
				for s := uint64(1); s <= 10; s++ {
					seeds = append(seeds, s)
				}
			}
			for _, seed := range seeds {
				res := Run(prog, Options{Seed: seed})
				for _, m := range CheckExpectations(prog, res) {
					t.Errorf("seed %d: %s", seed, m)
				}
			}
		})
	}
}
