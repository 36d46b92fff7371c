package lang

import (
	"strings"
	"testing"
)

// dumpItems parses src and dumps its items, separated by spaces.
func dumpItems(t *testing.T, src string) string {
	t.Helper()
	f, err := Parse("test.mms", []byte(src))
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	var out []string
	for _, it := range f.Items {
		out = append(out, Dump(it))
	}
	return strings.Join(out, " ")
}

func TestParse(t *testing.T) {
	for _, test := range []struct{ src, want string }{
		// Declarations and assignments.
		{`mm m`, `(VarDecl Type=mm Name=m)`},
		{`vma v = mmap(m, pages=16)`,
			`(VarDecl Type=vma Name=v Value=(CallExpr Name=mmap Args=((Ident m) (Arg Name=pages (IntLit 16)))))`},
		{`x = 1`, `(AssignStmt Name=x Value=(IntLit 1))`},
		{`x = "s"`, `(AssignStmt Name=x Value=(StringLit "s"))`},
		{`x = "a\tb\"c\\"`, `(AssignStmt Name=x Value=(StringLit "a\tb\"c\\"))`},
		{`x = "\x41\u00e9\101"`, `(AssignStmt Name=x Value=(StringLit "AéA"))`},
		{`x = ""`, `(AssignStmt Name=x Value=(StringLit ""))`},
		{`x = true`, `(AssignStmt Name=x Value=(BoolLit true))`},
		{`x = false`, `(AssignStmt Name=x Value=(BoolLit false))`},
		{`x = nil`, `(AssignStmt Name=x Value=(NilLit))`},
		{`ops = 1`, `(AssignStmt Name=ops Value=(IntLit 1))`},
		{`ops drv`, `(VarDecl Type=ops Name=drv)`},
		{`mm m m n`, `(VarDecl Type=mm Name=m) (VarDecl Type=m Name=n)`},
		{`mm m
		  vma v`, `(VarDecl Type=mm Name=m) (VarDecl Type=vma Name=v)`},

		// Integers.
		{`x = 0`, `(AssignStmt Name=x Value=(IntLit 0))`},
		{`x = 4096`, `(AssignStmt Name=x Value=(IntLit 4096))`},
		{`x = 0x1000`, `(AssignStmt Name=x Value=(IntLit 4096 Text=0x1000))`},
		{`x = 0XfF`, `(AssignStmt Name=x Value=(IntLit 255 Text=0XfF))`},
		{`x = 1_000_000`, `(AssignStmt Name=x Value=(IntLit 1000000 Text=1_000_000))`},
		{`x = 0x7fff_ffff_ffff_ffff`, `(AssignStmt Name=x Value=(IntLit 9223372036854775807 Text=0x7fff_ffff_ffff_ffff))`},
		{`x = 9223372036854775807`, `(AssignStmt Name=x Value=(IntLit 9223372036854775807))`},
		{`x = 010`, `(AssignStmt Name=x Value=(IntLit 10 Text=010))`},
		{`x = -9223372036854775807`, `(AssignStmt Name=x Value=(UnaryExpr Op=- X=(IntLit 9223372036854775807)))`},

		// Calls and selectors.
		{`f()`, `(ExprStmt X=(CallExpr Name=f))`},
		{`f(1, 2,)`, `(ExprStmt X=(CallExpr Name=f Args=((IntLit 1) (IntLit 2))))`},
		{`munmap(m, v.vm_start, len=4096)`,
			`(ExprStmt X=(CallExpr Name=munmap Args=((Ident m) (SelectorExpr X=(Ident v) Name=vm_start) (Arg Name=len (IntLit 4096)))))`},
		{`v = mmap(m, pages=4, flags=shared|fixed, ops=drv)`,
			`(AssignStmt Name=v Value=(CallExpr Name=mmap Args=((Ident m) (Arg Name=pages (IntLit 4)) (Arg Name=flags (BinaryExpr X=(Ident shared) Op=| Y=(Ident fixed))) (Arg Name=ops (Ident drv)))))`},
		{`f(a == b)`, `(ExprStmt X=(CallExpr Name=f Args=((BinaryExpr X=(Ident a) Op=== Y=(Ident b)))))`},
		{`f(g(h()))`, `(ExprStmt X=(CallExpr Name=f Args=((CallExpr Name=g Args=((CallExpr Name=h))))))`},
		{`x = vmf.write`, `(AssignStmt Name=x Value=(SelectorExpr X=(Ident vmf) Name=write))`},
		{`x = a.b.c`, `(AssignStmt Name=x Value=(SelectorExpr X=(SelectorExpr X=(Ident a) Name=b) Name=c))`},
		{`x = f().vm_mm`, `(AssignStmt Name=x Value=(SelectorExpr X=(CallExpr Name=f) Name=vm_mm))`},
		{`x = (a).b`, `(AssignStmt Name=x Value=(SelectorExpr X=(ParenExpr X=(Ident a)) Name=b))`},

		// Precedence and associativity.
		{`x = a + b * c`, `(AssignStmt Name=x Value=(BinaryExpr X=(Ident a) Op=+ Y=(BinaryExpr X=(Ident b) Op=* Y=(Ident c))))`},
		{`x = a * b + c`, `(AssignStmt Name=x Value=(BinaryExpr X=(BinaryExpr X=(Ident a) Op=* Y=(Ident b)) Op=+ Y=(Ident c)))`},
		{`x = a - b - c`, `(AssignStmt Name=x Value=(BinaryExpr X=(BinaryExpr X=(Ident a) Op=- Y=(Ident b)) Op=- Y=(Ident c)))`},
		{`x = a || b && c == d`,
			`(AssignStmt Name=x Value=(BinaryExpr X=(Ident a) Op=|| Y=(BinaryExpr X=(Ident b) Op=&& Y=(BinaryExpr X=(Ident c) Op=== Y=(Ident d)))))`},
		{`x = a or b and not c`,
			`(AssignStmt Name=x Value=(BinaryExpr X=(Ident a) Op=|| Y=(BinaryExpr X=(Ident b) Op=&& Y=(UnaryExpr Op=! X=(Ident c)))))`},
		{`x = a < b == c >= d`,
			`(AssignStmt Name=x Value=(BinaryExpr X=(BinaryExpr X=(BinaryExpr X=(Ident a) Op=< Y=(Ident b)) Op=== Y=(Ident c)) Op=>= Y=(Ident d)))`},
		{`x = a | b & c`, `(AssignStmt Name=x Value=(BinaryExpr X=(Ident a) Op=| Y=(BinaryExpr X=(Ident b) Op=& Y=(Ident c))))`},
		{`x = a ^ b << 2 % 3 / 4`,
			`(AssignStmt Name=x Value=(BinaryExpr X=(Ident a) Op=^ Y=(BinaryExpr X=(BinaryExpr X=(BinaryExpr X=(Ident b) Op=<< Y=(IntLit 2)) Op=% Y=(IntLit 3)) Op=/ Y=(IntLit 4))))`},
		{`x = a >> 1 != b <= c`,
			`(AssignStmt Name=x Value=(BinaryExpr X=(BinaryExpr X=(BinaryExpr X=(Ident a) Op=>> Y=(IntLit 1)) Op=!= Y=(Ident b)) Op=<= Y=(Ident c)))`},
		{`x = a > b`, `(AssignStmt Name=x Value=(BinaryExpr X=(Ident a) Op=> Y=(Ident b)))`},
		{`x = (a + b) * c`, `(AssignStmt Name=x Value=(BinaryExpr X=(ParenExpr X=(BinaryExpr X=(Ident a) Op=+ Y=(Ident b))) Op=* Y=(Ident c)))`},
		{`x = -x`, `(AssignStmt Name=x Value=(UnaryExpr Op=- X=(Ident x)))`},
		{`x = - -x`, `(AssignStmt Name=x Value=(UnaryExpr Op=- X=(UnaryExpr Op=- X=(Ident x))))`},
		{`x = -a * b`, `(AssignStmt Name=x Value=(BinaryExpr X=(UnaryExpr Op=- X=(Ident a)) Op=* Y=(Ident b)))`},
		{`x = -v.vm_start`, `(AssignStmt Name=x Value=(UnaryExpr Op=- X=(SelectorExpr X=(Ident v) Name=vm_start)))`},
		{`x = !x`, `(AssignStmt Name=x Value=(UnaryExpr Op=! X=(Ident x)))`},
		{`x = not x`, `(AssignStmt Name=x Value=(UnaryExpr Op=! X=(Ident x)))`},
		{`x = !a && b`, `(AssignStmt Name=x Value=(BinaryExpr X=(UnaryExpr Op=! X=(Ident a)) Op=&& Y=(Ident b)))`},
		{`x = a -1`, `(AssignStmt Name=x Value=(BinaryExpr X=(Ident a) Op=- Y=(IntLit 1)))`},
		{"x = a +\n  b", `(AssignStmt Name=x Value=(BinaryExpr X=(Ident a) Op=+ Y=(Ident b)))`},

		// Control flow.
		{`if a { f() }`, `(IfStmt Cond=(Ident a) Then=((ExprStmt X=(CallExpr Name=f))))`},
		{`if a {} else {}`, `(IfStmt Cond=(Ident a) Then=() Else=())`},
		{`if a { f() } else if b { g() } else { h() }`,
			`(IfStmt Cond=(Ident a) Then=((ExprStmt X=(CallExpr Name=f))) Else=(IfStmt Cond=(Ident b) Then=((ExprStmt X=(CallExpr Name=g))) Else=((ExprStmt X=(CallExpr Name=h)))))`},
		{`if a == nil { }`, `(IfStmt Cond=(BinaryExpr X=(Ident a) Op=== Y=(NilLit)) Then=())`},
		{`for i in 0..N { f(i) }`,
			`(ForStmt Var=i Lo=(IntLit 0) Hi=(Ident N) Body=((ExprStmt X=(CallExpr Name=f Args=((Ident i))))))`},
		{`for i in a+1..b*2 {}`,
			`(ForStmt Var=i Lo=(BinaryExpr X=(Ident a) Op=+ Y=(IntLit 1)) Hi=(BinaryExpr X=(Ident b) Op=* Y=(IntLit 2)) Body=())`},
		{`repeat 3 { f() }`, `(RepeatStmt Count=(IntLit 3) Body=((ExprStmt X=(CallExpr Name=f))))`},
		{`repeat n * 2 {}`, `(RepeatStmt Count=(BinaryExpr X=(Ident n) Op=* Y=(IntLit 2)) Body=())`},
		{`assert x`, `(AssertStmt Cond=(Ident x))`},
		{`assert x == 1, "x is one"`, `(AssertStmt Cond=(BinaryExpr X=(Ident x) Op=== Y=(IntLit 1)) Msg="x is one")`},
		{`assert f(a, b), "m"`, `(AssertStmt Cond=(CallExpr Name=f Args=((Ident a) (Ident b))) Msg="m")`},

		// Return: a value only on the same line.
		{`func f() { return }`, `(FuncDecl Def=(FuncDef Name=f Body=((ReturnStmt))))`},
		{`func f() { return 1 }`, `(FuncDecl Def=(FuncDef Name=f Body=((ReturnStmt Value=(IntLit 1)))))`},
		{`func f() { return a + b }`,
			`(FuncDecl Def=(FuncDef Name=f Body=((ReturnStmt Value=(BinaryExpr X=(Ident a) Op=+ Y=(Ident b))))))`},
		{"func f() {\n\treturn\n\tg()\n}", `(FuncDecl Def=(FuncDef Name=f Body=((ReturnStmt) (ExprStmt X=(CallExpr Name=g)))))`},
		{"func f() {\n\treturn\n\tx = 1\n}", `(FuncDecl Def=(FuncDef Name=f Body=((ReturnStmt) (AssignStmt Name=x Value=(IntLit 1)))))`},
		{"func f() {\n\treturn # done\n\tmm m\n}", `(FuncDecl Def=(FuncDef Name=f Body=((ReturnStmt) (VarDecl Type=mm Name=m))))`},
		{`func f() { return; g() }`, `(FuncDecl Def=(FuncDef Name=f Body=((ReturnStmt) (ExprStmt X=(CallExpr Name=g)))))`},
		{`func f() { if x { return } }`, `(FuncDecl Def=(FuncDef Name=f Body=((IfStmt Cond=(Ident x) Then=((ReturnStmt))))))`},

		// Declarations.
		{`func f(a, b) { g(a) }`,
			`(FuncDecl Def=(FuncDef Name=f Params=(a b) Body=((ExprStmt X=(CallExpr Name=g Args=((Ident a)))))))`},
		{`func f() {}`, `(FuncDecl Def=(FuncDef Name=f Body=()))`},
		{`thread t1 { mmap_read_lock(m) }`, `(ThreadDecl Name=t1 Body=((ExprStmt X=(CallExpr Name=mmap_read_lock Args=((Ident m))))))`},
		{`thread t {}`, `(ThreadDecl Name=t Body=())`},
		{`ops drv {}`, `(OpsDecl Name=drv)`},
		{"ops drv {\n  fault(vmf) { return 0 }\n  mmap(file, v) { }\n}",
			`(OpsDecl Name=drv Handlers=((FuncDef Name=fault Params=(vmf) Body=((ReturnStmt Value=(IntLit 0)))) (FuncDef Name=mmap Params=(file v) Body=())))`},
		{`expect ok`, `(ExpectDecl Kind=ok)`},
		{`expect deadlock`, `(ExpectDecl Kind=deadlock)`},
		{`expect violation "mmap_lock not held"`, `(ExpectDecl Kind=violation Text="mmap_lock not held")`},
		{`expect violation "s" at 12`, `(ExpectDecl Kind=violation Text="s" AtLine=12)`},
		{`expect violation "s" at 0x10`, `(ExpectDecl Kind=violation Text="s" AtLine=16)`},
		{`expect fatal "boom"`, `(ExpectDecl Kind=fatal Text="boom")`},
		{`expect error "undefined: x"`, `(ExpectDecl Kind=error Text="undefined: x")`},
		{"expect ok\nat = 3", `(ExpectDecl Kind=ok) (AssignStmt Name=at Value=(IntLit 3))`},

		// Separators, comments, layout.
		{``, ``},
		{`;;;`, ``},
		{`# only a comment`, ``},
		{`x = 1; y = 2`, `(AssignStmt Name=x Value=(IntLit 1)) (AssignStmt Name=y Value=(IntLit 2))`},
		{`x = 1;; y = 2;`, `(AssignStmt Name=x Value=(IntLit 1)) (AssignStmt Name=y Value=(IntLit 2))`},
		{`thread t { ; f(); ; g() ; }`, `(ThreadDecl Name=t Body=((ExprStmt X=(CallExpr Name=f)) (ExprStmt X=(CallExpr Name=g))))`},
		{"x = 1 # one\n# two\r\ny = 2\t# three", `(AssignStmt Name=x Value=(IntLit 1)) (AssignStmt Name=y Value=(IntLit 2))`},
		{`x = "# not a comment"`, `(AssignStmt Name=x Value=(StringLit "# not a comment"))`},
		{`threads = 1`, `(AssignStmt Name=threads Value=(IntLit 1))`},
		{`if_x = nil_ptr`, `(AssignStmt Name=if_x Value=(Ident nil_ptr))`},
		{`x = notx`, `(AssignStmt Name=x Value=(Ident notx))`},
		{`_ = f()`, `(AssignStmt Name=_ Value=(CallExpr Name=f))`},
	} {
		if got := dumpItems(t, test.src); got != test.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", test.src, got, test.want)
		}
	}
}
