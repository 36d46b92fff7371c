package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/mmscript/mmscript/lang"
)

// DocumentVersion is the version of the JSON document's shape; it changes
// only when a field changes meaning or goes away.
const DocumentVersion = 1

// Document is what `mmscript run|explore|test|check -json` prints: one
// JSON document on standard output, described by docs/mmscript.schema.json.
// Every command uses the same shape: a report per script, then a summary.
type Document struct {
	Version int             `json:"version"`
	Command string          `json:"command"` // run, explore, test or check
	Scripts []*ScriptReport `json:"scripts"`
	Summary Summary         `json:"summary"`
}

// ScriptReport is what one command found in one script.
type ScriptReport struct {
	File string `json:"file"`
	// Status is "ok" (nothing found), "findings", "error" (the script
	// does not load: Diagnostics holds its syntax or compile errors),
	// "incomplete" (explore: the run budget ran out first, nothing found),
	// "pass" or "fail" (test).
	Status      string        `json:"status"`
	Diagnostics []*Diagnostic `json:"diagnostics"`
	// Output is what the script printed with print(), one "thread: values"
	// line each.
	Output     string        `json:"output,omitempty"`
	Run        *RunStats     `json:"run,omitempty"`
	Explore    *ExploreStats `json:"explore,omitempty"`
	Mismatches []Mismatch    `json:"mismatches,omitempty"` // test: how the script differs from its expect lines
}

// RunStats describes one run of a script.
type RunStats struct {
	Steps     int64  `json:"steps"`     // statements executed
	MaxSteps  int64  `json:"max_steps"` // the step limit of each thread
	StepLimit bool   `json:"step_limit_exceeded"`
	Seed      uint64 `json:"seed,omitempty"`
	Deadlock  bool   `json:"deadlock"`
	Schedule  string `json:"schedule,omitempty"` // the thread of each turn, as -schedule takes it
}

// ExploreStats describes an exploration and its run budget.
type ExploreStats struct {
	Runs        int64  `json:"runs"`        // runs made
	MaxRuns     int64  `json:"max_runs"`    // the run budget; 0: none
	Preemptions int    `json:"preemptions"` // the preemption bound; -1: none
	Complete    bool   `json:"complete"`    // every schedule within the bound was tried
	Exhausted   bool   `json:"budget_exhausted"`
	Executions  int64  `json:"executions"`        // complete executions explored
	States      int64  `json:"states"`            // steps executed beyond replayed prefixes
	MaxStates   int64  `json:"max_states"`        // the state budget
	Stopped     string `json:"stopped,omitempty"` // the budget that stopped the search
	// Message says, for a search a budget stopped, which budget, what was
	// covered and how to raise it.
	Message string `json:"message,omitempty"`
}

// Mismatch is one way a script differs from its expectations.
type Mismatch struct {
	Pos lang.Pos
	Msg string
}

// MarshalJSON writes the position as "file:line:col" and its parts.
func (m Mismatch) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Pos  string `json:"pos"`
		File string `json:"file"`
		Line int    `json:"line"`
		Col  int    `json:"col"`
		Msg  string `json:"message"`
	}{m.Pos.String(), m.Pos.Filename, m.Pos.Line, m.Pos.Column, m.Msg})
}

// Summary totals a document.
type Summary struct {
	Counts
	Scripts  int `json:"scripts"`
	Passed   int `json:"passed,omitempty"` // test
	Failed   int `json:"failed,omitempty"` // test
	Runs     int `json:"runs"`             // runs made over all scripts
	ExitCode int `json:"exit_code"`
	// Text is the closing line a person would read: "2 violations, 1
	// deadlock".
	Text string `json:"text"`
}

// Add adds a script's report to the document and its counts to the
// summary.
func (doc *Document) Add(r *ScriptReport) {
	if r.Diagnostics == nil {
		r.Diagnostics = []*Diagnostic{}
	}
	doc.Scripts = append(doc.Scripts, r)
	doc.Summary.Scripts++
	for _, d := range r.Diagnostics {
		doc.Summary.Add(d)
	}
	switch {
	case r.Run != nil:
		doc.Summary.Runs++
	case r.Explore != nil:
		doc.Summary.Runs += int(r.Explore.Runs)
	}
	switch r.Status {
	case "pass":
		doc.Summary.Passed++
	case "fail":
		doc.Summary.Failed++
	}
}

// Write prints the document, indented, ending in a newline.
func (doc *Document) Write(w io.Writer, exitCode int) error {
	if doc.Scripts == nil {
		doc.Scripts = []*ScriptReport{}
	}
	doc.Version = DocumentVersion
	doc.Summary.ExitCode = exitCode
	doc.Summary.Text = doc.Summary.Counts.String()
	stopped := 0
	for _, r := range doc.Scripts {
		if r.Explore != nil && r.Explore.Stopped != "" {
			stopped++
		}
	}
	switch {
	case stopped == 1 && len(doc.Scripts) == 1:
		doc.Summary.Text += "; " + doc.Scripts[0].Explore.Message
	case stopped > 0:
		doc.Summary.Text += fmt.Sprintf("; %d of %d searches stopped by a budget, not proofs (see each script's explore.message)", stopped, len(doc.Scripts))
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// LoadErrorDiagnostics turns the error of a script that does not load
// into diagnostics: one per syntax or compile error, or one for the file
// (missing, unreadable).
func LoadErrorDiagnostics(file string, err error) []*Diagnostic {
	var el lang.ErrorList
	if !errors.As(err, &el) {
		return []*Diagnostic{{Kind: Error, Pos: lang.Pos{Filename: file}, Rule: "load", Msg: err.Error()}}
	}
	ds := make([]*Diagnostic, len(el))
	for i, e := range el {
		ds[i] = &Diagnostic{Kind: Error, Pos: e.Pos, Rule: "compile", Msg: e.Msg}
	}
	return ds
}

// MarshalJSON writes a held lock with its position as "file:line:col".
func (h HeldLock) MarshalJSON() ([]byte, error) {
	return marshal(struct {
		Lock  string `json:"lock"`
		Class string `json:"class"`
		Mode  string `json:"mode,omitempty"`
		Pos   string `json:"pos"`
		Try   bool   `json:"trylock,omitempty"`
	}{h.Lock, h.Class, h.Mode, h.Pos.String(), h.Try})
}

// MarshalJSON writes a splat in lockdep's terms.
func (s *LockdepSplat) MarshalJSON() ([]byte, error) {
	chain := s.Chain
	if chain == nil {
		chain = []Dependency{}
	}
	var holding *HeldLock
	if s.Kind == SplatCircular || s.Kind == SplatRecursive {
		holding = &s.Holding
	}
	return marshal(struct {
		Kind    string       `json:"kind"`
		Title   string       `json:"title"`
		Acquire HeldLock     `json:"acquire"`
		Holding *HeldLock    `json:"holding,omitempty"`
		Chain   []Dependency `json:"chain"`
	}{s.Kind, s.Title, s.Acquire, holding, chain})
}

// MarshalJSON writes a dependency with its position as "file:line:col",
// or none for a documented one.
func (e Dependency) MarshalJSON() ([]byte, error) {
	var pos string
	if e.Pos.IsValid() {
		pos = e.Pos.String()
	}
	return marshal(struct {
		From       string   `json:"from"`
		To         string   `json:"to"`
		Pos        string   `json:"pos,omitempty"`
		Thread     string   `json:"thread,omitempty"`
		Path       []string `json:"path,omitempty"`
		Documented bool     `json:"documented"`
	}{e.From, e.To, pos, e.Thread, e.Path, e.Documented})
}

// MarshalJSON writes a deadlocked thread.
func (w Waiter) MarshalJSON() ([]byte, error) {
	holders, held := w.Holders, w.Held
	if holders == nil {
		holders = []string{}
	}
	if held == nil {
		held = []HeldLock{}
	}
	return marshal(struct {
		Thread  string     `json:"thread"`
		CPU     int        `json:"cpu"`
		Waits   HeldLock   `json:"waits"`
		Holders []string   `json:"holders"`
		Held    []HeldLock `json:"held"`
		Path    []string   `json:"path,omitempty"`
	}{w.Thread, w.CPU, w.Waits, holders, held, w.Path})
}

// marshal encodes v without escaping "->" and "&" in lock names.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return bytes.TrimRight(buf.Bytes(), "\n"), err
}
