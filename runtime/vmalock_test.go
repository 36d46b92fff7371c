package runtime

import "testing"

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
