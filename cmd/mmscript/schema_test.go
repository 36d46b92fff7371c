package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestJSONSchema runs every command with -json over real scripts (the
// examples, scripts that do not load, an exploration that runs out of
// budget) and validates each document against docs/mmscript.schema.json.
// It also checks what the schema cannot: one document and nothing else on
// stdout, nothing on stderr, print() output inside the document, and a
// summary that adds up.
func TestJSONSchema(t *testing.T) {
	sch, err := jsonschema.NewCompiler().Compile(filepath.Join("..", "..", "docs", "mmscript.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	syntax := write("syntax.mms", "mm m (\n")
	typeErr := write("type.mms", "mm m\nthread t { mmap_read_lock(0x100) }\n")
	printer := write("print.mms", "mm m\nthread t { print(\"hello\", 1); mmap_read_lock(m) }\n")
	race := write("race.mms", "mm m\nvma v = mmap(m, 0x10000, pages=1)\nthread a { zap_vma_range(v, 0x10000, pages=1) }\nthread b { msleep(1); munmap(m, 0x10000, pages=1) }\n")
	examples, err := filepath.Glob(filepath.Join("..", "..", "examples", "*.mms"))
	if err != nil || len(examples) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	cases := [][]string{
		{"run", "-json", syntax},
		{"run", "-json", typeErr},
		{"run", "-json", printer},
		{"run", "-json", filepath.Join(dir, "missing.mms")},
		{"run", "-json", "-schedule", "t*x", printer},
		{"explore", "-json", race},
		{"explore", "-json", "-max-runs", "1", write("clean.mms", "mm m\nthread a { mmap_read_lock(m); mmap_read_unlock(m) }\nthread b { mmap_write_lock(m); mmap_write_unlock(m) }\n")},
		{"explore", "-json", syntax},
		{"test", "-json", filepath.Join("..", "..", "examples")},
		{"test", "-json", "-explore", "-max-runs", "50", race, syntax},
		{"check", "-json", filepath.Join("..", "..", "examples"), syntax, typeErr},
		{"check", "-json", filepath.Join(dir, "missing.mms")},
	}
	for _, ex := range examples {
		cases = append(cases, []string{"run", "-json", ex})
	}
	for _, args := range cases {
		var stdout, stderr bytes.Buffer
		code := run(args, &stdout, &stderr)
		name := strings.Join(args, " ")
		if args[0] != "explore" && stderr.Len() > 0 {
			t.Errorf("%s: stderr %q", name, stderr.String())
		}
		dec := json.NewDecoder(bytes.NewReader(stdout.Bytes()))
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			t.Errorf("%s: not JSON: %v\n%s", name, err, stdout.String())
			continue
		}
		if dec.More() {
			t.Errorf("%s: more than one document on stdout", name)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(stdout.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s: the document does not follow the schema: %v\n%s", name, err, stdout.String())
			continue
		}
		sum := doc["summary"].(map[string]any)
		if int(sum["exit_code"].(float64)) != code {
			t.Errorf("%s: summary exit_code %v, exit %d", name, sum["exit_code"], code)
		}
		n := 0
		for _, s := range doc["scripts"].([]any) {
			n += len(s.(map[string]any)["diagnostics"].([]any))
		}
		total := 0
		for _, k := range []string{"violations", "deadlocks", "errors"} {
			total += int(sum[k].(float64))
		}
		if total != n {
			t.Errorf("%s: summary counts %d findings, the scripts hold %d", name, total, n)
		}
	}
	// print() output goes into the document, not onto stdout around it.
	var stdout bytes.Buffer
	run([]string{"run", "-json", printer}, &stdout, &bytes.Buffer{})
	var doc struct {
		Scripts []struct {
			Output string
			Run    struct{ Steps int }
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil || len(doc.Scripts) != 1 ||
		doc.Scripts[0].Output != "t: \"hello\" 1\n" || doc.Scripts[0].Run.Steps == 0 {
		t.Errorf("print output or run stats missing: %+v (%v)", doc, err)
	}
}
