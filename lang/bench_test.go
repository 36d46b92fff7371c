package lang

import (
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	files, _ := filepath.Glob("../examples/*.mms")
	var srcs [][]byte
	for _, f := range files {
		s, _ := os.ReadFile(f)
		srcs = append(srcs, s)
	}
	n := 0
	for _, s := range srcs {
		f, err := Parse("x", s)
		if err != nil {
			b.Fatal(err)
		}
		n += countStmts(f)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range srcs {
			Parse("x", s)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "stmts/s")
}

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

func BenchmarkScanTmp(b *testing.B) {
	files, _ := filepath.Glob("../examples/*.mms")
	var srcs [][]byte
	for _, f := range files {
		s, _ := os.ReadFile(f)
		srcs = append(srcs, s)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range srcs {
			scan("x", s, DefaultLimits)
		}
	}
}
func BenchmarkScanOnlyTmp(b *testing.B) {
	files, _ := filepath.Glob("../examples/*.mms")
	var srcs [][]byte
	for _, f := range files {
		s, _ := os.ReadFile(f)
		srcs = append(srcs, s)
	}
	b.ResetTimer()
	ntok := 0
	for i := 0; i < b.N; i++ {
		ntok = 0
		for _, s := range srcs {
			sc := newScanner("x", s, DefaultLimits)
			for {
				t, _ := sc.Next()
				ntok++
				if t.EOF() {
					break
				}
			}
		}
	}
	b.ReportMetric(float64(ntok), "tokens")
}
