package runtime

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mmscript/mmscript/mmcore"
)

// Syscall-level operations take their locks internally, as the kernel
// does, and call the script's handlers (f_op->mmap, vm_ops->close) in the
// locking context the kernel gives them. Also here: pages.

func protOf(w string) (mmcore.Prot, error) {
	var p mmcore.Prot
	for word := range words(w) {
		switch word {
		case "none", "PROT_NONE":
		case "read", "PROT_READ":
			p |= mmcore.PROT_READ
		case "write", "PROT_WRITE":
			p |= mmcore.PROT_WRITE
		case "exec", "PROT_EXEC":
			p |= mmcore.PROT_EXEC
		default:
			for _, ch := range word {
				switch ch {
				case 'r':
					p |= mmcore.PROT_READ
				case 'w':
					p |= mmcore.PROT_WRITE
				case 'x':
					p |= mmcore.PROT_EXEC
				case '-':
				default:
					return 0, fmt.Errorf("unknown prot %q (want r, rw, rx, rwx, none, or read|write|exec)", word)
				}
			}
		}
	}
	return p, nil
}

// ProtValue is prot words as the kernel's int (rw: PROT_READ|PROT_WRITE),
// false for a word that is none of protOf's or words that contradict
// (none with an access: protWordsCheck).
func ProtValue(w string) (int64, bool) {
	if protWordsCheck("", 0)([]Value{Word(w)}) != "" {
		return 0, false
	}
	p, err := protOf(w)
	return int64(p), err == nil
}

// protWord is the words of a prot int, for prot= (PROT_NONE for 0).
func protWord(v int64) (string, bool) {
	if v&^int64(mmcore.PROT_READ|mmcore.PROT_WRITE|mmcore.PROT_EXEC) != 0 {
		return "", false
	}
	var ws []string
	for _, x := range []struct {
		bit  mmcore.Prot
		name string
	}{{mmcore.PROT_READ, "PROT_READ"}, {mmcore.PROT_WRITE, "PROT_WRITE"}, {mmcore.PROT_EXEC, "PROT_EXEC"}} {
		if v&int64(x.bit) != 0 {
			ws = append(ws, x.name)
		}
	}
	if len(ws) == 0 {
		return "PROT_NONE", true
	}
	return strings.Join(ws, "|"), true
}

// protWords are the prot= words; protOf also takes any mix of r, w, x.
// The kernel's names (PROT_READ | PROT_WRITE) are words too, so that
// mmap(2) reads as user space and the kernel write it.
var protWords = []string{"none", "r", "w", "x", "rw", "rx", "wx", "rwx", "read", "write", "exec",
	"PROT_NONE", "PROT_READ", "PROT_WRITE", "PROT_EXEC"}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var mapFlagWords = map[string]mmcore.MapFlags{
	"shared": mmcore.MAP_SHARED, "private": mmcore.MAP_PRIVATE, "fixed": mmcore.MAP_FIXED,
	"fixed_noreplace": mmcore.MAP_FIXED_NOREPLACE, "anonymous": mmcore.MAP_ANONYMOUS,
	"noreserve": mmcore.MAP_NORESERVE, "populate": mmcore.MAP_POPULATE, "stack": mmcore.MAP_STACK,
	"growsdown": mmcore.MAP_GROWSDOWN, "locked": mmcore.MAP_LOCKED, "hint": 0,
}

// The kernel's names of the flags are words too (MAP_PRIVATE |
// MAP_ANONYMOUS), as for prot= and vm=.
func init() {
	for _, w := range sortedKeys(mapFlagWords) {
		if w != "hint" {
			mapFlagWords["MAP_"+strings.ToUpper(w)] = mapFlagWords[w]
		}
	}
}

// mapFlagWord is the words of an int of MAP_* flags (vm_mmap()'s flag
// held in a variable, as C passes it).
func mapFlagWord(v int64) (string, bool) {
	var ws []string
	for _, w := range sortedKeys(mapFlagWords) {
		if bit := int64(mapFlagWords[w]); strings.HasPrefix(w, "MAP_") && bit != 0 && v&bit == bit {
			ws = append(ws, w)
			v &^= bit
		}
	}
	return strings.Join(ws, "|"), v == 0
}

func mapFlagsOf(w string) (mmcore.MapFlags, bool, error) {
	var f mmcore.MapFlags
	hint := false
	for word := range words(w) {
		x, ok := mapFlagWords[word]
		if !ok {
			return 0, false, fmt.Errorf("unknown mmap flag %q", word)
		}
		hint = hint || word == "hint"
		f |= x
	}
	if f&mmcore.MAP_TYPE == 0 {
		f |= mmcore.MAP_PRIVATE
	}
	return f, hint, nil
}

func init() {
	defOp(&Op{Name: "mmap", Path: true,
		Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt, Optional: true, Default: Int(0)},
			// len in bytes, as do_mmap() takes it (a script written from
			// kernel source passes 0x2000, not 2); pages= is mmscript's
			// count. Each is nil when not given: neither is one page.
			{Name: "len", Type: TInt, Optional: true, Nilable: true},
			{Name: "prot", Type: TWord, Words: protWords, Optional: true, Default: Word("rw"), FromInt: protWord},
			{Name: "flags", Type: TWord, Words: sortedKeys(mapFlagWords), Optional: true, Default: Word("private")},
			{Name: "file", Type: TFile, Optional: true, Nilable: true},
			{Name: "pgoff", Type: TInt, Optional: true, Default: Int(0)},
			{Name: "vm", Type: TWord, Words: vmFlagWords(), Optional: true, Default: Word("")},
			{Name: "ops", Type: TOps, Optional: true, Nilable: true},
			{Name: "pages", Type: TInt, Optional: true, Nilable: true}},
		Result: TVMA,
		API: register(&API{Name: "mmap", Section: "2.28",
			Hold: "no mmap lock of this mm (the syscall takes it)",
			Takes: "mmap_write_lock_killable -> [MAP_FIXED: vms_gather_munmap_vmas (vma_start_write on each VMA it replaces, __split_vma with ->open) -> " +
				"vms_clean_up_area (PTE locks, TLB flush, ->close)] -> f_op->mmap_prepare (no VMA yet) -> vma_merge_new_range (vma_start_write on the neighbour) " +
				"or a new VMA (detached) -> f_op->mmap -> vma_start_write -> vma_iter_store_new (i_mmap_rwsem) -> mmap_write_unlock -> " +
				"[MAP_POPULATE/MAP_LOCKED: mmap_read_lock -> faults -> mmap_read_unlock]",
			Sleeps:  "yes",
			Asserts: "mmap_assert_write_locked() in mmap_region()",
			Source:  "mm/util.c: vm_mmap_pgoff(); mm/mmap.c: do_mmap(); mm/vma.c: mmap_region(), __mmap_region(), __mmap_setup(), __mmap_new_vma(), __mmap_new_file_vma(), __mmap_complete(); mm/gup.c: __mm_populate()",
			Notes: "returns the VMA that maps the range (a neighbour it merged into, or a new VMA), or nil when mmap fails (MAP_FAILED); a non-zero addr means MAP_FIXED unless flags has hint; " +
				"len is in bytes as the kernel's (do_mmap() rounds it up with PAGE_ALIGN(); 0 is -EINVAL), pages=N gives it as a count of pages instead (both given must agree), neither maps one page; " +
				"vm= adds VM flags as a driver's f_op->mmap would (mixedmap, pfnmap, io, dontcopy, ...); ops= gives the VMA its vm_operations_struct and the file its f_op->mmap or f_op->mmap_prepare; " +
				"a kernel path of the kernel library (kernel/mmap.mms), run statement by statement",
			Rules: lockRules}),
	})

	defOp(&Op{Name: "munmap", Path: true,
		Params: append([]Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}, sizeParams...),
		Result: TInt,
		API: register(&API{Name: "munmap", Section: "2.29",
			Hold: "no mmap lock of this mm (the syscall takes it)",
			Takes: "mmap_write_lock_killable -> vms_gather_munmap_vmas (vma_start_write on each VMA, waiting for its readers; " +
				"__split_vma at both ends with ->open on the new pieces; detach) -> vma_iter_clear_gfp -> mmap_write_downgrade -> " +
				"unmap_vmas (PTE lock per table) -> free_pgtables -> tlb_finish_mmu -> ->close (under the read lock) -> mmap_read_unlock",
			Sleeps: "yes",
			Source: "mm/mmap.c: __vm_munmap(); mm/vma.c: do_vmi_munmap(), do_vmi_align_munmap(), vms_gather_munmap_vmas(), vms_complete_munmap_vmas(); mm/memory.c: free_pgtables()",
			Notes:  "returns 0 or -errno; a kernel path of the kernel library (kernel/munmap.mms), run statement by statement",
			Rules:  lockRules}),
	})

	// The in-kernel entry points (mm/util.c: vm_mmap(); mm/mmap.c:
	// vm_munmap()): the kernel's signatures, on current->mm, with
	// mmscript's mm-first forms beside them (Op.MMForm), as munmap and
	// mmap take their mm. Both take the mmap write lock themselves.
	withMMForm(defOp(&Op{Name: "vm_munmap", Path: true,
		Params: []Param{{Name: "start", Type: TInt}, {Name: "len", Type: TInt}},
		Result: TInt,
		API: register(&API{Name: "vm_munmap", Section: "2.29",
			Hold: "no mmap lock of this mm (it takes it)",
			Takes: "mmap_write_lock_killable -> vms_gather_munmap_vmas (vma_start_write on each VMA, __split_vma with ->open) -> vma_iter_clear_gfp -> " +
				"unmap_vmas (PTE lock per table), free_pgtables, tlb_finish_mmu, ->close, all under the write lock (unlock=false: no downgrade) -> mmap_write_unlock",
			Sleeps: "yes",
			Source: "mm/mmap.c: vm_munmap(), __vm_munmap(); mm/vma.c: do_vmi_munmap(), vms_complete_munmap_vmas()",
			Notes: "munmap() for in-kernel callers (drivers, the ELF loader): __vm_munmap(start, len, false) on current->mm, so unlike munmap(2) the mmap lock is not " +
				"downgraded for the zap and ->close runs under the write lock; returns 0 or -errno. A kernel path of the kernel library (kernel/munmap.mms). " +
				"mmscript's form vm_munmap(mm, start, len) names the mm; the kernel's vm_munmap(start, len) is on current_mm()",
			Rules: lockRules,
			Cites: []Cite{cite("mm/mmap.c", "vm_munmap(), __vm_munmap()", "none: return __vm_munmap(start, len, false); __vm_munmap(): if (mmap_write_lock_killable(mm)) return -EINTR; "+
				"ret = do_vmi_munmap(&vmi, mm, start, len, &uf, unlock); if (ret || !unlock) mmap_write_unlock(mm);", readMmap2026)},
			Sequence: "/* no mmap lock of current->mm held */\nret = vm_munmap(addr, len);"}),
		Touches: opFootprints["munmap"]}),
		[]Param{{Name: "mm", Type: TMM}, {Name: "start", Type: TInt}, {Name: "len", Type: TInt}})
	vmMmapParams := []Param{{Name: "file", Type: TFile, Nilable: true}, {Name: "addr", Type: TInt}, {Name: "len", Type: TInt},
		{Name: "prot", Type: TWord, Words: protWords, FromInt: protWord},
		{Name: "flag", Type: TWord, Words: sortedKeys(mapFlagWords), FromInt: mapFlagWord},
		{Name: "offset", Type: TInt}}
	withMMForm(defOp(&Op{Name: "vm_mmap", Path: true, Params: vmMmapParams, Result: TInt,
		API: register(&API{Name: "vm_mmap", Section: "2.28",
			Hold:   "no mmap lock of this mm (it takes it)",
			Takes:  "mmap_write_lock_killable -> do_mmap (as mmap) -> mmap_write_unlock -> [MAP_POPULATE/MAP_LOCKED: mmap_read_lock -> faults -> mmap_read_unlock]",
			Sleeps: "yes", Asserts: "mmap_assert_write_locked() in mmap_region()",
			Source: "mm/util.c: vm_mmap(), vm_mmap_pgoff(); mm/mmap.c: do_mmap()",
			Notes: "mmap() for in-kernel callers, on current->mm: checks that offset is page-aligned, then vm_mmap_pgoff() with offset >> PAGE_SHIFT; returns the " +
				"address mapped or -errno (IS_ERR_VALUE). addr is a hint unless flag has MAP_FIXED (mmscript's mmap() takes a non-zero addr as MAP_FIXED). " +
				"A kernel path of the kernel library (kernel/mmap.mms). mmscript's form vm_mmap(mm, file, addr, len, prot, flag, offset) names the mm",
			Rules: lockRules,
			Cites: []Cite{cite("mm/util.c", "vm_mmap(), vm_mmap_pgoff()", "none: if (unlikely(offset_in_page(offset))) return -EINVAL; return vm_mmap_pgoff(file, addr, len, prot, flag, offset >> PAGE_SHIFT); "+
				"vm_mmap_pgoff(): if (mmap_write_lock_killable(mm)) return -EINTR; ret = do_mmap(...); mmap_write_unlock(mm); if (populate) mm_populate(ret, populate);", readUtil2026)},
			Sequence: "/* no mmap lock of current->mm held */\naddr = vm_mmap(file, 0, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);\nif (IS_ERR_VALUE(addr))\n\treturn addr;"}),
		Touches: opFootprints["mmap"]}),
		append([]Param{{Name: "mm", Type: TMM}}, vmMmapParams...))

	defOp(&Op{Name: "alloc_page", Result: TPage,
		API: register(&API{Name: "alloc_page", Section: "-", Hold: "nothing", Takes: "the page allocator (GFP_KERNEL)",
			Sleeps: "yes", Asserts: "might_alloc(gfp): fs_reclaim_acquire()/release() (lockdep), then, unless PF_MEMALLOC, might_sleep_if(gfpflags_allow_blocking(gfp)) (CONFIG_DEBUG_ATOMIC_SLEEP)",
			Source: "include/linux/gfp.h: alloc_page() -> alloc_pages(); include/linux/sched/mm.h: might_alloc()",
			Rules:  []*Rule{ruleSleepInAtomic}}),
		Fn: func(c *Call) Result {
			c.T.MightSleep("alloc_page(GFP_KERNEL)")
			p, err := c.K.Mem.AllocPage()
			if err != nil {
				return done(Nil)
			}
			countRef(&c.T.gotRefs, p.Folio(), 1)
			return done(Obj(TPage, p))
		}})
	defOp(&Op{Name: "put_page", Params: []Param{{Name: "page", Type: TPage}},
		API: register(&API{Name: "put_page", Section: "-", Hold: "a reference to the page", Sleeps: "no",
			Asserts: "VM_BUG_ON_PAGE(page_ref_count(page) == 0, page) in put_page_testzero() (CONFIG_DEBUG_VM)",
			Source:  "include/linux/mm.h: put_page() -> folio_put() -> folio_put_testzero() -> put_page_testzero()",
			Rules:   []*Rule{rulePutFreedPage, ruleUseAfterUnpin, rulePutPinned, ruleBatchedFreeBeforeFlush}}),
		Touches: putPageTouches,
		Fn:      func(c *Call) Result { return c.putPage() }})
	defOp(&Op{Name: "get_page", Params: []Param{{Name: "page", Type: TPage}},
		API: register(&API{Name: "get_page", Section: "-", Hold: "a reference to the page", Sleeps: "no",
			Asserts: "VM_BUG_ON_FOLIO(folio_ref_zero_or_close_to_overflow(folio), folio) in folio_get() (CONFIG_DEBUG_VM)",
			Source:  "include/linux/mm.h: get_page() -> folio_get()",
			Rules:   []*Rule{ruleGetFreedPage, ruleUseAfterUnpin}}),
		Fn: func(c *Call) Result { return c.folioGet() }})
	defOp(&Op{Name: "page_to_pfn", Params: []Param{{Name: "page", Type: TPage}}, Result: TInt,
		API: register(&API{Name: "page_to_pfn", Section: "-", Hold: "nothing", Sleeps: "no",
			Source: "include/asm-generic/memory_model.h: page_to_pfn()"}),
		Fn: func(c *Call) Result { return done(Int(int64(c.page(0).PFN))) }})
}

// openSplits calls vm_ops->open on the VMAs a split at start or end just
// created (__split_vma duplicates the VMA and opens the copy), under the
// mmap write lock the caller holds; then k. A VMA fresh from a split is one
// the checker has never seen: it has no lock state yet.
func (c *Call) openSplits(m *MM, start, end mmcore.Addr, k func() Result) Result {
	var fresh []*mmcore.VMA
	for _, v := range c.freshSplitPieces(m, start, end) {
		if o := opsOf(v); o != nil && o.Open != nil {
			fresh = append(fresh, v)
		}
	}
	return seq(len(fresh), func(i int, next func() Result) Result {
		o := opsOf(fresh[i])
		return c.call(o.Open, "open handler "+o.Open.Name, []Value{Obj(TVMA, fresh[i])}, func(Value) Result { return next() })
	}, k)
}

// closeAll calls vm_ops->close on each removed VMA that has one, in order,
// under the mmap write lock the caller holds; then k.
func (c *Call) closeAll(removed []*mmcore.VMA, k func() Result) Result {
	return seq(len(removed), func(i int, next func() Result) Result {
		v := removed[i]
		o := opsOf(v)
		if o == nil || o.Close == nil {
			return next()
		}
		s := c.K.vmaState(v)
		s.New = true // detached on purpose: ->close may use it
		c.K.fpVMAState(v)
		return c.call(o.Close, "close handler "+o.Close.Name, []Value{Obj(TVMA, v)}, func(Value) Result {
			s.New = false
			c.K.fpVMAState(v)
			return next()
		})
	}, k)
}

// A reference taken or dropped on a page whose count already fell to zero:
// the debug kernel's VM_BUG_ONs in include/linux/mm.h. Without
// CONFIG_DEBUG_VM the count silently wraps or the page is freed twice.
var (
	ruleGetFreedPage = &Rule{"get_page/freed-page",
		"get_page() only on a page the caller already holds a reference to; a page whose count fell to zero is free (use folio_try_get() when unsure)",
		"include/linux/mm.h: folio_get() VM_BUG_ON_FOLIO(folio_ref_zero_or_close_to_overflow(folio), folio)", DebugOnly}
	rulePutFreedPage = &Rule{"put_page/freed-page",
		"put_page() drops a reference the caller holds; once the count reached zero the page is free, and another put_page() is a double free",
		"include/linux/mm.h: put_page_testzero() VM_BUG_ON_PAGE(page_ref_count(page) == 0, page)", DebugOnly}
)

// refOnFreed reports get_page/put_page on a freed page, unless the page
// was freed through RCU: checkPage has reported that use-after-free.
func (c *Call) refOnFreed(p *mmcore.Page, r *Rule) {
	if _, rcu := c.K.rcu.freedAt[p]; rcu {
		return
	}
	c.K.violate(c.T, r, fmt.Sprintf("%s: pfn %#x has no reference left: it was freed", c.Op.Name, uint64(p.PFN)))
}
