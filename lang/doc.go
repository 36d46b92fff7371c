// Package lang is the front end of mmscript: the lexer, the participle
// grammar, the AST, source positions and syntax errors.
//
// A script is a sequence of top-level items: declarations and statements
// that run once as set-up, `thread` blocks that run concurrently after the
// set-up, `ops` blocks (a vm_operations_struct whose handlers the runtime
// calls in the kernel's locking context), `func` helpers, and `expect`
// lines that state the outcome the script must have.
//
// lang imports nothing else of mmscript. Every error it returns is a
// [Error] or [ErrorList] carrying a file:line:col position.
package lang
