package mmcore

// fork(2)'s address-space half as kernel/fork.c (dup_mm, dup_mmap) and
// mm/memory.c (copy_page_range) have it, and exit_mmap.

// DupMM allocates the child's mm for fork (dup_mm up to dup_mmap): the same
// paging depth, memory, mmap_base, limits, brk and THP-disable state, an
// empty VMA tree and fresh page tables.
func (m *MM) DupMM() *MM {
	c := &MM{
		levels:        m.levels,
		taskSize:      m.taskSize,
		mmapBase:      m.mmapBase,
		maxMapCount:   m.maxMapCount,
		noFaultAround: m.noFaultAround,
		mem:           m.mem,
		softDirty:     m.softDirty,
		noPkeys:       m.noPkeys,
		noZeroRead:    m.noZeroRead,
		startBrk:      m.startBrk,
		brk:           m.brk,
		thpDisable:    m.thpDisable,
		nextID:        m.nextID,
	}
	c.pgd = c.newTable(LevelPGD, 0, nil, 0)
	c.TLB = newTLB(c)
	return c
}

// Fork is fork(2) on the data side: DupMM, then dup_mmap over the
// parent's VMAs, each by DupVMA (vm_area_dup, anon_vma_fork or a clean
// slate for VM_WIPEONFORK, linking) and CopyPageRange; VM_DONTCOPY VMAs
// are left out. The parent's TLB is flushed at the end, since
// copy_page_range write-protected its private anonymous pages
// (flush_tlb_mm). It returns the child's mm and the child's VMAs that need
// vm_ops->open, which dup_mmap calls for each copy.
func (m *MM) Fork() (*MM, []*VMA, error) {
	c := m.DupMM()
	var opened []*VMA
	var err error
	m.vmas.all(func(v *VMA) bool {
		if v.Flags&VM_DONTCOPY != 0 {
			return true
		}
		var nv *VMA
		if nv, err = c.DupVMA(v); err != nil {
			return false
		}
		if nv.Flags&VM_WIPEONFORK == 0 {
			c.CopyPageRange(nv, v)
		}
		if nv.Ops != nil {
			opened = append(opened, nv)
		}
		return true
	})
	m.TLB.FlushAll()
	if err != nil {
		c.ExitMMap()
		return nil, nil, err
	}
	return c, opened, nil
}

// DupVMA copies the parent's VMA pv into this (the child's) mm, the
// per-VMA body of dup_mmap: vm_area_dup, then anon_vma_fork (or no
// anon_vma at all for VM_WIPEONFORK: the child starts empty), VM_LOCKED
// and VM_LOCKONFAULT cleared, and the copy linked into the tree and the
// file's i_mmap. ENOMEM beyond max_map_count.
func (c *MM) DupVMA(pv *VMA) (*VMA, error) {
	if c.vmas.n >= c.maxMapCount {
		return nil, errf("dup_mmap", ENOMEM, "max_map_count reached")
	}
	nv := c.vmAreaDup(pv)
	nv.mm = c
	nv.anonVMA = nil
	if pv.Flags&VM_WIPEONFORK == 0 {
		c.AnonVMAFork(nv, pv)
	}
	nv.Flags &^= VM_LOCKED_MASK
	c.link(nv)
	c.vmStatAccount(nv.Flags, int64(nv.Pages()))
	return nv, nil
}

// AnonVMAFork gives the child's VMA v the parent's anon_vma chain and an
// anon_vma of its own whose parent is pv's (anon_vma_fork): v is then a
// "fork child" (more than one anon_vma on its chain), which VMA merging
// treats apart. anon_vma_clone may instead reuse an anon_vma of the chain
// that has no VMA of its own and at most one child. Nothing happens when
// pv has no anon_vma.
func (c *MM) AnonVMAFork(v, pv *VMA) {
	if pv.anonVMA == nil {
		return
	}
	v.anonVMA = nil
	anonVMAClone(v, pv)
	if v.anonVMA != nil {
		return // an existing anon_vma was reused
	}
	av := c.anonVMAAlloc()
	av.numActiveVMAs++
	av.Root = pv.anonVMA.Root
	av.Parent = pv.anonVMA
	v.anonVMA = av
	v.chain = append([]*AnonVMA{av}, v.chain...)
	if v.linked {
		av.vmas = append(av.vmas, v)
	}
	av.Parent.numChildren++
}

// vmaNeedsCopy: fork copies page tables only where a fault could not
// rebuild them (vma_needs_copy): VM_COPY_ON_FORK (PFN and mixed maps,
// VMAs that may hold guard markers) and VMAs with an anon_vma (which may
// hold anonymous pages).
func vmaNeedsCopy(src *VMA) bool {
	return src.Flags&(VM_PFNMAP|VM_MIXEDMAP|VM_MAYBE_GUARD) != 0 || src.anonVMA != nil
}

// CopyPageRange copies src's page-table entries into dst, its copy in this
// (the child's) mm (copy_page_range), if vmaNeedsCopy: every mapped page
// gains a mapcount and a reference; in a private (COW) mapping a writable
// PTE is write-protected in both parent and child, so the first write on
// either side copies the page (or reuses it once the other side has let
// go); a shared mapping's copy is clean; every copy is old. Guard markers
// are copied. It returns the number of entries copied.
func (c *MM) CopyPageRange(dst, src *VMA) int {
	if !vmaNeedsCopy(src) {
		return 0
	}
	n := c.copyHugePMDs(dst, src) // copy_pmd_range's huge case: copy_huge_pmd
	pm := src.mm
	cow := isCOWMapping(src.Flags)
	pm.forEachPTE(src.start, src.end, func(t *PageTable, i int, e PTE) {
		addr := t.base + Addr(i)<<PageShift
		if e.Present() {
			if cow && e.Writable() {
				e = e.Without(PTEWrite)
				c.ptChanged()
				t.ptes[i] = e // ptep_set_wrprotect on the parent
			}
			if src.Flags&VM_SHARED != 0 {
				e = e.Without(PTEDirty)
			}
			e = e.Without(PTEAccessed)
		} else if !e.GuardMarker() {
			return
		}
		dw, _, err := c.AllocTables(dst.start + (addr - src.start))
		if err != nil {
			return
		}
		dt := dw.Tables[LevelPTE]
		c.setEntry(dt, dt.Index(dw.Addr), e)
		n++
	})
	return n
}

// ExitMMap tears the address space down (exit_mmap): every VMA is unmapped
// and its page tables freed. It returns the removed VMAs for their
// vm_ops->close.
func (m *MM) ExitMMap() []*VMA {
	if m.vmas.n == 0 {
		return nil
	}
	removed, _ := m.Munmap(0, uint64(m.taskSize))
	return removed
}
