# Handlers that call kernel operations and helpers, faulting from several
# threads at once, with the VMA-lock fast path and the mmap-lock fallback.
# Checked on the round-robin run only: t3 polls for the others with a
# bounded loop, which an unfair schedule ends before they finish (the
# search finds that, and its space is past the test budget).

mm m
file dev
faults = 0
finished = 0

func fresh() {
  page p = alloc_page()
  return p
}

ops drv {
  mmap(file, vma) {
    vm_flags_set(vma, mixedmap)
  }
  fault(vmf) {
    faults = faults + 1
    return vmf_insert_page(vmf.vma, vmf.address, fresh())
  }
  close(vma) {
    assert m.mmap_lock.held
  }
}

vma v = mmap(m, 0x100000, pages=8, prot=rw, flags=shared, file=dev, ops=drv)

thread t1 {
  for i in 0..4 { assert touch(m, 0x100000 + i * PAGE_SIZE, write) }
  finished = finished + 1
}

thread t2 {
  for i in 4..8 {
    addr = 0x100000 + i * PAGE_SIZE
    rc = VM_FAULT_RETRY
    vma locked = lock_vma_under_rcu(m, addr)
    if locked {
      # As do_user_addr_fault: RETRY and COMPLETED released the VMA lock.
      rc = handle_mm_fault(locked, addr, flags=read | vma_lock)
      if (rc & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)) == 0 { vma_end_read(locked) }
    }
    if rc & VM_FAULT_RETRY {
      mmap_read_lock(m)
      rc = handle_mm_fault(vma_lookup(m, addr), addr)
      mmap_read_unlock(m)
    }
    assert (rc & VM_FAULT_SIGSEGV) == 0
  }
  finished = finished + 1
}

thread t3 {
  repeat 1000 {
    if finished < 2 { msleep() }
  }
  assert finished == 2
  print("faults", faults)
  assert faults == 8, "every page faulted once"
  assert munmap(m, 0x100000, pages=8) == 0
}

expect ok
expect single_run
