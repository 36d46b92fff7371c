package runtime

import (
	"reflect"
	"unsafe"

	"github.com/mmscript/mmscript/mmcore"
)

// StateCloner deep-copies a machine state: the explorer restores a run
// from a copy of the state after the set-up code instead of running the
// set-up again (interp/snapshot.go). Like StateHasher it walks the object
// graph by reflection, so that a field added to any type of mmcore,
// runtime or interp is copied the day it is added (a forgotten field in a
// hand-written copy would be shared between the copy and the original: a
// run would change the state later runs start from, silently).
//
// Every object reached through a pointer is copied once, and every
// pointer to it, map keys included, points to its copy: objects are
// memoised by address and type. No type the state points to is also held
// inline (a field of another struct, a slice or array element), so a
// pointer never points into the middle of another object
// (TestClonedTypesHaveNoInteriorPointers checks this over the state's
// types). Slices are copied with their capacity, so that appending to the
// copy reallocates where appending to the original would, but not what
// they hold past their length, which is not state; they are memoised by
// their array, so slices sharing one still do in the copy (slices of one
// array at different offsets make the state uncopyable: Err). Objects of the
// types given to Share (program objects, which no run changes) are not
// copied; fields given to Zero (the pools and the explorer's recorder,
// which belong to the run, not to the state) are left zero in the copy,
// for the caller to set.
//
// A state holding a Go func value (an operation's continuation, a
// deferred RCU callback), a channel or an unsafe pointer cannot be
// copied: what a closure captured is invisible to reflection. Clone then
// reports why (Err), and the caller replays the run instead.
type StateCloner struct {
	memo   map[ptrKey]unsafe.Pointer
	slices map[ptrKey]sliceCopy
	plans  map[reflect.Type]*clonePlan
	share  map[reflect.Type]bool
	zero   map[reflect.Type]map[string]bool
	bad    string
	// What the copy since Begin allocated, for Image.
	objs []reflect.Value // objects (pointers to them)
	arrs []reflect.Value // slices' arrays (slices of the copied length)
	maps []reflect.Value // maps
}

type sliceCopy struct {
	data     unsafe.Pointer
	len      int
	from, to uintptr // the original's array, to its capacity
}

// clonePlan is what the copy needs of a type, worked out once.
type clonePlan struct {
	t     reflect.Type
	tkey  unsafe.Pointer
	kind  reflect.Kind
	size  uintptr
	flat  bool // no pointers, maps, interfaces, funcs or fields to zero: the byte copy is the copy
	share bool // a pointer to it is kept (Share)
	elem  *clonePlan
	n     int // an array's length
	ops   []cloneOp
	key   *clonePlan // a map's
	val   *clonePlan
}

// cloneOp is a part of a struct the copy must fix after the byte copy.
type cloneOp struct {
	off  uintptr
	pl   *clonePlan
	zero bool // leave the part zero (Zero)
}

// ProgramObjects are pointers of the types of the runtime's program
// objects: the operations, rules, handlers and kernel sources, which live
// as long as the program and no run changes. The state hasher hashes
// them by address (Identity), a state's copy shares them (Share).
func ProgramObjects() []any {
	return []any{&Op{}, &Rule{}, &Ops{}, &Handler{}, &KernelSource{}}
}

// NewStateCloner makes a cloner that shares the runtime's program
// objects and leaves the pools and the footprint recorder out.
func NewStateCloner() *StateCloner {
	c := &StateCloner{memo: map[ptrKey]unsafe.Pointer{}, slices: map[ptrKey]sliceCopy{},
		plans: map[reflect.Type]*clonePlan{}, share: map[reflect.Type]bool{}, zero: map[reflect.Type]map[string]bool{}}
	c.Share(ProgramObjects()...)
	// The run's, set by the run that takes the copy: Kernel.fp is the
	// explorer's recorder, the pools recycle what one run allocates.
	c.Zero(Kernel{}, "fp", "TaskPool")
	c.Zero(mmcore.Memory{}, "Tables")
	return c
}

// Share makes pointers of the given types (pointer values, e.g. &Op{})
// point to the original in the copy: objects that live as long as the
// program and never change.
func (c *StateCloner) Share(ptrs ...any) {
	for _, p := range ptrs {
		c.share[reflect.TypeOf(p).Elem()] = true
	}
	clear(c.plans)
}

// Zero leaves the named fields of typ zero in the copy.
func (c *StateCloner) Zero(typ any, fields ...string) {
	t := reflect.TypeOf(typ)
	if c.zero[t] == nil {
		c.zero[t] = map[string]bool{}
	}
	for _, f := range fields {
		c.zero[t][f] = true
	}
	clear(c.plans)
}

// Begin starts a copy: objects reached from here on are copied anew.
func (c *StateCloner) Begin() {
	clear(c.memo)
	clear(c.slices)
	c.bad = ""
	c.objs, c.arrs, c.maps = nil, nil, nil
}

// Err is why the state since Begin cannot be copied ("" if it can).
func (c *StateCloner) Err() string { return c.bad }

// Clone returns the copy of the object p points to (a non-nil pointer),
// as a pointer of p's type; objects copied since Begin are not copied
// again, so the roots of one state are cloned one by one between a Begin
// and the check of Err.
func (c *StateCloner) Clone(p any) any {
	v := reflect.ValueOf(p)
	pl := c.plan(v.Type().Elem())
	return reflect.NewAt(pl.t, c.ptr(pl, v.UnsafePointer())).Interface()
}

func (c *StateCloner) plan(t reflect.Type) *clonePlan {
	if pl := c.plans[t]; pl != nil {
		return pl
	}
	pl := &clonePlan{t: t, tkey: typeKey(t), kind: t.Kind(), size: t.Size(), share: c.share[t]}
	c.plans[t] = pl // before the parts: types refer to themselves through pointers
	switch pl.kind {
	case reflect.Pointer, reflect.Slice:
		pl.elem = c.plan(t.Elem())
	case reflect.Array:
		pl.elem, pl.n = c.plan(t.Elem()), t.Len()
		pl.flat = pl.elem.flat
	case reflect.Map:
		pl.key, pl.val = c.plan(t.Key()), c.plan(t.Elem())
	case reflect.Struct:
		pl.flat = true
		skip := c.zero[t]
		for i := range t.NumField() {
			f := t.Field(i)
			fp := c.plan(f.Type)
			switch {
			case skip[f.Name]:
				pl.ops = append(pl.ops, cloneOp{off: f.Offset, pl: fp, zero: true})
			case !fp.flat:
				pl.ops = append(pl.ops, cloneOp{off: f.Offset, pl: fp})
			default:
				continue
			}
			pl.flat = false
		}
	case reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
	default:
		// Scalars and strings (immutable).
		pl.flat = true
	}
	return pl
}

// ptr returns the copy of the object of the type planned by ep at q.
func (c *StateCloner) ptr(ep *clonePlan, q unsafe.Pointer) unsafe.Pointer {
	if q == nil || ep.share {
		return q
	}
	k := ptrKey{q, ep.tkey}
	if n, ok := c.memo[k]; ok {
		return n
	}
	nv := reflect.New(ep.t)
	n := nv.UnsafePointer()
	c.memo[k] = n
	c.objs = append(c.objs, nv)
	nv.Elem().Set(reflect.NewAt(ep.t, q).Elem())
	if !ep.flat {
		c.fix(ep, n)
	}
	return n
}

// fix makes the value at p (of the type planned by pl), a byte copy of
// an original, a deep copy: its pointers point to copies.
func (c *StateCloner) fix(pl *clonePlan, p unsafe.Pointer) {
	switch pl.kind {
	case reflect.Pointer:
		if q := *(*unsafe.Pointer)(p); q != nil {
			*(*unsafe.Pointer)(p) = c.ptr(pl.elem, q)
		}
	case reflect.Struct:
		for _, op := range pl.ops {
			fp := unsafe.Add(p, op.off)
			if op.zero {
				reflect.NewAt(op.pl.t, fp).Elem().SetZero()
			} else {
				c.fix(op.pl, fp)
			}
		}
	case reflect.Array:
		for i := range pl.n {
			c.fix(pl.elem, unsafe.Add(p, uintptr(i)*pl.elem.size))
		}
	case reflect.Slice:
		h := (*sliceHeader)(p)
		if h.data == nil {
			return
		}
		k := ptrKey{h.data, pl.elem.tkey}
		if s, ok := c.slices[k]; ok {
			if h.len > s.len {
				c.bad = "two slices of one array, the longer copied second"
				return
			}
			h.data = s.data
			return
		}
		// A slice into the middle of an array another slice starts (s
		// and s[i:]) would get an array of its own: the copy would lose
		// that they share it.
		from := uintptr(h.data)
		to := from + uintptr(h.cap)*pl.elem.size
		for _, o := range c.slices {
			if from < o.to && o.from < to {
				c.bad = "two slices of one array at different offsets"
				return
			}
		}
		old := reflect.NewAt(pl.t, p).Elem()
		nv := reflect.MakeSlice(pl.t, h.len, h.cap)
		reflect.Copy(nv, old)
		nd := nv.UnsafePointer()
		c.slices[k] = sliceCopy{nd, h.len, from, to}
		c.arrs = append(c.arrs, nv)
		if !pl.elem.flat {
			for i := range h.len {
				c.fix(pl.elem, unsafe.Add(nd, uintptr(i)*pl.elem.size))
			}
		}
		h.data = nd
	case reflect.Map:
		mv := reflect.NewAt(pl.t, p).Elem()
		if mv.IsNil() {
			return
		}
		nm := reflect.MakeMapWithSize(pl.t, mv.Len())
		it := mv.MapRange()
		for it.Next() {
			nm.SetMapIndex(c.value(pl.key, it.Key()), c.value(pl.val, it.Value()))
		}
		mv.Set(nm)
		c.maps = append(c.maps, nm)
	case reflect.Interface:
		iv := reflect.NewAt(pl.t, p).Elem()
		if iv.IsNil() {
			return
		}
		d := iv.Elem()
		dp := c.plan(d.Type())
		switch {
		case dp.flat:
			// A boxed value without pointers cannot be changed
			// through the interface: shared.
		case dp.kind == reflect.Pointer:
			if !d.IsNil() {
				iv.Set(reflect.NewAt(dp.elem.t, c.ptr(dp.elem, d.UnsafePointer())))
			}
		default:
			iv.Set(c.value(dp, d))
		}
	case reflect.Func:
		if *(*unsafe.Pointer)(p) != nil {
			c.bad = "a Go func value (" + pl.t.String() + "): a continuation or callback"
		}
	case reflect.Chan, reflect.UnsafePointer:
		if *(*unsafe.Pointer)(p) != nil {
			c.bad = "a " + pl.t.String()
		}
	}
}

// value returns a deep copy of v, of the type planned by pl.
func (c *StateCloner) value(pl *clonePlan, v reflect.Value) reflect.Value {
	if pl.flat {
		return v
	}
	nv := reflect.New(pl.t).Elem()
	nv.Set(v)
	c.fix(pl, nv.Addr().UnsafePointer())
	return nv
}

// StateImage is a copy made by a StateCloner that can be put back in
// place: the objects, arrays and maps the copy allocated, and their
// contents as the copy left them. Restore writes those contents back
// into the same objects, so that the copy's root is again the state it
// was copied from, without allocating: a run changes the objects, and
// everything it allocated and linked to them is unlinked again (every
// pointer in the contents points to an object of the image, a shared
// program object, or nowhere). Only the objects the copy reached are
// restored: the caller must not keep pointers to them across a Restore
// (the explorer's runs are over by then, and what outlives a run, its
// findings, holds no pointer into the state).
type StateImage struct {
	objs []imageCopy // an object and its contents
	arrs []imageCopy // an array (as a slice) and its contents
	maps []imageMap
}

type imageCopy struct{ dst, src reflect.Value }

type imageMap struct {
	m          reflect.Value
	keys, vals []reflect.Value
}

// Image returns the copy made since Begin as an image, its contents as
// they are now (Err must be "").
func (c *StateCloner) Image() *StateImage {
	img := &StateImage{}
	for _, o := range c.objs {
		src := reflect.New(o.Type().Elem()).Elem()
		src.Set(o.Elem())
		img.objs = append(img.objs, imageCopy{o.Elem(), src})
	}
	for _, a := range c.arrs {
		src := reflect.MakeSlice(a.Type(), a.Len(), a.Len())
		reflect.Copy(src, a)
		img.arrs = append(img.arrs, imageCopy{a, src})
	}
	for _, m := range c.maps {
		im := imageMap{m: m}
		it := m.MapRange()
		for it.Next() {
			im.keys = append(im.keys, it.Key())
			im.vals = append(im.vals, it.Value())
		}
		img.maps = append(img.maps, im)
	}
	return img
}

// Restore puts the image's contents back into its objects.
func (img *StateImage) Restore() {
	for _, o := range img.objs {
		o.dst.Set(o.src)
	}
	for _, a := range img.arrs {
		reflect.Copy(a.dst, a.src)
	}
	for _, m := range img.maps {
		m.m.Clear()
		for i, k := range m.keys {
			m.m.SetMapIndex(k, m.vals[i])
		}
	}
}
