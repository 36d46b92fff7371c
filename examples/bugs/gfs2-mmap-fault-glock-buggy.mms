# gfs2's buffered write copied the user buffer under the inode glock, and
# the copy may fault on a mapping of a gfs2 file whose ->fault takes that
# file's glock (fix 00bfe02f4796 "gfs2: Fix mmap + page fault deadlocks
# for buffered I/O", Andreas Gruenbacher, v5.16, backported to 5.15.y;
# fstests generic/647).
#
# gfs2_file_buffered_write() (fs/gfs2/file.c) took the inode's glock
# exclusively (gfs2_glock_nq()) and copied the data in
# iomap_file_buffered_write(); when the user buffer is a shared mapping of
# another gfs2 file that is not yet faulted in, the copy's page fault runs
# gfs2_fault(), which takes that file's glock (shared) around
# filemap_fault(). Two writers, each writing one file from a mapping of the
# other, hold one glock each and wait for the other's: an ABBA deadlock.
# (A writer whose buffer maps its own file recurses on its own glock, which
# gfs2's add_to_queue() traps as a BUG; more glocks, processes and cluster
# nodes make longer cycles.)
#
# Glocks are no lockdep locks: a holder waits in gfs2_glock_wait() with
# wait_on_bit(&gh->gh_iflags, HIF_WAIT, TASK_UNINTERRUPTIBLE), and no
# lockdep map names the glock, so lockdep reports nothing: the deadlock is
# found only by running the interleaving (mmscript explore).
#
# In mmscript's terms: each inode glock is a bitlock (lockdep-blind, as
# the kernel's are), taken exclusively in both the write and the fault:
# the fault's LM_ST_SHARED request conflicts with the other writer's
# LM_ST_EXCLUSIVE hold either way, so the modes change nothing here; what
# mmscript leaves out is the glock state machine itself (demote requests,
# other cluster nodes, the shared mode between readers), and the copy
# moves no data.

kernel 5.15

mm m
file fa
file fb
bitlock a_glock  # GFS2_I(inode of fa)->i_gl
bitlock b_glock  # GFS2_I(inode of fb)->i_gl

ops a_vm_ops {  # gfs2_vm_ops of fa
  fault(vmf) {  # gfs2_fault(): gfs2_holder_init(ip->i_gl, LM_ST_SHARED, 0, &gh); gfs2_glock_nq(&gh)
    wait_on_bit_lock(a_glock)
    page p = alloc_page()           # filemap_fault()
    clear_and_wake_up_bit(a_glock)  # gfs2_glock_dq(&gh)
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

# fs/gfs2/file.c (v5.15): gfs2_file_buffered_write()
func gfs2_file_buffered_write(glock, buf) {
  wait_on_bit_lock(glock)                    # gfs2_holder_init(ip->i_gl, LM_ST_EXCLUSIVE, 0, gh); gfs2_glock_nq(gh)
  ret = copy_from_user(m, buf, n=PAGE_SIZE)  # iomap_file_buffered_write(): the user copy, under the glock
  clear_and_wake_up_bit(glock)               # gfs2_glock_dq(gh)
  return ret
}

thread write_a {  # write(fd of fa, buf = the mapping of fb, PAGE_SIZE)
  gfs2_file_buffered_write(a_glock, 0x200000)
}

thread write_b {  # write(fd of fb, buf = the mapping of fa, PAGE_SIZE)
  gfs2_file_buffered_write(b_glock, 0x100000)
}

expect deadlock "write_a waits for b_glock held by write_b" sometimes
expect violation "lockdep/circular" never
expect violation "lock/recursive" never
