package mmcore

import (
	"math/bits"
	"strings"
)

// VMFlags is a VMA's vm_flags word, with the kernel's bit values
// (include/linux/mm.h, x86-64, Linux 6.18) so that values and the smaps
// VmFlags line can be compared with a real kernel.
type VMFlags uint64

// vm_flags bits.
const (
	VM_NONE         VMFlags = 0
	VM_READ         VMFlags = 0x00000001
	VM_WRITE        VMFlags = 0x00000002
	VM_EXEC         VMFlags = 0x00000004
	VM_SHARED       VMFlags = 0x00000008
	VM_MAYREAD      VMFlags = 0x00000010
	VM_MAYWRITE     VMFlags = 0x00000020
	VM_MAYEXEC      VMFlags = 0x00000040
	VM_MAYSHARE     VMFlags = 0x00000080
	VM_GROWSDOWN    VMFlags = 0x00000100
	VM_UFFD_MISSING VMFlags = 0x00000200
	VM_PFNMAP       VMFlags = 0x00000400
	// VM_MAYBE_GUARD marks a VMA that may hold guard markers
	// (MADV_GUARD_INSTALL sets it on the whole VMA); the reference kernel
	// prints it as "gu".
	VM_MAYBE_GUARD VMFlags = 0x00000800
	VM_UFFD_WP     VMFlags = 0x00001000
	VM_LOCKED      VMFlags = 0x00002000
	VM_IO          VMFlags = 0x00004000
	VM_SEQ_READ    VMFlags = 0x00008000
	VM_RAND_READ   VMFlags = 0x00010000
	VM_DONTCOPY    VMFlags = 0x00020000
	VM_DONTEXPAND  VMFlags = 0x00040000
	VM_LOCKONFAULT VMFlags = 0x00080000
	VM_ACCOUNT     VMFlags = 0x00100000
	VM_NORESERVE   VMFlags = 0x00200000
	VM_HUGETLB     VMFlags = 0x00400000
	VM_SYNC        VMFlags = 0x00800000
	VM_ARCH_1      VMFlags = 0x01000000 // VM_PAT on x86
	VM_WIPEONFORK  VMFlags = 0x02000000
	VM_DONTDUMP    VMFlags = 0x04000000
	// VM_SOFTDIRTY is bit 27 with CONFIG_MEM_SOFT_DIRTY (0 without it, as
	// on the reference kernel: MM sets it only with Config.SoftDirty).
	VM_SOFTDIRTY  VMFlags = 0x08000000
	VM_MIXEDMAP   VMFlags = 0x10000000
	VM_HUGEPAGE   VMFlags = 0x20000000
	VM_NOHUGEPAGE VMFlags = 0x40000000
	VM_MERGEABLE  VMFlags = 0x80000000
	// x86 protection keys live in VM_HIGH_ARCH_0..3 (VM_PKEY_BIT0..3).
	VM_PKEY_BIT0    VMFlags = 1 << 32
	VM_PKEY_BIT1    VMFlags = 1 << 33
	VM_PKEY_BIT2    VMFlags = 1 << 34
	VM_PKEY_BIT3    VMFlags = 1 << 35
	VM_SHADOW_STACK VMFlags = 1 << 37 // VM_HIGH_ARCH_5
	VM_DROPPABLE    VMFlags = 1 << 40
	VM_UFFD_MINOR   VMFlags = 1 << 41
	VM_SEALED       VMFlags = 1 << 42

	VM_PKEY_SHIFT = 32
	VM_PKEY_MASK  = VM_PKEY_BIT0 | VM_PKEY_BIT1 | VM_PKEY_BIT2 | VM_PKEY_BIT3

	// VM_STACK is VM_GROWSDOWN on x86 (no VM_GROWSUP).
	VM_STACK = VM_GROWSDOWN
	// VM_LOCKED_MASK is what munlock and fork clear.
	VM_LOCKED_MASK = VM_LOCKED | VM_LOCKONFAULT
	// VM_STICKY flags survive merges: a merge ignores them and the merged
	// VMA keeps the union. Mainline has this from 6.19; the reference
	// 6.18.44 kernel behaves the same for VM_MAYBE_GUARD (its goldens merge
	// a "gu" VMA with one without), so mmcore follows it.
	VM_STICKY = VM_SOFTDIRTY | VM_MAYBE_GUARD
	// VM_IGNORE_MERGE is the set of bits merging ignores.
	VM_IGNORE_MERGE = VM_STICKY
	// VM_DATA_DEFAULT_FLAGS is x86's VM_DATA_FLAGS_TSK_EXEC without
	// READ_IMPLIES_EXEC: what brk gives the heap.
	VM_DATA_DEFAULT_FLAGS = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC

	// VM_ACCESS_FLAGS are the bits that anon_vma reuse and x86's
	// access_error treat as "access permissions".
	VM_ACCESS_FLAGS = VM_READ | VM_WRITE | VM_EXEC
	// VM_SPECIAL mappings never merge and never get an anon_vma from a
	// neighbour.
	VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP
)

// flagInfo lists the flags in bit order, which is the order in which
// fs/proc/task_mmu.c:show_smap_vma_flags prints them.
var flagInfo = [...]struct {
	flag     VMFlags
	name     string
	mnemonic string
}{
	{VM_READ, "VM_READ", "rd"},
	{VM_WRITE, "VM_WRITE", "wr"},
	{VM_EXEC, "VM_EXEC", "ex"},
	{VM_SHARED, "VM_SHARED", "sh"},
	{VM_MAYREAD, "VM_MAYREAD", "mr"},
	{VM_MAYWRITE, "VM_MAYWRITE", "mw"},
	{VM_MAYEXEC, "VM_MAYEXEC", "me"},
	{VM_MAYSHARE, "VM_MAYSHARE", "ms"},
	{VM_GROWSDOWN, "VM_GROWSDOWN", "gd"},
	{VM_UFFD_MISSING, "VM_UFFD_MISSING", "um"},
	{VM_PFNMAP, "VM_PFNMAP", "pf"},
	{VM_MAYBE_GUARD, "VM_MAYBE_GUARD", "gu"},
	{VM_UFFD_WP, "VM_UFFD_WP", "uw"},
	{VM_LOCKED, "VM_LOCKED", "lo"},
	{VM_IO, "VM_IO", "io"},
	{VM_SEQ_READ, "VM_SEQ_READ", "sr"},
	{VM_RAND_READ, "VM_RAND_READ", "rr"},
	{VM_DONTCOPY, "VM_DONTCOPY", "dc"},
	{VM_DONTEXPAND, "VM_DONTEXPAND", "de"},
	{VM_LOCKONFAULT, "VM_LOCKONFAULT", "lf"},
	{VM_ACCOUNT, "VM_ACCOUNT", "ac"},
	{VM_NORESERVE, "VM_NORESERVE", "nr"},
	{VM_HUGETLB, "VM_HUGETLB", "ht"},
	{VM_SYNC, "VM_SYNC", "sf"},
	{VM_ARCH_1, "VM_ARCH_1", "ar"},
	{VM_WIPEONFORK, "VM_WIPEONFORK", "wf"},
	{VM_DONTDUMP, "VM_DONTDUMP", "dd"},
	{VM_SOFTDIRTY, "VM_SOFTDIRTY", "sd"},
	{VM_MIXEDMAP, "VM_MIXEDMAP", "mm"},
	{VM_HUGEPAGE, "VM_HUGEPAGE", "hg"},
	{VM_NOHUGEPAGE, "VM_NOHUGEPAGE", "nh"},
	{VM_MERGEABLE, "VM_MERGEABLE", "mg"},
	// the protection-key bits print nothing: smaps shows them as
	// ProtectionKey
	{VM_PKEY_BIT0, "VM_PKEY_BIT0", ""},
	{VM_PKEY_BIT1, "VM_PKEY_BIT1", ""},
	{VM_PKEY_BIT2, "VM_PKEY_BIT2", ""},
	{VM_PKEY_BIT3, "VM_PKEY_BIT3", ""},
	{VM_SHADOW_STACK, "VM_SHADOW_STACK", "ss"},
	{VM_DROPPABLE, "VM_DROPPABLE", "dp"},
	{VM_UFFD_MINOR, "VM_UFFD_MINOR", "ui"},
	{VM_SEALED, "VM_SEALED", "sl"},
}

// Mnemonics returns the two-letter codes of /proc/pid/smaps' VmFlags line,
// in the kernel's order (ascending bit), as fs/proc/task_mmu.c
// show_smap_vma_flags prints them on x86-64 6.18 (with userfaultfd minor
// faults, shadow stacks and pkeys configured). The pkey bits print nothing;
// bits without a mnemonic print as "??", as the kernel does.
func (f VMFlags) Mnemonics() []string {
	out := make([]string, 0, bits.OnesCount64(uint64(f)))
	rest := f
	for _, fi := range flagInfo {
		if f&fi.flag != 0 {
			if fi.mnemonic != "" {
				out = append(out, fi.mnemonic)
			}
			rest &^= fi.flag
		}
	}
	for rest != 0 {
		out = append(out, "??")
		rest &= rest - 1
	}
	return out
}

// VmFlags returns the flags as smaps prints them after "VmFlags: ", without
// the trailing space: "rd wr mr mw me ac".
func (f VMFlags) VmFlags() string { return strings.Join(f.Mnemonics(), " ") }

// String joins the kernel names with "|" ("VM_READ|VM_WRITE"); unknown
// bits print in hex.
func (f VMFlags) String() string {
	if f == 0 {
		return "VM_NONE"
	}
	var parts []string
	rest := f
	for _, fi := range flagInfo {
		if f&fi.flag != 0 {
			parts = append(parts, fi.name)
			rest &^= fi.flag
		}
	}
	if rest != 0 {
		parts = append(parts, "0x"+hex(uint64(rest)))
	}
	return strings.Join(parts, "|")
}

// VMFlagNames lists the kernel names of the flags mmcore knows
// ("VM_READ", ...), in bit order.
func VMFlagNames() []string {
	names := make([]string, len(flagInfo))
	for i, fi := range flagInfo {
		names[i] = fi.name
	}
	return names
}

// ParseVMFlag returns the flag for a kernel name ("VM_MIXEDMAP") or a
// smaps mnemonic ("mm").
func ParseVMFlag(s string) (VMFlags, bool) {
	for _, fi := range flagInfo {
		if s == fi.name || (fi.mnemonic != "" && s == fi.mnemonic) {
			return fi.flag, true
		}
	}
	return 0, false
}

// Prot is mmap/mprotect's prot argument.
type Prot uint32

// PROT_* values (include/uapi/asm-generic/mman-common.h).
const (
	PROT_NONE  Prot = 0x0
	PROT_READ  Prot = 0x1
	PROT_WRITE Prot = 0x2
	PROT_EXEC  Prot = 0x4
	PROT_SEM   Prot = 0x8
	// PROT_GROWSDOWN/PROT_GROWSUP make mprotect extend the change to the
	// start (end) of a growsdown (growsup) VMA.
	PROT_GROWSDOWN Prot = 0x01000000
	PROT_GROWSUP   Prot = 0x02000000
)

func (p Prot) String() string {
	b := []byte("---")
	if p&PROT_READ != 0 {
		b[0] = 'r'
	}
	if p&PROT_WRITE != 0 {
		b[1] = 'w'
	}
	if p&PROT_EXEC != 0 {
		b[2] = 'x'
	}
	return string(b)
}

// MapFlags is mmap's flags argument.
type MapFlags uint32

// MAP_* values for x86-64.
const (
	MAP_SHARED          MapFlags = 0x01
	MAP_PRIVATE         MapFlags = 0x02
	MAP_SHARED_VALIDATE MapFlags = 0x03
	MAP_TYPE            MapFlags = 0x0f
	MAP_FIXED           MapFlags = 0x10
	MAP_ANONYMOUS       MapFlags = 0x20
	MAP_32BIT           MapFlags = 0x40
	MAP_ABOVE4G         MapFlags = 0x80
	MAP_GROWSDOWN       MapFlags = 0x0100
	MAP_DENYWRITE       MapFlags = 0x0800
	MAP_EXECUTABLE      MapFlags = 0x1000
	MAP_LOCKED          MapFlags = 0x2000
	MAP_NORESERVE       MapFlags = 0x4000
	MAP_POPULATE        MapFlags = 0x8000
	MAP_NONBLOCK        MapFlags = 0x10000
	MAP_STACK           MapFlags = 0x20000
	MAP_HUGETLB         MapFlags = 0x40000
	MAP_SYNC            MapFlags = 0x80000
	MAP_FIXED_NOREPLACE MapFlags = 0x100000
	MAP_UNINITIALIZED   MapFlags = 0x4000000
	MAP_HUGE_MASK       MapFlags = 0x3f << 26 // MAP_HUGE_SHIFT 26
)

// CalcVMFlags computes the vm_flags a new mapping starts with, as do_mmap
// (calc_vm_prot_bits, calc_vm_flag_bits, the file-mode checks) and
// mmap_region (accountable_mapping) do, for overcommit mode 0 on a kernel
// with THP: MAP_NORESERVE is honoured and MAP_STACK sets VM_NOHUGEPAGE.
// file is nil for anonymous mappings. The errors are do_mmap's: EINVAL for
// a bad map type, EACCES for a file not opened for reading or a shared
// writable mapping of a file not opened for writing, EPERM for PROT_EXEC on
// a noexec file.
func CalcVMFlags(prot Prot, flags MapFlags, file *File) (VMFlags, error) {
	const op = "mmap"
	if prot&^(PROT_READ|PROT_WRITE|PROT_EXEC) != 0 {
		return 0, errf(op, EINVAL, "unknown prot bits")
	}
	vm := VMFlags(prot) & VM_ACCESS_FLAGS // PROT_* and VM_* share bits 0-2
	if flags&MAP_GROWSDOWN != 0 {
		vm |= VM_GROWSDOWN
	}
	if flags&MAP_LOCKED != 0 {
		vm |= VM_LOCKED
	}
	if flags&MAP_STACK != 0 {
		vm |= VM_NOHUGEPAGE
	}
	vm |= VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC

	shared := false
	switch flags & MAP_TYPE {
	case MAP_SHARED, MAP_SHARED_VALIDATE:
		shared = true
	case MAP_PRIVATE:
	default:
		return 0, errf(op, EINVAL, "map type must be MAP_SHARED or MAP_PRIVATE")
	}

	if file != nil && flags&MAP_ANONYMOUS == 0 {
		if !file.Readable() {
			return 0, errf(op, EACCES, "file not opened for reading")
		}
		if file.NoExec {
			if prot&PROT_EXEC != 0 {
				return 0, errf(op, EPERM, "PROT_EXEC on a noexec mount")
			}
			vm &^= VM_MAYEXEC
		}
		if shared {
			if prot&PROT_WRITE != 0 && !file.Writable() {
				return 0, errf(op, EACCES, "shared writable mapping of a file not opened for writing")
			}
			vm |= VM_SHARED | VM_MAYSHARE
			if !file.Writable() {
				vm &^= VM_MAYWRITE | VM_SHARED
			}
		}
	} else if shared {
		vm |= VM_SHARED | VM_MAYSHARE
	}

	if flags&MAP_NORESERVE != 0 {
		vm |= VM_NORESERVE
	}
	// accountable_mapping: private writable memory without MAP_NORESERVE
	// is charged against the commit limit.
	if vm&(VM_NORESERVE|VM_SHARED|VM_WRITE) == VM_WRITE {
		vm |= VM_ACCOUNT
	}
	return vm, nil
}

func hex(v uint64) string {
	const digits = "0123456789abcdef"
	if v == 0 {
		return "0"
	}
	var b [16]byte
	i := len(b)
	for v != 0 {
		i--
		b[i] = digits[v&0xf]
		v >>= 4
	}
	return string(b[i:])
}
