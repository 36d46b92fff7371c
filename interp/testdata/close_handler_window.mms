# While a detached VMA's ->close runs, the VMA may still be used (the
# handler gets it), so a use by another thread then is no use after unmap;
# before and after the handler it is. The state that says so (VMAState.New)
# is written where the close handler starts and ends: the reduced search
# must order a use against both (TestCloseHandlerWindowStates). The user
# notes the handler's progress first: seen = 1 and no report is a final
# state only a use inside the handler reaches.

mm m
file dev
int step = 0
int seen = 0

ops closer {
  close(vma) {
    step = 1
    msleep(1)
    step = 2
  }
}

vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, ops=closer)

thread unmapper { munmap(m, 0x100000, pages=1) }

thread user {
  seen = step
  msleep(1)
  int s = v.vm_start
}

expect violation "vma/use-after-unmap" sometimes
