package mmcore

import (
	"fmt"
	"strings"
)

// Perms returns the perms column of /proc/pid/maps: r, w, x from VM_READ,
// VM_WRITE, VM_EXEC, then 's' for VM_MAYSHARE (even without VM_SHARED, as
// for a shared mapping of a read-only file) or 'p'.
func (f VMFlags) Perms() string {
	// VM_READ, VM_WRITE and VM_EXEC have PROT_*'s values.
	share := "p"
	if f&VM_MAYSHARE != 0 {
		share = "s"
	}
	return Prot(f&VM_ACCESS_FLAGS).String() + share
}

// MapName is the name show_map_vma prints for the VMA: the file's; else
// the VMA's Name; else "[heap]" when the VMA overlaps [start_brk, brk]
// (vm_start <= brk && vm_end >= start_brk); else nothing.
func (v *VMA) MapName() string {
	switch {
	case v.file != nil:
		return v.file.Name
	case v.Name != "":
		return v.Name
	case v.mm != nil && v.start <= v.mm.brk && v.end >= v.mm.startBrk:
		return "[heap]"
	}
	return ""
}

// MapsLine is the VMA's /proc/pid/maps line without the newline:
// "start-end perms offset name". The offset is vm_pgoff in bytes for file
// mappings and 0 for anonymous ones, as show_map_vma prints it; the name
// is MapName's.
func (v *VMA) MapsLine() string {
	var off uint64
	name := v.MapName()
	if v.file != nil {
		off = v.pgoff << PageShift
	}
	s := fmt.Sprintf("%08x-%08x %s %08x", uint64(v.start), uint64(v.end), v.Flags.Perms(), off)
	if name != "" {
		s += " " + name
	}
	return s
}

// VmFlagsLine is the VMA's smaps "VmFlags:" line without the trailing
// space and newline the kernel prints.
func (v *VMA) VmFlagsLine() string { return "VmFlags: " + v.Flags.VmFlags() }

// Maps returns a /proc/pid/maps-like listing, one MapsLine per VMA in
// address order.
func (m *MM) Maps() string {
	var b strings.Builder
	m.vmas.all(func(v *VMA) bool {
		b.WriteString(v.MapsLine())
		b.WriteByte('\n')
		return true
	})
	return b.String()
}

// Smaps returns, for each VMA, its MapsLine followed by its VmFlagsLine.
func (m *MM) Smaps() string {
	var b strings.Builder
	m.vmas.all(func(v *VMA) bool {
		b.WriteString(v.MapsLine())
		b.WriteByte('\n')
		b.WriteString(v.VmFlagsLine())
		b.WriteByte('\n')
		return true
	})
	return b.String()
}

// PageMap returns one character per page of [start, end), in the fidelity
// probe's pm= alphabet: '.' not present, 'z' zero page, 'a' anonymous page
// mapped once, 'A' anonymous page mapped more than once, 'f' page-cache or
// shmem page, 'p' a PFN without struct page (mmcore's addition).
func (m *MM) PageMap(start, end Addr) string {
	var b strings.Builder
	for a := start & PageMask; a < end; a += PageSize {
		w := m.Walk(a)
		if !w.Present() {
			b.WriteByte('.')
			continue
		}
		p := m.mem.Page(w.Entry.PFN())
		switch {
		case p == nil:
			b.WriteByte('p')
		case p.zero:
			b.WriteByte('z')
		case p.anon && p.mapcount > 1:
			b.WriteByte('A')
		case p.anon:
			b.WriteByte('a')
		default:
			b.WriteByte('f')
		}
	}
	return b.String()
}

// RunLength encodes a per-page string as the probe prints it: each run as
// count then symbol, the count omitted when 1 ("2z4a2." , "a3.").
func RunLength(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == s[i] {
			j++
		}
		if j-i > 1 {
			fmt.Fprintf(&b, "%d", j-i)
		}
		b.WriteByte(s[i])
		i = j
	}
	return b.String()
}
