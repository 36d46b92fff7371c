package runtime

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// KernelVersion selects the kernel whose behaviour, rules and operations
// mmscript models where they changed. It is ordered as the kernel's
// LINUX_VERSION_CODE is: KERNEL_VERSION(major, minor, 0), the sublevel
// left out (a stable release has its mainline release's rules; where a
// fix was backported, the rule cites the stable releases). The zero value
// is Mainline, the 2026 tree mmscript was written from; compare versions
// with Before and AtLeast, which order Mainline after every release.
type KernelVersion uint32

const (
	// Mainline is the 2026 mainline kernel, the default.
	Mainline KernelVersion = 0
	// Linux618 is Linux 6.18, the last release modelled by number.
	Linux618 = KernelVersion(6<<16 | 18<<8)
	// OldestKernel is the oldest release modelled: 4.19, the oldest
	// longterm kernel still maintained in 2019.
	OldestKernel = KernelVersion(4<<16 | 19<<8)
	// mainlineCode is what LINUX_VERSION_CODE reads on mainline: the
	// linux-mm tree of 2026 that the library was read from is 7.1's
	// (zap_vma_ptes() became zap_special_vma_range() there), so a script's
	// `LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)` holds on it.
	mainlineCode = 7<<16 | 1<<8
)

// Version is KERNEL_VERSION(major, minor, 0).
func Version(major, minor int) KernelVersion {
	return KernelVersion(major<<16 | minor<<8)
}

// Code is LINUX_VERSION_CODE of v: KERNEL_VERSION(major, minor, 0), and
// for Mainline 7.1's.
func (v KernelVersion) Code() int64 {
	if v == Mainline {
		return mainlineCode
	}
	return int64(v)
}

// Before reports whether v is older than w (w Mainline: v is a release).
func (v KernelVersion) Before(w KernelVersion) bool { return v.Code() < w.Code() }

// AtLeast reports whether v is w or newer.
func (v KernelVersion) AtLeast(w KernelVersion) bool { return !v.Before(w) }

func (v KernelVersion) String() string {
	if v == Mainline {
		return "mainline"
	}
	return fmt.Sprintf("%d.%d", v>>16, v>>8&0xff)
}

// MarshalText makes a KernelVersion print as its name in JSON.
func (v KernelVersion) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// KernelVersions names, for -kernel's help and its errors, the versions
// ParseKernelVersion accepts.
var KernelVersions = []string{"mainline (or newest)", "any release from 4.19 to 6.18 (5.15, 6.1, ...)"}

// ParseKernelVersion parses a -kernel value or a script's `kernel` line:
// "mainline" or "newest" (or ""), or a release "X.Y" from 4.19 to 6.18.
// A release after 6.18 is refused: the changes mainline made since are
// modelled as mainline's, not placed in the releases that carry them.
func ParseKernelVersion(s string) (KernelVersion, error) {
	switch s {
	case "", "mainline", "newest":
		return Mainline, nil
	}
	maj, min, ok := strings.Cut(s, ".")
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	if !ok || err1 != nil || err2 != nil || a < 0 || b < 0 || a > 255 || b > 255 || strings.Count(s, ".") != 1 {
		return 0, fmt.Errorf("unknown kernel %q (want %s)", s, strings.Join(KernelVersions, ", or "))
	}
	v := Version(a, b)
	switch {
	case v.Before(OldestKernel):
		return 0, fmt.Errorf("kernel %s is older than mmscript models (4.19 is the oldest: each rule's history goes back to it)", s)
	case Linux618.Before(v):
		return 0, fmt.Errorf("kernel %s is newer than the last release mmscript models by number (6.18): what changed after 6.18 is modelled as mainline's (-kernel mainline)", s)
	}
	return v, nil
}

// A KernelChange is a change of the kernel that mmscript's behaviour
// follows: the release it first appears in and the commit that made it.
type KernelChange struct {
	Version KernelVersion
	Commit  string // "da1c55f1b272 \"mmap locking API: rename mmap_sem to mmap_lock\""
}

func (c KernelChange) String() string { return "v" + c.Version.String() + ", " + c.Commit }

// The changes of the kernel's history that the runtime and the kernel
// library branch on, oldest first. Each is cited where it is used.
var (
	// mmap_sem became mmap_lock, and the mmap_read_lock() API came, in
	// 5.8: before, a script's lock is mm->mmap_sem taken by
	// down_read()/down_write().
	changeMmapLockAPI = KernelChange{Version(5, 8), "9740ca4e95b4 \"mmap locking API: initial implementation as rwsem wrappers\" and da1c55f1b272 \"mmap locking API: rename mmap_sem to mmap_lock\""}
	// exit_mmap() took no mmap lock before 5.17 (an OOM victim's only
	// write lock/unlock pair was a barrier against the reaper): it walked
	// mm->mmap, zapped, freed the tables and closed the VMAs alone, as
	// mm_users was zero. 64591e8605d6 took the write lock around the
	// teardown (v5.17: "Acquiring the mmap_lock during exit_mmap() was
	// only added recently in v5.17 by commit 64591e8605d6", Carlos
	// Llamas on stable@, 2022-09-20, about 5.15); bf3980c85212 "mm: drop
	// oom code from exit_mmap" later made the unmap a read-locked one.
	changeExitMmapLock = KernelChange{Version(5, 17), "64591e8605d6 \"mm: protect free_pgtables with mmap_lock write lock in exit_mmap\""}
	// The VMA tree became a maple tree, walked under RCU, in 6.1.
	changeMapleTree = KernelChange{Version(6, 1), "d4af56c5c7c6 \"mm: start tracking VMAs with maple tree\""}
	// vm_flags became const, written through vm_flags_set() & co., in
	// 6.3.
	changeVMFlagsWrappers = KernelChange{Version(6, 3), "bc292ab00f6c \"mm: introduce vma->vm_flags wrapper functions\""}
	// Per-VMA locks came in 6.4.
	changePerVMALocks = KernelChange{Version(6, 4), "5e31275cc997 \"mm: add per-VMA lock and helper functions to control it\", 50ee32537206 \"mm: introduce lock_vma_under_rcu to be used from arch-specific code\" and 0bff0aaea03e \"x86/mm: try VMA lock-based page fault handling first\""}
	// The stack grows under the mmap write lock only since 6.5 (StackRot's
	// fix, also 6.4.1, 6.3.11, 6.1.37).
	changeStackWriteLock = KernelChange{Version(6, 5), "8d7071af8907 \"mm: always expand the stack with the mmap write lock held\" (with c2508ec5a58d \"mm: introduce new 'lock_mm_and_find_vma()' page fault helper\")"}
	// GUP lost its vmas array in 6.5.
	changeGUPNoVMAs = KernelChange{Version(6, 5), "54d020692b34 \"mm/gup: remove unused vmas parameter from get_user_pages()\" and ca5e863233e8 \"mm/gup: remove vmas parameter from get_user_pages_remote()\""}
	// folio_walk_start() came in 6.12.
	changeFolioWalk = KernelChange{Version(6, 12), "aa39ca6940f1 \"mm/pagewalk: introduce folio_walk_start() + folio_walk_end()\""}
	// follow_pfnmap_start() came in 6.12, replacing follow_pte().
	changeFollowPfnmap = KernelChange{Version(6, 12), "6da8e9634bb7 \"mm: new follow_pfnmap API\""}
	// The VMA slab became SLAB_TYPESAFE_BY_RCU in 6.15: before, a VMA was
	// freed after an RCU grace period (vm_area_free() -> call_rcu()).
	changeVMATypesafeRCU = KernelChange{Version(6, 15), "3104138517fc \"mm: make vma cache SLAB_TYPESAFE_BY_RCU\""}
)

// KernelChanges lists the changes above, for `mmscript explain kernel`.
func KernelChanges() []KernelChange {
	out := []KernelChange{changeMmapLockAPI, changeExitMmapLock, changeMapleTree, changeVMFlagsWrappers, changePerVMALocks,
		changeStackWriteLock, changeGUPNoVMAs, changeFolioWalk, changeFollowPfnmap, changeVMATypesafeRCU}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Version.Before(out[j].Version) })
	return out
}

// PerVMALocks reports whether kernel v has per-VMA locks (6.4 on).
func (v KernelVersion) PerVMALocks() bool { return v.AtLeast(changePerVMALocks.Version) }
