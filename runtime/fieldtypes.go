package runtime

import "sort"

// fieldTypes are the static types of the fields of fieldTable, for the
// compiler's type check (`mmscript check`). An object field may be nil at
// run time (vm_ops of a VMA without ops); TestFieldTypes keeps the two
// tables in step.
var fieldTypes = map[Type]map[string]Type{
	TVMF: {"vma": TVMA, "address": TInt, "write": TBool, "vma_lock": TBool, "allow_retry": TBool, "retry_nowait": TBool, "tried": TBool, "pgoff": TInt,
		"orig_pte": TInt, "folio": TPage, "pmd_none": TBool, "pmd_trans_huge": TBool, "pmd_write": TBool, "oom": TBool},
	TVMA: {"vm_start": TInt, "vm_end": TInt, "vm_pgoff": TInt, "vm_flags": TInt, "vm_page_prot": TInt, "vm_mm": TMM, "anon_vma": TBool,
		"attached": TBool, "pages": TInt, "vm_ops": TOps, "vm_file": TFile},
	TMM:   {"mmap_lock": TLock, "page_table_lock": TLock, "map_count": TInt},
	TFile: {"i_mmap_rwsem": TLock},
	TPage: {"pfn": TInt, "refcount": TInt, "mapcount": TInt},
	TPTE:  {"ptl": TLock, "pmdval": TInt, "present": TBool, "pfn": TInt, "writable": TBool, "protnone": TBool, "val": TInt, "cachemode": TInt},
	TOps:  {"fault": TBool, "map_pages": TBool, "page_mkwrite": TBool, "pfn_mkwrite": TBool, "huge_fault": TBool, "may_split": TBool, "mprotect": TBool, "mremap": TBool},
	TLock: {"held": TBool},
}

// FieldType returns the static type of field name of type t, and whether
// t has such a field.
func FieldType(t Type, name string) (Type, bool) {
	if _, ok := fieldTable[t][name]; !ok {
		return 0, false
	}
	ft, ok := fieldTypes[t][name]
	if !ok {
		return 0, true // a field without a static type: checked at run time only
	}
	return ft, true
}

// A store to a field (`vma.vm_flags = newflags`, as C writes it) is the
// kernel's setter of that field, which is the store with the checks its
// row of process_addrs.rst asks for: include/linux/mm.h: vm_flags_reset()
// is vma_assert_write_locked() and then vm_flags_init(), the store
// (ACCESS_PRIVATE(vma, __vm_flags) = flags); mm/mempolicy.c:
// vma_replace_policy() is vma_assert_write_locked(), mpol_dup() and then
// vma->vm_policy = new, mpol_put(old). Other fields are not stored
// alone in the kernel, and fieldNoStore says what changes them.
var fieldStores = map[Type]map[string]string{
	TVMA: {"vm_flags": "vm_flags_reset", "vm_policy": "vma_replace_policy", "vm_page_prot": "vm_page_prot_store"},
}

var fieldNoStore = map[Type]map[string]string{
	TVMA: {
		"vm_start": "the VMA tree and the rmap trees are indexed by it: the kernel moves it with vma_iter_store_overwrite() " +
			"(expand_downwards), vma_expand(), vma_shrink() or __split_vma(), under the mmap, VMA and rmap write locks",
		"vm_end": "the VMA tree and the rmap trees are indexed by it: the kernel moves it with vma_expand(), vma_shrink() or " +
			"__split_vma(), under the mmap, VMA and rmap write locks",
		"vm_pgoff": "the rmap trees are indexed by it: it changes with vm_start (vma_iter_store_overwrite, __split_vma)",
		"anon_vma": "it is set with its anon_vma_chain: anon_vma_prepare() (NULL -> set, under the mmap read lock and " +
			"page_table_lock), vmf_anon_prepare(), dup_anon_vma() or anon_vma_fork()",
		"vm_ops": "written once by f_op->mmap (or vma_set_anonymous()) before the VMA is visible; in mmscript the ops block given to " +
			"mmap(..., ops=NAME) is both the file's f_op->mmap and the VMA's vm_ops: its fault, map_pages, page_mkwrite, open and close " +
			"handlers are what `vma->vm_ops = &drv_vm_ops;` in ->mmap installs",
		"vm_file":  "written once at map time (vma_set_file() in f_op->mmap)",
		"vm_mm":    "written once at map time",
		"attached": "vma_mark_attached()/vma_mark_detached() are the tree's (vma_iter_store_new, vms_gather_munmap_vmas)",
		"pages":    "it is (vm_end - vm_start) / PAGE_SIZE",
	},
	TVMF: {
		"page": "a ->fault handler returns its page instead (`return page`): __do_fault() then sets vmf->page, as the " +
			"kernel's `vmf->page = page; return 0;` does, and finish_fault() maps it (`mmscript explain fault`)",
	},
}

// FieldNoStoreByName is why a store to field name cannot be made, for
// the one script type that says so (its name, then the reason); "" when
// none or more than one does.
func FieldNoStoreByName(name string) (typ string, why string) {
	n := 0
	for t, fields := range fieldNoStore {
		if w, ok := fields[name]; ok {
			typ, why = t.String(), w
			n++
		}
	}
	if n != 1 {
		return "", ""
	}
	return typ, why
}

// FieldStore returns the operation a script's store to field name of a t
// stands for (its arguments: the object, then the value), or why the
// field cannot be stored.
func FieldStore(t Type, name string) (op string, why string) {
	if op, ok := fieldStores[t][name]; ok {
		return op, ""
	}
	if why, ok := fieldNoStore[t][name]; ok {
		return "", why
	}
	if _, ok := fieldTable[t][name]; ok {
		return "", "it is read-only in mmscript"
	}
	return "", ""
}

// FieldStoreByName is FieldStore for an object whose type is not known
// before the run: the operation of the one script type with a stored
// field of that name ("" when none or several have one: FieldStoresByName).
func FieldStoreByName(name string) (op string, t Type) {
	if s := FieldStoresByName(name); len(s) == 1 {
		return s[0].Op, s[0].Type
	}
	return "", 0
}

// TypedStore is the operation a store to a field of a type stands for.
type TypedStore struct {
	Type Type
	Op   string
}

// FieldStoresByName is every script type with a stored field of that name
// and its operation, by type (vma: a vma_remap_struct's and a
// follow_pfnmap_args's); the interpreter picks one by the object's type
// at run time when the type is not evident before.
func FieldStoresByName(name string) []TypedStore {
	var s []TypedStore
	for t, m := range fieldStores {
		if op, ok := m[name]; ok {
			s = append(s, TypedStore{t, op})
		}
	}
	sort.Slice(s, func(i, j int) bool { return s[i].Type < s[j].Type })
	return s
}
