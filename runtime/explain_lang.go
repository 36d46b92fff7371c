package runtime

// The language's loops, as topics of `mmscript explain`, under the names
// a kernel developer looks for: the kernel's iterator macros and the
// keywords.
func init() {
	for _, n := range []string{"loops", "vmas", "for_each_vma", "for_each_vma_range", "VMA_ITERATOR", "while", "break", "continue", "goto", "labels"} {
		topics[n] = loopsTopic
	}
}

func loopsTopic() string {
	return `Loops in mmscript, for transcribing mm/*.c:

  VMA_ITERATOR(vmi, mm, start)          the kernel's, as written (vma_iterator vmi; vma_iter_init(&vmi, mm, start))
  for_each_vma(vmi, vma) { }            the kernel's: while ((vma = vma_next(&vmi)) != NULL)
  for_each_vma_range(vmi, vma, end) { } the kernel's: while ((vma = vma_find(&vmi, end)) != NULL)
  for vma in vmas(mm, start, end) { }   mmscript's for_each_vma_range with a hidden iterator at start
  for vma in vmas(mm) { }               mmscript's for_each_vma
  while COND { }                        while (COND) { }
  for i in LO..HI { }                   for (i = LO; i < HI; i++), the bounds evaluated once
  repeat N { }                          N times
  break, continue                       in any of these loops
  goto out_unlock ... out_unlock:       goto out_unlock; ... out_unlock: (also retry: ... goto retry)
  x += e, -=, *=, /=, %=, &=, |=, ^=, <<=, >>=
  min(a, b, ...), max(a, b, ...)        the kernel's min()/max(), over integers

The kernel's iterator is a vma_iterator object: each vma_find(&vmi, max)
or vma_next(&vmi) step finds the next VMA at or after the iterator's
position and moves the iterator after it (to max when none is left);
vma_iter_set(&vmi, addr) moves it, as a walk that dropped the mmap lock
does before it goes on (the VMA it held may be gone: keep its vm_end, not
the VMA). vmas() walks as the kernel's VMA iterator does: each iteration looks the
next VMA up when the loop reaches it (vma_find(): the first VMA that ends
above the iterator's position and starts below end), as one vma_find
step with the kernel iterator's rule (vma_iter/needs-lock: hold the mmap
lock, or be in an RCU read-side section), and other threads run between
the steps. Under RCU alone a VMA the walk returns is not stable: read-lock
it before using it (vma/rcu-unlocked-use); lock_next_vma(mm, addr) does
that and re-checks it, as /proc/pid/maps does. The body may split, merge or unmap:
the walk goes on after the VMA the loop variable holds when the next
iteration starts, so assign the VMA a split or merge left to it (vma =
..., as mprotect_fixup() updates the iterator). After the loop vma is nil
(NULL), unless break left it.

goto jumps, as Go's goto does, to a label of the same func, handler or
thread body (the top-level set-up code is one body too), forward or
backward, in the goto's block or a block around it: out of loops (a vmas()
loop entered again starts afresh, as after break), never into a block. A
label no goto names, a label defined twice, an undefined label and a
forward goto over the first assignment of a variable used after the label
are errors. A goto is no step other threads can run between; a backward
one makes a loop.

Every loop is bounded by the step limit (-max-steps, statements per
thread): a loop that does not end is reported at its file:line:col with
the thread's name, and stops that thread only, never a hang.
`
}
