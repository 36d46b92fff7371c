package runtime

import (
	"cmp"
	"encoding/binary"
	"math/bits"
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// StateHasher fingerprints a machine state for the explorer's state cache:
// two states with the same fingerprint are treated as the same state, so
// the fingerprint must cover everything a future step can read.
//
// It walks the object graph by reflection rather than through hand-written
// hash methods, so that a field added to any type of mmcore, runtime or
// interp is covered the day it is added (a forgotten field in a hand-written
// hash would merge different states: a missed behaviour, silently). Only
// fields named in Skip are left out; they must be bookkeeping that no future
// step reads (event counters that order reports, the diagnostics list,
// which the interpreter hashes by cause). Objects are numbered in the order
// the walk first reaches them, so the fingerprint depends on the shape of
// the graph, not on addresses; maps are walked in key order (scalars by
// value, objects by number), a map whose object keys the walk has not
// numbered yet at the end of the walk (mapping), and keys nothing else
// names in address order, which costs cache hits but never merges
// different states.
//
// State the walk cannot see makes the state unhashable (Ok is false), and
// the explorer does not cache it: a non-nil Go func value (an operation's
// continuation, a deferred RCU callback: what a closure captured is
// invisible to reflection), a channel, an unsafe pointer. Never a wrong
// hash: an unhashable state is explored as if the cache were off.
//
// Fingerprints are 64 bits (hash compaction, Wolper and Leroy, "Reliable
// hashing without collision detection", CAV 1993): the chance that two of n
// distinct states collide is about n²/2⁶⁵, 3·10⁻⁶ for 10 million states.
type StateHasher struct {
	h     uint64
	bad   string // why the state is unhashable ("" while hashable)
	ids   idTable
	plans map[unsafe.Pointer]*typePlan // by typeKey
	last  *typePlan                    // the plan walk used last
	// lastPtr: the plan ptr used last
	lastPtr *typePlan
	skip    map[reflect.Type]map[string]bool
	ident   map[unsafe.Pointer]bool // by typeKey
	// rec, when set, receives every word with the path of the field it
	// came from (StateHasher.Record: for finding what keeps equal states
	// apart).
	rec  func(path string, w uint64)
	path []string
	// plain makes the walk take every struct field by field through
	// walkP (as Record needs), and interfaces and maps through reflect,
	// instead of the compiled walk (Plain: the reference the compiled
	// walk is tested against).
	plain bool
	// post adds, after a struct's fields, what a type hashes by hand
	// (by typeKey): the canonical forms of fields left out by Skip.
	post map[unsafe.Pointer]func(h *StateHasher, p unsafe.Pointer)
	// k is the kernel being hashed (Kernel), for the hand-written parts
	// that look up a task by ID.
	k *Kernel
	// renaming: a symmetry's renaming of task IDs and PFNs is applied
	// (statehash_rename.go); ren is the current one (nil: none).
	renaming bool
	ren      *Renaming
	// deferred are the maps the walk reached while some of their object
	// keys had no number yet (mapping): their entries are added at the
	// end of the walk (Sum), in the order the maps were reached, when
	// the rest of the graph has numbered the keys.
	deferred []deferredMap
	later    []deferredMap // Sum's second buffer
	// file is the last file name fileWord hashed: the string's bytes
	// and its word.
	file struct {
		data *byte
		n    int
		w    uint64
	}
}

// Record makes the hasher report each word it adds with its field path.
func (h *StateHasher) Record(f func(path string, w uint64)) { h.rec = f }

// Plain makes the hasher walk structs field by field, and interfaces and
// maps through reflect: the walk as first written, which the compiled
// walk (structOp, dynType, typePlan.ptrTo) must match word for word, on
// every hashable state. For tests.
func (h *StateHasher) Plain() { h.plain = true }

// ptrKey is an object: its address and its type (typeKey), plain words,
// so the numbering map hashes them fast (an interface key costs twice).
type ptrKey struct {
	p, t unsafe.Pointer
}

// idTable numbers the objects a walk reaches (1, 2, ... in the order
// reached): an open-addressed table of ptrKeys whose slots are valid only
// when stamped with the current walk's generation, so that a reset is one
// increment rather than clearing the table (a Go map cost a fifth of the
// walk in hashing and clearing).
type idTable struct {
	slots []idSlot
	gen   uint32
	n     uint32 // objects numbered in this walk
}

type idSlot struct {
	key ptrKey
	gen uint32
	id  uint32
}

func (t *idTable) reset() {
	t.gen++
	t.n = 0
	if t.gen == 0 {
		// The generation wrapped: old stamps could look current.
		clear(t.slots)
		t.gen = 1
	}
	if t.slots == nil {
		t.slots = make([]idSlot, 1024)
	}
}

func (k ptrKey) slot(mask int) int {
	x := uint64(uintptr(k.p)) ^ uint64(uintptr(k.t))*0x9e3779b97f4a7c15
	x ^= x >> 29
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 32
	return int(x) & mask
}

// find returns k's number, 0 when the walk has not reached it.
func (t *idTable) find(k ptrKey) uint32 {
	if t.slots == nil {
		return 0
	}
	mask := len(t.slots) - 1
	for i := k.slot(mask); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.gen != t.gen {
			return 0
		}
		if s.key == k {
			return s.id
		}
	}
}

// number returns k's number, numbering it if it is new.
func (t *idTable) number(k ptrKey) (id uint32, isNew bool) {
	if t.slots == nil || int(t.n+1)*2 > len(t.slots) {
		t.grow()
	}
	mask := len(t.slots) - 1
	for i := k.slot(mask); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.gen != t.gen {
			t.n++
			*s = idSlot{k, t.gen, t.n}
			return t.n, true
		}
		if s.key == k {
			return s.id, false
		}
	}
}

func (t *idTable) grow() {
	old, gen := t.slots, t.gen
	t.slots = make([]idSlot, max(2*len(old), 1024))
	if t.gen == 0 {
		t.gen = 1
	}
	mask := len(t.slots) - 1
	for _, s := range old {
		if s.gen != gen {
			continue
		}
		i := s.key.slot(mask)
		for t.slots[i].gen == t.gen {
			i = (i + 1) & mask
		}
		s.gen = t.gen
		t.slots[i] = s
	}
}

// typeKey is the identity of a type as a word: the data word of the
// reflect.Type interface (its *abi.Type), which is unique per type.
func typeKey(t reflect.Type) unsafe.Pointer {
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&t))[1]
}

// typePlan is what the walk needs of a type, worked out once: its kind,
// size, fields and element plans (no reflect calls or map look-ups per
// value).
type typePlan struct {
	t      reflect.Type
	tkey   unsafe.Pointer // typeKey(t)
	kind   reflect.Kind
	size   uintptr
	name   string
	scalar bool // no pointers, strings, maps, interfaces or funcs: hash the bytes
	ident  bool // pointers to it hash by address (Identity)
	fields []fieldPlan
	// A struct's fields as one flat list of steps (compile): nested
	// structs inlined, each scalar field one step, so that the walk does
	// not recurse and dispatch per field. Nil until first walked (a
	// struct's plan is complete only once planning has returned).
	ops []structOp

	elem *typePlan // a pointer's, slice's or array's element
	n    int       // an array's length
	post func(h *StateHasher, p unsafe.Pointer)
	// A map's: its key's and value's plans, the key's ordering (mapKey*),
	// and the type of a pointer to it (for a reflect.Value of the map
	// without reflect.NewAt, which looks the pointer type up in a global
	// cache at every call).
	key, val *typePlan
	keyOrd   int
	ptrTo    unsafe.Pointer
	// An interface's dynamic types met so far (by the first word of the
	// interface value: an itab or a type), so that the walk reads an
	// interface value's words without reflection.
	dyn []dynType
	// A map's scratch slices not in use (getScratch).
	free []*mapScratch
	// fast: a map type's length and entries read natively (mapFast), nil
	// for a map type read through reflect.
	fast *mapFastOps
	// ren: a PFN or PTE word, renamed (renaming hashers only).
	ren renKind
}

// Map key orders (typePlan.keyOrd): how mapping places an entry.
const (
	mapKeyBytes     = iota // plain bytes: by the bytes
	mapKeyString           // by the string's bytes
	mapKeyScalar           // other scalars (floats, structs with fields left out): by their own hash
	mapKeyPointer          // an object: by its number, else its address
	mapKeyInterface        // an object behind an interface, likewise; else unhashable
	mapKeyOther            // unhashable
)

// dynType is a dynamic type an interface was met holding.
type dynType struct {
	word  unsafe.Pointer // the interface value's first word
	tword uint64         // the type's identity, as hashed
	kind  int            // dyn*
	pl    *typePlan      // the pointed-to type (dynPointer) or the type
	t     reflect.Type
}

// Dynamic types' layouts in an interface value (dynType.kind).
const (
	dynPointer  = iota // the data word is the pointer
	dynString          // the data word points to the string
	dynIndirect        // the data word points to the value
	dynOther           // the data word may be the value itself: by reflection
)

// structOp is a step of a struct's flat walk: it adds the part of the
// struct at off.
type structOp struct {
	kind uint8 // op*
	off  uintptr
	pl   *typePlan // opBytes: the part's; opPtr: the pointed-to type's; opWalk: the part's; opPost: the nested struct's
}

const (
	opU8     = iota // a one-byte scalar: a word
	opU16           // likewise
	opU32           // likewise
	opU64           // likewise
	opBytes         // a scalar struct: its bytes
	opString        // a string
	opPtr           // a pointer
	opWalk          // anything else: walkP
	opPost          // a nested struct's hand-written part, after its fields
	opSlice         // a slice: its length, then its elements (pl: the slice's)
	opMap           // a map: 0 when nil, else mapping (pl: the map's)
	opEnd           // the struct's end (compiled)
)

type fieldPlan struct {
	off  uintptr
	name string
	pl   *typePlan
}

// NewStateHasher makes a hasher that knows the runtime's bookkeeping
// fields: Kernel.clock, Task.waitSeq and Hold.seq only order the events of
// a report; Kernel.diags and Kernel.seen are the findings so far (the
// interpreter hashes their causes); Kernel.fp is the explorer's recorder;
// lockdep's edgeOrigin.thread and .path only name who made an edge in a
// report's text (the edge's position stays); Task.cur is the call record of the last operation, read only while an
// operation is under way (and a thread inside an operation holds a
// continuation, which is unhashable anyway).
func NewStateHasher() *StateHasher {
	h := &StateHasher{plans: map[unsafe.Pointer]*typePlan{},
		skip: map[reflect.Type]map[string]bool{}, ident: map[unsafe.Pointer]bool{},
		post: map[unsafe.Pointer]func(*StateHasher, unsafe.Pointer){}}
	h.Skip(Kernel{}, "clock", "diags", "seen", "fp")
	skipPools(h)
	h.Skip(Task{}, "waitSeq", "cur")
	h.Skip(Hold{}, "seq")
	// The page-table change count and what NoteChanges last saw of it
	// only spare NoteChanges a rescan that would change nothing: states
	// alike but for them go on alike.
	h.Skip(mmcore.Memory{}, "ptGen")
	h.Skip(mmcore.TLB{}, "noted")
	h.Skip(Lock{}, "fpID") // its Name's hash (footprints)
	// A PTL's table and mm are where it was made (ptl()), fixed: the
	// table's own Lock field, hashed with the table, already ties them.
	h.Skip(Lock{}, "pt")
	// Footprint bookkeeping of the current step (fpTransientEnd): at a
	// step boundary it names a past step, which nothing reads.
	h.Skip(Hold{}, "fpStep", "fpPrior")
	// Which thread first made a lockdep edge, and its call path, only
	// name it in a later report's text; the edge's position, which a
	// finding's cause includes, stays.
	h.Skip(edgeOrigin{}, "thread", "path")
	// lockdep's edge origins are a map of a dozen entries or more (the
	// documented order is seeded), walked in every fingerprint: by
	// reflection and a sort they were a third of the hashing on
	// mmlocks_N3. Each entry is hashed on its own by hand and the entry
	// hashes are added, which is independent of the map's order without
	// sorting (the sum of well-mixed words, as in incremental hashing).
	// What is hashed is what the walk hashed: the two classes and the
	// position (thread and path are left out, as above).
	h.Skip(lockdep{}, "from")
	h.setPost(reflect.TypeFor[lockdep](), func(h *StateHasher, p unsafe.Pointer) {
		from := (*lockdep)(p).from
		var sum uint64
		for k, o := range from {
			x := uint64(k[0])<<8 | uint64(k[1])
			x = fmix(x*0x9e3779b97f4a7c15 ^ uint64(o.pos.Offset))
			x = fmix(x ^ uint64(o.pos.Line)<<32 ^ uint64(o.pos.Column))
			x = fmix(x ^ stringWord(o.pos.Filename))
			sum += x
		}
		h.Word(uint64(len(from)))
		h.Word(sum)
	})
	// A lock epoch's seq is the event clock of the hold it was read under
	// (stale.go), which counts every acquisition of every lock so far:
	// two states that differ only in how many locks were taken before
	// would never merge. Its only use is staleUnder's h.seq != e.seq, with
	// h the owner's last hold of the epoch's lock; the clock only grows,
	// so a seq that is no current hold of the owner's will never be one,
	// and what a future step can tell from it is which of the owner's
	// current holds it is, or none: that is what is hashed (canonSeq).
	h.Skip(epoch{}, "seq")
	// A task's waitMode and waitPos say how and where it waits while it
	// is queued (waitLock set); a grant or a grace period's end clears
	// waitLock and leaves them behind, and every reader (grant, deadlock
	// and state reports, the REPL) reads them only while waitLock is set.
	// Hashed always, they kept apart states that differ only in where a
	// thread once waited: half of mmlocks_N3's stored states (35,896 ->
	// 16,965). They are hashed while the task waits.
	h.Skip(Task{}, "waitMode", "waitPos")
	// RCU read-side sections and IRQs-off regions are numbered from a
	// kernel-wide counter (Task.readerChange, Task.irqDisable), so a number
	// says in which order tasks entered theirs: two independent
	// rcu_read_lock()s ended in states that differed in it alone (final
	// states the reduced search, which runs one order, could not reach).
	// What steps read of a number: a task's (rcuSection, irqSection) and a
	// VMA found under RCU (epoch.rcu), only whether it is 0; a PTE handle's
	// (PTE.rcuSection), only whether it is the current section of the task
	// using it, which a closed section can never be again (the counter
	// only grows): hashed as which task's open section it is, or none; a
	// grace period's readers, only as a set, which gp.lock.readers also
	// holds. The counters themselves are never read but to number.
	h.Skip(Task{}, "rcuSection", "irqSection")
	h.Skip(rcuState{}, "epoch", "irqEpoch")
	h.Skip(gracePeriod{}, "readers")
	h.Skip(epoch{}, "rcu")
	h.addPost(reflect.TypeFor[epoch](), func(h *StateHasher, p unsafe.Pointer) { h.Word(nonZero((*epoch)(p).rcu)) })
	h.Skip(PTE{}, "rcuSection")
	h.addPost(reflect.TypeFor[PTE](), func(h *StateHasher, p unsafe.Pointer) {
		sec, w := (*PTE)(p).rcuSection, uint64(0)
		if h.k != nil && sec != 0 {
			for _, t := range h.k.Tasks {
				if t.rcuSection == sec {
					w = uint64(h.ren.Task(t.ID)) + 1
				}
			}
		}
		h.Word(w)
	})
	h.setPost(reflect.TypeFor[Task](), func(h *StateHasher, p unsafe.Pointer) {
		t := (*Task)(p)
		h.Word(nonZero(t.rcuSection) | nonZero(t.irqSection)<<1)
		for _, e := range t.epochs {
			h.Word(canonSeq(t, e.seq))
		}
		if t.waitLock != nil {
			h.Word(uint64(t.waitMode))
			h.walk(posType, unsafe.Pointer(&t.waitPos))
		} else {
			h.Word(0)
		}
	})
	h.setPost(reflect.TypeFor[entryEpoch](), func(h *StateHasher, p unsafe.Pointer) {
		e := (*entryEpoch)(p)
		var owner *Task
		if h.k != nil && e.task >= 0 && e.task < len(h.k.Tasks) {
			owner = h.k.Tasks[e.task]
		}
		h.Word(canonSeq(owner, e.seq))
	})
	// A position's file name is one word, its 64-bit hash (fileWord:
	// worked out once per name string), not its bytes: a state holds a
	// score of positions (where each thread is, where each lock was
	// taken, ...) in one or two files, and their names were a seventh of
	// the words of a state (mmlocks_N5 without symmetry: 6 of a
	// position's 9 words). Two names collide with the odds of two
	// fingerprints. (The renaming hasher replaces this part.)
	h.Skip(lang.Pos{}, "Filename")
	h.setPost(posType, func(h *StateHasher, p unsafe.Pointer) {
		h.Word(h.fileWord((*lang.Pos)(p).Filename))
	})
	// A kernel struct's maker (owned.go) is a task ID: renamed under a
	// symmetry, as the tasks are, so that symmetric threads' structs
	// hash alike.
	h.Skip(Owned{}, "owner")
	h.setPost(reflect.TypeFor[Owned](), func(h *StateHasher, p unsafe.Pointer) {
		if o := (*Owned)(p).owner; o != 0 {
			h.Word(uint64(h.ren.Task(int(o)-1)) + 1)
		} else {
			h.Word(0)
		}
	})
	// Program objects: the same for every run of a program, never changed.
	h.Identity(ProgramObjects()...)
	return h
}

func nonZero(x uint64) uint64 {
	if x != 0 {
		return 1
	}
	return 0
}

// canonSeq is the canonical form of a lock epoch's seq (see
// NewStateHasher): 1 + the index of the owner's hold with that seq, or 0.
func canonSeq(owner *Task, seq uint64) uint64 {
	if owner == nil || seq == 0 {
		return 0
	}
	for i := range owner.holds {
		if owner.holds[i].seq == seq {
			return uint64(i) + 1
		}
	}
	return 0
}

// Skip leaves the named fields of struct type typ (a value of it) out of
// the fingerprint.
func (h *StateHasher) Skip(typ any, fields ...string) {
	t := reflect.TypeOf(typ)
	if h.skip[t] == nil {
		h.skip[t] = map[string]bool{}
	}
	for _, f := range fields {
		h.skip[t][f] = true
	}
	clear(h.plans) // plans point to their parts' plans
	h.last, h.lastPtr = nil, nil

}

// Identity makes pointers of the given types (pointer values, e.g. &Op{})
// hash by address: objects that live as long as the program and never
// change.
func (h *StateHasher) Identity(ptrs ...any) {
	for _, p := range ptrs {
		h.ident[typeKey(reflect.TypeOf(p).Elem())] = true
	}
	clear(h.plans)
	h.last, h.lastPtr = nil, nil
}

// Reset starts a new fingerprint.
func (h *StateHasher) Reset() {
	h.h = 0x9e3779b97f4a7c15
	h.bad = ""
	h.ids.reset()
	h.deferred = h.deferred[:0]
	h.later = h.later[:0]
}

// Sum returns the fingerprint, and false when the state is unhashable.
// It first adds the maps the walk deferred (mapping), in passes: each
// pass adds, in the order they were deferred, the maps whose keys all
// have numbers now, and defers the others again, for the objects the
// pass numbers (a map's keys may be reached only through another
// deferred map). A pass that adds none ends it: the maps left are
// ordered by address, as no part of the graph numbers their keys.
func (h *StateHasher) Sum() (uint64, bool) {
	last := false
	for len(h.deferred) > 0 && h.bad == "" {
		batch := h.deferred
		h.deferred = h.later[:0]
		added := false
		for i := range batch {
			d := &batch[i]
			n := len(h.deferred)
			h.Word(deferredWord)
			m := d.m
			h.mapEntries(d.pl, unsafe.Pointer(&m), !last)
			if len(h.deferred) == n || h.deferred[n].m != d.m {
				added = true
			}
		}
		h.later = batch[:0]
		last = !added
	}
	h.deferred = h.deferred[:0]
	return fmix(h.h), h.bad == ""
}

// Why says what made the state unhashable ("" when it is not).
func (h *StateHasher) Why() string { return h.bad }

// Word adds a number.
func (h *StateHasher) Word(x uint64) {
	if h.rec != nil {
		h.record(x)
	}
	h.h = bits.RotateLeft64(h.h^(x*0x87c37b91114253d5), 31) * 0x4cf5ad432745937f
}

// mixWord is hash x with word w added: Word's mix (written out in Word,
// which would not inline through it).
func mixWord(x, w uint64) uint64 {
	return bits.RotateLeft64(x^(w*0x87c37b91114253d5), 31) * 0x4cf5ad432745937f
}

// record is Word's slow path, out of line so that Word inlines.
func (h *StateHasher) record(x uint64) { h.rec(strings.Join(h.path, "."), x) }

// String adds a string.
func (h *StateHasher) String(s string) {
	h.Word(uint64(len(s)))
	h.bytes(unsafe.Pointer(unsafe.StringData(s)), uintptr(len(s)))
}

// Kernel adds the kernel's whole state: memory and pages, every MM (VMAs,
// page tables, TLB, rmap), files, tasks with their held locks and waits,
// locks, lockdep's graph, RCU.
func (h *StateHasher) Kernel(k *Kernel) {
	h.k = k
	h.Object(k)
}

// Object adds the object a pointer points to, and all it reaches.
func (h *StateHasher) Object(p any) {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer {
		h.unhashable("Object of a non-pointer " + v.Type().String())
		return
	}
	h.ptr(v.Type().Elem(), v.UnsafePointer())
}

// Value adds a script value.
func (h *StateHasher) Value(v Value) {
	h.walk(valueType, unsafe.Pointer(&v))
}

// Values adds script values (a thread's stack, the globals).
func (h *StateHasher) Values(vs []Value) {
	h.Word(uint64(len(vs)))
	for i := range vs {
		h.walk(valueType, unsafe.Pointer(&vs[i]))
	}
}

var valueType = reflect.TypeOf(Value{})

var posType = reflect.TypeOf(Task{}.waitPos)

func (h *StateHasher) unhashable(why string) {
	if h.bad == "" {
		h.bad = why
	}
}

func fmix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// sparseBytes is the size from which bytes hashes only non-zero words.
const sparseBytes = 256

func (h *StateHasher) bytes(p unsafe.Pointer, n uintptr) {
	if n == 0 {
		return
	}
	// Read through a slice, not by advancing p: a pointer stepped one past
	// the end of its allocation is invalid to checkptr (go test -race).
	b := unsafe.Slice((*byte)(p), n)
	if n >= sparseBytes {
		// A page table's 512 entries are mostly zero: hash the
		// non-zero words with their places, then the length (which
		// determines the bytes as surely as all the words), at a test
		// per zero word instead of a multiply.
		i := uint64(0)
		for ; len(b) >= 64; i += 8 {
			// A cache line at one test: most of a table's are zero.
			_ = b[63]
			w0, w1 := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])
			w2, w3 := binary.LittleEndian.Uint64(b[16:]), binary.LittleEndian.Uint64(b[24:])
			w4, w5 := binary.LittleEndian.Uint64(b[32:]), binary.LittleEndian.Uint64(b[40:])
			w6, w7 := binary.LittleEndian.Uint64(b[48:]), binary.LittleEndian.Uint64(b[56:])
			if w0|w1|w2|w3|w4|w5|w6|w7 != 0 {
				for j, w := range [8]uint64{w0, w1, w2, w3, w4, w5, w6, w7} {
					if w != 0 {
						h.Word(i + uint64(j))
						h.Word(w)
					}
				}
			}
			b = b[64:]
		}
		for ; len(b) >= 8; i++ {
			if w := binary.LittleEndian.Uint64(b); w != 0 {
				h.Word(i)
				h.Word(w)
			}
			b = b[8:]
		}
		h.Word(1<<63 | uint64(n))
	}
	for len(b) >= 8 {
		h.Word(binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	if len(b) > 0 {
		var w uint64
		for _, c := range b {
			w = w<<8 | uint64(c)
		}
		h.Word(w)
	}
}

func (h *StateHasher) plan(t reflect.Type) *typePlan {
	if p := h.plans[typeKey(t)]; p != nil {
		return p
	}
	// Registered before its parts are planned: types are recursive.
	p := &typePlan{t: t, tkey: typeKey(t), kind: t.Kind(), size: t.Size(), name: t.Name(),
		scalar: isScalar(t), post: h.post[typeKey(t)], ident: h.ident[typeKey(t)]}
	h.plans[typeKey(t)] = p
	if h.renaming {
		h.planRenamed(p)
	}
	switch p.kind {
	case reflect.Struct:
		skip := h.skip[t]
		for i := range t.NumField() {
			f := t.Field(i)
			if skip[f.Name] || f.Name == "_" {
				continue
			}
			p.fields = append(p.fields, fieldPlan{f.Offset, f.Name, h.plan(f.Type)})
		}
		if len(skip) > 0 || p.post != nil {
			p.scalar = false
		}
	case reflect.Pointer, reflect.Slice, reflect.Array:
		p.elem = h.plan(t.Elem())
		if p.kind == reflect.Array {
			p.n = t.Len()
		}
	case reflect.Map:
		kt := t.Key()
		p.key, p.val = h.plan(kt), h.plan(t.Elem())
		p.ptrTo = typeKey(reflect.PointerTo(t))
		if f, ok := mapFast[p.tkey]; ok {
			p.fast = &f
		}
		switch {
		case isScalar(kt) && p.key.scalar:
			p.keyOrd = mapKeyBytes
		case kt.Kind() == reflect.String:
			p.keyOrd = mapKeyString
		case isScalar(kt):
			p.keyOrd = mapKeyScalar
		case kt.Kind() == reflect.Pointer:
			p.keyOrd = mapKeyPointer
		case kt.Kind() == reflect.Interface:
			p.keyOrd = mapKeyInterface
		default:
			p.keyOrd = mapKeyOther
		}
	}
	return p
}

// compile makes the flat walk of struct plan pl: the steps its fields
// take in walkP, in the same order, with the same words.
func compile(pl *typePlan) {
	pl.ops = compileInto(pl.ops[:0], pl, 0)
	pl.ops = append(pl.ops, structOp{kind: opEnd})
}

func compileInto(ops []structOp, pl *typePlan, base uintptr) []structOp {
	for _, f := range pl.fields {
		off, fp := base+f.off, f.pl
		if fp.ren != 0 {
			ops = append(ops, structOp{opWalk, off, fp})
			continue
		}
		var k uint8
		switch fp.kind {
		case reflect.Bool, reflect.Int8, reflect.Uint8:
			k = opU8
		case reflect.Int16, reflect.Uint16:
			k = opU16
		case reflect.Int32, reflect.Uint32:
			k = opU32
		case reflect.Int, reflect.Uint, reflect.Int64, reflect.Uint64, reflect.Uintptr:
			k = opU64
		case reflect.String:
			k = opString
		case reflect.Pointer:
			ops = append(ops, structOp{opPtr, off, fp.elem})
			continue
		case reflect.Slice:
			// Most of a task's slices are empty: the length and no
			// call, as walkP adds them.
			k = opSlice
		case reflect.Map:
			k = opMap
		case reflect.Struct:
			if fp.scalar {
				k = opBytes
				break
			}
			ops = compileInto(ops, fp, off)
			if fp.post != nil {
				ops = append(ops, structOp{opPost, off, fp})
			}
			continue
		default:
			k = opWalk
		}
		ops = append(ops, structOp{k, off, fp})
	}
	return ops
}

// walkStruct adds the fields of the non-scalar struct at p by its flat
// walk. It is never used while recording (Record walks plainly), so it
// mixes words into a local copy of the hash, written back around the
// calls that add words of their own: most of a struct's steps are
// numbers and empty slices, maps and nil pointers, and mixing them
// through h.h cost a store and a load per word on the hash's chain of
// dependent operations. The same words are added as by Word.
func (h *StateHasher) walkStruct(pl *typePlan, p unsafe.Pointer) {
	if pl.ops == nil {
		compile(pl)
	}
	x := h.h
	for i := range pl.ops {
		op := &pl.ops[i]
		q := unsafe.Add(p, op.off)
		switch op.kind {
		case opU8:
			x = mixWord(x, uint64(*(*uint8)(q)))
		case opU16:
			x = mixWord(x, uint64(*(*uint16)(q)))
		case opU32:
			x = mixWord(x, uint64(*(*uint32)(q)))
		case opU64:
			x = mixWord(x, *(*uint64)(q))
		case opBytes:
			h.h = x
			h.bytes(q, op.pl.size)
			x = h.h
		case opString:
			// String's words.
			s := *(*string)(q)
			x = mixWord(x, uint64(len(s)))
			if len(s) != 0 {
				h.h = x
				h.bytes(unsafe.Pointer(unsafe.StringData(s)), uintptr(len(s)))
				x = h.h
			}
		case opPtr:
			r := *(*unsafe.Pointer)(q)
			if r == nil {
				// ptrP's word for nil.
				x = mixWord(x, 0)
				continue
			}
			h.h = x
			h.ptrP(op.pl, r)
			x = h.h
		case opWalk:
			h.h = x
			h.walkP(op.pl, q)
			x = h.h
		case opPost:
			h.h = x
			op.pl.post(h, q)
			x = h.h
		case opSlice:
			s := (*sliceHeader)(q)
			x = mixWord(x, uint64(s.len))
			if s.len != 0 {
				h.h = x
				h.seqP(op.pl.elem, s.data, s.len)
				x = h.h
			}
		case opMap:
			if *(*unsafe.Pointer)(q) == nil {
				x = mixWord(x, 0)
				continue
			}
			h.h = x
			h.mapping(op.pl, q)
			x = h.h
		case opEnd:
			h.h = x
			return
		}
	}
	h.h = x
}

// plainInterface adds the non-nil interface value at p by reflection.
func (h *StateHasher) plainInterface(pl *typePlan, p unsafe.Pointer) {
	e := reflect.NewAt(pl.t, p).Elem().Elem()
	dt := e.Type()
	h.Word(uint64(uintptr(typeKey(dt))))
	switch dt.Kind() {
	case reflect.Pointer:
		h.ptr(dt.Elem(), e.UnsafePointer())
	case reflect.String:
		h.String(e.String())
	default:
		c := reflect.New(dt)
		c.Elem().Set(e)
		h.walk(dt, c.UnsafePointer())
	}
}

// dynamic returns what the walk needs of the dynamic type of the
// interface value at p (of the interface type planned by pl, not nil),
// worked out once per type.
func (h *StateHasher) dynamic(pl *typePlan, p unsafe.Pointer) *dynType {
	w := *(*unsafe.Pointer)(p)
	for i := range pl.dyn {
		if pl.dyn[i].word == w {
			return &pl.dyn[i]
		}
	}
	dt := reflect.NewAt(pl.t, p).Elem().Elem().Type()
	d := dynType{word: w, tword: uint64(uintptr(typeKey(dt))), t: dt, kind: dynOther}
	switch dt.Kind() {
	case reflect.Pointer:
		d.kind, d.pl = dynPointer, h.plan(dt.Elem())
	case reflect.String:
		d.kind = dynString
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Slice, reflect.Interface:
		// Never pointer-shaped: boxed, the data word points to it.
		d.kind, d.pl = dynIndirect, h.plan(dt)
	case reflect.Struct, reflect.Array:
		// Pointer-shaped (stored in the data word itself) only if one
		// pointer wide.
		if dt.Size() != unsafe.Sizeof(uintptr(0)) {
			d.kind, d.pl = dynIndirect, h.plan(dt)
		}
	}
	pl.dyn = append(pl.dyn, d)
	return &pl.dyn[len(pl.dyn)-1]
}

// isScalar reports whether a value of t is plain bytes: equal bytes, equal
// values. A struct with padding is not: Go copies a struct's padding with
// it, and padding is not always zero (a value built in a stack slot the
// compiler did not clear), so two equal values could differ in their
// bytes: a missed cache hit, and a state count that depends on what the
// stack held. Such a struct is walked field by field.
func isScalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	case reflect.Array:
		return isScalar(t.Elem())
	case reflect.Struct:
		end := uintptr(0)
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Offset != end || !isScalar(f.Type) {
				return false
			}
			end = f.Offset + f.Type.Size()
		}
		return end == t.Size()
	}
	// Floats are not: +0 and -0 are equal with different bytes (a miss,
	// harmless, but the walk handles them exactly anyway).
	return false
}

func (h *StateHasher) ptr(elem reflect.Type, q unsafe.Pointer) {
	// The hand-written parts hash one type many times in a row (tasks,
	// pages): no plan look-up for them.
	if h.lastPtr == nil || h.lastPtr.t != elem {
		h.lastPtr = h.plan(elem)
	}
	h.ptrP(h.lastPtr, q)
}

func (h *StateHasher) ptrP(ep *typePlan, q unsafe.Pointer) {
	if q == nil {
		h.Word(0)
		return
	}
	if ep.ident {
		h.Word(1)
		h.Word(uint64(uintptr(q)))
		return
	}
	if id, isNew := h.ids.number(ptrKey{q, ep.tkey}); !isNew {
		// An object reached before: its number, tagged 2 in the low
		// bits (one word, not two: a nil pointer is 0, an identity 1,
		// a new object 3, each followed by its own).
		h.Word(uint64(id)<<2 | 2)
		return
	}
	h.Word(3)
	if ep.kind == reflect.Struct && !ep.scalar && h.rec == nil && !h.plain && h.bad == "" {
		// walkP's struct case, without its dispatch: most pointers
		// are to structs.
		h.walkStruct(ep, q)
		if ep.post != nil {
			ep.post(h, q)
		}
		return
	}
	h.walkP(ep, q)
}

// walk adds the value of type t at p.
func (h *StateHasher) walk(t reflect.Type, p unsafe.Pointer) {
	if h.last != nil && h.last.t == t {
		// Values and the hand-written parts walk one type many times
		// in a row: no plan look-up for them.
		h.walkP(h.last, p)
		return
	}
	h.last = h.plan(t)
	h.walkP(h.last, p)
}

// walkP adds the value at p of the type planned by pl.
func (h *StateHasher) walkP(pl *typePlan, p unsafe.Pointer) {
	if h.bad != "" {
		return
	}
	switch pl.kind {
	case reflect.Bool, reflect.Int8, reflect.Uint8:
		h.Word(uint64(*(*uint8)(p)))
	case reflect.Int16, reflect.Uint16:
		h.Word(uint64(*(*uint16)(p)))
	case reflect.Int32, reflect.Uint32:
		h.Word(uint64(*(*uint32)(p)))
	case reflect.Int, reflect.Uint, reflect.Int64, reflect.Uint64, reflect.Uintptr:
		if pl.ren != 0 {
			h.Word(h.ren.word(pl.ren, *(*uint64)(p)))
			return
		}
		h.Word(*(*uint64)(p))
	case reflect.Float32:
		f := *(*float32)(p)
		if f == 0 {
			f = 0
		}
		h.Word(uint64(*(*uint32)(unsafe.Pointer(&f))))
	case reflect.Float64:
		f := *(*float64)(p)
		if f == 0 {
			f = 0
		}
		h.Word(*(*uint64)(unsafe.Pointer(&f)))
	case reflect.String:
		h.String(*(*string)(p))
	case reflect.Pointer:
		h.ptrP(pl.elem, *(*unsafe.Pointer)(p))
	case reflect.Struct:
		if pl.scalar {
			h.bytes(p, pl.size)
			return
		}
		if h.rec == nil && !h.plain {
			h.walkStruct(pl, p)
			if pl.post != nil {
				pl.post(h, p)
			}
			return
		}
		for i := range pl.fields {
			f := &pl.fields[i]
			if h.rec != nil {
				h.path = append(h.path, pl.name+"."+f.name)
				h.walkP(f.pl, unsafe.Add(p, f.off))
				h.path = h.path[:len(h.path)-1]
				continue
			}
			h.walkP(f.pl, unsafe.Add(p, f.off))
		}
		if pl.post != nil {
			pl.post(h, p)
		}
	case reflect.Array:
		h.seqP(pl.elem, p, pl.n)
	case reflect.Slice:
		s := (*sliceHeader)(p)
		h.Word(uint64(s.len))
		h.seqP(pl.elem, s.data, s.len)
	case reflect.Interface:
		// An interface value is two words: a type or itab (nil for a
		// nil interface), and the data.
		if *(*unsafe.Pointer)(p) == nil {
			h.Word(0)
			return
		}
		if h.plain {
			h.plainInterface(pl, p)
			return
		}
		d := h.dynamic(pl, p)
		if d.kind == dynOther {
			h.plainInterface(pl, p)
			return
		}
		h.Word(d.tword)
		data := *(*unsafe.Pointer)(unsafe.Add(p, unsafe.Sizeof(uintptr(0))))
		switch d.kind {
		case dynPointer:
			h.ptrP(d.pl, data)
		case dynString:
			h.String(*(*string)(data))
		default:
			h.walkP(d.pl, data)
		}
	case reflect.Map:
		if *(*unsafe.Pointer)(p) == nil {
			// A map value is a pointer: nil is the empty map.
			h.Word(0)
			return
		}
		h.mapping(pl, p)
	case reflect.Func:
		if *(*unsafe.Pointer)(p) != nil {
			h.unhashable("a Go continuation (" + pl.t.String() + ")")
		}
		h.Word(0)
	default:
		if *(*unsafe.Pointer)(p) != nil || pl.kind == reflect.Complex64 || pl.kind == reflect.Complex128 {
			h.unhashable("a " + pl.t.String())
		}
	}
}

// sliceHeader is a slice value's layout.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

func (h *StateHasher) seqP(ep *typePlan, p unsafe.Pointer, n int) {
	if n == 0 {
		return
	}
	if ep.scalar {
		h.bytes(p, ep.size*uintptr(n))
		return
	}
	if ep.ren != 0 {
		h.renamedWords(ep.ren, unsafe.Slice((*uint64)(p), n))
		return
	}
	if ep.kind == reflect.Pointer && !ep.elem.ident {
		// Page-table levels are 512 pointers, mostly nil: skip runs of
		// nil quickly, numbering the gaps.
		ps := unsafe.Slice((*unsafe.Pointer)(p), n)
		// The same words read as integers, four nil pointers skipped
		// at one test.
		us := unsafe.Slice((*uintptr)(p), n)
		et := ep.elem
		i := 0
		for ; i+8 <= n; i += 8 {
			u := us[i : i+8 : i+8]
			if u[0]|u[1]|u[2]|u[3]|u[4]|u[5]|u[6]|u[7] == 0 {
				continue
			}
			for j := i; j < i+8; j++ {
				if q := ps[j]; q != nil {
					h.Word(uint64(j))
					h.ptrP(et, q)
				}
			}
		}
		for ; i < n; i++ {
			if q := ps[i]; q != nil {
				h.Word(uint64(i))
				h.ptrP(et, q)
			}
		}
		h.Word(^uint64(0))
		return
	}
	for i := range n {
		h.walkP(ep, unsafe.Add(p, uintptr(i)*ep.size))
	}
}

// mapping adds a map in a canonical order where the keys give one: scalar
// and string keys by value, object keys by their number. A map with an
// object key the walk has not numbered yet is deferred: its length and a
// mark are added here, its entries at the end of the walk (Sum), when the
// rest of the graph has numbered its keys, so that the order does not
// depend on where the allocator put the keys (the kernel's table of PTE
// tables, walked before the tables it names, ordered by address made
// equal states hash differently and the search count depend on the
// allocation history). The deferral is canonical (whether a key has a
// number depends only on the graph), and the mark and the order of the
// deferred maps keep the words a function of the state. A key no part of
// the graph names but the map is ordered by address at the end
// (non-canonical: equal states may then hash differently, never the other
// way round). Entries are copied into reused slices (SetIterKey), so a
// walk allocates nothing.
func (h *StateHasher) mapping(pl *typePlan, p unsafe.Pointer) { h.mapEntries(pl, p, true) }

// deferredMap is a map mapping left for the end of the walk: its type
// and the map itself (the word a map variable holds), not the address of
// the variable, which may lie in a scratch buffer of an enclosing map's
// entries that a later walk reuses.
type deferredMap struct {
	pl *typePlan
	m  unsafe.Pointer
}

// deferredWord marks a deferred map where it is reached and again where
// its entries are added.
const deferredWord = 0xdefe44edfeedface

// mapEntries adds the map at p: its length, then its entries in key
// order, or, when mayDefer and a key has no number yet, a mark and the
// map queued for Sum.
func (h *StateHasher) mapEntries(pl *typePlan, p unsafe.Pointer, mayDefer bool) {
	var m reflect.Value
	var n int
	fast := pl.fast != nil && !h.plain
	if fast {
		n = pl.fast.len(p)
	} else {
		// reflect.NewAt(t, p).Elem(), without its look-up of *t: an
		// interface holding a *t is the pointer type's word and p.
		var e any
		ew := (*[2]unsafe.Pointer)(unsafe.Pointer(&e))
		ew[0], ew[1] = pl.ptrTo, p
		m = reflect.ValueOf(e).Elem()
		if h.plain {
			m = reflect.NewAt(pl.t, p).Elem()
		}
		n = m.Len()
	}
	h.Word(uint64(n))
	if n == 0 {
		return
	}
	kt, vt := pl.key.t, pl.val.t
	sc := getScratch(pl, n)
	defer putScratch(pl, sc)
	// Entries are addressed in place: reflect's Index(i).Addr() looks up
	// the pointer type in a global cache at every call.
	kb, vb := sc.keys.UnsafePointer(), sc.vals.UnsafePointer()
	if fast {
		pl.fast.copy(p, kb, vb)
	} else {
		it := m.MapRange()
		for i := 0; it.Next(); i++ {
			sc.keys.Index(i).SetIterKey(it)
			sc.vals.Index(i).SetIterValue(it)
		}
	}
	ks, vs := kt.Size(), vt.Size()
	kp := func(i int) unsafe.Pointer { return unsafe.Add(kb, uintptr(i)*ks) }
	sc.ord = sc.ord[:0]
	if n == 1 && pl.keyOrd != mapKeyInterface && pl.keyOrd != mapKeyOther {
		// One entry has one order (most of a task's maps with entries
		// have one: its vmaBase): no key to place. Interface keys and
		// unordered ones still go through the checks below.
		h.walkP(pl.key, kp(0))
		h.walkP(pl.val, vb)
		return
	}
	for i := range n {
		var ord uint64
		switch pl.keyOrd {
		case mapKeyBytes:
			// Plain-bytes keys (no field left out) are ordered by
			// their bytes directly, without a hasher of their own.
			ord = orderBytes(unsafe.Slice((*byte)(kp(i)), ks))
		case mapKeyString:
			str := *(*string)(kp(i))
			ord = orderBytes(unsafe.Slice(unsafe.StringData(str), len(str)))
		case mapKeyScalar:
			sub := StateHasher{h: 1, plans: h.plans, skip: h.skip, ident: h.ident, post: h.post, k: h.k, renaming: h.renaming, ren: h.ren}
			sub.walkP(pl.key, kp(i))
			ord = sub.h
		case mapKeyPointer:
			ord = h.order(*(*unsafe.Pointer)(kp(i)), pl.key.elem.tkey)
		case mapKeyInterface:
			if *(*unsafe.Pointer)(kp(i)) == nil {
				h.unhashable("a map keyed by " + kt.String())
				return
			}
			d := h.dynamic(pl.key, kp(i))
			if d.kind != dynPointer {
				h.unhashable("a map keyed by " + kt.String())
				return
			}
			ord = h.order(*(*unsafe.Pointer)(unsafe.Add(kp(i), unsafe.Sizeof(uintptr(0)))), d.pl.tkey)
		default:
			h.unhashable("a map keyed by " + kt.String())
			return
		}
		if ord>>63 != 0 && mayDefer && (pl.keyOrd == mapKeyPointer || pl.keyOrd == mapKeyInterface) {
			// an object key not numbered yet (order)
			h.Word(deferredWord)
			h.deferred = append(h.deferred, deferredMap{pl, *(*unsafe.Pointer)(p)})
			return
		}
		sc.ord = append(sc.ord, ordIdx{ord, i})
	}
	slices.SortFunc(sc.ord, func(a, b ordIdx) int { return cmp.Compare(a.ord, b.ord) })
	for _, o := range sc.ord {
		h.walkP(pl.key, kp(o.i))
		h.walkP(pl.val, unsafe.Add(vb, uintptr(o.i)*vs))
	}
}

// stringWord is a word of s (equal strings, equal words).
func stringWord(s string) uint64 {
	return orderBytes(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// orderBytes is a map key's place by its bytes (equal keys, equal places).
func orderBytes(b []byte) uint64 {
	x := uint64(len(b))
	for len(b) >= 8 {
		x = bits.RotateLeft64(x^binary.LittleEndian.Uint64(b)*0x87c37b91114253d5, 31) * 0x4cf5ad432745937f
		b = b[8:]
	}
	for _, c := range b {
		x = (x ^ uint64(c)) * 0x100000001b3
	}
	return fmix(x)
}

// order is a map key's place: its number once the walk has reached the
// object, else its address.
func (h *StateHasher) order(q unsafe.Pointer, elem unsafe.Pointer) uint64 {
	if id := h.ids.find(ptrKey{q, elem}); id != 0 {
		return uint64(id)
	}
	return 1<<63 | uint64(uintptr(q))
}

type mapScratch struct {
	keys, vals reflect.Value // slices of the map's key and value types
	ord        []ordIdx
}

// ordIdx is a map entry's place in the canonical order and its index in
// mapScratch.keys and .vals.
type ordIdx struct {
	ord uint64
	i   int
}

// getScratch returns slices for n entries of the map type planned by pl;
// maps nested in the values get their own.
func getScratch(pl *typePlan, n int) *mapScratch {
	var sc *mapScratch
	if k := len(pl.free); k > 0 {
		sc, pl.free = pl.free[k-1], pl.free[:k-1]
	} else {
		sc = &mapScratch{}
	}
	if !sc.keys.IsValid() || sc.keys.Len() < n {
		c := max(2*n, 8)
		sc.keys = reflect.MakeSlice(reflect.SliceOf(pl.t.Key()), c, c)
		sc.vals = reflect.MakeSlice(reflect.SliceOf(pl.t.Elem()), c, c)
	}
	return sc
}

func putScratch(pl *typePlan, sc *mapScratch) { pl.free = append(pl.free, sc) }

// mapFastOps reads a map of one type natively: reflect's MapIter with
// SetIterKey and SetIterValue cost a third of a map's hashing beside its
// entries'.
type mapFastOps struct {
	len func(p unsafe.Pointer) int
	// copy stores the entries of the map at p in the arrays at kb and vb
	// (room for len entries each), in the map's iteration order.
	copy func(p, kb, vb unsafe.Pointer)
}

// mapFast holds the map types of the kernel's state (by typeKey), read
// natively; the walk reads any other map through reflect, adding the
// same words (TestFingerprintMatchesPlain compares with the plain walk,
// which reads every map through reflect).
var mapFast = map[unsafe.Pointer]mapFastOps{}

func fastMap[K comparable, V any]() {
	mapFast[typeKey(reflect.TypeFor[map[K]V]())] = mapFastOps{
		len: func(p unsafe.Pointer) int { return len(*(*map[K]V)(p)) },
		copy: func(p, kb, vb unsafe.Pointer) {
			m := *(*map[K]V)(p)
			ks, vs := unsafe.Slice((*K)(kb), len(m)), unsafe.Slice((*V)(vb), len(m))
			i := 0
			for k, v := range m {
				ks[i], vs[i] = k, v
				i++
			}
		},
	}
}

func init() {
	// Task's.
	fastMap[*VMAState, bool]()
	fastMap[*mmcore.Page, int]()
	fastMap[*MM, uint64]()
	fastMap[*MM, int]()
	fastMap[*Lock, failedAttempt]()
	fastMap[*MM, failedAttempt]()
	fastMap[*mmcore.MM, uint64]()
	fastMap[*mmcore.VMA, bool]()
	// The kernel's, its MMs' and its RCU's.
	fastMap[*mmcore.AddressSpace, *File]()
	fastMap[*mmcore.Page, *Lock]()
	fastMap[*mmcore.Page, unpinRec]()
	fastMap[*mmcore.Page, lang.Pos]()
	fastMap[*mmcore.PageTable, int64]()
	fastMap[*mmcore.PageTable, bool]()
	fastMap[*mmcore.PageTable, lang.Pos]()
	fastMap[*Task, uint64]()
	fastMap[lostPin, string]()
	fastMap[uint64, *mmcore.Page]()
	fastMap[any, lang.Pos]()
}
