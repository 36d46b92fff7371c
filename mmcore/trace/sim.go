package trace

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mmscript/mmscript/mmcore"
)

// Where the simulated process keeps what the probe's process has outside
// the window. The kernel randomises mmap_base and the break; only their
// distance from the window matters: both are far from it.
const (
	simMmapBase mmcore.Addr = 0x7f0000000000
	simBrk0     mmcore.Addr = 0x10000000
)

// ErrNotModelled marks an operation mmcore does not model yet; RunSim
// stops there.
var ErrNotModelled = errors.New("not modelled yet")

type simEnv struct {
	tr    *Trace
	o     Options
	m     *mmcore.MM // the process the trace runs in (the child inside fork)
	win   mmcore.Addr
	files map[string]*mmcore.File // logical file -> its inode, opened rw
	fds   map[string]*mmcore.File
	brk0  mmcore.Addr
	out   strings.Builder
}

// RunSim runs tr on mmcore and returns what the probe prints for one run
// of it on Linux 6.18, trailer included. It fails, with the output so far
// and a positioned *Error wrapping ErrNotModelled, at the first operation
// mmcore cannot model yet.
func RunSim(tr *Trace, o Options) (string, error) {
	e := &simEnv{tr: tr, o: o, win: WindowBase, files: map[string]*mmcore.File{}, fds: map[string]*mmcore.File{}, brk0: simBrk0}
	m, err := newSimMM(simBrk0, o)
	if err != nil {
		return "", err
	}
	e.m = m
	// the probe's window reservation and its fork scratch page
	if _, err := m.Mmap(WindowBase, uint64(tr.WindowPages)*pageSize, mmcore.PROT_NONE,
		mmcore.MAP_PRIVATE|mmcore.MAP_ANONYMOUS|mmcore.MAP_NORESERVE|mmcore.MAP_FIXED_NOREPLACE, nil, 0); err != nil {
		return "", fmt.Errorf("window reservation failed: %w", err)
	}
	if _, err := m.Mmap(ScratchAddr, pageSize, mmcore.PROT_READ|mmcore.PROT_WRITE,
		mmcore.MAP_SHARED|mmcore.MAP_ANONYMOUS|mmcore.MAP_FIXED_NOREPLACE, nil, 0); err != nil {
		return "", fmt.Errorf("scratch page: %w", err)
	}
	header(&e.out, tr)
	for i := range tr.Ops {
		cont, err := e.exec(&tr.Ops[i])
		if err != nil {
			return e.out.String(), err
		}
		if err := e.check(&tr.Ops[i], m); err != nil {
			return e.out.String(), err
		}
		if !cont {
			break
		}
	}
	e.out.WriteString(Trailer(tr.Name, 1, true))
	return e.out.String(), nil
}

// check runs mmcore's consistency checks when asked to.
func (e *simEnv) check(op *Op, mms ...*mmcore.MM) error {
	if !e.o.Check {
		return nil
	}
	for _, m := range mms {
		if err := m.CheckPageTables(); err != nil {
			return &Error{Pos: op.Pos, Msg: "mmcore invariant broken: " + err.Error()}
		}
	}
	if err := mmcore.CheckPageCounts(mms...); err != nil {
		return &Error{Pos: op.Pos, Msg: "mmcore invariant broken: " + err.Error()}
	}
	return nil
}

func (e *simEnv) pg(p int) mmcore.Addr { return e.win + mmcore.Addr(int64(p)*pageSize) }

func (e *simEnv) line(text, res string) { opLine(&e.out, text, res) }

func notModelled(op *Op, what string) error {
	return &Error{Pos: op.Pos, Msg: what + ": " + ErrNotModelled.Error()}
}

func (e *Error) Unwrap() error {
	if strings.HasSuffix(e.Msg, ErrNotModelled.Error()) {
		return ErrNotModelled
	}
	return nil
}

// errnoOf turns an mmcore error into the errno the probe prints.
func errnoOf(err error) int {
	if err == nil {
		return 0
	}
	var en mmcore.Errno
	if errors.As(err, &en) {
		return int(en)
	}
	return int(mmcore.EINVAL)
}

// exec runs one op; false stops the trace where the probe would die.
func (e *simEnv) exec(op *Op) (bool, error) {
	m := e.m
	switch op.Kind {
	case OpFile:
		// written fully just before: every page is in the page cache, in
		// order-0 folios on tmpfs (shmem_enabled=never), in large folios
		// on ext4
		var f *mmcore.File
		var err error
		if op.FS == "ext4" {
			f = mmcore.NewExt4File(op.Name, uint64(op.Pages))
			err = f.Mapping().FillLargeFolios(m.Memory(), 0, uint64(op.Pages))
		} else {
			f = mmcore.NewTmpfsFile(op.Name, uint64(op.Pages))
			err = f.Mapping().Fill(m.Memory(), 0, uint64(op.Pages))
		}
		if err != nil {
			return false, err
		}
		e.files[op.Name] = f
		e.line(op.Text, "ok")
	case OpOpen:
		mode := mmcore.FMODE_READ | mmcore.FMODE_WRITE
		if op.ReadOnly {
			mode = mmcore.FMODE_READ
		}
		e.fds[op.Name] = e.files[op.Target].Open(mode)
		e.line(op.Text, "ok")
	case OpShow:
		e.snapshot(m, op.Label, e.win, e.tr.WindowPages, e.win, true)
	case OpShowBrk:
		cur, err := simBrk(m, 0)
		if err != nil {
			return false, notModelled(op, "brk")
		}
		fmt.Fprintf(&e.out, "  (brk is brk0%+d pages)\n", int64(cur-e.brk0)/pageSize)
		e.snapshot(m, "heap: "+op.Label, e.brk0-16*pageSize, 64, e.brk0, true)
	case OpProtBrk:
		en, err := simMprotect(m, e.brk0+mmcore.Addr(int64(op.Page)*pageSize), uint64(op.N)*pageSize, mmcore.Prot(ProtBits(op.Prot)))
		if err != nil {
			return false, notModelled(op, "mprotect")
		}
		e.line(op.Text, ErrnoString(en))
	case OpBrk:
		want := mmcore.Addr(int64(e.brk0) + int64(op.N)*pageSize)
		got, err := simBrk(m, want)
		if err != nil {
			return false, notModelled(op, "brk")
		}
		res := "ok"
		if got != want {
			res = brkResult(int64(got-e.brk0) / pageSize)
		}
		e.line(op.Text, res)
	case OpTouchBrk:
		for i := 0; i < op.N; i++ {
			ok, err := simTouch(m, e.brk0+mmcore.Addr(int64(op.Page+i)*pageSize), true)
			if err != nil {
				return false, &Error{Pos: op.Pos, Msg: err.Error()}
			}
			if !ok {
				e.line(op.Text, fmt.Sprintf("SIGSEGV at brk page %d (the probe dies here)", op.Page+i))
				return false, nil
			}
		}
		e.line(op.Text, "ok")
	case OpTryTouch:
		var b strings.Builder
		for i := 0; i < op.N; i++ {
			ok, err := simTouch(m, e.pg(op.Page+i), op.Access == 'w')
			if err != nil {
				return false, &Error{Pos: op.Pos, Msg: err.Error()}
			}
			if ok {
				b.WriteByte('+')
			} else {
				b.WriteByte('X')
			}
		}
		e.line(op.Text, trytouchResult(b.String()))
	case OpTouch:
		for i := 0; i < op.N; i++ {
			ok, err := simTouch(m, e.pg(op.Page+i), op.Access == 'w')
			if err != nil {
				return false, &Error{Pos: op.Pos, Msg: err.Error()}
			}
			if !ok {
				e.line(op.Text, fmt.Sprintf("SIGSEGV at page %d (the probe dies here)", op.Page+i))
				return false, nil
			}
		}
		e.line(op.Text, "ok")
	case OpTHPDisable:
		if err := simTHPDisable(m); err != nil {
			return false, notModelled(op, "prctl(PR_SET_THP_DISABLE)")
		}
		e.line(op.Text, "ok")
	case OpFork:
		return e.fork(op)
	default:
		res, err := e.syscall(m, op)
		if err != nil {
			return false, err
		}
		e.line(op.Text, res)
	}
	return true, nil
}

// syscall runs map, unmap, prot, advise or remap and returns the result
// as the probe prints it.
func (e *simEnv) syscall(m *mmcore.MM, op *Op) (string, error) {
	switch op.Kind {
	case OpMap:
		addr, length := e.pg(op.Page), uint64(op.N)*pageSize
		flags := mmcore.MAP_FIXED
		var file *mmcore.File
		var pgoff uint64
		switch op.MapKind {
		case MapAnon:
			flags |= mmcore.MAP_PRIVATE | mmcore.MAP_ANONYMOUS
		case MapAnonShared:
			flags |= mmcore.MAP_SHARED | mmcore.MAP_ANONYMOUS
		case MapFile:
			flags |= mmcore.MAP_PRIVATE
			file, pgoff = e.fds[op.FD], uint64(op.Pgoff)
		case MapFileShared:
			flags |= mmcore.MAP_SHARED
			file, pgoff = e.fds[op.FD], uint64(op.Pgoff)
		}
		for _, fl := range op.Flags {
			switch fl {
			case "noreserve":
				flags |= mmcore.MAP_NORESERVE
			case "stack":
				flags |= mmcore.MAP_STACK
			case "populate":
				flags |= mmcore.MAP_POPULATE
			case "growsdown":
				flags |= mmcore.MAP_GROWSDOWN
			case "locked":
				flags |= mmcore.MAP_LOCKED
			case "noreplace":
				flags = flags&^mmcore.MAP_FIXED | mmcore.MAP_FIXED_NOREPLACE
			case "hint":
				flags &^= mmcore.MAP_FIXED
			}
		}
		at, err := m.DoMmap(addr, length, mmcore.Prot(ProtBits(op.Prot)), flags, file, pgoff)
		if err != nil {
			return ErrnoString(errnoOf(err)), nil
		}
		return e.placed(m, at, length), nil
	case OpUnmap:
		_, err := m.Munmap(e.pg(op.Page), uint64(op.N)*pageSize)
		return ErrnoString(errnoOf(err)), nil
	case OpProt:
		en, err := simMprotect(m, e.pg(op.Page), uint64(op.N)*pageSize, mmcore.Prot(ProtBits(op.Prot)))
		if err != nil {
			return "", notModelled(op, "mprotect")
		}
		return ErrnoString(en), nil
	case OpAdvise:
		en, err := simMadvise(m, e.pg(op.Page), uint64(op.N)*pageSize, Advice[op.Advice])
		if err != nil {
			return "", notModelled(op, "madvise("+op.Advice+")")
		}
		return ErrnoString(en), nil
	case OpRemap:
		var newAddr mmcore.Addr
		if op.Fixed {
			newAddr = e.pg(op.NewPage)
		}
		addr, en, err := simMremap(m, e.pg(op.Page), uint64(op.N)*pageSize, uint64(op.NewN)*pageSize, op.MayMove, op.Fixed, op.DontUnmap, newAddr)
		if err != nil {
			return "", notModelled(op, "mremap")
		}
		if en != 0 {
			return ErrnoString(en), nil
		}
		return e.placed(m, addr, uint64(op.N)*pageSize), nil
	}
	return "", &Error{Pos: op.Pos, Msg: "internal: not a syscall op"}
}

// placed is the probe's "ok @N", or "ok @outside-window" after unmapping
// a mapping that landed outside the window (length is what the probe
// passes to that munmap: the op's first length argument).
// A fork child runs raw syscalls only and unmaps nothing (its ops are
// decoded in advance, kernel_linux.go runForked), so what lands outside
// the window stays mapped there (and can share pages with the window, which
// Pss and Locked show).
func (e *simEnv) placed(m *mmcore.MM, addr mmcore.Addr, length uint64) string {
	end := e.win + mmcore.Addr(e.tr.WindowPages)*pageSize
	if addr >= e.win && addr < end {
		return fmt.Sprintf("ok @%d", (addr-e.win)/pageSize)
	}
	if m == e.m {
		_, _ = m.Munmap(addr, length)
	}
	return "ok @outside-window"
}

// simTouch is a user access of one byte at addr: ok false is SIGSEGV or
// SIGBUS. A present entry that allows the access does not fault; anything
// else goes through the fault path (do_user_addr_fault: find the VMA,
// expand a stack, check access, handle_mm_fault).
func simTouch(m *mmcore.MM, addr mmcore.Addr, write bool) (bool, error) {
	w := m.Walk(addr)
	if v := m.VMALookup(addr); w.Present() && w.Entry.Accessible() && (!write || w.Entry.Writable()) && v != nil && mmcore.PkeyAccessPermitted(v) {
		if write {
			m.Store(addr)
		}
		return true, nil
	}
	v, err := m.FindVMAForFault(addr)
	if err != nil {
		if errors.Is(err, mmcore.ErrSegv) {
			return false, nil
		}
		return false, err
	}
	_, err = m.HandleFault(v, addr, write)
	switch {
	case err == nil:
		if write {
			m.Store(addr) // the store the fault was for
		}
		return true, nil
	case errors.Is(err, mmcore.ErrSegv), errors.Is(err, mmcore.ErrSigbus):
		return false, nil
	}
	return false, err
}

func (e *simEnv) fork(op *Op) (bool, error) {
	child, err := simFork(e.m)
	if err != nil {
		return false, notModelled(op, "fork")
	}
	results := make([]string, len(op.Child))
	died := false
	for i := range op.Child {
		c := &op.Child[i]
		results[i] = "ok"
		if died {
			continue
		}
		if c.Kind == OpTouch {
			for j := 0; j < c.N; j++ {
				ok, err := simTouch(child, e.pg(c.Page+j), c.Access == 'w')
				if err != nil {
					return false, &Error{Pos: c.Pos, Msg: err.Error()}
				}
				if !ok {
					died = true
					break
				}
			}
			continue
		}
		res, err := e.syscall(child, c)
		if err != nil {
			return false, err
		}
		if err := e.check(c, e.m, child); err != nil {
			return false, err
		}
		if res != "ok" && !strings.HasPrefix(res, "ok ") {
			results[i] = res
		}
	}
	for i := range op.Child {
		childLine(&e.out, op.Child[i].Text, results[i])
	}
	if died {
		e.out.WriteString("  child died (segmentation fault) before stopping (the probe shows an empty child)\n")
		fmt.Fprintf(&e.out, "  --- %s\n", "CHILD "+op.Label)
	} else {
		e.snapshot(child, "CHILD "+op.Label, e.win, e.tr.WindowPages, e.win, false)
	}
	simExit(child)
	return true, nil
}

// snapshot prints the VMAs intersecting [base, base+npages) as the probe
// does; self is false for a fork child, whose mincore the probe cannot
// read.
func (e *simEnv) snapshot(m *mmcore.MM, label string, base mmcore.Addr, npages int, origin mmcore.Addr, self bool) {
	end := base + mmcore.Addr(npages)*pageSize
	shmem := map[*mmcore.AddressSpace]string{}
	var views []VMAView
	for v := range m.VMAsRange(base, end) {
		kind := "anon"
		switch f := v.File(); {
		case f == nil && v.MapName() != "":
			kind = v.MapName()
		case f == nil:
		case f.Shmem():
			if _, ok := shmem[f.Mapping()]; !ok {
				shmem[f.Mapping()] = fmt.Sprintf("shmem#%d", len(shmem)+1)
			}
			kind = fmt.Sprintf("%s@%d", shmem[f.Mapping()], v.Pgoff())
		default:
			kind = fmt.Sprintf("file:%s@%d", f.Name, v.Pgoff())
		}
		st := m.SmapsOf(v)
		vv := VMAView{
			Start: int64(v.Start()-origin) / pageSize, End: int64(v.End()-origin) / pageSize,
			Perms: v.Flags.Perms(), Kind: kind, Rss: st.Rss, Anon: st.Anonymous,
			VmFlags: v.Flags.VmFlags(), Pkey: v.ProtectionKey(),
		}
		vv.Extra[ExtraAnonHuge] = st.AnonHugePages
		vv.Extra[ExtraFilePmd] = st.FilePmdMapped
		vv.Extra[ExtraShmemPmd] = st.ShmemPmdMapped
		vv.Extra[ExtraLocked] = st.LockedKB / 4 // the probe prints kB/4
		var pm, mc strings.Builder
		for a := v.Start(); a < v.End(); a += pageSize {
			pm.WriteByte(m.PageClass(a))
		}
		if self {
			for _, r := range m.Mincore(v, v.Start(), v.End()) {
				if r {
					mc.WriteByte('1')
				} else {
					mc.WriteByte('0')
				}
			}
		}
		vv.PM, vv.MC = pm.String(), mc.String()
		views = append(views, vv)
	}
	formatSnapshot(&e.out, label, views, e.o)
}
