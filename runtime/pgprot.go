package runtime

import "github.com/mmscript/mmscript/mmcore"

// Page protections as drivers write them: vm_get_page_prot(vm_flags), the
// cache-mode helpers pgprot_noncached(), pgprot_writecombine(),
// pgprot_device() and pgprot_decrypted() (arch/x86/include/asm/pgtable.h,
// arch/x86/mm/pat/memtype.c, include/linux/pgtable.h), and the store
// `vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot)` in
// f_op->mmap.
//
// mmscript's pgprot is an int: the index of protection_map[] it comes
// from (the VMA's VM_READ|VM_WRITE|VM_EXEC|VM_SHARED bits, which decide
// the entries' access bits as mmcore builds them) and, shifted left by
// pgprotCacheShift, the entry's cache-mode bits, x86's _PAGE_PWT and
// _PAGE_PCD (the shift keeps _PAGE_PWT, bit 3, off VM_SHARED). The helpers
// OR those bits in as x86 does, so pgprot_noncached(pgprot_writecombine(p))
// is uncached as on x86. The cache mode reaches the entries a driver
// installs (mmcore.VMA.CacheBits); _PAGE_PAT (WT and WP), the SME
// encryption bit and PAT's memtype tracking (pfnmap_track(), which may
// refuse a range mapped with another mode) are not modelled.

// readPgprot: the definitions as find_string shows them across versions
// (x86's pgprot_noncached() ORs cachemode2protval(UC_MINUS) since the PAT
// rework of 2014, before it _PAGE_PCD | _PAGE_PWT).
const readPgprot = "find_string excerpts of arch/x86/include/asm/pgtable.h, arch/x86/mm/pat/memtype.c, include/linux/pgtable.h (2014-2025), read"

// pgprotCacheShift is where mmscript's pgprot keeps the cache-mode bits.
const pgprotCacheShift = 8

const pgprotAccessMask = mmcore.VM_READ | mmcore.VM_WRITE | mmcore.VM_EXEC | mmcore.VM_SHARED

// pgprotOf is vm_get_page_prot(flags) with the cache-mode bits cache.
func pgprotOf(flags mmcore.VMFlags, cache mmcore.PTE) int64 {
	return int64(flags&pgprotAccessMask) | int64(cache&mmcore.PTECacheMask)<<pgprotCacheShift
}

// pgprotCache is the cache-mode bits of a pgprot.
func pgprotCache(prot int64) mmcore.PTE {
	return mmcore.PTE(prot>>pgprotCacheShift) & mmcore.PTECacheMask
}

// remapCacheBits is the cache mode of remap_pfn_range()'s or
// io_remap_pfn_range()'s prot (the VMA's own when none was given, and for
// vm_iomap_memory(), which passes vma->vm_page_prot).
func remapCacheBits(c *Call, v *mmcore.VMA) mmcore.PTE {
	if i := paramAt(c.Op, "prot"); i >= 0 && i < len(c.Args) && c.Args[i].T == TInt && c.Args[i].Int != -1 {
		return pgprotCache(c.Args[i].Int)
	}
	return v.CacheBits
}

// pgprotQuery: computing a pgprot is never wrong; where it goes is
// checked (vm_page_prot_store's row, remap_pfn_range()'s).
const pgprotQuery = "A computation on a pgprot value: no call of it is wrong. What the pgprot goes into is checked: the store to vma->vm_page_prot " +
	"(the mmap and VMA write locks on a live VMA), remap_pfn_range() (f_op->mmap)"

func init() {
	Constants["_PAGE_CACHE_MODE_WB"] = int64(mmcore.CacheWB)
	Constants["_PAGE_CACHE_MODE_WC"] = int64(mmcore.CacheWC)
	Constants["_PAGE_CACHE_MODE_UC_MINUS"] = int64(mmcore.CacheUCMinus)
	Constants["_PAGE_CACHE_MODE_UC"] = int64(mmcore.CacheUC)

	pure := func(name, source, notes, cites, seq string, fn func(int64) int64) {
		defOp(&Op{Name: name, Params: []Param{{Name: "prot", Type: TInt}}, Result: TInt,
			API: register(&API{Name: name, Section: "-", Hold: "nothing", Takes: "nothing", Sleeps: "no",
				Source: source, Notes: notes, Sequence: seq, Query: pgprotQuery,
				Cites: []Cite{cite(source[:len(source)-len(name)-4], name+"()", cites, readPgprot)}}),
			Touches: func(c *Call, f *Footprint) {},
			Fn:      func(c *Call) Result { return done(Int(fn(c.int(0)))) }})
	}
	uc, wc := int64(mmcore.PTEPCD)<<pgprotCacheShift, int64(mmcore.PTEPWT)<<pgprotCacheShift
	pure("pgprot_noncached", "arch/x86/include/asm/pgtable.h: pgprot_noncached",
		"ORs in UC- (_PAGE_PCD under Linux's PAT layout): the entries built from it are uncached (minus: MTRR write-combining still applies)",
		"#define pgprot_noncached(prot) ((boot_cpu_data.x86 > 3) ? (__pgprot(pgprot_val(prot) | cachemode2protval(_PAGE_CACHE_MODE_UC_MINUS))) : (prot))",
		"/* f_op->mmap of a device's registers */\nvma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);\nreturn remap_pfn_range(vma, vma->vm_start, pfn, size, vma->vm_page_prot);",
		func(p int64) int64 { return p | uc })
	pure("pgprot_device", "include/linux/pgtable.h: pgprot_device",
		"x86 has none of its own: pgprot_noncached()",
		"#ifndef pgprot_device #define pgprot_device pgprot_noncached",
		"return io_remap_pfn_range(vma, vma->vm_start, pfn, size, pgprot_device(vma->vm_page_prot));",
		func(p int64) int64 { return p | uc })
	pure("pgprot_writecombine", "arch/x86/mm/pat/memtype.c: pgprot_writecombine",
		"ORs in write-combining (_PAGE_PWT under Linux's PAT layout), as framebuffer and GPU drivers map their apertures",
		"return __pgprot(pgprot_val(prot) | cachemode2protval(_PAGE_CACHE_MODE_WC));",
		"vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma->vm_flags));",
		func(p int64) int64 { return p | wc })
	pure("pgprot_decrypted", "arch/x86/include/asm/pgtable.h: pgprot_decrypted",
		"clears the SME/SEV encryption bit, which mmscript does not model: the pgprot is returned unchanged (io_remap_pfn_range() calls it on the prot it is given)",
		"#define pgprot_decrypted(prot) __pgprot(__sme_clr(pgprot_val(prot))) (cc_mkdec() in later kernels)",
		"return remap_pfn_range(vma, vma->vm_start, pfn, size, pgprot_decrypted(vma->vm_page_prot));",
		func(p int64) int64 { return p })

	defOp(&Op{Name: "vm_get_page_prot", Params: []Param{{Name: "vm_flags", Type: TInt}}, Result: TInt,
		API: register(&API{Name: "vm_get_page_prot", Section: "-", Hold: "nothing (it reads only its argument)", Takes: "nothing", Sleeps: "no",
			Source: "mm/mmap.c: vm_get_page_prot() (DECLARE_VM_GET_PAGE_PROT)",
			Notes:  "protection_map[vm_flags & (VM_READ|VM_WRITE|VM_EXEC|VM_SHARED)], write-back; mmscript's pgprot is that index (vma.vm_page_prot)",
			Cites: []Cite{cite("include/linux/pgtable.h", "vm_get_page_prot() (DECLARE_VM_GET_PAGE_PROT)",
				"pgprot_t vm_get_page_prot(vm_flags_t vm_flags) { return protection_map[vm_flags & (VM_READ | VM_WRITE | VM_EXEC | VM_SHARED)]; }", readPgprot)},
			Sequence: "vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma->vm_flags));", Query: pgprotQuery}),
		Touches: func(c *Call, f *Footprint) {},
		Fn:      func(c *Call) Result { return done(Int(pgprotOf(mmcore.VMFlags(c.int(0)), 0))) }})

	defOp(&Op{Name: "vm_page_prot_store", Params: []Param{vmaParam("vma", false), {Name: "prot", Type: TInt}},
		API: register(&API{Name: "vm_page_prot_store", Section: "2.16",
			Hold:  "nothing on a VMA f_op->mmap is setting up; on a live VMA the mmap write lock and the VMA write lock (its row of process_addrs.rst)",
			Takes: "nothing", Sleeps: "no",
			Source: "C: vma->vm_page_prot = prot (a plain store; the kernel's vma_set_page_prot() writes it with WRITE_ONCE)",
			Notes: "what a script's `vma.vm_page_prot = prot` compiles to; mmscript keeps the cache mode of prot (pgprot_noncached(), pgprot_writecombine()) for the entries " +
				"the driver installs, and derives the access bits from vm_flags as before",
			Rules: []*Rule{fieldPageProt.rule},
			Cites: []Cite{cite("mm/mmap.c", "vma_set_page_prot()", "none: WRITE_ONCE(vma->vm_page_prot, vm_page_prot) (the kernel's setter of a live VMA's; drivers store it plainly in f_op->mmap)", readMmap),
				cite("drivers/uio/uio.c", "uio_mmap_physical()", "none: vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot) in f_op->mmap", readPgprot)},
			Sequence: "/* f_op->mmap: the VMA is not visible yet */\nvma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);\n" +
				"return remap_pfn_range(vma, vma->vm_start, pfn, vma->vm_end - vma->vm_start, vma->vm_page_prot);"}),
		Touches: writesVMA,
		Fn: func(c *Call) Result {
			v, prot := c.vma(0), c.int(1)
			if prot < 0 {
				return fail("vm_page_prot_store: %d is no pgprot (vma.vm_page_prot, vm_get_page_prot() or a pgprot_*() of one)", prot)
			}
			if access := mmcore.VMFlags(prot) &^ pgprotAccessMask &^ mmcore.VMFlags(mmcore.PTECacheMask<<pgprotCacheShift); access != 0 {
				return fail("vm_page_prot_store: %#x has bits no pgprot of mmscript's has (a vm_get_page_prot() index and cache-mode bits)", prot)
			}
			c.checkFieldWrite(v, fieldPageProt)
			v.CacheBits = pgprotCache(prot)
			return ok
		}})
}
