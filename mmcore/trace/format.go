package trace

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrNoKernel is RunKernel's answer where the kernel runner cannot run.
var ErrNoKernel = errors.New("the kernel runner needs Linux on x86-64 (the goldens are recorded on Linux 6.18)")

// ErrKernelTimeout: a kernel run of a trace did not end in time.
var ErrKernelTimeout = errors.New("the kernel run timed out")

// Options change what the runners print.
type Options struct {
	// NoMincore leaves out the mc= column (mincore per page).
	NoMincore bool
	// NoPkey leaves out the pkey= column (x86 protection keys).
	NoPkey bool
	// CPUWithoutPkeys simulates a machine whose CPU has no protection keys
	// (no pku/ospke), where a PROT_EXEC-only mapping gets no execute-only
	// key: the machine the goldens were recorded on is one.
	CPUWithoutPkeys bool
	// NoZeroPage simulates a kernel whose anonymous read faults allocate
	// pages instead of mapping the zero page (mmcore.Config.NoZeroPageOnRead).
	// The goldens' first line says which kind of kernel recorded them.
	NoZeroPage bool
	// Check verifies mmcore's page tables and page counts after every
	// operation (mmcore.MM.CheckPageTables, mmcore.CheckPageCounts); a
	// violation stops the run with an error.
	Check bool
}

// VMAView is one VMA of a snapshot, normalised as the probe prints it.
type VMAView struct {
	Start, End int64  // pages from the origin (window base or first break)
	Perms      string // rw-p
	Kind       string // anon, [heap], file:A@4, shmem#1@0
	Rss, Anon  int    // pages
	// Extra holds the optional smaps fields in the probe's order
	// (AnonHugePages, FilePmdMapped, ShmemPmdMapped, Swap, Locked), in
	// pages, zero when absent.
	Extra   [5]int
	Pkey    int
	VmFlags string
	PM      string // one character per page, not run-length encoded
	MC      string // one digit per page; empty when not printed
}

var extraNames = [5]string{"AnonHugePages", "FilePmdMapped", "ShmemPmdMapped", "Swap", "Locked"}

// Extra indices.
const (
	ExtraAnonHuge = iota
	ExtraFilePmd
	ExtraShmemPmd
	ExtraSwap
	ExtraLocked
)

// rle run-length encodes a per-page string as the probe does: count then
// symbol, the count omitted for runs of one.
func rle(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == s[i] {
			j++
		}
		if j-i > 1 {
			b.WriteString(strconv.Itoa(j - i))
		}
		b.WriteByte(s[i])
		i = j
	}
	return b.String()
}

// formatSnapshot prints a snapshot as the probe's snapshotAt does.
func formatSnapshot(b *strings.Builder, label string, vmas []VMAView, o Options) {
	fmt.Fprintf(b, "  --- %s\n", label)
	for _, v := range vmas {
		extra := ""
		for i, n := range v.Extra {
			if n != 0 {
				extra += fmt.Sprintf(" %s=%d", extraNames[i], n)
			}
		}
		if v.Pkey != 0 && !o.NoPkey {
			extra += " pkey=" + strconv.Itoa(v.Pkey)
		}
		mc := ""
		if v.MC != "" && !o.NoMincore {
			mc = " mc=" + rle(v.MC)
		}
		fmt.Fprintf(b, "  [%4d,%4d) %s %-13s rss=%-3d anon=%-3d%s vmflags=[%s] pm=%s%s\n",
			v.Start, v.End, v.Perms, v.Kind, v.Rss, v.Anon, extra, v.VmFlags, rle(v.PM), mc)
	}
}

func header(b *strings.Builder, tr *Trace) {
	fmt.Fprintf(b, "=== scenario %s (window = %d pages at %#x; offsets below are pages from the window base)\n",
		tr.Name, tr.WindowPages, WindowBase)
}

// Trailer is the line the probe prints after each run of a trace
// (PROBE_REPEAT=1), followed by an empty line.
func Trailer(name string, runs int, same bool) string {
	return fmt.Sprintf("=== %s: %d runs, output identical: %v\n\n", name, runs, same)
}

func opLine(b *strings.Builder, text, result string) {
	fmt.Fprintf(b, "  %-48s -> %s\n", text, result)
}

func childLine(b *strings.Builder, text, result string) {
	fmt.Fprintf(b, "  [child] %-40s -> %s\n", text, result)
}

// ErrnoString prints an errno as the probe does: ok, ENOMEM, EINVAL, ...,
// or E followed by the number for the ones it does not name.
func ErrnoString(e int) string {
	switch e {
	case 0:
		return "ok"
	case 12:
		return "ENOMEM"
	case 22:
		return "EINVAL"
	case 14:
		return "EFAULT"
	case 13:
		return "EACCES"
	case 1:
		return "EPERM"
	case 17:
		return "EEXIST"
	case 11:
		return "EAGAIN"
	}
	return "E" + strconv.Itoa(e)
}

func trytouchResult(s string) string { return s + " (+ ok, X SIGSEGV)" }

func brkResult(got int64) string {
	return fmt.Sprintf("refused (brk stays at brk0%+d)", got)
}

// StripColumns removes the mc= and pkey= columns from probe output, so that
// a golden recorded with them can be compared with a run printed without.
func StripColumns(out string, o Options) string {
	if !o.NoMincore && !o.NoPkey {
		return out
	}
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "  [") || !strings.Contains(l, " vmflags=[") {
			continue
		}
		if o.NoMincore {
			if j := strings.LastIndex(l, " mc="); j >= 0 && j > strings.LastIndex(l, " pm=") {
				l = l[:j]
			}
		}
		if o.NoPkey {
			if j := strings.Index(l, " pkey="); j >= 0 {
				k := strings.Index(l[j+1:], " ")
				l = l[:j] + l[j+1+k:]
			}
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// GoldenPrefix starts the first line of a golden file, which names the
// kernel the output was recorded on.
const GoldenPrefix = "# recorded on Linux "

// GoldenHeader is the first line of a golden file recorded here: the
// kernel release (uname -r) and the settings that decide THP, overcommit
// and fault-around behaviour.
func GoldenHeader() string {
	rel := readTrim("/proc/sys/kernel/osrelease")
	thp := readTrim("/sys/kernel/mm/transparent_hugepage/enabled")
	oc := readTrim("/proc/sys/vm/overcommit_memory")
	pk := "no"
	if HostHasPkeys() {
		pk = "yes"
	}
	zp := "yes"
	if !HostHasZeroPage() {
		zp = "no"
	}
	return fmt.Sprintf("%s%s (uname -r); thp enabled: %s; overcommit_memory: %s; pkeys: %s; zero page: %s\n", GoldenPrefix, rel, thp, oc, pk, zp)
}

// HostHasPkeys reports whether this machine's CPU has protection keys
// enabled (the pku and ospke flags of /proc/cpuinfo); false where that
// cannot be read.
func HostHasPkeys() bool {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(b), "\n\n")
	f := " " + strings.ReplaceAll(first, "\t", " ") + " "
	return strings.Contains(f, " pku ") && strings.Contains(f, " ospke ")
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// Golden is a parsed golden file.
type Golden struct {
	Release string // uname -r of the recording kernel
	Pkeys   bool   // the recording CPU had protection keys
	// ZeroPage: the recording kernel mapped the shared zero page on
	// anonymous read faults (goldens older than the field say nothing and
	// were recorded on such a kernel).
	ZeroPage bool
	Out      string // what the probe printed
}

// ParseGolden splits a golden file into the machine it was recorded on and
// the probe output it holds.
func ParseGolden(golden string) (Golden, bool) {
	first, rest, found := strings.Cut(golden, "\n")
	if !found || !strings.HasPrefix(first, GoldenPrefix) {
		return Golden{}, false
	}
	rel, _, _ := strings.Cut(strings.TrimPrefix(first, GoldenPrefix), " ")
	return Golden{
		Release:  rel,
		Pkeys:    !strings.Contains(first, "; pkeys: no"),
		ZeroPage: !strings.Contains(first, "; zero page: no"),
		Out:      rest,
	}, true
}
