package mmcore

import (
	"errors"
	"reflect"
	"testing"
)

// The userfaultfd context is part of is_mergeable_vma(): a range merges
// only with a neighbour registered with the context it gets
// (vma_modify_flags_uffd()), splits copy it (vm_area_dup()), and mremap's
// copy and expansion carry the VMA's own (VMG_VMA_STATE).
func TestVMAModifyFlagsUffd(t *testing.T) {
	ctxA, ctxB := new(int), new(int)
	type want struct {
		ranges [][2]Addr
		ctx    []any // UffdCtx of each VMA in order
	}
	for _, tc := range []struct {
		name string
		run  func(m *MM, v *VMA) error
		want want
	}{
		{"part of a VMA splits, pieces keep the old context", func(m *MM, v *VMA) error {
			_, err := m.VMAModifyFlagsUffd(v, v, 0x101000, 0x102000, v.Flags|VM_UFFD_MISSING, ctxA)
			return err
		}, want{[][2]Addr{{0x100000, 0x101000}, {0x101000, 0x102000}, {0x102000, 0x104000}}, []any{nil, nil, nil}}},
		{"a registered split keeps its context", func(m *MM, v *VMA) error {
			v.UffdCtx = ctxA
			_, err := m.VMAModifyFlagsUffd(v, v, 0x101000, 0x102000, v.Flags, nil)
			return err
		}, want{[][2]Addr{{0x100000, 0x101000}, {0x101000, 0x102000}, {0x102000, 0x104000}}, []any{ctxA, ctxA, ctxA}}},
		{"merges with a neighbour of the same context", func(m *MM, v *VMA) error {
			nv, err := m.VMAModifyFlagsUffd(v, v, 0x100000, 0x102000, v.Flags|VM_UFFD_MISSING, ctxA)
			if err != nil {
				return err
			}
			nv.UffdCtx = ctxA
			next := m.NextVMA(nv)
			_, err = m.VMAModifyFlagsUffd(nv, next, 0x102000, 0x104000, next.Flags|VM_UFFD_MISSING, ctxA)
			return err
		}, want{[][2]Addr{{0x100000, 0x104000}}, []any{ctxA}}},
		{"not with a neighbour of another context", func(m *MM, v *VMA) error {
			nv, err := m.VMAModifyFlagsUffd(v, v, 0x100000, 0x102000, v.Flags|VM_UFFD_MISSING, ctxA)
			if err != nil {
				return err
			}
			nv.UffdCtx = ctxA
			next := m.NextVMA(nv)
			_, err = m.VMAModifyFlagsUffd(nv, next, 0x102000, 0x104000, next.Flags|VM_UFFD_MISSING, ctxB)
			return err
		}, want{[][2]Addr{{0x100000, 0x102000}, {0x102000, 0x104000}}, []any{ctxA, nil}}},
		{"unregistering merges back", func(m *MM, v *VMA) error {
			nv, err := m.VMAModifyFlagsUffd(v, v, 0x101000, 0x102000, v.Flags|VM_UFFD_MISSING, ctxA)
			if err != nil {
				return err
			}
			nv.UffdCtx = ctxA
			prev := m.PrevVMA(nv)
			nv, err = m.VMAModifyFlagsUffd(prev, nv, 0x101000, 0x102000, nv.Flags&^VM_UFFD_MISSING, nil)
			if err == nil {
				nv.UffdCtx = nil
			}
			return err
		}, want{[][2]Addr{{0x100000, 0x104000}}, []any{nil}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMM(t, 4)
			v := mustMmap(t, m, 0x100000, 4, PROT_READ|PROT_WRITE, anonPriv, nil, 0)
			if err := tc.run(m, v); err != nil {
				t.Fatal(err)
			}
			if got := vmaRanges(m); !reflect.DeepEqual(got, tc.want.ranges) {
				t.Fatalf("VMAs %v, want %v", got, tc.want.ranges)
			}
			var ctx []any
			for w := m.FindVMA(0); w != nil; w = m.NextVMA(w) {
				ctx = append(ctx, w.UffdCtx)
			}
			if !reflect.DeepEqual(ctx, tc.want.ctx) {
				t.Errorf("contexts %v, want %v", ctx, tc.want.ctx)
			}
		})
	}
}

// MovePTE (UFFDIO_MOVE's move_pages_ptes() for one entry): what moves,
// with its rmap, and what is refused.
func TestMovePTE(t *testing.T) {
	for _, tc := range []struct {
		name      string
		setup     func(m *MM, dst, src *VMA)
		holes     bool
		wantN     uint64
		wantErr   error
		wantMoved bool // the source's page is now the destination's
	}{
		{"an exclusive anonymous page", func(m *MM, dst, src *VMA) { mustFault(t, m, src, 0x200000, true) }, false, PageSize, nil, true},
		{"the zero page", func(m *MM, dst, src *VMA) { mustFault(t, m, src, 0x200000, false) }, false, PageSize, nil, false},
		{"a none source", func(m *MM, dst, src *VMA) { _, _, _ = m.AllocTables(0x200000) }, false, 0, ENOENT, false},
		{"a none source, holes allowed", func(m *MM, dst, src *VMA) { _, _, _ = m.AllocTables(0x200000) }, true, 0, nil, false},
		{"a filled destination", func(m *MM, dst, src *VMA) {
			mustFault(t, m, src, 0x200000, true)
			mustFault(t, m, dst, 0x101000, true)
		}, false, 0, EEXIST, false},
		{"a page shared with a child", func(m *MM, dst, src *VMA) {
			mustFault(t, m, src, 0x200000, true)
			c := m.DupMM()
			cv, err := c.DupVMA(src)
			if err != nil {
				t.Fatal(err)
			}
			if c.CopyPageRange(cv, src) != 1 {
				t.Fatal("copy_page_range copied nothing")
			}
		}, false, 0, EBUSY, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMM(t, 4)
			dst := mustMmap(t, m, 0x100000, 4, PROT_READ|PROT_WRITE, anonPriv, nil, 0)
			src := mustMmap(t, m, 0x200000, 2, PROT_READ|PROT_WRITE, anonPriv, nil, 0)
			mustFault(t, m, dst, 0x100000, true) // dst's anon_vma, and its PTE table
			tc.setup(m, dst, src)
			before := m.Walk(0x200000).Entry
			n, err := m.MovePTE(dst, src, 0x101000, 0x200000, tc.holes)
			if n != tc.wantN || (tc.wantErr == nil) != (err == nil) || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("MovePTE = %d, %v; want %d, %v", n, err, tc.wantN, tc.wantErr)
			}
			if !tc.wantMoved {
				return
			}
			after := m.Walk(0x101000).Entry
			if m.Walk(0x200000).Entry != 0 || after.PFN() != before.PFN() {
				t.Fatalf("source %v, destination %v: want none and pfn %d", m.Walk(0x200000).Entry, after, before.PFN())
			}
			p := m.Memory().Page(after.PFN())
			if p.AnonVMA() != dst.anonVMA || p.Index() != dst.PgoffOf(0x101000) || p.Mapcount() != 1 {
				t.Errorf("rmap not moved: anon_vma %p (dst %p), index %d (want %d), mapcount %d", p.AnonVMA(), dst.anonVMA, p.Index(), dst.PgoffOf(0x101000), p.Mapcount())
			}
		})
	}
}
