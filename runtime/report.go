package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mmscript/mmscript/lang"
)

// A Printer writes findings for people, in the two forms kernel developers
// read every day: a compiler's error (file:line:col: rule: message, the
// source line with a caret under the column) and lockdep's splat (the lock
// being taken and the one held, the existing dependency chain "-> #1
// (...)", the "Possible unsafe locking scenario" table, and "N locks held
// by T"), following print_circular_bug(), print_deadlock_bug(),
// print_lock() and lockdep_print_held_locks() in kernel/locking/lockdep.c.
// Below each finding come the call path through handlers, the locks the
// thread held, the rule's source and what the real kernel would do.
//
// The Printer counts what it prints, for the closing summary.
type Printer struct {
	w     io.Writer
	color bool
	files map[string][]string // source lines by file name; nil entry: unreadable
	// lineFuncs give the lines of growing scripts by file name (SetLines).
	lineFuncs   map[string]func(int) (string, bool)
	maxFileSize int64 // of the files read for source lines; 0: the default
	index       struct {
		file      string
		line, len int
		offs      []int
	} // runeIndex's line
	count Counts
	err   error
}

// Counts is how many findings of each kind a report held.
type Counts struct {
	Violations int `json:"violations"`
	Fatal      int `json:"fatal"` // of the violations, BUGs that stopped their thread
	Deadlocks  int `json:"deadlocks"`
	Errors     int `json:"errors"` // script errors: failed asserts, bad arguments, limits
}

// Add counts d.
func (c *Counts) Add(d *Diagnostic) {
	switch d.Kind {
	case Violation:
		c.Violations++
		if d.Fatal {
			c.Fatal++
		}
	case Deadlock:
		c.Deadlocks++
	default:
		c.Errors++
	}
}

// CountDiagnostics counts findings by kind.
func CountDiagnostics(ds []*Diagnostic) Counts {
	var c Counts
	for _, d := range ds {
		c.Add(d)
	}
	return c
}

// Total is the number of findings.
func (c Counts) Total() int { return c.Violations + c.Deadlocks + c.Errors }

// String is the closing line of a report: "2 violations (1 BUG), 1
// deadlock", or "no findings".
func (c Counts) String() string {
	var parts []string
	if c.Violations > 0 {
		s := plural(c.Violations, "violation")
		if c.Fatal > 0 {
			s += fmt.Sprintf(" (%d BUG)", c.Fatal)
		}
		parts = append(parts, s)
	}
	if c.Deadlocks > 0 {
		parts = append(parts, plural(c.Deadlocks, "deadlock"))
	}
	if c.Errors > 0 {
		parts = append(parts, plural(c.Errors, "error"))
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}

func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// NewPrinter makes a printer writing to w, with ANSI colours if color is
// set (callers decide: see UseColor).
func NewPrinter(w io.Writer, color bool) *Printer {
	return &Printer{w: w, color: color, files: map[string][]string{}, lineFuncs: map[string]func(int) (string, bool){}}
}

// SetMaxFileSize sets the largest script file the printer reads for its
// source lines (lang.Limits.MaxFileSize; 0: the default), so that a
// script read under a raised -max-file-size gets them too.
func (p *Printer) SetMaxFileSize(n int64) { p.maxFileSize = n }

// SetLines gives the printer the lines of a script that grows (the REPL's
// input) as a function returning line n (1-based): SetSource would take
// the whole text again at every report, which made a long session's
// reports quadratic.
func (p *Printer) SetLines(name string, line func(n int) (string, bool)) {
	p.lineFuncs[name] = line
}

// UseColor reports whether output to f should be coloured: f is a
// terminal, NO_COLOR (https://no-color.org) is unset or empty, and TERM is
// not "dumb".
func UseColor(f *os.File) bool {
	st, err := f.Stat()
	return useColor(err == nil && st.Mode()&os.ModeCharDevice != 0, os.Getenv)
}

func useColor(terminal bool, getenv func(string) string) bool {
	return terminal && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}

// SetSource gives the printer the text of a script that is not a file on
// disk (the REPL's session), or that must not be read again.
func (p *Printer) SetSource(name string, src []byte) {
	p.files[name] = strings.Split(string(src), "\n")
}

// Counts returns what the printer has printed so far.
func (p *Printer) Counts() Counts { return p.count }

// Err returns the first write error.
func (p *Printer) Err() error { return p.err }

// ANSI styles, as compilers use them: bold positions, red errors, magenta
// deadlocks, green carets, cyan notes.
const (
	styleBold    = "\x1b[1m"
	styleRed     = "\x1b[1;31m"
	styleMagenta = "\x1b[1;35m"
	styleGreen   = "\x1b[1;32m"
	styleCyan    = "\x1b[36m"
	styleReset   = "\x1b[0m"
)

func (p *Printer) paint(style, s string) string {
	if !p.color || s == "" {
		return s
	}
	return style + s + styleReset
}

func (p *Printer) printf(format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format, args...)
}

// line returns line n (1-based) of file, if the printer can read it.
func (p *Printer) line(file string, n int) (string, bool) {
	if f := p.lineFuncs[file]; f != nil {
		text, ok := f(n)
		return strings.TrimRight(text, "\r"), ok
	}
	lines, ok := p.files[file]
	if !ok {
		// lang.ReadFile: neither blocks on a FIFO nor reads /dev/zero forever.
		limits := lang.DefaultLimits
		if p.maxFileSize > 0 {
			limits.MaxFileSize = p.maxFileSize
		}
		if src, err := limits.ReadFile(file); err == nil && utf8.Valid(src) {
			src = bytes.TrimPrefix(src, []byte("\ufeff"))
			lines = strings.Split(string(src), "\n")
		}
		p.files[file] = lines
	}
	if n < 1 || n > len(lines) {
		return "", false
	}
	return strings.TrimRight(lines[n-1], "\r"), true
}

// excerpt prints the source line of pos with a caret under its column,
// in the style of clang and rustc.
func (p *Printer) excerpt(pos lang.Pos) {
	if !pos.IsValid() {
		return
	}
	text, ok := p.line(pos.Filename, pos.Line)
	if !ok {
		return
	}
	text, column := excerptWindow(text, pos.Column, p.runeIndex(pos, text))
	text = visible(text)
	// The caret line keeps the tabs of the text before the column, so
	// that it lines up however tabs are shown.
	var pad strings.Builder
	col := 1
	for _, r := range text {
		if col >= column {
			break
		}
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
		col++
	}
	// The gutter is five columns wide, wider for a line number of more
	// digits, so that the caret line stays aligned.
	w := max(5, len(strconv.Itoa(pos.Line)))
	p.printf("%*d | %s\n", w, pos.Line, text)
	p.printf("%s | %s%s\n", strings.Repeat(" ", w), pad.String(), p.paint(styleGreen, "^"))
}

// visible replaces the control characters of a source line but tab with
// their pictures (U+2400 to U+2421; C1 controls and bytes that are not
// UTF-8 with U+FFFD), one column each as the caret counts them: a
// binary's bytes, an escape sequence among them, must not reach the
// terminal raw.
func visible(text string) string {
	clean := true
	for _, r := range text {
		if r != '\t' && (r < 0x20 || r >= 0x7f && r < 0xa0) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return text
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return r
		case r < 0x20:
			return 0x2400 + r
		case r == 0x7f:
			return 0x2421
		case r >= 0x80 && r < 0xa0:
			return utf8.RuneError
		}
		return r
	}, text)
}

// excerptWidth is how many runes of a long source line an excerpt shows.
const excerptWidth = 160

// runeStride is the spacing of runeIndex's entries, in runes.
const runeStride = 256

// runeIndex returns the byte offset of every runeStride-th rune of a long
// line (of runes 1, 257, 513, ...), computed once for the last line
// excerpted: findings come sorted by position, and thousands of them on
// one line of megabytes each decoded the line up to their column.
func (p *Printer) runeIndex(pos lang.Pos, text string) []int {
	if len(text) <= excerptWidth {
		return nil
	}
	if p.index.file == pos.Filename && p.index.line == pos.Line && p.index.len == len(text) {
		return p.index.offs
	}
	offs := []int{0}
	n := 0
	for i := range text {
		if n > 0 && n%runeStride == 0 {
			offs = append(offs, i)
		}
		n++
	}
	p.index.file, p.index.line, p.index.len, p.index.offs = pos.Filename, pos.Line, len(text), offs
	return offs
}

// excerptWindow cuts a line longer than excerptWidth runes down to a
// window around column (1-based, in runes), with "..." where it was cut,
// and returns the column in the window. index (runeIndex; nil: none) lets
// it decode only from the stride before the window to the window's end:
// a line of megabytes costs what its window costs.
func excerptWindow(text string, column int, index []int) (string, int) {
	if len(text) <= excerptWidth {
		return text, column
	}
	start := max(column-excerptWidth/2, 1) // columns of the window
	end := start + excerptWidth
	from, to := -1, len(text) // byte offsets of the window
	col, skip := 1, 0
	if k := min((start-1)/runeStride, len(index)-1); k > 0 {
		col, skip = k*runeStride+1, index[k]
	}
	for i := range text[skip:] {
		i += skip
		if col == start {
			from = i
		}
		if col == end {
			to = i
			break
		}
		col++
	}
	if from < 0 {
		// The column is past the end: show the end of the line.
		from = len(text) - excerptWidth
		for from < len(text) && !utf8.RuneStart(text[from]) {
			from++
		}
		return "..." + text[from:], utf8.RuneCountInString(text[from:]) + 4
	}
	out := text[from:to]
	if from > 0 {
		out = "..." + out
		column = column - start + 1 + 3
	}
	if to < len(text) {
		out += "..."
	}
	return out, column
}

// Print writes one finding; findings are separated by a blank line, as
// rustc separates its diagnostics.
func (p *Printer) Print(d *Diagnostic) {
	if p.count.Total() > 0 {
		p.printf("\n")
	}
	p.count.Add(d)
	style := styleRed
	if d.Kind == Deadlock {
		style = styleMagenta
	}
	head := d.Rule
	if head == "" {
		head = d.Kind.String()
	}
	p.printf("%s %s %s\n", p.paint(styleBold, d.Pos.String()+":"), p.paint(style, head+":"), d.Msg)
	p.excerpt(d.Pos)
	splat := d.Lockdep != nil || d.Waiters != nil
	for _, r := range d.Related {
		// A splat lays out itself what checkAcquire and DeadlockReport
		// put in Related ("X taken here", "existing dependency A -> B",
		// "T blocks here on X", "T took X here"); other notes (the kernel
		// configuration's) remain.
		// The script's call into the kernel library ("munmap() called
		// here") is not in the splat: it stays.
		if splat && (strings.HasSuffix(r.Msg, " here") && !strings.HasSuffix(r.Msg, "() called here") ||
			strings.Contains(r.Msg, " blocks here on ") || strings.HasPrefix(r.Msg, "existing dependency ")) {
			continue
		}
		if r.Pos.IsValid() {
			p.printf("  %s %s\n", p.paint(styleBold, r.Pos.String()+":"), r.Msg)
		} else {
			p.printf("  %s %s\n", p.paint(styleCyan, "note:"), r.Msg)
		}
	}
	if d.Source != "" {
		p.printf("  %s %s\n", p.paint(styleCyan, "source:"), d.Source)
	}
	if d.Kernel != 0 {
		p.printf("  %s %s\n", p.paint(styleCyan, "kernel:"), reaction(d))
	}
	if d.Thread != "" && len(d.Path) > 0 {
		p.printf("  %s %s\n", p.paint(styleCyan, "call path:"), FormatPath(d.Thread, d.Path))
	}
	switch {
	case d.Atomic != nil:
		p.mightResched(d)
	case d.Lockdep != nil:
		p.splat(d)
	case d.Waiters != nil:
		p.deadlock(d)
	case d.Thread != "" && (d.Kind == Violation || len(d.Held) > 0):
		p.heldLocks("  ", d.Thread, d.Held)
	}
	if d.Schedule != "" {
		p.printf("  %s %s\n", p.paint(styleCyan, "schedule:"), d.Schedule)
	}
}

// reaction says what the real kernel does, in words.
func reaction(d *Diagnostic) string {
	switch d.Kernel {
	case BUG:
		who := "the thread"
		if d.Thread != "" {
			who = d.Thread
		}
		return "BUG: an oops; " + who + " dies here holding its locks, which stay held"
	case WARN:
		if d.Kind == Deadlock {
			return "WARN: the threads sleep forever; the hung-task detector reports them after 120 seconds"
		}
		return "WARN: a warning with a backtrace in the kernel log, on every kernel; execution goes on"
	case Lockdep:
		return "lockdep: a lockdep splat on kernels built with CONFIG_PROVE_LOCKING, silent otherwise; execution goes on"
	case DebugOnly:
		return "debug-only: checked only by kernels built with CONFIG_DEBUG_VM or CONFIG_DEBUG_ATOMIC_SLEEP (a warning there, an oops for VM_BUG_ON*); silent otherwise; mmscript goes on, as a kernel without them does"
	case Unchecked:
		if c := uncheckedConsequence[d.Rule]; c != "" {
			return "unchecked: nothing checks this; " + c
		}
		return "unchecked: nothing checks this; the result is a silent race or use-after-free"
	case BuildTime:
		return "build-time: the compiler warns when this code is built (-Wunused-result; an error with CONFIG_WERROR=y); nothing is checked when it runs"
	}
	return d.Kernel.String()
}

// lockText prints a lock as print_lock() does, with the instance standing
// in for the address: "m->mmap_lock (&mm->mmap_lock){read}", or
// "(drv_lock)" when the instance is the class.
func lockText(h HeldLock) string {
	s := "(" + h.Class + ")"
	if h.Lock != h.Class {
		s = h.Lock + " " + s
	}
	switch {
	case h.Mode != "" && h.Try:
		s += "{" + h.Mode + ", trylock}"
	case h.Mode != "":
		s += "{" + h.Mode + "}"
	case h.Try:
		s += "{trylock}"
	}
	return s
}

// lockAt is a lock with where it was taken: "(drv_lock), at: f.mms:3:5".
func lockAt(h HeldLock) string {
	s := lockText(h)
	if h.Pos.IsValid() {
		s += ", at: " + h.Pos.String()
	}
	return s
}

// heldLocks prints lockdep_print_held_locks(): "no locks held by T." or
// "N locks held by T:" and one " #i: lock, at: pos" per lock.
func (p *Printer) heldLocks(indent, thread string, held []HeldLock) {
	if len(held) == 0 {
		p.printf("%sno locks held by %s.\n", indent, thread)
		return
	}
	p.printf("%s%s held by %s:\n", indent, plural(len(held), "lock"), thread)
	for i, h := range held {
		p.printf("%s #%d: %s\n", indent, i, lockAt(h))
	}
}

// splat prints a lockdep report: print_circular_bug() for a circular
// dependency, print_deadlock_bug() for recursive locking.
func (p *Printer) splat(d *Diagnostic) {
	s := d.Lockdep
	const in = "  "
	title := "WARNING: " + s.Title
	rule := strings.Repeat("=", len(title))
	p.printf("\n%s%s\n%s%s\n%s%s\n", in, rule, in, p.paint(styleBold, title), in, strings.Repeat("-", len(title)))
	who := d.Thread
	if who == "" {
		who = "task"
	}
	switch s.Kind {
	case SplatUnlock:
		// print_unlock_imbalance_bug()
		p.printf("%s%s is trying to release lock (%s) at:\n", in, who, s.Acquire.Class)
		p.printf("%s%s: %s\n", in, s.Acquire.Pos, FormatPath(d.Thread, d.Path))
		p.printf("%sbut there are no more locks to release!\n\n", in)
		p.printf("%sother info that might help us debug this:\n", in)
		p.heldLocks(in, who, d.Held)
		return
	case SplatExit:
		// lockdep_sys_exit()
		p.printf("%s%s is leaving the kernel with locks still held!\n", in, who)
		p.heldLocks(in, who, d.Held)
		return
	}
	p.printf("%s%s is trying to acquire lock:\n%s %s\n\n", in, who, in, lockAt(s.Acquire))
	p.printf("%sbut task is already holding lock:\n%s %s\n\n", in, in, lockAt(s.Holding))
	if len(s.Chain) > 0 {
		p.printf("%swhich lock already depends on the new lock.\n\n", in)
		p.printf("%sthe existing dependency chain (in reverse order) is:\n", in)
		// Entry #k is the class reached by the k-th edge from the lock
		// being taken, with where that edge was made; #0 is the lock being
		// taken, here.
		for k := len(s.Chain); k >= 1; k-- {
			e := s.Chain[k-1]
			p.printf("\n%s-> #%d (%s):\n", in, k, e.To)
			switch {
			case e.Documented:
				p.printf("%s       the documented order %s -> %s (mm/rmap.c, lock ordering comment)\n", in, e.From, e.To)
			case e.Thread != "" && len(e.Path) > 0:
				p.printf("%s       %s: %s, under %s\n", in, e.Pos, FormatPath(e.Thread, e.Path), e.From)
			case e.Thread != "":
				p.printf("%s       %s: taken under %s by %s\n", in, e.Pos, e.From, e.Thread)
			default:
				p.printf("%s       %s: taken under %s\n", in, e.Pos, e.From)
			}
		}
		p.printf("\n%s-> #0 (%s):\n%s       %s: %s, under %s\n", in, s.Acquire.Class, in, s.Acquire.Pos, FormatPath(d.Thread, d.Path), s.Holding.Class)
		p.printf("\n%sother info that might help us debug this:\n\n", in)
		// print_circular_lock_scenario(): the chain's summary when it is
		// longer than one edge, then the two-CPU table.
		parent := s.Chain[len(s.Chain)-1].From
		if parent != s.Acquire.Class {
			p.printf("%sChain exists of:\n%s  %s --> %s --> %s\n\n", in, in, s.Acquire.Class, parent, s.Holding.Class)
		}
		p.printf("%s Possible unsafe locking scenario:\n\n", in)
		p.printf("%s       CPU0                    CPU1\n", in)
		p.printf("%s       ----                    ----\n", in)
		p.printf("%s  %s(%s);\n", in, lockVerb(s.Holding), s.Holding.Class)
		p.printf("%s                               lock(%s);\n", in, parent)
		p.printf("%s                               lock(%s);\n", in, s.Holding.Class)
		p.printf("%s  %s(%s);\n", in, lockVerb(s.Acquire), s.Acquire.Class)
		p.printf("\n%s *** DEADLOCK ***\n\n", in)
	} else {
		// print_deadlock_scenario()
		p.printf("%sother info that might help us debug this:\n", in)
		p.printf("%s Possible unsafe locking scenario:\n\n", in)
		p.printf("%s       CPU0\n%s       ----\n", in, in)
		p.printf("%s  %s(%s);\n", in, lockVerb(s.Holding), s.Holding.Class)
		p.printf("%s  %s(%s);\n", in, lockVerb(s.Acquire), s.Acquire.Class)
		p.printf("\n%s *** DEADLOCK ***\n\n", in)
		p.printf("%s May be due to missing lock nesting notation\n\n", in)
	}
	p.heldLocks(in, who, d.Held)
}

// mightResched prints a sleep in atomic context as __might_resched()
// (kernel/sched/core.c) does, then the held locks (debug_show_held_locks).
func (p *Printer) mightResched(d *Diagnostic) {
	const in = "  "
	a := d.Atomic
	inAtomic := 0
	if a.PreemptCount > 0 {
		inAtomic = 1
	}
	switch a.Check {
	case ruleSchedAtomic.ID:
		// __schedule() runs with preemption disabled once more, which
		// in_atomic_preempt_off() allows for: the count printed is one
		// above the spinlocks held.
		p.printf("\n%s%s\n", in, p.paint(styleBold, fmt.Sprintf("BUG: scheduling while atomic: %s/%d/0x%08x", d.Thread, a.PID, a.PreemptCount+1)))
		p.heldLocks(in, d.Thread, d.Held)
		return
	case ruleSchedRCU.ID:
		p.printf("\n%s%s\n", in, p.paint(styleBold, "Voluntary context switch within RCU read-side critical section!"))
		p.printf("%sWARNING: PID: %d at kernel/rcu/tree_plugin.h rcu_note_context_switch\n", in, a.PID)
		p.heldLocks(in, d.Thread, d.Held)
		return
	case ruleSchedIRQsOff.ID:
		p.printf("\n%s(no report: schedule() returns with IRQs enabled)\n", in)
		return
	}
	p.printf("\n%s%s\n", in, p.paint(styleBold, "BUG: sleeping function called from invalid context at "+d.Pos.String()))
	p.printf("%sin_atomic(): %d, irqs_disabled(): %d, non_block: 0, pid: %d, name: %s\n", in, inAtomic, a.IRQsDisabled, a.PID, d.Thread)
	p.printf("%spreempt_count: %d, expected: 0\n", in, a.PreemptCount)
	p.printf("%sRCU nest depth: %d, expected: 0\n", in, a.RCUDepth)
	p.heldLocks(in, d.Thread, d.Held)
}

// lockVerb is how a scenario line takes a lock: rlock for a read
// acquisition, as print_circular_lock_scenario() prints it.
func lockVerb(h HeldLock) string {
	if h.Mode == "read" {
		return "rlock"
	}
	return "lock"
}

// deadlock prints a deadlock: each thread with what it waits for and who
// holds that, the scenario that built the cycle (in the run's order, one
// column per thread and CPU), and every thread's held locks, as the
// hung-task detector's debug_show_all_locks() lists them.
func (p *Printer) deadlock(d *Diagnostic) {
	const in = "  "
	p.printf("\n")
	for _, w := range d.Waiters {
		holders := "nobody"
		if len(w.Holders) > 0 {
			holders = strings.Join(w.Holders, ", ")
		}
		p.printf("%s%s waits for %s at %s, held by %s\n", in, w.Thread, lockText(w.Waits), w.Waits.Pos, holders)
		if len(w.Path) > 0 {
			p.printf("%s    call path: %s\n", in, FormatPath(w.Thread, w.Path))
		}
	}
	rows := deadlockScenario(d.Waiters)
	if len(rows) > 0 {
		p.printf("\n%s Possible unsafe locking scenario:\n\n", in)
		// Columns as lockdep lays out two: rows at 2 and 31, labels at 7
		// and 31; more threads add columns 29 wide.
		var head, dash strings.Builder
		for i, w := range d.Waiters {
			label := fmt.Sprintf("CPU%d (%s)", w.CPU, w.Thread)
			at := 2 + 29*i
			if i == 0 {
				at = 7
			}
			pad := max(at-head.Len(), 1)
			head.WriteString(strings.Repeat(" ", pad) + label)
			dash.WriteString(strings.Repeat(" ", max(at-dash.Len(), 1)) + strings.Repeat("-", len(label)))
		}
		p.printf("%s%s\n%s%s\n", in, head.String(), in, dash.String())
		for _, r := range rows {
			p.printf("%s%s%s(%s);\n", in, strings.Repeat(" ", 2+29*r.col), lockVerb(r.lock), r.lock.Class)
		}
		p.printf("\n%s *** DEADLOCK ***\n", in)
	}
	p.printf("\n%sShowing all locks held by the deadlocked threads:\n", in)
	for _, w := range d.Waiters {
		p.heldLocks(in, w.Thread, w.Held)
	}
}

// PrintError prints a load error: each syntax or compile error of a
// lang.ErrorList with its source line, anything else (a missing file) on
// one line.
func (p *Printer) PrintError(err error) {
	var el lang.ErrorList
	if !errors.As(err, &el) {
		p.printf("mmscript: %v\n", err)
		p.count.Errors++
		return
	}
	for _, e := range el {
		if p.count.Total() > 0 {
			p.printf("\n")
		}
		p.count.Errors++
		p.printf("%s %s\n", p.paint(styleBold, e.Pos.String()+":"), e.Msg)
		p.excerpt(e.Pos)
	}
}

// PrintSummary writes the closing count of what was printed: "2
// violations, 1 deadlock".
func (p *Printer) PrintSummary() {
	p.printf("\n%s\n", p.count)
}
