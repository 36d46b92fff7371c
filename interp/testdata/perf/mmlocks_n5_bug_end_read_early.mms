# A bug variant of the SPIN peer scenario (/work/shared/perf/mmlocks.pml,
# mmlocks_N5.mms), NFAULT=5, for BenchmarkExploreBugs: the time a search takes
# to find the bug (-first). The first expect line names the bug planted.
# The whole search (11 M states, minutes) is past `mmscript test`'s budget:
# the test runs the one round-robin schedule, where the planted bug shows.
# A fault that drops its VMA read lock before it installs the PTE: nothing
# keeps the VMA (and its page tables) from munmap while vm_insert_page runs.
# One mm, one VMA of 2 pages (one PTE table with its lock); 5 fault threads
# (lock_vma_under_rcu, else mmap_read_lock fallback; the PTE is installed by
# vm_insert_page, which takes the PTE lock itself); one munmap thread
# (munmap: mmap_write_lock, vma_start_write waits for readers, detach, zap
# and flush, free tables, mmap_write_unlock); one zapper (mmap_read_lock,
# zap both PTEs if the VMA is still there, mmap_read_unlock).
# Properties: no deadlock (runtime), every PTE write under the PTE lock
# (runtime: pgtable/change-needs-ptl, install/zap lock rules), and no PTE left
# after munmap completes (assert below: no page is mapped any more).

mm m
file dev
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, vm=mixedmap)
page p1
page p2
page p3
page p4
page p5

func fault(addr, p) {
  vma r = lock_vma_under_rcu(m, addr)  # nil while write-locked or detached
  if r {
    vma_end_read(r)  # BUG: dropped before the insert
    vm_insert_page(r, addr, p)
  } else {
    mmap_read_lock(m)
    vma x = vma_lookup(m, addr)  # nil once munmap detached the VMA
    if x { vm_insert_page(x, addr, p) }
    mmap_read_unlock(m)
  }
}

thread fault1 { fault(0x101000, p1) }
thread fault2 { fault(0x100000, p2) }
thread fault3 { fault(0x101000, p3) }
thread fault4 { fault(0x100000, p4) }
thread fault5 { fault(0x101000, p5) }

thread unmapper {
  munmap(m, 0x100000, pages=2)
  assert p1.mapcount == 0 && p2.mapcount == 0 && p3.mapcount == 0 && p4.mapcount == 0 && p5.mapcount == 0, "no PTE left after munmap"
}

thread zapper {
  mmap_read_lock(m)
  vma z = vma_lookup(m, 0x100000)
  if z { zap_vma_range(z, 0x100000, pages=2) }
  mmap_read_unlock(m)
}

expect violation "pgtable/install-needs-mmap-or-vma-lock"
expect single_run
