package runtime

import (
	"fmt"
	"strings"
	"testing"
)

// The mover declarations of the lock primitives: which are releases (and
// of which mode), and which classes each may use only by the read side.
func TestMoverDeclarations(t *testing.T) {
	k, m := newMM(t)
	f := k.NewFile("f", 1)
	for _, c := range []struct {
		op        string
		release   Mode // 0: not a release
		lock      *Lock
		read      []Class
		other     []Class
		undeclare bool
	}{
		{op: "mmap_read_lock", read: []Class{ClassMmapLock}},
		{op: "mmap_read_lock_killable", read: []Class{ClassMmapLock}},
		{op: "mmap_read_trylock", read: []Class{ClassMmapLock}},
		{op: "mmap_read_unlock", release: Read, lock: m.MmapLock, read: []Class{ClassMmapLock}},
		{op: "mmap_write_lock", other: []Class{ClassMmapLock, ClassVMALock}},
		{op: "mmap_write_trylock", other: []Class{ClassMmapLock, ClassVMALock}},
		{op: "mmap_write_unlock", other: []Class{ClassMmapLock, ClassVMALock}},
		{op: "mmap_write_downgrade", other: []Class{ClassMmapLock, ClassVMALock}},
		{op: "i_mmap_lock_read", read: []Class{ClassIMmapRwsem}},
		{op: "i_mmap_unlock_read", release: Read, lock: f.IMmap, read: []Class{ClassIMmapRwsem}},
		{op: "i_mmap_unlock_write", release: Write, lock: f.IMmap, other: []Class{ClassIMmapRwsem}},
		{op: "inode_unlock_shared", release: Read, lock: f.IRwsem, read: []Class{ClassIRwsem}},
		{op: "filemap_invalidate_unlock", release: Write, lock: f.InvalidateLock, other: []Class{ClassInvalidateLock}},
		{op: "get_page"},
		{op: "msleep"},
		// Its lock assertion reads who holds the mmap lock: no
		// declaration, so every class every way.
		{op: "find_vma", undeclare: true},
		{op: "vma_end_read", undeclare: true},
		{op: "spin_unlock", undeclare: true},
	} {
		op := LookupOp(c.op)
		if op == nil {
			t.Fatalf("no operation %s", c.op)
		}
		if c.undeclare {
			if op.Locks != nil || op.Release != nil {
				t.Errorf("%s: declares Locks %v, Release %v; want neither", c.op, op.Locks, op.Release)
			}
			continue
		}
		if op.Locks == nil || op.Locks.Read != ClassesOf(c.read...) || op.Locks.Other != ClassesOf(c.other...) {
			t.Errorf("%s: Locks %+v, want read %v other %v", c.op, op.Locks, c.read, c.other)
		}
		switch {
		case c.release == 0 && op.Release != nil:
			t.Errorf("%s: declared a release", c.op)
		case c.release != 0 && (op.Release == nil || op.Release.Mode != c.release):
			t.Errorf("%s: Release %+v, want mode %v", c.op, op.Release, c.release)
		case c.release != 0:
			arg := mmV(m)
			if op.Params[0].Type == TFile {
				arg = Obj(TFile, f)
			}
			if got := op.Release.Lock([]Value{arg}); got != c.lock {
				t.Errorf("%s: releases %v, want %v", c.op, got, c.lock)
			}
			if got := op.Release.Lock([]Value{Int(3)}); got != nil {
				t.Errorf("%s: names %v for an argument of the wrong type, want none", c.op, got)
			}
		}
	}
}

// With the mmap lock a mover class, its read side used as declared
// passes, and any other use stops the run with an error of mmscript.
func TestMoverUseChecked(t *testing.T) {
	for _, c := range []struct {
		name string
		run  func(k *Kernel, tk *Task, m *MM)
		want string // "" : no error
	}{
		{"declared read side", func(k *Kernel, tk *Task, m *MM) {
			do(t, k, tk, "mmap_read_lock", mmV(m))
			do(t, k, tk, "mmap_read_unlock", mmV(m))
		}, ""},
		{"write lock", func(k *Kernel, tk *Task, m *MM) { do(t, k, tk, "mmap_write_lock", mmV(m)) }, "mmap_write_lock uses m->mmap_lock (&mm->mmap_lock) beyond the read side"},
		{"observed", func(k *Kernel, tk *Task, m *MM) { k.fpLockObserve(m.MmapLock) }, "beyond the read side"},
		{"read side of an undeclared operation", func(k *Kernel, tk *Task, m *MM) {
			// An operation that declared no use of the class (get_page)
			// read-locks it.
			tk.cur = &Call{Op: LookupOp("get_page")}
			tk.Acquire(m.MmapLock, Read)
		}, "get_page uses m->mmap_lock (&mm->mmap_lock) without declaring it"},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, m := newMM(t)
			tk := k.NewTask("a")
			k.MoverClasses(ClassesOf(ClassMmapLock))
			got := ""
			func() {
				defer func() {
					if r := recover(); r != nil {
						got = fmt.Sprint(r)
					}
				}()
				c.run(k, tk, m)
			}()
			if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
