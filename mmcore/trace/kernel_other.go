//go:build !(linux && amd64)

package trace

// KernelSupported reports whether RunKernel can run here: the kernel runner
// needs Linux on x86-64 (raw syscalls, /proc/self/pagemap, fork).
const KernelSupported = false

// RunKernel cannot run here; see KernelSupported.
func RunKernel(tr *Trace, src []byte, o Options, repeat int) (string, bool, error) {
	return "", false, ErrNoKernel
}

// KernelChild does nothing where the kernel runner cannot run.
func KernelChild() {}

// HostHasZeroPage cannot look here; the generic kernel maps the zero page.
func HostHasZeroPage() bool { return true }
