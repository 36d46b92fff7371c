package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestFlushTLBRangeEnd: flush_tlb_range(vma, start, end) takes the end of
// the range as its third argument, as the kernel does; a kernel call
// flush_tlb_range(vma, addr, addr + PAGE_SIZE) flushes that one page, not
// addr + PAGE_SIZE bytes from addr.
func TestFlushTLBRangeEnd(t *testing.T) {
	k, m := newMM(t)
	v := mapAnon(t, k, m, 0x200000, 4)
	populate(t, k, m, v, 0x200000, 4)
	tk := k.NewTask("flusher")
	for _, a := range []mmcore.Addr{0x200000, 0x201000} {
		if _, ok := m.Core.TLB.Translate(tk.CPU, a); !ok {
			t.Fatalf("no translation of %#x", uint64(a))
		}
	}
	do(t, k, tk, "mmap_read_lock", mmV(m))
	do(t, k, tk, "flush_tlb_range", vmaV(v), addrV(0x200000), addrV(0x201000))
	do(t, k, tk, "mmap_read_unlock", mmV(m))
	if m.Core.TLB.Cached(tk.CPU, 0x200000) {
		t.Error("0x200000 is still cached: [start, end) not flushed")
	}
	if !m.Core.TLB.Cached(tk.CPU, 0x201000) {
		t.Error("0x201000 was flushed: end taken as a length")
	}
}
