package lang

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
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

// parseTests pairs sources with the Dump of their items; FuzzParse uses
// them as seeds.
var parseTests = []struct{ src, want string }{
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
	{`x = ~x`, `(AssignStmt Name=x Value=(UnaryExpr Op=~ X=(Ident x)))`},
	{`vma.vm_flags = f`, `(FieldAssignStmt X=(SelectorExpr X=(Ident vma) Name=vm_flags) Value=(Ident f))`},
	{`vmf.vma.vm_flags &= ~VM_WRITE`, `(FieldAssignStmt X=(SelectorExpr X=(SelectorExpr X=(Ident vmf) Name=vma) Name=vm_flags) Op=&= Value=(UnaryExpr Op=~ X=(Ident VM_WRITE)))`},
	{`pages[i] = p`, `(IndexAssignStmt X=(IndexExpr X=(Ident pages) Index=(Ident i)) Value=(Ident p))`},
	{`put_page(pages[i + 1])`, `(ExprStmt X=(CallExpr Name=put_page Args=((IndexExpr X=(Ident pages) Index=(BinaryExpr X=(Ident i) Op=+ Y=(IntLit 1))))))`},
	{`x = w.pages[0].refcount`, `(AssignStmt Name=x Value=(SelectorExpr X=(IndexExpr X=(SelectorExpr X=(Ident w) Name=pages) Index=(IntLit 0)) Name=refcount))`},
	{`x = a & ~b`, `(AssignStmt Name=x Value=(BinaryExpr X=(Ident a) Op=& Y=(UnaryExpr Op=~ X=(Ident b))))`},
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
	{`for v in vmas(m, 0, 10) { f(v) }`,
		`(ForStmt Var=v X=(CallExpr Name=vmas Args=((Ident m) (IntLit 0) (IntLit 10))) Body=((ExprStmt X=(CallExpr Name=f Args=((Ident v))))))`},
	{`while a < b { break }`, `(WhileStmt Cond=(BinaryExpr X=(Ident a) Op=< Y=(Ident b)) Body=((BranchStmt Tok=break)))`},
	{"while !v {\n\tcontinue\n}", `(WhileStmt Cond=(UnaryExpr Op=! X=(Ident v)) Body=((BranchStmt Tok=continue)))`},
	{`x += 4096`, `(AssignStmt Name=x Op=+= Value=(IntLit 4096))`},
	{`x <<= 1`, `(AssignStmt Name=x Op=<<= Value=(IntLit 1))`},
	{`x |= a & b`, `(AssignStmt Name=x Op=|= Value=(BinaryExpr X=(Ident a) Op=& Y=(Ident b)))`},
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
	{`expect deadlock sometimes`, `(ExpectDecl Kind=deadlock Quant=sometimes)`},
	{`expect ok always`, `(ExpectDecl Kind=ok Quant=always)`},
	{`expect violation "s" at 3 never`, `(ExpectDecl Kind=violation Text="s" AtLine=3 Quant=never)`},
	{"expect deadlock\nnever = 3", `(ExpectDecl Kind=deadlock) (AssignStmt Name=never Value=(IntLit 3))`},
	{`expect single_run`, `(ExpectDecl Kind=single_run)`},
	{`expect error "undefined: x"`, `(ExpectDecl Kind=error Text="undefined: x")`},
	{"expect ok\nat = 3", `(ExpectDecl Kind=ok) (AssignStmt Name=at Value=(IntLit 3))`},

	// goto and labels.
	{"func f(m) {\n  lock(m)\n  if !x { goto out_unlock }\nout_unlock:\n  unlock(m)\n}",
		`(FuncDecl Def=(FuncDef Name=f Params=(m) Body=((ExprStmt X=(CallExpr Name=lock Args=((Ident m)))) (IfStmt Cond=(UnaryExpr Op=! X=(Ident x)) Then=((GotoStmt Label=out_unlock))) (LabelStmt Name=out_unlock) (ExprStmt X=(CallExpr Name=unlock Args=((Ident m)))))))`},
	{"retry: f()\ngoto retry", `(LabelStmt Name=retry) (ExprStmt X=(CallExpr Name=f)) (GotoStmt Label=retry)`},
	{"thread t { goto out; f(); out: }", `(ThreadDecl Name=t Body=((GotoStmt Label=out) (ExprStmt X=(CallExpr Name=f)) (LabelStmt Name=out)))`},
	{"thread t { again :\n goto again }", `(ThreadDecl Name=t Body=((LabelStmt Name=again) (GotoStmt Label=again)))`},
	{"thread t { while x { if y { goto done } }\n done: f() }", `(ThreadDecl Name=t Body=((WhileStmt Cond=(Ident x) Body=((IfStmt Cond=(Ident y) Then=((GotoStmt Label=done))))) (LabelStmt Name=done) (ExprStmt X=(CallExpr Name=f))))`},
	{"func f() { f: goto f }", `(FuncDecl Def=(FuncDef Name=f Body=((LabelStmt Name=f) (GotoStmt Label=f))))`}, // labels have a name space of their own

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
}

func TestParse(t *testing.T) {
	for _, test := range parseTests {
		if got := dumpItems(t, test.src); got != test.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", test.src, got, test.want)
		}
	}
}

func TestParseExpr(t *testing.T) {
	for _, test := range []struct{ src, want string }{
		{`1`, `(IntLit 1)`},
		{`f(NULL, &n)`, `(CallExpr Name=f Args=((NilLit) (UnaryExpr Op=& X=(Ident n))))`},
		{`a + b * c`, `(BinaryExpr X=(Ident a) Op=+ Y=(BinaryExpr X=(Ident b) Op=* Y=(Ident c)))`},
		{`  f(x=1) # comment`, `(CallExpr Name=f Args=((Arg Name=x (IntLit 1))))`},
		{"a ||\n b", `(BinaryExpr X=(Ident a) Op=|| Y=(Ident b))`},
		// the kernel's member access through a pointer is ".": one AST
		{`vmf->vma->vm_mm`, `(SelectorExpr X=(SelectorExpr X=(Ident vmf) Name=vma) Name=vm_mm)`},
		{`vmf.vma->vm_mm`, `(SelectorExpr X=(SelectorExpr X=(Ident vmf) Name=vma) Name=vm_mm)`},
		{`&mm->mmap_lock`, `(UnaryExpr Op=& X=(SelectorExpr X=(Ident mm) Name=mmap_lock))`},
		{`a->b - -c`, `(BinaryExpr X=(SelectorExpr X=(Ident a) Name=b) Op=- Y=(UnaryExpr Op=- X=(Ident c)))`},
		{`a->`, `p.mms:1:4: unexpected end of input, want field name`},
		// a pointer to a variable read through, as C's *unlocked
		{`*unlocked && a * *b`, `(BinaryExpr X=(UnaryExpr Op=* X=(Ident unlocked)) Op=&& Y=(BinaryExpr X=(Ident a) Op=* Y=(UnaryExpr Op=* X=(Ident b))))`},
		{`a->1`, `p.mms:1:4: unexpected integer 1, want field name`},
		{``, `p.mms:1:1: unexpected end of input, want expression`},
		{`)`, `p.mms:1:1: unexpected ")", want expression`},
		{`1 +`, `p.mms:1:4: unexpected end of input, want expression`},
		{`1 2`, `p.mms:1:3: unexpected integer 2 after expression`},
		{`x = 1`, `p.mms:1:3: unexpected "=" after expression`},
		{`f() g()`, `p.mms:1:5: unexpected name g after expression`},
		{`"abc`, `p.mms:1:1: unterminated string literal`},
		{`@`, `p.mms:1:1: invalid character U+0040 '@'`},
		{deep("(", "1", ")", 1001), `p.mms:1:1001: expression nested deeper than the limit of 1000 (raise it with -max-expr-depth)`},
		{deep("!", "x", "", 1001), `p.mms:1:1001: expression nested deeper than the limit of 1000 (raise it with -max-expr-depth)`},
	} {
		x, err := ParseExpr("p.mms", test.src)
		var got string
		if err != nil {
			got = errorLines(t, "p.mms", err)
		} else {
			got = Dump(x)
		}
		if got != test.want {
			t.Errorf("ParseExpr(%q)\n got %s\nwant %s", test.src, got, test.want)
		}
	}
}

// TestPositions checks the position of every kind of node.
func TestPositions(t *testing.T) {
	const src = `mm m   # é
vma v = mmap(m, pages=16)
thread t1 {
	if not v.vm_start == "é" + x { f() } else if y { g() } else {}
}
ops drv { fault(vmf) { return -1 } }
func h(a) { for i in 0..a { repeat 2 { assert (a), "m" } } }
expect violation "s" at 3; x = nil
`
	f, err := Parse("pos.mms", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "pos.mms" {
		t.Errorf("File.Name = %q", f.Name)
	}
	var got []string
	at := func(what string, p Pos) { got = append(got, what+"@"+p.String()) }
	decl := f.Items[1].(*VarDecl)
	call := decl.Value.(*CallExpr)
	at("VarDecl", decl.Pos)
	at("CallExpr", call.Pos)
	at("Arg0", call.Args[0].Pos)
	at("Arg1", call.Args[1].Pos)
	at("Arg1.Value", call.Args[1].Value.Position())
	at("RParen", call.RParen)
	th := f.Items[2].(*ThreadDecl)
	at("ThreadDecl", th.Pos)
	at("Body", th.Body.Pos)
	at("Close", th.Body.Close.Pos)
	ifs := th.Body.Stmts[0].(*IfStmt)
	at("IfStmt", ifs.Position())
	not := ifs.Cond.(*BinaryExpr).X.(*UnaryExpr)
	at("BinaryExpr", ifs.Cond.Position())
	at("UnaryExpr", not.Pos)
	at("SelectorExpr", not.X.Position())
	plus := ifs.Cond.(*BinaryExpr).Y.(*BinaryExpr)
	at("StringLit", plus.X.Position())
	at("+", plus.Pos)
	at("Ident", plus.Y.Position())
	at("ExprStmt", ifs.Then.Stmts[0].Position())
	at("ElseIf", ifs.Else.Pos)
	at("ElseIf.If", ifs.Else.If.Pos)
	at("Else", ifs.Else.If.Else.Block.Pos)
	ops := f.Items[3].(*OpsDecl)
	at("OpsDecl", ops.Pos)
	at("Handler", ops.Handlers[0].Pos)
	ret := ops.Handlers[0].Body.Stmts[0].(*ReturnStmt)
	at("ReturnStmt", ret.Position())
	at("IntLit", ret.Value.(*UnaryExpr).X.Position())
	fd := f.Items[4].(*FuncDecl)
	at("FuncDecl", fd.Pos)
	at("FuncDef", fd.Def.Pos)
	fs := fd.Def.Body.Stmts[0].(*ForStmt)
	at("ForStmt", fs.Position())
	rs := fs.Body.Stmts[0].(*RepeatStmt)
	at("RepeatStmt", rs.Position())
	as := rs.Body.Stmts[0].(*AssertStmt)
	at("AssertStmt", as.Position())
	at("ParenExpr", as.Cond.Position())
	at("ExpectDecl", f.Items[5].(*ExpectDecl).Pos)
	as2 := f.Items[6].(*AssignStmt)
	at("AssignStmt", as2.Position())
	at("NilLit", as2.Value.Position())
	want := []string{
		"VarDecl@pos.mms:2:1", "CallExpr@pos.mms:2:9", "Arg0@pos.mms:2:14", "Arg1@pos.mms:2:17",
		"Arg1.Value@pos.mms:2:23", "RParen@pos.mms:2:25",
		"ThreadDecl@pos.mms:3:1", "Body@pos.mms:3:11", "Close@pos.mms:5:1",
		"IfStmt@pos.mms:4:2", "BinaryExpr@pos.mms:4:20", "UnaryExpr@pos.mms:4:5", "SelectorExpr@pos.mms:4:10",
		"StringLit@pos.mms:4:23", "+@pos.mms:4:27", "Ident@pos.mms:4:29", "ExprStmt@pos.mms:4:33",
		"ElseIf@pos.mms:4:44", "ElseIf.If@pos.mms:4:44", "Else@pos.mms:4:62",
		"OpsDecl@pos.mms:6:1", "Handler@pos.mms:6:11", "ReturnStmt@pos.mms:6:24", "IntLit@pos.mms:6:32",
		"FuncDecl@pos.mms:7:1", "FuncDef@pos.mms:7:6", "ForStmt@pos.mms:7:13", "RepeatStmt@pos.mms:7:29",
		"AssertStmt@pos.mms:7:40", "ParenExpr@pos.mms:7:47",
		"ExpectDecl@pos.mms:8:1", "AssignStmt@pos.mms:8:28", "NilLit@pos.mms:8:32",
	}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("positions:\n%s", diffLines(g, w))
	}
	// Offsets are byte offsets (é is two bytes).
	if off := plus.Pos.Offset; src[off] != '+' {
		t.Errorf("offset %d of + holds %q", off, src[off])
	}
}

// diffLines shows got and want line by line, marking differences.
func diffLines(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		mark := "  "
		if gl != wl {
			mark = "! "
		}
		fmt.Fprintf(&b, "%s%-40s want %s\n", mark, gl, wl)
	}
	return b.String()
}

// TestParseRecoversPanic checks that a panic inside the parser (participle
// panics on some internal conditions) comes back as an ErrorList.
func TestParseRecoversPanic(t *testing.T) {
	saveFile, saveExpr := parseTokens, parseExprTokens
	defer func() { parseTokens, parseExprTokens = saveFile, saveExpr }()

	parseTokens = func(*grammar, *lexer.PeekingLexer) (*File, error) { panic("boom") }
	parseExprTokens = func(*grammar, *lexer.PeekingLexer) (Expr, error) { panic("boom") }
	f, err := Parse("p.mms", []byte("x = 1"))
	if f != nil || err == nil {
		t.Fatalf("Parse = %v, %v; want an error", f, err)
	}
	if got, want := errorLines(t, "p.mms", err), "p.mms:1:1: internal parser error: boom"; got != want {
		t.Errorf("Parse error = %q, want %q", got, want)
	}
	x, err := ParseExpr("p.mms", "1")
	if x != nil || err == nil {
		t.Fatalf("ParseExpr = %v, %v; want an error", x, err)
	}
	if got, want := errorLines(t, "p.mms", err), "p.mms:1:1: internal parser error: boom"; got != want {
		t.Errorf("ParseExpr error = %q, want %q", got, want)
	}

	// A participle.Error panic keeps its position.
	parseTokens = func(_ *grammar, lex *lexer.PeekingLexer) (*File, error) {
		lex.Next()
		panic(participle.Errorf(lex.Peek().Pos, "branch was accepted but did not progress"))
	}
	_, err = Parse("p.mms", []byte("x\n  = 1"))
	if got, want := errorLines(t, "p.mms", err), "p.mms:2:3: internal parser error: branch was accepted but did not progress"; got != want {
		t.Errorf("Parse error = %q, want %q", got, want)
	}
}

var update = flag.Bool("update", false, "rewrite testdata/grammar.ebnf")

// TestGrammar compares Grammar with testdata/grammar.ebnf, so that every
// grammar change shows up in review; go test -update rewrites the file.
func TestGrammar(t *testing.T) {
	const golden = "testdata/grammar.ebnf"
	got := Grammar()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o666); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("Grammar() differs from %s (go test -update rewrites it):\n%s", golden, diffLines(got, string(want)))
	}
}

// TestParseConcurrent checks that Parse is safe for concurrent use (run
// with -race).
func TestParseConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, test := range parseTests {
				if _, err := Parse("c.mms", []byte(test.src)); err != nil {
					t.Errorf("Parse(%q): %v", test.src, err)
				}
			}
		}()
	}
	wg.Wait()
}
