package interp

import (
	"math/bits"
	"slices"
	"sync"

	rt "github.com/mmscript/mmscript/runtime"
)

// State caching: the search fingerprints every state it reaches with a
// thread awake (the kernel's whole state
// through rt.StateHasher, every thread's frames, locals and operands, the
// globals, each thread's statements run so far for its step limit, and
// the causes of the findings so far), and a state whose subtree was
// already explored is not explored again.
//
// Caching and DPOR do not compose naively (Yang, Chen, Gopalakrishnan,
// Kirby: "Efficient stateful dynamic partial order reduction", SPIN 2008):
// a race between a step before the revisited state and a step in the
// subtree below it, which is not run again, would add a backtrack point
// that the search never sees. So each stored state keeps a summary of its
// explored subtree (sumAcc): every access any step below it made, with
// the threads that made it and what the explored executions said of its
// order: the threads it always happens after (after) and those that may
// happen before it (preds). Yang et al. treat every access of the
// subtree as if it could be the next step; here, on a revisit, a step e of
// the current path races with a summary access x only if the summary and
// the path cannot show e before x (x by, or after a step of, a thread
// whose last path step happens after e or which is e's own; or a path
// step after e, ordered after it, conflicts with x). For such a race the
// backtrack point is the one race would add: the initial of v on the
// path when v starts there, else each thread that can start v inside the
// subtree (x's thread and its preds, enabled and awake), one of which is
// its initial. Before this order was kept (an access was only its object
// and threads), every such race expanded e's state fully and three runs
// in four of the perf benchmark started at those points. Sleep sets are
// kept sound as in Godefroid's stateful search with sleep sets ("Partial-
// order methods for the verification of concurrent systems", LNCS 1032,
// 1996, section 6.2): a state is pruned only if the sleep set it was
// explored with is a subset of the current one (the earlier exploration
// covered every thread the current one would run); otherwise it is
// explored again and its entry keeps the intersection.
//
// A state is stored once its subtree is complete, never earlier, so a
// budget that stops the search leaves no half-explored state behind. The
// table holds 64-bit fingerprints (hash compaction) and is bounded by
// -max-memory; once full, further states are explored without caching
// (still sound, only slower) and the report says so. The workers share
// the table: which worker explores a state first, and so the execution
// counts and the schedule shown for a finding, may vary with the number
// of workers; the findings, the outcomes and the verdicts do not (each is
// a property of the reachable states, which the search covers whoever
// stores them).

// cacheEntry is one explored state.
type cacheEntry struct {
	fp    uint64 // 0: empty slot
	sleep uint64 // the sleep set it was explored with (an intersection after revisits)
	sum   uint32 // its subtree's summary (index into stateCache.sums)
}

// visitedSet is the search's table of explored states, shared by its
// workers.
type visitedSet struct {
	mu    sync.Mutex
	slots []cacheEntry
	n     int
	limit int // most slots allowed
	full  bool
	// Summaries are interned twice over: each distinct entry once
	// (entries, entryIx), each distinct summary once as the sorted list
	// of its entries' indices (sums, sumIx). Of the 144,156 summaries
	// mmlocks_n5 stores (6.9 M entries), 43,476 are distinct.
	entries []sumAcc
	entryIx []uint32 // open addressing by entryHash: index in entries + 1, 0 empty
	sums    [][]uint32
	sumHash []uint64  // each summary's hash (sumHash)
	sumIx   []sumSlot // open addressing by sumHash
	scratch []sumAcc  // store's buffer for merging summaries
}

// sumSlot is a slot of visitedSet.sumIx: a summary and its hash (ix 0,
// the empty summary, which is never looked up: an empty slot).
type sumSlot struct {
	h  uint64
	ix uint32
}

// stateCache is a worker's view of the table: its own hasher.
type stateCache struct {
	*visitedSet
	hasher  *rt.StateHasher
	diagFPs []diagFP
	keys    []uint64
	sym     *symState // nil: no symmetry reduction (symmetry.go)
	perm    int32     // the permutation of the last fingerprint (0: none)
	// The summaries renamed by the symmetry: one to store (toCanon),
	// one of a hit (fromCanon, used until the hit is applied).
	canonBuf, hitBuf []sumAcc
}

// sumAcc is one kind of access (an rt.Access, flags and all) by one
// thread, made somewhere in an explored subtree, with what the subtree's
// executions said about its order, relative to the state the summary
// belongs to:
//
//   - after: threads u such that, in every explored execution of the
//     subtree, every such access happens after a step of u in the
//     subtree (a must set: merging entries intersects it, and dropping a
//     thread from it is always safe);
//   - preds: threads other than tid that have a step happening before
//     such an access in some explored execution (a may set: merging
//     unites it, and adding a thread to it is always safe).
//
// A step's own accesses start with both sets empty; folding a child's
// summary into its parent through the step n between them (fold) adds
// n's thread to after and preds of each access n conflicts with (n comes
// first in every execution of that branch, so it happens before them),
// and to preds of each access that a step n may come before does:
// applyHit uses after to see that a path step happens before a pruned
// access, and preds to find the initials of a race with it. Entries are
// kept apart by flags and thread, not merged per object: a conflict
// found with an entry then holds for every access it stands for, and
// after is not cut down by other threads' accesses to the object (on
// mmlocks_n3 without the symmetry reduction, one entry per object kept
// almost none of the order: 16,780 runs, against 11,978). The cache
// interns entries and summaries (intern): a stored summary costs 4 bytes
// an entry, once per distinct summary.
type sumAcc struct {
	key   uint64 // the access and its thread (sumKey)
	after uint64
	preds uint64
}

// sumKey packs an access (kind, object, flags) and its thread into one
// word whose order is the summaries' order (kind, object, flags,
// thread): comparing entries, merging summaries and finding an object's
// entries then compare words, and an entry is 24 bytes.
func sumKey(a rt.Access, tid int) uint64 {
	return uint64(a.Kind)<<56 | uint64(a.Obj)<<24 | accFlags(a)<<8 | uint64(uint8(tid))
}

// objKey is the prefix of the keys of an object's entries (sumKey >> 24).
func objKey(kind rt.AccessKind, obj uint32) uint64 { return uint64(kind)<<32 | uint64(obj) }

func (x *sumAcc) acc() rt.Access {
	k := x.key
	return accOfFlags(rt.AccessKind(k>>56), uint32(k>>24), flagsOf(k))
}

func (x *sumAcc) tid() int { return int(uint8(x.key)) }

func (x *sumAcc) bit() uint64 { return 1 << (x.key & 63) }

type diagFP struct {
	d  *rt.Diagnostic
	fp uint64
}

const cacheEntrySize = 24

func newVisitedSet(limitBytes uint64) *visitedSet {
	v := &visitedSet{sumIx: make([]sumSlot, 1<<10), entryIx: make([]uint32, 1<<10), slots: make([]cacheEntry, 1<<12)}
	v.limit = max(int(limitBytes/cacheEntrySize), 1<<12)
	v.sums, v.sumHash = [][]uint32{nil}, []uint64{0} // summary 0: empty
	return v
}

func newStateCache(v *visitedSet) *stateCache {
	c := &stateCache{visitedSet: v, hasher: rt.NewStateHasher()}
	configureHasher(c.hasher)
	return c
}

// configureHasher tells a hasher what of the interpreter's state to leave
// out.
func configureHasher(h *rt.StateHasher) {
	h.Skip(Thread{}, "call", "spare")
	// A frame's continuation and a call's closure are left out: the
	// fingerprint refuses a state with either unless the call waits in a
	// lock primitive (rt.Call.WaitIsData), whose continuation is the same
	// function for every such call and whose closure is nil, the rest of
	// its state being in the call record, which is hashed.
	h.Skip(frame{}, "cont")
	h.Skip(rt.Call{}, "waiting")
	h.Identity(programObjects()...)
}

// find returns the entry of fp (a copy) and its summary, written into
// buf's array, and whether there is one.
func (v *visitedSet) find(fp uint64, buf []sumAcc) (cacheEntry, []sumAcc, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if e := v.lookup(fp); e != nil {
		return *e, v.summary(e.sum, buf[:0]), true
	}
	return cacheEntry{}, nil, false
}

// summary appends summary ix's entries to buf.
func (v *visitedSet) summary(ix uint32, buf []sumAcc) []sumAcc {
	for _, id := range v.sums[ix] {
		buf = append(buf, v.entries[id])
	}
	return buf
}

// lookup returns the entry of fp, or nil.
func (c *visitedSet) lookup(fp uint64) *cacheEntry {
	mask := len(c.slots) - 1
	for i := int(fp) & mask; ; i = (i + 1) & mask {
		e := &c.slots[i]
		if e.fp == fp {
			return e
		}
		if e.fp == 0 {
			return nil
		}
	}
}

// store records a completed state: a new entry, or the intersection of
// sleep sets and the union of summaries for a state explored again.
func (c *visitedSet) store(fp, sleep uint64, sum []sumAcc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.lookup(fp); e != nil {
		e.sleep &= sleep
		// Merged in the set's scratch buffer (intern copies what it
		// keeps): a fresh one per revisit was an eighth of the bytes
		// the explorer allocated.
		c.scratch = union(c.summary(e.sum, c.scratch[:0]), sum)
		e.sum = c.intern(c.scratch)
		return
	}
	if (c.n+1)*4 > len(c.slots)*3 {
		if len(c.slots)*2 > c.limit {
			c.full = true
			return
		}
		old := c.slots
		c.slots = make([]cacheEntry, 2*len(old))
		for _, e := range old {
			if e.fp != 0 {
				c.put(e)
			}
		}
	}
	c.put(cacheEntry{fp: fp, sleep: sleep, sum: c.intern(sum)})
	c.n++
}

func (c *visitedSet) put(e cacheEntry) {
	mask := len(c.slots) - 1
	i := int(e.fp) & mask
	for c.slots[i].fp != 0 {
		i = (i + 1) & mask
	}
	c.slots[i] = e
}

// intern returns the index of a summary equal to sum (sorted, as every
// summary is), adding it if new: summaries repeat a lot (they name
// objects, not states). A summary is looked up by a hash of its entries
// first, compared entry by entry: the entries are looked up one by one
// only for a new summary.
func (c *visitedSet) intern(sum []sumAcc) uint32 {
	if len(sum) == 0 {
		return 0
	}
	h := sumHash(sum)
	mask := len(c.sumIx) - 1
	i := int(h) & mask
	for ; c.sumIx[i].ix != 0; i = (i + 1) & mask {
		if sl := c.sumIx[i]; sl.h == h && c.equal(c.sums[sl.ix], sum) {
			return sl.ix
		}
	}
	ids := make([]uint32, len(sum))
	for i := range sum {
		ids[i] = c.internEntry(&sum[i])
	}
	ix := uint32(len(c.sums))
	c.sums = append(c.sums, ids)
	c.sumHash = append(c.sumHash, h)
	c.sumIx[i] = sumSlot{h, ix}
	if len(c.sums)*2 > len(c.sumIx) {
		c.sumIx = make([]sumSlot, 2*len(c.sumIx))
		mask = len(c.sumIx) - 1
		for ix := 1; ix < len(c.sums); ix++ {
			j := int(c.sumHash[ix]) & mask
			for c.sumIx[j].ix != 0 {
				j = (j + 1) & mask
			}
			c.sumIx[j] = sumSlot{c.sumHash[ix], uint32(ix)}
		}
	}
	return ix
}

func sumHash(sum []sumAcc) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := range sum {
		s := &sum[i]
		h = (h ^ s.key) * 0x100000001b3
		h = (h ^ s.after) * 0x100000001b3
		h = (h ^ s.preds) * 0x100000001b3
		h ^= h >> 29
	}
	return h
}

// internEntry returns the index of an entry equal to x, adding it if new.
func (c *visitedSet) internEntry(x *sumAcc) uint32 {
	mask := len(c.entryIx) - 1
	i := int(entryHash(x)) & mask
	for ; c.entryIx[i] != 0; i = (i + 1) & mask {
		if id := c.entryIx[i] - 1; c.entries[id] == *x {
			return id
		}
	}
	id := uint32(len(c.entries))
	c.entries = append(c.entries, *x)
	c.entryIx[i] = id + 1
	if len(c.entries)*2 > len(c.entryIx) {
		c.entryIx = make([]uint32, 2*len(c.entryIx))
		mask = len(c.entryIx) - 1
		for k := range c.entries {
			j := int(entryHash(&c.entries[k])) & mask
			for c.entryIx[j] != 0 {
				j = (j + 1) & mask
			}
			c.entryIx[j] = uint32(k) + 1
		}
	}
	return id
}

func entryHash(x *sumAcc) uint64 {
	h := (x.key ^ x.after*0x9e3779b97f4a7c15 ^ x.preds*0xc2b2ae3d27d4eb4f) * 0xff51afd7ed558ccd
	return h ^ h>>32
}

// equal reports whether the interned summary ids is sum.
func (c *visitedSet) equal(ids []uint32, sum []sumAcc) bool {
	if len(ids) != len(sum) {
		return false
	}
	for i, id := range ids {
		if c.entries[id] != sum[i] {
			return false
		}
	}
	return true
}

func accFlags(a rt.Access) uint64 {
	var f uint64
	if a.Write {
		f |= 1
	}
	if a.Shared {
		f |= 2
	}
	if a.Observe {
		f |= 4
	}
	if a.Refused {
		f |= 8
	}
	if a.KeepsRefusing {
		f |= 16
	}
	return f
}

// accFlagBits is the number of bits accFlags uses.
const accFlagBits = 5

// accOfFlags is the access to obj of the kind with flags f (accFlags).
func accOfFlags(kind rt.AccessKind, obj uint32, f uint64) rt.Access {
	return rt.Access{Kind: kind, Obj: obj, Write: f&1 != 0, Shared: f&2 != 0, Observe: f&4 != 0,
		Refused: f&8 != 0, KeepsRefusing: f&16 != 0}
}

// sameObjConflicts[k][fa] has bit fb when an access of kind k (not
// AWorld) with flags fa (accFlags) conflicts with an access to the same
// object with flags fb: rt.Access.Conflicts, tabulated for the scans of
// an object's entries, which compare flags only.
var sameObjConflicts = func() (t [64][1 << accFlagBits]uint32) {
	for k := range t {
		for fa := range 1 << accFlagBits {
			for fb := range 1 << accFlagBits {
				a, b := accOfFlags(rt.AccessKind(k), 1, uint64(fa)), accOfFlags(rt.AccessKind(k), 1, uint64(fb))
				if a.Conflicts(b) {
					t[k][fa] |= 1 << fb
				}
			}
		}
	}
	return t
}()

// flagsOf is the flags of key k (accFlags).
func flagsOf(k uint64) uint64 { return k >> 8 & (1<<accFlagBits - 1) }

// sumLess orders a summary's entries (kind, object, flags, thread):
// summaries are kept sorted, so that merging two is linear and equal
// summaries are equal slices.
func sumLess(x, y *sumAcc) bool { return x.key < y.key }

// union returns the summary of the executions of dst and of src (both
// sorted): the same access by the same thread merges (preds united,
// after intersected: after must hold for every access the entry stands
// for). It merges into dst's array from the back (no allocation when it
// has room); src is only read.
func union(dst, src []sumAcc) []sumAcc {
	return unionThrough(dst, src, nil)
}

// unionThrough is union with tf applied to each entry of src first.
func unionThrough(dst, src []sumAcc, tf func(int, sumAcc) sumAcc) []sumAcc {
	if len(src) == 0 {
		return dst
	}
	n := len(dst) + len(src)
	for i, j := 0, 0; i < len(dst) && j < len(src); {
		switch d, x := &dst[i], &src[j]; {
		case sumLess(d, x):
			i++
		case sumLess(x, d):
			j++
		default:
			n--
			i++
			j++
		}
	}
	i, j := len(dst)-1, len(src)-1
	if cap(dst) < n {
		dst = append(make([]sumAcc, 0, n+n/2), dst...)
	}
	out := dst[:n]
	for k := n - 1; j >= 0; k-- {
		x := src[j]
		if tf != nil {
			x = tf(j, x)
		}
		switch {
		case i >= 0 && sumLess(&x, &out[i]):
			out[k] = out[i]
			i--
		case i >= 0 && !sumLess(&out[i], &x):
			m := out[i]
			m.after &= x.after
			m.preds |= x.preds
			out[k] = m
			i--
			j--
		default:
			out[k] = x
			j--
		}
	}
	return out
}

// fold adds to dst the summary src of the state that step (tid, acc)
// leads to, made relative to the state before the step: the step comes
// first in every execution of src's subtree, so it happens before each
// access of src it conflicts with (tid joins after and preds), and it may
// happen before an access that happens after some access by a thread it
// conflicts with (tid joins preds: a may set needs no more than that).
// src may be a stored summary: it is not changed.
func fold(dst, src []sumAcc, tid int, acc []rt.Access) []sumAcc {
	if tid < 0 {
		return union(dst, src)
	}
	if len(dst) == 0 {
		// A copy made relative in place: no merge. The room for a few
		// more is for the step's own accesses (addAccs).
		if cap(dst) < len(src) {
			dst = make([]sumAcc, 0, len(src)+4)
		}
		return foldOwn(nil, append(dst, src...), tid, acc)
	}
	var small [4]uint64
	r := newRelative(small[:], src, tid, acc)
	return unionThrough(dst, src, r.apply)
}

// relative makes a child's summary entries relative to its parent through
// the step between them (thread tid, accesses acc): that step comes first
// in every execution of the branch, so it happens before each entry it
// conflicts with (direct) and may happen before each entry whose thread
// or predecessors it touched.
type relative struct {
	direct  []uint64 // bit i: entry i of src conflicts with the step
	touched uint64   // the threads of those entries
	bit     uint64
}

func newRelative(small []uint64, src []sumAcc, tid int, acc []rt.Access) relative {
	direct := small
	if w := (len(src) + 63) / 64; w > len(small) {
		direct = make([]uint64, w)
	}
	return relative{direct, markConflicts(direct, src, acc), uint64(1) << tid}
}

// apply returns entry i of src, x, made relative.
func (r relative) apply(i int, x sumAcc) sumAcc {
	switch {
	case r.direct[i/64]&(1<<(i%64)) != 0:
		x.after |= r.bit
		x.preds |= r.bit
	case r.touched&(x.bit()|x.preds) != 0:
		x.preds |= r.bit
	}
	return x
}

// foldOwn is fold of a src the caller gives up (a completed state's
// summary): it is made relative in place and, when dst is empty (the
// state's first or only explored step, the common case), becomes the
// result without a copy.
func foldOwn(dst, src []sumAcc, tid int, acc []rt.Access) []sumAcc {
	if tid >= 0 {
		var small [4]uint64
		r := newRelative(small[:], src, tid, acc)
		for i := range src {
			src[i] = r.apply(i, src[i])
		}
	}
	if len(dst) == 0 {
		return src
	}
	return union(dst, src)
}

// markConflicts sets bit i of direct for each entry i of src that an
// access of acc conflicts with, and returns those entries' threads.
func markConflicts(direct []uint64, src []sumAcc, acc []rt.Access) uint64 {
	var touched uint64
	forEachConflict(src, acc, func(i int) {
		direct[i/64] |= 1 << (i % 64)
		touched |= src[i].bit()
	})
	return touched
}

// forConflicts calls f for each entry of sum (sorted) that an access of
// acc conflicts with, some more than once: it looks only at the entries
// of each access's object and those of every object of its kind (found
// by binary search), and at AWorld entries, unless acc has an AWorld
// access itself. A summary has hundreds of entries, a step a few.
func forConflicts(sum []sumAcc, acc []rt.Access, f func(*sumAcc)) {
	forEachConflict(sum, acc, func(i int) { f(&sum[i]) })
}

// forEachConflict is forConflicts by index.
func forEachConflict(sum []sumAcc, acc []rt.Access, f func(int)) {
	for _, a := range acc {
		if a.Kind == rt.AWorld {
			for i := range sum {
				if conflictsAny(acc, sum[i].acc()) {
					f(i)
				}
			}
			return
		}
	}
	for i := 0; i < len(sum) && sum[i].key>>56 == uint64(rt.AWorld); i++ {
		if conflictsAny(acc, sum[i].acc()) {
			f(i)
		}
	}
	// scan looks at the entries whose key has prefix pre (shift bits
	// dropped): those of one object (24), or of every object of a kind
	// (56).
	scan := func(a rt.Access, pre uint64, shift uint) {
		i := searchKey(sum, pre<<shift)
		if a.Kind >= 64 {
			for ; i < len(sum) && sum[i].key>>shift == pre; i++ {
				if a.Conflicts(sum[i].acc()) {
					f(i)
				}
			}
			return
		}
		m := sameObjConflicts[a.Kind][accFlags(a)]
		for ; i < len(sum) && sum[i].key>>shift == pre; i++ {
			if m&(1<<flagsOf(sum[i].key)) != 0 {
				f(i)
			}
		}
	}
	for _, a := range acc {
		if a.Obj == rt.AllObjects {
			scan(a, uint64(a.Kind), 56)
			continue
		}
		scan(a, objKey(a.Kind, a.Obj), 24)
		scan(a, objKey(a.Kind, rt.AllObjects), 24)
	}
}

// searchKey returns the index of the first entry of sum (sorted) whose
// key is at least k.
func searchKey(sum []sumAcc, k uint64) int {
	i, j := 0, len(sum)
	for i < j {
		h := int(uint(i+j) >> 1)
		if sum[h].key < k {
			i = h + 1
		} else {
			j = h
		}
	}
	return i
}

// sumIndex finds an object's entries in a summary by hashing instead of
// binary search, for a summary searched many times: a hit's, once per
// path step before it (applyHit).
type sumIndex struct {
	sum    []sumAcc
	keys   []uint64 // objKey of each slot, 0: empty (no kind is 0)
	lo, hi []int32  // the object's entries, sum[lo:hi]
	shift  uint
	// kinds[k] are the entries of kind k (k < 64: the kinds there are).
	kinds    [64][2]int32
	allKinds uint64 // kinds below 64 with an AllObjects entry
}

// build indexes sum (sorted), reusing ix's tables.
func (ix *sumIndex) build(sum []sumAcc) {
	ix.sum, ix.allKinds, ix.kinds = sum, 0, [64][2]int32{}
	objs := 0
	for i := range sum {
		if i == 0 || sum[i].key>>24 != sum[i-1].key>>24 {
			objs++
		}
	}
	n := 16
	for n < 2*objs {
		n *= 2
	}
	if len(ix.keys) != n {
		ix.keys, ix.lo, ix.hi = make([]uint64, n), make([]int32, n), make([]int32, n)
		ix.shift = uint(64 - bits.TrailingZeros(uint(n)))
	} else {
		clear(ix.keys)
	}
	for i := 0; i < len(sum); {
		k := sum[i].key >> 24
		j := i + 1
		for j < len(sum) && sum[j].key>>24 == k {
			j++
		}
		slot := ix.slot(k)
		for ix.keys[slot] != 0 {
			slot = (slot + 1) & (n - 1)
		}
		ix.keys[slot], ix.lo[slot], ix.hi[slot] = k, int32(i), int32(j)
		if kind := k >> 32; kind < 64 {
			if ix.kinds[kind][1] == 0 {
				ix.kinds[kind][0] = int32(i)
			}
			ix.kinds[kind][1] = int32(j)
			if uint32(k) == rt.AllObjects {
				ix.allKinds |= 1 << kind
			}
		}
		i = j
	}
}

func (ix *sumIndex) slot(k uint64) int { return int((k * 0x9e3779b97f4a7c15) >> ix.shift) }

// entries returns the entries of object key k.
func (ix *sumIndex) entries(k uint64) []sumAcc {
	for i := ix.slot(k); ; i = (i + 1) & (len(ix.keys) - 1) {
		switch ix.keys[i] {
		case k:
			return ix.sum[ix.lo[i]:ix.hi[i]]
		case 0:
			return nil
		}
	}
}

// forConflicts is forConflicts(ix.sum, acc, f).
func (ix *sumIndex) forConflicts(acc []rt.Access, f func(*sumAcc)) {
	sum := ix.sum
	for _, a := range acc {
		if a.Kind == rt.AWorld || a.Kind >= 64 {
			forConflicts(sum, acc, f)
			return
		}
	}
	w := ix.kinds[rt.AWorld]
	for i := w[0]; i < w[1]; i++ {
		if conflictsAny(acc, sum[i].acc()) {
			f(&sum[i])
		}
	}
	scan := func(m uint32, es []sumAcc) {
		for i := range es {
			if m&(1<<flagsOf(es[i].key)) != 0 {
				f(&es[i])
			}
		}
	}
	for _, a := range acc {
		m := sameObjConflicts[a.Kind][accFlags(a)]
		if a.Obj == rt.AllObjects {
			r := ix.kinds[a.Kind]
			scan(m, sum[r[0]:r[1]])
			continue
		}
		scan(m, ix.entries(objKey(a.Kind, a.Obj)))
		if ix.allKinds&(1<<a.Kind) != 0 {
			scan(m, ix.entries(objKey(a.Kind, rt.AllObjects)))
		}
	}
}

func conflictsAny(acc []rt.Access, b rt.Access) bool {
	for _, a := range acc {
		if a.Conflicts(b) {
			return true
		}
	}
	return false
}

// fingerprint returns the fingerprint of m's current state, and false when
// it is unhashable (a thread inside a multi-step operation or handler
// holds a Go continuation, an RCU callback is pending). A thread waiting
// in a lock primitive (mmap_read_lock, spin_lock, ...), or granted the
// lock and not yet resumed, is hashable: its continuation is data in its
// call record (rt.Call.WaitIsData); so is munmap waiting for a VMA's
// readers in vms_gather_munmap_vmas (the call runs again once granted).
// Before that, 3 of 4 states of the perf benchmark were unhashable, for a
// mmap_read_lock wait or munmap's wait for readers; now none is.
func (c *stateCache) fingerprint(m *Machine) (uint64, bool) {
	h := c.hasher
	h.Reset()
	for _, t := range m.threads {
		// Cheap first: a native frame holds a Go continuation, unless
		// it waits in a lock primitive whose continuation is data (its
		// call record, hashed with the frame).
		for i := range t.fr {
			if f := &t.fr[i]; f.cont != nil && (f.desc != "" || f.call == nil || !f.call.WaitIsData()) {
				return 0, false
			}
		}
	}
	if c.sym != nil {
		c.perm = c.sym.hash(h, m)
	} else {
		h.Kernel(m.k)
		h.Word(uint64(len(m.threads)))
		for _, t := range m.threads {
			h.Object(t)
		}
		h.Values(m.globals)
	}
	// Each thread's statement count (what is left of its step limit) is
	// in its Object; the total adds nothing to it.
	// The findings so far, by cause: a state's executions end with its
	// past findings plus its future ones, so states with different pasts
	// are different states (the outcomes and verdicts stay exact).
	ds := m.k.Diagnostics()
	for i, d := range c.diagFPs {
		if i >= len(ds) || ds[i] != d.d {
			c.diagFPs = c.diagFPs[:0]
			break
		}
	}
	for i := len(c.diagFPs); i < len(ds); i++ {
		c.diagFPs = append(c.diagFPs, diagFP{ds[i], stringFP(FindingKey(ds[i]))})
	}
	keys := c.keys[:0]
	for _, d := range c.diagFPs {
		if c.sym != nil {
			// Renamed with the state (symmetry.go).
			d.fp = c.sym.findingFP(d.d, c.perm)
		}
		keys = append(keys, d.fp)
	}
	slices.Sort(keys)
	c.keys = keys
	for i, k := range keys {
		if i == 0 || k != keys[i-1] {
			h.Word(k)
		}
	}
	h.Word(^uint64(0))
	fp, ok := h.Sum()
	if fp == 0 {
		fp = 1
	}
	return fp, ok
}

func stringFP(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
