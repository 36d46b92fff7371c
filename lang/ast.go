package lang

// File is a parsed script.
type File struct {
	Pos   Pos
	Name  string // the filename given to Parse
	Items []Item
	End   Pos // the end of the input, where the set-up code ends

	Comments []Comment // every comment, in order (fmt puts them back)
}

// An Item is a top-level element of a script: a declaration (thread, ops,
// func, expect) or a set-up statement.
//
//sumtype:decl
type Item interface{ item() }

// A Stmt is a statement inside a block; set-up statements are also Items.
//
//sumtype:decl
type Stmt interface {
	Item
	stmt()
	Position() Pos
}

// An Expr is an expression.
//
//sumtype:decl
type Expr interface {
	expr()
	Position() Pos
}

// ThreadDecl is `thread NAME { ... }`: a kernel thread that starts after the
// set-up statements have run.
type ThreadDecl struct {
	Pos  Pos
	Name string
	Body *Block
}

// OpsDecl is `ops NAME { handler(params) { ... } ... }`: a
// vm_operations_struct (fault, map_pages, page_mkwrite, open, close) plus the
// file's mmap hook (f_op->mmap), called by the runtime with the locks the
// kernel holds there.
type OpsDecl struct {
	Pos      Pos
	Name     string
	Handlers []*FuncDef
	Close    *RBrace
}

// FuncDecl is `func NAME(params) { ... }`: a helper callable from scripts.
type FuncDecl struct {
	Pos Pos
	Def *FuncDef
}

// FuncDef is a named function with parameters and a body; handlers and
// helpers share it.
type FuncDef struct {
	Pos    Pos
	Name   string
	Params []string
	Body   *Block
}

// ExpectDecl states an outcome the script must have; a directory of scripts
// with expectations is a test suite.
type ExpectDecl struct {
	Pos    Pos
	Kind   string // ok, deadlock, violation, fatal, error or single_run
	Text   string // the substring a diagnostic must contain
	AtLine int    // the line it must be reported at; 0 for any
	// Quant says in how many interleavings: "always", "sometimes",
	// "never", or "" (the default: ok means always; a finding, sometimes).
	Quant string

	textRaw string // Text as written, for fmt
}

// KernelDecl is `kernel 5.15` (or `kernel mainline`): the kernel the
// script models, at the top level, once. The interpreter parses Version
// (runtime.ParseKernelVersion); -kernel given on the command line
// overrides it, with a note.
type KernelDecl struct {
	Pos     Pos
	Version string // "5.15", "mainline", "newest"
}

// Block is `{ stmt* }`.
type Block struct {
	Pos   Pos
	Stmts []Stmt
	Close *RBrace
}

// RBrace is a block's closing brace: where a thread or handler ends, the
// place a lock still held at exit is reported.
type RBrace struct {
	Pos   Pos
	Brace string `parser:"@'}'"`
}

// VarDecl is `TYPE NAME [= EXPR]`, e.g. `mm m`, `vma v = mmap(...)`.
type VarDecl struct {
	Pos   Pos
	Type  string
	Name  string
	Value Expr
}

// AssignStmt is `NAME = EXPR`; it declares NAME in the current scope when it
// is new. `NAME OP= EXPR` (+=, -=, *=, /=, %=, &=, |=, ^=, <<=, >>=) is
// NAME = NAME OP (EXPR), with Op the binary operator; NAME must exist.
type AssignStmt struct {
	Pos   Pos
	Name  string
	Op    string // "" for plain "="
	Value Expr
}

// FieldAssignStmt is `X.NAME = EXPR` (Op "" ) or `X.NAME op= EXPR`: a
// store to a field of a kernel object, as C writes vma->vm_flags =
// newflags. The compiler turns it into the kernel's setter of that field.
type FieldAssignStmt struct {
	Pos   Pos
	X     *SelectorExpr
	Op    string // "" for plain "="
	Value Expr
}

// DerefAssignStmt is `*X = EXPR` or `*X op= EXPR`: a store through a
// pointer to a variable, as the kernel's `*unlocked = true` stores through
// fixup_user_fault()'s bool *unlocked. X is the pointer (a parameter given
// &var).
type DerefAssignStmt struct {
	Pos   Pos // the "*"
	X     Expr
	Op    string // "" for plain "="
	Value Expr
}

// IndexAssignStmt is `X[INDEX] = EXPR`: a store into a page array, as C's
// pages[i] = page.
type IndexAssignStmt struct {
	Pos   Pos
	X     *IndexExpr
	Value Expr
}

// ExprStmt is an expression used as a statement; it must be a call.
type ExprStmt struct {
	Pos Pos
	X   Expr
}

// IfStmt is `if COND { ... } [else if ... | else { ... }]`.
type IfStmt struct {
	Pos  Pos
	Cond Expr
	Then *Block
	Else *ElseIf
}

// ElseIf is the else branch of an IfStmt: another if, or a block.
type ElseIf struct {
	Pos   Pos
	If    *IfStmt
	Block *Block
}

// ForStmt is `for NAME in LO..HI { ... }`: HI-LO iterations, NAME from LO up
// to HI-1, the bounds evaluated once; or `for NAME in X { ... }` with Lo
// and Hi nil: NAME takes each value the iterator X gives, e.g. each VMA
// of vmas(mm, start, end) (the kernel's for_each_vma_range()).
//
// The kernel's loop macros parse to a ForStmt with Macro set:
// for_each_vma(vmi, vma) { ... } has Var "vma" and X the call
// for_each_vma(vmi), for_each_vma_range(vmi, vma, end) { ... } X
// for_each_vma_range(vmi, end): the loop variable is the macro's second
// argument, as C writes it.
type ForStmt struct {
	Pos   Pos
	Var   string
	Lo    Expr
	Hi    Expr
	X     Expr
	Body  *Block
	Macro bool
}

// LoopMacros are the kernel's loop macros a statement may start with,
// NAME(iterator, var[, more]) { ... }, and the arguments each takes.
var LoopMacros = map[string]int{"for_each_vma": 2, "for_each_vma_range": 3}

// WhileStmt is `while COND { ... }`: the kernel's while loops. Only the
// step limit bounds it.
type WhileStmt struct {
	Pos  Pos
	Cond Expr
	Body *Block
}

// BranchStmt is `break` or `continue`, in a for, repeat or while loop.
type BranchStmt struct {
	Pos Pos
	Tok string // "break" or "continue"
}

// GotoStmt is `goto LABEL`: a jump to the LabelStmt of that name in the
// same body (func, handler, thread or the set-up code), in the goto's
// block or a block around it, as Go's goto (the kernel's `goto
// out_unlock`, `goto retry`).
type GotoStmt struct {
	Pos      Pos
	Label    string
	LabelPos Pos // the position of the label's name after goto
}

// LabelStmt is `LABEL:`, the target of a goto; it does nothing itself.
// It stands before the statement it labels, or before the "}" of its
// block, as C's `out: }` (the null statement) does.
type LabelStmt struct {
	Pos  Pos
	Name string
}

// RepeatStmt is `repeat N { ... }`.
type RepeatStmt struct {
	Pos   Pos
	Count Expr
	Body  *Block
}

// AssertStmt is `assert COND [, "message"]`.
type AssertStmt struct {
	Pos  Pos
	Cond Expr
	Msg  string

	msgRaw string // Msg as written, for fmt
}

// ReturnStmt is `return [EXPR]`; the value must start on the same line.
type ReturnStmt struct {
	Pos   Pos
	Value Expr
}

// Ident is a name.
type Ident struct {
	Pos  Pos
	Name string
}

// IntLit is an integer literal (decimal or 0x hex, '_' separators allowed).
type IntLit struct {
	Pos   Pos
	Value int64
	Text  string
}

// StringLit is a double-quoted string literal.
type StringLit struct {
	Pos   Pos
	Value string

	raw string // as written, quotes included, for fmt
}

// BoolLit is true or false.
type BoolLit struct {
	Pos   Pos
	Value bool
}

// NilLit is nil: no object (a failed lookup returns it). The kernel's
// NULL is the same literal, kept as written.
type NilLit struct {
	Pos  Pos
	null bool // spelled NULL
}

// CallExpr is NAME(args): a kernel operation, a builtin or a script func.
type CallExpr struct {
	Pos    Pos // position of the name
	Name   string
	Args   []*Arg
	RParen Pos
}

// Arg is a call argument, positional or named (`pages=16`).
type Arg struct {
	Pos   Pos
	Name  string // "" for a positional argument
	Value Expr
}

// SelectorExpr is X.NAME: a field of an object (vmf.address, v.vm_start).
// The kernel's X->NAME (vma->vm_mm, vmf->address) is the same: mmscript's
// objects are references, so "->" is a synonym of ".", kept as written by
// fmt.
type SelectorExpr struct {
	Pos   Pos // position of the dot (or the arrow)
	X     Expr
	Name  string
	arrow bool // spelled X->NAME, for fmt
}

// IndexExpr is X[INDEX]: an element of a page array, as C's pages[i]
// (struct page **pages, filled by GUP).
type IndexExpr struct {
	Pos    Pos // position of the "["
	X      Expr
	Index  Expr
	RBrack Pos
}

// UnaryExpr is OP X with OP one of - ! ~ not & (~ is C's bitwise
// complement, as in flags &= ~FOLL_WRITE; & passes a variable by
// reference where the kernel takes a pointer to it, vm_insert_pages(vma,
// addr, pages, &num): the compiler accepts it there only).
type UnaryExpr struct {
	Pos Pos
	Op  string // "-", "!" (also for "not"), "~" or "&"
	X   Expr

	spelled string // Op as written, for fmt
}

// BinaryExpr is X OP Y.
type BinaryExpr struct {
	Pos Pos    // position of the operator
	Op  string // "&&" and "||" also for "and" and "or"
	X   Expr
	Y   Expr

	spelled string // Op as written, for fmt
}

// ParenExpr is (X).
type ParenExpr struct {
	Pos    Pos
	X      Expr
	RParen Pos
}

func (*ThreadDecl) item()      {}
func (*OpsDecl) item()         {}
func (*FuncDecl) item()        {}
func (*ExpectDecl) item()      {}
func (*KernelDecl) item()      {}
func (*VarDecl) item()         {}
func (*AssignStmt) item()      {}
func (*FieldAssignStmt) item() {}
func (*IndexAssignStmt) item() {}
func (*DerefAssignStmt) item() {}
func (*ExprStmt) item()        {}
func (*IfStmt) item()          {}
func (*ForStmt) item()         {}
func (*RepeatStmt) item()      {}
func (*WhileStmt) item()       {}
func (*BranchStmt) item()      {}
func (*GotoStmt) item()        {}
func (*LabelStmt) item()       {}
func (*AssertStmt) item()      {}
func (*ReturnStmt) item()      {}

func (*VarDecl) stmt()         {}
func (*AssignStmt) stmt()      {}
func (*FieldAssignStmt) stmt() {}
func (*IndexAssignStmt) stmt() {}
func (*DerefAssignStmt) stmt() {}
func (*ExprStmt) stmt()        {}
func (*IfStmt) stmt()          {}
func (*ForStmt) stmt()         {}
func (*RepeatStmt) stmt()      {}
func (*WhileStmt) stmt()       {}
func (*BranchStmt) stmt()      {}
func (*GotoStmt) stmt()        {}
func (*LabelStmt) stmt()       {}
func (*AssertStmt) stmt()      {}
func (*ReturnStmt) stmt()      {}

func (s *VarDecl) Position() Pos         { return s.Pos }
func (s *AssignStmt) Position() Pos      { return s.Pos }
func (s *FieldAssignStmt) Position() Pos { return s.Pos }
func (s *IndexAssignStmt) Position() Pos { return s.Pos }
func (s *DerefAssignStmt) Position() Pos { return s.Pos }
func (s *ExprStmt) Position() Pos        { return s.Pos }
func (s *IfStmt) Position() Pos          { return s.Pos }
func (s *ForStmt) Position() Pos         { return s.Pos }
func (s *RepeatStmt) Position() Pos      { return s.Pos }
func (s *WhileStmt) Position() Pos       { return s.Pos }
func (s *BranchStmt) Position() Pos      { return s.Pos }
func (s *GotoStmt) Position() Pos        { return s.Pos }
func (s *LabelStmt) Position() Pos       { return s.Pos }
func (s *AssertStmt) Position() Pos      { return s.Pos }
func (s *ReturnStmt) Position() Pos      { return s.Pos }

func (*Ident) expr()        {}
func (*IntLit) expr()       {}
func (*StringLit) expr()    {}
func (*BoolLit) expr()      {}
func (*NilLit) expr()       {}
func (*CallExpr) expr()     {}
func (*SelectorExpr) expr() {}
func (*IndexExpr) expr()    {}
func (*UnaryExpr) expr()    {}
func (*BinaryExpr) expr()   {}
func (*ParenExpr) expr()    {}

func (e *Ident) Position() Pos        { return e.Pos }
func (e *IntLit) Position() Pos       { return e.Pos }
func (e *StringLit) Position() Pos    { return e.Pos }
func (e *BoolLit) Position() Pos      { return e.Pos }
func (e *NilLit) Position() Pos       { return e.Pos }
func (e *CallExpr) Position() Pos     { return e.Pos }
func (e *SelectorExpr) Position() Pos { return e.Pos }
func (e *IndexExpr) Position() Pos    { return e.Pos }
func (e *UnaryExpr) Position() Pos    { return e.Pos }
func (e *BinaryExpr) Position() Pos   { return e.Pos }
func (e *ParenExpr) Position() Pos    { return e.Pos }

var (
	_ Item = (*ThreadDecl)(nil)
	_ Item = (*OpsDecl)(nil)
	_ Item = (*FuncDecl)(nil)
	_ Item = (*ExpectDecl)(nil)
	_ Item = (*KernelDecl)(nil)
	_ Stmt = (*VarDecl)(nil)
	_ Stmt = (*AssignStmt)(nil)
	_ Stmt = (*FieldAssignStmt)(nil)
	_ Stmt = (*IndexAssignStmt)(nil)
	_ Stmt = (*DerefAssignStmt)(nil)
	_ Stmt = (*ExprStmt)(nil)
	_ Stmt = (*IfStmt)(nil)
	_ Stmt = (*ForStmt)(nil)
	_ Stmt = (*RepeatStmt)(nil)
	_ Stmt = (*WhileStmt)(nil)
	_ Stmt = (*BranchStmt)(nil)
	_ Stmt = (*GotoStmt)(nil)
	_ Stmt = (*LabelStmt)(nil)
	_ Stmt = (*AssertStmt)(nil)
	_ Stmt = (*ReturnStmt)(nil)
	_ Expr = (*Ident)(nil)
	_ Expr = (*IntLit)(nil)
	_ Expr = (*StringLit)(nil)
	_ Expr = (*BoolLit)(nil)
	_ Expr = (*NilLit)(nil)
	_ Expr = (*CallExpr)(nil)
	_ Expr = (*SelectorExpr)(nil)
	_ Expr = (*IndexExpr)(nil)
	_ Expr = (*UnaryExpr)(nil)
	_ Expr = (*BinaryExpr)(nil)
	_ Expr = (*ParenExpr)(nil)
)
