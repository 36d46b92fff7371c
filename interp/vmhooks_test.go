package interp

import (
	"strings"
	"testing"
)

// TestVMOpsSplitHooks: ->may_split and ->mprotect run under the mmap write
// lock before the change they may refuse (mm/vma.c: __split_vma(),
// mm/mprotect.c: do_mprotect_pkey()), ->mremap after the move, which a
// refusal undoes (mm/mremap.c: copy_vma_and_data()); a refusal is the
// syscall's error, and the checks on the hook's return report what the
// kernel leaves unchecked.
func TestVMOpsSplitHooks(t *testing.T) {
	const head = `mm m
file dev
mutex drv_lock
asked = 0
ops drv {
  fault(vmf) {
    page p = alloc_page()
    return p
  }
%s
}
mmap(m, 0x100000, pages=8, prot=rw, flags=shared, file=dev, ops=drv)
`
	for _, tc := range []struct {
		name, hooks, body string
		want              []string // substrings of the diagnostics, in any order
		deadlock          bool
	}{
		{name: "modifies the VMA",
			hooks: "  may_split(vma, addr) {\n    vm_flags_set(vma, VM_DONTDUMP)\n    return 0\n  }",
			body:  "assert munmap(m, 0x102000, pages=1) == 0",
			want:  []string{"vm_ops/hook-modifies-vma", "unchecked"}},
		{name: "positive return",
			hooks: "  may_split(vma, addr) {\n    return 1\n  }",
			body:  "assert munmap(m, 0x102000, pages=1) == 1",
			want:  []string{"vm_ops/hook-return"}},
		{name: "keeps a lock",
			hooks: "  may_split(vma, addr) {\n    mutex_lock(drv_lock)\n    return 0\n  }",
			body:  "munmap(m, 0x107000, pages=1)\n  mutex_unlock(drv_lock)",
			want:  []string{"handler/returns-holding-lock"}},
		{name: "takes the mmap lock again",
			hooks:    "  may_split(vma, addr) {\n    mmap_read_lock(vma.vm_mm)\n    mmap_read_unlock(vma.vm_mm)\n    return 0\n  }",
			body:     "munmap(m, 0x107000, pages=1)",
			deadlock: true},
		{name: "mprotect refused on the second VMA",
			hooks: "  mprotect(vma, start, end, newflags) {\n    if start >= 0x104000 {\n      return -EACCES\n    }\n    return 0\n  }",
			body: "assert mprotect(m, 0x100000, 0x4000, PROT_READ) == 0\n" +
				"  assert !touch(m, 0x100000, write)\n" +
				"  assert mprotect(m, 0x100000, 0x8000, PROT_READ | PROT_WRITE) == -EACCES\n" +
				"  assert touch(m, 0x100000, write), \"the VMA before the refusal was changed\""},
		{name: "mremap refused",
			hooks: "  mremap(vma) {\n    return -EPERM\n  }",
			body: "assert touch(m, 0x100000, write)\n" +
				"  assert mremap(m, 0x100000, 0x8000, 0x8000, flags=maymove|fixed, new_addr=0x200000) == -EPERM\n" +
				"  assert touch(m, 0x100000, read) && !touch(m, 0x200000, read), \"moved back, the new VMA unmapped\""},
		{name: "mremap refused with MREMAP_DONTUNMAP",
			hooks: "  mremap(vma) {\n    return -EINVAL\n  }",
			body: "assert touch(m, 0x100000, write)\n" +
				"  assert mremap(m, 0x100000, 0x8000, 0x8000, flags=maymove|fixed|dontunmap, new_addr=0x200000) == -EINVAL\n" +
				"  assert !touch(m, 0x200000, read), \"move_vma() unmaps the new area on an error, MREMAP_DONTUNMAP or not\"\n" +
				"  assert touch(m, 0x100000, read), \"the entries moved back\""},
		{name: "mremap modifies the new VMA",
			hooks: "  mremap(vma) {\n    vm_flags_set(vma, VM_DONTDUMP)\n    return 0\n  }",
			body:  "mremap(m, 0x100000, 0x8000, 0x8000, flags=maymove|fixed, new_addr=0x200000)",
			want:  []string{"vm_ops/hook-modifies-vma"}},
		{name: "mremap of the middle, both ends allowed",
			hooks: "  may_split(vma, addr) {\n    asked = asked + 1\n    return 0\n  }",
			body: "assert mremap(m, 0x102000, 0x2000, 0x2000, flags=maymove|fixed, new_addr=0x200000) == 0x200000\n" +
				"  assert asked == 4, \"prep_move_vma() at both ends, then the unmap of the source (do_vmi_munmap -> __split_vma) at both\"\n" +
				"  assert touch(m, 0x200000, read) && !touch(m, 0x102000, read) && touch(m, 0x104000, read)"},
		{name: "mremap, the unmap of the source refused",
			hooks: "  may_split(vma, addr) {\n    asked = asked + 1\n    if asked > 2 {\n      return -EINVAL\n    }\n    return 0\n  }",
			body: "assert mremap(m, 0x102000, 0x2000, 0x2000, flags=maymove|fixed, new_addr=0x200000) == 0x200000, \"unmap_source_vma() ignores do_vmi_munmap()'s error\"\n" +
				"  assert asked == 3\n" +
				"  assert touch(m, 0x200000, read) && touch(m, 0x102000, read), \"the source stays mapped\""},
		{name: "mremap of the middle, end refused",
			hooks: "  may_split(vma, addr) {\n    asked = asked + 1\n    if addr == 0x104000 {\n      return -EINVAL\n    }\n    return 0\n  }",
			body: "assert mremap(m, 0x102000, 0x2000, 0x2000, flags=maymove|fixed, new_addr=0x200000) == -EINVAL\n" +
				"  assert asked == 2, \"prep_move_vma() asks at old_addr, then at old_addr+old_len\"\n" +
				"  assert touch(m, 0x102000, read) && !touch(m, 0x200000, read)"},
		// mremap_to()'s do_munmap() of the MREMAP_FIXED target splits the
		// VMA there at both ends (vms_gather_munmap_vmas() -> __split_vma()):
		// the split at the end refused, the one at the start stays done
		// and nothing is unmapped or moved.
		{name: "mremap onto the middle of a VMA, the target's split refused",
			hooks: "  may_split(vma, addr) {\n    asked = asked + 1\n    if addr == 0x104000 {\n      return -EINVAL\n    }\n    return 0\n  }",
			body: "mmap(m, 0x300000, pages=2, prot=rw, flags=private)\n" +
				"  assert touch(m, 0x300000, write)\n" +
				"  assert mremap(m, 0x300000, 0x2000, 0x2000, flags=maymove|fixed, new_addr=0x102000) == -EINVAL\n" +
				"  assert asked == 2, \"do_munmap() of the target asks at 0x102000, then at 0x104000\"\n" +
				"  assert touch(m, 0x300000, read) && touch(m, 0x102000, read), \"nothing moved, nothing unmapped\"\n" +
				"  mmap_read_lock(m)\n  v = find_vma(m, 0x102000)\n  assert v.vm_start == 0x102000, \"the split at the start stays\"\n  mmap_read_unlock(m)"},
		// remap_move(): each VMA of the range in turn; a refusal at the
		// second VMA's target fails mremap() with what moved before moved.
		{name: "mremap of two VMAs, the second target's split refused",
			hooks: "  may_split(vma, addr) {\n    asked = asked + 1\n    if addr == 0x105000 {\n      return -EINVAL\n    }\n    return 0\n  }",
			body: "mmap(m, 0x300000, pages=2, prot=rw, flags=private)\n" +
				"  mmap(m, 0x303000, pages=2, prot=r, flags=private)\n" +
				"  assert mremap(m, 0x300000, 0x5000, 0x5000, flags=maymove|fixed, new_addr=0x102000) == -EINVAL\n" +
				"  assert asked == 3, \"0x102000 and 0x104000 for the first VMA's target, 0x105000 for the second's\"\n" +
				"  assert touch(m, 0x102000, read) && !touch(m, 0x300000, read), \"the first VMA moved\"\n" +
				"  assert touch(m, 0x303000, read), \"the second did not\""},
		// mremap_at() -> shrink_vma(drop_lock=true) -> do_vmi_munmap() of
		// the tail splits the VMA at addr + new_len.
		{name: "mremap shrink, the split refused",
			hooks: "  may_split(vma, addr) {\n    asked = asked + 1\n    return -EINVAL\n  }",
			body: "assert mremap(m, 0x100000, 0x8000, 0x3000) == -EINVAL\n" +
				"  assert asked == 1\n" +
				"  assert touch(m, 0x107000, read), \"nothing unmapped\"\n" +
				"  assert munmap(m, 0x100000, pages=8) == 0, \"mremap() dropped the mmap lock\""},
		// mremap_to() -> shrink_vma(drop_lock=false): the lock stays held
		// after the refusal, and do_mremap() drops it.
		{name: "mremap shrink and move, the split refused",
			hooks: "  may_split(vma, addr) {\n    asked = asked + 1\n    return -EINVAL\n  }",
			body: "assert mremap(m, 0x100000, 0x8000, 0x2000, flags=maymove|fixed, new_addr=0x300000) == -EINVAL\n" +
				"  assert asked == 1\n" +
				"  assert touch(m, 0x107000, read) && !touch(m, 0x300000, read)\n" +
				"  assert munmap(m, 0x100000, pages=8) == 0, \"mremap() dropped the mmap lock\""},
		{name: "mremap shrink, the split allowed",
			hooks: "  may_split(vma, addr) {\n    asked = asked + 1\n    return 0\n  }",
			body: "assert mremap(m, 0x100000, 0x8000, 0x3000) == 0x100000\n" +
				"  assert asked == 1\n" +
				"  assert touch(m, 0x102000, read) && !touch(m, 0x103000, read)"},
		{name: "mbind split refused",
			hooks: "  may_split(vma, addr) {\n    return -EINVAL\n  }",
			body:  "assert mbind(m, 0x101000, 0x1000, MPOL_BIND) == -EINVAL"},
		{name: "madvise split refused",
			hooks: "  may_split(vma, addr) {\n    return -EINVAL\n  }",
			body:  "assert madvise(m, 0x101000, 0x1000, MADV_DONTFORK) == -EINVAL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(head, "%s", tc.hooks, 1) + "thread user {\n  " + tc.body + "\n}\n"
			res := run(t, src, Options{})
			got := strings.Join(diagStrings(res), "\n")
			if (deadlockOf(res) != nil) != tc.deadlock {
				t.Errorf("deadlock: got %v, want %v:\n%s", deadlockOf(res) != nil, tc.deadlock, got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("no %q in the diagnostics:\n%s", w, got)
				}
			}
			if len(tc.want) == 0 && !tc.deadlock && got != "" {
				t.Errorf("want no diagnostic, got:\n%s", got)
			}
		})
	}
}
