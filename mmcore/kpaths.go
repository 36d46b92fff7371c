package mmcore

// Entry points for the kernel library's paths (runtime/kernel/*.mms),
// which run mprotect, madvise and brk one kernel step at a time: each
// exposes one step that the whole-syscall functions (Mprotect, Madvise,
// SysBrk) otherwise run inside themselves.

// MadviseBehaviorValid is madvise_behavior_valid().
func MadviseBehaviorValid(a Advice) bool { return madviseBehaviorValid(a) }

// MadviseVMABehavior is madvise_vma_behavior() for [start, end) inside v,
// prev being the VMA before v (or v when start lies inside it). It returns
// the VMA now covering start.
func (m *MM) MadviseVMABehavior(v, prev *VMA, start, end Addr, advice Advice) (*VMA, error) {
	return m.madviseVMABehavior(v, prev, start, end, advice)
}

// MadvisePopulate is madvise_populate() over [start, end).
func (m *MM) MadvisePopulate(start, end Addr, write bool) error {
	return m.madvisePopulate(start, end, write)
}

// MprotectFlags is the new vm_flags do_mprotect_pkey() computes for v and
// prot: calc_vm_prot_bits() with arch_override_mprotect_pkey(), plus the
// flags outside VM_ACCESS_FLAGS that v keeps.
func (m *MM) MprotectFlags(v *VMA, prot Prot) VMFlags { return m.mprotectFlags(v, prot) }

// SetBrk sets mm->brk (the brk syscall does, under the mmap write lock).
func (m *MM) SetBrk(a Addr) { m.brk = a }

// VMStartGap is vm_start_gap(): v's start less the stack guard gap below a
// VM_GROWSDOWN VMA.
func VMStartGap(v *VMA) Addr { return vmStartGap(v) }
