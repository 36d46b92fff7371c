package editor

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/lang"
)

// TestGenerated checks that the committed files are what the generator
// prints; `go generate ./editor` rewrites them.
func TestGenerated(t *testing.T) {
	for name, want := range Files() {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("%v (go generate ./editor writes it)", err)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from what the generator prints: run go generate ./editor", name)
		}
	}
}

// TestTablesDisjoint checks that no word sits in two tables, so that each
// is highlighted one way in both editors.
func TestTablesDisjoint(t *testing.T) {
	tb := Load()
	seen := map[string]string{}
	for group, list := range map[string][]string{
		"keyword": tb.Control, "word operator": tb.WordOps, "constant": tb.Constants,
		"context word": tb.Context, "type": tb.Types, "operation": tb.Operations, "word": tb.Words,
	} {
		for _, w := range list {
			if prev, ok := seen[w]; ok {
				t.Errorf("%s is both a %s and a %s", w, prev, group)
			}
			seen[w] = group
		}
	}
	if len(tb.Operations) < 20 || len(tb.Control) < 8 {
		t.Fatalf("tables too small: %+v", tb)
	}
	// The context words are words of the grammar.
	g := lang.Grammar()
	for _, w := range tb.Context {
		if !strings.Contains(g, `"`+w+`"`) {
			t.Errorf("context word %s is not in the grammar", w)
		}
	}
}

// TestTextMate checks that the TextMate grammar highlights every keyword,
// contextual word, type and operation with its scope: the first pattern
// that matches the word (TextMate tries them in order) must have it.
func TestTextMate(t *testing.T) {
	var g struct {
		Patterns []struct {
			Match string `json:"match"`
			Begin string `json:"begin"`
			Name  string `json:"name"`
		} `json:"patterns"`
	}
	if err := json.Unmarshal(Files()["vscode/syntaxes/mmscript.tmLanguage.json"], &g); err != nil {
		t.Fatal(err)
	}
	scopeOf := func(word string) string {
		for _, p := range g.Patterns {
			if p.Match == "" {
				continue
			}
			re, err := regexp.Compile(p.Match)
			if err != nil {
				t.Fatalf("pattern %s: %v", p.Match, err)
			}
			if loc := re.FindStringIndex(" " + word + "("); loc != nil && loc[0] == 1 && loc[1] == 1+len(word) {
				return p.Name
			}
		}
		return ""
	}
	tb := Load()
	for _, c := range []struct {
		list  []string
		scope string
	}{
		{tb.Control, "keyword.control.mmscript"},
		{tb.WordOps, "keyword.operator.word.mmscript"},
		{tb.Constants, "constant.language.mmscript"},
		{tb.Context, "keyword.other.mmscript"},
		{tb.Types, "storage.type.mmscript"},
		{tb.Operations, "support.function.kernel.mmscript"},
		{tb.Words, "support.constant.mmscript"},
	} {
		for _, w := range c.list {
			if got := scopeOf(w); got != c.scope {
				t.Errorf("TextMate: %s is %q, want %s", w, got, c.scope)
			}
		}
	}
	// A name that merely contains an operation's name is not one.
	if got := scopeOf("mmap_read_lock_x"); got != "" {
		t.Errorf("mmap_read_lock_x highlighted as %s", got)
	}
}

// TestVim checks that the Vim syntax file puts every keyword, contextual
// word, type and operation in its group, and uses no word Vim reserves in
// a :syntax keyword line.
func TestVim(t *testing.T) {
	group := map[string]string{}
	for _, line := range strings.Split(string(Files()["vim/syntax/mmscript.vim"]), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || f[0] != "syntax" || f[1] != "keyword" {
			continue
		}
		for _, w := range f[3:] {
			switch w {
			case "contains", "oneline", "fold", "display", "extend", "concealends", "conceal",
				"cchar", "contained", "containedin", "nextgroup", "transparent", "skipwhite", "skipnl", "skipempty":
				t.Errorf("Vim reserves %s in :syntax keyword", w)
			}
			group[w] = f[2]
		}
	}
	tb := Load()
	for _, c := range []struct {
		list  []string
		group string
	}{
		{tb.Control, "mmscriptKeyword"},
		{tb.WordOps, "mmscriptOperator"},
		{tb.Constants, "mmscriptConstant"},
		{tb.Context, "mmscriptContext"},
		{tb.Types, "mmscriptType"},
		{tb.Operations, "mmscriptOperation"},
		{tb.Words, "mmscriptWord"},
	} {
		for _, w := range c.list {
			if group[w] != c.group {
				t.Errorf("Vim: %s is in %q, want %s", w, group[w], c.group)
			}
		}
	}
}
