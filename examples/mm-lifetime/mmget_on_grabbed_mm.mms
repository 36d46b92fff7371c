# Q: My worker holds the mm by mmgrab() and calls mmget(mm) before it
#    walks the VMAs. Is mmget() the right call?
# A: No: mmget() is a bare atomic_inc(&mm->mm_users) for a caller that
#    already holds a users' reference; on an mm only mmgrab() keeps,
#    mm_users may have reached zero and exit_mmap() torn the address
#    space down: use mmget_not_zero() and give up when it fails
#    (include/linux/sched/mm.h: mmget(), "Use mmget_not_zero() if the mm
#    may already have no users").

mm m
mmap(m, 0x100000, pages=1, prot=rw)
mmgrab(m)  # the worker's pointer: mm_count

thread process {
  mmput(m)  # do_exit() -> exit_mm() -> mmput(mm)
}

thread worker {
  mmget(m)
  mmap_read_lock(m)
  mmap_read_unlock(m)
  mmdrop(m)
}

expect violation "mm/use-without-mm-users" at 19 sometimes
