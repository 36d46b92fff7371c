package runtime

import "strconv"

// Owned is embedded in the kernel structs a script holds that the kernel
// keeps on a thread's stack or in a caller's frame: an mmu_gather, a
// vma_iterator, a folio_walk, follow_pfnmap_args, mfill_state, mremap's
// and munmap's and mmap's state, an mmu_notifier_range, a pte batch, a
// struct vm_fault (the faulting thread's, made by the fault path).
// Each is one thread's in the kernel, but a script may share one through
// a global, and then two threads' steps on it do not commute: a shared
// VMA_ITERATOR set by one thread and advanced by another gave a result
// that depended on the order, which the reduction, seeing neither step
// touch anything in common, tried in one order only.
//
// Every operation that takes such a struct, and every read of its
// fields, touches it as an object (AObject) named by the thread that
// made it: structs of different threads never conflict, which keeps the
// common case (each thread its own gather) as independent as before,
// and a struct handed to another thread conflicts with every use by its
// maker. The name is the same in every run (task IDs follow the threads'
// order); a struct no thread was recorded as making conflicts with all.
type Owned struct {
	owner int32 // the making task's ID + 1; 0: not recorded
}

func (o *Owned) owned() *Owned { return o }

// ownedBy is the Owned of a struct task t makes (the operations that make
// one set it; SetOwner covers the rest).
func ownedBy(t *Task) Owned {
	if t == nil {
		return Owned{}
	}
	return Owned{owner: int32(t.ID) + 1}
}

type ownedStruct interface{ owned() *Owned }

// SetOwner records t as the maker of v, when v is an Owned struct that
// has none yet: the interpreter calls it on every value an operation
// returns and every struct a declaration makes.
func SetOwner(v Value, t *Task) {
	if o, ok := v.Obj.(ownedStruct); ok && t != nil {
		if ow := o.owned(); ow.owner == 0 {
			ow.owner = int32(t.ID) + 1
		}
	}
}

// ownedBase starts the object names of every task's kernel structs
// (ownedAccess runs on every operation that takes one).
var ownedBase = nameID("kernel structs of task")

// ownedAccess records an access to the Owned struct o.
func (f *Footprint) ownedAccess(o ownedStruct, write bool) {
	if f == nil {
		return
	}
	owner := o.owned().owner
	if owner == 0 {
		f.Add(AObject, AllObjects, write)
		return
	}
	id := fnvFrom(ownedBase, strconv.Itoa(int(owner-1)))
	if f.names != nil {
		f.setName(AObject, id, "the kernel structs of task "+strconv.Itoa(int(owner-1)))
	}
	f.Add(AObject, id, write)
}
