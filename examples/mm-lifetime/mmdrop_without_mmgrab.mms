# Q: My driver's release() calls mmdrop(mm) on an mm it never mmgrab()bed
#    (it saved current->mm in open() and took no reference). What happens?
# A: mmdrop() drops the one mm_count reference all of mm_users share: it
#    frees the mm_struct (__mmdrop()) while the process still runs in it,
#    and the process's own exit frees it again. Nothing checks it but KASAN
#    (include/linux/sched/mm.h: mmdrop(): if
#    (unlikely(atomic_dec_and_test(&mm->mm_count))) __mmdrop(mm)).

mm m
mmap(m, 0x100000, pages=1, prot=rw)

thread driver {
  mmdrop(m)  # release(): no mmgrab() in open()
}

expect violation "mm/use-after-mmdrop" at 13
