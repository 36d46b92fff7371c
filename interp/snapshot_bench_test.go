package interp

import (
	"testing"
)

// BenchmarkSnapshotRestore is what starting a run from the state after
// set-up costs (snapshot.go), against BenchmarkSetupRun, making the
// kernel and the machine and running the set-up code, as a run did
// before, with the run pool. -explore.script names the script.
func BenchmarkSnapshotRestore(b *testing.B) {
	p, err := Load(*exploreScript)
	if err != nil {
		b.Fatal(err)
	}
	var m *Machine
	Run(p, Options{onStart: func(mm *Machine) { m = mm }, pick: func(int, []int) int { return -1 }})
	s, why := takeSnapshot(m, newStateCloner())
	if s == nil {
		b.Fatal(why)
	}
	pl := &runPool{}
	b.ReportAllocs()
	c0 := cpuTime()
	for b.Loop() {
		Run(p, Options{pool: pl, from: s, pick: func(int, []int) int { return -1 }})
	}
	b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkSetupRun: see BenchmarkSnapshotRestore.
func BenchmarkSetupRun(b *testing.B) {
	p, err := Load(*exploreScript)
	if err != nil {
		b.Fatal(err)
	}
	pl := &runPool{}
	b.ReportAllocs()
	c0 := cpuTime()
	for b.Loop() {
		Run(p, Options{pool: pl, pick: func(int, []int) int { return -1 }})
	}
	b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}
