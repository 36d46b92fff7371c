package mmcore

// vmaTree is the MM's VMA set ordered by address: mmcore's stand-in for the
// maple tree. It is a two-level sorted structure (a list of sorted chunks of
// at most vmaChunkMax VMAs), so a lookup is two binary searches and an
// insert or delete moves at most one chunk's pointers plus, rarely, the
// chunk list: with 10 k VMAs an mmap/munmap pair no longer memmoves the whole
// set as the sorted slice it replaces did. A cursor (chunk, index) gives the
// previous and next VMA in O(1), as a vma_iterator does.
type vmaTree struct {
	chunks [][]*VMA // every chunk non-empty, chunks in address order
	n      int
}

const vmaChunkMax = 16

// vmaCursor is a position in the tree; ci == len(chunks) is "past the end".
type vmaCursor struct{ ci, i int }

// seek returns the position of the first VMA with end > addr.
func (t *vmaTree) seek(addr Addr) vmaCursor {
	lo, hi := 0, len(t.chunks)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		c := t.chunks[mid]
		if c[len(c)-1].end > addr {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo == len(t.chunks) {
		return vmaCursor{lo, 0}
	}
	c := t.chunks[lo]
	l, h := 0, len(c)
	for l < h {
		mid := int(uint(l+h) >> 1)
		if c[mid].end > addr {
			h = mid
		} else {
			l = mid + 1
		}
	}
	return vmaCursor{lo, l}
}

// at returns the VMA at c, or nil past the end.
func (t *vmaTree) at(c vmaCursor) *VMA {
	if c.ci >= len(t.chunks) || c.ci < 0 || c.i >= len(t.chunks[c.ci]) {
		return nil
	}
	return t.chunks[c.ci][c.i]
}

func (t *vmaTree) next(c vmaCursor) vmaCursor {
	if c.ci >= len(t.chunks) {
		return c
	}
	if c.i+1 < len(t.chunks[c.ci]) {
		return vmaCursor{c.ci, c.i + 1}
	}
	return vmaCursor{c.ci + 1, 0}
}

// prev returns the position before c, with ci == -1 before the first VMA.
func (t *vmaTree) prev(c vmaCursor) vmaCursor {
	if c.ci >= len(t.chunks) {
		if len(t.chunks) == 0 {
			return vmaCursor{-1, 0}
		}
		last := len(t.chunks) - 1
		return vmaCursor{last, len(t.chunks[last]) - 1}
	}
	if c.i > 0 {
		return vmaCursor{c.ci, c.i - 1}
	}
	if c.ci == 0 {
		return vmaCursor{-1, 0}
	}
	return vmaCursor{c.ci - 1, len(t.chunks[c.ci-1]) - 1}
}

// find returns the position of v, or ok false.
func (t *vmaTree) find(v *VMA) (vmaCursor, bool) {
	c := t.seek(v.start)
	if t.at(c) == v {
		return c, true
	}
	return c, false
}

// insert adds v, which must not overlap a VMA in the tree.
func (t *vmaTree) insert(v *VMA) {
	if len(t.chunks) == 0 {
		t.n++
		c := make([]*VMA, 1, vmaChunkMax)
		c[0] = v
		t.chunks = append(t.chunks, c)
		return
	}
	t.insertAt(t.seek(v.start), v)
}

// insertAt inserts v at pos, the position seek(v.start) returned on the
// unchanged tree.
func (t *vmaTree) insertAt(pos vmaCursor, v *VMA) {
	if len(t.chunks) == 0 {
		t.insert(v)
		return
	}
	t.n++
	if pos.ci == len(t.chunks) {
		pos = vmaCursor{len(t.chunks) - 1, len(t.chunks[len(t.chunks)-1])}
	}
	c := t.chunks[pos.ci]
	if len(c) < vmaChunkMax {
		c = append(c, nil)
		copy(c[pos.i+1:], c[pos.i:])
		c[pos.i] = v
		t.chunks[pos.ci] = c
		return
	}
	// split the full chunk in halves, then insert into the right one
	half := vmaChunkMax / 2
	right := make([]*VMA, vmaChunkMax-half, vmaChunkMax)
	copy(right, c[half:])
	clear(c[half:])
	c = c[:half]
	t.chunks = append(t.chunks, nil)
	copy(t.chunks[pos.ci+2:], t.chunks[pos.ci+1:])
	t.chunks[pos.ci] = c
	t.chunks[pos.ci+1] = right
	if pos.i <= half {
		c = append(c, nil)
		copy(c[pos.i+1:], c[pos.i:])
		c[pos.i] = v
		t.chunks[pos.ci] = c
	} else {
		i := pos.i - half
		right = append(right, nil)
		copy(right[i+1:], right[i:])
		right[i] = v
		t.chunks[pos.ci+1] = right
	}
}

// remove deletes the VMA at c.
func (t *vmaTree) remove(pos vmaCursor) {
	t.n--
	c := t.chunks[pos.ci]
	copy(c[pos.i:], c[pos.i+1:])
	c[len(c)-1] = nil
	c = c[:len(c)-1]
	t.chunks[pos.ci] = c
	switch {
	case len(c) == 0:
		copy(t.chunks[pos.ci:], t.chunks[pos.ci+1:])
		t.chunks[len(t.chunks)-1] = nil
		t.chunks = t.chunks[:len(t.chunks)-1]
	case len(c) < vmaChunkMax/4 && pos.ci+1 < len(t.chunks) && len(c)+len(t.chunks[pos.ci+1]) <= vmaChunkMax/2:
		// keep chunks from degenerating into many tiny ones
		c = append(c, t.chunks[pos.ci+1]...)
		t.chunks[pos.ci] = c
		copy(t.chunks[pos.ci+1:], t.chunks[pos.ci+2:])
		t.chunks[len(t.chunks)-1] = nil
		t.chunks = t.chunks[:len(t.chunks)-1]
	}
}

// normalize moves a cursor that points past the end of its chunk to the
// first entry of the next chunk.
func (t *vmaTree) normalize(c vmaCursor) vmaCursor {
	if c.ci < len(t.chunks) && c.i >= len(t.chunks[c.ci]) {
		return vmaCursor{c.ci + 1, 0}
	}
	return c
}

// removeN deletes n consecutive VMAs starting at c.
func (t *vmaTree) removeN(c vmaCursor, n int) {
	for ; n > 0; n-- {
		t.remove(c)
		c = t.normalize(c)
	}
}

// all calls f on every VMA in order until it returns false.
func (t *vmaTree) all(f func(*VMA) bool) {
	for _, c := range t.chunks {
		for _, v := range c {
			if !f(v) {
				return
			}
		}
	}
}
