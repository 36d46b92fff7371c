package runtime

// Runs before kernel_vma.go's operations register their rule-book
// entries, which read these tables.

// The citations and call sequences of kernel_vma.go's steps.
func init() {
	mp, mv := "mm/mprotect.c", "mm/madvise.c"
	for name, c := range map[string]Cite{
		"arch_override_mprotect_pkey": cite(mp, "do_mprotect_pkey()", "new_vma_pkey = arch_override_mprotect_pkey(vma, prot, pkey); newflags = calc_vm_prot_bits(prot, new_vma_pkey)", readMprotect),
		"calc_vm_prot_bits":           cite(mp, "do_mprotect_pkey()", "newflags = calc_vm_prot_bits(prot, new_vma_pkey); newflags |= (vma->vm_flags & ~mask_off_old_flags)", readMprotect),
		"vm_flags_reset_once":         cite(mp, "mprotect_fixup()", "vma_start_write(vma); vm_flags_reset_once(vma, newflags)", readMprotect),
		"vma_set_page_prot":           cite(mp, "mprotect_fixup()", "vm_flags and vm_page_prot are protected by the mmap_lock held in write mode: vma_set_page_prot(vma)", readMprotect),
		"populate_vma_page_range":     cite(mp, "mprotect_fixup()", "(oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED && (newflags & VM_WRITE): populate_vma_page_range(vma, start, end, NULL)", readMprotect),
		"vma_prev":                    cite(mp, "do_mprotect_pkey()", "prev = vma_prev(&vmi); if (start > vma->vm_start) prev = vma", readMprotect),
		"vma_is_anonymous":            cite(mp, "mprotect_fixup()", "(oldflags & VM_ACCOUNT) && vma_is_anonymous(vma) && !vma->anon_vma", readMprotect),
		"madvise_behavior_valid":      cite(mv, "do_madvise()", "if (!madvise_behavior_valid(behavior)) return -EINVAL", readMadvise),
		"madvise_populate":            cite(mv, "madvise_do_behavior()", "if (is_madvise_populate(madv_behavior)) error = madvise_populate(madv_behavior)", readMadvise),
		"mm_set_brk":                  cite("mm/mmap.c", "SYSCALL_DEFINE1(brk)", "mm->brk must be protected by write mmap_lock: mm->brk = brk", "torvalds/linux 2025 mm/mmap.c, read"),
		"vma_prev_limit":              cite("mm/mmap.c", "SYSCALL_DEFINE1(brk)", "brkvma = vma_prev_limit(&vmi, mm->start_brk)", "torvalds/linux 2025 mm/mmap.c, read"),
		"vma_modify_policy":           cite("mm/mempolicy.c", "mbind_range()", "merged = vma_modify_policy(vmi, *prev, vma, vmstart, vmend, new_pol); ... return vma_replace_policy(vma, new_pol)", readMbindFix),
		"mbind":                       cite("mm/mempolicy.c", "do_mbind()", "mmap_write_lock(mm); for_each_vma_range(vmi, vma, end) vma_start_write(vma); queue_pages_range(); for_each_vma_range(vmi, vma, end) mbind_range(); mmap_write_unlock(mm)", readMbindFix),
		"vm_start_gap":                cite("mm/mmap.c", "SYSCALL_DEFINE1(brk)", "if (next && newbrk + PAGE_SIZE > vm_start_gap(next)) goto out", "torvalds/linux 2025 mm/mmap.c, read"),
	} {
		citeTable[name] = append(citeTable[name], c)
	}
	seqs := map[string]string{
		"arch_override_mprotect_pkey": "new_vma_pkey = arch_override_mprotect_pkey(vma, prot, pkey);\nnewflags = calc_vm_prot_bits(prot, new_vma_pkey);\nnewflags |= (vma->vm_flags & ~mask_off_old_flags);",
		"vm_flags_reset_once":         sequenceTable["vm_flags_reset"],
		"vma_set_page_prot":           "vma_start_write(vma);\nvm_flags_reset_once(vma, newflags);\nvma_set_page_prot(vma);",
		"change_protection":           "/* mmap lock held for write, VMA write-locked */\ntlb_gather_mmu(&tlb, mm);\nchange_protection(&tlb, vma, start, end, mm_cp_flags);\ntlb_finish_mmu(&tlb);",
		"populate_vma_page_range":     "/* mmap lock held */\npopulate_vma_page_range(vma, start, end, NULL);",
		"vma_prev":                    "mmap_read_lock(mm);\nprev = vma_prev(&vmi);\nmmap_read_unlock(mm);",
		"vma_prev_limit":              "mmap_write_lock(mm);\nbrkvma = vma_prev_limit(&vmi, mm->start_brk);",
		"vma_is_anonymous":            "if (vma_is_anonymous(vma)) /* no vm_ops */",
		"vm_start_gap":                "next = vma_find(&vmi, newbrk + PAGE_SIZE + stack_guard_gap);\nif (next && newbrk + PAGE_SIZE > vm_start_gap(next))\n\tgoto out;",
		"vma_modify_flags":            "/* mmap lock held for write */\nvma = vma_modify_flags(vmi, prev, vma, start, end, &newflags);\nif (IS_ERR(vma))\n\treturn PTR_ERR(vma);\nvma_start_write(vma);\nvm_flags_reset(vma, newflags);",
		"vma_replace_policy":          "mmap_write_lock(mm);\nfor_each_vma_range(vmi, vma, end)\n\tvma_start_write(vma);\n/* mbind_range() -> vma_modify_policy() */\nvma_replace_policy(vma, new);\nmmap_write_unlock(mm);",
		"vma_modify_policy":           "mmap_write_lock(mm);\nvma = vma_modify_policy(vmi, prev, vma, vmstart, vmend, new_pol);\nerr = vma_replace_policy(vma, new_pol);\nmmap_write_unlock(mm);",
		"mbind":                       "mbind(addr, len, MPOL_BIND, nodemask, maxnode, 0);   /* user space: the syscall takes the locks */",
		"madvise_vma_behavior":        "/* the lock get_lock_mode() chose */\nerror = madvise_vma_behavior(madv_behavior);",
		"madvise_behavior_valid":      "if (!madvise_behavior_valid(behavior))\n\treturn -EINVAL;",
		"madvise_populate":            "mmap_read_lock(mm);\nerror = madvise_populate(madv_behavior);\nmmap_read_unlock(mm);",
		"calc_vm_prot_bits":           "newflags = calc_vm_prot_bits(prot, new_vma_pkey);",
		"madvise":                     "madvise(addr, len, MADV_DONTNEED);   /* user space: the syscall takes the locks */",
		"brk":                         "brk(addr);   /* user space: the syscall takes the mmap write lock */",
		"mm_set_brk":                  "mmap_write_lock_killable(mm);\nmm->brk = brk;\nmmap_write_unlock(mm);",
		"do_brk_flags":                "mmap_write_lock_killable(mm);\nbrkvma = vma_prev_limit(&vmi, mm->start_brk);\ndo_brk_flags(&vmi, brkvma, oldbrk, newbrk - oldbrk, 0);\nmmap_write_unlock(mm);",
	}
	for name, s := range seqs {
		if sequenceTable[name] == "" {
			sequenceTable[name] = s
		}
	}
}
