package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mmscript/mmscript/interp"
	rt "github.com/mmscript/mmscript/runtime"
)

// replCommand is a REPL command: its name, the argument words it takes
// (for :help and completion) and what it does.
type replCommand struct {
	name, args, help string
	run              func(r *repl, args []string)
}

var replCommands []replCommand

func init() {
	replCommands = []replCommand{
		{":help", "", "this list", func(r *repl, _ []string) { r.help() }},
		{":explain", "NAME", "what the rule book says of an operation, handler, field or topic (as mmscript explain)", (*repl).explain},
		{":threads", "", "every thread and what it is doing", func(r *repl, _ []string) { r.threads() }},
		{":locks", "", "the locks each thread holds and waits for, as lockdep lists them", func(r *repl, _ []string) { fmt.Fprint(r.out, r.s.Locks()) }},
		{":maps", "", "each mm's VMAs, smaps-like", func(r *repl, _ []string) { fmt.Fprint(r.out, r.s.Maps()) }},
		{":pt", "[MM] ADDR", "the page-table walk of an address: each level's entry and the lock guarding it", (*repl).pt},
		{":step", "NAME [N]", "run thread NAME for N kernel steps (default 1); :step main finishes a blocked line", (*repl).step},
		{":run", "", "run every thread to completion (or until all that are left wait)", func(r *repl, _ []string) { r.run() }},
		{":explore", "[K]", "explore every interleaving of the threads from the current state, or from where they start when a replay of the session cannot reach it (a chunk stopped by an error, a BUG or a deadlock, or one that waited while the threads ran) (within K preemptions if given; at most 30 s; Ctrl-C stops it)", (*repl).explore},
		{":schedule", "", "the thread of each turn so far, the top-level thread's included", func(r *repl, _ []string) {
			fmt.Fprintln(r.out, interp.FormatSchedule(r.s.Schedule()))
		}},
		{":reset", "", "start again: a new kernel, nothing declared", func(r *repl, _ []string) {
			r.reset()
			fmt.Fprintln(r.out, "a new session")
		}},
		{":load", "FILE", "run a script file's top-level code in the session; its threads wait for :step or :run", (*repl).loadCmd},
		{":save", "FILE", "write the session as a script (threads included; the turns they took at the prompt as a -schedule to replay)", (*repl).save},
		{":quit", "", "leave (Ctrl-D too)", func(r *repl, _ []string) { r.quit = true }},
	}
}

func (r *repl) command(line string) {
	fields := strings.Fields(line)
	name := fields[0]
	var match []replCommand
	for _, c := range replCommands {
		if c.name == name {
			match = []replCommand{c}
			break
		}
		if strings.HasPrefix(c.name, name) {
			match = append(match, c)
		}
	}
	switch len(match) {
	case 0:
		fmt.Fprintf(r.out, "unknown command %s (:help lists them)\n", name)
	case 1:
		match[0].run(r, fields[1:])
	default:
		var ns []string
		for _, c := range match {
			ns = append(ns, c.name)
		}
		fmt.Fprintf(r.out, "%s is ambiguous: %s\n", name, strings.Join(ns, ", "))
	}
}

func (r *repl) help() {
	fmt.Fprint(r.out, `Type statements as in a script; each runs at once, on a live kernel, as
the top-level thread main, which keeps its locks from line to line. An
expression shows its value. A block ({ ... }) runs when its braces balance.
thread NAME { ... } defines a thread; it runs only when stepped (:step, :run).
Tab completes operations, names, parameters and words; Ctrl-C drops the
input typed so far; Ctrl-D leaves.

`)
	for _, c := range replCommands {
		fmt.Fprintf(r.out, "  %-20s %s\n", strings.TrimSpace(c.name+" "+c.args), c.help)
	}
}

func (r *repl) explain(args []string) {
	if len(args) != 1 {
		fmt.Fprintln(r.out, "usage: :explain NAME")
		return
	}
	text, err := rt.ExplainTextIn(args[0], r.opts.Kernel)
	if err != nil {
		fmt.Fprintln(r.out, "error:", err)
		return
	}
	fmt.Fprint(r.out, text)
}

func (r *repl) threads() {
	for _, t := range r.s.Threads() {
		fmt.Fprintf(r.out, "%-10s %s", t.Name, r.s.State(t))
		if n := len(t.Task.Holds()); n > 0 {
			fmt.Fprintf(r.out, "; holds %d lock", n)
			if n > 1 {
				fmt.Fprint(r.out, "s")
			}
		}
		fmt.Fprintln(r.out)
	}
}

func (r *repl) step(args []string) {
	if len(args) < 1 || len(args) > 2 {
		fmt.Fprintln(r.out, "usage: :step NAME [N]")
		return
	}
	n := 1
	if len(args) == 2 {
		v, err := strconv.Atoi(args[1])
		if err != nil || v < 1 {
			fmt.Fprintf(r.out, "error: :step takes a positive number of steps, not %s\n", args[1])
			return
		}
		n = v
	}
	taken, err := r.s.Step(args[0], n)
	if err != nil {
		fmt.Fprintln(r.out, "error:", err)
		return
	}
	t := r.s.Thread(args[0])
	fmt.Fprintf(r.out, "%s: %s; %s%s\n", t.Name, plural(taken, "step"), r.s.State(t), r.interrupted())
}

func (r *repl) run() {
	n := r.s.Run()
	fmt.Fprintf(r.out, "ran %s%s\n", plural(n, "turn"), r.interrupted())
}

// interrupted says that Ctrl-C stopped the command that just ran (the
// session clears the flag when a command starts).
func (r *repl) interrupted() string {
	if !r.opts.Interrupt.Load() {
		return ""
	}
	return " (interrupted; the threads stay where they stopped: :threads shows them, :run goes on)"
}

// exploreTimeout bounds :explore, so that the prompt comes back.
const exploreTimeout = 30 * time.Second

func (r *repl) explore(args []string) {
	k := -1
	if len(args) > 1 {
		fmt.Fprintln(r.out, "usage: :explore [K]")
		return
	}
	if len(args) == 1 {
		v, err := strconv.Atoi(args[0])
		if err != nil || v < -1 {
			fmt.Fprintf(r.out, "error: :explore takes a preemption bound (-1: none), not %s\n", args[0])
			return
		}
		k = v
	}
	if n := len(r.s.Main().Task.Holds()); n > 0 {
		fmt.Fprintf(r.out, "note: %s holds %s; the explored session ends its top-level thread holding them (held at exit; threads that need them wait forever)\n", r.s.Main().Name, plural(n, "lock"))
	}
	ctx, done := r.exploreContext()
	defer done()
	res, why, err := r.s.Explore(interp.ExploreOptions{Bounded: k >= 0, Preemptions: k, Timeout: exploreTimeout, Context: ctx})
	if err != nil {
		fmt.Fprintln(r.out, "error:", err)
		return
	}
	if why != "" {
		// The explorer replays the session for each interleaving;
		// see interp.Session.Explore.
		fmt.Fprintf(r.out, "note: explored from where the threads start, not from the current state: the explorer replays the session for every interleaving, and a replay cannot reach this state: %s\n", why)
	}
	for _, f := range res.Findings {
		d := *f.Diag
		if d.Schedule == "" {
			d.Schedule = interp.FormatSchedule(f.Schedule)
		}
		r.syncSource("")
		r.pr.Print(&d)
	}
	status := "every interleaving"
	if k >= 0 {
		status = fmt.Sprintf("every interleaving within %d preemptions", k)
	}
	if !res.Complete {
		status = interp.IncompleteText(res)
	}
	fmt.Fprintf(r.out, "explored %s (%s): %s\n", plural(int(res.Executions), "execution"), status, plural(len(res.Findings), "finding"))
}

func (r *repl) pt(args []string) {
	var mm, addr string
	switch len(args) {
	case 1:
		addr = args[0]
	case 2:
		mm, addr = args[0], args[1]
	default:
		fmt.Fprintln(r.out, "usage: :pt [MM] ADDR")
		return
	}
	a, err := strconv.ParseUint(addr, 0, 64)
	if err != nil {
		fmt.Fprintf(r.out, "error: %s is not an address (try 0x100000)\n", addr)
		return
	}
	out, err := r.s.PageWalk(mm, a)
	if err != nil {
		fmt.Fprintln(r.out, "error:", err)
		return
	}
	fmt.Fprint(r.out, out)
}

func (r *repl) loadCmd(args []string) {
	if len(args) != 1 {
		fmt.Fprintln(r.out, "usage: :load FILE")
		return
	}
	r.load(args[0])
}

func (r *repl) save(args []string) {
	if len(args) != 1 {
		fmt.Fprintln(r.out, "usage: :save FILE")
		return
	}
	src, _ := r.s.Script()
	if err := os.WriteFile(args[0], []byte(src), 0o644); err != nil {
		fmt.Fprintln(r.out, "mmscript:", err)
		return
	}
	fmt.Fprintf(r.out, "saved the session to %s\n", args[0])
}

// plural spells n things: "1 step", "2 steps".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
