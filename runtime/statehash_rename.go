package runtime

import (
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// Renaming hashers: the explorer's symmetry reduction (interp/symmetry.go)
// fingerprints a state s as the state π(s) in which symmetric threads
// have traded places, with their pages. Objects the walk numbers by first
// reach need no renaming (π(s) has the same object graph, reached in the
// same order), but a few identities are stored as numbers, and a few
// containers are indexed by them, and those the walk renames:
//
//   - a task's ID and CPU (a task runs on a CPU of its own: CPU == ID),
//     the order of Kernel.Tasks, the per-CPU TLBs, the task number in a
//     lock epoch's reference (Value.Int of an object value, epochRef);
//   - a page's PFN (mmcore.PFN words), the PFN bits of every PTE word
//     (mmcore.PTE), the order of Memory's page array, and the folio lock
//     named after the PFN (FolioLockName);
//   - a source position inside a symmetric thread's own body (where it
//     took a lock, called an operation, waits, read a value, made a
//     lockdep edge, or reported a finding the kernel dedups): in π(s) the
//     thread that stands where thread i stood runs thread π(i)'s body, so
//     a position of i's body is renamed to the corresponding position of
//     π(i)'s (SetPositions). Positions elsewhere (the shared functions,
//     the kernel library, the other threads) are the same in s and π(s).
//
// A task's name is left out: in π(s) the task with ID j is thread j's,
// so its name follows from its renamed ID. A value read from a page
// table under its lock (an entryEpoch) holds a PTE as a plain int: such a
// state is unhashable for a renaming hasher (explored without caching,
// which is sound); the symmetry detection refuses scripts that read PFNs
// or PTE words into script values by other means.
//
// A renaming hasher hashes every state through its renaming, the identity
// included, so that fingerprints of different states compare: the word
// stream of s renamed by π is the word stream of π(s) renamed by the
// identity. TestRenamingIsEquivariant (interp) checks this on runs
// of symmetric scripts under permuted schedules.

// renKind is how a word is renamed.
type renKind uint8

const (
	renPFN renKind = iota + 1
	renPTE
)

var (
	pfnType = reflect.TypeFor[mmcore.PFN]()
	pteType = reflect.TypeFor[mmcore.PTE]()
)

// Renaming maps task IDs and PFNs to those they have in the renamed state.
type Renaming struct {
	task, taskInv []int // by ID; identity beyond their length
	pfn           []pfnPair
	lockNames     map[string]string
	// Positions of file with an offset in [posLo, posHi] are looked up in
	// pos (by offset); the others are their own image.
	posFile      string
	posLo, posHi int
	pos          map[int]lang.Pos
	// posAt is pos as a table by offset - posLo (1 + an index into
	// posImg, 0: its own image) when the range is small, for the
	// fingerprint's look-up of every position it hashes.
	posAt  []int32
	posImg []lang.Pos
}

// maxPosTable is the widest range of offsets SetPositions tabulates.
const maxPosTable = 1 << 16

type pfnPair struct{ from, to mmcore.PFN }

// NewRenaming makes a renaming: tasks[i] is the new ID of task i (nil or
// shorter: the identity beyond), pfns the pairs of a permutation of PFNs.
func NewRenaming(tasks []int, pfns map[mmcore.PFN]mmcore.PFN) *Renaming {
	r := &Renaming{task: tasks, taskInv: make([]int, len(tasks)), lockNames: map[string]string{}}
	for i, j := range tasks {
		r.taskInv[j] = i
	}
	for a, b := range pfns {
		if a != b {
			r.pfn = append(r.pfn, pfnPair{a, b})
			r.lockNames[FolioLockName(a)] = FolioLockName(b)
		}
	}
	slices.SortFunc(r.pfn, func(x, y pfnPair) int { return int(x.from) - int(y.from) })
	return r
}

// SetPositions makes the renaming map the positions of file whose
// offsets are keys of m to m's values (a bijection of those positions
// onto themselves; the others stay).
func (r *Renaming) SetPositions(file string, m map[int]lang.Pos) {
	r.posFile, r.pos = file, m
	r.posLo, r.posHi = 1, 0
	for off := range m {
		if r.posLo > r.posHi {
			r.posLo, r.posHi = off, off
		}
		r.posLo, r.posHi = min(r.posLo, off), max(r.posHi, off)
	}
	r.posAt, r.posImg = nil, nil
	if len(m) > 0 && r.posHi-r.posLo < maxPosTable {
		r.posAt = make([]int32, r.posHi-r.posLo+1)
		for off, q := range m {
			r.posImg = append(r.posImg, q)
			r.posAt[off-r.posLo] = int32(len(r.posImg))
		}
	}
}

// posImage is the new position of *p: p itself, or its image.
func (r *Renaming) posImage(p *lang.Pos) *lang.Pos {
	if r == nil || p.Offset < r.posLo || p.Offset > r.posHi || p.Filename != r.posFile {
		return p
	}
	if r.posAt != nil {
		if i := r.posAt[p.Offset-r.posLo]; i != 0 {
			return &r.posImg[i-1]
		}
		return p
	}
	if q, ok := r.pos[p.Offset]; ok {
		return &q
	}
	return p
}

// Pos returns the new position of p.
func (r *Renaming) Pos(p lang.Pos) lang.Pos {
	if r == nil || p.Offset < r.posLo || p.Offset > r.posHi || p.Filename != r.posFile {
		return p
	}
	if q, ok := r.pos[p.Offset]; ok {
		return q
	}
	return p
}

// Task returns the new ID of task id.
func (r *Renaming) Task(id int) int {
	if r == nil || id < 0 || id >= len(r.task) {
		return id
	}
	return r.task[id]
}

func (r *Renaming) taskFrom(id int) int {
	if r == nil || id < 0 || id >= len(r.taskInv) {
		return id
	}
	return r.taskInv[id]
}

// PFN returns the new PFN of pfn.
func (r *Renaming) PFN(pfn mmcore.PFN) mmcore.PFN {
	if r == nil {
		return pfn
	}
	for _, p := range r.pfn {
		if p.from == pfn {
			return p.to
		}
	}
	return pfn
}

func (r *Renaming) pfnFrom(pfn mmcore.PFN) mmcore.PFN {
	if r == nil {
		return pfn
	}
	for _, p := range r.pfn {
		if p.to == pfn {
			return p.from
		}
	}
	return pfn
}

func (r *Renaming) word(k renKind, w uint64) uint64 {
	if r == nil || len(r.pfn) == 0 {
		return w
	}
	switch k {
	case renPFN:
		return uint64(r.PFN(mmcore.PFN(w)))
	case renPTE:
		old := mmcore.PTE(w).PFN()
		if n := r.PFN(old); n != old {
			return w ^ uint64(old)<<mmcore.PageShift ^ uint64(n)<<mmcore.PageShift
		}
	}
	return w
}

// NewRenamingStateHasher makes a hasher that applies the renaming set
// with SetRenaming to every state it hashes.
func NewRenamingStateHasher() *StateHasher {
	h := NewStateHasher()
	h.renaming = true
	clear(h.plans)
	h.Skip(Kernel{}, "Tasks")
	h.addPost(reflect.TypeFor[Kernel](), func(h *StateHasher, p unsafe.Pointer) {
		ts := (*Kernel)(p).Tasks
		h.Word(uint64(len(ts)))
		for j := range ts {
			h.ptr(taskType, unsafe.Pointer(ts[h.ren.taskFrom(j)]))
		}
	})
	h.Skip(Task{}, "ID", "Name", "CPU")
	h.addPost(taskType, func(h *StateHasher, p unsafe.Pointer) {
		t := (*Task)(p)
		h.Word(uint64(h.ren.Task(t.ID)))
		h.Word(uint64(h.ren.Task(t.CPU)))
	})
	h.Skip(entryEpoch{}, "task")
	h.addPost(reflect.TypeFor[entryEpoch](), func(h *StateHasher, p unsafe.Pointer) {
		// Its value is a PTE or PMD word in a plain int (see above).
		h.unhashable("a page-table entry value in a script value (symmetry renaming)")
	})
	h.Skip(Value{}, "Int")
	h.addPost(valueType, func(h *StateHasher, p unsafe.Pointer) {
		v := (*Value)(p)
		switch {
		case v.Obj == nil || v.T == TInt || v.T == TBool || v.T == TString || v.T == TWord:
			h.Word(uint64(v.Int))
		case v.Int != 0:
			// An object value's epoch reference (epochRef).
			id := int(v.Int>>32) - 1
			h.Word(uint64(int64(h.ren.Task(id)+1)<<32 | v.Int&0xffffffff))
		default:
			h.Word(0)
		}
	})
	// A lock's readers are kept in task order (Lock.readers): π(s) keeps
	// them in the order of their renamed IDs.
	h.Skip(Lock{}, "Name", "readers")
	h.addPost(reflect.TypeFor[Lock](), func(h *StateHasher, p unsafe.Pointer) {
		l := (*Lock)(p)
		name := l.Name
		// Only folio locks are renamed: no map look-up for the others.
		if h.ren != nil && len(h.ren.lockNames) > 0 && strings.HasPrefix(name, folioLockPrefix) {
			if n, ok := h.ren.lockNames[name]; ok {
				name = n
			}
		}
		h.String(name)
		rs := l.readers
		if len(rs) > 1 {
			var buf [8]*Task
			rs = append(buf[:0], rs...)
			slices.SortStableFunc(rs, func(a, b *Task) int { return h.ren.Task(a.ID) - h.ren.Task(b.ID) })
		}
		h.Word(uint64(len(rs)))
		for _, t := range rs {
			h.ptr(taskType, unsafe.Pointer(t))
		}
	})
	// A position, wherever it is kept (a call's, a hold's, a wait's, an
	// epoch's, a NULL's origin, the kernel's set of findings reported
	// once): through the renaming.
	// (It replaces NewStateHasher's part, which hashes the file name of
	// the position itself.)
	h.Skip(lang.Pos{}, "Filename", "Offset", "Line", "Column")
	h.setPost(posType, func(h *StateHasher, p unsafe.Pointer) {
		q := h.ren.posImage((*lang.Pos)(p))
		h.Word(h.fileWord(q.Filename))
		h.Word(uint64(q.Offset))
		h.Word(uint64(q.Line)<<32 | uint64(uint32(q.Column)))
	})
	// lockdep's edges are hashed by hand (NewStateHasher), their origins'
	// positions with them: the same sum, of renamed positions.
	h.setPost(reflect.TypeFor[lockdep](), func(h *StateHasher, p unsafe.Pointer) {
		from := (*lockdep)(p).from
		var sum uint64
		for k, o := range from {
			pos := h.ren.Pos(o.pos)
			x := uint64(k[0])<<8 | uint64(k[1])
			x = fmix(x*0x9e3779b97f4a7c15 ^ uint64(pos.Offset))
			x = fmix(x ^ uint64(pos.Line)<<32 ^ uint64(pos.Column))
			x = fmix(x ^ stringWord(pos.Filename))
			sum += x
		}
		h.Word(uint64(len(from)))
		h.Word(sum)
	})
	h.Skip(mmcore.Memory{}, "pages")
	h.addPost(reflect.TypeFor[mmcore.Memory](), func(h *StateHasher, p unsafe.Pointer) {
		mem := (*mmcore.Memory)(p)
		first := mem.ZeroPage().PFN
		n := 0
		for q := first; mem.Page(q) != nil; q++ {
			h.ptr(pageType, unsafe.Pointer(mem.Page(h.ren.pfnFrom(q))))
			n++
		}
		h.Word(uint64(n))
	})
	h.Skip(mmcore.TLB{}, "cpus")
	tlbCPUs, ok := reflect.TypeFor[mmcore.TLB]().FieldByName("cpus")
	if !ok {
		panic("mmcore.TLB has no cpus field: update the renaming hasher")
	}
	h.addPost(reflect.TypeFor[mmcore.TLB](), func(h *StateHasher, p unsafe.Pointer) {
		cpus := reflect.NewAt(tlbCPUs.Type, unsafe.Add(p, tlbCPUs.Offset)).Elem()
		keys := cpus.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return h.ren.Task(int(a.Int())) - h.ren.Task(int(b.Int())) })
		h.Word(uint64(len(keys)))
		for _, k := range keys {
			h.Word(uint64(h.ren.Task(int(k.Int()))))
			inner := cpus.MapIndex(k)
			mp := inner.UnsafePointer()
			if mp == nil {
				h.Word(0)
				continue
			}
			h.mapping(h.plan(inner.Type()), unsafe.Pointer(&mp))
		}
	})
	return h
}

var (
	taskType = reflect.TypeFor[Task]()
	pageType = reflect.TypeFor[mmcore.Page]()
)

// SetRenaming sets the renaming of the next fingerprints (nil: none). It
// is only for a renaming hasher (NewRenamingStateHasher).
func (h *StateHasher) SetRenaming(r *Renaming) {
	if !h.renaming {
		panic("SetRenaming on a hasher made without renaming")
	}
	h.ren = r
}

// Post adds, after the fields of struct type typ (a value of it), what f
// hashes by hand (the canonical form of fields left out with Skip).
func (h *StateHasher) Post(typ any, f func(h *StateHasher, p unsafe.Pointer)) {
	h.addPost(reflect.TypeOf(typ), f)
}

// addPost chains f after the type's post, if it has one.
func (h *StateHasher) addPost(t reflect.Type, f func(h *StateHasher, p unsafe.Pointer)) {
	if old := h.post[typeKey(t)]; old != nil {
		h.setPost(t, func(h *StateHasher, p unsafe.Pointer) { old(h, p); f(h, p) })
		return
	}
	h.setPost(t, f)
}

// setPost makes f the type's post, replacing any it had. Plans copy their
// type's post when made (plan), so the plans made so far are dropped, as
// Skip and Identity drop them: a post set after a walk would otherwise be
// ignored by the types already planned, and the fields it stands for
// hashed by neither.
func (h *StateHasher) setPost(t reflect.Type, f func(h *StateHasher, p unsafe.Pointer)) {
	h.post[typeKey(t)] = f
	clear(h.plans)
	h.last, h.lastPtr = nil, nil
}

// planRenamed marks PFN and PTE words, and scalar types holding them, for
// renaming.
func (h *StateHasher) planRenamed(p *typePlan) {
	switch p.t {
	case pfnType:
		p.ren = renPFN
	case pteType:
		p.ren = renPTE
	}
	if p.ren != 0 || p.scalar && holdsRenamed(p.t) {
		p.scalar = false
	}
}

func holdsRenamed(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Uint64:
		return t == pfnType || t == pteType
	case reflect.Array:
		return holdsRenamed(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if holdsRenamed(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

// renamedWords hashes an array of PFN or PTE words as bytes hashes a
// large one: the non-zero words with their places, then the length.
func (h *StateHasher) renamedWords(k renKind, ws []uint64) {
	i := 0
	for ; i+8 <= len(ws); i += 8 {
		// A PTE table's entries are mostly zero: eight at one test.
		u := ws[i : i+8 : i+8]
		if u[0]|u[1]|u[2]|u[3]|u[4]|u[5]|u[6]|u[7] == 0 {
			continue
		}
		for j, w := range u {
			if w != 0 {
				h.Word(uint64(i + j))
				h.Word(h.ren.word(k, w))
			}
		}
	}
	for ; i < len(ws); i++ {
		if w := ws[i]; w != 0 {
			h.Word(uint64(i))
			h.Word(h.ren.word(k, w))
		}
	}
	h.Word(1<<63 | uint64(len(ws)*8))
}

// FolioLockID is the footprint ID of the folio lock of the page with this
// PFN (the explorer renames it with the page).
func FolioLockID(pfn mmcore.PFN) uint32 { return nameID(FolioLockName(pfn)) }

// fileWord is a word of a position's file name: its 64-bit hash
// (stringWord), worked out once per string (a state's positions name one
// or two files, and the renaming hasher hashes a hundred positions per
// state: the name's bytes were a tenth of its words).
func (h *StateHasher) fileWord(name string) uint64 {
	d := unsafe.StringData(name)
	if d == h.file.data && len(name) == h.file.n {
		return h.file.w
	}
	h.file.data, h.file.n, h.file.w = d, len(name), stringWord(name)
	return h.file.w
}
