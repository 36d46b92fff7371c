# Q: I walk a folio's mappings by hand, as rmap_walk_anon() and
#    __rmap_walk_file() do. What must I hold around the interval-tree walk?
# A: The folio lock (it keeps folio->mapping), then the rmap lock of the
#    tree walked: the anon_vma's rwsem for read (folio_lock_anon_vma_read())
#    for an anonymous folio, the file's i_mmap_rwsem for read for a page
#    cache folio (mm/rmap.c: rmap_walk_anon(), __rmap_walk_file(); the
#    interval trees change only under the write side, mm/interval_tree.c).

mm m
file f
vma a = mmap(m, 0x200000, pages=2, prot=rw)
vma s = mmap(m, 0x400000, pages=2, prot=r, flags=shared, file=f)
touch(m, 0x200000, write)
touch(m, 0x400000, read)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x200000)
page ap = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
pte u = pte_offset_map_lock(m, 0x400000)
page fp = pfn_to_page(u.pfn)
pte_unmap_unlock(u)
mmap_read_unlock(m)

thread reclaim {
  folio_lock(ap)
  VM_BUG_ON_FOLIO(!folio_test_locked(ap), ap)  # as rmap_walk_anon() asserts
  if folio_anon_vma(ap) && folio_lock_anon_vma_read(ap) {
    n = anon_vma_interval_tree_count(ap)
    for i in 0..n {
      vma = anon_vma_interval_tree_nth(ap, i)
      address = vma_address(ap, vma)
    }
    folio_anon_vma_unlock_read(ap)
  }
  folio_unlock(ap)

  folio_lock(fp)
  file = folio_file(fp)
  i_mmap_lock_read(file)
  pgoff = folio_pgoff(fp)
  n = vma_interval_tree_count(file, pgoff)
  for i in 0..n {
    vma = vma_interval_tree_nth(file, pgoff, i)
    address = vma_address(fp, vma)
  }
  i_mmap_unlock_read(file)
  folio_unlock(fp)
}

expect ok
