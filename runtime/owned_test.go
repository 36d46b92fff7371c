package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// A kernel struct is its maker's (owned.go): the fault steps of two
// threads, each on its own struct vm_fault, touch different objects, and
// a step of another thread on the same vm_fault conflicts with them.
func TestOwnedStructsOrderOnlyTheirSharers(t *testing.T) {
	k, m := newMM(t)
	v := mapVMA(t, k, m, 0x100000, 4, mmcore.MAP_PRIVATE|mmcore.MAP_ANONYMOUS, nil, "")
	a, b := k.NewTask("a"), k.NewTask("b")
	do(t, k, a, "mmap_read_lock", mmV(m))
	do(t, k, b, "mmap_read_lock", mmV(m))
	vmfA := do(t, k, a, "sanitize_fault_flags", vmaV(v), addrV(0x100000), Word("write"))
	vmfB := do(t, k, b, "sanitize_fault_flags", vmaV(v), addrV(0x101000), Word("write"))
	objects := func(acc []Access) []Access { return ofKind(acc, AObject) }
	accA := objects(stepAcc(t, k, a, "vmf_anon_prepare", vmfA))
	accB := objects(stepAcc(t, k, b, "vmf_anon_prepare", vmfB))
	if len(accA) == 0 || len(accB) == 0 {
		t.Fatalf("a step on a vm_fault touches no object: %v, %v", accA, accB)
	}
	if Dependent(accA, accB) {
		t.Errorf("two threads' own vm_faults conflict: %v, %v", accA, accB)
	}
	accShared := objects(stepAcc(t, k, b, "vmf_anon_prepare", vmfA))
	if !Dependent(accA, accShared) {
		t.Errorf("another thread's step on a's vm_fault does not conflict with a's: %v, %v", accA, accShared)
	}
}
