package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/mmscript/mmscript/lang"
)

// Every script the repository ships (examples, test scripts) is in the
// canonical layout, so that `mmscript fmt -l` in CI lists nothing; this
// catches a new script before CI does.
func TestShippedScriptsAreFormatted(t *testing.T) {
	n := 0
	for _, dir := range []string{"../../examples", "../../runtime/testdata", "../../interp/testdata"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(path) != ".mms" {
				return err
			}
			n++
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out, err := lang.Format(path, src)
			if err != nil {
				t.Errorf("mmscript fmt -l fails on %s: %v", path, err)
				return nil
			}
			if !bytes.Equal(out, src) {
				t.Errorf("%s is not in the canonical layout (go run ./cmd/mmscript fmt -w %s)", path, path[len("../../"):])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 100 {
		t.Fatalf("found only %d scripts", n)
	}
}
