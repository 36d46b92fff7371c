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
