package interp

import (
	"fmt"
	"strings"
	"testing"

	rt "github.com/mmscript/mmscript/runtime"
)

// TestEveryVMAFieldReadAfterUnmapIsReported audits issue 7's rule 3e over
// the field table: reading any kernel field of a VMA after munmap freed it
// (vm_area_free) is vma/use-after-unmap at the read, whatever the field;
// only "attached", mmscript's own introspection, is exempt. A field added
// to the table is covered the day it is added.
func TestEveryVMAFieldReadAfterUnmapIsReported(t *testing.T) {
	names := rt.FieldNames(rt.TVMA)
	if len(names) < 5 {
		t.Fatalf("the VMA has %d fields: %v", len(names), names)
	}
	for _, name := range names {
		src := fmt.Sprintf(`mm m
vma v = mmap(m, 0x100000, pages=1, prot=rw)
thread a {
  munmap(m, 0x100000, pages=1)
  x = v.%s
}
`, name)
		res := run(t, src, Options{})
		found := false
		for _, d := range res.Diagnostics {
			if d.Rule == "vma/use-after-unmap" && d.Pos.Line == 5 {
				found = true
			}
		}
		if want := name != "attached"; found != want {
			t.Errorf("v.%s after munmap: use-after-unmap reported %v, want %v\n%s", name, found, want, diagLines(res))
		}
	}
}

// TestVMAPointerUsesAfterRelockAreChecked audits rule 3d and 3e for a VMA
// pointer kept across an mmap lock drop: every use that reads the VMA (a
// field read, an operation given the VMA) is vma/stale-after-relock when
// another thread held the lock for write in between, and none is when the
// pointer was looked up again under the current hold; a driver's page
// insertion into a VMA found by address that appeared after the thread
// started, without a look at vm_ops or vm_file, is vma/identity-unchecked.
func TestVMAPointerUsesAfterRelockAreChecked(t *testing.T) {
	for _, tc := range []struct {
		name, use, rule string
		again           bool
	}{
		{"field", "x = v.vm_flags", "vma/stale-after-relock", false},
		{"field, looked up again", "x = v.vm_flags", "", true},
		{"op", "vm_flags_set(v, VM_IO)", "vma/stale-after-relock", false},
		{"op, looked up again", "vm_flags_set(v, VM_IO)", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			again := ""
			if tc.again {
				again = "v = vma_lookup(m, 0x100000)"
			}
			src := fmt.Sprintf(`mm m
mmap(m, 0x100000, pages=1, prot=rw)
thread a {
  mmap_write_lock(m)
  v = vma_lookup(m, 0x100000)
  mmap_write_unlock(m)
  mmap_write_lock(m)
  %s
  %s
  mmap_write_unlock(m)
}
thread b {
  mmap_write_lock(m)
  mmap_write_unlock(m)
}
`, again, tc.use)
			res := run(t, src, Options{Schedule: []string{"a", "a", "a", "b", "b", "a"}})
			got := ""
			for _, d := range res.Diagnostics {
				if d.Rule == "vma/stale-after-relock" {
					got = d.Rule
				}
			}
			if got != tc.rule {
				t.Errorf("got %q, want %q\n%s", got, tc.rule, diagLines(res))
			}
		})
	}
}

// TestIdentityCheckCoversEveryInsertingOp audits rule 3e's identity half:
// each operation that installs pages into, or zaps, a VMA on a driver's
// behalf reports vma/identity-unchecked when the VMA was found by address,
// was mapped after the thread started and its owner (vm_ops or vm_file)
// was not read from that value; reading it first is the check (the Rust
// Binder fix's check_vma()).
func TestIdentityCheckCoversEveryInsertingOp(t *testing.T) {
	for _, use := range []string{
		"vm_insert_page(x, 0x100000, p)",
		"vm_insert_pages(x, 0x100000, p)",
		"vm_map_pages(x, p)",
		"vm_map_pages_zero(x, p)",
		"zap_vma_ptes(x, 0x100000, size=PAGE_SIZE)",
	} {
		for _, check := range []string{"", "vm_ops", "vm_file"} {
			t.Run(use+"/"+check, func(t *testing.T) {
				owner := ""
				if check != "" {
					owner = fmt.Sprintf("mine = x.%s == nil", check) // a stranger's mapping would fail the check
				}
				src := fmt.Sprintf(`mm m
file other
ops other_ops {
  fault(vmf) { return VM_FAULT_SIGBUS }
}
thread user {
  mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=other, vm=mixedmap, ops=other_ops)
}
thread drv {
  repeat 4 { msleep(1) }  # in the default schedule the user maps first
  page p = alloc_page()
  mmap_read_lock(m)
  vma x = vma_lookup(m, 0x100000)
  mine = true
  %s
  if mine {
    %s
  }
  mmap_read_unlock(m)
}
`, owner, use)
				res := run(t, src, Options{})
				found := false
				for _, d := range res.Diagnostics {
					if d.Rule == "vma/identity-unchecked" && d.Pos.Line == 17 {
						found = true
					}
				}
				if want := check == ""; found != want {
					t.Errorf("identity-unchecked reported %v, want %v\n%s", found, want, diagLines(res))
				}
			})
		}
	}
}

// TestEveryVMAOpAfterUnmapIsReported audits rule 3e over the operations:
// every operation given a VMA that munmap freed reports
// vma/use-after-unmap at its call (the kernel reads the freed
// vm_area_struct: its anon_vma, vm_file, vm_mm, lock), rather than
// accepting it or failing with an unrelated error. The exceptions are the
// operations whose kernel function is made for a VMA that may be freed.
func TestEveryVMAOpAfterUnmapIsReported(t *testing.T) {
	// vma_start_read is called under RCU on a VMA that may have been
	// freed and reused (SLAB_TYPESAFE_BY_RCU): it re-checks vm_mm and
	// the VMA's refcount and fails, which is its purpose.
	exempt := map[string]string{"vma_start_read": "SLAB_TYPESAFE_BY_RCU lookup", "PTR_ERR": "a cast of the pointer: reads no VMA",
		"vrm_store_vma":                "vrm->vma = vma stores the pointer: reads no VMA",
		"follow_pfnmap_args_store_vma": "args.vma = vma stores the pointer in the caller's struct: reads no VMA (follow_pfnmap_start() checks it)",
		"mfill_state_store_vma":        "state->vma = vma stores the pointer: reads no VMA",
		"find_vma_prev":                "its only VMA parameter is *pprev, which it writes and never reads"}
	for _, name := range rt.OpNames() {
		op := rt.LookupOp(name)
		vmaAt := -1
		for i, p := range op.Params {
			if p.Type == rt.TVMA && vmaAt < 0 {
				vmaAt = i
			}
		}
		if vmaAt < 0 || exempt[name] != "" {
			continue
		}
		var args []string
		for i, p := range op.Params {
			if p.Optional {
				break
			}
			args = append(args, uafArg(op, i, i == vmaAt))
		}
		src := fmt.Sprintf(`mm m
file f
page p = alloc_page()
page_array a; folio_walk fw
a[0] = p
n = 1
vma w = mmap(m, 0x200000, pages=2, prot=rw)
vma v = mmap(m, 0x100000, pages=2, prot=rw)
touch(m, 0x100000, write)
touch(m, 0x200000, write)
s = ksys_mmap_pgoff(m, 0x300000, 0x1000, rw, private, nil, 0, mixedmap, nil)
do_mmap_checks(s)
munmap(m, 0x100000, pages=2)
x = %s(%s)
`, name, strings.Join(args, ", "))
		t.Run(name, func(t *testing.T) {
			res := run(t, src, Options{})
			for _, d := range res.Diagnostics {
				// A kernel path reports it at its own line, naming the
				// script's call among the related lines.
				if d.Rule == "vma/use-after-unmap" && (d.Pos.Line == 14 || strings.HasPrefix(d.Pos.Filename, "kernel/")) {
					return
				}
			}
			t.Errorf("%s on a freed VMA: no vma/use-after-unmap at line 14\n%s\n%s", name, src, diagLines(res))
		})
	}
}

// uafArg writes argument i of op: the freed VMA v at the tested
// parameter, a live VMA w at another VMA parameter, and values of the
// parameter's type elsewhere.
func uafArg(op *rt.Op, i int, freed bool) string {
	p := op.Params[i]
	switch p.Type {
	case rt.TVMA:
		if freed {
			return "v"
		}
		return "w"
	case rt.TMM:
		return "m"
	case rt.TFile:
		return "f"
	case rt.TPage:
		return "p"
	case rt.TBool:
		return "false"
	case rt.TWord:
		if len(p.Words) > 0 {
			return p.Words[0]
		}
		return "read"
	case rt.TString:
		return `""`
	case rt.TMMUGather:
		return "tlb_gather_mmu(m)"
	case rt.TPTE:
		return "pte_offset_map(m, 0x200000)"
	case rt.TUffdCtx:
		return "userfaultfd(m)"
	case rt.TVMF, rt.TOps:
		return "nil"
	case rt.TMmapState:
		return "s"
	case rt.TVMS:
		return "vms_gather_munmap_vmas(m, 0x200000, 0x201000)"
	case rt.TPageArray:
		return "a"
	case rt.TFolioWalk:
		return "&fw"
	}
	if p.Ref {
		return "&n"
	}
	switch p.Name {
	case "addr", "address", "start":
		return "0x100000"
	case "end":
		return "0x101000"
	}
	return "1"
}

// A field read of a freed VMA is no operation's: its report's call path
// does not end in the operation the thread called last.
func TestFieldReadCallPath(t *testing.T) {
	src := `mm m
vma v = mmap(m, 0x100000, pages=1)
thread t {
  munmap(m, 0x100000, pages=1)
  mmap_read_lock(m)
  x = v.vm_start
  mmap_read_unlock(m)
}
`
	res := run(t, src, Options{})
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].Rule != "vma/use-after-unmap" {
		t.Fatalf("want one use-after-unmap: %s", diagLines(res))
	}
	if p := res.Diagnostics[0].Path; len(p) != 0 {
		t.Errorf("call path of a field read: %v, want none", p)
	}
}
