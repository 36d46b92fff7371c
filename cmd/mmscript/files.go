package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mmscript/mmscript/lang"
)

// printLoadError prints why a script does not load: syntax and compile
// errors with their source lines (the report printer), anything else on
// one line.
func printLoadError(w io.Writer, err error) {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		fmt.Fprintln(w, "mmscript:", err)
		return
	}
	var el lang.ErrorList
	if errors.As(err, &el) {
		newPrinter(w).PrintError(el)
		return
	}
	lang.PrintError(w, err)
}

// scripts expands directories into the .mms files below them, sorted.
func scripts(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		err = filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".mms") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	return files, nil
}
