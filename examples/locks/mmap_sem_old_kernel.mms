# Q: A script transcribes a kernel before v5.8, which takes the mmap lock
#    as down_read(&mm->mmap_sem) and down_write(&mm->mmap_sem), and the
#    page lock as lock_page(page). Does it run, and against which locks?
# A: Yes. mm.mmap_sem is mm.mmap_lock under its old name (da1c55f1b272
#    "mmap locking API: rename mmap_sem to mmap_lock", v5.8), one rwsem of
#    one lockdep class: down_read() is mmap_read_lock(), down_write()
#    mmap_write_lock(), downgrade_write() mmap_write_downgrade(), up_write()
#    mmap_write_unlock() (which ends every VMA write lock), and the
#    _killable and _trylock forms likewise. The other rwsems a script names
#    take them too: file.i_rwsem (inode_lock()), file.i_mmap_rwsem,
#    file.invalidate_lock. lock_page(page) is folio_lock(page_folio(page))
#    (include/linux/pagemap.h): the lock of the page's folio. Here v5.7's
#    mm/util.c: account_locked_vm(), a munmap that downgrades as v5.7's
#    __vm_munmap() did, a fault, and a file path.

mm m
file f
page p = alloc_page()
vma v = mmap(m, 0x100000, pages=4, prot=rw)

thread account {  # mm/util.c: account_locked_vm() (v5.7)
  down_write(&m.mmap_sem)
  vma_start_write(v)
  up_write(&m.mmap_sem)
}

thread unmapper {  # mm/mmap.c: __vm_munmap(), __do_munmap() (v5.7)
  if down_write_killable(&m.mmap_sem) == 0 {
    vma x = find_vma(m, 0x102000)
    downgrade_write(&m.mmap_sem)
    up_read(&m.mmap_sem)
  }
}

thread reader {
  if down_read_killable(&m.mmap_sem) == 0 {
    vma y = find_vma(m, 0x100000)
    up_read(&m.mmap_sem)
  }
  if down_read_trylock(&m.mmap_sem) {
    up_read(&m.mmap_sem)
  }
  if down_write_trylock(&m.mmap_sem) {
    up_write(&m.mmap_sem)
  }
}

thread user {
  touch(m, 0x100000, write)  # the fault takes the same lock, or the VMA's
}

thread fs {
  down_write(&f.i_rwsem)  # inode_lock(): above the mmap lock
  down_read(&f.i_mmap_rwsem)
  up_read(&f.i_mmap_rwsem)
  up_write(&f.i_rwsem)
  lock_page(p)
  assert page_folio(p) == p
  unlock_page(p)
  if trylock_page(p) {
    unlock_page(p)
  }
}

expect ok
