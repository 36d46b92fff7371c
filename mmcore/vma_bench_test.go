package mmcore

import (
	"testing"
	"time"
)

// reportCPU adds cpu-ns/op and, with unit, the rate per CPU second.
func reportCPU(b *testing.B, start time.Duration, unit string) {
	cpu := cpuTime() - start
	if cpu <= 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	if unit != "" {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), unit)
	}
}

// benchMM10k maps 10 k one-page VMAs at every other page, alternating r--
// and rw- so that none merges, and returns the address of a free page in
// the middle whose neighbours differ from a r-x mapping (so it never
// merges either).
func benchMM10k(b *testing.B) (*MM, Addr) {
	m, err := NewMM(Config{})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10000 {
		prot := PROT_READ
		if i%2 == 1 {
			prot |= PROT_WRITE
		}
		if _, err := m.Mmap(pg(2*i), PageSize, prot, anonPriv|MAP_FIXED, nil, 0); err != nil {
			b.Fatal(err)
		}
	}
	if m.MapCount() != 10000 {
		b.Fatalf("%d VMAs", m.MapCount())
	}
	return m, pg(2*5000 + 1)
}

// BenchmarkMmapMunmap10k is one mmap(MAP_FIXED) + munmap pair at a fixed
// address in the middle of 10 k VMAs.
func BenchmarkMmapMunmap10k(b *testing.B) {
	m, at := benchMM10k(b)
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := m.DoMmap(at, PageSize, PROT_READ|PROT_EXEC, anonPriv|MAP_FIXED, nil, 0); err != nil {
			b.Fatal(err)
		}
		if _, err := m.Munmap(at, PageSize); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, "pairs/cpu-s")
}

// BenchmarkMprotectSplitMerge10k splits a VMA in the middle of 10 k VMAs
// into three with mprotect and merges it back.
func BenchmarkMprotectSplitMerge10k(b *testing.B) {
	m, _ := benchMM10k(b)
	at := pg(2 * 5000)
	if _, err := m.Mmap(at, 4*PageSize, PROT_READ, anonPriv|MAP_FIXED, nil, 0); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu := cpuTime()
	defer func() { reportCPU(b, cpu, "") }()
	for b.Loop() {
		if err := m.Mprotect(at+PageSize, PageSize, PROT_READ|PROT_WRITE); err != nil {
			b.Fatal(err)
		}
		if err := m.Mprotect(at+PageSize, PageSize, PROT_READ); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFork1kVMAs10kPages forks an mm of 1 k private anonymous VMAs
// holding 10 k written pages, and tears the child down again.
func BenchmarkFork1kVMAs10kPages(b *testing.B) {
	m, err := NewMM(Config{})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		prot := PROT_READ | PROT_WRITE
		if i%2 == 1 {
			prot |= PROT_EXEC // keep neighbours apart
		}
		if _, err := m.Mmap(pg(16*i), 10*PageSize, prot, anonPriv|MAP_FIXED, nil, 0); err != nil {
			b.Fatal(err)
		}
		for p := range 10 {
			if err := m.UserFault(pg(16*i+p), true); err != nil {
				b.Fatal(err)
			}
		}
	}
	if m.MapCount() != 1000 || m.RSS().Anon != 10000 {
		b.Fatalf("%d VMAs, rss %+v", m.MapCount(), m.RSS())
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		c, _, err := m.Fork()
		if err != nil {
			b.Fatal(err)
		}
		c.ExitMMap()
	}
	reportCPU(b, cpu, "forks/cpu-s")
}

// BenchmarkUserFault is a write fault through the user-access path
// (FindVMAForFault + HandleFault) on fresh private anonymous pages.
func BenchmarkUserFault(b *testing.B) {
	mem := NewMemory()
	mem.Quarantine = 4096
	m, _ := NewMM(Config{Memory: mem})
	const pages = 1 << 16
	v := mustMmap(b, m, pg(0), pages, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	b.ReportAllocs()
	cpu := cpuTime()
	i := 0
	for b.Loop() {
		if i == pages {
			b.StopTimer()
			m.ZapRange(v, v.Start(), v.End())
			i = 0
			b.StartTimer()
		}
		if err := m.UserFault(pg(i), true); err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportCPU(b, cpu, "faults/cpu-s")
}

// BenchmarkWalkCPU is BenchmarkWalk with the CPU-time metric.
func BenchmarkWalkCPU(b *testing.B) {
	m := newMM(b, 4)
	v := mustMmap(b, m, pg(0), 16, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	mustFault(b, m, v, pg(3), true)
	var w Walk
	cpu := cpuTime()
	for b.Loop() {
		w = m.Walk(pg(3))
	}
	reportCPU(b, cpu, "walks/cpu-s")
	if !w.Present() {
		b.Fatal("not present")
	}
}
