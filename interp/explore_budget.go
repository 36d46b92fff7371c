package interp

import (
	goruntime "runtime"
)

// checkMemory stops the search at once when the heap already exceeds
// -max-memory: the watcher looks only every 200 ms, and a search shorter
// than that must not come back complete under a budget it broke.
func (x *explorer) checkMemory() {
	if x.o.MaxMemory == 0 {
		return
	}
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	if ms.HeapAlloc > x.o.MaxMemory {
		x.stop("max-memory")
	}
}
