package mmcore

import (
	"errors"
	"testing"
)

// Bad arguments get the kernel's errno (do_mmap, do_vmi_munmap,
// do_mprotect_pkey, check_mremap_params/check_prep_vma, do_madvise,
// prctl), never a panic.
func TestSyscallErrnos(t *testing.T) {
	m := newMM(t, 4)
	mustMmap(t, m, pg(16), 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	mustMmap(t, m, pg(24), 4, PROT_READ, anonPriv|MAP_FIXED, nil, 0)
	shm := mustMmap(t, m, pg(40), 2, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED, nil, 0)
	ro := NewFile("ro", 8).Open(FMODE_READ)
	huge := ^uint64(0) - 10
	tests := []struct {
		name string
		err  error
		want Errno
	}{
		{"mmap zero length", err2(m.DoMmap(0, 0, PROT_READ, anonPriv, nil, 0)), EINVAL},
		{"mmap length overflows", err2(m.DoMmap(0, huge, PROT_READ, anonPriv, nil, 0)), ENOMEM},
		{"mmap pgoff overflows", err2(m.DoMmap(0, PageSize, PROT_READ, MAP_PRIVATE, ro, ^uint64(0))), EOVERFLOW},
		{"mmap fixed unaligned", err2(m.DoMmap(pg(0)+1, PageSize, PROT_READ, anonPriv|MAP_FIXED, nil, 0)), EINVAL},
		{"mmap fixed beyond TASK_SIZE", err2(m.DoMmap(m.TaskSize(), PageSize, PROT_READ, anonPriv|MAP_FIXED, nil, 0)), ENOMEM},
		{"mmap fixed below mmap_min_addr", err2(m.DoMmap(PageSize, PageSize, PROT_READ, anonPriv|MAP_FIXED, nil, 0)), EPERM},
		{"mmap noreplace over a mapping", err2(m.DoMmap(pg(17), PageSize, PROT_READ, anonPriv|MAP_FIXED_NOREPLACE, nil, 0)), EEXIST},
		{"mmap bad map type", err2(m.DoMmap(0, PageSize, PROT_READ, MAP_ANONYMOUS, nil, 0)), EINVAL},
		{"mmap no file", err2(m.DoMmap(0, PageSize, PROT_READ, MAP_PRIVATE, nil, 0)), EBADF},
		{"mmap shared writable of a read-only fd", err2(m.DoMmap(0, PageSize, PROT_READ|PROT_WRITE, MAP_SHARED, ro, 0)), EACCES},
		{"mmap shared_validate unknown flag", err2(m.DoMmap(0, PageSize, PROT_READ, MAP_SHARED_VALIDATE|MAP_ANONYMOUS|0x400, nil, 0)), EOPNOTSUPP},
		{"mmap growsdown file", err2(m.DoMmap(0, PageSize, PROT_READ, MAP_PRIVATE|MAP_GROWSDOWN, ro, 0)), EINVAL},
		{"munmap unaligned", err2(m.Munmap(pg(0)+1, PageSize)), EINVAL},
		{"munmap zero", err2(m.Munmap(pg(0), 0)), EINVAL},
		{"munmap beyond TASK_SIZE", err2(m.Munmap(pg(0), huge)), EINVAL},
		{"mprotect unaligned", m.Mprotect(pg(16)+1, PageSize, PROT_READ), EINVAL},
		{"mprotect unknown prot", m.Mprotect(pg(16), PageSize, 0x10), EINVAL},
		{"mprotect wraps", m.Mprotect(pg(16), huge, PROT_READ), ENOMEM},
		{"mprotect hole at start", m.Mprotect(pg(14), 4*PageSize, PROT_READ), ENOMEM},
		{"mprotect nothing mapped", m.Mprotect(pg(100), PageSize, PROT_READ), ENOMEM},
		{"mprotect growsdown without gd", m.Mprotect(pg(16), PageSize, PROT_READ|PROT_GROWSDOWN), EINVAL},
		{"mprotect both grows", m.Mprotect(pg(16), PageSize, PROT_GROWSDOWN|PROT_GROWSUP), EINVAL},
		{"mprotect write on read-only fd", func() error {
			mustMmap(t, m, pg(60), 1, PROT_READ, MAP_SHARED|MAP_FIXED, ro, 0)
			return m.Mprotect(pg(60), PageSize, PROT_READ|PROT_WRITE)
		}(), EACCES},
		{"mremap bad flags", err2(m.Mremap(pg(16), PageSize, PageSize, 8, 0)), EINVAL},
		{"mremap unaligned", err2(m.Mremap(pg(16)+1, PageSize, PageSize, 0, 0)), EINVAL},
		{"mremap zero new length", err2(m.Mremap(pg(16), PageSize, 0, 0, 0)), EINVAL},
		{"mremap fixed without maymove", err2(m.Mremap(pg(16), PageSize, PageSize, MREMAP_FIXED, pg(80))), EINVAL},
		{"mremap overlap", err2(m.Mremap(pg(16), 2*PageSize, 2*PageSize, MREMAP_FIXED|MREMAP_MAYMOVE, pg(17))), EINVAL},
		{"mremap dontunmap resize", err2(m.Mremap(pg(16), PageSize, 2*PageSize, MREMAP_DONTUNMAP|MREMAP_MAYMOVE, pg(80))), EINVAL},
		{"mremap no VMA", err2(m.Mremap(pg(100), PageSize, 2*PageSize, 0, 0)), EFAULT},
		{"mremap across the VMA end", err2(m.Mremap(pg(18), 4*PageSize, 8*PageSize, MREMAP_MAYMOVE, 0)), EFAULT},
		{"mremap grow without room", err2(m.Mremap(pg(16), 4*PageSize, 12*PageSize, 0, 0)), ENOMEM},
		{"mremap old_len 0 private", err2(m.Mremap(pg(16), 0, PageSize, MREMAP_MAYMOVE, 0)), EINVAL},
		{"mremap fixed hole at start", err2(m.Mremap(pg(14), 4*PageSize, 4*PageSize, MREMAP_FIXED|MREMAP_MAYMOVE, pg(200))), EFAULT},
		{"madvise unknown advice", m.Madvise(pg(16), PageSize, 77), EINVAL},
		{"madvise unaligned", m.Madvise(pg(16)+1, PageSize, MADV_NORMAL), EINVAL},
		{"madvise wraps", m.Madvise(pg(16), huge, MADV_NORMAL), EINVAL},
		{"madvise hole", m.Madvise(pg(14), 4*PageSize, MADV_NORMAL), ENOMEM},
		{"madvise wipeonfork on shared", m.Madvise(shm.Start(), PageSize, MADV_WIPEONFORK), EINVAL},
		{"madvise remove on anon", m.Madvise(pg(16), PageSize, MADV_REMOVE), EINVAL},
		{"madvise free on shared", m.Madvise(shm.Start(), PageSize, MADV_FREE), EINVAL},
		{"madvise populate_write read-only", m.Madvise(pg(24), PageSize, MADV_POPULATE_WRITE), EINVAL},
		{"madvise populate hole", m.Madvise(pg(100), PageSize, MADV_POPULATE_READ), ENOMEM},
		{"prctl thp flags without disable", m.PrctlSetTHPDisable(0, PR_THP_DISABLE_EXCEPT_ADVISED, 0, 0), EINVAL},
		{"prctl thp unknown flag", m.PrctlSetTHPDisable(1, 1, 0, 0), EINVAL},
		{"prctl thp arg4", m.PrctlSetTHPDisable(1, 0, 1, 0), EINVAL},
	}
	for _, tt := range tests {
		var got Errno
		if !errors.As(tt.err, &got) || got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, tt.err, tt.want)
		}
	}
	if err := m.Mprotect(pg(16), 0, PROT_READ); err != nil {
		t.Errorf("mprotect of length 0: %v", err)
	}
	if err := m.Madvise(pg(16), 0, MADV_DONTNEED); err != nil {
		t.Errorf("madvise of length 0: %v", err)
	}
	if b := m.SysBrk(0); b != m.StartBrk() {
		t.Errorf("brk(0) = %v", b)
	}
	if b := m.SysBrk(m.StartBrk() - PageSize); b != m.StartBrk() {
		t.Errorf("brk below start_brk = %v", b)
	}
	checkInvariants(t, m)
}

func err2[T any](_ T, err error) error { return err }
