package runtime

import (
	"fmt"
	"slices"
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// The lock names built without fmt read as fmt's %#x wrote them, and
// words yields a |-combination's words in order, empty ones left out.
func TestLockNamesAndWords(t *testing.T) {
	for _, x := range []uint64{0, 1, 0xa, 0x100000, 0x7fff_ffff_f000, 1<<64 - 1} {
		if got, want := FolioLockName(mmcore.PFN(x)), fmt.Sprintf("folio(pfn %#x)", x); got != want {
			t.Errorf("FolioLockName(%#x) = %q, want %q", x, got, want)
		}
		if got, want := string(appendHex([]byte("v"), x)), fmt.Sprintf("v%#x", x); got != want {
			t.Errorf("appendHex(%#x) = %q, want %q", x, got, want)
		}
	}
	k := NewKernel()
	m, err := k.NewMM("m")
	if err != nil {
		t.Fatal(err)
	}
	v, err := m.Core.Mmap(0x100000, 2*mmcore.PageSize, mmcore.PROT_READ|mmcore.PROT_WRITE, mmcore.MAP_PRIVATE|mmcore.MAP_ANONYMOUS|mmcore.MAP_FIXED, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := VMAName(v), "vma[0x100000-0x102000]"; got != want {
		t.Errorf("VMAName = %q, want %q", got, want)
	}
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"rw", []string{"rw"}},
		{"shared|populate", []string{"shared", "populate"}},
		{"|a||b|", []string{"a", "b"}},
	} {
		if got := slices.Collect(words(c.in)); !slices.Equal(got, c.want) {
			t.Errorf("words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
