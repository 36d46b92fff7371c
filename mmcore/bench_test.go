package mmcore

import (
	"testing"
	"unsafe"
)

func BenchmarkWalk(b *testing.B) {
	m := newMM(b, 4)
	v := mustMmap(b, m, pg(0), 16, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	mustFault(b, m, v, pg(3), true)
	b.ReportAllocs()
	b.ResetTimer()
	var w Walk
	for b.Loop() {
		w = m.Walk(pg(3))
	}
	if !w.Present() {
		b.Fatal("not present")
	}
}

func BenchmarkFault(b *testing.B) {
	mem := NewMemory()
	mem.Quarantine = 4096
	m, _ := NewMM(Config{Memory: mem})
	const pages = 1 << 16
	v := mustMmap(b, m, pg(0), pages, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == pages {
			b.StopTimer()
			m.ZapRange(v, v.Start(), v.End())
			i = 0
			b.StartTimer()
		}
		if _, err := m.HandleFault(v, pg(i), true); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func TestWalkDoesNotAllocate(t *testing.T) {
	m := newMM(t, 5)
	v := mustMmap(t, m, pg(0), 1, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	mustFault(t, m, v, pg(0), true)
	if n := testing.AllocsPerRun(100, func() { _ = m.Walk(pg(0)) }); n != 0 {
		t.Errorf("Walk allocates %v times", n)
	}
}

// TestWalkFitsACacheLine guards BenchmarkWalk: Walk is returned by value on
// every fault and lock check, and growing it past 64 bytes cost 40% of the
// walk rate (15 ns -> 21.5 ns per walk).
func TestWalkFitsACacheLine(t *testing.T) {
	if s := unsafe.Sizeof(Walk{}); s > 64 {
		t.Fatalf("Walk is %d bytes, more than a 64-byte cache line", s)
	}
}
