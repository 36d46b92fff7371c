// Package runtime is mmscript's checker: the kernel's locks and their
// semantics, the per-task lock state, a lockdep-like graph of lock classes,
// the API rule book and the diagnostics it produces.
//
// It runs kernel operations (mmap_read_lock, vm_insert_page,
// handle_mm_fault, ...) over the simulated MMU of package mmcore, checking
// each call against the rule book (shared/reference/mm-locking-rules.md) and
// reporting, with the source position of the call, what the real kernel
// would do: BUG, WARN or lockdep splat, a debug-kernel-only warning, or
// nothing at all (an unchecked race).
//
// An operation never blocks the Go caller: when it must wait for a lock or
// call a script handler, it returns a [Result] that says so together with a
// continuation, and the interpreter (package interp) parks the thread or
// runs the handler before resuming it. This keeps every thread steppable one
// atomic step at a time, which exhaustive interleaving exploration needs.
//
// The kernel's own paths (munmap, ...) are not Go: they are mmscript
// functions in kernel/*.mms (KernelLibrary), embedded here and compiled by
// the interpreter into every program, over this package's operations as
// their atomic steps (kernel_munmap.go for munmap's).
//
// The package is named after its role; files that also need Go's runtime
// package import it under another name.
package runtime
