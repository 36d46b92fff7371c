# Q: Moving a mapping by hand, as do_mremap() and move_vma() do: which
#    lock covers each step?
# A: The mmap write lock from the checks of the VMA (check_prep_vma()) and
#    the unmap of the MREMAP_FIXED target (mremap_to(): do_munmap()) to
#    the unmap of the source (unmap_source_vma()); the source VMA write-locked
#    before anything moves ("We don't want racing faults"), the new VMA
#    write-locked when copy_vma() links it; move_page_tables() takes the
#    rmap locks and the page-table locks itself (mm/mremap.c: do_mremap(),
#    mremap_to(), move_vma(), copy_vma_and_data()).

mm m
file f
mmap(m, 0x200000, pages=2, prot=rw, flags=shared, file=f)
touch(m, 0x200000, write)

thread mover {
  vrm = vrm_init(m, 0x200000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x600000)
  assert check_mremap_params(vrm) == 0
  mmap_write_lock(m)
  vrm.vma = vma_lookup(m, vrm.addr)
  assert check_prep_vma(vrm) == 0
  assert do_munmap(m, vrm.new_addr, vrm.new_len) == 0
  assert vrm_set_new_addr(vrm) == 0
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
