# Rule lockdep/circular: locks follow one global order, mm/rmap.c's
# mmap_lock -> folio_lock -> vma lock -> i_mmap_rwsem -> anon_vma ->
# page_table_lock / PTE lock. Taking i_mmap_rwsem, then the mmap lock,
# inverts it; lockdep reports it although this run cannot deadlock (one
# thread). Rule book 1.2.

mm m
file f

thread t {
  i_mmap_lock_read(f)
  mmap_read_lock(m)
  mmap_read_unlock(m)
  i_mmap_unlock_read(f)
}

expect violation "lockdep/circular: possible circular locking dependency: taking m->mmap_lock (&mm->mmap_lock) while holding f->i_mmap_rwsem (&mapping->i_mmap_rwsem)" at 12
