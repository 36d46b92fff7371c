package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/chzyer/readline"

	"github.com/mmscript/mmscript/interp"
	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// cmdRepl reads statements and runs them. The session is the script typed
// so far: each accepted input is appended to it and the whole script is run
// again from the start (runs are deterministic), printing only what is new.
// Thread, ops and func blocks may be typed too; a block may span lines.
func cmdRepl(stdout, stderr io.Writer) int {
	rl, err := readline.NewEx(&readline.Config{Prompt: ">>> ", Stdout: stdout, Stderr: stderr})
	if err != nil {
		fmt.Fprintln(stderr, "mmscript:", err)
		return 2
	}
	defer rl.Close()
	r := &repl{out: stdout}
	var pending []string
	for {
		line, err := rl.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			pending = nil
			rl.SetPrompt(">>> ")
			continue
		}
		if err != nil { // io.EOF
			return 0
		}
		pending = append(pending, line)
		more := r.eval(strings.Join(pending, "\n"))
		if more {
			rl.SetPrompt("... ")
			continue
		}
		pending = nil
		rl.SetPrompt(">>> ")
	}
}

type repl struct {
	out    io.Writer
	src    string
	shown  int // diagnostics already printed
	output int // bytes of print output already shown
}

// eval tries input after the session so far. It returns true when the
// input is incomplete (the parser hit the end of the input).
func (r *repl) eval(input string) bool {
	if strings.TrimSpace(input) == "" {
		return false
	}
	src := r.src + input + "\n"
	f, err := lang.Parse("<stdin>", []byte(src))
	if err != nil {
		var el lang.ErrorList
		if errors.As(err, &el) && len(el) > 0 && strings.Contains(el[0].Msg, "end of file") {
			return true
		}
		lang.PrintError(r.out, err)
		return false
	}
	prog, err := interp.Compile(f)
	if err != nil {
		lang.PrintError(r.out, err)
		return false
	}
	var buf bytes.Buffer
	res := interp.Run(prog, interp.Options{Output: &buf})
	r.src = src
	if out := buf.Bytes(); len(out) > r.output {
		r.out.Write(out[r.output:])
		r.output = len(out)
	}
	if len(res.Diagnostics) > r.shown {
		rt.PrintDiagnostics(r.out, res.Diagnostics[r.shown:])
		r.shown = len(res.Diagnostics)
	}
	return false
}
