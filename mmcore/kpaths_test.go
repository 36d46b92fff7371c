package mmcore

import "testing"

// Steps run out of order (two gathers of one range, each cleared) leave
// the tree consistent instead of removing a VMA twice.
func TestVMAIterClearOutOfOrder(t *testing.T) {
	for _, tc := range []struct {
		name       string
		start, end Addr
		want       int // VMAs left
	}{
		{"whole VMA", 0x100000, 0x104000, 0},
		{"middle", 0x101000, 0x102000, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewMM(Config{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Mmap(0x100000, 4*PageSize, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, nil, 0); err != nil {
				t.Fatal(err)
			}
			a, err := m.VMSGatherMunmapVMAs(tc.start, tc.end)
			if err != nil {
				t.Fatal(err)
			}
			b, err := m.VMSGatherMunmapVMAs(tc.start, tc.end)
			if err != nil {
				t.Fatal(err)
			}
			m.VMAIterClear(a)
			m.VMAIterClear(b)
			if n := m.MapCount(); n != tc.want {
				t.Errorf("map_count %d, want %d", n, tc.want)
			}
			for v := range m.VMAs() {
				if v.Start() < tc.end && v.End() > tc.start {
					t.Errorf("%v still overlaps [%#x, %#x)", v, uint64(tc.start), uint64(tc.end))
				}
			}
		})
	}
}
