package runtime

import "testing"

// A VMA is write-locked while its vm_lock_seq matches mm->mm_lock_seq
// (rule book 1.1, 6.6). A vma_start_write() made, wrongly, under the mmap
// read lock keeps VMA readers out until the sequence moves, but the next
// mmap write section moves it: a later munmap must not wait for the task
// that made the mistake (it may have exited).
func TestStaleVMAWriteLockEndsWithNextWriteSection(t *testing.T) {
	k, m := newMM(t)
	v := mapAnon(t, k, m, 0x300000, 1)
	bad, reader, unmapper := k.NewTask("bad"), k.NewTask("reader"), k.NewTask("unmapper")

	do(t, k, bad, "mmap_read_lock", mmV(m))
	do(t, k, at(bad, 1), "vma_start_write", vmaV(v))
	do(t, k, bad, "mmap_read_unlock", mmV(m))
	wantRules(t, k, "vma_start_write/needs-mmap-write")
	k.ExitTask(bad, at(bad, 2).Pos)
	wantRules(t, k, "vma_start_write/needs-mmap-write")

	// Until the sequence moves the VMA counts as write-locked.
	if r := do(t, k, reader, "lock_vma_under_rcu", mmV(m), addrV(0x300000)); r.T != TNil {
		t.Fatal("lock_vma_under_rcu succeeded on a write-locked VMA")
	}
	mu := start(t, k, unmapper, "munmap", mmV(m), addrV(0x300000), Int(0), Int(1))
	if mu.blocked() {
		l, _, _ := unmapper.WaitingFor()
		t.Fatalf("munmap waits for %s, held by a task that has exited", l.Name)
	}
	if rc := mu.value(t); rc.Int != 0 || v.Attached() {
		t.Fatalf("munmap returned %d, VMA attached %v", rc.Int, v.Attached())
	}
	wantRules(t, k, "vma_start_write/needs-mmap-write")
}

// vma_start_read_locked() never sleeps (it bumps vm_refcnt, and lockdep
// sees a trylock), so it is fine inside an RCU read section or under a
// spinlock, where a sleeping lock would be reported (rule book 1.1, 2.19).
func TestVMAStartReadLockedDoesNotSleep(t *testing.T) {
	k, m := newMM(t)
	v := mapAnon(t, k, m, 0x300000, 1)
	tk := k.NewTask("T")
	do(t, k, tk, "mmap_read_lock", mmV(m))
	do(t, k, tk, "rcu_read_lock")
	do(t, k, tk, "spin_lock", Obj(TLock, m.PageTableLock))
	if r := do(t, k, at(tk, 1), "vma_start_read_locked", vmaV(v)); !r.Truth() {
		t.Fatal("vma_start_read_locked failed on an attached, unlocked VMA")
	}
	do(t, k, tk, "spin_unlock", Obj(TLock, m.PageTableLock))
	do(t, k, tk, "rcu_read_unlock")
	do(t, k, tk, "mmap_read_unlock", mmV(m))
	if k.vmaState(v).Lock.Readers() != 1 {
		t.Fatal("no VMA read hold")
	}
	do(t, k, tk, "vma_end_read", vmaV(v))
	if k.vmaState(v).Lock.Held() {
		t.Fatal("vma_end_read left the VMA locked")
	}
	wantRules(t, k)
}
