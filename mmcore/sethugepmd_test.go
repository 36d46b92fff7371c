package mmcore

import (
	"errors"
	"testing"
)

// TestSetHugePMDNeedsPMDFolio: a huge PMD maps HPAGE_PMD_NR pages, so
// SetHugePMD (set_pmd_at in collapse_huge_page) takes only a folio of
// order HPAGE_PMD_ORDER; a smaller one is EINVAL and leaves the entry none
// (it once mapped an order-0 page and the next store through it indexed
// past the page's folio).
func TestSetHugePMDNeedsPMDFolio(t *testing.T) {
	for _, tc := range []struct {
		name  string
		order int
		want  error
	}{
		{"order 0", 0, EINVAL},
		{"order 2", 2, EINVAL},
		{"PMD order", HPAGE_PMD_ORDER, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMM(t, 4)
			v := thpVMA(t, m, thpBase, 512)
			v.Flags &^= VM_HUGEPAGE
			mustFault(t, m, v, thpBase, true)
			if m.UnlinkPTETable(thpBase) == nil {
				t.Fatal("no PTE table to unlink")
			}
			f, err := m.mem.AllocFolio(tc.order)
			if err != nil {
				t.Fatal(err)
			}
			err = m.SetHugePMD(v, thpBase, f)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("SetHugePMD(order %d) = %v, want %v", tc.order, err, tc.want)
			}
			if huge := m.Walk(thpBase).Huge(); huge != (tc.want == nil) {
				t.Errorf("huge PMD mapped = %v after SetHugePMD(order %d)", huge, tc.order)
			}
		})
	}
}
