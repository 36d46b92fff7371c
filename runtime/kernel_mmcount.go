package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// mm_count: mmgrab() and mmdrop() keep the struct mm_struct alone alive,
// next to mm_users (mmget(), mmget_not_zero(), mmput()), which keeps the
// address space (Documentation/mm/active_mm.rst: "mm_users" is "how many
// users are there", "mm_count" "the number of 'lazy' users ... plus one
// if there are any real users"). mm_init() sets both to 1; the mmput()
// that drops mm_users to zero runs exit_mmap() and then __mmput()'s
// mmdrop() drops the users' mm_count reference; the mmdrop() that drops
// mm_count to zero frees the struct (__mmdrop() -> free_mm()). A task
// holding only mm_count may take the mmap lock and ask mmget_not_zero(),
// never walk the VMAs without mm_users (mm/use-without-mm-users); after
// the last mmdrop() nothing may touch the mm at all.

// readMMCount: how the kernel's mm_count was read.
const readMMCount = "include/linux/sched/mm.h mmgrab(), mmdrop(), mmget(), mmget_not_zero(); kernel/fork.c __mmput(), __mmdrop(); Documentation/mm/active_mm.rst (mainline 2026), read through find_string excerpts"

var ruleMMFreed = &Rule{"mm/use-after-mmdrop",
	"an mm_struct is used only while a reference keeps it: mm_users (mmget(), mmget_not_zero(): the address space) or mm_count (mmgrab(): the struct alone); " +
		"the mmdrop() that drops mm_count to zero frees it, and an mmdrop() drops only a reference its caller took",
	"include/linux/sched/mm.h: mmdrop(): if (unlikely(atomic_dec_and_test(&mm->mm_count))) __mmdrop(mm); kernel/fork.c: __mmdrop() -> free_mm(); " +
		"__mmput() -> mmdrop(mm); a use after it is a use-after-free that only KASAN reports",
	Unchecked}

// mmFreed reports a use of m after its last mmdrop(), once per task.
func (c *Call) mmFreed(m *MM) {
	if c.T.mmFreedSeen[m] {
		return
	}
	if c.T.mmFreedSeen == nil {
		c.T.mmFreedSeen = map[*MM]bool{}
	}
	c.T.mmFreedSeen[m] = true
	c.K.violate(c.T, ruleMMFreed, fmt.Sprintf("%s on %s after its last mmdrop() freed the mm_struct (__mmdrop()): a pointer kept without mmgrab() "+
		"(mm_count) or an mm_users reference does not keep the struct", c.Op.Name, m.Name), Related{m.freedAt, "the last mmdrop() here"})
}

// mmdropRef is mmdrop(): it drops one mm_count reference (the task's own
// from mmgrab() when it has one) and frees the struct on the last.
func (c *Call) mmdropRef(m *MM) {
	if c.T.mmGrabs[m] > 0 {
		c.T.mmGrabs[m]--
	}
	m.mmCount--
	if m.mmCount > 0 {
		return
	}
	if m.mmUsers > 0 {
		c.K.violate(c.T, ruleMMFreed, fmt.Sprintf("mmdrop(%s) frees the mm_struct while mm_users is %d: an mmdrop() without its mmgrab() (the users' own "+
			"mm_count reference is dropped by __mmput())", m.Name, m.mmUsers))
	}
	m.freed, m.freedAt = true, c.T.ScriptPos(c.T.Pos)
}

func init() {
	mmP := []Param{{Name: "mm", Type: TMM}}
	touches := mmCountTouch
	seq := "/* keep a pointer to the mm beyond its users (an mm_slot, a driver's saved mm) */\nmmgrab(mm);\n/* ... later, from another context */\n" +
		"if (mmget_not_zero(mm)) {\n\tmmap_read_lock(mm);\n\t/* walk the VMAs */\n\tmmap_read_unlock(mm);\n\tmmput(mm);\n}\nmmdrop(mm);"
	defOp(&Op{Name: "mmgrab", Params: mmP,
		API: register(&API{Name: "mmgrab", Section: "-", Hold: "a reference that keeps the mm_struct (mm_users, mm_count, or the task's own mm)",
			Takes: "nothing", Sleeps: "no", Asserts: "none",
			Source: "include/linux/sched/mm.h: mmgrab(): atomic_inc(&mm->mm_count)",
			Notes: "keeps the struct mm_struct alive (its mmap lock, its flags) until mmdrop(), not the address space: the VMAs and page tables go when mm_users " +
				"reaches zero (exit_mmap()); to walk them take mm_users with mmget_not_zero(), which fails once the mm is exiting",
			Rules: []*Rule{ruleMMFreed},
			Cites: []Cite{cite("include/linux/sched/mm.h", "mmgrab()", "none: atomic_inc(&mm->mm_count); (\"Make sure that @mm will not get freed even after the owning task exits. "+
				"This doesn't guarantee that the associated address space will still exist later on and mmget_not_zero() has to be used before accessing it.\")", readMMCount)},
			Sequence: seq}),
		Touches: touches,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			if m.freed {
				return ok // reported by c.mm: the struct is gone
			}
			m.mmCount++
			if c.T.mmGrabs == nil {
				c.T.mmGrabs = map[*MM]int{}
			}
			c.T.mmGrabs[m]++
			return ok
		}})
	defOp(&Op{Name: "mmdrop", Params: mmP,
		API: register(&API{Name: "mmdrop", Section: "-", Hold: "an mm_count reference of the caller's (mmgrab())",
			Takes: "nothing (the last one frees the struct: __mmdrop())", Sleeps: "no (__mmdrop() frees directly; mmdrop_sched() defers it under RT)", Asserts: "none",
			Source: "include/linux/sched/mm.h: mmdrop(); kernel/fork.c: __mmdrop()",
			Notes: "drops the reference mmgrab() took; the last one frees the struct mm_struct, after which any use of the mm is mm/use-after-mmdrop. " +
				"__mmput() drops the users' own reference when mm_users reaches zero",
			Rules: []*Rule{ruleMMFreed},
			Cites: []Cite{cite("include/linux/sched/mm.h", "mmdrop()", "none: if (unlikely(atomic_dec_and_test(&mm->mm_count))) __mmdrop(mm);", readMMCount),
				cite("kernel/fork.c", "__mmput()", "none: ... exit_mmap(mm); mm_put_huge_zero_folio(mm); set_mm_exe_file(mm, NULL); ... mmdrop(mm);", readMMCount)},
			Sequence: seq}),
		Touches: touches,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			if m.freed {
				return ok // reported by c.mm: a second free
			}
			c.mmdropRef(m)
			return ok
		}})
	defOp(&Op{Name: "mmget", Params: mmP,
		API: register(&API{Name: "mmget", Section: "-", Hold: "an mm_users reference already (the caller's own mm, or one from mmget_not_zero()): mm_users is not zero",
			Takes: "nothing", Sleeps: "no", Asserts: "none (the kernel's mmget() is a bare atomic_inc())",
			Source: "include/linux/sched/mm.h: mmget(): atomic_inc(&mm->mm_users)",
			Notes: "another mm_users reference, for a caller that holds one (current->mm); on an mm only mmgrab() keeps, whose mm_users may be zero, " +
				"it resurrects an address space exit_mmap() tore down: use mmget_not_zero() there (mm/use-without-mm-users)",
			Rules:    []*Rule{ruleMMUsersZero, ruleMMFreed},
			Cites:    []Cite{cite("include/linux/sched/mm.h", "mmget()", "none: atomic_inc(&mm->mm_users); (\"Use mmget_not_zero() if the mm may already have no users\")", readMMCount)},
			Sequence: "/* the caller holds current->mm's own reference */\nmmget(current->mm);\n/* hand the reference to a worker, which mmput()s it */"}),
		Touches: func(c *Call, f *Footprint) { f.mmUsers(mmArg(c, 0), true) },
		Fn: func(c *Call) Result {
			m := c.mm(0)
			if m.mmUsers == 0 {
				c.K.violate(c.T, ruleMMUsersZero, fmt.Sprintf("mmget(%s) with mm_users zero: exit_mmap() has torn the address space down (or is tearing it); "+
					"mmget() takes another reference of one the caller holds: mmget_not_zero() is the try on an mm only mmgrab() keeps", m.Name))
				return ok
			}
			m.mmUsers++
			if c.T.mmRefs == nil {
				c.T.mmRefs = map[*MM]int{}
			}
			c.T.mmRefs[m]++
			return ok
		}})
}

// mmCountTouch is the footprint of a change of mm_count: the mm (whose
// struct the last mmdrop() frees), mm_count and its users' counter.
func mmCountTouch(c *Call, f *Footprint) {
	f.MM(mmArg(c, 0), true)
	f.mmCount(mmArg(c, 0), true)
	f.mmUsers(mmArg(c, 0), true)
}

// partMMCount names an mm's mm_count, and whether its struct was freed:
// every operation on the mm reads it (Call.mm: a use after the last
// mmdrop() is reported at the first use), mmgrab() and mmdrop() write it.
const partMMCount = "->mm_count"

// mmCount records an access to m's mm_count.
func (f *Footprint) mmCount(m *mmcore.MM, write bool) {
	if f != nil && m != nil {
		f.Add(AMM, mmPart(f.mmID(m), partMMCount), write)
	}
}
