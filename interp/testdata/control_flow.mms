# The control flow kernel paths are transcribed with: while, break,
# continue, compound assignment, min/max, and for_each_vma_range as
# `for vma in vmas(mm, start, end)`.

mm m
vma a = mmap(m, 0x100000, pages=4, prot=rw)
vma b = mmap(m, 0x200000, pages=2, prot=r)
vma c = mmap(m, 0x300000, pages=1, prot=rw)

# for_each_vma_range(vmi, vma, end): the VMAs that overlap [start, end).
func count_vmas(mm, start, end) {
  n = 0
  pages = 0
  for vma in vmas(mm, start, end) {
    n += 1
    pages += (vma.vm_end - vma.vm_start) / PAGE_SIZE
  }
  assert vma == nil, "the iterator leaves vma NULL when it runs out"
  return n * 1000 + pages
}

# The pages of [start, end) that VMAs map, clamped as zap_page_range
# clamps each VMA: max(start, vma->vm_start), min(end, vma->vm_end).
func mapped_pages(mm, start, end) {
  n = 0
  for vma in vmas(mm, start, end) {
    n += (min(end, vma.vm_end) - max(start, vma.vm_start)) / PAGE_SIZE
  }
  return n
}

# The first VMA at or above addr that is writable: break keeps it.
func first_writable(mm, addr) {
  for vma in vmas(mm) {
    if vma.vm_end <= addr {
      continue
    }
    if vma.vm_flags & VM_WRITE != 0 {
      break
    }
  }
  return vma
}

# A goto-retry loop becomes while.
func retries(limit) {
  tries = 0
  while true {
    tries += 1
    if tries < limit {
      continue  # goto retry;
    }
    break
  }
  return tries
}

thread user {
  mmap_read_lock(m)
  assert count_vmas(m, 0, 0x400000) == 3007
  assert count_vmas(m, 0x101000, 0x200001) == 2006
  assert count_vmas(m, 0x104000, 0x200000) == 0
  assert count_vmas(m, 0x300000, 0x300000) == 0
  assert mapped_pages(m, 0x102000, 0x201000) == 3
  assert mapped_pages(m, 0, 0x400000) == 7
  assert min(3, 1, 2) == 1 && max(3, 7, 2) == 7
  assert first_writable(m, 0x104000) == c
  assert first_writable(m, 0) == a
  assert first_writable(m, 0x301000) == nil
  n = 0
  for v in vmas(m) { n += 1 }
  assert n == 3
  mmap_read_unlock(m)

  assert retries(5) == 5
  i = 0
  x = 1
  while i < 10 {
    i += 1
    if i % 2 == 0 { continue }
    x <<= 1
  }
  assert x == 32
  k = 0
  for j in 0..10 {
    if j == 3 { continue }
    if j == 6 { break }
    k += j
  }
  assert k == 0 + 1 + 2 + 4 + 5
  left = 0
  repeat 5 {
    left += 1
    if left == 2 { break }
  }
  assert left == 2
  y = 100
  y -= 1
  y *= 2
  y /= 3
  y %= 60
  y |= 0x100
  y &= 0x1ff
  y ^= 1
  y >>= 1
  assert y == (((((((100 - 1) * 2 / 3) % 60) | 0x100) & 0x1ff) ^ 1) >> 1)
}

expect ok
