package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestFailedAttemptIgnored: a trylock that failed because another task
// holds the lock, then the trylocker's unlock, is the trylock's
// NAME/failure-ignored (with the unlock's reaction); a failed attempt
// superseded by taking the lock afterwards leaves a later unbalanced
// unlock to lock/unlock-not-held; a failed attempt that is tested and not
// acted on reports nothing.
func TestFailedAttemptIgnored(t *testing.T) {
	mm := func(m *MM, f *File, v *mmcore.VMA, x *Lock) Value { return mmV(m) }
	file := func(m *MM, f *File, v *mmcore.VMA, x *Lock) Value { return Obj(TFile, f) }
	anon := func(m *MM, f *File, v *mmcore.VMA, x *Lock) Value { return vmaV(v) }
	mutex := func(m *MM, f *File, v *mmcore.VMA, x *Lock) Value { return Obj(TLock, x) }
	for _, tc := range []struct {
		// the holder's lock and unlock; the other task's trylock, the
		// blocking lock of the same mode, and their unlock
		hold, release, try, block, unlock string
		arg                               func(m *MM, f *File, v *mmcore.VMA, x *Lock) Value
	}{
		{"mmap_write_lock", "mmap_write_unlock", "mmap_read_trylock", "mmap_read_lock", "mmap_read_unlock", mm},
		{"mmap_read_lock", "mmap_read_unlock", "mmap_write_trylock", "mmap_write_lock", "mmap_write_unlock", mm},
		{"i_mmap_lock_write", "i_mmap_unlock_write", "i_mmap_trylock_read", "i_mmap_lock_read", "i_mmap_unlock_read", file},
		{"i_mmap_lock_read", "i_mmap_unlock_read", "i_mmap_trylock_write", "i_mmap_lock_write", "i_mmap_unlock_write", file},
		{"anon_vma_lock_write", "anon_vma_unlock_write", "anon_vma_trylock_read", "anon_vma_lock_read", "anon_vma_unlock_read", anon},
		{"anon_vma_lock_read", "anon_vma_unlock_read", "anon_vma_trylock_write", "anon_vma_lock_write", "anon_vma_unlock_write", anon},
		{"mutex_lock", "mutex_unlock", "mutex_trylock", "mutex_lock", "mutex_unlock", mutex},
	} {
		// setup: the holder takes the lock and the other task's trylock fails.
		setup := func(t *testing.T) (*Kernel, Value, *Task, *Task) {
			k, m := newMM(t)
			f := k.NewFile("f", 16)
			v := mapAnon(t, k, m, 0x100000, 1)
			holder, other := k.NewTask("holder"), k.NewTask("other")
			do(t, k, holder, "mmap_read_lock", mmV(m))
			do(t, k, holder, "anon_vma_prepare", vmaV(v))
			do(t, k, holder, "mmap_read_unlock", mmV(m))
			arg := tc.arg(m, f, v, k.NewScriptLock(k.NewLockClass("x"), "x", ScriptMutex))
			do(t, k, holder, tc.hold, arg)
			if do(t, k, other, tc.try, arg).Truth() {
				t.Fatalf("%s succeeded while %s is held", tc.try, tc.hold)
			}
			return k, arg, holder, other
		}
		t.Run(tc.try+" ignored", func(t *testing.T) {
			k, arg, _, other := setup(t)
			do(t, k, other, tc.unlock, arg)
			wantRules(t, k, tc.try+"/failure-ignored")
			if d := lastDiag(t, k); d.Kernel != ruleUnlockNotHeld.Kernel {
				t.Errorf("reaction %v, want the unlock's %v", d.Kernel, ruleUnlockNotHeld.Kernel)
			}
		})
		t.Run(tc.try+" superseded", func(t *testing.T) {
			k, arg, holder, other := setup(t)
			do(t, k, holder, tc.release, arg)
			do(t, k, other, tc.block, arg)
			do(t, k, other, tc.unlock, arg)
			do(t, k, other, tc.unlock, arg)
			wantRules(t, k, ruleUnlockNotHeld.ID)
		})
		t.Run(tc.try+" tested", func(t *testing.T) {
			k, arg, holder, _ := setup(t)
			do(t, k, holder, tc.release, arg)
			wantRules(t, k)
		})
	}
}
