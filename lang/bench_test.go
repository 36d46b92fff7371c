package lang

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkParse parses every example script and reports statements per
// second: wall-clock (stmts/s) and per second of the process's CPU time
// (stmts/cpu-s, which the load of other processes does not skew). A
// statement is a declaration, a top-level statement or a statement in a
// block. It parses the same bytes `mmscript test examples/` reads.
func BenchmarkParse(b *testing.B) {
	files, err := filepath.Glob("../examples/*.mms")
	sub, _ := filepath.Glob("../examples/*/*.mms") // the examples grouped by question
	files = append(files, sub...)
	if err != nil || len(files) == 0 {
		b.Fatalf("no examples: %v", err)
	}
	var srcs [][]byte
	n := 0
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		f, err := Parse(name, src)
		if err != nil {
			b.Fatal(err)
		}
		n += countStmts(f)
		srcs = append(srcs, src)
	}
	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		for _, src := range srcs {
			if _, err := Parse("bench.mms", src); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	stmts := float64(n) * float64(b.N)
	b.ReportMetric(stmts/b.Elapsed().Seconds(), "stmts/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(stmts/cpu.Seconds(), "stmts/cpu-s")
	}
}

// cpuTime is the user and system time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// countStmts counts the items of f and the statements in its blocks.
func countStmts(f *File) int {
	n := 0
	var block func(b *Block)
	var stmt func(s Item)
	stmt = func(s Item) {
		n++
		switch s := s.(type) {
		case *ThreadDecl:
			block(s.Body)
		case *OpsDecl:
			for _, h := range s.Handlers {
				block(h.Body)
			}
		case *FuncDecl:
			block(s.Def.Body)
		case *IfStmt:
			block(s.Then)
			if s.Else != nil {
				if s.Else.If != nil {
					stmt(s.Else.If)
				} else {
					block(s.Else.Block)
				}
			}
		case *ForStmt:
			block(s.Body)
		case *RepeatStmt:
			block(s.Body)
		case *WhileStmt:
			block(s.Body)
		}
	}
	block = func(b *Block) {
		for _, s := range b.Stmts {
			stmt(s)
		}
	}
	for _, it := range f.Items {
		stmt(it)
	}
	return n
}
