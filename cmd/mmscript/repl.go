package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/chzyer/readline"

	"github.com/mmscript/mmscript/interp"
	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// cmdRepl runs an interactive session (interp.Session): each statement
// runs once, at once, on a live kernel, by the top-level thread "main",
// which keeps its locks from line to line. On a terminal it reads with
// readline (history, completion); from a pipe it reads plain lines and
// prints no prompts, so that a session can be scripted.
func cmdRepl(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("repl", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: mmscript repl [flags] [FILE]\n\nAn interactive session on a live kernel, after running FILE if given.\nType :help at the prompt for the commands.\n\nflags:")
		fl.PrintDefaults()
	}
	maxSteps := fl.Int64("max-steps", 0, "step limit: statements each thread may run per input line or command (0: default)")
	kernel := kernelFlags(fl)
	limits := limitFlags(fl)
	threadsFlag(fl, limits)
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fl.NArg() > 1 {
		fl.Usage()
		return 2
	}
	kc, err := kernel()
	if err != nil {
		fmt.Fprintln(stderr, "mmscript:", err)
		return 2
	}
	r := newRepl(stdout)
	r.opts.MaxSteps, r.opts.Kernel, r.opts.Limits = *maxSteps, kc, *limits
	interactive := false
	if f, ok := stdin.(*os.File); ok && f == os.Stdin && readline.DefaultIsTerminal() {
		interactive = true
		r.color = rt.UseColor(os.Stdout)
	}
	r.reset()
	if fl.NArg() == 1 {
		src, err := limits.ReadFile(fl.Arg(0))
		if err != nil {
			printLoadError(stderr, err, limits)
			return 2
		}
		if err := r.s.Load(fl.Arg(0), src); err != nil {
			r.printErr(err, "")
		}
	}
	var in lineReader
	if interactive {
		rl, err := readline.NewEx(&readline.Config{
			Prompt:            promptMain,
			HistoryFile:       historyFile(),
			HistorySearchFold: true,
			AutoComplete:      &completer{r: r},
			Stdout:            stdout,
			Stderr:            stderr,
		})
		if err != nil {
			fmt.Fprintln(stderr, "mmscript:", err)
			return 2
		}
		defer rl.Close()
		in = rl
		// Ctrl-C while a statement runs (the terminal is not in raw
		// mode then) stops it instead of the session.
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt)
		defer signal.Stop(sig)
		go func() {
			for range sig {
				r.interrupt()
			}
		}()
	} else {
		sc := bufio.NewScanner(stdin)
		max := int(min(limits.MaxFileSize, math.MaxInt32))
		sc.Buffer(make([]byte, min(64<<10, max)), max)
		in = &pipeReader{sc: sc, max: limits.MaxFileSize}
	}
	r.loop(in)
	if r.pr.Counts().Total() > 0 {
		r.pr.PrintSummary()
	}
	return 0
}

const (
	promptMain = ">>> "
	promptMore = "... "
)

// lineReader is readline's Instance, or plain lines from a pipe.
type lineReader interface {
	Readline() (string, error)
	SetPrompt(string)
}

// pipeReader reads lines of at most max bytes (-max-file-size).
type pipeReader struct {
	sc  *bufio.Scanner
	max int64
}

func (p *pipeReader) Readline() (string, error) {
	if p.sc.Scan() {
		return p.sc.Text(), nil
	}
	if err := p.sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		return "", fmt.Errorf("a line longer than the limit of %d bytes (raise it with -max-file-size)", p.max)
	} else if err != nil {
		return "", err
	}
	return "", io.EOF
}

func (p *pipeReader) SetPrompt(string) {}

// historyFile is where readline keeps the history: under the XDG state
// directory ($XDG_STATE_HOME, else ~/.local/state), or nowhere if neither
// can be had.
func historyFile() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	dir = filepath.Join(dir, "mmscript")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	return filepath.Join(dir, "history")
}

// repl is the state of the interactive loop around a session.
type repl struct {
	out     io.Writer
	color   bool // findings in colour (a terminal, NO_COLOR unset)
	opts    interp.SessionOptions
	s       *interp.Session
	pr      *rt.Printer // the session's findings and errors, with source lines
	lines   []string    // every line of input so far, for source lines
	extra   []string    // lines typed but not taken, shown with their error
	pending []string    // the lines of a block still open
	depth   int         // the braces pending leaves open
	quit    bool

	mu     sync.Mutex
	cancel context.CancelFunc // ends the running :explore; nil when none runs
}

// interrupt stops what runs (Ctrl-C while a command runs): a statement,
// :step or :run through the session's Interrupt, :explore through its
// context.
func (r *repl) interrupt() {
	r.opts.Interrupt.Store(true)
	r.mu.Lock()
	if r.cancel != nil {
		r.cancel()
	}
	r.mu.Unlock()
}

// exploreContext returns the context of an :explore, which interrupt
// cancels, and the function that ends it.
func (r *repl) exploreContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	r.mu.Lock()
	r.cancel = cancel
	r.mu.Unlock()
	return ctx, func() {
		r.mu.Lock()
		r.cancel = nil
		r.mu.Unlock()
		cancel()
	}
}

func newRepl(out io.Writer) *repl {
	r := &repl{out: out}
	r.opts = interp.SessionOptions{
		Output: out,
		OnDiag: func(d *rt.Diagnostic) {
			r.syncSource("")
			r.pr.Print(d)
		},
		Interrupt: new(atomic.Bool),
	}
	r.reset()
	return r
}

// reset starts a new session. The input typed so far stays, and the new
// session's line numbers go on from it: <stdin>:N is the Nth line of the
// input, across :reset too.
func (r *repl) reset() {
	next := 1
	if r.s != nil {
		next = r.s.Line()
	}
	r.s = interp.NewSession(r.opts)
	r.s.Skip(next - 1)
	r.pr = rt.NewPrinter(r.out, r.color)
	r.pr.SetMaxFileSize(r.opts.Limits.MaxFileSize)
	r.pr.SetLines(interp.StdinName, r.sourceLine)
	r.pending, r.depth = nil, 0
}

// sourceLine returns line n (1-based) of the input, for the printer.
func (r *repl) sourceLine(n int) (string, bool) {
	switch {
	case n < 1:
		return "", false
	case n <= len(r.lines):
		return r.lines[n-1], true
	case n-len(r.lines) <= len(r.extra):
		return r.extra[n-len(r.lines)-1], true
	}
	return "", false
}

// skip takes an input line that is no script (a REPL command, a blank
// line, a line dropped for an error) into the input so far, so that the
// lines after it keep their numbers: a report's <stdin>:N is the Nth line
// typed or piped.
func (r *repl) skip(line string) {
	r.lines = append(r.lines, line)
	r.s.Skip(1)
}

// eval runs a chunk of typed input, keeping its text for source lines.
func (r *repl) eval(text string) {
	r.lines = append(r.lines, strings.Split(text, "\n")...)
	if err := r.s.Eval(text); err != nil {
		r.printErr(err, "")
	}
}

// syncSource sets the lines typed but not taken (extra, with a final
// newline), which an error in them shows; "" for none.
func (r *repl) syncSource(extra string) {
	r.extra = nil
	if extra != "" {
		r.extra = strings.Split(strings.TrimSuffix(extra, "\n"), "\n")
	}
}

// loop reads until end of input or :quit.
func (r *repl) loop(in lineReader) {
	for !r.quit {
		line, err := in.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			// Ctrl-C drops the input typed so far; its lines keep
			// their numbers.
			for _, l := range r.pending {
				r.skip(l)
			}
			r.pending, r.depth = nil, 0
			in.SetPrompt(promptMain)
			continue
		}
		if err != nil { // io.EOF: Ctrl-D
			if !errors.Is(err, io.EOF) {
				fmt.Fprintln(r.out, "mmscript: reading input:", err)
			}
			if len(r.pending) > 0 {
				r.endInBlock()
			}
			return
		}
		r.line(line)
		if len(r.pending) > 0 {
			in.SetPrompt(promptMore)
		} else {
			in.SetPrompt(promptMain)
		}
	}
}

// endInBlock reports the input ending inside an open block as the parser
// does a file cut short: where the input ended and which brace is not
// closed (`<stdin>:3:20: unexpected end of input, want "}" (the "{" at 2:10
// is not closed)`), with the source line; the block's lines are dropped.
func (r *repl) endInBlock() {
	text := strings.Join(r.pending, "\n")
	if err := r.s.Check(text); err != nil {
		r.printErr(err, text+"\n")
	} else {
		// The braces the REPL counts and the parser's agree, so this is
		// not reached; say what happened all the same.
		fmt.Fprintf(r.out, "%s:%d: unexpected end of input inside a block\n", interp.StdinName, r.s.Line())
	}
	fmt.Fprintf(r.out, "(%s dropped)\n", plural(len(r.pending), "line"))
}

// maxCheckedBlock bounds the block size up to which each new line of an
// open block is compiled in context before it is taken; beyond it (a long
// paste) lines are taken as they come and the block is checked as a whole
// when it closes.
const maxCheckedBlock = 200

// line handles one input line: a command, a line of a block still open,
// or a complete chunk to run.
func (r *repl) line(line string) {
	if len(r.pending) == 0 {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, ":") {
			r.skip(line)
			r.command(trimmed)
			return
		}
		if trimmed == "" {
			r.skip(line)
			return
		}
	}
	// The depth is counted line by line and the block joined only when
	// needed: joining and rescanning the whole block at every line made
	// a block of 20,000 pasted lines take 30 s.
	lines := append(r.pending, line)
	depth, off := braceScan(line, r.depth)
	switch {
	case depth < 0:
		// The "}" that closes no block: reported where it is, and the
		// line dropped (inside an open block, an empty line keeps its
		// place, as for any line dropped there).
		pos := lang.Pos{Filename: interp.StdinName, Line: r.s.Line() + len(r.pending), Column: utf8.RuneCountInString(line[:max(off, 0)]) + 1}
		r.printErr(lang.ErrorList{{Pos: pos, Msg: "unexpected } (no block is open); line dropped"}}, strings.Join(lines, "\n")+"\n")
		if len(r.pending) == 0 {
			r.skip(line)
		} else {
			r.pending = append(lines[:len(lines)-1], "")
		}
		return
	case depth > 0:
		if len(r.pending) < maxCheckedBlock && r.rejects(strings.Join(lines, "\n"), depth) {
			if len(r.pending) == 0 {
				r.skip(line)
			} else {
				// An empty line in its place keeps the numbers of
				// the block's lines after it.
				r.pending = append(lines[:len(lines)-1], "")
			}
			return
		}
		r.pending, r.depth = lines, depth
		return
	}
	r.pending, r.depth = nil, 0
	r.eval(strings.Join(lines, "\n"))
}

// rejects checks the open block with its braces closed: a syntax or
// compile error in the line just typed loses that line only.
func (r *repl) rejects(text string, depth int) bool {
	closers := strings.Repeat("\n}", depth)
	err := r.s.Check(text + closers)
	if err == nil {
		return false
	}
	here := r.s.Line() + len(r.pending)
	var el lang.ErrorList
	if !errors.As(err, &el) || len(el) == 0 {
		return false
	}
	at := el[0].Pos.Line
	switch {
	case at == here:
	case at > here:
		// The error is in the closing braces: the line may just be
		// incomplete (an if whose { is on the next line), unless the block
		// was fine without it.
		prev := strings.Join(r.pending, "\n")
		if len(r.pending) == 0 || r.s.Check(prev+strings.Repeat("\n}", braceDepth(prev))) != nil {
			return false
		}
	default:
		return false
	}
	r.printErr(err, text+"\n")
	if len(r.pending) == 0 {
		// The line that would have opened the block: none is open.
		fmt.Fprintf(r.out, "(line %d dropped)\n", here)
	} else {
		fmt.Fprintf(r.out, "(line %d dropped; the block is still open)\n", here)
	}
	return true
}

// printErr prints a syntax or compile error with its source line (extra
// is typed text not yet taken), anything else on one line.
func (r *repl) printErr(err error, extra string) {
	var el lang.ErrorList
	if errors.As(err, &el) {
		r.syncSource(extra)
		r.pr.PrintError(el)
		return
	}
	fmt.Fprintln(r.out, "error:", err)
}

// braceDepth counts the braces left open in src, outside strings and
// comments.
func braceDepth(src string) int {
	depth, _ := braceScan(src, 0)
	return depth
}

// braceScan counts the braces of src, outside strings and comments, from
// depth: it returns the depth at the end and the byte offset of the first
// "}" that takes it below zero (-1: none).
func braceScan(src string, depth int) (int, int) {
	under := -1
	inStr, esc, comment := false, false, false
	for i, c := range src {
		switch {
		case comment:
			comment = c != '\n'
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"' || c == '\n':
				inStr = false
			}
		case c == '#':
			comment = true
		case c == '"':
			inStr = true
		case c == '{':
			depth++
		case c == '}':
			if depth--; depth < 0 && under < 0 {
				under = i
			}
		}
	}
	return depth, under
}

// load runs a script file in the session.
func (r *repl) load(name string) bool {
	src, err := r.opts.Limits.ReadFile(name)
	if err != nil {
		var el lang.ErrorList
		if errors.As(err, &el) {
			r.printErr(err, "")
		} else {
			fmt.Fprintln(r.out, "mmscript:", err)
		}
		return false
	}
	if err := r.s.Load(name, src); err != nil {
		r.printErr(err, "")
		return false
	}
	return true
}
