package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// Type is the type of a script value.
type Type uint8

const (
	TNil Type = iota
	TInt
	TBool
	TString
	TMM
	TFile
	TPage
	TVMA
	TVMF
	TPTE
	TLock
	TOps
	TWord // a bare word given to a flag-like parameter: rw, shared, write
	// The kernel library's own state between the steps of a path
	// (runtime/kernel/*.mms): a vma_munmap_struct and an mmu_gather.
	TVMS
	TMMUGather
	// mremap's (runtime/kernel/mremap.mms): a vma_remap_struct, a
	// pagetable_move_control and the pte_t batch move_ptes carries.
	TVRM
	TPMC
	TPTEBatch
	TMMURange // a struct mmu_notifier_range
	// mmap's (runtime/kernel/mmap.mms): a struct mmap_state and the
	// struct vm_area_desc f_op->mmap_prepare sees.
	TMmapState
	TVMDesc
	// TPageArray is the struct page **pages array GUP fills
	// (kernel_gup_pages.go).
	TPageArray
	// TRef is a pointer to a script variable, &var given where C passes
	// one (fixup_user_fault()'s bool *unlocked, a helper's unsigned long
	// *pfn): Int is the variable's slot, which the interpreter reads and
	// writes through (*unlocked = true); see interp's opAddr.
	TRef
	// TFollowPfnmapArgs is the kernel's struct follow_pfnmap_args
	// (follow_pfnmap_start(&args)), declared `follow_pfnmap_args args`.
	TFollowPfnmapArgs
	// TUffdCtx is a struct userfaultfd_ctx (kernel_userfaultfd.go).
	TUffdCtx
	// TMfillState is mfill_atomic()'s struct mfill_state (kernel/userfaultfd.mms).
	TMfillState
	// TFolioWalk is the kernel's struct folio_walk (folio_walk_start(&fw,
	// vma, addr, flags)), declared `folio_walk fw` (ops_folio_walk.go).
	TFolioWalk
	// TVMAIter is the kernel's struct vma_iterator (VMA_ITERATOR(vmi,
	// mm, addr)), declared `vma_iterator vmi` (vma_iter.go).
	TVMAIter
	// NumTypes counts the types, for tables indexed by type.
	NumTypes
)

var typeNames = [...]string{
	TNil: "nil", TInt: "int", TBool: "bool", TString: "string", TMM: "mm",
	TFile: "file", TPage: "page", TVMA: "vma", TVMF: "vmf", TPTE: "pte",
	TLock: "lock", TOps: "ops", TWord: "word",
	TVMS: "vma_munmap_struct", TMMUGather: "mmu_gather",
	TVRM: "vma_remap_struct", TPMC: "pagetable_move_control", TPTEBatch: "pte_batch",
	TMMURange: "mmu_notifier_range", TMmapState: "mmap_state", TVMDesc: "vm_area_desc",
	TPageArray: "page_array", TRef: "pointer", TFollowPfnmapArgs: "follow_pfnmap_args", TUffdCtx: "userfaultfd_ctx", TMfillState: "mfill_state",
	TFolioWalk: "folio_walk", TVMAIter: "vma_iterator",
}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "?"
}

// TypeByName maps a declaration's type word to a Type.
func TypeByName(name string) (Type, bool) {
	for i, n := range typeNames {
		if n == name && Type(i) != TWord && Type(i) != TNil && Type(i) != TRef {
			return Type(i), true
		}
	}
	return 0, false
}

// Value is a script value. Objects live in Obj; integers and booleans in
// Int, so that arithmetic allocates nothing.
type Value struct {
	T   Type
	Int int64
	Obj any // *MM, *File, *mmcore.Page, *mmcore.VMA, *VMF, *PTE, *Lock, *Ops, string
}

// Nil is the nil value.
var Nil = Value{}

// NilOrigin is where a nil value came from: the API that returned it as
// its NULL result, and the call. It lets a use of the NULL name the
// call whose result went untested (the kernel oopses at the use, and the
// bug is at the call's missing test).
type NilOrigin struct {
	API string
	Pos lang.Pos
}

// NilFrom is the NULL result of a call of api at pos.
func NilFrom(api string, pos lang.Pos) Value { return Value{T: TNil, Obj: &NilOrigin{api, pos}} }

// NilOrigin is the call that returned v, a nil from NilFrom, or nil.
func (v Value) NilOrigin() *NilOrigin {
	if v.T != TNil {
		return nil
	}
	o, _ := v.Obj.(*NilOrigin)
	return o
}

// Int makes an int value.
func Int(i int64) Value { return Value{T: TInt, Int: i} }

// Bool makes a bool value.
func Bool(b bool) Value {
	if b {
		return Value{T: TBool, Int: 1}
	}
	return Value{T: TBool}
}

// Str makes a string value.
func Str(s string) Value { return Value{T: TString, Obj: s} }

// Word makes a word value.
func Word(s string) Value { return Value{T: TWord, Obj: s} }

// Obj makes an object value of type t; a nil pointer gives Nil.
func Obj(t Type, p any) Value {
	switch x := p.(type) {
	case *mmcore.VMA:
		if x == nil {
			return Nil
		}
	case *mmcore.Page:
		if x == nil {
			return Nil
		}
	case *PTE:
		if x == nil {
			return Nil
		}
	}
	return Value{T: t, Obj: p}
}

// Truth is the value's truth: false for nil, 0, false and "".
func (v Value) Truth() bool {
	switch v.T {
	case TNil:
		return false
	case TInt, TBool:
		return v.Int != 0
	case TString:
		return v.Obj.(string) != ""
	}
	return true
}

// Equal compares two values: by value for scalars, by identity for objects.
func (v Value) Equal(w Value) bool {
	if v.T != w.T {
		// A word is its text: access == "write" holds when access is the
		// word write (it was silently false, and a path written from the
		// kernel source took every write for a read).
		if isText(v.T) && isText(w.T) {
			return v.Obj == w.Obj
		}
		return false
	}
	switch v.T {
	case TNil:
		return true
	case TInt, TBool, TRef:
		return v.Int == w.Int
	}
	return v.Obj == w.Obj
}

func isText(t Type) bool { return t == TWord || t == TString }

func (v Value) String() string {
	switch v.T {
	case TNil:
		return "nil"
	case TInt:
		if v.Int >= 4096 {
			return fmt.Sprintf("%#x", v.Int)
		}
		return fmt.Sprint(v.Int)
	case TBool:
		return fmt.Sprint(v.Int != 0)
	case TString:
		return fmt.Sprintf("%q", v.Obj)
	case TWord:
		return v.Obj.(string)
	}
	if s, ok := v.Obj.(fmt.Stringer); ok {
		return s.String()
	}
	return v.T.String()
}

// TypeNames lists the type words a declaration can use (TypeByName), for
// completion and editor highlighting.
func TypeNames() []string {
	var out []string
	for _, n := range typeNames {
		if _, ok := TypeByName(n); ok && n != "" {
			out = append(out, n)
		}
	}
	return out
}
