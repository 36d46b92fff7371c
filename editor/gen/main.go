// Command gen writes the editor files (editor.Files) under the editor
// directory: run it with `go generate ./editor`.
package main

import (
	"log"
	"os"
	"path/filepath"

	"github.com/mmscript/mmscript/editor"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("gen: ")
	for name, data := range editor.Files() {
		if err := os.MkdirAll(filepath.Dir(name), 0o777); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(name, data, 0o666); err != nil {
			log.Fatal(err)
		}
	}
}
