package mmcore

import (
	"errors"
	"fmt"
	"testing"
)

// The expected VmFlags are the real kernel's (fidelity doc section 3).
func TestCalcVMFlagsMatchesKernel(t *testing.T) {
	rw := NewFile("A", 64)
	ro := rw.Open(FMODE_READ)
	tests := []struct {
		name  string
		prot  Prot
		flags MapFlags
		file  *File
		want  string
		perms string
	}{
		{"reservation", PROT_NONE, anonPriv | MAP_NORESERVE, nil, "mr mw me nr", "---p"},
		{"anon rw", PROT_READ | PROT_WRITE, anonPriv, nil, "rd wr mr mw me ac", "rw-p"},
		{"anon r", PROT_READ, anonPriv, nil, "rd mr mw me", "r--p"},
		{"anon rw noreserve", PROT_READ | PROT_WRITE, anonPriv | MAP_NORESERVE, nil, "rd wr mr mw me nr", "rw-p"},
		{"anon rw stack", PROT_READ | PROT_WRITE, anonPriv | MAP_STACK, nil, "rd wr mr mw me ac nh", "rw-p"},
		{"anon rwx noreserve", PROT_READ | PROT_WRITE | PROT_EXEC, anonPriv | MAP_NORESERVE, nil, "rd wr ex mr mw me nr", "rwxp"},
		{"anon x", PROT_EXEC, anonPriv, nil, "ex mr mw me", "--xp"},
		{"anon growsdown", PROT_READ | PROT_WRITE, anonPriv | MAP_GROWSDOWN, nil, "rd wr mr mw me gd ac", "rw-p"},
		{"shared anon", PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, nil, "rd wr sh mr mw me ms", "rw-s"},
		{"file r private", PROT_READ, MAP_PRIVATE, rw, "rd mr mw me", "r--p"},
		{"file rw private", PROT_READ | PROT_WRITE, MAP_PRIVATE, rw, "rd wr mr mw me ac", "rw-p"},
		{"file rw shared", PROT_READ | PROT_WRITE, MAP_SHARED, rw, "rd wr sh mr mw me ms", "rw-s"},
		{"file r shared of O_RDONLY", PROT_READ, MAP_SHARED, ro, "rd mr me ms", "r--s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := CalcVMFlags(tt.prot, tt.flags, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.VmFlags(); got != tt.want {
				t.Errorf("VmFlags = %q, want %q", got, tt.want)
			}
			if got := f.Perms(); got != tt.perms {
				t.Errorf("Perms = %q, want %q", got, tt.perms)
			}
			// and through a whole mmap
			m := newMM(t, 4)
			v, err := m.Mmap(0x2000_0000_0000, 4*PageSize, tt.prot, tt.flags|MAP_FIXED, tt.file, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := v.VmFlagsLine(); got != "VmFlags: "+tt.want {
				t.Errorf("mmap'd VMA: %q", got)
			}
		})
	}
}

func TestCalcVMFlagsErrors(t *testing.T) {
	ro := NewFile("A", 4).Open(FMODE_READ)
	wo := ro.Open(FMODE_WRITE)
	noexec := NewFile("N", 4)
	noexec.NoExec = true
	for _, tt := range []struct {
		prot  Prot
		flags MapFlags
		file  *File
		want  error
	}{
		{PROT_READ | PROT_WRITE, MAP_SHARED, ro, EACCES},
		{PROT_READ, MAP_PRIVATE, wo, EACCES},
		{PROT_READ | PROT_EXEC, MAP_PRIVATE, noexec, EPERM},
		{PROT_READ, MAP_ANONYMOUS, nil, EINVAL},
		{PROT_READ | 0x10, anonPriv, nil, EINVAL},
	} {
		_, err := CalcVMFlags(tt.prot, tt.flags, tt.file)
		if !errors.Is(err, tt.want) {
			t.Errorf("CalcVMFlags(%v, %#x) = %v, want %v", tt.prot, tt.flags, err, tt.want)
		}
	}
	f, _ := CalcVMFlags(PROT_READ, MAP_PRIVATE, noexec)
	if f&VM_MAYEXEC != 0 {
		t.Error("noexec file kept VM_MAYEXEC")
	}
}

func TestVMFlagsStrings(t *testing.T) {
	f := VM_READ | VM_WRITE | VM_MIXEDMAP | VM_WIPEONFORK | VM_DONTDUMP
	if got := f.String(); got != "VM_READ|VM_WRITE|VM_WIPEONFORK|VM_DONTDUMP|VM_MIXEDMAP" {
		t.Errorf("String = %q", got)
	}
	if got := f.VmFlags(); got != "rd wr wf dd mm" {
		t.Errorf("VmFlags = %q", got)
	}
	if got := (VM_READ | 1<<43).VmFlags(); got != "rd ??" {
		t.Errorf("unknown bit: %q", got)
	}
	// spot-check values against include/linux/mm.h
	for name, want := range map[string]VMFlags{
		"VM_MIXEDMAP": 0x10000000, "VM_PFNMAP": 0x400, "VM_ACCOUNT": 0x100000,
		"VM_NOHUGEPAGE": 0x40000000, "VM_WIPEONFORK": 0x2000000, "VM_DONTCOPY": 0x20000,
		"nr": 0x200000, "gd": 0x100, "io": 0x4000, "mg": 0x80000000,
	} {
		if got, ok := ParseVMFlag(name); !ok || got != want {
			t.Errorf("%s = %#x, want %#x", name, uint64(got), uint64(want))
		}
	}
}

func TestErrno(t *testing.T) {
	if EINVAL.Error() != "EINVAL" || EEXIST.Error() != "EEXIST" || SIGSEGV.Error() != "SIGSEGV" {
		t.Fatal("names")
	}
	err := fmt.Errorf("outer: %w", errf("mmap", EEXIST, "why"))
	if !errors.Is(err, EEXIST) || errors.Is(err, EINVAL) {
		t.Fatal("errors.Is through wrapping")
	}
	if !errors.Is(errf("x", SIGSEGV, ""), ErrSegv) {
		t.Fatal("ErrSegv")
	}
	if int(ENOMEM) != 12 || int(EBUSY) != 16 || int(EFAULT) != 14 {
		t.Fatal("errno values")
	}
}
