package mmcore

import (
	"testing"
	"time"
)

func TestFlushPageDropsOneCPUsEntry(t *testing.T) {
	m, err := NewMM(Config{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := m.Mmap(0x10000, 2*PageSize, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []Addr{0x10000, 0x11000} {
		if _, err := m.HandleFault(v, a, true); err != nil {
			t.Fatal(err)
		}
		for cpu := 0; cpu < 2; cpu++ {
			if _, ok := m.TLB.Translate(cpu, a); !ok {
				t.Fatalf("translate cpu %d %v failed", cpu, a)
			}
		}
	}
	m.TLB.FlushPage(0, 0x10000)
	for _, c := range []struct {
		cpu  int
		addr Addr
		want bool
	}{{0, 0x10000, false}, {0, 0x11000, true}, {1, 0x10000, true}, {1, 0x11000, true}} {
		if got := m.TLB.Cached(c.cpu, c.addr); got != c.want {
			t.Errorf("Cached(%d, %v) = %v, want %v", c.cpu, c.addr, got, c.want)
		}
	}
}

// TestFlushRangeAtTopOfAddressSpace: a range in the last page of the
// address space ends (FlushRange stepped its address past 2^64 to 0 and
// looped for ever), and the entries it covers, none here, are dropped
// while the others stay.
func TestFlushRangeAtTopOfAddressSpace(t *testing.T) {
	m, err := NewMM(Config{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := m.Mmap(0x10000, PageSize, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.HandleFault(v, 0x10000, true); err != nil {
		t.Fatal(err)
	}
	if _, ok := m.TLB.Translate(0, 0x10000); !ok {
		t.Fatal("no translation")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.TLB.FlushRange(^Addr(0)&PageMask, ^Addr(0)&PageMask+3)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("FlushRange of the last page does not end")
	}
	if !m.TLB.Cached(0, 0x10000) {
		t.Error("the flush of the last page dropped 0x10000")
	}
}
