package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestREADMEFlags: the README's "Command line" section describes every
// flag each command's --help lists, and no flag the command lacks. An
// entry starts at a line "mmscript CMD" and runs to the next; a flag
// shared by several commands may be described once, in the closing list,
// but is still named in the entry of each command that takes it.
func TestREADMEFlags(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Command line\n")
	if !ok {
		t.Fatal(`README has no "## Command line" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	_, block, _ := strings.Cut(section, "```\n")
	block, _, _ = strings.Cut(block, "```")
	entries := map[string]string{}
	name := ""
	for _, line := range strings.Split(block, "\n") {
		if rest, ok := strings.CutPrefix(line, "mmscript "); ok {
			name, _, _ = strings.Cut(rest, " ")
		} else if line != "" && line[0] != ' ' {
			name = "" // the shared flags' list
		}
		if name != "" {
			entries[name] += line + "\n"
		}
	}
	flagRE := regexp.MustCompile(`(?m)^  (-[a-z0-9-]+)`)
	mentionRE := regexp.MustCompile(`(?:^|[\s,\[(])(-[a-z][a-z0-9-]*)`)
	for _, c := range commands {
		entry, ok := entries[c.name]
		if !ok {
			t.Errorf("README's command line lacks mmscript %s", c.name)
			continue
		}
		var help bytes.Buffer
		if code := run([]string{c.name, "--help"}, &help, &bytes.Buffer{}); code != 0 {
			t.Errorf("mmscript %s --help: exit %d", c.name, code)
		}
		var flags []string
		for _, m := range flagRE.FindAllStringSubmatch(help.String(), -1) {
			flags = append(flags, m[1])
		}
		mentioned := map[string]bool{}
		for _, m := range mentionRE.FindAllStringSubmatch(entry, -1) {
			mentioned[m[1]] = true
		}
		for _, f := range flags {
			if !mentioned[f] {
				t.Errorf("README: mmscript %s does not describe %s", c.name, f)
			}
		}
		for f := range mentioned {
			if !slices.Contains(flags, f) {
				t.Errorf("README: mmscript %s describes %s, which --help does not list", c.name, f)
			}
		}
	}
}
