package runtime

import (
	"fmt"
	"strconv"

	"github.com/mmscript/mmscript/mmcore"
)

// userfaultfd: a context (struct userfaultfd_ctx, fs/userfaultfd.c) with
// its map_changing_lock and mmap_changing counter, the VMAs registered
// with it (vma->vm_userfaultfd_ctx and the VM_UFFD_* flags, written under
// the mmap write lock and the VMA write lock: the rule book's
// vm_uffd_state), and the atomic steps of the kernel library's
// userfaultfd paths (kernel/userfaultfd.mms): registration
// (userfaultfd_register(), userfaultfd_unregister()), the fault side
// (handle_userfault()) and the resolving ioctls (UFFDIO_COPY,
// UFFDIO_ZEROPAGE, UFFDIO_MOVE).
//
// mmscript registers private anonymous memory only: shmem's and
// hugetlb's userfaultfd support (shmem_mfill_atomic_pte(), the page-cache
// test of shmem_get_folio_gfp(), mfill_atomic_hugetlb()) is not modelled,
// and vma_can_userfault() refuses them. The context's features are not
// modelled either (no UFFD_FEATURE_EVENT_*: the non-cooperative events
// that raise mmap_changing come from no mmscript path, and fork drops the
// registration as dup_userfaultfd() does without UFFD_FEATURE_EVENT_FORK).

// The kernel text the userfaultfd paths were written from: mm/userfaultfd.c
// and fs/userfaultfd.c of the linux-mm tree (2026) and the mainline text
// the search tool stores (v6.10-era, before the per-VMA lock became
// vm_refcnt); the locking read the same in both.
const (
	readUffdMM = "linux-mm@01730ada6dd5 mm/userfaultfd.c and torvalds/linux@71c186efc1b2 mm/userfaultfd.c, read"
	readUffdFS = "linux-mm@129dff57e91a fs/userfaultfd.c, read"
)

// UffdCtx is a struct userfaultfd_ctx: what userfaultfd(2) makes for the
// calling process's mm (new_userfaultfd(): ctx->mm = current->mm).
type UffdCtx struct {
	Name string // how diagnostics name it: "uffd(m)"
	MM   *MM
	// MapChangingLock is ctx->map_changing_lock, the rw_semaphore that
	// orders the UFFDIO_* ioctls (read) against the non-cooperative
	// events that raise MmapChanging (write).
	MapChangingLock *Lock
	// MmapChanging is ctx->mmap_changing (atomic_t): non-zero while a
	// non-cooperative event (fork, mremap, MADV_DONTNEED, munmap) is
	// delivered; the ioctls fail with -EAGAIN meanwhile.
	MmapChanging int64
	// Released is ctx->released: userfaultfd_release() ran (the file
	// was closed); faults no longer wait.
	Released bool

	// faults are the struct userfaultfd_wait_queue entries of the tasks
	// in handle_userfault(): on ctx->fault_pending_wqh until a read()
	// refiles them to ctx->fault_wqh (read), until a wake takes them off
	// (userfaultfd_wake_function(): autoremove) or their task does.
	faults []*uffdFault
	// faultWqh is what a task sleeping in handle_userfault()'s schedule()
	// is queued on, fdWqh what a reader sleeping in
	// userfaultfd_ctx_read() is: no lock, named in deadlock reports.
	faultWqh, fdWqh *Lock
}

// uffdFault is a struct userfaultfd_wait_queue: a task's fault, queued
// on the context until it is resolved (the task on the kernel stack).
type uffdFault struct {
	T       *Task
	Address mmcore.Addr // uwq.msg.arg.pagefault.address
	Write   bool        // UFFD_PAGEFAULT_FLAG_WRITE
	Reason  int64       // VM_UFFD_MISSING, VM_UFFD_WP, VM_UFFD_MINOR
	// Waken is uwq.waken: a wake found it (userfaultfd_wake_function()
	// sets it before waking the task), so its schedule() returns at once.
	Waken bool
	// Read: userfaultfd_ctx_read() delivered it and refiled it from
	// fault_pending_wqh to fault_wqh.
	Read bool
}

// fault is the queued entry of t, or nil.
func (u *UffdCtx) fault(t *Task) *uffdFault {
	for _, f := range u.faults {
		if f.T == t {
			return f
		}
	}
	return nil
}

// unqueue takes f off the context's wait queue.
func (u *UffdCtx) unqueue(f *uffdFault) {
	for i, x := range u.faults {
		if x == f {
			u.faults = append(u.faults[:i], u.faults[i+1:]...)
			return
		}
	}
}

// uffdTouches is the footprint of handle_userfault()'s steps and of
// wake_userfault and userfaultfd_ctx_read: each changes the context's
// queue of faults (an entry queued, refiled, marked waken or taken off)
// and may sleep on or wake from its wait queues, faultWqh and fdWqh
// (park, unpark: their waiters), waking the tasks that sleep there (a
// write of each, as a lock's hand-over writes the task it wakes). None
// of them touches the mm: the fault lock was dropped before the
// schedule (release_fault_lock(), recorded by the lock code), and
// userfaultfd_must_wait, which reads the entry, is a step of its own.
func uffdTouches(c *Call, f *Footprint) {
	u, ok := c.Args[0].Obj.(*UffdCtx)
	if !ok || u == nil {
		f.World()
		return
	}
	f.Object(AObject, u, true)
	for _, l := range []*Lock{u.faultWqh, u.fdWqh} {
		f.Object(ALock, l, true)
		for _, w := range l.waiters {
			w.t.fpTask()
		}
	}
}

// park puts the call's task to sleep on l (schedule() in a wait queue)
// until wakeAll(l) or unpark: a wait whose continuation is data (the
// operation finishes, or with grantReenter runs again).
func (c *Call) park(l *Lock, then afterGrant) Result {
	l.waiters = append(l.waiters, waiter{c.T, Read})
	c.T.waitLock, c.T.waitMode, c.T.waitPos = l, Read, c.T.Pos
	c.K.clock++
	c.T.waitSeq = c.K.clock
	c.dataWait, c.waitThen, c.waitValue = true, then, Nil
	return Result{Status: Blocked, Next: resumeData}
}

// unpark wakes t if it sleeps on l (wake_up_state()).
func unpark(l *Lock, t *Task) {
	if t.waitLock != l {
		return
	}
	for i, w := range l.waiters {
		if w.t == t {
			l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
			break
		}
	}
	t.waitLock = nil
}

// wakeAll wakes every task sleeping on l (wake_up_poll(), wake_up_all()).
func wakeAll(l *Lock) {
	for len(l.waiters) > 0 {
		unpark(l, l.waiters[0].t)
	}
}

func (u *UffdCtx) String() string { return u.Name }

func (c *Call) uffd(i int) *UffdCtx { return c.Args[i].Obj.(*UffdCtx) }

// uffdOf is the context v is registered with, or nil.
func uffdOf(v *mmcore.VMA) *UffdCtx {
	u, _ := v.UffdCtx.(*UffdCtx)
	return u
}

// The register modes of struct uffdio_register (include/uapi/linux/userfaultfd.h)
// and the vm_flags they set (userfaultfd_register()).
const (
	UFFDIO_REGISTER_MODE_MISSING = 1 << 0
	UFFDIO_REGISTER_MODE_WP      = 1 << 1
	UFFDIO_REGISTER_MODE_MINOR   = 1 << 2
)

// vmUffdFlags is include/linux/userfaultfd_k.h: __VM_UFFD_FLAGS.
const vmUffdFlags = mmcore.VM_UFFD_MISSING | mmcore.VM_UFFD_WP | mmcore.VM_UFFD_MINOR

// fieldUffd is vma->vm_userfaultfd_ctx's row of process_addrs.rst (the
// rule book's vm_uffd_state): the mmap write lock and the VMA write lock.
// The kernel's store (userfaultfd_set_ctx()) asserts nothing: it follows
// its own vma_start_write().
var fieldUffd = &vmaField{"vm_userfaultfd_ctx", true, true, fieldRule("vm_userfaultfd_ctx",
	"the mmap write lock and the VMA write lock (the rule book's vm_uffd_state)",
	"mm/userfaultfd.c: userfaultfd_set_ctx(): vma_start_write(vma); vma->vm_userfaultfd_ctx = (struct vm_userfaultfd_ctx){ctx}; (no assertion; "+
		"handle_userfault() reads it under the fault's VMA read lock)", Unchecked)}

func init() {
	// the steps of the paths, before their entries are registered
	for _, n := range []string{"vmf_pte_changed_locked", "pmd_none_locked", "handle_userfault_queue", "userfaultfd_must_wait",
		"handle_userfault_schedule", "handle_userfault_dequeue"} {
		kernelPathSteps[n] = "handle_mm_fault"
	}
	kernelPathSteps["wake_userfault"] = "userfaultfd_wake"
	kernelPathSteps["vma_modify_flags_uffd"] = "userfaultfd_register"
	for name, v := range map[string]int64{
		"UFFDIO_REGISTER_MODE_MISSING": UFFDIO_REGISTER_MODE_MISSING,
		"UFFDIO_REGISTER_MODE_WP":      UFFDIO_REGISTER_MODE_WP,
		"UFFDIO_REGISTER_MODE_MINOR":   UFFDIO_REGISTER_MODE_MINOR,
		"__VM_UFFD_FLAGS":              int64(vmUffdFlags),
	} {
		Constants[name] = v
	}
	constDocs["UFFDIO_REGISTER_MODE_MISSING"] = "struct uffdio_register mode: deliver faults on missing pages (VM_UFFD_MISSING): handle_userfault() from do_anonymous_page() when the PTE is none"
	constDocs["UFFDIO_REGISTER_MODE_WP"] = "struct uffdio_register mode: write-protect tracking (VM_UFFD_WP); mmscript registers it but models no uffd-wp faults or UFFDIO_WRITEPROTECT"
	constDocs["UFFDIO_REGISTER_MODE_MINOR"] = "struct uffdio_register mode: minor faults (VM_UFFD_MINOR), shmem and hugetlb only: vma_can_userfault() refuses it for anonymous memory, as anon_can_userfault() does"
	constDocs["__VM_UFFD_FLAGS"] = "include/linux/userfaultfd_k.h: VM_UFFD_MISSING | VM_UFFD_WP | VM_UFFD_MINOR, the vm_flags of a registered VMA"

	fieldTable[TUffdCtx] = map[string]func(k *Kernel, x any) Value{
		"mm":                func(_ *Kernel, x any) Value { return Obj(TMM, x.(*UffdCtx).MM) },
		"map_changing_lock": func(_ *Kernel, x any) Value { return Obj(TLock, x.(*UffdCtx).MapChangingLock) },
		"mmap_changing":     func(_ *Kernel, x any) Value { return Int(x.(*UffdCtx).MmapChanging) },
		"released":          func(_ *Kernel, x any) Value { return Bool(x.(*UffdCtx).Released) },
	}
	fieldTypes[TUffdCtx] = map[string]Type{"mm": TMM, "map_changing_lock": TLock, "mmap_changing": TInt, "released": TBool}
	fieldDocs["userfaultfd_ctx.mm"] = "ctx->mm, the mm whose faults the context receives (new_userfaultfd(): current->mm)"
	fieldDocs["userfaultfd_ctx.map_changing_lock"] = "ctx->map_changing_lock, an rw_semaphore: the UFFDIO_* ioctls read-lock it (down_read) and test mmap_changing under it; " +
		"the non-cooperative events write-lock it to raise mmap_changing (mremap_userfaultfd_prep(), userfaultfd_unmap_prep(), dup_userfaultfd())"
	fieldDocs["userfaultfd_ctx.mmap_changing"] = "atomic_read(&ctx->mmap_changing): non-zero while a non-cooperative event is delivered, and the ioctls return -EAGAIN"
	fieldDocs["userfaultfd_ctx.released"] = "READ_ONCE(ctx->released): the userfaultfd was closed (userfaultfd_release()); handle_userfault() no longer waits"

	fieldTable[TVMA]["vm_userfaultfd_ctx"] = func(_ *Kernel, x any) Value {
		if u := uffdOf(x.(*mmcore.VMA)); u != nil {
			return Obj(TUffdCtx, u)
		}
		return Nil
	}
	fieldTypes[TVMA]["vm_userfaultfd_ctx"] = TUffdCtx
	fieldDocs["vma.vm_userfaultfd_ctx"] = "vma->vm_userfaultfd_ctx.ctx, the userfaultfd context the VMA is registered with, or nil (the rule book's vm_uffd_state): " +
		"written under the mmap write lock and the VMA write lock (userfaultfd_set_ctx()); a store `vma.vm_userfaultfd_ctx = ctx` checks them"
	fieldStores[TVMA]["vm_userfaultfd_ctx"] = "vm_userfaultfd_ctx_store"
	aliases["vm_uffd_state"] = alias{"vm_userfaultfd_ctx_store", "vm_uffd_state is the rule book's name (Documentation/mm/process_addrs.rst) for vma->vm_userfaultfd_ctx, " +
		"the script field vma.vm_userfaultfd_ctx, whose store checks the mmap write lock and the VMA write lock"}
	aliases["vm_userfaultfd_ctx"] = alias{"vm_userfaultfd_ctx_store", "vma->vm_userfaultfd_ctx is the script field vma.vm_userfaultfd_ctx (the rule book's vm_uffd_state)"}
	fieldStores[TUffdCtx] = map[string]string{"mmap_changing": "mmap_changing_store"}
}

// ruleMmapChangingUnlocked: since the UFFDIO_* ioctls run under a VMA
// read lock (867a43a34ff8, v6.9), the mmap write lock of the
// non-cooperative events no longer excludes them; an event raises
// mmap_changing under map_changing_lock for write, which the ioctls hold
// for read across their check and their change (5e4c24a57b0c).
var ruleMmapChangingUnlocked = &Rule{"userfaultfd/mmap-changing-unlocked",
	"a non-cooperative event raises ctx->mmap_changing (atomic_inc) with ctx->map_changing_lock held for write: the UFFDIO_* ioctls test it under the lock held for read, " +
		"and only the lock keeps an ioctl that passed the test from changing the range while the event (fork, mremap, MADV_DONTNEED, munmap) changes the mappings",
	"fs/userfaultfd.c: mremap_userfaultfd_prep(), userfaultfd_unmap_prep(), userfaultfd_remove(), dup_userfaultfd(): down_write(&ctx->map_changing_lock); " +
		"atomic_inc(&ctx->mmap_changing); up_write(&ctx->map_changing_lock); (5e4c24a57b0c \"userfaultfd: protect mmap_changing with rw_sem in userfaulfd_ctx\", v6.9; no assertion)", Unchecked}

// The context, its fields and the generic rw_semaphore operations on its
// map_changing_lock.
func init() {
	citeTable["userfaultfd"] = []Cite{cite("fs/userfaultfd.c", "new_userfaultfd()",
		"none: ctx->mm = current->mm; mmgrab(ctx->mm); init_rwsem(&ctx->map_changing_lock); atomic_set(&ctx->mmap_changing, 0);", readUffdFS)}
	sequenceTable["userfaultfd"] = "/* userfaultfd(2) */\nfd = userfaultfd(O_CLOEXEC | O_NONBLOCK);\nioctl(fd, UFFDIO_API, &api);\nioctl(fd, UFFDIO_REGISTER, &reg);"
	defOp(&Op{Name: "userfaultfd", Params: []Param{{Name: "mm", Type: TMM}}, Result: TUffdCtx,
		API: register(&API{Name: "userfaultfd", Section: "2.42", Hold: "nothing", Takes: "nothing", Sleeps: "yes (allocation)",
			Source: "fs/userfaultfd.c: SYSCALL_DEFINE1(userfaultfd) -> new_userfaultfd()",
			Notes: "a new userfaultfd context (struct userfaultfd_ctx) for mm, the calling process's (the kernel's ctx->mm = current->mm): " +
				"mmscript takes the mm, and models no features (UFFD_API's handshake is implied)",
			Query: "Making a context takes no lock of the mm; what it is registered on is checked by userfaultfd_register"}),
		Touches: func(c *Call, f *Footprint) { f.Alloc(); f.mmUsers(mmArg(c, 0), true); f.mmCount(mmArg(c, 0), true) },
		Fn: func(c *Call) Result {
			m := c.mm(0)
			m.mmCount++ // new_userfaultfd(): mmgrab(ctx->mm), dropped by the ctx's release (not modelled)
			c.K.uffdCount++
			name := "uffd(" + m.Name + ")"
			if c.K.uffdCount > 1 {
				name = "uffd" + strconv.Itoa(c.K.uffdCount) + "(" + m.Name + ")"
			}
			u := &UffdCtx{Name: name, MM: m, MapChangingLock: NewLock(ClassUffdMapChanging, RWSem, name+"->map_changing_lock"),
				faultWqh: NewLock(ClassUffdWait, RWSem, name+"->fault_wqh"), fdWqh: NewLock(ClassUffdWait, RWSem, name+"->fd_wqh")}
			return done(Obj(TUffdCtx, u))
		}})

	// down_read() and friends on ctx.map_changing_lock are the generic
	// rw_semaphore API (ops_rwsem.go), which keeps the lock's class.
}

// The store of ctx->mmap_changing: atomic_inc() by a non-cooperative
// event, atomic_dec() when it was delivered.
func init() {
	citeTable["mmap_changing_store"] = []Cite{cite("fs/userfaultfd.c", "mremap_userfaultfd_prep(), userfaultfd_event_wait_completion()",
		"none: down_write(&ctx->map_changing_lock); atomic_inc(&ctx->mmap_changing); up_write(&ctx->map_changing_lock); ... atomic_dec(&ctx->mmap_changing); VM_WARN_ON_ONCE(atomic_read(&ctx->mmap_changing) < 0);", readUffdFS)}
	sequenceTable["mmap_changing_store"] = "/* fs/userfaultfd.c: mremap_userfaultfd_prep(), under the mmap write lock */\nuserfaultfd_ctx_get(ctx);\n" +
		"down_write(&ctx->map_changing_lock);\natomic_inc(&ctx->mmap_changing);\nup_write(&ctx->map_changing_lock);"
	defOp(&Op{Name: "mmap_changing_store", Params: []Param{{Name: "ctx", Type: TUffdCtx}, intParam("value")},
		API: register(&API{Name: "mmap_changing_store", Section: "2.42",
			Hold:  "to raise it, ctx->map_changing_lock for write (and the mmap lock of the event's path); nothing to lower it",
			Takes: "nothing", Sleeps: "no", Asserts: "VM_WARN_ON_ONCE(atomic_read(&ctx->mmap_changing) < 0) after the decrement (debug kernels)",
			Source: "C: atomic_inc(&ctx->mmap_changing) / atomic_dec(&ctx->mmap_changing) (fs/userfaultfd.c)",
			Notes:  "what a script's `ctx.mmap_changing += 1` (atomic_inc) or `-= 1` (atomic_dec) compiles to: a non-cooperative event's mark, under which the ioctls fail with -EAGAIN",
			Rules:  []*Rule{ruleMmapChangingUnlocked}}),
		// The counter; the lock check reads the task's own holds.
		Touches: func(c *Call, f *Footprint) { f.Object(AObject, c.Args[0].Obj, true) },
		Fn: func(c *Call) Result {
			u, v := c.uffd(0), c.int(1)
			if v > u.MmapChanging && u.MapChangingLock.heldBy(c.T) != Write {
				c.K.fpLockObserve(u.MapChangingLock)
				c.K.violate(c.T, ruleMmapChangingUnlocked, fmt.Sprintf("%s->mmap_changing raised without %s held for write: a UFFDIO_* ioctl under a VMA read lock may have passed its test and go on changing the range", u.Name, u.MapChangingLock.Name))
			}
			if v < 0 {
				c.K.violateAs(c.T, ruleMmapChangingNegative, DebugOnly, fmt.Sprintf("%s->mmap_changing drops below 0", u.Name))
			}
			u.MmapChanging = v
			return ok
		}})
}

var ruleMmapChangingNegative = &Rule{"userfaultfd/mmap-changing-negative", "ctx->mmap_changing is lowered only by the event that raised it",
	"fs/userfaultfd.c: userfaultfd_event_wait_completion(): atomic_dec(&ctx->mmap_changing); VM_WARN_ON_ONCE(atomic_read(&ctx->mmap_changing) < 0)", DebugOnly}

// Registration: the store of vma->vm_userfaultfd_ctx and the
// vma_modify() that splits the VMA to the range first.
func init() {
	citeTable["vm_userfaultfd_ctx_store"] = []Cite{cite("mm/userfaultfd.c", "userfaultfd_set_ctx()",
		"none: vma_start_write(vma); vma->vm_userfaultfd_ctx = (struct vm_userfaultfd_ctx){ctx}; userfaultfd_set_vm_flags(vma, ...)", readUffdMM)}
	sequenceTable["vm_userfaultfd_ctx_store"] = "/* mm/userfaultfd.c: userfaultfd_set_ctx(), mmap lock held for write */\n" +
		"vma_start_write(vma);\nvma->vm_userfaultfd_ctx = (struct vm_userfaultfd_ctx){ctx};\n" +
		"userfaultfd_set_vm_flags(vma, (vma->vm_flags & ~__VM_UFFD_FLAGS) | vm_flags);"
	defOp(&Op{Name: "vm_userfaultfd_ctx_store", Params: []Param{vmaParam("vma", false), {Name: "ctx", Type: TUffdCtx, Nilable: true}},
		API: register(&API{Name: "vm_userfaultfd_ctx_store", Section: "2.42",
			Hold:  "the mmap write lock and the VMA write lock (vma_start_write)",
			Takes: "nothing", Sleeps: "no",
			Source: "C: vma->vm_userfaultfd_ctx = (struct vm_userfaultfd_ctx){ctx} (userfaultfd_set_ctx(), dup_userfaultfd())",
			Notes: "what a script's `vma.vm_userfaultfd_ctx = ctx` compiles to (nil: NULL_VM_UFFD_CTX). A fault under the VMA read lock reads it in handle_userfault() " +
				"(ctx = vma->vm_userfaultfd_ctx.ctx), and userfaultfd_release() frees the context once no VMA points to it",
			Rules: []*Rule{fieldUffd.rule}}),
		Touches: writesVMA,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			c.checkFieldWrite(v, fieldUffd)
			if c.Args[1].T == TNil {
				v.UffdCtx = nil
			} else {
				v.UffdCtx = c.uffd(1)
			}
			return ok
		}})

	sequenceTable["vma_modify_flags_uffd"] = "/* mm/userfaultfd.c: userfaultfd_register_range(), mmap lock held for write */\n" +
		"vma = vma_modify_flags_uffd(&vmi, prev, vma, start, vma_end, new_flags,\n\t\t\t    (struct vm_userfaultfd_ctx){ctx}, false);\nif (IS_ERR(vma))\n\treturn PTR_ERR(vma);\n" +
		"userfaultfd_set_ctx(vma, ctx, vm_flags);"
	citeTable["vma_modify_flags_uffd"] = []Cite{cite("mm/userfaultfd.c", "userfaultfd_register_range(), userfaultfd_clear_vma()",
		"vma = vma_modify_flags_uffd(&vmi, prev, vma, start, vma_end, new_flags, (struct vm_userfaultfd_ctx){ctx}, /* give_up_on_oom = */false); if (IS_ERR(vma)) return PTR_ERR(vma); userfaultfd_set_ctx(vma, ctx, vm_flags);", readUffdMM)}
	defOp(&Op{Name: "vma_modify_flags_uffd",
		Params: []Param{{Name: "mm", Type: TMM}, vmaParam("prev", true), vmaParam("vma", false), intParam("start"), intParam("end"), intParam("newflags"),
			{Name: "ctx", Type: TUffdCtx, Nilable: true}},
		Result: TVMA,
		API: register(&API{Name: "vma_modify_flags_uffd", Section: "2.42", Hold: "mmap lock for write",
			Takes:  "vma_start_write on the VMA it splits and the neighbour it merges with (waits for their readers) -> rmap write locks (vma_prepare) -> __split_vma or vma_merge_existing_range",
			Sleeps: "yes", Asserts: "mmap_assert_write_locked() via vma_start_write()",
			Source: "mm/vma.c: vma_modify_flags_uffd(), vma_modify(), __split_vma(), vma_merge_existing_range()",
			Notes: "vma_modify_flags() for userfaultfd's registration: the range merges only with a neighbour registered with ctx (nil: none), the context it gets " +
				"(is_mergeable_vm_userfaultfd_ctx()); returns the VMA that now covers exactly [start, end), or nil when the split fails. mmscript gives it newflags " +
				"at once; the context is the caller's to set (userfaultfd_set_ctx())",
			Rules: []*Rule{ruleStartWrite, fieldRange.rule, ruleSleepInAtomic}}),
		Touches: vmaModifyTouches,
		Fn: func(c *Call) Result {
			m, prev, v := c.mm(0), c.vmaOrNil(1), c.vma(2)
			start, end, flags := c.addr(3), c.addr(4), mmcore.VMFlags(c.int(5))
			var ctx any
			if c.Args[6].T != TNil {
				ctx = c.uffd(6)
			}
			return c.vmaModify(m, v, start, end, func() []*mmcore.VMA { return modifiedVMAsCtx(m, prev, v, start, end, flags, ctx) },
				func() (*mmcore.VMA, error) {
					return m.Core.VMAModifyFlagsUffd(prevOf(m, prev, v, start), v, start, end, flags, ctx)
				})
		}})
}

// The ioctls of the kernel library's paths (kernel/userfaultfd.mms).
func init() {
	uffdParam := Param{Name: "ctx", Type: TUffdCtx}
	citeTable["userfaultfd_register"] = []Cite{
		cite("fs/userfaultfd.c", "userfaultfd_register()", "none: if (!mmget_not_zero(mm)) goto out; mmap_write_lock(mm); vma = vma_find(&vmi, end); ... "+
			"ret = userfaultfd_register_range(ctx, vma, vm_flags, start, end, wp_async); out_unlock: mmap_write_unlock(mm); mmput(mm);", readUffdFS),
		cite("mm/userfaultfd.c", "userfaultfd_register_range(), userfaultfd_set_ctx()", "\"Assumes mmap write lock taken, and mm_struct pinned.\" "+
			"vma = vma_modify_flags_uffd(...); userfaultfd_set_ctx(vma, ctx, vm_flags): vma_start_write(vma); vma->vm_userfaultfd_ctx = ...; vm_flags_reset(vma, vm_flags)", readUffdMM)}
	citeTable["userfaultfd_unregister"] = []Cite{
		cite("fs/userfaultfd.c", "userfaultfd_unregister()", "none: mmap_write_lock(mm); ... if (userfaultfd_missing(vma)) wake_userfault(vma->vm_userfaultfd_ctx.ctx, &range); "+
			"vma = userfaultfd_clear_vma(&vmi, prev, vma, start, vma_end); ... mmap_write_unlock(mm); mmput(mm);", readUffdFS)}
	sequenceTable["userfaultfd_register"] = "/* user space */\nfd = userfaultfd(O_CLOEXEC);\nioctl(fd, UFFDIO_API, &api);\n" +
		"reg.range.start = addr; reg.range.len = len; reg.mode = UFFDIO_REGISTER_MODE_MISSING;\nioctl(fd, UFFDIO_REGISTER, &reg);\n" +
		"/* fs/userfaultfd.c: userfaultfd_register() */\nmmap_write_lock(mm);\n/* per VMA: vma_modify_flags_uffd(); vma_start_write(); vma->vm_userfaultfd_ctx = ctx; vm_flags_reset() */\nmmap_write_unlock(mm);"
	sequenceTable["userfaultfd_unregister"] = "ioctl(fd, UFFDIO_UNREGISTER, &range);\n/* fs/userfaultfd.c: userfaultfd_unregister() */\nmmap_write_lock(mm);\n" +
		"/* per VMA: wake_userfault(); userfaultfd_clear_vma(): vma_modify_flags_uffd(); userfaultfd_reset_ctx() */\nmmap_write_unlock(mm);"
	defOp(&Op{Name: "userfaultfd_register", Path: true, Touches: world,
		Params: []Param{uffdParam, intParam("start"), intParam("len"), intParam("mode")}, Result: TInt,
		API: register(&API{Name: "userfaultfd_register", Section: "2.42", Hold: "no mmap lock of ctx.mm (the ioctl takes it)",
			Takes:  "mmget_not_zero -> mmap_write_lock -> per VMA of the range: vma_modify_flags_uffd (vma_start_write on what it splits or merges) -> vma_start_write -> vm_userfaultfd_ctx, vm_flags_reset -> mmap_write_unlock -> mmput",
			Sleeps: "yes", Asserts: "VM_WARN_ON_ONCE()s of userfaultfd_register_range() (debug kernels)",
			Source: "fs/userfaultfd.c: userfaultfd_ioctl(UFFDIO_REGISTER), userfaultfd_register(); mm/userfaultfd.c: userfaultfd_register_range(), userfaultfd_set_ctx()",
			Notes: "registers [start, start + len) of ctx.mm with mode's UFFDIO_REGISTER_MODE_* bits (VM_UFFD_MISSING, VM_UFFD_WP, VM_UFFD_MINOR), splitting the VMAs to the range; " +
				"0 or -errno (-EINVAL for a bad range, a hole, an unsupported VMA: anything but private anonymous memory in mmscript; -EPERM without VM_MAYWRITE; " +
				"-EBUSY for a VMA of another userfaultfd). A kernel path of the kernel library (kernel/userfaultfd.mms)",
			Rules: lockRules})})
	defOp(&Op{Name: "userfaultfd_unregister", Path: true, Touches: world,
		Params: []Param{uffdParam, intParam("start"), intParam("len")}, Result: TInt,
		API: register(&API{Name: "userfaultfd_unregister", Section: "2.42", Hold: "no mmap lock of ctx.mm (the ioctl takes it)",
			Takes:  "mmget_not_zero -> mmap_write_lock -> per registered VMA: wake_userfault, userfaultfd_clear_vma (vma_modify_flags_uffd, vma_start_write, NULL_VM_UFFD_CTX, vm_flags_reset) -> mmap_write_unlock -> mmput",
			Sleeps: "yes", Asserts: "VM_WARN_ON_ONCE()s (debug kernels)",
			Source: "fs/userfaultfd.c: userfaultfd_ioctl(UFFDIO_UNREGISTER), userfaultfd_unregister(); mm/userfaultfd.c: userfaultfd_clear_vma()",
			Notes: "unregisters [start, start + len): the VMAs lose their context and VM_UFFD_* flags (split to the range, merged where they can); 0 or -errno. " +
				"A kernel path of the kernel library (kernel/userfaultfd.mms)",
			Rules: lockRules})})
}

// The fault side: handle_userfault()'s steps (kernel/userfaultfd.mms),
// the re-checks under the page-table locks that decide to deliver a fault
// (do_anonymous_page(), do_huge_pmd_anonymous_page()), the wake of the
// faulting tasks and the monitor's read().
func init() {
	const hu = "fs/userfaultfd.c"
	c := func(name string, cs ...Cite) { citeTable[name] = append(citeTable[name], cs...) }
	c("vmf_pte_changed_locked", cite("mm/memory.c", "do_anonymous_page()",
		"vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, addr, &vmf->ptl); if (!vmf->pte) goto release; if (vmf_pte_changed(vmf)) { update_mmu_tlb(vma, addr, vmf->pte); goto unlock; } ... "+
			"/* Deliver the page fault to userland, check inside PT lock */ if (userfaultfd_missing(vma)) { pte_unmap_unlock(vmf->pte, vmf->ptl); return handle_userfault(vmf, VM_UFFD_MISSING); }", readFaultPaths))
	c("pmd_none_locked", cite("mm/huge_memory.c", "do_huge_pmd_anonymous_page(), __do_huge_pmd_anonymous_page()",
		"vmf->ptl = pmd_lock(vma->vm_mm, vmf->pmd); if (unlikely(!pmd_none(*vmf->pmd))) goto unlock_release; ... if (userfaultfd_missing(vma)) { spin_unlock(vmf->ptl); folio_put(folio); ret = handle_userfault(vmf, VM_UFFD_MISSING); VM_BUG_ON(ret & VM_FAULT_FALLBACK); return ret; }", readHugeMemory))
	c("handle_userfault_queue", cite(hu, "handle_userfault()",
		"userfaultfd_ctx_get(ctx); init_waitqueue_func_entry(&uwq.wq, userfaultfd_wake_function); uwq.msg = userfault_msg(...); uwq.waken = false; blocking_state = userfaultfd_get_blocking_state(vmf->flags); "+
			"spin_lock_irq(&ctx->fault_pending_wqh.lock); __add_wait_queue(&ctx->fault_pending_wqh, &uwq.wq); set_current_state(blocking_state); spin_unlock_irq(&ctx->fault_pending_wqh.lock);", readUffdFS))
	c("userfaultfd_must_wait", cite(hu, "userfaultfd_must_wait()",
		"assert_fault_locked(vmf); ... _pmd = pmdp_get_lockless(pmd); if (pmd_none(_pmd)) return true; ... ptent = ptep_get(pte); /* Entry is still missing, wait for userspace to resolve the fault. */ if (pte_none(ptent)) goto out; ... if (!pte_write(ptent) && (reason & VM_UFFD_WP)) goto out;", readUffdFS))
	c("handle_userfault_schedule", cite(hu, "handle_userfault()",
		"release_fault_lock(vmf); if (likely(must_wait && !READ_ONCE(ctx->released))) { wake_up_poll(&ctx->fd_wqh, EPOLLIN); schedule(); }", readUffdFS))
	c("handle_userfault_dequeue", cite(hu, "handle_userfault()",
		"__set_current_state(TASK_RUNNING); if (!list_empty_careful(&uwq.wq.entry)) { spin_lock_irq(&ctx->fault_pending_wqh.lock); list_del(&uwq.wq.entry); spin_unlock_irq(&ctx->fault_pending_wqh.lock); } userfaultfd_ctx_put(ctx);", readUffdFS))
	c("wake_userfault", cite(hu, "wake_userfault(), __wake_userfault(), userfaultfd_wake_function()",
		"smp_mb(); ... if (need_wakeup) __wake_userfault(ctx, range): spin_lock_irq(&ctx->fault_pending_wqh.lock); __wake_up_locked_key(&ctx->fault_pending_wqh, TASK_NORMAL, range); "+
			"__wake_up(&ctx->fault_wqh, TASK_NORMAL, 1, range); ... userfaultfd_wake_function(): WRITE_ONCE(uwq->waken, true); ret = wake_up_state(wq->private, mode); if (ret) list_del_init(&wq->entry);", readUffdFS))
	c("userfaultfd_ctx_read", cite(hu, "userfaultfd_ctx_read()",
		"spin_lock_irq(&ctx->fd_wqh.lock); __add_wait_queue(&ctx->fd_wqh, &wait); for (;;) { set_current_state(TASK_INTERRUPTIBLE); spin_lock(&ctx->fault_pending_wqh.lock); uwq = find_userfault(ctx); "+
			"if (uwq) { ... list_del(&uwq->wq.entry); add_wait_queue(&ctx->fault_wqh, &uwq->wq); *msg = uwq->msg; ... break; } ... if (no_wait) { ret = -EAGAIN; break; } spin_unlock_irq(&ctx->fd_wqh.lock); schedule(); ... }", readUffdFS))
	const faultSeq = "/* mm/memory.c: do_anonymous_page(), under the fault lock */\nvmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, addr, &vmf->ptl);\n" +
		"if (vmf_pte_changed(vmf))\n\tgoto unlock;\nif (userfaultfd_missing(vma)) {\n\tpte_unmap_unlock(vmf->pte, vmf->ptl);\n\treturn handle_userfault(vmf, VM_UFFD_MISSING);\n}\n" +
		"/* fs/userfaultfd.c: handle_userfault() */\n__add_wait_queue(&ctx->fault_pending_wqh, &uwq.wq);\nset_current_state(blocking_state);\n" +
		"must_wait = userfaultfd_must_wait(ctx, vmf, reason);\nrelease_fault_lock(vmf);\nif (must_wait)\n\tschedule();\nreturn VM_FAULT_RETRY;"
	for _, n := range []string{"vmf_pte_changed_locked", "pmd_none_locked", "handle_userfault_queue", "userfaultfd_must_wait", "handle_userfault_schedule", "handle_userfault_dequeue"} {
		sequenceTable[n] = faultSeq
	}
	sequenceTable["wake_userfault"] = "/* fs/userfaultfd.c: userfaultfd_copy() */\nret = mfill_atomic_copy(ctx, uffdio_copy.dst, uffdio_copy.src, uffdio_copy.len, flags);\n" +
		"if (!(uffdio_copy.mode & UFFDIO_COPY_MODE_DONTWAKE)) {\n\trange.start = uffdio_copy.dst;\n\trange.len = ret;\n\twake_userfault(ctx, &range);\n}"
	sequenceTable["userfaultfd_ctx_read"] = "/* the monitor */\nread(uffd, &msg, sizeof(msg));   /* userfaultfd_read_iter() -> userfaultfd_ctx_read() */\n" +
		"copy.dst = msg.arg.pagefault.address & ~(page_size - 1);\nioctl(uffd, UFFDIO_COPY, &copy); /* fills the page and wakes the faulting task */"

	uffdP, vmfP := Param{Name: "ctx", Type: TUffdCtx}, Param{Name: "vmf", Type: TVMF}
	reasonP := Param{Name: "reason", Type: TInt}
	step := func(name, hold, takes, notes string, rules ...*Rule) *API {
		return register(&API{Name: name, Section: "2.42", Hold: hold, Takes: takes, Sleeps: "no",
			Source: citeTable[name][0].File + ": " + citeTable[name][0].Func,
			Notes:  notes + " (a step of the kernel library's userfaultfd fault path: `mmscript explain handle_userfault`)",
			Rules:  rules})
	}
	// A PTE or PMD lock section: the lock taken (a wait if contended, the
	// step then running again holding it), the entry read, the lock
	// dropped, as kernel/fault.mms's sections are.
	lockedTest := func(name, hold, takes, notes string, level mmcore.Level, test func(m *MM, vmf *VMF) bool) {
		defOp(&Op{Name: name, Params: []Param{vmfP}, Result: TBool,
			API: step(name, hold, takes, notes),
			Touches: func(c *Call, f *Footprint) {
				m := vmfMM(c, 0)
				f.MM(m, false)
				if len(c.Args) > 0 {
					if vmf, ok := c.Args[0].Obj.(*VMF); ok && vmf != nil {
						f.PTEAt(m, vmf.Address, false)
						return
					}
				}
				f.PTEs(m, false)
			},
			Fn: func(c *Call) Result {
				vmf := c.vmf(0)
				m := mmOf(vmf.VMA.MM())
				table := func() *mmcore.PageTable {
					if level == mmcore.LevelPMD {
						return m.Core.Walk(vmf.Address).PMD()
					}
					return m.Core.Walk(vmf.Address).PTETable()
				}
				if !c.reentered {
					t := table()
					if t == nil {
						return done(Bool(level == mmcore.LevelPTE)) // !vmf->pte: goto release, the fault is retried
					}
					if level == mmcore.LevelPTE {
						c.T.rcuLock() // pte_offset_map()
					}
					return c.lockThen(ptl(m, t), Write, grantReenter, Obj(TLock, ptl(m, t)))
				}
				l := c.reenterValue.Obj.(*Lock)
				res := level == mmcore.LevelPTE // a table freed while the step waited: changed
				if t := table(); t != nil && ptl(m, t) == l {
					res = test(m, vmf)
				}
				c.release(l, Write)
				if level == mmcore.LevelPTE {
					c.T.rcuUnlock()
				}
				return done(Bool(res))
			}})
	}
	lockedTest("vmf_pte_changed_locked", "the fault lock", "RCU (pte_offset_map) -> the PTE lock of the fault address, released at the end of the step",
		"do_anonymous_page()'s section under the PTE lock before it delivers a fault to userfaultfd: pte_offset_map_lock(), vmf_pte_changed(vmf) (the entry is no longer none: "+
			"another fault or UFFDIO_COPY filled it), pte_unmap_unlock(); true (changed) also when the PTE table is gone (!vmf->pte: the fault is retried)", mmcore.LevelPTE,
		func(m *MM, vmf *VMF) bool { return m.Core.Walk(vmf.Address).Entry != 0 })
	lockedTest("pmd_none_locked", "the fault lock (and the anon_vma: vmf_anon_prepare)", "the PMD lock (pmd_lock), released at the end of the step",
		"do_huge_pmd_anonymous_page()'s and __do_huge_pmd_anonymous_page()'s section under the PMD lock before they deliver a fault to userfaultfd: pmd_lock(), "+
			"pmd_none(*vmf->pmd), spin_unlock(); false when a THP or a PTE table is there now", mmcore.LevelPMD,
		func(m *MM, vmf *VMF) bool {
			w := m.Core.Walk(vmf.Address)
			return !w.Huge() && w.PTETable() == nil
		})

	defOp(&Op{Name: "handle_userfault_queue", Params: []Param{uffdP, vmfP, reasonP},
		API: step("handle_userfault_queue", "the fault lock", "ctx->fault_pending_wqh.lock (spin_lock_irq), released at the end of the step",
			"the fault's struct userfaultfd_wait_queue (address, write, reason) is queued on ctx->fault_pending_wqh, where read() finds it, and the task's state is set "+
				"(set_current_state()): a wake from now on makes its schedule() return at once"),
		Touches: uffdTouches,
		Fn: func(c *Call) Result {
			u, vmf := c.uffd(0), c.vmf(1)
			if f := u.fault(c.T); f != nil {
				return fail("handle_userfault_queue: %s already has a fault queued on %s", c.T.Name, u.Name)
			}
			u.faults = append(u.faults, &uffdFault{T: c.T, Address: vmf.Address, Write: vmf.Write, Reason: c.int(2)})
			return ok
		}})
	defOp(&Op{Name: "userfaultfd_must_wait", Params: []Param{uffdP, vmfP, reasonP}, Result: TBool,
		API: step("userfaultfd_must_wait", "the fault lock (assert_fault_locked())", "RCU (pte_offset_map), no lock: a lockless walk",
			"whether the fault is still unresolved after its entry was queued: a none PMD or PTE (VM_UFFD_MISSING), a read-only entry for VM_UFFD_WP; "+
				"false once UFFDIO_COPY (or a fault) filled it, so the task does not sleep on a fault nobody will wake", ruleFaultLock),
		Touches: func(c *Call, f *Footprint) {
			m := vmfMM(c, 1)
			f.MM(m, false)
			if vmf, ok := c.Args[1].Obj.(*VMF); ok && vmf != nil {
				f.PTEAt(m, vmf.Address, false)
			}
		},
		Fn: func(c *Call) Result {
			vmf, reason := c.vmf(1), c.int(2)
			if !vmf.unlocked && !c.faultLockHeld(vmf.VMA, vmf.heldVMA) {
				c.K.violate(c.T, ruleFaultLock, "userfaultfd_must_wait() without the fault lock (assert_fault_locked())")
			}
			w := mmOf(vmf.VMA.MM()).Core.Walk(vmf.Address)
			switch {
			case w.Huge():
				return done(Bool(!w.Entry.Writable() && reason&int64(mmcore.VM_UFFD_WP) != 0))
			case w.Entry == 0:
				return done(Bool(true)) // "Entry is still missing, wait for userspace to resolve the fault."
			}
			return done(Bool(!w.Entry.Writable() && reason&int64(mmcore.VM_UFFD_WP) != 0))
		}})
	defOp(&Op{Name: "handle_userfault_schedule", Params: []Param{uffdP},
		API: step("handle_userfault_schedule", "nothing of the mm: release_fault_lock() dropped the fault lock", "ctx->fd_wqh's waiters woken (wake_up_poll(EPOLLIN)), then schedule()",
			"the faulting task sleeps until a wake of a range holding its address (UFFDIO_COPY, UFFDIO_ZEROPAGE, UFFDIO_MOVE, UFFDIO_WAKE, UFFDIO_UNREGISTER) or the release of the "+
				"userfaultfd; at once when the wake came already. A task sleeping here with a lock held keeps it for as long as user space takes to resolve the fault",
			ruleSchedAtomic, ruleSchedRCU),
		Touches: uffdTouches,
		Fn: func(c *Call) Result {
			u := c.uffd(0)
			wakeAll(u.fdWqh) // wake_up_poll(&ctx->fd_wqh, EPOLLIN)
			c.T.Schedule("handle_userfault()")
			if f := u.fault(c.T); f == nil || f.Waken || u.Released {
				return ok // set_current_state() before the wake: schedule() returns at once
			}
			return c.park(u.faultWqh, grantDone)
		}})
	defOp(&Op{Name: "handle_userfault_dequeue", Params: []Param{uffdP},
		API: step("handle_userfault_dequeue", "nothing of the mm", "ctx->fault_pending_wqh.lock, if the entry is still queued",
			"__set_current_state(TASK_RUNNING) and the entry taken off the queue where no wake took it (must_wait was false, or the context was released)"),
		Touches: uffdTouches,
		Fn: func(c *Call) Result {
			u := c.uffd(0)
			if f := u.fault(c.T); f != nil {
				u.unqueue(f)
			}
			return ok
		}})
	defOp(&Op{Name: "wake_userfault", Params: []Param{uffdP, intParam("start"), intParam("len")},
		API: step("wake_userfault", "nothing (what resolved the faults, UFFDIO_COPY or UFFDIO_MOVE, dropped its locks first)",
			"ctx->fault_pending_wqh.lock (spin_lock_irq), released at the end of the step",
			"wakes the tasks whose fault address is in [start, start + len) (len 0: all), on fault_pending_wqh and fault_wqh: uwq->waken = true, the entry taken off the queue, "+
				"the task woken if it sleeps (userfaultfd_wake_function()); they retry the fault"),
		Touches: uffdTouches,
		Fn: func(c *Call) Result {
			u := c.uffd(0)
			start, n := mmcore.Addr(c.int(1)), mmcore.Addr(c.int(2))
			for _, f := range append([]*uffdFault(nil), u.faults...) {
				if n != 0 && (start > f.Address || start+n <= f.Address) {
					continue
				}
				f.Waken = true
				u.unqueue(f)
				unpark(u.faultWqh, f.T)
			}
			return ok
		}})
	defOp(&Op{Name: "userfaultfd_ctx_read", Params: []Param{uffdP, {Name: "no_wait", Type: TBool, Optional: true, Default: Bool(false)}}, Result: TInt,
		API: register(&API{Name: "userfaultfd_ctx_read", Section: "2.42", Hold: "nothing of ctx.mm",
			Takes:  "ctx->fd_wqh.lock -> ctx->fault_pending_wqh.lock; sleeps (TASK_INTERRUPTIBLE) on ctx->fd_wqh while no fault is pending",
			Sleeps: "yes, unless no_wait", Asserts: "none",
			Source: "fs/userfaultfd.c: userfaultfd_read_iter(), userfaultfd_ctx_read()",
			Notes: "the monitor's read(2) of the userfaultfd: the address of the oldest pending fault (uffd_msg.arg.pagefault.address, page-aligned), whose entry moves to " +
				"ctx->fault_wqh; with no_wait (O_NONBLOCK) -EAGAIN when none is pending, else it sleeps until a fault is queued (handle_userfault()'s wake_up_poll). " +
				"Events (fork, remap, remove, unmap) are not modelled",
			Rules: []*Rule{ruleSleepInAtomic}}),
		Touches: uffdTouches,
		Fn: func(c *Call) Result {
			u := c.uffd(0)
			if !c.reentered {
				c.T.MightSleep(c.Op.Name)
			}
			for _, f := range u.faults {
				if !f.Read {
					f.Read = true // refiled from fault_pending_wqh to fault_wqh
					return done(Int(int64(f.Address)))
				}
			}
			if c.bool(1) {
				return done(Int(-int64(mmcore.EAGAIN)))
			}
			return c.park(u.fdWqh, grantReenter)
		}})
}

// MfillState is mfill_atomic()'s struct mfill_state (mm/userfaultfd.c):
// the request, the locked destination VMA and the position of the copy,
// which the helpers that drop and retake the locks update.
type MfillState struct {
	Owned                   // the thread that made it (owned.go)
	Ctx                     *UffdCtx
	SrcStart, DstStart, Len int64
	Flags                   int64
	VMA                     *mmcore.VMA // state->vma: locked, or nil
	SrcAddr, DstAddr        int64
	Folio                   *mmcore.Page // state->folio
	ctxName                 string
}

func (s *MfillState) String() string { return "mfill_state(" + s.ctxName + ")" }

func (c *Call) mfillState(i int) *MfillState { return c.Args[i].Obj.(*MfillState) }

// uffd_flags_t (include/linux/userfaultfd_k.h): the mode in the low bits,
// then the flags; and the modes of the ioctls' structs
// (include/uapi/linux/userfaultfd.h).
const (
	MFILL_ATOMIC_COPY      = 0
	MFILL_ATOMIC_ZEROPAGE  = 1
	MFILL_ATOMIC_CONTINUE  = 2
	MFILL_ATOMIC_POISON    = 3
	MFILL_ATOMIC_MODE_MASK = 3      // BIT(MFILL_ATOMIC_MODE_BITS) - 1
	MFILL_ATOMIC_WP        = 1 << 2 // MFILL_ATOMIC_FLAG(0)

	UFFDIO_COPY_MODE_DONTWAKE        = 1 << 0
	UFFDIO_COPY_MODE_WP              = 1 << 1
	UFFDIO_ZEROPAGE_MODE_DONTWAKE    = 1 << 0
	UFFDIO_MOVE_MODE_DONTWAKE        = 1 << 0
	UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES = 1 << 1
)

// UFFDIO_COPY and UFFDIO_ZEROPAGE (kernel/userfaultfd.mms: mfill_atomic()
// and its helpers): the state, the installs under the PTE lock.
func init() {
	for name, x := range map[string]struct {
		v   int64
		doc string
	}{
		"MFILL_ATOMIC_COPY":                {MFILL_ATOMIC_COPY, "enum mfill_atomic_mode: UFFDIO_COPY's mode of uffd_flags_t (copy a page from the source address)"},
		"MFILL_ATOMIC_ZEROPAGE":            {MFILL_ATOMIC_ZEROPAGE, "enum mfill_atomic_mode: UFFDIO_ZEROPAGE's (map the zero page)"},
		"MFILL_ATOMIC_CONTINUE":            {MFILL_ATOMIC_CONTINUE, "enum mfill_atomic_mode: UFFDIO_CONTINUE's (shmem and hugetlb minor faults: not modelled)"},
		"MFILL_ATOMIC_POISON":              {MFILL_ATOMIC_POISON, "enum mfill_atomic_mode: UFFDIO_POISON's (not modelled)"},
		"MFILL_ATOMIC_MODE_MASK":           {MFILL_ATOMIC_MODE_MASK, "include/linux/userfaultfd_k.h: the mode bits of uffd_flags_t; uffd_flags_mode_is(flags, mode) is flags & MFILL_ATOMIC_MODE_MASK == mode"},
		"MFILL_ATOMIC_WP":                  {MFILL_ATOMIC_WP, "uffd_flags_t flag: install the entry write-protected (UFFDIO_COPY_MODE_WP); the VMA must be registered with UFFDIO_REGISTER_MODE_WP"},
		"UFFDIO_COPY_MODE_DONTWAKE":        {UFFDIO_COPY_MODE_DONTWAKE, "struct uffdio_copy mode: do not wake the faulting tasks (UFFDIO_WAKE later)"},
		"UFFDIO_COPY_MODE_WP":              {UFFDIO_COPY_MODE_WP, "struct uffdio_copy mode: map the page write-protected (MFILL_ATOMIC_WP)"},
		"UFFDIO_ZEROPAGE_MODE_DONTWAKE":    {UFFDIO_ZEROPAGE_MODE_DONTWAKE, "struct uffdio_zeropage mode: do not wake the faulting tasks"},
		"UFFDIO_MOVE_MODE_DONTWAKE":        {UFFDIO_MOVE_MODE_DONTWAKE, "struct uffdio_move mode: do not wake the faulting tasks"},
		"UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES": {UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES, "struct uffdio_move mode: holes in the source count as moved instead of failing with -ENOENT"},
	} {
		Constants[name] = x.v
		constDocs[name] = x.doc
	}

	fieldTable[TMfillState] = map[string]func(k *Kernel, x any) Value{
		"ctx":       func(_ *Kernel, x any) Value { return Obj(TUffdCtx, x.(*MfillState).Ctx) },
		"src_start": func(_ *Kernel, x any) Value { return Int(x.(*MfillState).SrcStart) },
		"dst_start": func(_ *Kernel, x any) Value { return Int(x.(*MfillState).DstStart) },
		"len":       func(_ *Kernel, x any) Value { return Int(x.(*MfillState).Len) },
		"flags":     func(_ *Kernel, x any) Value { return Int(x.(*MfillState).Flags) },
		"vma":       func(_ *Kernel, x any) Value { return Obj(TVMA, x.(*MfillState).VMA) },
		"src_addr":  func(_ *Kernel, x any) Value { return Int(x.(*MfillState).SrcAddr) },
		"dst_addr":  func(_ *Kernel, x any) Value { return Int(x.(*MfillState).DstAddr) },
		"folio":     func(_ *Kernel, x any) Value { return Obj(TPage, x.(*MfillState).Folio) },
	}
	fieldTypes[TMfillState] = map[string]Type{"ctx": TUffdCtx, "src_start": TInt, "dst_start": TInt, "len": TInt, "flags": TInt,
		"vma": TVMA, "src_addr": TInt, "dst_addr": TInt, "folio": TPage}
	for f, d := range map[string]string{
		"ctx": "state->ctx, the userfaultfd context", "src_start": "state->src_start, the source of UFFDIO_COPY", "dst_start": "state->dst_start, the start of the range filled",
		"len": "state->len, its length", "flags": "state->flags, the uffd_flags_t (mode and MFILL_ATOMIC_WP)",
		"vma":      "state->vma, the destination VMA while it is locked (uffd_mfill_lock()) with map_changing_lock held for read; nil once mfill_put_vma() dropped both",
		"src_addr": "state->src_addr, the source of the page being filled", "dst_addr": "state->dst_addr, the address being filled",
		"folio": "state->folio, a folio copied outside the locks (shmem's -ENOENT path), nil otherwise",
	} {
		fieldDocs["mfill_state."+f] = d
	}
	type store struct {
		field string
		typ   Type
		set   func(s *MfillState, x Value)
	}
	fieldStores[TMfillState] = map[string]string{}
	for _, st := range []store{
		{"vma", TVMA, func(s *MfillState, x Value) { s.VMA, _ = x.Obj.(*mmcore.VMA) }},
		{"src_addr", TInt, func(s *MfillState, x Value) { s.SrcAddr = x.Int }},
		{"dst_addr", TInt, func(s *MfillState, x Value) { s.DstAddr = x.Int }},
	} {
		name := "mfill_state_store_" + st.field
		fieldStores[TMfillState][st.field] = name
		set := st.set
		kernelPathSteps[name] = "mfill_atomic"
		citeTable[name] = []Cite{cite("mm/userfaultfd.c", "mfill_atomic(), mfill_get_vma(), mfill_put_vma()", "none: state->"+st.field+" = ...", readUffdMM)}
		sequenceTable[name] = "/* mm/userfaultfd.c */\nstate->" + st.field + " = value;"
		defOp(&Op{Name: name, Params: []Param{{Name: "state", Type: TMfillState}, {Name: st.field, Type: st.typ, Nilable: st.typ != TInt}},
			API: register(&API{Name: name, Section: "2.42", Hold: "nothing", Takes: "nothing", Sleeps: "no", Source: "mm/userfaultfd.c: struct mfill_state",
				Notes: "state." + st.field + " = value: a store to a field of mfill_atomic()'s own struct mfill_state"}),
			Touches: func(*Call, *Footprint) {},
			Fn: func(c *Call) Result {
				set(c.mfillState(0), c.Args[1])
				return ok
			}})
	}

	kernelPathSteps["mfill_state_init"] = "mfill_atomic"
	kernelPathSteps["mfill_atomic_install_pte"] = "mfill_atomic"
	kernelPathSteps["mfill_zeropage_pte_locked"] = "mfill_atomic"
	citeTable["mfill_state_init"] = []Cite{cite("mm/userfaultfd.c", "mfill_atomic()",
		"none: struct mfill_state state = (struct mfill_state){ .ctx = ctx, .dst_start = dst_start, .src_start = src_start, .flags = flags, .src_addr = src_start, .dst_addr = dst_start, };", readUffdMM)}
	sequenceTable["mfill_state_init"] = "struct mfill_state state = (struct mfill_state){\n\t.ctx = ctx, .dst_start = dst_start, .src_start = src_start, .flags = flags,\n\t.src_addr = src_start, .dst_addr = dst_start,\n};"
	defOp(&Op{Name: "mfill_state_init", Params: []Param{{Name: "ctx", Type: TUffdCtx}, intParam("dst_start"), intParam("src_start"), intParam("len"), intParam("flags")},
		Result: TMfillState,
		API: register(&API{Name: "mfill_state_init", Section: "2.42", Hold: "nothing", Takes: "nothing", Sleeps: "no", Source: "mm/userfaultfd.c: mfill_atomic()",
			Notes: "mfill_atomic()'s struct mfill_state for the request: no VMA locked, the copy at its start"}),
		Touches: func(*Call, *Footprint) {},
		Fn: func(c *Call) Result {
			u := c.uffd(0)
			return done(Obj(TMfillState, &MfillState{Owned: ownedBy(c.T), Ctx: u, ctxName: u.Name, DstStart: c.int(1), SrcStart: c.int(2), Len: c.int(3), Flags: c.int(4),
				DstAddr: c.int(1), SrcAddr: c.int(2)}))
		}})

	citeTable["mfill_atomic_install_pte"] = []Cite{cite("mm/userfaultfd.c", "mfill_atomic_install_pte()",
		"ret = -EAGAIN; dst_pte = pte_offset_map_lock(dst_mm, dst_pmd, dst_addr, &ptl); if (!dst_pte) goto out; ... ret = -EEXIST; dst_ptep = ptep_get(dst_pte); "+
			"if (!pte_none(dst_ptep) && !pte_is_uffd_marker(dst_ptep)) goto out_unlock; ... folio_add_new_anon_rmap(folio, dst_vma, dst_addr, RMAP_EXCLUSIVE); folio_add_lru_vma(folio, dst_vma); "+
			"inc_mm_counter(); set_pte_at(dst_mm, dst_addr, dst_pte, _dst_pte); ... out_unlock: pte_unmap_unlock(dst_pte, ptl);", readUffdMM)}
	citeTable["mfill_zeropage_pte_locked"] = []Cite{cite("mm/userfaultfd.c", "mfill_atomic_pte_zeropage()",
		"_dst_pte = pte_mkspecial(pfn_pte(my_zero_pfn(dst_addr), dst_vma->vm_page_prot)); ret = -EAGAIN; dst_pte = pte_offset_map_lock(dst_vma->vm_mm, dst_pmd, dst_addr, &ptl); "+
			"if (!dst_pte) goto out; ... ret = -EEXIST; if (!pte_none(ptep_get(dst_pte))) goto out_unlock; set_pte_at(dst_vma->vm_mm, dst_addr, dst_pte, _dst_pte); ... pte_unmap_unlock(dst_pte, ptl);", readUffdMM)}
	const mfillSeq = "/* mm/userfaultfd.c: mfill_atomic() */\ndst_vma = uffd_mfill_lock(dst_mm, dst_start, len);   /* VMA read lock, or mmap read lock + vma_start_read_locked() */\n" +
		"down_read(&ctx->map_changing_lock);\nif (atomic_read(&ctx->mmap_changing))\n\tgoto out_unlock;   /* -EAGAIN */\n" +
		"/* per page: */\ndst_pte = pte_offset_map_lock(dst_mm, dst_pmd, dst_addr, &ptl);\nif (pte_none(ptep_get(dst_pte)))\n\tset_pte_at(dst_mm, dst_addr, dst_pte, _dst_pte);\n" +
		"pte_unmap_unlock(dst_pte, ptl);\nup_read(&ctx->map_changing_lock);\nuffd_mfill_unlock(dst_vma);"
	sequenceTable["mfill_atomic_install_pte"] = mfillSeq
	sequenceTable["mfill_zeropage_pte_locked"] = mfillSeq
	ptlInstall := func(name string, params []Param, notes string, fn func(c *Call, m *MM, v *mmcore.VMA, addr mmcore.Addr) error) {
		defOp(&Op{Name: name, Params: params, Result: TInt,
			API: register(&API{Name: name, Section: "2.42",
				Hold:  "the destination VMA stable (its read lock, or the mmap read lock: uffd_mfill_lock()) and ctx->map_changing_lock for read",
				Takes: "RCU (pte_offset_map) -> the PTE lock of the address, released at the end of the step", Sleeps: "no",
				Source: citeTable[name][0].File + ": " + citeTable[name][0].Func,
				Notes:  notes + " (a step of the kernel library's UFFDIO_COPY and UFFDIO_ZEROPAGE: `mmscript explain mfill_atomic`)",
				Rules:  []*Rule{ruleTraverseLock}}),
			Touches: func(c *Call, f *Footprint) {
				m := vmaMM(c, 0)
				f.MM(m, false)
				f.PTEInstall(m, c.addr(1))
				if len(c.Args) > 2 {
					if p, ok := c.Args[2].Obj.(*mmcore.Page); ok && p != nil {
						f.Page(p, true)
					}
				}
			},
			Fn: func(c *Call) Result {
				v, addr := c.vma(0), c.addr(1)
				m := mmOf(v.MM())
				if !c.reentered {
					c.requireStable(m, addr, ruleTraverseLock)
					t := m.Core.Walk(addr).PTETable()
					if t == nil {
						return done(Int(-int64(mmcore.EAGAIN))) // !dst_pte
					}
					c.T.rcuLock()
					return c.lockThen(ptl(m, t), Write, grantReenter, Obj(TLock, ptl(m, t)))
				}
				l := c.reenterValue.Obj.(*Lock)
				ret := -int64(mmcore.EAGAIN) // the table went while the step waited: pmd_same() failed
				if t := m.Core.Walk(addr).PTETable(); t != nil && ptl(m, t) == l {
					ret = 0
					if err := fn(c, m, v, addr); err != nil {
						ret = errnoOf(err)
					}
				}
				c.release(l, Write)
				c.T.rcuUnlock()
				return done(Int(ret))
			}})
	}
	ptlInstall("mfill_atomic_install_pte", []Param{vmaParam("dst_vma", false), intParam("dst_addr"), {Name: "page", Type: TPage}, intParam("flags")},
		"installs page, newly allocated and filled, as dst_vma's exclusive anonymous page at dst_addr if the entry is still none (folio_add_new_anon_rmap(), set_pte_at(): dirty, "+
			"writable when VM_WRITE); the caller's reference passes to the page table. 0, -EEXIST (another fault or ioctl filled it: the caller puts its page), -EAGAIN (no PTE table)",
		func(c *Call, m *MM, v *mmcore.VMA, addr mmcore.Addr) error {
			p := c.page(2)
			if p.Folio().Freed() {
				c.refOnFreed(p, rulePutFreedPage)
				return nil
			}
			if err := m.Core.MfillInstallPTE(v, addr, p); err != nil {
				return err
			}
			countRef(&c.T.gotRefs, p.Folio(), -1)
			return nil
		})
	ptlInstall("mfill_zeropage_pte_locked", []Param{vmaParam("dst_vma", false), intParam("dst_addr")},
		"mfill_atomic_pte_zeropage()'s section under the PTE lock: the zero page (special, read-only) at dst_addr if the entry is still none; 0, -EEXIST or -EAGAIN",
		func(c *Call, m *MM, v *mmcore.VMA, addr mmcore.Addr) error { return m.Core.MfillZeroPTE(v, addr) })

	uffdP := Param{Name: "ctx", Type: TUffdCtx}
	citeTable["userfaultfd_copy"] = []Cite{cite("fs/userfaultfd.c", "userfaultfd_copy()",
		"if (unlikely(atomic_read(&ctx->mmap_changing))) ... goto out; ... if (mmget_not_zero(ctx->mm)) { ret = mfill_atomic_copy(ctx, uffdio_copy.dst, uffdio_copy.src, uffdio_copy.len, flags); mmput(ctx->mm); } ... "+
			"if (!(uffdio_copy.mode & UFFDIO_COPY_MODE_DONTWAKE)) { range.start = uffdio_copy.dst; wake_userfault(ctx, &range); } ret = range.len == uffdio_copy.len ? 0 : -EAGAIN;", readUffdFS),
		cite("mm/userfaultfd.c", "mfill_atomic(), mfill_get_vma(), mfill_copy_folio_locked(), mfill_copy_folio_retry()",
			"dst_vma = uffd_mfill_lock(); down_read(&ctx->map_changing_lock); ... pagefault_disable(); ret = copy_from_user(kaddr, (const void __user *) src_addr, PAGE_SIZE); pagefault_enable(); "+
				"... /* retry copying with mm_lock dropped */ mfill_put_vma(state); ... copy_from_user(); ... err = mfill_get_vma(state);", readUffdMM)}
	citeTable["userfaultfd_zeropage"] = []Cite{cite("fs/userfaultfd.c", "userfaultfd_zeropage()",
		"if (mmget_not_zero(ctx->mm)) { ret = mfill_atomic_zeropage(ctx, uffdio_zeropage.range.start, uffdio_zeropage.range.len); mmput(ctx->mm); } ... wake_userfault(ctx, &range);", readUffdFS)}
	sequenceTable["userfaultfd_copy"] = "/* the monitor */\nread(uffd, &msg, sizeof(msg));\ncopy.dst = msg.arg.pagefault.address & ~(page_size - 1);\n" +
		"copy.src = (unsigned long)page; copy.len = page_size; copy.mode = 0;\nioctl(uffd, UFFDIO_COPY, &copy);   /* fills the page, wakes the fault */\n" + mfillSeq
	sequenceTable["userfaultfd_zeropage"] = "zero.range.start = addr; zero.range.len = page_size; zero.mode = 0;\nioctl(uffd, UFFDIO_ZEROPAGE, &zero);\n" + mfillSeq
	mfillRules := []*Rule{ruleSleepInAtomic, ruleRecursive, ruleCircular, ruleMmapUnderVMARead}
	defOp(&Op{Name: "userfaultfd_copy", Path: true, Touches: world,
		Params: []Param{uffdP, intParam("dst"), intParam("src"), intParam("len"), {Name: "mode", Type: TInt, Optional: true, Default: Int(0)}}, Result: TInt,
		API: register(&API{Name: "userfaultfd_copy", Section: "2.42", Hold: "no lock of ctx.mm or of the source's mm (the ioctl takes them; the copy may fault)",
			Takes: "mmget_not_zero -> per attempt: the VMA read lock (lock_vma_under_rcu; else mmap_read_lock, anon_vma_prepare, vma_start_read_locked, mmap_read_unlock) -> " +
				"map_changing_lock (read) -> per page: the copy with page faults disabled (else locks dropped, copy_from_user, locks retaken), the PTE lock (mfill_atomic_install_pte) -> " +
				"map_changing_lock and VMA lock released -> wake_userfault",
			Sleeps: "yes", Asserts: "VM_WARN_ON_ONCE()s on the arguments and the result (debug kernels)",
			Source: "fs/userfaultfd.c: userfaultfd_ioctl(UFFDIO_COPY), userfaultfd_copy(); mm/userfaultfd.c: mfill_atomic_copy(), mfill_atomic()",
			Notes: "fills the none entries of [dst, dst + len) of ctx.mm, a range inside one registered VMA, with copies of the pages at src in the caller's mm (current->mm) and wakes " +
				"the faults there (unless UFFDIO_COPY_MODE_DONTWAKE); 0 when all of len was copied, -EAGAIN for a short copy or mmap_changing, else -errno (-EEXIST: " +
				"already filled, -ENOENT: not a registered VMA, -EFAULT: the source cannot be read). The kernel also writes the bytes copied into uffdio_copy.copy. " +
				"A kernel path of the kernel library (kernel/userfaultfd.mms)",
			Rules: mfillRules})})
	defOp(&Op{Name: "userfaultfd_zeropage", Path: true, Touches: world,
		Params: []Param{uffdP, intParam("start"), intParam("len"), {Name: "mode", Type: TInt, Optional: true, Default: Int(0)}}, Result: TInt,
		API: register(&API{Name: "userfaultfd_zeropage", Section: "2.42", Hold: "no lock of ctx.mm (the ioctl takes them)",
			Takes:  "as userfaultfd_copy, without the copy: the zero page under the PTE lock (mfill_atomic_pte_zeropage)",
			Sleeps: "yes", Asserts: "VM_WARN_ON_ONCE()s (debug kernels)",
			Source: "fs/userfaultfd.c: userfaultfd_ioctl(UFFDIO_ZEROPAGE), userfaultfd_zeropage(); mm/userfaultfd.c: mfill_atomic_zeropage(), mfill_atomic()",
			Notes: "maps the zero page at the none entries of [start, start + len) and wakes the faults there (unless UFFDIO_ZEROPAGE_MODE_DONTWAKE); 0, -EAGAIN or -errno as userfaultfd_copy. " +
				"A kernel path of the kernel library (kernel/userfaultfd.mms)",
			Rules: mfillRules})})
}

// ERR_PTR, as the library's functions that return a VMA or an error
// write it (uffd_lock_vma(), find_vma_and_prepare_anon()).
func init() {
	Constants["EOPNOTSUPP"] = 95
	constDocs["EOPNOTSUPP"] = "errno 95: the operation is not supported (mfill_atomic_pte() for a mode mmscript does not model)"
	citeTable["ERR_PTR"] = []Cite{cite("include/linux/err.h", "ERR_PTR()", "static inline void * __must_check ERR_PTR(long error) { return (void *) error; }", readMMH)}
	sequenceTable["ERR_PTR"] = "vma = vma_lookup(mm, addr);\nif (!vma)\n\treturn ERR_PTR(-ENOENT);"
	defOp(&Op{Name: "ERR_PTR", Params: []Param{intParam("error")}, Result: TVMA,
		API: register(&API{Name: "ERR_PTR", Section: "-", Hold: "nothing", Sleeps: "no", Source: "include/linux/err.h: ERR_PTR()",
			Notes: "the error pointer of errno error, as a function returning a VMA or an error returns it: nil to `if !vma` (IS_ERR), and PTR_ERR() gives error back",
			Query: "Making an error pointer is never wrong; its caller tests it (`if !vma`) and reads it with PTR_ERR()"}),
		Touches: func(*Call, *Footprint) {},
		Fn:      func(c *Call) Result { return done(Value{T: TNil, Int: c.int(0)}) }})
}

// UFFDIO_MOVE (kernel/userfaultfd.mms: move_pages()): the step that moves
// one entry under both PTE locks, and the v6.4 to v6.14 per-VMA
// rw_semaphore that uffd_move_lock() took directly before those kernels
// had vma_start_read_locked() (vma.vm_lock, with down_read() and
// down_read_nested()).
func init() {
	fieldTable[TVMA]["vm_lock"] = func(k *Kernel, x any) Value { return Obj(TLock, k.vmaState(x.(*mmcore.VMA)).Lock) }
	fieldTypes[TVMA]["vm_lock"] = TLock
	fieldDocs["vma.vm_lock"] = "vma->vm_lock->lock, the per-VMA lock's rw_semaphore of v6.4 to v6.14 (vm_refcnt since v6.15): what down_read(&vma->vm_lock->lock) " +
		"and down_read_nested() took in those kernels' uffd_lock_vma() and uffd_move_lock() (up_read() or vma_end_read() release it); today's code calls vma_start_read_locked()"

	Constants["SINGLE_DEPTH_NESTING"] = SingleDepthNesting
	constDocs["SINGLE_DEPTH_NESTING"] = "include/linux/lockdep.h: lockdep subclass 1, for a second lock of a class taken under the first (down_read_nested(), vma_start_read_locked_nested(), spin_lock_nested())"
	kernelPathSteps["move_pages_pte"] = "move_pages"
	citeTable["move_pages_pte"] = []Cite{cite("mm/userfaultfd.c", "move_pages_ptes(), move_present_ptes(), double_pt_lock(), move_zeropage_pte()",
		"spin_lock(src_ptl); ... folio = vm_normal_folio(src_vma, src_addr, orig_src_pte); if (!folio || !PageAnonExclusive(&folio->page)) { spin_unlock(src_ptl); ret = -EBUSY; goto out; } "+
			"locked = folio_trylock(folio); ... folio_get(folio); spin_unlock(src_ptl); if (!locked) { pte_unmap(src_pte); pte_unmap(dst_pte); src_pte = dst_pte = NULL; /* now we can block and wait */ folio_lock(src_folio); goto retry; } "+
			"... double_pt_lock(dst_ptl, src_ptl): if (ptl1 > ptl2) swap(ptl1, ptl2); /* lock in virtual address order to avoid lock inversion */ spin_lock(ptl1); if (ptl1 != ptl2) spin_lock_nested(ptl2, SINGLE_DEPTH_NESTING); "+
			"if (!is_pte_pages_stable(...)) { err = -EAGAIN; goto out; } if (folio_test_large(src_folio) || folio_maybe_dma_pinned(src_folio) || !PageAnonExclusive(&src_folio->page)) { err = -EBUSY; goto out; } "+
			"orig_src_pte = ptep_get_and_clear(mm, src_addr, src_pte); folio_move_anon_rmap(src_folio, dst_vma); src_folio->index = linear_page_index(dst_vma, dst_addr); ... set_pte_at(mm, dst_addr, dst_pte, orig_dst_pte); "+
			"... flush_tlb_range(src_vma, src_start, src_addr); folio_unlock(src_folio); double_pt_unlock(dst_ptl, src_ptl);", readUffdMM)}
	sequenceTable["move_pages_pte"] = "/* mm/userfaultfd.c: move_pages() */\nuffd_move_lock(mm, dst_start, src_start, &dst_vma, &src_vma);  /* both VMA read locks */\n" +
		"down_read(&ctx->map_changing_lock);\n/* per page, move_pages_ptes(): */\nlocked = folio_trylock(folio);   /* under src_ptl */\nif (!locked) {\n\tspin_unlock(src_ptl);\n\tfolio_lock(folio);   /* no PTE lock held */\n\tgoto retry;\n}\n" +
		"double_pt_lock(dst_ptl, src_ptl);   /* in address order, the second nested */\n/* move the entry */\ndouble_pt_unlock(dst_ptl, src_ptl);\nfolio_unlock(folio);\n" +
		"up_read(&ctx->map_changing_lock);\nuffd_move_unlock(dst_vma, src_vma);"
	defOp(&Op{Name: "move_pages_pte",
		Params: []Param{vmaParam("dst_vma", false), vmaParam("src_vma", false), intParam("dst_addr"), intParam("src_addr"), intParam("mode")},
		Result: TInt,
		API: register(&API{Name: "move_pages_pte", Section: "2.42",
			Hold: "both VMAs read-locked (uffd_move_lock()) and ctx->map_changing_lock for read; the PTE tables of both addresses allocated",
			Takes: "the source folio's lock (folio_trylock() under the source PTE lock; failing that, folio_lock() with no PTE lock held, then again from the start) -> " +
				"both PTE locks in address order, the second spin_lock_nested(SINGLE_DEPTH_NESTING) (double_pt_lock()), released at the end of the step -> the folio unlocked",
			Sleeps: "only in folio_lock(), with no PTE lock held", Source: "mm/userfaultfd.c: move_pages_ptes(), move_present_ptes(), move_zeropage_pte()",
			Notes: "moves the entry at src_addr of src_vma to dst_addr of dst_vma (both in the same mm): an exclusive anonymous small page with its rmap (folio_move_anon_rmap()), or the zero page; " +
				"PAGE_SIZE moved, PAGE_SIZE for a none source with UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES, or -EEXIST (destination not none), -ENOENT (none source), " +
				"-EBUSY (not exclusive anonymous, a THP, pinned), -EAGAIN (a PTE table went, or the entry changed while it waited: the caller retries). " +
				"Swap and migration entries and THPs (move_pages_huge_pmd()) are not modelled (a step of the kernel library's UFFDIO_MOVE: `mmscript explain move_pages`)",
			Rules: []*Rule{ruleRecursive, ruleCircular, ruleSleepInAtomic, ruleTraverseLock}}),
		Touches: func(c *Call, f *Footprint) {
			m := vmaMM(c, 0)
			f.MM(m, false)
			f.PTEInstall(m, c.addr(2))
			f.PTEAt(m, c.addr(3), true)
			f.TLB(m, true)
			f.AllPages(true)
			f.Add(ALock, AllObjects, true) // the folio lock of whatever page is there
		},
		Fn: func(c *Call) Result {
			dv, sv, dst, src := c.vma(0), c.vma(1), c.addr(2), c.addr(3)
			holes := c.int(4)&UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES != 0
			m := mmOf(dv.MM())
			if sv.MM() != dv.MM() {
				return fail("move_pages_pte: the VMAs are in different mms")
			}
			// The folio lock held since a wait in an earlier run of the step.
			var held *Lock
			var heldPage *mmcore.Page
			if c.reentered {
				heldPage = c.reenterValue.Obj.(*mmcore.Page)
				held = c.K.folioLock(heldPage)
			} else {
				c.requireStable(m, dst, ruleTraverseLock)
				c.requireStable(m, src, ruleTraverseLock)
			}
			dt, st := m.Core.Walk(dst).PTETable(), m.Core.Walk(src).PTETable()
			finish := func(ret int64) Result {
				if held != nil {
					c.T.Release(held, Write) // folio_unlock(src_folio)
				}
				return done(Int(ret))
			}
			if dt == nil || st == nil {
				return finish(-int64(mmcore.EAGAIN)) // !dst_pte, !src_pte: "Retry if a huge pmd materialized from under us"
			}
			// Under the source PTE lock: the folio, locked with a trylock.
			w := m.Core.Walk(src)
			var page *mmcore.Page
			if w.Present() && !w.Entry.Special() {
				page = m.Core.Memory().Page(w.Entry.PFN())
			}
			if held != nil && page != heldPage {
				return finish(-int64(mmcore.EAGAIN)) // "If PTE changed after we locked the folio then start over"
			}
			if page != nil && held == nil && !page.Zero() {
				if !page.Anon() || page.Mapcount() != 1 {
					return finish(-int64(mmcore.EBUSY)) // !PageAnonExclusive()
				}
				fl := c.K.folioLock(page.Folio())
				if !c.T.TryAcquire(fl, Write) {
					// spin_unlock(src_ptl); pte_unmap(); folio_lock(): it
					// sleeps with no PTE lock held, and goes on from retry:
					return c.lockThen(fl, Write, grantReenter, Obj(TPage, page.Folio()))
				}
				held, heldPage = fl, page.Folio()
			}
			// double_pt_lock(dst_ptl, src_ptl): address order, the second
			// nested; both are dropped before the step ends.
			l1, l2 := ptl(m, dt), ptl(m, st)
			if src < dst {
				l1, l2 = l2, l1
			}
			c.T.rcuLock()
			return c.lock(l1, Write, func() Result {
				move := func() Result {
					var ret int64
					switch {
					case heldPage != nil && c.K.pins[heldPage] > 0:
						ret = -int64(mmcore.EBUSY) // folio_maybe_dma_pinned()
					default:
						n, err := m.Core.MovePTE(dv, sv, dst, src, holes)
						switch {
						case err != nil:
							ret = errnoOf(err)
						case n == 0:
							ret = int64(mmcore.PageSize) // a hole moved
						default:
							ret = int64(n)
						}
					}
					if l2 != l1 {
						c.unlock(l2, Write)
					}
					c.unlock(l1, Write)
					c.T.rcuUnlock()
					return finish(ret)
				}
				if l2 == l1 {
					return move()
				}
				c.T.subclass = SingleDepthNesting // spin_lock_nested(ptl2, SINGLE_DEPTH_NESTING)
				return c.lock(l2, Write, move)
			})
		}})

	citeTable["userfaultfd_move"] = []Cite{
		cite("fs/userfaultfd.c", "userfaultfd_move()", "if (atomic_read(&ctx->mmap_changing)) return -EAGAIN; ... if (mmget_not_zero(mm)) { ret = move_pages(ctx, uffdio_move.dst, uffdio_move.src, uffdio_move.len, uffdio_move.mode); mmput(mm); } ... "+
			"if (!(uffdio_move.mode & UFFDIO_MOVE_MODE_DONTWAKE)) { range.start = uffdio_move.dst; wake_userfault(ctx, &range); } ret = range.len == uffdio_move.len ? 0 : -EAGAIN;", readUffdFS),
		cite("mm/userfaultfd.c", "move_pages(), uffd_move_lock()", "err = uffd_move_lock(mm, dst_start, src_start, &dst_vma, &src_vma); ... down_read(&ctx->map_changing_lock); ... "+
			"if (!vma_start_read_locked(*dst_vmap)) ... if (!vma_start_read_locked_nested(*src_vmap, SINGLE_DEPTH_NESTING)) ...", readUffdMM)}
	sequenceTable["userfaultfd_move"] = "move.dst = fault_addr; move.src = staging; move.len = page_size; move.mode = 0;\nioctl(uffd, UFFDIO_MOVE, &move);\n" + sequenceTable["move_pages_pte"]
	defOp(&Op{Name: "userfaultfd_move", Path: true, Touches: world,
		Params: []Param{{Name: "ctx", Type: TUffdCtx}, intParam("dst"), intParam("src"), intParam("len"), {Name: "mode", Type: TInt, Optional: true, Default: Int(0)}}, Result: TInt,
		API: register(&API{Name: "userfaultfd_move", Section: "2.42", Hold: "no lock of ctx.mm (the ioctl takes them)",
			Takes: "mmget_not_zero -> uffd_move_lock: the destination VMA's read lock (uffd_lock_vma), the source's (lock_vma_under_rcu; else under the mmap read lock both, " +
				"vma_start_read_locked and vma_start_read_locked_nested(SINGLE_DEPTH_NESTING)) -> map_changing_lock (read) -> per page: the source folio's lock, both PTE locks " +
				"(double_pt_lock) -> locks released -> wake_userfault",
			Sleeps: "yes", Asserts: "VM_WARN_ON_ONCE()s (debug kernels)",
			Source: "fs/userfaultfd.c: userfaultfd_ioctl(UFFDIO_MOVE), userfaultfd_move(); mm/userfaultfd.c: move_pages(), uffd_move_lock(), move_pages_ptes()",
			Notes: "moves the exclusive anonymous pages of [src, src + len) to [dst, dst + len) of ctx.mm (dst in a VMA registered with ctx, both private anonymous with the same protection), " +
				"zero-copy, and wakes the faults there (unless UFFDIO_MOVE_MODE_DONTWAKE); 0 when all of len moved, -EAGAIN for a short move or mmap_changing, else -errno. " +
				"A kernel path of the kernel library (kernel/userfaultfd.mms)",
			Rules: []*Rule{ruleSleepInAtomic, ruleRecursive, ruleCircular, ruleMmapUnderVMARead}})})
}
