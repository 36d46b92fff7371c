# A core dump as Linux 5.0 ran it (before v5.10 took the mmap lock for the
# dump, dump_vma_snapshot()): coredump_wait() marks the mm (core_state)
# under the mmap write lock and freezes its threads, then ->core_dump reads
# the VMAs with no lock. `mmscript explain do_coredump`.

# fs/coredump.c: do_coredump() (v5.0)
func do_coredump(mm) {
  coredump_wait(mm)
  elf_core_dump(mm)  # binfmt->core_dump(&cprm): no mmap_sem
  coredump_finish(mm)
}

# fs/coredump.c: coredump_wait() (v5.0)
func coredump_wait(mm) {
  if mmap_write_lock_killable(mm) != 0 {  # down_write_killable(&mm->mmap_sem)
    return -EINTR
  }
  zap_threads(mm)  # if (!mm->core_state) zap_threads(): mm->core_state = core_state
  mmap_write_unlock(mm)
}
