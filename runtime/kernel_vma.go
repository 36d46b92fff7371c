package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// The VMA field write-lock matrix (rule family 3a) and the atomic steps
// of the kernel library's mprotect, madvise, brk and mbind paths
// (kernel/mprotect.mms, madvise.mms, brk.mms, mempolicy.mms): each step is
// one kernel function; the locks between them are the script's.

const (
	readMprotect = "torvalds/linux@003fde4492c8 mm/mprotect.c, read"
	readMadvise  = "linux-mm 2026 mm/madvise.c, read"
	readMmapLock = "linux-mm 2026 include/linux/mmap_lock.h, read"
	readMbindFix = "6c21e066f925 (stable 6.4.8 backport), read"
	processAddrs = "Documentation/mm/process_addrs.rst"
)

// A vmaField is one row of process_addrs.rst's table of VMA fields: the
// locks a writer must hold. The rmap write lock of the vm_start / vm_end /
// vm_pgoff row is taken inside the steps that move a VMA (vma_prepare()),
// so the row checks the two locks a caller provides.
type vmaField struct {
	name      string
	mmapWrite bool // the mmap lock for write (else: for read)
	vmaWrite  bool // vma_start_write() on the VMA
	rule      *Rule
}

func fieldRule(field, locks, source string, r Reaction) *Rule {
	return &Rule{"vma-field/" + field, field + " is written with " + locks + " held",
		processAddrs + " (VMA fields); " + source, r}
}

var (
	// The range stores themselves assert nothing (mm/vma.c:
	// vma_set_range(), __vma_set_range(): plain stores); the mmap write
	// lock is asserted before them by vma_start_write() in __split_vma()
	// and vma_prepare()'s callers, which is rule
	// vma_start_write/needs-mmap-write of the step that calls it.
	fieldRange = &vmaField{"vm_start/vm_end/vm_pgoff", true, true, fieldRule("vm_start",
		"the mmap write lock, the VMA write lock and the rmap write lock", "mm/vma.c: vma_set_range() -> __vma_set_range(): vma->vm_start = start; vma->vm_end = end; (no assertion)", Unchecked)}
	// vma_assert_write_locked() is __is_vma_write_locked(), which first
	// asserts the mmap write lock (mmap_assert_write_locked(): WARN, or
	// lockdep when another task holds it), then VM_WARN_ON_ONCE_VMA (a
	// debug-only check) that the VMA itself is write-locked; fieldReaction
	// picks the one that fires.
	fieldFlags = &vmaField{"vm_flags", true, true, fieldRule("vm_flags",
		"the mmap write lock and the VMA write lock", "include/linux/mm.h: vm_flags_reset() -> vma_assert_write_locked() -> __is_vma_write_locked(): mmap_assert_write_locked(), then VM_WARN_ON_ONCE_VMA(!write-locked)", DebugOnly)}
	fieldPageProt = &vmaField{"vm_page_prot", true, true, fieldRule("vm_page_prot",
		"the mmap write lock and the VMA write lock", "mm/mmap.c: vma_set_page_prot() (WRITE_ONCE, no assertion)", Unchecked)}
	fieldPolicy = &vmaField{"vm_policy", true, true, fieldRule("vm_policy",
		"the mmap write lock and the VMA write lock",
		"mm/mempolicy.c: vma_replace_policy() -> vma_assert_write_locked() (mmap_assert_write_locked(), then VM_WARN_ON_ONCE_VMA; added by 6c21e066f925, CVE-2023-4611)", DebugOnly)}
	fieldOps = &vmaField{"vm_ops", true, false, fieldRule("vm_ops",
		"nothing but a VMA nobody else sees yet: it is written once, when the VMA is set up (f_op->mmap, shmem_zero_setup)",
		"include/linux/mm.h: vma_set_anonymous() (no assertion)", Unchecked)}
	fieldFlagsInit = &vmaField{"vm_flags", true, false, fieldRule("vm_flags-init",
		"nothing, on a VMA nobody else sees yet (vm_flags_init() is for set-up; a live VMA needs vm_flags_set/reset)",
		"include/linux/mm.h: vm_flags_init() (no assertion)", Unchecked)}
)

// checkFieldWrite reports a write of f on v without the locks its row
// names, at the calling step. A VMA being set up (inside f_op->mmap, or a
// piece a split just made) is not yet visible: anything may write it.
func (c *Call) checkFieldWrite(v *mmcore.VMA, f *vmaField) bool {
	s := c.K.vmaState(v)
	if s.New {
		return true
	}
	m := mmOf(v.MM())
	if s.Lock.writer != c.T {
		// A change of the VMA that vma_start_write() did not announce
		// (there, vmaStartWrite checks it): vma->vm_flags = new_flags
		// under the mmap write lock, as v5.x wrote it.
		c.coreDumpCheck(m, c.Op.Name)
	}
	var missing []string
	switch h := m.MmapLock.heldBy(c.T); {
	case f.mmapWrite && h != Write:
		missing = append(missing, m.MmapLock.Name+" for write")
	}
	// Before v6.4 there was no VMA lock to take: the mmap write lock
	// was the whole requirement.
	if (f.vmaWrite || !f.mmapWrite || f == fieldFlagsInit) && s.Lock.writer != c.T && c.K.Config.Version.PerVMALocks() {
		missing = append(missing, "the VMA write lock (vma_start_write)")
	}
	if f == fieldOps || f == fieldFlagsInit {
		// Set-up only: a VMA in the tree is visible to faults and rmap
		// whatever the writer holds.
		missing = []string{"a VMA that is not yet visible (" + VMAName(v) + " is in the VMA tree)"}
	}
	if len(missing) == 0 {
		return true
	}
	msg := fmt.Sprintf("%s writes %s->%s without ", c.Op.Name, VMAName(v), f.name)
	for i, w := range missing {
		if i > 0 {
			msg += " and "
		}
		msg += w
	}
	msg += ": a fault under the VMA read lock (lock_vma_under_rcu) or an rmap walker may read it meanwhile"
	if len(missing) == 1 && f != fieldOps && f != fieldFlagsInit && m.MmapLock.heldBy(c.T) == Write {
		// What a transcription of an older kernel meets: the store was
		// right before per-VMA locks (v6.4), and is a race since.
		msg += " (before v6.4's per-VMA locks the mmap write lock was enough)"
	}
	c.K.violateAs(c.T, f.rule, c.fieldReaction(m, f), msg)
	return false
}

// fieldReaction is the kernel's reaction to a write of f without its
// locks. For the rows asserted with vma_assert_write_locked() (vm_flags,
// vm_policy) it depends on what is missing: without the mmap write lock,
// mmap_assert_write_locked() inside __is_vma_write_locked() fires first,
// a WARN on every kernel when nobody holds it for write and a lockdep
// report when another task does (rwsem_assert_held_write_nolockdep()
// sees it write-locked); with the mmap write lock but not the VMA's, only
// the debug-only VM_WARN_ON_ONCE_VMA.
func (c *Call) fieldReaction(m *MM, f *vmaField) Reaction {
	if f != fieldFlags && f != fieldPolicy {
		return f.rule.Kernel
	}
	if m.MmapLock.heldBy(c.T) == Write {
		return DebugOnly
	}
	c.K.fpLockObserve(m.MmapLock)
	if m.MmapLock.writer != nil {
		return Lockdep
	}
	return WARN
}

func init() {
	// vm_flags before the wrappers (6.3) was a plain store: the mmap
	// write lock was the rule, and nothing checked it.
	addHistory(fieldFlags.rule.ID, VersionReaction{changeVMFlagsWrappers.Version, Unchecked,
		"include/linux/mm_types.h (before 6.3): unsigned long vm_flags, written directly (vma->vm_flags = newflags, e.g. mm/mprotect.c: mprotect_fixup()) under the mmap write lock, " +
			"asserted nowhere; the wrappers came with " + changeVMFlagsWrappers.String() + " (vm_flags_reset(): mmap_assert_write_locked()), the VMA write lock with " + changePerVMALocks.String()})
	for name, v := range map[string]int64{
		"PROT_NONE": 0, "PROT_READ": int64(mmcore.PROT_READ), "PROT_WRITE": int64(mmcore.PROT_WRITE), "PROT_EXEC": int64(mmcore.PROT_EXEC),
		"VM_ACCESS_FLAGS": int64(mmcore.VM_ACCESS_FLAGS), "VM_FLAGS_CLEAR": int64(mmcore.VM_PKEY_MASK),
		"MADVISE_NO_LOCK": 0, "MADVISE_MMAP_READ_LOCK": 1, "MADVISE_MMAP_WRITE_LOCK": 2, "MADVISE_VMA_READ_LOCK": 3,
		"MPOL_DEFAULT": 0, "MPOL_PREFERRED": 1, "MPOL_BIND": 2, "MPOL_INTERLEAVE": 3, "MPOL_LOCAL": 4,
	} {
		Constants[name] = v
	}
	for _, name := range []string{"VM_MAYEXEC", "VM_LOCKED", "VM_HUGETLB", "VM_MAYBE_GUARD", "VM_WIPEONFORK", "VM_SOFTDIRTY"} {
		if f, ok := mmcore.ParseVMFlag(name); ok {
			Constants[name] = int64(f)
		}
	}
	for a := mmcore.Advice(0); a < 128; a++ {
		if n := a.String(); len(n) > 5 && n[:5] == "MADV_" {
			Constants[n] = int64(a)
		}
	}
	fieldTable[TMM]["brk"] = func(_ *Kernel, x any) Value { return Int(int64(x.(*MM).Core.Brk())) }
	fieldTable[TMM]["start_brk"] = func(_ *Kernel, x any) Value { return Int(int64(x.(*MM).Core.StartBrk())) }
	fieldTypes[TMM]["brk"] = TInt
	fieldTypes[TMM]["start_brk"] = TInt
	fieldTable[TVMA]["vm_policy"] = func(k *Kernel, x any) Value { return Int(k.vmaState(x.(*mmcore.VMA)).Policy) }
	fieldTypes[TVMA]["vm_policy"] = TInt
	fieldDocs["mm.brk"] = "mm->brk, the current program break; written under the mmap write lock (brk(2))"
	fieldDocs["mm.start_brk"] = "mm->start_brk, where the heap starts"
	fieldDocs["vma.vm_policy"] = "vma->vm_policy as an MPOL_* mode; written by vma_replace_policy() under the mmap write lock and the VMA write lock (process_addrs.rst; CVE-2023-4611)"
}

// Cites and call sequences of the steps.
func init() {
	citeTable["mprotect"] = []Cite{
		cite("mm/mprotect.c", "do_mprotect_pkey()", "mmap_write_lock_killable(); vma_find(); for_each_vma_range(): mprotect_fixup(); tlb_finish_mmu(); mmap_write_unlock()", readMprotect),
		cite("mm/mprotect.c", "mprotect_fixup()", "vma_modify_flags(); vma_start_write(vma); vm_flags_reset_once(vma, newflags); vma_set_page_prot(vma); change_protection()", readMprotect)}
	citeTable["madvise"] = []Cite{
		cite("mm/madvise.c", "get_lock_mode()", "REMOVE/WILLNEED/COLD/PAGEOUT/POPULATE_*/COLLAPSE: MADVISE_MMAP_READ_LOCK; GUARD_*/DONTNEED/DONTNEED_LOCKED/FREE: MADVISE_VMA_READ_LOCK; default: MADVISE_MMAP_WRITE_LOCK", readMadvise),
		cite("mm/madvise.c", "try_vma_read_lock()", "lock_vma_under_rcu(); if (!is_vma_lock_sufficient()) { vma_end_read(); mmap_read_lock(); }", readMadvise)}
	citeTable["vma_modify_flags"] = []Cite{cite("mm/vma.c", "vma_modify_flags(), vma_modify()", "vma_merge_existing_range() or __split_vma(): vma_start_write() on the VMAs they change", readVMAKpaths)}
	citeTable["change_protection"] = []Cite{cite("mm/mprotect.c", "change_protection(), change_pte_range(), change_huge_pmd()", "pte_offset_map_lock() per PTE table; __pmd_trans_huge_lock() for a huge PMD; tlb_flush_pte_range(); tlb_end_vma() flushes", readMprotect)}
	citeTable["vm_flags_reset"] = []Cite{cite("include/linux/mm.h", "vm_flags_reset()", "vma_assert_write_locked(vma); vm_flags_init(vma, flags)", readMmapLock)}
	citeTable["vma_replace_policy"] = []Cite{cite("mm/mempolicy.c", "vma_replace_policy()", "vma_assert_write_locked(vma); old = vma->vm_policy; vma->vm_policy = new; mpol_put(old)", readMbindFix)}
	sequenceTable["mprotect"] = "mmap_write_lock_killable(mm);\nvma = vma_find(&vmi, end);\ntlb_gather_mmu(&tlb, mm);\n" +
		"for_each_vma_range(vmi, vma, end)\n\tmprotect_fixup(&vmi, &tlb, vma, &prev, nstart, tmp, newflags);\n" +
		"\t/* vma_modify_flags(); vma_start_write(vma); vm_flags_reset_once(); vma_set_page_prot(); change_protection() */\n" +
		"tlb_finish_mmu(&tlb);\nmmap_write_unlock(mm);"
	sequenceTable["vm_flags_reset"] = "mmap_write_lock(mm);\nvma_start_write(vma);\nvm_flags_reset(vma, newflags);\nmmap_write_unlock(mm);"
	sequenceTable["vm_flags_init"] = "/* f_op->mmap or set-up of a VMA not yet in the tree */\nvm_flags_init(vma, flags);"
	sequenceTable["vma_set_anonymous"] = "/* f_op->mmap of a driver that wants anonymous memory */\nvma_set_anonymous(vma);"
	sequenceTable["vma_set_atomic_flag"] = "mmap_read_lock(mm);   /* or a VMA read lock */\nvma_set_atomic_flag(vma, VMA_MAYBE_GUARD_BIT);\nmmap_read_unlock(mm);"
	sequenceTable["find_vma_intersection"] = "mmap_read_lock(mm);\nvma = find_vma_intersection(mm, start, end);\n/* use vma */\nmmap_read_unlock(mm);"
}

// vmaOrNil returns the VMA argument i of a parameter that may be nil
// (prev, the brk VMA): nil when it is; a VMA is checked as vma() checks
// it (its use after munmap is reported like any other).
func (c *Call) vmaOrNil(i int) *mmcore.VMA {
	if v, ok := c.Args[i].Obj.(*mmcore.VMA); ok && c.Args[i].T == TVMA && v != nil {
		c.K.checkVMAUse(c.T, c.Args[i], v, c.Op.Name)
		return v
	}
	return nil
}

func vmaParam(name string, nilable bool) Param {
	return Param{Name: name, Type: TVMA, Nilable: nilable}
}

func intParam(name string) Param { return Param{Name: name, Type: TInt} }

// writeLockForModify write-locks, one after the other (each a point where
// the task may wait for readers), the VMAs vma_modify() will change for
// [start, end) of v with flags: v itself when it must split, and a
// neighbour it will merge with (vma_merge_existing_range() write-locks the
// VMAs it expands or removes; __split_vma() write-locks the VMA it splits).
func (c *Call) writeLockForModify(m *MM, prev, v *mmcore.VMA, start, end mmcore.Addr, flags mmcore.VMFlags, k func() Result) Result {
	lock := modifiedVMAs(m, prev, v, start, end, flags)
	return seq(len(lock), func(i int, next func() Result) Result {
		return c.vmaStartWrite(lock[i], ruleStartWrite, next)
	}, k)
}

// vmaModify is vma_modify() (mm/vma.c) for the call c of
// vma_modify_flags() or vma_modify_flags_uffd() on [start, end) of v:
// vma_start_write() on the VMAs it changes (changed: modifiedVMAs, one
// after the other), the write of v's range when there are any, then the
// change (mmcore's, which returns the VMA covering [start, end) now) as
// a split (splitAndOpen: ->may_split, __split_vma()'s ->open on the new
// piece, which is write-locked too). It returns that VMA, or the error
// pointer of a failed split.
func (c *Call) vmaModify(m *MM, v *mmcore.VMA, start, end mmcore.Addr, changed func() []*mmcore.VMA, change func() (*mmcore.VMA, error)) Result {
	if start < v.Start() || end > v.End() || start >= end {
		return fail("%s: [%#x, %#x) is not inside %s", c.Op.Name, uint64(start), uint64(end), VMAName(v))
	}
	c.T.MightSleep(c.Op.Name)
	lock := changed()
	return seq(len(lock), func(i int, next func() Result) Result {
		return c.vmaStartWrite(lock[i], ruleStartWrite, next)
	}, func() Result {
		if len(lock) > 0 {
			c.checkFieldWrite(v, fieldRange)
		}
		var nv *mmcore.VMA
		step := func() (err error) {
			nv, err = change()
			return err
		}
		return c.splitAndOpen(m, start, end, step, func(err error) Result {
			if err != nil {
				return done(errPtr(err))
			}
			return done(Obj(TVMA, nv))
		})
	})
}

// vmaModifyTouches is the footprint of the vma_modify family
// (vma_modify_flags, vma_modify_policy, vma_modify_flags_uffd: mm, prev,
// vma, start, end, ...): the mm's VMAs (split, merged, their fields) and
// the allocator; and where the range's start or end, not PMD-aligned,
// cuts a huge PMD (__split_vma() and the merge's commit ->
// vma_adjust_trans_huge() -> split_huge_pmd_if_needed()), that PMD entry,
// which becomes a PTE table, the pages of its folio, each now mapped by a
// PTE of its own, and the TLB (the range is flushed). Without the split
// the step commuted with a lockless read of the huge PMD
// (interp/testdata/vma_modify_splits_thp.mms).
func vmaModifyTouches(c *Call, f *Footprint) {
	m := mmArg(c, 0)
	f.MM(m, true)
	f.Alloc()
	if m == nil {
		return
	}
	f.splitsTHPAt(m, c.addr(3), c.addr(4))
	f.vmaFiles(m, c.addr(3), c.addr(4))
}

// vmaFiles records a write of the i_mmap of the file of each VMA of m
// that [start, end) overlaps: a split or merge of a file VMA inserts or
// removes VMAs of the file's interval tree and changes their ranges
// (vma_prepare() takes i_mmap_lock_write(); vma_complete()
// vma_interval_tree_insert()s), which an rmap walk of the file reads. A
// merge joins only VMAs of the same file, so neighbours add no file.
func (f *Footprint) vmaFiles(m *mmcore.MM, start, end mmcore.Addr) {
	if f == nil || m == nil || end <= start {
		return
	}
	for v := range m.VMAsRange(start, end) {
		if file := v.File(); file != nil {
			id := nameID(file.Name)
			if f.names != nil {
				f.setName(AFile, id, file.Name)
			}
			f.Add(AFile, id, true)
		}
	}
}

// splitsTHPAt records what a VMA boundary made at each of addrs splits
// (vma_adjust_trans_huge() -> split_huge_pmd_if_needed()): where one is
// not PMD-aligned and a huge PMD maps it, that PMD entry, which becomes a
// PTE table, the pages of its folio, each now mapped by a PTE of its own,
// and the TLB (the PMD's range is flushed).
func (f *Footprint) splitsTHPAt(m *mmcore.MM, addrs ...mmcore.Addr) {
	for _, a := range addrs {
		if a&(mmcore.PMD_SIZE-1) != 0 && m.Walk(a).Huge() {
			splitHugePMDTouches(f, m, a)
			f.TLB(m, true)
		}
	}
}

// splitAndOpen runs step, a change of m's VMAs that may split them at
// start and end, as splitting() does, then __split_vma()'s
// new->vm_ops->open(new) on the pieces it split off (openSplits) and k
// with nil; when step fails, k with its error and no ->open.
func (c *Call) splitAndOpen(m *MM, start, end mmcore.Addr, step func() error, k func(err error) Result) Result {
	return c.splitting(m, start, end, step, nil, func(err error) Result {
		if err != nil {
			return k(err)
		}
		return c.openSplits(m, start, end, func() Result { return k(nil) })
	})
}

// modifiedVMAs returns the VMAs vma_modify() changes for [start, end) of v
// with flags: none when the range is all of v and no neighbour merges
// (vma_modify() then returns v untouched).
func modifiedVMAs(m *MM, prev, v *mmcore.VMA, start, end mmcore.Addr, flags mmcore.VMFlags) []*mmcore.VMA {
	return modifiedVMAsCtx(m, prev, v, start, end, flags, v.UffdCtx)
}

// modifiedVMAsCtx is modifiedVMAs for a range that gets the userfaultfd
// context uffdCtx (vma_modify_flags_uffd()): a neighbour merges only when
// registered with the same one.
func modifiedVMAsCtx(m *MM, prev, v *mmcore.VMA, start, end mmcore.Addr, flags mmcore.VMFlags, uffdCtx any) []*mmcore.VMA {
	var lock []*mmcore.VMA
	next := m.Core.NextVMA(v)
	mergePrev := prev != nil && prev != v && prev.End() == start && prev.Flags == flags && prev.UffdCtx == uffdCtx
	mergeNext := next != nil && next.Start() == end && next.Flags == flags && next.UffdCtx == uffdCtx
	if start > v.Start() || end < v.End() || mergePrev || mergeNext {
		lock = append(lock, v)
	}
	if mergePrev {
		lock = append(lock, prev)
	}
	if mergeNext {
		lock = append(lock, next)
	}
	return lock
}

func init() {
	defOp(&Op{Name: "find_vma_intersection", Params: []Param{{Name: "mm", Type: TMM}, intParam("start"), intParam("end")}, Result: TVMA,
		API:     simulated("find_vma_intersection", "returns the first VMA overlapping [start, end), or nil", ruleFindVMA),
		Touches: readsMM,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			c.mmapAssertLocked(m, false, ruleFindVMA, "find_vma_intersection without "+m.MmapLock.Name+" held")
			return done(Obj(TVMA, m.Core.FindVMAIntersection(c.addr(1), c.addr(2))))
		}})
	defOp(&Op{Name: "vma_prev", Params: []Param{{Name: "mm", Type: TMM}, vmaParam("vma", false)}, Result: TVMA,
		API: register(&API{Name: "vma_prev", Section: "2.14", Hold: "mmap lock, read or write", Takes: "RCU (maple tree walk)",
			Sleeps: "no", Asserts: "none", Source: "include/linux/mm.h: vma_prev()",
			Notes:      "the VMA below vma, or nil (mmscript takes the mm and the VMA where the kernel takes a vma_iterator)",
			NullResult: "when no VMA lies below the iterator's position"}),
		Touches: readsMM,
		Fn:      func(c *Call) Result { return done(Obj(TVMA, c.mm(0).Core.PrevVMA(c.vma(1)))) }})
	defOp(&Op{Name: "vma_is_anonymous", Params: []Param{vmaParam("vma", false)}, Result: TBool,
		API: register(&API{Name: "vma_is_anonymous", Section: "2.17", Hold: "the VMA stable", Sleeps: "no", Asserts: "none",
			Source: "include/linux/mm.h: vma_is_anonymous(): return !vma->vm_ops"}),
		Touches: readsVMA,
		Fn:      func(c *Call) Result { return done(Bool(c.vma(0).Anonymous())) }})
	defOp(&Op{Name: "vm_start_gap", Params: []Param{vmaParam("vma", false)}, Result: TInt,
		API: register(&API{Name: "vm_start_gap", Section: "2.15", Hold: "the VMA stable", Sleeps: "no", Asserts: "none",
			Source: "include/linux/mm.h: vm_start_gap()", Notes: "vm_start less the stack guard gap below a VM_GROWSDOWN VMA"}),
		Touches: readsVMA,
		Fn:      func(c *Call) Result { return done(Int(int64(mmcore.VMStartGap(c.vma(0))))) }})
	defOp(&Op{Name: "arch_override_mprotect_pkey", Params: []Param{vmaParam("vma", false), intParam("prot"), intParam("pkey")}, Result: TInt,
		API: register(&API{Name: "arch_override_mprotect_pkey", Section: "2.16", Hold: "the mmap lock", Sleeps: "no", Asserts: "none",
			Source: "arch/x86/include/asm/pkeys.h: arch_override_mprotect_pkey()",
			Notes:  "the protection key mprotect gives the VMA: the execute-only key for PROT_EXEC alone, 0 when leaving it, else the VMA's"}),
		Touches: readsVMA,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			if pkey := c.int(2); pkey != -1 {
				return done(Int(pkey))
			}
			f := mmOf(v.MM()).Core.MprotectFlags(v, mmcore.Prot(c.int(1)))
			return done(Int(int64(f&mmcore.VM_PKEY_MASK) >> mmcore.VM_PKEY_SHIFT))
		}})
	defOp(&Op{Name: "calc_vm_prot_bits", Params: []Param{intParam("prot"), intParam("pkey")}, Result: TInt,
		API: register(&API{Name: "calc_vm_prot_bits", Section: "2.16", Hold: "nothing", Sleeps: "no", Asserts: "none",
			Source: "include/linux/mman.h: calc_vm_prot_bits()", Notes: "PROT_READ/WRITE/EXEC as VM_READ/WRITE/EXEC, with the protection key's bits"}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			prot, pkey := c.int(0), c.int(1)
			if prot&^int64(mmcore.PROT_READ|mmcore.PROT_WRITE|mmcore.PROT_EXEC) != 0 {
				return fail("calc_vm_prot_bits: unknown prot bits %#x (arch_validate_prot fails first)", prot)
			}
			f := mmcore.VMFlags(prot) & mmcore.VM_ACCESS_FLAGS
			if pkey > 0 {
				f |= mmcore.VMFlags(pkey) << mmcore.VM_PKEY_SHIFT & mmcore.VM_PKEY_MASK
			}
			return done(Int(int64(f)))
		}})

	defOp(&Op{Name: "vma_modify_flags",
		Params: []Param{{Name: "mm", Type: TMM}, vmaParam("prev", true), vmaParam("vma", false), intParam("start"), intParam("end"), intParam("newflags")},
		Result: TVMA,
		API: register(&API{Name: "vma_modify_flags", Section: "2.16", Hold: "mmap lock for write",
			Takes:  "vma_start_write on the VMA it splits and the neighbour it merges with (waits for their readers) -> rmap write locks (vma_prepare) -> __split_vma (->open on the new piece) or vma_merge_existing_range",
			Sleeps: "yes", Asserts: "mmap_assert_write_locked() via vma_start_write()",
			Source: "mm/vma.c: vma_modify_flags(), vma_modify(), __split_vma(), vma_merge_existing_range()",
			Notes:  "returns the VMA that now covers exactly [start, end) (merged or split off), or nil when the split fails (-ENOMEM); mmscript gives it newflags at once, and the caller's vm_flags_reset writes them again",
			Rules:  []*Rule{ruleStartWrite, fieldRange.rule, ruleSleepInAtomic}}),
		Touches: vmaModifyTouches,
		Fn: func(c *Call) Result {
			m, prev, v := c.mm(0), c.vmaOrNil(1), c.vma(2)
			start, end, flags := c.addr(3), c.addr(4), mmcore.VMFlags(c.int(5))
			return c.vmaModify(m, v, start, end, func() []*mmcore.VMA { return modifiedVMAs(m, prev, v, start, end, flags) },
				func() (*mmcore.VMA, error) {
					return m.Core.VMAModifyFlags(prevOf(m, prev, v, start), v, start, end, flags)
				})
		}})

	vmFlagsReset := func(name string) {
		api := takeDocumented("vm_flags_reset")
		if api == nil {
			api = &API{Name: name, Section: "2.16", Hold: "mmap write lock + VMA write lock already (the caller did vma_start_write())",
				Takes: "none", Sleeps: "no", Asserts: "vma_assert_write_locked()", Source: "include/linux/mm.h: " + name + "()"}
		} else {
			api.Notes = "also vm_flags_reset_once() (the same check, a WRITE_ONCE store)"
		}
		api.Name = name
		api.Rules = []*Rule{fieldFlags.rule}
		defOp(&Op{Name: name, Params: []Param{vmaParam("vma", false), intParam("flags")},
			API: register(api), Touches: writesVMA,
			Fn: func(c *Call) Result {
				v := c.vma(0)
				c.checkFieldWrite(v, fieldFlags)
				v.Flags = mmcore.VMFlags(c.int(1))
				return ok
			}})
	}
	vmFlagsReset("vm_flags_reset")
	vmFlagsReset("vm_flags_reset_once")

	defOp(&Op{Name: "vm_flags_init", Params: []Param{vmaParam("vma", false), intParam("flags")},
		API:     simulated("vm_flags_init", "writes vma->vm_flags with no lock: only for a VMA nobody sees yet (f_op->mmap, set-up before insertion)", fieldFlagsInit.rule),
		Touches: writesVMA,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			c.checkFieldWrite(v, fieldFlagsInit)
			v.Flags = mmcore.VMFlags(c.int(1))
			return ok
		}})
	// __vm_flags_mod(vma, set, clear) (include/linux/mm.h): "Use only if
	// VMA is not part of the VMA tree or has no other users and therefore
	// needs no locking": vm_flags_init() of (vm_flags | set) & ~clear.
	defOp(&Op{Name: "__vm_flags_mod", Params: []Param{vmaParam("vma", false), intParam("set"), intParam("clear")},
		API: func() *API {
			a := simulated("__vm_flags_mod", "sets set and clears clear with no lock, as vm_flags_init() writes: only for a VMA nobody sees yet, or one that has no other users "+
				"(x86's untrack_pfn() with mm_wr_locked false, from unmap_single_vma() of an exiting or isolated mm)", fieldFlagsInit.rule)
			a.Section, a.Source = "2.16", "include/linux/mm.h: __vm_flags_mod() -> vm_flags_init()"
			a.Hold, a.Takes, a.Sleeps, a.Asserts = "nothing, on a VMA nobody else sees yet (not in the VMA tree, or an mm without other users)", "nothing", "no", "none"
			a.Cites = []Cite{cite("include/linux/mm.h", "__vm_flags_mod()", "none: \"Use only if VMA is not part of the VMA tree or has no other users and therefore needs no locking.\" "+
				"vm_flags_init(vma, (vma->vm_flags | set) & ~clear);", readMMH2026)}
			a.Sequence = "/* f_op->mmap: the VMA is not in the tree yet */\n__vm_flags_mod(vma, VM_IO | VM_DONTEXPAND, VM_MAYWRITE);"
			return a
		}(),
		Touches: writesVMA,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			c.checkFieldWrite(v, fieldFlagsInit)
			v.Flags = (v.Flags | mmcore.VMFlags(c.int(1))) &^ mmcore.VMFlags(c.int(2))
			return ok
		}})
	defOp(&Op{Name: "vma_set_anonymous", Params: []Param{vmaParam("vma", false)},
		API:     simulated("vma_set_anonymous", "vma->vm_ops = NULL: the VMA becomes anonymous memory; only while it is set up", fieldOps.rule),
		Touches: writesVMA,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			c.checkFieldWrite(v, fieldOps)
			v.Ops = nil
			return ok
		}})
	ruleStabilised := &Rule{"vma_set_atomic_flag/not-stabilised", "vma_set_atomic_flag() needs the VMA stable: the mmap lock (read is enough) or the VMA's own lock",
		"include/linux/mm.h: vma_set_atomic_flag() -> vma_assert_stabilised() -> vma_assert_locked() (VM_WARN_ON_ONCE_VMA)", DebugOnly}
	ruleAtomicBit := &Rule{"vma_set_atomic_flag/bit-not-allowed", "only the bits of VM_ATOMIC_SET_ALLOWED (VM_MAYBE_GUARD) may be set atomically; others need vm_flags_set",
		"include/linux/mm.h: vma_set_atomic_flag(): WARN_ON_ONCE(!vma_flag_atomic_allowed()) and returns", WARN}
	defOp(&Op{Name: "vma_set_atomic_flag", Params: []Param{vmaParam("vma", false), {Name: "bit", Type: TWord, Words: vmFlagWords()}},
		API: simulated("vma_set_atomic_flag", "sets one flag bit with set_bit(), under a read lock; only VM_MAYBE_GUARD is allowed (MADV_GUARD_INSTALL under the VMA read lock)",
			ruleStabilised, ruleAtomicBit),
		Touches: writesVMA,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			if c.K.Config.Version != Mainline {
				return fail("vma_set_atomic_flag does not exist in 6.18: it came with VM_MAYBE_GUARD (\"mm: add atomic VMA flags and set VM_MAYBE_GUARD as such\", posted 2025-11, after the 6.18 merge window)")
			}
			f, err := parseVMFlags(c.word(1))
			if err != nil {
				return fail("vma_set_atomic_flag: %v", err)
			}
			s := c.K.vmaState(v)
			m := mmOf(v.MM())
			if m.MmapLock.heldBy(c.T) == 0 && s.Lock.writer != c.T && s.Lock.heldBy(c.T) == 0 {
				c.K.violate(c.T, ruleStabilised, fmt.Sprintf("vma_set_atomic_flag on %s without %s or the VMA's lock: the VMA may change or go away", VMAName(v), m.MmapLock.Name))
			}
			if f&^mmcore.VM_MAYBE_GUARD != 0 {
				c.K.violate(c.T, ruleAtomicBit, fmt.Sprintf("vma_set_atomic_flag(%s): not in VM_ATOMIC_SET_ALLOWED; the kernel warns and leaves the flags alone", c.word(1)))
				return ok
			}
			v.Flags |= f
			return ok
		}})
	defOp(&Op{Name: "vma_set_page_prot", Params: []Param{vmaParam("vma", false)},
		API: register(&API{Name: "vma_set_page_prot", Section: "2.16", Hold: "mmap write lock + VMA write lock",
			Takes: "none", Sleeps: "no", Asserts: "none", Source: "mm/mmap.c: vma_set_page_prot()",
			Notes: "recomputes vma->vm_page_prot from vm_flags (WRITE_ONCE)", Rules: []*Rule{fieldPageProt.rule}}),
		Touches: writesVMA,
		Fn: func(c *Call) Result {
			c.checkFieldWrite(c.vma(0), fieldPageProt)
			return ok
		}})
	defOp(&Op{Name: "vma_replace_policy", Params: []Param{vmaParam("vma", false), intParam("pol")}, Result: TInt,
		API: register(&API{Name: "vma_replace_policy", Section: "2.16", Hold: "mmap write lock + VMA write lock",
			Takes: "none (mpol_dup; the old policy is put, and freed when its last reference goes)", Sleeps: "yes (allocation)",
			Asserts: "vma_assert_write_locked() (since 6c21e066f925)", Source: "mm/mempolicy.c: vma_replace_policy()",
			Notes: "pol is an MPOL_* mode; vma.vm_policy reads it back. A fault under the VMA read lock reads vm_policy (get_vma_policy in vma_alloc_folio): without the VMA write lock it may use the old policy after mpol_put freed it (CVE-2023-4611)",
			Rules: []*Rule{fieldPolicy.rule}}),
		Touches: writesVMA,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			c.T.MightSleep(c.Op.Name)
			c.checkFieldWrite(v, fieldPolicy)
			c.K.vmaState(v).Policy = c.int(1)
			return done(Int(0))
		}})
	defOp(&Op{Name: "vma_modify_policy",
		Params: []Param{{Name: "mm", Type: TMM}, vmaParam("prev", true), vmaParam("vma", false), intParam("start"), intParam("end"), intParam("new_pol")},
		Result: TVMA,
		API: register(&API{Name: "vma_modify_policy", Section: "2.16", Hold: "mmap lock for write",
			Takes:  "__split_vma at start and at end when the range covers part of the VMA: vma_start_write on the VMA (waits for its readers), ->open on the new piece",
			Sleeps: "yes", Asserts: "mmap_assert_write_locked() via vma_start_write()",
			Source: "mm/vma.c: vma_modify_policy(), vma_modify(), __split_vma()",
			Notes:  "returns the VMA covering exactly [start, end), or nil when a split fails; a range that is the whole VMA is returned as is, with no lock taken (mmscript models no merge of policies)",
			Rules:  []*Rule{ruleStartWrite, ruleSleepInAtomic}}),
		Touches: vmaModifyTouches,
		Fn: func(c *Call) Result {
			c.vmaOrNil(1) // vma_modify() reads prev for a merge: a freed prev is a use after free
			m, v := c.mm(0), c.vma(2)
			start, end := c.addr(3), c.addr(4)
			if start < v.Start() || end > v.End() || start >= end {
				return fail("vma_modify_policy: [%#x, %#x) is not inside %s", uint64(start), uint64(end), VMAName(v))
			}
			if start == v.Start() && end == v.End() {
				return done(Obj(TVMA, v))
			}
			c.T.MightSleep(c.Op.Name)
			pol := c.K.vmaState(v).Policy
			return c.vmaStartWrite(v, ruleStartWrite, func() Result { // __split_vma(): vma_start_write(vma)
				split := func() error {
					for _, split := range []struct {
						at    mmcore.Addr
						below bool
					}{{start, true}, {end, false}} {
						if split.at > v.Start() && split.at < v.End() {
							nv, err := m.Core.SplitVMA(v, split.at, split.below)
							if err != nil {
								return err
							}
							c.K.vmaState(nv).Policy = pol // vma_dup_policy()
						}
					}
					return nil
				}
				return c.splitAndOpen(m, start, end, split, func(err error) Result {
					if err != nil {
						return done(errPtr(err))
					}
					return done(Obj(TVMA, v))
				})
			})
		}})
	defOp(&Op{Name: "mbind", Path: true, Touches: world,
		Params: []Param{{Name: "mm", Type: TMM}, intParam("start"), intParam("len"), intParam("mode")},
		Result: TInt,
		API: register(&API{Name: "mbind", Section: "2.16", Hold: "no mmap lock of this mm (the syscall takes it)",
			Takes:  "mmap_write_lock -> vma_start_write on every VMA of the range (since 6c21e066f925) -> per VMA mbind_range: vma_modify_policy (splits) -> vma_replace_policy -> mmap_write_unlock",
			Sleeps: "yes", Asserts: "vma_replace_policy(): vma_assert_write_locked()",
			Source: "mm/mempolicy.c: kernel_mbind(), do_mbind(), mbind_range(), vma_replace_policy()",
			Notes: "mode is an MPOL_* constant, stored as the VMAs' vm_policy; nodemasks, MPOL_MF_MOVE and page migration are not modelled; returns 0 or -errno; " +
				"a kernel path of the kernel library (kernel/mempolicy.mms)",
			Rules: lockRules}),
	})

	defOp(&Op{Name: "change_protection", Path: true, Touches: touchesLocksOnly, Params: []Param{{Name: "tlb", Type: TMMUGather}, vmaParam("vma", false), intParam("start"), intParam("end")},
		Result: TInt,
		API: register(&API{Name: "change_protection", Section: "6.3", Hold: "mmap lock (write for mprotect; read for NUMA hinting) with the VMA write-locked or stable",
			Takes:  "per PMD: the PMD lock of a huge PMD (change_huge_pmd) or the PTE lock of the PTE table (change_pte_range: flush_tlb_batched_pending first) -> TLB flush of the range at tlb_finish_mmu",
			Sleeps: "between tables (cond_resched), not under a PTL", Asserts: "BUG_ON(addr >= end)",
			Source: "mm/mprotect.c: change_protection(), change_protection_range(), change_pmd_range(), change_pte_range(), change_huge_pmd()",
			Notes: "brings the entries of [start, end) in line with vma's vm_flags; returns the number of entries changed; a kernel path of the kernel library " +
				"(kernel/mprotect.mms: change_protection, change_pmd_range, change_pte_range, change_huge_pmd over the steps modify_prot_commit_ptes and change_huge_pmd_locked)",
			Rules: []*Rule{ruleSleepInAtomic, ruleBatchedFlushPending}}),
	})

	// The entries change under each table's lock and the flush waits for
	// the gather (tlb_flush_pte_range() records the range, tlb_finish_mmu()
	// flushes it), with mm->tlb_flush_pending raised by tlb_gather_mmu():
	// until then other CPUs keep the old translations, which is what
	// pte_accessible() answers for a PROT_NONE entry. Without a gather the
	// range is flushed under the lock.
	changeTouches := func(c *Call, f *Footprint) {
		m := vmaMM(c, 1)
		f.MM(m, false)
		f.PTERange(m, c.addr(2), c.addr(3), true)
		f.TLB(m, true)
		f.AllPages(true)
	}
	defOp(&Op{Name: "modify_prot_commit_ptes",
		Params: []Param{{Name: "tlb", Type: TMMUGather, Nilable: true}, vmaParam("vma", false), {Name: "pte", Type: TPTE}, intParam("end")},
		Result: TInt,
		API: register(&API{Name: "modify_prot_commit_ptes", Section: "6.3", Hold: "the PTE lock of the table (pte_offset_map_lock in change_pte_range)",
			Sleeps: "no", Asserts: "none",
			Source: "mm/mprotect.c: change_pte_range(); include/linux/pgtable.h: modify_prot_start_ptes(), modify_prot_commit_ptes()",
			Notes: "the do/while loop of change_pte_range() over [pte, end) of one PTE table, one step: for each present entry " +
				"modify_prot_start_ptes(), pte_modify() to vma's vm_page_prot, modify_prot_commit_ptes() and tlb_flush_pte_range(tlb, addr, PAGE_SIZE); " +
				"returns the number of entries changed. An entry a batched unmap cleared and a CPU still caches, not flushed by " +
				"flush_tlb_batched_pending() under this lock, is tlb/batched-flush-pending",
			Rules: []*Rule{rulePTEChangeLock, ruleBatchedFlushPending},
			Cites: []Cite{cite("mm/mprotect.c", "change_pte_range()", "none: flush_tlb_batched_pending(vma->vm_mm) before the loop", readTLBBatch)},
			Sequence: "pte = pte_offset_map_lock(vma->vm_mm, pmd, addr, &ptl);\nflush_tlb_batched_pending(vma->vm_mm);\ndo {\n\toldpte = ptep_get(pte);\n" +
				"\tif (pte_present(oldpte)) {\n\t\toldpte = modify_prot_start_ptes(vma, addr, pte, nr_ptes);\n\t\tptent = pte_modify(oldpte, newprot);\n" +
				"\t\tmodify_prot_commit_ptes(vma, addr, pte, oldpte, ptent, nr_ptes);\n\t\ttlb_flush_pte_range(tlb, addr, nr_ptes * PAGE_SIZE);\n\t}\n" +
				"} while (pte += nr_ptes, addr += nr_ptes * PAGE_SIZE, addr != end);\npte_unmap_unlock(pte - 1, ptl);"}),
		Touches: func(c *Call, f *Footprint) {
			m := vmaMM(c, 1)
			p, ok := c.Args[2].Obj.(*PTE)
			f.MM(m, false)
			if ok && p != nil {
				f.PTERange(m, p.Addr, c.addr(3), true)
			} else {
				f.PTEs(m, true)
			}
			f.TLB(m, true)
			f.AllPages(true)
		},
		Fn: func(c *Call) Result {
			var g *MMUGather
			if c.Args[0].T == TMMUGather {
				g = c.mmuGather(0)
			}
			v, p := c.vma(1), c.Args[2].Obj.(*PTE)
			start := p.Addr
			end := min(c.addr(3), (start|(mmcore.PMD_SIZE-1))+1, v.End())
			if !c.checkTable(p) || start >= end {
				return done(Int(0))
			}
			if p.PTL.heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("modify_prot_commit_ptes at %#x without %s held", uint64(start), p.PTL.Name))
			}
			c.checkBatchedFlushed(p.MM, start, end)
			n, lo, hi := changeProtRange(v, start, end)
			c.gatherProtRange(g, v, lo, hi)
			return done(Int(int64(n)))
		}})
	defOp(&Op{Name: "change_huge_pmd_locked", Params: []Param{{Name: "tlb", Type: TMMUGather, Nilable: true}, vmaParam("vma", false), intParam("addr"), intParam("end")},
		Result: TInt,
		API: register(&API{Name: "change_huge_pmd_locked", Section: "6.3", Hold: "the PMD lock of the huge PMD (change_huge_pmd's __pmd_trans_huge_lock)",
			Sleeps: "no", Asserts: "none", Source: "mm/huge_memory.c: change_huge_pmd(); mm/mprotect.c: change_pmd_range()",
			Notes: "the body of change_huge_pmd() between __pmd_trans_huge_lock() and spin_unlock(ptl), one step (mmscript's name: the kernel has no " +
				"function of its own for it): pmdp_invalidate_ad(), pmd_modify() to vma's protection, set_pmd_at(), tlb_flush_pmd_range(); a PMD " +
				"range [addr, end) covers only in part is split first (change_pmd_range()'s __split_huge_pmd(), and its PTEs changed); returns the number of entries changed",
			Rules: []*Rule{rulePTEChangeLock},
			Cites: []Cite{cite("mm/huge_memory.c", "change_huge_pmd()", "none: ptl = __pmd_trans_huge_lock(pmd, vma); if (!ptl) return 0; ... spin_unlock(ptl)", readMprotect)},
			Sequence: "ptl = __pmd_trans_huge_lock(pmd, vma);\noldpmd = pmdp_invalidate_ad(vma, addr, pmd);\nentry = pmd_modify(oldpmd, newprot);\n" +
				"set_pmd_at(mm, addr, pmd, entry);\ntlb_flush_pmd_range(tlb, addr, HPAGE_PMD_SIZE);\nspin_unlock(ptl);"}),
		Touches: changeTouches,
		Fn: func(c *Call) Result {
			var g *MMUGather
			if c.Args[0].T == TMMUGather {
				g = c.mmuGather(0)
			}
			v, addr := c.vma(1), c.addr(2)
			m := mmOf(v.MM())
			w := m.Core.Walk(addr)
			if !w.Huge() || w.PMD() == nil {
				return done(Int(0))
			}
			if l := ptl(m, w.PMD()); l.heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("change_huge_pmd_locked at %#x without %s held", uint64(addr), l.Name))
			}
			start := addr &^ (mmcore.PMD_SIZE - 1)
			end := min(start+mmcore.PMD_SIZE, v.End())
			n, lo, hi := changeProtRange(v, max(start, v.Start()), end)
			c.gatherProtRange(g, v, lo, hi)
			return done(Int(int64(n)))
		}})
	defOp(&Op{Name: "populate_vma_page_range", Params: []Param{vmaParam("vma", false), intParam("start"), intParam("end")},
		Result: TInt,
		API: register(&API{Name: "populate_vma_page_range", Section: "6.3", Hold: "mmap lock (read or write)",
			Takes: "as GUP: page walk under the PTE locks, faults", Sleeps: "yes", Asserts: "mmap_assert_locked()",
			Source: "mm/gup.c: populate_vma_page_range()", Notes: "faults in [start, end) of vma", Rules: []*Rule{ruleSleepInAtomic}}),
		Touches: world,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			c.T.MightSleep(c.Op.Name)
			if err := v.MM().Populate(v, c.addr(1), c.addr(2)); err != nil {
				return done(Int(errnoOf(err)))
			}
			return done(Int(0))
		}})
}

// changeProtRange runs mmcore's ChangeProtection over [start, end) of v
// and returns the number of entries changed and the range [lo, hi) from
// the first to the last of them: what change_pte_range()'s
// tlb_flush_pte_range() calls add to the gather, one page per changed
// entry (an entry found none adds nothing).
func changeProtRange(v *mmcore.VMA, start, end mmcore.Addr) (n int, lo, hi mmcore.Addr) {
	m := v.MM()
	before := make([]mmcore.PTE, 0, (end-start)>>mmcore.PageShift)
	for a := start; a < end; a += mmcore.PageSize {
		before = append(before, m.Walk(a).Entry)
	}
	n = m.ChangeProtection(v, start, end)
	if n == 0 {
		return 0, 0, 0
	}
	for i, a := 0, start; a < end; i, a = i+1, a+mmcore.PageSize {
		if m.Walk(a).Entry != before[i] {
			if hi == 0 {
				lo = a
			}
			hi = a + mmcore.PageSize
		}
	}
	return n, lo, hi
}

// gatherProtRange adds [lo, hi), the entries a protection change
// changed, to the mmu_gather g (tlb_flush_pte_range(),
// tlb_flush_pmd_range()): its tlb_finish_mmu() flushes them after the PTE
// lock drops. Without a gather the range is flushed now, under the lock.
func (c *Call) gatherProtRange(g *MMUGather, v *mmcore.VMA, lo, hi mmcore.Addr) {
	if hi <= lo {
		return
	}
	if g == nil {
		v.MM().TLB.FlushRange(lo, hi)
		c.T.tlbFlushed(mmOf(v.MM()), lo, hi)
		return
	}
	if g.End == g.Start {
		g.Start, g.End = lo, hi
	}
	g.Start, g.End = min(g.Start, lo), max(g.End, hi)
}

// simulated turns the documented-only rule-book entry name into a
// simulated one with rules; notes is used when the book has none.
func simulated(name, notes string, rules ...*Rule) *API {
	a := takeDocumented(name)
	if a == nil {
		a = &API{Name: name, Section: "-", Notes: notes}
	}
	if a.Notes == "" {
		a.Notes = notes
	}
	a.Rules = rules
	return register(a)
}

// underEachPMDLock runs fn over [start, end) of v one PMD range at a time,
// under the lock that guards that range's entries: the PMD lock of a huge
// PMD, the PTE lock of a PTE table; ranges with neither are skipped. Each
// acquisition is a point where the task may wait. The ranges are added to
// the mmu_gather for its flush; then k with the sum of fn's results.
func (c *Call) underEachPMDLock(g *MMUGather, v *mmcore.VMA, start, end mmcore.Addr, fn func(from, to mmcore.Addr) int, k func(int) Result) Result {
	m := mmOf(v.MM())
	start, end = max(start, v.Start()), min(end, v.End())
	type span struct{ from, to mmcore.Addr }
	var spans []span
	for a := start; a < end; {
		next := (a | (mmcore.PMD_SIZE - 1)) + 1
		if next < a || next > end {
			next = end
		}
		spans = append(spans, span{a, next})
		a = next
	}
	if g != nil && end > start {
		if g.End == g.Start {
			g.Start, g.End = start, end
		}
		g.Start, g.End = min(g.Start, start), max(g.End, end)
	}
	total := 0
	return seq(len(spans), func(i int, next func() Result) Result {
		sp := spans[i]
		w := m.Core.Walk(sp.from)
		var l *Lock
		switch {
		case w.Huge() && w.PMD() != nil:
			l = ptl(m, w.PMD())
		case w.PTETable() != nil:
			l = ptl(m, w.PTETable())
		default:
			return next()
		}
		return c.lock(l, Write, func() Result {
			total += fn(sp.from, sp.to)
			c.unlock(l, Write)
			return next()
		})
	}, func() Result { return k(total) })
}

func init() {
	defOp(&Op{Name: "mprotect", Path: true, Touches: world,
		Params: []Param{{Name: "mm", Type: TMM}, intParam("start"), intParam("len"), {Name: "prot", Type: TInt, WordValue: ProtValue}},
		Result: TInt,
		API: register(&API{Name: "mprotect", Section: "2.30",
			Hold: "no mmap lock of this mm (the syscall takes it)",
			Takes: "mmap_write_lock_killable -> find_vma_intersection -> tlb_gather_mmu -> per VMA mprotect_fixup: vma_modify_flags " +
				"(vma_start_write on the VMAs it splits or merges, ->open on a new piece) -> vma_start_write -> vm_flags_reset_once -> " +
				"vma_set_page_prot -> change_protection (PMD lock or PTE lock per table) -> tlb_finish_mmu -> mmap_write_unlock",
			Sleeps: "yes", Asserts: "via vma_start_write (mmap_assert_write_locked) and vm_flags_reset_once (vma_assert_write_locked)",
			Source: "mm/mprotect.c: do_mprotect_pkey(), mprotect_fixup(), change_protection()",
			Notes:  "returns 0 or -errno; prot is PROT_READ|PROT_WRITE|PROT_EXEC; a kernel path of the kernel library (kernel/mprotect.mms), run statement by statement",
			Rules:  lockRules}),
	})
}

// madviseZaps: the behaviours whose work is a walk of the page tables
// under each table's lock (zap_pte_range / madvise_free_pte_range).
func madviseZaps(a mmcore.Advice) bool {
	return a == mmcore.MADV_DONTNEED || a == mmcore.MADV_DONTNEED_LOCKED || a == mmcore.MADV_FREE
}

// madviseSetsFlags: the behaviours of madvise_vma_behavior() that end in
// madvise_update_vma() (vma_modify_flags, vma_start_write, vm_flags_reset).
func madviseSetsFlags(a mmcore.Advice) bool {
	switch a {
	case mmcore.MADV_NORMAL, mmcore.MADV_RANDOM, mmcore.MADV_SEQUENTIAL, mmcore.MADV_DONTFORK, mmcore.MADV_DOFORK,
		mmcore.MADV_WIPEONFORK, mmcore.MADV_KEEPONFORK, mmcore.MADV_DONTDUMP, mmcore.MADV_DODUMP,
		mmcore.MADV_MERGEABLE, mmcore.MADV_UNMERGEABLE, mmcore.MADV_HUGEPAGE, mmcore.MADV_NOHUGEPAGE:
		return true
	}
	return false
}

// madviseVMABehaviorTouches is madvise_vma_behavior()'s footprint in the
// state its step runs in. MADV_DONTNEED(_LOCKED) and MADV_FREE change
// what a zap of [start, end) changes (zaps): the entries of the range, the
// pages they map now (a zap drops their maps and references; MADV_FREE
// clears an exclusive page's dirty bit and the entry's young and dirty
// bits), the TLB and the allocator (a freed page is handed out again),
// and they read the VMA; after each table's lock flush_tlb_batched_pending()
// reads mm->tlb_flush_batched and, with a flush owed, writes it. MADV_FREE
// splits a large folio it maps in part (split_folio(): every mapping of
// the folio, in any mm, is unmapped and remapped), so a large folio in the
// range makes the step touch everything; so do the other behaviours, which
// change the VMAs (madvise_update_vma()), reclaim (MADV_COLD, MADV_PAGEOUT:
// rmap walks of other mms) or fault pages in. The locks it takes, PTE and
// folio locks, are recorded by the lock code.
func madviseVMABehaviorTouches(c *Call, f *Footprint) {
	m := mmArg(c, 0)
	v, _ := c.Args[2].Obj.(*mmcore.VMA)
	a := mmcore.Advice(c.Args[6].Int)
	if m == nil || v == nil || !madviseZaps(a) {
		f.World()
		return
	}
	start, end := max(c.addr(4), v.Start()), min(c.addr(5), v.End())
	if a == mmcore.MADV_FREE && end > start {
		if (end-start)>>mmcore.PageShift > maxPTERange {
			f.World()
			return
		}
		for addr := start; addr < end; addr += mmcore.PageSize {
			w := m.Walk(addr)
			if w.Huge() {
				f.World()
				return
			}
			if p := m.Memory().Page(w.Entry.PFN()); w.Present() && p != nil && p.Order() > 0 {
				f.World()
				return
			}
		}
	}
	f.VMAs(m, false)
	if end > start {
		f.PTERange(m, start, end, true)
		f.ZappedPages(m, start, end)
	}
	f.TLB(m, true)
	pending, flushed := m.TLBFlushBatched()
	f.tlbFlushBatched(m, pending != flushed)
	f.Alloc()
}

func init() {
	citeTable["madvise_vma_behavior"] = []Cite{
		cite("mm/madvise.c", "madvise_vma_behavior(), madvise_update_vma()", "vma_modify_flags(); vma_start_write(vma); vm_flags_reset(vma, new_flags)", readMadvise),
		cite("mm/madvise.c", "madvise_dontneed_single_vma(), madvise_free_single_vma()", "zap_page_range_single_batched() / walk_page_range_vma(): under each PTE table's lock, TLB flush batched in the mmu_gather", readMadvise)}
	defOp(&Op{Name: "madvise_behavior_valid", Params: []Param{intParam("behavior")}, Result: TBool,
		API: register(&API{Name: "madvise_behavior_valid", Section: "2.31", Hold: "nothing", Sleeps: "no", Asserts: "none",
			Source: "mm/madvise.c: madvise_behavior_valid()"}),
		Touches: touchesLocksOnly,
		Fn:      func(c *Call) Result { return done(Bool(mmcore.MadviseBehaviorValid(mmcore.Advice(c.int(0))))) }})
	defOp(&Op{Name: "madvise_vma_behavior",
		Params: []Param{{Name: "mm", Type: TMM}, {Name: "tlb", Type: TMMUGather, Nilable: true}, vmaParam("vma", false),
			vmaParam("prev", true), intParam("start"), intParam("end"), intParam("behavior")},
		Result: TInt,
		API: register(&API{Name: "madvise_vma_behavior", Section: "2.31",
			Hold: "what get_lock_mode() chose: the VMA read lock (DONTNEED, DONTNEED_LOCKED, FREE, GUARD_*), the mmap read lock, or the mmap write lock (behaviours that change vm_flags)",
			Takes: "flag behaviours: vma_modify_flags (vma_start_write on the VMAs it splits or merges) -> vma_start_write -> vm_flags_reset; " +
				"DONTNEED/FREE: the PMD or PTE lock of each table in turn, the flush batched in the mmu_gather; COLD/PAGEOUT: the same locks in a gather of " +
				"their own (madvise_cold(), madvise_pageout()), then PAGEOUT's reclaim_pages(); others: their own work (page cache, faults, guard markers)",
			Sleeps: "yes", Asserts: "via vma_start_write (mmap_assert_write_locked) for the flag behaviours",
			Source: "mm/madvise.c: madvise_vma_behavior(), madvise_update_vma(), madvise_dontneed_free()",
			Notes: "applies behavior to [start, end) inside vma; returns 0 or -errno. MADV_FREE, MADV_COLD and MADV_PAGEOUT walk in one piece: where the kernel tries the folio lock (folio_trylock() before split_folio(), of a dirty folio for MADV_FREE, madvise_free_huge_pmd(), reclaim) a folio another task holds locked is skipped as the failed try skips it; " +
				"MADV_COLD's folio_lock() of a huge PMD mapped in part, which waits for the holder, leaves that folio whole instead. The kernel library's madvise() does not call it for MADV_REMOVE but madvise_remove() (kernel/madvise.mms: the mmap lock dropped around vfs_fallocate(), which takes the inode lock); called directly, it punches the hole under the lock held",
			Rules: []*Rule{ruleStartWrite, fieldFlags.rule, ruleSleepInAtomic}}),
		Touches: madviseVMABehaviorTouches,
		Fn: func(c *Call) Result {
			m, v, prev := c.mm(0), c.vma(2), c.vmaOrNil(3)
			var g *MMUGather
			if c.Args[1].T == TMMUGather {
				g = c.mmuGather(1)
			}
			start, end, a := c.addr(4), c.addr(5), mmcore.Advice(c.int(6))
			if start < v.Start() || end > v.End() || start >= end {
				return fail("madvise_vma_behavior: [%#x, %#x) is not inside %s", uint64(start), uint64(end), VMAName(v))
			}
			c.T.MightSleep(c.Op.Name)
			result := func(err error) Result {
				if err != nil {
					return done(Int(errnoOf(err)))
				}
				return done(Int(0))
			}
			// zap_pte_range(), madvise_free_pte_range() and
			// madvise_cold_or_pageout_pte_range() call
			// flush_tlb_batched_pending(mm) right after taking a PTE
			// table's lock (3ea277194daa); the huge-PMD paths do not.
			flushBatched := func(from mmcore.Addr) {
				if !m.Core.Walk(from).Huge() {
					c.flushTLBBatchedPending(m)
				}
			}
			switch {
			case a == mmcore.MADV_COLD || a == mmcore.MADV_PAGEOUT:
				if v.Flags&(mmcore.VM_LOCKED|mmcore.VM_PFNMAP|mmcore.VM_HUGETLB) != 0 {
					return done(Int(-22)) // -EINVAL (!can_madv_lru_vma())
				}
				// madvise_cold() / madvise_pageout(): the walk of
				// madvise_cold_or_pageout_pte_range() under each PMD
				// range's lock, in an mmu_gather of their own that
				// tlb_finish_mmu() flushes, and MADV_PAGEOUT's
				// reclaim_pages() once the lock is dropped: the kernel
				// library's path (kernel/madvise.mms madvise_cold(),
				// madvise_pageout()) in one step per PMD range, which
				// splits a large folio mapped in part under the lock
				// where the kernel drops it.
				var lo, hi mmcore.Addr
				return c.underEachPMDLock(nil, v, start, end, func(from, to mmcore.Addr) int {
					flushBatched(from)
					var l, h mmcore.Addr
					c.withFolioLocks(m, func() { l, h = m.Core.MadviseColdWalk(v, from, to, a == mmcore.MADV_PAGEOUT) })
					if h > l {
						if hi == lo {
							lo, hi = l, h
						}
						lo, hi = min(lo, l), max(hi, h)
					}
					return 0
				}, func(int) Result {
					if hi > lo {
						m.Core.TLB.FlushRange(lo, hi) // tlb_finish_mmu()
					}
					if a == mmcore.MADV_PAGEOUT {
						c.withFolioLocks(m, func() { m.Core.MadviseReclaimPages(v, start, end) }) // reclaim_pages()
					}
					return result(nil)
				})
			case madviseZaps(a):
				forbidden := mmcore.VM_PFNMAP
				if a != mmcore.MADV_DONTNEED_LOCKED {
					forbidden |= mmcore.VM_LOCKED
				}
				if v.Flags&forbidden != 0 || a == mmcore.MADV_FREE && !v.Anonymous() {
					return done(Int(-22)) // -EINVAL (madvise_dontneed_free_valid_vma)
				}
				var err error
				if g == nil {
					return c.underEachPMDLock(nil, v, start, end, func(from, to mmcore.Addr) int {
						flushBatched(from)
						var e error
						c.withFolioLocks(m, func() { _, e = m.Core.MadviseVMABehavior(v, prev, from, to, a) })
						if e != nil && err == nil {
							err = e
						}
						return 0
					}, func(int) Result { return result(err) })
				}
				// Inside the caller's mmu_gather: zap_pte_range() and
				// madvise_free_pte_range() add what they change to it and
				// the flush waits for tlb_finish_mmu(), after the PTE lock.
				// The walk reads each PMD without a lock first
				// (zap_pmd_range(): pmd_none -> skip): covered now, and
				// each table again under its lock.
				by := walkZap // MADV_DONTNEED(_LOCKED): zap_page_range_single_batched()
				if a == mmcore.MADV_FREE {
					by = walkMadviseFree
				}
				g.cover(max(start, v.Start()), min(end, v.End()), by)
				return c.underEachPMDLock(nil, v, start, end, func(from, to mmcore.Addr) int {
					flushBatched(from)
					g.cover(from, to, by)
					var lo, hi mmcore.Addr
					var folios []*mmcore.Page
					var e error
					c.withFolioLocks(m, func() { lo, hi, folios, e = m.Core.MadviseDontneedFreeGathered(v, from, to, a) })
					if e != nil && err == nil {
						err = e
					}
					if hi > lo {
						g.adjustRange(lo, hi, by)
					}
					g.pages = append(g.pages, folios...)
					return 0
				}, func(int) Result { return result(err) })
			case madviseSetsFlags(a):
				// madvise_update_vma(): vma_modify_flags() write-locks
				// what it splits or merges, then vma_start_write(vma).
				return c.writeLockForModify(m, prev, v, start, end, v.Flags, func() Result {
					return c.vmaStartWrite(v, ruleStartWrite, func() Result {
						c.checkFieldWrite(v, fieldFlags)
						update := func() error {
							_, err := m.Core.MadviseVMABehavior(v, prevOf(m, prev, v, start), start, end, a)
							return err
						}
						return c.splitAndOpen(m, start, end, update, result)
					})
				})
			}
			var err error
			c.withFolioLocks(m, func() { _, err = m.Core.MadviseVMABehavior(v, prev, start, end, a) })
			return result(err)
		}})
	defOp(&Op{Name: "madvise_populate", Params: []Param{{Name: "mm", Type: TMM}, intParam("start"), intParam("end"), intParam("behavior")},
		Result: TInt,
		API: register(&API{Name: "madvise_populate", Section: "2.31", Hold: "mmap read lock",
			Takes: "faultin_page_range: GUP faults that may drop and retake the mmap read lock", Sleeps: "yes", Asserts: "mmap_assert_locked()",
			Source: "mm/madvise.c: madvise_populate()", Rules: []*Rule{ruleSleepInAtomic}}),
		Touches: world,
		Fn: func(c *Call) Result {
			c.T.MightSleep(c.Op.Name)
			if err := c.mm(0).Core.MadvisePopulate(c.addr(1), c.addr(2), mmcore.Advice(c.int(3)) == mmcore.MADV_POPULATE_WRITE); err != nil {
				return done(Int(errnoOf(err)))
			}
			return done(Int(0))
		}})
	defOp(&Op{Name: "madvise", Path: true, Touches: world,
		Params: []Param{{Name: "mm", Type: TMM}, intParam("start"), intParam("len_in"), intParam("behavior")},
		Result: TInt,
		API: func() *API {
			a := takeDocumented("madvise")
			a.Notes += "; returns 0 or -errno; behavior is a MADV_* constant; a kernel path of the kernel library (kernel/madvise.mms), run statement by statement"
			a.Rules = lockRules
			return register(a)
		}(),
	})
}

func init() {
	citeTable["brk"] = []Cite{cite("mm/mmap.c", "SYSCALL_DEFINE1(brk)", "mmap_write_lock_killable(); shrinking: mm->brk = brk; do_vmi_align_munmap(..., unlock = true); growing: vma_find(); vm_start_gap(); vma_prev_limit(); do_brk_flags(); mm->brk = brk; mmap_write_unlock()", "torvalds/linux 2025 mm/mmap.c, read")}
	citeTable["do_brk_flags"] = []Cite{cite("mm/vma.c", "do_brk_flags()", "vma->vm_end == addr: vma_merge_new_range() in just_expand mode (vma_expand(): vma_start_write(target)); else vm_area_alloc(); vm_flags_init(); vma_start_write(vma); vma_iter_store_gfp()", readVMAKpaths)}
	defOp(&Op{Name: "mm_set_brk", Params: []Param{{Name: "mm", Type: TMM}, intParam("brk")},
		API: register(&API{Name: "mm_set_brk", Section: "2.32", Hold: "mmap lock for write (\"mm->brk must be protected by write mmap_lock\")",
			Sleeps: "no", Asserts: "none", Source: "mm/mmap.c: SYSCALL_DEFINE1(brk): mm->brk = brk",
			Notes: "the store mm->brk = brk (mmscript has no field assignment); mm.brk reads it"}),
		Touches: writesMM,
		Fn: func(c *Call) Result {
			c.mm(0).Core.SetBrk(c.addr(1))
			return ok
		}})
	defOp(&Op{Name: "vma_prev_limit", Params: []Param{{Name: "mm", Type: TMM}, intParam("addr"), intParam("min")}, Result: TVMA,
		API: register(&API{Name: "vma_prev_limit", Section: "2.14", Hold: "mmap lock, read or write", Takes: "RCU (maple tree walk)",
			Sleeps: "no", Asserts: "none", Source: "include/linux/mm.h: vma_prev_limit()",
			Notes: "the VMA below addr if it ends above min, else nil (mmscript takes the mm and an address where the kernel takes a vma_iterator)"}),
		Touches: readsMM,
		Fn: func(c *Call) Result {
			_, prev := c.mm(0).Core.FindVMAPrev(c.addr(1))
			if prev == nil || prev.End() <= c.addr(2) {
				return done(Nil)
			}
			return done(Obj(TVMA, prev))
		}})
	defOp(&Op{Name: "do_brk_flags",
		Params: []Param{{Name: "mm", Type: TMM}, vmaParam("vma", true), intParam("addr"), intParam("len"), intParam("flags")},
		Result: TInt,
		API: register(&API{Name: "do_brk_flags", Section: "2.32", Hold: "mmap lock for write",
			Takes:  "vma_start_write on the VMA it expands (vma_expand) or on the new VMA before it is stored in the tree",
			Sleeps: "yes", Asserts: "via vma_start_write (mmap_assert_write_locked)", Source: "mm/vma.c: do_brk_flags()",
			Notes: "maps [addr, addr+len) as heap: expands vma in place when it ends at addr, else links a new anonymous VMA; returns 0 or -ENOMEM",
			Rules: []*Rule{ruleStartWrite, ruleSleepInAtomic}}),
		Touches: func(c *Call, f *Footprint) { f.MM(mmArg(c, 0), true); f.Alloc() },
		Fn: func(c *Call) Result {
			m, v := c.mm(0), c.vmaOrNil(1)
			addr, length := c.addr(2), uint64(c.int(3))
			c.T.MightSleep(c.Op.Name)
			store := func() Result {
				if err := m.Core.DoBrkFlags(v, addr, length, mmcore.VMFlags(c.int(4))); err != nil {
					return done(Int(errnoOf(err)))
				}
				nv := m.Core.FindVMA(addr)
				if nv == nil || nv == v {
					return done(Int(0))
				}
				// a new VMA: vma_start_write(vma) before vma_iter_store_gfp()
				return c.vmaStartWrite(nv, ruleStartWrite, func() Result { return done(Int(0)) })
			}
			if v != nil && v.End() == addr {
				return c.vmaStartWrite(v, ruleStartWrite, store) // vma_expand(): vma_start_write(target)
			}
			c.mmapAssertLocked(m, true, ruleStartWrite, fmt.Sprintf("do_brk_flags needs %s held for write", m.MmapLock.Name))
			return store()
		}})
	defOp(&Op{Name: "brk", Path: true, Touches: world, Params: []Param{{Name: "mm", Type: TMM}, intParam("brk")}, Result: TInt,
		API: register(&API{Name: "brk", Section: "2.32", Hold: "no mmap lock of this mm (the syscall takes it)",
			Takes: "mmap_write_lock_killable -> shrinking: do_vmi_align_munmap with unlock (as munmap: gather, downgrade, zap, ->close, mmap_read_unlock); " +
				"growing: vma_find -> vma_prev_limit -> do_brk_flags (vma_start_write on the VMA it expands or creates) -> mmap_write_unlock",
			Sleeps: "yes", Asserts: "via vma_start_write (mmap_assert_write_locked)",
			Source: "mm/mmap.c: SYSCALL_DEFINE1(brk); mm/vma.c: do_brk_flags(), do_vmi_align_munmap()",
			Notes:  "returns the new break, or the old one when it cannot move; a kernel path of the kernel library (kernel/brk.mms)",
			Rules:  lockRules}),
	})
}

// constDocs for the constants this file adds.
func init() {
	for name := range Constants {
		if _, ok := constDocs[name]; ok {
			continue
		}
		switch {
		case len(name) > 5 && name[:5] == "MADV_":
			constDocs[name] = "a madvise(2) behaviour (include/uapi/asm-generic/mman-common.h); mm/madvise.c: get_lock_mode() picks its lock"
		case len(name) > 8 && name[:8] == "MADVISE_":
			constDocs[name] = "a lock mode of mm/madvise.c: get_lock_mode()"
		case len(name) > 5 && name[:5] == "MPOL_":
			constDocs[name] = "a mempolicy mode (include/uapi/linux/mempolicy.h), as vma_replace_policy() stores it"
		case len(name) > 5 && name[:5] == "PROT_":
			constDocs[name] = "a protection bit of mmap(2)/mprotect(2) (include/uapi/asm-generic/mman-common.h)"
		case len(name) > 3 && name[:3] == "VM_":
			constDocs[name] = "a vm_flags bit or mask (include/linux/mm.h)"
		}
	}
}

// withFolioLocks runs change, an mmcore step whose walk tries folio locks
// (the madvise walks: folio_trylock() before split_folio(), of a dirty
// folio for MADV_FREE; reclaim's in MADV_PAGEOUT), with the answer of the
// folio locks the script's tasks hold (mmcore.MM.SetFolioLocked): a try
// on a folio someone holds fails, and the walk skips that folio as the
// kernel does. Installed only for the step, as the split gate is: the
// state hasher takes no Go function.
func (c *Call) withFolioLocks(m *MM, change func()) {
	m.Core.SetFolioLocked(func(f *mmcore.Page) bool {
		// folio_lock() of a page locks its folio (page_folio())
		for p, l := range c.K.folios {
			if p.Folio() == f && l.Held() {
				return true
			}
		}
		return false
	})
	defer m.Core.SetFolioLocked(nil)
	change()
}
