# The rmap and folio locks in the documented order, with trylocks and RCU
# sections mixed in; nothing is broken.

mm m
file f
vma v = mmap(m, 0x400000, pages=4, prot=rw)
page p = alloc_page()

thread anon {
  assert touch(m, 0x400000, write)
  mmap_read_lock(m)
  anon_vma_prepare(v)
  anon_vma_lock_read(v)
  spin_lock(m.page_table_lock)
  spin_unlock(m.page_table_lock)
  anon_vma_unlock_read(v)
  mmap_read_unlock(m)
}

thread mapping {
  folio_lock(p)
  i_mmap_lock_read(f)
  i_mmap_unlock_read(f)
  folio_unlock(p)
  if folio_trylock(p) {
    folio_unlock(p)
  }
  rcu_read_lock()
  rcu_read_lock()
  vma r = lock_vma_under_rcu(m, 0x400000)
  rcu_read_unlock()
  rcu_read_unlock()
  if r { vma_end_read(r) }
}

thread writer {
  if mmap_write_trylock(m) {
    mmap_write_downgrade(m)
    mmap_read_unlock(m)
  }
  mmap_write_lock(m)
  vma w = vma_lookup(m, 0x400000)
  vma_start_write(w)
  mmap_write_unlock(m)
}

expect ok
