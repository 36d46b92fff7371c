package mmcore

import "testing"

// TestSplitGate: the gate is asked where __split_vma() asks
// vm_ops->may_split, after the checks before it; its refusal fails the
// operation with its error and leaves the splits done before it
// (vms_gather_munmap_vmas(): end_split_failed reattaches, nothing undoes
// the split at start; vma_modify(): likewise; prep_move_vma(): nothing
// changed).
func TestSplitGate(t *testing.T) {
	type ask struct{ start, addr Addr }
	for _, tc := range []struct {
		name   string
		refuse Addr // the split address the gate refuses
		op     func(m *MM, v *VMA) error
		asked  []ask
		maps   []Addr // the VMAs' starts afterwards
	}{
		{"munmap: end refused", 0x102000, func(m *MM, v *VMA) error {
			_, err := m.VMSGatherMunmapVMAs(0x101000, 0x102000)
			return err
		}, []ask{{0x100000, 0x101000}, {0x101000, 0x102000}}, []Addr{0x100000, 0x101000}},
		{"munmap: start refused", 0x101000, func(m *MM, v *VMA) error {
			_, err := m.VMSGatherMunmapVMAs(0x101000, 0x102000)
			return err
		}, []ask{{0x100000, 0x101000}}, []Addr{0x100000}},
		{"mprotect: end refused", 0x102000, func(m *MM, v *VMA) error {
			_, err := m.VMAModifyFlags(v, v, 0x101000, 0x102000, v.Flags&^VM_WRITE)
			return err
		}, []ask{{0x100000, 0x101000}, {0x101000, 0x102000}}, []Addr{0x100000, 0x101000}},
		{"mremap: end refused", 0x102000, func(m *MM, v *VMA) error {
			return m.PrepMoveVMA(&VMARemap{VMA: v, Addr: 0x101000, OldLen: PageSize})
		}, []ask{{0x100000, 0x101000}, {0x100000, 0x102000}}, []Addr{0x100000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMM(t, 4)
			v := mustMmap(t, m, 0x100000, 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
			var asked []ask
			m.SetSplitGate(func(g *VMA, addr Addr) error {
				asked = append(asked, ask{g.Start(), addr})
				if addr == tc.refuse {
					return EINVAL
				}
				return nil
			})
			wantErr(t, tc.op(m, v), EINVAL)
			if len(asked) != len(tc.asked) {
				t.Fatalf("asked %v, want %v", asked, tc.asked)
			}
			for i := range asked {
				if asked[i] != tc.asked[i] {
					t.Fatalf("asked %v, want %v", asked, tc.asked)
				}
			}
			var starts []Addr
			for g := range m.VMAsRange(0, m.TaskSize()) {
				if !g.Attached() {
					t.Errorf("%v left detached", g)
				}
				starts = append(starts, g.Start())
			}
			if len(starts) != len(tc.maps) {
				t.Fatalf("VMAs start at %v, want %v", starts, tc.maps)
			}
			for i := range starts {
				if starts[i] != tc.maps[i] {
					t.Fatalf("VMAs start at %v, want %v", starts, tc.maps)
				}
			}
		})
	}
}
