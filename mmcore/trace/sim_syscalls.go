package trace

// The syscalls the trace runner calls on mmcore. Each is wired to mmcore's
// implementation as it lands; until then it reports ErrNotModelled, and
// RunSim stops with a positioned "not modelled yet" error rather than
// printing a guess.

import (
	"github.com/mmscript/mmscript/mmcore"
)

func newSimMM(brk0 mmcore.Addr, o Options) (*mmcore.MM, error) {
	return mmcore.NewMM(mmcore.Config{Levels: 4, MmapBase: simMmapBase, StartBrk: brk0, NoPkeys: o.CPUWithoutPkeys, NoZeroPageOnRead: o.NoZeroPage})
}

// simBrk is brk(2): it returns the new (or unchanged) break.
func simBrk(m *mmcore.MM, addr mmcore.Addr) (mmcore.Addr, error) {
	return m.SysBrk(addr), nil
}

// simMprotect is mprotect(2): it returns the errno.
func simMprotect(m *mmcore.MM, start mmcore.Addr, length uint64, prot mmcore.Prot) (int, error) {
	return errnoOf(m.Mprotect(start, length, prot)), nil
}

// simMadvise is madvise(2): it returns the errno.
func simMadvise(m *mmcore.MM, start mmcore.Addr, length uint64, advice int) (int, error) {
	return errnoOf(m.Madvise(start, length, mmcore.Advice(advice))), nil
}

// simMremap is mremap(2): it returns the new address or the errno.
func simMremap(m *mmcore.MM, addr mmcore.Addr, oldLen, newLen uint64, mayMove, fixed, dontUnmap bool, newAddr mmcore.Addr) (mmcore.Addr, int, error) {
	flags := 0
	if mayMove {
		flags |= mmcore.MREMAP_MAYMOVE
	}
	if fixed {
		flags |= mmcore.MREMAP_FIXED
	}
	if dontUnmap {
		flags |= mmcore.MREMAP_DONTUNMAP
	}
	a, err := m.Mremap(addr, oldLen, newLen, flags, newAddr)
	return a, errnoOf(err), nil
}

// simFork is fork(2)'s dup_mmap: it returns the child's address space.
func simFork(m *mmcore.MM) (*mmcore.MM, error) {
	c, _, err := m.Fork()
	return c, err
}

// simExit tears down a fork child's address space (the probe SIGKILLs the
// child after its snapshot: exit_mmap), so that shared pages are mapped
// once again in the parent.
func simExit(m *mmcore.MM) { m.ExitMMap() }

// simTHPDisable is prctl(PR_SET_THP_DISABLE, 1).
func simTHPDisable(m *mmcore.MM) error {
	return m.PrctlSetTHPDisable(1, 0, 0, 0)
}
