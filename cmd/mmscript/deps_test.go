package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the packages layered as the design says:
// cmd -> interp -> runtime -> mmcore, interp -> lang, runtime -> lang (for
// positions); nothing points back. Only lang imports participle and only
// cmd imports readline.
func TestDependencyDirection(t *testing.T) {
	const mod = "github.com/mmscript/mmscript/"
	allowed := map[string][]string{
		"mmcore":       {},
		"lang":         {},
		"runtime":      {"mmcore", "lang"},
		"interp":       {"runtime", "lang", "mmcore"},
		"cmd/mmscript": {"interp", "runtime", "lang"},
		"mmcore/trace": {"mmcore"},
		"cmd/mmtrace":  {"mmcore/trace"},
	}
	external := map[string]string{
		"github.com/alecthomas/participle": "lang",
		"github.com/chzyer/readline":       "cmd/mmscript",
	}
	for pkg, ok := range allowed {
		dir := filepath.Join("..", "..", pkg)
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no Go files (%v)", pkg, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ast, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range ast.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if rest, found := strings.CutPrefix(path, mod); found {
					if !contains(ok, rest) {
						t.Errorf("%s imports %s: %s may import only %v", f, path, pkg, ok)
					}
				}
				for prefix, owner := range external {
					if strings.HasPrefix(path, prefix) && owner != pkg {
						t.Errorf("%s imports %s: only %s may", f, path, owner)
					}
				}
			}
		}
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
