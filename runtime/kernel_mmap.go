package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// The atomic steps of mmap(2), for the kernel library's mmap path
// (kernel/mmap.mms): vm_mmap_pgoff() takes the mmap write lock around
// do_mmap(), whose mmap_region() gathers and unmaps what a MAP_FIXED
// mapping replaces (munmap's steps, kernel/munmap.mms), calls
// f_op->mmap_prepare on a vm_area_desc before any VMA exists, tries to
// merge, else allocates a VMA, calls f_op->mmap on it while it is still
// invisible, write-locks and links it; mm_populate() runs after the
// unlock under the mmap read lock. Each step is one kernel function over
// mmcore's mmap steps (mmcore/kpaths_mmap.go); the locks between them are
// the script's.

// readMmapKpaths: mm/vma.c and mm/mmap.c as read for the kernel library's mmap.
const readMmapKpaths = "linux-mm/linux-mm@009857a22860 mm/vma.c (__mmap_region, __mmap_setup, call_mmap_prepare), read"

// MmapState is a struct mmap_state (mm/vma.c) together with the
// arguments of the mmap() call it serves: an mmap between its steps.
type MmapState struct {
	Owned // the thread that made it (owned.go)
	MM    *MM
	Core  *mmcore.MmapState // nil until do_mmap()'s argument checks passed
	// The call's arguments (do_mmap()'s), before its checks.
	addr   mmcore.Addr
	length uint64
	prot   mmcore.Prot
	flags  mmcore.MapFlags
	File   *File
	pgoff  uint64
	// Extra are the VM flags mmap(vm=) adds, as a driver's mmap hook
	// would; Ops the driver (its f_op->mmap / mmap_prepare and the
	// vm_ops the new VMA gets).
	Extra mmcore.VMFlags
	Ops   *Ops
	VMS   *VMS
	VMA   *mmcore.VMA // the VMA that maps the range once __mmap_region() got one
	Desc  *VMDesc
}

func (s *MmapState) String() string {
	if s.Core == nil {
		return "mmap_state(" + s.MM.Name + ")"
	}
	return fmt.Sprintf("mmap_state[%#x-%#x]", uint64(s.Core.Addr()), uint64(s.Core.End()))
}

// haveMmapPrepare: __mmap_region()'s have_mmap_prepare, "file &&
// file->f_op->mmap_prepare" (in mmscript the driver's ops block).
func (s *MmapState) haveMmapPrepare() bool { return s.Ops != nil && s.Ops.MmapPrepare != nil }

// VMDesc is a struct vm_area_desc (include/linux/mm_types.h): what
// f_op->mmap_prepare sees of a mapping that has no VMA yet. It lives on
// __mmap_region()'s stack: only the hook may use it.
type VMDesc struct {
	Owned  // the thread that made it (owned.go)
	Map    *MmapState
	Flags  mmcore.VMFlags
	Pgoff  uint64
	VMOps  *Ops
	active bool // inside f_op->mmap_prepare
}

func (d *VMDesc) String() string {
	return fmt.Sprintf("vm_area_desc[%#x-%#x]", uint64(d.Map.Core.Addr()), uint64(d.Map.Core.End()))
}

func (c *Call) mmapState(i int) *MmapState { return c.Args[i].Obj.(*MmapState) }
func (c *Call) vmDesc(i int) *VMDesc       { return c.Args[i].Obj.(*VMDesc) }

// mmapChecked is the map argument of a step after do_mmap_checks, which
// fills its mmcore state; a script calling the steps out of order gets an
// error instead of a nil dereference.
func (c *Call) mmapChecked(i int) (*MmapState, Result, bool) {
	s := c.mmapState(i)
	if s.Core == nil {
		return nil, fail("%s: do_mmap_checks has not passed", c.Op.Name), false
	}
	return s, Result{}, true
}

func mmapStateMM(c *Call) *mmcore.MM {
	for _, a := range c.Args {
		switch o := a.Obj.(type) {
		case *MmapState:
			return o.MM.Core
		case *VMDesc:
			return o.Map.MM.Core
		}
	}
	return nil
}

func readsMmapState(c *Call, f *Footprint)  { f.MM(mmapStateMM(c), false) }
func writesMmapState(c *Call, f *Footprint) { f.MM(mmapStateMM(c), true) }

// ruleMmapPrepareDesc: the vm_area_desc is __mmap_region()'s, passed to
// the hook only.
var ruleMmapPrepareDesc = &Rule{"mmap_prepare/desc-outside-hook",
	"a vm_area_desc is only valid inside f_op->mmap_prepare: it lives on __mmap_region()'s stack, and what the hook leaves in it is copied into the mapping when the hook returns (call_mmap_prepare())",
	"mm/vma.c: __mmap_region() (struct vm_area_desc desc on the stack), call_mmap_prepare() (\"Update fields permitted to be changed\")", Unchecked}

func init() {
	for name, v := range map[string]mmcore.MapFlags{
		"MAP_SHARED": mmcore.MAP_SHARED, "MAP_PRIVATE": mmcore.MAP_PRIVATE, "MAP_FIXED": mmcore.MAP_FIXED,
		"MAP_ANONYMOUS": mmcore.MAP_ANONYMOUS, "MAP_FIXED_NOREPLACE": mmcore.MAP_FIXED_NOREPLACE,
		"MAP_POPULATE": mmcore.MAP_POPULATE, "MAP_LOCKED": mmcore.MAP_LOCKED,
	} {
		Constants[name] = int64(v)
	}

	fieldTable[TMmapState] = map[string]func(k *Kernel, x any) Value{
		"addr":  func(_ *Kernel, x any) Value { return Int(int64(coreOf(x).Addr())) },
		"end":   func(_ *Kernel, x any) Value { return Int(int64(coreOf(x).End())) },
		"len":   func(_ *Kernel, x any) Value { return Int(int64(coreOf(x).Len())) },
		"pglen": func(_ *Kernel, x any) Value { return Int(int64(coreOf(x).Len() >> mmcore.PageShift)) },
		"pgoff": func(_ *Kernel, x any) Value { return Int(int64(coreOf(x).Pgoff())) },
		"flags": func(_ *Kernel, x any) Value {
			if s := x.(*MmapState); s.Core != nil {
				return Int(int64(s.Core.MapFlags()))
			}
			return Int(int64(x.(*MmapState).flags))
		},
		"vm_flags": func(_ *Kernel, x any) Value { return Int(int64(coreOf(x).Flags())) },
		"populate": func(_ *Kernel, x any) Value { return Bool(coreOf(x).Populate()) },
		"file": func(_ *Kernel, x any) Value {
			if f := x.(*MmapState).File; f != nil {
				return Obj(TFile, f)
			}
			return Nil
		},
		"driver": func(_ *Kernel, x any) Value { return Bool(x.(*MmapState).Ops != nil) },
		"prev":   func(_ *Kernel, x any) Value { return Obj(TVMA, coreOf(x).Prev) },
		"next":   func(_ *Kernel, x any) Value { return Obj(TVMA, coreOf(x).Next) },
		"vms": func(_ *Kernel, x any) Value {
			if v := x.(*MmapState).VMS; v != nil {
				return Obj(TVMS, v)
			}
			return Nil
		},
		"vma":               func(_ *Kernel, x any) Value { return Obj(TVMA, x.(*MmapState).VMA) },
		"have_mmap_prepare": func(_ *Kernel, x any) Value { return Bool(x.(*MmapState).haveMmapPrepare()) },
	}
	fieldTypes[TMmapState] = map[string]Type{"addr": TInt, "end": TInt, "len": TInt, "pglen": TInt, "pgoff": TInt, "flags": TInt,
		"vm_flags": TInt, "populate": TBool, "file": TFile, "driver": TBool, "prev": TVMA, "next": TVMA, "vms": TVMS, "vma": TVMA,
		"have_mmap_prepare": TBool}
	fieldTable[TVMDesc] = map[string]func(k *Kernel, x any) Value{
		"mm":    func(_ *Kernel, x any) Value { return Obj(TMM, x.(*VMDesc).Map.MM) },
		"file":  func(_ *Kernel, x any) Value { return fieldTable[TMmapState]["file"](nil, x.(*VMDesc).Map) },
		"start": func(_ *Kernel, x any) Value { return Int(int64(x.(*VMDesc).Map.Core.Addr())) },
		"end":   func(_ *Kernel, x any) Value { return Int(int64(x.(*VMDesc).Map.Core.End())) },
		"pgoff": func(_ *Kernel, x any) Value { return Int(int64(x.(*VMDesc).Pgoff)) },
		"vm_flags": func(_ *Kernel, x any) Value {
			return Int(int64(x.(*VMDesc).Flags))
		},
	}
	fieldTypes[TVMDesc] = map[string]Type{"mm": TMM, "file": TFile, "start": TInt, "end": TInt, "pgoff": TInt, "vm_flags": TInt}
	fieldDocs["vm_area_desc.start"] = "desc->start, where the mapping will be (immutable)"
	fieldDocs["vm_area_desc.vm_flags"] = "desc->vm_flags: the flags the VMA will get; f_op->mmap_prepare changes them with vma_desc_set_flags / vma_desc_clear_flags"

	citeTable["ksys_mmap_pgoff"] = []Cite{cite("mm/mmap.c", "ksys_mmap_pgoff()", "if (!(flags & MAP_ANONYMOUS)) file = fget(fd); retval = vm_mmap_pgoff(file, addr, len, prot, flags, pgoff)", readMmapKpaths)}
	citeTable["do_mmap_checks"] = []Cite{cite("mm/mmap.c", "do_mmap()", "if (!len) return -EINVAL; ... if (!(flags & MAP_FIXED)) addr = round_hint_to_min(addr); len = PAGE_ALIGN(len); ... if (mm->map_count > sysctl_max_map_count) return -ENOMEM", readMmapKpaths)}
	citeTable["__get_unmapped_area"] = []Cite{cite("mm/mmap.c", "do_mmap(), __get_unmapped_area()", "addr = __get_unmapped_area(file, addr, len, pgoff, flags, vm_flags); if (IS_ERR_VALUE(addr)) return addr", readMmapKpaths)}
	citeTable["do_mmap_vm_flags"] = []Cite{cite("mm/mmap.c", "do_mmap()", "vm_flags |= calc_vm_prot_bits(prot, pkey) | calc_vm_flag_bits(file, flags) | mm->def_flags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC; switch (flags & MAP_TYPE) ...", readMmapKpaths)}
	citeTable["mmap_setup_vms"] = []Cite{cite("mm/vma.c", "__mmap_setup()", "map->next = vms->next; map->prev = vms->prev; or map->next = vma_iter_next_rewind(vmi, &map->prev); accountable_mapping(): map->vm_flags |= VM_ACCOUNT", readMmapKpaths)}
	citeTable["vma_merge_new_range"] = []Cite{cite("mm/vma.c", "__mmap_region(), vma_merge_new_range(), vma_expand()", "if (map.prev || map.next) { VMG_MMAP_STATE(vmg, &map, NULL); vma = vma_merge_new_range(&vmg); }; vma_expand(): vma_start_write(target); if (remove_next) vma_start_write(next)", readMmapKpaths)}
	citeTable["vm_area_alloc"] = []Cite{cite("mm/vma.c", "__mmap_new_vma()", "vma = vm_area_alloc(map->mm); vma_set_range(vma, map->addr, map->end, map->pgoff); vm_flags_init(vma, map->vm_flags); vma->vm_page_prot = map->page_prot", readMmapKpaths)}
	citeTable["mmap_file"] = []Cite{cite("mm/vma.c", "__mmap_new_file_vma()", "vma->vm_file = map->file; get_file(map->file); if (!map->file->f_op->mmap) return 0; error = mmap_file(vma->vm_file, vma); WARN_ON_ONCE(map->addr != vma->vm_start); map->vm_flags = vma->vm_flags", readMmapKpaths)}
	citeTable["unmap_region"] = []Cite{cite("mm/vma.c", "__mmap_new_file_vma(), unmap_region()", "if (error) { fput(vma->vm_file); vma->vm_file = NULL; unmap_region(&unmap); /* Undo any partial mapping done by a device driver. */ }", readMmapKpaths)}
	citeTable["shmem_zero_setup"] = []Cite{cite("mm/vma.c", "__mmap_new_vma()", "else if (map->vm_flags & VM_SHARED) error = shmem_zero_setup(vma)", readMmapKpaths)}
	citeTable["vma_iter_store_new"] = []Cite{cite("mm/vma.c", "__mmap_new_vma()", "vma_start_write(vma); vma_iter_store_new(vmi, vma); map->mm->map_count++; vma_link_file(vma, map->hold_file_rmap_lock)", readMmapKpaths)}
	citeTable["set_vma_user_defined_fields"] = []Cite{cite("mm/vma.c", "set_vma_user_defined_fields()", "if (map->vm_ops) vma->vm_ops = map->vm_ops; vma->vm_private_data = map->vm_private_data", readMmapKpaths)}
	citeTable["vm_stat_account"] = []Cite{cite("mm/vma.c", "__mmap_complete()", "vm_stat_account(mm, vma->vm_flags, map->pglen); if (vm_flags & VM_LOCKED) { if (!vma_supports_mlock(vma)) vm_flags_clear(vma, VM_LOCKED_MASK); else mm->locked_vm += map->pglen; }", readMmapKpaths)}
	citeTable["vma_close"] = []Cite{cite("mm/vma.c", "vms_clean_up_area()", "mas_for_each(mas_detach, vma, ULONG_MAX) vma_close(vma); (vma_close() leaves vma_dummy_vm_ops: remove_vma() does not close it again)", readMmapKpaths)}
	citeTable["call_mmap_prepare"] = []Cite{cite("mm/vma.c", "call_mmap_prepare()", "err = vfs_mmap_prepare(map->file, desc); map->pgoff = desc->pgoff; map->vma_flags = desc->vma_flags; map->page_prot = desc->page_prot; map->vm_ops = desc->vm_ops; map->vm_private_data = desc->private_data", readMmapKpaths)}
	citeTable["vma_desc_set_flags"] = []Cite{cite("mm/vma.c", "call_mmap_prepare()", "map->vma_flags = desc->vma_flags: the flags the hook leaves in the descriptor are the mapping's", readMmapKpaths)}
	citeTable["vma_desc_clear_flags"] = citeTable["vma_desc_set_flags"]
	const mmapSeq = "/* mm/util.c: vm_mmap_pgoff() */\nmmap_write_lock_killable(mm);\nret = do_mmap(file, addr, len, prot, flag, 0, pgoff, &populate, &uf);\n" +
		"\t/* mmap_region() -> __mmap_region(): __mmap_setup() (gather, vms_clean_up_area()), call_mmap_prepare(),\n" +
		"\t   vma_merge_new_range() or __mmap_new_vma() (f_op->mmap, vma_start_write(), vma_iter_store_new()), __mmap_complete() */\n" +
		"mmap_write_unlock(mm);\nif (populate)\n\tmm_populate(ret, populate);"
	for _, n := range []string{"ksys_mmap_pgoff", "do_mmap_checks", "__get_unmapped_area", "do_mmap_vm_flags", "mmap_setup_vms",
		"vma_merge_new_range", "vm_area_alloc", "mmap_file", "unmap_region", "shmem_zero_setup", "vma_iter_store_new",
		"set_vma_user_defined_fields", "vm_stat_account", "vma_close", "call_mmap_prepare"} {
		sequenceTable[n] = mmapSeq
	}
	sequenceTable["vma_desc_set_flags"] = sequenceTable["f_op->mmap_prepare"]
	sequenceTable["vma_desc_clear_flags"] = sequenceTable["f_op->mmap_prepare"]

	// The steps that neither allocate nor call a hook compute under the
	// caller's mmap write lock and cannot sleep: no sleep check is claimed
	// for them (do_mmap()'s checks and flag arithmetic; the maple tree was
	// preallocated before vma_iter_store_new()).
	pureStep := map[string]bool{"do_mmap_checks": true, "__get_unmapped_area": true, "do_mmap_vm_flags": true, "mmap_setup_vms": true,
		"vma_iter_store_new": true, "set_vma_user_defined_fields": true, "vm_stat_account": true}
	mmapStep := func(name, hold, takes, source, notes string, rules ...*Rule) *API {
		sleeps := "yes"
		if pureStep[name] {
			sleeps = "no"
		} else if len(rules) == 0 {
			rules = []*Rule{ruleSleepInAtomic}
		}
		return register(&API{Name: name, Section: "2.28", Hold: hold, Takes: takes, Sleeps: sleeps,
			Source: source, Notes: notes + " (a step of the kernel library's mmap: `mmscript explain mmap`)", Rules: rules})
	}
	mapParam := Param{Name: "map", Type: TMmapState}

	defOp(&Op{Name: "ksys_mmap_pgoff",
		Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt},
			{Name: "len", Type: TInt},
			{Name: "prot", Type: TWord, Words: protWords, FromInt: protWord},
			{Name: "flags", Type: TWord, Words: sortedKeys(mapFlagWords)},
			{Name: "file", Type: TFile, Nilable: true},
			{Name: "pgoff", Type: TInt},
			{Name: "vm", Type: TWord, Words: vmFlagWords()},
			{Name: "ops", Type: TOps, Nilable: true}},
		Result: TMmapState,
		API: register(&API{Name: "ksys_mmap_pgoff", Section: "2.28", Hold: "nothing", Takes: "nothing", Sleeps: "no",
			Source: "mm/mmap.c: ksys_mmap_pgoff()",
			Notes: "the mmap() call's arguments as do_mmap() takes them (a step of the kernel library's mmap: `mmscript explain mmap`): " +
				"len in bytes, unsigned as the kernel's (do_mmap_checks rounds it up to pages; 0 is -EINVAL); " +
				"a non-zero addr means MAP_FIXED unless flags has hint; no file means MAP_ANONYMOUS"}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			addr, length := c.addr(1), c.int(2)
			prot, err := protOf(c.word(3))
			if err != nil {
				return fail("mmap: %v", err)
			}
			flags, hint, err := mapFlagsOf(c.word(4))
			if err != nil {
				return fail("mmap: %v", err)
			}
			var file *File
			if c.Args[5].T == TFile {
				file = c.Args[5].Obj.(*File)
			}
			pgoff := c.int(6)
			extra, err := parseVMFlags(c.word(7))
			if err != nil {
				return fail("mmap: %v", err)
			}
			var o *Ops
			if c.Args[8].T == TOps {
				o = c.Args[8].Obj.(*Ops)
			}
			if pgoff < 0 {
				return fail("mmap: negative pgoff %d", pgoff)
			}
			if addr != 0 && !hint && flags&mmcore.MAP_FIXED_NOREPLACE == 0 {
				flags |= mmcore.MAP_FIXED
			}
			if file == nil {
				flags |= mmcore.MAP_ANONYMOUS
			}
			return done(Obj(TMmapState, &MmapState{Owned: ownedBy(c.T), MM: m, addr: addr, length: uint64(length), prot: prot,
				flags: flags, File: file, pgoff: uint64(pgoff), Extra: extra, Ops: o}))
		}})

	defOp(&Op{Name: "do_mmap_checks", Params: []Param{mapParam}, Result: TInt,
		API: mmapStep("do_mmap_checks", "mmap_lock for write", "nothing", "mm/mmap.c: do_mmap()",
			"do_mmap() up to __get_unmapped_area(): the length, file and flag checks and the map_count limit; 0 or -errno"),
		Touches: readsMmapState,
		Fn: func(c *Call) Result {
			s := c.mmapState(0)
			var cf *mmcore.File
			if s.File != nil {
				cf = s.File.Core
			}
			core, err := s.MM.Core.MmapArgs(s.addr, s.length, s.prot, s.flags, cf, s.pgoff)
			if err != nil {
				return done(Int(errnoOf(err)))
			}
			s.Core = core
			return done(Int(0))
		}})
	defOp(&Op{Name: "__get_unmapped_area", Params: []Param{mapParam}, Result: TInt,
		API: mmapStep("__get_unmapped_area", "mmap_lock for write (do_mmap)", "nothing", "mm/mmap.c: __get_unmapped_area(); arch/x86/kernel/sys_x86_64.c: arch_get_unmapped_area_topdown()",
			"MAP_FIXED: checks the range; otherwise picks a free range (the hint if it is free) and sets map.addr; 0 or -errno"),
		Touches: readsMmapState,
		Fn: func(c *Call) Result {
			s, bad, checked := c.mmapChecked(0)
			if !checked {
				return bad
			}
			if err := s.MM.Core.MmapGetUnmappedArea(s.Core); err != nil {
				return done(Int(errnoOf(err)))
			}
			return done(Int(0))
		}})
	defOp(&Op{Name: "do_mmap_vm_flags", Params: []Param{mapParam}, Result: TInt,
		API: mmapStep("do_mmap_vm_flags", "mmap_lock for write", "nothing", "mm/mmap.c: do_mmap(); include/linux/mman.h: calc_vm_prot_bits(), calc_vm_flag_bits()",
			"do_mmap() after the address: the VM flags of the mapping (with mmap(vm=)'s, as the driver would set them), the map type's checks, pgoff; 0 or -errno"),
		Touches: readsMmapState,
		Fn: func(c *Call) Result {
			s, bad, checked := c.mmapChecked(0)
			if !checked {
				return bad
			}
			if err := s.MM.Core.MmapFlags(s.Core); err != nil {
				return done(Int(errnoOf(err)))
			}
			s.Core.SetFlags(s.Core.Flags() | s.Extra)
			return done(Int(0))
		}})
	defOp(&Op{Name: "mmap_setup_vms", Params: []Param{mapParam, {Name: "vms", Type: TVMS, Nilable: true}},
		API: mmapStep("mmap_setup_vms", "mmap_lock for write", "nothing", "mm/vma.c: __mmap_setup()",
			"records the munmap of what the mapping replaces (nil: nothing overlapped) and the neighbours, and sets VM_ACCOUNT for a private writable mapping (accountable_mapping())"),
		Touches: writesMmapState,
		Fn: func(c *Call) Result {
			s, bad, checked := c.mmapChecked(0)
			if !checked {
				return bad
			}
			var core *mmcore.VMAMunmap
			if v, ok := c.Args[1].Obj.(*VMS); ok && v != nil {
				s.VMS = v
				core = v.Core
			}
			s.MM.Core.MmapSetup(s.Core, core)
			return ok
		}})

	defOp(&Op{Name: "vma_merge_new_range", Params: []Param{mapParam}, Result: TVMA,
		API: mmapStep("vma_merge_new_range", "mmap_lock for write", "vma_start_write on the neighbour it expands and the one it removes (waits for their readers) -> rmap write locks (vma_prepare)",
			"mm/vma.c: vma_merge_new_range(), vma_expand()",
			"the mapping joins the VMA before or after it when their flags, file, offsets and anon_vmas allow; returns the VMA that covers it, or nil"),
		Touches: func(c *Call, f *Footprint) { f.MM(mmapStateMM(c), true); f.Alloc() },
		Fn: func(c *Call) Result {
			s, bad, checked := c.mmapChecked(0)
			if !checked {
				return bad
			}
			same := func(v *mmcore.VMA) bool { return opsOf(v) == s.Ops } // the same struct file: the same f_op and vm_ops
			lock := s.MM.Core.MmapMergeCandidates(s.Core, same)
			return seq(len(lock), func(i int, next func() Result) Result {
				return c.vmaStartWrite(lock[i], ruleStartWrite, next)
			}, func() Result {
				v := s.MM.Core.MmapMergeNewRange(s.Core, same)
				if v != nil {
					s.VMA = v
				}
				return done(Obj(TVMA, v))
			})
		}})

	defOp(&Op{Name: "vm_area_alloc", Params: []Param{mapParam}, Result: TVMA,
		API: mmapStep("vm_area_alloc", "mmap_lock for write (mmap)", "the slab allocator (GFP_KERNEL)", "kernel/fork.c: vm_area_alloc(); mm/vma.c: __mmap_new_vma()",
			"a new VMA for the mapping's range with its flags, detached: nobody else can see it until vma_iter_store_new"),
		Touches: func(c *Call, f *Footprint) { f.MM(mmapStateMM(c), false); f.Alloc() },
		Fn: func(c *Call) Result {
			s, bad, checked := c.mmapChecked(0)
			if !checked {
				return bad
			}
			c.T.MightSleep(c.Op.Name)
			v := s.MM.Core.MmapNewVMA(s.Core)
			if s.Ops != nil && !s.haveMmapPrepare() {
				v.Ops = s.Ops // the driver's vm_ops, as its f_op->mmap sets them
			}
			c.K.vmaState(v).New = true
			s.VMA = v // *vmap = vma: what mmap() returns once __mmap_new_vma() succeeded
			return done(Obj(TVMA, v))
		}})
	defOp(&Op{Name: "shmem_zero_setup", Params: []Param{vmaParam("vma", false)},
		API: mmapStep("shmem_zero_setup", "mmap_lock for write; the VMA not yet visible", "nothing", "mm/shmem.c: shmem_zero_setup()",
			"gives a shared anonymous VMA its own shmem file (/dev/zero (deleted)): two such mappings never merge"),
		Touches: writesVMA,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			// shmem_kernel_file_setup() allocates the inode and file with
			// GFP_KERNEL.
			c.T.MightSleep(c.Op.Name)
			mmOf(v.MM()).Core.ShmemZeroSetup(v)
			return ok
		}})
	defOp(&Op{Name: "mmap_file", Params: []Param{mapParam, vmaParam("vma", false)}, Result: TInt,
		API: mmapStep("mmap_file", "mmap_lock for write; the VMA not yet visible", "f_op->mmap (the driver's hook)",
			"include/linux/fs.h: mmap_file() -> vfs_mmap(); mm/vma.c: __mmap_new_file_vma()",
			"calls the driver's f_op->mmap (an ops block's mmap handler) on the new VMA; returns its result; afterwards the mapping takes the VMA's flags"),
		Touches: world, // the hook is script code
		Fn: func(c *Call) Result {
			s, bad, checked := c.mmapChecked(0)
			if !checked {
				return bad
			}
			v := c.vma(1)
			if v.Attached() {
				return fail("mmap_file: %s is in the VMA tree already: f_op->mmap sees a VMA nobody else can", VMAName(v))
			}
			o := s.Ops
			if o == nil || o.Mmap == nil {
				return done(Int(0))
			}
			var fv Value
			if s.File != nil {
				fv = Obj(TFile, s.File)
			}
			return c.call(o.Mmap, "f_op->mmap handler "+o.Mmap.Name, []Value{fv, Obj(TVMA, v)}, func(ret Value) Result {
				if c.T.dead {
					return done(Int(0))
				}
				if ret.T == TInt && ret.Int != 0 {
					return done(Int(ret.Int))
				}
				s.Core.SetFlags(v.Flags) // map->vm_flags = vma->vm_flags
				return done(Int(0))
			})
		}})
	defOp(&Op{Name: "unmap_region", Params: []Param{vmaParam("vma", false)},
		API: mmapStep("unmap_region", "mmap_lock for write; the VMA not in the tree", "the PTE locks (unmap_vmas under an mmu_gather), then the TLB flush",
			"mm/vma.c: unmap_region()",
			"undoes what a failed f_op->mmap installed in a VMA that was never linked: zaps its range, flushes the TLB, frees the page tables only it used"),
		Touches: func(c *Call, f *Footprint) { unmapsMM(vmaMM(c, 0), f) },
		Fn: func(c *Call) Result {
			v := c.vma(0)
			if v.Attached() {
				return fail("unmap_region: %s is in the VMA tree: it undoes a mapping that was never linked", VMAName(v))
			}
			// unmap_vmas() and free_pgtables() reschedule between tables
			// (cond_resched()); tlb_finish_mmu() frees pages.
			c.T.MightSleep(c.Op.Name)
			m := mmOf(v.MM())
			return c.touchLocks(ptlsOf(m, v.Start(), v.End()), func() Result {
				m.Core.UnmapRegion(v)
				c.K.vmaState(v).New = false
				return ok
			})
		}})
	defOp(&Op{Name: "vma_iter_store_new", Params: []Param{{Name: "mm", Type: TMM}, vmaParam("vma", false)}, Result: TInt,
		API: mmapStep("vma_iter_store_new", "mmap_lock for write; the VMA write-locked (vma_start_write)", "i_mmap_rwsem for write (vma_link_file)",
			"mm/vma.h: vma_iter_store_new(); mm/vma.c: __mmap_new_vma(), vma_link_file()",
			"puts the new VMA into the VMA tree and its file's i_mmap tree: from here lookups, faults and rmap walks find it; 0 or -errno"),
		Touches: func(c *Call, f *Footprint) { f.MM(mmArg(c, 0), true); f.Add(AFile, AllObjects, true) },
		Fn: func(c *Call) Result {
			m, v := c.mm(0), c.vma(1)
			if err := m.Core.MmapLinkVMA(v); err != nil {
				return done(Int(errnoOf(err)))
			}
			c.K.vmaState(v).New = false
			if len(c.T.vmaBase) > 0 {
				c.T.setVMABase(m.Core, v.ID()) // its own mapping: no identity to check (stale.go)
			}
			return done(Int(0))
		}})
	defOp(&Op{Name: "set_vma_user_defined_fields", Params: []Param{vmaParam("vma", false), mapParam},
		API: mmapStep("set_vma_user_defined_fields", "mmap_lock for write; the VMA write-locked", "nothing", "mm/vma.c: set_vma_user_defined_fields()",
			"gives the VMA the vm_ops f_op->mmap_prepare left in the vm_area_desc"),
		Touches: writesVMA,
		Fn: func(c *Call) Result {
			s, bad, checked := c.mmapChecked(1)
			if !checked {
				return bad
			}
			v := c.vma(0)
			if s.Desc != nil && s.Desc.VMOps != nil {
				v.Ops = s.Desc.VMOps
			}
			return ok
		}})
	defOp(&Op{Name: "vm_stat_account", Params: []Param{mapParam, vmaParam("vma", false)},
		API: mmapStep("vm_stat_account", "mmap_lock for write", "nothing", "mm/vma.c: __mmap_complete(); mm/mmap.c: vm_stat_account()",
			"adds the mapping to the mm's counters (total_vm, data_vm, ...); VM_LOCKED adds to locked_vm, or is cleared on a VM_SPECIAL VMA"),
		Touches: func(c *Call, f *Footprint) { f.MM(mmapStateMM(c), true) },
		Fn: func(c *Call) Result {
			s, bad, checked := c.mmapChecked(0)
			if !checked {
				return bad
			}
			v := c.vma(1)
			s.MM.Core.MmapComplete(s.Core, v)
			return ok
		}})
	defOp(&Op{Name: "vma_close", Params: []Param{vmaParam("vma", false)},
		API: mmapStep("vma_close", "mmap_lock for write (the MAP_FIXED mapping's vms_clean_up_area); the VMA detached", "vm_ops->close",
			"mm/vma.h: vma_close(); mm/vma.c: vms_clean_up_area()",
			"calls the VMA's ->close and leaves it closed: remove_vma() does not call ->close again (vma_dummy_vm_ops)"),
		Touches: func(c *Call, f *Footprint) { f.MM(vmaMM(c, 0), false) },
		Fn: func(c *Call) Result {
			v := c.vma(0)
			if v.Attached() {
				return fail("vma_close: %s is in the VMA tree: only a detached VMA is closed", VMAName(v))
			}
			s := c.K.vmaState(v)
			o := opsOf(v)
			if o == nil || o.Close == nil || s.Closed {
				return ok
			}
			s.Closed = true
			s.New = true // detached on purpose: ->close may use it
			c.K.fpVMAState(v)
			return c.call(o.Close, "close handler "+o.Close.Name, []Value{Obj(TVMA, v)}, func(Value) Result {
				s.New = false
				c.K.fpVMAState(v)
				return ok
			})
		}})

	// f_op->mmap_prepare (v6.16+): the hook sees a vm_area_desc, no VMA.
	defOp(&Op{Name: "call_mmap_prepare", Params: []Param{mapParam}, Result: TInt,
		API: mmapStep("call_mmap_prepare", "mmap_lock for write; no VMA exists yet", "f_op->mmap_prepare (the driver's hook)",
			"mm/vma.c: call_mmap_prepare(), set_desc_from_map(); include/linux/fs.h: vfs_mmap_prepare()",
			"calls the driver's f_op->mmap_prepare (an ops block's mmap_prepare handler) with the vm_area_desc; what it leaves in pgoff and vm_flags becomes the mapping's; returns its result"),
		Touches: world, // the hook is script code
		Fn: func(c *Call) Result {
			s, bad, checked := c.mmapChecked(0)
			if !checked {
				return bad
			}
			if !s.haveMmapPrepare() {
				return done(Int(0))
			}
			d := &VMDesc{Owned: ownedBy(c.T), Map: s, Flags: s.Core.Flags(), Pgoff: s.Core.Pgoff(), VMOps: s.Ops, active: true}
			s.Desc = d
			h := s.Ops.MmapPrepare
			return c.call(h, "f_op->mmap_prepare handler "+h.Name, []Value{Obj(TVMDesc, d)}, func(ret Value) Result {
				d.active = false
				if c.T.dead {
					return done(Int(0))
				}
				if ret.T == TInt && ret.Int != 0 {
					return done(Int(ret.Int))
				}
				// Update fields permitted to be changed.
				s.Core.SetPgoff(d.Pgoff)
				s.Core.SetFlags(d.Flags)
				return done(Int(0))
			})
		}})
	descFlagsOp := func(name string, set bool) {
		what := "clears"
		if set {
			what = "sets"
		}
		defOp(&Op{Name: name, Params: []Param{{Name: "desc", Type: TVMDesc}, {Name: "flags", Type: TWord, Words: vmFlagWords()}},
			API: register(&API{Name: name, Section: "2.28", Hold: "inside f_op->mmap_prepare (mmap write lock held by the core)", Takes: "nothing", Sleeps: "no",
				Asserts: "none", Source: "include/linux/mm.h: " + name + "(); mm/vma.c: call_mmap_prepare()",
				Notes: what + " VM flags in the vm_area_desc: the flags the VMA will have (no VMA exists yet, so no VMA lock is involved)",
				Rules: []*Rule{ruleMmapPrepareDesc}}),
			Touches: writesMmapState,
			Fn: func(c *Call) Result {
				d := c.vmDesc(0)
				f, err := parseVMFlags(c.word(1))
				if err != nil {
					return fail("%s: %v", name, err)
				}
				if !d.active {
					c.K.violate(c.T, ruleMmapPrepareDesc, fmt.Sprintf("%s on %s after f_op->mmap_prepare returned: the descriptor is gone, the change reaches no mapping", name, d))
					return ok
				}
				if set {
					d.Flags |= f
				} else {
					d.Flags &^= f
				}
				return ok
			}})
	}
	descFlagsOp("vma_desc_set_flags", true)
	descFlagsOp("vma_desc_clear_flags", false)
}

func coreOf(x any) *mmcore.MmapState {
	s := x.(*MmapState)
	if s.Core == nil {
		return &mmcore.MmapState{}
	}
	return s.Core
}
