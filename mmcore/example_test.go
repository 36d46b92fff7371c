package mmcore_test

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// mmcore on its own: build an address space, map an anonymous VMA, fault
// a page in, and read the maps view and the page table.
func Example() {
	m, err := mmcore.NewMM(mmcore.Config{})
	if err != nil {
		panic(err)
	}
	v, err := m.Mmap(0x10000, 4*mmcore.PageSize, mmcore.PROT_READ|mmcore.PROT_WRITE,
		mmcore.MAP_PRIVATE|mmcore.MAP_ANONYMOUS|mmcore.MAP_FIXED, nil, 0)
	if err != nil {
		panic(err)
	}
	r, err := m.HandleFault(v, 0x11000, true) // a write fault: a new anonymous page
	if err != nil {
		panic(err)
	}
	fmt.Print(m.Maps())
	fmt.Println(v.Flags.VmFlags())
	fmt.Println(r.Kind, m.Walk(0x11000).Present(), m.Walk(0x12000).Present())
	// Output:
	// 00010000-00014000 rw-p 00000000
	// rd wr mr mw me ac
	// anon true false
}
