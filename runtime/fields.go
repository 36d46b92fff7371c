package runtime

import (
	"fmt"
	"sort"

	"github.com/mmscript/mmscript/mmcore"
)

// fieldTable lists the fields scripts may read, per type.
var fieldTable = map[Type]map[string]func(k *Kernel, x any) Value{
	TVMF: {
		"vma":     func(_ *Kernel, x any) Value { return Obj(TVMA, x.(*VMF).VMA) },
		"address": func(_ *Kernel, x any) Value { return Int(int64(x.(*VMF).Address)) },
		"write":   func(_ *Kernel, x any) Value { return Bool(x.(*VMF).Write) },
		"vma_lock": func(_ *Kernel, x any) Value {
			return Bool(x.(*VMF).VMALock)
		},
		"allow_retry": func(_ *Kernel, x any) Value {
			return Bool(x.(*VMF).AllowRetry)
		},
		"retry_nowait": func(_ *Kernel, x any) Value {
			return Bool(x.(*VMF).RetryNowait)
		},
		"tried": func(_ *Kernel, x any) Value { return Bool(x.(*VMF).Tried) },
		"pgoff": func(_ *Kernel, x any) Value {
			f := x.(*VMF)
			return Int(int64(f.VMA.PgoffOf(f.Address)))
		},
		"orig_pte": func(_ *Kernel, x any) Value { return Int(int64(x.(*VMF).origPTE)) },
		// the folio vmf->orig_pte maps (vm_normal_folio() in do_wp_page()),
		// nil for none, a special entry or the zero page
		"folio": func(_ *Kernel, x any) Value {
			f := x.(*VMF)
			e := f.origPTE
			if !e.Present() || e.Special() {
				return Nil
			}
			if p := f.VMA.MM().Memory().Page(e.PFN()); p != nil && !p.Zero() {
				return Obj(TPage, p.Folio())
			}
			return Nil
		},
		"pmd_none":       func(_ *Kernel, x any) Value { return Bool(x.(*VMF).pmdNone) },
		"pmd_trans_huge": func(_ *Kernel, x any) Value { return Bool(x.(*VMF).pmdHuge) },
		"pmd_write":      func(_ *Kernel, x any) Value { return Bool(x.(*VMF).pmdWrite) },
		"oom":            func(_ *Kernel, x any) Value { return Bool(x.(*VMF).oom) },
	},
	// vm_operations_struct members: whether the ops block defines them
	// (vma->vm_ops->map_pages != NULL)
	TOps: {
		"fault":        func(_ *Kernel, x any) Value { return Bool(x.(*Ops).Fault != nil) },
		"map_pages":    func(_ *Kernel, x any) Value { return Bool(x.(*Ops).MapPages != nil) },
		"page_mkwrite": func(_ *Kernel, x any) Value { return Bool(x.(*Ops).PageMkwrite != nil) },
		"pfn_mkwrite":  func(_ *Kernel, x any) Value { return Bool(x.(*Ops).PfnMkwrite != nil) },
		"huge_fault":   func(_ *Kernel, x any) Value { return Bool(x.(*Ops).HugeFault != nil) },
		"may_split":    func(_ *Kernel, x any) Value { return Bool(x.(*Ops).MaySplit != nil) },
		"mprotect":     func(_ *Kernel, x any) Value { return Bool(x.(*Ops).Mprotect != nil) },
		"mremap":       func(_ *Kernel, x any) Value { return Bool(x.(*Ops).Mremap != nil) },
	},
	TVMA: {
		"vm_start": func(_ *Kernel, x any) Value { return Int(int64(x.(*mmcore.VMA).Start())) },
		"vm_end":   func(_ *Kernel, x any) Value { return Int(int64(x.(*mmcore.VMA).End())) },
		"vm_pgoff": func(_ *Kernel, x any) Value { return Int(int64(x.(*mmcore.VMA).Pgoff())) },
		"vm_flags": func(_ *Kernel, x any) Value { return Int(int64(x.(*mmcore.VMA).Flags)) },
		// vm_get_page_prot(vm_flags) and the cache mode a driver's
		// pgprot_noncached() put there (pgprot.go)
		"vm_page_prot": func(_ *Kernel, x any) Value {
			v := x.(*mmcore.VMA)
			return Int(pgprotOf(v.Flags, v.CacheBits))
		},
		"vm_mm":    func(_ *Kernel, x any) Value { return Obj(TMM, mmOf(x.(*mmcore.VMA).MM())) },
		"anon_vma": func(_ *Kernel, x any) Value { return Bool(x.(*mmcore.VMA).AnonVMA() != nil) },
		// vma->vm_file: nil for an anonymous VMA (and for a driver's VMA
		// mapped without a script file)
		"vm_file": func(k *Kernel, x any) Value {
			if f := x.(*mmcore.VMA).File(); f != nil {
				if rf := k.fileOf(f.Mapping()); rf != nil {
					return Obj(TFile, rf)
				}
			}
			return Nil
		},
		"attached": func(_ *Kernel, x any) Value { return Bool(x.(*mmcore.VMA).Attached()) },
		"pages":    func(_ *Kernel, x any) Value { return Int(int64(x.(*mmcore.VMA).Pages())) },
		"vm_ops": func(_ *Kernel, x any) Value {
			if o := opsOf(x.(*mmcore.VMA)); o != nil {
				return Obj(TOps, o)
			}
			return Nil
		},
	},
	TMM: {
		"mmap_lock":       func(_ *Kernel, x any) Value { return Obj(TLock, x.(*MM).MmapLock) },
		"page_table_lock": func(_ *Kernel, x any) Value { return Obj(TLock, x.(*MM).PageTableLock) },
		"map_count":       func(_ *Kernel, x any) Value { return Int(int64(x.(*MM).Core.MapCount())) },
	},
	TFile: {
		"i_mmap_rwsem": func(_ *Kernel, x any) Value { return Obj(TLock, x.(*File).IMmap) },
	},
	TPage: {
		"pfn":      func(_ *Kernel, x any) Value { return Int(int64(x.(*mmcore.Page).PFN)) },
		"refcount": func(_ *Kernel, x any) Value { return Int(int64(x.(*mmcore.Page).Refcount())) },
		"mapcount": func(_ *Kernel, x any) Value { return Int(int64(x.(*mmcore.Page).Mapcount())) },
	},
	TPTE: {
		"ptl":    func(_ *Kernel, x any) Value { return Obj(TLock, x.(*PTE).PTL) },
		"pmdval": func(k *Kernel, x any) Value { return Int(k.tableID(x.(*PTE).Table)) },
		"present": func(_ *Kernel, x any) Value {
			p := x.(*PTE)
			return Bool(p.MM.Core.Walk(p.Addr).Present())
		},
		"pfn": func(_ *Kernel, x any) Value {
			p := x.(*PTE)
			return Int(int64(p.MM.Core.Walk(p.Addr).Entry.PFN()))
		},
		"writable": func(_ *Kernel, x any) Value {
			p := x.(*PTE)
			return Bool(p.MM.Core.Walk(p.Addr).Entry.Writable())
		},
		// x86's pte_present() is true for a PROT_NONE entry (_PAGE_PROTNONE
		// without _PAGE_PRESENT), which no CPU may load into its TLB; what
		// tells them apart is pte_protnone(), which pte_accessible() reads.
		"protnone": func(_ *Kernel, x any) Value {
			p := x.(*PTE)
			w := p.MM.Core.Walk(p.Addr)
			return Bool(w.Present() && w.Entry.ProtNone())
		},
		// pgprot2cachemode(pte_pgprot(pte)): _PAGE_CACHE_MODE_*
		"cachemode": func(_ *Kernel, x any) Value {
			p := x.(*PTE)
			return Int(int64(p.MM.Core.Walk(p.Addr).Entry.CacheMode()))
		},
		"val": func(_ *Kernel, x any) Value {
			p := x.(*PTE)
			if w := p.MM.Core.Walk(p.Addr); w.Present() {
				return Int(int64(w.Entry))
			}
			return Int(0)
		},
	},
	TLock: {
		"held": func(_ *Kernel, x any) Value { return Bool(x.(*Lock).Held()) },
	},
}

// FieldGetter is a compiled field read.
type FieldGetter func(k *Kernel, x any) Value

// LookupField resolves a field of a type at compile time.
func LookupField(t Type, name string) (FieldGetter, bool) {
	f, ok := fieldTable[t][name]
	return f, ok
}

// FieldNames lists the fields of t, sorted, for error messages.
func FieldNames(t Type) []string {
	var ns []string
	for n := range fieldTable[t] {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// Field reads field name of v.
func (k *Kernel) Field(v Value, name string) (Value, error) {
	if v.T == TNil {
		return Nil, fmt.Errorf("nil has no field %s (a lookup or lock attempt failed?)", name)
	}
	f, ok := fieldTable[v.T][name]
	if !ok {
		return Nil, fmt.Errorf("%s has no field %s (fields: %v)", v.T, name, FieldNames(v.T))
	}
	return f(k, v.Obj), nil
}

// Every vm_flags bit mmcore knows is a constant: mmap's vm= takes them
// all as words, and kernel code tests and clears them by name
// (fs/userfaultfd.c: vma->vm_flags & VM_UFFD_MISSING), so a script must
// be able to as well.
func init() {
	for _, name := range mmcore.VMFlagNames() {
		if f, ok := mmcore.ParseVMFlag(name); ok {
			Constants[name] = int64(f)
			if constDocs[name] == "" {
				constDocs[name] = "vm_flags bit " + name + " (include/linux/mm.h)"
			}
		}
	}
}
