// Package interp runs mmscript programs: it compiles a parsed script to a
// small stack bytecode, runs the set-up statements, then runs the threads
// as steppable coroutines under a scheduler, calling kernel operations of
// package runtime and the script's own handlers when the runtime asks.
// Compile also checks types statically (typecheck.go): an operation's
// argument of the wrong type or a field its value lacks is a compile error
// with its position, not a failure of the run that reaches it.
//
// Every program also holds the kernel library (runtime/kernel/*.mms, see
// kernellib.go): kernel paths such as munmap written in mmscript, parsed
// once per process and compiled with the script, whose own function of a
// library function's name replaces it. An operation marked Path binds its
// arguments as an operation and calls that function.
//
// A thread is an explicit stack of frames, never a goroutine, so its state
// advances one atomic step at a time and a run is reproduced exactly by
// replaying its schedule. A turn is the thread's steps up to and including
// one kernel operation step another thread can see (a step: its local
// statements and one operation's start, or its continuation after a wait
// or a handler), then any read releases that are left movers (movers.go).
// The scheduler
// picks the thread for each turn: round-robin by default, seeded random
// with Options.Seed, or a given schedule. Explore model-checks a program:
// it runs it under every interleaving that matters (source-set dynamic
// partial-order reduction with sleep sets over the steps' footprints),
// replaying each run from the start, in parallel and optionally sharded;
// see explore.go. Expectations (expect.go) are checked over one run or, as
// herd7 verdicts (always, sometimes, never), over the explored executions.
package interp
