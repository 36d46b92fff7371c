package runtime

// The rmap trylocks that process_addrs.rst names beside the rmap locks
// ("anon_vma_[try]lock_read", "anon_vma_[try]lock_write",
// "i_mmap_[try]lock_write"): down_read_trylock() or down_write_trylock() of
// the same rwsem, which never sleeps and fails instead of waiting. Lockdep
// records a trylock as held (rwsem_acquire*(..., trylock=1)) but runs no
// deadlock check for it and adds no dependency ending in it (validate_chain()
// skips trylocks), so no misuse shows at the call. The misuse is going on
// after a failure: the caller's unlock then releases an rwsem it never
// took, which a run reports as the trylock's NAME/failure-ignored (Call.tried).

// readRmapTry is where the trylocks were read.
const readRmapTry = "include/linux/rmap.h and include/linux/fs.h in several 2023-2026 versions (find_string), unchanged; mm/userfaultfd.c (UFFDIO_MOVE, v6.8) and mm/rmap.c callers"

func init() {
	for _, x := range []struct {
		name, unlock, rwsemFn string
		mode                  Mode
		caller                string
	}{
		{"anon_vma_trylock_read", "anon_vma_unlock_read", "down_read_trylock", Read,
			"mm/rmap.c: folio_lock_anon_vma_read(): if (!anon_vma_trylock_read(anon_vma)) { ... rwc->contended = true ... } (the rmap walk with rwc->try_lock)"},
		{"anon_vma_trylock_write", "anon_vma_unlock_write", "down_write_trylock", Write,
			"mm/userfaultfd.c: move_pages_pte(): if (!anon_vma_trylock_write(src_anon_vma)) { drop the PTE locks; anon_vma_lock_write(src_anon_vma); retry }"},
	} {
		x := x
		defOp(&Op{Name: x.name, Params: []Param{{Name: "vma", Type: TVMA}}, Result: TBool,
			API: register(&API{Name: x.name, Section: "1.1", Hold: "nothing (it never waits, so it may be tried under a spinlock)",
				Takes:   "vma->anon_vma->root->rwsem (" + x.mode.String() + ") if it is free, else nothing",
				Sleeps:  "no",
				Asserts: "none (lockdep records the hold; a trylock gets no deadlock or order check)",
				Source:  "include/linux/rmap.h: " + x.name + "() -> " + x.rwsemFn + "(&anon_vma->root->rwsem)",
				Notes: "true when taken: release it with " + x.unlock + "(); false: nothing is held. " +
					"mmscript takes the VMA and tries its anon_vma's lock, as anon_vma_lock_*(); the VMA must have one (anon_vma_prepare). Used as " + x.caller,
				Cites: []Cite{cite("include/linux/rmap.h", x.name+"()", "none: return "+x.rwsemFn+"(&anon_vma->root->rwsem);", readRmapTry)},
				Sequence: "if (!" + x.name + "(anon_vma)) {\n\t/* contended: drop the spinlocks held, then block, or give up */\n}\n" +
					"/* the anon_vma's interval tree is stable */\n" + x.unlock + "(anon_vma);",
				FailRule: rwsemTryFailed(x.name, x.rwsemFn)}),
			Touches: readsVMA,
			Fn: func(c *Call) Result {
				l, err := c.K.anonVMALock(c.vma(0))
				if err != nil {
					return fail("%s: %v", c.Op.Name, err)
				}
				return c.tried(l, c.T.TryAcquire(l, x.mode))
			}})
	}
	defOp(&Op{Name: "i_mmap_trylock_write", Params: []Param{{Name: "file", Type: TFile}}, Result: TBool,
		API: register(&API{Name: "i_mmap_trylock_write", Section: "1.1", Hold: "nothing (it never waits)",
			Takes:   "mapping->i_mmap_rwsem (write) if it is free, else nothing",
			Sleeps:  "no",
			Asserts: "none (lockdep records the hold; a trylock gets no deadlock or order check)",
			Source:  "include/linux/fs.h: i_mmap_trylock_write() -> down_write_trylock(&mapping->i_mmap_rwsem)",
			Notes:   "true when taken: release it with i_mmap_unlock_write(); false: nothing is held",
			Cites:   []Cite{cite("include/linux/fs.h", "i_mmap_trylock_write()", "none: return down_write_trylock(&mapping->i_mmap_rwsem);", readRmapTry)},
			Sequence: "if (!i_mmap_trylock_write(mapping))\n\treturn;    /* contended */\n" +
				"/* the file's VMAs cannot be added to or removed from i_mmap */\ni_mmap_unlock_write(mapping);",
			FailRule: rwsemTryFailed("i_mmap_trylock_write", "down_write_trylock")}),
		Touches: touchesLocksOnly,
		Fn:      func(c *Call) Result { l := c.file(0).IMmap; return c.tried(l, c.T.TryAcquire(l, Write)) }})
}
