package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// vm_insert_pages(vma, addr, pages, &num) as mm/memory.c declares it: the
// result is 0 or -errno, *num is left holding the pages not inserted
// (insert_pages(): "*num = remaining_pages_total"), and the range check's
// -EFAULT leaves *num alone.
func TestVMInsertPagesKernelForm(t *testing.T) {
	tests := []struct {
		name      string
		vm        string // the VMA's flags from f_op->mmap
		lock      string // the caller's mmap lock
		num       int64
		populated int // a page already mapped at this index (-1: none)
		wantRet   int64
		wantNum   int64
		wantRules []string
	}{
		{"all inserted", "mixedmap", "mmap_read_lock", 3, -1, 0, 0, nil},
		{"none asked", "mixedmap", "mmap_read_lock", 0, -1, 0, 0, nil},
		{"a populated PTE stops the batch", "mixedmap", "mmap_read_lock", 3, 1, -int64(mmcore.EBUSY), 2, nil},
		{"the first PTE populated", "mixedmap", "mmap_read_lock", 3, 0, -int64(mmcore.EBUSY), 3, nil},
		{"beyond the VMA: -EFAULT, *num untouched", "mixedmap", "mmap_read_lock", 5, -1, -int64(mmcore.EFAULT), 5, nil},
		{"in f_op->mmap: sets VM_MIXEDMAP", "", "mmap_write_lock", 4, -1, 0, 0, nil},
		{"not VM_MIXEDMAP under the read lock: BUG", "", "mmap_read_lock", 2, -1, 0, 2,
			[]string{"vm_insert_page/not-mixedmap-needs-mmap-write"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			f := k.NewFile("dev", 16)
			v := mapVMA(t, k, m, 0x500000, 4, mmcore.MAP_SHARED, f, tc.vm)
			arr := &PageArray{}
			for i := 0; i < 4; i++ {
				p, _ := k.Mem.AllocPage()
				arr.Pages = append(arr.Pages, p)
			}
			tk := k.NewTask("T")
			do(t, k, tk, tc.lock, mmV(m))
			if tc.populated >= 0 {
				q, _ := k.Mem.AllocPage()
				v.Flags |= mmcore.VM_MIXEDMAP
				if rc := do(t, k, tk, "vm_insert_page", vmaV(v), addrV(0x500000+uint64(tc.populated)<<mmcore.PageShift), pageV(q)); rc.Int != 0 {
					t.Fatalf("set-up insert: %d", rc.Int)
				}
			}
			oc := start(t, k, at(tk, 1), "vm_insert_pages", vmaV(v), addrV(0x500000), Obj(TPageArray, arr), Int(tc.num))
			ret := oc.value(t)
			wantRules(t, k, tc.wantRules...)
			if tc.wantRules != nil {
				if m.Core.Walk(0x500000).Present() {
					t.Error("the BUGged call mapped a page")
				}
				return
			}
			if ret.Int != tc.wantRet || oc.c.Args[3].Int != tc.wantNum {
				t.Fatalf("returned %d with *num %d, want %d with *num %d", ret.Int, oc.c.Args[3].Int, tc.wantRet, tc.wantNum)
			}
			// the pages before the failure are mapped, in order
			inserted := tc.num - tc.wantNum
			if tc.wantRet == -int64(mmcore.EFAULT) {
				inserted = 0
			}
			for i := int64(0); i < 4; i++ {
				w := m.Core.Walk(mmcore.Addr(0x500000 + uint64(i)<<mmcore.PageShift))
				mapped := w.Present() && w.Entry.PFN() == arr.Pages[i].PFN
				if mapped != (i < inserted) {
					t.Errorf("pages[%d] mapped %v, want %v", i, mapped, i < inserted)
				}
			}
			if tc.vm == "" && v.Flags&mmcore.VM_MIXEDMAP == 0 {
				t.Error("the call did not set VM_MIXEDMAP")
			}
		})
	}
}

// A NULL entry below *num or a count beyond the array is a script error:
// the kernel would read past pages[] or oops on the NULL.
func TestVMInsertPagesKernelFormBadArray(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pages int
		null  bool
		num   int64
		want  string
	}{
		{"count beyond the array", 2, false, 3, "vm_insert_pages: *num is 3 but pages[] holds 2 entries"},
		{"a NULL entry", 2, true, 2, "vm_insert_pages: pages[1] is NULL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			v := mapVMA(t, k, m, 0x500000, 4, mmcore.MAP_SHARED, k.NewFile("dev", 16), "mixedmap")
			arr := &PageArray{}
			for i := 0; i < tc.pages; i++ {
				p, _ := k.Mem.AllocPage()
				arr.Pages = append(arr.Pages, p)
			}
			if tc.null {
				arr.Pages[len(arr.Pages)-1] = nil
			}
			tk := k.NewTask("T")
			do(t, k, tk, "mmap_read_lock", mmV(m))
			c := &Call{K: k, T: tk, Op: LookupOp("vm_insert_pages"), Args: []Value{vmaV(v), addrV(0x500000), Obj(TPageArray, arr), Int(tc.num)}}
			r := c.Op.Fn(c)
			if r.Status != Failed || r.Err == nil || len(r.Err.Error()) < len(tc.want) || r.Err.Error()[:len(tc.want)] != tc.want {
				t.Fatalf("got status %d err %v, want the error %q", r.Status, r.Err, tc.want)
			}
		})
	}
}
