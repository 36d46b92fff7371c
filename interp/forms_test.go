package interp

import (
	"strings"
	"testing"
)

// TestGUPForms: a GUP call binds to the kernel's signature or to
// mmscript's own earlier form (forms.go), whichever it fits; the kernel's
// works on current->mm (the script's one mm), and a variable given as the
// kernel's int *locked is set as the kernel sets it.
func TestGUPForms(t *testing.T) {
	const head = "mm m\nmmap(m, 0x100000, pages=4, prot=rw)\npage_array pages\n"
	for _, c := range []struct {
		name, body string
		want       string // a substring of the findings; "" for none
	}{
		{"kernel", "mmap_read_lock(m)\nassert get_user_pages(0x100000, 2, FOLL_WRITE, pages) == 2\nmmap_read_unlock(m)\nput_page(pages[0])\nput_page(pages[1])", ""},
		{"kernel flags", "mmap_read_lock(m)\nassert pin_user_pages(0x100000, 1, FOLL_WRITE | FOLL_LONGTERM, pages) == 1\nmmap_read_unlock(m)\nunpin_user_pages(pages, 1)", ""},
		{"kernel unlocked order", "assert get_user_pages_unlocked(0x100000, 1, pages, FOLL_WRITE) == 1\nput_page(pages[0])", ""},
		{"kernel fast", "assert get_user_pages_fast(0x100000, 1, FOLL_WRITE, pages) == 1\nput_page(pages[0])\nassert pin_user_pages_fast(0x101000, 1, 0, pages) == 1\nunpin_user_pages(pages, 1)", ""},
		{"kernel fast_only", "assert get_user_pages_fast_only(0x100000, 1, FOLL_WRITE, pages) == 0", ""},
		{"kernel remote", "mmap_read_lock(m)\nassert get_user_pages_remote(m, 0x100000, 1, FOLL_WRITE, pages, nil) == 1\nmmap_read_unlock(m)\nput_page(pages[0])", ""},
		{"legacy named", "mmap_read_lock(m)\nassert get_user_pages(m, 0x100000, pages=2, write=true) == 2\nmmap_read_unlock(m)", ""},
		{"legacy positional", "mmap_read_lock(m)\nassert get_user_pages(m, 0x100000, 1, true, pages) == 1\nmmap_read_unlock(m)\nput_page(pages[0])", ""},
		{"legacy four positional", "mmap_read_lock(m)\nassert get_user_pages(m, 0x100000, 1, FOLL_WRITE) == 1\nmmap_read_unlock(m)", ""},
		{"legacy remote locked bool", "mmap_read_lock(m)\nassert get_user_pages_remote(m, 0x100000, 1, FOLL_WRITE, false) == 1\nmmap_read_unlock(m)", ""},
		{"legacy remote array", "mmap_read_lock(m)\nassert pin_user_pages_remote(m, 0x100000, pages=1, array=pages) == 1\nmmap_read_unlock(m)\nunpin_user_pages(pages, 1)", ""},
		{"internal flag", "mmap_read_lock(m)\nassert get_user_pages(0x100000, 1, FOLL_PIN, pages) == -EINVAL\nmmap_read_unlock(m)", "WARN_ON_ONCE"},
		{"get without pages", "assert get_user_pages_fast(0x100000, 1, 0, nil) == -EINVAL", "WARN_ON_ONCE"},
		{"no mmap lock", "get_user_pages(0x100000, 1, 0, pages)", "mmap_assert_locked/not-held"},
		{"mm where start goes", "func f(x) {\n  return get_user_pages(x, 1, 0, nil)\n}\nf(m)", "mmscript's own form takes the mm first"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := head
			if strings.HasPrefix(c.body, "func") {
				i := strings.Index(c.body, "}\n")
				src += c.body[:i+2] + "thread t {\n" + c.body[i+2:] + "\n}\n"
			} else {
				src += "thread t {\n" + c.body + "\n}\n"
			}
			got := diagLines(run(t, src, Options{}))
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("%s\nfindings:\n%s\nwant %q", src, got, c.want)
			}
		})
	}
}

// TestCurrentMMNeedsOneMM: with two mms, current->mm is not known; the
// error says what to pass instead.
func TestCurrentMMNeedsOneMM(t *testing.T) {
	got := diagLines(run(t, "mm a\nmm b\nmmap(a, 0x100000, pages=1, prot=rw)\nthread t {\n  mmap_read_lock(a)\n  get_user_pages(0x100000, 1, 0, nil)\n  mmap_read_unlock(a)\n}\n", Options{}))
	if !strings.Contains(got, "current->mm: the script declares 2 mms (a, b)") {
		t.Errorf("findings:\n%s", got)
	}
}

// TestLockedOut: the variable given as get_user_pages_remote()'s locked
// is set to whether the mmap lock is still held (the kernel's *locked),
// a literal is left alone.
func TestLockedOut(t *testing.T) {
	const src = `mm m
file dev
ops drv {
  fault(vmf) {
    if vmf.allow_retry && !vmf.tried {
      release_fault_lock(vmf)
      return VM_FAULT_RETRY
    }
    page p = alloc_page()
    return p
  }
}
mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, ops=drv)
thread t {
  int locked = 1
  mmap_read_lock(m)
  assert get_user_pages_remote(m, 0x100000, 1, 0, nil, locked) == 1
  assert !locked, "locked still set after the fault dropped the lock"
  int kept = 1
  mmap_read_lock(m)
  assert get_user_pages_remote(m, 0x100000, 1, 0, nil, kept) == 1
  assert kept, "locked cleared though the lock is held"
  mmap_read_unlock(m)
}
`
	if got := diagLines(run(t, src, Options{})); got != "" {
		t.Errorf("findings:\n%s", got)
	}
}

// TestUaccessForms: copy_to_user(to, from, n) and copy_from_user(to,
// from, n) bind in the kernel's argument order on current->mm, the kernel
// buffer any value; mmscript's copy_to_user(mm, addr, n) still binds, and
// where the first argument's type shows only at run time (a func's
// parameter) the values pick the form (opPathForm).
func TestUaccessForms(t *testing.T) {
	const head = "mm m\nmmap(m, 0x100000, pages=4, prot=rw)\n"
	for _, c := range []struct {
		name, body string
		want       string // a substring of the findings; "" for none
	}{
		{"kernel to", "karg = 0\nassert copy_to_user(0x100000, &karg, 8) == 0", ""},
		{"kernel from", "karg = 0\nassert copy_from_user(&karg, 0x101000, 8) == 0", ""},
		{"kernel NULL and page buffers", "page p = alloc_page()\nassert copy_to_user(0x100000, p, PAGE_SIZE) == 0\nassert copy_from_user(NULL, 0x100000, 0) == 0", ""},
		{"kernel unmapped", "karg = 0\nassert copy_to_user(0x900000, &karg, 8) == 8\nassert copy_from_user(&karg, 0x900000, 16) == 16", ""},
		{"kernel under mmap lock", "karg = 0\nmmap_read_lock(m)\ncopy_to_user(0x100000, &karg, 8)\nmmap_read_unlock(m)", "uaccess/might-fault-under-mmap-lock"},
		{"legacy", "assert copy_to_user(m, 0x100000, 8) == 0\nassert copy_from_user(m, 0x100000) == 0\nassert copy_from_user(m, 0x100000, n=16) == 0", ""},
		{"legacy mm a parameter", "func f(x, a) {\n  return copy_to_user(x, a, 8) + copy_from_user(x, a, 8)\n}\nassert f(m, 0x100000) == 0", ""},
		{"kernel address a parameter", "func f(u, kbuf) {\n  return copy_to_user(u, kbuf, 8) + copy_from_user(kbuf, u, 8)\n}\nassert f(0x100000, 7) == 0\nassert f(0x900000, 7) == 16", ""},
		{"legacy mm a parameter under mmap lock", "func f(x, a) {\n  return copy_from_user(x, a, 8)\n}\nmmap_read_lock(m)\nf(m, 0x100000)\nmmap_read_unlock(m)", "uaccess/might-fault-under-mmap-lock"},
		{"fits neither", "func f(x) {\n  return copy_to_user(x, 0, 8)\n}\nf(true)", "copy_to_user: argument to must be int"},
		{"legacy from with a declared mm", "assert copy_from_user(m, 0x100000, 32) == 0", ""},
		{"an mm is no kernel buffer", "func f(x) {\n  return copy_to_user(0x100000, x, 8)\n}\nf(m)", "copy_to_user: argument from cannot be mm"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := head
			if strings.HasPrefix(c.body, "func") {
				i := strings.Index(c.body, "}\n")
				src += c.body[:i+2] + "thread t {\n" + c.body[i+2:] + "\n}\n"
			} else {
				src += "thread t {\n" + c.body + "\n}\n"
			}
			got := diagLines(run(t, src, Options{}))
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("%s\nfindings:\n%s\nwant %q", src, got, c.want)
			}
		})
	}
}

// TestFolioWalkForms: folio_walk_start(&fw, vma, addr, flags) fills the
// caller's struct folio_walk and returns the folio holding fw.ptl until
// folio_walk_end(&fw, vma) (mm/pagewalk.c: folio_walk_start();
// include/linux/pagewalk.h: folio_walk_end()); mmscript's earlier
// folio_walk_start(vma, addr, flags) still binds.
func TestFolioWalkForms(t *testing.T) {
	const head = "mm m\nvma v = mmap(m, 0x100000, pages=4, prot=rw)\ntouch(m, 0x100000, write)\ntouch(m, 0x101000)\n" +
		"vma h = mmap(m, 0x400000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)\ntouch(m, 0x400000, write)\nfolio_walk fw\n"
	for _, c := range []struct {
		name, body string
		want       string // a substring of the findings; "" for none
	}{
		{"pte", "mmap_read_lock(m)\nfolio = folio_walk_start(&fw, v, 0x100000, 0)\nassert folio && fw.page == folio && fw.level == FW_LEVEL_PTE && fw.vma == v\n" +
			"assert fw.ptep.present && fw.pte.writable && lockdep_is_held(fw.ptl)\nl = fw.ptl\nfolio_walk_end(&fw, v)\nassert !lockdep_is_held(l)\nmmap_read_unlock(m)", ""},
		{"pmd", "mmap_read_lock(m)\nfolio = folio_walk_start(&fw, h, 0x401000, 0)\nassert folio && fw.level == FW_LEVEL_PMD && !fw.ptep && lockdep_is_held(fw.ptl)\n" +
			"folio_walk_end(&fw, h)\nmmap_read_unlock(m)", ""},
		{"zero page", "mmap_read_lock(m)\nassert !folio_walk_start(&fw, v, 0x101000, 0)\nfolio = folio_walk_start(&fw, v, 0x101000, FW_ZEROPAGE)\nassert folio && !fw.page\n" +
			"folio_walk_end(&fw, v)\nmmap_read_unlock(m)", ""},
		{"nothing mapped", "mmap_read_lock(m)\nassert !folio_walk_start(&fw, v, 0x102000, 0)\nmmap_read_unlock(m)", ""},
		{"end after nothing found", "mmap_read_lock(m)\nfolio_walk_start(&fw, v, 0x102000, 0)\nfolio_walk_end(&fw, v)\nmmap_read_unlock(m)", "fw.ptl is NULL"},
		{"end twice", "mmap_read_lock(m)\nfolio_walk_start(&fw, v, 0x100000, 0)\nfolio_walk_end(&fw, v)\nfolio_walk_end(&fw, v)\nmmap_read_unlock(m)", "lock/unlock-not-held"},
		{"no mmap lock", "if folio_walk_start(&fw, v, 0x100000, 0) {\n  folio_walk_end(&fw, v)\n}", "folio_walk_start/needs-mmap-lock"},
		{"fw a parameter", "func peek(w, vma, addr) {\n  folio = folio_walk_start(&w, vma, addr, 0)\n  if folio {\n    folio_walk_end(&w, vma)\n  }\n  return folio\n}\n" +
			"mmap_read_lock(m)\nassert peek(fw, v, 0x100000)\nassert !peek(fw, v, 0x102000)\nmmap_read_unlock(m)", ""},
		{"legacy", "mmap_read_lock(m)\npage p = folio_walk_start(v, 0x100000)\nfolio_walk_end(v, 0x100000)\nassert folio_walk_start(v, 0x101000, FW_ZEROPAGE)\nfolio_walk_end(v, 0x101000)\nmmap_read_unlock(m)", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := head
			if strings.HasPrefix(c.body, "func") {
				i := strings.Index(c.body, "\n}\n")
				src += c.body[:i+3] + "thread t {\n" + c.body[i+3:] + "\n}\n"
			} else {
				src += "thread t {\n" + c.body + "\n}\n"
			}
			got := diagLines(run(t, src, Options{}))
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("%s\nfindings:\n%s\nwant %q", src, got, c.want)
			}
		})
	}
}

// TestVMAIterator: the kernel's VMA iterator as include/linux/mm.h has
// it: VMA_ITERATOR(vmi, mm, addr) (or `vma_iterator vmi` and
// vma_iter_init), vma_find(&vmi, max), vma_next(&vmi), vma_iter_set,
// for_each_vma(vmi, vma) { } and for_each_vma_range(vmi, vma, end) { };
// mmscript's vma_find(mm, addr, end) still binds.
func TestVMAIterator(t *testing.T) {
	const head = "mm m\nmmap(m, 0x100000, pages=2, prot=rw)\nmmap(m, 0x200000, pages=2, prot=r)\nmmap(m, 0x300000, pages=2, prot=rw)\n"
	for _, c := range []struct {
		name, body string
		want       string // a substring of the findings; "" for none
	}{
		{"for_each_vma", "n = 0\nVMA_ITERATOR(vmi, m, 0)\nmmap_read_lock(m)\nfor_each_vma(vmi, vma) {\n  n += 1\n}\nmmap_read_unlock(m)\nassert n == 3 && !vma", ""},
		{"for_each_vma_range", "n = 0\nVMA_ITERATOR(vmi, m, 0x101000)\nmmap_read_lock(m)\nfor_each_vma_range(vmi, vma, 0x300000) {\n  n += 1\n  last = vma\n}\nmmap_read_unlock(m)\nassert n == 2 && last.vm_start == 0x200000", ""},
		{"break keeps vma", "VMA_ITERATOR(vmi, m, 0)\nmmap_read_lock(m)\nfor_each_vma(vmi, vma) {\n  if vma.vm_start == 0x200000 {\n    break\n  }\n}\nassert vma.vm_start == 0x200000\nmmap_read_unlock(m)", ""},
		{"continue steps on", "n = 0\nVMA_ITERATOR(vmi, m, 0)\nmmap_read_lock(m)\nfor_each_vma(vmi, vma) {\n  if vma.vm_start == 0x100000 {\n    continue\n  }\n  n += 1\n}\nmmap_read_unlock(m)\nassert n == 2", ""},
		{"vma_find steps", "VMA_ITERATOR(vmi, m, 0)\nmmap_read_lock(m)\nassert vma_find(&vmi, 0x400000).vm_start == 0x100000\nassert vmi.index == 0x102000\n" +
			"assert vma_find(&vmi, 0x400000).vm_start == 0x200000\nassert !vma_find(&vmi, 0x300000)\nassert vma_next(&vmi).vm_start == 0x300000\nassert !vma_next(&vmi)\nmmap_read_unlock(m)", ""},
		{"vma_iter_init and set", "vma_iterator vmi\nvma_iter_init(&vmi, m, 0x300000)\nmmap_read_lock(m)\nassert vma_next(&vmi).vm_start == 0x300000\nvma_iter_set(&vmi, 0)\nassert vma_next(&vmi).vm_start == 0x100000 && vmi.mm == m\nmmap_read_unlock(m)", ""},
		{"legacy vma_find", "mmap_read_lock(m)\nassert vma_find(m, 0x101000, 0x200000).vm_start == 0x100000\nmmap_read_unlock(m)", ""},
		{"step without the lock", "VMA_ITERATOR(vmi, m, 0)\nvma_find(&vmi, 0x400000)", "vma_iter/needs-lock"},
		{"loop without the lock", "VMA_ITERATOR(vmi, m, 0)\nfor_each_vma(vmi, vma) {\n}", "vma_iter/needs-lock"},
		{"uninitialized iterator", "vma_iterator vmi\nmmap_read_lock(m)\nvma_next(&vmi)\nmmap_read_unlock(m)", "points at no mm"},
		{"iterator a parameter", "func count(it) {\n  n = 0\n  for_each_vma(it, vma) {\n    n += 1\n  }\n  return n\n}\nVMA_ITERATOR(vmi, m, 0x200000)\nmmap_read_lock(m)\nassert count(vmi) == 2\nmmap_read_unlock(m)", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := head
			if strings.HasPrefix(c.body, "func") {
				i := strings.Index(c.body, "\n}\n")
				src += c.body[:i+3] + "thread t {\n" + c.body[i+3:] + "\n}\n"
			} else {
				src += "thread t {\n" + c.body + "\n}\n"
			}
			got := diagLines(run(t, src, Options{}))
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("%s\nfindings:\n%s\nwant %q", src, got, c.want)
			}
		})
	}
}

// TestPageArrayArithmetic: page_array(n) makes n NULL page pointers for
// GUP to fill, pages[i] and pages + i read and point into it as C does,
// and GUP past its end is page_array/out-of-bounds
// (mm/gup.c: __get_user_pages() stores pages[i] for i < nr_pages).
func TestPageArrayArithmetic(t *testing.T) {
	const head = "mm m\nmmap(m, 0x100000, pages=8, prot=rw)\n"
	for _, c := range []struct {
		name, body string
		want       string // a substring of the findings; "" for none
	}{
		{"fill in two calls", "pages = page_array(4)\nassert !pages[0]\nmmap_read_lock(m)\nassert pin_user_pages(0x100000, 2, FOLL_WRITE, pages) == 2\n" +
			"assert pin_user_pages(0x102000, 2, FOLL_WRITE, pages + 2) == 2\nmmap_read_unlock(m)\nassert pages[3] && (pages + 3)[0] == pages[3]\nunpin_user_pages(pages, 4)", ""},
		{"int + pages", "pages = page_array(2)\nmmap_read_lock(m)\nassert get_user_pages(0x100000, 1, 0, 1 + pages) == 1\nmmap_read_unlock(m)\nput_page(pages[1])", ""},
		{"offset a parameter", "func fill(pages, i) {\n  return get_user_pages(0x100000 + i * PAGE_SIZE, 1, 0, pages + i)\n}\npages = page_array(3)\nmmap_read_lock(m)\nassert fill(pages, 2) == 1\nmmap_read_unlock(m)\nput_page(pages[2])", ""},
		{"GUP past the end", "pages = page_array(2)\nmmap_read_lock(m)\nget_user_pages(0x100000, 3, 0, pages)\nmmap_read_unlock(m)", "page_array/out-of-bounds"},
		{"GUP past the end of a view", "pages = page_array(4)\nmmap_read_lock(m)\nget_user_pages(0x100000, 2, 0, pages + 3)\nmmap_read_unlock(m)", "page_array/out-of-bounds"},
		{"store past the end", "page p = alloc_page()\npages = page_array(1)\npages[1] = p", "page_array/out-of-bounds"},
		{"pointer past the end", "pages = page_array(1)\nx = pages + 2", "points outside the array"},
		{"declared unbounded", "page_array pages\nmmap_read_lock(m)\nassert get_user_pages(0x100000, 8, 0, pages) == 8\nmmap_read_unlock(m)\nfor p in pages {\n  put_page(p)\n}", ""},
		{"size must be positive", "pages = page_array(0)", "an array holds 1 to"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := head
			if strings.HasPrefix(c.body, "func") {
				i := strings.Index(c.body, "\n}\n")
				src += c.body[:i+3] + "thread t {\n" + c.body[i+3:] + "\n}\n"
			} else {
				src += "thread t {\n" + c.body + "\n}\n"
			}
			got := diagLines(run(t, src, Options{}))
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("%s\nfindings:\n%s\nwant %q", src, got, c.want)
			}
		})
	}
}
