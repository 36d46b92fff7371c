package lang

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Dump returns a compact one-line S-expression of a syntax tree, for tests
// and debugging. Each node prints as (Kind Field=value ...), omitting
// positions and empty fields; a block or list prints as (elem elem ...).
// Leaves are (Ident m), (IntLit 16), (StringLit "s"), (BoolLit true) and
// (NilLit). A positional call argument prints as its value, a named one as
// (Arg Name=pages value). For example:
//
//	(VarDecl Type=vma Name=v Value=(CallExpr Name=mmap Args=((Ident m) (Arg Name=pages (IntLit 16)))))
//
// n may be a *File, an Item, a Stmt, an Expr, a *Block, a *FuncDef, an
// *Arg, an []Item or a []Stmt. A nil node prints as nil.
func Dump(n any) string {
	var b strings.Builder
	dump(&b, n)
	return b.String()
}

func dump(b *strings.Builder, n any) {
	// field writes " Name=value", skipping zero values.
	field := func(name string, v any) {
		switch v := v.(type) {
		case string:
			if v == "" {
				return
			}
			fmt.Fprintf(b, " %s=%s", name, v)
			return
		case int:
			if v == 0 {
				return
			}
			fmt.Fprintf(b, " %s=%d", name, v)
			return
		}
		if isNil(v) {
			return
		}
		fmt.Fprintf(b, " %s=", name)
		dump(b, v)
	}
	if _, ok := n.([]Item); !ok && isNil(n) {
		b.WriteString("nil")
		return
	}
	switch n := n.(type) {
	case *File:
		b.WriteString("(File")
		if len(n.Items) > 0 {
			field("Items", n.Items)
		}
		b.WriteString(")")
	case []Item:
		list(b, len(n), func(i int) any { return n[i] })
	case []Stmt:
		list(b, len(n), func(i int) any { return n[i] })
	case *Block:
		dump(b, n.Stmts)
	case *ThreadDecl:
		b.WriteString("(ThreadDecl")
		field("Name", n.Name)
		field("Body", n.Body)
		b.WriteString(")")
	case *OpsDecl:
		b.WriteString("(OpsDecl")
		field("Name", n.Name)
		if len(n.Handlers) > 0 {
			b.WriteString(" Handlers=")
			list(b, len(n.Handlers), func(i int) any { return n.Handlers[i] })
		}
		b.WriteString(")")
	case *FuncDecl:
		b.WriteString("(FuncDecl")
		field("Def", n.Def)
		b.WriteString(")")
	case *FuncDef:
		b.WriteString("(FuncDef")
		field("Name", n.Name)
		if len(n.Params) > 0 {
			fmt.Fprintf(b, " Params=(%s)", strings.Join(n.Params, " "))
		}
		field("Body", n.Body)
		b.WriteString(")")
	case *KernelDecl:
		b.WriteString("(KernelDecl")
		field("Version", n.Version)
		b.WriteString(")")
	case *ExpectDecl:
		b.WriteString("(ExpectDecl")
		field("Kind", n.Kind)
		if n.Text != "" {
			field("Text", strconv.Quote(n.Text))
		}
		field("AtLine", n.AtLine)
		if n.Quant != "" {
			field("Quant", n.Quant)
		}
		b.WriteString(")")
	case *VarDecl:
		b.WriteString("(VarDecl")
		field("Type", n.Type)
		field("Name", n.Name)
		field("Value", n.Value)
		b.WriteString(")")
	case *AssignStmt:
		b.WriteString("(AssignStmt")
		field("Name", n.Name)
		if n.Op != "" {
			field("Op", n.Op+"=")
		}
		field("Value", n.Value)
		b.WriteString(")")
	case *DerefAssignStmt:
		b.WriteString("(DerefAssignStmt")
		field("X", n.X)
		if n.Op != "" {
			field("Op", n.Op+"=")
		}
		field("Value", n.Value)
		b.WriteString(")")
	case *IndexAssignStmt:
		b.WriteString("(IndexAssignStmt")
		field("X", n.X)
		field("Value", n.Value)
		b.WriteString(")")
	case *FieldAssignStmt:
		b.WriteString("(FieldAssignStmt")
		field("X", n.X)
		if n.Op != "" {
			field("Op", n.Op+"=")
		}
		field("Value", n.Value)
		b.WriteString(")")
	case *ExprStmt:
		b.WriteString("(ExprStmt")
		field("X", n.X)
		b.WriteString(")")
	case *IfStmt:
		b.WriteString("(IfStmt")
		field("Cond", n.Cond)
		field("Then", n.Then)
		if n.Else != nil {
			if n.Else.If != nil {
				field("Else", n.Else.If)
			} else {
				field("Else", n.Else.Block)
			}
		}
		b.WriteString(")")
	case *ForStmt:
		b.WriteString("(ForStmt")
		field("Var", n.Var)
		if n.Macro {
			field("Macro", "true")
		}
		if n.X != nil {
			field("X", n.X)
		} else {
			field("Lo", n.Lo)
			field("Hi", n.Hi)
		}
		field("Body", n.Body)
		b.WriteString(")")
	case *WhileStmt:
		b.WriteString("(WhileStmt")
		field("Cond", n.Cond)
		field("Body", n.Body)
		b.WriteString(")")
	case *BranchStmt:
		b.WriteString("(BranchStmt")
		field("Tok", n.Tok)
		b.WriteString(")")
	case *GotoStmt:
		b.WriteString("(GotoStmt")
		field("Label", n.Label)
		b.WriteString(")")
	case *LabelStmt:
		b.WriteString("(LabelStmt")
		field("Name", n.Name)
		b.WriteString(")")
	case *RepeatStmt:
		b.WriteString("(RepeatStmt")
		field("Count", n.Count)
		field("Body", n.Body)
		b.WriteString(")")
	case *AssertStmt:
		b.WriteString("(AssertStmt")
		field("Cond", n.Cond)
		if n.Msg != "" {
			field("Msg", strconv.Quote(n.Msg))
		}
		b.WriteString(")")
	case *ReturnStmt:
		b.WriteString("(ReturnStmt")
		field("Value", n.Value)
		b.WriteString(")")
	case *Ident:
		fmt.Fprintf(b, "(Ident %s)", n.Name)
	case *IntLit:
		fmt.Fprintf(b, "(IntLit %d", n.Value)
		if n.Text != strconv.FormatInt(n.Value, 10) {
			field("Text", n.Text)
		}
		b.WriteString(")")
	case *StringLit:
		fmt.Fprintf(b, "(StringLit %s)", strconv.Quote(n.Value))
	case *BoolLit:
		fmt.Fprintf(b, "(BoolLit %t)", n.Value)
	case *NilLit:
		b.WriteString("(NilLit)")
	case *CallExpr:
		b.WriteString("(CallExpr")
		field("Name", n.Name)
		if len(n.Args) > 0 {
			b.WriteString(" Args=")
			list(b, len(n.Args), func(i int) any { return n.Args[i] })
		}
		b.WriteString(")")
	case *Arg:
		if n.Name == "" {
			dump(b, n.Value)
			return
		}
		fmt.Fprintf(b, "(Arg Name=%s ", n.Name)
		dump(b, n.Value)
		b.WriteString(")")
	case *IndexExpr:
		b.WriteString("(IndexExpr")
		field("X", n.X)
		field("Index", n.Index)
		b.WriteString(")")
	case *SelectorExpr:
		b.WriteString("(SelectorExpr")
		field("X", n.X)
		field("Name", n.Name)
		b.WriteString(")")
	case *UnaryExpr:
		b.WriteString("(UnaryExpr")
		field("Op", n.Op)
		field("X", n.X)
		b.WriteString(")")
	case *BinaryExpr:
		b.WriteString("(BinaryExpr")
		field("X", n.X)
		field("Op", n.Op)
		field("Y", n.Y)
		b.WriteString(")")
	case *ParenExpr:
		b.WriteString("(ParenExpr")
		field("X", n.X)
		b.WriteString(")")
	default:
		fmt.Fprintf(b, "(?%T)", n)
	}
}

func list(b *strings.Builder, n int, elem func(int) any) {
	b.WriteString("(")
	for i := range n {
		if i > 0 {
			b.WriteString(" ")
		}
		dump(b, elem(i))
	}
	b.WriteString(")")
}

// isNil reports whether v is nil, a nil pointer held in an interface, or
// an empty list of items.
func isNil(v any) bool {
	if items, ok := v.([]Item); ok {
		return len(items) == 0
	}
	rv := reflect.ValueOf(v)
	return !rv.IsValid() || rv.Kind() == reflect.Pointer && rv.IsNil()
}
