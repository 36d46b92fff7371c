# Syntax and static-check errors. Chunks are separated by "---" lines and
# parsed separately; a line that must fail ends with three # and a quoted
# regexp (see TestErrorsFile).
mm m
vma v = mmap(m, pages=16, flags=shared|fixed)
thread t1 {
	mmap_read_lock(m)
	mmap_read_unlock(m)
}
expect ok
---
x = 1 + ### "unexpected end of input, want expression"
---
x = (1 ### `unexpected end of input, want "\)"`
---
mm m
x = m. ### `unexpected end of input, want field name`
---
vma v = mmap(m pages=16) ### `unexpected name pages, want "," or "\)"`
---
thread if { ### `unexpected keyword if, want name`
}
---
thread t {
	vma for = mmap(m) ### `unexpected "=", want name`
}
---
thread t {
	x = ) ### `unexpected "\)", want expression`
}
---
thread t {
	f() ### `unexpected end of input, want "}"`
---
x = "abc ### "unterminated string literal"
---
x = "a\qb" ### `invalid escape sequence \\q`
---
x = 0xzz ### "malformed integer literal 0xzz"
---
x = 99999999999999999999 ### "integer literal 99999999999999999999 out of range"
---
x = a @ b ### "invalid character U\\+0040 '@'"
---
x = $y ### "invalid character U\\+0024"
---
ops drv {
	fault(vmf) { return 0 }
	fault(vmf) { return 1 } ### "handler fault redeclared \\(previous declaration at testdata/errors.mms:48:2\\)"
}
---
thread t {}
thread t {} ### "thread t redeclared"
ops o {}
ops o {} ### "ops o redeclared"
func f(a, a) {} ### "duplicate parameter a in f"
func f() {} ### "func f redeclared"
---
thread t {
	return ### "return outside a handler or func"
}
return 1 ### "return outside a handler or func"
---
func f() {
	return
	g() # not swallowed by the return
	1 + 2 ### "expression is not a statement"
	g()
	v.vm_start ### "expression is not a statement"
}
---
expect violation ### "expect violation needs a quoted message substring"
expect ok "no" ### "expect ok takes no message or line"
expect ok at 3 ### "expect ok takes no message or line"
expect fatal ### "expect fatal needs"
expect error ### "expect error needs"
---
expect violation "s" at 0 ### "line number 0 out of range"
---
expect violation "s" at x ### "unexpected name x, want line number"
---
expect bogus ### "unexpected name bogus, want ok, deadlock, violation, fatal, error or single_run"
---
# Deep nesting is an error, not a stack overflow.
x = (((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))) ### "expression nested deeper than the limit of 1000 \\(raise it with -max-expr-depth\\)"
---
x = -----------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------1 ### "expression nested deeper than the limit"
---
# Good: every form of statement.
mm m
file fd = open_file("x")
vma v = mmap(m, pages=0x10, flags=shared|fixed, ops=drv); n = 1_000
ops drv {
	fault(vmf) {
		if vmf.write and not vmf.shared { return 1 } else if vmf.pgoff > 3 { return 2 } else { }
		return
	}
}
func helper(a, b) { return a * (b + 1) }
thread t {
	for i in 0..n { repeat 2 { assert helper(i, 2) >= 0, "positive" } }
}
expect violation "mmap_lock not held" at 12
