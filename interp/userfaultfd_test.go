package interp

import (
	"strings"
	"testing"
)

// UFFDIO_REGISTER and UFFDIO_UNREGISTER through the kernel library
// (kernel/userfaultfd.mms): each case maps VMAs, runs the ioctls and
// asserts the layout they leave: the split to the range, the merge of
// neighbours registered with the same context (and only those: the
// context is part of is_mergeable_vma()), the errors of
// userfaultfd_register(), and fork dropping the registration as
// dup_userfaultfd() does without UFFD_FEATURE_EVENT_FORK.
func TestUserfaultfdRegister(t *testing.T) {
	const head = "mm m\nmmap(m, 0x100000, pages=8, prot=rw, flags=private)\nctx = userfaultfd(m)\n"
	for _, tc := range []struct{ name, body string }{
		{"whole VMA", `
assert userfaultfd_register(ctx, 0x100000, 0x8000, UFFDIO_REGISTER_MODE_MISSING) == 0
mmap_read_lock(m)
v = find_vma(m, 0x100000)
assert v.vm_start == 0x100000 && v.vm_end == 0x108000 && v.vm_userfaultfd_ctx == ctx
assert v.vm_flags & __VM_UFFD_FLAGS == VM_UFFD_MISSING
mmap_read_unlock(m)`},
		{"part splits", `
assert userfaultfd_register(ctx, 0x102000, 0x2000, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP) == 0
mmap_read_lock(m)
assert m.map_count == 3
v = find_vma(m, 0x102000)
assert v.vm_start == 0x102000 && v.vm_end == 0x104000 && v.vm_userfaultfd_ctx == ctx
assert v.vm_flags & __VM_UFFD_FLAGS == VM_UFFD_MISSING | VM_UFFD_WP
assert !find_vma(m, 0x100000).vm_userfaultfd_ctx && !find_vma(m, 0x104000).vm_userfaultfd_ctx
mmap_read_unlock(m)`},
		{"same context merges", `
assert userfaultfd_register(ctx, 0x102000, 0x1000, UFFDIO_REGISTER_MODE_MISSING) == 0
assert userfaultfd_register(ctx, 0x103000, 0x1000, UFFDIO_REGISTER_MODE_MISSING) == 0
mmap_read_lock(m)
assert m.map_count == 3
v = find_vma(m, 0x102000)
assert v.vm_start == 0x102000 && v.vm_end == 0x104000
mmap_read_unlock(m)`},
		{"other context does not merge", `
ctx2 = userfaultfd(m)
assert userfaultfd_register(ctx, 0x102000, 0x1000, UFFDIO_REGISTER_MODE_MISSING) == 0
assert userfaultfd_register(ctx2, 0x103000, 0x1000, UFFDIO_REGISTER_MODE_MISSING) == 0
mmap_read_lock(m)
assert m.map_count == 4
assert find_vma(m, 0x102000).vm_end == 0x103000 && find_vma(m, 0x103000).vm_userfaultfd_ctx == ctx2
mmap_read_unlock(m)`},
		{"another userfaultfd owns it", `
ctx2 = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x2000, UFFDIO_REGISTER_MODE_MISSING) == 0
assert userfaultfd_register(ctx2, 0x100000, 0x1000, UFFDIO_REGISTER_MODE_MISSING) == -EBUSY
assert userfaultfd_unregister(ctx2, 0x100000, 0x1000) == -EINVAL`},
		{"bad ranges and modes", `
assert userfaultfd_register(ctx, 0x100800, 0x1000, UFFDIO_REGISTER_MODE_MISSING) == -EINVAL
assert userfaultfd_register(ctx, 0x100000, 0, UFFDIO_REGISTER_MODE_MISSING) == -EINVAL
assert userfaultfd_register(ctx, 0x100000, 0x1000, 0) == -EINVAL
assert userfaultfd_register(ctx, 0x100000, 0x1000, 8) == -EINVAL
assert userfaultfd_register(ctx, 0x300000, 0x1000, UFFDIO_REGISTER_MODE_MISSING) == -EINVAL
assert userfaultfd_register(ctx, 0x100000, 0x1000, UFFDIO_REGISTER_MODE_MINOR) == -EINVAL`},
		{"shared file mapping: unsupported, nothing changes", `
mmap(m, 0x10a000, pages=2, prot=rw, flags=private)
file f
mmap(m, 0x200000, pages=2, prot=rw, flags=shared, file=f)
assert userfaultfd_register(ctx, 0x200000, 0x1000, UFFDIO_REGISTER_MODE_MISSING) == -EINVAL
mmap_read_lock(m)
assert m.map_count == 3
mmap_read_unlock(m)`},
		{"read-only private mapping: VM_MAYWRITE is set", `
mmap(m, 0x300000, pages=2, prot=r, flags=private)
assert userfaultfd_register(ctx, 0x300000, 0x2000, UFFDIO_REGISTER_MODE_MISSING) == 0`},
		{"unregister merges back", `
assert userfaultfd_register(ctx, 0x102000, 0x2000, UFFDIO_REGISTER_MODE_MISSING) == 0
assert userfaultfd_unregister(ctx, 0x100000, 0x8000) == 0
mmap_read_lock(m)
assert m.map_count == 1
v = find_vma(m, 0x100000)
assert v.vm_end == 0x108000 && !v.vm_userfaultfd_ctx && v.vm_flags & __VM_UFFD_FLAGS == 0
mmap_read_unlock(m)`},
		{"unregister part", `
assert userfaultfd_register(ctx, 0x100000, 0x8000, UFFDIO_REGISTER_MODE_MISSING) == 0
assert userfaultfd_unregister(ctx, 0x104000, 0x1000) == 0
mmap_read_lock(m)
assert m.map_count == 3
assert !find_vma(m, 0x104000).vm_userfaultfd_ctx && find_vma(m, 0x105000).vm_userfaultfd_ctx == ctx
mmap_read_unlock(m)`},
		{"fork drops the registration", `
assert userfaultfd_register(ctx, 0x100000, 0x8000, UFFDIO_REGISTER_MODE_MISSING) == 0
c = fork(m)
mmap_read_lock(c)
v = find_vma(c, 0x100000)
assert !v.vm_userfaultfd_ctx && v.vm_flags & __VM_UFFD_FLAGS == 0
mmap_read_unlock(c)
mmap_read_lock(m)
assert find_vma(m, 0x100000).vm_userfaultfd_ctx == ctx
mmap_read_unlock(m)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := head + "thread t {" + strings.ReplaceAll(tc.body, "\n", "\n  ") + "\n}\n"
			res := run(t, src, Options{})
			if d := diagLines(res); d != "" {
				t.Error(d)
			}
		})
	}
}

// handle_userfault() from the anonymous fault path (kernel/fault.mms,
// kernel/userfaultfd.mms): the faulting task queues its fault, drops the
// fault lock and sleeps until a wake of its address; each case is a
// faulter and a monitor, run under every interleaving, and asserts what
// the fault returns and what the monitor may do meanwhile.
func TestHandleUserfault(t *testing.T) {
	const head = `mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0
`
	for _, tc := range []struct {
		name, src, want string // want: "" for no finding in any run, else a finding's text
	}{
		{"the fault drops its locks: the monitor takes the mmap write lock", `
thread faulter { assert touch(m, 0x101000, write) }
thread monitor {
  assert userfaultfd_ctx_read(ctx) == 0x101000
  mmap_write_lock(m)  # would deadlock if the sleeping fault held the mmap or VMA read lock
  mmap_write_unlock(m)
  assert userfaultfd_unregister(ctx, 0x101000, PAGE_SIZE) == 0
}`, ""},
		{"a read fault waits too", `
thread faulter { assert touch(m, 0x102000, read) }
thread monitor {
  assert userfaultfd_ctx_read(ctx) == 0x102000
  assert userfaultfd_unregister(ctx, 0x100000, 0x4000) == 0
}`, ""},
		{"a wake of another address leaves the fault asleep", `
thread faulter { assert touch(m, 0x101000, write) }
thread monitor {
  assert userfaultfd_ctx_read(ctx) == 0x101000
  assert userfaultfd_wake(ctx, 0x102000, PAGE_SIZE) == 0
}`, "deadlock"},
		{"no_wait read with nothing pending", `
thread monitor { assert userfaultfd_ctx_read(ctx, true) == -EAGAIN }`, ""},
		{"GUP without FOLL_UNLOCKABLE cannot wait: -EFAULT", `
thread gup {
  mmap_read_lock(m)
  assert get_user_pages_remote(m, 0x101000, 1, FOLL_WRITE) == -EFAULT
  mmap_read_unlock(m)
}`, ""},
		{"GUP with locked waits and is resolved", `
thread gup {
  locked = 1
  mmap_read_lock(m)
  assert get_user_pages_remote(m, 0x101000, 1, FOLL_WRITE, nil, &locked) == 1
  if locked {
    mmap_read_unlock(m)
  }
}
thread monitor {
  assert userfaultfd_ctx_read(ctx) == 0x101000
  assert userfaultfd_unregister(ctx, 0x101000, PAGE_SIZE) == 0
}`, ""},
		{"an unregistered fault does not wait", `
thread faulter {
  assert userfaultfd_unregister(ctx, 0x100000, 0x4000) == 0
  assert touch(m, 0x101000, write)
}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog := load(t, head+tc.src+"\n")
			rep := Explore(prog, ExploreOptions{MaxStates: 200000})
			var got []string
			for _, f := range rep.Findings {
				got = append(got, strings.SplitN(f.Diag.String(), "\n", 2)[0])
			}
			s := strings.Join(got, "\n")
			switch {
			case tc.want == "" && s != "":
				t.Errorf("findings:\n%s", s)
			case tc.want != "" && !strings.Contains(s, tc.want):
				t.Errorf("want a finding with %q, got:\n%s", tc.want, s)
			}
		})
	}
}

// UFFDIO_COPY and UFFDIO_ZEROPAGE (kernel/userfaultfd.mms: mfill_atomic()
// and its helpers), each case explored: results, the wake of the fault,
// the -EAGAIN of mmap_changing, the retry of a copy whose source faults.
func TestUffdioCopy(t *testing.T) {
	const head = `mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
mmap(m, 0x200000, pages=2, prot=rw, flags=private)
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0
`
	for _, tc := range []struct{ name, src, want string }{
		{"copy with the source present", `
thread faulter { assert touch(m, 0x101000, write) }
thread monitor {
  assert touch(m, 0x200000, write)
  assert userfaultfd_ctx_read(ctx) == 0x101000
  assert userfaultfd_copy(ctx, 0x101000, 0x200000, PAGE_SIZE) == 0
}`, ""},
		{"copy whose source faults: retried without the locks", `
thread faulter { assert touch(m, 0x101000, write) }
thread monitor {
  assert userfaultfd_ctx_read(ctx) == 0x101000
  assert userfaultfd_copy(ctx, 0x101000, 0x200000, PAGE_SIZE) == 0
}`, ""},
		{"a filled entry: -EEXIST", `
thread monitor {
  assert userfaultfd_zeropage(ctx, 0x102000, PAGE_SIZE) == 0
  assert userfaultfd_copy(ctx, 0x102000, 0x200000, PAGE_SIZE) == -EEXIST
  assert userfaultfd_zeropage(ctx, 0x102000, PAGE_SIZE) == -EEXIST
}`, ""},
		{"two pages, the second filled: a short copy", `
thread monitor {
  assert userfaultfd_zeropage(ctx, 0x103000, PAGE_SIZE) == 0
  assert userfaultfd_copy(ctx, 0x102000, 0x200000, 2 * PAGE_SIZE) == -EAGAIN
  assert userfaultfd_copy(ctx, 0x102000, 0x200000, PAGE_SIZE) == -EEXIST
}`, ""},
		{"outside the registered VMA: -ENOENT", `
thread monitor { assert userfaultfd_copy(ctx, 0x103000, 0x200000, 2 * PAGE_SIZE) == -ENOENT }`, ""},
		{"mmap_changing: -EAGAIN", `
thread monitor {
  down_write(ctx.map_changing_lock)
  ctx.mmap_changing += 1
  up_write(ctx.map_changing_lock)
  assert userfaultfd_copy(ctx, 0x101000, 0x200000, PAGE_SIZE) == -EAGAIN
  assert userfaultfd_zeropage(ctx, 0x101000, PAGE_SIZE) == -EAGAIN
  ctx.mmap_changing -= 1
  assert userfaultfd_zeropage(ctx, 0x101000, PAGE_SIZE) == 0
}`, ""},
		{"a write-protected copy into a VMA not registered for WP: -EINVAL", `
thread monitor { assert userfaultfd_copy(ctx, 0x101000, 0x200000, PAGE_SIZE, UFFDIO_COPY_MODE_WP) == -EINVAL }`, ""},
		{"DONTWAKE leaves the fault asleep", `
thread faulter { assert touch(m, 0x101000, read) }
thread monitor {
  assert userfaultfd_ctx_read(ctx) == 0x101000
  assert userfaultfd_zeropage(ctx, 0x101000, PAGE_SIZE, UFFDIO_ZEROPAGE_MODE_DONTWAKE) == 0
}`, "deadlock"},
		{"DONTWAKE, then UFFDIO_WAKE", `
thread faulter { assert touch(m, 0x101000, read) }
thread monitor {
  assert userfaultfd_ctx_read(ctx) == 0x101000
  assert userfaultfd_zeropage(ctx, 0x101000, PAGE_SIZE, UFFDIO_ZEROPAGE_MODE_DONTWAKE) == 0
  assert userfaultfd_wake(ctx, 0x101000, PAGE_SIZE) == 0
}`, ""},
		{"two monitors race for one fault: one fills, the other gets -EEXIST", `
thread faulter { assert touch(m, 0x101000, write) }
thread m1 {
  r = userfaultfd_copy(ctx, 0x101000, 0x200000, PAGE_SIZE)
  assert r == 0 || r == -EEXIST
}
thread m2 {
  r = userfaultfd_zeropage(ctx, 0x101000, PAGE_SIZE)
  assert r == 0 || r == -EEXIST
}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog := load(t, head+tc.src+"\n")
			rep := Explore(prog, ExploreOptions{MaxStates: 400000})
			var got []string
			for _, f := range rep.Findings {
				got = append(got, strings.SplitN(f.Diag.String(), "\n", 2)[0])
			}
			s := strings.Join(got, "\n")
			switch {
			case tc.want == "" && s != "":
				t.Errorf("findings:\n%s", s)
			case tc.want != "" && !strings.Contains(s, tc.want):
				t.Errorf("want a finding with %q, got:\n%s", tc.want, s)
			}
		})
	}
}

// UFFDIO_MOVE (kernel/userfaultfd.mms: move_pages()), each case explored:
// the page moves with its rmap and the source entry is none after it;
// the errors of move_pages() and move_pages_ptes(); a source folio locked
// by another task is waited for without the PTE locks.
func TestUffdioMove(t *testing.T) {
	const head = `mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
mmap(m, 0x200000, pages=2, prot=rw, flags=private)
assert touch(m, 0x100000, write)
assert touch(m, 0x200000, write)
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x102000, 0x2000, UFFDIO_REGISTER_MODE_MISSING) == 0
func src_none() {
  mmap_read_lock(m)
  pte = pte_offset_map(m, 0x200000)
  none = !pte.present
  pte_unmap(pte)
  mmap_read_unlock(m)
  return none
}
`
	for _, tc := range []struct{ name, src, want string }{
		{"the page moves: the source is none, the fault resolved", `
thread faulter { assert touch(m, 0x103000, write) }
thread monitor {
  assert userfaultfd_ctx_read(ctx) == 0x103000
  assert userfaultfd_move(ctx, 0x103000, 0x200000, PAGE_SIZE) == 0
  assert src_none()
}`, ""},
		{"a none source: -ENOENT, or moved as a hole with ALLOW_SRC_HOLES", `
thread monitor {
  assert userfaultfd_move(ctx, 0x102000, 0x201000, PAGE_SIZE) == -ENOENT
  assert userfaultfd_move(ctx, 0x102000, 0x201000, PAGE_SIZE, UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES) == 0
}`, ""},
		{"a filled destination: -EEXIST", `
thread monitor {
  assert userfaultfd_zeropage(ctx, 0x102000, PAGE_SIZE) == 0
  assert userfaultfd_move(ctx, 0x102000, 0x200000, PAGE_SIZE) == -EEXIST
}`, ""},
		{"a destination not registered with ctx: -EINVAL", `
thread monitor { assert userfaultfd_move(ctx, 0x101000, 0x200000, PAGE_SIZE) == -EINVAL }`, ""},
		{"a page shared with a child: -EBUSY", `
thread monitor {
  c = fork(m)
  assert userfaultfd_move(ctx, 0x102000, 0x200000, PAGE_SIZE) == -EBUSY
}`, ""},
		{"the source folio locked by another task: the move waits for it", `
page_array a
mmap_read_lock(m)
assert get_user_pages_remote(m, 0x200000, 1, 0, a, nil) == 1
mmap_read_unlock(m)
p = a[0]
thread holder {
  folio_lock(p)
  folio_unlock(p)
  put_page(p)
}
thread monitor {
  assert userfaultfd_move(ctx, 0x102000, 0x200000, PAGE_SIZE) == 0
  assert src_none()
}`, ""},
		{"the source VMA write-locked meanwhile: the mmap-lock fallback", `
thread writer {
  mmap_write_lock(m)
  vma_start_write(find_vma(m, 0x200000))
  mmap_write_unlock(m)
}
thread monitor { assert userfaultfd_move(ctx, 0x102000, 0x200000, PAGE_SIZE) == 0 }`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog := load(t, head+tc.src+"\n")
			rep := Explore(prog, ExploreOptions{MaxStates: 400000})
			var got []string
			for _, f := range rep.Findings {
				got = append(got, strings.SplitN(f.Diag.String(), "\n", 2)[0])
			}
			s := strings.Join(got, "\n")
			switch {
			case tc.want == "" && s != "":
				t.Errorf("findings:\n%s", s)
			case tc.want != "" && !strings.Contains(s, tc.want):
				t.Errorf("want a finding with %q, got:\n%s", tc.want, s)
			}
		})
	}
}
