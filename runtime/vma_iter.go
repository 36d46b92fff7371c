package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// The VMA iterator (issue 7, rule families 3d and 3e): for_each_vma,
// for_each_vma_range, vma_find and vma_next walk the mm's maple tree,
// whose external lock is the mmap lock (mm_init(): mt_set_external_lock(
// &mm->mm_mt, &mm->mmap_lock)); mas_find() dereferences the tree with
// rcu_dereference_check(..., lockdep_is_held(mmap_lock)), so a walk holds
// the mmap lock or is in an RCU read-side section. Under RCU alone a VMA
// the walk returns may be detached, freed and reused at any moment (its
// slab is SLAB_TYPESAFE_BY_RCU): it is used only after vma_start_read()
// read-locked it and the caller re-checked that it is the VMA it looked
// for (lock_vma_under_rcu(): the address still in it; lock_next_vma(): not
// behind the search position and no gap opened before it), as
// /proc/pid/maps does since 2025 (fs/proc/task_mmu.c: lock_next_vma()).

var ruleVMAIterLock = &Rule{"vma_iter/needs-lock",
	"the VMA iterator (for_each_vma, vma_find, vma_next, mas_for_each_rev) walks the maple tree under the mmap lock (read or write) or in an RCU read-side section",
	"lib/maple_tree.c: mas_find() -> mas_root(): rcu_dereference_check(mas->tree->ma_root, mt_locked(mas->tree)); " +
		"kernel/fork.c: mm_init() mt_set_external_lock(&mm->mm_mt, &mm->mmap_lock); \"suspicious RCU usage\" under CONFIG_PROVE_RCU",
	Lockdep}

var ruleVMARCUUnlocked = &Rule{"vma/rcu-unlocked-use",
	"a VMA found by an RCU-only walk of the VMA tree is used (its fields, an operation on it) only after vma_start_read() read-locked it " +
		"(lock_vma_under_rcu, lock_next_vma) or under the mmap lock: RCU keeps the memory, which SLAB_TYPESAFE_BY_RCU may reuse for another VMA, not the VMA",
	"mm/mmap_lock.c: lock_vma_under_rcu() (\"Check if the vma we locked is the right one\"), lock_next_vma() (\"Verify the vma is not behind the last search position\"); " +
		"include/linux/mm_types.h: vm_refcnt; mm/vma_init.c: vm_area_cachep SLAB_TYPESAFE_BY_RCU",
	Unchecked}

func init() {
	addHistory(ruleVMARCUUnlocked.ID, VersionReaction{changeVMATypesafeRCU.Version, Absent,
		"mm/mmap.c, kernel/fork.c (before 6.15): vm_area_free() freed a VMA after an RCU grace period (call_rcu(&vma->vm_rcu, vm_area_free_rcu_cb) under CONFIG_PER_VMA_LOCK, 6.4 on; before 6.1 no walk of the VMA tree ran under RCU at all), " +
			"so RCU kept the VMA itself and lock_vma_under_rcu() read it before locking it; the reuse the rule is about came with " + changeVMATypesafeRCU.String()})
}

// vmaFind is vma_find(): the first VMA that ends above addr and starts
// below end, or nil, as the lookup of one step of the VMA iterator.
func (c *Call) vmaFind(m *MM, addr, end mmcore.Addr) Value {
	held := c.vmaIterCheck(m)
	v := m.Core.FindVMA(addr)
	if v == nil || v.Start() >= end {
		return Nil
	}
	return c.vmaIterFound(m, v, held)
}

// vmaFindRev is mas_find_rev(&mas, min) of a VMA iterator walking down
// from index (mas_for_each_rev()): the VMA that contains index, else the
// highest one below it, if it ends above min.
func (c *Call) vmaFindRev(m *MM, index, min int64) Value {
	held := c.vmaIterCheck(m)
	if index < 0 || index < min {
		return Nil
	}
	v, prev := m.Core.FindVMAPrev(mmcore.Addr(index))
	if v == nil || v.Start() > mmcore.Addr(index) {
		v = prev
	}
	if v == nil || v.End() <= mmcore.Addr(max(min, 0)) {
		return Nil
	}
	return c.vmaIterFound(m, v, held)
}

// vmaIterCheck checks a step of the VMA iterator's walk: the mmap lock or
// RCU, and an mm whose VMAs the task may still walk. It reports whether
// the task holds the mmap lock.
func (c *Call) vmaIterCheck(m *MM) bool {
	held := m.MmapLock.heldBy(c.T) != 0
	if !held && c.T.rcu == 0 && !c.tearsDownUnlocked(m) {
		c.K.fpLockObserve(m.MmapLock)
		c.K.violate(c.T, ruleVMAIterLock, fmt.Sprintf("%s without %s held or rcu_read_lock(): the maple tree may be freed under the walk", c.Op.Name, m.MmapLock.Name))
	}
	c.checkMMUsers(m)
	return held
}

// vmaIterFound is the VMA v a step of the walk found: stamped as a lookup
// under the mmap lock, or marked as found under RCU alone.
func (c *Call) vmaIterFound(m *MM, v *mmcore.VMA, held bool) Value {
	if held {
		return c.stampLookup(m, v)
	}
	x := Obj(TVMA, v)
	if c.T.rcu > 0 {
		t := c.T
		t.epochs = append(t.epochs, &epoch{rcu: t.rcuSection, pos: t.Pos})
		x.Int = epochRef(t, len(t.epochs)-1)
	}
	return x
}

// checkRCUFound reports a use of a VMA that an RCU-only walk found (e) and
// that t holds neither the mmap lock nor the VMA's read lock for.
func (k *Kernel) checkRCUFound(t *Task, e *epoch, v *mmcore.VMA, op string) {
	if op == "vma_start_read" || k.vmaReadLockedBy(t, v) || mmOf(v.MM()).MmapLock.heldBy(t) != 0 {
		return
	}
	name := op
	if name == "" {
		name = "field read"
	}
	k.violate(t, ruleVMARCUUnlocked, fmt.Sprintf("%s: %s was found by a walk under RCU alone and is not read-locked: it may have been detached, "+
		"freed and reused meanwhile; read-lock it with vma_start_read (lock_next_vma, lock_vma_under_rcu) and re-check it first", name, VMAName(v)),
		Related{e.pos, "found here, under RCU"})
	e.rcu = 0 // reported once
}

func init() {
	// ULONG_MAX: the end of the address space for the VMA iterator
	// (mmscript's integers are int64: the largest of them).
	Constants["ULONG_MAX"] = ULONG_MAX
	findAPI := register(&API{Name: "vma_find", Section: "2.14",
		Hold:    "the mmap lock (read or write), or rcu_read_lock() with the VMA then read-locked before use",
		Takes:   "nothing (mas_find under the caller's lock or RCU)",
		Sleeps:  "no",
		Asserts: "lockdep (CONFIG_PROVE_RCU): rcu_dereference_check() in the maple tree walk",
		Source:  "include/linux/mm.h: vma_find() -> mas_find(&vmi->mas, max - 1); for_each_vma_range()",
		Notes: "vma_find(&vmi, max) as the kernel declares it, vmi a `vma_iterator vmi` (VMA_ITERATOR(vmi, mm, addr), vma_iter_init): the first VMA that ends above the " +
			"iterator's position and starts below max, or nil; the iterator then stands after it (its vm_end), or at max when none was found. " +
			"for_each_vma_range(vmi, vma, end) { } runs it per iteration; mmscript's earlier vma_find(mm, addr, end) takes the position itself. " +
			"Under RCU alone the VMA is not stable: read-lock it (vma_start_read, lock_next_vma) before using it",
		NullResult: "when no VMA starts below max at or after the iterator's position (the end of the walk)",
		Rules:      []*Rule{ruleVMAIterLock, ruleVMARCUUnlocked},
		Cites: []Cite{cite("lib/maple_tree.c", "mas_root(), mt_locked()", "rcu_dereference_check(mas->tree->ma_root, mt_locked(mas->tree)) (lockdep, CONFIG_PROVE_RCU)", readMapleTree),
			cite("include/linux/mm.h", "vma_find(), vma_next(), for_each_vma(), for_each_vma_range()", "return mas_find(&vmi->mas, max - 1); ... return mas_find(&vmi->mas, ULONG_MAX); "+
				"#define for_each_vma(__vmi, __vma) while (((__vma) = vma_next(&(__vmi))) != NULL); "+
				"#define for_each_vma_range(__vmi, __vma, __end) while (((__vma) = vma_find(&(__vmi), (__end))) != NULL)", readVMAIter)},
		Sequence: "VMA_ITERATOR(vmi, mm, start);\nmmap_read_lock(mm);\nfor_each_vma_range(vmi, vma, end) {\n\t/* use vma */\n}\nmmap_read_unlock(mm);"})
	iterP := Param{Name: "vmi", Type: TVMAIter, Hint: "the kernel's struct vma_iterator *vmi: VMA_ITERATOR(vmi, mm, addr) (or `vma_iterator vmi` and vma_iter_init(&vmi, mm, addr)), passed as &vmi"}
	find := defOp(&Op{Name: "vma_find", Params: []Param{iterP, {Name: "max", Type: TInt}}, Result: TVMA, API: findAPI,
		Touches: vmaIterPath,
		Fn: func(c *Call) Result {
			it, err := c.vmaIter(0)
			if err != nil {
				return Result{Status: Failed, Err: err}
			}
			return done(c.vmaIterStep(it, c.addr(1)))
		}})
	find.MMForm = &Op{Name: "vma_find", Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}, {Name: "end", Type: TInt}}, Result: TVMA, API: findAPI,
		Touches: func(c *Call, f *Footprint) { f.MM(mmArg(c, 0), false); f.mmUsers(mmArg(c, 0), false) },
		Fn: func(c *Call) Result {
			c.T.cur = c
			return done(c.vmaFind(c.mm(0), c.addr(1), c.addr(2)))
		}}
	find.MMForm.Consistent = consistencyCheck(find.MMForm)
	defOp(&Op{Name: "vma_next", Params: []Param{iterP}, Result: TVMA,
		API: register(&API{Name: "vma_next", Section: "2.14",
			Hold: findAPI.Hold, Takes: findAPI.Takes, Sleeps: "no", Asserts: findAPI.Asserts,
			Source: "include/linux/mm.h: vma_next() -> mas_find(&vmi->mas, ULONG_MAX); for_each_vma()",
			Notes: "the next VMA at or after the iterator's position, or nil; the iterator then stands after it. for_each_vma(vmi, vma) { } runs it per iteration. " +
				"Under RCU alone the VMA is not stable: read-lock it before using it",
			NullResult: "when no VMA is left at or after the iterator's position (the end of the walk)",
			Rules:      []*Rule{ruleVMAIterLock, ruleVMARCUUnlocked},
			Cites:      findAPI.Cites,
			Sequence:   "VMA_ITERATOR(vmi, mm, 0);\nmmap_read_lock(mm);\nfor_each_vma(vmi, vma) {\n\t/* use vma */\n}\nmmap_read_unlock(mm);"}),
		Touches: vmaIterPath,
		Fn: func(c *Call) Result {
			it, err := c.vmaIter(0)
			if err != nil {
				return Result{Status: Failed, Err: err}
			}
			return done(c.vmaIterStep(it, ULONG_MAX))
		}})
	initAPI := func(name, src, notes string) *API {
		return register(&API{Name: name, Section: "2.14", Hold: "nothing (it sets the position; the walk's steps need the mmap lock or RCU)",
			Takes: "nothing", Sleeps: "no", Asserts: "none", Source: src, Notes: notes,
			Cites:    []Cite{cite("include/linux/mm.h", "VMA_ITERATOR(), vma_iter_init(), vma_iter_set()", "struct vma_iterator name = { .mas = { .tree = &(__mm)->mm_mt, .index = __addr, .node = NULL, .status = ma_start } }; mas_init(&vmi->mas, &mm->mm_mt, addr); mas_set(&vmi->mas, addr)", readVMAIter)},
			Sequence: "VMA_ITERATOR(vmi, mm, addr);\n/* or: struct vma_iterator vmi; vma_iter_init(&vmi, mm, addr); */\nmmap_read_lock(mm);\nvma = vma_find(&vmi, end);\nmmap_read_unlock(mm);"})
	}
	defOp(&Op{Name: "vma_iter_init", Params: []Param{iterP, {Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}},
		API: initAPI("vma_iter_init", "include/linux/mm.h: vma_iter_init() -> mas_init(&vmi->mas, &mm->mm_mt, addr)",
			"points the iterator at addr in mm's VMA tree; VMA_ITERATOR(vmi, mm, addr) declares `vma_iterator vmi` and runs it"),
		Touches: func(*Call, *Footprint) {},
		Fn: func(c *Call) Result {
			it := c.Args[0].Obj.(*VMAIter)
			*it = VMAIter{Owned: it.Owned, MM: c.mm(1), Index: c.addr(2)}
			return ok
		}})
	defOp(&Op{Name: "vma_iter_set", Params: []Param{iterP, {Name: "addr", Type: TInt}},
		API: initAPI("vma_iter_set", "include/linux/mm.h: vma_iter_set() -> mas_set(&vmi->mas, addr)",
			"moves the iterator to addr: the next vma_find/vma_next looks from there (a walk that dropped the lock resumes this way)"),
		Touches: func(*Call, *Footprint) {},
		Fn: func(c *Call) Result {
			it, err := c.vmaIter(0)
			if err != nil {
				return Result{Status: Failed, Err: err}
			}
			it.Index = c.addr(1)
			return ok
		}})
	typeDocs[TVMAIter] = "struct vma_iterator (include/linux/mm_types.h): a position in an mm's VMA tree; VMA_ITERATOR(vmi, mm, addr) declares one, " +
		"vma_find(&vmi, max), vma_next(&vmi), for_each_vma(vmi, vma) { } and for_each_vma_range(vmi, vma, end) { } walk it"
	fieldTable[TVMAIter] = map[string]func(k *Kernel, x any) Value{
		"mm": func(_ *Kernel, x any) Value {
			if m := x.(*VMAIter).MM; m != nil {
				return Obj(TMM, m)
			}
			return Nil
		},
		"index": func(_ *Kernel, x any) Value { return Int(int64(x.(*VMAIter).Index)) },
	}
	fieldTypes[TVMAIter] = map[string]Type{"mm": TMM, "index": TInt}
	fieldDocs["vma_iterator.mm"] = "the mm whose VMA tree the iterator walks (vmi->mas.tree, &mm->mm_mt)"
	fieldDocs["vma_iterator.index"] = "vmi->mas.index: where the next vma_find/vma_next looks from (after the last VMA found)"
	defOp(&Op{Name: "mas_find_rev", Params: []Param{{Name: "mm", Type: TMM}, {Name: "index", Type: TInt}, {Name: "min", Type: TInt}}, Result: TVMA,
		API: register(&API{Name: "mas_find_rev", Section: "2.14",
			Hold:    "the mmap lock (read or write), or rcu_read_lock() with the VMA then read-locked before use",
			Takes:   "nothing (the maple tree walk under the caller's lock or RCU)",
			Sleeps:  "no",
			Asserts: "lockdep (CONFIG_PROVE_RCU): rcu_dereference_check() in the maple tree walk",
			Source:  "lib/maple_tree.c: mas_find_rev(); include/linux/maple_tree.h: mas_for_each_rev()",
			Notes: "the VMA that contains index, else the highest one below it, if it ends above min; nil when none: one step of " +
				"mas_for_each_rev(&mas, vma, min), the VMA iterator walking down (the OOM reaper's __oom_reap_task_mm()). mmscript passes the " +
				"position the kernel keeps in the ma_state: ULONG_MAX first (MA_STATE(mas, &mm->mm_mt, ULONG_MAX, ULONG_MAX)), then vma.vm_start - 1",
			NullResult: "when no VMA lies at or below index and above min (the end of the walk)",
			Rules:      []*Rule{ruleVMAIterLock, ruleVMARCUUnlocked},
			Cites:      []Cite{cite("lib/maple_tree.c", "mas_root(), mt_locked()", "rcu_dereference_check(mas->tree->ma_root, mt_locked(mas->tree)) (lockdep, CONFIG_PROVE_RCU)", readMapleTree)},
			Sequence:   "MA_STATE(mas, &mm->mm_mt, ULONG_MAX, ULONG_MAX);\nmmap_read_lock(mm);\nmas_for_each_rev(&mas, vma, 0) {\n\t/* use vma, highest first */\n}\nmmap_read_unlock(mm);"}),
		Touches: func(c *Call, f *Footprint) { f.MM(mmArg(c, 0), false); f.mmUsers(mmArg(c, 0), false) },
		Fn: func(c *Call) Result {
			return done(c.vmaFindRev(c.mm(0), c.int(1), c.int(2)))
		}})
	defOp(&Op{Name: "vma_start_read", Params: []Param{{Name: "mm", Type: TMM,
		Hint: "the 2026 kernel's vma_start_read(mm, vma) names the mm it looked the VMA up in (the VMA may be reused for another mm); " +
			"an older kernel's vma_start_read(vma) is vma_start_read(vma.vm_mm, vma)"}, {Name: "vma", Type: TVMA}}, Result: TVMA,
		API: register(&API{Name: "vma_start_read", Section: "1.1",
			Hold:    "rcu_read_lock() (the VMA found under RCU)",
			Takes:   "the VMA read lock (vm_refcnt) unless the VMA is write-locked, a writer waits, or it was detached",
			Sleeps:  "no (fails instead of waiting)",
			Asserts: "RCU_LOCKDEP_WARN(!rcu_read_lock_held())",
			Source:  "mm/mmap_lock.c: vma_start_read()",
			Notes: "returns the VMA read-locked, or nil (the kernel's NULL or ERR_PTR(-EAGAIN) for a detached VMA); the caller then checks it is the VMA it " +
				"looked for (lock_vma_under_rcu, lock_next_vma) and ends with vma_end_read",
			NullResult: "(or ERR_PTR(-EAGAIN), which IS_ERR_OR_NULL() tests alike) when the VMA is write-locked, a writer waits for its readers, or it was detached or reused for another mm; " +
				"the caller then retries or falls back to the mmap read lock (mm/mmap_lock.c: lock_vma_under_rcu(), lock_next_vma())",
			Rules:    []*Rule{ruleVMAIterLock},
			Cites:    []Cite{cite("mm/mmap_lock.c", "lock_next_vma()", "vma = vma_start_read(mm, vma); if (IS_ERR_OR_NULL(vma)) { if (PTR_ERR(vma) == -EAGAIN) { ... goto retry; } goto fallback; }", readLockC)},
			Sequence: "rcu_read_lock();\nvma = vma_next(&vmi);\nvma = vma_start_read(mm, vma);\nif (IS_ERR_OR_NULL(vma))\n\tgoto fallback;\n/* re-check vma */\nrcu_read_unlock();"}),
		Touches: func(c *Call, f *Footprint) { f.MM(mmArg(c, 0), false) },
		Fn: func(c *Call) Result {
			m, v := c.mm(0), c.Args[1].Obj.(*mmcore.VMA)
			if c.T.rcu == 0 {
				c.K.violate(c.T, ruleVMAIterLock, "vma_start_read outside rcu_read_lock(): the VMA may be freed under it")
			}
			if !v.Attached() || v.MM() != m.Core {
				return done(Nil)
			}
			if !c.T.TryAcquire(c.K.vmaState(v).Lock, Read) {
				return done(Nil)
			}
			return done(Obj(TVMA, v))
		}})
	// find_vma_prev(mm, addr, &pprev) (mm/mmap.c): find_vma() that also
	// sets *pprev to the VMA before, with the VMA iterator's steps and
	// none of find_vma()'s assertion: "RCU lock is missing here since the
	// external mmap_lock() is used instead". pprev is written back as the
	// kernel writes *pprev (Param.Ref).
	defOp(&Op{Name: "find_vma_prev", Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt},
		{Name: "pprev", Type: TVMA, Ref: true, Nilable: true,
			Hint: "the kernel's struct vm_area_struct **pprev: pass a variable by reference, &prev, which the call sets to the VMA before (nil for none)"}},
		Result: TVMA,
		API: register(&API{Name: "find_vma_prev", Section: "2.14",
			Hold:    "the mmap lock (read or write) while either VMA is used; or rcu_read_lock() with the VMAs read-locked before use",
			Takes:   "nothing (vma_iter_load, vma_prev, vma_next under the caller's lock)",
			Sleeps:  "no",
			Asserts: "none of its own (find_vma()'s mmap_assert_locked() is not there); lockdep (CONFIG_PROVE_RCU): rcu_dereference_check() in the maple tree walk",
			Source:  "mm/mmap.c: find_vma_prev()",
			Notes: "returns find_vma(mm, addr), the VMA containing addr or the next one above it, and sets *pprev (&prev) to the VMA before it " +
				"(before addr when none contains it), or nil. Its callers hold the mmap lock: expand_stack() for write, the unmapped-area search " +
				"(generic_get_unmapped_area()) under mmap()'s",
			NullResult: "when no VMA ends above the address (kernel-doc: \"May return %NULL in the case of no vma at addr or above\"); *pprev is set either way",
			Rules:      []*Rule{ruleVMAIterLock, ruleVMARCUUnlocked},
			Cites: []Cite{cite("mm/mmap.c", "find_vma_prev()", "none: VMA_ITERATOR(vmi, mm, addr); vma = vma_iter_load(&vmi); *pprev = vma_prev(&vmi); if (!vma) vma = vma_next(&vmi); "+
				"(\"Note that RCU lock is missing here since the external mmap_lock() is used instead.\")", readMmap2026),
				cite("lib/maple_tree.c", "mas_root(), mt_locked()", "rcu_dereference_check(mas->tree->ma_root, mt_locked(mas->tree)) (lockdep, CONFIG_PROVE_RCU)", readMapleTree)},
			Sequence: "/* mm/mmap.c: expand_stack() */\nmmap_read_unlock(mm);\nif (mmap_write_lock_killable(mm))\n\treturn NULL;\nvma = find_vma_prev(mm, addr, &prev);\n" +
				"if (vma && vma->vm_start <= addr)\n\tgoto success;"}),
		Touches: func(c *Call, f *Footprint) { f.MM(mmArg(c, 0), false); f.mmUsers(mmArg(c, 0), false) },
		Fn: func(c *Call) Result {
			m := c.mm(0)
			held := c.vmaIterCheck(m)
			v, prev := m.Core.FindVMAPrev(c.addr(1))
			c.Args[2] = Nil
			if prev != nil {
				c.Args[2] = c.vmaIterFound(m, prev, held)
			}
			if v == nil {
				return done(Nil)
			}
			return done(c.vmaIterFound(m, v, held))
		}})
	defOp(&Op{Name: "lock_next_vma", Path: true, Params: []Param{{Name: "mm", Type: TMM}, {Name: "from_addr", Type: TInt}}, Result: TVMA,
		API: register(&API{Name: "lock_next_vma", Section: "2.19",
			Hold:    "rcu_read_lock() (RCU_LOCKDEP_WARN); not the mmap lock, which its fallback takes",
			Takes:   "vma_find under RCU -> vma_start_read -> re-checks; on failure rcu_read_unlock -> mmap_read_lock_killable -> vma_find -> vma_start_read_locked -> mmap_read_unlock -> rcu_read_lock",
			Sleeps:  "yes, on its fallback (out of the RCU section it re-enters)",
			Asserts: "RCU_LOCKDEP_WARN(!rcu_read_lock_held(), \"no rcu read lock held\")",
			Source:  "mm/mmap_lock.c: lock_next_vma(), lock_next_vma_under_mmap_lock(); fs/proc/task_mmu.c: get_next_vma()",
			Notes: "a kernel path of the kernel library (kernel/vma_lock.mms): the next VMA at or after from_addr, read-locked and re-checked (not behind from_addr, " +
				"no gap opened before it), or nil when there is none; the caller uses it under its VMA read lock, ends with vma_end_read and goes on from its vm_end. " +
				"Holding a VMA read lock or the mmap lock across it is the caller's mistake (lock/mmap-under-vma-read, recursive locking)",
			NullResult: "when no VMA is left at or after from_addr, the end of the walk (ERR_PTR(-EINTR) when its fallback's mmap_read_lock_killable() is interrupted)",
			Rules:      []*Rule{ruleVMAIterLock, ruleVMARCUUnlocked, ruleRecursive, ruleMmapUnderVMARead},
			Cites: []Cite{cite("mm/mmap_lock.c", "lock_next_vma()", "RCU_LOCKDEP_WARN(!rcu_read_lock_held(), \"no rcu read lock held\"); retry: vma = vma_next(vmi); "+
				"vma = vma_start_read(mm, vma); ... if (unlikely(from_addr >= vma->vm_end)) goto fallback_unlock; ... fallback: vma = lock_next_vma_under_mmap_lock(mm, vmi, from_addr); rcu_read_lock();", readLockC)},
			Sequence: "rcu_read_lock();\nwhile ((vma = lock_next_vma(mm, &vmi, addr)) && !IS_ERR(vma)) {\n\t/* show the VMA */\n\taddr = vma->vm_end;\n\tvma_end_read(vma);\n}\nrcu_read_unlock();"})})
}

// readVMAIter: how include/linux/mm.h's VMA iterator was read.
const readVMAIter = "include/linux/mm.h (mainline 2026): VMA_ITERATOR, vma_iter_init, vma_find, vma_next, for_each_vma, for_each_vma_range, read through find_string excerpts"

// ULONG_MAX is the end of the address space for the VMA iterator
// (mmscript's integers are int64: the largest of them).
const ULONG_MAX = 1<<63 - 1

// VMAIter is the kernel's struct vma_iterator: the mm's VMA tree and the
// position the next step looks from (vmi->mas.index).
type VMAIter struct {
	Owned // the thread that made it (owned.go)
	MM    *MM
	Index mmcore.Addr
}

func (*VMAIter) String() string { return "vma_iterator" }

// vmaIter is argument i, an iterator that VMA_ITERATOR or vma_iter_init
// pointed at an mm.
func (c *Call) vmaIter(i int) (*VMAIter, error) {
	it := c.Args[i].Obj.(*VMAIter)
	if it.MM == nil {
		return nil, fmt.Errorf("%s: the vma_iterator points at no mm: VMA_ITERATOR(vmi, mm, addr) or vma_iter_init(&vmi, mm, addr) first", c.Op.Name)
	}
	return it, nil
}

// vmaIterStep is mas_find(&vmi->mas, max - 1) for vma_find(&vmi, max) and
// vma_next(&vmi) (max ULONG_MAX): the VMA found, with the iterator moved
// after it, or nil with the iterator at max.
func (c *Call) vmaIterStep(it *VMAIter, max mmcore.Addr) Value {
	v := c.vmaFind(it.MM, it.Index, max)
	if w, ok := v.Obj.(*mmcore.VMA); ok && w != nil {
		it.Index = w.End()
	} else if max > it.Index {
		it.Index = max
	}
	return v
}

// vmaIterPath: a step of the iterator reads its mm's VMA tree.
func vmaIterPath(c *Call, f *Footprint) {
	if it, ok := c.Args[0].Obj.(*VMAIter); ok && it.MM != nil {
		f.MM(it.MM.Core, false)
		f.mmUsers(it.MM.Core, false)
	}
}
