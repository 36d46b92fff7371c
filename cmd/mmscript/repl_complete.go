package main

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// completer is readline's tab completion: operations, keywords, types,
// declared names, constants, REPL commands, an operation's parameter
// names inside its call, the words a word parameter takes after `NAME=`
// (prot=, flags=, vm=, ...), and the fields of a variable after a dot.
type completer struct{ r *repl }

// Do implements readline.AutoCompleter: the suffixes that complete the
// word before the cursor, and that word's length.
func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	word, cands := c.r.complete(string(line[:pos]))
	var out [][]rune
	for _, s := range cands {
		out = append(out, []rune(s[len(word):]))
	}
	return out, len([]rune(word))
}

// declTypes are the words that start a declaration.
var declTypes = []string{"mm", "file", "page", "vma", "vmf", "pte", "lock", "mutex", "spinlock", "rwsem", "srcu", "bitlock", "int", "bool", "string", "ops"}

// builtins are the calls the interpreter provides besides the kernel's
// operations and the script's funcs (interp/compile.go).
var builtins = []string{"print", "min", "max", "vmas"}

// complete returns the word being typed at the end of text and the
// candidates that complete it, sorted, each starting with the word.
func (r *repl) complete(text string) (string, []string) {
	i := len(text)
	for i > 0 && isWordByte(text[i-1]) {
		i--
	}
	word, before := text[i:], text[:i]
	var pool []string
	switch {
	case len(r.pending) == 0 && strings.HasPrefix(strings.TrimLeft(text, " "), ":"):
		return r.completeCommand(strings.TrimLeft(text, " "))
	case strings.HasSuffix(before, "."):
		pool = fieldNames(r, before[:len(before)-1])
	case isExpectLine(before):
		// expect KIND ["TEXT"] [at LINE] [always|sometimes|never]
		if strings.TrimSpace(before) == "expect" {
			pool = lang.ExpectKinds()
		} else {
			pool = append(lang.ExpectQuants(), "at")
		}
	default:
		if name, param, ok := wordArg(before); ok {
			if op := rt.LookupOp(name); op != nil {
				for _, p := range op.Params {
					if p.Name == param {
						pool = p.Words
					}
				}
			}
			if pool != nil {
				break
			}
			// A parameter that takes no words (ops=, file=) takes a
			// value: the names below.
		}
		pool = append(pool, r.s.Names()...)
		pool = append(pool, builtins...)
		pool = append(pool, rt.OpNames()...)
		if call := enclosingCall(before); call != "" {
			// An argument: the operation's parameter names, values.
			if op := rt.LookupOp(call); op != nil {
				for _, p := range op.Params {
					pool = append(pool, p.Name+"=")
				}
			}
			pool = append(pool, "true", "false", "nil", "not")
		} else {
			pool = append(pool, lang.Keywords()...)
			pool = append(pool, declTypes...)
		}
		for k := range rt.Constants {
			pool = append(pool, k)
		}
	}
	return word, filterPrefix(pool, word)
}

// isExpectLine reports whether text is an expect line so far.
func isExpectLine(text string) bool {
	f := strings.Fields(text)
	return len(f) > 0 && f[0] == "expect" && strings.HasSuffix(text, " ")
}

func (r *repl) completeCommand(text string) (string, []string) {
	fields := strings.Fields(text)
	if len(fields) <= 1 && !strings.HasSuffix(text, " ") {
		var pool []string
		for _, c := range replCommands {
			pool = append(pool, c.name)
		}
		return text, filterPrefix(pool, text)
	}
	word := ""
	if !strings.HasSuffix(text, " ") {
		word = fields[len(fields)-1]
	}
	var pool []string
	switch fields[0] {
	case ":explain":
		pool = rt.ExplainNames()
	case ":step":
		for _, t := range r.s.Threads() {
			pool = append(pool, t.Name)
		}
	case ":pt":
		for n, v := range r.s.Globals() {
			if v.T == rt.TMM {
				pool = append(pool, n)
			}
		}
	case ":load", ":save":
		pool, _ = filepath.Glob(word + "*")
	}
	return word, filterPrefix(pool, word)
}

// fieldNames lists the fields of the variable that ends text, or of every
// object type when its type is unknown.
func fieldNames(r *repl, text string) []string {
	i := len(text)
	for i > 0 && isWordByte(text[i-1]) {
		i--
	}
	if v, ok := r.s.Globals()[text[i:]]; ok && v.T != rt.TNil {
		return rt.FieldNames(v.T)
	}
	var all []string
	for t := rt.TMM; t <= rt.TWord; t++ {
		all = append(all, rt.FieldNames(t)...)
	}
	return all
}

// wordArg reports whether text ends inside the value of a named argument
// (`prot=r|` ...), and which call and parameter it is.
func wordArg(text string) (call, param string, ok bool) {
	i := len(text)
	for i > 0 && (isWordByte(text[i-1]) || text[i-1] == '|' || text[i-1] == ' ') {
		i--
	}
	if i == 0 || text[i-1] != '=' || i >= 2 && strings.ContainsRune("=!<>", rune(text[i-2])) {
		return "", "", false
	}
	j := i - 1
	for j > 0 && text[j-1] == ' ' {
		j--
	}
	k := j
	for k > 0 && isWordByte(text[k-1]) {
		k--
	}
	if k == j {
		return "", "", false
	}
	call = enclosingCall(text[:k])
	return call, text[k:j], call != ""
}

// enclosingCall is the name before the innermost unclosed "(" of text.
func enclosingCall(text string) string {
	depth := 0
	for i := len(text) - 1; i >= 0; i-- {
		switch text[i] {
		case ')':
			depth++
		case '(':
			if depth > 0 {
				depth--
				continue
			}
			j := i
			for j > 0 && text[j-1] == ' ' {
				j--
			}
			k := j
			for k > 0 && isWordByte(text[k-1]) {
				k--
			}
			return text[k:j]
		case '\n', '{', '}', ';':
			if depth == 0 {
				return ""
			}
		}
	}
	return ""
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func filterPrefix(pool []string, prefix string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range pool {
		if strings.HasPrefix(s, prefix) && !seen[s] && !strings.HasPrefix(s, " ") {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
