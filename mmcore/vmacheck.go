package mmcore

import "fmt"

// CheckVMAs verifies the VMA layer's invariants, for tests and fuzzing
// (what CONFIG_DEBUG_VM_MAPLE_TREE's validate_mm and the rmap's
// assumptions promise): the tree is sorted and non-overlapping with
// map_count entries, every VMA in it is attached and aligned, a file VMA is
// in its file's i_mmap, a VMA's anon_vma is on its anon_vma chain, each
// anon_vma on the chain lists the VMA, every anonymous page a VMA maps
// belongs to an anon_vma on that VMA's chain (or rmap could not find it),
// and total_vm is the sum of the VMAs' sizes.
func (m *MM) CheckVMAs() error {
	var prev *VMA
	n := 0
	var pages uint64
	var err error
	m.vmas.all(func(v *VMA) bool {
		n++
		pages += v.Pages()
		switch {
		case !v.attached || !v.linked || v.mm != m:
			err = fmt.Errorf("%v in the tree but not attached to this mm", v)
		case !v.start.PageAligned() || !v.end.PageAligned() || v.start >= v.end || v.end > m.taskSize:
			err = fmt.Errorf("%v: bad range", v)
		case prev != nil && prev.end > v.start:
			err = fmt.Errorf("%v overlaps or precedes %v", v, prev)
		case v.file != nil && !v.file.mapping.imapHas(v):
			err = fmt.Errorf("%v missing from its file's i_mmap", v)
		case v.anonVMA != nil && !chainHas(v.chain, v.anonVMA):
			err = fmt.Errorf("%v: its anon_vma is not on its chain", v)
		case v.anonVMA == nil && len(v.chain) != 0:
			err = fmt.Errorf("%v: anon_vma chain without an anon_vma", v)
		}
		if err != nil {
			return false
		}
		for i, av := range v.chain {
			if chainHas(v.chain[:i], av) {
				err = fmt.Errorf("%v: anon_vma %d twice on the chain", v, av.ID)
				return false
			}
			if !vmaListHas(av.vmas, v) {
				err = fmt.Errorf("%v: anon_vma %d on its chain does not list it", v, av.ID)
				return false
			}
		}
		m.forEachPTE(v.start, v.end, func(t *PageTable, i int, e PTE) {
			if p := m.accountedPage(e); err == nil && p != nil && p.anon && !chainHas(v.chain, p.anonVMA) {
				err = fmt.Errorf("%v maps an anonymous page of anon_vma %v that is not on its chain", v, p.anonVMA)
			}
		})
		prev = v
		return err == nil
	})
	switch {
	case err != nil:
		return err
	case n != m.vmas.n:
		return fmt.Errorf("map_count %d, tree holds %d", m.vmas.n, n)
	case pages != m.totalVM:
		return fmt.Errorf("total_vm %d pages, VMAs hold %d", m.totalVM, pages)
	}
	return nil
}

func chainHas(c []*AnonVMA, av *AnonVMA) bool {
	for _, a := range c {
		if a == av {
			return true
		}
	}
	return false
}

func vmaListHas(l []*VMA, v *VMA) bool {
	for _, w := range l {
		if w == v {
			return true
		}
	}
	return false
}

func (as *AddressSpace) imapHas(v *VMA) bool { return vmaListHas(as.imap, v) }
