package mmcore

import (
	"errors"
	"testing"
	"time"
)

// Differences from Linux 6.18 found by running generated and targeted
// traces on the host kernel (mmcore/trace TestFidelity); each case is the
// shrunk trace's point, the golden is under mmcore/trace/testdata/edge.

// mremap with old_len 0 duplicates a shared mapping: copy_vma makes the
// new VMA, then unmap_source_vma's do_vmi_munmap of 0 bytes fails with
// EINVAL, which unmap_source_vma ignores (it only fixes the accounting),
// so the call succeeds and the source stays (mm/mremap.c).
func TestMremapDuplicateShared(t *testing.T) {
	shm := NewFile("shm", 16)
	tests := []struct {
		name    string
		mapSrc  func(w *pwin)
		p, newN int
		flags   int
		dst     int
		want    error
		layout  []string
	}{
		{"shared anon, fixed", func(w *pwin) {
			w.mapAnonShared(10, 4)
		}, 10, 4, MREMAP_MAYMOVE | MREMAP_FIXED, 40, nil, []string{
			"[10,14) rw-s shmem@0 rss=0 anon=0 vmflags=[rd wr sh mr mw me ms] pm=4.",
			"[40,44) rw-s shmem@0 rss=0 anon=0 vmflags=[rd wr sh mr mw me ms] pm=4.",
		}},
		{"shared file, middle page, grown", func(w *pwin) {
			w.mapFile(10, 4, "rw-", shm.Open(FMODE_READ|FMODE_WRITE), 2, true)
		}, 11, 6, MREMAP_MAYMOVE | MREMAP_FIXED, 60, nil, []string{
			"[10,14) rw-s file:shm@2 rss=0 anon=0 vmflags=[rd wr sh mr mw me ms] pm=4.",
			"[60,66) rw-s file:shm@3 rss=0 anon=0 vmflags=[rd wr sh mr mw me ms] pm=6.",
		}},
		{"shared anon, no room in place", func(w *pwin) {
			w.mapAnonShared(10, 4)
		}, 10, 4, 0, 0, ENOMEM, nil},
		{"private anon", func(w *pwin) {
			w.mapAnon(10, 4, "rw-", 0)
		}, 10, 4, MREMAP_MAYMOVE | MREMAP_FIXED, 40, EINVAL, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWin(t, 128)
			tt.mapSrc(w)
			_, err := w.remap(tt.p, 0, tt.newN, tt.flags, tt.dst)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("mremap(old_len 0) = %v, want %v", err, tt.want)
			}
			w.expect(tt.name, tt.layout...)
			checkInvariants(t, w.m)
		})
	}
}

// mapAnonShared maps n pages of MAP_SHARED|MAP_ANONYMOUS read-write at p.
func (w *pwin) mapAnonShared(p, n int) {
	w.t.Helper()
	if _, err := w.m.Mmap(pg(p), uint64(n)*PageSize, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED, nil, 0); err != nil {
		w.t.Fatalf("map %d %d anon-shared: %v", p, n, err)
	}
}

// ext4 large folios on 6.18.44: faults map a folio whole where it lies
// inside the VMA and the PTE table and ends within i_size (finish_fault,
// filemap_map_folio_range); with the PMD empty, fault-around installs no
// PTE table when the first folio it finds holds EOF (filemap_map_pages
// skips filemap_map_pmd), and a SIGBUS fault leaves the PMD empty
// (do_fault frees the preallocated table). Shrunk from generated traces;
// golden edge/ext4-fault-around-large-folios.
func TestExt4FaultLargeFolios(t *testing.T) {
	tests := []struct {
		name       string
		size       uint64 // file pages
		p, n       int    // mapping, pages from pg(0)
		pgoff      uint64
		shared     bool
		tableFirst bool // an anonymous fault in the same PTE table first
		sigbusAt   int  // a read fault beyond EOF first (-1: none)
		fault      int
		write      bool
		want       string
	}{
		{"empty PMD, EOF folio partly outside the VMA: one page", 16, 16, 8, 8, false, false, -1, 17, false, ".F6."},
		{"table present: the fault-around range", 16, 16, 8, 8, false, true, -1, 17, false, "8F"},
		{"empty PMD, EOF folio inside the VMA: finish_fault maps it whole", 16, 16, 16, 0, false, false, -1, 20, false, "16F"},
		{"empty PMD, first folio ends within i_size: both folios whole", 20, 40, 20, 0, false, false, -1, 50, false, "20F"},
		{"first folio 0-31 mapped whole beyond the 16-page block", 37, 0, 37, 0, false, true, -1, 10, false, "32F5."},
		{"shared write fault maps the whole folio", 16, 16, 16, 0, true, false, -1, 20, true, "16F"},
		{"SIGBUS leaves the PMD empty", 16, 16, 20, 8, false, false, 30, 17, false, ".F18."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWin(t, 128)
			f := NewExt4File("E", tt.size)
			if err := f.Mapping().FillLargeFolios(w.m.Memory(), 0, tt.size); err != nil {
				t.Fatal(err)
			}
			prot := "r--"
			if tt.write {
				prot = "rw-"
			}
			w.mapFile(tt.p, tt.n, prot, f, tt.pgoff, tt.shared)
			if tt.tableFirst {
				w.mapAnon(100, 1, "rw-", 0)
				w.touch(100, 1, true)
			}
			if tt.sigbusAt >= 0 {
				if err := w.m.UserFault(pg(tt.sigbusAt), false); !errors.Is(err, SIGBUS) {
					t.Fatalf("fault beyond EOF: %v", err)
				}
			}
			w.touch(tt.fault, 1, tt.write)
			if got := classes(w.m, pg(tt.p), tt.n); got != tt.want {
				t.Errorf("pagemap %s, want %s", got, tt.want)
			}
			if err := CheckPageCounts(w.m); err != nil {
				t.Error(err)
			}
			checkInvariants(t, w.m)
		})
	}
}

// A 2 MiB ext4 folio is mapped by the PMD at the first fault on an empty
// PMD (filemap_map_pmd/finish_fault → do_set_pmd) where the VMA holds the
// aligned 2 MiB with a congruent pgoff; splitting such a PMD unmaps it
// (__split_huge_pmd_locked for a VMA that is not anonymous). Golden
// edge/ext4-pmd-mapped-folio.
func TestFilePMDMapping(t *testing.T) {
	tests := []struct {
		name          string
		p, n          int
		pgoff         uint64
		shared, write bool
		noHuge        bool
		split         func(w *pwin) // after the fault
		wantRss       int
		wantFilePmd   int
		wantPM        string // pagemap of [512, 1024)
	}{
		{"read fault, aligned", 512, 512, 0, false, false, false, nil, 512, 512, "512F"},
		{"shared write fault", 512, 512, 512, true, true, false, nil, 512, 512, "512F"},
		{"pgoff not congruent: PTEs", 512, 512, 1, false, false, false, nil, 16, 0, "16F496."},
		// the folio lies inside the VMA and one PTE table: fault-around
		// maps all of it by PTEs (observed)
		{"VM_NOHUGEPAGE: PTEs", 512, 512, 0, false, false, true, nil, 512, 0, "512F"},
		{"partial mprotect unmaps the PMD", 512, 512, 0, false, false, false, func(w *pwin) { w.mustProt(700, 1, "rw-") }, 0, 0, "512."},
		{"partial munmap unmaps the PMD", 512, 512, 0, false, false, false, func(w *pwin) {
			if _, err := w.m.Munmap(pg(1023), PageSize); err != nil {
				w.t.Fatal(err)
			}
		}, 0, 0, "512."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWin(t, 2048)
			f := NewExt4File("E", 1024)
			if err := f.Mapping().FillLargeFolios(w.m.Memory(), 0, 1024); err != nil {
				t.Fatal(err)
			}
			prot := "r--"
			if tt.write {
				prot = "rw-"
			}
			w.mapFile(tt.p, tt.n, prot, f, tt.pgoff, tt.shared)
			if tt.noHuge {
				if err := w.m.Madvise(pg(tt.p), uint64(tt.n)*PageSize, MADV_NOHUGEPAGE); err != nil {
					t.Fatal(err)
				}
			}
			w.touch(520, 1, tt.write)
			if tt.split != nil {
				tt.split(w)
			}
			var rss, pmd int
			for v := range w.m.VMAsRange(pg(512), pg(1024)) {
				if v.File() != nil {
					st := w.m.SmapsOf(v)
					rss += st.Rss
					pmd += st.FilePmdMapped
				}
			}
			if rss != tt.wantRss || pmd != tt.wantFilePmd {
				t.Errorf("rss %d FilePmdMapped %d, want %d %d", rss, pmd, tt.wantRss, tt.wantFilePmd)
			}
			if got := classes(w.m, pg(512), 512); got != tt.wantPM {
				t.Errorf("pagemap %s, want %s", got, tt.wantPM)
			}
			if err := w.m.CheckPageTables(); err != nil {
				t.Error(err)
			}
			if err := CheckPageCounts(w.m); err != nil {
				t.Error(err)
			}
		})
	}
}

// MADV_REMOVE on ext4 large folios: a folio wholly inside the hole leaves
// the cache; one the hole covers in part stays cached (and large) but is
// unmapped from every VMA mapping it (truncate_inode_partial_folio's
// failed split). Shrunk from generated traces; golden
// edge/ext4-remove-partial-folio.
func TestMadviseRemovePartialLargeFolio(t *testing.T) {
	tests := []struct {
		name         string
		size         uint64
		hole         [2]int // pages of the shared mapping at 40
		wantShared   string // pagemap of the shared mapping [40, 40+size)
		wantPrivate  string // of the private mapping [10, 10+size), page 12 COWed
		wantCached   []uint64
		wantUncached []uint64
	}{
		{"hole inside folio 0-15", 20, [2]int{44, 2}, "16.4F", "2.a13.4F", []uint64{0, 4, 5, 15}, nil},
		{"hole = folio 16-19", 20, [2]int{56, 4}, "16F4.", "2Fa13F4.", []uint64{0, 15}, []uint64{16, 19}},
		{"whole file", 20, [2]int{40, 20}, "20.", "2.a17.", nil, []uint64{0, 15, 16, 19}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWin(t, 128)
			f := NewExt4File("E", tt.size)
			as := f.Mapping()
			if err := as.FillLargeFolios(w.m.Memory(), 0, tt.size); err != nil {
				t.Fatal(err)
			}
			w.mapFile(10, int(tt.size), "rw-", f, 0, false)
			w.touch(10, int(tt.size), false)
			w.touch(12, 1, true)
			w.mapFile(40, int(tt.size), "rw-", f, 0, true)
			w.touch(40, int(tt.size), false)
			if err := w.m.Madvise(pg(tt.hole[0]), uint64(tt.hole[1])*PageSize, MADV_REMOVE); err != nil {
				t.Fatal(err)
			}
			if got := classes(w.m, pg(40), int(tt.size)); got != tt.wantShared {
				t.Errorf("shared mapping %s, want %s", got, tt.wantShared)
			}
			if got := classes(w.m, pg(10), int(tt.size)); got != tt.wantPrivate {
				t.Errorf("private mapping %s, want %s", got, tt.wantPrivate)
			}
			for _, i := range tt.wantCached {
				if as.FindPage(i) == nil {
					t.Errorf("page %d left the cache", i)
				}
			}
			for _, i := range tt.wantUncached {
				if as.FindPage(i) != nil {
					t.Errorf("page %d still cached", i)
				}
			}
			if err := CheckPageCounts(w.m); err != nil {
				t.Error(err)
			}
			checkInvariants(t, w.m)
		})
	}
}

// MADV_PAGEOUT of page cache large folios: a PTE-mapped folio is paged
// out (unmapped; a dirty one stays cached) only when the range maps all
// of it and its mapcount equals its size; a partly covered one would be
// split, which fails for a dirty ext4 folio, so it stays. Golden
// edge/ext4-pageout-large-folios.
func TestPageoutLargeFileFolio(t *testing.T) {
	tests := []struct {
		name   string
		advise [2]int
		second bool // a second mapping of the file maps the folio too
		want   string
	}{
		{"whole folio", [2]int{16, 16}, false, "16."},
		{"part of the folio", [2]int{16, 8}, false, "16F"},
		{"mapped twice", [2]int{16, 16}, true, "16F"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWin(t, 128)
			f := NewExt4File("E", 16)
			if err := f.Mapping().FillLargeFolios(w.m.Memory(), 0, 16); err != nil {
				t.Fatal(err)
			}
			w.mapFile(16, 16, "rw-", f, 0, true)
			w.touch(16, 16, false)
			if tt.second {
				w.mapFile(40, 16, "r--", f, 0, false)
				w.touch(40, 16, false)
			}
			if err := w.m.Madvise(pg(tt.advise[0]), uint64(tt.advise[1])*PageSize, MADV_PAGEOUT); err != nil {
				t.Fatal(err)
			}
			if got := classes(w.m, pg(16), 16); got != tt.want {
				t.Errorf("pagemap %s, want %s", got, tt.want)
			}
			if f.Mapping().FindPage(0) == nil {
				t.Error("the dirty folio left the page cache")
			}
			if err := CheckPageCounts(w.m); err != nil {
				t.Error(err)
			}
			checkInvariants(t, w.m)
		})
	}
}

// MADV_GUARD_INSTALL gives only an anonymous VMA an anon_vma
// (madvise_guard_install: vma_is_anonymous); fork copies the markers of
// every VM_MAYBE_GUARD VMA (vma_needs_copy). A fork child's guarded file
// VMA therefore merges with a new mapping of the file. Shrunk from a
// generated trace; golden edge/guard-file-vma-no-anon-vma.
func TestGuardInstallAnonVMA(t *testing.T) {
	tests := []struct {
		name       string
		file       bool
		wantAnon   bool
		wantMerged bool // in the fork child, mapping the middle page again
	}{
		{"shared file VMA", true, false, true},
		{"private anonymous VMA", false, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWin(t, 128)
			f := NewTmpfsFile("A", 32)
			if tt.file {
				w.mapFile(10, 3, "rw-", f, 5, true)
			} else {
				w.mapAnon(10, 3, "rw-", 0)
			}
			if err := w.m.Madvise(pg(12), PageSize, MADV_GUARD_INSTALL); err != nil {
				t.Fatal(err)
			}
			v := w.m.VMALookup(pg(10))
			if got := v.AnonVMA() != nil; got != tt.wantAnon {
				t.Errorf("anon_vma %v, want %v", got, tt.wantAnon)
			}
			c, _, err := w.m.Fork()
			if err != nil {
				t.Fatal(err)
			}
			cw := &pwin{t: t, m: c, pages: 128}
			if tt.file {
				cw.mapFile(11, 1, "rw-", f, 6, true)
			} else {
				cw.mapAnon(11, 1, "rw-", 0)
			}
			merged := c.VMALookup(pg(11)).Start() == pg(10)
			if merged != tt.wantMerged {
				t.Errorf("child merged %v, want %v", merged, tt.wantMerged)
			}
			if got := c.PageClass(pg(12)); got != 's' {
				t.Errorf("child lost the guard marker: %c", got)
			}
			checkInvariants(t, c)
			c.ExitMMap()
		})
	}
}

// MADV_COLLAPSE on a shmem mapping makes the aligned 2 MiB one PMD-sized
// page cache folio mapped by the PMD (collapse_file,
// collapse_pte_mapped_thp); a hole punched into it splits it around the
// hole (truncate_inode_partial_folio → folio_split) and a partial
// MADV_COLD splits it into order-0 folios (split_folio), both unmapping
// it. Goldens edge/shmem-*.
func TestShmemCollapseAndSplit(t *testing.T) {
	tests := []struct {
		name    string
		cached  bool // a page of the range is cached before the collapse
		after   func(w *pwin) error
		refault [2]int // pages touched (read) afterwards
		wantErr bool
		want    string // classes of [512, 1024)
	}{
		{"collapse", true, nil, [2]int{0, 0}, false, "512F"},
		{"nothing cached: EINVAL", false, nil, [2]int{0, 0}, true, "512."},
		{"hole 8-11 then refault", true, func(w *pwin) error {
			return w.m.Madvise(pg(520), 4*PageSize, MADV_REMOVE)
		}, [2]int{512, 16}, false, "8F6f2F496."},
		{"partial cold then refault", true, func(w *pwin) error {
			return w.m.Madvise(pg(520), 2*PageSize, MADV_COLD)
		}, [2]int{520, 1}, false, "16f496."},
		{"hole past i_size after a partial pageout", true, func(w *pwin) error {
			if err := w.m.Madvise(pg(512), 512*PageSize, MADV_COLLAPSE); err != nil {
				return err
			}
			w.m.VMALookup(pg(512)).File().Mapping().Size = 32 // a 32-page file
			return w.m.Madvise(pg(513), 6*PageSize, MADV_PAGEOUT)
		}, [2]int{0, 0}, false, "512."},
		{"whole pageout then refault: PMD again", true, func(w *pwin) error {
			return w.m.Madvise(pg(512), 512*PageSize, MADV_PAGEOUT)
		}, [2]int{600, 1}, false, "512F"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWin(t, 2048)
			f := NewTmpfsFile("T", 1024)
			if err := f.Mapping().Fill(w.m.Memory(), 0, 1024); err != nil {
				t.Fatal(err)
			}
			if !tt.cached {
				for i := uint64(0); i < 1024; i++ {
					f.Mapping().RemovePage(i)
				}
			}
			w.mapFile(512, 512, "rw-", f, 0, true)
			err := w.m.Madvise(pg(512), 512*PageSize, MADV_COLLAPSE)
			if (err != nil) != tt.wantErr {
				t.Fatalf("collapse: %v", err)
			}
			if tt.after != nil {
				if err := tt.after(w); err != nil {
					t.Fatal(err)
				}
			}
			if tt.refault[1] > 0 {
				w.touch(tt.refault[0], tt.refault[1], false)
			}
			if got := classes(w.m, pg(512), 512); got != tt.want {
				t.Errorf("pagemap %s, want %s", got, tt.want)
			}
			if as := f.Mapping(); as.Size == 32 {
				if as.FindPage(31) == nil || as.FindPage(32) != nil {
					t.Errorf("after the split pages 0-31 stay cached and the rest goes: %v %v", as.FindPage(31) != nil, as.FindPage(32) != nil)
				}
			}
			if err := w.m.CheckPageTables(); err != nil {
				t.Error(err)
			}
			if err := CheckPageCounts(w.m); err != nil {
				t.Error(err)
			}
		})
	}
}

// File.PunchHole over a range reaching far past the file
// (shmem_truncate_range(f, 0x1234, 1 << 62), found by FuzzOps) visits the
// cached pages, not every index of the range: it returned only after
// 2^50 empty map look-ups before.
func TestPunchHoleHugeRange(t *testing.T) {
	tests := []struct {
		name         string
		first, last  uint64
		wantCached   []uint64
		wantUncached []uint64
	}{
		{"to the end of the offset space", 0, 1<<52 - 1, nil, []uint64{0, 15, 16, 19}},
		{"from a folio's middle", 2, 1 << 50, []uint64{0, 15}, []uint64{16, 19}},
		{"beyond the file", 1 << 40, 1 << 62, []uint64{0, 15, 16, 19}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWin(t, 128)
			f := NewExt4File("E", 20)
			as := f.Mapping()
			if err := as.FillLargeFolios(w.m.Memory(), 0, 20); err != nil {
				t.Fatal(err)
			}
			w.mapFile(40, 20, "rw-", f, 0, true)
			w.touch(40, 20, false)
			done := make(chan struct{})
			go func() {
				defer close(done)
				f.PunchHole(tt.first, tt.last)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("PunchHole(%#x, %#x) does not return", tt.first, tt.last)
			}
			for _, i := range tt.wantCached {
				if as.FindPage(i) == nil {
					t.Errorf("page %d left the cache", i)
				}
			}
			for _, i := range tt.wantUncached {
				if as.FindPage(i) != nil {
					t.Errorf("page %d still cached", i)
				}
			}
			if err := CheckPageCounts(w.m); err != nil {
				t.Error(err)
			}
			checkInvariants(t, w.m)
		})
	}
}
