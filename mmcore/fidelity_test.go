package mmcore

import (
	"errors"
	"testing"
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
