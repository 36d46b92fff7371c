package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// The pgprot helpers OR cache-mode bits in as x86 does, and
// remap_pfn_range() builds its entries with the cache mode of the prot it
// is given, or of vma->vm_page_prot.
func TestPgprotCacheModes(t *testing.T) {
	k, m := newMM(t)
	f := k.NewFile("dev", 16)
	base := do(t, k, k.NewTask("q"), "vm_get_page_prot", Int(int64(mmcore.VM_READ|mmcore.VM_WRITE|mmcore.VM_SHARED)))
	tests := []struct {
		name  string
		prot  func(tk *Task) Value // the prot passed (Int(-1): none)
		store string               // a pgprot_* stored into vm_page_prot first ("": none)
		want  mmcore.CacheMode
	}{
		{"vma->vm_page_prot as mapped", func(*Task) Value { return Int(-1) }, "", mmcore.CacheWB},
		{"vm_get_page_prot", func(*Task) Value { return base }, "", mmcore.CacheWB},
		{"pgprot_noncached", func(tk *Task) Value { return do(t, k, tk, "pgprot_noncached", base) }, "", mmcore.CacheUCMinus},
		{"pgprot_device", func(tk *Task) Value { return do(t, k, tk, "pgprot_device", base) }, "", mmcore.CacheUCMinus},
		{"pgprot_writecombine", func(tk *Task) Value { return do(t, k, tk, "pgprot_writecombine", base) }, "", mmcore.CacheWC},
		{"both: uncached", func(tk *Task) Value {
			return do(t, k, tk, "pgprot_noncached", do(t, k, tk, "pgprot_writecombine", base))
		}, "", mmcore.CacheUC},
		{"pgprot_decrypted keeps it", func(tk *Task) Value {
			return do(t, k, tk, "pgprot_decrypted", do(t, k, tk, "pgprot_writecombine", base))
		}, "", mmcore.CacheWC},
		{"the VMA's, stored in ->mmap", func(*Task) Value { return Int(-1) }, "pgprot_noncached", mmcore.CacheUCMinus},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr := uint64(0x400000 + i*0x10000)
			v := mapVMA(t, k, m, addr, 1, mmcore.MAP_SHARED, f, "")
			tk := k.NewTask("T")
			do(t, k, tk, "mmap_write_lock", mmV(m))
			if tc.store != "" {
				do(t, k, tk, "vma_start_write", vmaV(v))
				do(t, k, tk, "vm_page_prot_store", vmaV(v), do(t, k, tk, tc.store, Int(pgprotOf(v.Flags, v.CacheBits))))
			}
			p, _ := k.Mem.AllocPage()
			if rc := do(t, k, tk, "remap_pfn_range", vmaV(v), addrV(addr), Int(int64(p.PFN)), Int(4096), tc.prot(tk)); rc.Int != 0 {
				t.Fatalf("remap_pfn_range: %d", rc.Int)
			}
			do(t, k, tk, "mmap_write_unlock", mmV(m))
			if got := m.Core.Walk(mmcore.Addr(addr)).Entry.CacheMode(); got != tc.want {
				t.Errorf("cache mode %d, want %d", got, tc.want)
			}
			wantRules(t, k)
		})
	}
}

// A store of vm_page_prot on a live VMA needs the mmap and VMA write
// locks (process_addrs.rst's row of vm_page_prot); in f_op->mmap, or
// after vma_start_write(), it is fine. Without the store the test fails
// on its first case (no rule).
func TestVMPageProtStoreLocks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []string
		want  []string
	}{
		{"under the mmap read lock", []string{"mmap_read_lock"}, []string{"vma-field/vm_page_prot"}},
		{"after vma_start_write", []string{"mmap_write_lock", "vma_start_write"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			v := mapVMA(t, k, m, 0x400000, 1, mmcore.MAP_SHARED, k.NewFile("dev", 16), "")
			k.vmaState(v).New = false
			tk := k.NewTask("T")
			for _, s := range tc.steps {
				if s == "vma_start_write" {
					do(t, k, tk, s, vmaV(v))
				} else {
					do(t, k, tk, s, mmV(m))
				}
			}
			nc := do(t, k, tk, "pgprot_writecombine", Int(pgprotOf(v.Flags, v.CacheBits)))
			do(t, k, at(tk, 1), "vm_page_prot_store", vmaV(v), nc)
			wantRules(t, k, tc.want...)
			if v.CacheBits != mmcore.PTEPWT {
				t.Errorf("CacheBits %#x, want _PAGE_PWT", uint64(v.CacheBits))
			}
		})
	}
}

// vmf_insert_pfn_prot() builds its entry with the cache mode of the pgprot
// the driver passes, not of vma->vm_page_prot, which vmf_insert_pfn()
// uses (mm/memory.c: vmf_insert_pfn() is vmf_insert_pfn_prot(vma, addr,
// pfn, vma->vm_page_prot)); vmf_insert_mixed_mkwrite() makes the entry
// writable and dirty, upgrades one of the same pfn, and WARNs on another.
func TestInsertPFNSiblings(t *testing.T) {
	k, m := newMM(t)
	f := k.NewFile("dev", 16)
	zero := int64(k.Mem.ZeroPage().PFN)
	tests := []struct {
		name    string
		vm      string
		private bool
		store   string // a pgprot_* stored into vm_page_prot first
		calls   func(tk *Task, v *mmcore.VMA, addr uint64) []Value
		want    mmcore.CacheMode
		write   bool
		pfn     int64
		rc      int64
		rules   []string
		absent  bool
	}{
		{"vmf_insert_pfn: the VMA's", "pfnmap", false, "pgprot_writecombine", func(tk *Task, v *mmcore.VMA, a uint64) []Value {
			return []Value{do(t, k, tk, "vmf_insert_pfn", vmaV(v), addrV(a), Int(0x900000))}
		}, mmcore.CacheWC, true, 0x900000, VM_FAULT_NOPAGE, nil, false},
		{"vmf_insert_pfn_prot: the driver's", "pfnmap", false, "pgprot_writecombine", func(tk *Task, v *mmcore.VMA, a uint64) []Value {
			prot := do(t, k, tk, "pgprot_noncached", Int(pgprotOf(v.Flags, 0)))
			return []Value{do(t, k, tk, "vmf_insert_pfn_prot", vmaV(v), addrV(a), Int(0x900000), prot)}
		}, mmcore.CacheUCMinus, true, 0x900000, VM_FAULT_NOPAGE, nil, false},
		{"vmf_insert_pfn_prot: write-back", "pfnmap", false, "", func(tk *Task, v *mmcore.VMA, a uint64) []Value {
			return []Value{do(t, k, tk, "vmf_insert_pfn_prot", vmaV(v), addrV(a), Int(0x900000), Int(pgprotOf(v.Flags, 0)))}
		}, mmcore.CacheWB, true, 0x900000, VM_FAULT_NOPAGE, nil, false},
		{"vmf_insert_pfn_prot: neither flag", "", false, "", func(tk *Task, v *mmcore.VMA, a uint64) []Value {
			return []Value{do(t, k, tk, "vmf_insert_pfn_prot", vmaV(v), addrV(a), Int(0x900000), Int(pgprotOf(v.Flags, 0)))}
		}, 0, false, 0, 0, []string{"vmf_insert_pfn/flags"}, true},
		{"mkwrite: new entry", "mixedmap", false, "", func(tk *Task, v *mmcore.VMA, a uint64) []Value {
			return []Value{do(t, k, tk, "vmf_insert_mixed_mkwrite", vmaV(v), addrV(a), Int(0x900000))}
		}, mmcore.CacheWB, true, 0x900000, VM_FAULT_NOPAGE, nil, false},
		{"mkwrite: the zero pfn refused", "mixedmap", true, "", func(tk *Task, v *mmcore.VMA, a uint64) []Value {
			return []Value{do(t, k, tk, "vmf_insert_mixed_mkwrite", vmaV(v), addrV(a), Int(zero))}
		}, 0, false, 0, VM_FAULT_SIGBUS, nil, true},
		{"mkwrite: another pfn is left and WARNs", "mixedmap", false, "", func(tk *Task, v *mmcore.VMA, a uint64) []Value {
			do(t, k, tk, "vmf_insert_mixed", vmaV(v), addrV(a), Int(0x900000))
			return []Value{do(t, k, tk, "vmf_insert_mixed_mkwrite", vmaV(v), addrV(a), Int(0x900001))}
		}, mmcore.CacheWB, true, 0x900000, VM_FAULT_NOPAGE, []string{"vmf_insert_mixed_mkwrite/other-pfn"}, false},
		{"vmf_insert_mixed: no zero page in a shared writable VMA", "mixedmap", false, "", func(tk *Task, v *mmcore.VMA, a uint64) []Value {
			return []Value{do(t, k, tk, "vmf_insert_mixed", vmaV(v), addrV(a), Int(zero))}
		}, 0, false, 0, VM_FAULT_SIGBUS, nil, true},
		{"mkwrite: the zero page's entry is left silently", "mixedmap", true, "", func(tk *Task, v *mmcore.VMA, a uint64) []Value {
			do(t, k, tk, "vmf_insert_mixed", vmaV(v), addrV(a), Int(zero))
			return []Value{do(t, k, tk, "vmf_insert_mixed_mkwrite", vmaV(v), addrV(a), Int(0x900001))}
		}, mmcore.CacheWB, false, zero, VM_FAULT_NOPAGE, nil, false},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k.diags = nil
			addr := uint64(0x400000 + i*0x10000)
			flags := mmcore.MAP_SHARED
			if tc.private {
				flags = mmcore.MAP_PRIVATE
			}
			v := mapVMA(t, k, m, addr, 1, flags, f, tc.vm)
			tk := k.NewTask("T")
			do(t, k, tk, "mmap_write_lock", mmV(m))
			if tc.store != "" {
				do(t, k, tk, "vma_start_write", vmaV(v))
				do(t, k, tk, "vm_page_prot_store", vmaV(v), do(t, k, tk, tc.store, Int(pgprotOf(v.Flags, v.CacheBits))))
			}
			rcs := tc.calls(tk, v, addr)
			do(t, k, tk, "mmap_write_unlock", mmV(m))
			wantRules(t, k, tc.rules...)
			if tc.rules != nil {
				return
			}
			if rc := rcs[len(rcs)-1]; rc.Int != tc.rc {
				t.Errorf("result %#x, want %#x", rc.Int, tc.rc)
			}
			e := m.Core.Walk(mmcore.Addr(addr)).Entry
			if tc.absent {
				if e != 0 {
					t.Errorf("entry %v, want none", e)
				}
				return
			}
			if e.CacheMode() != tc.want || e.Writable() != tc.write || int64(e.PFN()) != tc.pfn {
				t.Errorf("entry %v: cache mode %d writable %v pfn %#x, want %d %v %#x", e, e.CacheMode(), e.Writable(), e.PFN(), tc.want, tc.write, tc.pfn)
			}
		})
	}
}
