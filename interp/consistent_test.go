package interp

import (
	"strings"
	"testing"
)

// TestArgumentConsistency: an argument given in two forms (a length as
// size= and pages=, prot as words and as the kernel's PROT_* int) means
// one thing, or the call is an error at the call; never a silent choice.
func TestArgumentConsistency(t *testing.T) {
	const head = "mm m\nvma v = mmap(m, 0x100000, pages=4, prot=r)\n"
	for _, c := range []struct {
		name, body string
		want       string // a substring of the error; "" for none
	}{
		{"munmap size and pages agree", "assert munmap(m, 0x100000, size=8192, pages=2) == 0", ""},
		{"munmap size and pages disagree", "munmap(m, 0x100000, size=8192, pages=3)", "test.mms:3:1: error: munmap: size=8192 and pages=3 disagree"},
		{"zap size and pages disagree", "mmap_read_lock(m)\nzap_vma_range(v, 0x100000, size=4096, pages=2)", "test.mms:4:1: error: zap_vma_range: size=4096 and pages=2 disagree"},
		{"mmap prot none with an access", "mmap(m, 0x200000, pages=1, prot=r|none)", "test.mms:3:1: error: mmap: prot=r|none says no access"},
		{"mmap prot as an int", "p = PROT_READ | PROT_WRITE\nmmap(m, 0x200000, pages=1, prot=p)\nassert touch(m, 0x200000, write)", ""},
		{"mmap prot int out of range", "p = 0x100\nmmap(m, 0x200000, pages=1, prot=p)", "test.mms:4:1: error: mmap: argument prot: 0x100 is not a valid prot"},
		{"mprotect prot as words", "assert mprotect(m, 0x100000, 4096, rw) == 0\nassert touch(m, 0x100000, write)", ""},
		{"mprotect prot as the kernel's flags", "assert mprotect(m, 0x100000, 4096, PROT_READ | PROT_WRITE) == 0\nassert touch(m, 0x100000, write)", ""},
		{"remap_pfn_range size and pages disagree", "mmap_write_lock(m)\nremap_pfn_range(v, 0x100000, 0x80000, size=8192, pages=1)", "test.mms:4:1: error: remap_pfn_range: size=8192 and pages=1 disagree"},
		{"flush_tlb_range with the kernel's end", "mmap_read_lock(m)\nflush_tlb_range(v, 0x100000, 0x101000)\nflush_tlb_range(v, 0x100000, 0x102000, pages=2)\nmmap_read_unlock(m)", ""},
		{"flush_tlb_range end below start", "mmap_read_lock(m)\nflush_tlb_range(v, 0x100000, 0x1000)", "test.mms:4:1: error: flush_tlb_range: end 0x1000 is not above start 0x100000"},
		{"flush_tlb_range end and pages disagree", "mmap_read_lock(m)\nflush_tlb_range(v, 0x100000, 0x101000, pages=2)", "test.mms:4:1: error: flush_tlb_range: end 0x101000 and the length given with size= or pages= disagree"},
		{"mremap flags as the kernel's", "assert mremap(m, 0x100000, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, 0x400000) == 0x400000", ""},
		{"mremap flags as an int", "f = MREMAP_MAYMOVE\nf |= MREMAP_FIXED\nassert mremap(m, 0x100000, 4096, 4096, f, 0x400000) == 0x400000", ""},
		{"mremap flags int out of range", "mremap(m, 0x100000, 4096, 4096, 8, 0x400000)", "test.mms:3:1: error: mremap: argument flags: 0x8 is not a valid flags (bits 0x8 are none of MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_MAYMOVE)"},
		{"fault flags as an int", "mmap_read_lock(m)\nf = FAULT_FLAG_DEFAULT | FAULT_FLAG_USER\nhandle_mm_fault(v, 0x100000, f)\nmmap_read_unlock(m)", ""},
		{"fault flag mmscript does not model", "mmap_read_lock(m)\nhandle_mm_fault(v, 0x100000, 1 << 8)", "test.mms:4:1: error: handle_mm_fault: argument flags: 0x100 is not a valid flags (bits 0x100 are none of FAULT_FLAG_WRITE, FAULT_FLAG_VMA_LOCK, FAULT_FLAG_ALLOW_RETRY, FAULT_FLAG_RETRY_NOWAIT, FAULT_FLAG_TRIED, FAULT_FLAG_UNSHARE, FAULT_FLAG_KILLABLE, FAULT_FLAG_INTERRUPTIBLE, FAULT_FLAG_USER, FAULT_FLAG_REMOTE, FAULT_FLAG_DEFAULT)"},
		{"FAULT_FLAG_RETRY_NOWAIT as an int", "mmap_read_lock(m)\nassert handle_mm_fault(v, 0x100000, 1 << 2 | 1 << 3) == 0\nmmap_read_unlock(m)", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := head + c.body + "\n"
			got := diagLines(run(t, src, Options{}))
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("%s\nfindings:\n%s\nwant %q", src, got, c.want)
			}
		})
	}
	// words that contradict, in an int parameter: a compile error
	if _, err := LoadSource("test.mms", []byte(head+"mprotect(m, 0x100000, 4096, r|none)\n")); err == nil ||
		!strings.Contains(err.Error(), "test.mms:3:30: mprotect: r|none is not a valid prot") {
		t.Errorf("mprotect(r|none): got %v", err)
	}
}

// TestMmapLength: mmap's third argument is len in bytes, as do_mmap()
// takes it, so a script written from kernel source (mmap(m, a, 0x2000))
// maps two pages, not 8192; pages= is mmscript's count and must agree
// with a len given beside it, as munmap's size= and pages= must. The
// kernel's PAGE_ALIGN(len) rounds an unaligned len up; len 0 is -EINVAL.
func TestMmapLength(t *testing.T) {
	const head = "mm m\n"
	for _, c := range []struct {
		name, body string
		want       string // a substring of the error; "" for none
	}{
		{"positional bytes", "vma a = mmap(m, 0x200000, 0x2000)\nassert a.vm_end - a.vm_start == 0x2000", ""},
		{"len keyword", "vma a = mmap(m, 0x200000, len=0x3000)\nassert a.vm_end - a.vm_start == 0x3000", ""},
		{"pages keyword", "vma a = mmap(m, 0x200000, pages=2)\nassert a.vm_end - a.vm_start == 0x2000", ""},
		{"neither: one page", "vma a = mmap(m, 0x200000)\nassert a.vm_end - a.vm_start == PAGE_SIZE", ""},
		{"as the kernel spells it", "vma a = mmap(m, 0x200000, 0x2000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS)\nassert a.vm_end - a.vm_start == 0x2000", ""},
		{"both agreeing", "vma a = mmap(m, 0x200000, 0x2000, pages=2)\nassert a.vm_end - a.vm_start == 0x2000", ""},
		{"both disagreeing", "mmap(m, 0x200000, 0x2000, pages=3)", "test.mms:2:1: error: mmap: len=8192 and pages=3 disagree (3 pages are 12288 bytes): give the length once"},
		{"unaligned len with pages", "mmap(m, 0x200000, 0x1001, pages=2)", "test.mms:2:1: error: mmap: len=4097 and pages=2 disagree"},
		{"negative pages", "mmap(m, 0x200000, pages=-1)", "test.mms:2:1: error: mmap: pages=-1 is not a page count"},
		{"unaligned len rounds up", "vma a = mmap(m, 0x200000, 0x1001)\nassert a.vm_end - a.vm_start == 0x2000", ""},
		{"len 0 fails", "assert mmap(m, 0x200000, 0) == nil\nmmap_read_lock(m)\nassert !find_vma(m, 0)\nmmap_read_unlock(m)", ""},
		{"pages=0 fails", "assert mmap(m, 0x200000, pages=0) == nil", ""},
		{"len 0 is -EINVAL from do_mmap", "mmap_write_lock(m)\n" +
			"assert do_mmap(m, ksys_mmap_pgoff(m, 0x200000, 0, rw, private, nil, 0, VM_READ, nil)) == -EINVAL\nmmap_write_unlock(m)", ""},
		{"unaligned len through do_mmap", "mmap_write_lock(m)\nmap = ksys_mmap_pgoff(m, 0x200000, 1, rw, private, nil, 0, VM_READ, nil)\n" +
			"assert do_mmap(m, map) == 0\nassert map.len == PAGE_SIZE\nmmap_write_unlock(m)", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := head + c.body + "\nexpect ok\n"
			got := diagLines(run(t, src, Options{}))
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("%s\nfindings:\n%s\nwant %q", src, got, c.want)
			}
		})
	}
}
