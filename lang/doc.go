// Package lang is the front end of mmscript: the scanner, the parser, the
// AST, source positions, syntax errors, the input limits and the
// formatter.
//
// A script is a sequence of top-level items: declarations and statements
// that run once as set-up, `thread` blocks that run concurrently after the
// set-up, `ops` blocks (a vm_operations_struct whose handlers the runtime
// calls in the kernel's locking context), `func` helpers, and `expect`
// lines that state the outcome the script must have.
//
// The pipeline: a hand-written scanner in the style of go/scanner
// (scanner.go, participle's lexer.Definition) fills a participle
// PeekingLexer that is reused across parses (tokens.go). A participle
// parser reads it: participle parses the file, its items and the thread,
// ops and func declarations from the struct tags of decl.go, and hands
// the definitions of threads, handlers and helpers (a name, parameters
// and a block: ThreadDef, FuncDef) and the runs of set-up statements and
// expect lines to the parser written by hand as custom productions
// (participle.Parseable): statements and blocks (stmt.go), expressions
// by precedence climbing (expr.go), the definitions and the runs
// (decl.go). That parser allocates the nodes of the AST in slabs
// (alloc.go). Grammar prints the EBNF of the
// whole, participle's String of its part followed by the productions
// parsed by hand; testdata/grammar.ebnf pins it. participle's reflective
// parsing costs tens of allocations a node, so it parses the top of the
// grammar, about one node in three statements, and BenchmarkParse
// measures the cost. Statements are not separated by
// semicolons, so a few tokens must be on the line of the one before: a
// call's "(", a binary operator, a VarDecl's name, a return's value.
//
// Limits bound the input (file size, nesting of blocks, height of
// expressions) so that nothing a script holds can exhaust memory or the
// stack of any later stage; ReadFile reads a script without blocking on a
// FIFO or reading /dev/zero forever. Format prints a script in the one
// canonical layout, keeping its comments (mmscript fmt).
//
// lang imports nothing else of mmscript. Every error it returns is a
// [Error] or [ErrorList] carrying a file:line:col position.
package lang
