package interp

import (
	"fmt"
	"strings"

	rt "github.com/mmscript/mmscript/runtime"
)

// traceTurn prints one turn for run -trace: its number, the thread, where
// it stopped, the operation it performed (or that it finished), and the
// locks it holds afterwards (or the lock it waits for).
func (m *Machine) traceTurn(turn int, t *Thread) {
	op := "(script)"
	if m.lastOp != nil {
		op = m.lastOp.Name
	}
	if len(m.movedFrom) > 0 {
		// Releases merged into the turn (movers.go): the step they
		// joined first.
		op = strings.Join(m.movedFrom, "+") + "+" + op
		m.movedFrom = m.movedFrom[:0]
	}
	pos := t.Task.Pos
	state := ""
	switch {
	case t.Task.Dead():
		state = " [died]"
	case t.done:
		state = " [done]"
	case t.Task.Blocked():
		l, mode, _ := t.Task.WaitingFor()
		state = fmt.Sprintf(" [waits for %s (%s)]", l.Name, mode)
	}
	var held []string
	for _, h := range t.Task.Holds() {
		held = append(held, h.Lock.Name+"("+h.Mode.String()+")")
	}
	line := "-"
	if pos.Line > 0 {
		line = fmt.Sprint(pos.Line)
		if pos.Filename != m.prog.File.Name {
			line = fmt.Sprintf("%s:%d", pos.Filename, pos.Line) // inside the kernel library
		}
	}
	fmt.Fprintf(m.opts.Trace, "%4d %-10s line %-4s %-22s holds [%s]%s\n", turn+1, t.Name, line, op, strings.Join(held, " "), state)
	m.lastOp = nil
	if m.opts.Footprints && m.fp != nil {
		m.traceFootprint(t)
	}
}

// traceFootprint prints, under a turn of run -trace -footprints, what
// the turn touched (kind:object:how, objects by their names as
// rt.Footprint.Describe gives them: r read, w write, s shared update, o
// observation, f a failed trylock's read, k a write that keeps a lock
// refusing readers) and the earlier turns of other threads whose
// footprints conflict with it (rt.Dependent): the explorer tries the
// other order of each such pair, and of no other. Names may hold spaces
// (pfn 0x1001, folio(pfn 0x1001)): the accesses are separated by ", ".
func (m *Machine) traceFootprint(t *Thread) {
	acc := append([]rt.Access(nil), m.fp.Acc...)
	var ws, deps []string
	for _, th := range m.threads {
		// A step's own task is recorded by its number (ResetOwn)
		m.fp.SetName(rt.ATask, uint32(th.Task.ID), th.Name)
	}
	for _, a := range acc {
		ws = append(ws, m.fp.Describe(a))
	}
	for i, u := range m.traced {
		if u.thread != t.idx && rt.Dependent(u.acc, acc) {
			deps = append(deps, fmt.Sprintf("%d (%s)", i+1, m.threads[u.thread].Name))
		}
	}
	m.traced = append(m.traced, tracedTurn{t.idx, acc})
	fmt.Fprintf(m.opts.Trace, "     touches %s\n", strings.Join(ws, ", "))
	if len(deps) > 0 {
		fmt.Fprintf(m.opts.Trace, "     depends on %s\n", strings.Join(deps, ", "))
	}
}
