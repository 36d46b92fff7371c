//go:build linux && amd64

package trace

// The kernel runner: the fidelity probe (shared/reference/probe/main.go)
// ported to parsed traces. Each trace runs in a fresh child process (a
// re-exec of the running binary, which must call KernelChild first thing),
// inside a window reserved with MAP_FIXED_NOREPLACE, with raw syscalls only;
// the child reads /proc/self/smaps, /proc/self/pagemap and /proc/kpageflags
// (root is needed for PFNs) to print each snapshot.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

// KernelSupported reports whether RunKernel can run here.
const KernelSupported = true

const childEnv = "MMTRACE_KERNEL_CHILD"

const (
	mapShared         = 0x01
	mapPrivate        = 0x02
	mapFixed          = 0x10
	mapAnonymous      = 0x20
	mapGrowsdown      = 0x100
	mapLocked         = 0x2000
	mapNoreserve      = 0x4000
	mapPopulate       = 0x8000
	mapStack          = 0x20000
	mapFixedNoreplace = 0x100000

	mremapMaymove   = 1
	mremapFixed     = 2
	mremapDontunmap = 4
)

// RunKernel runs tr on the host kernel repeat times, each in a fresh child
// process (the running executable re-executed; its main or TestMain must
// call KernelChild before anything else), and returns what
// `PROBE_REPEAT=repeat probe -trace FILE` prints: the first run's output,
// any run that differs, and the trailer. src is the trace's text, which
// the child parses again. same reports whether all runs were identical.
func RunKernel(tr *Trace, src []byte, o Options, repeat int) (out string, same bool, err error) {
	exe, err := os.Executable()
	if err != nil {
		return "", false, err
	}
	if repeat < 1 {
		repeat = 1
	}
	var b strings.Builder
	var first string
	same = true
	for i := 0; i < repeat; i++ {
		s := runKernelChild(exe, tr, src, o)
		if i == 0 {
			first = s
			b.WriteString(s)
		} else if s != first {
			same = false
			fmt.Fprintf(&b, "!!! run %d of %s differs:\n%s", i+1, tr.Name, s)
		}
	}
	b.WriteString(Trailer(tr.Name, repeat, same))
	return b.String(), same, nil
}

// kernelRunTimeout bounds one run of a trace on the kernel. A run takes
// milliseconds; one that has not ended in this time is stuck (a fork child
// stopped for its snapshot whose parent died before killing it keeps the
// output pipe open, and the shrinker's candidate traces reach corners the
// generator never writes), and a fidelity search must report it, not hang.
const kernelRunTimeout = 60 * time.Second

// runKernelChild runs tr once in a fresh child process and returns what
// it printed. The child and any fork children it left run in a process
// group of their own, killed whole when the run times out and after it
// ends (a stopped fork child would hold the pipe and the kernel's memory).
func runKernelChild(exe string, tr *Trace, src []byte, o Options) string {
	ctx, cancel := context.WithTimeout(context.Background(), kernelRunTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), childEnv+"="+tr.Name, fmt.Sprintf("MMTRACE_KERNEL_OPTS=%v,%v", o.NoMincore, o.NoPkey))
	cmd.Stdin = bytes.NewReader(src)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second // then the pipes are closed under a stray fork child
	res, err := cmd.CombinedOutput()
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	s := string(res)
	switch {
	case ctx.Err() != nil:
		s += fmt.Sprintf("scenario %s: %s (the probe hung)\n", tr.Name, ErrKernelTimeout)
	case err != nil:
		s += fmt.Sprintf("scenario %s: %v\n", tr.Name, err)
	}
	return s
}

// KernelChild runs the trace a RunKernel parent sent and exits, when this
// process is such a child; otherwise it returns at once. Call it first in
// main and in TestMain.
func KernelChild() {
	name := os.Getenv(childEnv)
	if name == "" {
		return
	}
	src, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Println("trace:", err)
		os.Exit(2)
	}
	tr, err := Parse(name, src)
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	var o Options
	if s := os.Getenv("MMTRACE_KERNEL_OPTS"); s != "" {
		a, b, _ := strings.Cut(s, ",")
		o.NoMincore, o.NoPkey = a == "true", b == "true"
	}
	runtime.LockOSThread()
	debug.SetGCPercent(-1) // no GC: no stack shrinking, fewer runtime surprises
	debug.SetPanicOnFault(true)
	os.Exit(kernelChild(tr, o))
}

type kenv struct {
	tr      *Trace
	o       Options
	win     uintptr
	pages   int
	files   map[string]string
	fds     map[string]int
	cleanup []string
	brk0    uintptr
	out     *bufio.Writer
}

func kernelChild(tr *Trace, o Options) int {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	r, en := sys6(syscall.SYS_MMAP, WindowBase, uintptr(tr.WindowPages)*pageSize, syscall.PROT_NONE,
		mapPrivate|mapAnonymous|mapNoreserve|mapFixedNoreplace, ^uintptr(0), 0)
	if en != 0 || r != WindowBase {
		fmt.Fprintln(w, "window reservation failed:", en)
		return 1
	}
	sys6(syscall.SYS_MMAP, ScratchAddr, pageSize, syscall.PROT_READ|syscall.PROT_WRITE,
		mapShared|mapAnonymous|mapFixedNoreplace, ^uintptr(0), 0)
	e := &kenv{tr: tr, o: o, win: WindowBase, pages: tr.WindowPages, files: map[string]string{}, fds: map[string]int{}, out: w}
	e.brk0, _ = sys6(syscall.SYS_BRK, 0, 0, 0, 0, 0, 0)
	defer func() {
		for _, p := range e.cleanup {
			os.Remove(p)
		}
	}()
	var b strings.Builder
	header(&b, tr)
	w.WriteString(b.String())
	for i := range tr.Ops {
		if !e.exec(&tr.Ops[i]) {
			return 0
		}
	}
	return 0
}

func sys6(nr, a1, a2, a3, a4, a5, a6 uintptr) (uintptr, syscall.Errno) {
	r, _, e := syscall.RawSyscall6(nr, a1, a2, a3, a4, a5, a6)
	return r, e
}

func (e *kenv) pg(p int) uintptr { return e.win + uintptr(int64(p)*pageSize) }

var sink = new(byte) // reads of the window land here, so they are not optimised away

// ptrAt turns a window address into a pointer. The window is raw memory
// the Go runtime does not manage, so the pointer never moves and is never
// scanned; the conversion goes through memory so that vet's check for
// uintptr-to-pointer conversions (meant for Go memory) stays quiet.
func ptrAt(addr uintptr) *byte { return *(**byte)(unsafe.Pointer(&addr)) }

func tryTouch(addr uintptr, write bool) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	p := ptrAt(addr)
	if write {
		*p = 0x5a
	} else {
		*sink += *p
	}
	return true
}

func (e *kenv) line(text, res string) {
	var b strings.Builder
	opLine(&b, text, res)
	e.out.WriteString(b.String())
}

// exec runs one op; false stops the trace (a touch that faulted, where the
// probe itself would have died).
func (e *kenv) exec(op *Op) bool {
	switch op.Kind {
	case OpFile:
		dir := "/dev/shm"
		if op.FS == "ext4" {
			dir = "/tmp"
		}
		path := fmt.Sprintf("%s/mmtrace-%d-%s", dir, os.Getpid(), op.Name)
		data := make([]byte, op.Pages*pageSize)
		for i := range data {
			data[i] = byte(i / pageSize)
		}
		if err := os.WriteFile(path, data, 0600); err != nil {
			fmt.Fprintln(e.out, "  file:", err)
		}
		e.files[op.Name] = path
		e.cleanup = append(e.cleanup, path)
		e.line(op.Text, "ok")
	case OpOpen:
		mode := os.O_RDWR
		if op.ReadOnly {
			mode = os.O_RDONLY
		}
		fd, err := syscall.Open(e.files[op.Target], mode, 0)
		if err != nil {
			fmt.Fprintln(e.out, "  open:", err)
		}
		e.fds[op.Name] = fd
		e.line(op.Text, "ok")
	case OpShow:
		e.snapshot(os.Getpid(), op.Label, e.win, e.pages, e.win)
	case OpShowBrk:
		cur, _ := sys6(syscall.SYS_BRK, 0, 0, 0, 0, 0, 0)
		fmt.Fprintf(e.out, "  (brk is brk0%+d pages)\n", int(int64(cur)-int64(e.brk0))/pageSize)
		e.snapshot(os.Getpid(), "heap: "+op.Label, e.brk0-16*pageSize, 64, e.brk0)
	case OpProtBrk:
		_, en := sys6(syscall.SYS_MPROTECT, e.brk0+uintptr(int64(op.Page)*pageSize), uintptr(op.N)*pageSize, uintptr(ProtBits(op.Prot)), 0, 0, 0)
		e.line(op.Text, ErrnoString(int(en)))
	case OpBrk:
		want := uintptr(int64(e.brk0) + int64(op.N)*pageSize)
		got, _ := sys6(syscall.SYS_BRK, want, 0, 0, 0, 0, 0)
		res := "ok"
		if got != want {
			res = brkResult((int64(got) - int64(e.brk0)) / pageSize)
		}
		e.line(op.Text, res)
	case OpTouchBrk:
		for i := 0; i < op.N; i++ {
			if !tryTouch(e.brk0+uintptr(int64(op.Page+i)*pageSize), true) {
				e.line(op.Text, fmt.Sprintf("SIGSEGV at brk page %d (the probe dies here)", op.Page+i))
				return false
			}
		}
		e.line(op.Text, "ok")
	case OpTryTouch:
		var b strings.Builder
		for i := 0; i < op.N; i++ {
			if tryTouch(e.pg(op.Page+i), op.Access == 'w') {
				b.WriteByte('+')
			} else {
				b.WriteByte('X')
			}
		}
		e.line(op.Text, trytouchResult(b.String()))
	case OpTHPDisable:
		_, en := sys6(syscall.SYS_PRCTL, 41 /* PR_SET_THP_DISABLE */, 1, 0, 0, 0, 0)
		e.line(op.Text, ErrnoString(int(en)))
	case OpFork:
		e.runForked(op)
	case OpTouch:
		for i := 0; i < op.N; i++ {
			if !tryTouch(e.pg(op.Page+i), op.Access == 'w') {
				e.line(op.Text, fmt.Sprintf("SIGSEGV at page %d (the probe dies here)", op.Page+i))
				return false
			}
		}
		e.line(op.Text, "ok")
	default:
		r := e.decode(op)
		ret, en := sys6(r.nr, r.a1, r.a2, r.a3, r.a4, r.a5, r.a6)
		res := ErrnoString(int(en))
		if en == 0 && (r.nr == syscall.SYS_MMAP || r.nr == syscall.SYS_MREMAP) && ret != 0 {
			if ret >= e.win && ret < e.win+uintptr(e.pages)*pageSize {
				res = fmt.Sprintf("ok @%d", (ret-e.win)/pageSize)
			} else {
				res = "ok @outside-window"
				sys6(syscall.SYS_MUNMAP, ret, r.a2, 0, 0, 0, 0) // not ours to keep
			}
		}
		e.line(op.Text, res)
	}
	return true
}

// rawOp is a pre-decoded operation a forked child runs without touching the
// Go runtime (no allocation, no scheduler, RawSyscall only).
type rawOp struct {
	kind                   int // 1 syscall, 2 touch-read, 3 touch-write
	nr                     uintptr
	a1, a2, a3, a4, a5, a6 uintptr
	n                      int
}

func (e *kenv) decode(op *Op) rawOp {
	switch op.Kind {
	case OpMap:
		addr, length := e.pg(op.Page), uintptr(op.N)*pageSize
		flags := uintptr(mapFixed)
		fd, off := ^uintptr(0), uintptr(0)
		switch op.MapKind {
		case MapAnon:
			flags |= mapPrivate | mapAnonymous
		case MapAnonShared:
			flags |= mapShared | mapAnonymous
		case MapFile, MapFileShared:
			if op.MapKind == MapFile {
				flags |= mapPrivate
			} else {
				flags |= mapShared
			}
			fd, off = uintptr(e.fds[op.FD]), uintptr(op.Pgoff)*pageSize
		}
		for _, fl := range op.Flags {
			switch fl {
			case "noreserve":
				flags |= mapNoreserve
			case "stack":
				flags |= mapStack
			case "populate":
				flags |= mapPopulate
			case "growsdown":
				flags |= mapGrowsdown
			case "locked":
				flags |= mapLocked
			case "noreplace":
				flags = flags&^mapFixed | mapFixedNoreplace
			case "hint":
				flags &^= mapFixed
			}
		}
		return rawOp{kind: 1, nr: syscall.SYS_MMAP, a1: addr, a2: length, a3: uintptr(ProtBits(op.Prot)), a4: flags, a5: fd, a6: off}
	case OpUnmap:
		return rawOp{kind: 1, nr: syscall.SYS_MUNMAP, a1: e.pg(op.Page), a2: uintptr(op.N) * pageSize}
	case OpProt:
		return rawOp{kind: 1, nr: syscall.SYS_MPROTECT, a1: e.pg(op.Page), a2: uintptr(op.N) * pageSize, a3: uintptr(ProtBits(op.Prot))}
	case OpAdvise:
		return rawOp{kind: 1, nr: syscall.SYS_MADVISE, a1: e.pg(op.Page), a2: uintptr(op.N) * pageSize, a3: uintptr(Advice[op.Advice])}
	case OpTouch:
		k := 2
		if op.Access == 'w' {
			k = 3
		}
		return rawOp{kind: k, a1: e.pg(op.Page), n: op.N}
	case OpRemap:
		var flags, newAddr uintptr
		if op.MayMove {
			flags |= mremapMaymove
		}
		if op.Fixed {
			flags |= mremapFixed
			newAddr = e.pg(op.NewPage)
		}
		if op.DontUnmap {
			flags |= mremapDontunmap
		}
		return rawOp{kind: 1, nr: syscall.SYS_MREMAP, a1: e.pg(op.Page), a2: uintptr(op.N) * pageSize, a3: uintptr(op.NewN) * pageSize, a4: flags, a5: newAddr}
	}
	return rawOp{}
}

//go:noinline
func growStack(n int) byte {
	var buf [64 << 10]byte
	buf[n&0xffff] = byte(n)
	return buf[(n*7)&0xffff]
}

// runForked forks; the child runs its ops with raw syscalls only, records
// errnos in the shared scratch page and stops itself with SIGSTOP. The
// parent snapshots the child's /proc files, then kills it.
func (e *kenv) runForked(op *Op) {
	ops := make([]rawOp, len(op.Child))
	for i := range op.Child {
		ops[i] = e.decode(&op.Child[i])
	}
	e.out.Flush()
	res := (*[512]uintptr)(unsafe.Pointer(ptrAt(ScratchAddr)))
	for i := range res {
		res[i] = 0
	}
	growStack(1) // pre-grow the goroutine stack so the child never calls morestack
	pid, _, errno := syscall.RawSyscall(syscall.SYS_FORK, 0, 0, 0)
	if errno != 0 {
		fmt.Fprintln(e.out, "fork failed:", errno)
		return
	}
	if pid == 0 {
		for i := range ops {
			op := &ops[i]
			switch op.kind {
			case 1:
				_, _, en := syscall.RawSyscall6(op.nr, op.a1, op.a2, op.a3, op.a4, op.a5, op.a6)
				if en != 0 {
					res[i] = uintptr(en)
				}
			case 2, 3:
				for j := 0; j < op.n; j++ {
					p := ptrAt(op.a1 + uintptr(j)*pageSize)
					if op.kind == 3 {
						*p = 0x77
					} else {
						res[500] += uintptr(*p)
					}
				}
			}
		}
		mypid, _, _ := syscall.RawSyscall(syscall.SYS_GETPID, 0, 0, 0)
		syscall.RawSyscall(syscall.SYS_KILL, mypid, uintptr(syscall.SIGSTOP), 0)
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)
	}
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(int(pid), &ws, syscall.WUNTRACED, nil); err != nil {
		fmt.Fprintln(e.out, "wait4:", err)
	}
	var b strings.Builder
	for i := range op.Child {
		childLine(&b, op.Child[i].Text, ErrnoString(int(res[i])))
	}
	e.out.WriteString(b.String())
	if !ws.Stopped() {
		fmt.Fprintf(e.out, "  child died (%v) before stopping (the probe shows an empty child)\n", ws.Signal())
	}
	e.snapshot(int(pid), "CHILD "+op.Label, e.win, e.pages, e.win)
	syscall.Kill(int(pid), syscall.SIGKILL)
	syscall.Wait4(int(pid), &ws, 0, nil)
}

type kvma struct {
	start, end uintptr
	perms      string
	off        uint64
	dev, inode string
	path       string
	fields     map[string]string
}

func readSmaps(pid int) ([]kvma, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return nil, err
	}
	var out []kvma
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		fs := strings.Fields(line)
		if len(fs) >= 5 && strings.Contains(fs[0], "-") && !strings.HasSuffix(fs[0], ":") {
			se := strings.SplitN(fs[0], "-", 2)
			s, _ := strconv.ParseUint(se[0], 16, 64)
			en, _ := strconv.ParseUint(se[1], 16, 64)
			off, _ := strconv.ParseUint(fs[2], 16, 64)
			v := kvma{start: uintptr(s), end: uintptr(en), perms: fs[1], off: off, dev: fs[3], inode: fs[4], fields: map[string]string{}}
			if len(fs) > 5 {
				v.path = strings.Join(fs[5:], " ")
			}
			out = append(out, v)
			continue
		}
		if len(out) == 0 {
			continue
		}
		if k, val, ok := strings.Cut(line, ":"); ok {
			out[len(out)-1].fields[k] = strings.TrimSpace(val)
		}
	}
	return out, sc.Err()
}

func kb2pages(s string) int {
	s = strings.TrimSuffix(strings.TrimSpace(s), " kB")
	n, _ := strconv.Atoi(s)
	return n / 4
}

// kpagemap decodes one character per page, as the probe's pagemap does.
func kpagemap(pid int, start, end uintptr) string {
	n := int((end - start) / pageSize)
	f, err := os.Open(fmt.Sprintf("/proc/%d/pagemap", pid))
	if err != nil {
		return "?"
	}
	defer f.Close()
	buf := make([]byte, 8*n)
	if _, err := f.ReadAt(buf, int64(start/pageSize)*8); err != nil {
		return "?" + err.Error()
	}
	kpf, _ := os.Open("/proc/kpageflags")
	if kpf != nil {
		defer kpf.Close()
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		e := binary.LittleEndian.Uint64(buf[i*8:])
		present, swapped := e>>63&1 == 1, e>>62&1 == 1
		file, excl := e>>61&1 == 1, e>>56&1 == 1
		pfn := e & (1<<55 - 1)
		var kflags uint64
		if present && kpf != nil {
			var kb [8]byte
			if _, err := kpf.ReadAt(kb[:], int64(pfn)*8); err == nil {
				kflags = binary.LittleEndian.Uint64(kb[:])
			}
		}
		const kpfCompoundHead, kpfCompoundTail, kpfTHP, kpfZero = 15, 16, 22, 24
		compound := kflags>>kpfCompoundHead&1 == 1 || kflags>>kpfCompoundTail&1 == 1
		switch {
		case swapped:
			b.WriteByte('s')
		case !present:
			b.WriteByte('.')
		case kflags>>kpfZero&1 == 1:
			b.WriteByte('z')
		case file && compound:
			b.WriteByte('F')
		case file:
			b.WriteByte('f')
		case kflags>>kpfTHP&1 == 1:
			b.WriteByte('T')
		case excl:
			b.WriteByte('a')
		default:
			b.WriteByte('A')
		}
	}
	return b.String()
}

func kmincore(start, end uintptr) string {
	n := int((end - start) / pageSize)
	vec := make([]byte, n)
	_, e := sys6(syscall.SYS_MINCORE, start, end-start, uintptr(unsafe.Pointer(&vec[0])), 0, 0, 0)
	if e != 0 {
		return "E" + strings.ToLower(ErrnoString(int(e))[1:])
	}
	var b strings.Builder
	for _, v := range vec {
		b.WriteByte('0' + v&1)
	}
	return b.String()
}

// normPath names a mapping as the probe does: the trace's files by their
// logical names, shared anonymous memory as shmem#k in order of appearance.
func (e *kenv) normPath(v kvma, inodes map[string]string) string {
	for name, p := range e.files {
		if v.path == p || v.path == p+" (deleted)" {
			return "file:" + name
		}
	}
	if v.path == "" {
		return "anon"
	}
	if strings.HasPrefix(v.path, "[") {
		return v.path
	}
	if strings.HasPrefix(v.path, "/dev/zero") || strings.HasPrefix(v.path, "/SYSV") {
		key := v.dev + ":" + v.inode
		if _, ok := inodes[key]; !ok {
			inodes[key] = fmt.Sprintf("shmem#%d", len(inodes)+1)
		}
		return inodes[key]
	}
	return v.path
}

func (e *kenv) snapshot(pid int, label string, base uintptr, npages int, origin uintptr) {
	vmas, err := readSmaps(pid)
	if err != nil {
		fmt.Fprintln(e.out, "  smaps:", err)
		return
	}
	end := base + uintptr(npages)*pageSize
	inodes := map[string]string{}
	self := pid == os.Getpid()
	var views []VMAView
	for _, v := range vmas {
		if v.end <= base || v.start >= end {
			continue
		}
		kind := e.normPath(v, inodes)
		if kind != "anon" && !strings.HasPrefix(kind, "[") {
			kind += fmt.Sprintf("@%d", v.off/pageSize)
		}
		vv := VMAView{
			Start: (int64(v.start) - int64(origin)) / pageSize, End: (int64(v.end) - int64(origin)) / pageSize,
			Perms: v.perms, Kind: kind, Rss: kb2pages(v.fields["Rss"]), Anon: kb2pages(v.fields["Anonymous"]),
			VmFlags: v.fields["VmFlags"], PM: kpagemap(pid, v.start, v.end),
		}
		for i, k := range extraNames {
			if x := v.fields[k]; x != "" {
				vv.Extra[i] = kb2pages(x)
			}
		}
		if pk := v.fields["ProtectionKey"]; pk != "" {
			vv.Pkey, _ = strconv.Atoi(pk)
		}
		if self {
			vv.MC = kmincore(v.start, v.end)
		}
		views = append(views, vv)
	}
	var b strings.Builder
	formatSnapshot(&b, label, views, e.o)
	e.out.WriteString(b.String())
}

// HostHasZeroPage reports whether this kernel maps the shared zero page on
// a read fault of private anonymous memory, as every generic kernel does;
// an x86 PVM guest kernel booted with pvm_no_zero_page=1 allocates a page
// instead, which changes rss, anon and the pagemap of every read fault. It
// faults in two pages of a fresh mapping by reading them and compares
// their PFNs (one page twice: the zero page); without the privilege to
// read PFNs (they read as 0) it answers true, the generic behaviour.
func HostHasZeroPage() bool {
	b, err := syscall.Mmap(-1, 0, 2*pageSize, syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS)
	if err != nil {
		return true
	}
	defer syscall.Munmap(b)
	if b[0]|b[pageSize] != 0 { // the read faults (fresh anonymous memory reads 0)
		return true
	}
	f, err := os.Open("/proc/self/pagemap")
	if err != nil {
		return true
	}
	defer f.Close()
	var e [16]byte
	if _, err := f.ReadAt(e[:], int64(uintptr(unsafe.Pointer(&b[0]))/pageSize)*8); err != nil {
		return true
	}
	const present, pfnMask = 1 << 63, 1<<55 - 1
	e0, e1 := binary.LittleEndian.Uint64(e[:8]), binary.LittleEndian.Uint64(e[8:])
	if e0&present == 0 || e1&present == 0 || e0&pfnMask == 0 {
		return true
	}
	return e0&pfnMask == e1&pfnMask
}
