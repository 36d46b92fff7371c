package runtime

import (
	"fmt"
	"strings"

	"github.com/mmscript/mmscript/mmcore"
)

// The rw_semaphore API (include/linux/rwsem.h, kernel/locking/rwsem.c) on
// the rwsems a script can name: down_read(&mm->mmap_sem) as kernels
// before v5.8 spelled the mmap lock (da1c55f1b272 "mmap locking API:
// rename mmap_sem to mmap_lock" renamed the field and made the
// mmap_*_lock() wrappers the way in), mapping->i_mmap_rwsem,
// inode->i_rwsem, mapping->invalidate_lock, and a script's own `rwsem
// NAME` (a driver's init_rwsem()ed semaphore: a lockdep class of its own,
// as a statically initialised lock has). Each keeps its lock's
// lockdep class; on an mm's mmap lock the calls are the mmap lock's own
// (mm.mmap_sem is mm.mmap_lock): down_write() starts the mm_lock_seq
// write section and up_write()/downgrade_write() end every VMA write
// lock, as mmap_write_lock(), mmap_write_unlock() and
// mmap_write_downgrade() do, so a script of an old bug runs against the
// same VMA locks as a new one.

// mmOfMmapLock is the mm whose mmap lock l is, or nil.
func (k *Kernel) mmOfMmapLock(l *Lock) *MM {
	if l.Class != ClassMmapLock {
		return nil
	}
	for _, m := range k.mms {
		if m.MmapLock == l {
			return m
		}
	}
	return nil
}

// rwsemArg is the call's rw_semaphore argument, or a failed Result.
//
// vma.vm_lock is taken for reading too: from v6.4 to v6.14 it was the
// rw_semaphore vma->vm_lock->lock, which uffd_lock_vma() and v6.9's
// uffd_move_lock() read-locked directly under the mmap read lock (no
// writer can then hold it), and a script transcribing that code calls
// down_read() on it. A write is vma_start_write()'s, with its sequence
// number, so down_write() on it is refused.
func (c *Call) rwsemArg() (*Lock, Result, bool) {
	l := c.Args[0].Obj.(*Lock)
	if l.Kind == VMALock {
		switch c.Op.Name {
		case "down_read", "down_read_nested", "down_read_trylock", "up_read":
			return l, ok, true
		}
		return nil, fail("%s: %s is taken for writing with vma_start_write() (v6.4 to v6.14's down_write(&vma->vm_lock->lock) under the mmap write lock, with vm_lock_seq), not %s", c.Op.Name, l.Name, c.Op.Name), false
	}
	if l.Kind != RWSem {
		return nil, fail("%s: %s is not an rw_semaphore (spinlocks take spin_lock(), mutexes mutex_lock())", c.Op.Name, l.Name), false
	}
	return l, ok, true
}

func init() {
	// mm->mmap_sem, the mmap lock's name before v5.8; inode->i_rwsem and
	// mapping->invalidate_lock, which inode_lock() and
	// filemap_invalidate_lock() take, as rwsems a script may name.
	fieldTable[TMM]["mmap_sem"] = func(_ *Kernel, x any) Value { return Obj(TLock, x.(*MM).MmapLock) }
	fieldTypes[TMM]["mmap_sem"] = TLock
	fieldDocs["mm.mmap_sem"] = "mm->mmap_sem: the mmap lock as kernels before v5.8 name it (da1c55f1b272 \"mmap locking API: rename mmap_sem to mmap_lock\"): " +
		"the same rwsem as mm.mmap_lock, so down_read(&mm->mmap_sem) is mmap_read_lock(mm), down_write() mmap_write_lock(), up_write() mmap_write_unlock() " +
		"(which ends the VMA write locks), downgrade_write() mmap_write_downgrade(); lockdep's class is the mmap lock's"
	fieldTable[TFile]["i_rwsem"] = func(_ *Kernel, x any) Value { return Obj(TLock, x.(*File).IRwsem) }
	fieldTypes[TFile]["i_rwsem"] = TLock
	fieldDocs["file.i_rwsem"] = "inode->i_rwsem, the rwsem inode_lock() (write) and inode_lock_shared() (read) take: above the mmap lock in mm's lock order; down_write(&inode->i_rwsem) is inode_lock()"
	fieldTable[TFile]["invalidate_lock"] = func(_ *Kernel, x any) Value { return Obj(TLock, x.(*File).InvalidateLock) }
	fieldTypes[TFile]["invalidate_lock"] = TLock
	fieldDocs["file.invalidate_lock"] = "mapping->invalidate_lock, the rwsem filemap_invalidate_lock() (write) and filemap_invalidate_lock_shared() (read) take: below the mmap lock, above the VMA and i_mmap locks"

	semParam := []Param{{Name: "sem", Type: TLock,
		Hint: " (an rw_semaphore: &mm->mmap_sem (mm.mmap_sem, the mmap lock), file.i_mmap_rwsem, file.i_rwsem, file.invalidate_lock, or a script's own `rwsem NAME`)"}}
	rwsemSource := func(name string) string {
		return "include/linux/rwsem.h: " + name + "(); kernel/locking/rwsem.c"
	}
	mmapNote := func(as string) string {
		return "on &mm->mmap_sem (mm.mmap_sem, mm.mmap_lock: the mmap lock's name before v5.8) it is " + as + ", whose rules it has"
	}
	lockAPI := func(name, mode, as, notes string) *API {
		a := &API{Name: name, Section: "1.1", Hold: "not this rwsem (not recursive: a second read deadlocks behind a queued writer)",
			Takes: "the rwsem (" + mode + "), sleeping while it is contended", Sleeps: "yes", Asserts: "might_sleep(); lockdep (rwsem_acquire" + map[string]string{"read": "_read", "write": ""}[mode] + ")",
			Source: rwsemSource(name), Notes: mmapNote(as) + "; " + notes,
			Rules: append([]*Rule{ruleMmapUnderVMARead}, lockRules...),
			Cites: []Cite{cite("kernel/locking/rwsem.c", name+"()", "might_sleep(); rwsem_acquire"+map[string]string{"read": "_read", "write": ""}[mode]+"(&sem->dep_map, 0, 0, _RET_IP_); (lockdep)", readRwsem),
				cite("mm/util.c", "account_locked_vm() (v5.7)", "none: down_write(&mm->mmap_sem); ret = __account_locked_vm(...); up_write(&mm->mmap_sem);", readUtilMmapSem)},
			Sequence: "down_" + mode + "(&mm->mmap_sem);\t/* mmap_" + mode + "_lock(mm) since v5.8 */\n/* ... */\nup_" + mode + "(&mm->mmap_sem);"}
		return a
	}
	// down_read(), down_write(), the _killable forms (0 or -EINTR; no
	// fatal signals in mmscript: 0 once granted).
	for _, x := range []struct {
		name, as string
		mode     Mode
		killable bool
	}{
		{"down_read", "mmap_read_lock(mm)", Read, false},
		{"down_read_killable", "mmap_read_lock_killable(mm)", Read, true},
		{"down_write", "mmap_write_lock(mm)", Write, false},
		{"down_write_killable", "mmap_write_lock_killable(mm)", Write, true},
	} {
		x := x
		notes := "a sleeping reader/writer lock whose waiters are served in order"
		if x.killable {
			notes = "returns 0 with the rwsem held, or -EINTR when a fatal signal ended the wait: the caller then holds nothing. mmscript sends no fatal signals, so it returns 0 once the rwsem is granted"
		}
		a := lockAPI(x.name, x.mode.String(), x.as, notes)
		var result Type
		var v Value = Nil
		if x.killable {
			result, v = TInt, Int(0)
			a.MustCheck = "include/linux/rwsem.h: extern int __must_check " + x.name + "(struct rw_semaphore *sem)"
			a.Cites = append(a.Cites, cite("include/linux/rwsem.h", x.name+"()", "none: extern int __must_check "+x.name+"(struct rw_semaphore *sem);", readRwsemH))
		}
		register(a)
		defOp(&Op{Name: x.name, Params: semParam, Result: result, API: a, Touches: touchesLocksOnly,
			Fn: func(c *Call) Result {
				l, r, good := c.rwsemArg()
				if !good {
					return r
				}
				then := grantDone
				if x.mode == Write && c.K.mmOfMmapLock(l) != nil {
					then = grantMMLockSeqBeginLock // mm_lock_seqcount_begin()
				}
				return c.lockThen(l, x.mode, then, v)
			}})
	}
	// down_read_nested(): a second rwsem of one class under the first,
	// as lockdep subclass subclass (a class of its own to lockdep).
	nested := lockAPI("down_read_nested", "read", "mmap_read_lock(mm) taken as a subclass",
		"the subclass (SINGLE_DEPTH_NESTING for a second lock of the class) keys a lockdep class of its own, so two locks of one class do not report recursion; "+
			"it silences lockdep only: a queued writer still deadlocks the second read (v6.9's uffd_move_lock(): down_read_nested(&src_vma->vm_lock->lock, SINGLE_DEPTH_NESTING))")
	nested.Name = "down_read_nested"
	nested.Hold = "another rwsem of this class, ordered by an outer lock"
	nested.Takes = "the rwsem (read) as lockdep subclass subclass"
	nested.Cites = []Cite{cite("kernel/locking/rwsem.c", "down_read_nested()", "might_sleep(); rwsem_acquire_read(&sem->dep_map, subclass, 0, _RET_IP_); LOCK_CONTENDED(sem, __down_read_trylock, __down_read);", readRwsem)}
	nested.Sequence = "/* mm/userfaultfd.c: uffd_move_lock() of v6.9 (30af24facf0a), under the mmap read lock */\n" +
		"down_read(&(*dst_vmap)->vm_lock->lock);\nif (*dst_vmap != *src_vmap)\n\tdown_read_nested(&(*src_vmap)->vm_lock->lock, SINGLE_DEPTH_NESTING);"
	register(nested)
	defOp(&Op{Name: "down_read_nested", Params: append(semParam[:1:1], Param{Name: "subclass", Type: TInt}), API: nested, Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			l, r, good := c.rwsemArg()
			if !good {
				return r
			}
			n := c.int(1)
			if n < 0 || n >= maxSubclasses {
				return fail("down_read_nested: subclass %d is not a lockdep subclass (0 to %d, MAX_LOCKDEP_SUBCLASSES)", n, maxSubclasses-1)
			}
			c.T.subclass = uint8(n)
			return c.lockThen(l, Read, grantDone, Nil)
		}})
	for _, x := range []struct {
		name, as string
		mode     Mode
	}{{"down_read_trylock", "mmap_read_trylock(mm)", Read}, {"down_write_trylock", "mmap_write_trylock(mm)", Write}} {
		x := x
		defOp(&Op{Name: x.name, Params: semParam, Result: TBool,
			API: register(&API{Name: x.name, Section: "1.1", Hold: "nothing",
				Takes: "the rwsem (" + x.mode.String() + ") if free" + map[Mode]string{Read: " and no writer is queued", Write: ""}[x.mode], Sleeps: "no",
				Source: rwsemSource(x.name), Notes: mmapNote(x.as) + "; returns 1 when taken, 0 when contended (never waits)",
				FailRule: rwsemTryFailed(x.name, x.name),
				Cites: []Cite{cite("include/linux/rwsem.h", x.name+"()", "none: extern int "+x.name+"(struct rw_semaphore *sem); /* trylock for "+
					map[Mode]string{Read: "reading", Write: "writing"}[x.mode]+" -- returns 1 if successful, 0 if contention */", readRwsemH)},
				Sequence: "if (!" + x.name + "(&mm->mmap_sem))\n\treturn;\t/* contended: try later */\n/* ... */\nup_" + x.mode.String() + "(&mm->mmap_sem);"}),
			Touches: touchesLocksOnly,
			Fn: func(c *Call) Result {
				l, r, good := c.rwsemArg()
				if !good {
					return r
				}
				if c.T.TryAcquire(l, x.mode) {
					if m := c.K.mmOfMmapLock(l); m != nil && x.mode == Write {
						c.K.mmLockSeqBump(m)
					}
					return done(Bool(true))
				}
				return c.tried(l, false)
			}})
	}
	for _, x := range []struct {
		name, as string
		mode     Mode
	}{{"up_read", "mmap_read_unlock(mm)", Read}, {"up_write", "mmap_write_unlock(mm)", Write}} {
		x := x
		a := rwsemUnlockAPI(x.name, "the rwsem for "+x.mode.String(), rwsemSource(x.name))
		a.Notes = mmapNote(x.as)
		a.Cites = []Cite{cite("kernel/locking/rwsem.c", x.name+"()", "rwsem_release(&sem->dep_map, _RET_IP_); __up_"+x.mode.String()+"(sem); (lockdep: bad unlock balance; "+
			"CONFIG_DEBUG_RWSEMS: DEBUG_RWSEMS_WARN_ON() on the other mode)", readRwsem)}
		a.Sequence = "down_" + x.mode.String() + "(&mm->mmap_sem);\n/* ... */\n" + x.name + "(&mm->mmap_sem);\t/* mmap_" + x.mode.String() + "_unlock(mm) since v5.8 */"
		if x.mode == Write {
			a.Notes += ": dropping it ends every VMA write lock of the mm (vma_end_write_all())"
		}
		defOp(&Op{Name: x.name, Params: semParam, API: a, Touches: touchesLocksOnly,
			Fn: func(c *Call) Result {
				l, r, good := c.rwsemArg()
				if !good {
					return r
				}
				if m := c.K.mmOfMmapLock(l); m != nil && x.mode == Write && l.heldBy(c.T) == Write {
					c.endWriteAll(m)
				}
				return c.release(l, x.mode)
			}})
	}
	dg := unlockAPI("downgrade_write", "the rwsem for write; afterwards for read", rwsemSource("downgrade_write"))
	dg.Cites = []Cite{cite("kernel/locking/rwsem.c", "downgrade_write()", "lock_downgrade(&sem->dep_map, _RET_IP_); __downgrade_write(sem); (lockdep: the write hold becomes a read hold)", readRwsem),
		cite("mm/mmap.c", "__do_munmap() (v5.7)", "none: if (downgrade) downgrade_write(&mm->mmap_sem); unmap_region(mm, vma, prev, start, end);", readMunmapDowngrade)}
	dg.Sequence = "down_write(&mm->mmap_sem);\n/* detach the VMAs */\ndowngrade_write(&mm->mmap_sem);\n/* unmap_region() under the read lock */\nup_read(&mm->mmap_sem);"
	dg.Notes = mmapNote("mmap_write_downgrade(mm)") + ": every VMA write lock of the mm ends (vma_end_write_all()); a writer queued meanwhile keeps waiting, readers get in"
	defOp(&Op{Name: "downgrade_write", Params: semParam, API: dg, Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			l, r, good := c.rwsemArg()
			if !good {
				return r
			}
			if l.heldBy(c.T) != Write {
				c.K.unlockImbalance(c.T, l, Write,
					c.K.violate(c.T, ruleUnlockNotHeld, fmt.Sprintf("downgrade_write: %s is not held for write by this thread", l.Name)))
				return ok
			}
			if m := c.K.mmOfMmapLock(l); m != nil {
				c.endWriteAll(m)
			}
			c.T.Downgrade(l)
			return ok
		}})

	// The page-lock names of kernels before the folio conversion (v5.16
	// on): lock_page(page) is folio_lock(page_folio(page))
	// (include/linux/pagemap.h), unlock_page() folio_unlock(), and
	// trylock_page() folio_trylock(); before the folios, __lock_page() of
	// compound_head(page). The lock is the folio's, whichever of its pages
	// is named.
	folioArg := func(c *Call) {
		c.Args[0] = Obj(TPage, c.page(0).Folio())
	}
	for _, x := range []struct{ name, folio, how string }{
		{"lock_page", "folio_lock", "folio_lock(page_folio(page))"},
		{"trylock_page", "folio_trylock", "folio_trylock(page_folio(page))"},
		{"unlock_page", "folio_unlock", "folio_unlock(page_folio(page))"},
	} {
		f := LookupOp(x.folio)
		a := *f.API
		a.Name, a.Source = x.name, "include/linux/pagemap.h: "+x.name+"() (mm/folio-compat.c for unlock_page())"
		a.Notes = x.how + ": the page cache's page lock, as kernels before the folio conversion (v5.16) and drivers still call it; the lock is the folio's, " +
			"whichever of its pages is named. " + f.API.Notes
		a.Rules = nil // resultRules() adds this entry's own FailRule
		for _, r := range f.API.Rules {
			if r != f.API.FailRule {
				a.Rules = append(a.Rules, r)
			}
		}
		if a.FailRule != nil {
			fr := *a.FailRule
			fr.ID = x.name + "/failure-ignored"
			fr.Doc = strings.ReplaceAll(fr.Doc, x.folio+"()", x.name+"()")
			a.FailRule = &fr
		}
		a.Cites = []Cite{cite("include/linux/pagemap.h", x.name+"()", "none of its own: "+map[string]string{
			"lock_page":    "struct folio *folio; might_sleep(); folio = page_folio(page); if (!folio_trylock(folio)) __folio_lock(folio);",
			"trylock_page": "return folio_trylock(page_folio(page));",
			"unlock_page":  "return folio_unlock(page_folio(page)); (mm/folio-compat.c)"}[x.name], readFolioWait)}
		a.Sequence = "lock_page(page);\n/* the page's contents and ->mapping stable */\nunlock_page(page);"
		fn := f.Fn
		defOp(&Op{Name: x.name, Params: f.Params, Result: f.Result, API: register(&a), Touches: f.Touches, Locks: f.Locks,
			Fn: func(c *Call) Result {
				folioArg(c)
				return fn(c)
			}})
	}
	defOp(&Op{Name: "page_folio", Params: []Param{{Name: "page", Type: TPage}}, Result: TPage,
		API: register(&API{Name: "page_folio", Section: "-", Hold: "a reference to the page", Takes: "nothing", Sleeps: "no",
			Source: "include/linux/page-flags.h: page_folio()",
			Notes:  "the folio a page belongs to (its head page; the page itself when it is small): mmscript's page type is both struct page and struct folio",
			Query:  "Which folio a page is part of: reading it is never wrong; a split may change the answer afterwards unless the caller holds the folio lock or a reference that keeps it whole",
			Cites: []Cite{cite("include/linux/page-flags.h", "page_folio()", "none: #define page_folio(p) (_Generic((p), const struct page *: (const struct folio *)_compound_head(p), struct page *: (struct folio *)_compound_head(p)))",
				readFolioWait)},
			Sequence: "struct folio *folio = page_folio(page);\nfolio_lock(folio);\n/* ... */\nfolio_unlock(folio);"}),
		Touches: func(c *Call, f *Footprint) { f.Page(c.Args[0].Obj.(*mmcore.Page), false) },
		Fn:      func(c *Call) Result { return done(Obj(TPage, c.page(0).Folio())) }})
}
