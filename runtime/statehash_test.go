package runtime

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// hashOf builds a kernel with build and returns its fingerprint: the
// kernel's and its MMs' (a script reaches those through its variables).
func hashOf(t *testing.T, build func(k *Kernel, tasks []*Task)) (uint64, bool, string) {
	t.Helper()
	k := NewKernel()
	tasks := []*Task{k.NewTask("a"), k.NewTask("b")}
	mms = nil
	build(k, tasks)
	h := NewStateHasher()
	h.Reset()
	h.Kernel(k)
	for _, m := range mms {
		h.Object(m)
	}
	fp, ok := h.Sum()
	return fp, ok, h.Why()
}

func mmWithVMA(t *testing.T, k *Kernel) (*MM, *mmcore.VMA) {
	m, err := k.NewMM("m")
	if err != nil {
		t.Fatal(err)
	}
	v, err := m.Core.Mmap(0x100000, 2*mmcore.PageSize, mmcore.PROT_READ|mmcore.PROT_WRITE, mmcore.MAP_PRIVATE|mmcore.MAP_ANONYMOUS|mmcore.MAP_FIXED, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	mms = append(mms, m)
	return m, v
}

var mms []*MM

// Equal states hash equal however their objects were allocated; any
// difference a future step can read hashes differently; a Go closure in
// the state makes it unhashable.
func TestStateHash(t *testing.T) {
	base := func(k *Kernel, ts []*Task) { mmWithVMA(t, k) }
	want, ok, _ := hashOf(t, base)
	if !ok {
		t.Fatal("a plain state is unhashable")
	}
	for _, c := range []struct {
		name  string
		build func(k *Kernel, ts []*Task)
		same  bool
		ok    bool
	}{
		{"same state, new objects", base, true, true},
		{"garbage allocated in between", func(k *Kernel, ts []*Task) {
			for range 100 {
				_ = make([]byte, 1000)
			}
			mmWithVMA(t, k)
		}, true, true},
		{"report-order counter", func(k *Kernel, ts []*Task) { mmWithVMA(t, k); k.clock += 7 }, true, true},
		{"a lock held", func(k *Kernel, ts []*Task) {
			m, _ := mmWithVMA(t, k)
			ts[0].Acquire(m.MmapLock, Read)
		}, false, true},
		{"the same lock held by the other task", func(k *Kernel, ts []*Task) {
			m, _ := mmWithVMA(t, k)
			ts[1].Acquire(m.MmapLock, Read)
		}, false, true},
		{"a VMA flag", func(k *Kernel, ts []*Task) {
			_, v := mmWithVMA(t, k)
			v.Flags |= mmcore.VM_LOCKED
		}, false, true},
		{"a task position", func(k *Kernel, ts []*Task) {
			mmWithVMA(t, k)
			at(ts[0], 3)
		}, false, true},
		{"a pending RCU callback", func(k *Kernel, ts []*Task) {
			mmWithVMA(t, k)
			ts[0].rcuSection = 1
			k.startGP(false, func() {})
		}, false, false},
	} {
		got, ok, why := hashOf(t, c.build)
		if ok != c.ok {
			t.Errorf("%s: hashable %v (%s), want %v", c.name, ok, why, c.ok)
			continue
		}
		if ok && (got == want) != c.same {
			t.Errorf("%s: same hash %v, want %v", c.name, got == want, c.same)
		}
	}
}

// A lock waiter's queue order is state: two tasks queued in either order
// are different states.
func TestStateHashWaitOrder(t *testing.T) {
	order := func(first, second int) func(k *Kernel, ts []*Task) {
		return func(k *Kernel, ts []*Task) {
			c := k.NewTask("c")
			m, _ := mmWithVMA(t, k)
			c.Acquire(m.MmapLock, Write)
			ts[first].Acquire(m.MmapLock, Read)
			ts[second].Acquire(m.MmapLock, Write)
		}
	}
	a, _, _ := hashOf(t, order(0, 1))
	b, _, _ := hashOf(t, order(1, 0))
	if a == b {
		t.Error("waiters queued in different orders hash equal")
	}
}

// A lock epoch's seq is hashed as which of its task's current holds it
// was read under, not as the event clock: states that differ only in how
// many locks were taken before are one state, while a value read under
// the current hold and one read under an earlier hold stay apart.
func TestStateHashEpochSeq(t *testing.T) {
	readUnder := func(prefix func(m *MM, ts []*Task), keep bool) func(k *Kernel, ts []*Task) {
		return func(k *Kernel, ts []*Task) {
			m, _ := mmWithVMA(t, k)
			prefix(m, ts)
			ts[0].Acquire(m.MmapLock, Read)
			ts[0].newEpoch(m.MmapLock)
			if !keep {
				ts[0].Release(m.MmapLock, Read)
			}
		}
	}
	none := func(m *MM, ts []*Task) {}
	other := func(m *MM, ts []*Task) {
		for range 3 {
			ts[1].Acquire(m.MmapLock, Read)
			ts[1].Release(m.MmapLock, Read)
		}
	}
	a, okA, _ := hashOf(t, readUnder(none, false))
	b, okB, _ := hashOf(t, readUnder(other, false))
	if !okA || !okB || a != b {
		t.Errorf("an epoch of a dropped hold hashes by the event clock: %x != %x", a, b)
	}
	cur, _, _ := hashOf(t, readUnder(none, true))
	again, _, _ := hashOf(t, func(k *Kernel, ts []*Task) {
		readUnder(none, false)(k, ts)
		ts[0].Acquire(mms[len(mms)-1].MmapLock, Read)
	})
	if cur == again {
		t.Error("a value read under the current hold hashes like one read under an earlier hold")
	}
	c1, _, _ := hashOf(t, readUnder(none, true))
	c2, _, _ := hashOf(t, readUnder(other, true))
	if c1 != c2 {
		t.Errorf("an epoch of the current hold hashes by the event clock: %x != %x", c1, c2)
	}
}

// A finished wait leaves no trace in the fingerprint (its mode and
// position are read only while the task waits), while a current wait's
// position is state.
func TestStateHashFinishedWait(t *testing.T) {
	waited := func(pos int, finish bool) func(k *Kernel, ts []*Task) {
		return func(k *Kernel, ts []*Task) {
			m, _ := mmWithVMA(t, k)
			ts[1].Acquire(m.MmapLock, Write)
			at(ts[0], pos)
			ts[0].Acquire(m.MmapLock, Read)
			if finish {
				ts[1].Release(m.MmapLock, Write)
				ts[0].Release(m.MmapLock, Read)
			}
			at(ts[0], 9)
		}
	}
	a, _, _ := hashOf(t, waited(3, true))
	b, _, _ := hashOf(t, waited(4, true))
	if a != b {
		t.Error("two finished waits at different positions hash differently")
	}
	c, _, _ := hashOf(t, waited(3, false))
	d, _, _ := hashOf(t, waited(4, false))
	if c == d {
		t.Error("two current waits at different positions hash equal")
	}
}

// A lock's readers hash as a set plus sem->owner (Lock.owner), all a step
// can tell of the order they took it in: the same readers with the same
// owner hash equal, another owner or other readers not; once the owner
// drops its hold the owner field names nobody, and the order is gone.
func TestStateHashReaderOrder(t *testing.T) {
	readers := func(drop int, order ...int) func(k *Kernel, ts []*Task) {
		return func(k *Kernel, ts []*Task) {
			ts = append(ts, k.NewTask("c"))
			m, _ := mmWithVMA(t, k)
			for _, i := range order {
				ts[i].Acquire(m.MmapLock, Read)
			}
			if drop >= 0 {
				ts[drop].Release(m.MmapLock, Read)
			}
		}
	}
	a, _, _ := hashOf(t, readers(-1, 0, 1, 2))
	if b, _, _ := hashOf(t, readers(-1, 1, 0, 2)); a != b {
		t.Error("the same readers, the same owner, hash differently")
	}
	if c, _, _ := hashOf(t, readers(-1, 0, 2, 1)); a == c {
		t.Error("readers with another owner hash equal")
	}
	if d, _, _ := hashOf(t, readers(-1, 0, 1)); a == d {
		t.Error("fewer readers hash equal")
	}
	e, _, _ := hashOf(t, readers(2, 0, 1, 2))
	if f, _, _ := hashOf(t, readers(2, 1, 0, 2)); e != f {
		t.Error("the same readers left after the owner's release hash differently")
	}
	if g, _, _ := hashOf(t, readers(-1, 1, 0)); e == g {
		t.Error("a lock whose owner left hashes as one whose last reader still holds it")
	}
}

// canonKey and canonState are the shape of the kernel's table of PTE
// tables (pgtableState: ids, a map keyed by tables, walked before byID,
// the slice that names them) in two types of the test's own, so that the
// test can place the keys in memory.
type canonKey struct{ Name string }

type canonState struct {
	M     map[*canonKey]int
	Order []*canonKey
}

// Two equal states whose map keys the allocator placed in opposite
// orders fingerprint equal: the walk reaches the map before anything
// else names its keys, and ordering those entries by address made the
// fingerprint depend on where the keys were allocated (equal states
// missed in the cache; search counts that depended on the allocation
// history of the run: with and without the snapshot of the state after
// set-up). Swapping the values makes a different state, which must
// fingerprint differently.
func TestStateHashMapKeysInAllocationOrder(t *testing.T) {
	build := func(lowFirst bool, vFirst, vSecond int) *canonState {
		x, y := &canonKey{}, &canonKey{}
		lo, hi := x, y
		if uintptr(unsafe.Pointer(y)) < uintptr(unsafe.Pointer(x)) {
			lo, hi = y, x
		}
		first, second := lo, hi
		if !lowFirst {
			first, second = hi, lo
		}
		first.Name, second.Name = "first", "second"
		return &canonState{M: map[*canonKey]int{first: vFirst, second: vSecond}, Order: []*canonKey{first, second}}
	}
	fp := func(s *canonState) uint64 { return fingerprintOf(t, s) }
	a, b := fp(build(true, 1, 2)), fp(build(false, 1, 2))
	if a != b {
		t.Errorf("equal states with their map keys allocated in opposite orders fingerprint %016x and %016x", a, b)
	}
	if c := fp(build(true, 2, 1)); c == a {
		t.Errorf("swapping the map's values left the fingerprint %016x", c)
	}
}

type nestKey struct{ N int }
type nestVal struct{ In map[*nestKey]int }
type nestState struct {
	A, B  map[int]nestVal
	Order []*nestKey
}

// A map deferred inside another map's value is hashed at Sum from the
// map itself, not from the outer map's scratch copy of the value, which
// the next map of the outer type overwrites before Sum (two states
// differing in A[1].In[k1] hashed equal).
func TestStateHashDeferredMapInsideAMapValue(t *testing.T) {
	build := func(a1 int) *nestState {
		k1, k2, k3, k4 := &nestKey{1}, &nestKey{2}, &nestKey{3}, &nestKey{4}
		return &nestState{
			A:     map[int]nestVal{1: {In: map[*nestKey]int{k1: a1, k2: 2}}},
			B:     map[int]nestVal{1: {In: map[*nestKey]int{k3: 5, k4: 6}}},
			Order: []*nestKey{k1, k2, k3, k4},
		}
	}
	if a, b := fingerprintOf(t, build(1)), fingerprintOf(t, build(100)); a == b {
		t.Errorf("states differing in A[1].In[k1] (1 vs 100) fingerprint equal: %016x", a)
	}
}

type chainK struct{ Name string }
type chainJ struct{ Name string }
type chainState struct {
	M1    map[*chainK]int     // keys reached only through M2's values
	M2    map[*chainJ]*chainK // keys reached through Order
	Order []*chainJ
}

// A deferred map whose keys only a later deferred map reaches is ordered
// by the numbers that map's pass gives them, not by address: equal
// states built in opposite allocation orders fingerprint equal.
func TestStateHashDeferredMapKeysReachedThroughAnother(t *testing.T) {
	build := func(swap bool, v1, v2 int) *chainState {
		ka, kb := &chainK{}, &chainK{}
		if swap {
			ka, kb = kb, ka
		}
		ka.Name, kb.Name = "a", "b"
		ja, jb := &chainJ{"a"}, &chainJ{"b"}
		return &chainState{
			M1:    map[*chainK]int{ka: v1, kb: v2},
			M2:    map[*chainJ]*chainK{ja: ka, jb: kb},
			Order: []*chainJ{ja, jb},
		}
	}
	a, b := fingerprintOf(t, build(false, 1, 2)), fingerprintOf(t, build(true, 1, 2))
	if a != b {
		t.Errorf("equal states with M1's keys allocated in opposite orders fingerprint %016x and %016x", a, b)
	}
	if c := fingerprintOf(t, build(false, 2, 1)); c == a {
		t.Errorf("swapping M1's values left the fingerprint %016x", c)
	}
}

func fingerprintOf(t *testing.T, x any) uint64 {
	t.Helper()
	h := NewStateHasher()
	h.Reset()
	h.Object(x)
	fp, ok := h.Sum()
	if !ok {
		t.Fatalf("unhashable: %s", h.Why())
	}
	return fp
}

// A position's file name is hashed as one word (fileWord) by both
// hashers: equal names in different strings hash equal, and states that
// differ only in a position's file name (of the same length), offset,
// line or column, or in which of two tasks is in which file, hash
// differently, also when one hasher hashes them one after the other
// (fileWord keeps the last name's word).
func TestStateHashPositionFile(t *testing.T) {
	build := func(name0, name1 string, off, line, col int) func(k *Kernel, ts []*Task) {
		return func(k *Kernel, ts []*Task) {
			m, _ := mmWithVMA(t, k)
			ts[0].Pos = lang.Pos{Filename: name0, Offset: off, Line: line, Column: col}
			ts[1].Pos = lang.Pos{Filename: name1, Offset: 5, Line: 1, Column: 6}
			ts[1].Acquire(m.MmapLock, Read)
		}
	}
	// The same bytes in new strings each time.
	a := func() string { return strings.Clone("a.mms") }
	b := func() string { return strings.Clone("b.mms") }
	base := build(a(), b(), 40, 3, 7)
	cases := []struct {
		name  string
		build func(k *Kernel, ts []*Task)
		same  bool
	}{
		{"the same names in other strings", build(a(), b(), 40, 3, 7), true},
		{"another file name", build(b(), b(), 40, 3, 7), false},
		{"the names swapped", build(b(), a(), 40, 3, 7), false},
		{"another offset", build(a(), b(), 41, 3, 7), false},
		{"another line", build(a(), b(), 40, 4, 7), false},
		{"another column", build(a(), b(), 40, 3, 8), false},
	}
	for _, renaming := range []bool{false, true} {
		h := NewStateHasher()
		if renaming {
			h = NewRenamingStateHasher()
		}
		fp := func(build func(k *Kernel, ts []*Task)) uint64 {
			k := NewKernel()
			tasks := []*Task{k.NewTask("a"), k.NewTask("b")}
			mms = nil
			build(k, tasks)
			h.Reset()
			h.Kernel(k)
			for _, m := range mms {
				h.Object(m)
			}
			sum, ok := h.Sum()
			if !ok {
				t.Fatalf("unhashable: %s", h.Why())
			}
			return sum
		}
		want := fp(base)
		for _, c := range cases {
			// The base state again between cases: the hasher's
			// last name is the other case's.
			if got := fp(c.build); (got == want) != c.same {
				t.Errorf("renaming %v: %s: same hash %v, want %v", renaming, c.name, got == want, c.same)
			}
			if got := fp(base); got != want {
				t.Errorf("renaming %v: after %s: the base state hashes %#x, was %#x", renaming, c.name, got, want)
			}
		}
	}
}

// A post set after a walk has planned its type takes effect: plans copy
// their type's post when made, so setPost drops them (as Skip does).
// With the post written into the map alone, the second walk used the
// plan of the first and hashed the same.
func TestStateHashPostAfterWalk(t *testing.T) {
	k := NewKernel()
	k.NewTask("a")
	h := NewStateHasher()
	fp := func() uint64 {
		h.Reset()
		h.Kernel(k)
		sum, ok := h.Sum()
		if !ok {
			t.Fatalf("unhashable: %s", h.Why())
		}
		return sum
	}
	before := fp()
	h.setPost(reflect.TypeFor[Task](), func(h *StateHasher, p unsafe.Pointer) { h.Word(42) })
	if fp() == before {
		t.Error("a post set after the first walk was ignored: the Task plan kept the old one")
	}
}

// A renaming's table of positions (posAt, for small ranges) gives what
// its map gives: the image of a position of the renamed file within the
// range, the position itself elsewhere, in another file, or when the
// range is too wide to tabulate.
func TestRenamingPosImage(t *testing.T) {
	at := func(file string, off int) lang.Pos {
		return lang.Pos{Filename: file, Offset: off, Line: off / 10, Column: off % 10}
	}
	for _, wide := range []bool{false, true} {
		m := map[int]lang.Pos{100: at("a", 300), 140: at("a", 340)}
		if wide {
			m[100+maxPosTable] = at("a", 500)
		}
		r := NewRenaming(nil, nil)
		r.SetPositions("a", m)
		if (r.posAt != nil) == wide {
			t.Fatalf("wide %v: table %v", wide, r.posAt != nil)
		}
		for _, c := range []struct {
			p, want lang.Pos
		}{
			{at("a", 100), at("a", 300)},
			{at("a", 140), at("a", 340)},
			{at("a", 120), at("a", 120)},
			{at("a", 99), at("a", 99)},
			{at("a", 141), at("a", 141)},
			{at("b", 100), at("b", 100)},
		} {
			if got := *r.posImage(&c.p); got != c.want {
				t.Errorf("wide %v: posImage(%v) = %v, want %v", wide, c.p, got, c.want)
			}
			if got := r.Pos(c.p); got != c.want {
				t.Errorf("wide %v: Pos(%v) = %v, want %v", wide, c.p, got, c.want)
			}
		}
	}
}

// padded has seven bytes of padding after a and none of its fields is a
// pointer: a struct of numbers, which the walk once hashed as raw bytes.
type padded struct {
	a uint8
	b uint64
}

type holdsPadded struct{ v [2]padded }

// Equal values hash equal whatever their padding holds (isScalar: a
// struct with padding is walked field by field), and a field's change
// still changes the hash.
func TestStateHashPadding(t *testing.T) {
	sum := func(x *holdsPadded) uint64 {
		h := NewStateHasher()
		h.Reset()
		h.Object(x)
		s, ok := h.Sum()
		if !ok {
			t.Fatal("unhashable")
		}
		return s
	}
	clean := &holdsPadded{[2]padded{{1, 2}, {3, 4}}}
	dirty := &holdsPadded{[2]padded{{1, 2}, {3, 4}}}
	for i := range dirty.v {
		pad := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(&dirty.v[i]), 1)), unsafe.Offsetof(dirty.v[i].b)-1)
		for j := range pad {
			pad[j] = 0xa5
		}
	}
	if sum(clean) != sum(dirty) {
		t.Error("equal values with different padding bytes hash differently")
	}
	other := &holdsPadded{[2]padded{{1, 2}, {3, 5}}}
	if sum(clean) == sum(other) {
		t.Error("a changed field does not change the hash")
	}
}
