# Q: Moving a mapping by hand, as do_mremap() and move_vma() do: which
#    lock covers each step?
# A: The mmap write lock from the parameter checks (vrm_prepare()) to the
#    unmap of the source (unmap_source_vma()); the source VMA write-locked
#    before anything moves ("We don't want racing faults"), the new VMA
#    write-locked when copy_vma() links it; move_page_tables() takes the
#    rmap locks and the page-table locks itself (mm/mremap.c: do_mremap(),
#    move_vma(), copy_vma_and_data()).

mm m
file f
mmap(m, 0x200000, pages=2, prot=rw, flags=shared, file=f)
touch(m, 0x200000, write)

thread mover {
  mmap_write_lock(m)
  vrm = vrm_prepare(m, 0x200000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x600000)
  assert vrm.move
  assert prep_move_vma(vrm) == 0
  vma_start_write(vrm.vma)
  nv = copy_vma(vrm)
  assert nv
  pmc = vrm_pmc(vrm)
  assert move_page_tables(pmc) == 0x2000
  assert unmap_source_vma(vrm) == 0x600000
  mmap_write_unlock(m)
  assert touch(m, 0x600000, read)
}

expect ok
