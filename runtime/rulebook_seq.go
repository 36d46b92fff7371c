package runtime

// sequenceTable maps an API name to a minimal correct call sequence, in
// kernel C: the locks taken around the call in the order the rule book
// requires. Context in comments (/* in f_op->mmap */) stands for a lock the
// caller's caller already holds.
var sequenceTable = map[string]string{
	// installing pages
	"vm_insert_page": "/* in f_op->mmap: mmap write lock held, VMA not yet visible */\n" +
		"err = vm_insert_page(vma, vma->vm_start, page);\n" +
		"/* elsewhere (e.g. ->fault): VM_MIXEDMAP set at mmap time */\n" +
		"err = vm_insert_page(vmf->vma, vmf->address, page);",
	"vm_insert_pages": "/* in f_op->mmap: mmap write lock held */\n" +
		"unsigned long num = nr;\n" +
		"err = vm_insert_pages(vma, vma->vm_start, pages, &num);",
	"vmf_insert_page": "/* in ->fault, VM_MIXEDMAP set at mmap time */\n" +
		"return vmf_insert_page(vmf->vma, vmf->address, page);",
	"vm_map_pages": "/* in f_op->mmap: mmap write lock held */\n" +
		"return vm_map_pages(vma, pages, nr);",
	"vmf_insert_pfn": "/* in ->fault of a VM_PFNMAP (not COW) or VM_MIXEDMAP VMA */\n" +
		"return vmf_insert_pfn(vmf->vma, vmf->address, pfn);",
	"vmf_insert_mixed": "/* in ->fault of a VM_MIXEDMAP VMA */\n" +
		"return vmf_insert_mixed(vmf->vma, vmf->address, pfn);",
	"vmf_insert_page_mkwrite": "/* in ->fault or ->page_mkwrite (fault lock held) */\n" +
		"return vmf_insert_page_mkwrite(vmf, page, write);",
	"remap_pfn_range": "/* in f_op->mmap: mmap write lock held, VMA not yet visible */\n" +
		"return remap_pfn_range(vma, vma->vm_start, pfn,\n" +
		"                       vma->vm_end - vma->vm_start, vma->vm_page_prot);",
	"io_remap_pfn_range": "/* in f_op->mmap: mmap write lock held */\n" +
		"return io_remap_pfn_range(vma, vma->vm_start, pfn, size, vma->vm_page_prot);",

	// zapping
	"zap_page_range_single": "/* drivers/android/binder_alloc.c: binder_alloc_free_page() */\n" +
		"if (!mmap_read_trylock(mm)) goto err;\nvma = vma_lookup(mm, page_addr);\nif (vma)\n" +
		"\tzap_page_range_single(vma, page_addr, PAGE_SIZE, NULL);\nmmap_read_unlock(mm);",
	"zap_vma_range": "mmap_read_lock(mm);\n" +
		"vma = vma_lookup(mm, addr);\n" +
		"if (vma)\n" +
		"\tzap_vma_range(vma, addr, size);\n" +
		"mmap_read_unlock(mm);",
	"zap_vma_ptes": "mmap_read_lock(mm);    /* or the VMA lock, or an rmap lock */\n" +
		"zap_vma_ptes(vma, addr, size);    /* VM_PFNMAP VMAs only */\n" +
		"mmap_read_unlock(mm);",
	"unmap_mapping_range": "/* no mm lock; not under i_mmap_rwsem */\n" +
		"unmap_mapping_range(mapping, holebegin, holelen, 1);",
	"unmap_mapping_folio": "folio_lock(folio);\n" +
		"unmap_mapping_folio(folio);\n" +
		"folio_unlock(folio);",

	// GUP
	"get_user_pages": "mmap_read_lock(current->mm);\n" +
		"n = get_user_pages(start, nr, FOLL_WRITE, pages);\n" +
		"mmap_read_unlock(current->mm);",
	"pin_user_pages": "mmap_read_lock(current->mm);\n" +
		"n = pin_user_pages(start, nr, FOLL_WRITE | FOLL_LONGTERM, pages);\n" +
		"mmap_read_unlock(current->mm);\n" +
		"/* ... */\n" +
		"unpin_user_pages(pages, n);",
	"get_user_pages_remote": "int locked = 1;\n" +
		"mmap_read_lock(mm);    /* mm referenced with mmget() */\n" +
		"n = get_user_pages_remote(mm, start, nr, 0, pages, &locked);\n" +
		"if (locked)\n" +
		"\tmmap_read_unlock(mm);",
	"pin_user_pages_remote": "int locked = 1;\n" +
		"mmap_read_lock(mm);\n" +
		"n = pin_user_pages_remote(mm, start, nr, FOLL_WRITE, pages, &locked);\n" +
		"if (locked)\n" +
		"\tmmap_read_unlock(mm);",
	"get_user_pages_unlocked": "/* no mmap lock held */\n" +
		"n = get_user_pages_unlocked(start, nr, pages, FOLL_WRITE);",
	"get_user_pages_fast": "/* no mmap lock held */\n" +
		"n = get_user_pages_fast(start, nr, FOLL_WRITE, pages);",
	"get_user_pages_fast_only": "/* any context, even with IRQs off; no fallback */\n" +
		"n = get_user_pages_fast_only(start, nr, 0, pages);",

	// lookup and stacks
	"find_vma": "mmap_read_lock(mm);\n" +
		"vma = find_vma(mm, addr);\n" +
		"if (vma && vma->vm_start <= addr)\n" +
		"\tuse(vma);\n" +
		"mmap_read_unlock(mm);",
	"find_vma_intersection": "mmap_read_lock(mm);\n" +
		"vma = find_vma_intersection(mm, start, end);\n" +
		"mmap_read_unlock(mm);",
	"vma_lookup": "mmap_read_lock(mm);\n" +
		"vma = vma_lookup(mm, addr);\n" +
		"if (vma && vma->vm_ops == &drv_vm_ops)    /* check it is yours */\n" +
		"\tuse(vma);\n" +
		"mmap_read_unlock(mm);",
	"expand_stack": "mmap_read_lock(mm);\n" +
		"vma = expand_stack(mm, addr);\n" +
		"if (!vma)\n" +
		"\treturn -EFAULT;    /* the lock is gone */\n" +
		"mmap_read_unlock(mm);",
	"expand_stack_locked": "mmap_write_lock(mm);\n" +
		"err = expand_stack_locked(vma, addr);\n" +
		"mmap_write_unlock(mm);",
	"find_extend_vma_locked": "mmap_write_lock(mm);\n" +
		"vma = find_extend_vma_locked(mm, addr);\n" +
		"mmap_write_unlock(mm);",
	"lock_mm_and_find_vma": "vma = lock_mm_and_find_vma(mm, addr, regs);\n" +
		"if (!vma)\n" +
		"\treturn;    /* no lock held */\n" +
		"fault = handle_mm_fault(vma, addr, flags, regs);\n" +
		"if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))\n" +
		"\tmmap_read_unlock(mm);",

	// VMA flags and fields
	"vm_flags_set": "mmap_write_lock(mm);\n" +
		"vm_flags_set(vma, VM_DONTEXPAND);    /* takes the VMA write lock */\n" +
		"mmap_write_unlock(mm);",
	"vm_flags_clear": "mmap_write_lock(mm);\n" +
		"vm_flags_clear(vma, VM_MAYWRITE);\n" +
		"mmap_write_unlock(mm);",
	"vm_flags_reset": "mmap_write_lock(mm);\n" +
		"vma_start_write(vma);\n" +
		"vm_flags_reset(vma, newflags);\n" +
		"mmap_write_unlock(mm);",
	"vm_flags_init": "vma = vm_area_alloc(mm);    /* not yet in the tree */\n" +
		"vm_flags_init(vma, flags);",
	"vma_set_atomic_flag": "mmap_read_lock(mm);    /* or the VMA read lock */\n" +
		"vma_set_atomic_flag(vma, VMA_MAYBE_GUARD_BIT);\n" +
		"mmap_read_unlock(mm);",
	"vma_set_anonymous": "/* while setting up a VMA that is not yet visible */\n" +
		"vma_set_anonymous(vma);",
	"anon_vma_prepare": "mmap_read_lock(mm);\n" +
		"if (anon_vma_prepare(vma))\n" +
		"\terr = -ENOMEM;\n" +
		"mmap_read_unlock(mm);",
	"vmf_anon_prepare": "/* core mm fault path (mm/internal.h) */\n" +
		"ret = vmf_anon_prepare(vmf);\n" +
		"if (ret)\n" +
		"\treturn ret;    /* VM_FAULT_RETRY: the VMA lock is already released */",

	// faults and VMA read locks
	"handle_mm_fault": "vma = lock_vma_under_rcu(mm, addr);\n" +
		"if (vma) {\n" +
		"\tfault = handle_mm_fault(vma, addr, flags | FAULT_FLAG_VMA_LOCK, regs);\n" +
		"\tif (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))\n" +
		"\t\tvma_end_read(vma);\n" +
		"}",
	"release_fault_lock": "/* in ->fault, only if FAULT_FLAG_ALLOW_RETRY is set */\n" +
		"if (!(vmf->flags & FAULT_FLAG_ALLOW_RETRY))\n" +
		"\treturn wait_and_finish(vmf);\n" +
		"release_fault_lock(vmf);\n" +
		"wait_for_io();\n" +
		"return VM_FAULT_RETRY;",
	"touch": "/* a user access: no mmap lock of this mm held */\n" +
		"if (copy_to_user(ubuf, kbuf, len))\n" +
		"\treturn -EFAULT;",
	"lock_vma_under_rcu": "vma = lock_vma_under_rcu(mm, addr);\n" +
		"if (!vma) {\n" +
		"\tmmap_read_lock(mm);    /* fall back */\n" +
		"\tvma = vma_lookup(mm, addr);\n" +
		"\t/* ... */\n" +
		"\tmmap_read_unlock(mm);\n" +
		"} else {\n" +
		"\t/* ... */\n" +
		"\tvma_end_read(vma);\n" +
		"}",
	"lock_vma_under_rcu_wait": "/* no mmap lock held */\n" +
		"vma = lock_vma_under_rcu_wait(mm, addr);\n" +
		"if (vma)\n" +
		"\tvma_end_read(vma);",
	"vma_start_read_locked": "mmap_read_lock(mm);\n" +
		"vma = vma_lookup(mm, addr);\n" +
		"locked = vma && vma_start_read_locked(vma);\n" +
		"mmap_read_unlock(mm);\n" +
		"if (locked)\n" +
		"\tvma_end_read(vma);",
	"vma_end_read": "vma = lock_vma_under_rcu(mm, addr);\n" +
		"if (vma)\n" +
		"\tvma_end_read(vma);",
	"vma_start_write": "mmap_write_lock(mm);\n" +
		"vma_start_write(vma);    /* released by mmap_write_unlock() */\n" +
		"vma->vm_page_prot = prot;\n" +
		"mmap_write_unlock(mm);",

	// page-table walks
	"walk_page_range": "static const struct mm_walk_ops ops = {\n" +
		"\t.pte_entry = my_pte_entry,    /* runs under the PTE lock: no sleeping */\n" +
		"\t.walk_lock = PGWALK_RDLOCK,\n" +
		"};\n" +
		"mmap_read_lock(mm);\n" +
		"err = walk_page_range(mm, start, end, &ops, NULL);\n" +
		"mmap_read_unlock(mm);",
	"walk_page_vma": "vma = lock_vma_under_rcu(mm, addr);    /* ops.walk_lock = PGWALK_VMA_RDLOCK_VERIFY */\n" +
		"if (vma) {\n" +
		"\terr = walk_page_vma(vma, &ops, NULL);\n" +
		"\tvma_end_read(vma);\n" +
		"}",
	"walk_page_range_debug": "mmap_write_lock(&init_mm);\n" +
		"mmap_write_lock(mm);\n" +
		"err = walk_page_range_debug(mm, start, end, &ops, NULL, NULL);\n" +
		"mmap_write_unlock(mm);\n" +
		"mmap_write_unlock(&init_mm);",
	"walk_page_mapping": "i_mmap_lock_read(mapping);\n" +
		"err = walk_page_mapping(mapping, first_index, nr, &ops, NULL);\n" +
		"i_mmap_unlock_read(mapping);",
	"apply_to_page_range": "mmap_read_lock(mm);    /* fn runs under the PTE lock: no sleeping */\n" +
		"err = apply_to_page_range(mm, addr, size, fn, data);\n" +
		"mmap_read_unlock(mm);",
	"follow_pfnmap_start": "struct follow_pfnmap_args args = { .vma = vma, .address = addr };\n" +
		"mmap_read_lock(mm);\n" +
		"if (!follow_pfnmap_start(&args)) {\n" +
		"\tpfn = args.pfn;    /* no sleeping: a PTL is held */\n" +
		"\tfollow_pfnmap_end(&args);\n" +
		"}\n" +
		"mmap_read_unlock(mm);",
	"pte_offset_map_lock": "mmap_read_lock(mm);    /* a VMA covers addr */\n" +
		"pte = pte_offset_map_lock(mm, pmd, addr, &ptl);\n" +
		"if (pte) {\n" +
		"\tentry = ptep_get(pte);\n" +
		"\tpte_unmap_unlock(pte, ptl);\n" +
		"}\n" +
		"mmap_read_unlock(mm);",
	"pte_unmap_unlock": "pte = pte_offset_map_lock(mm, pmd, addr, &ptl);\n" +
		"if (pte)\n" +
		"\tpte_unmap_unlock(pte, ptl);",
	"ptep_get_and_clear": "pte = pte_offset_map_lock(mm, pmd, addr, &ptl);\n" +
		"old = ptep_get_and_clear(mm, addr, pte);\n" +
		"flush_tlb_range(vma, addr, addr + PAGE_SIZE);    /* before freeing the page */\n" +
		"pte_unmap_unlock(pte, ptl);",
	"flush_tlb_range": "old = ptep_get_and_clear(mm, addr, pte);    /* under the PTL */\n" +
		"flush_tlb_range(vma, addr, addr + PAGE_SIZE);\n" +
		"pte_unmap_unlock(pte, ptl);\n" +
		"put_page(page);",

	// another process's memory
	"access_remote_vm": "/* mm referenced (mmget), its mmap lock not held */\n" +
		"n = access_remote_vm(mm, addr, buf, len, FOLL_FORCE);",
	"access_process_vm": "/* its mmap lock not held */\n" +
		"n = access_process_vm(task, addr, buf, len, FOLL_FORCE);",

	// handlers
	"vm_ops->fault": "static vm_fault_t drv_fault(struct vm_fault *vmf)\n" +
		"{\n" +
		"\t/* mmap read lock or VMA read lock held; may sleep */\n" +
		"\treturn vmf_insert_page(vmf->vma, vmf->address, drv_page(vmf->pgoff));\n" +
		"}",
	"vm_ops->map_pages": "static vm_fault_t drv_map_pages(struct vm_fault *vmf, pgoff_t start, pgoff_t end)\n" +
		"{\n" +
		"\t/* under rcu_read_lock(): map only what is ready, never sleep */\n" +
		"\treturn filemap_map_pages(vmf, start, end);\n" +
		"}",
	"vm_ops->page_mkwrite": "static vm_fault_t drv_page_mkwrite(struct vm_fault *vmf)\n" +
		"{\n" +
		"\tstruct folio *folio = page_folio(vmf->page);\n" +
		"\tfolio_lock(folio);\n" +
		"\treturn VM_FAULT_LOCKED;\n" +
		"}",
	"vm_ops->pfn_mkwrite": "static vm_fault_t drv_pfn_mkwrite(struct vm_fault *vmf)\n" +
		"{\n" +
		"\treturn 0;    /* allow the write; the core makes the PTE writable */\n" +
		"}",
	"vm_ops->huge_fault": "static vm_fault_t drv_huge_fault(struct vm_fault *vmf, unsigned int order)\n" +
		"{\n" +
		"\t/* possibly under the VMA lock only */\n" +
		"\treturn VM_FAULT_FALLBACK;\n" +
		"}",
	"vm_ops->open": "static void drv_vm_open(struct vm_area_struct *vma)\n" +
		"{\n" +
		"\t/* mmap write lock held */\n" +
		"\tkref_get(&drv_state(vma)->ref);\n" +
		"}",
	"vm_ops->may_split": "static int drv_may_split(struct vm_area_struct *vma, unsigned long addr)\n" +
		"{\n" +
		"\t/* mmap write lock held; nothing changed yet */\n" +
		"\tif (!IS_ALIGNED(addr, drv_align(vma)))\n" +
		"\t\treturn -EINVAL;    /* munmap/mprotect/mremap fail with it */\n" +
		"\treturn 0;\n" +
		"}",
	"vm_ops->mprotect": "static int drv_mprotect(struct vm_area_struct *vma, unsigned long start,\n" +
		"\t\t\tunsigned long end, unsigned long newflags)\n" +
		"{\n" +
		"\t/* mmap write lock held; must not modify the VMA */\n" +
		"\treturn (newflags & VM_EXEC) ? -EACCES : 0;\n" +
		"}",
	"vm_ops->mremap": "static int drv_mremap(struct vm_area_struct *new_vma)\n" +
		"{\n" +
		"\t/* mmap write lock held; the entries have moved */\n" +
		"\tdrv_state(new_vma)->base = new_vma->vm_start;\n" +
		"\treturn 0;\n" +
		"}",
	"vm_ops->close": "static void drv_vm_close(struct vm_area_struct *vma)\n" +
		"{\n" +
		"\t/* mmap lock held; the VMA is already detached */\n" +
		"\tkref_put(&drv_state(vma)->ref, drv_release);\n" +
		"}",
	"f_op->mmap": "static int drv_mmap(struct file *file, struct vm_area_struct *vma)\n" +
		"{\n" +
		"\t/* mmap write lock held; VMA detached */\n" +
		"\tvm_flags_set(vma, VM_MIXEDMAP | VM_DONTEXPAND);\n" +
		"\tvma->vm_ops = &drv_vm_ops;\n" +
		"\treturn 0;\n" +
		"}",
	"f_op->mmap_prepare": "static int drv_mmap_prepare(struct vm_area_desc *desc)\n" +
		"{\n" +
		"\tdesc->vm_ops = &drv_vm_ops;\n" +
		"\tmmap_action_remap_full(desc, pfn);    /* done later, under the locks */\n" +
		"\treturn 0;\n" +
		"}",
	"mmap": "/* user space; no mmap lock held */\n" +
		"p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);",

	// unmapping, freeing, moving
	"munmap":              "/* user space; no mmap lock held */\nmunmap(p, len);",
	"mremap":              "/* user space; no mmap lock held */\nq = mremap(p, len, newlen, MREMAP_MAYMOVE);",
	"madvise":             "/* user space; no mmap lock held */\nmadvise(p, len, MADV_DONTNEED);",
	"free_pgtables":       "/* internal to munmap and exit_mmap */\nunmap_vmas(&tlb, &unmap);\nfree_pgtables(&tlb, &unmap);\ntlb_finish_mmu(&tlb);",
	"unmap_vmas":          "/* internal: exit_mmap() */\nmmap_read_lock(mm);\ntlb_gather_mmu_fullmm(&tlb, mm);\nunmap_vmas(&tlb, &unmap);\nmmap_read_unlock(mm);",
	"retract_page_tables": "/* internal: khugepaged, new THP folio locked, no mm lock */\nretract_page_tables(mapping, pgoff);",
	"move_page_tables":    "/* internal: mremap, mmap write lock held, both VMAs write-locked */\nmoved = move_page_tables(&pmc);",

	// reverse map and reclaim
	"rmap_walk": "folio_lock(folio);\n" +
		"rmap_walk(folio, &rwc);\n" +
		"folio_unlock(folio);",
	"rmap_walk_locked": "i_mmap_lock_read(mapping);    /* folio locked */\n" +
		"rmap_walk_locked(folio, &rwc);\n" +
		"i_mmap_unlock_read(mapping);",
	"try_to_unmap": "folio_lock(folio);\n" +
		"try_to_unmap(folio, TTU_BATCH_FLUSH);\n" +
		"try_to_unmap_flush();\n" +
		"folio_unlock(folio);",
	"folio_referenced":     "referenced = folio_referenced(folio, 0, memcg, &vm_flags);",
	"page_vma_mapped_walk": "DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, addr, 0);\n/* in an rmap_one callback: rmap lock held */\nwhile (page_vma_mapped_walk(&pvmw)) {\n\t/* pvmw.ptl held: no sleeping */\n}",

	// THP, notifiers, TLB batching
	"split_huge_pmd": "mmap_read_lock(mm);\n" +
		"split_huge_pmd(vma, pmd, addr);\n" +
		"mmap_read_unlock(mm);",
	"split_huge_pmd_locked": "mmu_notifier_invalidate_range_start(&range);\n" +
		"ptl = pmd_lock(mm, pmd);\n" +
		"split_huge_pmd_locked(vma, addr, pmd, false);\n" +
		"spin_unlock(ptl);\n" +
		"mmu_notifier_invalidate_range_end(&range);",
	"mmu_notifier_invalidate_range_start": "mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, mm, start, end);\n" +
		"mmu_notifier_invalidate_range_start(&range);    /* no spinlock held */\n" +
		"/* change the page tables */\n" +
		"mmu_notifier_invalidate_range_end(&range);",
	"tlb_gather_mmu": "mmap_read_lock(mm);\n" +
		"tlb_gather_mmu(&tlb, mm);\n" +
		"zap_vma_range_batched(&tlb, vma, addr, size, NULL);\n" +
		"tlb_finish_mmu(&tlb);\n" +
		"mmap_read_unlock(mm);",
	"tlb_finish_mmu": "tlb_gather_mmu(&tlb, mm);\n" +
		"/* zap under the same lock */\n" +
		"tlb_finish_mmu(&tlb);    /* no PTL held */",

	// locks
	"mmap_read_lock":           "mmap_read_lock(mm);\n/* VMAs stable */\nmmap_read_unlock(mm);",
	"mmap_read_lock_killable":  "if (mmap_read_lock_killable(mm))\n\treturn -EINTR;\n/* ... */\nmmap_read_unlock(mm);",
	"mmap_read_trylock":        "if (!mmap_read_trylock(mm))\n\treturn VM_FAULT_RETRY;\n/* ... */\nmmap_read_unlock(mm);",
	"mmap_read_unlock":         "mmap_read_lock(mm);\n/* ... */\nmmap_read_unlock(mm);",
	"mmap_write_lock":          "mmap_write_lock(mm);\nvma_start_write(vma);\n/* change the VMA */\nmmap_write_unlock(mm);",
	"mmap_write_lock_killable": "if (mmap_write_lock_killable(mm))\n\treturn -EINTR;\n/* ... */\nmmap_write_unlock(mm);",
	"mmap_write_trylock":       "if (!mmap_write_trylock(mm))\n\treturn -EAGAIN;\n/* ... */\nmmap_write_unlock(mm);",
	"mmap_write_unlock":        "mmap_write_lock(mm);\n/* ... */\nmmap_write_unlock(mm);    /* also ends every VMA write lock */",
	"mmap_write_downgrade":     "mmap_write_lock(mm);\n/* change VMAs */\nmmap_write_downgrade(mm);    /* VMA write locks end here */\n/* read-only work */\nmmap_read_unlock(mm);",
	"i_mmap_lock_read":         "i_mmap_lock_read(mapping);\n/* walk mapping->i_mmap */\ni_mmap_unlock_read(mapping);",
	"i_mmap_lock_write":        "i_mmap_lock_write(mapping);\n/* change the interval tree */\ni_mmap_unlock_write(mapping);",
	"i_mmap_unlock_read":       "i_mmap_lock_read(mapping);\n/* ... */\ni_mmap_unlock_read(mapping);",
	"i_mmap_unlock_write":      "i_mmap_lock_write(mapping);\n/* ... */\ni_mmap_unlock_write(mapping);",
	"anon_vma_lock_read":       "anon_vma_lock_read(anon_vma);\n/* walk anon_vma->rb_root */\nanon_vma_unlock_read(anon_vma);",
	"anon_vma_lock_write":      "anon_vma_lock_write(anon_vma);\n/* change the anon_vma tree */\nanon_vma_unlock_write(anon_vma);",
	"anon_vma_unlock_read":     "anon_vma_lock_read(anon_vma);\n/* ... */\nanon_vma_unlock_read(anon_vma);",
	"anon_vma_unlock_write":    "anon_vma_lock_write(anon_vma);\n/* ... */\nanon_vma_unlock_write(anon_vma);",
	"rcu_read_lock":            "rcu_read_lock();\n/* no sleeping */\nrcu_read_unlock();",
	"rcu_read_unlock":          "rcu_read_lock();\n/* ... */\nrcu_read_unlock();",
	"folio_lock":               "folio_lock(folio);    /* may sleep: not under a spinlock */\n/* ... */\nfolio_unlock(folio);",
	"folio_trylock":            "if (folio_trylock(folio)) {\n\t/* ... */\n\tfolio_unlock(folio);\n}",
	"folio_unlock":             "folio_lock(folio);\n/* ... */\nfolio_unlock(folio);",
	"spin_lock":                "spin_lock(&drv->lock);\n/* no sleeping */\nspin_unlock(&drv->lock);",
	"spin_unlock":              "spin_lock(&drv->lock);\n/* ... */\nspin_unlock(&drv->lock);",
	"mutex_lock":               "mutex_lock(&drv->mutex);    /* same order everywhere against mmap_lock */\n/* ... */\nmutex_unlock(&drv->mutex);",
	"mutex_trylock":            "if (mutex_trylock(&drv->mutex)) {\n\t/* ... */\n\tmutex_unlock(&drv->mutex);\n}",
	"mutex_unlock":             "mutex_lock(&drv->mutex);\n/* ... */\nmutex_unlock(&drv->mutex);",
	"might_sleep":              "might_sleep();    /* documents that the caller may sleep */",
	"msleep":                   "/* no spinlock, no RCU read section */\nmsleep(10);",
	"alloc_page":               "/* not under a spinlock: GFP_KERNEL may sleep */\npage = alloc_page(GFP_KERNEL);\nif (!page)\n\treturn -ENOMEM;",
	"get_page":                 "get_page(page);    /* hold a reference already */\n/* ... */\nput_page(page);",
	"put_page":                 "get_page(page);\n/* ... */\nput_page(page);",
	"page_to_pfn":              "pfn = page_to_pfn(page);",
}
