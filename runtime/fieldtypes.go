package runtime

// fieldTypes are the static types of the fields of fieldTable, for the
// compiler's type check (`mmscript check`). An object field may be nil at
// run time (vm_ops of a VMA without ops); TestFieldTypes keeps the two
// tables in step.
var fieldTypes = map[Type]map[string]Type{
	TVMF: {"vma": TVMA, "address": TInt, "write": TBool, "vma_lock": TBool, "allow_retry": TBool, "tried": TBool, "pgoff": TInt},
	TVMA: {"vm_start": TInt, "vm_end": TInt, "vm_pgoff": TInt, "vm_flags": TInt, "vm_mm": TMM, "anon_vma": TBool,
		"attached": TBool, "pages": TInt, "vm_ops": TOps},
	TMM:   {"mmap_lock": TLock, "page_table_lock": TLock, "map_count": TInt},
	TFile: {"i_mmap_rwsem": TLock},
	TPage: {"pfn": TInt, "refcount": TInt, "mapcount": TInt},
	TPTE:  {"ptl": TLock, "pmdval": TInt, "present": TBool, "pfn": TInt, "writable": TBool},
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
