package interp

import (
	"strings"
	"testing"
)

// A lock_vma_under_rcu() refused by the VMA's lock commutes with munmap's
// vma_iter_clear_gfp() only when every VMA the clear takes out of the
// tree refuses readers (runtime: VMALookupRCU, vmaIterClearTouches): then
// the call returns NULL in either order. These scripts race the lockless lookup against a tree
// clear, searched naively and reduced from the root (splitTasks 1: the
// split's levels are expanded without the reduction), with and without
// the state cache; the reduced search must find what the naive one finds.
//
//   - unlocked-before-clear: the gatherer drops the mmap write lock
//     between the gather and the clear (mmap_write_unlock ends the VMA's
//     write lock), so between them the lookup finds the detached VMA and
//     locks it, and the insert under it is a use after unmap. After the
//     clear it finds nothing. A clear that commuted with the failed
//     lookup although the VMA it removes accepts readers (the lookup
//     after the clear made independent of it) never runs the lookup
//     before the clear: the finding is lost.
//   - munmap: the kernel's order (gather, clear, then the downgrade that
//     ends the write lock) against a lockless fault that counts its
//     failures in a global: the lookup fails against the write-locked
//     VMA before the clear and finds nothing after it, so the final
//     states (the global, the page's mapping) are the naive search's
//     with the two commuting (checkEnds).
//   - munmap-first: munmap of the whole VMA declared first, so that the
//     first run puts the lookup after it, where it finds nothing. Had
//     that lookup commuted with the clear too (the first version of
//     the refinement made every NULL return a refused read), nothing
//     would have ordered it against the gather's vma_start_write, before
//     which it gets the VMA: the reduced search missed that end.
var treeClearScripts = []struct{ name, src string }{
	{"unlocked-before-clear", `
mm m
file f
vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=f, vm=mixedmap)
page p

thread fault {
  vma r = lock_vma_under_rcu(m, 0x100000)
  if r {
    vm_insert_page(r, 0x100000, p)
    vma_end_read(r)
  }
}

thread unmapper {
  mmap_write_lock(m)
  vms = vms_gather_munmap_vmas(m, 0x100000, 0x101000)
  mmap_write_unlock(m)
  mmap_write_lock(m)
  vma_iter_clear_gfp(vms)
  mmap_write_unlock(m)
}
`},
	{"munmap", `
mm m
file f
vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=f, vm=mixedmap)
page p
n = 0

thread prober {
  vma r = lock_vma_under_rcu(m, 0x100000)
  if r {
    vm_insert_page(r, 0x100000, p)
    vma_end_read(r)
  } else {
    n += 1
  }
}

thread unmapper {
  munmap(m, 0x100000, pages=1)
  assert p.mapcount == 0, "no PTE left after munmap"
}
`},
	{"munmap-first", `
mm m
file f
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=f, vm=mixedmap)
n = 0

thread unmapper {
  munmap(m, 0x100000, pages=2)
}

thread prober {
  vma r = lock_vma_under_rcu(m, 0x101000)
  if r { vma_end_read(r) } else { n += 1000 }
}
`},
}

func TestTreeClearRefusalIsSound(t *testing.T) {
	for _, sc := range treeClearScripts {
		p, err := LoadSource(sc.name+".mms", []byte(sc.src))
		if err != nil {
			t.Fatalf("%s: %v", sc.name, err)
		}
		if !checkEnds(t, sc.name, p, sc.src) {
			t.Fatalf("%s: too large for the naive search", sc.name)
		}
		naive := Explore(p, ExploreOptions{Naive: true, NoMovers: true, MaxStates: 200_000, Workers: 1})
		if !naive.Complete {
			t.Fatalf("%s: naive search incomplete", sc.name)
		}
		if sc.name == "unlocked-before-clear" && len(naive.Findings) == 0 {
			t.Fatalf("%s: the naive search finds no use after unmap: the script does not test the clear", sc.name)
		}
		sym := detectSymmetry(p)
		want := canonicalKeys(sym, naive)
		for _, o := range []ExploreOptions{{Workers: 1, splitTasks: 1}, {Workers: 1, splitTasks: 1, NoCache: true}} {
			red := Explore(p, o)
			got := canonicalKeys(sym, red)
			if !red.Complete || strings.Join(want, "\n") != strings.Join(got, "\n") {
				t.Errorf("%s (no cache: %v): naive found\n\t%s\nreduced (complete=%v) found\n\t%s", sc.name, o.NoCache, strings.Join(want, "\n\t"), red.Complete, strings.Join(got, "\n\t"))
			}
			if !sameVerdicts(Verdicts(p, naive), Verdicts(p, red)) {
				t.Errorf("%s (no cache: %v): verdicts differ from the naive search's", sc.name, o.NoCache)
			}
		}
	}
}
