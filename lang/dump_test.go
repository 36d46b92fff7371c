package lang

import "testing"

func TestDump(t *testing.T) {
	for _, test := range []struct {
		node any
		want string
	}{
		{nil, "nil"},
		{(*File)(nil), "nil"},
		{(*Ident)(nil), "nil"},
		{Expr(nil), "nil"},
		{&File{}, "(File)"},
		{&File{Items: []Item{&ExpectDecl{Kind: "ok"}}}, "(File Items=((ExpectDecl Kind=ok)))"},
		{[]Item{}, "()"},
		{[]Stmt{&ReturnStmt{}}, "((ReturnStmt))"},
		{&Block{}, "()"},
		{&FuncDef{Name: "f", Params: []string{"a", "b"}}, "(FuncDef Name=f Params=(a b))"},
		{&Arg{Value: &IntLit{Value: 1, Text: "1"}}, "(IntLit 1)"},
		{&Arg{Name: "n", Value: &IntLit{Value: 1, Text: "1"}}, "(Arg Name=n (IntLit 1))"},
		{&IntLit{Value: 16, Text: "0x10"}, "(IntLit 16 Text=0x10)"},
		{&StringLit{Value: "a\n\"b\""}, `(StringLit "a\n\"b\"")`},
		{&ExpectDecl{Kind: "violation", Text: `say "hi"`, AtLine: 3}, `(ExpectDecl Kind=violation Text="say \"hi\"" AtLine=3)`},
		{&AssertStmt{Cond: &BoolLit{Value: true}, Msg: "m"}, `(AssertStmt Cond=(BoolLit true) Msg="m")`},
		{&IfStmt{Cond: &Ident{Name: "c"}, Then: &Block{}, Else: &ElseIf{Block: &Block{}}}, "(IfStmt Cond=(Ident c) Then=() Else=())"},
		{&VarDecl{Type: "mm", Name: "m", Value: (*CallExpr)(nil)}, "(VarDecl Type=mm Name=m)"},
		{42, "(?int)"},
	} {
		if got := Dump(test.node); got != test.want {
			t.Errorf("Dump(%#v) = %s, want %s", test.node, got, test.want)
		}
	}
}

// TestDumpFile checks the dump of a whole file, as the doc comment shows.
func TestDumpFile(t *testing.T) {
	f, err := Parse("d.mms", []byte("vma v = mmap(m, pages=16)\nexpect ok"))
	if err != nil {
		t.Fatal(err)
	}
	want := `(File Items=((VarDecl Type=vma Name=v Value=(CallExpr Name=mmap Args=((Ident m) (Arg Name=pages (IntLit 16))))) (ExpectDecl Kind=ok)))`
	if got := Dump(f); got != want {
		t.Errorf("Dump:\n got %s\nwant %s", got, want)
	}
}
