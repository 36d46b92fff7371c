package runtime

import (
	"errors"
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// The vm_operations_struct hooks that may refuse a change of the VMA tree
// (rule book §2.27): ->may_split (__split_vma(), mm/vma.c, and
// prep_move_vma(), mm/mremap.c), ->mprotect (do_mprotect_pkey(),
// mm/mprotect.c) and ->mremap (copy_vma_and_data(), mm/mremap.c). Each
// runs under the mmap write lock and returns 0 or a negative errno, which
// the syscall returns.

var (
	// include/linux/mm.h says it of ->mprotect ("The VMA must not be
	// modified"); ->may_split and ->mremap run between the core's reading
	// of the VMA and its change, which uses what it read.
	ruleHookModifiesVMA = &Rule{"vm_ops/hook-modifies-vma",
		"->may_split, ->mprotect and ->mremap must not modify the VMA: the core goes on to split, re-protect or move it from what it read before the hook",
		"include/linux/mm.h: struct vm_operations_struct: ->mprotect \"The VMA must not be modified\"; mm/vma.c: __split_vma() copies the VMA (vm_area_dup) after ->may_split",
		Unchecked}
	ruleHookReturn = &Rule{"vm_ops/hook-return",
		"->may_split, ->mprotect and ->mremap return 0 or a negative errno: the core takes any non-zero value for an error and the syscall returns it to user space",
		"mm/vma.c: __split_vma(): err = vma->vm_ops->may_split(vma, addr); if (err) return err",
		Unchecked}
)

// vmaSnapshot is what a hook must leave as it found it.
type vmaSnapshot struct {
	start, end mmcore.Addr
	pgoff      uint64
	flags      mmcore.VMFlags
	ops        any
	file       *mmcore.File
	policy     int64
}

func (c *Call) snapshotVMA(v *mmcore.VMA) vmaSnapshot {
	return vmaSnapshot{v.Start(), v.End(), v.Pgoff(), v.Flags, v.Ops, v.File(), c.K.vmaState(v).Policy}
}

// callVMHook runs the hook h (->may_split, ->mprotect or ->mremap) on v
// with args, under the locks the caller holds, and checks it where it
// returns: it released what it took, left v alone, and returned 0 or a
// negative errno. k gets the hook's return value (0 for a handler that
// returned nothing: the C hook returns int, and a script handler that
// falls off its end allows the change).
func (c *Call) callVMHook(h *Handler, hook string, v *mmcore.VMA, args []Value, k func(ret int64) Result) Result {
	before := append([]Hold(nil), c.T.holds...)
	snap := c.snapshotVMA(v)
	desc := hook + " handler " + h.Name
	return c.call(h, desc, args, func(ret Value) Result {
		if c.T.dead {
			return k(0)
		}
		savedStack, savedPos, savedCalls := c.T.Stack, c.T.Pos, c.T.calls
		c.T.Stack = append(c.T.Stack[:len(c.T.Stack):len(c.T.Stack)], desc)
		c.T.calls = append(c.T.calls[:len(c.T.calls):len(c.T.calls)], callFrame{call: c, handler: h.Name})
		if c.RetPos.IsValid() {
			c.T.Pos = c.RetPos
		}
		for _, hd := range c.T.holds {
			// A VMA write lock ends with the mmap write lock, not here.
			if !holdIn(before, hd) && !(hd.Lock.Class == ClassVMALock && hd.Mode == Write) {
				c.K.violate(c.T, ruleHandlerKeepsLock, fmt.Sprintf("%s returns holding %s%s", h.Name, hd.Lock.Name, modeParen(hd.Lock, hd.Mode)),
					Related{hd.Pos, "taken here"})
			}
		}
		if now := c.snapshotVMA(v); now != snap {
			c.K.violate(c.T, ruleHookModifiesVMA, fmt.Sprintf("%s changed %s (%s), which the core goes on to change from what it read before; the kernel does not check", h.Name, VMAName(v), snapDiff(snap, now)))
		}
		var code int64
		switch ret.T {
		case TInt, TBool: // C: a comparison is an int, 0 or 1
			code = ret.Int
		case TNil:
		default:
			c.K.violate(c.T, ruleHookReturn, fmt.Sprintf("%s returns a %s, not an int; taken as an error (-EINVAL)", h.Name, ret.T))
			code = -int64(mmcore.EINVAL)
		}
		if code > 0 {
			c.K.violate(c.T, ruleHookReturn, fmt.Sprintf("%s returns %d: the core takes it for an error and the syscall returns %d to user space", h.Name, code, code))
		}
		c.T.Stack, c.T.Pos, c.T.calls = savedStack, savedPos, savedCalls
		return k(code)
	})
}

func snapDiff(a, b vmaSnapshot) string {
	switch {
	case a.start != b.start || a.end != b.end || a.pgoff != b.pgoff:
		return "its range"
	case a.flags != b.flags:
		return fmt.Sprintf("vm_flags %#x -> %#x", uint64(a.flags), uint64(b.flags))
	case a.ops != b.ops:
		return "vm_ops"
	case a.file != b.file:
		return "vm_file"
	}
	return "vm_policy"
}

// errAskMaySplit stops an mmcore step at a split whose VMA has a
// ->may_split handler not asked yet (mmcore.MM.SetSplitGate).
var errAskMaySplit = errors.New("vm_ops->may_split not asked yet")

// splitting runs step, an mmcore operation that may split VMAs of m, with
// each split's ->may_split asked first, in the kernel's order: a split
// whose VMA has a may_split handler stops the step there (the splits
// before it done, as __split_vma() leaves them); the pieces those splits
// made are opened (->open, then opened(nv)) as __split_vma() opens each;
// the handler runs as a step of its own, with the mmap write lock the
// caller holds; then step runs again, and goes on from that split with the
// handler's answer (or fails with it). k gets step's final error. start
// and end are the range whose ends the splits cut (the fresh pieces lie
// at start-1 and end). Callers whose step takes a prev fix it up when
// called again (prevOf).
func (c *Call) splitting(m *MM, start, end mmcore.Addr, step func() error, opened func(nv *mmcore.VMA, next func() Result) Result, k func(err error) Result) Result {
	return c.splittingWith(m, start, end, nil, step, opened, k)
}

// splittingWith is splitting with each try of step run inside wrap (the
// locks the step takes after the kernel asked ->may_split: wrap takes
// them, runs change, drops them, then runs next).
func (c *Call) splittingWith(m *MM, start, end mmcore.Addr, wrap func(change func(), next func() Result) Result, step func() error, opened func(nv *mmcore.VMA, next func() Result) Result, k func(err error) Result) Result {
	type question struct {
		v    *mmcore.VMA
		addr mmcore.Addr
	}
	// Every answer is kept while step runs again: a step may ask at
	// several places before it splits anything (prep_move_vma() asks at
	// both ends of the range, then moves), and each run asks them all
	// again from the first. The kernel asks each once.
	var ask *question
	answers := map[question]int64{}
	gate := func(v *mmcore.VMA, addr mmcore.Addr) error {
		o := opsOf(v)
		if o == nil || o.MaySplit == nil {
			return nil
		}
		if answer, ok := answers[question{v, addr}]; ok {
			if answer != 0 {
				return mmcore.Errno(-answer) // errnoOf() gives answer back
			}
			return nil
		}
		ask = &question{v, addr}
		return errAskMaySplit
	}
	var run func() Result
	var asked func(err error) Result
	run = func() Result {
		ask = nil
		var err error
		try := func() {
			m.Core.SetSplitGate(gate)
			err = step()
			m.Core.SetSplitGate(nil)
		}
		if wrap == nil {
			try()
			return asked(err)
		}
		return wrap(try, func() Result { return asked(err) })
	}
	asked = func(err error) Result {
		if ask == nil {
			return k(err)
		}
		q := ask
		var fresh []*mmcore.VMA
		if start < end {
			fresh = c.freshSplitPieces(m, start, end)
		}
		return seq(len(fresh), func(i int, next func() Result) Result {
			nv := fresh[i]
			o := opsOf(nv)
			then := func() Result {
				if opened == nil {
					return next()
				}
				return opened(nv, next)
			}
			if o == nil || o.Open == nil {
				return then()
			}
			return c.call(o.Open, "open handler "+o.Open.Name, []Value{Obj(TVMA, nv)}, func(Value) Result {
				if c.T.dead {
					return done(Nil)
				}
				return then()
			})
		}, func() Result {
			h := opsOf(q.v).MaySplit
			return c.callVMHook(h, "may_split", q.v, []Value{Obj(TVMA, q.v), Int(int64(q.addr))}, func(ret int64) Result {
				if c.T.dead {
					return done(Nil)
				}
				answers[*q] = ret
				return run()
			})
		})
	}
	return run()
}

// freshSplitPieces are the VMAs at start-1 and end that the checker has
// never seen: the new pieces of the splits at start and at end.
func (c *Call) freshSplitPieces(m *MM, start, end mmcore.Addr) []*mmcore.VMA {
	var fresh []*mmcore.VMA
	for _, a := range []mmcore.Addr{start - 1, end} {
		if a+1 == 0 || a >= m.Core.TaskSize() {
			continue
		}
		v := m.Core.VMALookup(a)
		if v == nil || v.Lock != nil {
			continue
		}
		c.K.vmaState(v)
		fresh = append(fresh, v)
	}
	return fresh
}

// prevOf is the prev of a vma_modify() call of [start, ...) in v when it
// runs again after its split at start: the caller passed v itself (start
// lay inside v), and v now begins at start, after the piece the split made.
func prevOf(m *MM, prev, v *mmcore.VMA, start mmcore.Addr) *mmcore.VMA {
	if prev == v && v.Start() == start {
		_, p := m.Core.FindVMAPrev(start)
		return p
	}
	return prev
}

// errPtr is the nil a vma_modify_*() step returns for the kernel's
// ERR_PTR(err): PTR_ERR() gives err back.
func errPtr(err error) Value { return Value{T: TNil, Int: errnoOf(err)} }

func init() {
	citeTable["PTR_ERR"] = []Cite{cite("include/linux/err.h", "PTR_ERR()", "static inline long __must_check PTR_ERR(__force const void *ptr) { return (long) ptr; }", readMMH)}
	sequenceTable["PTR_ERR"] = "vma = vma_modify_flags(vmi, *pprev, vma, start, end, &newflags);\nif (IS_ERR(vma)) {\n\terror = PTR_ERR(vma);\n\tgoto fail;\n}"
	defOp(&Op{Name: "PTR_ERR", Params: []Param{vmaParam("ptr", true)}, Result: TInt,
		API: register(&API{Name: "PTR_ERR", Section: "-", Hold: "nothing", Sleeps: "no", Source: "include/linux/err.h: PTR_ERR()",
			Notes: "the errno of an ERR_PTR: the steps that return a VMA or the kernel's ERR_PTR(err) (vma_modify_flags, vma_modify_policy) " +
				"return nil for it, and PTR_ERR(nil) is err (0 for a nil that carries none, the kernel's NULL)",
			Query: "Reading the error is never wrong; test the pointer first (IS_ERR: `if !vma`): PTR_ERR of a valid VMA is a script error"}),
		Touches: func(c *Call, f *Footprint) {},
		Fn: func(c *Call) Result {
			if c.Args[0].T != TNil {
				return fail("PTR_ERR(%s): not an error pointer (test it with `if !vma` first: IS_ERR)", c.Args[0])
			}
			return done(Int(c.Args[0].Int))
		}})

	citeTable["vm_ops_mprotect"] = []Cite{cite("mm/mprotect.c", "do_mprotect_pkey()",
		"if (vma->vm_ops && vma->vm_ops->mprotect) { error = vma->vm_ops->mprotect(vma, nstart, tmp, newflags); if (error) break; } error = mprotect_fixup(&vmi, &tlb, vma, &prev, nstart, tmp, newflags);", readMprotect)}
	sequenceTable["vm_ops_mprotect"] = "/* mm/mprotect.c: do_mprotect_pkey(), mmap lock held for write */\n" +
		"if (vma->vm_ops && vma->vm_ops->mprotect) {\n\terror = vma->vm_ops->mprotect(vma, nstart, tmp, newflags);\n\tif (error)\n\t\tbreak;\n}\n" +
		"error = mprotect_fixup(&vmi, &tlb, vma, &prev, nstart, tmp, newflags);"
	defOp(&Op{Name: "vm_ops_mprotect", Params: []Param{vmaParam("vma", false), intParam("start"), intParam("end"), intParam("newflags")}, Result: TInt,
		API: register(&API{Name: "vm_ops_mprotect", Section: "2.27", Hold: "mmap lock for write", Takes: "the VMA's ->mprotect", Sleeps: "yes",
			Source: "mm/mprotect.c: do_mprotect_pkey()",
			Notes: "calls ->mprotect(vma, start, end, newflags) if the VMA has one, before mprotect_fixup(); returns its 0 or -errno, which mprotect(2) returns, " +
				"leaving this VMA and those after it as they were (the ones before it are changed already). A step of the kernel library's mprotect (`mmscript explain mprotect`)",
			Rules: []*Rule{ruleHandlerKeepsLock, ruleHookModifiesVMA, ruleHookReturn}}),
		Touches: func(c *Call, f *Footprint) { f.VMAs(vmaMM(c, 0), false) },
		Fn: func(c *Call) Result {
			v := c.vma(0)
			o := opsOf(v)
			if o == nil || o.Mprotect == nil {
				return done(Int(0))
			}
			return c.callVMHook(o.Mprotect, "mprotect", v, []Value{Obj(TVMA, v), c.Args[1], c.Args[2], c.Args[3]}, func(ret int64) Result {
				return done(Int(ret))
			})
		}})
}

func init() {
	citeTable["vm_ops_mremap"] = []Cite{cite("mm/mremap.c", "copy_vma_and_data()",
		"moved_len = move_page_tables(&pmc); if (moved_len < vrm->old_len) err = -ENOMEM; else if (vma->vm_ops && vma->vm_ops->mremap) err = vma->vm_ops->mremap(new_vma);", readMremapKpaths)}
	citeTable["vrm_unmap_new_vma_instead"] = []Cite{cite("mm/mremap.c", "copy_vma_and_data(), move_vma()",
		"if (unlikely(err)) { PAGETABLE_MOVE(pmc_revert, new_vma, vma, vrm->new_addr, vrm->addr, moved_len); pmc_revert.need_rmap_locks = true; move_page_tables(&pmc_revert); "+
			"vrm->vma = new_vma; vrm->old_len = vrm->new_len; vrm->addr = vrm->new_addr; } ... move_vma(): if (err && !new_vma) return err; ... unmap_source_vma(vrm)", readMremapKpaths)}
	const seq = "/* mm/mremap.c: copy_vma_and_data(), mmap lock held for write */\n" +
		"moved_len = move_page_tables(&pmc);\nif (moved_len < vrm->old_len)\n\terr = -ENOMEM;\n" +
		"else if (vma->vm_ops && vma->vm_ops->mremap)\n\terr = vma->vm_ops->mremap(new_vma);\n" +
		"if (unlikely(err)) {\n\t/* move the entries back, then unmap the new area instead of the old */\n" +
		"\tmove_page_tables(&pmc_revert);\n\tvrm->vma = new_vma;\n\tvrm->old_len = vrm->new_len;\n\tvrm->addr = vrm->new_addr;\n}"
	sequenceTable["vm_ops_mremap"] = seq
	sequenceTable["vrm_unmap_new_vma_instead"] = seq
	defOp(&Op{Name: "vm_ops_mremap", Params: []Param{vmaParam("vma", false), vmaParam("new_vma", false)}, Result: TInt,
		API: register(&API{Name: "vm_ops_mremap", Section: "2.27", Hold: "mmap lock for write", Takes: "the VMA's ->mremap", Sleeps: "yes",
			Source: "mm/mremap.c: copy_vma_and_data()",
			Notes: "calls vma's ->mremap(new_vma) after move_page_tables(), if it has one, and returns its 0 or -errno: non-zero undoes the move " +
				"(the entries go back, the new VMA is unmapped) and mremap(2) returns it. A step of the kernel library's mremap (`mmscript explain mremap`)",
			Rules: []*Rule{ruleHandlerKeepsLock, ruleHookModifiesVMA, ruleHookReturn}}),
		Touches: func(c *Call, f *Footprint) { f.VMAs(vmaMM(c, 1), false) },
		Fn: func(c *Call) Result {
			v, nv := c.vma(0), c.vma(1)
			o := opsOf(v)
			if o == nil || o.Mremap == nil {
				return done(Int(0))
			}
			return c.callVMHook(o.Mremap, "mremap", nv, []Value{Obj(TVMA, nv)}, func(ret int64) Result {
				return done(Int(ret))
			})
		}})
	defOp(&Op{Name: "vrm_unmap_new_vma_instead", Params: []Param{{Name: "vrm", Type: TVRM}},
		API: register(&API{Name: "vrm_unmap_new_vma_instead", Section: "2.27", Hold: "mmap lock for write", Takes: "nothing", Sleeps: "no",
			Source: "mm/mremap.c: copy_vma_and_data()",
			Notes: "after a failed move (move_page_tables() short, or ->mremap refused) and the move back: vrm->vma = new_vma; vrm->old_len = vrm->new_len; " +
				"vrm->addr = vrm->new_addr, so that unmap_source_vma() unmaps the new area instead of the old"}),
		Touches: func(c *Call, f *Footprint) {},
		Fn: func(c *Call) Result {
			vrm := c.vrm(0)
			if vrm.NewVMA == nil {
				return fail("vrm_unmap_new_vma_instead: copy_vma has not run")
			}
			r := vrm.Core
			r.VMA, r.OldLen, r.Addr = vrm.NewVMA, r.NewLen, r.NewAddr
			vrm.MoveFailed = true
			return ok
		}})
}
