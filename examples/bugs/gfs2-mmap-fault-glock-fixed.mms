# gfs2's buffered write after 00bfe02f4796 ("gfs2: Fix mmap + page fault
# deadlocks for buffered I/O", v5.16): the user copy runs with page faults
# disabled under the glock; a copy that would fault comes back short, the
# glock may then be given up (gfs2_holder_allow_demote()) while
# fault_in_iov_iter_readable() faults the buffer in with no glock held,
# and the write retries. See gfs2-mmap-fault-glock-buggy.mms for the bug.
#
# In mmscript's terms: gfs2_holder_allow_demote() lets a demote request
# (here: the other writer waiting for this glock) take the glock away;
# mmscript always drops it there, which is the kernel's path when someone
# waits (!gfs2_holder_queued(gh): goto retry), and is the path the
# deadlock needed. The partial write returned when some bytes were
# already written is left out: the copy is one page.

kernel 5.15

mm m
file fa
file fb
bitlock a_glock  # GFS2_I(inode of fa)->i_gl
bitlock b_glock  # GFS2_I(inode of fb)->i_gl

ops a_vm_ops {  # gfs2_vm_ops of fa
  fault(vmf) {  # gfs2_fault(): the glock shared around filemap_fault()
    wait_on_bit_lock(a_glock)
    page p = alloc_page()
    clear_and_wake_up_bit(a_glock)
    return p
  }
}

ops b_vm_ops {
  fault(vmf) {
    wait_on_bit_lock(b_glock)
    page p = alloc_page()
    clear_and_wake_up_bit(b_glock)
    return p
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=fa, ops=a_vm_ops)
mmap(m, 0x200000, pages=1, prot=rw, flags=shared, file=fb, ops=b_vm_ops)

# fs/gfs2/file.c (v5.16): gfs2_file_buffered_write()
func gfs2_file_buffered_write(glock, buf) {
  while true {  # retry:
    wait_on_bit_lock(glock)  # gfs2_glock_nq(gh), LM_ST_EXCLUSIVE
    pagefault_disable()
    left = copy_from_user(m, buf, n=PAGE_SIZE)  # iomap_file_buffered_write() with faults disabled: a short copy
    pagefault_enable()
    if left == 0 {
      clear_and_wake_up_bit(glock)  # gfs2_glock_dq(gh)
      return 0
    }
    # should_fault_in_pages(): gfs2_holder_allow_demote(gh); the waiter's
    # demote takes the glock away
    clear_and_wake_up_bit(glock)
    fault_in_readable(m, buf, PAGE_SIZE)  # fault_in_iov_iter_readable(from, window_size): no glock held
    # gfs2_holder_disallow_demote(gh); !gfs2_holder_queued(gh): goto retry
  }
}

thread write_a {  # write(fd of fa, buf = the mapping of fb, PAGE_SIZE)
  assert gfs2_file_buffered_write(a_glock, 0x200000) == 0
}

thread write_b {  # write(fd of fb, buf = the mapping of fa, PAGE_SIZE)
  assert gfs2_file_buffered_write(b_glock, 0x100000) == 0
}

expect ok
