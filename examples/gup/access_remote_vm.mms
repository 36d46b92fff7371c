# Q: How does the kernel read or write another process's memory
#    (/proc/pid/mem, ptrace)?
# A: access_remote_vm() (access_process_vm() for a task) with no mmap lock
#    held: __access_remote_vm() takes the read lock itself, GUPs one page at
#    a time (FOLL_FORCE lets a debugger write a read-only private mapping:
#    the write breaks COW into an anonymous copy), copies, and drops the
#    lock (mm/memory.c: __access_remote_vm()).

mm m
file text
mmap(m, 0x400000, pages=2, prot=r, flags=private, file=text)

thread debugger {
  assert access_remote_vm(m, 0x400ff8, 16, FOLL_FORCE | FOLL_WRITE) == 16
  assert access_process_vm(m, 0x400000, 64) == 64
}

thread user {
  touch(m, 0x400000, read)
}

expect ok
