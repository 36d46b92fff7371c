package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mmscript/mmscript/lang"
)

// Reaction is what the real kernel does when a rule is broken.
type Reaction uint8

const (
	// BUG: BUG_ON / BUG(): an oops; the task dies holding its locks.
	BUG Reaction = iota + 1
	// WARN: WARN_ON() and the asserts built on it, on every kernel: a
	// splat, execution continues.
	WARN
	// DebugOnly: VM_WARN_ON* / VM_BUG_ON* / CONFIG_DEBUG_ATOMIC_SLEEP checks,
	// compiled in only on debug kernels.
	DebugOnly
	// Unchecked: the kernel has no check; the result is a silent race or a
	// use-after-free.
	Unchecked
	// Lockdep: a lockdep report (lockdep_assert_held(), "possible circular
	// locking dependency", "bad unlock balance", might_lock()), printed
	// only by kernels built with CONFIG_PROVE_LOCKING.
	Lockdep
)

func (r Reaction) String() string {
	switch r {
	case BUG:
		return "BUG"
	case WARN:
		return "WARN"
	case DebugOnly:
		return "debug-only"
	case Unchecked:
		return "unchecked"
	case Lockdep:
		return "lockdep"
	}
	return "none"
}

// MarshalText makes Reaction print as its name in JSON.
func (r Reaction) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// DiagKind classifies a diagnostic.
type DiagKind uint8

const (
	// Violation: a rule was broken; the thread continues (or, for a BUG, stops).
	Violation DiagKind = iota + 1
	// Deadlock: every live thread waits.
	Deadlock
	// Error: the script itself is wrong (bad argument, failed assert, step limit).
	Error
)

func (k DiagKind) String() string {
	switch k {
	case Violation:
		return "violation"
	case Deadlock:
		return "deadlock"
	case Error:
		return "error"
	}
	return "?"
}

// MarshalText makes DiagKind print as its name in JSON.
func (k DiagKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Related is a second position that explains a diagnostic ("taken here").
type Related struct {
	Pos lang.Pos `json:"pos"`
	Msg string   `json:"msg"`
}

// Diagnostic is one finding: a broken rule, a deadlock or a script error.
type Diagnostic struct {
	Kind     DiagKind  `json:"kind"`
	Pos      lang.Pos  `json:"pos"`
	Rule     string    `json:"rule"`             // rule id, e.g. "vm_insert_page/not-mixedmap"
	Msg      string    `json:"message"`          // what is wrong
	Source   string    `json:"source,omitempty"` // kernel function or process_addrs.rst section
	Kernel   Reaction  `json:"kernel,omitempty"` // what the real kernel does
	Fatal    bool      `json:"fatal,omitempty"`  // the thread stopped here (a BUG)
	Thread   string    `json:"thread,omitempty"`
	Related  []Related `json:"related,omitempty"`
	Schedule string    `json:"schedule,omitempty"` // the schedule that reached a deadlock
}

// MarshalJSON writes positions as "file:line:col" strings, the form every
// other tool prints.
func (d *Diagnostic) MarshalJSON() ([]byte, error) {
	type related struct {
		Pos string `json:"pos"`
		Msg string `json:"message"`
	}
	rel := make([]related, len(d.Related))
	for i, r := range d.Related {
		rel[i] = related{r.Pos.String(), r.Msg}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "->" in lock names stays readable
	err := enc.Encode(struct {
		Kind     DiagKind  `json:"kind"`
		Pos      string    `json:"pos"`
		File     string    `json:"file"`
		Line     int       `json:"line"`
		Col      int       `json:"col"`
		Rule     string    `json:"rule"`
		Msg      string    `json:"message"`
		Source   string    `json:"source,omitempty"`
		Kernel   Reaction  `json:"kernel,omitempty"`
		Fatal    bool      `json:"fatal,omitempty"`
		Thread   string    `json:"thread,omitempty"`
		Related  []related `json:"related,omitempty"`
		Schedule string    `json:"schedule,omitempty"`
	}{d.Kind, d.Pos.String(), d.Pos.Filename, d.Pos.Line, d.Pos.Column, d.Rule, d.Msg, d.Source, d.Kernel,
		d.Fatal, d.Thread, rel, d.Schedule})
	return bytes.TrimRight(buf.Bytes(), "\n"), err
}

// String prints the diagnostic like a compiler error:
//
//	file:line:col: rule: message (source; kernel: BUG)
//		file:line:col: related message
func (d *Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	b.WriteString(": ")
	if d.Rule != "" {
		b.WriteString(d.Rule)
		b.WriteString(": ")
	}
	b.WriteString(d.Msg)
	switch {
	case d.Source != "" && d.Kernel != 0:
		fmt.Fprintf(&b, " (%s; kernel: %s)", d.Source, d.Kernel)
	case d.Source != "":
		fmt.Fprintf(&b, " (%s)", d.Source)
	case d.Kernel != 0:
		fmt.Fprintf(&b, " (kernel: %s)", d.Kernel)
	}
	for _, r := range d.Related {
		if r.Pos.IsValid() {
			fmt.Fprintf(&b, "\n\t%s: %s", r.Pos, r.Msg)
		} else {
			fmt.Fprintf(&b, "\n\tnote: %s", r.Msg)
		}
	}
	if d.Schedule != "" {
		fmt.Fprintf(&b, "\n\tschedule: %s", d.Schedule)
	}
	return b.String()
}

// SortDiagnostics orders diagnostics by position, then rule, for stable output.
func SortDiagnostics(ds []*Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Pos != b.Pos {
			return a.Pos.Before(b.Pos)
		}
		return a.Rule < b.Rule
	})
}

// PrintDiagnostics writes one diagnostic per entry in the compiler style.
func PrintDiagnostics(w io.Writer, ds []*Diagnostic) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
	}
}

// WriteJSON writes the diagnostics as a JSON array, for machines.
func WriteJSON(w io.Writer, ds []*Diagnostic) error {
	if ds == nil {
		ds = []*Diagnostic{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(ds)
}
