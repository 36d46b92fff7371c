package lang

import (
	"errors"
	"strings"
	"testing"
)

// errorLines returns one file:line:col: message line per error in err,
// checking that err is an ErrorList whose errors are all in filename.
func errorLines(t *testing.T, filename string, err error) string {
	t.Helper()
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %v (%T) is not an ErrorList", err, err)
	}
	var lines []string
	for _, e := range list {
		if e.Pos.Filename != filename || !e.Pos.IsValid() {
			t.Errorf("error %q has position %+v, want a line in %s", e.Msg, e.Pos, filename)
		}
		lines = append(lines, e.Error())
	}
	return strings.Join(lines, "\n")
}

func deep(open, x, close string, n int) string {
	return strings.Repeat(open, n) + x + strings.Repeat(close, n)
}

// blocks returns a thread whose body is n nested blocks.
func blocks(n int) string {
	return "thread t " + strings.Repeat("{ if x ", n-1) + "{" + strings.Repeat("}", n)
}

const (
	maxNesting = 100  // DefaultLimits.MaxNesting
	maxExpr    = 1000 // DefaultLimits.MaxExprDepth
)

// elseIfs returns an if statement with n else-if arms.
func elseIfs(n int) string {
	return "if x { f() }" + strings.Repeat(" else if x { f() }", n)
}

// errorTests pairs bad sources with their errors, one file:line:col:
// message line each ("" when the source is good); FuzzParse uses them as
// seeds.
var errorTests = []struct{ src, want string }{
	// Unexpected tokens and end of input.
	{`x = )`, `e.mms:1:5: unexpected ")", want expression`},
	{`x = m->mmap_lock`, ""},
	{`x = m->`, `e.mms:1:8: unexpected end of input, want field name`},
	{"*p = 1\n*p += x\nf(*p)", ""},
	{`*p = `, `e.mms:1:6: unexpected end of input, want expression`},
	{`x = m - > y`, `e.mms:1:9: unexpected ">", want expression`},
	{`x = 1 +`, `e.mms:1:8: unexpected end of input, want expression`},
	{`x = 1 )`, `e.mms:1:7: unexpected ")"`},
	{`}`, `e.mms:1:1: unexpected "}"`},
	{`else {}`, `e.mms:1:1: unexpected keyword else`},
	{`x = (1`, `e.mms:1:7: unexpected end of input, want ")" (the "(" at 1:5 is not closed)`},
	{`x = (1 2)`, `e.mms:1:8: unexpected integer 2, want ")"`},
	{`x = f(a b)`, `e.mms:1:9: unexpected name b, want "," or ")"`},
	{`x = f(a,`, `e.mms:1:9: unexpected end of input, want expression (the "(" at 1:6 is not closed)`},
	{`x = f(,)`, `e.mms:1:7: unexpected ",", want expression`},
	{`f(a=)`, `e.mms:1:5: unexpected ")", want expression`},
	{`x = a.`, `e.mms:1:7: unexpected end of input, want field name`},
	{`x = a.1`, `e.mms:1:7: unexpected integer 1, want field name`},
	{`x = a."s"`, `e.mms:1:7: unexpected string "s", want field name`},
	{`x = not`, `e.mms:1:8: unexpected end of input, want expression`},
	{`x = 1 == == 2`, `e.mms:1:10: unexpected "==", want expression`},
	{`x = a..b`, `e.mms:1:6: unexpected ".."`},
	{`x =`, `e.mms:1:4: unexpected end of input, want expression`},
	{`mm m =`, `e.mms:1:7: unexpected end of input, want expression`},
	{`thread`, `e.mms:1:7: unexpected end of input, want name`},
	{`thread t`, `e.mms:1:9: unexpected end of input, want "{"`},
	{`thread t {`, `e.mms:1:11: unexpected end of input, want "}" (the "{" at 1:10 is not closed)`},
	{"mm m\nthread a {\n  if x {\n    f()\n  }\n", `e.mms:6:1: unexpected end of input, want "}" (the "{" at 2:10 is not closed)`},
	{"thread a {\n  f(1,\n", `e.mms:3:1: unexpected end of input, want expression (the "(" at 2:4 is not closed)`},
	{`thread t { x = }`, `e.mms:1:16: unexpected "}", want expression`},
	{`thread t { thread u {} }`, `e.mms:1:12: unexpected keyword thread, want "}"`},
	{`thread t { } }`, `e.mms:1:14: unexpected "}"`},
	{`if x }`, `e.mms:1:6: unexpected "}", want "{"`},
	{`if {}`, `e.mms:1:4: unexpected "{", want expression`},
	{`if x {} else }`, `e.mms:1:14: unexpected "}", want "if" or "{"`},
	{`if x {} else x {}`, `e.mms:1:14: unexpected name x, want "if" or "{"`},
	{`for 1 in 0..3 {}`, `e.mms:1:5: unexpected integer 1, want name`},
	{`for i 0..3 {}`, `e.mms:1:7: unexpected integer 0, want "in"`},
	{`for i in 0 3 {}`, `e.mms:1:12: unexpected integer 3, want ".." or "{"`},
	{`while {}`, `e.mms:1:7: unexpected "{", want expression`},
	{`break`, `e.mms:1:1: break is not in a loop (for, while or repeat)`},
	{`func f() { if x { continue } }`, `e.mms:1:19: continue is not in a loop (for, while or repeat)`},
	{`x += `, `e.mms:1:6: unexpected end of input, want expression`},
	{`for i in 0..3`, `e.mms:1:14: unexpected end of input, want "{"`},
	{`repeat {}`, `e.mms:1:8: unexpected "{", want expression`},
	{`assert`, `e.mms:1:7: unexpected end of input, want expression`},
	{`assert x,`, `e.mms:1:10: unexpected end of input, want string`},
	{`assert x, y`, `e.mms:1:11: unexpected name y, want string`},
	{`func`, `e.mms:1:5: unexpected end of input, want name`},
	{`func f`, `e.mms:1:7: unexpected end of input, want "("`},
	{`func f(a b) {}`, `e.mms:1:10: unexpected name b, want "," or ")"`},
	{`func f(a, ) {}`, `e.mms:1:11: unexpected ")", want name`},
	{`func f() `, `e.mms:1:10: unexpected end of input, want "{"`},
	{`func f() { return 1 + }`, `e.mms:1:23: unexpected "}", want expression`},
	{`func f() { return ) }`, `e.mms:1:19: unexpected ")", want "}"`},
	{`ops o { 12 }`, `e.mms:1:9: unexpected integer 12, want "}"`},
	{`ops o { fault(vmf) {}`, `e.mms:1:22: unexpected end of input, want "}" (the "{" at 1:7 is not closed)`},
	{`ops o { fault {} }`, `e.mms:1:15: unexpected "{", want "("`},
	{"x = 1\n  y = )", `e.mms:2:7: unexpected ")", want expression`},
	{"thread t {\n\tf(\n}", `e.mms:3:1: unexpected "}", want expression`},

	// Keywords are not names.
	{`thread if {}`, `e.mms:1:8: unexpected keyword if, want name`},
	{`func return() {}`, `e.mms:1:6: unexpected keyword return, want name`},
	{`func f(nil) {}`, `e.mms:1:8: unexpected keyword nil, want name or ")"`},
	{`mm if`, `e.mms:1:6: unexpected end of input, want expression`},
	{`if = 3`, `e.mms:1:4: unexpected "=", want expression`},
	{`for true in 0..1 {}`, `e.mms:1:5: unexpected keyword true, want name`},
	{`x = a.if`, `e.mms:1:7: unexpected keyword if, want field name`},
	{`f(for=1)`, `e.mms:1:3: unexpected keyword for, want expression`},

	// Expect lines.
	{`expect`, `e.mms:1:7: unexpected end of input, want ok, deadlock, violation, fatal, error or single_run`},
	{`expect foo`, `e.mms:1:8: unexpected name foo, want ok, deadlock, violation, fatal, error or single_run`},
	{"expect\nok", `e.mms:1:1: expect needs an outcome: ok, deadlock, violation, fatal, error or single_run`},
	{`expect violation`, `e.mms:1:1: expect violation needs a quoted message substring`},
	{`expect fatal`, `e.mms:1:1: expect fatal needs a quoted message substring`},
	{`expect error at 3`, `e.mms:1:1: expect error needs a quoted message substring`},
	{"expect violation\n\"s\"", "e.mms:1:1: expect violation needs a quoted message substring\ne.mms:2:1: expression is not a statement: only a call can stand alone"},
	{`expect ok "x"`, `e.mms:1:1: expect ok takes no message or line`},
	{`expect ok at 3`, `e.mms:1:1: expect ok takes no message or line`},
	{`thread main { }`, `e.mms:1:1: thread name main is reserved for the set-up code`},
	{"x = a\n(b)", `e.mms:2:1: expression is not a statement: only a call can stand alone`},
	{"x = 1\n+ 2", `e.mms:2:1: unexpected "+"`},
	{"x = 1 +\n 2", ``},
	{"f()\n-g()", `e.mms:2:1: expression is not a statement: only a call can stand alone`},
	{"mm\nm", "e.mms:1:1: expression is not a statement: only a call can stand alone\ne.mms:2:1: expression is not a statement: only a call can stand alone"},
	{`expect violation "s" at`, `e.mms:1:24: unexpected end of input, want line number`},
	{`expect violation "s" at x`, `e.mms:1:25: unexpected name x, want line number`},
	{"expect violation \"s\" at\n3", `e.mms:2:1: unexpected integer 3, want line number`},
	{`expect violation "s" at 0`, `e.mms:1:25: line number 0 out of range`},
	{`expect violation "s" at 1_0000_0000_0000`, `e.mms:1:25: line number 1_0000_0000_0000 out of range`},
	{`expect violation "s" at 12ab`, `e.mms:1:25: malformed integer literal 12ab`},
	{`expect violation "s" at 99999999999999999999`, `e.mms:1:25: integer literal 99999999999999999999 out of range`},
	{`expect violation "s" "t"`, `e.mms:1:22: expression is not a statement: only a call can stand alone`},

	// Literals and characters.
	{`x = 0xzz`, `e.mms:1:5: malformed integer literal 0xzz`},
	{`x = 12ab`, `e.mms:1:5: malformed integer literal 12ab`},
	{`x = 0x`, `e.mms:1:5: malformed integer literal 0x`},
	{`x = 0x_`, `e.mms:1:5: malformed integer literal 0x_`},
	{`x = 1.5`, `e.mms:1:7: unexpected integer 5, want field name`},
	{`x = 9223372036854775808`, `e.mms:1:5: integer literal 9223372036854775808 out of range`},
	{`x = 99999999999999999999`, `e.mms:1:5: integer literal 99999999999999999999 out of range`},
	{`x = 0x8000000000000000`, `e.mms:1:5: integer literal 0x8000000000000000 out of range`},
	{`x = "abc`, `e.mms:1:5: unterminated string literal`},
	{"x = \"a\nb\"", `e.mms:1:5: unterminated string literal`},
	{`x = "abc\"`, `e.mms:1:5: unterminated string literal`},
	{`x = "a\q"`, `e.mms:1:7: invalid escape sequence \q in string literal`},
	{`x = "é\'"`, `e.mms:1:7: invalid escape sequence \' in string literal`},
	{`x = "\x4"`, `e.mms:1:6: invalid escape sequence \x4 in string literal`},
	{`x = "\u12"`, `e.mms:1:6: invalid escape sequence \u12 in string literal`},
	{`x = "\400"`, `e.mms:1:6: invalid escape sequence \400 in string literal`},
	{`x = @`, `e.mms:1:5: invalid character U+0040 '@'`},
	{`$`, `e.mms:1:1: invalid character U+0024 '$'`},
	{"\tx = a[1", `e.mms:1:9: unexpected end of input, want "]"`},
	{"\ta[1] += p", `e.mms:1:7: += on an element of a page array: only = stores into it (pages[i] = page)`},
	{"\tx = a]", `e.mms:1:7: unexpected "]"`},
	{"x = 1\n  €", `e.mms:2:3: invalid character U+20AC '€'`},
	{"x = \x00", `e.mms:1:5: invalid character U+0000`},
	{"x = \xff", `e.mms:1:5: invalid UTF-8 encoding`},
	{"\xff\xfem\x00m\x00", `e.mms:1:1: the file is UTF-16 (it starts with a UTF-16 byte order mark); a script must be UTF-8`},
	{"\xfe\xff\x00m\x00m", `e.mms:1:1: the file is UTF-16 (it starts with a UTF-16 byte order mark); a script must be UTF-8`},
	{"\xefm m", `e.mms:1:1: invalid UTF-8 encoding`},
	{"x = 'a'", `e.mms:1:5: invalid character U+0027 '''`},

	// Static checks.
	{`x`, `e.mms:1:1: expression is not a statement: only a call can stand alone`},
	{`1 + 2`, `e.mms:1:1: expression is not a statement: only a call can stand alone`},
	{`v.vm_start`, `e.mms:1:1: expression is not a statement: only a call can stand alone`},
	{`(f())`, `e.mms:1:1: expression is not a statement: only a call can stand alone`},
	{`mm m = 1 2`, `e.mms:1:10: expression is not a statement: only a call can stand alone`},
	{`thread t { if a { } else { x } }`, `e.mms:1:28: expression is not a statement: only a call can stand alone`},
	{`return`, `e.mms:1:1: return outside a handler or func`},
	{`return 1`, `e.mms:1:1: return outside a handler or func`},
	{`thread t { return }`, `e.mms:1:12: return outside a handler or func`},
	{`thread t { for i in 0..2 { repeat 2 { if x { } else if y { return } } } }`, `e.mms:1:60: return outside a handler or func`},
	{`thread t {}; thread t {}`, `e.mms:1:14: thread t redeclared (previous declaration at e.mms:1:1)`},
	{"ops o {}\nops o {}", `e.mms:2:1: ops o redeclared (previous declaration at e.mms:1:1)`},
	{"func f() {}\nfunc f() {}", `e.mms:2:1: func f redeclared (previous declaration at e.mms:1:1)`},
	{`ops o { fault(vmf) {} fault(x) {} }`, `e.mms:1:23: handler fault redeclared (previous declaration at e.mms:1:9)`},
	{`func f(a, a) {}`, `e.mms:1:6: duplicate parameter a in f`},
	{`ops o { open(v, v) {} }`, `e.mms:1:9: duplicate parameter v in open`},
	{`func f(a, b, a, b, a) {}`, "e.mms:1:6: duplicate parameter a in f\ne.mms:1:6: duplicate parameter b in f"},
	{"thread t {}\nfunc t() {}\nops t {}", ``}, // separate name spaces
	{"x\nthread t {}\nthread t { return }\nexpect ok \"m\"",
		"e.mms:1:1: expression is not a statement: only a call can stand alone\n" +
			"e.mms:3:1: thread t redeclared (previous declaration at e.mms:2:1)\n" +
			"e.mms:3:12: return outside a handler or func\n" +
			"e.mms:4:1: expect ok takes no message or line"},

	// goto and labels, with Go's rules.
	{"goto", `e.mms:1:5: unexpected end of input, want label name`},
	{"goto\nout\nout:", `e.mms:2:1: unexpected name out, want label name`},
	{"goto 3", `e.mms:1:6: unexpected integer 3, want label name`},
	{"goto out", `e.mms:1:6: label out not defined`},
	{"thread t { goto out }\nout:", "e.mms:1:17: label out not defined\ne.mms:2:1: label out defined and not used"},
	{"func f() { out: }\nthread t { goto out }", "e.mms:1:12: label out defined and not used\ne.mms:2:17: label out not defined"},
	{"out: f()", `e.mms:1:1: label out defined and not used`},
	{"out:\nout:\ngoto out", `e.mms:2:1: label out already defined at e.mms:1:1`},
	{"thread t {\n  goto in\n  if x {\n  in:\n    f()\n  }\n}", `e.mms:2:3: goto in jumps into block starting at e.mms:3:8`},
	{"thread t {\n  if x { goto in } else {\n  in: f() }\n}", `e.mms:2:10: goto in jumps into block starting at e.mms:2:25`},
	{"thread t { for i in 0..2 { while x { in: f() } }\n goto in }", `e.mms:2:2: goto in jumps into block starting at e.mms:1:26`},
	{"thread t { repeat 2 { a: f() }\n repeat 2 { goto a } }", `e.mms:2:13: goto a jumps into block starting at e.mms:1:21`},
	{"thread t { if x { a: f() } else if y { goto a } }", `e.mms:1:40: goto a jumps into block starting at e.mms:1:17`},
	{"thread t { if x { if y { goto a } }\n a: f() }", ``},    // out of two blocks
	{"thread t { a: f()\n while x { if y { goto a } } }", ``}, // backward, out of a loop
	{"thread t { while x { a: f(); if y { goto a } } }", ``},  // into the goto's own enclosing block
	{"thread t { goto a; a: }\nthread u { goto a; a: }", ``},  // local to the body
	{"thread t { goto a; a: }\ngoto a\na:", ``},               // the set-up code is a body of its own
	{"goto a\nthread t {}\na:", ``},
	{"ops o { fault(vmf) { goto out; out: return 0 } }", ``},
	{"ops o { fault(vmf) { goto out }\n close(v) { out: } }", "e.mms:1:27: label out not defined\ne.mms:2:13: label out defined and not used"}, // across a declaration, in the set-up code
	{"thread t { goto = 1 }", `e.mms:1:17: unexpected "=", want label name`},                                                                   // a keyword

	// Nesting.
	{"x = " + deep("(", "1", ")", maxExpr-1), ``},
	{"x = " + deep("(", "1", ")", maxExpr), ``},
	{"x = " + deep("(", "1", ")", maxExpr+1), `e.mms:1:1005: expression nested deeper than the limit of 1000 (raise it with -max-expr-depth)`},
	{"x = " + deep("(", "1", ")", 100000), `e.mms:1:1005: expression nested deeper than the limit of 1000 (raise it with -max-expr-depth)`},
	{"x = " + deep("-", "1", "", maxExpr), ``},
	{"x = " + deep("-", "1", "", maxExpr+1), `e.mms:1:1005: expression nested deeper than the limit of 1000 (raise it with -max-expr-depth)`},
	{"x = " + deep("not ", "1", "", 100000), `e.mms:1:4005: expression nested deeper than the limit of 1000 (raise it with -max-expr-depth)`},
	{"x = " + deep("-(", "1", ")", 400), ``},
	{"x = " + deep("-(", "1", ")", 600), `e.mms:1:1005: expression nested deeper than the limit of 1000 (raise it with -max-expr-depth)`},
	{"x = " + deep("f(", "1", ")", 900), ``},
	{"x = " + deep("f(", "1", ")", 1001), `e.mms:1:2006: expression nested deeper than the limit of 1000 (raise it with -max-expr-depth)`},
	{"x = " + strings.Repeat("1 + ", maxExpr) + "1", ``},
	{"x = " + strings.Repeat("1 + ", 1100000) + "1", `e.mms:1:4007: expression nested deeper than the limit of 1000, counting each binary operator of a chain as a level (raise it with -max-expr-depth)`},
	{"x = " + strings.Repeat("a.", 2000) + "b", `e.mms:1:2006: expression nested deeper than the limit of 1000 (raise it with -max-expr-depth)`},
	{blocks(maxNesting), ``},
	{blocks(maxNesting + 1), `e.mms:1:710: blocks nested deeper than the limit of 100 (raise it with -max-nesting)`},
	{blocks(100000), `e.mms:1:710: blocks nested deeper than the limit of 100 (raise it with -max-nesting)`},
	{elseIfs(maxNesting - 1), ``},
	{elseIfs(maxNesting), `e.mms:1:1801: blocks nested deeper than the limit of 100, counting each else if as a level (raise it with -max-nesting)`},
	{elseIfs(300000), `e.mms:1:1801: blocks nested deeper than the limit of 100, counting each else if as a level (raise it with -max-nesting)`},
	{"thread t { " + elseIfs(maxNesting-2) + " }", ``},
	{"thread t { " + elseIfs(maxNesting-1) + " }", `e.mms:1:1794: blocks nested deeper than the limit of 100, counting each else if as a level (raise it with -max-nesting)`},
}

func TestParseErrors(t *testing.T) {
	for _, test := range errorTests {
		_, err := Parse("e.mms", []byte(test.src))
		src := test.src
		if len(src) > 60 {
			src = src[:60] + "..."
		}
		if err == nil {
			if test.want != "" {
				t.Errorf("Parse(%q) succeeded, want error\n%s", src, test.want)
			}
			continue
		}
		if got := errorLines(t, "e.mms", err); got != test.want {
			t.Errorf("Parse(%q) error:\n got %s\nwant %s", src, got, test.want)
		}
	}
}

func TestWantFrom(t *testing.T) {
	for _, test := range []struct{ ebnf, want string }{
		{`Expr "{" ("else" ElseIf)?`, `expression`},
		{`("else" ElseIf)? ";"`, `"else" or ";"`},
		{`(<ident> ("," <ident>)*)? ")" Block`, `name or ")"`},
		{`ElseIf`, `"if" or "{"`},
		{`(Stmt | ";")* RBrace`, `statement, ";" or "}"`},
		{`(?= <ident> <ident>) <ident> <ident>`, `name`},
		{`("a" | "b")? ("c" | ("d" "e")*)* "f"`, `"a", "b", "c", "d" or "f"`},
		{`<int>+ <string>`, `integer`},
		{`"\"" x`, `"\""`},
		{``, ``},
		{`)`, ``},
		{`((("x"`, `"x"`},
	} {
		if got := wantFrom(test.ebnf); got != test.want {
			t.Errorf("wantFrom(%q) = %q, want %q", test.ebnf, got, test.want)
		}
	}
}

// TestMaxThreads: a script may declare MaxThreads threads (1000 by
// default); the next one is an error at its position that names the flag,
// in a file and in a chunk of a session. Format takes any number.
func TestMaxThreads(t *testing.T) {
	threads := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString("thread t" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + strings.Repeat("_", i/78) + " {\n}\n")
		}
		return b.String()
	}
	for _, tt := range []struct {
		name string
		l    Limits
		n    int
		want string
	}{
		{"default, at the limit", DefaultLimits, 1000, ""},
		{"default, one more", DefaultLimits, 1001, "e.mms:2001:1: more threads than the limit of 1000 (raise it with -max-threads)"},
		{"zero is the default", Limits{}, 1001, "e.mms:2001:1: more threads than the limit of 1000 (raise it with -max-threads)"},
		{"raised", Limits{MaxThreads: 2000}, 1001, ""},
		{"lowered", Limits{MaxThreads: 2}, 3, "e.mms:5:1: more threads than the limit of 2 (raise it with -max-threads)"},
	} {
		src := []byte(threads(tt.n))
		_, err := tt.l.Parse("e.mms", src)
		_, cerr := tt.l.ParseChunk("e.mms", src, 1)
		for what, err := range map[string]error{"Parse": err, "ParseChunk": cerr} {
			if tt.want == "" {
				if err != nil {
					t.Errorf("%s: %s: %v", tt.name, what, err)
				}
				continue
			}
			if got := errorLines(t, "e.mms", err); got != tt.want {
				t.Errorf("%s: %s:\n%s\nwant\n%s", tt.name, what, got, tt.want)
			}
		}
		if _, err := tt.l.Format("e.mms", src); err != nil {
			t.Errorf("%s: Format: %v", tt.name, err)
		}
	}
}
