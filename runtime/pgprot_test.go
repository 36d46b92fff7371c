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
