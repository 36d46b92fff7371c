package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// mm->write_protect_seq and the race it closes (57efa1fe5957 "mm/gup:
// prevent gup_fast from racing with COW during fork", v5.13). fork's
// copy_present_ptes() decides, page by page, whether the child may share
// an anonymous page (not when the parent has it pinned for DMA: then the
// child gets a copy) and then write-protects the parent's entry, all under
// the PTE locks; GUP-fast takes no PTE lock, so a FOLL_PIN walker can pin
// a page between the decision and the write-protect. Both mms then map the
// pinned page read-only, the parent's next write copies it away, and the
// DMA lands in the page only the child still maps. copy_page_range() makes
// the seqcount odd across the copy; GUP-fast for FOLL_PIN gives up when it
// sees it odd, or changed after its walk (undoing its pins).

// readWPSeq: what the seqcount's writer and readers were read from.
const readWPSeq = "57efa1fe5957's patch (kernel/fork.c dup_mmap(), mm/gup.c lockless_pages_from_mm()); mainline mm/memory.c: copy_page_range(), copy_present_ptes(), " +
	"folio_try_dup_anon_rmap_pte(); mm/gup.c: gup_fast() (raw_seqcount_try_begin(), read_seqcount_retry(), gup_fast_unpin_user_pages()), quoted by the search tool"

var ruleGUPPinLostToCOW = &Rule{"gup/pin-lost-to-cow",
	"a FOLL_PIN pin taken by GUP-fast while fork copies the mm must not survive on a page fork shares with the child: fork checks for pins " +
		"(folio_try_dup_anon_rmap_pte: PageAnonExclusive && folio_needs_cow_for_dma) before it write-protects, and a pin taken in between leaves the pinned " +
		"page mapped read-only in both mms; the parent's next write copies it away and the DMA goes to the child's page. GUP-fast reads " +
		"mm->write_protect_seq before the walk (gives up when odd) and undoes its pins when read_seqcount_retry() says it changed",
	"57efa1fe5957 (mm/gup: prevent gup_fast from racing with COW during fork, v5.13); mm/memory.c: copy_page_range() raw_write_seqcount_begin/end(&src_mm->write_protect_seq); " +
		"mm/gup.c: gup_fast()", Unchecked}

func init() {
	citeTable["raw_write_seqcount_begin"] = []Cite{cite("mm/memory.c", "copy_page_range()", "if (is_cow) { ...; vma_assert_write_locked(src_vma); raw_write_seqcount_begin(&src_mm->write_protect_seq); }", readWPSeq)}
	citeTable["raw_write_seqcount_end"] = []Cite{cite("mm/memory.c", "copy_page_range()", "if (is_cow) { raw_write_seqcount_end(&src_mm->write_protect_seq); mmu_notifier_invalidate_range_end(&range); }", readWPSeq)}
	citeTable["raw_read_seqcount"] = []Cite{cite("mm/gup.c", "gup_fast()", "if (gup_flags & FOLL_PIN) { if (!raw_seqcount_try_begin(&current->mm->write_protect_seq, seq)) return 0; }", readWPSeq)}
	citeTable["read_seqcount_retry"] = []Cite{cite("mm/gup.c", "gup_fast()", "if (read_seqcount_retry(&current->mm->write_protect_seq, seq)) { gup_fast_unpin_user_pages(pages, nr_pinned); return 0; }", readWPSeq)}
	citeTable["folio_try_dup_anon_rmap_ptes"] = []Cite{cite("mm/memory.c", "copy_present_ptes(), copy_present_page()",
		"if (unlikely(folio_try_dup_anon_rmap_ptes(folio, page, nr, dst_vma, src_vma))) { ...; return copy_present_page(...); } /* PageAnonExclusive && folio_needs_cow_for_dma */", readWPSeq)}
	const seq = "/* mm/memory.c: copy_page_range() */\nif (is_cow) {\n\tmmu_notifier_invalidate_range_start(&range);\n\tvma_assert_write_locked(src_vma);\n" +
		"\traw_write_seqcount_begin(&src_mm->write_protect_seq);\n}\n/* copy_p?d_range() ... copy_present_ptes() */\n" +
		"if (is_cow) {\n\traw_write_seqcount_end(&src_mm->write_protect_seq);\n\tmmu_notifier_invalidate_range_end(&range);\n}\n\n" +
		"/* mm/gup.c: gup_fast(), FOLL_PIN */\nif (!raw_seqcount_try_begin(&current->mm->write_protect_seq, seq))\n\treturn 0;\n" +
		"local_irq_save(flags);\ngup_fast_pgd_range(start, end, gup_flags, pages, &nr_pinned);\nlocal_irq_restore(flags);\n" +
		"if (read_seqcount_retry(&current->mm->write_protect_seq, seq)) {\n\tgup_fast_unpin_user_pages(pages, nr_pinned);\n\treturn 0;\n}"
	for _, n := range []string{"raw_write_seqcount_begin", "raw_write_seqcount_end", "raw_read_seqcount", "read_seqcount_retry"} {
		sequenceTable[n] = seq
	}

	seqAPI := func(name, hold, notes string) *API {
		return register(&API{Name: name, Section: "2.36", Hold: hold, Takes: "nothing", Sleeps: "no",
			Source: "include/linux/seqlock.h: " + name + "() on mm->write_protect_seq; mm/memory.c: copy_page_range(); mm/gup.c: gup_fast()",
			Notes:  notes + " (mmscript takes the mm: the seqcount is its write_protect_seq)", Rules: []*Rule{ruleGUPPinLostToCOW}})
	}
	mmParam := []Param{{Name: "mm", Type: TMM}}
	writesSeq := func(c *Call, f *Footprint) { f.MM(mmArg(c, 0), true) }

	defOp(&Op{Name: "raw_write_seqcount_begin", Params: mmParam,
		API: seqAPI("raw_write_seqcount_begin", "the mmap write lock (fork: copy_page_range() of a COW mapping)",
			"makes mm->write_protect_seq odd: GUP-fast's FOLL_PIN walks that start now give up, those that began before see it changed"),
		Touches: writesSeq,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			if m.writeProtectSeq&1 != 0 {
				return fail("raw_write_seqcount_begin: %s->write_protect_seq is odd (%d): a write section is open already", m.Name, m.writeProtectSeq)
			}
			m.writeProtectSeq++
			return ok
		}})
	defOp(&Op{Name: "raw_write_seqcount_end", Params: mmParam,
		API:     seqAPI("raw_write_seqcount_end", "the mmap write lock, after raw_write_seqcount_begin", "makes mm->write_protect_seq even again"),
		Touches: writesSeq,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			if m.writeProtectSeq&1 == 0 {
				return fail("raw_write_seqcount_end: %s->write_protect_seq is even (%d): no write section is open", m.Name, m.writeProtectSeq)
			}
			m.writeProtectSeq++
			return ok
		}})
	defOp(&Op{Name: "raw_read_seqcount", Params: mmParam, Result: TInt,
		API: seqAPI("raw_read_seqcount", "nothing (a lockless reader)",
			"mm->write_protect_seq now, odd while fork write-protects the mm (raw_seqcount_try_begin() fails then); check it with read_seqcount_retry"),
		Touches: readsMM,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			if c.T.wpSeqReads == nil {
				c.T.wpSeqReads = map[*MM]uint64{}
			}
			c.T.wpSeqReads[m] = m.writeProtectSeq
			c.T.wpSeqRetry = false
			return done(Int(int64(m.writeProtectSeq)))
		}})
	defOp(&Op{Name: "read_seqcount_retry", Params: []Param{{Name: "mm", Type: TMM}, {Name: "seq", Type: TInt}}, Result: TBool,
		API: seqAPI("read_seqcount_retry", "nothing (a lockless reader)",
			"whether mm->write_protect_seq moved since raw_read_seqcount returned seq: fork write-protected meanwhile, and what the walk got must be undone"),
		Touches: readsMM,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			retry := uint64(c.int(1)) != m.writeProtectSeq
			delete(c.T.wpSeqReads, m)
			c.T.wpSeqRetry = retry // the caller undoes its walk (gup_fast_unpin_user_pages)
			return done(Bool(retry))
		}})

	defOp(&Op{Name: "folio_try_dup_anon_rmap_ptes", Params: []Param{{Name: "dst_vma", Type: TVMA}, {Name: "src_vma", Type: TVMA},
		{Name: "addr", Type: TInt}, {Name: "end", Type: TInt}}, Result: TInt,
		API: register(&API{Name: "folio_try_dup_anon_rmap_ptes", Section: "2.36",
			Hold:  "both mms' mmap write locks, src_vma write-locked, the destination and the source PTE lock",
			Takes: "the allocator (copy_present_page's prealloc)", Sleeps: "no",
			Source: "mm/memory.c: copy_present_ptes(), copy_present_page(); include/linux/rmap.h: folio_try_dup_anon_rmap_ptes(), folio_needs_cow_for_dma()",
			Notes: "fork's pinned check for the entries of [addr, end) of src_vma (one PTE table): an anonymous page of a COW mapping the parent has pinned " +
				"(folio_maybe_dma_pinned) is not shared, the child gets a copy (copy_present_page); returns the pages copied. copy_present_ptes then shares " +
				"and write-protects the rest (a step of the kernel library's fork: `mmscript explain dup_mmap`)",
			Rules: []*Rule{rulePTEChangeLock, ruleGUPPinLostToCOW}}),
		Touches: func(c *Call, f *Footprint) {
			f.PTEs(vmaMM(c, 0), true)
			f.PTEs(vmaMM(c, 1), false)
			f.AllPages(false)
			f.Alloc()
		},
		Fn: func(c *Call) Result {
			dst, src := c.vma(0), c.vma(1)
			addr, end := c.addr(2), c.addr(3)
			if end <= addr || addr < src.Start() || end > src.End() || addr&^(mmcore.PMD_SIZE-1) != (end-1)&^(mmcore.PMD_SIZE-1) {
				return fail("folio_try_dup_anon_rmap_ptes: [%#x, %#x) is not inside one PTE table of %s", uint64(addr), uint64(end), VMAName(src))
			}
			dm := mmOf(dst.MM())
			n := 0
			for _, a := range mmcore.PinnedAnonPages(src, addr, end, func(p *mmcore.Page) bool { return c.K.pins[p.Folio()] > 0 }) {
				if err := dm.Core.CopyPresentPage(dst, src, a); err != nil {
					return done(Int(-Constants["ENOMEM"]))
				}
				n++
			}
			return done(Int(int64(n)))
		}})
}

// lostPin is a pin of task t on folio f that fork shared with the child.
type lostPin struct {
	f *mmcore.Page
	t *Task
}

// checkPinLostToCOW reports, at fork's write-protect of src's entries in
// [addr, end), each page pinned after the pinned check
// (folio_try_dup_anon_rmap_ptes, which would have given the child a copy):
// the page is about to be shared read-only. A taker that read
// mm->write_protect_seq before fork's raw_write_seqcount_begin and has not
// checked it yet, or whose check failed, may still undo the pin
// (read_seqcount_retry() fails, then gup_fast_unpin_user_pages()): its pin
// is recorded, and unpinFolio
// reports it if it is released any other way.
func (c *Call) checkPinLostToCOW(dst, src *mmcore.VMA, addr, end mmcore.Addr) {
	sm := mmOf(src.MM())
	for _, a := range mmcore.PinnedAnonPages(src, addr, end, func(p *mmcore.Page) bool { return c.K.pins[p.Folio()] > 0 }) {
		if mmOf(dst.MM()).Core.Walk(dst.Start() + (a - src.Start())).Present() {
			continue // the check saw the pin: the child has a copy
		}
		w := sm.Core.Walk(a)
		f := sm.Core.Memory().Page(w.Entry.PFN()).Folio()
		for _, t := range c.K.Tasks {
			if t.pinned[f] == 0 {
				continue
			}
			msg := fmt.Sprintf("copy_present_ptes write-protected %s's pfn %#x at %#x and shared it with the child, but %s pinned it (FOLL_PIN) "+
				"after fork's pinned check (at %s)", sm.Name, uint64(f.PFN), uint64(a), t.Name, c.T.Pos)
			if _, reading := t.wpSeqReads[sm]; reading || t.wpSeqRetry {
				if c.K.lostPins == nil {
					c.K.lostPins = map[lostPin]string{}
				}
				c.K.lostPins[lostPin{f, t}] = msg
				continue
			}
			c.K.violate(c.T, ruleGUPPinLostToCOW, msg+", and no mm->write_protect_seq check will undo the pin: "+pinLostReaction)
			return
		}
	}
}

const pinLostReaction = "the parent's next write copies the page away and the DMA lands in the child's page; the kernel does not notice (silent data corruption)"

// checkLostPinRelease reports the release of a pin fork shared with the
// child (checkPinLostToCOW) unless it is the undo of a failed
// read_seqcount_retry(): the caller had kept and used the pin.
func (c *Call) checkLostPinRelease(f *mmcore.Page) {
	k := lostPin{f, c.T}
	msg, ok := c.K.lostPins[k]
	if !ok {
		return
	}
	delete(c.K.lostPins, k)
	if c.T.wpSeqRetry {
		return // gup_fast_unpin_user_pages(): the walk is undone
	}
	c.K.violate(c.T, ruleGUPPinLostToCOW, fmt.Sprintf("%s: the pin on pfn %#x was kept and is released now: %s; "+
		"%s read mm->write_protect_seq but did not undo the pin on a failed read_seqcount_retry(): %s", c.Op.Name, uint64(f.PFN), msg, c.T.Name, pinLostReaction))
}
