// Package mmcore is mmscript's simulated MMU: the data side of Linux memory
// management, with no notion of scripts, threads or lock checking.
//
// It holds what the lock checker (mmscript's runtime) needs to reason about:
// an mm_struct with an ordered VMA set, x86-64 page tables of 4 or 5 levels,
// pages with refcount and mapcount, the rmap objects (anon_vma, the
// address_space's i_mmap), a per-CPU TLB that keeps stale translations until
// they are flushed, and the syscall and fault paths that change them. The
// kernel's names are kept (VMA, PTE, PMD, anon_vma, vm_pgoff, ...) so that a
// reader can hold the simulation against mm/*.c.
//
// mmcore takes no locks and is not safe for concurrent use: the interpreter
// runs one thread step at a time, and the checker decides which kernel locks
// each step would have needed. The objects that carry a kernel lock (MM, VMA,
// PageTable, AnonVMA, AddressSpace) have a field for the checker's state that
// mmcore never reads.
//
// Operations report failures as kernel errnos (Errno) or, for user accesses
// the kernel would answer with a signal, as Signal values; bad input never
// panics.
package mmcore
