package main

import (
	"fmt"
	"io"

	"github.com/mmscript/mmscript/interp"
)

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	files, err := scripts(args)
	if err != nil || len(files) == 0 {
		fmt.Fprintln(stderr, "usage: mmscript check FILE...")
		return 2
	}
	rc := 0
	for _, f := range files {
		if _, err := interp.Load(f); err != nil {
			printLoadError(stderr, err)
			rc = 2
		}
	}
	return rc
}
