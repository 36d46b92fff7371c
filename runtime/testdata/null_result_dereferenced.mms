# Each API that may return NULL (rt.API.NullResult), its NULL used
# untested: the kernel dereferences NULL and oopses ("BUG: kernel NULL
# pointer dereference"), so each thread dies at its use, holding what it
# took (read locks only, so the others still run). And a discarded
# __must_check result (vma_start_write_killable/result-unused).
mm m
mm other
vma v = mmap(m, 0x100000, pages=2, prot=rw)
vma w = mmap(other, 0x100000, pages=1, prot=rw)

thread t_find_vma {
  mmap_read_lock(m)
  vma x = find_vma(m, 0x900000)
  y = x.vm_start
}
thread t_vma_lookup {
  mmap_read_lock(m)
  vma x = vma_lookup(m, 0x900000)
  y = x.vm_start
}
thread t_find_vma_intersection {
  mmap_read_lock(m)
  vma x = find_vma_intersection(m, 0x900000, 0x901000)
  y = x.vm_end
}
thread t_vma_find {
  mmap_read_lock(m)
  vma x = vma_find(m, 0x900000, 0x901000)
  y = x.vm_flags
}
thread t_vma_prev {
  mmap_read_lock(m)
  vma x = vma_prev(m, v)
  y = x.vm_end
}
thread t_mas_find_rev {
  mmap_read_lock(m)
  vma x = mas_find_rev(m, 0xfffff, 0)  # below every VMA
  y = x.vm_start
}
thread t_vma_start_read {
  rcu_read_lock()
  vma x = vma_start_read(m, w)  # w is another mm's VMA
  vma_end_read(x)
}
thread t_lock_next_vma {
  rcu_read_lock()
  vma x = lock_next_vma(m, 0x900000)
  vma_end_read(x)
}
thread t_lock_vma_under_rcu {
  vma x = lock_vma_under_rcu(m, 0x900000)
  vma_end_read(x)
}
thread t_pte_offset_map_lock {
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x100000)  # never touched: no PTE table
  pte_unmap_unlock(pt)
}
thread t_pte_offset_map_nolock {
  mmap_read_lock(m)
  pte pt = pte_offset_map_nolock(m, 0x100000)
  pte_unmap(pt)
}
thread t_pte_offset_map_rw_nolock {
  mmap_read_lock(m)
  pte pt = pte_offset_map_rw_nolock(m, 0x100000)
  pte_unmap(pt)
}
thread t_folio_walk_start {
  mmap_read_lock(m)
  page p = folio_walk_start(v, 0x100000)
  get_page(p)  # folio_get(folio)
}
thread t_killable {
  mmap_write_lock(other)
  vma_start_write_killable(w)
  mmap_write_unlock(other)
}

expect fatal "find_vma/null-dereferenced" at 14
expect fatal "vma_lookup/null-dereferenced" at 19
expect fatal "find_vma_intersection/null-dereferenced" at 24
expect fatal "vma_find/null-dereferenced" at 29
expect fatal "vma_prev/null-dereferenced" at 34
expect fatal "mas_find_rev/null-dereferenced" at 39
expect fatal "vma_start_read/null-dereferenced" at 44
expect fatal "lock_next_vma/null-dereferenced" at 49
expect fatal "lock_vma_under_rcu/null-dereferenced" at 53
expect fatal "pte_offset_map_lock/null-dereferenced" at 58
expect fatal "pte_offset_map_nolock/null-dereferenced" at 63
expect fatal "pte_offset_map_rw_nolock/null-dereferenced" at 68
expect fatal "folio_walk_start/null-dereferenced" at 73
expect violation "vma_start_write_killable/result-unused" at 77
